//! Early warning (预警): rules with configurable thresholds that flag a project red, yellow or
//! green, each flag with its reasons. Pure: the caller gathers the facts and the date.

use crate::money::Money;
use crate::project::{FactorKind, Stage, ym};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Warning colour, ordered from harmless to serious.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Green,
    Yellow,
    Red,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Red, Level::Yellow, Level::Green];
    pub fn code(self) -> &'static str {
        match self {
            Level::Green => "green",
            Level::Yellow => "yellow",
            Level::Red => "red",
        }
    }
    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == text)
    }
}

/// The thresholds, editable by the programme office (`settings` → `warning_rules`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarningRules {
    /// Behind the time progress by more than this many percentage points: yellow.
    pub yellow_points: u32,
    /// Behind by more than this many points: red.
    pub red_points: u32,
    /// A month's progress report is due by this day of the next month.
    pub report_due_day: u32,
    /// Planned start passed this many days ago without starting: red (yellow before).
    pub start_red_days: u32,
    /// A factor need unmet this many days past its date: red (yellow before).
    pub factor_red_days: u32,
}

impl Default for WarningRules {
    fn default() -> Self {
        WarningRules {
            yellow_points: 5,
            red_points: 15,
            report_due_day: 10,
            start_red_days: 90,
            factor_red_days: 30,
        }
    }
}

impl WarningRules {
    pub fn validate(&self) -> Result<(), crate::FieldErrors> {
        let mut errs = crate::FieldErrors::new();
        let range = |errs: &mut crate::FieldErrors, f: &str, v: u32, lo: u32, hi: u32| {
            if !(lo..=hi).contains(&v) {
                errs.push(
                    crate::FieldError::new(f, "range")
                        .with("min", lo)
                        .with("max", hi),
                );
            }
        };
        range(&mut errs, "yellow_points", self.yellow_points, 1, 100);
        range(&mut errs, "red_points", self.red_points, 1, 100);
        range(&mut errs, "report_due_day", self.report_due_day, 1, 28);
        range(&mut errs, "start_red_days", self.start_red_days, 1, 3650);
        range(&mut errs, "factor_red_days", self.factor_red_days, 1, 3650);
        if self.red_points <= self.yellow_points {
            errs.add("red_points", "red_above_yellow");
        }
        errs.into_result()
    }
}

/// What the rules look at.
#[derive(Debug, Clone)]
pub struct Facts {
    pub stage: Stage,
    pub in_library: bool,
    pub planned_start: Option<NaiveDate>,
    pub plan_year: i32,
    pub year_plan: Money,
    pub year_completed: Money,
    /// The latest month with a progress report (yyyymm).
    pub last_progress_ym: Option<i32>,
    /// Needs not fully met, with their dates.
    pub unmet_factors: Vec<(FactorKind, Option<NaiveDate>)>,
}

/// One reason for a flag: a catalogue key under `warning.` and its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reason {
    pub code: String,
    pub level: Level,
    pub params: BTreeMap<String, String>,
}

impl Reason {
    fn new(code: &str, level: Level) -> Self {
        Reason {
            code: code.into(),
            level,
            params: BTreeMap::new(),
        }
    }
    fn with(mut self, k: &str, v: impl ToString) -> Self {
        self.params.insert(k.into(), v.to_string());
        self
    }
}

/// The month whose figures are due: the one before `today`'s month, or `None` in January
/// (a new year's plan has no time progress yet).
pub fn reporting_month(today: NaiveDate) -> Option<u32> {
    (today.month() > 1).then(|| today.month() - 1)
}

