-- Key tasks (重点任务): one model for everything someone must do by a date, whatever it came
-- from (a work plan's measure, a meeting's decision, a leader's instruction on a problem, a
-- supervision item, a 放管服 reform item, the office). The annual work plans' measures become
-- tasks with the same ids (their audit rows keep the entity name `work_plan_measure`), and
-- `work_plan_measures` goes. Departments can be retired (`active`): kept for what names
-- them, assigned nothing new. Same tables as the PostgreSQL migration of the same number.

alter table departments add column active integer not null default 1;

-- AUTOINCREMENT: an id is never given again, not even a measure's that was deleted before the
-- move (a task's history is looked up by its id under both entity names).
create table tasks (
    id integer primary key autoincrement,
    title text not null,
    details text not null default '',
    source text not null check (source in ('work_plan_measure', 'meeting_decision',
        'problem_instruction', 'supervision', 'reform', 'office')),
    -- The record of the source's area the task came from (a decision, a problem, an item).
    source_id integer,
    work_plan_id integer references work_plans (id),
    industry_id integer references industries (id),
    region_id integer references regions (id),
    -- Every task written since has one; empty only for a measure moved here without an
    -- owning department in an industry without a lead department.
    lead_department_id integer references departments (id),
    responsible_person text,
    leader_user_id integer references users (id),
    issued_on text not null,
    deadline text not null,
    status text not null check (status in ('not_started', 'in_progress', 'pending_check',
        'closed', 'cancelled')),
    -- Who checks the close: the office, or the supervisor for supervision items.
    issuer text not null check (issuer in ('office', 'supervisor')),
    cancel_reason text,
    -- Why the last submission was sent back.
    reject_reason text,
    -- Submitted as done (cleared when sent back); closed or cancelled.
    done_at text,
    closed_at text,
    created_by text not null,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
-- The lists at province scale: a department's, an industry's, a district's, by status and
-- deadline (open ones, overdue ones); the checker's queue; a source's tasks.
create index tasks_by_lead on tasks (lead_department_id, status, deadline);
create index tasks_by_industry on tasks (industry_id, status, deadline);
create index tasks_by_region on tasks (region_id, status, deadline);
create index tasks_by_status on tasks (status, deadline);
create index tasks_by_work_plan on tasks (work_plan_id);
create index tasks_by_source on tasks (source, source_id);
create index tasks_to_check on tasks (issuer, deadline) where status = 'pending_check';

-- 配合单位.
create table task_departments (
    task_id integer not null references tasks (id),
    department_id integer not null references departments (id),
    primary key (task_id, department_id)
);
create index task_departments_by_department on task_departments (department_id, task_id);

-- Dated progress notes; never changed.
create table task_notes (
    id integer primary key,
    task_id integer not null references tasks (id),
    noted_on text not null,
    progress_note text not null,
    user_id integer references users (id),
    username text not null,
    created_at text not null
);
create index task_notes_task on task_notes (task_id);

-- Evidence, kept in the database with the rest (backups include it).
create table task_files (
    id integer primary key,
    task_id integer not null references tasks (id),
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
create index task_files_task on task_files (task_id);

-- The timeline: created, and every status move (with the reason of a rejection or a
-- cancellation).
create table task_events (
    id integer primary key,
    task_id integer not null references tasks (id),
    kind text not null,
    from_status text,
    to_status text not null,
    reason text,
    user_id integer references users (id),
    username text not null,
    at text not null
);
create index task_events_task on task_events (task_id);

-- The measures, moved. A measure without an owning department gets its industry's lead
-- department; `done` was never checked by anyone, so it is closed as it stood.
insert into tasks (id, title, details, source, work_plan_id, industry_id, lead_department_id,
    responsible_person, issued_on, deadline, status, issuer, done_at, closed_at, created_by,
    version, created_at, updated_at)
select m.id,
    trim(substr(replace(replace(replace(m.measure, char(13), ' '), char(10), ' '), char(9), ' '),
        1, 200)),
    m.measure,
    'work_plan_measure', m.work_plan_id, m.industry_id,
    coalesce(m.owner_department_id, s.lead_department_id), m.owner_person,
    date(m.created_at, '+8 hours'), m.deadline,
    case m.status when 'done' then 'closed' else m.status end,
    'office',
    case when m.status = 'done' then m.updated_at end,
    case when m.status = 'done' then m.updated_at end,
    coalesce((select a.username from audit_log a where a.record_type = 'work_plan_measure'
        and a.record_id = m.id and a.action = 'create' order by a.id limit 1), 'system'),
    m.version, m.created_at, m.updated_at
from work_plan_measures m
left join industry_structures s on s.industry_id = m.industry_id;

-- A title that is the whole measure needs no content repeating it.
update tasks set details = '' where source = 'work_plan_measure' and details = title;

insert into task_events (task_id, kind, from_status, to_status, username, at)
select t.id, 'created', null, t.status, t.created_by, t.created_at
from tasks t;

insert into task_notes (task_id, noted_on, progress_note, username, created_at)
select m.id, date(m.updated_at, '+8 hours'), m.note, 'system', m.updated_at
from work_plan_measures m where m.note is not null and trim(m.note) <> '';

-- New ids start above every measure id ever given.
insert into sqlite_sequence (name, seq)
select 'tasks', 0 where not exists (select 1 from sqlite_sequence where name = 'tasks');
update sqlite_sequence set seq = max(seq,
    (select coalesce(max(record_id), 0) from audit_log where record_type = 'work_plan_measure'))
where name = 'tasks';

drop table work_plan_measures;
