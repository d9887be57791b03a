//! An industry's coordination structure: the profile as a whole, and each of its parts
//! (task-force members, experts, alliances and their members, special plans with status and
//! files, work plans and their measures). Changes send the `version` they read: PUT in the
//! body, DELETE as `?version=`.

use super::List;
use crate::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::extract::{Id, Ids, Query, Unread};
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dongneng_domain::profile::{
    AllianceInput, AllianceMemberInput, ExpertInput, MAX_FILE_BYTES, MeasureInput, PlanStatusMove,
    SpecialPlanInput, StructureInput, TaskforceMemberInput, WorkPlanInput,
};
use dongneng_store::{
    Alliance, AllianceMember, Expert, IndustryProfile, IndustryStructure, Measure, PlanFile,
    ProfileSummary, SpecialPlan, TaskforceMember, WorkPlan,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::json::{ApiJson, Versioned};

/// The largest upload request: one file at the limit plus the multipart framing.
pub(crate) const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 1024 * 1024;

/// `?version=` of a DELETE.
#[derive(Deserialize, IntoParams)]
pub struct VersionQuery {
    /// The version last read; a stale one gets 409, a missing one 422.
    // Read as optional so that a missing one is refused naming the field; required all the same.
    #[param(required = true, value_type = i64)]
    pub version: Option<i64>,
}

impl VersionQuery {
    fn required(&self) -> AppResult<i64> {
        self.version
            .ok_or_else(|| AppError::invalid("version", "missing_field"))
    }
}

/// A document upload: one `file` part.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    /// The document (at most 10 MiB).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A file as received.
pub(crate) struct Upload {
    pub name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// Reads the `file` part of a multipart body, refusing more than [`MAX_FILE_BYTES`] with
/// 413 however the body is framed. Other parts are ignored.
pub(crate) async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Upload> {
    let unreadable = || AppError::invalid("file", "file_unreadable");
    let too_large =
        |e: &axum::extract::multipart::MultipartError| e.status() == StatusCode::PAYLOAD_TOO_LARGE;
    let mut mp = multipart.map_err(|_| unreadable())?;
    let mut found: Option<Upload> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if too_large(&e) => return Err(AppError::PayloadTooLarge),
            Err(_) => return Err(unreadable()),
        };
        if field.name() != Some("file") || found.is_some() {
            continue;
        }
        let name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(AppError::PayloadTooLarge);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if too_large(&e) => return Err(AppError::PayloadTooLarge),
                Err(_) => return Err(unreadable()),
            }
        }
        found = Some(Upload {
            name,
            content_type,
            bytes,
        });
    }
    found.ok_or_else(|| AppError::invalid("file", "required"))
}

/// Percent-encodes for an RFC 5987 `filename*` parameter.
fn rfc5987(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A stored file as a download: always an attachment, with its name in UTF-8, and a type
/// that no browser renders as a page.
pub(crate) fn file_response(file: &PlanFile, bytes: Vec<u8>) -> Response {
    const PASSED_THROUGH: &[&str] = &[
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/zip",
        "image/png",
        "image/jpeg",
        "text/plain",
        "text/csv",
    ];
    let ctype = if PASSED_THROUGH.contains(&file.content_type.as_str()) {
        file.content_type.as_str()
    } else {
        "application/octet-stream"
    };
    let ascii: String = file
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        rfc5987(&file.file_name)
    );
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(ctype) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    resp
}

// ---------------------------------------------------------------- the profile

/// The industries the caller may read, with how much of each structure is in place.
#[utoipa::path(get, path = "/api/v1/industry-profiles", tag = "industry profiles",
    responses((status = 200, body = List<ProfileSummary>), (status = 401), (status = 403)))]
pub async fn list_profiles(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<List<ProfileSummary>>> {
    Ok(Json(List::all(
        app.service.profiles(&s.actor)?.list().await?,
    )))
}

/// One industry's whole coordination structure: leader and departments, task force, think
/// tank (current and history), alliances with members, special plans with files, work plans
/// with measures (`overdue` derived against `today`).
#[utoipa::path(get, path = "/api/v1/industries/{id}/profile", tag = "industry profiles",
    params(("id" = i64, Path)),
    responses((status = 200, body = IndustryProfile), (status = 403), (status = 404)))]
