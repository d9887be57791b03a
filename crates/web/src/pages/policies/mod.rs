//! Policies' and funds' pages: the lists with their totals (`list.rs`); the forms to record
//! and change a policy or a fund (`form.rs`); a policy's page with its beneficiaries and
//! payments, a fund's with its sources and investments, and the forms that add to them
//! (`detail.rs`). Each gate asks the service for the capability it needs; the pages show only
//! the links and forms those would let through.

mod detail;
mod form;
mod list;

use crate::AppState;
use crate::context::Signed;
use crate::pages::form::{Gate, PathIds, act, create_routes, edit_routes};
use axum::Router;
use axum::routing::{get, post};
use dongneng_domain::money::Money;
use dongneng_service::ServiceError;
use dongneng_service::policies::{FundEditor, PolicyDesk, PolicyEditor, PolicyReader};

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/policies", get(list::policies))
        .route("/funds", get(list::funds))
        .route("/policies/{id}", get(detail::policy))
        .route("/funds/{id}", get(detail::fund))
        .route(
            "/policies/{id}/beneficiaries",
            post(act::<detail::AddBeneficiary>),
        )
        .route("/policies/{id}/payments", post(act::<detail::AddPayment>))
        .route("/funds/{id}/sources", post(act::<detail::AddSource>))
        .route(
            "/funds/{id}/investments",
            post(act::<detail::AddInvestment>),
        );
    let r = create_routes::<form::NewPolicy>(r);
    let r = edit_routes::<form::PolicyForm>(r);
    let r = create_routes::<form::NewFund>(r);
    edit_routes::<form::FundForm>(r)
}

/// Who reads policies and funds.
pub struct ViewPolicies;

impl Gate for ViewPolicies {
    type Access = PolicyReader;

    async fn access(app: &AppState, s: &Signed, _: &PathIds) -> Result<PolicyReader, ServiceError> {
        app.service.policy_reader(&s.actor)
    }
}

/// Who records new policies and funds.
pub struct RecordPolicies;

impl Gate for RecordPolicies {
    type Access = PolicyDesk;

    async fn access(app: &AppState, s: &Signed, _: &PathIds) -> Result<PolicyDesk, ServiceError> {
        app.service.policy_desk(&s.actor)
    }
}

/// Who records new funds.
pub struct RecordFunds;

impl Gate for RecordFunds {
    type Access = PolicyDesk;

    async fn access(app: &AppState, s: &Signed, _: &PathIds) -> Result<PolicyDesk, ServiceError> {
        app.service.fund_desk(&s.actor)
    }
}

/// Who changes policy `{id}`.
pub struct ManagePolicy;

impl Gate for ManagePolicy {
    type Access = PolicyEditor;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<PolicyEditor, ServiceError> {
        app.service.policy_editor(&s.actor, path.id(0)?).await
    }
}

/// Who changes fund `{id}`.
pub struct ManageFund;

impl Gate for ManageFund {
    type Access = FundEditor;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<FundEditor, ServiceError> {
        app.service.fund_editor(&s.actor, path.id(0)?).await
    }
}

/// An amount of 分 in 万元, as the tables show it.
fn wan(fen: i64) -> String {
    Money(fen).wan_display()
}
