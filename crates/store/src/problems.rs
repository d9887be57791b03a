//! Problems (问题协调): records and the storage trait for them.
//!
//! A problem carries its departments' assignments, files, timeline and leaders'
//! instructions. Every change names the problem's version and goes through one store call
//! ([`ProblemStore::change_problem`]), which writes the step, the timeline entry, the
//! problem's settled state and earliest open deadline, and the audit row in one transaction.

use crate::{AuditBy, NewFile, Result};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_domain::problem::{
    AssignmentInput, AssignmentState, EventKind, ProblemKind, ProblemOrigin, ProblemState,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A problem as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Problem {
    pub id: i64,
    /// The number the office cites: `2026-0042`.
    #[sqlx(skip)]
    pub number: String,
    pub year: i32,
    pub seq: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub kind: ProblemKind,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub origin: ProblemOrigin,
    /// The task or meeting (or the project) it came from.
    pub origin_id: Option<i64>,
    pub project_id: Option<i64>,
    pub industry_id: i64,
    pub region_id: i64,
    #[sqlx(try_from = "String")]
    pub state: ProblemState,
    /// Who raised it (username) and for which department.
    pub raised_by: String,
    pub raised_department_id: Option<i64>,
    pub raised_at: DateTime<Utc>,
    /// The earliest deadline of the assignments still open.
    pub next_deadline: Option<NaiveDate>,
    /// An open assignment is past its deadline (derived when read, China time).
    #[sqlx(skip)]
    pub overdue: bool,
    /// The departments it is assigned to.
    #[sqlx(skip)]
    pub department_ids: Vec<i64>,
    /// Why the office escalated it to the leader in charge.
    pub escalation_note: Option<String>,
    /// How it was resolved.
    pub resolution: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One department's part in a problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Assignment {
    pub id: i64,
    pub problem_id: i64,
    pub department_id: i64,
    pub deadline: NaiveDate,
    #[sqlx(try_from = "String")]
    pub state: AssignmentState,
    pub assigned_at: DateTime<Utc>,
    pub assigned_by: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    /// Signed for within a day of being assigned.
    pub signed_on_time: Option<bool>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
    /// The latest answer came after the deadline's day.
    pub answered_late: Option<bool>,
    /// Why the office sent the answer back.
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTime<Utc>>,
    /// Urges (催办) received.
    pub urge_count: i32,
    pub last_urged_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Not signed for within a day (derived when read).
    #[sqlx(skip)]
    pub sign_late: bool,
    /// Open past its deadline (derived when read).
    #[sqlx(skip)]
    pub overdue: bool,
}

/// An attachment of a problem (no `assignment_id`) or of a department's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct ProblemFile {
    pub id: i64,
    pub problem_id: i64,
    pub assignment_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub uploaded_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A step of a problem's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct ProblemEvent {
    pub id: i64,
    pub problem_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: EventKind,
    /// The department the step concerns (an assignment's).
    pub department_id: Option<i64>,
    /// The answer, reason, note or instruction given with it.
    pub text: String,
    pub username: String,
    pub at: DateTime<Utc>,
}

/// Ids kept as a JSON list in one column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct IdList(pub Vec<i64>);

impl TryFrom<String> for IdList {
    type Error = serde_json::Error;
    fn try_from(s: String) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&s).map(IdList)
    }
}

/// A leader's instruction (批示) on an escalated problem, with what its task needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Instruction {
    pub id: i64,
    pub problem_id: i64,
    pub instruction: String,
    /// The leader (username and name).
    pub username: String,
    pub leader_name: String,
    /// 牵头单位 and 配合单位 of the task it becomes.
    pub lead_department_id: i64,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<i64>)]
    pub co_department_ids: IdList,
    pub deadline: NaiveDate,
    /// The task it became, once the key-task area has created it.
    pub task_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// A problem's fields as the service resolved them (the project's industry and district
/// filled in).
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemFields {
    pub title: String,
    pub kind: ProblemKind,
    pub description: String,
    pub origin: ProblemOrigin,
    pub origin_id: Option<i64>,
    pub project_id: Option<i64>,
    pub industry_id: i64,
    pub region_id: i64,
}

/// A problem to raise.
#[derive(Debug, Clone)]
pub struct NewProblem {
    pub fields: ProblemFields,
    /// The raiser's department, if the raiser has one.
    pub raised_department_id: Option<i64>,
    /// When it is raised (now, or the demo's past).
    pub at: DateTime<Utc>,
}

/// A leader's instruction to record.
#[derive(Debug, Clone)]
pub struct NewInstruction {
    pub instruction: String,
    pub leader_name: String,
    pub lead_department_id: i64,
    pub co_department_ids: Vec<i64>,
    pub deadline: NaiveDate,
}

