//! An industry's coordination structure: the profile as a whole, and each of its parts
//! (task-force members, experts, alliances and their members, special plans with status and
//! files, work plans and their measures). Changes send the `version` they read: PUT in the
//! body, DELETE as `?version=`.

use super::List;
use crate::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dongneng_domain::profile::{
    AllianceInput, AllianceMemberInput, ExpertInput, MAX_FILE_BYTES, MeasureInput, PlanStatusMove,
    SpecialPlanInput, StructureInput, TaskforceMemberInput, WorkPlanInput,
};
use dongneng_service::ServiceError;
use dongneng_store::{
    Alliance, AllianceMember, Expert, IndustryProfile, IndustryStructure, Measure, PlanFile,
    ProfileSummary, SpecialPlan, TaskforceMember, WorkPlan,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::json::{ApiJson, Versioned};

/// The largest upload request: one file at the limit plus the multipart framing.
pub(crate) const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 1024 * 1024;

/// The record ids of a path, in order (`/industries/{id}/alliances/{alliance_id}/…`).
/// Anything that is not a positive integer names no record: 404.
pub(crate) struct Ids<const N: usize>(pub [i64; N]);

impl<S: Send + Sync, const N: usize> FromRequestParts<S> for Ids<N> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = || AppError::Service(ServiceError::NotFound);
        let Path(raw): Path<Vec<(String, String)>> = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        if raw.len() != N {
            return Err(not_found());
        }
        let mut out = [0i64; N];
        for (slot, (_, v)) in out.iter_mut().zip(raw) {
            *slot = v
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(not_found)?;
        }
        Ok(Ids(out))
    }
}

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
        app.service.list_industry_profiles(&s.actor).await?,
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
    ids: Ids<1>,
) -> AppResult<Json<IndustryProfile>> {
    let Ids([id]) = ids;
    Ok(Json(app.service.get_industry_profile(&s.actor, id).await?))
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
    ids: Ids<1>,
    body: Versioned<StructureInput>,
) -> AppResult<Json<IndustryStructure>> {
    let Ids([id]) = ids;
    Ok(Json(
        app.service
            .save_industry_structure(&s.actor, id, body.version, body.data)
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
    ids: Ids<1>,
    ApiJson(input): ApiJson<TaskforceMemberInput>,
) -> AppResult<(StatusCode, Json<TaskforceMember>)> {
    let Ids([id]) = ids;
    let row = app
        .service
        .create_taskforce_member(&s.actor, id, input)
        .await?;
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
    body: Versioned<TaskforceMemberInput>,
) -> AppResult<Json<TaskforceMember>> {
    let Ids([id, member]) = ids;
    Ok(Json(
        app.service
            .update_taskforce_member(&s.actor, id, member, body.version, body.data)
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
    app.service
        .delete_taskforce_member(&s.actor, id, member, q.required()?)
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
    ids: Ids<1>,
    ApiJson(input): ApiJson<ExpertInput>,
) -> AppResult<(StatusCode, Json<Expert>)> {
    let Ids([id]) = ids;
    let row = app.service.create_expert(&s.actor, id, input).await?;
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
    body: Versioned<ExpertInput>,
) -> AppResult<Json<Expert>> {
    let Ids([id, expert]) = ids;
    Ok(Json(
        app.service
            .update_expert(&s.actor, id, expert, body.version, body.data)
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
    app.service
        .delete_expert(&s.actor, id, expert, q.required()?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- alliances

#[utoipa::path(post, path = "/api/v1/industries/{id}/alliances", tag = "industry profiles",
    request_body = AllianceInput, params(("id" = i64, Path)),
    responses((status = 201, body = Alliance), (status = 403), (status = 422)))]
pub async fn create_alliance(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<1>,
    ApiJson(input): ApiJson<AllianceInput>,
) -> AppResult<(StatusCode, Json<Alliance>)> {
    let Ids([id]) = ids;
    let row = app.service.create_alliance(&s.actor, id, input).await?;
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
    body: Versioned<AllianceInput>,
) -> AppResult<Json<Alliance>> {
    let Ids([id, alliance]) = ids;
    Ok(Json(
        app.service
            .update_alliance(&s.actor, id, alliance, body.version, body.data)
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
    app.service
        .delete_alliance(&s.actor, id, alliance, q.required()?)
        .await?;
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
    ApiJson(input): ApiJson<AllianceMemberInput>,
) -> AppResult<(StatusCode, Json<AllianceMember>)> {
    let Ids([id, alliance]) = ids;
    let row = app
        .service
        .create_alliance_member(&s.actor, id, alliance, input)
        .await?;
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
    body: Versioned<AllianceMemberInput>,
) -> AppResult<Json<AllianceMember>> {
    let Ids([id, alliance, member]) = ids;
    Ok(Json(
        app.service
            .update_alliance_member(&s.actor, id, alliance, member, body.version, body.data)
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
    app.service
        .delete_alliance_member(&s.actor, id, alliance, member, q.required()?)
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
    ids: Ids<1>,
    ApiJson(input): ApiJson<SpecialPlanInput>,
) -> AppResult<(StatusCode, Json<SpecialPlan>)> {
    let Ids([id]) = ids;
    let row = app.service.create_special_plan(&s.actor, id, input).await?;
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
    body: Versioned<SpecialPlanInput>,
) -> AppResult<Json<SpecialPlan>> {
    let Ids([id, plan]) = ids;
    Ok(Json(
        app.service
            .update_special_plan(&s.actor, id, plan, body.version, body.data)
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
    app.service
        .delete_special_plan(&s.actor, id, plan, q.required()?)
        .await?;
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
    body: Versioned<PlanStatusMove>,
) -> AppResult<Json<SpecialPlan>> {
    let Ids([id, plan]) = ids;
    Ok(Json(
        app.service
            .move_special_plan(&s.actor, id, plan, body.version, body.data)
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
    // Refuse early, before reading the body, when the caller may not write here.
    app.service.require_profile_edit(&s.actor, id)?;
    let up = read_upload(multipart).await?;
    let row = app
        .service
        .upload_plan_file(
            &s.actor,
            id,
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
    let (meta, bytes) = app
        .service
        .download_plan_file(&s.actor, id, plan, file)
        .await?;
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
    app.service
        .delete_plan_file(&s.actor, id, plan, file, q.required()?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- work plans

#[utoipa::path(post, path = "/api/v1/industries/{id}/work-plans", tag = "industry profiles",
    request_body = WorkPlanInput, params(("id" = i64, Path)),
    responses((status = 201, body = WorkPlan), (status = 403), (status = 422)))]
pub async fn create_work_plan(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<1>,
    ApiJson(input): ApiJson<WorkPlanInput>,
) -> AppResult<(StatusCode, Json<WorkPlan>)> {
    let Ids([id]) = ids;
    let row = app.service.create_work_plan(&s.actor, id, input).await?;
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
    body: Versioned<WorkPlanInput>,
) -> AppResult<Json<WorkPlan>> {
    let Ids([id, plan]) = ids;
    Ok(Json(
        app.service
            .update_work_plan(&s.actor, id, plan, body.version, body.data)
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
    app.service
        .delete_work_plan(&s.actor, id, plan, q.required()?)
        .await?;
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
    ApiJson(input): ApiJson<MeasureInput>,
) -> AppResult<(StatusCode, Json<Measure>)> {
    let Ids([id, plan]) = ids;
    let row = app
        .service
        .create_measure(&s.actor, id, plan, input)
        .await?;
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
    body: Versioned<MeasureInput>,
) -> AppResult<Json<Measure>> {
    let Ids([id, plan, measure]) = ids;
    Ok(Json(
        app.service
            .update_measure(&s.actor, id, plan, measure, body.version, body.data)
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
    app.service
        .delete_measure(&s.actor, id, plan, measure, q.required()?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
