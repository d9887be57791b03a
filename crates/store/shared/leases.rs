//! Named leases: which server runs a periodic job.

use super::common::{begin_write, map_err, now};
use crate::BackendStore;
use async_trait::async_trait;
use dongneng_store::{LeaseStore, StoreError};

#[async_trait]
impl LeaseStore for BackendStore {
    async fn try_lease(&self, name: &str, holder: &str, secs: i64) -> Result<bool, StoreError> {
        let t = now();
        let until = t + chrono::Duration::seconds(secs);
        let mut tx = begin_write(&self.pool).await?;
        let n = sqlx::query(
            "insert into leases (name, holder, expires_at) values ($1, $2, $3) \
             on conflict (name) do update set holder = excluded.holder, \
             expires_at = excluded.expires_at where leases.expires_at < $4 or leases.holder = $2",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(t)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        tx.commit().await.map_err(map_err)?;
        Ok(n > 0)
    }
}
