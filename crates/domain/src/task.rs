//! Key tasks (重点任务): one model for everything someone must do by a date — an annual work
//! plan's measure, a meeting's decision, a leader's instruction on a problem, a supervision
//! item, a 放管服 reform item, or a task the office enters itself. A task belongs to an
//! industry and/or a district, is led by one department (牵头单位) with co-operating ones
//! (配合单位), and moves: not started → in progress → done pending check → closed, or is
//! cancelled with a reason. Whoever issued it checks the close. Overdue is derived, never
//! stored: the deadline has passed on China's calendar and the lead department still owes it.

use crate::code_list::code_list;
use crate::validate::{self, FieldError, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most co-operating departments one task may name.
pub const MAX_CO_DEPARTMENTS: usize = 50;
/// The longest title.
pub const MAX_TITLE: usize = 200;
/// The longest content, note or reason.
pub const MAX_TEXT: usize = 4000;
/// The longest reason for a rejection or a cancellation.
pub const MAX_REASON: usize = 1000;

code_list! {
    /// Where a task comes from.
    TaskSource in "task.source" {
        /// A measure of an industry's annual work plan (年度工作计划的推进措施).
        WorkPlanMeasure = "work_plan_measure",
        /// A decision of a meeting (会议议定事项).
        MeetingDecision = "meeting_decision",
        /// A leader's instruction on an escalated problem (领导批示).
        ProblemInstruction = "problem_instruction",
        /// A supervision item (督办事项).
        Supervision = "supervision",
        /// A 放管服 reform item.
        Reform = "reform",
        /// Entered by the programme office.
        Office = "office",
    }
}

impl TaskSource {
    /// Whether a user enters a task of this source through the task form. The others are
    /// made by their own areas (a meeting, a problem, a supervision item), which name the
    /// record the task came from.
    pub fn entered_directly(self) -> bool {
        matches!(
            self,
            TaskSource::WorkPlanMeasure | TaskSource::Reform | TaskSource::Office
        )
    }

    /// Who issues — and so checks the close of — a task of this source.
    pub fn issuer(self) -> Issuer {
        match self {
            TaskSource::Supervision => Issuer::Supervisor,
            _ => Issuer::Office,
        }
    }
}

code_list! {
    /// Who issued a task, and so checks that it is done before it closes.
    Issuer in "task.issuer" {
        /// The programme office (领导小组办公室).
        Office = "office",
        /// The supervisor (督导), for supervision items.
        Supervisor = "supervisor",
    }
}

code_list! {
    /// Where a task stands. Overdue is not a status (see [`overdue`]).
    TaskStatus in "task.status" {
        NotStarted = "not_started",
        InProgress = "in_progress",
        /// Done, awaiting the issuer's check.
        PendingCheck = "pending_check",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

code_list! {
    /// A move of a task's status.
    TaskStep in "task.step" {
        /// Work begins.
        Start = "start",
        /// The lead department reports it done, with evidence.
        Submit = "submit",
        /// The issuer accepts the close.
        Accept = "accept",
        /// The issuer sends it back, with a reason.
        Reject = "reject",
        /// Called off, with a reason.
        Cancel = "cancel",
    }
}

impl TaskStatus {
    /// Still owed by the lead department: not started or in progress.
    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::NotStarted | TaskStatus::InProgress)
    }

    /// Closed or cancelled: nothing changes any more.
    pub fn is_finished(self) -> bool {
        matches!(self, TaskStatus::Closed | TaskStatus::Cancelled)
    }

    /// The status a step leads to from this one, if the step is allowed here.
    pub fn after(self, step: TaskStep) -> Option<TaskStatus> {
        use TaskStatus::*;
        match (self, step) {
            (NotStarted, TaskStep::Start) => Some(InProgress),
            (NotStarted | InProgress, TaskStep::Submit) => Some(PendingCheck),
            (PendingCheck, TaskStep::Accept) => Some(Closed),
            (PendingCheck, TaskStep::Reject) => Some(InProgress),
            (NotStarted | InProgress | PendingCheck, TaskStep::Cancel) => Some(Cancelled),
            _ => None,
        }
    }

    /// The steps allowed from this status.
    pub fn allowed_steps(self) -> Vec<TaskStep> {
        TaskStep::ALL
            .iter()
            .copied()
            .filter(|s| self.after(*s).is_some())
            .collect()
    }

    /// Whether evidence may be added or removed: only while the work is under way (not while
    /// the issuer checks it, nor after).
    pub fn takes_evidence(self) -> bool {
        self.is_open()
    }
}

impl TaskStep {
    /// Whether the step needs a reason (a rejection or a cancellation).
    pub fn needs_reason(self) -> bool {
        matches!(self, TaskStep::Reject | TaskStep::Cancel)
    }
}

/// Whether a task is overdue on `today` (China's calendar day): its deadline has passed and
/// the lead department still owes it (not done, closed or cancelled).
pub fn overdue(deadline: NaiveDate, status: TaskStatus, today: NaiveDate) -> bool {
    status.is_open() && deadline < today
}

/// How many days a task is overdue on `today`; 0 when it is not.
pub fn days_overdue(deadline: NaiveDate, status: TaskStatus, today: NaiveDate) -> i64 {
    if overdue(deadline, status, today) {
        (today - deadline).num_days()
    } else {
        0
    }
}

/// The refusal of a step the status does not allow, naming both.
pub fn step_refused(from: TaskStatus, step: TaskStep) -> FieldErrors {
    FieldErrors(vec![
        FieldError::new("status", "task_step")
            .with("from", from.code())
            .with("step", step.code()),
    ])
}

// ---------------------------------------------------------------- rules

pub(crate) fn length(errs: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errs.push(FieldError::new(field, "length").with("max", max));
    }
}

