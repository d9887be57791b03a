//! Meetings (会议): the list, one meeting with its agenda, attendees and decisions (each with
//! the key task it became), planning and changing one, its state moves (hold, publish the
//! minutes, cancel), its agenda, outcomes, attendees, minutes and decisions — every change
//! with the meeting's `version` read; the quarterly proposal and its rules; the pack.

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Id, Ids, Query, Unread};
use crate::json::{ApiJson, Versioned};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dongneng_domain::meeting::{
    AgendaInput, AttendeeInput, DecisionInput, MeetingInput, MeetingKind, MeetingState,
    MinutesInput, OutcomeInput, ProposalRules,
};
use dongneng_domain::paging::Page;
use dongneng_service::meetings::{MeetingDetail, MeetingPack, MeetingQuery, Proposal};
use dongneng_store::{AgendaItem, Attendee, Decision, Meeting, StoredRules, TaskEntry};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// List filters. A caller only sees the meetings their scope reaches.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct MeetingListQuery {
    pub kind: Option<MeetingKind>,
    pub state: Option<MeetingState>,
    pub industry: Option<i64>,
    /// Held in this year.
    pub year: Option<i32>,
    /// A substring of the title.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl MeetingListQuery {
    pub fn to_query(&self) -> MeetingQuery {
        MeetingQuery {
            kind: self.kind,
            state: self.state,
            industry_id: self.industry,
            year: self.year,
            q: self.q.clone(),
        }
    }

    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeetingList {
    pub items: Vec<Meeting>,
    /// Meetings matching the filters (all pages).
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// The quarter of a proposal (this one when not given).
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct QuarterQuery {
    pub year: Option<i32>,
    /// 1–4.
    pub quarter: Option<u32>,
}

/// A state move's body: only the `version` read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {}

/// Calling a meeting off: why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    pub cancel_reason: String,
}

/// A decision and the key task it became.
#[derive(Serialize, ToSchema)]
pub struct DecisionMade {
    pub decision: Decision,
    pub task: TaskEntry,
}

/// The meetings the caller's scope reaches, newest first.
#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings", params(MeetingListQuery),
    responses((status = 200, body = MeetingList), (status = 401), (status = 403), (status = 422)))]
pub async fn list_meetings(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<MeetingListQuery>,
) -> AppResult<Json<MeetingList>> {
    let reader = app.service.meetings(&s.actor)?;
    let page = q.page();
    let (items, total) = reader.list(&q.to_query(), page).await?;
    Ok(Json(MeetingList {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Plans a meeting (the office). A quarterly meeting needs its industries, and is the
/// quarter's only one unless `extra`; it records what the proposal offered.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", request_body = MeetingInput,
    responses((status = 201, body = Meeting), (status = 403), (status = 422)))]
pub async fn create_meeting(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<Meeting>)> {
    let planner = app.service.meeting_planner(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<MeetingInput>>().await?;
    Ok((StatusCode::CREATED, Json(planner.create(input).await?)))
}

/// The quarterly proposal: about two industries, each with its figures (red warnings, overdue
/// tasks, investment gap, when it was last chosen) and score, by the stored rules.
#[utoipa::path(get, path = "/api/v1/meetings/proposal", tag = "meetings", params(QuarterQuery),
    responses((status = 200, body = Proposal), (status = 403), (status = 422)))]
pub async fn proposal(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<QuarterQuery>,
) -> AppResult<Json<Proposal>> {
    let planner = app.service.meeting_planner(&s.actor)?;
    Ok(Json(planner.proposal(q.year, q.quarter).await?))
}

/// The rules of the quarterly proposal.
#[utoipa::path(get, path = "/api/v1/settings/meeting-proposal", tag = "meetings",
    responses((status = 200, body = StoredRules), (status = 403)))]
pub async fn get_rules(State(app): State<AppState>, s: Signed) -> AppResult<Json<StoredRules>> {
    Ok(Json(app.service.meeting_planner(&s.actor)?.rules().await?))
}

/// Changes the rules of the quarterly proposal, from the `version` read.
#[utoipa::path(put, path = "/api/v1/settings/meeting-proposal", tag = "meetings",
    request_body = Versioned<ProposalRules>,
    responses((status = 200, body = StoredRules), (status = 403), (status = 409), (status = 422)))]
