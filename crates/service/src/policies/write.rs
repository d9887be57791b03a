//! Recording policies and funds (`ManagePolicies`). [`PolicyDesk`] creates; [`PolicyEditor`]
//! and [`FundEditor`] change one record the actor's grant reaches (the scope rules are in
//! `mod.rs`). Every write validates its input, checks its references so errors name the
//! field, and names the record's version (409 when stale). A payment beyond the commitment is
//! refused unless it is an adjustment with a reason; an investment beyond the fund's size is
//! refused.

use super::{covers_fund, covers_policy};
use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::money::Money;
use dongneng_domain::policies::{
    self, BeneficiaryInput, FundInput, InvestmentInput, PaymentInput, PaymentStanding, PolicyInput,
    SourceInput, Target, TargetKind,
};
use dongneng_domain::policy::Permission;
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_store::{Beneficiary, Fund, Investment, Payment, Policy, ResolvedTarget, Source};
use serde::Serialize;
use utoipa::ToSchema;

/// A recorded payment and how it stands against the commitment (`near` and `at` are shown
/// as a warning; `above` only as an adjustment).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentOutcome {
    pub payment: Payment,
    pub standing: PaymentStanding,
}

impl Service {
    /// Records new policies and funds within the actor's grant.
    pub fn policy_desk(&self, actor: &Actor) -> Result<PolicyDesk> {
        Ok(PolicyDesk(self.grant(actor, Permission::ManagePolicies)?))
    }

    /// Records new funds: the grant must reach industries (a department's, which reaches only
    /// the policies it issues, does not).
    pub fn fund_desk(&self, actor: &Actor) -> Result<PolicyDesk> {
        let access = self.grant(actor, Permission::ManagePolicies)?;
        let s = access.scope();
        if !s.all && s.industries.is_empty() {
            return Err(ServiceError::Forbidden);
        }
        Ok(PolicyDesk(access))
    }

    /// Changes policy `id`: 404 when there is none, 403 unless the grant reaches it.
    pub async fn policy_editor(&self, actor: &Actor, id: i64) -> Result<PolicyEditor> {
        let access = self.grant(actor, Permission::ManagePolicies)?;
        let p = self.policy_within(&access, id).await?;
        Ok(PolicyEditor { access, id: p.id })
    }

    /// Changes fund `id`.
    pub async fn fund_editor(&self, actor: &Actor, id: i64) -> Result<FundEditor> {
        let access = self.grant(actor, Permission::ManagePolicies)?;
        let f = self.fund_within(&access, id).await?;
        Ok(FundEditor { access, id: f.id })
    }

    /// The policy's references: active issuing departments, known industries.
    async fn check_policy_refs(&self, i: &PolicyInput) -> Result<()> {
        let store = self.store();
        let mut errs = FieldErrors::new();
        let departments = store.list_departments().await?;
        for id in &i.department_ids {
            match departments.iter().find(|d| d.id == *id) {
                None => {
                    errs.push(FieldError::new("department_ids", "unknown_reference").with("id", id))
                }
                Some(d) if !d.active => errs.push(
                    FieldError::new("department_ids", "department_retired")
                        .with("name", &d.name_zh),
                ),
                Some(_) => {}
            }
        }
        self.check_industries(&i.industry_ids, &mut errs).await?;
        errs.into_result().map_err(ServiceError::from)
    }

    async fn check_industries(&self, ids: &[i64], errs: &mut FieldErrors) -> Result<()> {
        let industries = self.store().list_industries().await?;
        for id in ids {
            if !industries.iter().any(|x| x.id == *id) {
                errs.push(FieldError::new("industry_ids", "unknown_reference").with("id", id));
            }
        }
        Ok(())
    }

    /// A beneficiary's or investee's project (its district and industry) or the enterprise's
    /// district.
    async fn resolve_target(&self, t: &Target) -> Result<ResolvedTarget> {
        let store = self.store();
        match t.kind {
            TargetKind::Project => {
                let id = t.project_id.unwrap_or_default();
                let p = store
                    .get_project(id)
                    .await?
                    .ok_or_else(|| ServiceError::field("project_id", "unknown_reference"))?;
                Ok(ResolvedTarget {
                    region_id: Some(p.region_id),
                    industry_id: Some(p.industry_id),
                })
            }
            TargetKind::Enterprise => {
                if let Some(r) = t.region_id
                    && store.get_region(r).await?.is_none()
                {
                    return Err(ServiceError::field("region_id", "unknown_reference"));
                }
                Ok(ResolvedTarget {
                    region_id: t.region_id,
                    industry_id: None,
                })
            }
        }
    }

    async fn check_fund_refs(&self, i: &FundInput, own: Option<i64>) -> Result<()> {
        let mut errs = FieldErrors::new();
        self.check_industries(&i.industry_ids, &mut errs).await?;
        if let Some(parent) = i.parent_fund_id {
            if Some(parent) == own {
                errs.add("parent_fund_id", "self_reference");
            } else if self.store().get_fund(parent).await?.is_none() {
                errs.add("parent_fund_id", "unknown_reference");
            }
        }
        errs.into_result().map_err(ServiceError::from)
    }
}

