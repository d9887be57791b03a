//! Accounts, their roles and scopes (administrators only).

use super::List;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Id, Query, Unread};
use crate::json::{ApiJson, Versioned};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dongneng_domain::paging::Page;
use dongneng_domain::user::{NewUser, UserUpdate};
use dongneng_store::User;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// 1-based page number.
    pub page: Option<u32>,
    /// Rows per page (at most 500).
    pub per_page: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(PageQuery),
    responses((status = 200, body = List<User>), (status = 403)))]
pub async fn list_users(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<List<User>>> {
    let admin = app.service.user_admin(&s.actor)?;
    let page = Page::new(q.page, q.per_page);
    let (items, total) = admin.list_users(page).await?;
    Ok(Json(List::paged(items, total, page)))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = User), (status = 403), (status = 422)))]
pub async fn create_user(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<User>)> {
    let admin = app.service.user_admin(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<NewUser>>().await?;
    let user = admin.create_user(input).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 403), (status = 404)))]
pub async fn get_user(State(app): State<AppState>, s: Signed, Id(id): Id) -> AppResult<Json<User>> {
    let admin = app.service.user_admin(&s.actor)?;
    Ok(Json(admin.get_user(id).await?))
}

/// Replaces an account's name, department, grants and disabled flag. Sends `version`.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", request_body = Versioned<UserUpdate>,
    params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404), (status = 409), (status = 422)))]
pub async fn update_user(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<User>> {
    let admin = app.service.user_admin(&s.actor)?;
    let body = body.read::<Versioned<UserUpdate>>().await?;
    Ok(Json(admin.update_user(id, body.version, body.data).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisableRequest {
    pub version: i64,
}

/// Disables an account and ends its sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users",
    request_body = DisableRequest, params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404), (status = 409)))]
pub async fn disable_user(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<User>> {
    let admin = app.service.user_admin(&s.actor)?;
    let ApiJson(body) = body.read::<ApiJson<DisableRequest>>().await?;
    Ok(Json(admin.disable_user(id, body.version).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRequest {
    pub password: String,
}

/// Sets a new password and ends the account's sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "users",
    request_body = PasswordRequest, params(("id" = i64, Path)),
    responses((status = 204), (status = 404), (status = 422)))]
pub async fn set_password(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<StatusCode> {
    let admin = app.service.user_admin(&s.actor)?;
    let ApiJson(body) = body.read::<ApiJson<PasswordRequest>>().await?;
    admin.set_user_password(id, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
