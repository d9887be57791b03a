//! Meetings (会议): records and the storage trait. A meeting's agenda, attendees, minutes and
//! decisions change it: each such write names the meeting's version and moves it (a stale one
//! is a conflict). A decision's key task is written in the decision's transaction.

use crate::{AuditBy, IdList, NewTask, Result, Task};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::meeting::{
    AgendaInput, AttendeeInput, DecisionInput, IndustryFigures, MeetingInput, MeetingKind,
    MeetingMode, MeetingState, MeetingStep, ProposalRules,
};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Meeting {
    pub id: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub kind: MeetingKind,
    #[sqlx(try_from = "String")]
    pub mode: MeetingMode,
    pub held_on: NaiveDate,
    /// `year * 10 + quarter` of `held_on`.
    pub quarter_key: i64,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub chair_user_id: i64,
    pub organiser_department_id: i64,
    pub region_id: Option<i64>,
    /// A quarterly meeting beyond the quarter's one.
    pub extra: bool,
    /// The industries the quarterly proposal offered when it was created.
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<i64>)]
    pub proposed_industry_ids: IdList,
    /// Whether the office took the proposal as it was.
    pub followed_proposal: bool,
    #[sqlx(try_from = "String")]
    pub state: MeetingState,
    /// 纪要.
    pub minutes: String,
    pub cancel_reason: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The industries it concerns.
    #[sqlx(skip)]
    pub industry_ids: Vec<i64>,
}

impl Meeting {
    /// The meeting as entered, for a form that changes it.
    pub fn input(&self) -> MeetingInput {
        MeetingInput {
            title: self.title.clone(),
            kind: self.kind,
            mode: self.mode,
            held_on: self.held_on,
            place: self.place.clone(),
            video_link: self.video_link.clone(),
            chair_user_id: self.chair_user_id,
            organiser_department_id: self.organiser_department_id,
            industry_ids: self.industry_ids.clone(),
            region_id: self.region_id,
            extra: self.extra,
        }
    }
}

/// An agenda item: a topic, or a problem put on the agenda, with its outcome once recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct AgendaItem {
    pub id: i64,
    pub meeting_id: i64,
    pub position: i64,
    pub topic: String,
    pub problem_id: Option<i64>,
    pub outcome: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An attendee: a user, or a named outside guest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Attendee {
    pub id: i64,
    pub meeting_id: i64,
    pub user_id: Option<i64>,
    pub guest_name: Option<String>,
    pub guest_org: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A decision (议定事项) and the key task it became.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Decision {
    pub id: i64,
    pub meeting_id: i64,
    pub position: i64,
    pub title: String,
    pub details: String,
    pub lead_department_id: i64,
    pub deadline: NaiveDate,
    pub task_id: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A new meeting, with what the proposal offered.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub input: MeetingInput,
    pub proposed_industry_ids: Vec<i64>,
    pub followed_proposal: bool,
}

/// Which meetings a list holds: everything within `scope`, narrowed by the rest.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub scope: DataScope,
    pub kind: Option<MeetingKind>,
    pub state: Option<MeetingState>,
    pub industry_id: Option<i64>,
    pub year: Option<i32>,
    /// A substring of the title.
    pub q: Option<String>,
}

/// The proposal's rules as stored, with their version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredRules {
    #[serde(flatten)]
    pub rules: ProposalRules,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// A project of the pack: one behind plan (a yellow or red warning).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct PackProject {
    pub id: i64,
    pub name: String,
    pub region_id: i64,
    pub warning_level: String,
    /// This year's planned investment (分).
    pub year_plan: i64,
    /// This year's completed investment (分).
    pub year_completed: i64,
}

/// An open problem of the pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct PackProblem {
    pub id: i64,
    pub year: i64,
    pub seq: i64,
    pub title: String,
    pub kind: String,
    pub state: String,
    pub region_id: i64,
}

/// Storage of meetings.
#[async_trait]
pub trait MeetingStore {
    /// A page of the filtered list, newest first.
    async fn meeting_page(&self, filter: &MeetingFilter, page: Page) -> Result<Vec<Meeting>>;
    async fn meeting_count(&self, filter: &MeetingFilter) -> Result<i64>;
    async fn get_meeting(&self, id: i64) -> Result<Option<Meeting>>;
    async fn meeting_agenda(&self, id: i64) -> Result<Vec<AgendaItem>>;
    async fn meeting_attendees(&self, id: i64) -> Result<Vec<Attendee>>;
    async fn meeting_decisions(&self, id: i64) -> Result<Vec<Decision>>;
    /// The departments a meeting concerns besides its organiser: its decisions' lead and
    /// co-operating departments.
    async fn meeting_departments(&self, id: i64) -> Result<Vec<i64>>;
    /// The quarter's own quarterly meeting (not extra, not cancelled), other than `except`.
    async fn quarterly_in(&self, quarter_key: i64, except: Option<i64>) -> Result<Option<i64>>;

    async fn create_meeting(&self, new: &NewMeeting, by: &AuditBy) -> Result<Meeting>;
    async fn update_meeting(
        &self,
        id: i64,
        version: i64,
        input: &MeetingInput,
        by: &AuditBy,
    ) -> Result<Meeting>;
    /// Moves the state by `step` (checked by the service against this version), with the
    /// reason of a cancellation.
    async fn move_meeting(
        &self,
        id: i64,
        version: i64,
        step: MeetingStep,
        reason: Option<&str>,
        by: &AuditBy,
    ) -> Result<Meeting>;
    async fn save_minutes(
        &self,
        id: i64,
        version: i64,
        minutes: &str,
        by: &AuditBy,
    ) -> Result<Meeting>;
    /// Adds an agenda item (its topic resolved by the service).
    async fn add_agenda_item(
        &self,
        id: i64,
        version: i64,
        item: &AgendaInput,
        by: &AuditBy,
    ) -> Result<AgendaItem>;
    async fn record_outcome(
        &self,
        id: i64,
        version: i64,
        item_id: i64,
        outcome: &str,
        by: &AuditBy,
    ) -> Result<AgendaItem>;
    async fn add_attendee(
        &self,
        id: i64,
        version: i64,
        attendee: &AttendeeInput,
        by: &AuditBy,
    ) -> Result<Attendee>;
    /// Records a decision and its key task (`task`, checked by the service) in one
    /// transaction.
    async fn add_decision(
        &self,
        id: i64,
        version: i64,
        decision: &DecisionInput,
        task: &NewTask,
        by: &AuditBy,
    ) -> Result<(Decision, Task)>;

    async fn proposal_rules(&self) -> Result<StoredRules>;
    async fn set_proposal_rules(
        &self,
        version: i64,
        rules: &ProposalRules,
        by: &AuditBy,
    ) -> Result<StoredRules>;
    /// The figures of every active industry for the proposal of quarter `key`: red warnings,
    /// tasks overdue on `today`, `year`'s planned and completed investment, the latest quarter
    /// up to `key` it was chosen for.
    async fn industry_figures(&self, today: NaiveDate, key: i64) -> Result<Vec<IndustryFigures>>;
    /// The industry's projects behind plan (a red or yellow warning), red first.
    async fn pack_projects(&self, industry_id: i64, limit: i64) -> Result<Vec<PackProject>>;
    /// The industry's open problems, oldest first.
    async fn pack_problems(&self, industry_id: i64, limit: i64) -> Result<Vec<PackProblem>>;
}
