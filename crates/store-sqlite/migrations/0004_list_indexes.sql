-- Covering indexes for the project list's totals: with every filtered and summed column in
-- the index, totals over a province's library read a few MB of index instead of the rows.
create index projects_totals_by_industry on projects (
    industry_id, in_library, region_id, stage, library_class, warning_level,
    total_investment, year_plan, completed_investment, year_completed
);
create index projects_totals_by_region on projects (
    region_id, in_library, industry_id, stage, library_class, warning_level,
    total_investment, year_plan, completed_investment, year_completed
);
create index projects_totals_by_status on projects (
    in_library, stage, warning_level, library_class, industry_id, region_id,
    total_investment, year_plan, completed_investment, year_completed
);
