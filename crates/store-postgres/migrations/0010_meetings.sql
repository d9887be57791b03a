-- Meetings (会议): joint meetings, site visits, thematic coordination and the quarterly on-site
-- promotion meeting, with their industries, agenda (free text or a problem, with its outcome),
-- attendees (users or named guests), minutes and decisions — each decision a key task
-- (`tasks.source = 'meeting_decision'`, `tasks.source_id` the meeting). The rules of the
-- quarterly proposal are one versioned row. Same tables as the SQLite migration of the
-- same number.

create table meetings (
    id bigint generated always as identity primary key,
    title text not null,
    kind text not null check (kind in ('joint', 'site_visit', 'thematic', 'quarterly')),
    mode text not null check (mode in ('on_site', 'video')),
    held_on date not null,
    -- year * 10 + quarter of `held_on`: the one quarterly meeting per quarter.
    quarter_key bigint not null,
    place text,
    video_link text,
    chair_user_id bigint not null references users (id),
    organiser_department_id bigint not null references departments (id),
    -- The district it concerns (a site visit), if any.
    region_id bigint references regions (id),
    -- A quarterly meeting beyond the quarter's one.
    extra boolean not null default false,
    -- The industries the proposal offered when the meeting was created (JSON array), and
    -- whether the office took them as they were.
    proposed_industry_ids text not null default '[]',
    followed_proposal boolean not null default false,
    state text not null check (state in ('planned', 'held', 'minutes_published', 'cancelled')),
    minutes text not null default '',
    cancel_reason text,
    published_at timestamptz,
    created_by text not null,
    version bigint not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index meetings_by_day on meetings (held_on, id);
create index meetings_by_organiser on meetings (organiser_department_id);
create index meetings_by_region on meetings (region_id) where region_id is not null;
create unique index meetings_quarter_key on meetings (quarter_key)
    where kind = 'quarterly' and extra = false and state <> 'cancelled';

create table meeting_industries (
    meeting_id bigint not null references meetings (id),
    industry_id bigint not null references industries (id),
    primary key (meeting_id, industry_id)
);
create index meeting_industries_by_industry on meeting_industries (industry_id, meeting_id);

create table meeting_agenda (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references meetings (id),
    position bigint not null,
    topic text not null,
    problem_id bigint references problems (id),
    outcome text,
    created_at timestamptz not null
);
create index meeting_agenda_meeting on meeting_agenda (meeting_id, position);

create table meeting_attendees (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references meetings (id),
    user_id bigint references users (id),
    guest_name text,
    guest_org text,
    created_at timestamptz not null
);
create index meeting_attendees_meeting on meeting_attendees (meeting_id);

-- 议定事项; each is a key task, written in the same transaction.
create table meeting_decisions (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references meetings (id),
    position bigint not null,
    title text not null,
    details text not null default '',
    lead_department_id bigint not null references departments (id),
    deadline date not null,
    task_id bigint not null references tasks (id),
    created_by text not null,
    created_at timestamptz not null
);
create index meeting_decisions_meeting on meeting_decisions (meeting_id, position);
create index meeting_decisions_lead on meeting_decisions (lead_department_id, meeting_id);

-- The rules of the quarterly proposal (one row).
create table meeting_rules (
    id bigint primary key check (id = 1),
    pick bigint not null,
    recent_quarters bigint not null,
    weight_red bigint not null,
    weight_overdue bigint not null,
    weight_gap bigint not null,
    version bigint not null default 1,
    updated_at timestamptz not null
);
insert into meeting_rules (id, pick, recent_quarters, weight_red, weight_overdue, weight_gap,
    version, updated_at)
values (1, 2, 3, 40, 30, 30, 1, '2026-01-01T00:00:00Z'::timestamptz);
