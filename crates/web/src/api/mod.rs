//! The JSON API under `/api/v1/`, described by an OpenAPI 3.1 document generated from the
//! handlers (`GET /api/v1/openapi.json`).

mod audit;
mod auth;
pub mod digest;
pub mod dispatch;
pub mod documents;
pub(crate) mod files;
mod health;
pub mod meetings;
pub mod openapi;
pub mod policies;
pub mod problems;
pub(crate) mod profiles;
pub mod projects;
mod reference;
pub mod supervision;
pub mod tasks;
pub mod todo;
pub mod transfer;
mod users;

pub use audit::AuditQuery;

use crate::AppState;
use crate::error::ErrorInfo;
use crate::i18n::Lang;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

/// A list with its total count (and, when paged, the page).
#[derive(Serialize, ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

impl<T> List<T> {
    pub fn all(items: Vec<T>) -> Self {
        let total = items.len() as i64;
        List {
            items,
            total,
            page: None,
            per_page: None,
        }
    }
    pub fn paged(items: Vec<T>, total: i64, page: dongneng_domain::paging::Page) -> Self {
        List {
            items,
            total,
            page: Some(page.page),
            per_page: Some(page.per_page),
        }
    }
}

/// The error envelope: `{"error":{"code","message","details"}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code (`invalid`, `conflict`, `forbidden` …).
    pub code: String,
    /// The message in the caller's language.
    pub message: String,
    /// Per-field problems for `invalid`; `retry_after` for `throttled`.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct FieldDetail {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Renders an error as the JSON envelope in `lang`.
pub fn error_response(lang: Lang, status: StatusCode, info: &ErrorInfo) -> Response {
    let message = match info.retry_after {
        Some(s) => lang.t_with("error.throttled", &[("seconds", &s.to_string())]),
        None => lang.t(&format!("error.{}", info.code)),
    };
    let details = if let Some(s) = info.retry_after {
        serde_json::json!({ "retry_after": s })
    } else {
        serde_json::to_value(
            info.fields
                .iter()
                .map(|f| FieldDetail {
                    field: f.field.clone(),
                    code: f.code.clone(),
                    message: lang.field_message(f),
                })
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default()
    };
    let body = ErrorEnvelope {
        error: ErrorBody {
            code: info.code.to_string(),
            message,
            details,
        },
    };
    let mut resp = (status, Json(body)).into_response();
    if let Some(s) = info.retry_after
        && let Ok(v) = HeaderValue::from_str(&s.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dongneng API",
        description = "JSON API of Dongneng (动能), the major-programme coordination platform. \
                       Sign in with POST /api/v1/auth/login and send the token as \
                       `Authorization: Bearer <token>`. Every record carries `id` and `version`; \
                       updates send the version they read and get 409 when it is stale.",
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    // Schemas that only parameters name (utoipa registers those of bodies and responses).
    components(schemas(ErrorEnvelope, ErrorBody, FieldDetail, dongneng_store::ProjectSort,
        dongneng_service::problems::StatsSort))
)]
struct ApiDoc;

/// A route that takes a body of up to `limit` bytes, whatever the server-wide limit.
fn larger_body(r: UtoipaMethodRouter<AppState>, limit: usize) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, method_router) = r;
    (
        schemas,
        paths,
        crate::extract::limited(method_router, limit),
    )
}

