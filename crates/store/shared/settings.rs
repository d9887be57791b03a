//! Small settings and markers kept by key in `meta`.

use super::common::map_err;
use crate::Db;
use dongneng_store::StoreError;

/// The value stored under `key`, if any.
pub(crate) async fn read_setting(
    exec: impl sqlx::Executor<'_, Database = Db>,
    key: &str,
) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar::<Db, String>("select value from meta where key = $1")
        .bind(key)
        .fetch_optional(exec)
        .await
        .map_err(map_err)
}

/// Stores `value` under `key`, replacing what was there.
pub(crate) async fn write_setting(
    exec: impl sqlx::Executor<'_, Database = Db>,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into meta (key, value) values ($1, $2) \
         on conflict (key) do update set value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(exec)
    .await
    .map_err(map_err)?;
    Ok(())
}
