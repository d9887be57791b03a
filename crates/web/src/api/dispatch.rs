//! Monthly dispatch (月度调度): the periods (extend a task force's deadline, lock, reopen), the
//! task forces' reports (create, edit the sections, submit, return, resubmit, accept, the
//! diff since the last return), the completeness table of a year, who has not filed, and the
//! deadline setting. Every change names the `version` read.

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Id, Query, Unread};
use crate::json::{ApiJson, Versioned};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dongneng_domain::dispatch::{
    Change, DispatchSettings, ExtensionInput, LockInput, ReportEdit, ReportReturn, ReportState,
};
use dongneng_domain::paging::Page;
use dongneng_service::dispatch::{
    CompletenessTable, CreateReport, NotFiled, OpenPeriod, PeriodDetail, ReportDetail, ReportQuery,
};
use dongneng_store::{DispatchReport, Period, StoredDispatchSettings};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Periods of a year (all when not given).
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct PeriodListQuery {
    pub year: Option<i32>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct PeriodList {
    pub items: Vec<Period>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Report list filters. A caller sees the reports of the industries its scope reaches.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct ReportListQuery {
    pub period: Option<i64>,
    pub industry: Option<i64>,
    pub state: Option<ReportState>,
    pub year: Option<i32>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl ReportListQuery {
    pub fn to_query(&self) -> ReportQuery {
        ReportQuery {
            period_id: self.period,
            industry_id: self.industry,
            state: self.state,
            year: self.year,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<DispatchReport>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// The year of the completeness table (this year when not given).
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

/// The period of the not-yet-filed list (this month's when not given).
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct PeriodQuery {
    pub period: Option<i64>,
}

/// A state move's body: only the `version` read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {}

/// The changes since the office last returned the report.
#[derive(Serialize, ToSchema)]
pub struct Diff {
    pub items: Vec<Change>,
    pub total: i64,
}

/// The reporting periods, newest first.
#[utoipa::path(get, path = "/api/v1/dispatch/periods", tag = "dispatch", params(PeriodListQuery),
    responses((status = 200, body = PeriodList), (status = 401), (status = 403), (status = 422)))]
pub async fn list_periods(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<PeriodListQuery>,
) -> AppResult<Json<PeriodList>> {
    let reader = app.service.dispatch(&s.actor)?;
    let page = Page::new(q.page, q.per_page);
    let (items, total) = reader.periods(q.year, page).await?;
    Ok(Json(PeriodList {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Opens the period of a month that has begun (the office); the current month's opens by
/// itself.
#[utoipa::path(post, path = "/api/v1/dispatch/periods", tag = "dispatch",
    request_body = OpenPeriod,
    responses((status = 201, body = Period), (status = 403), (status = 422)))]
pub async fn open_period(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<Period>)> {
    let office = app.service.dispatch_office(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<OpenPeriod>>().await?;
    Ok((StatusCode::CREATED, Json(office.open(input).await?)))
}

/// A period with the filings of the task forces the caller reads.
#[utoipa::path(get, path = "/api/v1/dispatch/periods/{id}", tag = "dispatch",
    params(("id" = i64, Path)),
    responses((status = 200, body = PeriodDetail), (status = 403), (status = 404)))]
pub async fn get_period(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<PeriodDetail>> {
    Ok(Json(app.service.dispatch(&s.actor)?.period(id).await?))
}

/// Extends one task force's deadline, with the reason (the office).
#[utoipa::path(post, path = "/api/v1/dispatch/periods/{id}/extend", tag = "dispatch",
    request_body = Versioned<ExtensionInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Period), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn extend(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Period>> {
    let office = app.service.dispatch_office(&s.actor)?;
    let body = body.read::<Versioned<ExtensionInput>>().await?;
    Ok(Json(office.extend(id, body.version, body.data).await?))
}

/// Locks a period: nothing of it can be filed until it is reopened (the office).
#[utoipa::path(post, path = "/api/v1/dispatch/periods/{id}/lock", tag = "dispatch",
    request_body = Versioned<LockInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Period), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn lock(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Period>> {
    let office = app.service.dispatch_office(&s.actor)?;
    let body = body.read::<Versioned<LockInput>>().await?;
    Ok(Json(office.lock(id, body.version, body.data).await?))
}

/// Reopens a locked period (the office).
#[utoipa::path(post, path = "/api/v1/dispatch/periods/{id}/reopen", tag = "dispatch",
    request_body = Versioned<Step>, params(("id" = i64, Path)),
    responses((status = 200, body = Period), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn reopen(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Period>> {
    let office = app.service.dispatch_office(&s.actor)?;
    let body = body.read::<Versioned<Step>>().await?;
    Ok(Json(office.reopen(id, body.version).await?))
}

/// The reports the caller reads, newest month first.
#[utoipa::path(get, path = "/api/v1/dispatch/reports", tag = "dispatch", params(ReportListQuery),
    responses((status = 200, body = ReportList), (status = 401), (status = 403), (status = 422)))]
pub async fn list_reports(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<ReportListQuery>,
) -> AppResult<Json<ReportList>> {
    let reader = app.service.dispatch(&s.actor)?;
    let page = Page::new(q.page, q.per_page);
    let (items, total) = reader.reports(&q.to_query(), page).await?;
    Ok(Json(ReportList {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Starts a task force's report for a month (a draft): the period open, one report per
/// task force and month.
#[utoipa::path(post, path = "/api/v1/dispatch/reports", tag = "dispatch",
    request_body = CreateReport,
    responses((status = 201, body = DispatchReport), (status = 403), (status = 422)))]
pub async fn create_report(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<DispatchReport>)> {
    let filer = app.service.dispatch_filer(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<CreateReport>>().await?;
    Ok((StatusCode::CREATED, Json(filer.create(input).await?)))
}

/// The report with its figures from the system, its timeline, what changed since the last
/// return and what the caller may do with it.
#[utoipa::path(get, path = "/api/v1/dispatch/reports/{id}", tag = "dispatch",
    params(("id" = i64, Path)),
    responses((status = 200, body = ReportDetail), (status = 403), (status = 404)))]
pub async fn get_report(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<ReportDetail>> {
    Ok(Json(app.service.dispatch(&s.actor)?.detail(id).await?))
}

/// Saves sections (only those given): any of a draft, the returned ones of a returned report.
#[utoipa::path(put, path = "/api/v1/dispatch/reports/{id}", tag = "dispatch",
    request_body = Versioned<ReportEdit>, params(("id" = i64, Path)),
    responses((status = 200, body = DispatchReport), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn update_report(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<DispatchReport>> {
    let filer = app.service.report_filer(&s.actor, id).await?;
    let body = body.read::<Versioned<ReportEdit>>().await?;
    Ok(Json(filer.update(body.version, body.data).await?))
}

/// Submits a draft: every section written (or the oral record complete).
#[utoipa::path(post, path = "/api/v1/dispatch/reports/{id}/submit", tag = "dispatch",
    request_body = Versioned<Step>, params(("id" = i64, Path)),
    responses((status = 200, body = DispatchReport), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn submit(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<DispatchReport>> {
    let filer = app.service.report_filer(&s.actor, id).await?;
    let body = body.read::<Versioned<Step>>().await?;
    Ok(Json(filer.submit(body.version).await?))
}

/// Submits a returned report again.
#[utoipa::path(post, path = "/api/v1/dispatch/reports/{id}/resubmit", tag = "dispatch",
    request_body = Versioned<Step>, params(("id" = i64, Path)),
    responses((status = 200, body = DispatchReport), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn resubmit(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<DispatchReport>> {
    let filer = app.service.report_filer(&s.actor, id).await?;
    let body = body.read::<Versioned<Step>>().await?;
    Ok(Json(filer.resubmit(body.version).await?))
}

/// Returns a submitted report with the reason, reopening the sections named (the office).
#[utoipa::path(post, path = "/api/v1/dispatch/reports/{id}/return", tag = "dispatch",
    request_body = Versioned<ReportReturn>, params(("id" = i64, Path)),
    responses((status = 200, body = DispatchReport), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn return_report(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<DispatchReport>> {
    let reviewer = app.service.report_reviewer(&s.actor, id).await?;
    let body = body.read::<Versioned<ReportReturn>>().await?;
    Ok(Json(reviewer.return_report(body.version, body.data).await?))
}

/// Accepts a submitted or resubmitted report (the office).
#[utoipa::path(post, path = "/api/v1/dispatch/reports/{id}/accept", tag = "dispatch",
    request_body = Versioned<Step>, params(("id" = i64, Path)),
    responses((status = 200, body = DispatchReport), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn accept(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<DispatchReport>> {
    let reviewer = app.service.report_reviewer(&s.actor, id).await?;
    let body = body.read::<Versioned<Step>>().await?;
    Ok(Json(reviewer.accept(body.version).await?))
}

/// What changed since the office last returned the report.
#[utoipa::path(get, path = "/api/v1/dispatch/reports/{id}/diff", tag = "dispatch",
    params(("id" = i64, Path)),
    responses((status = 200, body = Diff), (status = 403), (status = 404)))]
pub async fn diff(State(app): State<AppState>, s: Signed, Id(id): Id) -> AppResult<Json<Diff>> {
    let items = app.service.dispatch(&s.actor)?.diff(id).await?;
    Ok(Json(Diff {
        total: items.len() as i64,
        items,
    }))
}

/// Completeness and timeliness per task force and month of a year.
#[utoipa::path(get, path = "/api/v1/dispatch/completeness", tag = "dispatch", params(YearQuery),
    responses((status = 200, body = CompletenessTable), (status = 403), (status = 422)))]
pub async fn completeness(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<CompletenessTable>> {
    Ok(Json(
        app.service.dispatch(&s.actor)?.completeness(q.year).await?,
    ))
}

/// The task forces that have not filed for a period (this month's when not given), overdue
/// first, each with its warning.
#[utoipa::path(get, path = "/api/v1/dispatch/not-filed", tag = "dispatch", params(PeriodQuery),
    responses((status = 200, body = NotFiled), (status = 403), (status = 404)))]
pub async fn not_filed(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Json<NotFiled>> {
    Ok(Json(
        app.service.dispatch(&s.actor)?.not_filed(q.period).await?,
    ))
}

/// The day of the next month reports are due (the office).
#[utoipa::path(get, path = "/api/v1/settings/dispatch", tag = "dispatch",
    responses((status = 200, body = StoredDispatchSettings), (status = 403)))]
pub async fn get_settings(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<StoredDispatchSettings>> {
    Ok(Json(
        app.service.dispatch_office(&s.actor)?.settings().await?,
    ))
}

/// Changes the deadline day (1–28), from the `version` read; periods opened later use it.
#[utoipa::path(put, path = "/api/v1/settings/dispatch", tag = "dispatch",
    request_body = Versioned<DispatchSettings>,
    responses((status = 200, body = StoredDispatchSettings), (status = 403), (status = 409),
        (status = 422)))]
pub async fn set_settings(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<Json<StoredDispatchSettings>> {
    let office = app.service.dispatch_office(&s.actor)?;
    let body = body.read::<Versioned<DispatchSettings>>().await?;
    Ok(Json(office.set_settings(body.version, body.data).await?))
}
