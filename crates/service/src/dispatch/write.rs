//! Changing monthly dispatch: the task force files (creates, edits, submits and resubmits
//! its report: [`DispatchFiler`], [`ReportFiler`]); the office reviews (returns naming the
//! sections it reopens, or accepts: [`ReportReviewer`]) and runs the periods and the deadline
//! setting ([`DispatchOffice`]). Each checks the version read first (409), then the rules
//! (422), and the store writes the change, its step, its audit row and its notification in
//! one transaction.

use super::SystemFigures;
use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::dispatch::{
    DispatchSettings, ExtensionInput, LockInput, PeriodState, ReportEdit, ReportForm, ReportReturn,
    ReportState, ReportStep,
};
use dongneng_domain::policy::Permission;
use dongneng_domain::todo::NotificationKind;
use dongneng_domain::validate::free_text;
use dongneng_store::{DispatchReport, Period, ReportMove, StoredDispatchSettings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new report: the period, the task force, written or oral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReport {
    pub period_id: i64,
    pub industry_id: i64,
    #[serde(default = "written")]
    pub form: ReportForm,
}

fn written() -> ReportForm {
    ReportForm::Written
}

/// Creates reports for the industries in scope (a task force).
pub struct DispatchFiler(Access);

/// Edits, submits and resubmits one report of an industry in scope.
pub struct ReportFiler(Access, DispatchReport);

/// Returns or accepts reports (the office).
pub struct ReportReviewer(Access, DispatchReport);

/// Periods and the deadline setting (the office).
pub struct DispatchOffice(Access);

impl Service {
    pub fn dispatch_filer(&self, actor: &Actor) -> Result<DispatchFiler> {
        Ok(DispatchFiler(self.grant(actor, Permission::FileDispatch)?))
    }

    pub async fn report_filer(&self, actor: &Actor, id: i64) -> Result<ReportFiler> {
        let access = self.grant(actor, Permission::FileDispatch)?;
        let report = self.report_within(&access, id).await?;
        Ok(ReportFiler(access, report))
    }

    pub async fn report_reviewer(&self, actor: &Actor, id: i64) -> Result<ReportReviewer> {
        let access = self.grant(actor, Permission::ReviewDispatch)?;
        let report = self.report_within(&access, id).await?;
        Ok(ReportReviewer(access, report))
    }

    pub fn dispatch_office(&self, actor: &Actor) -> Result<DispatchOffice> {
        Ok(DispatchOffice(
            self.grant(actor, Permission::ReviewDispatch)?,
        ))
    }

    /// The report's title in notifications: the industry and the month.
    async fn report_title(&self, r: &DispatchReport) -> Result<String> {
        let name = self
            .store()
            .get_industry(r.industry_id)
            .await?
            .map(|i| i.name_zh)
            .unwrap_or_default();
        Ok(format!("{name} {}年{}月 月度调度报告", r.year, r.month))
    }

    /// The figures kept with a submission.
    async fn figures_json(&self, access: &Access, r: &DispatchReport) -> Result<serde_json::Value> {
        let f: SystemFigures = self
            .system_figures(access, r.industry_id, r.year as i32, r.month as u32)
            .await?;
        serde_json::to_value(f).map_err(|e| ServiceError::Internal(e.to_string()))
    }
}

/// The period must be open for filing.
fn check_open(p: &Period) -> Result<()> {
    if p.state == PeriodState::Open {
        Ok(())
    } else {
        Err(ServiceError::field("period_id", "period_locked"))
    }
}

/// The version read must be the report's (409 before any rule is checked).
fn check_version(r: &DispatchReport, version: i64) -> Result<()> {
    if r.version == version {
        Ok(())
    } else {
        Err(ServiceError::Conflict)
    }
}

impl DispatchFiler {
    /// A new draft for one task force and month: the period must be open, the industry one
    /// of its task forces within the filer's scope, and without a report for the month.
    pub async fn create(&self, input: CreateReport) -> Result<DispatchReport> {
        let svc = self.0.svc();
        let store = self.0.store();
        let Some(period) = store.get_period(input.period_id).await? else {
            return Err(ServiceError::field("period_id", "unknown_reference"));
        };
        if !self.0.scope().covers_industry(input.industry_id) {
            return Err(ServiceError::Forbidden);
        }
        check_open(&period)?;
        let members = store.period_members(period.id).await?;
        if !members.iter().any(|m| m.industry_id == input.industry_id) {
            return Err(ServiceError::field("industry_id", "not_task_force"));
        }
        let _ = svc;
        Ok(store
            .create_report(period.id, input.industry_id, input.form, &self.0.by())
            .await?)
    }
}

impl ReportFiler {
    pub fn report(&self) -> &DispatchReport {
        &self.1
    }

    async fn open_period(&self) -> Result<Period> {
        let p = self.0.svc().period_or_404(self.1.period_id).await?;
        check_open(&p)?;
        Ok(p)
    }

    /// Saves the sections given: any of a draft, only the returned ones of a returned report.
    pub async fn update(&self, version: i64, edit: ReportEdit) -> Result<DispatchReport> {
        let r = &self.1;
        check_version(r, version)?;
        self.open_period().await?;
        let open = match r.state {
            ReportState::Draft => None,
            ReportState::Returned => Some(r.returned_sections.as_slice()),
            _ => return Err(ServiceError::field("state", "not_editable")),
        };
        let content = edit.apply(r.form, open, &r.content)?;
        let mut sections = edit.sections();
        if edit.oral.is_some() {
            sections.clear();
        }
        Ok(self
            .0
            .store()
            .update_report(r.id, version, &content, &sections, &self.0.by())
            .await?)
    }

    async fn send(
        &self,
        version: i64,
        from: ReportState,
        step: ReportStep,
        to: ReportState,
    ) -> Result<DispatchReport> {
        let r = &self.1;
        check_version(r, version)?;
        self.open_period().await?;
        if r.state != from {
            return Err(ServiceError::field("state", "not_allowed"));
        }
        r.content.missing(r.form).into_result()?;
        let svc = self.0.svc();
        let m = ReportMove {
            step,
            to,
            reason: None,
            sections: vec![],
            system_figures: Some(svc.figures_json(&self.0, r).await?),
            notice: Some(NotificationKind::DispatchSubmitted),
            title: svc.report_title(r).await?,
        };
        Ok(self
            .0
            .store()
            .move_report(r.id, version, &m, &self.0.by())
            .await?)
    }

    /// Submits a draft: every section written (or the oral record complete).
    pub async fn submit(&self, version: i64) -> Result<DispatchReport> {
        self.send(
            version,
            ReportState::Draft,
            ReportStep::Submitted,
            ReportState::Submitted,
        )
        .await
    }

    /// Submits a returned report again.
    pub async fn resubmit(&self, version: i64) -> Result<DispatchReport> {
        self.send(
            version,
            ReportState::Returned,
            ReportStep::Resubmitted,
            ReportState::Resubmitted,
        )
        .await
    }
}

impl ReportReviewer {
    fn pending(&self, version: i64) -> Result<&DispatchReport> {
        let r = &self.1;
        check_version(r, version)?;
        if !r.state.pending_review() {
            return Err(ServiceError::field("state", "not_allowed"));
        }
        Ok(r)
    }

    /// Sends the report back with the reason, reopening the sections named (a written
    /// report must name at least one).
    pub async fn return_report(&self, version: i64, input: ReportReturn) -> Result<DispatchReport> {
        let r = self.pending(version)?;
        let (reason, sections) = input.check(r.form)?;
        let svc = self.0.svc();
        let m = ReportMove {
            step: ReportStep::Returned,
            to: ReportState::Returned,
            reason: Some(reason),
            sections,
            system_figures: None,
            notice: Some(NotificationKind::DispatchReturned),
            title: svc.report_title(r).await?,
        };
        Ok(self
            .0
            .store()
            .move_report(r.id, version, &m, &self.0.by())
            .await?)
    }

    /// Accepts the report.
    pub async fn accept(&self, version: i64) -> Result<DispatchReport> {
        let r = self.pending(version)?;
        let svc = self.0.svc();
        let m = ReportMove {
            step: ReportStep::Accepted,
            to: ReportState::Accepted,
            reason: None,
            sections: vec![],
            system_figures: None,
            notice: Some(NotificationKind::DispatchAccepted),
            title: svc.report_title(r).await?,
        };
        Ok(self
            .0
            .store()
            .move_report(r.id, version, &m, &self.0.by())
            .await?)
    }
}

/// The office opens a period for a month that has begun (one missed before the system went
/// live, or to record reports filed on paper).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenPeriod {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl DispatchOffice {
    /// Opens the period of a month that has begun, with the deadline of the setting and the
    /// task forces of today; a month's second period is a `duplicate` of `month`.
    pub async fn open(&self, input: OpenPeriod) -> Result<Period> {
        let mut errs = dongneng_domain::FieldErrors::new();
        if !(2000..=2100).contains(&input.year) {
            errs.add("year", "range");
        }
        if !(1..=12).contains(&input.month) {
            errs.add("month", "range");
        }
        errs.into_result()?;
        let today = dongneng_domain::clock::today();
        use chrono::Datelike;
        if (input.year, input.month) > (today.year(), today.month()) {
            return Err(ServiceError::field("month", "future"));
        }
        let store = self.0.store();
        let settings = store.dispatch_settings().await?.settings;
        let deadline = settings
            .deadline(input.year, input.month)
            .ok_or_else(|| ServiceError::field("month", "range"))?;
        let (period, created) = store
            .open_period(input.year, input.month, deadline, &self.0.by())
            .await?;
        if !created {
            return Err(ServiceError::field("month", "duplicate"));
        }
        Ok(period)
    }

    pub async fn settings(&self) -> Result<StoredDispatchSettings> {
        Ok(self.0.store().dispatch_settings().await?)
    }

    /// Changes the deadline day at the version read; periods opened later use it.
    pub async fn set_settings(
        &self,
        version: i64,
        settings: DispatchSettings,
    ) -> Result<StoredDispatchSettings> {
        settings.validate()?;
        Ok(self
            .0
            .store()
            .set_dispatch_settings(version, &settings, &self.0.by())
            .await?)
    }

    /// Extends one task force's deadline, with the reason.
    pub async fn extend(&self, id: i64, version: i64, input: ExtensionInput) -> Result<Period> {
        let store = self.0.store();
        let period = self.0.svc().period_or_404(id).await?;
        if period.version != version {
            return Err(ServiceError::Conflict);
        }
        let members = store.period_members(id).await?;
        let Some(member) = members.iter().find(|m| m.industry_id == input.industry_id) else {
            return Err(ServiceError::field("industry_id", "not_task_force"));
        };
        let reason = input.check(period.year as i32, period.month as u32, member.deadline)?;
        Ok(store
            .extend_deadline(
                id,
                version,
                input.industry_id,
                input.deadline,
                &reason,
                &self.0.by(),
            )
            .await?)
    }

    /// Locks a period: no report of it can be created, changed or submitted until reopened.
    pub async fn lock(&self, id: i64, version: i64, input: LockInput) -> Result<Period> {
        self.set_state(id, version, PeriodState::Locked, input.reason)
            .await
    }

    pub async fn reopen(&self, id: i64, version: i64) -> Result<Period> {
        self.set_state(id, version, PeriodState::Open, None).await
    }

    async fn set_state(
        &self,
        id: i64,
        version: i64,
        to: PeriodState,
        reason: Option<String>,
    ) -> Result<Period> {
        let period = self.0.svc().period_or_404(id).await?;
        if period.version != version {
            return Err(ServiceError::Conflict);
        }
        if period.state == to {
            return Err(ServiceError::field("state", "not_allowed"));
        }
        let reason = reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if let Some(r) = &reason {
            if free_text(r).is_err() {
                return Err(ServiceError::field("reason", "control_chars"));
            }
            if r.chars().count() > 2000 {
                return Err(ServiceError::field("reason", "length"));
            }
        }
        Ok(self
            .0
            .store()
            .set_period_state(id, version, to, reason.as_deref(), &self.0.by())
            .await?)
    }
}
