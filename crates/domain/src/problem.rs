//! Problems (问题协调, seed 四、(一)1 and 四、(二)1): raised by a task force, a district, a
//! department or the office — from a project, a task, a meeting or on their own — assigned by
//! the office to departments with a deadline, signed for (签收) and answered by each, returned,
//! urged (催办), escalated to the leader in charge and instructed (批示), and resolved.
//!
//! What is here needs no database: the closed lists, the inputs with their field rules, the
//! moves each state allows, the problem's state as its assignments settle it, numbering, and
//! the flags derived from China's calendar (not signed within a day, overdue, answered late).

use crate::clock;
use crate::code_list::code_list;
use crate::profile::{
    MAX_DEPARTMENTS, date, department_list, line, opt_text, text, tidy, tidy_ids, tidy_text_opt,
};
use crate::validate::{FieldError, FieldErrors};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An assignment not signed for within this long after it was made is flagged.
pub const SIGN_WITHIN_HOURS: i64 = 24;
/// An urge may be sent on an open assignment this many days before its deadline, or later.
pub const URGE_WINDOW_DAYS: i64 = 3;

code_list! {
    /// What kind of obstacle a problem is (SPEC §2).
    ProblemKind in "problem.kind" {
        Land = "land" / "用地",
        Funds = "funds" / "资金",
        Approvals = "approvals" / "审批手续",
        LandAcquisition = "land_acquisition" / "征地拆迁",
        EnergyQuota = "energy_quota" / "能耗指标",
        Environment = "environment" / "环境容量",
        Financing = "financing" / "融资",
        Utilities = "utilities" / "水电气暖",
        Other = "other" / "其他",
    }
}

code_list! {
    /// Where a problem came from: a project, a key task, a meeting, or raised on its own.
    ProblemOrigin in "problem.origin" {
        Project = "project",
        Task = "task",
        Meeting = "meeting",
        Own = "own",
    }
}

code_list! {
    /// Where a problem stands. Raised, assigned and answered follow from its assignments
    /// ([`settle`]); escalated, instructed and resolved are set by the moves of that name.
    ProblemState in "problem.state" {
        Raised = "raised",
        Assigned = "assigned",
        Answered = "answered",
        Escalated = "escalated",
        Instructed = "instructed",
        Resolved = "resolved",
    }
}

code_list! {
    /// Where one department's assignment stands: assigned → signed (签收) → answered →
    /// accepted, or returned with a reason and answered again. Assignments still open when
    /// the problem is resolved are closed.
    AssignmentState in "problem.assignment_state" {
        Assigned = "assigned",
        Signed = "signed",
        Answered = "answered",
        Returned = "returned",
        Accepted = "accepted",
        Closed = "closed",
    }
}

code_list! {
    /// A step of a problem's timeline.
    EventKind in "problem.event" {
        Raised = "raised",
        Edited = "edited",
        Assigned = "assigned",
        Signed = "signed",
        Answered = "answered",
        Returned = "returned",
        Urged = "urged",
        Escalated = "escalated",
        Instructed = "instructed",
        Resolved = "resolved",
        Attached = "attached",
    }
}

/// What the office (or the leader) does to a problem as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemMove {
    Edit,
    Assign,
    Escalate,
    Instruct,
    Resolve,
}

impl ProblemState {
    /// Whether `m` may be made in this state. A resolved problem is final; an escalated one
    /// waits for the leader's instruction.
    pub fn allows(self, m: ProblemMove) -> bool {
        use ProblemState::*;
        match m {
            ProblemMove::Instruct => self == Escalated,
            ProblemMove::Edit => self != Resolved,
            ProblemMove::Assign | ProblemMove::Escalate | ProblemMove::Resolve => {
                !matches!(self, Escalated | Resolved)
            }
        }
    }

    /// The field error for a move this state does not allow.
    pub fn refuse(self, m: ProblemMove) -> Result<(), FieldErrors> {
        if self.allows(m) {
            return Ok(());
        }
        Err(FieldErrors(vec![
            FieldError::new("state", "problem_state").with("state", self.code()),
        ]))
    }
}

/// What a department (or the office, the supervisor) does to one assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentMove {
    Sign,
    Answer,
    Return,
    Urge,
}

