//! Policies landed (政策落地) and industry funds (基金运作). Reading needs `ViewPolicies`
//! ([`PolicyReader`]): the lists with their totals, one record with its parts, and the
//! month's figures and items the monthly report and the dispatch digest take
//! ([`PolicyReader::month_figures`], [`PolicyReader::month_items`]). Recording needs
//! `ManagePolicies` ([`PolicyDesk`] creates, [`PolicyEditor`] / [`FundEditor`] change one
//! record, `write.rs`). Who reaches which record is decided here only: [`reaches_policy`],
//! [`covers_policy`], [`reaches_fund`], [`covers_fund`].

mod demo;
mod write;

pub use write::{FundEditor, PaymentOutcome, PolicyDesk, PolicyEditor};

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::paging::Page;
use dongneng_domain::policies::FundKind;
use dongneng_domain::policy::{DataScope, Permission};
use dongneng_store::{
    Beneficiary, Fund, FundFilter, FundTotals, Investment, Payment, Policy, PolicyFilter,
    PolicyFundMonth, PolicyFundMonthItems, PolicyTotals, Source,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Whether `scope` reaches a policy (to read it, or — with `ManagePolicies` — to change it):
/// one of its industries, or one of its issuing departments.
pub fn reaches_policy(scope: &DataScope, industries: &[i64], departments: &[i64]) -> bool {
    scope.all
        || industries.iter().any(|i| scope.industries.contains(i))
        || departments.iter().any(|d| scope.departments.contains(d))
}

/// Whether `scope` may record a policy of these industries and issuing departments: all of
/// its industries within a task force's, or its own department among the issuers.
pub fn covers_policy(scope: &DataScope, industries: &[i64], departments: &[i64]) -> bool {
    scope.all
        || (!scope.industries.is_empty()
            && !industries.is_empty()
            && industries.iter().all(|i| scope.industries.contains(i)))
        || departments.iter().any(|d| scope.departments.contains(d))
}

/// Whether `scope` reaches a fund: one of its industries.
pub fn reaches_fund(scope: &DataScope, industries: &[i64]) -> bool {
    scope.all || industries.iter().any(|i| scope.industries.contains(i))
}

/// Whether `scope` may record a fund of these industries (all within its own).
pub fn covers_fund(scope: &DataScope, industries: &[i64]) -> bool {
    scope.all
        || (!scope.industries.is_empty()
            && !industries.is_empty()
            && industries.iter().all(|i| scope.industries.contains(i)))
}

/// The industries a scoped read of the month covers: the asked ones within the scope (every
/// industry of a city-wide scope when none are asked).
fn month_industries(scope: &DataScope, asked: Option<&[i64]>) -> Option<Vec<i64>> {
    match (scope.all, asked) {
        (true, None) => None,
        (true, Some(a)) => Some(a.to_vec()),
        (false, None) => Some(scope.industries.clone()),
        (false, Some(a)) => Some(
            a.iter()
                .copied()
                .filter(|i| scope.industries.contains(i))
                .collect(),
        ),
    }
}

/// Filters of the policy list a client may ask for.
#[derive(Debug, Clone, Default)]
pub struct PolicyQuery {
    pub industry_id: Option<i64>,
    pub region_id: Option<i64>,
    pub department_id: Option<i64>,
    pub year: Option<i32>,
    pub month: Option<u32>,
    pub q: Option<String>,
}

/// Filters of the fund list a client may ask for.
#[derive(Debug, Clone, Default)]
pub struct FundQuery {
    pub kind: Option<FundKind>,
    pub industry_id: Option<i64>,
    pub region_id: Option<i64>,
    pub year: Option<i32>,
    pub month: Option<u32>,
    pub q: Option<String>,
}

/// What a caller may do with one record.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PolicyAbilities {
    /// Change it and its parts.
    pub manage: bool,
}

/// A policy with everything its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyDetail {
    #[serde(flatten)]
    pub policy: Policy,
    pub beneficiaries: Vec<Beneficiary>,
    pub payments: Vec<Payment>,
    pub can: PolicyAbilities,
}

/// A fund with everything its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FundDetail {
    #[serde(flatten)]
    pub fund: Fund,
    pub sources: Vec<Source>,
    pub investments: Vec<Investment>,
    pub can: PolicyAbilities,
}

