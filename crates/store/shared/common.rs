//! Helpers every area uses: error mapping, write transactions, the clock and the audit
//! writer.

use crate::Db;
use chrono::{DateTime, Utc};
use dongneng_store::{AuditBy, StoreError};
use serde::Serialize;

/// A write transaction.
pub(crate) type Tx = sqlx::Transaction<'static, Db>;
/// One connection, in a transaction or not.
pub(crate) type Conn = <Db as sqlx::Database>::Connection;

/// Turns a sqlx error into a storage error, naming the field of a violated constraint.
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => {
            let field = crate::dialect::constraint_field(db.as_ref());
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => StoreError::Duplicate {
                    field: field.unwrap_or_else(|| "id".into()),
                },
                sqlx::error::ErrorKind::ForeignKeyViolation => StoreError::BadReference {
                    field: field.unwrap_or_else(|| "reference".into()),
                },
                _ if crate::dialect::is_busy(db.as_ref()) => {
                    StoreError::Unavailable(db.message().to_string())
                }
                _ => StoreError::Internal(e.to_string()),
            }
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(e.to_string())
        }
        _ => StoreError::Internal(e.to_string()),
    }
}

/// Starts a write transaction. On SQLite this takes the write lock at once (`BEGIN
/// IMMEDIATE`), so two writers queue on the busy timeout instead of failing on upgrade.
pub(crate) async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<Tx, StoreError> {
    pool.begin_with(crate::dialect::BEGIN_WRITE)
        .await
        .map_err(map_err)
}

pub(crate) fn now() -> DateTime<Utc> {
    dongneng_domain::clock::now()
}

/// Appends one row to the audit trail inside the caller's transaction.
pub(crate) async fn write_audit<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    by: &AuditBy,
    action: &str,
    record_type: &str,
    record_id: Option<i64>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), StoreError> {
    let before = before.map(|b| serde_json::to_string(b).unwrap_or_default());
    let after = after.map(|a| serde_json::to_string(a).unwrap_or_default());
    sqlx::query(
        "insert into audit_log (at, user_id, username, action, record_type, record_id, \
         before_json, after_json, request_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now())
    .bind(by.user_id)
    .bind(&by.username)
    .bind(action)
    .bind(record_type)
    .bind(record_id)
    .bind(before)
    .bind(after)
    .bind(&by.request_id)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// Replaces the rows of a link table for one owner: `delete_sql` binds the owner,
/// `insert_sql` the owner and one id.
pub(crate) async fn replace_links(
    tx: &mut Tx,
    delete_sql: &'static str,
    insert_sql: &'static str,
    owner: i64,
    ids: &[i64],
) -> Result<(), StoreError> {
    sqlx::query(delete_sql)
        .bind(owner)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    for id in ids {
        sqlx::query(insert_sql)
            .bind(owner)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

/// Appends ` and (a or b …)`, the alternatives of a data scope, one [`AnyOf::or`] each; with
/// none, ` and 1 = 0`. No constant term is written in front (`(1 = 0 or a)`): SQLite then
/// plans a single alternative as a plain condition and uses its index, where the constant
/// made it scan the whole table.
pub(crate) struct AnyOf {
    started: bool,
}

impl AnyOf {
    pub(crate) fn new() -> AnyOf {
        AnyOf { started: false }
    }

    /// Starts the next alternative; the caller then pushes its condition.
    pub(crate) fn or<'a>(
        &mut self,
        qb: &'a mut sqlx::QueryBuilder<Db>,
    ) -> &'a mut sqlx::QueryBuilder<Db> {
        qb.push(if self.started { " or " } else { " and (" });
        self.started = true;
        qb
    }

    pub(crate) fn finish(self, qb: &mut sqlx::QueryBuilder<Db>) {
        qb.push(if self.started { ")" } else { " and 1 = 0" });
    }
}
