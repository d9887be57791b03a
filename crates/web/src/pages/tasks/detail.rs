//! A task's page: its facts, its status (red with the days when overdue), the forms of what
//! the caller may do now — start, submit as done, accept or send back, cancel, add a note or
//! evidence — its timeline, notes, evidence and history. The forms come back to it; their
//! errors show at the top.

use super::form::TaskForm;
use super::{CheckTask, ReportOnTask, TaskNames, ViewTasks, status_text};
use crate::AppState;
use crate::api::files::{file_response, read_upload};
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, china_time};
use crate::pages::form::{Action, ActionPage, Ctx, Delete, FormData, Notice, PathIds, Screen};
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dongneng_domain::FieldErrors;
use dongneng_domain::task::{NoteInput, TaskSource, TaskStatus, TaskStep};
use dongneng_service::ServiceError;
use dongneng_service::tasks::TaskDetail;
use dongneng_store::AuditEntry;

/// A task's page.
pub struct TaskPage;

impl Screen for TaskPage {
    type Gate = ViewTasks;
    const AREA: &'static str = "tasks";
    const HOME: &'static str = "/tasks/{id}";
}

/// The forms of one who reports on the task.
pub struct Reporting;

impl Screen for Reporting {
    type Gate = ReportOnTask;
    const AREA: &'static str = "tasks";
    const HOME: &'static str = "/tasks/{id}";
}

/// The forms of one who checks the task's close.
pub struct Checking;

impl Screen for Checking {
    type Gate = CheckTask;
    const AREA: &'static str = "tasks";
    const HOME: &'static str = "/tasks/{id}";
}

struct FileView {
    id: i64,
    name: String,
    href: String,
    size: String,
    by: String,
    delete: Option<String>,
}

/// The status moves the caller may make now: a form for each.
struct Steps {
    start: bool,
    submit: bool,
    accept: bool,
    reject: bool,
    cancel: bool,
}

impl Steps {
    fn of(steps: &[TaskStep]) -> Steps {
        let has = |s: TaskStep| steps.contains(&s);
        Steps {
            start: has(TaskStep::Start),
            submit: has(TaskStep::Submit),
            accept: has(TaskStep::Accept),
            reject: has(TaskStep::Reject),
            cancel: has(TaskStep::Cancel),
        }
    }
}

struct HistoryView {
    at: String,
    who: String,
    action: String,
    changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "task_detail.html")]
struct DetailPage {
    layout: Layout,
    id: i64,
    version: i64,
    status_code: &'static str,
    status: String,
    late: Option<String>,
    facts: Vec<(String, String)>,
    /// Why it was last sent back, or why it was cancelled.
    reason: Option<(String, String)>,
    edit_href: Option<String>,
    /// The record the task came from, when it has a page (a meeting).
    source_href: Option<String>,
    steps: Steps,
    can_note: bool,
    /// Where evidence is uploaded (multipart carries its CSRF token in the query).
    upload_action: Option<String>,
    notes: Vec<(String, String, String)>,
    files: Vec<FileView>,
    events: Vec<(String, String, String, String)>,
    history: Vec<HistoryView>,
    errors: Vec<String>,
    today: String,
}

/// Fields the history shows when they change, in order (those of a task, and of the work
/// plan's measure it was before).
const HISTORY_FIELDS: &[&str] = &[
    "title",
    "measure",
    "details",
    "industry_id",
    "region_id",
    "lead_department_id",
    "owner_department_id",
    "co_department_ids",
    "responsible_person",
    "owner_person",
    "leader_user_id",
    "deadline",
    "status",
    "reject_reason",
    "cancel_reason",
];

