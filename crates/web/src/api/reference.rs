//! Regions, departments, industry groups, industries and code lists.

use super::List;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Id, Unread};
use crate::json::{ApiJson, Versioned};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dongneng_domain::reference::{DepartmentInput, IndustryGroupInput, IndustryInput, RegionInput};
use dongneng_store::{Department, Industry, IndustryGroup, Lookup, Region};

/// All regions (the city, its districts and counties, functional zones), in display order.
#[utoipa::path(get, path = "/api/v1/regions", tag = "reference",
    responses((status = 200, body = List<Region>), (status = 401)))]
pub async fn list_regions(State(app): State<AppState>, s: Signed) -> AppResult<Json<List<Region>>> {
    let reader = app.service.reference(&s.actor)?;
    Ok(Json(List::all(reader.list_regions().await?)))
}

#[utoipa::path(post, path = "/api/v1/regions", tag = "reference", request_body = RegionInput,
    responses((status = 201, body = Region), (status = 403), (status = 422)))]
pub async fn create_region(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<Region>)> {
    let editor = app.service.reference_editor(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<RegionInput>>().await?;
    let row = editor.create_region(input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/regions/{id}", tag = "reference",
    params(("id" = i64, Path)), responses((status = 200, body = Region), (status = 404)))]
pub async fn get_region(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<Region>> {
    let reader = app.service.reference(&s.actor)?;
    Ok(Json(reader.get_region(id).await?))
}

/// Replaces a region. The body carries the `version` last read; a stale one gets 409.
#[utoipa::path(put, path = "/api/v1/regions/{id}", tag = "reference", request_body = Versioned<RegionInput>,
    params(("id" = i64, Path)),
    responses((status = 200, body = Region), (status = 404), (status = 409), (status = 422)))]
pub async fn update_region(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Region>> {
    let editor = app.service.reference_editor(&s.actor)?;
    let body = body.read::<Versioned<RegionInput>>().await?;
    Ok(Json(
        editor.update_region(id, body.version, body.data).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/departments", tag = "reference",
    responses((status = 200, body = List<Department>), (status = 401)))]
pub async fn list_departments(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<List<Department>>> {
    let reader = app.service.reference(&s.actor)?;
    Ok(Json(List::all(reader.list_departments().await?)))
}

#[utoipa::path(post, path = "/api/v1/departments", tag = "reference", request_body = DepartmentInput,
    responses((status = 201, body = Department), (status = 403), (status = 422)))]
pub async fn create_department(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<Department>)> {
    let editor = app.service.reference_editor(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<DepartmentInput>>().await?;
    let row = editor.create_department(input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "reference",
    params(("id" = i64, Path)), responses((status = 200, body = Department), (status = 404)))]
pub async fn get_department(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<Department>> {
    let reader = app.service.reference(&s.actor)?;
    Ok(Json(reader.get_department(id).await?))
}

/// Replaces a department. The body carries the `version` last read; a stale one gets 409.
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "reference",
    request_body = Versioned<DepartmentInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Department), (status = 404), (status = 409), (status = 422)))]
pub async fn update_department(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Department>> {
    let editor = app.service.reference_editor(&s.actor)?;
    let body = body.read::<Versioned<DepartmentInput>>().await?;
    Ok(Json(
        editor
            .update_department(id, body.version, body.data)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/industry-groups", tag = "reference",
    responses((status = 200, body = List<IndustryGroup>)))]
pub async fn list_industry_groups(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<List<IndustryGroup>>> {
    let reader = app.service.reference(&s.actor)?;
    Ok(Json(List::all(reader.list_industry_groups().await?)))
}

#[utoipa::path(post, path = "/api/v1/industry-groups", tag = "reference",
    request_body = IndustryGroupInput,
    responses((status = 201, body = IndustryGroup), (status = 403), (status = 422)))]
pub async fn create_industry_group(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<IndustryGroup>)> {
    let editor = app.service.reference_editor(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<IndustryGroupInput>>().await?;
    let row = editor.create_industry_group(input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/industry-groups/{id}", tag = "reference",
    params(("id" = i64, Path)), responses((status = 200, body = IndustryGroup), (status = 404)))]
pub async fn get_industry_group(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<IndustryGroup>> {
    let reader = app.service.reference(&s.actor)?;
    Ok(Json(reader.get_industry_group(id).await?))
}

/// Replaces an industry group (its key, names and place in the order). The body carries the
/// `version` last read; a stale one gets 409.
#[utoipa::path(put, path = "/api/v1/industry-groups/{id}", tag = "reference",
    request_body = Versioned<IndustryGroupInput>, params(("id" = i64, Path)),
    responses((status = 200, body = IndustryGroup), (status = 404), (status = 409), (status = 422)))]
pub async fn update_industry_group(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<IndustryGroup>> {
    let editor = app.service.reference_editor(&s.actor)?;
    let body = body.read::<Versioned<IndustryGroupInput>>().await?;
    Ok(Json(
        editor
            .update_industry_group(id, body.version, body.data)
            .await?,
    ))
}

/// All industries with their group and "753" place, in display order.
#[utoipa::path(get, path = "/api/v1/industries", tag = "reference",
    responses((status = 200, body = List<Industry>), (status = 401)))]
pub async fn list_industries(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<List<Industry>>> {
    let reader = app.service.reference(&s.actor)?;
    Ok(Json(List::all(reader.list_industries().await?)))
}

#[utoipa::path(post, path = "/api/v1/industries", tag = "reference", request_body = IndustryInput,
    responses((status = 201, body = Industry), (status = 403), (status = 422)))]
pub async fn create_industry(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<Industry>)> {
    let editor = app.service.reference_editor(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<IndustryInput>>().await?;
    let row = editor.create_industry(input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/industries/{id}", tag = "reference",
    params(("id" = i64, Path)), responses((status = 200, body = Industry), (status = 404)))]
pub async fn get_industry(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<Industry>> {
    let reader = app.service.reference(&s.actor)?;
    Ok(Json(reader.get_industry(id).await?))
}

/// Replaces an industry. The body carries the `version` last read; a stale one gets 409.
#[utoipa::path(put, path = "/api/v1/industries/{id}", tag = "reference",
    request_body = Versioned<IndustryInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Industry), (status = 404), (status = 409), (status = 422)))]
pub async fn update_industry(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Industry>> {
    let editor = app.service.reference_editor(&s.actor)?;
    let body = body.read::<Versioned<IndustryInput>>().await?;
    Ok(Json(
        editor.update_industry(id, body.version, body.data).await?,
    ))
}

/// A code list: `report_topic` (the six monthly topics), `project_stage`, `support_system`.
#[utoipa::path(get, path = "/api/v1/lookups/{kind}", tag = "reference",
    params(("kind" = String, Path)), responses((status = 200, body = List<Lookup>)))]
pub async fn list_lookups(
    State(app): State<AppState>,
    s: Signed,
    Path(kind): Path<String>,
) -> AppResult<Json<List<Lookup>>> {
    let reader = app.service.reference(&s.actor)?;
    Ok(Json(List::all(reader.list_lookups(&kind).await?)))
}
