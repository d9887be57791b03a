use crate::AppState;
use crate::context::{RequestCtx, SESSION_COOKIE, Signed, set_cookie};
use crate::error::{AppError, AppResult};
use crate::extract::Unread;
use crate::json::ApiJson;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use dongneng_store::{SessionKind, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// Exchanges a username and password for a new API token. Repeated failures of one username
/// from one address, or from one address, are refused with 429 and a `Retry-After` that grows
/// with each failure; failures elsewhere never refuse the owner (docs/OPERATIONS.md).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(),
    request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401), (status = 422), (status = 429)))]
pub async fn login(
    State(app): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> AppResult<Json<LoginResponse>> {
    if body.username.trim().is_empty() || body.username.len() > 200 {
        return Err(AppError::invalid("username", "required"));
    }
    if body.password.is_empty() || body.password.len() > 1000 {
        return Err(AppError::invalid("password", "required"));
    }
    let ua = crate::context::user_agent(&headers);
    let out = app
        .service
        .login(
            &body.username,
            &body.password,
            &ctx.client_ip,
            ua,
            SessionKind::Api,
        )
        .await?;
    Ok(Json(LoginResponse {
        token: out.token,
        expires_at: out.expires_at,
        user: out.actor.into_user(),
    }))
}

/// Ends the session of the bearer token.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401)))]
pub async fn logout(
    State(app): State<AppState>,
    _signed: Signed,
    headers: HeaderMap,
) -> AppResult<StatusCode> {
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        app.service.logout(token.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user with their grants.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = User), (status = 401)))]
pub async fn me(signed: Signed) -> Json<User> {
    Json(signed.actor.into_user())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the caller's own password. Every session of the account ends, this one too; the
/// answer carries a new token for this client (a browser session gets a new cookie).
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth",
    request_body = PasswordChange,
    responses((status = 200, body = LoginResponse), (status = 401), (status = 422)))]
pub async fn change_password(
    State(app): State<AppState>,
    s: Signed,
    headers: HeaderMap,
    body: Unread,
) -> AppResult<Response> {
    let ApiJson(body) = body.read::<ApiJson<PasswordChange>>().await?;
    let kind = s
        .ctx
        .auth
        .as_ref()
        .map(|a| a.kind)
        .unwrap_or(SessionKind::Api);
    let ua = crate::context::user_agent(&headers);
    let out = app
        .service
        .change_own_password(
            &s.actor,
            &body.current_password,
            &body.new_password,
            &s.ctx.client_ip,
            ua,
            kind,
        )
        .await?;
    let cookie = (kind == SessionKind::Browser).then(|| {
        let max_age = (out.expires_at - Utc::now()).num_seconds().max(0);
        set_cookie(SESSION_COOKIE, &out.token, max_age, true, s.ctx.secure)
    });
    let mut resp = Json(LoginResponse {
        token: out.token,
        expires_at: out.expires_at,
        user: out.actor.into_user(),
    })
    .into_response();
    if let Some(h) = cookie.and_then(|c| c.parse().ok()) {
        resp.headers_mut().append(header::SET_COOKIE, h);
    }
    Ok(resp)
}
