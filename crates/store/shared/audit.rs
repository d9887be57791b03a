//! Reading the audit trail.

use super::common::map_err;
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use dongneng_domain::paging::Page;
use dongneng_store::{AuditEntry, AuditFilter, AuditStore, StoreError};

#[derive(sqlx::FromRow)]
struct AuditRow {
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
}

fn push_filter(qb: &mut sqlx::QueryBuilder<Db>, f: &AuditFilter) {
    qb.push(" where 1 = 1");
    if let Some(u) = &f.username {
        qb.push(" and username = ").push_bind(u.clone());
    }
    if let Some(t) = &f.record_type {
        qb.push(" and record_type = ").push_bind(t.clone());
    }
    if let Some(id) = f.record_id {
        qb.push(" and record_id = ").push_bind(id);
    }
    if let Some(from) = f.from {
        qb.push(" and at >= ").push_bind(from);
    }
    if let Some(until) = f.until {
        qb.push(" and at < ").push_bind(until);
    }
}

#[async_trait]
impl AuditStore for BackendStore {
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<(Vec<AuditEntry>, i64), StoreError> {
        let mut count = sqlx::QueryBuilder::<Db>::new("select count(*) from audit_log");
        push_filter(&mut count, filter);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select id, at, user_id, username, action, record_type, record_id, before_json, \
             after_json, request_id from audit_log",
        );
        push_filter(&mut qb, filter);
        qb.push(" order by id desc limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let rows: Vec<AuditRow> = qb
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let parse = |s: Option<String>| s.and_then(|t| serde_json::from_str(&t).ok());
        let entries = rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                user_id: r.user_id,
                username: r.username,
                action: r.action,
                record_type: r.record_type,
                record_id: r.record_id,
                before: parse(r.before_json),
                after: parse(r.after_json),
                request_id: r.request_id,
            })
            .collect();
        Ok((entries, total))
    }
}
