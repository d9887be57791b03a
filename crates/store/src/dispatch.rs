//! Monthly dispatch (月度调度): reporting periods with their task forces and deadlines, the
//! task forces' monthly reports with their timelines, the filings of a year, the deadline
//! setting and the dispatch reminders. Every write records its audit row in its transaction;
//! a period's and a report's changes name the version they read.

use crate::{AuditBy, Recipient, Result};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::dispatch::{
    DispatchSettings, PeriodState, ReportContent, ReportForm, ReportState, ReportStep, Section,
};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_domain::todo::NotificationKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A reporting period (one month).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Period {
    pub id: i64,
    /// `year * 100 + month`.
    pub month_key: i64,
    pub year: i64,
    pub month: i64,
    #[sqlx(try_from = "String")]
    pub state: PeriodState,
    /// The deadline the period opened with; a task force may have an extended one.
    pub deadline: NaiveDate,
    pub lock_reason: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A task force of a period, with its deadline (and the extension, if any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct PeriodMember {
    pub period_id: i64,
    pub industry_id: i64,
    pub deadline: NaiveDate,
    pub extension_reason: Option<String>,
    pub extended_by: Option<String>,
    pub extended_at: Option<DateTime<Utc>>,
}

/// The deadline setting as stored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredDispatchSettings {
    #[serde(flatten)]
    pub settings: DispatchSettings,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// A task force's monthly report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DispatchReport {
    pub id: i64,
    pub period_id: i64,
    /// The period's month.
    pub year: i64,
    pub month: i64,
    pub industry_id: i64,
    pub form: ReportForm,
    pub state: ReportState,
    /// What the task force wrote and entered.
    pub content: ReportContent,
    /// The sections the last return reopened.
    pub returned_sections: Vec<Section>,
    pub return_reason: Option<String>,
    /// What the report said when it was last returned.
    pub returned_content: Option<ReportContent>,
    /// The figures from the system as they stood at the last submission.
    #[schema(value_type = Option<Object>)]
    pub system_figures: Option<serde_json::Value>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One step of a report's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportStepEntry {
    pub id: i64,
    pub report_id: i64,
    pub step: ReportStep,
    /// A return's reason.
    pub note: String,
    /// The sections the step concerns (edited, returned).
    pub sections: Vec<Section>,
    pub username: String,
    pub at: DateTime<Utc>,
}

/// Which reports a list holds: within `scope` (by industry), narrowed by the rest.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub scope: DataScope,
    pub period_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub state: Option<ReportState>,
    pub year: Option<i32>,
}

/// A task force of a period and what it filed: the completeness table's cell.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FilingRow {
    pub period_id: i64,
    pub year: i64,
    pub month: i64,
    pub period_state: String,
    pub industry_id: i64,
    pub deadline: NaiveDate,
    pub extension_reason: Option<String>,
    pub report_id: Option<i64>,
    pub state: Option<String>,
    pub first_submitted_at: Option<DateTime<Utc>>,
}

/// A state move of a report, checked by the service against the version read.
#[derive(Debug, Clone)]
pub struct ReportMove {
    pub step: ReportStep,
    pub to: ReportState,
    /// A return's reason.
    pub reason: Option<String>,
    /// The sections a return reopens.
    pub sections: Vec<Section>,
    /// The figures from the system at a submission (JSON).
    pub system_figures: Option<serde_json::Value>,
    /// Who is told, and what.
    pub notice: Option<NotificationKind>,
    /// The report's title in the notification (industry and month).
    pub title: String,
}

/// A task force of an open period that has not filed, with a deadline the reminder calendar
/// reaches.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DispatchCandidate {
    pub period_id: i64,
    pub year: i64,
    pub month: i64,
    pub industry_id: i64,
    pub industry_name: String,
    pub deadline: NaiveDate,
}