/// Free text with line breaks, bounded; required when `required`.
pub(crate) fn text(errs: &mut FieldErrors, field: &str, value: &str, max: usize, required: bool) {
    if required && value.trim().is_empty() {
        errs.add(field, "required");
        return;
    }
    if let Err(e) = validate::free_text(value) {
        errs.add(field, &e.code);
    }
    length(errs, field, value, max);
}

/// A date within the years the programme can plausibly mean.
pub(crate) fn date(errs: &mut FieldErrors, field: &str, value: NaiveDate) {
    let (lo, hi) = (
        NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or(NaiveDate::MAX),
    );
    if value < lo || value > hi {
        errs.push(
            FieldError::new(field, "range")
                .with("min", lo)
                .with("max", hi),
        );
    }
}

/// A reason given for a step (a rejection, a cancellation): required, free text, bounded.
pub fn check_reason(field: &str, reason: &str) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::new();
    text(&mut errs, field, reason, MAX_REASON, true);
    errs.into_result()
}

// ---------------------------------------------------------------- inputs

/// A task as entered: new, or changed. The source and the work plan are fixed once the task
/// exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    pub title: String,
    /// What is to be done (工作内容).
    #[serde(default)]
    pub details: String,
    /// Entered through the form: `office`, `reform` or `work_plan_measure`; the other sources
    /// come from their own areas.
    pub source: TaskSource,
    /// The work plan of a `work_plan_measure` task (required for it, absent for others).
    #[serde(default)]
    pub work_plan_id: Option<i64>,
    /// The industry it belongs to; an industry, a district or both.
    #[serde(default)]
    pub industry_id: Option<i64>,
    /// The district (or the city) it belongs to.
    #[serde(default)]
    pub region_id: Option<i64>,
    /// 牵头单位: an active department.
    pub lead_department_id: i64,
    /// 配合单位: active departments, not the lead one.
    #[serde(default)]
    pub co_department_ids: Vec<i64>,
    /// 责任人.
    #[serde(default)]
    pub responsible_person: Option<String>,
    /// 分管领导: a user who is a city leader.
    #[serde(default)]
    pub leader_user_id: Option<i64>,
    /// Not before the day the task is issued.
    pub deadline: NaiveDate,
}

impl TaskInput {
    /// Trims what users type; co-departments sorted, without repeats.
    pub fn tidy(&mut self) {
        self.title = validate::tidy(&self.title).into_owned();
        self.details = self.details.trim().to_string();
        self.responsible_person = self
            .responsible_person
            .as_deref()
            .map(|v| validate::tidy(v).into_owned())
            .filter(|v| !v.is_empty());
        self.co_department_ids.sort_unstable();
        self.co_department_ids.dedup();
    }

