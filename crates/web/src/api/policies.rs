//! Policies landed (政策落地) and industry funds (基金运作): the lists (`items`/`total`, filters
//! by industry, district, year/month) and their totals, one record with its parts, creating
//! and changing one (with the `version` read: 409 when stale), beneficiaries, payments (兑现),
//! sources and investments; the month's figures and items of the monthly dispatch.

use crate::AppState;
use crate::api::files::VersionQuery;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::{Id, Ids, Query, Unread};
use crate::json::{ApiJson, Versioned};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dongneng_domain::money::Money;
use dongneng_domain::paging::Page;
use dongneng_domain::policies::{
    BeneficiaryInput, FundInput, FundKind, InvestmentInput, PaymentInput, PolicyInput, SourceInput,
};
use dongneng_service::policies::{
    FundDetail, FundQuery, PaymentOutcome, PolicyDetail, PolicyQuery,
};
use dongneng_store::{
    Beneficiary, Fund, FundTotals, Investment, Policy, PolicyFundMonth, PolicyFundMonthItems,
    PolicyTotals, Source,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Policy list filters. A caller only sees the policies its scope reaches.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct PolicyListQuery {
    pub industry: Option<i64>,
    /// With a beneficiary in this district (or below it).
    pub district: Option<i64>,
    /// Issued by this department.
    pub department: Option<i64>,
    /// Issued in this year (and `month`).
    pub year: Option<i32>,
    pub month: Option<u32>,
    /// A substring of the title or 文号.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl PolicyListQuery {
    pub fn to_query(&self) -> PolicyQuery {
        PolicyQuery {
            industry_id: self.industry,
            region_id: self.district,
            department_id: self.department,
            year: self.year,
            month: self.month,
            q: self.q.clone(),
        }
    }
    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }
}

/// Fund list filters.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct FundListQuery {
    pub kind: Option<FundKind>,
    pub industry: Option<i64>,
    /// With an investment in this district (or below it).
    pub district: Option<i64>,
    /// With an investment in this year (and `month`).
    pub year: Option<i32>,
    pub month: Option<u32>,
    /// A substring of the name or manager.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl FundListQuery {
    pub fn to_query(&self) -> FundQuery {
        FundQuery {
            kind: self.kind,
            industry_id: self.industry,
            region_id: self.district,
            year: self.year,
            month: self.month,
            q: self.q.clone(),
        }
    }
    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }
}

/// The month of the dispatch figures.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct MonthQuery {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// One industry (all the caller's when not given).
    pub industry: Option<i64>,
    /// Items of each list (1–500, default 50).
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyList {
    pub items: Vec<Policy>,
    /// Policies matching the filters (all pages).
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Serialize, ToSchema)]
pub struct FundList {
    pub items: Vec<Fund>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// The month's figures (per industry, then the city row) and its payments and investments.
#[derive(Serialize, ToSchema)]
pub struct PolicyMonth {
    pub figures: Vec<PolicyFundMonth>,
    pub items: PolicyFundMonthItems,
}

/// A beneficiary's new commitment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentInput {
    /// Committed (分); not below what was paid.
    #[schema(value_type = i64)]
    pub committed: Money,
    #[serde(default)]
    pub note: String,
}

/// The policies the caller's scope reaches, newest issued first.
#[utoipa::path(get, path = "/api/v1/policies", tag = "policies", params(PolicyListQuery),
    responses((status = 200, body = PolicyList), (status = 401), (status = 403), (status = 422)))]
