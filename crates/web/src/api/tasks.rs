//! Key tasks (重点任务): the list with filters and counts, what waits on the caller, one task
//! with its notes, evidence, timeline and history; issuing and changing a task; its status
//! moves (start, submit, accept, reject, cancel: each a POST with the `version` read); notes
//! and evidence.

use super::files::{FileUpload, VersionQuery, file_response, read_upload};
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
use dongneng_domain::task::{NoteInput, TaskInput, TaskSource, TaskStatus};
use dongneng_service::tasks::{TaskDetail, TaskQuery, WaitingTasks};
use dongneng_store::{TaskCounts, TaskEntry, TaskFile, TaskNote};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// List filters. A caller only ever sees the tasks their scope reaches (a department, the
/// tasks assigned to it).
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct TaskListQuery {
    pub status: Option<TaskStatus>,
    /// `true`: only the overdue ones (deadline passed on China's calendar, still owed).
    pub overdue: Option<bool>,
    pub source: Option<TaskSource>,
    pub industry: Option<i64>,
    /// A region (a district) with everything below it.
    pub region: Option<i64>,
    /// Led or co-operated by this department.
    pub department: Option<i64>,
    /// Deadlines from this day on.
    pub deadline_from: Option<NaiveDate>,
    /// Deadlines up to this day.
    pub deadline_to: Option<NaiveDate>,
    /// A substring of the title or the content.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl TaskListQuery {
    pub fn to_query(&self) -> TaskQuery {
        TaskQuery {
            status: self.status,
            overdue: self.overdue.unwrap_or(false),
            source: self.source,
            industry_id: self.industry,
            region_id: self.region,
            department_id: self.department,
            deadline_from: self.deadline_from,
            deadline_to: self.deadline_to,
            q: self.q.clone(),
        }
    }

    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }
}

#[derive(Serialize, ToSchema)]
pub struct TaskList {
    pub items: Vec<TaskEntry>,
    /// Tasks matching the filters (all pages).
    pub total: i64,
    /// What the filters select besides their status and overdue flag, by status and overdue.
    pub counts: TaskCounts,
    pub page: u32,
    pub per_page: u32,
}

/// A status move's body: only the `version` read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {}

/// Sending a close back: why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    pub reject_reason: String,
}

/// Calling a task off: why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    pub cancel_reason: String,
}

/// The tasks the caller's scope reaches, open ones by deadline first (so the overdue ones
/// lead), with counts by status and overdue.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(TaskListQuery),
    responses((status = 200, body = TaskList), (status = 401), (status = 403), (status = 422)))]
