-- The key-project library: projects (current state), their versions (for "as at" views),
-- yearly batches, monthly progress, stage and library events, factor-guarantee needs.
-- Rows of project_versions, project_batches and project_progress are never changed in place
-- except to close them (valid_to): a change closes the current row and opens a new one, so
-- the library can be shown as it stood at any moment. Money is integer fen.

create table projects (
    id integer primary key,
    code text unique,
    name text not null,
    owner_name text not null,
    owner_credit_code text,
    region_id integer not null references regions (id),
    industry_id integer not null references industries (id),
    gbt_section text,
    gbt_division text,
    library_class text not null,
    nature text not null,
    content text not null default '',
    total_investment integer not null,
    initial_completed integer not null default 0,
    completed_investment integer not null default 0,
    plan_year integer not null,
    year_plan integer not null default 0,
    year_completed integer not null default 0,
    planned_start text,
    actual_start text,
    planned_finish text,
    actual_finish text,
    responsible_unit text,
    leader_in_charge text,
    contact_name text,
    contact_phone text,
    stage text not null,
    in_library integer not null default 1,
    left_reason text,
    left_on text,
    last_progress_ym integer,
    warning_level text not null default 'green',
    warning_reasons text not null default '[]',
    search_text text not null default '',
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index projects_region on projects (region_id);
create index projects_industry on projects (industry_id);
create index projects_stage on projects (stage);
create index projects_class on projects (library_class);
create index projects_warning on projects (warning_level);
create index projects_name_owner on projects (name, owner_name);
create index projects_updated on projects (updated_at);

-- Chinese substring search: trigram full-text index over name, owner and content.
create virtual table projects_fts using fts5 (
    search_text, content = 'projects', content_rowid = 'id', tokenize = 'trigram'
);
create trigger projects_fts_insert after insert on projects begin
    insert into projects_fts (rowid, search_text) values (new.id, new.search_text);
end;
create trigger projects_fts_delete after delete on projects begin
    insert into projects_fts (projects_fts, rowid, search_text) values ('delete', old.id, old.search_text);
end;
create trigger projects_fts_update after update of search_text on projects begin
    insert into projects_fts (projects_fts, rowid, search_text) values ('delete', old.id, old.search_text);
    insert into projects_fts (rowid, search_text) values (new.id, new.search_text);
end;

create table project_versions (
    id integer primary key,
    project_id integer not null references projects (id),
    valid_from text not null,
    valid_to text,
    code text,
    name text not null,
    owner_name text not null,
    region_id integer not null,
    industry_id integer not null,
    library_class text not null,
    nature text not null,
    stage text not null,
    in_library integer not null,
    total_investment integer not null,
    initial_completed integer not null,
    username text not null
);
create index project_versions_at on project_versions (project_id, valid_from);
create index project_versions_open on project_versions (valid_to);

create table project_batches (
    id integer primary key,
    project_id integer not null references projects (id),
    year integer not null,
    planned_investment integer not null,
    valid_from text not null,
    valid_to text
);
create unique index project_batches_current on project_batches (project_id, year) where valid_to is null;
create index project_batches_year on project_batches (year, project_id);

create table project_progress (
    id integer primary key,
    project_id integer not null references projects (id),
    ym integer not null,
    year integer not null,
    month integer not null,
    month_investment integer not null,
    ytd_investment integer not null,
    cumulative_investment integer not null,
    image_progress text not null default '',
    milestone text not null default '',
    problems text not null default '',
    next_steps text not null default '',
    username text not null,
    valid_from text not null,
    valid_to text
);
create unique index project_progress_current on project_progress (project_id, ym) where valid_to is null;
create index project_progress_at on project_progress (project_id, ym, valid_from);

create table project_events (
    id integer primary key,
    project_id integer not null references projects (id),
    kind text not null,
    from_stage text,
    to_stage text,
    on_date text not null,
    note text not null default '',
    username text not null,
    at text not null
);
create index project_events_project on project_events (project_id, id);

create table project_factors (
    id integer primary key,
    project_id integer not null references projects (id),
    kind text not null,
    required integer not null,
    fulfilled integer not null default 0,
    needed_by text,
    note text,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null,
    unique (project_id, kind)
);

-- Scheduled work runs once however many servers run: a job takes the lease first.
create table leases (
    name text primary key,
    holder text not null,
    expires_at text not null
);

-- Error reports of refused imports: the uploaded sheet with the bad cells marked, kept a day
-- for the user to download (in the database, so any server instance can hand it out).
create table import_reports (
    id integer primary key,
    token text not null unique,
    user_id integer,
    filename text not null,
    bytes blob not null,
    created_at text not null
);
