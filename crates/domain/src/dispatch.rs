//! Monthly dispatch (一月一专题调度, seed 四、(一)1): each task force (an industry with its
//! 工作专班) reports to the leading group every month on six topics, in writing or orally.
//!
//! A reporting period opens for each month by itself, with a deadline on a day of the next
//! month (a setting); the office may extend one task force's deadline with a reason, and lock
//! or reopen a period. A report moves draft → submitted → (returned → resubmitted)* →
//! accepted; a return names the sections it reopens, and only those may change. This module
//! holds the rules: the sections and their entered figures, the states and their moves, what
//! a submission needs, the filing status of a month (on time, late by n days, missing) and the
//! overdue warning.

use crate::code_list::code_list;
use crate::money::Money;
use crate::validate::{FieldError, FieldErrors, free_text, plain_line, tidy};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

code_list! {
    /// The six topics of a monthly report.
    Section in "dispatch.section" {
        /// 规划编制.
        Planning = "planning",
        /// 项目推进.
        Projects = "projects",
        /// 政策落地.
        Policies = "policies",
        /// 基金运作.
        Funds = "funds",
        /// 招才引智.
        Talent = "talent",
        /// 招商引资.
        Investment = "investment",
    }
}

code_list! {
    /// Where a report stands.
    ReportState in "dispatch.state" {
        Draft = "draft",
        Submitted = "submitted",
        Returned = "returned",
        Resubmitted = "resubmitted",
        Accepted = "accepted",
    }
}

code_list! {
    /// Written on the six sections, or the record of an oral report.
    ReportForm in "dispatch.form" {
        Written = "written",
        Oral = "oral",
    }
}

code_list! {
    /// Whether task forces may file for a period.
    PeriodState in "dispatch.period_state" {
        Open = "open",
        Locked = "locked",
    }
}

code_list! {
    /// A step in a report's timeline.
    ReportStep in "dispatch.step" {
        Created = "created",
        Edited = "edited",
        Submitted = "submitted",
        Returned = "returned",
        Resubmitted = "resubmitted",
        Accepted = "accepted",
    }
}

code_list! {
    /// A task force's filing for one month.
    Filing in "dispatch.filing" {
        /// Submitted by the deadline.
        OnTime = "on_time",
        /// Submitted after the deadline.
        Late = "late",
        /// Not submitted, and the deadline has passed.
        Missing = "missing",
        /// Not submitted yet; the deadline has not passed.
        Due = "due",
        /// No period, or the industry was not a task force of it.
        None = "none",
    }
}

/// The longest text of one section.
pub const MAX_SECTION_CHARS: usize = 20_000;
/// The largest count of one figure (people, leads, projects, platforms).
pub const MAX_COUNT: i64 = 1_000_000;
/// The largest amount of one figure: 1,000 亿元.
pub const MAX_AMOUNT_FEN: i64 = 1_000 * crate::money::FEN_PER_YI;

impl ReportState {
    /// The task force may change the report (all of a draft, the returned sections of a
    /// returned one).
    pub fn editable(self) -> bool {
        matches!(self, ReportState::Draft | ReportState::Returned)
    }
    /// Waiting for the office's review.
    pub fn pending_review(self) -> bool {
        matches!(self, ReportState::Submitted | ReportState::Resubmitted)
    }
    /// Filed: submitted at least once (the completeness table counts it).
    pub fn filed(self) -> bool {
        !matches!(self, ReportState::Draft)
    }
}

/// 招才引智: talents introduced this month, by level, and platforms for them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalentFigures {
    /// 顶尖人才.
    pub top: i64,
    /// 领军人才.
    pub leading: i64,
    /// 青年及高层次人才.
    pub young: i64,
    /// 其他急需紧缺人才.
    pub other: i64,
    /// 人才平台 (new research and talent platforms).
    pub platforms: i64,
}

impl TalentFigures {
    pub fn total(&self) -> i64 {
        self.top + self.leading + self.young + self.other
    }
    fn check(&self, errs: &mut FieldErrors) {
        for (name, v) in [
            ("top", self.top),
            ("leading", self.leading),
            ("young", self.young),
            ("other", self.other),
            ("platforms", self.platforms),
        ] {
            count(errs, &format!("talent_figures.{name}"), v);
        }
    }
}

