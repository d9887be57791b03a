//! The month's dispatch digest page (`/dispatch/digest?month=YYYY-MM`): the same [`Digest`]
//! as the documents — its summary, the chart (SVG drawn on the server), its tables — with the
//! links to download it as DOCX, PDF and xlsx (the API's handler, mounted here for the links).

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::Query;
use crate::pages::{Layout, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Datelike;
use dongneng_service::digest::{Digest, DigestTable, parse_month};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dispatch/digest", get(digest_page))
        .route("/dispatch/digest/{file}", get(crate::api::digest::digest))
}

#[derive(Debug, Deserialize, Default)]
pub struct DigestQuery {
    pub month: Option<String>,
}

#[derive(Template)]
#[template(path = "dispatch_digest.html")]
struct DigestPage {
    layout: Layout,
    month: String,
    digest: Digest,
    summary: String,
    tables: Vec<DigestTable>,
}

/// The month before this one, as "2026-05".
fn last_month() -> String {
    let today = dongneng_domain::clock::today();
    let (y, m) = if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    };
    format!("{y}-{m:02}")
}

async fn digest_page(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<DigestQuery>,
) -> AppResult<Response> {
    let reader = app.service.digest_reader(&s.actor)?;
    let month = q
        .month
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(last_month);
    let (year, m) = parse_month(&month)?;
    let digest = reader.digest(year, m).await?;
    let layout = Layout::new(&app, &s.ctx, "dispatch", digest.title.clone());
    Ok(render(&DigestPage {
        layout,
        month,
        summary: digest.summary(),
        tables: digest.tables(),
        digest,
    })?
    .into_response())
}
