//! The per-request context: language, request id, client address and the authenticated user.
//! One middleware (`request_context`) builds it for every request, checks CSRF on every
//! state-changing browser request, and renders every error response — so no handler can
//! forget any of the three.

use crate::error::{AppError, ErrorInfo};
use crate::i18n::Lang;
use crate::{AppState, api, pages};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Request, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use dongneng_service::auth::Authenticated;
use dongneng_service::{Actor, ServiceError};
use dongneng_store::SessionKind;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "dn_session";
/// Double-submit CSRF cookie for forms shown before login.
pub const PRE_CSRF_COOKIE: &str = "dn_pre";
pub const LANG_COOKIE: &str = "dn_lang";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What every handler may know about the request.
#[derive(Clone, Debug)]
pub struct RequestCtx {
    pub lang: Lang,
    pub request_id: Option<String>,
    pub auth: Option<Authenticated>,
    /// The session cookie's token, when the session is live (for logout).
    pub session_token: Option<String>,
    /// A session cookie came with the request but named no live session.
    pub stale_session: bool,
    /// The pre-login CSRF cookie, for the login form.
    pub pre_csrf: Option<String>,
    /// Cookies must be marked Secure (TLS, or a trusted proxy said https).
    pub secure: bool,
    pub client_ip: String,
    pub path: String,
    /// What the navigation counts for a signed-in page request: the to-do's entries and the
    /// unread notifications (the bell). Zero for the API.
    pub badges: Badges,
}

/// The navigation's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Badges {
    pub todo: i64,
    pub unread: i64,
}

impl RequestCtx {
    pub fn actor(&self) -> Option<&Actor> {
        self.auth.as_ref().map(|a| &a.actor)
    }

