//! Policies landed (政策落地) and industry funds (基金运作): records and the storage trait.
//! Beneficiaries, payments, sources and investments are parts of their policy or fund: each
//! write names the parent's version and moves it (a stale one is a conflict), so the limits a
//! payment or an investment is checked against (commitment, fund size) cannot move under it.
//! Money is in 分 (`i64` columns; the month's figures use [`Money`]).

use crate::{AuditBy, Result};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::money::Money;
use dongneng_domain::paging::Page;
use dongneng_domain::policies::{
    BeneficiaryInput, FundInput, FundKind, FundSource, InvestmentInput, PaymentInput, PolicyInput,
    TargetKind,
};
use dongneng_domain::policy::DataScope;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Texts kept as a JSON list in one column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct TextList(pub Vec<String>);

impl TryFrom<String> for TextList {
    type Error = serde_json::Error;
    fn try_from(s: String) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&s).map(TextList)
    }
}

/// A policy as stored, with its totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Policy {
    pub id: i64,
    pub title: String,
    /// 文号.
    pub doc_number: String,
    pub issued_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub measures: TextList,
    pub summary: String,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The issuing departments.
    #[sqlx(skip)]
    pub department_ids: Vec<i64>,
    #[sqlx(skip)]
    pub industry_ids: Vec<i64>,
    /// Committed to all its beneficiaries (分).
    #[sqlx(skip)]
    pub committed: i64,
    /// Paid out (兑现) so far (分).
    #[sqlx(skip)]
    pub paid: i64,
    #[sqlx(skip)]
    pub beneficiaries: i64,
}

impl Policy {
    /// The policy as entered, for a form that changes it.
    pub fn input(&self) -> PolicyInput {
        PolicyInput {
            title: self.title.clone(),
            doc_number: self.doc_number.clone(),
            issued_on: self.issued_on,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            department_ids: self.department_ids.clone(),
            industry_ids: self.industry_ids.clone(),
            measures: self.measures.0.clone(),
            summary: self.summary.clone(),
        }
    }
}

/// A beneficiary of a policy, with what was committed and paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Beneficiary {
    pub id: i64,
    pub policy_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: TargetKind,
    pub project_id: Option<i64>,
    /// The enterprise's name, or the project's.
    pub name: String,
    pub enterprise_name: Option<String>,
    pub credit_code: Option<String>,
    /// Its district (the project's, or the enterprise's as entered).
    pub region_id: Option<i64>,
    /// 分.
    pub committed: i64,
    /// 分.
    pub paid: i64,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// A payment (兑现).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Payment {
    pub id: i64,
    pub policy_id: i64,
    pub beneficiary_id: i64,
    pub paid_on: NaiveDate,
    /// 分.
    pub amount: i64,
    /// Beyond the commitment on purpose, with its reason.
    pub adjustment: bool,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A fund as stored, with its totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Fund {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: FundKind,
    pub parent_fund_id: Option<i64>,
    /// 基金规模 (分).
    pub size: i64,
    pub manager: String,
    pub established_on: Option<NaiveDate>,
    /// 分.
    pub provincial_applied: i64,
    /// 分.
    pub provincial_won: i64,
    /// Invested so far (分).
    pub invested: i64,
    pub note: String,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub industry_ids: Vec<i64>,
    /// The sum of its sources (分).
    #[sqlx(skip)]
    pub sourced: i64,
    #[sqlx(skip)]
    pub investments: i64,
}

impl Fund {
    /// The fund as entered, for a form that changes it.
    pub fn input(&self) -> FundInput {
        FundInput {
            name: self.name.clone(),
            kind: self.kind,
            parent_fund_id: self.parent_fund_id,
            size: Money(self.size),
            manager: self.manager.clone(),
            established_on: self.established_on,
            provincial_applied: Money(self.provincial_applied),
            provincial_won: Money(self.provincial_won),
            industry_ids: self.industry_ids.clone(),
            note: self.note.clone(),
        }
    }
}

/// A source of a fund's money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Source {
    pub id: i64,
    pub fund_id: i64,
    #[sqlx(try_from = "String")]
    pub source: FundSource,
    pub region_id: Option<i64>,
    /// 分.
    pub amount: i64,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// An investment of a fund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Investment {
    pub id: i64,
    pub fund_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: TargetKind,
    pub project_id: Option<i64>,
    /// The enterprise's name, or the project's.
    pub name: String,
    pub enterprise_name: Option<String>,
    pub credit_code: Option<String>,
    pub region_id: Option<i64>,
    pub industry_id: i64,
    pub invested_on: NaiveDate,
    /// 分.
    pub amount: i64,
    /// Hundredths of a percent.
    pub stake_bp: i64,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A beneficiary or investee as the service resolved it: a project's district and industry
/// filled in.
#[derive(Debug, Clone)]
pub struct ResolvedTarget {
    pub region_id: Option<i64>,
    pub industry_id: Option<i64>,
}

