//! Login throttling counters and the tamper-evident audit chain.

use super::common::{begin_write, map_err, now, write_audit};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use dongneng_store::{
    AuditBy, CHAIN_START, ChainReport, ChainedRow, Counter, CounterKey, GuessedAccount,
    SecurityStore, StoreError,
};
use sqlx::Row;

type R<T> = Result<T, StoreError>;

/// Rows read per page while verifying.
const VERIFY_PAGE: i64 = 5000;

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: i64,
    at: DateTime<Utc>,
    user_id: Option<i64>,
    username: String,
    action: String,
    record_type: String,
    record_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    request_id: Option<String>,
    chain_seq: Option<i64>,
    chain_hash: Option<String>,
}

impl LinkRow {
    fn content(&self) -> ChainedRow {
        ChainedRow {
            id: self.id,
            at: self.at,
            user_id: self.user_id,
            username: self.username.clone(),
            action: self.action.clone(),
            record_type: self.record_type.clone(),
            record_id: self.record_id,
            before_json: self.before_json.clone(),
            after_json: self.after_json.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

/// The audit rows of the chain from a position on, in chain order.
const CHAIN_PAGE: &str = "select id, at, user_id, username, action, record_type, record_id, \
     before_json, after_json, request_id, chain_seq, chain_hash from audit_log \
     where chain_seq > $1 order by chain_seq limit $2";

/// The rows not yet linked, oldest first.
const UNLINKED: &str = "select id, at, user_id, username, action, record_type, record_id, \
     before_json, after_json, request_id, chain_seq, chain_hash from audit_log \
     where chain_hash is null order by id limit $1";

#[derive(sqlx::FromRow)]
struct VerificationRow {
    at: DateTime<Utc>,
    rows_checked: i64,
    ok: bool,
    first_bad_id: Option<i64>,
    detail: Option<String>,
    last_seq: Option<i64>,
    last_hash: Option<String>,
}

impl VerificationRow {
    fn report(self) -> ChainReport {
        ChainReport {
            at: self.at,
            rows_checked: self.rows_checked,
            ok: self.ok,
            first_bad_id: self.first_bad_id,
            detail: self.detail,
        }
    }
}

impl BackendStore {
    async fn last_verification_row(&self) -> R<Option<VerificationRow>> {
        sqlx::query_as::<Db, VerificationRow>(
            "select at, rows_checked, ok, first_bad_id, detail, last_seq, last_hash \
             from audit_verifications order by id desc limit 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }

    /// Walks the chain from its start; the first row that does not match ends the walk.
    async fn walk_chain(&self) -> R<(ChainReport, Option<(i64, String)>)> {
        let anchor = self
            .last_verification_row()
            .await?
            .and_then(|v| v.last_seq.zip(v.last_hash));
        let mut prev = CHAIN_START.to_string();
        let mut seq = 0i64;
        let mut checked = 0i64;
        let mut anchor_seen = false;
        let bad = |id: i64, detail: String, checked: i64| ChainReport {
            at: now(),
            rows_checked: checked,
            ok: false,
            first_bad_id: Some(id),
            detail: Some(detail),
        };
        loop {
            let rows = sqlx::query_as::<Db, LinkRow>(CHAIN_PAGE)
                .bind(seq)
                .bind(VERIFY_PAGE)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                let at_seq = row.chain_seq.unwrap_or_default();
                if at_seq != seq + 1 {
                    let detail = format!("link {} is missing (a row was removed)", seq + 1);
                    return Ok((bad(row.id, detail, checked), None));
                }
                let expected = row.content().chain_hash(at_seq, &prev);
                if row.chain_hash.as_deref() != Some(expected.as_str()) {
                    let detail = format!("row {} (link {at_seq}) does not match its hash", row.id);
                    return Ok((bad(row.id, detail, checked), None));
                }
                if let Some((a_seq, a_hash)) = &anchor
                    && *a_seq == at_seq
                {
                    if *a_hash != expected {
                        let detail = format!("link {at_seq} differs from the last verification");
                        return Ok((bad(row.id, detail, checked), None));
                    }
                    anchor_seen = true;
                }
                prev = expected;
                seq = at_seq;
                checked += 1;
            }
        }
        if let Some((a_seq, _)) = anchor
            && !anchor_seen
        {
            let detail = format!(
                "the chain ends at link {seq}, before link {a_seq} seen by the last verification"
            );
            return Ok((bad(0, detail, checked), None));
        }
        let report = ChainReport {
            at: now(),
            rows_checked: checked,
            ok: true,
            first_bad_id: None,
            detail: None,
        };
        Ok((report, (seq > 0).then_some((seq, prev))))
    }
}

#[async_trait]
impl SecurityStore for BackendStore {
    async fn audit_event(
        &self,
        by: &AuditBy,
        action: &str,
        record_type: &str,
        record_id: Option<i64>,
        details: &serde_json::Value,
    ) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        write_audit(
            &mut tx,
            by,
            action,
            record_type,
            record_id,
            None::<&()>,
            Some(details),
        )
        .await?;
        tx.commit().await.map_err(map_err)
    }

    async fn counters(
        &self,
        keys: &[CounterKey],
        live_since: DateTime<Utc>,
    ) -> R<Vec<Option<Counter>>> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let row = sqlx::query(
                "select failures, last_at from login_counters \
                 where kind = $1 and username = $2 and address = $3 and last_at >= $4",
            )
            .bind(k.kind.as_str())
            .bind(&k.username)
            .bind(&k.address)
            .bind(live_since)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
            out.push(row.map(|r| Counter {
                failures: r.get("failures"),
                last_at: r.get("last_at"),
            }));
        }
        Ok(out)
    }

    async fn count_failure(
        &self,
        keys: &[CounterKey],
        at: DateTime<Utc>,
        live_since: DateTime<Utc>,
    ) -> R<Vec<i64>> {
        let mut tx = begin_write(&self.pool).await?;
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let n: i64 = sqlx::query_scalar::<Db, i64>(
                "insert into login_counters (kind, username, address, failures, first_at, \
                 last_at) values ($1, $2, $3, 1, $4, $4) \
                 on conflict (kind, username, address) do update set \
                 failures = case when login_counters.last_at < $5 then 1 \
                 else login_counters.failures + 1 end, \
                 first_at = case when login_counters.last_at < $5 then excluded.first_at \
                 else login_counters.first_at end, \
                 last_at = excluded.last_at \
                 returning failures",
            )
            .bind(k.kind.as_str())
            .bind(&k.username)
            .bind(&k.address)
            .bind(at)
            .bind(live_since)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
            out.push(n);
        }
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }

