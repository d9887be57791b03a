//! Key tasks (重点任务): records and the storage trait for them.
//!
//! A task is written by its own area (the task form, the work plans) and by the areas it
//! comes from: a meeting's decision, a problem's instruction, a supervision item. Those write
//! their task in their own transaction, with the shared query code's `tasks::insert_task`.

use crate::{AuditBy, NewFile, Result, WorkPlan};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_domain::task::{self, Issuer, TaskInput, TaskSource, TaskStatus, TaskStep};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A task as stored. Whether it is overdue depends on the day it is read: see
/// `dongneng_domain::task::overdue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Task {
    pub id: i64,
    pub title: String,
    /// What is to be done (工作内容).
    pub details: String,
    #[sqlx(try_from = "String")]
    pub source: TaskSource,
    /// The record of the source's area it came from (a meeting decision, a problem, a
    /// supervision item); none for the sources entered directly.
    pub source_id: Option<i64>,
    /// The annual work plan of a work-plan task.
    pub work_plan_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub region_id: Option<i64>,
    /// 牵头单位. Every task written since has one; none only for a work-plan measure moved to
    /// the tasks without an owning department.
    pub lead_department_id: Option<i64>,
    /// 配合单位.
    #[sqlx(skip)]
    pub co_department_ids: Vec<i64>,
    pub responsible_person: Option<String>,
    /// 分管领导 (a user with the leader role).
    pub leader_user_id: Option<i64>,
    /// The day it was issued (China's calendar).
    pub issued_on: NaiveDate,
    pub deadline: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: TaskStatus,
    /// Who checks its close.
    #[sqlx(try_from = "String")]
    pub issuer: Issuer,
    pub cancel_reason: Option<String>,
    /// Why the last submission was sent back.
    pub reject_reason: Option<String>,
    /// When it was submitted as done (cleared when sent back).
    pub done_at: Option<DateTime<Utc>>,
    /// When it was closed or cancelled.
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Task {
    /// Every department the task is assigned to: the lead one first, then the co-operating.
    pub fn departments(&self) -> Vec<i64> {
        self.lead_department_id
            .into_iter()
            .chain(self.co_department_ids.iter().copied())
            .collect()
    }

    /// The task as entered, for a form that changes it.
    pub fn input(&self) -> TaskInput {
        TaskInput {
            title: self.title.clone(),
            details: self.details.clone(),
            source: self.source,
            work_plan_id: self.work_plan_id,
            industry_id: self.industry_id,
            region_id: self.region_id,
            lead_department_id: self.lead_department_id.unwrap_or_default(),
            co_department_ids: self.co_department_ids.clone(),
            responsible_person: self.responsible_person.clone(),
            leader_user_id: self.leader_user_id,
            deadline: self.deadline,
        }
    }
}

/// A task as read on a day (China's calendar): with whether it is overdue then, and by how
/// many days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskEntry {
    #[serde(flatten)]
    pub task: Task,
    pub overdue: bool,
    pub days_overdue: i64,
}

impl Task {
    /// The task as read on `today`.
    pub fn on(self, today: NaiveDate) -> TaskEntry {
        TaskEntry {
            overdue: task::overdue(self.deadline, self.status, today),
            days_overdue: task::days_overdue(self.deadline, self.status, today),
            task: self,
        }
    }
}

/// A new task: what was entered, where it came from, who checks it, the day it is issued.
/// Other areas make one for the tasks they give (a meeting's decision: `MeetingDecision`, the
/// decision's id, the meeting's date).
#[derive(Debug, Clone)]
pub struct NewTask {
    pub input: TaskInput,
    pub source_id: Option<i64>,
    pub issuer: Issuer,
    pub issued_on: NaiveDate,
}

/// A dated progress note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct TaskNote {
    pub id: i64,
    pub task_id: i64,
    pub noted_on: NaiveDate,
    pub progress_note: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub created_at: DateTime<Utc>,
}

/// A piece of evidence, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct TaskFile {
    pub id: i64,
    pub task_id: i64,
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

