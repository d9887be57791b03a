-- Indexes for the project list at province scale (see the SQLite migration of the same
-- number): covering indexes for totals, ordered "page" indexes for the newest page.
drop index projects_totals_by_industry;
drop index projects_totals_by_region;
drop index projects_totals_by_status;
drop index projects_region;
drop index projects_industry;
drop index projects_stage;
drop index projects_class;
drop index projects_warning;

create index projects_list_by_industry on projects (industry_id, in_library, region_id, stage)
    include (library_class, warning_level, total_investment, year_plan, completed_investment, year_completed);
create index projects_list_by_region on projects (region_id, in_library, industry_id, stage)
    include (library_class, warning_level, total_investment, year_plan, completed_investment, year_completed);
create index projects_list_by_status on projects (in_library, stage, warning_level)
    include (library_class, industry_id, region_id, total_investment, year_plan, completed_investment, year_completed);
create index projects_page_by_updated on projects (in_library, updated_at)
    include (stage, warning_level, library_class, region_id, industry_id);
create index projects_page_by_industry on projects (industry_id, in_library, updated_at)
    include (stage, warning_level, library_class, region_id);
create index projects_page_by_region on projects (region_id, in_library, updated_at)
    include (stage, warning_level, library_class, industry_id);
create index projects_page_by_stage on projects (in_library, stage, updated_at)
    include (warning_level, library_class, region_id, industry_id);
create index projects_page_by_warning on projects (in_library, warning_level, updated_at)
    include (stage, library_class, region_id, industry_id);

-- Grows with every change to a project (see ProjectStore::library_version).
create table library_version (
    id integer primary key,
    n bigint not null
);
insert into library_version (id, n) values (1, 0);