/// 招商引资: investment leads, projects signed and landed, with their amounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvestmentFigures {
    /// 在谈线索.
    pub leads: i64,
    /// 签约项目.
    pub signed: i64,
    /// 签约金额 (分).
    pub signed_amount: Money,
    /// 落地项目.
    pub landed: i64,
    /// 落地金额 (分).
    pub landed_amount: Money,
}

impl InvestmentFigures {
    fn check(&self, errs: &mut FieldErrors) {
        for (name, v) in [
            ("leads", self.leads),
            ("signed", self.signed),
            ("landed", self.landed),
        ] {
            count(errs, &format!("investment_figures.{name}"), v);
        }
        for (name, v) in [
            ("signed_amount", self.signed_amount),
            ("landed_amount", self.landed_amount),
        ] {
            let field = format!("investment_figures.{name}");
            if v.fen() < 0 {
                errs.push(FieldError::new(field, "negative"));
            } else if v.fen() > MAX_AMOUNT_FEN {
                errs.push(FieldError::new(field, "range").with("max", MAX_AMOUNT_FEN));
            }
        }
    }
}

fn count(errs: &mut FieldErrors, field: &str, v: i64) {
    if v < 0 {
        errs.push(FieldError::new(field, "negative"));
    } else if v > MAX_COUNT {
        errs.push(FieldError::new(field, "range").with("max", MAX_COUNT));
    }
}

/// The record of an oral report: when, who reported, to whom, what was said.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OralRecord {
    pub reported_on: NaiveDate,
    /// 汇报人.
    pub reported_by: String,
    /// 听取汇报的领导或会议.
    pub reported_to: String,
    /// 汇报要点.
    pub summary: String,
}

/// What the task force wrote: the six texts, the entered figures and, for an oral report,
/// its record. Also what a return keeps, so that the office sees what changed since.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReportContent {
    pub planning: String,
    pub projects: String,
    pub policies: String,
    pub funds: String,
    pub talent: String,
    pub investment: String,
    pub talent_figures: TalentFigures,
    pub investment_figures: InvestmentFigures,
    pub oral: Option<OralRecord>,
}

impl ReportContent {
    pub fn text(&self, s: Section) -> &str {
        match s {
            Section::Planning => &self.planning,
            Section::Projects => &self.projects,
            Section::Policies => &self.policies,
            Section::Funds => &self.funds,
            Section::Talent => &self.talent,
            Section::Investment => &self.investment,
        }
    }
    fn text_mut(&mut self, s: Section) -> &mut String {
        match s {
            Section::Planning => &mut self.planning,
            Section::Projects => &mut self.projects,
            Section::Policies => &mut self.policies,
            Section::Funds => &mut self.funds,
            Section::Talent => &mut self.talent,
            Section::Investment => &mut self.investment,
        }
    }

    /// The sections a submission still lacks: each written section's text (a written
    /// report), or the oral record's parts (an oral one).
    pub fn missing(&self, form: ReportForm) -> FieldErrors {
        let mut errs = FieldErrors::new();
        match form {
            ReportForm::Written => {
                for s in Section::ALL {
                    if self.text(*s).trim().is_empty() {
                        errs.add(s.code(), "section_required");
                    }
                }
            }
            ReportForm::Oral => match &self.oral {
                None => errs.add("oral", "required"),
                Some(o) => {
                    for (f, v) in [
                        ("oral.reported_by", &o.reported_by),
                        ("oral.reported_to", &o.reported_to),
                        ("oral.summary", &o.summary),
                    ] {
                        if v.trim().is_empty() {
                            errs.add(f, "required");
                        }
                    }
                }
            },
        }
        errs
    }

    /// What changed from `before` to `self`, field by field (the office's diff after a
    /// return).
    pub fn diff(&self, before: &ReportContent) -> Vec<Change> {
        let mut out = Vec::new();
        for s in Section::ALL {
            let (b, a) = (before.text(*s), self.text(*s));
            if a != b {
                out.push(Change {
                    field: s.code().to_string(),
                    before: b.to_string(),
                    after: a.to_string(),
                });
            }
        }
        let json = |v: &dyn erased::Json| v.to_json();
        for (field, b, a) in [
            (
                "talent_figures",
                json(&before.talent_figures),
                json(&self.talent_figures),
            ),
            (
                "investment_figures",
                json(&before.investment_figures),
                json(&self.investment_figures),
            ),
            ("oral", json(&before.oral), json(&self.oral)),
        ] {
            if a != b {
                out.push(Change {
                    field: field.to_string(),
                    before: b,
                    after: a,
                });
            }
        }
        out
    }
}

