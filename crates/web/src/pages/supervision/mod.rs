//! Supervision pages: the ledger (督办台账) with its filters and xlsx export (`list.rs`), the
//! supervisor's issue and edit forms (`form.rs`), and the item page with its units, replies,
//! files and record, and the forms on it — a unit's reply, the supervisor's close (销号) —
//! (`detail.rs`).

mod detail;
mod form;
mod list;

use crate::AppState;
use crate::context::Signed;
use crate::pages::form::{Gate, PathIds, act, create_routes, edit_routes};
use axum::Router;
use axum::routing::{get, post};
use dongneng_service::ServiceError;
use dongneng_service::supervision::{SupervisionIssuer, SupervisionManager, SupervisionReplier};

pub fn router() -> Router<AppState> {
    let upload_limit = crate::api::files::UPLOAD_BODY_LIMIT;
    let r = Router::new()
        .route("/supervision", get(list::ledger))
        .route(
            "/supervision/ledger.xlsx",
            get(crate::api::supervision::ledger_xlsx),
        )
        .route("/supervision/{id}", get(detail::detail))
        .route(
            "/supervision/{id}/notice.docx",
            get(crate::api::supervision::notice_docx),
        )
        .route(
            "/supervision/{id}/notice.pdf",
            get(crate::api::supervision::notice_pdf),
        )
        .route(
            "/documents/{id}",
            get(crate::api::documents::download_document),
        )
        .route("/supervision/{id}/reply", post(act::<detail::Reply>))
        .route("/supervision/{id}/close", post(act::<detail::Close>))
        .route(
            "/supervision/{id}/files",
            crate::extract::limited(post(detail::upload), upload_limit),
        )
        .route("/supervision/{id}/files/{b}", get(detail::download));
    create_routes::<form::Issue>(edit_routes::<form::ItemForm>(r))
}

/// The supervisor, issuing items.
pub struct IssueSupervision;

impl Gate for IssueSupervision {
    type Access = SupervisionIssuer;

    async fn access(
        app: &AppState,
        s: &Signed,
        _: &PathIds,
    ) -> Result<SupervisionIssuer, ServiceError> {
        app.service.supervision_issuer(&s.actor)
    }
}

/// The supervisor, over item `{id}`.
pub struct ManageSupervision;

impl Gate for ManageSupervision {
    type Access = SupervisionManager;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<SupervisionManager, ServiceError> {
        app.service.supervision_manager(&s.actor, path.id(0)?).await
    }
}

/// A unit of item `{id}`.
pub struct ReplySupervision;

impl Gate for ReplySupervision {
    type Access = SupervisionReplier;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<SupervisionReplier, ServiceError> {
        app.service.supervision_replier(&s.actor, path.id(0)?).await
    }
}
