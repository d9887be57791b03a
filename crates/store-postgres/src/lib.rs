//! Dongneng storage on PostgreSQL, for deployments that outgrow one machine. The query code is
//! shared with the SQLite backend (`crates/store/shared`); this crate adds connection settings,
//! the dialect differences and migrations.

use async_trait::async_trait;
use dongneng_store::{AdminStore, Backend, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The sqlx database type the shared query code is compiled against.
pub type Db = sqlx::Postgres;
type BackendStore = PgStore;

#[path = "../../store/shared/mod.rs"]
mod shared;

use shared::common::map_err;

/// What differs between PostgreSQL and SQLite, in one place.
mod dialect {
    pub const BEGIN_WRITE: &str = "BEGIN";

    /// PostgreSQL's planner estimates the matches of a search itself: no hint.
    pub const ORDER_INDEX_HINT: &str = "";

    /// Constraints are named `<table>_<field>_key` in the migrations, so the field is the
    /// name without the table prefix and the suffix.
    pub fn constraint_field(e: &dyn sqlx::error::DatabaseError) -> Option<String> {
        let name = e.constraint()?;
        let table = e.table().unwrap_or("");
        let rest = name
            .strip_prefix(table)
            .unwrap_or(name)
            .trim_start_matches('_');
        let field = rest
            .strip_suffix("_key")
            .or_else(|| rest.strip_suffix("_fkey"))
            .unwrap_or(rest);
        Some(field.to_string())
    }

    pub fn is_busy(e: &dyn sqlx::error::DatabaseError) -> bool {
        // serialization_failure, deadlock_detected, too_many_connections, cannot_connect_now
        matches!(
            e.code().as_deref(),
            Some("40001") | Some("40P01") | Some("53300") | Some("57P03")
        )
    }

    /// Chinese substring search: `ilike` served by the pg_trgm GIN index (three or more
    /// characters). pg_trgm cannot serve shorter patterns, so two characters go through the
    /// character-pair index (`dn_bigrams`, migration 0006) and are confirmed with `strpos`,
    /// which, unlike `ilike`, does not tempt a generic plan into reading the whole trigram
    /// index as well (1.3 s instead of 20–60 ms at 200,000 projects).
    pub fn push_search(qb: &mut sqlx::QueryBuilder<crate::Db>, alias: &str, q: &str) {
        if q.chars().count() == 2 {
            let q = q.to_lowercase();
            qb.push(format!(" and dn_bigrams({alias}.search_text) @> array["))
                .push_bind(q.clone())
                .push(format!("]::text[] and strpos(lower({alias}.search_text), "))
                .push_bind(q)
                .push(") > 0");
        } else {
            qb.push(format!(" and {alias}.search_text ilike "))
                .push_bind(format!("%{}%", crate::shared::projects::like_escape(q)))
                .push(" escape '\\'");
        }
    }
}

/// A store over one PostgreSQL database (optionally one schema of it).
pub struct PgStore {
    pool: sqlx::Pool<Db>,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl PgStore {
    /// Connects to `url`. With `schema`, every connection works in that schema (tests give
    /// each run its own).
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        let mut options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Internal(format!("bad PostgreSQL URL: {e}")))?
            .application_name("dongneng");
        if let Some(s) = schema {
            options = options.options([("search_path", s)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(map_err)?;
        Ok(PgStore { pool })
    }
}

#[async_trait]
impl AdminStore for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
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
            .map_err(|e| StoreError::Internal(format!("migration failed: {e}")))
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

    async fn backup_to(&self, _path: &str) -> Result<(), StoreError> {
        Err(StoreError::Internal(
            "online backup of PostgreSQL is done with pg_dump; see docs/OPERATIONS.md".into(),
        ))
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates a fresh schema with a random name for one test run and returns its name.
pub async fn create_test_schema(url: &str) -> Result<String, StoreError> {
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .map_err(map_err)?;
    sqlx::query(sqlx::AssertSqlSafe(format!("create schema {name}")))
        .execute(&pool)
        .await
        .map_err(map_err)?;
    pool.close().await;
    Ok(name)
}

/// Drops a schema made by [`create_test_schema`].
pub async fn drop_test_schema(url: &str, name: &str) -> Result<(), StoreError> {
    if !name.starts_with("t_") || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(StoreError::Internal("not a test schema".into()));
    }
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .map_err(map_err)?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop schema if exists {name} cascade"
    )))
    .execute(&pool)
    .await
    .map_err(map_err)?;
    pool.close().await;
    Ok(())
}