/// A step of the timeline: `created`, or a status move (`start`, `submit`, `accept`,
/// `reject`, `cancel`) with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskEvent {
    pub id: i64,
    pub task_id: i64,
    pub kind: String,
    pub from_status: Option<TaskStatus>,
    pub to_status: TaskStatus,
    pub reason: Option<String>,
    pub user_id: Option<i64>,
    pub username: String,
    pub at: DateTime<Utc>,
}

/// Which tasks a list holds. Everything is within `scope`; the rest narrows it.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub scope: DataScope,
    /// Any of these statuses (all when empty).
    pub statuses: Vec<TaskStatus>,
    /// Only those overdue on this day.
    pub overdue_on: Option<NaiveDate>,
    pub source: Option<TaskSource>,
    pub industry_id: Option<i64>,
    /// This region and every region below it.
    pub region_id: Option<i64>,
    /// Led by this department or co-operated by it.
    pub department_id: Option<i64>,
    pub work_plan_id: Option<i64>,
    /// Whose check they wait for (all when empty).
    pub issuers: Vec<Issuer>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    /// A substring of the title or the content.
    pub q: Option<String>,
}

/// How many tasks a filter selects (`matching`), and — whatever its statuses and overdue
/// flag — how many there are by status and overdue, so that a list can offer each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskCounts {
    pub matching: i64,
    pub all: i64,
    pub not_started: i64,
    pub in_progress: i64,
    pub pending_check: i64,
    pub closed: i64,
    pub cancelled: i64,
    pub overdue: i64,
}

/// Storage of key tasks. Every write records its audit row in the same transaction; changes
/// name the version they read. Evidence added or removed moves the task's version too (what
/// a close is checked against is part of the task).
#[async_trait]
pub trait TaskStore {
    /// A page of the filtered list: the open tasks by deadline (so the overdue ones first),
    /// then those waiting for their check, then the finished ones.
    async fn task_page(&self, filter: &TaskFilter, page: Page) -> Result<Vec<Task>>;
    /// How many the filter selects, and the counts by status and overdue on `today` (the day
    /// of the filter's `overdue_on`, if it has one).
    async fn task_counts(&self, filter: &TaskFilter, today: NaiveDate) -> Result<TaskCounts>;
    async fn get_task(&self, id: i64) -> Result<Option<Task>>;
    /// The tasks of an industry's work plans, by plan and deadline.
    async fn work_plan_tasks(&self, industry_id: i64) -> Result<Vec<Task>>;
    /// A work plan by its id alone (a task names it).
    async fn work_plan(&self, id: i64) -> Result<Option<WorkPlan>>;

    async fn create_task(&self, new: &NewTask, by: &AuditBy) -> Result<Task>;
    async fn update_task(
        &self,
        id: i64,
        version: i64,
        input: &TaskInput,
        by: &AuditBy,
    ) -> Result<Task>;
    /// Moves the task's status by `step` (which the service checked against this version),
    /// with the reason of a rejection or cancellation, and records the event.
    async fn move_task(
        &self,
        id: i64,
        version: i64,
        step: TaskStep,
        reason: Option<&str>,
        by: &AuditBy,
    ) -> Result<Task>;

    async fn list_task_notes(&self, task_id: i64) -> Result<Vec<TaskNote>>;
    async fn add_task_note(
        &self,
        task_id: i64,
        noted_on: NaiveDate,
        progress_note: &str,
        by: &AuditBy,
    ) -> Result<TaskNote>;

    async fn list_task_files(&self, task_id: i64) -> Result<Vec<TaskFile>>;
    /// Adds evidence to a task that is still open (else 409), moving its version.
    async fn add_task_file(&self, task_id: i64, file: &NewFile, by: &AuditBy) -> Result<TaskFile>;
    async fn get_task_file(&self, task_id: i64, id: i64) -> Result<Option<(TaskFile, Vec<u8>)>>;
    /// Removes evidence from a task that is still open (else 409), moving its version.
    async fn delete_task_file(
        &self,
        task_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> Result<()>;

    async fn list_task_events(&self, task_id: i64) -> Result<Vec<TaskEvent>>;
}
