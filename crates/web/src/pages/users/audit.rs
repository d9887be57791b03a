//! The audit trail page: every change, who made it and when, filtered and paged.

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::Query;
use crate::pages::list::Pager;
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use dongneng_domain::paging::Page;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    q_username: String,
    q_record_type: String,
    q_from: String,
    q_until: String,
    entries: Vec<AuditRow>,
    total_line: String,
    pager: Pager,
}

struct AuditRow {
    at: String,
    username: String,
    action: String,
    record: String,
    before: String,
    after: String,
}

pub async fn audit(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<crate::api::AuditQuery>,
) -> AppResult<Response> {
    let page = Page::new(q.page, Some(50));
    let (entries, total) = app
        .service
        .audit_reader(&s.actor)?
        .list_audit(&q.filter(), page)
        .await?;
    let lang = s.ctx.lang;
    let pretty = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .map(|j| serde_json::to_string_pretty(j).unwrap_or_default())
            .unwrap_or_default()
    };
    let rows = entries
        .iter()
        .map(|e| AuditRow {
            at: crate::i18n::china_time(e.at),
            username: e.username.clone(),
            action: e.action.clone(),
            record: format!(
                "{} #{}",
                e.record_type,
                e.record_id.map(|i| i.to_string()).unwrap_or_default()
            ),
            before: pretty(&e.before),
            after: pretty(&e.after),
        })
        .collect();
    let base = |p: u32| {
        format!(
            "/admin/audit?page={p}&username={}&record_type={}&from={}&until={}",
            crate::context::urlencode(q.username.as_deref().unwrap_or("")),
            crate::context::urlencode(q.record_type.as_deref().unwrap_or("")),
            q.from.map(|d| d.to_string()).unwrap_or_default(),
            q.until.map(|d| d.to_string()).unwrap_or_default(),
        )
    };
    let pager = Pager::new(lang, page, total, base);
    let p = AuditPage {
        layout: Layout::new(&app, &s.ctx, "admin/audit", lang.t("admin.audit_title")),
        q_username: q.username.clone().unwrap_or_default(),
        q_record_type: q.record_type.clone().unwrap_or_default(),
        q_from: q.from.map(|d| d.to_string()).unwrap_or_default(),
        q_until: q.until.map(|d| d.to_string()).unwrap_or_default(),
        entries: rows,
        total_line: format!(
            "{} · {}",
            lang.t_with("common.total", &[("n", &total.to_string())]),
            pager.line
        ),
        pager,
    };
    Ok(render(&p)?.into_response())
}