impl AssignmentState {
    /// Waiting on the department: not yet answered (or answered and sent back).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AssignmentState::Assigned | AssignmentState::Signed | AssignmentState::Returned
        )
    }

    pub fn allows(self, m: AssignmentMove) -> bool {
        use AssignmentState::*;
        match m {
            AssignmentMove::Sign => self == Assigned,
            AssignmentMove::Answer => matches!(self, Signed | Returned),
            AssignmentMove::Return => self == Answered,
            AssignmentMove::Urge => self.is_open(),
        }
    }

    /// The field error for a move this state does not allow.
    pub fn refuse(self, m: AssignmentMove) -> Result<(), FieldErrors> {
        if self.allows(m) {
            return Ok(());
        }
        let code = match (m, self) {
            (AssignmentMove::Answer, AssignmentState::Assigned) => "not_signed",
            _ => "assignment_state",
        };
        Err(FieldErrors(vec![
            FieldError::new("state", code).with("state", self.code()),
        ]))
    }

    /// The state after the move.
    pub fn after(self, m: AssignmentMove) -> AssignmentState {
        match m {
            AssignmentMove::Sign => AssignmentState::Signed,
            AssignmentMove::Answer => AssignmentState::Answered,
            AssignmentMove::Return => AssignmentState::Returned,
            AssignmentMove::Urge => self,
        }
    }

    /// Where an assignment ends when its problem is resolved: an answer is accepted, an open
    /// one closed.
    pub fn on_resolve(self) -> AssignmentState {
        match self {
            AssignmentState::Answered | AssignmentState::Accepted => AssignmentState::Accepted,
            _ => AssignmentState::Closed,
        }
    }
}

/// The problem's state after its assignments changed: escalated and resolved stay as they
/// are; otherwise no assignment → raised, any open → assigned, all answered → answered.
pub fn settle(current: ProblemState, assignments: &[AssignmentState]) -> ProblemState {
    if matches!(current, ProblemState::Escalated | ProblemState::Resolved) {
        return current;
    }
    if assignments.is_empty() {
        return if current == ProblemState::Instructed {
            current
        } else {
            ProblemState::Raised
        };
    }
    if assignments.iter().any(|a| a.is_open()) {
        ProblemState::Assigned
    } else {
        ProblemState::Answered
    }
}

/// The number the office cites: `2026-0042`.
pub fn number(year: i32, seq: i64) -> String {
    format!("{year}-{seq:04}")
}

/// Not signed for within a day of being assigned (as of `now` while unsigned).
pub fn sign_late(
    assigned_at: DateTime<Utc>,
    signed_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    signed_at.unwrap_or(now) - assigned_at > Duration::hours(SIGN_WITHIN_HOURS)
}

/// Answered after the deadline's China calendar day.
pub fn answered_late(deadline: NaiveDate, answered_at: DateTime<Utc>) -> bool {
    clock::day_of(answered_at) > deadline
}

/// Still open after its deadline's day.
pub fn overdue(state: AssignmentState, deadline: NaiveDate, today: NaiveDate) -> bool {
    state.is_open() && deadline < today
}

/// An urge fits an open assignment near (within [`URGE_WINDOW_DAYS`]) or past its deadline.
pub fn check_urge(
    state: AssignmentState,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldErrors> {
    state.refuse(AssignmentMove::Urge)?;
    if deadline - today > Duration::days(URGE_WINDOW_DAYS) {
        return Err(FieldErrors(vec![
            FieldError::new("department_id", "urge_too_early")
                .with("days", URGE_WINDOW_DAYS)
                .with("deadline", deadline),
        ]));
    }
    Ok(())
}

/// A deadline: a real date, not before the day the problem was raised.
pub fn check_deadline(errs: &mut FieldErrors, field: &str, deadline: NaiveDate, raised: NaiveDate) {
    let before = errs.0.len();
    date(errs, field, deadline);
    if errs.0.len() == before && deadline < raised {
        errs.push(FieldError::new(field, "deadline_before").with("date", raised));
    }
}

/// Seconds from one instant to a later one (for the average days to answer and to resolve).
pub fn elapsed_seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds().max(0)
}

// ---------------------------------------------------------------- inputs