    /// The rules that need no database. `issued_on` is the day the task is (or was) issued;
    /// the deadline may not be before it — checked when the deadline is set, that is unless
    /// it is `kept` (the deadline the stored task already has).
    pub fn validate(
        &self,
        issued_on: NaiveDate,
        kept: Option<NaiveDate>,
    ) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        match validate::plain_line(&self.title) {
            Err(e) => errs.add("title", &e.code),
            Ok(()) => length(&mut errs, "title", &self.title, MAX_TITLE),
        }
        text(&mut errs, "details", &self.details, MAX_TEXT, false);
        match (self.source, self.work_plan_id) {
            (TaskSource::WorkPlanMeasure, None) => errs.add("work_plan_id", "required"),
            (TaskSource::WorkPlanMeasure, Some(_)) => {}
            (_, Some(_)) => errs.add("work_plan_id", "work_plan_only_for_measures"),
            (_, None) => {}
        }
        // A work plan's measure belongs to the plan's industry; every other task names its own.
        if self.industry_id.is_none()
            && self.region_id.is_none()
            && self.source != TaskSource::WorkPlanMeasure
        {
            errs.add("industry_id", "industry_or_region_required");
        }
        if self.co_department_ids.len() > MAX_CO_DEPARTMENTS {
            errs.push(
                FieldError::new("co_department_ids", "too_many").with("max", MAX_CO_DEPARTMENTS),
            );
        }
        if self.co_department_ids.contains(&self.lead_department_id) {
            errs.add("co_department_ids", "lead_not_co");
        }
        if let Some(p) = &self.responsible_person {
            match validate::plain_line(p) {
                Err(e) => errs.add("responsible_person", &e.code),
                Ok(()) => length(&mut errs, "responsible_person", p, 100),
            }
        }
        date(&mut errs, "deadline", self.deadline);
        if kept != Some(self.deadline) && self.deadline < issued_on {
            errs.push(FieldError::new("deadline", "deadline_before_issue").with("date", issued_on));
        }
        errs.into_result()
    }

    /// Every department the task is assigned to: the lead one first.
    pub fn departments(&self) -> Vec<i64> {
        let mut all = vec![self.lead_department_id];
        all.extend(&self.co_department_ids);
        all
    }
}

/// A dated progress note (进展情况).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    /// What was done (进展情况).
    pub progress_note: String,
    /// The day the note reports on (default today); not in the future.
    #[serde(default)]
    pub noted_on: Option<NaiveDate>,
}

impl NoteInput {
    pub fn tidy(&mut self) {
        self.progress_note = self.progress_note.trim().to_string();
    }

    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        text(
            &mut errs,
            "progress_note",
            &self.progress_note,
            MAX_TEXT,
            true,
        );
        if let Some(d) = self.noted_on {
            date(&mut errs, "noted_on", d);
            if d > today {
                errs.add("noted_on", "future_date");
            }
        }
        errs.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn input() -> TaskInput {
        TaskInput {
            title: "  完成新材料产业园扩区  ".into(),
            details: "报市政府审定后实施".into(),
            source: TaskSource::Office,
            work_plan_id: None,
            industry_id: Some(1),
            region_id: None,
            lead_department_id: 5,
            co_department_ids: vec![7, 6, 7],
            responsible_person: Some("张某某".into()),
            leader_user_id: None,
            deadline: d(2026, 6, 30),
        }
    }

