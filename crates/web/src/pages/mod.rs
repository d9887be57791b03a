//! Server-rendered pages (askama templates in `crates/web/templates`). Pages call the same
//! service methods as the API; they only turn form fields into inputs and results into HTML.

mod digest;
pub mod form;
mod layout;
pub mod list;
mod meetings;
mod policies;
mod problems;
mod profiles;
mod projects;
mod reference;
mod session;
mod supervision;
mod tasks;
mod todo;
mod transfer;
mod users;

pub use layout::Layout;

use crate::AppState;
use crate::context::RequestCtx;
use crate::error::{AppError, AppResult, ErrorInfo};
use crate::i18n::Lang;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use dongneng_domain::area;
use dongneng_service::ServiceError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(stylesheet))
        .route("/lang/{code}", get(session::switch_language))
        .route(
            "/login",
            get(session::login_form).post(session::login_submit),
        )
        .route("/logout", axum::routing::post(session::logout))
        .merge(reference::router())
        .merge(users::router())
        .merge(transfer::router())
        .merge(projects::router())
        .merge(profiles::router())
        .merge(problems::router())
        .merge(supervision::router())
        .merge(tasks::router())
        .merge(todo::router())
        .merge(meetings::router())
        .merge(digest::router())
        .merge(policies::router())
        .route("/{area}", get(area_page))
}

/// A name in the user's language: the English one for English, else the Chinese.
pub fn in_lang(lang: Lang, zh: &str, en: &str) -> String {
    if lang == Lang::En { en } else { zh }.to_string()
}

/// Renders a template into a response, or a logged internal error.
pub fn render<T: Template>(t: &T) -> AppResult<Html<String>> {
    t.render()
        .map(Html)
        .map_err(|e| AppError::Service(ServiceError::Internal(format!("template: {e}"))))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    welcome: String,
    roles: Vec<String>,
    /// The to-do's first block, for those who have one.
    todo: Option<(Vec<todo::TodoLine>, i64)>,
}

/// How many entries of the to-do the landing page shows.
const HOME_TODO: usize = 8;

async fn home(State(app): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    let Some(actor) = ctx.actor().cloned() else {
        return Err(AppError::Service(ServiceError::Unauthenticated));
    };
    let todo = match app.service.todo(&actor) {
        Ok(reader) => {
            let list = reader.list().await?;
            let s = crate::context::Signed {
                actor: actor.clone(),
                ctx: ctx.clone(),
            };
            let lines = todo::todo_lines(&app, &s, &list, HOME_TODO).await?;
            Some((lines, list.total))
        }
        Err(_) => None,
    };
    let layout = Layout::new(&app, &ctx, "home", ctx.t("home.title"));
    let welcome = ctx
        .lang
        .t_with("home.welcome", &[("name", &actor.user().display_name)]);
    let roles = actor
        .user()
        .grants
        .iter()
        .map(|g| {
            format!(
                "{} · {}",
                ctx.t(&format!("role.{}", g.role.as_str())),
                ctx.t(&format!("scope.{}", g.scope.tag().as_str()))
            )
        })
        .collect();
    Ok(render(&HomePage {
        layout,
        welcome,
        roles,
        todo,
    })?
    .into_response())
}

/// The navigation area with this key (a route that names an unknown one is a 404).
pub fn area(key: &str) -> AppResult<&'static area::Area> {
    area::find(key).ok_or(AppError::RouteNotFound)
}

#[derive(Template)]
#[template(path = "not_ready.html")]
struct NotReadyPage {
    layout: Layout,
    body: String,
}

/// An area of a later issue: a plain "not yet available" page, for the roles that see it.
async fn area_page(
    State(app): State<AppState>,
    ctx: RequestCtx,
    Path(key): Path<String>,
) -> AppResult<Response> {
    let Some(found) = area::find(&key).filter(|a| !a.admin) else {
        return Err(AppError::RouteNotFound);
    };
    let Some(actor) = ctx.actor() else {
        return Err(AppError::Service(ServiceError::Unauthenticated));
    };
    app.service.open_area(actor, found)?;
    let name = ctx.t(&format!("nav.{key}"));
    let layout = Layout::new(&app, &ctx, found.key, ctx.t("not_ready.title"));
    let body = ctx.lang.t_with("not_ready.body", &[("area", &name)]);
    Ok(render(&NotReadyPage { layout, body })?.into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    message: String,
    status: u16,
    request_id: Option<String>,
}

/// The page shown for an error, in the user's language.
pub fn error_page(
    app: &AppState,
    ctx: &RequestCtx,
    status: StatusCode,
    info: &ErrorInfo,
) -> Response {
    let message = match info.retry_after {
        Some(s) => ctx
            .lang
            .t_with("error.throttled", &[("seconds", &s.to_string())]),
        None => ctx.t(&format!("error.{}", info.code)),
    };
    let title = ctx.t("error.title");
    let page = ErrorPage {
        layout: Layout::new(app, ctx, "", title),
        message,
        status: status.as_u16(),
        request_id: ctx.request_id.clone(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}
