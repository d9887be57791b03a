//! Everyone's to-do (我的待办), the caller's notifications and the reminder calendar.

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Query, Unread};
use crate::json::{ApiJson, Versioned};
use axum::Json;
use axum::extract::State;
use dongneng_domain::paging::Page;
use dongneng_domain::todo::ReminderSettings;
use dongneng_service::todo::TodoList;
use dongneng_store::{Notification, StoredReminderSettings};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What waits on the caller or the caller's department: open tasks it leads, closes to
/// check, problems to sign for and answer (a department), to assign or review (the office),
/// to instruct (a leader), supervision items to reply to or close — overdue first, then by
/// deadline, the first 50 of each source with how many there are.
#[utoipa::path(get, path = "/api/v1/todo", tag = "todo",
    responses((status = 200, body = TodoList), (status = 401), (status = 403)))]
pub async fn todo(State(app): State<AppState>, s: Signed) -> AppResult<Json<TodoList>> {
    Ok(Json(app.service.todo(&s.actor)?.list().await?))
}

/// Which notifications to list.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct NotificationQuery {
    /// Only the unread ones.
    pub unread: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A page of the caller's notifications with how many there are and how many are unread.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub total: i64,
    pub unread: i64,
    pub page: u32,
    pub per_page: u32,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "todo", params(NotificationQuery),
    responses((status = 200, body = NotificationList), (status = 401), (status = 403),
        (status = 422)))]
pub async fn list_notifications(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<NotificationQuery>,
) -> AppResult<Json<NotificationList>> {
    let inbox = app.service.inbox(&s.actor)?;
    let page = Page::new(q.page, q.per_page);
    let (items, total) = inbox.list(q.unread.unwrap_or(false), page).await?;
    Ok(Json(NotificationList {
        items,
        total,
        unread: inbox.unread().await?,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Which notifications to mark read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// Ids of the caller's notifications (at most 500); anyone else's are left alone.
    #[schema(max_items = 500)]
    pub ids: Vec<i64>,
}

/// Marks the caller's notifications of `ids` read; the ones marked.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "todo", request_body = MarkRead,
    responses((status = 200, body = Vec<Notification>), (status = 403), (status = 422)))]
pub async fn read_notifications(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<Json<Vec<Notification>>> {
    let inbox = app.service.inbox(&s.actor)?;
    let ApiJson(m) = body.read::<ApiJson<MarkRead>>().await?;
    Ok(Json(inbox.read(&m.ids).await?))
}

/// How many notifications were marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    pub marked: i64,
}

/// Marks all the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "todo",
    responses((status = 200, body = Marked), (status = 403)))]
pub async fn read_all_notifications(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<Marked>> {
    let marked = app.service.inbox(&s.actor)?.read_all().await?;
    Ok(Json(Marked { marked }))
}

/// The reminder calendar (the office): days before a deadline, on the day, days after, and
/// the escalation to the leader in charge.
#[utoipa::path(get, path = "/api/v1/reminder-settings", tag = "todo",
    responses((status = 200, body = StoredReminderSettings), (status = 401), (status = 403)))]
pub async fn get_reminder_settings(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<StoredReminderSettings>> {
    Ok(Json(app.service.reminder_editor(&s.actor)?.get().await?))
}

/// Changes the reminder calendar (the office), naming the version read.
#[utoipa::path(put, path = "/api/v1/reminder-settings", tag = "todo",
    request_body = Versioned<ReminderSettings>,
    responses((status = 200, body = StoredReminderSettings), (status = 403), (status = 409),
        (status = 422)))]
pub async fn set_reminder_settings(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<Json<StoredReminderSettings>> {
    let editor = app.service.reminder_editor(&s.actor)?;
    let b = body.read::<Versioned<ReminderSettings>>().await?;
    Ok(Json(editor.set(b.version, b.data).await?))
}
