//! Problems (问题协调): the list with its filters, raising, the problem with its timeline, the
//! steps of its life (assign, sign, answer, return, urge, escalate, instruct, resolve) — each
//! a POST carrying the `version` last read — attachments, and the per-department table.

use super::List;
use super::files::{FileUpload, file_response, read_upload};
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
use chrono::NaiveDate;
use dongneng_domain::paging::Page;
use dongneng_domain::problem::{
    AnswerInput, AssignInput, EscalateInput, InstructionInput, ProblemInput, ProblemKind,
    ProblemState, ResolveInput, ReturnInput, UrgeInput,
};
use dongneng_service::problems::{DepartmentStats, ProblemQuery, StatsSort};
use dongneng_store::{Problem, ProblemDetail, ProblemFile};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// List filters. A user only ever sees their scope: a department the problems assigned to
/// it (or raised by it), a task force its industry's, a district its area's.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct ProblemListQuery {
    pub state: Option<ProblemState>,
    /// The kind of problem (用地, 资金 …).
    pub kind: Option<ProblemKind>,
    /// Assigned to this department.
    pub department: Option<i64>,
    pub industry: Option<i64>,
    /// A district (with everything below it).
    pub district: Option<i64>,
    pub project: Option<i64>,
    /// Only those with an assignment open past its deadline, earliest deadline first.
    pub overdue: Option<bool>,
    /// Text in the number, title or description.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl ProblemListQuery {
    pub fn to_query(&self) -> ProblemQuery {
        ProblemQuery {
            state: self.state,
            kind: self.kind,
            department_id: self.department,
            industry_id: self.industry,
            region_id: self.district,
            project_id: self.project,
            overdue: self.overdue.unwrap_or(false),
            q: self.q.clone(),
        }
    }

    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }
}

#[utoipa::path(get, path = "/api/v1/problems", tag = "problems", params(ProblemListQuery),
    responses((status = 200, body = List<Problem>), (status = 401), (status = 403), (status = 422)))]
pub async fn list_problems(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<ProblemListQuery>,
) -> AppResult<Json<List<Problem>>> {
    let reader = app.service.problems(&s.actor)?;
    let page = q.page();
    let (items, total) = reader.list(&q.to_query(), page).await?;
    Ok(Json(List::paged(items, total, page)))
}

/// Raises a problem (from a project, a task, a meeting or on its own), numbered in its year.
#[utoipa::path(post, path = "/api/v1/problems", tag = "problems", request_body = ProblemInput,
    responses((status = 201, body = Problem), (status = 403), (status = 422)))]
pub async fn raise_problem(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<Problem>)> {
    let raiser = app.service.problem_raiser(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<ProblemInput>>().await?;
    Ok((StatusCode::CREATED, Json(raiser.raise(input).await?)))
}

/// The problem with its assignments (with their flags: not signed within a day, overdue),
/// files, timeline and leaders' instructions.
#[utoipa::path(get, path = "/api/v1/problems/{id}", tag = "problems", params(("id" = i64, Path)),
    responses((status = 200, body = ProblemDetail), (status = 403), (status = 404)))]