pub async fn list_policies(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<PolicyListQuery>,
) -> AppResult<Json<PolicyList>> {
    let reader = app.service.policy_reader(&s.actor)?;
    let page = q.page();
    let (items, total) = reader.policies(&q.to_query(), page).await?;
    Ok(Json(PolicyList {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Records a policy: the office any; a task force one of its industries; a department one it
/// issued. The 文号 is unique.
#[utoipa::path(post, path = "/api/v1/policies", tag = "policies", request_body = PolicyInput,
    responses((status = 201, body = Policy), (status = 403), (status = 422)))]
pub async fn create_policy(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<Policy>)> {
    let desk = app.service.policy_desk(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<PolicyInput>>().await?;
    Ok((StatusCode::CREATED, Json(desk.create_policy(input).await?)))
}

/// Totals of the filtered policies: committed and paid per industry, district and month.
#[utoipa::path(get, path = "/api/v1/policies/totals", tag = "policies", params(PolicyListQuery),
    responses((status = 200, body = PolicyTotals), (status = 403), (status = 422)))]
pub async fn policy_totals(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<PolicyListQuery>,
) -> AppResult<Json<PolicyTotals>> {
    let reader = app.service.policy_reader(&s.actor)?;
    Ok(Json(reader.policy_totals(&q.to_query()).await?))
}

/// The month's figures of policies and funds (per industry and for the city, as the monthly
/// report's 政策落地 and 基金运作 sections take them) and the month's payments and investments.
#[utoipa::path(get, path = "/api/v1/policies/month", tag = "policies", params(MonthQuery),
    responses((status = 200, body = PolicyMonth), (status = 403), (status = 422)))]
pub async fn policy_month(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<MonthQuery>,
) -> AppResult<Json<PolicyMonth>> {
    let reader = app.service.policy_reader(&s.actor)?;
    let one = q.industry.map(|i| [i]);
    let industries = one.as_ref().map(|a| &a[..]);
    let figures = reader.month_figures(q.year, q.month, industries).await?;
    let items = reader
        .month_items(q.year, q.month, industries, q.limit.unwrap_or(50))
        .await?;
    Ok(Json(PolicyMonth { figures, items }))
}

/// The policy with its beneficiaries, payments and what the caller may do with it.
#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = "policies", params(("id" = i64, Path)),
    responses((status = 200, body = PolicyDetail), (status = 403), (status = 404)))]