pub async fn list_tasks(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<TaskListQuery>,
) -> AppResult<Json<TaskList>> {
    let reader = app.service.tasks(&s.actor)?;
    let page = q.page();
    let (items, counts) = reader.list(&q.to_query(), page).await?;
    Ok(Json(TaskList {
        items,
        total: counts.matching,
        counts,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// What waits on the caller: the open tasks of their department (overdue first) and the
/// closes they must check — the first 50 of each, with how many there are.
#[utoipa::path(get, path = "/api/v1/tasks/waiting", tag = "tasks",
    responses((status = 200, body = WaitingTasks), (status = 401), (status = 403)))]
pub async fn waiting_tasks(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<WaitingTasks>> {
    Ok(Json(app.service.tasks(&s.actor)?.waiting(50).await?))
}

/// Issues a task, today: `office` or `reform` (the office), or `work_plan_measure` with its
/// `work_plan_id` (the office, or the industry's task force). The deadline may not be
/// before today; departments must exist and be in use.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks", request_body = TaskInput,
    responses((status = 201, body = TaskEntry), (status = 403), (status = 422)))]
pub async fn create_task(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<TaskEntry>)> {
    let issuer = app.service.task_issuer(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<TaskInput>>().await?;
    Ok((StatusCode::CREATED, Json(issuer.create(input).await?)))
}

/// The task with its notes, evidence, timeline, history (also from when it was a work
/// plan's measure) and what the caller may do with it.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = TaskDetail), (status = 403), (status = 404)))]
pub async fn get_task(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<TaskDetail>> {
    Ok(Json(app.service.tasks(&s.actor)?.detail(id).await?))
}

/// Changes the task; its source and work plan stay. A closed or cancelled task does not
/// change.
#[utoipa::path(put, path = "/api/v1/tasks/{id}", tag = "tasks",
    request_body = Versioned<TaskInput>, params(("id" = i64, Path)),
    responses((status = 200, body = TaskEntry), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn update_task(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<TaskEntry>> {
    let editor = app.service.task_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<TaskInput>>().await?;
    Ok(Json(editor.update(body.version, body.data).await?))
}

/// Work begins: not started → in progress.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/start", tag = "tasks",
    request_body = Versioned<Step>, params(("id" = i64, Path)),
    responses((status = 200, body = TaskEntry), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn start_task(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<TaskEntry>> {
    let reporter = app.service.task_reporter(&s.actor, id).await?;
    let body = body.read::<Versioned<Step>>().await?;
    Ok(Json(reporter.start(body.version).await?))
}

/// Reports the task done, for whoever issued it to check: needs at least one piece of
/// evidence.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/submit", tag = "tasks",
    request_body = Versioned<Step>, params(("id" = i64, Path)),
    responses((status = 200, body = TaskEntry), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn submit_task(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<TaskEntry>> {
    let reporter = app.service.task_reporter(&s.actor, id).await?;
    let body = body.read::<Versioned<Step>>().await?;
    Ok(Json(reporter.submit(body.version).await?))
}

/// Accepts the close (the office for its tasks, the supervisor for supervision tasks).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/accept", tag = "tasks",
    request_body = Versioned<Step>, params(("id" = i64, Path)),
    responses((status = 200, body = TaskEntry), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn accept_task(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<TaskEntry>> {
    let checker = app.service.task_checker(&s.actor, id).await?;
    let body = body.read::<Versioned<Step>>().await?;
    Ok(Json(checker.accept(body.version).await?))
}

/// Sends the close back, with the reason: in progress again.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/reject", tag = "tasks",
    request_body = Versioned<Rejection>, params(("id" = i64, Path)),
    responses((status = 200, body = TaskEntry), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn reject_task(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<TaskEntry>> {
    let checker = app.service.task_checker(&s.actor, id).await?;
    let body = body.read::<Versioned<Rejection>>().await?;
    Ok(Json(
        checker
            .reject(body.version, &body.data.reject_reason)
            .await?,
    ))
}

/// Calls the task off, with the reason.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/cancel", tag = "tasks",
    request_body = Versioned<Cancellation>, params(("id" = i64, Path)),
    responses((status = 200, body = TaskEntry), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn cancel_task(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<TaskEntry>> {
    let editor = app.service.task_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<Cancellation>>().await?;
    Ok(Json(
        editor
            .cancel(body.version, &body.data.cancel_reason)
            .await?,
    ))
}

/// Adds a dated progress note (today unless `noted_on` says another past day).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/notes", tag = "tasks", request_body = NoteInput,
    params(("id" = i64, Path)),
    responses((status = 201, body = TaskNote), (status = 403), (status = 404), (status = 422)))]
pub async fn add_note(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<TaskNote>)> {
    let reporter = app.service.task_reporter(&s.actor, id).await?;
    let ApiJson(note) = body.read::<ApiJson<NoteInput>>().await?;
    Ok((StatusCode::CREATED, Json(reporter.add_note(note).await?)))
}

/// Adds a piece of evidence (multipart, one `file` part, at most 10 MiB, an office
/// document, text, image or zip) while the task is under way.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/files", tag = "tasks",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    params(("id" = i64, Path)),
    responses((status = 201, body = TaskFile), (status = 403), (status = 404), (status = 409),
        (status = 413), (status = 422)))]
pub async fn upload_file(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, Json<TaskFile>)> {
    // Refused before the body is read when the caller may not report on the task.
    let reporter = app.service.task_reporter(&s.actor, id).await?;
    let up = read_upload(multipart).await?;
    let file = reporter
        .upload_file(up.name.as_deref(), up.content_type.as_deref(), up.bytes)
        .await?;
    Ok((StatusCode::CREATED, Json(file)))
}

/// Downloads a piece of evidence, as an attachment.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/files/{file_id}", tag = "tasks",
    params(("id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 200, description = "The file's bytes"), (status = 403), (status = 404)))]
pub async fn download_file(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
) -> AppResult<Response> {
    let Ids([id, file]) = ids;
    let (meta, bytes) = app.service.tasks(&s.actor)?.download_file(id, file).await?;
    Ok(file_response(&meta.file_name, &meta.content_type, bytes))
}

/// Removes a piece of evidence while the task is under way.
#[utoipa::path(delete, path = "/api/v1/tasks/{id}/files/{file_id}", tag = "tasks",
    params(("id" = i64, Path), ("file_id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn delete_file(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let Ids([id, file]) = ids;
    let reporter = app.service.task_reporter(&s.actor, id).await?;
    reporter.delete_file(file, q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}