/// A problem as raised or edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemInput {
    pub title: String,
    pub kind: ProblemKind,
    /// What is in the way and what is needed.
    pub description: String,
    pub origin: ProblemOrigin,
    /// The task or meeting it came from (for a project, the project: `project_id`).
    #[serde(default)]
    pub origin_id: Option<i64>,
    /// The project it concerns; its industry and district then default to the project's.
    #[serde(default)]
    pub project_id: Option<i64>,
    /// The industry it concerns; required without a project.
    #[serde(default)]
    pub industry_id: Option<i64>,
    /// The district (or the city) it concerns; required without a project.
    #[serde(default)]
    pub region_id: Option<i64>,
}

impl ProblemInput {
    pub fn tidy(&mut self) {
        tidy(&mut self.title);
        self.description = self.description.trim().to_string();
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "title", &self.title, 200, true);
        text(&mut errs, "description", &self.description, 4000, true);
        match self.origin {
            ProblemOrigin::Project => {
                if self.project_id.is_none() {
                    errs.add("project_id", "required");
                } else if self.origin_id.is_some_and(|o| Some(o) != self.project_id) {
                    errs.add("origin_id", "origin_is_project");
                }
            }
            ProblemOrigin::Task | ProblemOrigin::Meeting => {
                if self.origin_id.is_none() {
                    errs.add("origin_id", "required");
                }
            }
            ProblemOrigin::Own => {
                if self.origin_id.is_some() {
                    errs.add("origin_id", "origin_not_expected");
                }
            }
        }
        if self.project_id.is_none() {
            if self.industry_id.is_none() {
                errs.add("industry_id", "required");
            }
            if self.region_id.is_none() {
                errs.add("region_id", "required");
            }
        }
        errs.into_result()
    }

    /// The origin's record: the project for a problem from a project.
    pub fn origin_record(&self) -> Option<i64> {
        match self.origin {
            ProblemOrigin::Project => self.project_id,
            _ => self.origin_id,
        }
    }
}

/// One department to answer a problem, by a deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentInput {
    pub department_id: i64,
    pub deadline: NaiveDate,
}

/// The office's assignment of a problem to one or more departments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    pub assignments: Vec<AssignmentInput>,
}

impl AssignInput {
    /// `raised` is the day the problem was raised; `taken` the departments it is already
    /// assigned to.
    pub fn validate(&self, raised: NaiveDate, taken: &[i64]) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if self.assignments.is_empty() {
            errs.add("assignments", "required");
        }
        if self.assignments.len() > MAX_DEPARTMENTS {
            errs.push(FieldError::new("assignments", "too_many").with("max", MAX_DEPARTMENTS));
        }
        let mut seen = Vec::new();
        for (i, a) in self.assignments.iter().enumerate() {
            let field = format!("assignments[{i}].department_id");
            if seen.contains(&a.department_id) {
                errs.add(&field, "duplicate");
            } else if taken.contains(&a.department_id) {
                errs.add(&field, "already_assigned");
            }
            seen.push(a.department_id);
            check_deadline(
                &mut errs,
                &format!("assignments[{i}].deadline"),
                a.deadline,
                raised,
            );
        }
        errs.into_result()
    }
}

/// A department's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    pub answer: String,
}

/// The office sends a department's answer back, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnInput {
    pub department_id: i64,
    pub return_reason: String,
}

/// An urge (催办) to a department, with an optional note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgeInput {
    pub department_id: i64,
    #[serde(default)]
    pub note: Option<String>,
}

/// The office escalates a problem to the leader in charge, saying why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateInput {
    pub note: String,
}

/// The office marks a problem resolved, saying how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    pub resolution: String,
}

/// Free text that must be given: an answer, a reason, a note, an instruction.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::new();
    text(&mut errs, field, value, max, true);
    errs.into_result()
}

/// Free text that may be left out.
pub fn optional_text(field: &str, value: &Option<String>, max: usize) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::new();
    opt_text(&mut errs, field, value, max);
    errs.into_result()
}

/// Trims optional free text; empty becomes none.
pub fn tidy_note(value: &mut Option<String>) {
    tidy_text_opt(value);
}

/// The leader's instruction (批示): the text, and what the task it becomes needs — a lead
/// department (牵头单位), co-departments and a deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstructionInput {
    pub instruction: String,
    pub lead_department_id: i64,
    #[serde(default)]
    pub co_department_ids: Vec<i64>,
    pub deadline: NaiveDate,
}

impl InstructionInput {
    pub fn tidy(&mut self) {
        self.instruction = self.instruction.trim().to_string();
        tidy_ids(&mut self.co_department_ids);
    }

