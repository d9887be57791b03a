//! Monthly dispatch (月度调度). Reading needs `ViewDispatch`: periods are the city's, reports
//! and filings are read within the scope by industry ([`DispatchReader`]: a task force and a
//! leader their industries; the office, the supervisor and the statistics bureau all).
//! Filing needs `FileDispatch` over the report's industry ([`DispatchFiler`],
//! [`ReportFiler`]); reviewing, periods and the deadline setting need `ReviewDispatch` (the
//! office: [`ReportReviewer`], [`DispatchOffice`]), in `write.rs`. The periods open by
//! themselves and the reminders go out from `jobs.rs`; the figures from the system are read
//! in `figures.rs`.

mod demo;
mod figures;
mod jobs;
mod write;

pub use figures::{PlanMove, PolicyFigures, ProjectFigures, SystemFigures, TaskFigures};
pub use write::{
    CreateReport, DispatchFiler, DispatchOffice, OpenPeriod, ReportFiler, ReportReviewer,
};

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::clock;
use dongneng_domain::dispatch::{
    self, Change, Filing, PeriodState, RED_AFTER_DAYS, ReportState, Section,
};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::Permission;
use dongneng_domain::warning::Level;
use dongneng_store::{
    DispatchReport, FilingRow, Industry, Period, PeriodMember, ReportFilter, ReportStepEntry,
    StoredDispatchSettings,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Filters of the report list.
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    pub period_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub state: Option<ReportState>,
    pub year: Option<i32>,
}

/// One task force's filing for one month.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FilingEntry {
    pub period_id: i64,
    pub year: i64,
    pub month: i64,
    pub industry_id: i64,
    pub industry_zh: String,
    pub industry_en: String,
    pub deadline: NaiveDate,
    /// Why the deadline was extended, if it was.
    pub extension_reason: Option<String>,
    pub filing: Filing,
    /// Days late (filed late) or overdue (missing).
    pub days: i64,
    pub report_id: Option<i64>,
    pub state: Option<ReportState>,
    /// A missing report's warning: yellow once overdue, red from `RED_AFTER_DAYS` days.
    pub warning: Option<Level>,
}

/// One row of the completeness table: a task force over the months of a year.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CompletenessRow {
    pub industry_id: i64,
    pub industry_zh: String,
    pub industry_en: String,
    /// Month 1 to 12; `none` where there was no period for it.
    pub months: Vec<FilingEntry>,
    pub on_time: i64,
    pub late: i64,
    pub missing: i64,
}

/// Completeness and timeliness per task force and month of a year.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CompletenessTable {
    pub year: i32,
    pub rows: Vec<CompletenessRow>,
    pub as_of: NaiveDate,
}

/// The task forces that have not filed for a period (a list with its total).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NotFiled {
    pub period: Option<Period>,
    pub items: Vec<FilingEntry>,
    pub total: i64,
}

/// A period with its task forces' filings (within the reader's scope).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PeriodDetail {
    #[serde(flatten)]
    pub period: Period,
    pub filings: Vec<FilingEntry>,
    /// The industries of the period the reader may file for (and has not created a report).
    pub can_file: Vec<i64>,
    /// The office: extend, lock, reopen.
    pub can_manage: bool,
}

/// What a caller may do with one report now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct ReportAbilities {
    /// Change it (the task force, period open, draft or returned).
    pub edit: bool,
    /// The sections it may change (all of a draft, the returned ones of a returned report).
    pub open_sections: Vec<Section>,
    pub submit: bool,
    pub resubmit: bool,
    /// The office's review.
    pub review: bool,
}

/// One report with everything its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportDetail {
    #[serde(flatten)]
    pub report: DispatchReport,
    pub industry_zh: String,
    pub industry_en: String,
    pub period: Period,
    pub deadline: NaiveDate,
    pub filing: Filing,
    pub days: i64,
    /// The figures from the system: live for a draft or a returned report, else as they stood
    /// at its submission.
    pub figures: Option<SystemFigures>,
    pub timeline: Vec<ReportStepEntry>,
    /// What changed since the last return (after a resubmission).
    pub changes: Vec<Change>,
    pub can: ReportAbilities,
}

/// Reads monthly dispatch within the actor's scope.
pub struct DispatchReader(Access);

impl Service {
    pub fn dispatch(&self, actor: &Actor) -> Result<DispatchReader> {
        Ok(DispatchReader(self.grant(actor, Permission::ViewDispatch)?))
    }

