-- Everyone's to-do (我的待办), in-app notifications and reminders. Same tables as the SQLite
-- migration of the same number.

-- A notification for one user, written in the transaction of the step it tells of.
create table notifications (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id),
    -- What happened: assigned, answered, returned, escalated, instructed, resolved, urged,
    -- task_submitted, task_closed, task_rejected, supervision_issued, supervision_replied,
    -- supervision_closed, reminder_before, reminder_due, reminder_after, reminder_escalated.
    kind text not null,
    record_type text not null,
    record_id bigint not null,
    -- The record's number and title, and the step's text (an answer, a reason).
    title text not null,
    body text not null default '',
    link text not null,
    created_at timestamptz not null,
    read_at timestamptz
);
-- A user's notifications, newest first; the unread count.
create index notifications_user on notifications (user_id, id);
create index notifications_unread on notifications (user_id) where read_at is null;

-- The reminder calendar (one row): days before a deadline, on the day, days after, and the
-- escalation to the leader in charge. Changed by the office, versioned.
create table reminder_settings (
    id bigint primary key check (id = 1),
    days_before integer not null,
    on_the_day boolean not null,
    days_after integer not null,
    escalate_after integer not null,
    version bigint not null default 1,
    updated_at timestamptz not null
);
insert into reminder_settings (id, days_before, on_the_day, days_after, escalate_after, updated_at)
values (1, 3, true, 1, 3, '2026-01-01T00:00:00Z');

-- Every reminder sent, under a key naming the record, its deadline and the stage: a second
-- instance or a second run finds the key taken and sends nothing.
create table reminders_sent (
    key text primary key,
    sent_at timestamptz not null
);

-- The office's queue of answers to review, by deadline.
create index problem_assignments_state on problem_assignments (state, deadline);

-- Where reminders are e-mailed when the server has SMTP configured (none: in-app only).
alter table users add column email text;
