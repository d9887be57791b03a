//! Problem pages: the list with its filters (`list.rs`), the per-department table
//! (`stats.rs`), raising a problem — also from a project's page, with the project filled in —
//! and the office's edit (`form.rs`), and the problem page with its timeline and the forms each
//! role may use on it (`detail.rs`). The service decides who may do what; each form's
//! permission hook is its capability.

mod detail;
mod form;
mod list;
mod stats;

use crate::AppState;
use crate::context::Signed;
use crate::pages::form::{Gate, PathIds, act, create_routes, edit_routes};
use axum::Router;
use axum::routing::{get, post};
use dongneng_service::ServiceError;
use dongneng_service::problems::{
    ProblemAnswerer, ProblemInstructor, ProblemManager, ProblemRaiser, ProblemUrger,
};

pub fn router() -> Router<AppState> {
    let upload_limit = crate::api::files::UPLOAD_BODY_LIMIT;
    let r = Router::new()
        .route("/problems", get(list::list))
        .route("/problems/department-stats", get(stats::stats))
        .route("/problems/{id}", get(detail::detail))
        .route("/problems/{id}/assign", post(act::<detail::Assign>))
        .route("/problems/{id}/return", post(act::<detail::Return>))
        .route("/problems/{id}/escalate", post(act::<detail::Escalate>))
        .route("/problems/{id}/resolve", post(act::<detail::Resolve>))
        .route("/problems/{id}/sign", post(act::<detail::Sign>))
        .route("/problems/{id}/answer", post(act::<detail::Answer>))
        .route("/problems/{id}/urge", post(act::<detail::Urge>))
        .route("/problems/{id}/instruct", post(act::<detail::Instruct>))
        .route(
            "/problems/{id}/files",
            crate::extract::limited(post(detail::upload), upload_limit),
        )
        .route("/problems/{id}/files/{b}", get(detail::download));
    let r = create_routes::<form::RaiseFromProject>(r);
    create_routes::<form::Raise>(edit_routes::<form::ProblemForm>(r))
}

/// The links a project's page shows: its problems for those who read problems, and raising
/// one from it for those who may.
pub(crate) async fn problem_links(
    app: &AppState,
    s: &Signed,
    project: i64,
) -> (Option<String>, Option<String>) {
    let list = app
        .service
        .problems(&s.actor)
        .is_ok()
        .then(|| format!("/problems?project={project}"));
    let raise = RaiseProblems::access(app, s, &PathIds::default())
        .await
        .is_ok()
        .then(|| format!("/projects/{project}/problems/new"));
    (list, raise)
}

/// Who raises problems.
pub struct RaiseProblems;

impl Gate for RaiseProblems {
    type Access = ProblemRaiser;

    async fn access(
        app: &AppState,
        s: &Signed,
        _: &PathIds,
    ) -> Result<ProblemRaiser, ServiceError> {
        app.service.problem_raiser(&s.actor)
    }
}

/// The office, over problem `{id}`.
pub struct ManageProblems;

impl Gate for ManageProblems {
    type Access = ProblemManager;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<ProblemManager, ServiceError> {
        app.service.problem_manager(&s.actor, path.id(0)?).await
    }
}

/// A department problem `{id}` is assigned to, over its own assignment.
pub struct AnswerProblems;

impl Gate for AnswerProblems {
    type Access = ProblemAnswerer;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<ProblemAnswerer, ServiceError> {
        app.service.problem_answerer(&s.actor, path.id(0)?).await
    }
}

/// The office and the supervisor, urging on problem `{id}`.
pub struct UrgeProblems;

impl Gate for UrgeProblems {
    type Access = ProblemUrger;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<ProblemUrger, ServiceError> {
        app.service.problem_urger(&s.actor, path.id(0)?).await
    }
}

/// A leader of problem `{id}`'s industry.
pub struct InstructProblems;

impl Gate for InstructProblems {
    type Access = ProblemInstructor;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<ProblemInstructor, ServiceError> {
        app.service.problem_instructor(&s.actor, path.id(0)?).await
    }
}