    /// `today` is the day of the instruction: its task cannot be due before it.
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        text(&mut errs, "instruction", &self.instruction, 4000, true);
        department_list(&mut errs, "co_department_ids", &self.co_department_ids);
        if self.co_department_ids.contains(&self.lead_department_id) {
            errs.add("co_department_ids", "lead_not_responsible");
        }
        check_deadline(&mut errs, "deadline", self.deadline, today);
        errs.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn fields(e: &FieldErrors) -> Vec<(&str, &str)> {
        e.0.iter()
            .map(|f| (f.field.as_str(), f.code.as_str()))
            .collect()
    }

    fn input() -> ProblemInput {
        ProblemInput {
            title: "  项目用地指标不足 ".into(),
            kind: ProblemKind::Land,
            description: "需新增建设用地 120 亩".into(),
            origin: ProblemOrigin::Project,
            origin_id: None,
            project_id: Some(7),
            industry_id: None,
            region_id: None,
        }
    }

    #[test]
    fn kinds_read_codes_and_chinese() {
        assert_eq!(ProblemKind::parse("审批手续"), Some(ProblemKind::Approvals));
        assert_eq!(
            ProblemKind::parse("energy_quota"),
            Some(ProblemKind::EnergyQuota)
        );
        assert_eq!(ProblemKind::ALL.len(), 9);
        assert_eq!(ProblemKind::Utilities.zh(), "水电气暖");
    }

    #[test]
    fn a_problem_needs_what_it_concerns() {
        let mut p = input();
        p.tidy();
        assert_eq!(p.title, "项目用地指标不足");
        assert!(p.validate().is_ok());
        p.origin_id = Some(8);
        assert_eq!(
            fields(&p.validate().unwrap_err()),
            [("origin_id", "origin_is_project")]
        );
        let own = ProblemInput {
            origin: ProblemOrigin::Own,
            project_id: None,
            origin_id: Some(3),
            ..input()
        };
        assert_eq!(
            fields(&own.validate().unwrap_err()),
            [
                ("origin_id", "origin_not_expected"),
                ("industry_id", "required"),
                ("region_id", "required")
            ]
        );
        let meeting = ProblemInput {
            origin: ProblemOrigin::Meeting,
            ..input()
        };
        assert_eq!(
            fields(&meeting.validate().unwrap_err()),
            [("origin_id", "required")]
        );
    }

    #[test]
    fn states_allow_their_moves() {
        assert!(ProblemState::Raised.allows(ProblemMove::Assign));
        assert!(!ProblemState::Escalated.allows(ProblemMove::Assign));
        assert!(ProblemState::Escalated.allows(ProblemMove::Instruct));
        assert!(!ProblemState::Assigned.allows(ProblemMove::Instruct));
        assert!(!ProblemState::Resolved.allows(ProblemMove::Resolve));
        assert!(ProblemState::Instructed.allows(ProblemMove::Resolve));
        assert_eq!(
            fields(
                &ProblemState::Resolved
                    .refuse(ProblemMove::Edit)
                    .unwrap_err()
            ),
            [("state", "problem_state")]
        );
        use AssignmentState::*;
        assert!(Assigned.allows(AssignmentMove::Sign));
        assert!(!Signed.allows(AssignmentMove::Sign));
        assert_eq!(
            fields(&Assigned.refuse(AssignmentMove::Answer).unwrap_err()),
            [("state", "not_signed")]
        );
        assert!(Returned.allows(AssignmentMove::Answer));
        assert!(Answered.allows(AssignmentMove::Return));
        assert!(!Accepted.allows(AssignmentMove::Urge));
        assert_eq!(Answered.on_resolve(), Accepted);
        assert_eq!(Signed.on_resolve(), Closed);
    }

    #[test]
    fn assignments_settle_the_problem() {
        use AssignmentState as A;
        use ProblemState as P;
        assert_eq!(settle(P::Raised, &[]), P::Raised);
        assert_eq!(settle(P::Raised, &[A::Assigned]), P::Assigned);
        assert_eq!(settle(P::Assigned, &[A::Answered, A::Signed]), P::Assigned);
        assert_eq!(
            settle(P::Assigned, &[A::Answered, A::Answered]),
            P::Answered
        );
        assert_eq!(
            settle(P::Answered, &[A::Returned, A::Answered]),
            P::Assigned
        );
        assert_eq!(settle(P::Escalated, &[A::Answered]), P::Escalated);
        assert_eq!(settle(P::Instructed, &[]), P::Instructed);
        assert_eq!(settle(P::Instructed, &[A::Assigned]), P::Assigned);
        assert_eq!(settle(P::Resolved, &[A::Assigned]), P::Resolved);
    }

