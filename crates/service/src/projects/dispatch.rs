//! A month's project dispatch figures (项目推进 of 月度调度): per industry, per district and
//! for the whole scope — projects, total and yearly planned investment, completed in the
//! month and in the year to date, the completion rate against the time progress of the year
//! (month / 12) — and the projects behind plan with their causes.
//!
//! The figures come from the library as it stood at the month's end, through the same select
//! as the "as at" totals (`ProjectStore::sums_as_at`): the city total of completed investment
//! therefore equals the library's totals for the same filter and month, exactly.

use super::{ProgrammeReader, ProjectQuery};
use crate::error::{Result, ServiceError};
use chrono::Datelike;
use dongneng_domain::clock;
use dongneng_domain::money::Money;
use dongneng_domain::project::ym;
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_store::{DispatchCell, LaggingProject, Region};
use serde::Serialize;
use utoipa::ToSchema;

/// At most this many lagging projects are listed (the total is always given).
pub const LAGGING_LIMIT: i64 = 200;

/// One row of the dispatch table: an industry, a district, or the total.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct FigureRow {
    /// The industry's or the district's id (`None` for the total).
    pub id: Option<i64>,
    pub name: String,
    pub projects: i64,
    /// 总投资 (fen).
    pub total_investment: Money,
    /// 年度计划投资 (fen).
    pub year_plan: Money,
    /// 本月完成投资 (fen).
    pub month_completed: Money,
    /// 本年累计完成投资 (fen).
    pub year_completed: Money,
    pub started_month: i64,
    pub started_ytd: i64,
    pub finished_month: i64,
    pub finished_ytd: i64,
    /// The year's completion rate in tenths of a percent (`None` without a plan).
    pub rate_tenths: Option<i64>,
    /// Behind the time progress of the year.
    pub behind: bool,
}

impl FigureRow {
    fn add(&mut self, c: &DispatchCell) {
        self.projects += c.projects;
        self.total_investment = Money(self.total_investment.0 + c.total_investment.0);
        self.year_plan = Money(self.year_plan.0 + c.year_plan.0);
        self.month_completed = Money(self.month_completed.0 + c.month_completed.0);
        self.year_completed = Money(self.year_completed.0 + c.year_completed.0);
        self.started_month += c.started_month;
        self.started_ytd += c.started_ytd;
        self.finished_month += c.finished_month;
        self.finished_ytd += c.finished_ytd;
    }

    fn finish(&mut self, time_tenths: i64) {
        self.rate_tenths = (self.year_plan.0 > 0)
            .then(|| ((self.year_completed.0 as i128 * 1000) / self.year_plan.0 as i128) as i64);
        self.behind = self.rate_tenths.is_some_and(|r| r < time_tenths);
    }

    /// The rate as "43.5%" ("—" without a plan).
    pub fn rate_text(&self) -> String {
        match self.rate_tenths {
            Some(r) => tenths_percent(r),
            None => "—".into(),
        }
    }
}

/// Tenths of a percent as "43.5%".
pub fn tenths_percent(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let t = t.abs();
    format!("{sign}{}.{}%", t / 10, t % 10)
}

/// A month's project dispatch figures within the reader's scope.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DispatchFigures {
    pub year: i32,
    pub month: u32,
    /// The time progress of the year (month / 12), in tenths of a percent.
    pub time_tenths: i64,
    pub by_industry: Vec<FigureRow>,
    /// Per district (the regions directly below the city; projects of the city itself form
    /// the city's own row).
    pub by_district: Vec<FigureRow>,
    pub total: FigureRow,
    /// Behind the time progress by more than the yellow-warning points, most behind first
    /// (at most [`LAGGING_LIMIT`]).
    pub lagging: Vec<LaggingProject>,
    pub lagging_total: i64,
    /// The points the lagging projects are behind by more than (the yellow threshold).
    pub lagging_points: u32,
}

/// Checks a month asked for: a real month, not in the future. The current month is allowed
/// (the library as it stands).
pub fn check_month(year: i32, month: u32) -> Result<()> {
    let mut errs = FieldErrors::new();
    if !(2000..=2100).contains(&year) {
        errs.push(
            FieldError::new("year", "range")
                .with("min", 2000)
                .with("max", 2100),
        );
    }
    if !(1..=12).contains(&month) {
        errs.push(
            FieldError::new("month", "range")
                .with("min", 1)
                .with("max", 12),
        );
    }
    errs.into_result()?;
    let today = clock::today();
    if (year, month) > (today.year(), today.month()) {
        return Err(ServiceError::field("month", "future_month"));
    }
    Ok(())
}

