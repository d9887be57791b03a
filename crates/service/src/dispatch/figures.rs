//! The figures of a monthly report that come from the system's own records, shown as "from
//! the system" and never retyped: 项目推进 from the project library, 规划编制 from the
//! industry's special plans (status moves in the month), key tasks from the coordination
//! loop. They are read live while a report is a draft and kept with each submission.

use crate::Service;
use crate::error::Result;
use chrono::{Datelike, NaiveDate};
use dongneng_domain::Money;
use dongneng_domain::clock;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_store::{PackProject, ProjectFilter, TaskEntry, TaskFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// 项目推进: the industry's projects in the library.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectFigures {
    /// Projects in the library.
    pub count: i64,
    pub total_investment: Money,
    /// This year's planned and completed investment.
    pub year_plan: Money,
    pub year_completed: Money,
    /// Completed against plan this year, in per cent (none without a plan).
    pub completion_percent: Option<f64>,
    /// Projects under construction and completed (by stage).
    pub started: i64,
    pub completed: i64,
    pub red: i64,
    pub yellow: i64,
    /// Projects behind plan (a red or yellow warning), red first, with their causes.
    pub behind: Vec<PackProject>,
}

/// 规划编制: a special plan whose status moved in the month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanMove {
    pub plan_id: i64,
    pub title: String,
    /// The status reached (`profile.special_plan_status`).
    pub status: String,
    pub on: NaiveDate,
}

/// Key tasks of the industry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskFigures {
    pub all: i64,
    /// Closed (done and checked).
    pub closed: i64,
    pub overdue: i64,
    /// The overdue ones (the first 20).
    pub overdue_tasks: Vec<TaskEntry>,
}

/// Everything of a report that comes from the system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SystemFigures {
    /// The day the figures were read.
    pub as_of: NaiveDate,
    pub projects: ProjectFigures,
    pub plans: Vec<PlanMove>,
    pub tasks: TaskFigures,
}

impl Service {
    /// The system's figures of `industry` for `year`-`month`, read now.
    pub(crate) async fn system_figures(
        &self,
        industry: i64,
        year: i32,
        month: u32,
    ) -> Result<SystemFigures> {
        let store = self.store();
        let today = clock::today();
        let filter = ProjectFilter {
            scope: DataScope {
                all: true,
                ..DataScope::default()
            },
            industry_ids: vec![industry],
            in_library: Some(true),
            ..ProjectFilter::default()
        };
        let key = format!("{filter:?}");
        let sums = self
            .cached_sums(key, || store.project_sums(&filter))
            .await?;
        let behind = store.pack_projects(industry, 20).await?;
        let projects = ProjectFigures {
            count: sums.count,
            total_investment: sums.total_investment,
            year_plan: sums.year_plan,
            year_completed: sums.year_completed,
            completion_percent: sums.year_completed.percent_of(sums.year_plan),
            started: sums.started,
            completed: sums.completed_stage,
            red: sums.red,
            yellow: sums.yellow,
            behind,
        };
        let in_month =
            |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == year && d.month() == month);
        let mut plans = Vec::new();
        for p in store.list_special_plans(industry).await? {
            for (status, on) in [
                ("drafting", Some(p.drafted_on)),
                ("under_review", p.under_review_on),
                ("approved", p.approved_on),
                ("published", p.published_on),
            ] {
                if in_month(on) {
                    plans.push(PlanMove {
                        plan_id: p.id,
                        title: p.plan_title.clone(),
                        status: status.to_string(),
                        on: on.unwrap_or(p.drafted_on),
                    });
                }
            }
        }
        plans.sort_by_key(|p| (p.on, p.plan_id));
        let task_filter = TaskFilter {
            scope: DataScope {
                all: true,
                ..DataScope::default()
            },
            industry_id: Some(industry),
            ..TaskFilter::default()
        };
        let counts = store.task_counts(&task_filter, today).await?;
        let late = TaskFilter {
            overdue_on: Some(today),
            ..task_filter.clone()
        };
        let overdue_tasks: Vec<TaskEntry> = store
            .task_page(&late, Page::new(Some(1), Some(20)))
            .await?
            .into_iter()
            .map(|t| t.on(today))
            .collect();
        Ok(SystemFigures {
            as_of: today,
            projects,
            plans,
            tasks: TaskFigures {
                all: counts.all,
                closed: counts.closed,
                overdue: counts.overdue,
                overdue_tasks,
            },
        })
    }
}
