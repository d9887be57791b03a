//! Key tasks' pages: the list with filters, counts and the overdue in red (`list.rs`); the
//! forms to issue a task — of the office, or for an industry's work plan — and to change one
//! (`form.rs`); a task's page with its facts, timeline, notes and evidence, and the forms of
//! what the caller may do with it (`detail.rs`). Each form's gate asks the service for the
//! capability it needs; the pages show only the links and forms those would let through.

mod detail;
mod form;
mod list;

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{Gate, PathIds, act, create_routes, delete_routes, edit_routes};
use crate::pages::profiles::Depts;
use crate::pages::projects::Names;
use axum::Router;
use axum::routing::{get, post};
use dongneng_service::ServiceError;
use dongneng_service::tasks::{TaskChecker, TaskEditor, TaskIssuer, TaskReader, TaskReporter};
use dongneng_store::{Task, TaskEntry, WorkPlan};

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/tasks", get(list::list))
        .route("/tasks/{id}", get(detail::detail))
        .route("/tasks/{id}/start", post(act::<detail::Start>))
        .route("/tasks/{id}/submit", post(act::<detail::Submit>))
        .route("/tasks/{id}/notes", post(act::<detail::Note>))
        .route("/tasks/{id}/accept", post(act::<detail::Accept>))
        .route("/tasks/{id}/reject", post(act::<detail::Reject>))
        .route("/tasks/{id}/cancel", post(act::<detail::Cancel>))
        .route(
            "/tasks/{id}/files",
            crate::extract::limited(
                post(detail::file_upload),
                crate::api::files::UPLOAD_BODY_LIMIT,
            ),
        )
        .route("/tasks/{id}/files/{a}", get(detail::file_download));
    let r = create_routes::<form::NewTask>(r);
    let r = create_routes::<form::NewPlanTask>(r);
    let r = delete_routes::<detail::Evidence>(r);
    edit_routes::<form::TaskForm>(r)
}

/// Who reads the tasks (the list, a task's page, its evidence).
pub struct ViewTasks;

impl Gate for ViewTasks {
    type Access = TaskReader;

    async fn access(app: &AppState, s: &Signed, _: &PathIds) -> Result<TaskReader, ServiceError> {
        app.service.tasks(&s.actor)
    }
}

/// Who issues the office's tasks (its own, reform items).
pub struct IssueTasks;

impl Gate for IssueTasks {
    type Access = TaskIssuer;

    async fn access(app: &AppState, s: &Signed, _: &PathIds) -> Result<TaskIssuer, ServiceError> {
        app.service.task_issuer(&s.actor)?.for_office()
    }
}

/// Who gives work plan `{id}` tasks (its measures).
pub struct IssuePlanTasks;

impl Gate for IssuePlanTasks {
    type Access = (TaskIssuer, WorkPlan);

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<(TaskIssuer, WorkPlan), ServiceError> {
        app.service
            .task_issuer(&s.actor)?
            .for_plan(path.id(0)?)
            .await
    }
}

/// Who changes and cancels task `{id}`.
pub struct ManageTask;

impl Gate for ManageTask {
    type Access = TaskEditor;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<TaskEditor, ServiceError> {
        app.service.task_editor(&s.actor, path.id(0)?).await
    }
}

/// Who reports on task `{id}`: notes, evidence, start, submit.
pub struct ReportOnTask;

impl Gate for ReportOnTask {
    type Access = TaskReporter;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<TaskReporter, ServiceError> {
        app.service.task_reporter(&s.actor, path.id(0)?).await
    }
}

/// Who checks the close of task `{id}`.
pub struct CheckTask;

impl Gate for CheckTask {
    type Access = TaskChecker;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<TaskChecker, ServiceError> {
        app.service.task_checker(&s.actor, path.id(0)?).await
    }
}

/// Names for the ids a task holds, in the user's language.
struct TaskNames {
    places: Names,
    depts: Depts,
    leaders: Vec<(i64, String)>,
    lang: Lang,
}

impl TaskNames {
    async fn load(app: &AppState, s: &Signed) -> AppResult<TaskNames> {
        Ok(TaskNames {
            places: Names::load(app, s).await?,
            depts: Depts::load(app, &s.actor).await?,
            leaders: app.service.tasks(&s.actor)?.leaders().await?,
            lang: s.ctx.lang,
        })
    }

    fn leader(&self, id: Option<i64>) -> String {
        self.leaders
            .iter()
            .find(|(i, _)| Some(*i) == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    /// Where the task belongs: its industry and its district.
    fn place(&self, t: &Task) -> String {
        let parts: Vec<String> = [
            t.industry_id.map(|i| self.places.industry(i)),
            t.region_id.map(|r| self.places.region(r)),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
        parts.join(" · ")
    }

    fn department(&self, id: Option<i64>) -> String {
        self.depts.name(self.lang, id)
    }
}

/// A task's status in words, with "N days overdue" when it is.
fn status_text(lang: Lang, e: &TaskEntry) -> (String, Option<String>) {
    let status = lang.t(&e.task.status.label_key());
    let late = e
        .overdue
        .then(|| lang.t_with("task.days_overdue", &[("n", &e.days_overdue.to_string())]));
    (status, late)
}
