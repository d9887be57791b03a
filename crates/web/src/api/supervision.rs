//! Supervision items (督办): the ledger (督办台账) with its filters and its xlsx export, issuing,
//! the item with its units, replies, files and record, edits, a unit's reply, closing (销号,
//! the supervisor only), files, and the content of the supervision notice (督办通知单).

use super::List;
use super::documents::document_download;
use super::files::{FileUpload, file_response, read_upload};
use super::transfer::xlsx_download;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Id, Ids, Query, Unread};
use crate::json::{ApiJson, Versioned};
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use dongneng_domain::document::DocumentFormat;
use dongneng_domain::paging::Page;
use dongneng_domain::supervision::{CloseInput, ReplyInput, SupervisionInput, SupervisionState};
use dongneng_service::supervision::{SupervisionNotice, SupervisionQuery};
use dongneng_store::{SupervisionDetail, SupervisionFile, SupervisionItem};
use serde::Deserialize;
use utoipa::IntoParams;

/// Ledger filters. A department sees the items it is a unit of.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct LedgerQuery {
    pub state: Option<SupervisionState>,
    /// Supervising this department.
    pub department: Option<i64>,
    pub year: Option<i32>,
    /// Only those not closed past their deadline.
    pub overdue: Option<bool>,
    /// Text in the title or the requirements.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl LedgerQuery {
    pub fn to_query(&self) -> SupervisionQuery {
        SupervisionQuery {
            state: self.state,
            department_id: self.department,
            year: self.year,
            overdue: self.overdue.unwrap_or(false),
            q: self.q.clone(),
        }
    }

    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }
}

/// The ledger: every item with its state and days left (negative when overdue).
#[utoipa::path(get, path = "/api/v1/supervision-items", tag = "supervision", params(LedgerQuery),
    responses((status = 200, body = List<SupervisionItem>), (status = 401), (status = 403),
        (status = 422)))]
pub async fn list_items(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<LedgerQuery>,
) -> AppResult<Json<List<SupervisionItem>>> {
    let reader = app.service.supervision(&s.actor)?;
    let page = q.page();
    let (items, total) = reader.ledger(&q.to_query(), page).await?;
    Ok(Json(List::paged(items, total, page)))
}

/// The ledger as a workbook (督办台账).
#[utoipa::path(get, path = "/api/v1/supervision-items/ledger.xlsx", tag = "supervision",
    params(LedgerQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn ledger_xlsx(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<LedgerQuery>,
) -> AppResult<Response> {
    let reader = app.service.supervision(&s.actor)?;
    let bytes = reader.ledger_xlsx(&q.to_query()).await?;
    let name = format!("督办台账-{}.xlsx", dongneng_domain::clock::today());
    Ok(xlsx_download(&name, bytes))
}

/// Issues an item (the supervisor), numbered in its year: 督办〔2026〕12号.
#[utoipa::path(post, path = "/api/v1/supervision-items", tag = "supervision",
    request_body = SupervisionInput,
    responses((status = 201, body = SupervisionItem), (status = 403), (status = 422)))]
pub async fn issue_item(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<SupervisionItem>)> {
    let issuer = app.service.supervision_issuer(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<SupervisionInput>>().await?;
    Ok((StatusCode::CREATED, Json(issuer.issue(input).await?)))
}

/// The item with its units (and when each replied), replies, files and record.
#[utoipa::path(get, path = "/api/v1/supervision-items/{id}", tag = "supervision",
    params(("id" = i64, Path)),
    responses((status = 200, body = SupervisionDetail), (status = 403), (status = 404)))]
