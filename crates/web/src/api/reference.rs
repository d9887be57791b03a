//! Regions, departments, industry groups, industries and code lists.

use super::List;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::Id;
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
    Ok(Json(List::all(app.service.list_regions(&s.actor).await?)))
}

#[utoipa::path(post, path = "/api/v1/regions", tag = "reference", request_body = RegionInput,
    responses((status = 201, body = Region), (status = 403), (status = 422)))]
pub async fn create_region(
    State(app): State<AppState>,
    s: Signed,
    ApiJson(input): ApiJson<RegionInput>,
) -> AppResult<(StatusCode, Json<Region>)> {
    let row = app.service.create_region(&s.actor, input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/regions/{id}", tag = "reference",
    params(("id" = i64, Path)), responses((status = 200, body = Region), (status = 404)))]
pub async fn get_region(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<Region>> {
    Ok(Json(app.service.get_region(&s.actor, id).await?))
}

/// Replaces a region. The body carries the `version` last read; a stale one gets 409.
#[utoipa::path(put, path = "/api/v1/regions/{id}", tag = "reference", request_body = Versioned<RegionInput>,
    params(("id" = i64, Path)),
    responses((status = 200, body = Region), (status = 404), (status = 409), (status = 422)))]
pub async fn update_region(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Versioned<RegionInput>,
) -> AppResult<Json<Region>> {
    Ok(Json(
        app.service
            .update_region(&s.actor, id, body.version, body.data)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/departments", tag = "reference",
    responses((status = 200, body = List<Department>), (status = 401)))]
pub async fn list_departments(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<List<Department>>> {
    Ok(Json(List::all(
        app.service.list_departments(&s.actor).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/departments", tag = "reference", request_body = DepartmentInput,
    responses((status = 201, body = Department), (status = 403), (status = 422)))]
pub async fn create_department(
    State(app): State<AppState>,
    s: Signed,
    ApiJson(input): ApiJson<DepartmentInput>,
) -> AppResult<(StatusCode, Json<Department>)> {
    let row = app.service.create_department(&s.actor, input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "reference",
    params(("id" = i64, Path)), responses((status = 200, body = Department), (status = 404)))]
pub async fn get_department(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<Department>> {
    Ok(Json(app.service.get_department(&s.actor, id).await?))
}

/// Replaces a department. The body carries the `version` last read; a stale one gets 409.
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "reference",
    request_body = Versioned<DepartmentInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Department), (status = 404), (status = 409), (status = 422)))]
pub async fn update_department(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Versioned<DepartmentInput>,
) -> AppResult<Json<Department>> {
    Ok(Json(
        app.service
            .update_department(&s.actor, id, body.version, body.data)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/industry-groups", tag = "reference",
    responses((status = 200, body = List<IndustryGroup>)))]
pub async fn list_industry_groups(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<List<IndustryGroup>>> {
    Ok(Json(List::all(
        app.service.list_industry_groups(&s.actor).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/industry-groups", tag = "reference",
    request_body = IndustryGroupInput,
    responses((status = 201, body = IndustryGroup), (status = 403), (status = 422)))]
pub async fn create_industry_group(
    State(app): State<AppState>,
    s: Signed,
    ApiJson(input): ApiJson<IndustryGroupInput>,
) -> AppResult<(StatusCode, Json<IndustryGroup>)> {
    let row = app.service.create_industry_group(&s.actor, input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/industry-groups/{id}", tag = "reference",
    params(("id" = i64, Path)), responses((status = 200, body = IndustryGroup), (status = 404)))]
pub async fn get_industry_group(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<IndustryGroup>> {
    Ok(Json(app.service.get_industry_group(&s.actor, id).await?))
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
    body: Versioned<IndustryGroupInput>,
) -> AppResult<Json<IndustryGroup>> {
    Ok(Json(
        app.service
            .update_industry_group(&s.actor, id, body.version, body.data)
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
    Ok(Json(List::all(
        app.service.list_industries(&s.actor).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/industries", tag = "reference", request_body = IndustryInput,
    responses((status = 201, body = Industry), (status = 403), (status = 422)))]
pub async fn create_industry(
    State(app): State<AppState>,
    s: Signed,
    ApiJson(input): ApiJson<IndustryInput>,
) -> AppResult<(StatusCode, Json<Industry>)> {
    let row = app.service.create_industry(&s.actor, input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/industries/{id}", tag = "reference",
    params(("id" = i64, Path)), responses((status = 200, body = Industry), (status = 404)))]
pub async fn get_industry(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<Industry>> {
    Ok(Json(app.service.get_industry(&s.actor, id).await?))
}

/// Replaces an industry. The body carries the `version` last read; a stale one gets 409.
#[utoipa::path(put, path = "/api/v1/industries/{id}", tag = "reference",
    request_body = Versioned<IndustryInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Industry), (status = 404), (status = 409), (status = 422)))]
pub async fn update_industry(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Versioned<IndustryInput>,
) -> AppResult<Json<Industry>> {
    Ok(Json(
        app.service
            .update_industry(&s.actor, id, body.version, body.data)
            .await?,
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
    Ok(Json(List::all(
        app.service.list_lookups(&s.actor, &kind).await?,
    )))
}
