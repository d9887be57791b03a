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
    /// When the audit chain was last verified and what was found.
    chain_line: String,
    chain_ok: bool,
    /// Accounts under a distributed guess now.
    guessed: Vec<GuessedRow>,
}

struct GuessedRow {
    username: String,
    failures: String,
    addresses: String,
    since: String,
    last: String,
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
    let reader = app.service.audit_reader(&s.actor)?;
    let (entries, total) = reader.list_audit(&q.filter(), page).await?;
    let lang = s.ctx.lang;
    let verification = reader.last_verification().await?;
    let chain_ok = verification.as_ref().is_none_or(|v| v.ok);
    let chain_line = match &verification {
        None => lang.t("security.chain_never"),
        Some(v) if v.ok => lang.t_with(
            "security.chain_ok",
            &[
                ("at", &crate::i18n::china_time(v.at)),
                ("n", &v.rows_checked.to_string()),
            ],
        ),
        Some(v) => lang.t_with(
            "security.chain_broken",
            &[
                ("at", &crate::i18n::china_time(v.at)),
                ("id", &v.first_bad_id.unwrap_or_default().to_string()),
                ("detail", v.detail.as_deref().unwrap_or("")),
            ],
        ),
    };
    let guessed = reader
        .guessed_accounts()
        .await?
        .into_iter()
        .map(|g| GuessedRow {
            username: g.username,
            failures: g.failures.to_string(),
            addresses: g.addresses.to_string(),
            since: crate::i18n::china_time(g.first_at),
            last: crate::i18n::china_time(g.last_at),
        })
        .collect();
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
        chain_line,
        chain_ok,
        guessed,
    };
    Ok(render(&p)?.into_response())
}
