//! Supervision (督办): who reads items ([`SupervisionReader`], `ViewCoordination` over the
//! scope — a department the items it is a unit of), the ledger and its xlsx export, the
//! content of the supervision notice (督办通知单); who issues, edits and closes them (the
//! supervisor: [`SupervisionIssuer`], [`SupervisionManager`]), who replies (a unit:
//! [`SupervisionReplier`]) and attaches files ([`SupervisionAttacher`]) — `manage`.

mod demo;
mod manage;
mod notice;

pub use manage::{SupervisionAttacher, SupervisionIssuer, SupervisionManager, SupervisionReplier};
pub use notice::notice_document;

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use crate::problems::search;
use chrono::NaiveDate;
use dongneng_domain::clock;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::{DataScope, Permission};
use dongneng_domain::supervision::{self, SupervisionState, SupervisionSubject};
use dongneng_office::{LedgerRow, LedgerWriter};
use dongneng_store::{SupervisionDetail, SupervisionFile, SupervisionFilter, SupervisionItem};
use serde::Serialize;
use utoipa::ToSchema;

/// Filters of the ledger.
#[derive(Debug, Clone, Default)]
pub struct SupervisionQuery {
    pub state: Option<SupervisionState>,
    pub department_id: Option<i64>,
    pub year: Option<i32>,
    pub overdue: bool,
    pub q: Option<String>,
}

/// The content of a supervision notice (督办通知单), for the official-documents module to
/// render (wired on merge): everything the notice says, in words.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SupervisionNotice {
    /// 督办〔2026〕12号.
    pub number: String,
    pub title: String,
    /// The units supervised (主送), by name.
    pub addressees: Vec<String>,
    /// What is supervised: the problem's number and title, or the matter itself.
    pub subject: String,
    /// What is required (督办要求).
    pub requirement: String,
    /// 办理时限.
    pub deadline: NaiveDate,
    /// The issuing office (the supervisor's department) and the day of issue.
    pub issuer: String,
    pub issued_on: NaiveDate,
}

/// Days left and overdue, as read today.
pub(crate) fn flag(item: &mut SupervisionItem, today: NaiveDate) {
    item.days_left = supervision::days_left(item.deadline, today);
    item.overdue = supervision::overdue(item.state, item.deadline, today);
}

/// Whether `scope` covers an item: its district, its industry or one of its units.
pub(crate) fn covers(scope: &DataScope, region_path: &[i64], item: &SupervisionItem) -> bool {
    scope.covers_assigned(region_path, item.industry_id, &item.unit_ids)
}

impl Service {
    /// Reads the supervision items within the actor's scope.
    pub fn supervision(&self, actor: &Actor) -> Result<SupervisionReader> {
        Ok(SupervisionReader(
            self.grant(actor, Permission::ViewCoordination)?,
        ))
    }

    /// `permission` over item `id`: 403 without it, 404 when there is none, 403 outside the
    /// scope.
    pub(crate) async fn supervision_grant(
        &self,
        actor: &Actor,
        permission: Permission,
        id: i64,
    ) -> Result<(Access, SupervisionItem)> {
        let access = self.grant(actor, permission)?;
        let item = self
            .store()
            .get_supervision(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let path = match item.region_id {
            Some(r) => self.region_path_of(r).await?,
            None => vec![],
        };
        let access = access.covering(|s| covers(s, &path, &item))?;
        Ok((access, item))
    }
}

/// Reads supervision items within the actor's scope: the ledger (also as xlsx), one item with
/// its units, replies, files and record, the notice's content, what waits on the actor.
pub struct SupervisionReader(Access);

/// Items per page of the xlsx ledger.
const EXPORT_PAGE: i64 = 1_000;

impl SupervisionReader {
    fn filter(&self, q: &SupervisionQuery) -> Result<SupervisionFilter> {
        Ok(SupervisionFilter {
            scope: self.0.scope().clone(),
            state: q.state,
            department_id: q.department_id,
            year: q.year,
            overdue_on: q.overdue.then(clock::today),
            q: search("q", &q.q)?,
        })
    }

    /// A page of the ledger and how many the filters select.
    pub async fn ledger(
        &self,
        q: &SupervisionQuery,
        page: Page,
    ) -> Result<(Vec<SupervisionItem>, i64)> {
        let filter = self.filter(q)?;
        let (mut items, total) = self.0.store().supervision_page(&filter, page).await?;
        let today = clock::today();
        for i in &mut items {
            flag(i, today);
        }
        Ok((items, total))
    }

