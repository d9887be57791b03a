-- Monthly dispatch (一月一专题调度): a reporting period per month, opened by itself with its
-- task forces (the industries with a coordination structure) and each one's deadline (a day
-- of the next month; the office may extend one with a reason), and one report per task force
-- and month on six sections, or the record of an oral report. A report's steps form its
-- timeline; a return keeps what the report said then, so the office sees what changed. Same
-- tables as the SQLite migration of the same number.

-- The day of the next month reports are due (one row, the office's).
create table dispatch_settings (
    id bigint primary key check (id = 1),
    deadline_day bigint not null check (deadline_day between 1 and 28),
    version bigint not null default 1,
    updated_at timestamptz not null
);
insert into dispatch_settings (id, deadline_day, version, updated_at)
values (1, 5, 1, '2026-01-01T00:00:00Z'::timestamptz);

create table dispatch_periods (
    id bigint generated always as identity primary key,
    -- year * 100 + month: one period per month.
    month_key bigint not null constraint dispatch_periods_month_key_key unique,
    year bigint not null,
    month bigint not null check (month between 1 and 12),
    state text not null check (state in ('open', 'locked')),
    -- The deadline the period opened with (task forces may have an extended one).
    deadline date not null,
    lock_reason text,
    created_by text not null,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index dispatch_periods_year on dispatch_periods (year, month);

-- The task forces of a period, each with its deadline.
create table dispatch_period_industries (
    period_id bigint not null references dispatch_periods (id),
    industry_id bigint not null references industries (id),
    deadline date not null,
    extension_reason text,
    extended_by text,
    extended_at timestamptz,
    primary key (period_id, industry_id)
);
create index dispatch_period_industries_industry
    on dispatch_period_industries (industry_id, period_id);

create table dispatch_reports (
    id bigint generated always as identity primary key,
    period_id bigint not null references dispatch_periods (id),
    industry_id bigint not null references industries (id),
    form text not null check (form in ('written', 'oral')),
    state text not null
        check (state in ('draft', 'submitted', 'returned', 'resubmitted', 'accepted')),
    planning text not null default '',
    projects text not null default '',
    policies text not null default '',
    funds text not null default '',
    talent text not null default '',
    investment text not null default '',
    talent_top bigint not null default 0 check (talent_top >= 0),
    talent_leading bigint not null default 0 check (talent_leading >= 0),
    talent_young bigint not null default 0 check (talent_young >= 0),
    talent_other bigint not null default 0 check (talent_other >= 0),
    talent_platforms bigint not null default 0 check (talent_platforms >= 0),
    investment_leads bigint not null default 0 check (investment_leads >= 0),
    investment_signed bigint not null default 0 check (investment_signed >= 0),
    investment_signed_amount bigint not null default 0 check (investment_signed_amount >= 0),
    investment_landed bigint not null default 0 check (investment_landed >= 0),
    investment_landed_amount bigint not null default 0 check (investment_landed_amount >= 0),
    oral_on date,
    oral_by text,
    oral_to text,
    oral_summary text,
    -- The sections the last return reopened (JSON array of codes), and why.
    returned_sections text not null default '[]',
    return_reason text,
    -- What the report said when it was last returned (JSON), for the diff.
    returned_content text,
    -- The figures from the system as they stood at the last submission (JSON).
    system_figures text,
    first_submitted_at timestamptz,
    submitted_at timestamptz,
    accepted_at timestamptz,
    created_by text not null,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint dispatch_reports_industry_id_key unique (period_id, industry_id)
);
create index dispatch_reports_industry on dispatch_reports (industry_id, period_id);
create index dispatch_reports_state on dispatch_reports (state, period_id);

-- The report's timeline.
create table dispatch_report_steps (
    id bigint generated always as identity primary key,
    report_id bigint not null references dispatch_reports (id),
    step text not null,
    note text not null default '',
    -- The sections a step concerns (JSON array of codes).
    sections text not null default '[]',
    username text not null,
    at timestamptz not null
);
create index dispatch_report_steps_report on dispatch_report_steps (report_id, id);
