-- Two-character Chinese searches (芯片, 光伏, 氢能 …). pg_trgm cannot serve a pattern shorter
-- than three characters, so such an ilike read every project (about 300 ms at 200,000
-- projects, and seconds under load). An index of each project's character pairs finds the
-- candidates; the ilike then confirms them.
create or replace function dn_bigrams(t text) returns text[]
language sql immutable parallel safe strict cost 1000 as $$
    select coalesce(array_agg(distinct substr(lower(t), i, 2)), '{}')
    from generate_series(1, greatest(char_length(t) - 1, 0)) as i
$$;

create index if not exists projects_search_bigrams on projects using gin (dn_bigrams(search_text));

-- Every year's batch rows of a project, history included: the project page's batch history,
-- and the foreign-key check when a project's rows are removed (without it, each removed
-- project read all batch rows of the province).
create index if not exists project_batches_project on project_batches (project_id);