mod erased {
    pub trait Json {
        fn to_json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

/// One field of a report that changed since it was returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Change {
    /// A section's code, `talent_figures`, `investment_figures` or `oral`.
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A change to a report's content: only the parts given change. Texts of sections, the
/// entered figures, the oral record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportEdit {
    #[serde(default)]
    pub planning: Option<String>,
    #[serde(default)]
    pub projects: Option<String>,
    #[serde(default)]
    pub policies: Option<String>,
    #[serde(default)]
    pub funds: Option<String>,
    #[serde(default)]
    pub talent: Option<String>,
    #[serde(default)]
    pub investment: Option<String>,
    #[serde(default)]
    pub talent_figures: Option<TalentFigures>,
    #[serde(default)]
    pub investment_figures: Option<InvestmentFigures>,
    #[serde(default)]
    pub oral: Option<OralRecord>,
}

impl ReportEdit {
    fn text(&self, s: Section) -> Option<&String> {
        match s {
            Section::Planning => self.planning.as_ref(),
            Section::Projects => self.projects.as_ref(),
            Section::Policies => self.policies.as_ref(),
            Section::Funds => self.funds.as_ref(),
            Section::Talent => self.talent.as_ref(),
            Section::Investment => self.investment.as_ref(),
        }
    }

    /// The sections this edit touches (figures belong to their section).
    pub fn sections(&self) -> Vec<Section> {
        Section::ALL
            .iter()
            .copied()
            .filter(|s| {
                self.text(*s).is_some()
                    || (*s == Section::Talent && self.talent_figures.is_some())
                    || (*s == Section::Investment && self.investment_figures.is_some())
            })
            .collect()
    }

    /// Applies the edit to `content` after checking every field, and that it touches only
    /// what may change now: everything of a draft, the sections named by the return of a
    /// returned report (`open`: `None` for a draft). Nothing is applied when anything is
    /// wrong.
    pub fn apply(
        &self,
        form: ReportForm,
        open: Option<&[Section]>,
        content: &ReportContent,
    ) -> Result<ReportContent, FieldErrors> {
        let mut errs = FieldErrors::new();
        for s in Section::ALL {
            if let Some(t) = self.text(*s) {
                if let Err(e) = free_text(t) {
                    errs.add(s.code(), &e.code);
                } else if t.chars().count() > MAX_SECTION_CHARS {
                    errs.push(FieldError::new(s.code(), "length").with("max", MAX_SECTION_CHARS));
                }
            }
        }
        if let Some(f) = &self.talent_figures {
            f.check(&mut errs);
        }
        if let Some(f) = &self.investment_figures {
            f.check(&mut errs);
        }
        let oral = self.oral.as_ref().map(|o| OralRecord {
            reported_on: o.reported_on,
            reported_by: tidy(&o.reported_by).into_owned(),
            reported_to: tidy(&o.reported_to).into_owned(),
            summary: o.summary.trim().to_string(),
        });
        if let Some(o) = &oral {
            if form == ReportForm::Written {
                errs.add("oral", "not_oral");
            }
            for (f, v) in [
                ("oral.reported_by", &o.reported_by),
                ("oral.reported_to", &o.reported_to),
            ] {
                if let Err(e) = plain_line(v) {
                    errs.add(f, &e.code);
                } else if v.chars().count() > 200 {
                    errs.push(FieldError::new(f, "length").with("max", 200));
                }
            }
            if o.summary.is_empty() {
                errs.add("oral.summary", "required");
            } else if let Err(e) = free_text(&o.summary) {
                errs.add("oral.summary", &e.code);
            } else if o.summary.chars().count() > MAX_SECTION_CHARS {
                errs.push(FieldError::new("oral.summary", "length").with("max", MAX_SECTION_CHARS));
            }
            if !(2000..=2100).contains(&o.reported_on.year()) {
                errs.add("oral.reported_on", "range");
            }
        }
        if form == ReportForm::Oral {
            // An oral report is its record; the written sections do not apply.
            for s in self.sections() {
                errs.add(s.code(), "not_written");
            }
        } else if let Some(open) = open {
            for s in self.sections() {
                if !open.contains(&s) {
                    errs.add(s.code(), "section_locked");
                }
            }
        }
        errs.into_result()?;
        let mut out = content.clone();
        for s in Section::ALL {
            if let Some(t) = self.text(*s) {
                *out.text_mut(*s) = t.trim().to_string();
            }
        }
        if let Some(f) = self.talent_figures {
            out.talent_figures = f;
        }
        if let Some(f) = self.investment_figures {
            out.investment_figures = f;
        }
        if oral.is_some() {
            out.oral = oral;
        }
        Ok(out)
    }
}

/// The office sends a report back: why, and which sections it reopens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportReturn {
    pub reason: String,
    /// The sections reopened (a written report: at least one). An oral report reopens its
    /// record as a whole and names none.
    #[serde(default)]
    pub sections: Vec<Section>,
}