pub async fn get_item(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<SupervisionDetail>> {
    Ok(Json(app.service.supervision(&s.actor)?.detail(id).await?))
}

/// Edits an item (the supervisor; not once closed).
#[utoipa::path(put, path = "/api/v1/supervision-items/{id}", tag = "supervision",
    request_body = Versioned<SupervisionInput>, params(("id" = i64, Path)),
    responses((status = 200, body = SupervisionItem), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn edit_item(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<SupervisionItem>> {
    let manager = app.service.supervision_manager(&s.actor, id).await?;
    let b = body.read::<Versioned<SupervisionInput>>().await?;
    Ok(Json(manager.edit(b.version, b.data).await?))
}

/// A unit's reply (a department the item supervises).
#[utoipa::path(post, path = "/api/v1/supervision-items/{id}/replies", tag = "supervision",
    request_body = Versioned<ReplyInput>, params(("id" = i64, Path)),
    responses((status = 200, body = SupervisionItem), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn reply(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<SupervisionItem>> {
    let replier = app.service.supervision_replier(&s.actor, id).await?;
    let b = body.read::<Versioned<ReplyInput>>().await?;
    Ok(Json(replier.reply(b.version, &b.data.text).await?))
}

/// Closes the item (销号) with the evidence: the supervisor only.
#[utoipa::path(post, path = "/api/v1/supervision-items/{id}/close", tag = "supervision",
    request_body = Versioned<CloseInput>, params(("id" = i64, Path)),
    responses((status = 200, body = SupervisionItem), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn close(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<SupervisionItem>> {
    let manager = app.service.supervision_manager(&s.actor, id).await?;
    let b = body.read::<Versioned<CloseInput>>().await?;
    Ok(Json(manager.close(b.version, &b.data.evidence).await?))
}

/// Attaches a file (multipart, one `file` part): the supervisor's evidence or a unit's.
#[utoipa::path(post, path = "/api/v1/supervision-items/{id}/files", tag = "supervision",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    params(("id" = i64, Path)),
    responses((status = 201, body = SupervisionFile), (status = 403), (status = 404),
        (status = 413), (status = 422)))]
pub async fn upload_file(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, Json<SupervisionFile>)> {
    let attacher = app.service.supervision_attacher(&s.actor, id).await?;
    let up = read_upload(multipart).await?;
    let (name, ctype) = (up.name.as_deref(), up.content_type.as_deref());
    Ok((
        StatusCode::CREATED,
        Json(attacher.upload(name, ctype, up.bytes).await?),
    ))
}

/// Downloads a file of the item, as an attachment.
#[utoipa::path(get, path = "/api/v1/supervision-items/{id}/files/{file_id}", tag = "supervision",
    params(("id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 200, description = "The file's bytes"), (status = 403), (status = 404)))]
pub async fn download_file(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
) -> AppResult<Response> {
    let Ids([id, file]) = ids;
    let (meta, bytes) = app.service.supervision(&s.actor)?.file(id, file).await?;
    Ok(file_response(&meta.file_name, &meta.content_type, bytes))
}

/// What the item's supervision notice (督办通知单) says: number, title, addressees, subject,
/// requirements, deadline, issuer and date — for the official-documents module to render.
#[utoipa::path(get, path = "/api/v1/supervision-items/{id}/notice", tag = "supervision",
    params(("id" = i64, Path)),
    responses((status = 200, body = SupervisionNotice), (status = 403), (status = 404)))]
pub async fn notice(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<SupervisionNotice>> {
    Ok(Json(app.service.supervision(&s.actor)?.notice(id).await?))
}

/// The item's supervision notice (督办通知单) as a Word file in the official-document layout:
/// made and stored the first time at the item's present version, the stored one after that
/// (also under `/api/v1/documents/{id}`).
#[utoipa::path(get, path = "/api/v1/supervision-items/{id}/notice.docx", tag = "supervision",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The notice as DOCX",
            content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 403), (status = 404)))]
pub async fn notice_docx(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Response> {
    let reader = app.service.supervision(&s.actor)?;
    let (meta, bytes) = reader.notice_file(id, DocumentFormat::Docx).await?;
    Ok(document_download(&meta, bytes))
}

/// The item's supervision notice (督办通知单) as PDF, made and kept like the Word file.
#[utoipa::path(get, path = "/api/v1/supervision-items/{id}/notice.pdf", tag = "supervision",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The notice as PDF", content_type = "application/pdf"),
        (status = 403), (status = 404)))]
pub async fn notice_pdf(State(app): State<AppState>, s: Signed, Id(id): Id) -> AppResult<Response> {
    let reader = app.service.supervision(&s.actor)?;
    let (meta, bytes) = reader.notice_file(id, DocumentFormat::Pdf).await?;
    Ok(document_download(&meta, bytes))
}
