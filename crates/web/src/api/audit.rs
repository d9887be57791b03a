//! The audit trail (administrators only).

use super::List;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::Query;
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use dongneng_domain::clock;
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
    /// First day included (YYYY-MM-DD, China time).
    pub from: Option<NaiveDate>,
    /// Last day included (YYYY-MM-DD, China time).
    pub until: Option<NaiveDate>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl AuditQuery {
    /// The filter, with the days read as China calendar days.
    pub fn filter(&self) -> AuditFilter {
        AuditFilter {
            username: self.username.clone(),
            record_type: self.record_type.clone(),
            record_id: self.record_id,
            from: self.from.map(clock::start_of_day),
            until: self.until.and_then(clock::end_of_day),
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
    let reader = app.service.audit_reader(&s.actor)?;
    let page = Page::new(q.page, q.per_page);
    let (items, total) = reader.list_audit(&q.filter(), page).await?;
    Ok(Json(List::paged(items, total, page)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The days of the filter are China calendar days: 2 December begins at 16:00 UTC on
    /// 1 December, and "until 2 December" includes all of it.
    #[test]
    fn days_are_china_days() {
        let q = AuditQuery {
            from: NaiveDate::from_ymd_opt(2026, 12, 2),
            until: NaiveDate::from_ymd_opt(2026, 12, 2),
            ..Default::default()
        };
        let f = q.filter();
        assert_eq!(f.from.unwrap().to_rfc3339(), "2026-12-01T16:00:00+00:00");
        assert_eq!(f.until.unwrap().to_rfc3339(), "2026-12-02T16:00:00+00:00");
    }
}
