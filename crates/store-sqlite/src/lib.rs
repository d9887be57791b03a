//! Dongneng storage on SQLite, the embedded default. The query code is shared with the
//! PostgreSQL backend (`crates/store/shared`); this crate adds the connection settings, the
//! dialect differences, migrations and online backup.

use async_trait::async_trait;
use dongneng_store::{AdminStore, Backend, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// The sqlx database type the shared query code is compiled against.
pub type Db = sqlx::Sqlite;
type BackendStore = SqliteStore;

#[path = "../../store/shared/mod.rs"]
mod shared;

use shared::common::map_err;

/// What differs between SQLite and PostgreSQL, in one place.
mod dialect {
    /// Take the write lock at the start, so concurrent writers wait instead of failing.
    pub const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

    /// SQLite names the columns of a violated unique constraint in its message:
    /// "UNIQUE constraint failed: regions.code". The last column is the field to blame.
    pub fn constraint_field(e: &dyn sqlx::error::DatabaseError) -> Option<String> {
        let msg = e.message();
        let cols = msg.strip_prefix("UNIQUE constraint failed: ")?;
        let last = cols.split(", ").last()?;
        Some(last.split('.').next_back()?.to_string())
    }

    /// Makes a search page walk the newest-first index (see `project_page`): SQLite's
    /// planner otherwise sorts every full-text match, not knowing how many there are.
    pub const ORDER_INDEX_HINT: &str = " indexed by projects_page_by_updated";

    pub fn is_busy(e: &dyn sqlx::error::DatabaseError) -> bool {
        matches!(e.code().as_deref(), Some("5") | Some("6") | Some("517"))
    }

    /// Chinese substring search. Three characters or more use the FTS5 trigram index; shorter
    /// queries (two-character words are common in Chinese) fall back to LIKE.
    pub fn push_search(qb: &mut sqlx::QueryBuilder<crate::Db>, alias: &str, q: &str) {
        if q.chars().count() >= 3 {
            let phrase = format!("\"{}\"", q.replace('"', "\"\""));
            qb.push(format!(
                " and {alias}.id in (select rowid from projects_fts where projects_fts match "
            ))
            .push_bind(phrase)
            .push(")");
        } else {
            qb.push(format!(" and {alias}.search_text like "))
                .push_bind(format!("%{}%", crate::shared::projects::like_escape(q)))
                .push(" escape '\\'");
        }
    }
}

/// A store over one SQLite database file.
pub struct SqliteStore {
    pool: sqlx::Pool<Db>,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path/to/file.db`).
    /// Durability settings: WAL, `synchronous=FULL` (an acknowledged commit survives a power
    /// cut), foreign keys on, a busy timeout so writers queue.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Internal(format!("bad SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(15))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-8000");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(map_err)?;
        Ok(SqliteStore { pool })
    }
}

#[async_trait]
impl AdminStore for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("select 1")
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Internal(format!("migration failed: {e}")))?;
        // Keep the planner's statistics current (cheap: a bounded sample per index), so that
        // it picks the covering indexes for the project list.
        sqlx::query("pragma analysis_limit = 1000")
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        sqlx::query("pragma optimize = 0x10002")
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn migration_versions(&self) -> Result<Vec<i64>, StoreError> {
        Ok(MIGRATOR.iter().map(|m| m.version).collect())
    }

    async fn get_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        shared::settings::read_setting(&self.pool, key).await
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        shared::settings::write_setting(&self.pool, key, value).await
    }

    async fn backup_to(&self, path: &str) -> Result<(), StoreError> {
        // VACUUM INTO writes a consistent, compacted copy while readers and writers go on.
        if std::path::Path::new(path).exists() {
            return Err(StoreError::Duplicate {
                field: "path".into(),
            });
        }
        sqlx::query("vacuum into $1")
            .bind(path)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