fn history_view(names: &TaskNames, e: &AuditEntry) -> HistoryView {
    let lang = names.lang;
    let id = |v: &serde_json::Value| v.as_i64();
    let show = |field: &str, v: Option<&serde_json::Value>| -> String {
        let Some(v) = v else { return String::new() };
        match (field, v) {
            (_, serde_json::Value::Null) => "—".into(),
            ("industry_id", v) => id(v).map(|i| names.places.industry(i)).unwrap_or_default(),
            ("region_id", v) => id(v).map(|i| names.places.region(i)).unwrap_or_default(),
            ("lead_department_id" | "owner_department_id", v) => names.department(id(v)),
            ("co_department_ids", serde_json::Value::Array(ids)) => {
                let ids: Vec<i64> = ids.iter().filter_map(id).collect();
                names.depts.names(lang, &ids)
            }
            ("leader_user_id", v) => names.leader(id(v)),
            ("status", serde_json::Value::String(s)) => lang.t(&format!("task.status.{s}")),
            (_, serde_json::Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        }
    };
    let mut changes = Vec::new();
    for f in HISTORY_FIELDS {
        let b = e.before.as_ref().and_then(|v| v.get(*f));
        let a = e.after.as_ref().and_then(|v| v.get(*f));
        if a.is_some() && b != a {
            changes.push((lang.field_label(f), show(f, b), show(f, a)));
        }
    }
    let action = match e.record_type.as_str() {
        "work_plan_measure" => format!("{} · {}", lang.t("task.as_measure"), e.action),
        _ => e.action.clone(),
    };
    HistoryView {
        at: china_time(e.at),
        who: e.username.clone(),
        action,
        changes,
    }
}

/// The timeline's step in words.
fn event_text(lang: Lang, kind: &str, to: TaskStatus) -> String {
    match kind {
        "created" => lang.t("task.event_created"),
        step => format!(
            "{} → {}",
            lang.t(&format!("task.step.{step}")),
            lang.t(&to.label_key())
        ),
    }
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

async fn render_detail(
    app: &AppState,
    s: &Signed,
    d: TaskDetail,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let names = TaskNames::load(app, s).await?;
    let e = &d.task;
    let t = &e.task;
    let (status_label, late) = status_text(lang, e);
    let or_dash = |v: String| {
        if v.trim().is_empty() {
            "—".to_string()
        } else {
            v
        }
    };
    let kv = |k: &str, v: String| (lang.field_label(k), or_dash(v));
    let mut facts = vec![
        kv("source", lang.t(&t.source.label_key())),
        kv(
            "industry_id",
            t.industry_id
                .map(|i| names.places.industry(i))
                .unwrap_or_default(),
        ),
        kv(
            "region_id",
            t.region_id
                .map(|r| names.places.region(r))
                .unwrap_or_default(),
        ),
        kv("lead_department_id", names.department(t.lead_department_id)),
        kv(
            "co_department_ids",
            names.depts.names(lang, &t.co_department_ids),
        ),
        kv(
            "responsible_person",
            t.responsible_person.clone().unwrap_or_default(),
        ),
        kv("leader_user_id", names.leader(t.leader_user_id)),
        kv("issued_on", t.issued_on.to_string()),
        kv("deadline", t.deadline.to_string()),
        kv("issuer", lang.t(&t.issuer.label_key())),
    ];
    if !t.details.is_empty() {
        facts.insert(0, kv("details", t.details.clone()));
    }
    let reason = match t.status {
        TaskStatus::Cancelled => t
            .cancel_reason
            .clone()
            .map(|r| (lang.field_label("cancel_reason"), r)),
        TaskStatus::InProgress => t
            .reject_reason
            .clone()
            .map(|r| (lang.field_label("reject_reason"), r)),
        _ => None,
    };
    let open = t.status.takes_evidence();
    let page = DetailPage {
        layout: Layout::new(app, &s.ctx, "tasks", t.title.clone()).with_notice(notice),
        id: t.id,
        version: t.version,
        status_code: t.status.code(),
        status: status_label,
        late,
        facts,
        reason,
        edit_href: (d.can.edit && !t.status.is_finished()).then(|| format!("/tasks/{}/edit", t.id)),
        source_href: match (t.source, t.source_id) {
            (TaskSource::MeetingDecision, Some(m)) => Some(format!("/meetings/{m}")),
            (TaskSource::ProblemInstruction, Some(p)) => Some(format!("/problems/{p}")),
            _ => None,
        },
        steps: Steps::of(&d.can.steps),
        can_note: d.can.report && !t.status.is_finished(),
        upload_action: (d.can.report && open).then(|| {
            let token = crate::context::urlencode(&s.ctx.csrf_token());
            format!("/tasks/{}/files?_csrf={token}", t.id)
        }),
        notes: d
            .notes
            .iter()
            .map(|n| {
                (
                    n.noted_on.to_string(),
                    n.progress_note.clone(),
                    n.username.clone(),
                )
            })
            .collect(),
        files: d
            .files
            .iter()
            .map(|f| FileView {
                id: f.id,
                name: f.file_name.clone(),
                href: format!("/tasks/{}/files/{}", t.id, f.id),
                size: size_text(f.size_bytes),
                by: f.uploaded_by.clone(),
                delete: (d.can.report && open)
                    .then(|| format!("/tasks/{}/files/{}/delete", t.id, f.id)),
            })
            .collect(),
        events: d
            .events
            .iter()
            .map(|ev| {
                (
                    china_time(ev.at),
                    event_text(lang, &ev.kind, ev.to_status),
                    ev.reason.clone().unwrap_or_default(),
                    ev.username.clone(),
                )
            })
            .collect(),
        history: d.history.iter().map(|h| history_view(&names, h)).collect(),
        errors: errors.0.iter().map(|e| lang.field_message(e)).collect(),
        today: dongneng_domain::clock::today().to_string(),
    };
    Ok((status, render(&page)?).into_response())
}

/// The page again with what was wrong (for every form posted from it).
async fn reshow_detail(
    app: &AppState,
    s: &Signed,
    path: &PathIds,
    errors: &FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let d = app.service.tasks(&s.actor)?.detail(path.id(0)?).await?;
    render_detail(app, s, d, errors, status, None).await
}

pub async fn detail(c: Ctx<TaskPage>, notice: Option<Notice>) -> AppResult<Response> {
    let d = c.access.detail(c.path.id(0)?).await?;
    let no_errors = FieldErrors::new();
    render_detail(&c.app, &c.s, d, &no_errors, StatusCode::OK, notice).await
}

impl ActionPage for Reporting {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow_detail(&c.app, &c.s, &c.path, errors, status).await
    }
}

impl ActionPage for Checking {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow_detail(&c.app, &c.s, &c.path, errors, status).await
    }
}

