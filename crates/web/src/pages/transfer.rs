//! Import and export pages of the project library.

use super::form::{Ctx, Screen};
use super::projects::EditProjects;
use super::{Layout, render};
use crate::AppState;
use crate::api::transfer::{
    UPLOAD_LIMIT, export_projects, file_message, import_report, problem_message, progress_template,
};
use crate::context::Signed;
use crate::error::AppResult;
use askama::Template;
use axum::Router;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dongneng_service::transfer::ImportResult;

pub fn router() -> Router<AppState> {
    Router::new()
        // The downloads are the API's, under the library's paths.
        .route("/projects/export.xlsx", get(export_projects))
        .route("/projects/progress-template.xlsx", get(progress_template))
        .route(
            "/projects/import",
            crate::extract::limited(get(form).post(upload), UPLOAD_LIMIT),
        )
        .route("/projects/import/report/{token}", get(import_report))
}

pub struct ProblemRow {
    pub row: usize,
    pub column: String,
    pub value: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "projects_import.html")]
struct ImportPage {
    layout: Layout,
    kind: String,
    ok: Option<String>,
    refused: Option<String>,
    problems: Vec<ProblemRow>,
    report_href: Option<String>,
}

fn page(app: &AppState, s: &Signed, kind: &str) -> ImportPage {
    ImportPage {
        layout: Layout::new(app, &s.ctx, "projects", s.ctx.t("project.import_title")),
        kind: kind.to_string(),
        ok: None,
        refused: None,
        problems: vec![],
        report_href: None,
    }
}

/// The import page: it adds projects, so it opens to those who may.
struct Import;

impl Screen for Import {
    type Gate = EditProjects;
    const AREA: &'static str = "projects";
    const HOME: &'static str = "/projects";
}

async fn form(c: Ctx<Import>) -> AppResult<Response> {
    Ok(render(&page(&c.app, &c.s, "projects"))?.into_response())
}

async fn upload(c: Ctx<Import>, mut multipart: Multipart) -> AppResult<Response> {
    let (app, s) = (&c.app, &c.s);
    let lang = s.ctx.lang;
    // The place is taken before the upload is read (one import per account at a time).
    let slot = c.access.begin_import()?;
    let mut kind = "projects".to_string();
    let mut file: Vec<u8> = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let data = match field.bytes().await {
                    Ok(d) => d,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(crate::error::AppError::PayloadTooLarge);
                    }
                    Err(_) => return Err(crate::error::AppError::MalformedJson),
                };
                match name.as_str() {
                    "kind" => kind = String::from_utf8_lossy(&data).to_string(),
                    "file" => file = data.to_vec(),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(crate::error::AppError::PayloadTooLarge);
            }
            Err(_) => return Err(crate::error::AppError::MalformedJson),
        }
    }
    let kind = if kind == "progress" {
        "progress"
    } else {
        "projects"
    };
    let mut p = page(app, s, kind);
    if file.is_empty() {
        p.refused = Some(lang.t("import_error.no_file"));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    }
    let result = if kind == "progress" {
        c.access.import_progress_xlsx(&slot, &file).await?
    } else {
        c.access.import_projects_xlsx(&slot, &file).await?
    };
    let status = match result {
        ImportResult::Imported(sum) => {
            p.ok = Some(if kind == "progress" {
                lang.t_with(
                    "project.import_progress_ok",
                    &[("n", &sum.rows.to_string())],
                )
            } else {
                lang.t_with(
                    "project.import_ok",
                    &[
                        ("created", &sum.created.to_string()),
                        ("updated", &sum.updated.to_string()),
                        ("unchanged", &sum.unchanged.to_string()),
                    ],
                )
            });
            StatusCode::OK
        }
        ImportResult::Refused { problems, report } => {
            let token = c
                .access
                .keep_import_report("导入错误报告.xlsx", &report)
                .await?;
            p.refused = Some(lang.t_with(
                "project.import_refused",
                &[("n", &problems.len().to_string())],
            ));
            p.report_href = Some(format!("/projects/import/report/{token}"));
            p.problems = problems
                .iter()
                .map(|e| ProblemRow {
                    row: e.row,
                    column: format!("{} {}", e.column_letter, e.column)
                        .trim()
                        .to_string(),
                    value: e.value.clone(),
                    message: problem_message(lang, e),
                })
                .collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ImportResult::FileRefused { code, params } => {
            p.refused = Some(file_message(lang, code, &params));
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    Ok((status, render(&p)?).into_response())
}