pub async fn get_policy(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<PolicyDetail>> {
    Ok(Json(
        app.service
            .policy_reader(&s.actor)?
            .policy_detail(id)
            .await?,
    ))
}

/// Changes the policy, from the `version` read.
#[utoipa::path(put, path = "/api/v1/policies/{id}", tag = "policies",
    request_body = Versioned<PolicyInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Policy), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn update_policy(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Policy>> {
    let editor = app.service.policy_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<PolicyInput>>().await?;
    Ok(Json(editor.update(body.version, body.data).await?))
}

/// Deletes the policy with its beneficiaries and payments (kept in the audit trail).
#[utoipa::path(delete, path = "/api/v1/policies/{id}", tag = "policies",
    params(("id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn delete_policy(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let editor = app.service.policy_editor(&s.actor, id).await?;
    editor.delete(q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a beneficiary (an enterprise by 统一社会信用代码, or a project) with the amount
/// committed, from the policy's `version`.
#[utoipa::path(post, path = "/api/v1/policies/{id}/beneficiaries", tag = "policies",
    request_body = Versioned<BeneficiaryInput>, params(("id" = i64, Path)),
    responses((status = 201, body = Beneficiary), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn add_beneficiary(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<Beneficiary>)> {
    let editor = app.service.policy_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<BeneficiaryInput>>().await?;
    let b = editor.add_beneficiary(body.version, body.data).await?;
    Ok((StatusCode::CREATED, Json(b)))
}

/// Changes a beneficiary's commitment (not below what was paid), from the policy's `version`.
#[utoipa::path(put, path = "/api/v1/policies/{id}/beneficiaries/{beneficiary_id}",
    tag = "policies", request_body = Versioned<CommitmentInput>,
    params(("id" = i64, Path), ("beneficiary_id" = i64, Path)),
    responses((status = 200, body = Beneficiary), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn update_beneficiary(
    State(app): State<AppState>,
    s: Signed,
    ids: Ids<2>,
    body: Unread,
) -> AppResult<Json<Beneficiary>> {
    let Ids([id, beneficiary]) = ids;
    let editor = app.service.policy_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<CommitmentInput>>().await?;
    let b = editor
        .update_beneficiary(
            body.version,
            beneficiary,
            body.data.committed,
            &body.data.note,
        )
        .await?;
    Ok(Json(b))
}

/// Records a payment (兑现) to a beneficiary, from the policy's `version`. Above the
/// commitment it is refused (`payment_above_commitment`) unless `adjustment` with a `reason`;
/// `standing` says `near` or `at` when the form should warn.
#[utoipa::path(post, path = "/api/v1/policies/{id}/payments", tag = "policies",
    request_body = Versioned<PaymentInput>, params(("id" = i64, Path)),
    responses((status = 201, body = PaymentOutcome), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn add_payment(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<PaymentOutcome>)> {
    let editor = app.service.policy_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<PaymentInput>>().await?;
    let p = editor.add_payment(body.version, body.data).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// The funds the caller's scope reaches, newest first.
#[utoipa::path(get, path = "/api/v1/funds", tag = "policies", params(FundListQuery),
    responses((status = 200, body = FundList), (status = 401), (status = 403), (status = 422)))]
pub async fn list_funds(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<FundListQuery>,
) -> AppResult<Json<FundList>> {
    let reader = app.service.policy_reader(&s.actor)?;
    let page = q.page();
    let (items, total) = reader.funds(&q.to_query(), page).await?;
    Ok(Json(FundList {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Records a fund: the office any; a task force one of its industries. The name is unique.
#[utoipa::path(post, path = "/api/v1/funds", tag = "policies", request_body = FundInput,
    responses((status = 201, body = Fund), (status = 403), (status = 422)))]
pub async fn create_fund(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<Fund>)> {
    let desk = app.service.fund_desk(&s.actor)?;
    let ApiJson(input) = body.read::<ApiJson<FundInput>>().await?;
    Ok((StatusCode::CREATED, Json(desk.create_fund(input).await?)))
}

/// Totals of the filtered funds: size and invested per fund, investments per industry and
/// month.
#[utoipa::path(get, path = "/api/v1/funds/totals", tag = "policies", params(FundListQuery),
    responses((status = 200, body = FundTotals), (status = 403), (status = 422)))]
pub async fn fund_totals(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<FundListQuery>,
) -> AppResult<Json<FundTotals>> {
    let reader = app.service.policy_reader(&s.actor)?;
    Ok(Json(reader.fund_totals(&q.to_query()).await?))
}

/// The fund with its sources, investments and what the caller may do with it.
#[utoipa::path(get, path = "/api/v1/funds/{id}", tag = "policies", params(("id" = i64, Path)),
    responses((status = 200, body = FundDetail), (status = 403), (status = 404)))]
pub async fn get_fund(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<FundDetail>> {
    Ok(Json(
        app.service.policy_reader(&s.actor)?.fund_detail(id).await?,
    ))
}

/// Changes the fund, from the `version` read; its size not below what it invested.
#[utoipa::path(put, path = "/api/v1/funds/{id}", tag = "policies",
    request_body = Versioned<FundInput>, params(("id" = i64, Path)),
    responses((status = 200, body = Fund), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn update_fund(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Fund>> {
    let editor = app.service.fund_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<FundInput>>().await?;
    Ok(Json(editor.update(body.version, body.data).await?))
}

/// Deletes the fund with its sources and investments (not while a sub-fund names it).
#[utoipa::path(delete, path = "/api/v1/funds/{id}", tag = "policies",
    params(("id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn delete_fund(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let editor = app.service.fund_editor(&s.actor, id).await?;
    editor.delete(q.required()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a source of the fund's money (city, district, provincial, social capital).
#[utoipa::path(post, path = "/api/v1/funds/{id}/sources", tag = "policies",
    request_body = Versioned<SourceInput>, params(("id" = i64, Path)),
    responses((status = 201, body = Source), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn add_source(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<Source>)> {
    let editor = app.service.fund_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<SourceInput>>().await?;
    Ok((
        StatusCode::CREATED,
        Json(editor.add_source(body.version, body.data).await?),
    ))
}

/// Records an investment into a project or an enterprise; refused
/// (`investment_above_size`) when it takes the invested total over the fund's size.
#[utoipa::path(post, path = "/api/v1/funds/{id}/investments", tag = "policies",
    request_body = Versioned<InvestmentInput>, params(("id" = i64, Path)),
    responses((status = 201, body = Investment), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn add_investment(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<Investment>)> {
    let editor = app.service.fund_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<InvestmentInput>>().await?;
    Ok((
        StatusCode::CREATED,
        Json(editor.add_investment(body.version, body.data).await?),
    ))
}