    /// One item with its units, replies, files and record.
    pub async fn detail(&self, id: i64) -> Result<SupervisionDetail> {
        let svc = self.0.svc();
        svc.supervision_grant(self.0.actor(), Permission::ViewCoordination, id)
            .await?;
        let mut d = svc
            .store()
            .supervision_detail(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        flag(&mut d.item, clock::today());
        Ok(d)
    }

    pub async fn file(&self, id: i64, file_id: i64) -> Result<(SupervisionFile, Vec<u8>)> {
        self.detail(id).await?;
        self.0
            .store()
            .get_supervision_file(id, file_id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The content of the item's supervision notice (督办通知单).
    pub async fn notice(&self, id: i64) -> Result<SupervisionNotice> {
        Ok(self.notice_at(id).await?.0)
    }

    /// The notice's content and the item's version it was read at.
    async fn notice_at(&self, id: i64) -> Result<(SupervisionNotice, i64)> {
        let d = self.detail(id).await?;
        let version = d.item.version;
        let store = self.0.store();
        let departments = store.list_departments().await?;
        let name = |id: i64| {
            departments
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.name_zh.clone())
                .unwrap_or_default()
        };
        let item = d.item;
        let subject = match (item.subject, item.problem_id) {
            (SupervisionSubject::Problem, Some(pid)) => match store.get_problem(pid).await? {
                Some(p) => format!("问题 {} {}", p.number, p.title),
                None => item.title.clone(),
            },
            (SupervisionSubject::Task, _) => {
                format!("重点任务 {}", item.subject_id.unwrap_or_default())
            }
            _ => item.title.clone(),
        };
        let issuer = item
            .issuer_department_id
            .map(name)
            .unwrap_or_else(|| item.issued_by.clone());
        let notice = SupervisionNotice {
            number: item.number,
            title: item.title,
            addressees: item.unit_ids.iter().map(|u| name(*u)).collect(),
            subject,
            requirement: item.requirement,
            deadline: item.deadline,
            issuer,
            issued_on: clock::day_of(item.issued_at),
        };
        Ok((notice, version))
    }

    /// The ledger as a workbook, walked a page at a time.
    pub async fn ledger_xlsx(&self, q: &SupervisionQuery) -> Result<Vec<u8>> {
        let filter = self.filter(q)?;
        let store = self.0.store();
        let departments = store.list_departments().await?;
        let office = |e: dongneng_office::OfficeError| ServiceError::Internal(e.to_string());
        let mut sheet = LedgerWriter::new().map_err(office)?;
        let today = clock::today();
        let mut after = 0;
        loop {
            let page = store
                .supervision_export_page(&filter, after, EXPORT_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for mut item in page {
                flag(&mut item, today);
                sheet
                    .push(&ledger_row(&item, &departments))
                    .map_err(office)?;
            }
        }
        sheet.finish().map_err(office)
    }

    /// Items waiting on the actor: a unit's unanswered ones for a department, the ones to
    /// close or past their deadline for the supervisor; earliest deadline first.
    pub async fn waiting(&self, limit: i64) -> Result<Vec<SupervisionItem>> {
        let svc = self.0.svc();
        let store = self.0.store();
        let today = clock::today();
        let mut items = if svc
            .grant(self.0.actor(), Permission::ManageSupervision)
            .is_ok()
        {
            store
                .supervision_waiting_on_supervisor(today, limit)
                .await?
        } else if let (Ok(_), Some(d)) = (
            svc.grant(self.0.actor(), Permission::ReplySupervision),
            self.0.actor().user().department_id,
        ) {
            store.supervision_waiting_on_unit(d, limit).await?
        } else {
            vec![]
        };
        for i in &mut items {
            flag(i, today);
        }
        Ok(items)
    }
}

/// One line of the xlsx ledger.
fn ledger_row(item: &SupervisionItem, departments: &[dongneng_store::Department]) -> LedgerRow {
    let units: Vec<&str> = item
        .unit_ids
        .iter()
        .filter_map(|u| departments.iter().find(|d| d.id == *u))
        .map(|d| d.name_zh.as_str())
        .collect();
    let closed = item.state == SupervisionState::Closed;
    LedgerRow {
        number: item.number.clone(),
        title: item.title.clone(),
        units: units.join("、"),
        deadline: item.deadline,
        state: item.state.zh().to_string(),
        days_left: (!closed).then_some(item.days_left),
        overdue: item.overdue,
        replied: format!("{}/{}", item.replied_unit_ids.len(), item.unit_ids.len()),
        issued_on: clock::day_of(item.issued_at),
        closed_on: item.closed_at.map(clock::day_of),
    }
}