pub async fn get_profile(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<IndustryProfile>> {
    Ok(Json(
        app.service.profile_reader(&s.actor, id)?.profile().await?,
    ))
}

/// Saves the lead leader, lead and responsible departments and the provincial counterpart.
/// `version` is 0 for the first save.
#[utoipa::path(put, path = "/api/v1/industries/{id}/profile", tag = "industry profiles",
    request_body = Versioned<StructureInput>, params(("id" = i64, Path)),
    responses((status = 200, body = IndustryStructure), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn save_structure(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<IndustryStructure>> {
    let editor = app.service.profile_editor(&s.actor, id)?;
    let body = body.read::<Versioned<StructureInput>>().await?;
    Ok(Json(
        editor
            .save_industry_structure(body.version, body.data)
            .await?,
    ))
}

// ---------------------------------------------------------------- task-force members

#[utoipa::path(post, path = "/api/v1/industries/{id}/taskforce-members",
    tag = "industry profiles", request_body = TaskforceMemberInput, params(("id" = i64, Path)),
    responses((status = 201, body = TaskforceMember), (status = 403), (status = 422)))]
pub async fn create_member(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<TaskforceMember>)> {
    let editor = app.service.profile_editor(&s.actor, id)?;
    let ApiJson(input) = body.read::<ApiJson<TaskforceMemberInput>>().await?;
    let row = editor.create_taskforce_member(input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put, path = "/api/v1/industries/{id}/taskforce-members/{member_id}",
    tag = "industry profiles", request_body = Versioned<TaskforceMemberInput>,
    params(("id" = i64, Path), ("member_id" = i64, Path)),
    responses((status = 200, body = TaskforceMember), (status = 404), (status = 409),
        (status = 422)))]
pub async fn update_member(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<Json<TaskforceMember>> {
    let Ids([id, member]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let body = body.read::<Versioned<TaskforceMemberInput>>().await?;
    Ok(Json(
        editor
            .update_taskforce_member(member, body.version, body.data)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/industries/{id}/taskforce-members/{member_id}",
    tag = "industry profiles",
    params(("id" = i64, Path), ("member_id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_member(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let Ids([id, member]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    editor
        .delete_taskforce_member(member, q.required()?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- think tank

#[utoipa::path(post, path = "/api/v1/industries/{id}/experts", tag = "industry profiles",
    request_body = ExpertInput, params(("id" = i64, Path)),
    responses((status = 201, body = Expert), (status = 403), (status = 422)))]
pub async fn create_expert(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<Expert>)> {
    let editor = app.service.profile_editor(&s.actor, id)?;
    let ApiJson(input) = body.read::<ApiJson<ExpertInput>>().await?;
    let row = editor.create_expert(input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Changes an expert; a `left_on` date moves them from the current list to the history.
#[utoipa::path(put, path = "/api/v1/industries/{id}/experts/{expert_id}",
    tag = "industry profiles", request_body = Versioned<ExpertInput>,
    params(("id" = i64, Path), ("expert_id" = i64, Path)),
    responses((status = 200, body = Expert), (status = 404), (status = 409), (status = 422)))]
pub async fn update_expert(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<Json<Expert>> {
    let Ids([id, expert]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let body = body.read::<Versioned<ExpertInput>>().await?;
    Ok(Json(
        editor
            .update_expert(expert, body.version, body.data)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/industries/{id}/experts/{expert_id}",
    tag = "industry profiles",
    params(("id" = i64, Path), ("expert_id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_expert(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let Ids([id, expert]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    editor.delete_expert(expert, q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- alliances

#[utoipa::path(post, path = "/api/v1/industries/{id}/alliances", tag = "industry profiles",
    request_body = AllianceInput, params(("id" = i64, Path)),
    responses((status = 201, body = Alliance), (status = 403), (status = 422)))]
pub async fn create_alliance(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<Alliance>)> {
    let editor = app.service.profile_editor(&s.actor, id)?;
    let ApiJson(input) = body.read::<ApiJson<AllianceInput>>().await?;
    let row = editor.create_alliance(input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put, path = "/api/v1/industries/{id}/alliances/{alliance_id}",
    tag = "industry profiles", request_body = Versioned<AllianceInput>,
    params(("id" = i64, Path), ("alliance_id" = i64, Path)),
    responses((status = 200, body = Alliance), (status = 404), (status = 409), (status = 422)))]
pub async fn update_alliance(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<Json<Alliance>> {
    let Ids([id, alliance]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let body = body.read::<Versioned<AllianceInput>>().await?;
    Ok(Json(
        editor
            .update_alliance(alliance, body.version, body.data)
            .await?,
    ))
}

/// Deletes an alliance and its member list.
#[utoipa::path(delete, path = "/api/v1/industries/{id}/alliances/{alliance_id}",
    tag = "industry profiles",
    params(("id" = i64, Path), ("alliance_id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_alliance(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let Ids([id, alliance]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    editor.delete_alliance(alliance, q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/industries/{id}/alliances/{alliance_id}/members",
    tag = "industry profiles", request_body = AllianceMemberInput,
    params(("id" = i64, Path), ("alliance_id" = i64, Path)),
    responses((status = 201, body = AllianceMember), (status = 403), (status = 404),
        (status = 422)))]
pub async fn create_alliance_member(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<(StatusCode, Json<AllianceMember>)> {
    let Ids([id, alliance]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let ApiJson(input) = body.read::<ApiJson<AllianceMemberInput>>().await?;
    let row = editor.create_alliance_member(alliance, input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put,
    path = "/api/v1/industries/{id}/alliances/{alliance_id}/members/{member_id}",
    tag = "industry profiles", request_body = Versioned<AllianceMemberInput>,
    params(("id" = i64, Path), ("alliance_id" = i64, Path), ("member_id" = i64, Path)),
    responses((status = 200, body = AllianceMember), (status = 404), (status = 409),
        (status = 422)))]
pub async fn update_alliance_member(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<3>,
    body: Unread,
) -> AppResult<Json<AllianceMember>> {
    let Ids([id, alliance, member]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let body = body.read::<Versioned<AllianceMemberInput>>().await?;
    Ok(Json(
        editor
            .update_alliance_member(alliance, member, body.version, body.data)
            .await?,
    ))
}

#[utoipa::path(delete,
    path = "/api/v1/industries/{id}/alliances/{alliance_id}/members/{member_id}",
    tag = "industry profiles",
    params(("id" = i64, Path), ("alliance_id" = i64, Path), ("member_id" = i64, Path),
        VersionQuery),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_alliance_member(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<3>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let Ids([id, alliance, member]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    editor
        .delete_alliance_member(alliance, member, q.required()?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- special plans

/// A new special plan starts as drafting on `drafted_on`.
#[utoipa::path(post, path = "/api/v1/industries/{id}/special-plans", tag = "industry profiles",
    request_body = SpecialPlanInput, params(("id" = i64, Path)),
    responses((status = 201, body = SpecialPlan), (status = 403), (status = 422)))]
pub async fn create_plan(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<SpecialPlan>)> {
    let editor = app.service.profile_editor(&s.actor, id)?;
    let ApiJson(input) = body.read::<ApiJson<SpecialPlanInput>>().await?;
    let row = editor.create_special_plan(input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put, path = "/api/v1/industries/{id}/special-plans/{plan_id}",
    tag = "industry profiles", request_body = Versioned<SpecialPlanInput>,
    params(("id" = i64, Path), ("plan_id" = i64, Path)),
    responses((status = 200, body = SpecialPlan), (status = 404), (status = 409),
        (status = 422)))]
pub async fn update_plan(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<Json<SpecialPlan>> {
    let Ids([id, plan]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let body = body.read::<Versioned<SpecialPlanInput>>().await?;
    Ok(Json(
        editor
            .update_special_plan(plan, body.version, body.data)
            .await?,
    ))
}

/// Deletes a special plan with its departments and files.
#[utoipa::path(delete, path = "/api/v1/industries/{id}/special-plans/{plan_id}",
    tag = "industry profiles",
    params(("id" = i64, Path), ("plan_id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_plan(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let Ids([id, plan]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    editor.delete_special_plan(plan, q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves a plan one status forward (drafting → under_review → approved → published) on a
/// date no earlier than the last move and not in the future.
#[utoipa::path(post, path = "/api/v1/industries/{id}/special-plans/{plan_id}/status",
    tag = "industry profiles", request_body = Versioned<PlanStatusMove>,
    params(("id" = i64, Path), ("plan_id" = i64, Path)),
    responses((status = 200, body = SpecialPlan), (status = 404), (status = 409),
        (status = 422)))]
pub async fn move_plan(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<Json<SpecialPlan>> {
    let Ids([id, plan]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let body = body.read::<Versioned<PlanStatusMove>>().await?;
    Ok(Json(
        editor
            .move_special_plan(plan, body.version, body.data)
            .await?,
    ))
}

/// Attaches a document (multipart, one `file` part, at most 10 MiB).
#[utoipa::path(post, path = "/api/v1/industries/{id}/special-plans/{plan_id}/files",
    tag = "industry profiles",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    params(("id" = i64, Path), ("plan_id" = i64, Path)),
    responses((status = 201, body = PlanFile), (status = 403), (status = 404), (status = 413),
        (status = 422)))]
pub async fn upload_file(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, Json<PlanFile>)> {
    let Ids([id, plan]) = ids;
    // Refused before the body is read when the caller may not write here.
    let editor = app.service.profile_editor(&s.actor, id)?;
    let up = read_upload(multipart).await?;
    let row = editor
        .upload_plan_file(
            plan,
            up.name.as_deref(),
            up.content_type.as_deref(),
            up.bytes,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Downloads a document, as an attachment.
#[utoipa::path(get, path = "/api/v1/industries/{id}/special-plans/{plan_id}/files/{file_id}",
    tag = "industry profiles",
    params(("id" = i64, Path), ("plan_id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 200, description = "The file's bytes"), (status = 403),
        (status = 404)))]
pub async fn download_file(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<3>,
) -> AppResult<Response> {
    let Ids([id, plan, file]) = ids;
    let reader = app.service.profile_reader(&s.actor, id)?;
    let (meta, bytes) = reader.download_plan_file(plan, file).await?;
    Ok(file_response(&meta, bytes))
}

#[utoipa::path(delete,
    path = "/api/v1/industries/{id}/special-plans/{plan_id}/files/{file_id}",
    tag = "industry profiles",
    params(("id" = i64, Path), ("plan_id" = i64, Path), ("file_id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_file(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<3>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let Ids([id, plan, file]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    editor.delete_plan_file(plan, file, q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- work plans

#[utoipa::path(post, path = "/api/v1/industries/{id}/work-plans", tag = "industry profiles",
    request_body = WorkPlanInput, params(("id" = i64, Path)),
    responses((status = 201, body = WorkPlan), (status = 403), (status = 422)))]
pub async fn create_work_plan(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<WorkPlan>)> {
    let editor = app.service.profile_editor(&s.actor, id)?;
    let ApiJson(input) = body.read::<ApiJson<WorkPlanInput>>().await?;
    let row = editor.create_work_plan(input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put, path = "/api/v1/industries/{id}/work-plans/{plan_id}",
    tag = "industry profiles", request_body = Versioned<WorkPlanInput>,
    params(("id" = i64, Path), ("plan_id" = i64, Path)),
    responses((status = 200, body = WorkPlan), (status = 404), (status = 409), (status = 422)))]
pub async fn update_work_plan(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<Json<WorkPlan>> {
    let Ids([id, plan]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let body = body.read::<Versioned<WorkPlanInput>>().await?;
    Ok(Json(
        editor
            .update_work_plan(plan, body.version, body.data)
            .await?,
    ))
}

/// Deletes a work plan and its measures.
#[utoipa::path(delete, path = "/api/v1/industries/{id}/work-plans/{plan_id}",
    tag = "industry profiles",
    params(("id" = i64, Path), ("plan_id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_work_plan(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let Ids([id, plan]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    editor.delete_work_plan(plan, q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/industries/{id}/work-plans/{plan_id}/measures",
    tag = "industry profiles", request_body = MeasureInput,
    params(("id" = i64, Path), ("plan_id" = i64, Path)),
    responses((status = 201, body = Measure), (status = 403), (status = 404), (status = 422)))]
pub async fn create_measure(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<(StatusCode, Json<Measure>)> {
    let Ids([id, plan]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let ApiJson(input) = body.read::<ApiJson<MeasureInput>>().await?;
    let row = editor.create_measure(plan, input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put,
    path = "/api/v1/industries/{id}/work-plans/{plan_id}/measures/{measure_id}",
    tag = "industry profiles", request_body = Versioned<MeasureInput>,
    params(("id" = i64, Path), ("plan_id" = i64, Path), ("measure_id" = i64, Path)),
    responses((status = 200, body = Measure), (status = 404), (status = 409), (status = 422)))]
pub async fn update_measure(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<3>,
    body: Unread,
) -> AppResult<Json<Measure>> {
    let Ids([id, plan, measure]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    let body = body.read::<Versioned<MeasureInput>>().await?;
    Ok(Json(
        editor
            .update_measure(plan, measure, body.version, body.data)
            .await?,
    ))
}

#[utoipa::path(delete,
    path = "/api/v1/industries/{id}/work-plans/{plan_id}/measures/{measure_id}",
    tag = "industry profiles",
    params(("id" = i64, Path), ("plan_id" = i64, Path), ("measure_id" = i64, Path),
        VersionQuery),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_measure(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<3>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let Ids([id, plan, measure]) = ids;
    let editor = app.service.profile_editor(&s.actor, id)?;
    editor.delete_measure(plan, measure, q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}
