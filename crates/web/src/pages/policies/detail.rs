//! A policy's page (its facts and measures, beneficiaries with committed, paid and what is
//! left — marked when near or at the commitment — and payments) and a fund's page (its facts,
//! sources and investments), with — for those who may change them — the forms that add a
//! beneficiary, record a payment (an adjustment above the commitment needs its reason), add
//! a source and record an investment. The forms come back to the page; errors show at its
//! top.

use super::{ManageFund, ManagePolicy, ViewPolicies, wan};
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::pages::form::{Action, ActionPage, Ctx, FormData, Notice, PathIds, Screen, choices};
use crate::pages::profiles::Depts;
use crate::pages::projects::Names;
use crate::pages::{Layout, render};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dongneng_domain::FieldErrors;
use dongneng_domain::money::Money;
use dongneng_domain::policies::{
    self, BeneficiaryInput, FundSource, InvestmentInput, PaymentInput, PaymentStanding,
    SourceInput, TargetKind,
};
use dongneng_service::ServiceError;
use dongneng_service::policies::{FundDetail, PolicyDetail};

/// A policy's page.
pub struct PolicyPage;

impl Screen for PolicyPage {
    type Gate = ViewPolicies;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/policies/{id}";
}

/// A fund's page.
pub struct FundPage;

impl Screen for FundPage {
    type Gate = ViewPolicies;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/funds/{id}";
}

/// The forms on a policy's page.
pub struct ManagingPolicy;

impl Screen for ManagingPolicy {
    type Gate = ManagePolicy;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/policies/{id}";
}

/// The forms on a fund's page.
pub struct ManagingFund;

impl Screen for ManagingFund {
    type Gate = ManageFund;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/funds/{id}";
}

struct BeneficiaryView {
    id: i64,
    name: String,
    href: Option<String>,
    code: String,
    district: String,
    committed: String,
    paid: String,
    left: String,
    /// `near`, `at` or `above` the commitment; empty when well within.
    standing: &'static str,
    standing_text: String,
}

struct PaymentView {
    paid_on: String,
    beneficiary: String,
    amount: String,
    adjustment: bool,
    reason: String,
}

#[derive(Template)]
#[template(path = "policy_detail.html")]
struct PolicyView {
    layout: Layout,
    id: i64,
    version: i64,
    facts: Vec<(String, String)>,
    measures: Vec<String>,
    beneficiaries: Vec<BeneficiaryView>,
    payments: Vec<PaymentView>,
    committed: String,
    paid: String,
    manage: bool,
    edit_href: String,
    regions: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    errors: Vec<String>,
}

struct SourceView {
    source: String,
    district: String,
    amount: String,
}

struct InvestmentView {
    invested_on: String,
    name: String,
    href: Option<String>,
    code: String,
    industry: String,
    district: String,
    amount: String,
    stake: String,
}

#[derive(Template)]
#[template(path = "fund_detail.html")]
struct FundView {
    layout: Layout,
    id: i64,
    version: i64,
    facts: Vec<(String, String)>,
    sources: Vec<SourceView>,
    investments: Vec<InvestmentView>,
    manage: bool,
    edit_href: String,
    regions: Vec<(String, String)>,
    industries: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    source_kinds: Vec<(String, String)>,
    errors: Vec<String>,
}

fn or_dash(v: String) -> String {
    if v.trim().is_empty() { "—".into() } else { v }
}

