-- Foundation: settings, reference data, accounts, sessions, login attempts, audit trail.
-- Same tables as the SQLite migration of the same number; money (later) is bigint fen.

create table meta (
    key text primary key,
    value text not null
);

create table regions (
    id bigint generated always as identity primary key,
    code text constraint regions_code_key unique,
    name_zh text not null,
    name_en text not null,
    short_name text,
    kind text not null,
    parent_id bigint references regions (id),
    sort_order integer not null default 0,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index regions_parent on regions (parent_id);

create table departments (
    id bigint generated always as identity primary key,
    name_zh text not null constraint departments_name_zh_key unique,
    name_en text not null,
    short_name text,
    kind text not null,
    region_id bigint references regions (id),
    duties text,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create table industry_groups (
    id bigint generated always as identity primary key,
    key text not null constraint industry_groups_key_key unique,
    name_zh text not null,
    name_en text not null,
    sort_order integer not null default 0,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create table industries (
    id bigint generated always as identity primary key,
    key text not null constraint industries_key_key unique,
    name_zh text not null,
    name_en text not null,
    group_id bigint not null references industry_groups (id),
    tier_753 text,
    confirmed boolean not null default false,
    gbt4754 text,
    sort_order integer not null default 0,
    active boolean not null default true,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint industries_name_zh_key unique (group_id, name_zh)
);

-- Small code lists an administrator can extend: monthly report topics, project stages,
-- support systems, library classes.
create table lookups (
    id bigint generated always as identity primary key,
    kind text not null,
    key text not null,
    name_zh text not null,
    name_en text not null,
    sort_order integer not null default 0,
    created_at timestamptz not null,
    constraint lookups_key_key unique (kind, key)
);

create table users (
    id bigint generated always as identity primary key,
    username text not null constraint users_username_key unique,
    display_name text not null,
    department_id bigint references departments (id),
    password_hash text not null,
    disabled boolean not null default false,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create table user_grants (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id) on delete cascade,
    role text not null,
    scope_kind text not null,
    scope_ids text not null default '[]'
);
create index user_grants_user on user_grants (user_id);

create table sessions (
    id bigint generated always as identity primary key,
    token_hash text not null constraint sessions_token_hash_key unique,
    user_id bigint not null references users (id) on delete cascade,
    kind text not null,
    csrf_token text not null,
    created_at timestamptz not null,
    idle_expires_at timestamptz not null,
    expires_at timestamptz not null,
    ip text not null,
    user_agent text not null
);
create index sessions_user on sessions (user_id);

create table login_attempts (
    id bigint generated always as identity primary key,
    username text not null,
    ip text not null,
    success boolean not null,
    at timestamptz not null
);
create index login_attempts_user on login_attempts (username, at);
create index login_attempts_ip on login_attempts (ip, at);

create table audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    user_id bigint,
    username text not null,
    action text not null,
    record_type text not null,
    record_id bigint,
    before_json text,
    after_json text,
    request_id text
);
create index audit_log_record on audit_log (record_type, record_id);
create index audit_log_user on audit_log (username, id);
create index audit_log_at on audit_log (at);

-- The audit trail is append-only.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only();
