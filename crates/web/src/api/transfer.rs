//! Excel in and out for the project library.

use super::projects::ProjectListQuery;
use crate::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::extract::{Query, Unread};
use crate::i18n::Lang;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use dongneng_service::projects::LibraryEditor;
use dongneng_service::transfer::{ImportProblem, ImportResult, ImportSummary};
use serde::Serialize;
use utoipa::ToSchema;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Largest upload accepted for imports (a province's library fits easily).
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;

/// A workbook as a download.
pub fn xlsx_download(filename: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::context::urlencode(filename)
    );
    (
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The projects of the filters as a workbook in the import layout (headers with units, frozen
/// header row, a totals row, numbers as numbers).
#[utoipa::path(get, path = "/api/v1/projects/export.xlsx", tag = "projects", params(ProjectListQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_projects(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<ProjectListQuery>,
) -> AppResult<Response> {
    let reader = app.service.programme(&s.actor)?;
    let bytes = reader.export_xlsx(&q.to_query()?).await?;
    let name = format!("重点项目库-{}.xlsx", dongneng_domain::clock::today());
    Ok(xlsx_download(&name, bytes))
}

/// A monthly-progress sheet listing the started projects the user may report on.
#[utoipa::path(get, path = "/api/v1/projects/progress-template.xlsx", tag = "projects",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn progress_template(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    let reader = app.service.programme(&s.actor)?;
    let bytes = reader.progress_template_xlsx().await?;
    Ok(xlsx_download("月度进展.xlsx", bytes))
}

#[derive(Serialize, ToSchema)]
pub struct RefusedImport {
    pub error: RefusedBody,
}

#[derive(Serialize, ToSchema)]
pub struct RefusedBody {
    /// `import_refused` (row problems) or a file-level code (`not_a_workbook`, `wrong_headers` …).
    pub code: String,
    pub message: String,
    /// One entry per bad cell: row, column, value, code and message.
    pub details: Vec<ProblemDetail>,
    /// Where to download the workbook with the bad cells marked and commented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemDetail {
    #[serde(flatten)]
    pub problem: ImportProblem,
    pub message: String,
}

/// A cell problem as a sentence in `lang`.
pub fn problem_message(lang: Lang, p: &ImportProblem) -> String {
    let params: Vec<(&str, &str)> = p
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut params = params;
    if !p.params.contains_key("field") {
        params.push(("field", p.column.as_str()));
    }
    lang.t_with(&format!("validation.{}", p.code), &params)
}

pub fn file_message(
    lang: Lang,
    code: &str,
    params: &std::collections::BTreeMap<String, String>,
) -> String {
    let p: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    lang.t_with(&format!("import_error.{code}"), &p)
}

/// Turns an import result into the API's answer: 200 with the summary, or 422 with the
/// problems (and a link to the marked workbook).
async fn answer(
    editor: &LibraryEditor,
    s: &Signed,
    result: ImportResult,
    filename: &str,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    match result {
        ImportResult::Imported(summary) => Ok(Json::<ImportSummary>(summary).into_response()),
        ImportResult::Refused { problems, report } => {
            let token = editor.keep_import_report(filename, &report).await?;
            let body = RefusedImport {
                error: RefusedBody {
                    code: "import_refused".into(),
                    message: lang.t_with(
                        "project.import_refused",
                        &[("n", &problems.len().to_string())],
                    ),
                    details: problems
                        .into_iter()
                        .map(|p| ProblemDetail {
                            message: problem_message(lang, &p),
                            problem: p,
                        })
                        .collect(),
                    report_url: Some(format!("/api/v1/import-reports/{token}")),
                },
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
        ImportResult::FileRefused { code, params } => {
            let body = RefusedImport {
                error: RefusedBody {
                    code: code.to_string(),
                    message: file_message(lang, code, &params),
                    details: vec![],
                    report_url: None,
                },
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
    }
}

/// An `.xlsx` workbook, sent as the whole request body (not a multipart form).
// Describes the body in the OpenAPI document; the handlers read the bytes as they come.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Workbook(#[expect(dead_code, reason = "describes the body; never built")] Vec<u8>);

/// The uploaded workbook: the whole body, which may not be empty.
async fn workbook(body: Unread) -> AppResult<Bytes> {
    let bytes = body.read::<Bytes>().await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::invalid("file", "file_unreadable")
        }
    })?;
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "required"));
    }
    Ok(bytes)
}

/// Imports a project list (.xlsx, the export layout) sent as the request body. The whole
/// file is checked first; any bad row refuses the file, writes nothing and answers 422 with
/// every problem. Rows match projects by code, else by name and owner; a re-import of the
/// same file changes nothing.
#[utoipa::path(post, path = "/api/v1/projects/import", tag = "projects",
    request_body(content = Workbook, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportSummary), (status = 422, body = RefusedImport), (status = 413)))]
pub async fn import_projects(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<Response> {
    let editor = app.service.library_editor(&s.actor)?;
    let slot = editor.begin_import()?;
    let result = editor
        .import_projects_xlsx(&slot, &workbook(body).await?)
        .await?;
    answer(&editor, &s, result, "项目导入错误报告.xlsx").await
}

/// Imports a monthly-progress sheet (.xlsx) sent as the request body; all or nothing.
#[utoipa::path(post, path = "/api/v1/projects/progress/import", tag = "projects",
    request_body(content = Workbook, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportSummary), (status = 422, body = RefusedImport), (status = 413)))]
pub async fn import_progress(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<Response> {
    let editor = app.service.library_editor(&s.actor)?;
    let slot = editor.begin_import()?;
    let result = editor
        .import_progress_xlsx(&slot, &workbook(body).await?)
        .await?;
    answer(&editor, &s, result, "月度进展导入错误报告.xlsx").await
}

/// The marked workbook of a refused import (kept a day, for the user who imported).
#[utoipa::path(get, path = "/api/v1/import-reports/{token}", tag = "projects", params(("token" = String, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404)))]
pub async fn import_report(
    State(app): State<AppState>,
    s: Signed,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let editor = app.service.library_editor(&s.actor)?;
    let (name, bytes) = editor.import_report(&token).await?;
    Ok(xlsx_download(&name, bytes))
}