fn check_period(year: Option<i32>, month: Option<u32>) -> Result<()> {
    if let Some(y) = year
        && !(2000..=2100).contains(&y)
    {
        return Err(ServiceError::field("year", "range"));
    }
    if let Some(m) = month {
        if !(1..=12).contains(&m) {
            return Err(ServiceError::field("month", "range"));
        }
        if year.is_none() {
            return Err(ServiceError::field("year", "required"));
        }
    }
    Ok(())
}

fn check_search(q: &Option<String>) -> Result<Option<String>> {
    let s = q
        .as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(s) = &s
        && (s.chars().count() > 100 || s.chars().any(|c| c.is_control()))
    {
        return Err(ServiceError::field("q", "control_chars"));
    }
    Ok(s)
}

impl Service {
    /// Reads the policies and funds the actor's scope reaches.
    pub fn policy_reader(&self, actor: &Actor) -> Result<PolicyReader> {
        Ok(PolicyReader(self.grant(actor, Permission::ViewPolicies)?))
    }

    /// Policy `id` if `access` reaches it: 404 when there is none, 403 outside the scope.
    pub(crate) async fn policy_within(&self, access: &Access, id: i64) -> Result<Policy> {
        let p = self
            .store()
            .get_policy(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !reaches_policy(access.scope(), &p.industry_ids, &p.department_ids) {
            return Err(ServiceError::Forbidden);
        }
        Ok(p)
    }

    /// Fund `id` if `access` reaches it.
    pub(crate) async fn fund_within(&self, access: &Access, id: i64) -> Result<Fund> {
        let f = self
            .store()
            .get_fund(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !reaches_fund(access.scope(), &f.industry_ids) {
            return Err(ServiceError::Forbidden);
        }
        Ok(f)
    }
}

/// Reads the policies and funds within the actor's scope.
pub struct PolicyReader(Access);

impl PolicyReader {
    /// The month's figures of policies and funds: one row per industry asked (`None`: every
    /// industry the scope reaches), then the city row (`industry_id` none) over the same
    /// industries, a policy of several industries counted once. Industries outside the scope
    /// are left out.
    pub async fn month_figures(
        &self,
        year: i32,
        month: u32,
        industries: Option<&[i64]>,
    ) -> Result<Vec<PolicyFundMonth>> {
        check_period(Some(year), Some(month))?;
        let within = month_industries(self.0.scope(), industries);
        Ok(self
            .0
            .store()
            .policy_fund_month(year, month, within.as_deref())
            .await?)
    }

    /// The month's payments (policy title, 文号, beneficiary, amount, date) and fund
    /// investments (fund, investee, amount, date), newest first, at most `limit` (1–500) of
    /// each, within the asked industries and the scope.
    pub async fn month_items(
        &self,
        year: i32,
        month: u32,
        industries: Option<&[i64]>,
        limit: i64,
    ) -> Result<PolicyFundMonthItems> {
        check_period(Some(year), Some(month))?;
        let within = month_industries(self.0.scope(), industries);
        Ok(self
            .0
            .store()
            .policy_fund_month_items(year, month, within.as_deref(), limit.clamp(1, 500))
            .await?)
    }

    fn policy_filter(&self, q: &PolicyQuery) -> Result<PolicyFilter> {
        check_period(q.year, q.month)?;
        Ok(PolicyFilter {
            scope: self.0.scope().clone(),
            industry_id: q.industry_id,
            region_id: q.region_id,
            department_id: q.department_id,
            year: q.year,
            month: q.month,
            q: check_search(&q.q)?,
        })
    }

    fn fund_filter(&self, q: &FundQuery) -> Result<FundFilter> {
        check_period(q.year, q.month)?;
        Ok(FundFilter {
            scope: self.0.scope().clone(),
            kind: q.kind,
            industry_id: q.industry_id,
            region_id: q.region_id,
            year: q.year,
            month: q.month,
            q: check_search(&q.q)?,
        })
    }

    /// A page of the filtered policies (newest issued first) and how many match.
    pub async fn policies(&self, q: &PolicyQuery, page: Page) -> Result<(Vec<Policy>, i64)> {
        let filter = self.policy_filter(q)?;
        let store = self.0.store();
        Ok((
            store.policy_page(&filter, page).await?,
            store.policy_count(&filter).await?,
        ))
    }

    /// Totals of the filtered policies per industry, district and month.
    pub async fn policy_totals(&self, q: &PolicyQuery) -> Result<PolicyTotals> {
        Ok(self
            .0
            .store()
            .policy_totals(&self.policy_filter(q)?)
            .await?)
    }

    /// Every filtered policy with its beneficiaries and payments, in id order (export).
    pub async fn policies_for_export(
        &self,
        q: &PolicyQuery,
    ) -> Result<Vec<(Policy, Vec<Beneficiary>, Vec<Payment>)>> {
        let filter = self.policy_filter(q)?;
        let store = self.0.store();
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let chunk = store.policies_after(&filter, after, 500).await?;
            let Some(last) = chunk.last() else { break };
            after = last.id;
            for p in chunk {
                let b = store.policy_beneficiaries(p.id).await?;
                let pay = store.policy_payments(p.id).await?;
                out.push((p, b, pay));
            }
        }
        Ok(out)
    }

    /// A policy the actor may see.
    pub async fn policy(&self, id: i64) -> Result<Policy> {
        self.0.svc().policy_within(&self.0, id).await
    }

    /// Everything a policy's page shows.
    pub async fn policy_detail(&self, id: i64) -> Result<PolicyDetail> {
        let policy = self.policy(id).await?;
        let store = self.0.store();
        let manage = self.0.svc().policy_editor(self.0.actor(), id).await.is_ok();
        Ok(PolicyDetail {
            beneficiaries: store.policy_beneficiaries(id).await?,
            payments: store.policy_payments(id).await?,
            can: PolicyAbilities { manage },
            policy,
        })
    }

    /// A page of the filtered funds and how many match.
    pub async fn funds(&self, q: &FundQuery, page: Page) -> Result<(Vec<Fund>, i64)> {
        let filter = self.fund_filter(q)?;
        let store = self.0.store();
        Ok((
            store.fund_page(&filter, page).await?,
            store.fund_count(&filter).await?,
        ))
    }

    /// Totals of the filtered funds per fund, industry and month.
    pub async fn fund_totals(&self, q: &FundQuery) -> Result<FundTotals> {
        Ok(self.0.store().fund_totals(&self.fund_filter(q)?).await?)
    }

    /// Every filtered fund with its sources and investments, in id order (export).
    pub async fn funds_for_export(
        &self,
        q: &FundQuery,
    ) -> Result<Vec<(Fund, Vec<Source>, Vec<Investment>)>> {
        let filter = self.fund_filter(q)?;
        let store = self.0.store();
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let chunk = store.funds_after(&filter, after, 500).await?;
            let Some(last) = chunk.last() else { break };
            after = last.id;
            for f in chunk {
                let s = store.fund_sources(f.id).await?;
                let i = store.fund_investments(f.id).await?;
                out.push((f, s, i));
            }
        }
        Ok(out)
    }