/// Which policies a list holds: everything within `scope`, narrowed by the rest.
#[derive(Debug, Clone, Default)]
pub struct PolicyFilter {
    /// Reached by the policy's industries, or (departments) its issuing departments.
    pub scope: DataScope,
    pub industry_id: Option<i64>,
    /// Policies with a beneficiary in this district (or below it).
    pub region_id: Option<i64>,
    pub department_id: Option<i64>,
    /// Issued in this year (and month).
    pub year: Option<i32>,
    pub month: Option<u32>,
    /// A substring of the title or 文号.
    pub q: Option<String>,
}

/// Which funds a list holds.
#[derive(Debug, Clone, Default)]
pub struct FundFilter {
    /// Reached by the fund's industries.
    pub scope: DataScope,
    pub kind: Option<FundKind>,
    pub industry_id: Option<i64>,
    /// Funds with an investment in this district (or below it).
    pub region_id: Option<i64>,
    /// Funds with an investment in this year (and month).
    pub year: Option<i32>,
    pub month: Option<u32>,
    pub q: Option<String>,
}

/// One line of a total: a key (an industry, a district, a month `year*100+month`, a policy or a
/// fund) with its count and amounts (分).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct TotalLine {
    /// The industry, district, month key, policy or fund; none for "no district".
    pub key: Option<i64>,
    /// Records counted (beneficiaries, payments or investments).
    pub count: i64,
    /// Committed (policies) or fund size (funds), 分.
    pub committed: i64,
    /// Paid out (policies) or invested (funds), 分.
    pub amount: i64,
}

/// The totals of the filtered policies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicyTotals {
    pub policies: i64,
    pub beneficiaries: i64,
    /// 分.
    pub committed: i64,
    /// 分.
    pub paid: i64,
    /// Per industry of the policy (a policy of two industries counts in both).
    pub by_industry: Vec<TotalLine>,
    /// Per district of the beneficiary.
    pub by_district: Vec<TotalLine>,
    /// Payments per month (`count` payments, `amount` paid).
    pub by_month: Vec<TotalLine>,
}

/// The totals of the filtered funds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FundTotals {
    pub funds: i64,
    /// 分.
    pub size: i64,
    /// 分.
    pub sourced: i64,
    /// 分.
    pub invested: i64,
    /// 分.
    pub provincial_applied: i64,
    /// 分.
    pub provincial_won: i64,
    /// Per fund (`committed` its size, `amount` invested).
    pub by_fund: Vec<TotalLine>,
    /// Investments per industry.
    pub by_industry: Vec<TotalLine>,
    /// Investments per month.
    pub by_month: Vec<TotalLine>,
}

/// The month's figures of policies and funds for one industry, or for the city (`industry_id`
/// none; a policy of several industries counts once there). For the monthly report's 政策落地
/// and 基金运作 sections and the dispatch digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicyFundMonth {
    pub industry_id: Option<i64>,
    /// Policies issued in the month.
    pub policies_issued: i64,
    /// Payments (兑现) in the month, and their amount.
    pub payments_month: i64,
    #[schema(value_type = i64)]
    pub paid_month: Money,
    /// Payments from January to the month's end, and their amount.
    pub payments_ytd: i64,
    #[schema(value_type = i64)]
    pub paid_ytd: Money,
    /// Committed to the beneficiaries of the policies in force on some day of the month.
    #[schema(value_type = i64)]
    pub committed_in_force: Money,
    /// Fund investments in the month, and their amount.
    pub investments_month: i64,
    #[schema(value_type = i64)]
    pub invested_month: Money,
    /// Fund investments from January to the month's end, and their amount.
    pub investments_ytd: i64,
    #[schema(value_type = i64)]
    pub invested_ytd: Money,
}

/// A payment of the month, for a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthPayment {
    pub payment_id: i64,
    pub policy_id: i64,
    pub policy_title: String,
    /// 文号.
    pub doc_number: String,
    /// The beneficiary: the enterprise's name or the project's.
    pub beneficiary: String,
    pub project_id: Option<i64>,
    pub credit_code: Option<String>,
    pub region_id: Option<i64>,
    #[schema(value_type = i64)]
    pub amount: Money,
    pub paid_on: NaiveDate,
    pub adjustment: bool,
}

/// A fund investment of the month, for a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthInvestment {
    pub investment_id: i64,
    pub fund_id: i64,
    pub fund_name: String,
    /// The investee: the enterprise's name or the project's.
    pub investee: String,
    pub project_id: Option<i64>,
    pub credit_code: Option<String>,
    pub industry_id: i64,
    pub region_id: Option<i64>,
    #[schema(value_type = i64)]
    pub amount: Money,
    /// Hundredths of a percent.
    pub stake_bp: i64,
    pub invested_on: NaiveDate,
}

/// The month's payments and fund investments (each list limited, newest first), with how many
/// there are in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicyFundMonthItems {
    pub payments: Vec<MonthPayment>,
    pub payments_total: i64,
    pub investments: Vec<MonthInvestment>,
    pub investments_total: i64,
}

