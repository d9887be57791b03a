//! Official documents (公文) kept by the system: one downloaded again, the list of a
//! record's. Whoever can read the record can read its documents. The areas serve their own
//! "make this document" routes (the supervision notice: `supervision.rs`) and answer with
//! [`document_download`].

use super::List;
use super::files::file_response;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Id, Query};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use dongneng_domain::document::SourceKind;
use dongneng_store::StoredDocument;
use serde::Deserialize;
use utoipa::IntoParams;

/// The record whose documents are listed.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SourceQuery {
    pub source_kind: SourceKind,
    pub source_id: i64,
}

/// A stored document as a download, with its Chinese file name (RFC 5987).
pub(crate) fn document_download(meta: &StoredDocument, bytes: Vec<u8>) -> Response {
    file_response(&meta.file_name, meta.format.content_type(), bytes)
}

/// The documents made of a record (oldest first), for whoever can read the record.
#[utoipa::path(get, path = "/api/v1/documents", tag = "documents", params(SourceQuery),
    responses((status = 200, body = List<StoredDocument>), (status = 401), (status = 403),
        (status = 404), (status = 422)))]
pub async fn list_documents(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<SourceQuery>,
) -> AppResult<Json<List<StoredDocument>>> {
    let items = app
        .service
        .documents_of(&s.actor, q.source_kind, q.source_id)
        .await?;
    Ok(Json(List::all(items)))
}

/// A stored document again: the bytes as made, as an attachment.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The document's bytes: DOCX or PDF, as its format says"),
        (status = 401), (status = 403), (status = 404)))]
pub async fn download_document(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Response> {
    let (meta, bytes) = app.service.document(&s.actor, id).await?;
    Ok(document_download(&meta, bytes))
}
