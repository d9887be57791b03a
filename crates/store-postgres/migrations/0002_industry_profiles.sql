-- Coordination structure per industry (seed §二): the lead leader and the task force's
-- departments, task-force members, think-tank experts, alliances and their member
-- enterprises, special plans with drafting departments, status dates and files, annual work
-- plans with measures. Same tables as the SQLite migration of the same number. Unique
-- constraints are named `<table>_<field>_key` so a violation names the field.

create table industry_structures (
    id bigint generated always as identity primary key,
    industry_id bigint not null references industries (id)
        constraint industry_structures_industry_id_key unique,
    leader_name text,
    leader_title text,
    lead_department_id bigint references departments (id),
    provincial_counterpart text,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

-- 责任部门: part of the structure record, replaced with it.
create table industry_responsible_departments (
    industry_id bigint not null references industries (id),
    department_id bigint not null references departments (id),
    primary key (industry_id, department_id)
);

create table taskforce_members (
    id bigint generated always as identity primary key,
    industry_id bigint not null references industries (id),
    person_name text not null,
    department_id bigint references departments (id),
    post text,
    member_role text not null,
    is_contact boolean not null default false,
    sort_order integer not null default 0,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index taskforce_members_industry on taskforce_members (industry_id);
-- One contact person and one head per task force.
create unique index taskforce_members_is_contact_key on taskforce_members (industry_id, is_contact)
    where is_contact;
create unique index taskforce_members_member_role_key on taskforce_members (industry_id, member_role)
    where member_role = 'head';

create table think_tank_experts (
    id bigint generated always as identity primary key,
    industry_id bigint not null references industries (id),
    person_name text not null,
    specialty text not null,
    affiliation text not null,
    professional_title text,
    joined_on date not null,
    left_on date,
    note text,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index think_tank_experts_industry on think_tank_experts (industry_id);

create table alliances (
    id bigint generated always as identity primary key,
    industry_id bigint not null references industries (id),
    alliance_name text not null,
    kind text not null,
    plan_kind text not null,
    plan text not null default '',
    plan_status text not null,
    note text,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint alliances_alliance_name_key unique (industry_id, alliance_name)
);

create table alliance_members (
    id bigint generated always as identity primary key,
    industry_id bigint not null references industries (id),
    alliance_id bigint not null references alliances (id) on delete cascade,
    enterprise_name text not null,
    credit_code text,
    alliance_role text not null,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint alliance_members_enterprise_name_key unique (alliance_id, enterprise_name),
    constraint alliance_members_credit_code_key unique (alliance_id, credit_code)
);
create index alliance_members_industry on alliance_members (industry_id);

create table special_plans (
    id bigint generated always as identity primary key,
    industry_id bigint not null references industries (id),
    plan_title text not null,
    summary text,
    status text not null,
    drafted_on date not null,
    under_review_on date,
    approved_on date,
    published_on date,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint special_plans_plan_title_key unique (industry_id, plan_title)
);

create table special_plan_departments (
    plan_id bigint not null references special_plans (id) on delete cascade,
    department_id bigint not null references departments (id),
    primary key (plan_id, department_id)
);

-- Documents of a special plan, kept in the database with the rest (backups include them).
create table special_plan_files (
    id bigint generated always as identity primary key,
    industry_id bigint not null references industries (id),
    plan_id bigint not null references special_plans (id) on delete cascade,
    file_name text not null,
    content_type text not null,
    size_bytes bigint not null,
    sha256 text not null,
    content bytea not null,
    uploaded_by text not null,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index special_plan_files_plan on special_plan_files (plan_id);

create table work_plans (
    id bigint generated always as identity primary key,
    industry_id bigint not null references industries (id),
    year integer not null,
    plan_title text not null,
    goals text,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint work_plans_year_key unique (industry_id, year)
);

create table work_plan_measures (
    id bigint generated always as identity primary key,
    industry_id bigint not null references industries (id),
    work_plan_id bigint not null references work_plans (id) on delete cascade,
    measure text not null,
    owner_department_id bigint references departments (id),
    owner_person text,
    deadline date not null,
    status text not null,
    note text,
    sort_order integer not null default 0,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index work_plan_measures_plan on work_plan_measures (work_plan_id);
create index work_plan_measures_industry on work_plan_measures (industry_id, deadline);