    #[test]
    fn numbers_and_flags() {
        assert_eq!(number(2026, 42), "2026-0042");
        assert_eq!(number(2026, 12345), "2026-12345");
        let assigned = at("2026-03-02T01:00:00Z");
        assert!(!sign_late(
            assigned,
            Some(at("2026-03-03T01:00:00Z")),
            assigned
        ));
        assert!(sign_late(
            assigned,
            Some(at("2026-03-03T01:00:01Z")),
            assigned
        ));
        assert!(sign_late(assigned, None, at("2026-03-03T02:00:00Z")));
        assert!(!sign_late(assigned, None, at("2026-03-02T20:00:00Z")));
        // 23:30 on the deadline in China is on time; half past midnight is late.
        assert!(!answered_late(d(2026, 3, 10), at("2026-03-10T15:30:00Z")));
        assert!(answered_late(d(2026, 3, 10), at("2026-03-10T16:30:00Z")));
        assert!(overdue(
            AssignmentState::Signed,
            d(2026, 3, 10),
            d(2026, 3, 11)
        ));
        assert!(!overdue(
            AssignmentState::Signed,
            d(2026, 3, 10),
            d(2026, 3, 10)
        ));
        assert!(!overdue(
            AssignmentState::Answered,
            d(2026, 3, 10),
            d(2026, 4, 1)
        ));
    }

    #[test]
    fn urges_come_near_or_past_the_deadline() {
        let today = d(2026, 5, 10);
        assert!(check_urge(AssignmentState::Assigned, d(2026, 5, 13), today).is_ok());
        assert!(check_urge(AssignmentState::Returned, d(2026, 5, 1), today).is_ok());
        assert_eq!(
            fields(&check_urge(AssignmentState::Signed, d(2026, 5, 14), today).unwrap_err()),
            [("department_id", "urge_too_early")]
        );
        assert!(check_urge(AssignmentState::Answered, d(2026, 5, 1), today).is_err());
    }

    #[test]
    fn a_deadline_is_not_before_the_raise_date() {
        let a = AssignInput {
            assignments: vec![
                AssignmentInput {
                    department_id: 3,
                    deadline: d(2026, 2, 28),
                },
                AssignmentInput {
                    department_id: 3,
                    deadline: d(2026, 3, 31),
                },
                AssignmentInput {
                    department_id: 4,
                    deadline: d(2026, 3, 31),
                },
            ],
        };
        assert_eq!(
            fields(&a.validate(d(2026, 3, 1), &[4]).unwrap_err()),
            [
                ("assignments[0].deadline", "deadline_before"),
                ("assignments[1].department_id", "duplicate"),
                ("assignments[2].department_id", "already_assigned"),
            ]
        );
        let none = AssignInput {
            assignments: vec![],
        };
        assert_eq!(
            fields(&none.validate(d(2026, 3, 1), &[]).unwrap_err()),
            [("assignments", "required")]
        );
        let far = AssignInput {
            assignments: vec![AssignmentInput {
                department_id: 1,
                deadline: d(2200, 1, 1),
            }],
        };
        assert_eq!(
            fields(&far.validate(d(2026, 3, 1), &[]).unwrap_err()),
            [("assignments[0].deadline", "range")]
        );
    }

    #[test]
    fn an_instruction_names_what_its_task_needs() {
        let mut i = InstructionInput {
            instruction: " 请市财政局牵头，一周内拿出方案。 ".into(),
            lead_department_id: 5,
            co_department_ids: vec![6, 5, 6],
            deadline: d(2026, 4, 1),
        };
        i.tidy();
        assert_eq!(i.co_department_ids, [5, 6]);
        assert_eq!(
            fields(&i.validate(d(2026, 4, 2)).unwrap_err()),
            [
                ("co_department_ids", "lead_not_responsible"),
                ("deadline", "deadline_before")
            ]
        );
    }
}