    /// A fund the actor may see.
    pub async fn fund(&self, id: i64) -> Result<Fund> {
        self.0.svc().fund_within(&self.0, id).await
    }

    /// Everything a fund's page shows.
    pub async fn fund_detail(&self, id: i64) -> Result<FundDetail> {
        let fund = self.fund(id).await?;
        let store = self.0.store();
        let manage = self.0.svc().fund_editor(self.0.actor(), id).await.is_ok();
        Ok(FundDetail {
            sources: store.fund_sources(id).await?,
            investments: store.fund_investments(id).await?,
            can: PolicyAbilities { manage },
            fund,
        })
    }

    /// Whether the actor may record new policies or funds at all (the list's buttons).
    pub fn may_record(&self) -> bool {
        self.0
            .svc()
            .grant(self.0.actor(), Permission::ManagePolicies)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(all: bool, industries: &[i64], departments: &[i64]) -> DataScope {
        DataScope {
            all,
            regions: vec![],
            industries: industries.to_vec(),
            departments: departments.to_vec(),
        }
    }

    #[test]
    fn who_reaches_what() {
        let tf = scope(false, &[1, 2], &[]);
        assert!(reaches_policy(&tf, &[2, 5], &[9]));
        assert!(!covers_policy(&tf, &[2, 5], &[9]));
        assert!(covers_policy(&tf, &[1, 2], &[9]));
        let dept = scope(false, &[], &[9]);
        assert!(reaches_policy(&dept, &[5], &[8, 9]));
        assert!(covers_policy(&dept, &[5], &[9]));
        assert!(!covers_policy(&dept, &[5], &[8]));
        assert!(!covers_fund(&dept, &[5]));
        assert!(!reaches_fund(&dept, &[5]));
        assert!(covers_fund(&scope(true, &[], &[]), &[]));
        assert_eq!(month_industries(&tf, Some(&[2, 3])), Some(vec![2]));
        assert_eq!(month_industries(&tf, None), Some(vec![1, 2]));
        assert_eq!(month_industries(&scope(true, &[], &[]), None), None);
    }
}
