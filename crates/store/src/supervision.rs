//! Supervision items (督办): records and the storage trait for them. Every change names the
//! item's version; a reply, an edit or the close is written with its record entry and the
//! audit row in one transaction ([`SupervisionStore::change_supervision`]).

use crate::{AuditBy, NewFile, Result};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_domain::supervision::{SupervisionEventKind, SupervisionState, SupervisionSubject};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A supervision item as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct SupervisionItem {
    pub id: i64,
    /// 督办〔2026〕12号.
    #[sqlx(skip)]
    pub number: String,
    pub year: i32,
    pub seq: i64,
    pub title: String,
    pub requirement: String,
    #[sqlx(try_from = "String")]
    pub subject: SupervisionSubject,
    pub subject_id: Option<i64>,
    /// The problem supervised, when it is one.
    pub problem_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub region_id: Option<i64>,
    pub deadline: NaiveDate,
    #[sqlx(try_from = "String")]
    pub state: SupervisionState,
    pub issued_by: String,
    /// The issuer's department (督查部门), which the notice names.
    pub issuer_department_id: Option<i64>,
    pub issued_at: DateTime<Utc>,
    /// The supervisor's evidence at closing (销号).
    pub evidence: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The departments supervised.
    #[sqlx(skip)]
    pub unit_ids: Vec<i64>,
    /// Those that have replied.
    #[sqlx(skip)]
    pub replied_unit_ids: Vec<i64>,
    /// Days to the deadline, negative past it (derived when read, China time).
    #[sqlx(skip)]
    pub days_left: i64,
    /// Not closed after its deadline (derived when read).
    #[sqlx(skip)]
    pub overdue: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A unit supervised and when it last replied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct SupervisionUnit {
    pub item_id: i64,
    pub department_id: i64,
    pub replied_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct SupervisionReply {
    pub id: i64,
    pub item_id: i64,
    pub department_id: i64,
    pub text: String,
    pub username: String,
    pub at: DateTime<Utc>,
}

/// A file of an item: the supervisor's evidence (no `department_id`) or a unit's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct SupervisionFile {
    pub id: i64,
    pub item_id: i64,
    pub department_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct SupervisionEvent {
    pub id: i64,
    pub item_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: SupervisionEventKind,
    pub department_id: Option<i64>,
    pub text: String,
    pub username: String,
    pub at: DateTime<Utc>,
}

/// Everything the item's page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SupervisionDetail {
    #[serde(flatten)]
    pub item: SupervisionItem,
    pub units: Vec<SupervisionUnit>,
    pub replies: Vec<SupervisionReply>,
    pub files: Vec<SupervisionFile>,
    pub events: Vec<SupervisionEvent>,
}

/// An item's fields as the service resolved them (a problem's industry and district filled
/// in).
#[derive(Debug, Clone, PartialEq)]
pub struct SupervisionFields {
    pub title: String,
    pub requirement: String,
    pub subject: SupervisionSubject,
    pub subject_id: Option<i64>,
    pub problem_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub region_id: Option<i64>,
    pub deadline: NaiveDate,
    pub unit_ids: Vec<i64>,
}

/// A step of an item's life, checked by the service against the version it read.
#[derive(Debug, Clone)]
pub enum SupervisionStep {
    Edit(SupervisionFields),
    Reply { department_id: i64, text: String },
    Close { evidence: String },
}

#[derive(Debug, Clone)]
pub struct SupervisionChange {
    pub step: SupervisionStep,
    pub at: DateTime<Utc>,
}

/// Filters of the ledger.
#[derive(Debug, Clone, Default)]
pub struct SupervisionFilter {
    pub scope: DataScope,
    pub state: Option<SupervisionState>,
    /// Supervising this department.
    pub department_id: Option<i64>,
    pub year: Option<i32>,
    /// Only the items not closed past their deadline on this day.
    pub overdue_on: Option<NaiveDate>,
    pub q: Option<String>,
}

/// Storage of supervision items.
#[async_trait]
pub trait SupervisionStore {
    /// One page of the ledger (newest number first), with how many the filter selects.
    async fn supervision_page(
        &self,
        filter: &SupervisionFilter,
        page: Page,
    ) -> Result<(Vec<SupervisionItem>, i64)>;
    /// Up to `limit` items of the filter with ids above `after_id`, in id order (the xlsx
    /// ledger walks the whole list this way).
    async fn supervision_export_page(
        &self,
        filter: &SupervisionFilter,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<SupervisionItem>>;
    async fn get_supervision(&self, id: i64) -> Result<Option<SupervisionItem>>;
    async fn supervision_detail(&self, id: i64) -> Result<Option<SupervisionDetail>>;
    /// Issues an item: numbered in the year of `at`, by `by` for `issuer_department_id`.
    async fn create_supervision(
        &self,
        fields: &SupervisionFields,
        issuer_department_id: Option<i64>,
        at: DateTime<Utc>,
        by: &AuditBy,
    ) -> Result<SupervisionItem>;
    async fn change_supervision(
        &self,
        id: i64,
        version: i64,
        change: &SupervisionChange,
        by: &AuditBy,
    ) -> Result<SupervisionItem>;
    async fn add_supervision_file(
        &self,
        item_id: i64,
        department_id: Option<i64>,
        file: &NewFile,
        by: &AuditBy,
    ) -> Result<SupervisionFile>;
    async fn get_supervision_file(
        &self,
        item_id: i64,
        id: i64,
    ) -> Result<Option<(SupervisionFile, Vec<u8>)>>;
    /// Open items a unit has not replied to (its to-do), earliest deadline first.
    async fn supervision_waiting_on_unit(
        &self,
        department_id: i64,
        limit: i64,
    ) -> Result<Vec<SupervisionItem>>;
    /// Items waiting on the supervisor: every unit has replied (to be closed), or past their
    /// deadline; earliest deadline first.
    async fn supervision_waiting_on_supervisor(
        &self,
        today: NaiveDate,
        limit: i64,
    ) -> Result<Vec<SupervisionItem>>;
}