/// Storage of policies and funds.
#[async_trait]
pub trait PolicyStore {
    // ------------------------------------------------ the month's figures (dispatch, digest)

    /// The month's figures: one row per industry of `industries` (every industry when none,
    /// in the reference order), then the city row (`industry_id` none) over the same
    /// industries, each policy counted once.
    async fn policy_fund_month(
        &self,
        year: i32,
        month: u32,
        industries: Option<&[i64]>,
    ) -> Result<Vec<PolicyFundMonth>>;
    /// The month's payments and investments within `industries` (all when none), newest
    /// first, at most `limit` of each.
    async fn policy_fund_month_items(
        &self,
        year: i32,
        month: u32,
        industries: Option<&[i64]>,
        limit: i64,
    ) -> Result<PolicyFundMonthItems>;

    // ------------------------------------------------ policies

    async fn policy_page(&self, filter: &PolicyFilter, page: Page) -> Result<Vec<Policy>>;
    async fn policy_count(&self, filter: &PolicyFilter) -> Result<i64>;
    async fn policy_totals(&self, filter: &PolicyFilter) -> Result<PolicyTotals>;
    async fn get_policy(&self, id: i64) -> Result<Option<Policy>>;
    async fn policy_by_doc_number(&self, doc_number: &str) -> Result<Option<Policy>>;
    async fn policy_beneficiaries(&self, id: i64) -> Result<Vec<Beneficiary>>;
    async fn policy_payments(&self, id: i64) -> Result<Vec<Payment>>;
    /// Every policy of the filter in id order after `after`, at most `limit` (export).
    async fn policies_after(
        &self,
        filter: &PolicyFilter,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Policy>>;

    async fn create_policy(&self, input: &PolicyInput, by: &AuditBy) -> Result<Policy>;
    async fn update_policy(
        &self,
        id: i64,
        version: i64,
        input: &PolicyInput,
        by: &AuditBy,
    ) -> Result<Policy>;
    /// Deletes a policy with its beneficiaries and payments.
    async fn delete_policy(&self, id: i64, version: i64, by: &AuditBy) -> Result<()>;
    /// Adds a beneficiary (its district resolved by the service).
    async fn add_beneficiary(
        &self,
        id: i64,
        version: i64,
        input: &BeneficiaryInput,
        target: &ResolvedTarget,
        by: &AuditBy,
    ) -> Result<Beneficiary>;
    /// Changes a beneficiary's commitment and note (the service refuses one below what was paid).
    async fn update_beneficiary(
        &self,
        id: i64,
        version: i64,
        beneficiary_id: i64,
        committed: i64,
        note: &str,
        by: &AuditBy,
    ) -> Result<Beneficiary>;
    /// Records a payment, the beneficiary's `paid` moved with it. The service checked it
    /// against the commitment at this version (`domain::policies::payment_check`); the store
    /// checks it again in the transaction (a conflict if it no longer holds).
    async fn add_payment(
        &self,
        id: i64,
        version: i64,
        input: &PaymentInput,
        by: &AuditBy,
    ) -> Result<Payment>;

    // ------------------------------------------------ funds

    async fn fund_page(&self, filter: &FundFilter, page: Page) -> Result<Vec<Fund>>;
    async fn fund_count(&self, filter: &FundFilter) -> Result<i64>;
    async fn fund_totals(&self, filter: &FundFilter) -> Result<FundTotals>;
    async fn get_fund(&self, id: i64) -> Result<Option<Fund>>;
    async fn fund_by_name(&self, name: &str) -> Result<Option<Fund>>;
    async fn fund_sources(&self, id: i64) -> Result<Vec<Source>>;
    async fn fund_investments(&self, id: i64) -> Result<Vec<Investment>>;
    async fn funds_after(&self, filter: &FundFilter, after: i64, limit: i64) -> Result<Vec<Fund>>;

    async fn create_fund(&self, input: &FundInput, by: &AuditBy) -> Result<Fund>;
    /// Changes a fund (the service refuses a size below what it invested).
    async fn update_fund(
        &self,
        id: i64,
        version: i64,
        input: &FundInput,
        by: &AuditBy,
    ) -> Result<Fund>;
    async fn delete_fund(&self, id: i64, version: i64, by: &AuditBy) -> Result<()>;
    async fn add_source(
        &self,
        id: i64,
        version: i64,
        input: &dongneng_domain::policies::SourceInput,
        by: &AuditBy,
    ) -> Result<Source>;
    /// Records an investment, the fund's `invested` moved with it. The service checked it
    /// against the fund's size at this version (`domain::policies::investment_fits`); the
    /// store checks it again in the transaction.
    async fn add_investment(
        &self,
        id: i64,
        version: i64,
        input: &InvestmentInput,
        target: &ResolvedTarget,
        by: &AuditBy,
    ) -> Result<Investment>;
}
