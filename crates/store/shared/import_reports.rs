//! The marked workbooks of refused imports, kept a day.

use super::common::{begin_write, map_err, now};
use crate::BackendStore;
use async_trait::async_trait;
use dongneng_store::{ImportReportStore, StoreError};
use sqlx::Row;

#[async_trait]
impl ImportReportStore for BackendStore {
    async fn save_import_report(
        &self,
        token: &str,
        user_id: Option<i64>,
        filename: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        let t = now();
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("delete from import_reports where created_at < $1")
            .bind(t - chrono::Duration::days(1))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        sqlx::query(
            "insert into import_reports (token, user_id, filename, bytes, created_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(token)
        .bind(user_id)
        .bind(filename)
        .bind(bytes)
        .bind(t)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    async fn get_import_report(
        &self,
        token: &str,
        user_id: Option<i64>,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = sqlx::query(
            "select filename, bytes, user_id from import_reports where token = $1 and created_at > $2",
        )
        .bind(token)
        .bind(now() - chrono::Duration::days(1))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(row
            .filter(|r| r.get::<Option<i64>, _>("user_id") == user_id)
            .map(|r| (r.get("filename"), r.get("bytes"))))
    }
}