/// The region directly below the root that `id` lies in (itself when it is the root or
/// directly below it).
fn district_of(regions: &[Region], id: i64) -> i64 {
    let path = super::region_path(regions, id);
    // `path` runs from the region up to the root.
    match path.len() {
        0 | 1 => id,
        n => path[n - 2],
    }
}

impl ProgrammeReader {
    /// The month's dispatch figures for the projects of `q` within the reader's scope (one
    /// industry: `q.industry_id`). The city total's `year_completed` equals
    /// [`ProgrammeReader::projects_as_at`]'s totals for the same query and month.
    pub async fn dispatch_figures(
        &self,
        year: i32,
        month: u32,
        q: &ProjectQuery,
    ) -> Result<DispatchFigures> {
        check_month(year, month)?;
        let at = clock::end_of_month(year, month)
            .ok_or_else(|| ServiceError::field("month", "range"))?;
        let filter = self.filter(q)?;
        let store = self.0.store();
        let m = ym(year, month);
        let rules = self.0.svc().warning_rules().await?;
        let (cells, (lagging, lagging_total), regions, industries) = tokio::try_join!(
            store.dispatch_cells(&filter, at, year, m),
            store.lagging_as_at(&filter, at, year, m, rules.yellow_points, LAGGING_LIMIT),
            store.list_regions(),
            store.list_industries(),
        )?;
        let time_tenths = (month as i64 * 1000) / 12;
        let scope = self.0.scope();
        let mut by_industry: Vec<(i32, FigureRow)> = industries
            .iter()
            .filter(|i| {
                let wanted = q.industry_id.is_none_or(|id| id == i.id);
                let listed = i.active
                    && q.region_id.is_none()
                    && (scope.all || scope.industries.contains(&i.id));
                cells.iter().any(|c| c.industry_id == i.id) || (wanted && listed)
            })
            .map(|i| {
                (
                    i.sort_order,
                    FigureRow {
                        id: Some(i.id),
                        name: i.name_zh.clone(),
                        ..Default::default()
                    },
                )
            })
            .collect();
        by_industry.sort_by_key(|(order, r)| (*order, r.id));
        let root = regions.iter().find(|r| r.parent_id.is_none()).map(|r| r.id);
        let mut by_district: Vec<(i32, FigureRow)> = regions
            .iter()
            .filter(|r| {
                let top = Some(r.id) == root || r.parent_id == root;
                let listed = scope.all && q.industry_id.is_none() && r.parent_id == root;
                top && (listed
                    || cells
                        .iter()
                        .any(|c| district_of(&regions, c.region_id) == r.id))
            })
            .map(|r| {
                (
                    // The city's own row last.
                    if Some(r.id) == root {
                        i32::MAX
                    } else {
                        r.sort_order
                    },
                    FigureRow {
                        id: Some(r.id),
                        name: if Some(r.id) == root {
                            format!("{}本级", r.name_zh)
                        } else {
                            r.name_zh.clone()
                        },
                        ..Default::default()
                    },
                )
            })
            .collect();
        by_district.sort_by_key(|(order, r)| (*order, r.id));
        let mut total = FigureRow::default();
        for c in &cells {
            total.add(c);
            if let Some((_, row)) = by_industry
                .iter_mut()
                .find(|(_, r)| r.id == Some(c.industry_id))
            {
                row.add(c);
            }
            let d = district_of(&regions, c.region_id);
            if let Some((_, row)) = by_district.iter_mut().find(|(_, r)| r.id == Some(d)) {
                row.add(c);
            }
        }
        let finish = |rows: Vec<(i32, FigureRow)>| -> Vec<FigureRow> {
            rows.into_iter()
                .map(|(_, mut r)| {
                    r.finish(time_tenths);
                    r
                })
                .collect()
        };
        total.finish(time_tenths);
        total.name = "合计".into();
        Ok(DispatchFigures {
            year,
            month,
            time_tenths,
            by_industry: finish(by_industry),
            by_district: finish(by_district),
            total,
            lagging,
            lagging_total,
            lagging_points: rules.yellow_points,
        })
    }
}
