//! The storage port. Services talk to a `dyn Store`; `store-sqlite` and `store-postgres`
//! implement it from one body of query code, the module tree in `shared/` that each compiles
//! (`#[path]`) against its own database type.
//!
//! Rules every backend keeps:
//! - every write records its audit row in the same transaction as the change;
//! - an update names the version it read and fails with [`StoreError::Conflict`] when the row
//!   has moved on, changing nothing;
//! - list methods that reach programme data take a [`DataScope`] and filter in SQL.

pub mod dispatch;
pub mod documents;
pub mod error;
pub mod meetings;
pub mod policies;
pub mod problems;
pub mod profiles;
pub mod projects;
pub mod rows;
pub mod security;
pub mod supervision;
pub mod tasks;
pub mod todo;

pub use dispatch::*;
pub use documents::*;
pub use error::StoreError;
pub use meetings::*;
pub use policies::*;
pub use problems::*;
pub use profiles::*;
pub use projects::*;
pub use rows::*;
pub use security::*;
pub use supervision::*;
pub use tasks::*;
pub use todo::*;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use dongneng_domain::paging::Page;
use dongneng_domain::reference::{DepartmentInput, IndustryGroupInput, IndustryInput, RegionInput};
use dongneng_domain::user::UserUpdate;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who is making a change, as the audit trail records it.
#[derive(Debug, Clone, Default)]
pub struct AuditBy {
    pub user_id: Option<i64>,
    pub username: String,
    pub request_id: Option<String>,
}

impl AuditBy {
    /// Changes made by the system itself (demo loading, the command line).
    pub fn system(what: &str) -> Self {
        AuditBy {
            user_id: None,
            username: format!("system:{what}"),
            request_id: None,
        }
    }
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Health, schema and small key-value settings.
#[async_trait]
pub trait AdminStore {
    fn backend(&self) -> Backend;
    /// Answers when the database does.
    async fn ping(&self) -> Result<()>;
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;
    /// The applied migration versions, oldest first.
    async fn migration_versions(&self) -> Result<Vec<i64>>;
    async fn get_meta(&self, key: &str) -> Result<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;
    /// Writes a consistent copy of the database to `path` while it stays in use.
    async fn backup_to(&self, path: &str) -> Result<()>;
    /// Closes the pool, waiting for connections to return.
    async fn close(&self);
}

/// Regions, departments, industry groups and industries.
#[async_trait]
pub trait ReferenceStore {
    async fn list_regions(&self) -> Result<Vec<Region>>;
    async fn get_region(&self, id: i64) -> Result<Option<Region>>;
    async fn create_region(&self, input: &RegionInput, by: &AuditBy) -> Result<Region>;
    async fn update_region(
        &self,
        id: i64,
        version: i64,
        input: &RegionInput,
        by: &AuditBy,
    ) -> Result<Region>;

    async fn list_departments(&self) -> Result<Vec<Department>>;
    async fn get_department(&self, id: i64) -> Result<Option<Department>>;
    async fn create_department(&self, input: &DepartmentInput, by: &AuditBy) -> Result<Department>;
    async fn update_department(
        &self,
        id: i64,
        version: i64,
        input: &DepartmentInput,
        by: &AuditBy,
    ) -> Result<Department>;

    async fn list_industry_groups(&self) -> Result<Vec<IndustryGroup>>;
    async fn create_industry_group(
        &self,
        input: &IndustryGroupInput,
        by: &AuditBy,
    ) -> Result<IndustryGroup>;
    async fn get_industry_group(&self, id: i64) -> Result<Option<IndustryGroup>>;
    async fn update_industry_group(
        &self,
        id: i64,
        version: i64,
        input: &IndustryGroupInput,
        by: &AuditBy,
    ) -> Result<IndustryGroup>;