async fn render_policy(
    app: &AppState,
    s: &Signed,
    d: PolicyDetail,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let names = Names::load(app, s).await?;
    let depts = Depts::load(app, &s.actor).await?;
    let p = &d.policy;
    let t = |k: &str| lang.t(&format!("policies.field.{k}"));
    let facts = vec![
        (t("doc_number"), p.doc_number.clone()),
        (t("issued_on"), p.issued_on.to_string()),
        (
            lang.t("policies.validity"),
            format!(
                "{} — {}",
                p.valid_from,
                p.valid_to
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| lang.t("policies.open_ended"))
            ),
        ),
        (t("department_ids"), depts.names(lang, &p.department_ids)),
        (
            t("industry_ids"),
            p.industry_ids
                .iter()
                .map(|i| names.industry(*i))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        (t("summary"), or_dash(p.summary.clone())),
    ];
    let beneficiaries: Vec<BeneficiaryView> = d
        .beneficiaries
        .iter()
        .map(|b| {
            let standing = policies::payment_standing(Money(b.committed), Money(b.paid), Money(0));
            let code = match standing {
                PaymentStanding::Within => "",
                PaymentStanding::Near => "near",
                PaymentStanding::At => "at",
                PaymentStanding::Above => "above",
            };
            BeneficiaryView {
                id: b.id,
                name: b.name.clone(),
                href: b.project_id.map(|id| format!("/projects/{id}")),
                code: b.credit_code.clone().unwrap_or_default(),
                district: b.region_id.map(|r| names.region(r)).unwrap_or_default(),
                committed: wan(b.committed),
                paid: wan(b.paid),
                left: wan((b.committed - b.paid).max(0)),
                standing: code,
                standing_text: if code.is_empty() {
                    String::new()
                } else {
                    lang.t(&format!("policies.standing.{code}"))
                },
            }
        })
        .collect();
    let name_of = |id: i64| {
        d.beneficiaries
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.name.clone())
            .unwrap_or_default()
    };
    let view = PolicyView {
        layout: Layout::new(app, &s.ctx, "policies", p.title.clone()).with_notice(notice),
        id: p.id,
        version: p.version,
        facts,
        measures: p.measures.0.clone(),
        payments: d
            .payments
            .iter()
            .map(|x| PaymentView {
                paid_on: x.paid_on.to_string(),
                beneficiary: name_of(x.beneficiary_id),
                amount: wan(x.amount),
                adjustment: x.adjustment,
                reason: x.reason.clone().unwrap_or_default(),
            })
            .collect(),
        beneficiaries,
        committed: wan(p.committed),
        paid: wan(p.paid),
        manage: d.can.manage,
        edit_href: format!("/policies/{}/edit", p.id),
        regions: names.region_options(),
        kinds: choices(
            lang,
            "policies.target_kind",
            TargetKind::ALL,
            TargetKind::code,
        ),
        errors: errors.0.iter().map(|e| lang.field_message(e)).collect(),
    };
    Ok((status, render(&view)?).into_response())
}

async fn render_fund(
    app: &AppState,
    s: &Signed,
    d: FundDetail,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let names = Names::load(app, s).await?;
    let f = &d.fund;
    let t = |k: &str| lang.t(&format!("policies.field.{k}"));
    let mut facts = vec![
        (t("kind"), lang.t(&f.kind.label_key())),
        (t("size"), wan(f.size)),
        (lang.t("policies.total_invested"), wan(f.invested)),
        (lang.t("policies.total_sourced"), wan(f.sourced)),
        (t("manager"), f.manager.clone()),
        (
            t("established_on"),
            or_dash(f.established_on.map(|d| d.to_string()).unwrap_or_default()),
        ),
        (t("provincial_applied"), wan(f.provincial_applied)),
        (t("provincial_won"), wan(f.provincial_won)),
        (
            t("industry_ids"),
            or_dash(
                f.industry_ids
                    .iter()
                    .map(|i| names.industry(*i))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
        ),
    ];
    if let Some(parent) = f.parent_fund_id {
        facts.push((t("parent_fund_id"), format!("#{parent}")));
    }
    let view = FundView {
        layout: Layout::new(app, &s.ctx, "policies", f.name.clone()).with_notice(notice),
        id: f.id,
        version: f.version,
        facts,
        sources: d
            .sources
            .iter()
            .map(|x| SourceView {
                source: lang.t(&x.source.label_key()),
                district: x.region_id.map(|r| names.region(r)).unwrap_or_default(),
                amount: wan(x.amount),
            })
            .collect(),
        investments: d
            .investments
            .iter()
            .map(|i| InvestmentView {
                invested_on: i.invested_on.to_string(),
                name: i.name.clone(),
                href: i.project_id.map(|id| format!("/projects/{id}")),
                code: i.credit_code.clone().unwrap_or_default(),
                industry: names.industry(i.industry_id),
                district: i.region_id.map(|r| names.region(r)).unwrap_or_default(),
                amount: wan(i.amount),
                stake: format!("{}%", policies::stake_text(i.stake_bp)),
            })
            .collect(),
        manage: d.can.manage,
        edit_href: format!("/funds/{}/edit", f.id),
        regions: names.region_options(),
        industries: names.industry_options(),
        kinds: choices(
            lang,
            "policies.target_kind",
            TargetKind::ALL,
            TargetKind::code,
        ),
        source_kinds: choices(
            lang,
            "policies.fund_source",
            FundSource::ALL,
            FundSource::code,
        ),
        errors: errors.0.iter().map(|e| lang.field_message(e)).collect(),
    };
    Ok((status, render(&view)?).into_response())
}

pub async fn policy(c: Ctx<PolicyPage>, notice: Option<Notice>) -> AppResult<Response> {
    let d = c.access.policy_detail(c.path.id(0)?).await?;
    render_policy(&c.app, &c.s, d, &FieldErrors::new(), StatusCode::OK, notice).await
}

pub async fn fund(c: Ctx<FundPage>, notice: Option<Notice>) -> AppResult<Response> {
    let d = c.access.fund_detail(c.path.id(0)?).await?;
    render_fund(&c.app, &c.s, d, &FieldErrors::new(), StatusCode::OK, notice).await
}

async fn reshow_policy(
    app: &AppState,
    s: &Signed,
    path: &PathIds,
    errors: &FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let d = app
        .service
        .policy_reader(&s.actor)?
        .policy_detail(path.id(0)?)
        .await?;
    render_policy(app, s, d, errors, status, None).await
}

async fn reshow_fund(
    app: &AppState,
    s: &Signed,
    path: &PathIds,
    errors: &FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let d = app
        .service
        .policy_reader(&s.actor)?
        .fund_detail(path.id(0)?)
        .await?;
    render_fund(app, s, d, errors, status, None).await
}

impl ActionPage for ManagingPolicy {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow_policy(&c.app, &c.s, &c.path, errors, status).await
    }
}