fn prepared<T>(
    mut input: T,
    tidy: fn(&mut T),
    check: fn(&T) -> Result<(), FieldErrors>,
) -> Result<T> {
    tidy(&mut input);
    check(&input)?;
    Ok(input)
}

/// Records new policies and funds.
pub struct PolicyDesk(Access);

impl PolicyDesk {
    /// Records a policy of industries and issuing departments the grant covers.
    pub async fn create_policy(&self, input: PolicyInput) -> Result<Policy> {
        let input = prepared(input, PolicyInput::tidy, PolicyInput::validate)?;
        if !covers_policy(self.0.scope(), &input.industry_ids, &input.department_ids) {
            return Err(ServiceError::Forbidden);
        }
        let svc = self.0.svc();
        svc.check_policy_refs(&input).await?;
        if svc
            .store()
            .policy_by_doc_number(&input.doc_number)
            .await?
            .is_some()
        {
            return Err(ServiceError::field("doc_number", "duplicate"));
        }
        Ok(svc.store().create_policy(&input, &self.0.by()).await?)
    }

    /// Records a fund of industries the grant covers.
    pub async fn create_fund(&self, input: FundInput) -> Result<Fund> {
        let input = prepared(input, FundInput::tidy, FundInput::validate)?;
        if !covers_fund(self.0.scope(), &input.industry_ids) {
            return Err(ServiceError::Forbidden);
        }
        let svc = self.0.svc();
        svc.check_fund_refs(&input, None).await?;
        if svc.store().fund_by_name(&input.name).await?.is_some() {
            return Err(ServiceError::field("name", "duplicate"));
        }
        Ok(svc.store().create_fund(&input, &self.0.by()).await?)
    }

    /// Whether the grant reaches records of every industry (the office).
    pub fn city_wide(&self) -> bool {
        self.0.scope().all
    }

    /// The industries and departments the grant covers.
    pub fn covered(&self) -> (Vec<i64>, Vec<i64>) {
        let s = self.0.scope();
        (s.industries.clone(), s.departments.clone())
    }
}

/// Changes one policy.
pub struct PolicyEditor {
    access: Access,
    id: i64,
}

impl PolicyEditor {
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The policy as it stands (for a form).
    pub async fn current(&self) -> Result<Policy> {
        self.access.svc().policy_within(&self.access, self.id).await
    }

    /// Changes the policy; the changed industries and departments must stay within the grant.
    pub async fn update(&self, version: i64, input: PolicyInput) -> Result<Policy> {
        let input = prepared(input, PolicyInput::tidy, PolicyInput::validate)?;
        if !covers_policy(
            self.access.scope(),
            &input.industry_ids,
            &input.department_ids,
        ) {
            return Err(ServiceError::Forbidden);
        }
        let svc = self.access.svc();
        svc.check_policy_refs(&input).await?;
        if let Some(other) = svc.store().policy_by_doc_number(&input.doc_number).await?
            && other.id != self.id
        {
            return Err(ServiceError::field("doc_number", "duplicate"));
        }
        Ok(svc
            .store()
            .update_policy(self.id, version, &input, &self.access.by())
            .await?)
    }

    /// Deletes the policy with its beneficiaries and payments.
    pub async fn delete(&self, version: i64) -> Result<()> {
        Ok(self
            .access
            .store()
            .delete_policy(self.id, version, &self.access.by())
            .await?)
    }

    /// Adds a beneficiary with the amount committed.
    pub async fn add_beneficiary(
        &self,
        version: i64,
        input: BeneficiaryInput,
    ) -> Result<Beneficiary> {
        let input = prepared(input, BeneficiaryInput::tidy, BeneficiaryInput::validate)?;
        let svc = self.access.svc();
        let target = svc.resolve_target(&input.target()).await?;
        let existing = svc.store().policy_beneficiaries(self.id).await?;
        let dup = existing.iter().any(|b| match input.kind {
            TargetKind::Project => b.project_id.is_some() && b.project_id == input.project_id,
            TargetKind::Enterprise => b.credit_code.is_some() && b.credit_code == input.credit_code,
        });
        if dup {
            let field = match input.kind {
                TargetKind::Project => "project_id",
                TargetKind::Enterprise => "credit_code",
            };
            return Err(ServiceError::field(field, "duplicate"));
        }
        Ok(svc
            .store()
            .add_beneficiary(self.id, version, &input, &target, &self.access.by())
            .await?)
    }