impl ActionPage for TaskForm {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow_detail(&c.app, &c.s, &c.path, errors, status).await
    }
}

/// A reason given with a step, and the version it was given at.
fn read_reason(f: &FormData, field: &str) -> AppResult<((i64, String), FieldErrors)> {
    Ok(((f.version()?, f.get(field)), FieldErrors::new()))
}

/// Work on the task begins.
pub struct Start;

impl Action for Start {
    type Page = Reporting;
    type Input = i64;

    fn read(f: &FormData) -> AppResult<(i64, FieldErrors)> {
        Ok((f.version()?, FieldErrors::new()))
    }

    async fn run(c: &Ctx<Reporting>, version: i64) -> Result<(), ServiceError> {
        c.access.start(version).await.map(drop)
    }
}

/// The task is reported done, for its issuer to check.
pub struct Submit;

impl Action for Submit {
    type Page = Reporting;
    type Input = i64;

    fn read(f: &FormData) -> AppResult<(i64, FieldErrors)> {
        Ok((f.version()?, FieldErrors::new()))
    }

    async fn run(c: &Ctx<Reporting>, version: i64) -> Result<(), ServiceError> {
        c.access.submit(version).await.map(drop)
    }
}

/// A dated progress note.
pub struct Note;

impl Action for Note {
    type Page = Reporting;
    type Input = NoteInput;

