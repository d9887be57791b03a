//! The audit trail (administrators only).

use super::List;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::Query;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::paging::Page;
use dongneng_store::{AuditEntry, AuditFilter};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams, Default)]
pub struct AuditQuery {
    /// Who made the change.
    pub username: Option<String>,
    /// `region`, `department`, `industry`, `user` …
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    /// First day included (YYYY-MM-DD, UTC).
    pub from: Option<NaiveDate>,
    /// Last day included (YYYY-MM-DD, UTC).
    pub until: Option<NaiveDate>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl AuditQuery {
    pub fn filter(&self) -> AuditFilter {
        let start =
            |d: NaiveDate| -> Option<DateTime<Utc>> { d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()) };
        AuditFilter {
            username: self.username.clone(),
            record_type: self.record_type.clone(),
            record_id: self.record_id,
            from: self.from.and_then(start),
            until: self.until.and_then(|d| d.succ_opt()).and_then(start),
        }
    }
}

/// Changes, newest first: who, when, which record, before and after.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = List<AuditEntry>), (status = 403)))]
pub async fn list_audit(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<AuditQuery>,
) -> AppResult<Json<List<AuditEntry>>> {
    let page = Page::new(q.page, q.per_page);
    let (items, total) = app.service.list_audit(&s.actor, &q.filter(), page).await?;
    Ok(Json(List::paged(items, total, page)))
}