    /// Changes a beneficiary's commitment and note; not below what it was paid.
    pub async fn update_beneficiary(
        &self,
        version: i64,
        beneficiary_id: i64,
        committed: Money,
        note: &str,
    ) -> Result<Beneficiary> {
        let store = self.access.store();
        let b = store
            .policy_beneficiaries(self.id)
            .await?
            .into_iter()
            .find(|b| b.id == beneficiary_id)
            .ok_or(ServiceError::NotFound)?;
        let note = dongneng_domain::validate::tidy(note).into_owned();
        let mut errs = FieldErrors::new();
        if committed.0 < 0 {
            errs.add("committed", "money_negative");
        } else if committed > policies::MAX_AMOUNT {
            errs.add("committed", "money_too_large");
        } else if committed.0 < b.paid {
            errs.push(
                FieldError::new("committed", "committed_below_paid")
                    .with("paid", Money(b.paid).wan_display()),
            );
        }
        if note.chars().count() > policies::MAX_NOTE
            || dongneng_domain::validate::free_text(&note).is_err()
        {
            errs.add("note", "control_chars");
        }
        errs.into_result()?;
        Ok(store
            .update_beneficiary(
                self.id,
                version,
                beneficiary_id,
                committed.0,
                &note,
                &self.access.by(),
            )
            .await?)
    }

    /// Records a payment (兑现) to a beneficiary of this policy. Refused above the commitment
    /// unless an adjustment with a reason; the outcome says how it stands (a warning near or
    /// at the commitment).
    pub async fn add_payment(&self, version: i64, input: PaymentInput) -> Result<PaymentOutcome> {
        let input = prepared(input, PaymentInput::tidy, PaymentInput::validate)?;
        let store = self.access.store();
        let policy = store
            .get_policy(self.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if policy.version != version {
            return Err(ServiceError::Conflict);
        }
        let b = store
            .policy_beneficiaries(self.id)
            .await?
            .into_iter()
            .find(|b| b.id == input.beneficiary_id)
            .ok_or_else(|| ServiceError::field("beneficiary_id", "unknown_reference"))?;
        let standing = policies::payment_check(Money(b.committed), Money(b.paid), &input)?;
        let payment = store
            .add_payment(self.id, version, &input, &self.access.by())
            .await?;
        Ok(PaymentOutcome { payment, standing })
    }
}

/// Changes one fund.
pub struct FundEditor {
    access: Access,
    id: i64,
}

impl FundEditor {
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The fund as it stands (for a form).
    pub async fn current(&self) -> Result<Fund> {
        self.access.svc().fund_within(&self.access, self.id).await
    }

    /// Changes the fund; its size may not fall below what it has invested.
    pub async fn update(&self, version: i64, input: FundInput) -> Result<Fund> {
        let input = prepared(input, FundInput::tidy, FundInput::validate)?;
        if !covers_fund(self.access.scope(), &input.industry_ids) {
            return Err(ServiceError::Forbidden);
        }
        let svc = self.access.svc();
        svc.check_fund_refs(&input, Some(self.id)).await?;
        let store = svc.store();
        if let Some(other) = store.fund_by_name(&input.name).await?
            && other.id != self.id
        {
            return Err(ServiceError::field("name", "duplicate"));
        }
        let current = store
            .get_fund(self.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if current.version != version {
            return Err(ServiceError::Conflict);
        }
        if input.size.0 < current.invested {
            return Err(FieldErrors(vec![
                FieldError::new("size", "size_below_invested")
                    .with("invested", Money(current.invested).wan_display()),
            ])
            .into());
        }
        Ok(store
            .update_fund(self.id, version, &input, &self.access.by())
            .await?)
    }

    /// Deletes the fund with its sources and investments (not while sub-funds name it).
    pub async fn delete(&self, version: i64) -> Result<()> {
        Ok(self
            .access
            .store()
            .delete_fund(self.id, version, &self.access.by())
            .await?)
    }

    /// Adds a source of the fund's money.
    pub async fn add_source(&self, version: i64, input: SourceInput) -> Result<Source> {
        let input = prepared(input, SourceInput::tidy, SourceInput::validate)?;
        let store = self.access.store();
        if let Some(r) = input.region_id
            && store.get_region(r).await?.is_none()
        {
            return Err(ServiceError::field("region_id", "unknown_reference"));
        }
        Ok(store
            .add_source(self.id, version, &input, &self.access.by())
            .await?)
    }

    /// Records an investment; refused when it takes the invested total over the fund's size.
    pub async fn add_investment(&self, version: i64, input: InvestmentInput) -> Result<Investment> {
        let input = prepared(input, InvestmentInput::tidy, InvestmentInput::validate)?;
        let svc = self.access.svc();
        let target = svc.resolve_target(&input.target()).await?;
        if input.kind == TargetKind::Enterprise {
            let mut errs = FieldErrors::new();
            let id = input.industry_id.unwrap_or_default();
            svc.check_industries(&[id], &mut errs).await?;
            if !errs.is_empty() {
                return Err(ServiceError::field("industry_id", "unknown_reference"));
            }
        }
        let store = svc.store();
        let fund = store
            .get_fund(self.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if fund.version != version {
            return Err(ServiceError::Conflict);
        }
        policies::investment_fits(Money(fund.size), Money(fund.invested), input.amount)?;
        Ok(store
            .add_investment(self.id, version, &input, &target, &self.access.by())
            .await?)
    }
}