impl ReportReturn {
    pub fn check(&self, form: ReportForm) -> Result<(String, Vec<Section>), FieldErrors> {
        let mut errs = FieldErrors::new();
        let reason = self.reason.trim().to_string();
        if reason.is_empty() {
            errs.add("reason", "required");
        } else if let Err(e) = free_text(&reason) {
            errs.add("reason", &e.code);
        } else if reason.chars().count() > 2000 {
            errs.push(FieldError::new("reason", "length").with("max", 2000));
        }
        let mut sections = self.sections.clone();
        sections.sort();
        sections.dedup();
        if form == ReportForm::Written && sections.is_empty() {
            errs.add("sections", "section_required");
        }
        if form == ReportForm::Oral && !sections.is_empty() {
            errs.add("sections", "not_written");
        }
        errs.into_result()?;
        Ok((reason, sections))
    }
}

/// The office extends one task force's deadline in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionInput {
    pub industry_id: i64,
    pub deadline: NaiveDate,
    pub reason: String,
}

impl ExtensionInput {
    /// The new deadline must lie after the period's month and after the present deadline.
    pub fn check(&self, year: i32, month: u32, current: NaiveDate) -> Result<String, FieldErrors> {
        let mut errs = FieldErrors::new();
        let reason = self.reason.trim().to_string();
        if reason.is_empty() {
            errs.add("reason", "required");
        } else if let Err(e) = free_text(&reason) {
            errs.add("reason", &e.code);
        } else if reason.chars().count() > 2000 {
            errs.push(FieldError::new("reason", "length").with("max", 2000));
        }
        if self.deadline <= current {
            errs.add("deadline", "not_later");
        } else if (self.deadline.year(), self.deadline.month()) <= (year, month)
            || self.deadline.year() > year + 1
        {
            errs.add("deadline", "range");
        }
        errs.into_result()?;
        Ok(reason)
    }
}

/// Locking a period: why (optional), or reopening it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LockInput {
    #[serde(default)]
    pub reason: Option<String>,
}

/// The office's setting: the day of the next month reports are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchSettings {
    /// 1–28.
    pub deadline_day: u32,
}

impl Default for DispatchSettings {
    fn default() -> Self {
        DispatchSettings { deadline_day: 5 }
    }
}

impl DispatchSettings {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        if (1..=28).contains(&self.deadline_day) {
            Ok(())
        } else {
            let e = FieldError::new("deadline_day", "range")
                .with("min", 1)
                .with("max", 28);
            Err(FieldErrors(vec![e]))
        }
    }

    /// The deadline of the period of `year`-`month`: this day of the next month.
    pub fn deadline(&self, year: i32, month: u32) -> Option<NaiveDate> {
        let (y, m) = next_month(year, month);
        NaiveDate::from_ymd_opt(y, m, self.deadline_day.clamp(1, 28))
    }
}