/// The key task a leader's instruction becomes (批示 → 重点任务): what the tasks area needs to
/// create it. Built by the service (`dongneng_service::problems::task_from_instruction`).
#[derive(Debug, Clone, PartialEq)]
pub struct InstructionTask {
    pub title: String,
    pub content: String,
    /// The problem it comes from (the task's source).
    pub problem_id: i64,
    pub industry_id: i64,
    pub region_id: i64,
    /// 牵头单位 and 配合单位.
    pub lead_department_id: i64,
    pub co_department_ids: Vec<i64>,
    /// The leader in charge (the one who gave the instruction).
    pub leader_in_charge: String,
    pub deadline: NaiveDate,
}

/// One step of a problem's life, checked by the service against the version it read.
#[derive(Debug, Clone)]
pub enum ProblemStep {
    Edit(ProblemFields),
    Assign(Vec<AssignmentInput>),
    Sign {
        assignment_id: i64,
        on_time: bool,
    },
    Answer {
        assignment_id: i64,
        answer: String,
        late: bool,
        seconds: i64,
    },
    Return {
        assignment_id: i64,
        reason: String,
    },
    Urge {
        assignment_id: i64,
        note: String,
    },
    Escalate {
        note: String,
    },
    Instruct {
        instruction: NewInstruction,
        task: InstructionTask,
    },
    Resolve {
        resolution: String,
        seconds: i64,
    },
}

/// A step and when it happens (now, or the demo's past).
#[derive(Debug, Clone)]
pub struct ProblemChange {
    pub step: ProblemStep,
    pub at: DateTime<Utc>,
}

/// Filters of the problem list. Regions stand for their subtrees.
#[derive(Debug, Clone, Default)]
pub struct ProblemFilter {
    pub scope: DataScope,
    pub state: Option<ProblemState>,
    pub kind: Option<ProblemKind>,
    /// Assigned to this department.
    pub department_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub region_id: Option<i64>,
    pub project_id: Option<i64>,
    /// Only problems with an open assignment past its deadline on this day, earliest first.
    pub overdue_on: Option<NaiveDate>,
    /// Substring of the number, title or description.
    pub q: Option<String>,
}

/// One department's figures for a period (assignments made in it).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct DepartmentCounts {
    pub department_id: i64,
    pub received: i64,
    pub signed_on_time: i64,
    pub answered_on_time: i64,
    pub answered_late: i64,
    /// Assignments urged at least once.
    pub urged: i64,
    pub open: i64,
    /// Assignments answered, and the seconds their answers took in all.
    pub answered: i64,
    pub answer_seconds: i64,
    /// Of those, on problems resolved, and the seconds from raising to resolving in all.
    pub resolved: i64,
    pub resolve_seconds: i64,
}

/// Everything the problem page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProblemDetail {
    #[serde(flatten)]
    pub problem: Problem,
    pub assignments: Vec<Assignment>,
    pub files: Vec<ProblemFile>,
    /// The timeline, oldest first.
    pub events: Vec<ProblemEvent>,
    pub instructions: Vec<Instruction>,
}

/// Storage of problems.
#[async_trait]
pub trait ProblemStore {
    /// One page of the problems a filter selects (newest first; earliest deadline first when
    /// asking for the overdue), with how many it selects.
    async fn problem_page(&self, filter: &ProblemFilter, page: Page)
    -> Result<(Vec<Problem>, i64)>;
    async fn get_problem(&self, id: i64) -> Result<Option<Problem>>;
    /// The problem with its assignments, files, timeline and instructions.
    async fn problem_detail(&self, id: i64) -> Result<Option<ProblemDetail>>;
    async fn create_problem(&self, new: &NewProblem, by: &AuditBy) -> Result<Problem>;
    /// Applies one step to problem `id` at `version` (404, 409 as any versioned write).
    async fn change_problem(
        &self,
        id: i64,
        version: i64,
        change: &ProblemChange,
        by: &AuditBy,
    ) -> Result<Problem>;
    /// Attaches a file to the problem or to one of its assignments' answers.
    async fn add_problem_file(
        &self,
        problem_id: i64,
        assignment_id: Option<i64>,
        file: &NewFile,
        by: &AuditBy,
    ) -> Result<ProblemFile>;
    async fn get_problem_file(
        &self,
        problem_id: i64,
        id: i64,
    ) -> Result<Option<(ProblemFile, Vec<u8>)>>;
    /// Per department, the assignments made from `from` until before `until` on the problems
    /// the scope covers.
    async fn department_counts(
        &self,
        scope: &DataScope,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<DepartmentCounts>>;
    /// The open assignments of a department (its to-do), earliest deadline first.
    async fn assignments_waiting(&self, department_id: i64, limit: i64) -> Result<Vec<Assignment>>;
}
