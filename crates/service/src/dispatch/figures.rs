//! The figures of a monthly report that come from the system's own records, shown as "from
//! the system" and never retyped: 项目推进 from the project library, 规划编制 from the
//! industry's special plans (status moves in the month), key tasks from the coordination
//! loop. They are read live while a report is a draft and kept with each submission.

use crate::Service;
use crate::access::Access;
use crate::error::Result;
use crate::projects::{ProgrammeReader, ProjectQuery, tenths_percent};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::Money;
use dongneng_domain::clock;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_store::{
    LaggingProject, PolicyFundMonth, PolicyFundMonthItems, TaskEntry, TaskFilter,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// 项目推进: the industry's month in the project dispatch figures — the same numbers as the
/// month's digest (`ProgrammeReader::dispatch_figures`, the library as it stood at the month's
/// end).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectFigures {
    /// Projects in the library.
    pub count: i64,
    pub total_investment: Money,
    /// This year's planned investment and what was completed in the month and the year.
    pub year_plan: Money,
    pub month_completed: Money,
    pub year_completed: Money,
    /// Projects started (construction begun) and completed, in the month and year to date.
    pub started_month: i64,
    pub started_ytd: i64,
    pub finished_month: i64,
    pub finished_ytd: i64,
    /// The year's completion against plan, in tenths of a percent (none without a plan).
    pub rate_tenths: Option<i64>,
    /// The time progress of the year (month / 12), in tenths of a percent.
    pub time_tenths: i64,
    /// The completion rate is behind the time progress.
    pub behind_time: bool,
    /// Projects behind plan (by more than the yellow-warning points), most behind first
    /// (the first 20), with their causes; `behind_total` of them in all.
    pub behind: Vec<LaggingProject>,
    pub behind_total: i64,
}

impl ProjectFigures {
    /// The completion rate as "43.5%" ("—" without a plan).
    pub fn rate_text(&self) -> String {
        self.rate_tenths.map_or_else(|| "—".into(), tenths_percent)
    }

    /// The time progress as "41.6%".
    pub fn time_text(&self) -> String {
        tenths_percent(self.time_tenths)
    }
}

/// 政策落地 and 基金运作: the industry's policies and funds in the month (§3's records).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PolicyFigures {
    pub month: PolicyFundMonth,
    /// The month's payments and investments (the first 10 of each, with the totals).
    pub items: PolicyFundMonthItems,
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
    #[serde(default)]
    pub policies: PolicyFigures,
    pub plans: Vec<PlanMove>,
    pub tasks: TaskFigures,
}

impl Service {
    /// The system's figures of `industry` for `year`-`month`, read now. `access` is a grant
    /// already checked against the report's industry.
    pub(crate) async fn system_figures(
        &self,
        access: &Access,
        industry: i64,
        year: i32,
        month: u32,
    ) -> Result<SystemFigures> {
        let store = self.store();
        let today = clock::today();
        let programme = ProgrammeReader::within(access.city_wide());
        let q = ProjectQuery {
            industry_id: Some(industry),
            ..ProjectQuery::default()
        };
        let industries = [industry];
        let (d, policy_rows, items) = tokio::try_join!(
            programme.dispatch_figures(year, month, &q),
            async {
                Ok(store
                    .policy_fund_month(year, month, Some(&industries))
                    .await?)
            },
            async {
                Ok(store
                    .policy_fund_month_items(year, month, Some(&industries), 10)
                    .await?)
            },
        )?;
        let row = d
            .by_industry
            .iter()
            .find(|r| r.id == Some(industry))
            .cloned()
            .unwrap_or_default();
        let projects = ProjectFigures {
            count: row.projects,
            total_investment: row.total_investment,
            year_plan: row.year_plan,
            month_completed: row.month_completed,
            year_completed: row.year_completed,
            started_month: row.started_month,
            started_ytd: row.started_ytd,
            finished_month: row.finished_month,
            finished_ytd: row.finished_ytd,
            rate_tenths: row.rate_tenths,
            time_tenths: d.time_tenths,
            behind_time: row.behind,
            behind: d.lagging.into_iter().take(20).collect(),
            behind_total: d.lagging_total,
        };
        let policies = PolicyFigures {
            month: policy_rows
                .into_iter()
                .find(|r| r.industry_id == Some(industry))
                .unwrap_or_default(),
            items,
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
            policies,
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
