-- Problems (问题协调) and supervision (督办): problems with their departments' assignments,
-- files, timeline and leaders' instructions; supervision items with their units, replies,
-- files and record; yearly numbers. Same tables as the SQLite migration of the same number.
-- Unique constraints are named `<table>_<field>_key` so a violation names the field.


-- The last number given per kind and year: taken and moved on in the transaction that uses
-- it (`insert … on conflict do update … returning`), so two writers never share one.
create table number_sequences (
    kind text not null,
    year integer not null,
    last_number bigint not null,
    primary key (kind, year)
);

create table problems (
    id bigint generated always as identity primary key,
    year integer not null,
    seq bigint not null,
    title text not null,
    kind text not null,
    description text not null,
    origin text not null,
    origin_id bigint,
    project_id bigint references projects (id),
    industry_id bigint not null references industries (id),
    region_id bigint not null references regions (id),
    state text not null,
    raised_by text not null,
    raised_department_id bigint references departments (id),
    raised_at timestamptz not null,
    -- The earliest deadline of the assignments still open (none once resolved): the overdue
    -- list reads it by index. Kept with every change in the same transaction.
    next_deadline date,
    escalation_note text,
    resolution text,
    resolved_at timestamptz,
    resolve_seconds bigint,
    search_text text not null default '',
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint problems_seq_key unique (year, seq)
);
create index problems_state on problems (state, id);
create index problems_industry on problems (industry_id, id);
create index problems_region on problems (region_id, id);
create index problems_next_deadline on problems (next_deadline, id) where next_deadline is not null;
create index problems_project on problems (project_id) where project_id is not null;
create index problems_raised_department on problems (raised_department_id)
    where raised_department_id is not null;

-- One department's part in a problem. The flags the per-department table counts are
-- derived when the step happens (signed within a day, answered after the deadline, how
-- long the answer took).
create table problem_assignments (
    id bigint generated always as identity primary key,
    problem_id bigint not null references problems (id),
    department_id bigint not null references departments (id),
    deadline date not null,
    state text not null,
    assigned_at timestamptz not null,
    assigned_by text not null,
    signed_at timestamptz,
    signed_by text,
    signed_on_time boolean,
    answer text,
    answered_at timestamptz,
    answered_by text,
    answered_late boolean,
    answer_seconds bigint,
    return_reason text,
    returned_at timestamptz,
    urge_count integer not null default 0,
    last_urged_at timestamptz,
    closed_at timestamptz,
    constraint problem_assignments_department_id_key unique (problem_id, department_id)
);
-- What waits on a department (its to-do), by deadline.
create index problem_assignments_department on problem_assignments (department_id, state, deadline);
-- The per-department table of a period.
create index problem_assignments_assigned on problem_assignments (assigned_at, department_id);

-- Attachments of the problem (assignment_id null) and of a department's answer.
create table problem_files (
    id bigint generated always as identity primary key,
    problem_id bigint not null references problems (id),
    assignment_id bigint references problem_assignments (id),
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
create index problem_files_problem on problem_files (problem_id, id);

-- The timeline: every step, who, when, with its text and the department it concerns.
create table problem_events (
    id bigint generated always as identity primary key,
    problem_id bigint not null references problems (id),
    kind text not null,
    department_id bigint references departments (id),
    text text not null default '',
    username text not null,
    at timestamptz not null
);
create index problem_events_problem on problem_events (problem_id, id);

-- A leader's instruction (批示) with what the task it becomes needs. `task_id` is set once
-- the key-task area creates the task.
create table problem_instructions (
    id bigint generated always as identity primary key,
    problem_id bigint not null references problems (id),
    instruction text not null,
    username text not null,
    leader_name text not null,
    lead_department_id bigint not null references departments (id),
    co_department_ids text not null default '[]',
    deadline date not null,
    task_id bigint,
    at timestamptz not null
);
create index problem_instructions_problem on problem_instructions (problem_id, id);

create table supervision_items (
    id bigint generated always as identity primary key,
    year integer not null,
    seq bigint not null,
    title text not null,
    requirement text not null,
    subject text not null,
    subject_id bigint,
    problem_id bigint references problems (id),
    industry_id bigint references industries (id),
    region_id bigint references regions (id),
    deadline date not null,
    state text not null,
    issued_by text not null,
    issuer_department_id bigint references departments (id),
    issued_at timestamptz not null,
    evidence text,
    closed_by text,
    closed_at timestamptz,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint supervision_items_seq_key unique (year, seq)
);
-- The ledger by state and deadline; what waits on the supervisor.
create index supervision_items_state on supervision_items (state, deadline);
create index supervision_items_industry on supervision_items (industry_id) where industry_id is not null;
create index supervision_items_region on supervision_items (region_id) where region_id is not null;
create index supervision_items_problem on supervision_items (problem_id) where problem_id is not null;

-- The units supervised, each with when it last replied.
create table supervision_units (
    item_id bigint not null references supervision_items (id),
    department_id bigint not null references departments (id),
    replied_at timestamptz,
    primary key (item_id, department_id)
);
-- What waits on a unit.
create index supervision_units_department on supervision_units (department_id, replied_at);

create table supervision_replies (
    id bigint generated always as identity primary key,
    item_id bigint not null references supervision_items (id),
    department_id bigint not null references departments (id),
    text text not null,
    username text not null,
    at timestamptz not null
);
create index supervision_replies_item on supervision_replies (item_id, id);

-- Files of an item: the supervisor's evidence (department_id null) and the units'.
create table supervision_files (
    id bigint generated always as identity primary key,
    item_id bigint not null references supervision_items (id),
    department_id bigint references departments (id),
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
create index supervision_files_item on supervision_files (item_id, id);

create table supervision_events (
    id bigint generated always as identity primary key,
    item_id bigint not null references supervision_items (id),
    kind text not null,
    department_id bigint references departments (id),
    text text not null default '',
    username text not null,
    at timestamptz not null
);
create index supervision_events_item on supervision_events (item_id, id);