    async fn clear_counter(&self, k: &CounterKey) -> R<()> {
        sqlx::query(
            "delete from login_counters where kind = $1 and username = $2 and address = $3",
        )
        .bind(k.kind.as_str())
        .bind(&k.username)
        .bind(&k.address)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn delete_expired_counters(&self, before: DateTime<Utc>) -> R<u64> {
        let r = sqlx::query("delete from login_counters where last_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(r.rows_affected())
    }

    async fn guessed_accounts(
        &self,
        min_failures: i64,
        live_since: DateTime<Utc>,
    ) -> R<Vec<GuessedAccount>> {
        let rows = sqlx::query(
            "select a.username, a.failures, a.first_at, a.last_at, \
             (select count(*) from login_counters p where p.kind = 'pair' \
              and p.username = a.username and p.last_at >= $2) as addresses \
             from login_counters a where a.kind = 'account' and a.failures >= $1 \
             and a.last_at >= $2 order by a.failures desc, a.username limit 50",
        )
        .bind(min_failures)
        .bind(live_since)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(rows
            .into_iter()
            .map(|r| GuessedAccount {
                username: r.get("username"),
                failures: r.get("failures"),
                addresses: r.get("addresses"),
                first_at: r.get("first_at"),
                last_at: r.get("last_at"),
            })
            .collect())
    }

    async fn link_audit_chain(&self, limit: i64) -> R<u64> {
        // Nothing waiting (the usual case between writes): no write transaction at all.
        if !self.unlinked_audit_rows().await? {
            return Ok(0);
        }
        let mut tx = begin_write(&self.pool).await?;
        let last = sqlx::query(
            "select chain_seq, chain_hash from audit_log \
             where chain_seq = (select max(chain_seq) from audit_log)",
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let (mut seq, mut prev) = match last {
            Some(r) => (
                r.get::<Option<i64>, _>("chain_seq").unwrap_or_default(),
                r.get::<Option<String>, _>("chain_hash").unwrap_or_default(),
            ),
            None => (0, CHAIN_START.to_string()),
        };
        let rows = sqlx::query_as::<Db, LinkRow>(UNLINKED)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await
            .map_err(map_err)?;
        for row in &rows {
            seq += 1;
            let hash = row.content().chain_hash(seq, &prev);
            let n = sqlx::query(
                "update audit_log set chain_seq = $2, chain_hash = $3 \
                 where id = $1 and chain_hash is null",
            )
            .bind(row.id)
            .bind(seq)
            .bind(&hash)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?
            .rows_affected();
            if n != 1 {
                // Another linker (an operator's `audit verify` beside the server) linked it
                // first: give up this batch (the transaction rolls back) and let the next
                // sweep start from the chain as it now stands.
                return Err(StoreError::Conflict);
            }
            prev = hash;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(rows.len() as u64)
    }

    async fn unlinked_audit_rows(&self) -> R<bool> {
        let waiting = sqlx::query("select id from audit_log where chain_hash is null limit 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(waiting.is_some())
    }

    async fn verify_audit_chain(&self) -> R<ChainReport> {
        let (report, last) = self.walk_chain().await?;
        // A failed walk keeps the anchor of the last good one.
        let (last_seq, last_hash) = match last {
            Some((s, h)) => (Some(s), Some(h)),
            None if !report.ok => {
                let prior = self.last_verification_row().await?;
                (
                    prior.as_ref().and_then(|p| p.last_seq),
                    prior.and_then(|p| p.last_hash),
                )
            }
            None => (None, None),
        };
        sqlx::query(
            "insert into audit_verifications (at, rows_checked, ok, first_bad_id, detail, \
             last_seq, last_hash) values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(report.at)
        .bind(report.rows_checked)
        .bind(report.ok)
        .bind(report.first_bad_id)
        .bind(&report.detail)
        .bind(last_seq)
        .bind(last_hash)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(report)
    }

    async fn last_verification(&self) -> R<Option<ChainReport>> {
        Ok(self
            .last_verification_row()
            .await?
            .map(VerificationRow::report))
    }
}