    fn codes(r: Result<(), FieldErrors>) -> Vec<(String, String)> {
        r.err()
            .map(|e| e.0.into_iter().map(|f| (f.field, f.code)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_valid_task_tidied() {
        let mut t = input();
        t.responsible_person = Some("　".into());
        t.tidy();
        assert_eq!(t.title, "完成新材料产业园扩区");
        assert_eq!(t.co_department_ids, [6, 7]);
        assert_eq!(t.responsible_person, None);
        assert_eq!(t.departments(), [5, 6, 7]);
        assert!(t.validate(d(2026, 1, 5), None).is_ok());
    }

    #[test]
    fn the_deadline_is_not_before_the_issue_date() {
        let t = input();
        assert_eq!(
            codes(t.validate(d(2026, 7, 1), None)),
            [("deadline".into(), "deadline_before_issue".into())]
        );
        // The same day is fine; an unchanged deadline of an older task is not checked again.
        assert!(t.validate(d(2026, 6, 30), None).is_ok());
        assert!(t.validate(d(2026, 7, 1), Some(d(2026, 6, 30))).is_ok());
        assert!(t.validate(d(2026, 7, 1), Some(d(2026, 6, 29))).is_err());
    }

    #[test]
    fn bad_fields_are_named() {
        let mut t = input();
        t.title = "<b>x</b>".into();
        t.industry_id = None;
        t.co_department_ids = vec![5];
        t.work_plan_id = Some(3);
        t.deadline = d(1999, 1, 1);
        assert_eq!(
            codes(t.validate(d(1990, 1, 1), None)),
            [
                ("title".into(), "markup".into()),
                ("work_plan_id".into(), "work_plan_only_for_measures".into()),
                ("industry_id".into(), "industry_or_region_required".into()),
                ("co_department_ids".into(), "lead_not_co".into()),
                ("deadline".into(), "range".into()),
            ]
        );
        t = input();
        t.source = TaskSource::WorkPlanMeasure;
        assert_eq!(
            codes(t.validate(d(2026, 1, 1), None)),
            [("work_plan_id".into(), "required".into())]
        );
    }

    #[test]
    fn status_moves() {
        use TaskStatus::*;
        assert_eq!(NotStarted.after(TaskStep::Start), Some(InProgress));
        assert_eq!(NotStarted.after(TaskStep::Submit), Some(PendingCheck));
        assert_eq!(InProgress.after(TaskStep::Submit), Some(PendingCheck));
        assert_eq!(PendingCheck.after(TaskStep::Accept), Some(Closed));
        assert_eq!(PendingCheck.after(TaskStep::Reject), Some(InProgress));
        assert_eq!(InProgress.after(TaskStep::Accept), None);
        assert_eq!(InProgress.after(TaskStep::Start), None);
        assert_eq!(PendingCheck.after(TaskStep::Submit), None);
        for s in [Closed, Cancelled] {
            assert!(s.allowed_steps().is_empty(), "{s}");
            assert!(s.is_finished());
        }
        assert_eq!(
            PendingCheck.allowed_steps(),
            [TaskStep::Accept, TaskStep::Reject, TaskStep::Cancel]
        );
        assert!(InProgress.takes_evidence() && !PendingCheck.takes_evidence());
    }

    #[test]
    fn overdue_by_the_china_day() {
        let deadline = d(2026, 5, 9);
        assert!(overdue(deadline, TaskStatus::InProgress, d(2026, 5, 10)));
        assert!(overdue(deadline, TaskStatus::NotStarted, d(2026, 5, 10)));
        assert!(!overdue(deadline, TaskStatus::InProgress, d(2026, 5, 9)));
        for done in [
            TaskStatus::PendingCheck,
            TaskStatus::Closed,
            TaskStatus::Cancelled,
        ] {
            assert!(!overdue(deadline, done, d(2026, 6, 1)), "{done}");
        }
        assert_eq!(
            days_overdue(deadline, TaskStatus::InProgress, d(2026, 5, 19)),
            10
        );
        assert_eq!(
            days_overdue(deadline, TaskStatus::Closed, d(2026, 5, 19)),
            0
        );
    }

    #[test]
    fn sources() {
        assert!(TaskSource::Office.entered_directly());
        assert!(!TaskSource::MeetingDecision.entered_directly());
        assert_eq!(TaskSource::Supervision.issuer(), Issuer::Supervisor);
        assert_eq!(TaskSource::Reform.issuer(), Issuer::Office);
    }

    #[test]
    fn notes_and_reasons() {
        let n = NoteInput {
            progress_note: " ".into(),
            noted_on: Some(d(2026, 5, 11)),
        };
        assert_eq!(
            codes(n.validate(d(2026, 5, 10))),
            [
                ("progress_note".into(), "required".into()),
                ("noted_on".into(), "future_date".into())
            ]
        );
        assert!(check_reason("reject_reason", "材料不全").is_ok());
        assert!(check_reason("reject_reason", "  ").is_err());
        assert!(check_reason("reject_reason", &"x".repeat(1001)).is_err());
    }
}
