-- Two-character searches: PostgreSQL gets an index of character pairs here (see its
-- migration of the same number). SQLite keeps its FTS5 trigram table for three or more
-- characters and LIKE for shorter searches.

-- Every year's batch rows of a project, history included: the project page's batch history,
-- and the foreign-key check when a project's rows are removed.
create index if not exists project_batches_project on project_batches (project_id);
