//! An industry's coordination structure: the profile as a whole, and each of its parts
//! (task-force members, experts, alliances and their members, special plans with status and
//! files, work plans — whose measures are key tasks: `tasks.rs`). Changes send the `version` they read: PUT in the
//! body, DELETE as `?version=`.

use super::List;
use super::files::{FileUpload, VersionQuery, file_response, read_upload};
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Id, Ids, Query, Unread};
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use dongneng_domain::profile::{
    AllianceInput, AllianceMemberInput, ExpertInput, PlanStatusMove, SpecialPlanInput,
    StructureInput, TaskforceMemberInput, WorkPlanInput,
};
use dongneng_service::ServiceError;
use dongneng_service::profiles::{ProfileEditor, ProfilePart, Under};
use dongneng_store::{
    Alliance, AllianceMember, Expert, IndustryProfile, IndustryStructure, PlanFile, ProfileSummary,
    SpecialPlan, TaskforceMember, WorkPlan,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::json::{ApiJson, Versioned};

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
/// with their tasks (`overdue` derived against `today`).
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

// ---------------------------------------------------------------- the parts

/// The create, update and delete handlers of one kind of part, each with its OpenAPI
/// description. A kind names its input and record types and the ids its paths name below the
/// industry's (its parent's first, for a part under an alliance or a work plan); then each
/// handler's method, path and name (the operation id), after its doc comment if it has one.
/// [`create`], [`update`] and [`delete`] do the work.
macro_rules! part_handlers {
    // A part of the industry itself.
    ($input:ident => $record:ident, ids($own:literal), $($handlers:tt)*) => {
        part_handlers!(@emit $input => $record,
            [("id" = i64, Path)] Ids<1>, [],
            [("id" = i64, Path), ($own = i64, Path)] Ids<2>,
            $($handlers)*);
    };
    // A part under an alliance: creating one answers 404 when the parent is not
    // there.
    ($input:ident => $record:ident, ids($parent:literal, $own:literal), $($handlers:tt)*) => {
        part_handlers!(@emit $input => $record,
            [("id" = i64, Path), ($parent = i64, Path)] Ids<2>, [(status = 404),],
            [("id" = i64, Path), ($parent = i64, Path), ($own = i64, Path)] Ids<3>,
            $($handlers)*);
    };
    (@emit $input:ident => $record:ident,
        [$($new_params:tt)*] $new_ids:ty, [$($new_404:tt)*],
        [$($params:tt)*] $ids:ty,
        $(#[doc = $create_doc:literal])* post $collection:literal $create:ident,
        $(#[doc = $update_doc:literal])* put $update_path:literal $update:ident,
        $(#[doc = $delete_doc:literal])* delete $delete_path:literal $delete:ident $(,)?
    ) => {
        $(#[doc = $create_doc])*
        #[utoipa::path(post, path = $collection, tag = "industry profiles",
            request_body = $input, params($($new_params)*),
            responses((status = 201, body = $record), (status = 403), $($new_404)*
                (status = 422)))]
        pub async fn $create(
            State(app): State<AppState>,
            s: Signed,
            Ids(ids): $new_ids,
            body: Unread,
        ) -> AppResult<(StatusCode, Json<$record>)> {
            create::<$input>(app, s, &ids, body).await
        }

        $(#[doc = $update_doc])*
        #[utoipa::path(put, path = $update_path, tag = "industry profiles",
            request_body = Versioned<$input>, params($($params)*),
            responses((status = 200, body = $record), (status = 404), (status = 409),
                (status = 422)))]
        pub async fn $update(
            State(app): State<AppState>,
            s: Signed,
            Ids(ids): $ids,
            body: Unread,
        ) -> AppResult<Json<$record>> {
            update::<$input>(app, s, &ids, body).await
        }

        $(#[doc = $delete_doc])*
        #[utoipa::path(delete, path = $delete_path, tag = "industry profiles",
            params($($params)*, VersionQuery),
            responses((status = 204), (status = 404), (status = 409)))]
        pub async fn $delete(
            State(app): State<AppState>,
            s: Signed,
            Ids(ids): $ids,
            Query(q): Query<VersionQuery>,
        ) -> AppResult<StatusCode> {
            delete::<$input>(app, s, &ids, q).await
        }
    };
}

part_handlers! {
    TaskforceMemberInput => TaskforceMember, ids("member_id"),
    post "/api/v1/industries/{id}/taskforce-members" create_member,
    put "/api/v1/industries/{id}/taskforce-members/{member_id}" update_member,
    delete "/api/v1/industries/{id}/taskforce-members/{member_id}" delete_member,
}

part_handlers! {
    ExpertInput => Expert, ids("expert_id"),
    post "/api/v1/industries/{id}/experts" create_expert,
    /// Changes an expert; a `left_on` date moves them from the current list to the history.
    put "/api/v1/industries/{id}/experts/{expert_id}" update_expert,
    delete "/api/v1/industries/{id}/experts/{expert_id}" delete_expert,
}

part_handlers! {
    AllianceInput => Alliance, ids("alliance_id"),
    post "/api/v1/industries/{id}/alliances" create_alliance,
    put "/api/v1/industries/{id}/alliances/{alliance_id}" update_alliance,
    /// Deletes an alliance and its member list.
    delete "/api/v1/industries/{id}/alliances/{alliance_id}" delete_alliance,
}

part_handlers! {
    AllianceMemberInput => AllianceMember, ids("alliance_id", "member_id"),
    post "/api/v1/industries/{id}/alliances/{alliance_id}/members" create_alliance_member,
    put "/api/v1/industries/{id}/alliances/{alliance_id}/members/{member_id}"
        update_alliance_member,
    delete "/api/v1/industries/{id}/alliances/{alliance_id}/members/{member_id}"
        delete_alliance_member,
}

part_handlers! {
    SpecialPlanInput => SpecialPlan, ids("plan_id"),
    /// A new special plan starts as drafting on `drafted_on`.
    post "/api/v1/industries/{id}/special-plans" create_plan,
    put "/api/v1/industries/{id}/special-plans/{plan_id}" update_plan,
    /// Deletes a special plan with its departments and files.
    delete "/api/v1/industries/{id}/special-plans/{plan_id}" delete_plan,
}

part_handlers! {
    WorkPlanInput => WorkPlan, ids("plan_id"),
    post "/api/v1/industries/{id}/work-plans" create_work_plan,
    put "/api/v1/industries/{id}/work-plans/{plan_id}" update_work_plan,
    /// Deletes a work plan; refused while it has tasks (`in_use`).
    delete "/api/v1/industries/{id}/work-plans/{plan_id}" delete_work_plan,
}

/// The editor of the industry a path names (refused before the body is read), and what the
/// part sits under: `above` is `[industry]`, or `[industry, parent]` for a nested part.
fn editor_of<K: ProfilePart>(
    app: &AppState,
    s: &Signed,
    above: &[i64],
) -> AppResult<(ProfileEditor, K::Under)> {
    let [industry, parent @ ..] = above else {
        return Err(ServiceError::NotFound.into());
    };
    let editor = app.service.profile_editor(&s.actor, *industry)?;
    Ok((editor, K::Under::named(parent.first().copied())?))
}

/// The part's own id, last in a path's ids, and the ids above it.
fn own_id(ids: &[i64]) -> AppResult<(i64, &[i64])> {
    let (id, above) = ids.split_last().ok_or(ServiceError::NotFound)?;
    Ok((*id, above))
}

/// Creates a part from the body: 201 with the record.
async fn create<K>(
    app: AppState,
    s: Signed,
    ids: &[i64],
    body: Unread,
) -> AppResult<(StatusCode, Json<K::Record>)>
where
    K: ProfilePart + DeserializeOwned,
    K::Record: Serialize,
{
    let (editor, under) = editor_of::<K>(&app, &s, ids)?;
    let ApiJson(input) = body.read::<ApiJson<K>>().await?;
    let record = editor.create(under, input).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// Changes a part from the body and the `version` in it: 200 with the record.
async fn update<K>(
    app: AppState,
    s: Signed,
    ids: &[i64],
    body: Unread,
) -> AppResult<Json<K::Record>>
where
    K: ProfilePart + DeserializeOwned,
    K::Record: Serialize,
{
    let (id, above) = own_id(ids)?;
    let (editor, under) = editor_of::<K>(&app, &s, above)?;
    let body = body.read::<Versioned<K>>().await?;
    let record = editor.update(under, id, body.version, body.data).await?;
    Ok(Json(record))
}

/// Deletes a part at `?version=`: 204.
async fn delete<K: ProfilePart>(
    app: AppState,
    s: Signed,
    ids: &[i64],
    q: VersionQuery,
) -> AppResult<StatusCode> {
    let (id, above) = own_id(ids)?;
    let (editor, under) = editor_of::<K>(&app, &s, above)?;
    editor.delete::<K>(under, id, q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- special plans: status, files

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
    Ok(file_response(&meta.file_name, &meta.content_type, bytes))
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