impl ActionPage for ManagingFund {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow_fund(&c.app, &c.s, &c.path, errors, status).await
    }
}

/// The kind of a beneficiary or investee as typed.
fn target_kind(f: &FormData, errs: &mut FieldErrors) -> TargetKind {
    f.choice("kind", TargetKind::parse, errs)
        .unwrap_or(TargetKind::Enterprise)
}

/// A beneficiary added.
pub struct AddBeneficiary;

impl Action for AddBeneficiary {
    type Page = ManagingPolicy;
    type Input = (i64, BeneficiaryInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let b = BeneficiaryInput {
            kind: target_kind(f, &mut errs),
            project_id: f.opt_id("project_id", &mut errs),
            enterprise_name: f.opt("enterprise_name"),
            credit_code: f.opt("credit_code"),
            region_id: f.opt_id("region_id", &mut errs),
            committed: f.required_money("committed", &mut errs),
            note: f.get("note"),
        };
        Ok(((f.version()?, b), errs))
    }

    async fn run(c: &Ctx<ManagingPolicy>, (version, b): Self::Input) -> Result<(), ServiceError> {
        c.access.add_beneficiary(version, b).await.map(drop)
    }
}

/// A payment (兑现) recorded.
pub struct AddPayment;

impl Action for AddPayment {
    type Page = ManagingPolicy;
    type Input = (i64, PaymentInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let p = PaymentInput {
            beneficiary_id: f.required_id("beneficiary_id", &mut errs),
            paid_on: f.required_date("paid_on", &mut errs),
            amount: f.required_money("amount", &mut errs),
            adjustment: f.flag("adjustment"),
            reason: f.opt("reason"),
        };
        Ok(((f.version()?, p), errs))
    }

    async fn run(c: &Ctx<ManagingPolicy>, (version, p): Self::Input) -> Result<(), ServiceError> {
        c.access.add_payment(version, p).await.map(drop)
    }
}

/// A source of the fund's money added.
pub struct AddSource;

impl Action for AddSource {
    type Page = ManagingFund;
    type Input = (i64, SourceInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let source = f
            .choice("source", FundSource::parse, &mut errs)
            .unwrap_or(FundSource::City);
        let s = SourceInput {
            source,
            region_id: f.opt_id("region_id", &mut errs),
            amount: f.required_money("amount", &mut errs),
            note: f.get("note"),
        };
        Ok(((f.version()?, s), errs))
    }

    async fn run(c: &Ctx<ManagingFund>, (version, s): Self::Input) -> Result<(), ServiceError> {
        c.access.add_source(version, s).await.map(drop)
    }
}

/// An investment recorded.
pub struct AddInvestment;

impl Action for AddInvestment {
    type Page = ManagingFund;
    type Input = (i64, InvestmentInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let stake = policies::parse_stake(&f.get("stake")).unwrap_or_else(|| {
            errs.add("stake_bp", "range");
            0
        });
        let i = InvestmentInput {
            kind: target_kind(f, &mut errs),
            project_id: f.opt_id("project_id", &mut errs),
            enterprise_name: f.opt("enterprise_name"),
            credit_code: f.opt("credit_code"),
            region_id: f.opt_id("region_id", &mut errs),
            industry_id: f.opt_id("industry_id", &mut errs),
            invested_on: f.required_date("invested_on", &mut errs),
            amount: f.required_money("amount", &mut errs),
            stake_bp: stake,
            note: f.get("note"),
        };
        Ok(((f.version()?, i), errs))
    }

    async fn run(c: &Ctx<ManagingFund>, (version, i): Self::Input) -> Result<(), ServiceError> {
        c.access.add_investment(version, i).await.map(drop)
    }
}
