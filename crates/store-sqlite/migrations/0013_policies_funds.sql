-- Policies landed (政策落地) and industry funds (基金运作), SPEC 19. A policy: its issuing
-- departments, industries, measures (JSON array of texts) and validity; its beneficiaries
-- (an enterprise by 统一社会信用代码, or a project) with the amount committed; the payments
-- (兑现) to each, dated. A fund: kind, size, manager, its sources with amounts, provincial
-- support applied for and won; its investments into projects and enterprises. Money in 分.
-- `paid` and `invested` are kept in the transaction of every payment or investment; a
-- beneficiary's or investment's `region_id` is its district (the project's, or the
-- enterprise's as entered); `month_key` is year * 100 + month of the date (China's calendar).
-- Same tables as the PostgreSQL migration of the same number.

create table policies (
    id integer primary key,
    title text not null,
    -- 文号, e.g. 淄政发〔2020〕3号.
    doc_number text not null,
    issued_on text not null,
    valid_from text not null,
    -- Open-ended when null.
    valid_to text,
    measures text not null default '[]',
    summary text not null default '',
    created_by text not null,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null,
    check (valid_to is null or valid_to >= valid_from)
);
create unique index policies_doc_number on policies (doc_number);
create index policies_by_issued on policies (issued_on, id);

create table policy_departments (
    policy_id integer not null references policies (id) on delete cascade,
    department_id integer not null references departments (id),
    primary key (policy_id, department_id)
);
create index policy_departments_by_department on policy_departments (department_id, policy_id);

create table policy_industries (
    policy_id integer not null references policies (id) on delete cascade,
    industry_id integer not null references industries (id),
    primary key (policy_id, industry_id)
);
create index policy_industries_by_industry on policy_industries (industry_id, policy_id);

create table policy_beneficiaries (
    id integer primary key,
    policy_id integer not null references policies (id) on delete cascade,
    kind text not null check (kind in ('enterprise', 'project')),
    project_id integer references projects (id),
    enterprise_name text,
    credit_code text,
    region_id integer references regions (id),
    committed integer not null check (committed >= 0),
    paid integer not null default 0,
    note text not null default '',
    created_at text not null,
    check ((kind = 'project' and project_id is not null)
        or (kind = 'enterprise' and enterprise_name is not null and credit_code is not null))
);
create unique index policy_beneficiaries_project_id on policy_beneficiaries (policy_id, project_id)
    where project_id is not null;
create unique index policy_beneficiaries_credit_code
    on policy_beneficiaries (policy_id, credit_code) where credit_code is not null;
create index policy_beneficiaries_by_region on policy_beneficiaries (region_id);

create table policy_payments (
    id integer primary key,
    policy_id integer not null references policies (id) on delete cascade,
    beneficiary_id integer not null references policy_beneficiaries (id) on delete cascade,
    paid_on text not null,
    month_key integer not null,
    amount integer not null check (amount > 0),
    -- Beyond the commitment: allowed only as an adjustment, with its reason.
    adjustment integer not null default 0,
    reason text,
    created_by text not null,
    created_at text not null
);
create index policy_payments_by_month on policy_payments (month_key, policy_id);
create index policy_payments_by_policy on policy_payments (policy_id, paid_on);
create index policy_payments_by_beneficiary on policy_payments (beneficiary_id);

create table funds (
    id integer primary key,
    name text not null,
    kind text not null check (kind in ('guidance', 'industry', 'sub_fund')),
    -- A sub-fund's parent fund, if recorded.
    parent_fund_id integer references funds (id),
    size integer not null check (size > 0),
    manager text not null,
    established_on text,
    provincial_applied integer not null default 0 check (provincial_applied >= 0),
    provincial_won integer not null default 0 check (provincial_won >= 0),
    invested integer not null default 0,
    note text not null default '',
    created_by text not null,
    version integer not null default 1,
    created_at text not null,
    updated_at text not null
);
create unique index funds_name on funds (name);

create table fund_industries (
    fund_id integer not null references funds (id) on delete cascade,
    industry_id integer not null references industries (id),
    primary key (fund_id, industry_id)
);
create index fund_industries_by_industry on fund_industries (industry_id, fund_id);

create table fund_sources (
    id integer primary key,
    fund_id integer not null references funds (id) on delete cascade,
    source text not null check (source in ('city', 'district', 'provincial', 'social')),
    -- The district of a district source.
    region_id integer references regions (id),
    amount integer not null check (amount >= 0),
    note text not null default '',
    created_at text not null
);
create index fund_sources_fund on fund_sources (fund_id);

create table fund_investments (
    id integer primary key,
    fund_id integer not null references funds (id) on delete cascade,
    kind text not null check (kind in ('enterprise', 'project')),
    project_id integer references projects (id),
    enterprise_name text,
    credit_code text,
    region_id integer references regions (id),
    industry_id integer not null references industries (id),
    invested_on text not null,
    month_key integer not null,
    amount integer not null check (amount > 0),
    -- The stake taken, in hundredths of a percent (0 – 10000).
    stake_bp integer not null default 0 check (stake_bp between 0 and 10000),
    note text not null default '',
    created_by text not null,
    created_at text not null,
    check ((kind = 'project' and project_id is not null)
        or (kind = 'enterprise' and enterprise_name is not null and credit_code is not null))
);
create index fund_investments_by_month on fund_investments (month_key, industry_id);
create index fund_investments_by_fund on fund_investments (fund_id, invested_on);
create index fund_investments_by_industry on fund_investments (industry_id, month_key);
