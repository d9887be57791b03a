//! Sign in, sign out and the language switch.

use super::{Layout, render};
use crate::AppState;
use crate::context::{
    LANG_COOKIE, PRE_CSRF_COOKIE, RequestCtx, SESSION_COOKIE, safe_next, set_cookie,
};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::FormData;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use dongneng_service::ServiceError;
use dongneng_service::auth::random_token;
use dongneng_store::SessionKind;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    next: String,
    username: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    out: Option<String>,
}

fn login_page(
    app: &AppState,
    ctx: &RequestCtx,
    status: StatusCode,
    next: String,
    username: String,
    notice: Option<String>,
    error: Option<String>,
) -> AppResult<Response> {
    // Before login there is no session to hold the CSRF token: a random cookie and a hidden
    // field carrying the same value (double submit) protect the form.
    let mut ctx = ctx.clone();
    let fresh = ctx.pre_csrf.is_none();
    if fresh {
        ctx.pre_csrf = Some(random_token());
    }
    let page = LoginPage {
        layout: Layout::new(app, &ctx, "login", ctx.t("login.title")),
        next,
        username,
        notice,
        error,
    };
    let mut resp = (status, render(&page)?).into_response();
    if fresh && let Some(v) = &ctx.pre_csrf {
        let c = set_cookie(PRE_CSRF_COOKIE, v, 60 * 60 * 24, true, ctx.secure);
        if let Ok(h) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, h);
        }
    }
    Ok(resp)
}

pub async fn login_form(
    State(app): State<AppState>,
    ctx: RequestCtx,
    crate::extract::Query(q): crate::extract::Query<LoginQuery>,
) -> AppResult<Response> {
    if ctx.actor().is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let notice = if q.expired.is_some() {
        Some(ctx.t("login.session_expired"))
    } else if q.out.is_some() {
        Some(ctx.t("login.logged_out"))
    } else {
        None
    };
    login_page(
        &app,
        &ctx,
        StatusCode::OK,
        safe_next(q.next.as_deref()),
        String::new(),
        notice,
        None,
    )
}

pub async fn login_submit(
    State(app): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let form = FormData::parse(&body);
    let username = form.get("username");
    let password = form.get("password");
    let next = safe_next(form.opt("next").as_deref());
    let ua = crate::context::user_agent(&headers);
    let outcome = if username.trim().is_empty() || password.is_empty() || username.len() > 200 {
        Err(ServiceError::BadCredentials)
    } else {
        app.service
            .login(
                &username,
                &password,
                &ctx.client_ip,
                ua,
                SessionKind::Browser,
            )
            .await
    };
    match outcome {
        Ok(out) => {
            let max_age = (out.expires_at - chrono::Utc::now()).num_seconds().max(0);
            let cookie = set_cookie(SESSION_COOKIE, &out.token, max_age, true, ctx.secure);
            let mut resp = Redirect::to(&next).into_response();
            if let Ok(h) = cookie.parse() {
                resp.headers_mut().append(header::SET_COOKIE, h);
            }
            Ok(resp)
        }
        Err(ServiceError::BadCredentials) => login_page(
            &app,
            &ctx,
            StatusCode::UNAUTHORIZED,
            next,
            username,
            None,
            Some(ctx.t("error.bad_credentials")),
        ),
        Err(ServiceError::Throttled { retry_after_secs }) => login_page(
            &app,
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            next,
            username,
            None,
            Some(ctx.lang.t_with(
                "error.throttled",
                &[("seconds", &retry_after_secs.to_string())],
            )),
        ),
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(app): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    if let Some(token) = &ctx.session_token {
        app.service.logout(token).await?;
    }
    let mut resp = Redirect::to("/login?out=1").into_response();
    if let Ok(h) = set_cookie(SESSION_COOKIE, "", 0, true, ctx.secure).parse() {
        resp.headers_mut().append(header::SET_COOKIE, h);
    }
    Ok(resp)
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Switches the interface language (a cookie) and goes back where the user was.
pub async fn switch_language(
    ctx: RequestCtx,
    Path(code): Path<String>,
    crate::extract::Query(q): crate::extract::Query<NextQuery>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let mut resp = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    let c = set_cookie(
        LANG_COOKIE,
        lang.code(),
        60 * 60 * 24 * 365,
        false,
        ctx.secure,
    );
    if let Ok(h) = c.parse() {
        resp.headers_mut().append(header::SET_COOKIE, h);
    }
    resp
}
