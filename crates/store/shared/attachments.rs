//! Files kept in the database beside the record they belong to (a problem, an answer, a
//! supervision item), and the timeline entries every step of such a record leaves. Each area
//! names its table and owner columns; the writing and reading are here once.

use super::common::{Tx, map_err};
use crate::Db;
use chrono::{DateTime, Utc};
use dongneng_store::{AuditBy, NewFile, StoreError};

type R<T> = Result<T, StoreError>;
type DbRow = <Db as sqlx::Database>::Row;

/// Inserts a file: `sql` binds the owner (`$1`) and the optional sub-owner (`$2`, an
/// assignment or a unit), then name, type, size, digest, content, uploader and time
/// (`$3`–`$9`), and returns the row.
pub(crate) async fn insert_file<T>(
    tx: &mut Tx,
    sql: &'static str,
    owner: i64,
    sub_owner: Option<i64>,
    file: &NewFile,
    by: &AuditBy,
    at: DateTime<Utc>,
) -> R<T>
where
    T: for<'r> sqlx::FromRow<'r, DbRow> + Send + Unpin,
{
    sqlx::query_as::<Db, T>(sql)
        .bind(owner)
        .bind(sub_owner)
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.content.len() as i64)
        .bind(&file.sha256)
        .bind(&file.content)
        .bind(&by.username)
        .bind(at)
        .fetch_one(&mut **tx)
        .await
        .map_err(map_err)
}

/// A file of `owner` with its bytes: `select` reads the row and `content` the bytes, both by
/// the file's id (`$1`) and its owner (`$2`).
pub(crate) async fn file_with_content<T>(
    pool: &sqlx::Pool<Db>,
    select: &'static str,
    content: &'static str,
    owner: i64,
    id: i64,
) -> R<Option<(T, Vec<u8>)>>
where
    T: for<'r> sqlx::FromRow<'r, DbRow> + Send + Unpin,
{
    let Some(row) = sqlx::query_as::<Db, T>(select)
        .bind(id)
        .bind(owner)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
    else {
        return Ok(None);
    };
    let bytes = sqlx::query_scalar::<Db, Vec<u8>>(content)
        .bind(id)
        .bind(owner)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?;
    Ok(bytes.map(|b| (row, b)))
}

/// One timeline entry: `sql` binds the owner, the kind, the department, the text, who and
/// when (`$1`–`$6`).
#[expect(clippy::too_many_arguments, reason = "one row's columns, all needed")]
pub(crate) async fn insert_event(
    tx: &mut Tx,
    sql: &'static str,
    owner: i64,
    kind: &str,
    department_id: Option<i64>,
    text: &str,
    by: &AuditBy,
    at: DateTime<Utc>,
) -> R<()> {
    sqlx::query(sql)
        .bind(owner)
        .bind(kind)
        .bind(department_id)
        .bind(text)
        .bind(&by.username)
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(())
}