/// Evaluates every rule; the project's colour is the worst reason's.
pub fn evaluate(f: &Facts, rules: &WarningRules, today: NaiveDate) -> (Level, Vec<Reason>) {
    let mut reasons = Vec::new();
    if !f.in_library || f.stage == Stage::Completed {
        return (Level::Green, reasons);
    }
    // Behind the time progress (序时进度 = month / 12).
    if f.stage == Stage::Started
        && f.plan_year == today.year()
        && f.year_plan.0 > 0
        && let Some(m) = reporting_month(today)
    {
        // Tenths of a percentage point, in integers.
        let time_tenths = (m as i64 * 1000) / 12;
        let done_tenths =
            ((f.year_completed.0 as i128 * 1000) / f.year_plan.0 as i128).min(100_000) as i64;
        let behind = time_tenths - done_tenths;
        let level = if behind > rules.red_points as i64 * 10 {
            Some(Level::Red)
        } else if behind > rules.yellow_points as i64 * 10 {
            Some(Level::Yellow)
        } else {
            None
        };
        if let Some(level) = level {
            reasons.push(
                Reason::new("behind_schedule", level)
                    .with("done", tenths(done_tenths))
                    .with("time", tenths(time_tenths))
                    .with("behind", tenths(behind))
                    .with("month", m),
            );
        }
    }
    // A month's report missing after its due day.
    if f.stage == Stage::Started {
        let due = if today.day() > rules.report_due_day {
            reporting_month(today).map(|m| (today.year(), m))
        } else {
            // Before the due day, last month's report may still come; the one before is due.
            let prev = today.with_day(1).and_then(|d| d.pred_opt());
            prev.and_then(|p| reporting_month(p).map(|m| (p.year(), m)))
        };
        if let Some((y, m)) = due {
            let due_ym = ym(y, m);
            let last = f.last_progress_ym.unwrap_or(0);
            if last < due_ym {
                let missing = months_between(last, due_ym);
                let level = if missing >= 2 {
                    Level::Red
                } else {
                    Level::Yellow
                };
                reasons.push(
                    Reason::new("report_overdue", level)
                        .with("year", y)
                        .with("month", m)
                        .with("day", rules.report_due_day),
                );
            }
        }
    }
    // Planned start passed, not started.
    if matches!(f.stage, Stage::Planning | Stage::Reserve)
        && let Some(start) = f.planned_start
        && start < today
    {
        let days = (today - start).num_days();
        let level = if days > rules.start_red_days as i64 {
            Level::Red
        } else {
            Level::Yellow
        };
        reasons.push(
            Reason::new("start_overdue", level)
                .with("date", start)
                .with("days", days),
        );
    }
    // A factor need unmet past its date.
    for (kind, by) in &f.unmet_factors {
        if let Some(by) = by
            && *by < today
        {
            let days = (today - *by).num_days();
            let level = if days > rules.factor_red_days as i64 {
                Level::Red
            } else {
                Level::Yellow
            };
            reasons.push(
                Reason::new("factor_unmet", level)
                    .with("kind", kind.code())
                    .with("date", by)
                    .with("days", days),
            );
        }
    }
    let level = reasons
        .iter()
        .map(|r| r.level)
        .max()
        .unwrap_or(Level::Green);
    (level, reasons)
}

fn tenths(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}.{}", v.abs() / 10, v.abs() % 10)
}

/// Whole months from `from` (yyyymm, 0 = never) up to and including `to`.
fn months_between(from: i32, to: i32) -> i32 {
    if from == 0 {
        return i32::MAX;
    }
    let a = (from / 100) * 12 + from % 100;
    let b = (to / 100) * 12 + to % 100;
    b - a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn started(plan: i64, done: i64) -> Facts {
        Facts {
            stage: Stage::Started,
            in_library: true,
            planned_start: Some(d(2026, 1, 1)),
            plan_year: 2026,
            year_plan: Money(plan),
            year_completed: Money(done),
            last_progress_ym: Some(202610),
            unmet_factors: vec![],
        }
    }

    #[test]
    fn behind_time_progress() {
        let rules = WarningRules::default();
        let today = d(2026, 11, 26); // reporting month 10: time progress 83.3%
        assert_eq!(evaluate(&started(100, 80), &rules, today).0, Level::Green);
        let (l, r) = evaluate(&started(100, 75), &rules, today);
        assert_eq!(l, Level::Yellow);
        assert_eq!(r[0].params["behind"], "8.3");
        assert_eq!(evaluate(&started(100, 60), &rules, today).0, Level::Red);
    }

    #[test]
    fn report_overdue_after_due_day() {
        let rules = WarningRules::default();
        let mut f = started(100, 90);
        f.last_progress_ym = Some(202609);
        assert_eq!(evaluate(&f, &rules, d(2026, 11, 5)).0, Level::Green);
        let (l, r) = evaluate(&f, &rules, d(2026, 11, 11));
        assert_eq!(l, Level::Yellow);
        assert_eq!(r[0].code, "report_overdue");
        f.last_progress_ym = Some(202608);
        assert_eq!(evaluate(&f, &rules, d(2026, 11, 11)).0, Level::Red);
        f.last_progress_ym = None;
        assert_eq!(evaluate(&f, &rules, d(2026, 11, 11)).0, Level::Red);
    }

    #[test]
    fn start_overdue_and_factors() {
        let rules = WarningRules::default();
        let f = Facts {
            stage: Stage::Reserve,
            in_library: true,
            planned_start: Some(d(2026, 10, 1)),
            plan_year: 2026,
            year_plan: Money(0),
            year_completed: Money(0),
            last_progress_ym: None,
            unmet_factors: vec![(FactorKind::Land, Some(d(2026, 11, 20)))],
        };
        let (l, r) = evaluate(&f, &rules, d(2026, 11, 26));
        assert_eq!(l, Level::Yellow);
        assert_eq!(r.len(), 2);
        let (l, _) = evaluate(&f, &rules, d(2027, 3, 1));
        assert_eq!(l, Level::Red);
    }

    #[test]
    fn left_library_is_quiet() {
        let mut f = started(100, 0);
        f.in_library = false;
        assert_eq!(
            evaluate(&f, &WarningRules::default(), d(2026, 11, 26)).0,
            Level::Green
        );
    }

    #[test]
    fn rules_validate() {
        let r = WarningRules {
            red_points: 3,
            ..WarningRules::default()
        };
        assert_eq!(r.validate().unwrap_err().0[0].field, "red_points");
    }
}