/// All API routes and the OpenAPI document describing them.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    // Imports take workbooks, and uploads files, larger than the server-wide body limit.
    let big = |r| larger_body(r, transfer::UPLOAD_LIMIT);
    let uploads = |r| larger_body(r, files::UPLOAD_BODY_LIMIT);
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(big(routes!(transfer::import_projects)))
        .routes(big(routes!(transfer::import_progress)))
        .routes(routes!(health::healthz))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(reference::list_regions, reference::create_region))
        .routes(routes!(reference::get_region, reference::update_region))
        .routes(routes!(
            reference::list_departments,
            reference::create_department
        ))
        .routes(routes!(
            reference::get_department,
            reference::update_department
        ))
        .routes(routes!(
            reference::list_industry_groups,
            reference::create_industry_group
        ))
        .routes(routes!(
            reference::get_industry_group,
            reference::update_industry_group
        ))
        .routes(routes!(
            reference::list_industries,
            reference::create_industry
        ))
        .routes(routes!(reference::get_industry, reference::update_industry))
        .routes(routes!(reference::list_lookups))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::get_user, users::update_user))
        .routes(routes!(users::disable_user))
        .routes(routes!(users::set_password))
        .routes(routes!(audit::list_audit))
        .routes(routes!(profiles::list_profiles))
        .routes(routes!(profiles::get_profile, profiles::save_structure))
        .routes(routes!(profiles::create_member))
        .routes(routes!(profiles::update_member, profiles::delete_member))
        .routes(routes!(profiles::create_expert))
        .routes(routes!(profiles::update_expert, profiles::delete_expert))
        .routes(routes!(profiles::create_alliance))
        .routes(routes!(
            profiles::update_alliance,
            profiles::delete_alliance
        ))
        .routes(routes!(profiles::create_alliance_member))
        .routes(routes!(
            profiles::update_alliance_member,
            profiles::delete_alliance_member
        ))
        .routes(routes!(profiles::create_plan))
        .routes(routes!(profiles::update_plan, profiles::delete_plan))
        .routes(routes!(profiles::move_plan))
        // Uploads take a larger body than the server-wide limit, on these routes only.
        .routes(uploads(routes!(profiles::upload_file)))
        .routes(routes!(profiles::download_file, profiles::delete_file))
        .routes(routes!(profiles::create_work_plan))
        .routes(routes!(
            profiles::update_work_plan,
            profiles::delete_work_plan
        ))
        .routes(routes!(tasks::list_tasks, tasks::create_task))
        .routes(routes!(tasks::waiting_tasks))
        .routes(routes!(tasks::get_task, tasks::update_task))
        .routes(routes!(tasks::start_task))
        .routes(routes!(tasks::submit_task))
        .routes(routes!(tasks::accept_task))
        .routes(routes!(tasks::reject_task))
        .routes(routes!(tasks::cancel_task))
        .routes(routes!(tasks::add_note))
        .routes(uploads(routes!(tasks::upload_file)))
        .routes(routes!(tasks::download_file, tasks::delete_file))
        .routes(routes!(projects::list_projects, projects::create_project))
        .routes(routes!(transfer::export_projects))
        .routes(routes!(transfer::progress_template))
        .routes(routes!(transfer::import_report))
        .routes(routes!(projects::projects_as_at))
        .routes(routes!(projects::dispatch_figures))
        .routes(routes!(digest::digest))
        .routes(routes!(projects::get_project, projects::update_project))
        .routes(routes!(projects::move_stage))
        .routes(routes!(projects::leave_library))
        .routes(routes!(projects::enter_library))
        .routes(routes!(projects::set_batch))
        .routes(routes!(projects::report_progress))
        .routes(routes!(projects::set_factor))
        .routes(routes!(
            projects::get_warning_rules,
            projects::set_warning_rules
        ))
        .routes(routes!(problems::list_problems, problems::raise_problem))
        .routes(routes!(problems::department_stats))
        .routes(routes!(problems::get_problem, problems::edit_problem))
        .routes(routes!(problems::assign))
        .routes(routes!(problems::sign))
        .routes(routes!(problems::answer))
        .routes(routes!(problems::return_answer))
        .routes(routes!(problems::urge))
        .routes(routes!(problems::escalate))
        .routes(routes!(problems::instruct))
        .routes(routes!(problems::resolve))
        .routes(uploads(routes!(problems::upload_problem_file)))
        .routes(routes!(problems::download_problem_file))
        .routes(routes!(supervision::list_items, supervision::issue_item))
        .routes(routes!(supervision::ledger_xlsx))
        .routes(routes!(supervision::get_item, supervision::edit_item))
        .routes(routes!(supervision::reply))
        .routes(routes!(supervision::close))
        .routes(uploads(routes!(supervision::upload_file)))
        .routes(routes!(supervision::download_file))
        .routes(routes!(supervision::notice))
        .routes(routes!(meetings::list_meetings, meetings::create_meeting))
        .routes(routes!(meetings::proposal))
        .routes(routes!(meetings::get_rules, meetings::set_rules))
        .routes(routes!(meetings::get_meeting, meetings::update_meeting))
        .routes(routes!(meetings::hold))
        .routes(routes!(meetings::publish))
        .routes(routes!(meetings::cancel))
        .routes(routes!(meetings::save_minutes))
        .routes(routes!(meetings::add_agenda_item))
        .routes(routes!(meetings::record_outcome))
        .routes(routes!(meetings::add_attendee))
        .routes(routes!(meetings::add_decision))
        .routes(routes!(meetings::pack))
        .routes(routes!(meetings::document))
        .routes(routes!(policies::list_policies, policies::create_policy))
        .routes(routes!(policies::policy_totals))
        .routes(routes!(policies::policy_month))
        .routes(routes!(
            policies::get_policy,
            policies::update_policy,
            policies::delete_policy
        ))
        .routes(routes!(policies::add_beneficiary))
        .routes(routes!(policies::update_beneficiary))
        .routes(routes!(policies::add_payment))
        .routes(routes!(policies::list_funds, policies::create_fund))
        .routes(routes!(policies::fund_totals))
        .routes(routes!(
            policies::get_fund,
            policies::update_fund,
            policies::delete_fund
        ))
        .routes(routes!(policies::add_source))
        .routes(routes!(policies::add_investment))
        .routes(routes!(supervision::notice_docx))
        .routes(routes!(supervision::notice_pdf))
        .routes(routes!(documents::list_documents))
        .routes(routes!(documents::download_document))
        .routes(routes!(dispatch::list_periods, dispatch::open_period))
        .routes(routes!(dispatch::get_period))
        .routes(routes!(dispatch::extend))
        .routes(routes!(dispatch::lock))
        .routes(routes!(dispatch::reopen))
        .routes(routes!(dispatch::list_reports, dispatch::create_report))
        .routes(routes!(dispatch::get_report, dispatch::update_report))
        .routes(routes!(dispatch::submit))
        .routes(routes!(dispatch::resubmit))
        .routes(routes!(dispatch::return_report))
        .routes(routes!(dispatch::accept))
        .routes(routes!(dispatch::diff))
        .routes(routes!(dispatch::completeness))
        .routes(routes!(dispatch::not_filed))
        .routes(routes!(dispatch::get_settings, dispatch::set_settings))
        .routes(routes!(todo::todo))
        .routes(routes!(todo::list_notifications))
        .routes(routes!(todo::read_notifications))
        .routes(routes!(todo::read_all_notifications))
        .routes(routes!(
            todo::get_reminder_settings,
            todo::set_reminder_settings
        ))
        .split_for_parts();
    openapi::flatten_all_of(&mut doc);
    openapi::describe_itself(&mut doc);
    (router, doc)
}