pub async fn set_rules(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<Json<StoredRules>> {
    let planner = app.service.meeting_planner(&s.actor)?;
    let body = body.read::<Versioned<ProposalRules>>().await?;
    Ok(Json(planner.set_rules(body.version, body.data).await?))
}

/// The meeting with its agenda, attendees, decisions (with their tasks) and what the caller
/// may do with it.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingDetail), (status = 403), (status = 404)))]
pub async fn get_meeting(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<MeetingDetail>> {
    Ok(Json(app.service.meetings(&s.actor)?.detail(id).await?))
}

/// Changes the meeting's facts while planned or held; its kind stays.
#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "meetings",
    request_body = Versioned<MeetingInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Meeting), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn update_meeting(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Meeting>> {
    let manager = app.service.meeting_manager(&s.actor, id).await?;
    let body = body.read::<Versioned<MeetingInput>>().await?;
    Ok(Json(manager.update(body.version, body.data).await?))
}

/// The meeting took place: planned → held (not before its day).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/hold", tag = "meetings",
    request_body = Versioned<Step>, params(("id" = i64, Path)),
    responses((status = 200, body = Meeting), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn hold(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Meeting>> {
    let manager = app.service.meeting_manager(&s.actor, id).await?;
    let body = body.read::<Versioned<Step>>().await?;
    Ok(Json(manager.hold(body.version).await?))
}

/// Publishes the minutes: held → minutes published; nothing changes after.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/publish", tag = "meetings",
    request_body = Versioned<Step>, params(("id" = i64, Path)),
    responses((status = 200, body = Meeting), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn publish(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Meeting>> {
    let manager = app.service.meeting_manager(&s.actor, id).await?;
    let body = body.read::<Versioned<Step>>().await?;
    Ok(Json(manager.publish(body.version).await?))
}

/// Calls the meeting off, with the reason.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancel", tag = "meetings",
    request_body = Versioned<Cancellation>, params(("id" = i64, Path)),
    responses((status = 200, body = Meeting), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn cancel(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Meeting>> {
    let manager = app.service.meeting_manager(&s.actor, id).await?;
    let body = body.read::<Versioned<Cancellation>>().await?;
    Ok(Json(
        manager
            .cancel(body.version, &body.data.cancel_reason)
            .await?,
    ))
}

/// Saves the minutes (纪要) while the meeting is held.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/minutes", tag = "meetings",
    request_body = Versioned<MinutesInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Meeting), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn save_minutes(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Meeting>> {
    let manager = app.service.meeting_manager(&s.actor, id).await?;
    let body = body.read::<Versioned<MinutesInput>>().await?;
    Ok(Json(manager.save_minutes(body.version, body.data).await?))
}

/// Puts a topic, or a problem (`problem_id`), on the agenda.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda", tag = "meetings",
    request_body = Versioned<AgendaInput>, params(("id" = i64, Path)),
    responses((status = 201, body = AgendaItem), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn add_agenda_item(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<AgendaItem>)> {
    let manager = app.service.meeting_manager(&s.actor, id).await?;
    let body = body.read::<Versioned<AgendaInput>>().await?;
    let item = manager.add_agenda_item(body.version, body.data).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// Records the outcome of an agenda item once the meeting is held.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/agenda/{item_id}", tag = "meetings",
    request_body = Versioned<OutcomeInput>, params(("id" = i64, Path), ("item_id" = i64, Path)),
    responses((status = 200, body = AgendaItem), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn record_outcome(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<Json<AgendaItem>> {
    let Ids([id, item]) = ids;
    let manager = app.service.meeting_manager(&s.actor, id).await?;
    let body = body.read::<Versioned<OutcomeInput>>().await?;
    Ok(Json(
        manager
            .record_outcome(body.version, item, body.data)
            .await?,
    ))
}

/// Adds an attendee: a user, or a named outside guest.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendees", tag = "meetings",
    request_body = Versioned<AttendeeInput>, params(("id" = i64, Path)),
    responses((status = 201, body = Attendee), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn add_attendee(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<Attendee>)> {
    let manager = app.service.meeting_manager(&s.actor, id).await?;
    let body = body.read::<Versioned<AttendeeInput>>().await?;
    let a = manager.add_attendee(body.version, body.data).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Records a decision once the meeting is held: it becomes a key task (source
/// `meeting_decision`) of its owner with its deadline, in the same transaction. Without an
/// owner or a deadline it is refused.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/decisions", tag = "meetings",
    request_body = Versioned<DecisionInput>, params(("id" = i64, Path)),
    responses((status = 201, body = DecisionMade), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn add_decision(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<DecisionMade>)> {
    let manager = app.service.meeting_manager(&s.actor, id).await?;
    let body = body.read::<Versioned<DecisionInput>>().await?;
    let (decision, task) = manager.add_decision(body.version, body.data).await?;
    Ok((StatusCode::CREATED, Json(DecisionMade { decision, task })))
}

/// The meeting's pack: per industry, its key-task progress and overdue tasks, projects behind
/// plan, open problems, and the tasks the meeting decided — within what the caller reads.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/pack", tag = "meetings",
    params(("id" = i64, Path)),
    responses((status = 200, body = MeetingPack), (status = 403), (status = 404)))]
pub async fn pack(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<MeetingPack>> {
    Ok(Json(app.service.meetings(&s.actor)?.pack(id).await?))
}

/// One of the meeting's official documents — `notice.docx`, `notice.pdf` (会议通知),
/// `minutes.docx`, `minutes.pdf` (会议纪要 with its decisions table), `pack.docx`, `pack.pdf`
/// (会议材料) — made and stored the first time at the meeting's present version, the stored one
/// after that (also under `/api/v1/documents/{id}`).
#[utoipa::path(get, path = "/api/v1/meetings/{id}/documents/{file}", tag = "meetings",
    params(("id" = i64, Path),
        ("file" = String, Path, description = "notice.docx, notice.pdf, minutes.docx, minutes.pdf, pack.docx or pack.pdf")),
    responses((status = 200, description = "The document as DOCX or PDF"),
        (status = 403), (status = 404)))]
pub async fn document(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    uri: axum::http::Uri,
) -> AppResult<axum::response::Response> {
    let reader = app.service.meetings(&s.actor)?;
    let file = uri.path().rsplit('/').next().unwrap_or_default();
    let (meta, bytes) = reader.document_file(id, file).await?;
    Ok(super::documents::document_download(&meta, bytes))
}
