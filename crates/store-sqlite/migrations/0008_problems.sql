-- Problems (问题协调) and supervision (督办): problems with their departments' assignments,
-- files, timeline and leaders' instructions; supervision items with their units, replies,
-- files and record; yearly numbers. Same tables as the PostgreSQL migration of the same
-- number. Timestamps are ISO-8601 UTC text, dates YYYY-MM-DD text, booleans 0/1, files blobs.


-- The last number given per kind and year: taken and moved on in the transaction that uses
-- it (`insert … on conflict do update … returning`), so two writers never share one.
create table number_sequences (
    kind text not null,
    year integer not null,
    last_number integer not null,
    primary key (kind, year)
);

create table problems (
    id integer primary key,
    year integer not null,
    seq integer not null,
    title text not null,
    kind text not null,
    description text not null,
    origin text not null,
    origin_id integer,
    project_id integer references projects (id),
    industry_id integer not null references industries (id),
    region_id integer not null references regions (id),
    state text not null,
    raised_by text not null,
    raised_department_id integer references departments (id),
    raised_at text not null,
    -- The earliest deadline of the assignments still open (none once resolved): the overdue
    -- list reads it by index. Kept with every change in the same transaction.
    next_deadline text,
    escalation_note text,
    resolution text,
    resolved_at text,
    resolve_seconds integer,
    search_text text not null default '',
    version integer not null default 1,
    created_at text not null,
    updated_at text not null,
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
    id integer primary key,
    problem_id integer not null references problems (id),
    department_id integer not null references departments (id),
    deadline text not null,
    state text not null,
    assigned_at text not null,
    assigned_by text not null,
    signed_at text,
    signed_by text,
    signed_on_time integer,
    answer text,
    answered_at text,
    answered_by text,
    answered_late integer,
    answer_seconds integer,
    return_reason text,
    returned_at text,
    urge_count integer not null default 0,
    last_urged_at text,
    closed_at text,
    constraint problem_assignments_department_id_key unique (problem_id, department_id)
);
-- What waits on a department (its to-do), by deadline.
create index problem_assignments_department on problem_assignments (department_id, state, deadline);
-- The per-department table of a period.
create index problem_assignments_assigned on problem_assignments (assigned_at, department_id);

-- Attachments of the problem (assignment_id null) and of a department's answer.
create table problem_files (
    id integer primary key,
    problem_id integer not null references problems (id),
    assignment_id integer references problem_assignments (id),
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    content blob not null,
    uploaded_by text not null,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index problem_files_problem on problem_files (problem_id, id);

-- The timeline: every step, who, when, with its text and the department it concerns.
create table problem_events (
    id integer primary key,
    problem_id integer not null references problems (id),
    kind text not null,
    department_id integer references departments (id),
    text text not null default '',
    username text not null,
    at text not null
);
create index problem_events_problem on problem_events (problem_id, id);

-- A leader's instruction (批示) with what the task it becomes needs. `task_id` is set once
-- the key-task area creates the task.
create table problem_instructions (
    id integer primary key,
    problem_id integer not null references problems (id),
    instruction text not null,
    username text not null,
    leader_name text not null,
    lead_department_id integer not null references departments (id),
    co_department_ids text not null default '[]',
    deadline text not null,
    task_id integer,
    at text not null
);
create index problem_instructions_problem on problem_instructions (problem_id, id);

create table supervision_items (
    id integer primary key,
    year integer not null,
    seq integer not null,
    title text not null,
    requirement text not null,
    subject text not null,
    subject_id integer,
    problem_id integer references problems (id),
    industry_id integer references industries (id),
    region_id integer references regions (id),
    deadline text not null,
    state text not null,
    issued_by text not null,
    issuer_department_id integer references departments (id),
    issued_at text not null,
    evidence text,
    closed_by text,
    closed_at text,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null,
    constraint supervision_items_seq_key unique (year, seq)
);
-- The ledger by state and deadline; what waits on the supervisor.
create index supervision_items_state on supervision_items (state, deadline);
create index supervision_items_industry on supervision_items (industry_id) where industry_id is not null;
create index supervision_items_region on supervision_items (region_id) where region_id is not null;
create index supervision_items_problem on supervision_items (problem_id) where problem_id is not null;

-- The units supervised, each with when it last replied.
create table supervision_units (
    item_id integer not null references supervision_items (id),
    department_id integer not null references departments (id),
    replied_at text,
    primary key (item_id, department_id)
);
-- What waits on a unit.
create index supervision_units_department on supervision_units (department_id, replied_at);

create table supervision_replies (
    id integer primary key,
    item_id integer not null references supervision_items (id),
    department_id integer not null references departments (id),
    text text not null,
    username text not null,
    at text not null
);
create index supervision_replies_item on supervision_replies (item_id, id);

-- Files of an item: the supervisor's evidence (department_id null) and the units'.
create table supervision_files (
    id integer primary key,
    item_id integer not null references supervision_items (id),
    department_id integer references departments (id),
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    content blob not null,
    uploaded_by text not null,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create index supervision_files_item on supervision_files (item_id, id);

create table supervision_events (
    id integer primary key,
    item_id integer not null references supervision_items (id),
    kind text not null,
    department_id integer references departments (id),
    text text not null default '',
    username text not null,
    at text not null
);
create index supervision_events_item on supervision_events (item_id, id);
