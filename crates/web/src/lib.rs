//! HTTP for Dongneng: the JSON API (`api`), the server-rendered pages (`pages`), and what
//! every request goes through (`context`: language, authentication, CSRF, error rendering).
//!
//! A request's path: tower layers (request id, trace, panic catcher, body limit) →
//! `context::request_context` → the route's handler → `dongneng_service::Service` (permission,
//! validation) → the store.

rust_i18n::i18n!("../../locales", fallback = "zh-CN");

pub mod api;
pub mod context;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod json;
pub mod pages;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request};
use dongneng_service::Service;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Always mark cookies Secure (the server is behind TLS).
    pub secure_cookies: bool,
    /// Believe `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy.
    pub trust_proxy: bool,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Running with demo data (shown in the page footer).
    pub demo: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            trust_proxy: false,
            body_limit: 2 * 1024 * 1024,
            demo: false,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub config: Arc<WebConfig>,
}

/// Request ids: a per-process random prefix and a counter; short, unique across instances.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// The whole application: API, OpenAPI document, pages and the layers around them.
pub fn app(state: AppState) -> Router {
    let (api_router, openapi) = api::router();
    let openapi = Arc::new(openapi);
    let request_id = HeaderName::from_static("x-request-id");
    let ids = RequestIds {
        prefix: dongneng_service::auth::random_token()[..8].into(),
        next: Arc::new(AtomicU64::new(1)),
    };
    let body_limit = state.config.body_limit;
    let tls = state.config.secure_cookies;
    Router::new()
        .merge(api_router)
        .route(
            api::openapi::PATH,
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .merge(pages::router())
        .fallback(|| async { error::AppError::RouteNotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::request_context,
        ))
        // Bodies are read by extractors that honour this limit (and by the CSRF check, with
        // the same limit), so an oversized body is refused as 413 inside `request_context`.
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::new())
        // Outside the panic catcher, so that even its answer carries them.
        .layer(axum::middleware::map_response(
            move |mut resp: axum::response::Response| async move {
                context::security_headers(resp.headers_mut(), tls);
                resp
            },
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, ids))
        .with_state(state)
}