pub async fn get_problem(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<ProblemDetail>> {
    Ok(Json(app.service.problems(&s.actor)?.detail(id).await?))
}

/// Edits the problem (the office).
#[utoipa::path(put, path = "/api/v1/problems/{id}", tag = "problems",
    request_body = Versioned<ProblemInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Problem), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn edit_problem(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Problem>> {
    let manager = app.service.problem_manager(&s.actor, id).await?;
    let b = body.read::<Versioned<ProblemInput>>().await?;
    Ok(Json(manager.edit(b.version, b.data).await?))
}

/// Emits a handler for a step of a problem: the capability first, then the body (the
/// version read and the step's input), then the one call.
macro_rules! step_handlers {
    ($(
        $(#[$doc:meta])*
        $name:ident: $path:literal, $input:ty, $cap:ident, |$c:ident, $v:ident, $i:ident| $call:expr;
    )+) => {$(
        $(#[$doc])*
        #[utoipa::path(post, path = $path, tag = "problems", request_body = Versioned<$input>,
            params(("id" = i64, Path)),
            responses((status = 200, body = Problem), (status = 403), (status = 404),
                (status = 409), (status = 422)))]
        pub async fn $name(
            State(app): State<AppState>,
            s: Signed,
            Id(id): Id,
            body: Unread,
        ) -> AppResult<Json<Problem>> {
            let $c = app.service.$cap(&s.actor, id).await?;
            let b = body.read::<Versioned<$input>>().await?;
            let ($v, $i) = (b.version, b.data);
            Ok(Json($call.await?))
        }
    )+};
}

/// A step that takes nothing but the version read.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

step_handlers! {
    /// Assigns the problem to one or more departments, each with a deadline (the office).
    assign: "/api/v1/problems/{id}/assign", AssignInput, problem_manager,
        |c, v, i| c.assign(v, i);
    /// Signs for the problem (签收) for the caller's department (a department it is assigned to).
    sign: "/api/v1/problems/{id}/sign", NoInput, problem_answerer, |c, v, _i| c.sign(v);
    /// Answers for the caller's department (after signing; again after a return).
    answer: "/api/v1/problems/{id}/answer", AnswerInput, problem_answerer,
        |c, v, i| c.answer(v, i);
    /// Sends a department's answer back with the reason (the office).
    return_answer: "/api/v1/problems/{id}/return", ReturnInput, problem_manager,
        |c, v, i| c.return_answer(v, i);
    /// Urges (催办) a department on an assignment near or past its deadline (the office, the
    /// supervisor).
    urge: "/api/v1/problems/{id}/urge", UrgeInput, problem_urger, |c, v, i| c.urge(v, i);
    /// Escalates the problem to the leader in charge (the office).
    escalate: "/api/v1/problems/{id}/escalate", EscalateInput, problem_manager,
        |c, v, i| c.escalate(v, i);
    /// The leader's instruction (批示), with what the task it becomes needs (a leader of the
    /// problem's industry).
    instruct: "/api/v1/problems/{id}/instruct", InstructionInput, problem_instructor,
        |c, v, i| c.instruct(v, i);
    /// Marks the problem resolved (the office).
    resolve: "/api/v1/problems/{id}/resolve", ResolveInput, problem_manager,
        |c, v, i| c.resolve(v, i);
}

/// Attaches a file (multipart, one `file` part, at most 10 MiB; office documents, PDF, text,
/// pictures, archives): a department to its answer, the office or a raiser to the problem.
#[utoipa::path(post, path = "/api/v1/problems/{id}/files", tag = "problems",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    params(("id" = i64, Path)),
    responses((status = 201, body = ProblemFile), (status = 403), (status = 404), (status = 413),
        (status = 422)))]
pub async fn upload_problem_file(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, Json<ProblemFile>)> {
    let attacher = app.service.problem_attacher(&s.actor, id).await?;
    let up = read_upload(multipart).await?;
    let (name, ctype) = (up.name.as_deref(), up.content_type.as_deref());
    let file = attacher.upload(name, ctype, up.bytes).await?;
    Ok((StatusCode::CREATED, Json(file)))
}

/// Downloads a file of the problem, as an attachment.
#[utoipa::path(get, path = "/api/v1/problems/{id}/files/{file_id}", tag = "problems",
    params(("id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 200, description = "The file's bytes"), (status = 403), (status = 404)))]
pub async fn download_problem_file(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
) -> AppResult<Response> {
    let Ids([id, file]) = ids;
    let (meta, bytes) = app.service.problems(&s.actor)?.file(id, file).await?;
    Ok(file_response(&meta.file_name, &meta.content_type, bytes))
}

/// The period and order of the per-department table.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct StatsQuery {
    /// First day (default: the first of January this year).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
    pub sort: Option<StatsSort>,
    /// `desc` (default) or `asc`.
    pub order: Option<String>,
}

impl StatsQuery {
    pub fn descending(&self) -> AppResult<bool> {
        match self.order.as_deref() {
            None | Some("desc") => Ok(true),
            Some("asc") => Ok(false),
            Some(_) => Err(crate::error::AppError::invalid("order", "one_of")),
        }
    }
}

/// The per-department table of a period.
#[derive(Serialize, ToSchema)]
pub struct DepartmentStatsList {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<DepartmentStats>,
    pub total: i64,
}

/// Per department, for the assignments made in the period: received, signed for on time,
/// answered on time, answered late, urged, open, average days to answer and to resolve.
#[utoipa::path(get, path = "/api/v1/problems/department-stats", tag = "problems",
    params(StatsQuery),
    responses((status = 200, body = DepartmentStatsList), (status = 403), (status = 422)))]
pub async fn department_stats(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<StatsQuery>,
) -> AppResult<Json<DepartmentStatsList>> {
    let reader = app.service.problems(&s.actor)?;
    let sort = q.sort.unwrap_or_default();
    let (from, to, items) = reader
        .department_stats(q.from, q.to, sort, q.descending()?)
        .await?;
    Ok(Json(DepartmentStatsList {
        from,
        to,
        total: items.len() as i64,
        items,
    }))
}