    /// Report `id` if `access` reaches its industry: 404 when there is none, 403 outside.
    pub(crate) async fn report_within(&self, access: &Access, id: i64) -> Result<DispatchReport> {
        let r = self
            .store()
            .get_report(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !access.scope().covers_industry(r.industry_id) {
            return Err(ServiceError::Forbidden);
        }
        Ok(r)
    }

    pub(crate) async fn period_or_404(&self, id: i64) -> Result<Period> {
        self.store()
            .get_period(id)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}

fn names(industries: &[Industry], id: i64) -> (String, String) {
    industries
        .iter()
        .find(|i| i.id == id)
        .map(|i| (i.name_zh.clone(), i.name_en.clone()))
        .unwrap_or_default()
}

/// A filing row as the user reads it on `today`.
pub(crate) fn entry(row: &FilingRow, industries: &[Industry], today: NaiveDate) -> FilingEntry {
    let state = row.state.clone().and_then(|s| ReportState::parse(&s));
    let filed_on = match state {
        Some(s) if s.filed() => row.first_submitted_at.map(clock::day_of),
        _ => None,
    };
    let (filing, days) = dispatch::filing(row.deadline, filed_on, today);
    let warning = match filing {
        Filing::Missing => dispatch::overdue_level(days, RED_AFTER_DAYS),
        _ => None,
    };
    let (zh, en) = names(industries, row.industry_id);
    FilingEntry {
        period_id: row.period_id,
        year: row.year,
        month: row.month,
        industry_id: row.industry_id,
        industry_zh: zh,
        industry_en: en,
        deadline: row.deadline,
        extension_reason: row.extension_reason.clone(),
        filing,
        days,
        report_id: row.report_id,
        state,
        warning,
    }
}

impl DispatchReader {
    /// The periods, newest first, and how many there are.
    pub async fn periods(&self, year: Option<i32>, page: Page) -> Result<(Vec<Period>, i64)> {
        check_year(year)?;
        let store = self.0.store();
        Ok((
            store.period_page(year, page).await?,
            store.period_count(year).await?,
        ))
    }

    /// A period with the filings of the task forces the actor reads.
    pub async fn period(&self, id: i64) -> Result<PeriodDetail> {
        let svc = self.0.svc();
        let period = svc.period_or_404(id).await?;
        let store = self.0.store();
        let industries = store.list_industries().await?;
        let today = clock::today();
        let rows = store.period_filings(id, self.0.scope()).await?;
        let filings: Vec<FilingEntry> = rows.iter().map(|r| entry(r, &industries, today)).collect();
        let can_file = match svc.grant(self.0.actor(), Permission::FileDispatch) {
            Ok(a) if period.state == PeriodState::Open => filings
                .iter()
                .filter(|f| f.report_id.is_none() && a.scope().covers_industry(f.industry_id))
                .map(|f| f.industry_id)
                .collect(),
            _ => vec![],
        };
        Ok(PeriodDetail {
            can_manage: svc
                .grant(self.0.actor(), Permission::ReviewDispatch)
                .is_ok(),
            period,
            filings,
            can_file,
        })
    }

    /// The task forces of a period (and their deadlines).
    pub async fn members(&self, id: i64) -> Result<Vec<PeriodMember>> {
        self.0.svc().period_or_404(id).await?;
        Ok(self.0.store().period_members(id).await?)
    }

    /// A page of the reports the actor reads, newest month first, and how many match.
    pub async fn reports(&self, q: &ReportQuery, page: Page) -> Result<(Vec<DispatchReport>, i64)> {
        check_year(q.year)?;
        let filter = ReportFilter {
            scope: self.0.scope().clone(),
            period_id: q.period_id,
            industry_id: q.industry_id,
            state: q.state,
            year: q.year,
        };
        let store = self.0.store();
        let total = store.report_count(&filter).await?;
        Ok((store.report_page(&filter, page).await?, total))
    }

    /// A report the actor reads.
    pub async fn get(&self, id: i64) -> Result<DispatchReport> {
        self.0.svc().report_within(&self.0, id).await
    }

    /// Everything the report's page shows.
    pub async fn detail(&self, id: i64) -> Result<ReportDetail> {
        let report = self.get(id).await?;
        let svc = self.0.svc();
        let store = self.0.store();
        let actor = self.0.actor();
        let period = svc.period_or_404(report.period_id).await?;
        let members = store.period_members(period.id).await?;
        let deadline = members
            .iter()
            .find(|m| m.industry_id == report.industry_id)
            .map(|m| m.deadline)
            .unwrap_or(period.deadline);
        let filed_on = if report.state.filed() {
            report.first_submitted_at.map(clock::day_of)
        } else {
            None
        };
        let (filing, days) = dispatch::filing(deadline, filed_on, clock::today());
        let industries = store.list_industries().await?;
        let (zh, en) = names(&industries, report.industry_id);
        let figures = if report.state.editable() {
            Some(
                svc.system_figures(
                    &self.0,
                    report.industry_id,
                    period.year as i32,
                    period.month as u32,
                )
                .await?,
            )
        } else {
            report
                .system_figures
                .clone()
                .and_then(|v| serde_json::from_value(v).ok())
        };
        let open = period.state == PeriodState::Open;
        let files = svc.report_filer(actor, id).await.is_ok();
        let reviews = svc.report_reviewer(actor, id).await.is_ok();
        let edit = files && open && report.state.editable();
        let can = ReportAbilities {
            edit,
            open_sections: match report.state {
                ReportState::Draft if edit => Section::ALL.to_vec(),
                ReportState::Returned if edit => report.returned_sections.clone(),
                _ => vec![],
            },
            submit: files && open && report.state == ReportState::Draft,
            resubmit: files && open && report.state == ReportState::Returned,
            review: reviews && report.state.pending_review(),
        };
        let changes = match &report.returned_content {
            Some(before) => report.content.diff(before),
            None => vec![],
        };
        Ok(ReportDetail {
            industry_zh: zh,
            industry_en: en,
            timeline: store.report_steps(id).await?,
            deadline,
            filing,
            days,
            figures,
            changes,
            can,
            period,
            report,
        })
    }

    /// What changed since the office last returned the report (empty before any return).
    pub async fn diff(&self, id: i64) -> Result<Vec<Change>> {
        let r = self.get(id).await?;
        Ok(match &r.returned_content {
            Some(before) => r.content.diff(before),
            None => vec![],
        })
    }

    /// Completeness and timeliness of `year` (this year when none), per task force the actor
    /// reads and month.
    pub async fn completeness(&self, year: Option<i32>) -> Result<CompletenessTable> {
        check_year(year)?;
        let year = year.unwrap_or_else(clock::this_year);
        let store = self.0.store();
        let industries = store.list_industries().await?;
        let rows = store.filings(year, self.0.scope()).await?;
        let today = clock::today();
        let mut out: Vec<CompletenessRow> = Vec::new();
        for r in &rows {
            let e = entry(r, &industries, today);
            let row = match out.iter_mut().find(|x| x.industry_id == r.industry_id) {
                Some(x) => x,
                None => {
                    let (zh, en) = names(&industries, r.industry_id);
                    out.push(CompletenessRow {
                        industry_id: r.industry_id,
                        industry_zh: zh.clone(),
                        industry_en: en.clone(),
                        months: (1..=12)
                            .map(|m| FilingEntry {
                                period_id: 0,
                                year: i64::from(year),
                                month: m,
                                industry_id: r.industry_id,
                                industry_zh: zh.clone(),
                                industry_en: en.clone(),
                                deadline: NaiveDate::from_ymd_opt(year, m as u32, 1)
                                    .unwrap_or_default(),
                                extension_reason: None,
                                filing: Filing::None,
                                days: 0,
                                report_id: None,
                                state: None,
                                warning: None,
                            })
                            .collect(),
                        on_time: 0,
                        late: 0,
                        missing: 0,
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            match e.filing {
                Filing::OnTime => row.on_time += 1,
                Filing::Late => row.late += 1,
                Filing::Missing => row.missing += 1,
                _ => {}
            }
            let m = usize::try_from(e.month - 1).unwrap_or(0).min(11);
            row.months[m] = e;
        }
        // In the order of the reference list.
        out.sort_by_key(|r| {
            industries
                .iter()
                .find(|i| i.id == r.industry_id)
                .map(|i| (i.sort_order, i.id))
        });
        Ok(CompletenessTable {
            year,
            rows: out,
            as_of: today,
        })
    }

    /// The task forces that have not filed for a period (the current month's when none),
    /// overdue first.
    pub async fn not_filed(&self, period_id: Option<i64>) -> Result<NotFiled> {
        let store = self.0.store();
        let period = match period_id {
            Some(id) => Some(self.0.svc().period_or_404(id).await?),
            None => {
                let t = clock::today();
                store.period_of_month(t.year(), t.month()).await?
            }
        };
        let Some(period) = period else {
            return Ok(NotFiled {
                period: None,
                items: vec![],
                total: 0,
            });
        };
        let industries = store.list_industries().await?;
        let today = clock::today();
        let mut items: Vec<FilingEntry> = store
            .period_filings(period.id, self.0.scope())
            .await?
            .iter()
            .map(|r| entry(r, &industries, today))
            .filter(|e| matches!(e.filing, Filing::Missing | Filing::Due))
            .collect();
        items.sort_by_key(|e| (std::cmp::Reverse(e.days), e.industry_id));
        Ok(NotFiled {
            total: items.len() as i64,
            period: Some(period),
            items,
        })
    }

    /// The deadline setting (read by every reader: the period page says when reports are due).
    pub async fn settings(&self) -> Result<StoredDispatchSettings> {
        Ok(self.0.store().dispatch_settings().await?)
    }
}

fn check_year(year: Option<i32>) -> Result<()> {
    match year {
        Some(y) if !(2000..=2100).contains(&y) => Err(ServiceError::field("year", "range")),
        _ => Ok(()),
    }
}
