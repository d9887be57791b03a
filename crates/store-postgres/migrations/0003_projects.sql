-- The key-project library (see the SQLite migration of the same number for the design).

create extension if not exists pg_trgm schema public;

create table projects (
    id bigint generated always as identity primary key,
    code text constraint projects_code_key unique,
    name text not null,
    owner_name text not null,
    owner_credit_code text,
    region_id bigint not null references regions (id),
    industry_id bigint not null references industries (id),
    gbt_section text,
    gbt_division text,
    library_class text not null,
    nature text not null,
    content text not null default '',
    total_investment bigint not null,
    initial_completed bigint not null default 0,
    completed_investment bigint not null default 0,
    plan_year integer not null,
    year_plan bigint not null default 0,
    year_completed bigint not null default 0,
    planned_start date,
    actual_start date,
    planned_finish date,
    actual_finish date,
    responsible_unit text,
    leader_in_charge text,
    contact_name text,
    contact_phone text,
    stage text not null,
    in_library boolean not null default true,
    left_reason text,
    left_on date,
    last_progress_ym integer,
    warning_level text not null default 'green',
    warning_reasons text not null default '[]',
    search_text text not null default '',
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index projects_region on projects (region_id);
create index projects_industry on projects (industry_id);
create index projects_stage on projects (stage);
create index projects_class on projects (library_class);
create index projects_warning on projects (warning_level);
create index projects_name_owner on projects (name, owner_name);
create index projects_updated on projects (updated_at);
-- Chinese substring search: trigram index for ilike '%…%'.
create index projects_search on projects using gin (search_text public.gin_trgm_ops);

create table project_versions (
    id bigint generated always as identity primary key,
    project_id bigint not null references projects (id),
    valid_from timestamptz not null,
    valid_to timestamptz,
    code text,
    name text not null,
    owner_name text not null,
    region_id bigint not null,
    industry_id bigint not null,
    library_class text not null,
    nature text not null,
    stage text not null,
    in_library boolean not null,
    total_investment bigint not null,
    initial_completed bigint not null,
    username text not null
);
create index project_versions_at on project_versions (project_id, valid_from);
create index project_versions_open on project_versions (valid_to);

create table project_batches (
    id bigint generated always as identity primary key,
    project_id bigint not null references projects (id),
    year integer not null,
    planned_investment bigint not null,
    valid_from timestamptz not null,
    valid_to timestamptz
);
create unique index project_batches_current on project_batches (project_id, year) where valid_to is null;
create index project_batches_year on project_batches (year, project_id);

create table project_progress (
    id bigint generated always as identity primary key,
    project_id bigint not null references projects (id),
    ym integer not null,
    year integer not null,
    month integer not null,
    month_investment bigint not null,
    ytd_investment bigint not null,
    cumulative_investment bigint not null,
    image_progress text not null default '',
    milestone text not null default '',
    problems text not null default '',
    next_steps text not null default '',
    username text not null,
    valid_from timestamptz not null,
    valid_to timestamptz
);
create unique index project_progress_current on project_progress (project_id, ym) where valid_to is null;
create index project_progress_at on project_progress (project_id, ym, valid_from);

create table project_events (
    id bigint generated always as identity primary key,
    project_id bigint not null references projects (id),
    kind text not null,
    from_stage text,
    to_stage text,
    on_date date not null,
    note text not null default '',
    username text not null,
    at timestamptz not null
);
create index project_events_project on project_events (project_id, id);

create table project_factors (
    id bigint generated always as identity primary key,
    project_id bigint not null references projects (id),
    kind text not null,
    required bigint not null,
    fulfilled bigint not null default 0,
    needed_by date,
    note text,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint project_factors_kind_key unique (project_id, kind)
);

create table leases (
    name text primary key,
    holder text not null,
    expires_at timestamptz not null
);

-- Error reports of refused imports: the uploaded sheet with the bad cells marked, kept a day
-- for the user to download (in the database, so any server instance can hand it out).
create table import_reports (
    id bigint generated always as identity primary key,
    token text not null unique,
    user_id bigint,
    filename text not null,
    bytes bytea not null,
    created_at timestamptz not null
);
