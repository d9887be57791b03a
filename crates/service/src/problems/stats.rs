//! The per-department table (SPEC: items received, signed for on time, answered on time,
//! answered late, urged, open, average days to answer and to resolve) for a chosen period:
//! one query over the assignments made in it, sorted as asked.

use super::ProblemReader;
use crate::error::{Result, ServiceError};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::clock;
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_store::DepartmentCounts;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One department's row.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DepartmentStats {
    pub department_id: i64,
    /// Assignments made in the period.
    pub received: i64,
    /// Signed for within a day.
    pub signed_on_time: i64,
    pub answered_on_time: i64,
    pub answered_late: i64,
    /// Urged at least once.
    pub urged: i64,
    /// Still waiting on the department.
    pub open: i64,
    /// From assignment to the (latest) answer, in days (one decimal); none before any answer.
    pub avg_answer_days: Option<f64>,
    /// From raising to resolving the problems, in days (one decimal); none before any.
    pub avg_resolve_days: Option<f64>,
}

/// The column the table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatsSort {
    #[default]
    Received,
    Department,
    SignedOnTime,
    AnsweredOnTime,
    AnsweredLate,
    Urged,
    Open,
    AvgAnswerDays,
    AvgResolveDays,
}

fn average_days(total_seconds: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| (total_seconds as f64 / n as f64 / 86_400.0 * 10.0).round() / 10.0)
}

impl From<DepartmentCounts> for DepartmentStats {
    fn from(c: DepartmentCounts) -> Self {
        DepartmentStats {
            department_id: c.department_id,
            received: c.received,
            signed_on_time: c.signed_on_time,
            answered_on_time: c.answered_on_time,
            answered_late: c.answered_late,
            urged: c.urged,
            open: c.open,
            avg_answer_days: average_days(c.answer_seconds, c.answered),
            avg_resolve_days: average_days(c.resolve_seconds, c.resolved),
        }
    }
}

/// Sorts rows by `sort` (largest first when `descending`); ties by department.
pub fn sort_stats(rows: &mut [DepartmentStats], sort: StatsSort, descending: bool) {
    let key = |r: &DepartmentStats| -> f64 {
        match sort {
            StatsSort::Department => r.department_id as f64,
            StatsSort::Received => r.received as f64,
            StatsSort::SignedOnTime => r.signed_on_time as f64,
            StatsSort::AnsweredOnTime => r.answered_on_time as f64,
            StatsSort::AnsweredLate => r.answered_late as f64,
            StatsSort::Urged => r.urged as f64,
            StatsSort::Open => r.open as f64,
            StatsSort::AvgAnswerDays => r.avg_answer_days.unwrap_or(-1.0),
            StatsSort::AvgResolveDays => r.avg_resolve_days.unwrap_or(-1.0),
        }
    };
    rows.sort_by(|a, b| {
        let order = key(a).total_cmp(&key(b));
        let order = if descending { order.reverse() } else { order };
        order.then(a.department_id.cmp(&b.department_id))
    });
}

/// The period asked for: from the first of January of this year to today when not given;
/// `from` not after `to`, both within the years the programme can mean.
pub fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(NaiveDate, NaiveDate)> {
    let today = clock::today();
    let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = to.unwrap_or(today);
    let mut errs = FieldErrors::new();
    for (field, d) in [("from", from), ("to", to)] {
        if !(2000..=2100).contains(&d.year()) {
            errs.push(
                FieldError::new(field, "range")
                    .with("min", "2000-01-01")
                    .with("max", "2100-12-31"),
            );
        }
    }
    if errs.is_empty() && from > to {
        errs.add("to", "period_order");
    }
    errs.into_result()?;
    Ok((from, to))
}

impl ProblemReader {
    /// The per-department table of the assignments made from `from` to `to` (China days,
    /// both included) on the problems the scope covers — a department sees its own row.
    pub async fn department_stats(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        sort: StatsSort,
        descending: bool,
    ) -> Result<(NaiveDate, NaiveDate, Vec<DepartmentStats>)> {
        let (from, to) = period(from, to)?;
        let until = clock::end_of_day(to).ok_or_else(|| ServiceError::field("to", "range"))?;
        let counts = self
            .access()
            .store()
            .department_counts(self.access().scope(), clock::start_of_day(from), until)
            .await?;
        let mut rows: Vec<DepartmentStats> = counts.into_iter().map(Into::into).collect();
        sort_stats(&mut rows, sort, descending);
        Ok((from, to, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, received: i64, answer: Option<f64>) -> DepartmentStats {
        DepartmentStats {
            department_id: id,
            received,
            signed_on_time: 0,
            answered_on_time: 0,
            answered_late: 0,
            urged: 0,
            open: 0,
            avg_answer_days: answer,
            avg_resolve_days: None,
        }
    }

    #[test]
    fn averages_in_days() {
        assert_eq!(average_days(0, 0), None);
        assert_eq!(average_days(3 * 86_400 + 43_200, 1), Some(3.5));
        assert_eq!(average_days(86_400, 3), Some(0.3));
    }

    #[test]
    fn sorts_either_way_with_ties_by_department() {
        let mut rows = vec![row(3, 5, Some(2.0)), row(1, 9, None), row(2, 5, Some(4.5))];
        sort_stats(&mut rows, StatsSort::Received, true);
        assert_eq!(
            rows.iter().map(|r| r.department_id).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        sort_stats(&mut rows, StatsSort::AvgAnswerDays, false);
        assert_eq!(
            rows.iter().map(|r| r.department_id).collect::<Vec<_>>(),
            [1, 3, 2]
        );
    }

    #[test]
    fn a_period_runs_forward() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day);
        assert!(period(d(3, 1), d(2, 1)).is_err());
        assert_eq!(period(d(1, 1), d(1, 1)).unwrap().0, d(1, 1).unwrap());
        assert!(period(NaiveDate::from_ymd_opt(1990, 1, 1), d(1, 1)).is_err());
    }
}