/// The month after `year`-`month`.
pub fn next_month(year: i32, month: u32) -> (i32, u32) {
    if month >= 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

/// A month as one number: `year * 100 + month`.
pub fn month_key(year: i32, month: u32) -> i64 {
    i64::from(year) * 100 + i64::from(month)
}

/// A task force's filing for a month, from its deadline, when it first submitted (China's
/// calendar day) and today. Days late count calendar days after the deadline.
pub fn filing(
    deadline: NaiveDate,
    first_submitted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> (Filing, i64) {
    match first_submitted_on {
        Some(d) if d <= deadline => (Filing::OnTime, 0),
        Some(d) => (Filing::Late, (d - deadline).num_days()),
        None if today > deadline => (Filing::Missing, (today - deadline).num_days()),
        None => (Filing::Due, 0),
    }
}

/// The overdue warning of a task force whose report is missing: yellow once the deadline
/// has passed, red when it is `red_after` days or more overdue.
pub fn overdue_level(days_overdue: i64, red_after: i64) -> Option<crate::warning::Level> {
    use crate::warning::Level;
    if days_overdue <= 0 {
        None
    } else if days_overdue >= red_after.max(1) {
        Some(Level::Red)
    } else {
        Some(Level::Yellow)
    }
}

/// Days overdue after which a missing report is a red warning.
pub const RED_AFTER_DAYS: i64 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn deadline_is_in_the_next_month() {
        let s = DispatchSettings::default();
        assert_eq!(s.deadline(2025, 3), Some(d(2025, 4, 5)));
        assert_eq!(s.deadline(2025, 12), Some(d(2026, 1, 5)));
        assert!(DispatchSettings { deadline_day: 0 }.validate().is_err());
        assert!(DispatchSettings { deadline_day: 29 }.validate().is_err());
    }

    #[test]
    fn filing_status() {
        let dl = d(2025, 4, 5);
        assert_eq!(
            filing(dl, Some(d(2025, 4, 5)), d(2025, 5, 1)),
            (Filing::OnTime, 0)
        );
        assert_eq!(
            filing(dl, Some(d(2025, 4, 8)), d(2025, 5, 1)),
            (Filing::Late, 3)
        );
        assert_eq!(filing(dl, None, d(2025, 4, 7)), (Filing::Missing, 2));
        assert_eq!(filing(dl, None, d(2025, 4, 5)), (Filing::Due, 0));
        assert_eq!(overdue_level(2, 5), Some(crate::warning::Level::Yellow));
        assert_eq!(overdue_level(5, 5), Some(crate::warning::Level::Red));
        assert_eq!(overdue_level(0, 5), None);
    }

    #[test]
    fn returned_sections_only() {
        let content = ReportContent::default();
        let edit = ReportEdit {
            planning: Some("x".into()),
            talent_figures: Some(TalentFigures::default()),
            ..ReportEdit::default()
        };
        let open = [Section::Planning];
        let e = edit
            .apply(ReportForm::Written, Some(&open), &content)
            .unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "talent");
        assert_eq!(e.0[0].code, "section_locked");
        let ok = ReportEdit {
            planning: Some(" 新 ".into()),
            ..ReportEdit::default()
        }
        .apply(ReportForm::Written, Some(&open), &content)
        .unwrap();
        assert_eq!(ok.planning, "新");
        assert_eq!(ok.diff(&content).len(), 1);
    }

    #[test]
    fn figures_are_not_negative() {
        let edit = ReportEdit {
            talent_figures: Some(TalentFigures {
                top: -1,
                ..TalentFigures::default()
            }),
            investment_figures: Some(InvestmentFigures {
                signed_amount: Money(-5),
                ..InvestmentFigures::default()
            }),
            ..ReportEdit::default()
        };
        let e = edit
            .apply(ReportForm::Written, None, &ReportContent::default())
            .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["talent_figures.top", "investment_figures.signed_amount"]
        );
    }

    #[test]
    fn submission_needs_every_section() {
        let mut c = ReportContent::default();
        assert_eq!(c.missing(ReportForm::Written).0.len(), 6);
        for s in Section::ALL {
            *c.text_mut(*s) = "内容".into();
        }
        assert!(c.missing(ReportForm::Written).is_empty());
        assert_eq!(c.missing(ReportForm::Oral).0[0].field, "oral");
    }

    #[test]
    fn a_return_names_a_reason_and_sections() {
        let r = ReportReturn {
            reason: " ".into(),
            sections: vec![],
        };
        let e = r.check(ReportForm::Written).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["reason", "sections"]);
    }
}
