-- Foundation: settings, reference data, accounts, sessions, login attempts, audit trail.
-- Timestamps are ISO-8601 UTC text; booleans are 0/1; money (later) is integer fen.

create table meta (
    key text primary key,
    value text not null
);

create table regions (
    id integer primary key,
    code text unique,
    name_zh text not null,
    name_en text not null,
    short_name text,
    kind text not null,
    parent_id integer references regions (id),
    sort_order integer not null default 0,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index regions_parent on regions (parent_id);

create table departments (
    id integer primary key,
    name_zh text not null unique,
    name_en text not null,
    short_name text,
    kind text not null,
    region_id integer references regions (id),
    duties text,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);

create table industry_groups (
    id integer primary key,
    key text not null unique,
    name_zh text not null,
    name_en text not null,
    sort_order integer not null default 0,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);

create table industries (
    id integer primary key,
    key text not null unique,
    name_zh text not null,
    name_en text not null,
    group_id integer not null references industry_groups (id),
    tier_753 text,
    confirmed integer not null default 0,
    gbt4754 text,
    sort_order integer not null default 0,
    active integer not null default 1,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null,
    unique (group_id, name_zh)
);

-- Small code lists an administrator can extend: monthly report topics, project stages,
-- support systems, library classes.
create table lookups (
    id integer primary key,
    kind text not null,
    key text not null,
    name_zh text not null,
    name_en text not null,
    sort_order integer not null default 0,
    created_at text not null,
    constraint lookups_key_key unique (kind, key)
);

create table users (
    id integer primary key,
    username text not null unique,
    display_name text not null,
    department_id integer references departments (id),
    password_hash text not null,
    disabled integer not null default 0,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);

create table user_grants (
    id integer primary key,
    user_id integer not null references users (id) on delete cascade,
    role text not null,
    scope_kind text not null,
    scope_ids text not null default '[]'
);
create index user_grants_user on user_grants (user_id);

create table sessions (
    id integer primary key,
    token_hash text not null unique,
    user_id integer not null references users (id) on delete cascade,
    kind text not null,
    csrf_token text not null,
    created_at text not null,
    idle_expires_at text not null,
    expires_at text not null,
    ip text not null,
    user_agent text not null
);
create index sessions_user on sessions (user_id);

create table login_attempts (
    id integer primary key,
    username text not null,
    ip text not null,
    success integer not null,
    at text not null
);
create index login_attempts_user on login_attempts (username, at);
create index login_attempts_ip on login_attempts (ip, at);

create table audit_log (
    id integer primary key,
    at text not null,
    user_id integer,
    username text not null,
    action text not null,
    record_type text not null,
    record_id integer,
    before_json text,
    after_json text,
    request_id text
);
create index audit_log_record on audit_log (record_type, record_id);
create index audit_log_user on audit_log (username, id);
create index audit_log_at on audit_log (at);

-- The audit trail is append-only.
create trigger audit_log_no_update before update on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;
create trigger audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;