    fn read(f: &FormData) -> AppResult<(NoteInput, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let note = NoteInput {
            progress_note: f.get("progress_note"),
            noted_on: f.date("noted_on", &mut errs),
        };
        Ok((note, errs))
    }

    async fn run(c: &Ctx<Reporting>, note: NoteInput) -> Result<(), ServiceError> {
        c.access.add_note(note).await.map(drop)
    }
}

/// The close is accepted.
pub struct Accept;

impl Action for Accept {
    type Page = Checking;
    type Input = i64;

    fn read(f: &FormData) -> AppResult<(i64, FieldErrors)> {
        Ok((f.version()?, FieldErrors::new()))
    }

    async fn run(c: &Ctx<Checking>, version: i64) -> Result<(), ServiceError> {
        c.access.accept(version).await.map(drop)
    }
}

/// The close is sent back, with the reason.
pub struct Reject;

impl Action for Reject {
    type Page = Checking;
    type Input = (i64, String);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        read_reason(f, "reject_reason")
    }

    async fn run(c: &Ctx<Checking>, (version, reason): Self::Input) -> Result<(), ServiceError> {
        c.access.reject(version, &reason).await.map(drop)
    }
}

/// The task is called off, with the reason.
pub struct Cancel;

impl Action for Cancel {
    type Page = TaskForm;
    type Input = (i64, String);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        read_reason(f, "cancel_reason")
    }

    async fn run(c: &Ctx<TaskForm>, (version, reason): Self::Input) -> Result<(), ServiceError> {
        c.access.cancel(version, &reason).await.map(drop)
    }
}

// ---------------------------------------------------------------- evidence

/// Evidence `{a}` of task `{id}`: uploaded on the page, removed after confirmation.
pub struct Evidence;

impl Screen for Evidence {
    type Gate = ReportOnTask;
    const AREA: &'static str = "tasks";
    const HOME: &'static str = "/tasks/{id}";
}

impl Delete for Evidence {
    const RECORD: &'static str = "/tasks/{id}/files/{a}";
    const CONFIRM_TEXT: &'static str = "task.file_delete_text";

    /// The task's title and the file's name.
    async fn doomed(c: &Ctx<Self>) -> AppResult<(Vec<(String, String)>, i64)> {
        let file = c.access.file(c.path.id(1)?).await?;
        let lang = c.lang();
        let facts = vec![
            (lang.field_label("title"), c.access.task().title.clone()),
            (lang.field_label("file"), file.file_name),
        ];
        Ok((facts, file.version))
    }

    async fn delete(c: &Ctx<Self>, version: i64) -> Result<(), ServiceError> {
        c.access.delete_file(c.path.id(1)?, version).await
    }
}

/// `POST` a piece of evidence: back to the task, or its page saying what was wrong.
pub async fn file_upload(
    c: Ctx<Evidence>,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let result = match read_upload(multipart).await {
        Ok(up) => c
            .access
            .upload_file(up.name.as_deref(), up.content_type.as_deref(), up.bytes)
            .await
            .map(drop),
        Err(AppError::Service(e)) => Err(e),
        Err(other) => return Err(other),
    };
    match result {
        Ok(()) => Ok(Notice::Saved.redirect(&c.home())),
        Err(ServiceError::Invalid(e)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            reshow_detail(&c.app, &c.s, &c.path, &e, status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET` evidence `{a}` of task `{id}`, for anyone who may read the task.
pub async fn file_download(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
) -> AppResult<Response> {
    let (meta, bytes) = app
        .service
        .tasks(&s.actor)?
        .download_file(path.id(0)?, path.id(1)?)
        .await?;
    Ok(file_response(&meta.file_name, &meta.content_type, bytes))
}
