//! The month's dispatch digest (月度调度通报): as JSON, as an official document (DOCX, PDF:
//! made through the document module and stored) and as an xlsx of its tables.

use super::documents::document_download;
use super::transfer::xlsx_download;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use dongneng_domain::document::DocumentFormat;
use dongneng_service::digest::parse_month;

/// What `{file}` asks for.
enum Form {
    Json,
    Document(DocumentFormat),
    Xlsx,
}

fn split(file: &str) -> (&str, Form) {
    if let Some(m) = file.strip_suffix(".docx") {
        (m, Form::Document(DocumentFormat::Docx))
    } else if let Some(m) = file.strip_suffix(".pdf") {
        (m, Form::Document(DocumentFormat::Pdf))
    } else if let Some(m) = file.strip_suffix(".xlsx") {
        (m, Form::Xlsx)
    } else {
        (file.strip_suffix(".json").unwrap_or(file), Form::Json)
    }
}

/// The dispatch digest of a month (past or current; a future month or a malformed one is
/// 422 naming `month`), within the caller's scope — a district reads its district's rows, a
/// leader the industries it leads. `{file}` is the month and the form:
/// `2026-05` (JSON), `2026-05.docx`, `2026-05.pdf` (the official document, GB/T 9704, with the
/// completion chart; made when its content changed, stored, also under
/// `/api/v1/documents/{id}`) or `2026-05.xlsx` (its tables, one sheet each).
#[utoipa::path(get, path = "/api/v1/dispatch/digest/{file}", tag = "dispatch",
    params(("file" = String, Path,
        description = "YYYY-MM (JSON), YYYY-MM.docx, YYYY-MM.pdf or YYYY-MM.xlsx")),
    responses((status = 200, body = dongneng_service::digest::Digest,
        description = "The digest as JSON, or its DOCX, PDF or xlsx file"),
        (status = 401), (status = 403), (status = 422)))]
pub async fn digest(
    State(app): State<AppState>,
    s: Signed,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let reader = app.service.digest_reader(&s.actor)?;
    let (month, form) = split(&file);
    let (year, month) = parse_month(month)?;
    Ok(match form {
        Form::Json => Json(reader.digest(year, month).await?).into_response(),
        Form::Document(format) => {
            let (meta, bytes) = reader.document_file(year, month, format).await?;
            document_download(&meta, bytes)
        }
        Form::Xlsx => {
            let (name, bytes) = reader.xlsx(year, month).await?;
            xlsx_download(&name, bytes)
        }
    })
}
