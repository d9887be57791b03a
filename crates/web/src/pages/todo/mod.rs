//! Everyone's to-do (`/todo`, its first block on the landing page), the notifications page
//! with mark read and mark all read (`/notifications`), and the office's reminder calendar
//! (`/admin/reminders`, on the form engine).

mod reminders;

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Id, Query};
use crate::i18n::Lang;
use crate::pages::form::{Gate, PathIds, edit_routes};
use crate::pages::profiles::Depts;
use crate::pages::{Layout, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use dongneng_service::ServiceError;
use dongneng_service::todo::{ReminderEditor, TodoList};
use dongneng_store::Notification;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/todo", get(todo_page))
        .route("/notifications", get(notifications_page))
        .route("/notifications/read-all", post(read_all))
        .route("/notifications/{id}/read", post(read_one));
    edit_routes::<reminders::RemindersForm>(r)
}

/// The office, over the reminder calendar.
pub struct ManageReminders;

impl Gate for ManageReminders {
    type Access = ReminderEditor;

    async fn access(
        app: &AppState,
        s: &Signed,
        _: &PathIds,
    ) -> Result<ReminderEditor, ServiceError> {
        app.service.reminder_editor(&s.actor)
    }
}

/// One line of the to-do as a page shows it.
pub struct TodoLine {
    pub kind: String,
    pub number: String,
    pub title: String,
    pub link: String,
    pub deadline: String,
    pub overdue: bool,
    pub waiting_on: String,
}

/// The to-do's lines in `lang`, at most `max`.
pub(crate) async fn todo_lines(
    app: &AppState,
    s: &Signed,
    list: &TodoList,
    max: usize,
) -> AppResult<Vec<TodoLine>> {
    let lang = s.ctx.lang;
    let depts = match app.service.reference(&s.actor) {
        Ok(_) => Depts::load(app, &s.actor).await?,
        Err(_) => Depts(vec![]),
    };
    Ok(list
        .items
        .iter()
        .take(max)
        .map(|e| {
            let mut waiting_on = lang.t(&format!("todo.waiting_on.{}", e.waiting_on.code()));
            if e.department_id.is_some() {
                let name = depts.name(lang, e.department_id);
                if !name.is_empty() {
                    waiting_on = name;
                }
            }
            TodoLine {
                kind: lang.t(&e.kind.label_key()),
                number: e.number.clone().unwrap_or_default(),
                title: e.title.clone(),
                link: e.link.clone(),
                deadline: e
                    .deadline
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| lang.t("todo.no_deadline")),
                overdue: e.overdue,
                waiting_on,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage {
    layout: Layout,
    lines: Vec<TodoLine>,
    counts: Vec<(String, i64)>,
    total: i64,
}

async fn todo_page(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    let list = app.service.todo(&s.actor)?.list().await?;
    let lang = s.ctx.lang;
    let lines = todo_lines(&app, &s, &list, usize::MAX).await?;
    let counts = list
        .counts
        .iter()
        .map(|c| (lang.t(&c.kind.label_key()), c.total))
        .collect();
    let layout = Layout::new(&app, &s.ctx, "todo", lang.t("todo.title"));
    Ok(render(&TodoPage {
        layout,
        lines,
        counts,
        total: list.total,
    })?
    .into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct NotificationsQuery {
    pub unread: Option<bool>,
    pub page: Option<u32>,
    pub marked: Option<u8>,
}

/// One notification as the page shows it.
pub struct NoticeLine {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub at: String,
    pub unread: bool,
}

fn notice_line(lang: Lang, n: &Notification) -> NoticeLine {
    NoticeLine {
        id: n.id,
        kind: lang.t(&n.kind.label_key()),
        title: n.title.clone(),
        body: n.body.clone(),
        link: n.link.clone(),
        at: dongneng_domain::clock::local(n.created_at)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        unread: n.read_at.is_none(),
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    lines: Vec<NoticeLine>,
    unread_only: bool,
    total: i64,
    csrf: String,
}

async fn notifications_page(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<NotificationsQuery>,
) -> AppResult<Response> {
    let inbox = app.service.inbox(&s.actor)?;
    let unread_only = q.unread.unwrap_or(false);
    let page = dongneng_domain::paging::Page::new(q.page, Some(100));
    let (items, total) = inbox.list(unread_only, page).await?;
    let lang = s.ctx.lang;
    let mut layout = Layout::new(&app, &s.ctx, "", lang.t("notifications.title"));
    if q.marked.is_some() {
        layout.flash = Some(lang.t("notifications.marked"));
    }
    Ok(render(&NotificationsPage {
        csrf: layout.csrf.clone(),
        layout,
        lines: items.iter().map(|n| notice_line(lang, n)).collect(),
        unread_only,
        total,
    })?
    .into_response())
}

async fn read_one(State(app): State<AppState>, s: Signed, Id(id): Id) -> AppResult<Response> {
    let marked = app.service.inbox(&s.actor)?.read(&[id]).await?;
    let to = marked.first().map_or("/notifications", |n| n.link.as_str());
    Ok(Redirect::to(to).into_response())
}

async fn read_all(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    app.service.inbox(&s.actor)?.read_all().await?;
    Ok(Redirect::to("/notifications?marked=1").into_response())
}