/// Storage of monthly dispatch.
#[async_trait]
pub trait DispatchStore {
    async fn dispatch_settings(&self) -> Result<StoredDispatchSettings>;
    async fn set_dispatch_settings(
        &self,
        version: i64,
        settings: &DispatchSettings,
        by: &AuditBy,
    ) -> Result<StoredDispatchSettings>;

    /// Opens the period of `year`-`month` with `deadline` and the task forces of today (the
    /// active industries with a coordination structure), unless it exists: then adds the
    /// task forces it lacks, with its deadline. The period, and whether it was created now.
    async fn open_period(
        &self,
        year: i32,
        month: u32,
        deadline: NaiveDate,
        by: &AuditBy,
    ) -> Result<(Period, bool)>;
    /// Periods newest first (of `year` when given).
    async fn period_page(&self, year: Option<i32>, page: Page) -> Result<Vec<Period>>;
    async fn period_count(&self, year: Option<i32>) -> Result<i64>;
    async fn get_period(&self, id: i64) -> Result<Option<Period>>;
    async fn period_of_month(&self, year: i32, month: u32) -> Result<Option<Period>>;
    async fn period_members(&self, period_id: i64) -> Result<Vec<PeriodMember>>;
    /// Moves one task force's deadline, with the reason (moves the period's version).
    async fn extend_deadline(
        &self,
        period_id: i64,
        version: i64,
        industry_id: i64,
        deadline: NaiveDate,
        reason: &str,
        by: &AuditBy,
    ) -> Result<Period>;
    /// Locks or reopens a period.
    async fn set_period_state(
        &self,
        period_id: i64,
        version: i64,
        state: PeriodState,
        reason: Option<&str>,
        by: &AuditBy,
    ) -> Result<Period>;

    async fn report_page(&self, filter: &ReportFilter, page: Page) -> Result<Vec<DispatchReport>>;
    async fn report_count(&self, filter: &ReportFilter) -> Result<i64>;
    async fn get_report(&self, id: i64) -> Result<Option<DispatchReport>>;
    async fn report_steps(&self, id: i64) -> Result<Vec<ReportStepEntry>>;
    /// A new draft (a second one for the month is a `duplicate` of `industry_id`).
    async fn create_report(
        &self,
        period_id: i64,
        industry_id: i64,
        form: ReportForm,
        by: &AuditBy,
    ) -> Result<DispatchReport>;
    /// Saves the content (checked by the service), naming the sections changed.
    async fn update_report(
        &self,
        id: i64,
        version: i64,
        content: &ReportContent,
        sections: &[Section],
        by: &AuditBy,
    ) -> Result<DispatchReport>;
    /// Moves the state (checked by the service), with its step, audit row and notification.
    async fn move_report(
        &self,
        id: i64,
        version: i64,
        step: &ReportMove,
        by: &AuditBy,
    ) -> Result<DispatchReport>;

    /// Dates a report's timeline after the fact (the demo's past months only): the steps in
    /// order take the times given (the last time for any further step), and the report's
    /// creation, first and last submission and acceptance follow its steps.
    async fn date_report_steps(&self, id: i64, times: &[DateTime<Utc>]) -> Result<()>;

    /// Every task force of every period of `year` within `scope`, with its report if any.
    async fn filings(&self, year: i32, scope: &DataScope) -> Result<Vec<FilingRow>>;
    /// The task forces of one period within `scope`, with their reports if any.
    async fn period_filings(&self, period_id: i64, scope: &DataScope) -> Result<Vec<FilingRow>>;

    /// Task forces of open periods that have not filed, whose deadline lies in `[from, to]`.
    async fn dispatch_candidates(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DispatchCandidate>>;
    /// Records a dispatch reminder under `key` and tells the task force (or, `to_leader`, the
    /// industry's leaders) in one transaction; `None` when the key was taken already.
    async fn send_dispatch_reminder(
        &self,
        key: &str,
        kind: NotificationKind,
        c: &DispatchCandidate,
        to_leader: bool,
        by: &AuditBy,
    ) -> Result<Option<Vec<Recipient>>>;
}