    async fn list_industries(&self) -> Result<Vec<Industry>>;
    async fn get_industry(&self, id: i64) -> Result<Option<Industry>>;
    async fn create_industry(&self, input: &IndustryInput, by: &AuditBy) -> Result<Industry>;
    async fn update_industry(
        &self,
        id: i64,
        version: i64,
        input: &IndustryInput,
        by: &AuditBy,
    ) -> Result<Industry>;

    /// The entries of one code list, in order.
    async fn list_lookups(&self, kind: &str) -> Result<Vec<Lookup>>;
    async fn create_lookup(&self, entry: &Lookup, by: &AuditBy) -> Result<()>;
}

/// Accounts, sessions and login attempts.
#[async_trait]
pub trait UserStore {
    async fn list_users(&self, page: Page) -> Result<(Vec<User>, i64)>;
    async fn get_user(&self, id: i64) -> Result<Option<User>>;
    async fn find_login(&self, username: &str) -> Result<Option<LoginRecord>>;
    async fn create_user(&self, user: &NewUserRecord, by: &AuditBy) -> Result<User>;
    async fn update_user(
        &self,
        id: i64,
        version: i64,
        update: &UserUpdate,
        by: &AuditBy,
    ) -> Result<User>;
    /// Sets a new password hash and ends the user's sessions.
    async fn set_password(&self, id: i64, password_hash: &str, by: &AuditBy) -> Result<()>;
    async fn count_users(&self) -> Result<i64>;

    async fn create_session(&self, session: &NewSession) -> Result<()>;
    /// The live session with this token hash, with its user; `None` when unknown, expired or
    /// the user is disabled.
    async fn find_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>>;
    /// Pushes the idle deadline forward.
    async fn touch_session(&self, id: i64, idle_expires_at: DateTime<Utc>) -> Result<()>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64>;
}

/// The append-only audit trail.
#[async_trait]
pub trait AuditStore {
    async fn list_audit(&self, filter: &AuditFilter, page: Page) -> Result<(Vec<AuditEntry>, i64)>;
}

/// Named leases, so that one server of several runs a periodic job (the daily warning sweep).
#[async_trait]
pub trait LeaseStore {
    /// Takes the named lease for `secs` seconds if it is free or expired, or renews it for its
    /// holder; `true` when taken.
    async fn try_lease(&self, name: &str, holder: &str, secs: i64) -> Result<bool>;
}

/// The marked workbooks of refused imports, kept a day in the database so that any instance
/// can serve the download.
#[async_trait]
pub trait ImportReportStore {
    /// Keeps a refused import's marked workbook for a day under `token` (and drops the ones
    /// older than a day).
    async fn save_import_report(
        &self,
        token: &str,
        user_id: Option<i64>,
        filename: &str,
        bytes: &[u8],
    ) -> Result<()>;
    /// The report saved under `token` for this user, if younger than a day.
    async fn get_import_report(
        &self,
        token: &str,
        user_id: Option<i64>,
    ) -> Result<Option<(String, Vec<u8>)>>;
}

/// Everything a backend provides.
pub trait Store:
    AdminStore
    + ReferenceStore
    + UserStore
    + AuditStore
    + ProjectStore
    + ProfileStore
    + ProblemStore
    + SupervisionStore
    + TaskStore
    + TodoStore
    + NotificationStore
    + ReminderStore
    + MeetingStore
    + DispatchStore
    + PolicyStore
    + LeaseStore
    + ImportReportStore
    + DocumentStore
    + SecurityStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: AdminStore
        + ReferenceStore
        + UserStore
        + AuditStore
        + ProjectStore
        + ProfileStore
        + ProblemStore
        + SupervisionStore
        + TaskStore
        + TodoStore
        + NotificationStore
        + ReminderStore
        + MeetingStore
        + DispatchStore
        + PolicyStore
        + LeaseStore
        + ImportReportStore
        + DocumentStore
        + SecurityStore
        + Send
        + Sync
        + 'static
{
}
