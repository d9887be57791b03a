//! Industry coordination structure (seed §二): records and the storage trait for them.
//!
//! Every record belongs to one industry and carries its `industry_id`, also the children
//! (alliance members, plan files): every query names the industry, so an id from
//! another industry is simply not found, whatever scope the caller holds.

use crate::{AuditBy, Industry, NewFile, Result, TaskEntry};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::policy::DataScope;
use dongneng_domain::profile::{
    AllianceInput, AllianceKind, AllianceMemberInput, AlliancePlanKind, AlliancePlanStatus,
    AllianceRole, ExpertInput, MemberRole, PlanStatus, PlanStatusMove, SpecialPlanInput,
    StructureInput, TaskforceMemberInput, WorkPlanInput,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The lead leader and the task force's departments: one record per industry, absent until
/// first saved (then a client sends `version: 0` to create it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct IndustryStructure {
    pub id: i64,
    pub industry_id: i64,
    pub leader_name: Option<String>,
    pub leader_title: Option<String>,
    pub lead_department_id: Option<i64>,
    #[sqlx(skip)]
    pub responsible_department_ids: Vec<i64>,
    pub provincial_counterpart: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct TaskforceMember {
    pub id: i64,
    pub industry_id: i64,
    pub person_name: String,
    pub department_id: Option<i64>,
    pub post: Option<String>,
    #[sqlx(try_from = "String")]
    pub member_role: MemberRole,
    pub is_contact: bool,
    pub sort_order: i32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Expert {
    pub id: i64,
    pub industry_id: i64,
    pub person_name: String,
    pub specialty: String,
    pub affiliation: String,
    pub professional_title: Option<String>,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Alliance {
    pub id: i64,
    pub industry_id: i64,
    pub alliance_name: String,
    #[sqlx(try_from = "String")]
    pub kind: AllianceKind,
    #[sqlx(try_from = "String")]
    pub plan_kind: AlliancePlanKind,
    pub plan: String,
    #[sqlx(try_from = "String")]
    pub plan_status: AlliancePlanStatus,
    pub note: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct AllianceMember {
    pub id: i64,
    pub industry_id: i64,
    pub alliance_id: i64,
    pub enterprise_name: String,
    pub credit_code: Option<String>,
    #[sqlx(try_from = "String")]
    pub alliance_role: AllianceRole,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A special plan with the date it reached each status so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct SpecialPlan {
    pub id: i64,
    pub industry_id: i64,
    pub plan_title: String,
    pub summary: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: PlanStatus,
    pub drafted_on: NaiveDate,
    pub under_review_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    #[sqlx(skip)]
    pub drafting_department_ids: Vec<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SpecialPlan {
    /// The date the plan reached its current status.
    pub fn status_date(&self) -> NaiveDate {
        match self.status {
            PlanStatus::Drafting => Some(self.drafted_on),
            PlanStatus::UnderReview => self.under_review_on,
            PlanStatus::Approved => self.approved_on,
            PlanStatus::Published => self.published_on,
        }
        .unwrap_or(self.drafted_on)
    }
}

/// A document attached to a special plan, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct PlanFile {
    pub id: i64,
    pub industry_id: i64,
    pub plan_id: i64,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct WorkPlan {
    pub id: i64,
    pub industry_id: i64,
    pub year: i32,
    pub plan_title: String,
    pub goals: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of the industries list: who leads, and how much of the structure is in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct ProfileSummary {
    pub industry_id: i64,
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub group_id: i64,
    pub leader_name: Option<String>,
    pub lead_department_id: Option<i64>,
    pub members: i64,
    pub contacts: i64,
    /// Experts serving today.
    pub experts: i64,
    pub alliances: i64,
    pub special_plans: i64,
    pub plans_published: i64,
    /// The tasks of its work plans (their measures), and how many of them are overdue.
    pub measures: i64,
    pub measures_overdue: i64,
}

/// An alliance with its member enterprises.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AllianceEntry {
    #[serde(flatten)]
    pub alliance: Alliance,
    pub members: Vec<AllianceMember>,
}

/// A special plan with its documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SpecialPlanEntry {
    #[serde(flatten)]
    pub plan: SpecialPlan,
    pub files: Vec<PlanFile>,
}

/// A work plan with its measures: key tasks of source `work_plan_measure`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkPlanEntry {
    #[serde(flatten)]
    pub plan: WorkPlan,
    pub tasks: Vec<TaskEntry>,
    /// How many of its tasks are overdue.
    pub overdue: i64,
}

/// The whole coordination structure of one industry, as the profile page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndustryProfile {
    pub industry: Industry,
    /// The leader and departments; absent until first saved.
    pub structure: Option<IndustryStructure>,
    /// Members in order; the head first.
    pub taskforce_members: Vec<TaskforceMember>,
    /// Experts serving on `today`.
    pub experts_current: Vec<Expert>,
    /// Experts who have left (dynamic management keeps them on record).
    pub experts_history: Vec<Expert>,
    pub alliances: Vec<AllianceEntry>,
    pub special_plans: Vec<SpecialPlanEntry>,
    /// Newest year first.
    pub work_plans: Vec<WorkPlanEntry>,
    /// The day `overdue` and the expert lists were worked out for (China time).
    pub today: NaiveDate,
    /// Whether the caller may edit this industry's structure.
    pub can_edit: bool,
}

/// Storage of the coordination structure. Every write records its audit row in the same
/// transaction; updates and deletes name the version they read.
#[async_trait]
pub trait ProfileStore {
    /// A summary line per industry the scope covers, in display order.
    async fn profile_summaries(
        &self,
        scope: &DataScope,
        today: NaiveDate,
    ) -> Result<Vec<ProfileSummary>>;

    async fn get_structure(&self, industry_id: i64) -> Result<Option<IndustryStructure>>;
    /// Creates the record when `version` is 0 (and none exists), else updates it.
    async fn save_structure(
        &self,
        industry_id: i64,
        version: i64,
        input: &StructureInput,
        by: &AuditBy,
    ) -> Result<IndustryStructure>;

    async fn list_taskforce_members(&self, industry_id: i64) -> Result<Vec<TaskforceMember>>;
    async fn create_taskforce_member(
        &self,
        industry_id: i64,
        input: &TaskforceMemberInput,
        by: &AuditBy,
    ) -> Result<TaskforceMember>;
    async fn update_taskforce_member(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &TaskforceMemberInput,
        by: &AuditBy,
    ) -> Result<TaskforceMember>;
    async fn delete_taskforce_member(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> Result<()>;

    async fn list_experts(&self, industry_id: i64) -> Result<Vec<Expert>>;
    async fn create_expert(
        &self,
        industry_id: i64,
        input: &ExpertInput,
        by: &AuditBy,
    ) -> Result<Expert>;
    async fn update_expert(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &ExpertInput,
        by: &AuditBy,
    ) -> Result<Expert>;
    async fn delete_expert(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> Result<()>;

    async fn list_alliances(&self, industry_id: i64) -> Result<Vec<Alliance>>;
    async fn create_alliance(
        &self,
        industry_id: i64,
        input: &AllianceInput,
        by: &AuditBy,
    ) -> Result<Alliance>;
    async fn update_alliance(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &AllianceInput,
        by: &AuditBy,
    ) -> Result<Alliance>;
    /// Deletes the alliance and its members (all recorded in the audit row).
    async fn delete_alliance(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> Result<()>;

    /// Every member of every alliance of the industry.
    async fn list_alliance_members(&self, industry_id: i64) -> Result<Vec<AllianceMember>>;
    async fn create_alliance_member(
        &self,
        industry_id: i64,
        alliance_id: i64,
        input: &AllianceMemberInput,
        by: &AuditBy,
    ) -> Result<AllianceMember>;
    async fn update_alliance_member(
        &self,
        industry_id: i64,
        alliance_id: i64,
        id: i64,
        version: i64,
        input: &AllianceMemberInput,
        by: &AuditBy,
    ) -> Result<AllianceMember>;
    async fn delete_alliance_member(
        &self,
        industry_id: i64,
        alliance_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> Result<()>;

    async fn list_special_plans(&self, industry_id: i64) -> Result<Vec<SpecialPlan>>;
    async fn get_special_plan(&self, industry_id: i64, id: i64) -> Result<Option<SpecialPlan>>;
    async fn create_special_plan(
        &self,
        industry_id: i64,
        input: &SpecialPlanInput,
        by: &AuditBy,
    ) -> Result<SpecialPlan>;
    async fn update_special_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &SpecialPlanInput,
        by: &AuditBy,
    ) -> Result<SpecialPlan>;
    /// Records the move to `change.status` on `change.date` (the service checked the move).
    async fn move_special_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        change: &PlanStatusMove,
        by: &AuditBy,
    ) -> Result<SpecialPlan>;
    /// Deletes the plan with its departments and files.
    async fn delete_special_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> Result<()>;

    /// Every file of every plan of the industry, without content.
    async fn list_plan_files(&self, industry_id: i64) -> Result<Vec<PlanFile>>;
    async fn add_plan_file(
        &self,
        industry_id: i64,
        plan_id: i64,
        file: &NewFile,
        by: &AuditBy,
    ) -> Result<PlanFile>;
    async fn get_plan_file(
        &self,
        industry_id: i64,
        plan_id: i64,
        id: i64,
    ) -> Result<Option<(PlanFile, Vec<u8>)>>;
    async fn delete_plan_file(
        &self,
        industry_id: i64,
        plan_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> Result<()>;

    async fn list_work_plans(&self, industry_id: i64) -> Result<Vec<WorkPlan>>;
    async fn create_work_plan(
        &self,
        industry_id: i64,
        input: &WorkPlanInput,
        by: &AuditBy,
    ) -> Result<WorkPlan>;
    async fn update_work_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &WorkPlanInput,
        by: &AuditBy,
    ) -> Result<WorkPlan>;
    /// Deletes the plan; refused while it has tasks (`InUse`).
    async fn delete_work_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> Result<()>;
}
