//! Everyone's to-do, in-app notifications and reminders: records and storage traits.
//!
//! The to-do is read from the areas' own tables, one indexed query per source
//! ([`TodoStore::todo`]). Notifications are written by the areas' store calls inside the
//! transaction of the step they tell of; the reminder job records each reminder it sends
//! under a unique key in the transaction that writes its notifications
//! ([`ReminderStore::send_reminder`]), so it is sent once however many instances run.

use crate::{AuditBy, Result};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_domain::task::Issuer;
use dongneng_domain::todo::{NotificationKind, ReminderSettings, TodoKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the to-do reads for one user: a source is read only when set, and the service sets
/// only those the user may act on.
#[derive(Debug, Clone, Default)]
pub struct TodoQuery {
    /// Open tasks this department leads.
    pub lead_department: Option<i64>,
    /// Closes to check of tasks these issued, within the scope.
    pub check: Option<(Vec<Issuer>, DataScope)>,
    /// Problems assigned to this department, not signed for or not answered.
    pub assignments_of: Option<i64>,
    /// The office's problems (raised ones to assign, answers to review) within the scope.
    pub office: Option<DataScope>,
    /// Problems escalated to the leader, waiting for the instruction, within the scope.
    pub instruct: Option<DataScope>,
    /// Supervision items this unit must reply to.
    pub replies_of: Option<i64>,
    /// Supervision items replied to, or past their deadline on `today`, to close.
    pub supervisor: bool,
    /// Monthly reports to file (not filed, or returned) of the task forces within the scope.
    pub dispatch_file: Option<DataScope>,
    /// Monthly reports submitted or resubmitted, to review, within the scope.
    pub dispatch_review: Option<DataScope>,
    pub today: NaiveDate,
    /// At most this many entries of each source.
    pub limit: i64,
}

/// One entry of a source, with how many the source holds in all.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TodoRow {
    #[sqlx(try_from = "String")]
    pub kind: TodoKind,
    pub record_id: i64,
    pub title: String,
    /// A problem's or supervision item's number parts.
    pub year: Option<i32>,
    pub seq: Option<i64>,
    pub deadline: Option<NaiveDate>,
    /// The department it waits on, if a department's.
    pub department_id: Option<i64>,
    pub total: i64,
}

/// Storage of the to-do.
#[async_trait]
pub trait TodoStore {
    /// The first `limit` entries of each source the query sets, earliest deadline first.
    async fn todo(&self, q: &TodoQuery) -> Result<Vec<TodoRow>>;
}

/// A notification of one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Notification {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: NotificationKind,
    /// `problem`, `task` or `supervision_item`, and its id.
    pub record_type: String,
    pub record_id: i64,
    /// The record's number and title.
    pub title: String,
    /// The step's text (an answer, a reason), if any.
    pub body: String,
    /// The record's page.
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Storage of notifications; each user reaches only their own.
#[async_trait]
pub trait NotificationStore {
    /// One page of the user's notifications, newest first, with how many there are and how
    /// many are unread.
    async fn notifications(
        &self,
        user_id: i64,
        unread_only: bool,
        page: Page,
    ) -> Result<(Vec<Notification>, i64)>;
    async fn unread_count(&self, user_id: i64) -> Result<i64>;
    /// Marks those of `ids` that are the user's read (others' are left alone); the ones
    /// marked.
    async fn mark_read(&self, user_id: i64, ids: &[i64], by: &AuditBy)
    -> Result<Vec<Notification>>;
    /// Marks all the user's notifications read; how many were unread.
    async fn mark_all_read(&self, user_id: i64, by: &AuditBy) -> Result<i64>;
}

/// The reminder calendar as stored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredReminderSettings {
    #[serde(flatten)]
    pub settings: ReminderSettings,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// Something with a deadline that reminders are about: an open task (its lead department),
/// an open problem assignment (its department), an unanswered supervision unit.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReminderCandidate {
    /// `task`, `problem` or `supervision_item`.
    pub record_type: String,
    pub record_id: i64,
    pub title: String,
    pub year: Option<i32>,
    pub seq: Option<i64>,
    pub deadline: NaiveDate,
    pub department_id: i64,
    pub region_id: Option<i64>,
    pub industry_id: Option<i64>,
    /// A task's leader in charge.
    pub leader_user_id: Option<i64>,
}

/// A reminder to send: its key and what it says.
#[derive(Debug, Clone)]
pub struct Reminder {
    /// Unique per record, department, deadline and stage.
    pub key: String,
    pub kind: NotificationKind,
    pub candidate: ReminderCandidate,
    /// The number and title.
    pub title: String,
    pub link: String,
    /// To the leader in charge instead of the department.
    pub to_leader: bool,
}

/// Who a sent reminder reached (for e-mail).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Recipient {
    pub user_id: i64,
    pub username: String,
    pub email: Option<String>,
}

/// Storage of the reminder calendar and of sent reminders.
#[async_trait]
pub trait ReminderStore {
    async fn reminder_settings(&self) -> Result<StoredReminderSettings>;
    /// Changes the calendar at `version` (409 when stale), with its audit row.
    async fn set_reminder_settings(
        &self,
        version: i64,
        settings: &ReminderSettings,
        by: &AuditBy,
    ) -> Result<StoredReminderSettings>;
    /// The open things whose deadline lies in `[from, to]`, after `after` (record type and
    /// id, for paging), at most `limit`.
    async fn reminder_candidates(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> Result<Vec<ReminderCandidate>>;
    /// Records the reminder under its key and writes its notifications in one transaction:
    /// `None` when the key was taken already (sent before, by this or another instance).
    async fn send_reminder(&self, r: &Reminder, by: &AuditBy) -> Result<Option<Vec<Recipient>>>;
}