    /// The CSRF token forms must carry: the session's, or before login the pre-cookie's.
    pub fn csrf_token(&self) -> String {
        match &self.auth {
            Some(a) => a.csrf_token.clone(),
            None => self.pre_csrf.clone().unwrap_or_default(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestCtx>()
            .cloned()
            .ok_or_else(|| AppError::Service(ServiceError::Internal("no request context".into())))
    }
}

/// A signed-in request: the actor and the context. Extracting it refuses anonymous requests.
pub struct Signed {
    pub actor: Actor,
    pub ctx: RequestCtx,
}

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = RequestCtx::from_request_parts(parts, state).await?;
        match ctx.actor().cloned() {
            Some(actor) => Ok(Signed { actor, ctx }),
            None => Err(AppError::Service(ServiceError::Unauthenticated)),
        }
    }
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's `User-Agent` (empty when missing or not text), kept with its sessions.
pub fn user_agent(headers: &HeaderMap) -> &str {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A `Set-Cookie` value with our standard attributes.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: i64,
    http_only: bool,
    secure: bool,
) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax; Max-Age={max_age_secs}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The Content-Security-Policy of every response: only this origin's files, no inline
/// script or style (the pages have none: the style sheet and any script are static files),
/// never framed, forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Sets the headers a security scan looks for on every response (the ones a handler has not
/// set itself): the CSP, no sniffing, no framing, the referrer and feature policies, and —
/// when the server is reached over TLS (`--secure-cookies`) — HSTS.
pub fn security_headers(headers: &mut HeaderMap, tls: bool) {
    use axum::http::HeaderValue;
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    if tls {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}

/// The client's address: the connection's peer; behind `--trust-proxy`, the address the
/// proxy appended to `X-Forwarded-For` (the last one: whatever comes before it was sent by
/// the client and proves nothing). Anything not an IP address is ignored.
fn client_ip(state: &AppState, req: &Request<Body>) -> String {
    if state.config.trust_proxy
        && let Some(forwarded) = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
        && let Ok(ip) = forwarded.trim().parse::<std::net::IpAddr>()
    {
        return ip.to_string();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Builds the context, checks CSRF, runs the handler and renders any error it returns.
pub async fn request_context(
    State(state): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let headers = req.headers().clone();
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // Pages are Chinese until the user switches (a cookie); the API also follows the
    // client's Accept-Language, since scripts cannot click a switch.
    let lang = cookie(&headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            is_api(&path)
                .then(|| headers.get(header::ACCEPT_LANGUAGE))
                .flatten()
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let secure = state.config.secure_cookies
        || (state.config.trust_proxy
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https"));

    let mut ctx = RequestCtx {
        lang,
        request_id: request_id.clone(),
        auth: None,
        session_token: None,
        stale_session: false,
        pre_csrf: cookie(&headers, PRE_CSRF_COOKIE)
            .filter(|v| v.len() == 64)
            .map(str::to_string),
        secure,
        client_ip: client_ip(&state, &req),
        path: path.clone(),
        badges: Badges::default(),
    };

    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let cookie_token = cookie(&headers, SESSION_COOKIE).map(str::to_string);
    let via_bearer = bearer.is_some();
    if let Some(token) = bearer.or(cookie_token.clone()) {
        match state.service.authenticate(&token, request_id.clone()).await {
            Ok(auth) => {
                // A browser session cookie is not an API token and the other way round.
                let matches = if via_bearer {
                    auth.kind == SessionKind::Api
                } else {
                    auth.kind == SessionKind::Browser
                };
                if matches {
                    if !via_bearer {
                        ctx.session_token = Some(token);
                    }
                    ctx.auth = Some(auth);
                } else {
                    ctx.stale_session = !via_bearer;
                }
            }
            Err(ServiceError::Unauthenticated) => ctx.stale_session = !via_bearer,
            Err(e) => return render(&state, &ctx, AppError::Service(e).into_response()),
        }
    }

    // No route takes more than the largest limit: a body declared longer is refused before
    // it is read, whatever the route (routes with a limit of their own check it too).
    let largest = state
        .config
        .body_limit
        .max(api::transfer::UPLOAD_LIMIT)
        .max(api::files::UPLOAD_BODY_LIMIT);
    if crate::extract::declared_over(&headers, largest) {
        return render(&state, &ctx, AppError::PayloadTooLarge.into_response());
    }

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if unsafe_method && !via_bearer {
        // Only requests that ride on a cookie can be forged cross-site. An API call with no
        // cookie at all (a script logging in) has nothing to forge.
        let cookie_borne = cookie_token.is_some() || !is_api(&path);
        if cookie_borne {
            // Signed in: the session's token. Not signed in (or the session ended): the
            // pre-login cookie's, which is what the login form carries.
            let expected = match &ctx.auth {
                Some(a) => Some(a.csrf_token.clone()),
                None => ctx.pre_csrf.clone(),
            };
            let (given, rebuilt) = match csrf_from_request(req, state.config.body_limit).await {
                Ok(pair) => pair,
                Err(e) => return render(&state, &ctx, e.into_response()),
            };
            req = rebuilt;
            let ok = matches!((&expected, &given), (Some(e), Some(g)) if constant_eq(e, g));
            if !ok && ctx.stale_session {
                // A form of a session that has since ended: back to the login page, not a
                // forgery alarm.
                let e = AppError::Service(ServiceError::Unauthenticated);
                return render(&state, &ctx, e.into_response());
            }
            if !ok {
                tracing::warn!(path = %path, "csrf check failed");
                return render(&state, &ctx, AppError::Csrf.into_response());
            }
        }
    }

    // A page shows the to-do count and the bell on every page; the API and files do not.
    if *req.method() == Method::GET
        && !is_api(&path)
        && !path.starts_with("/static/")
        && let Some(actor) = ctx.actor()
    {
        match state.service.badges(actor).await {
            Ok((todo, unread)) => ctx.badges = Badges { todo, unread },
            Err(e) => tracing::warn!(error = %e, "navigation counts failed"),
        }
    }

    req.extensions_mut().insert(ctx.clone());
    let resp = next.run(req).await;
    render(&state, &ctx, resp)
}

/// The CSRF token of a request: the header, else the `_csrf` field of a form body (which is
/// read and put back), else the `_csrf` query parameter (multipart uploads).
async fn csrf_from_request(
    req: Request<Body>,
    limit: usize,
) -> Result<(Option<String>, Request<Body>), AppError> {
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        let v = v.to_string();
        return Ok((Some(v), req));
    }
    let from_query = req.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned())
    });
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((from_query, req));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let given = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned())
        .or(from_query);
    Ok((given, Request::from_parts(parts, Body::from(bytes))))
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Gives an error response its body: the JSON envelope for the API, a page (or a trip to the
/// login page) for the browser.
fn render(state: &AppState, ctx: &RequestCtx, resp: Response) -> Response {
    let status = resp.status();
    if status.is_success() || status.is_redirection() {
        return resp;
    }
    let info = match resp.extensions().get::<ErrorInfo>() {
        Some(i) => i.clone(),
        None => match ErrorInfo::for_status(status) {
            // A layer answered with a bare status; if it wrote a body, keep it.
            Some(i) if is_empty_body(&resp) || status.is_server_error() => i,
            _ => return resp,
        },
    };
    if is_api(&ctx.path) {
        return api::error_response(ctx.lang, status, &info);
    }
    if info.code == "unauthenticated" {
        let mut target = format!("/login?next={}", urlencode(&ctx.path));
        let mut resp = Redirect::to(&target).into_response();
        if ctx.stale_session {
            // Forget the dead session's cookie, so the login form is not refused for it.
            target.push_str("&expired=1");
            resp = Redirect::to(&target).into_response();
            if let Ok(h) = set_cookie(SESSION_COOKIE, "", 0, true, ctx.secure).parse() {
                resp.headers_mut().append(header::SET_COOKIE, h);
            }
        }
        return resp;
    }
    pages::error_page(state, ctx, status, &info)
}

fn is_empty_body(resp: &Response) -> bool {
    use axum::body::HttpBody;
    resp.body().size_hint().exact() == Some(0) || resp.body().is_end_stream()
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Whether a `next` target is a local path (never an open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}
