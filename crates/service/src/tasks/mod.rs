//! Key tasks (重点任务). Reading needs `ViewTasks` over a scope that reaches the task (its
//! region, its industry, or — for a department — the departments it is assigned to):
//! [`TaskReader`]. Changing one task needs the permission of what is done to it, over the
//! same reach (`write`): issuing and changing ([`TaskIssuer`], [`TaskEditor`]: `ManageTasks`,
//! or `ManageWorkPlanTasks` for a work plan's), reporting ([`TaskReporter`]:
//! `ReportTaskProgress`), checking a close ([`TaskChecker`]: the permission of whoever issued
//! it). What a task must be — its fields, references, dates — is checked in `check`, which
//! the areas that give tasks (meetings, problems) call too.

mod check;
mod demo;
mod write;

pub use write::{TaskChecker, TaskEditor, TaskIssuer, TaskReporter};

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use crate::projects::region_path;
use chrono::NaiveDate;
use dongneng_domain::Role;
use dongneng_domain::clock;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::{DataScope, Permission};
use dongneng_domain::task::{Issuer, TaskSource, TaskStatus, TaskStep};
use dongneng_domain::user::roles_of;
use dongneng_store::{
    AuditEntry, AuditFilter, Region, Task, TaskCounts, TaskEntry, TaskEvent, TaskFile, TaskFilter,
    TaskNote,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Filters a client may ask for.
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub status: Option<TaskStatus>,
    /// Only the overdue ones (on China's today).
    pub overdue: bool,
    pub source: Option<TaskSource>,
    pub industry_id: Option<i64>,
    /// A district (or any region) with everything below it.
    pub region_id: Option<i64>,
    /// Led or co-operated by this department.
    pub department_id: Option<i64>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    /// A substring of the title or the content.
    pub q: Option<String>,
}

/// One task with everything its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub task: TaskEntry,
    /// Progress notes, oldest first.
    pub notes: Vec<TaskNote>,
    /// Evidence.
    pub files: Vec<TaskFile>,
    /// The timeline: created, each status move with its reason.
    pub events: Vec<TaskEvent>,
    /// Every change, newest first — also those from when it was a work plan's measure.
    pub history: Vec<AuditEntry>,
    /// What the caller may do with it now.
    pub can: TaskAbilities,
}

/// What a caller may do with one task.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct TaskAbilities {
    /// Change it and cancel it.
    pub edit: bool,
    /// Add notes and evidence, start it, submit it as done.
    pub report: bool,
    /// Accept or send back its close.
    pub check: bool,
    /// The status moves the caller may make now.
    pub steps: Vec<TaskStep>,
}

/// The tasks waiting on one user: the open tasks of their department (overdue first), and
/// the closes they must check.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct WaitingTasks {
    pub department: Vec<TaskEntry>,
    /// All the open tasks of the department (the list holds the first ones).
    pub department_total: i64,
    pub to_check: Vec<TaskEntry>,
    pub to_check_total: i64,
}

/// Whether `scope` reaches `task`: by its region (with the regions above it), its industry,
/// or a department it is assigned to.
pub(crate) fn reaches(scope: &DataScope, regions: &[Region], task: &Task) -> bool {
    let path = task
        .region_id
        .map(|r| region_path(regions, r))
        .unwrap_or_default();
    scope.covers_assigned(&path, task.industry_id, &task.departments())
}

impl Service {
    /// Reads the tasks the actor's scope reaches.
    pub fn tasks(&self, actor: &Actor) -> Result<TaskReader> {
        Ok(TaskReader(self.grant(actor, Permission::ViewTasks)?))
    }

    /// Task `id` and the regions, for a capability over it: 404 when there is none.
    async fn task_and_regions(&self, id: i64) -> Result<(Task, Vec<Region>)> {
        let task = self
            .store()
            .get_task(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok((task, self.store().list_regions().await?))
    }

    /// The city leaders (users with the leader role, not disabled): id and name. A task's
    /// leader in charge and a meeting's chair are one of them.
    pub(crate) async fn leader_names(&self) -> Result<Vec<(i64, String)>> {
        let (users, _) = self
            .store()
            .list_users(Page::new(
                Some(1),
                Some(dongneng_domain::paging::MAX_PER_PAGE),
            ))
            .await?;
        Ok(users
            .into_iter()
            .filter(|u| !u.disabled && roles_of(&u.grants).contains(&Role::Leader))
            .map(|u| (u.id, u.display_name))
            .collect())
    }

    /// The issuers whose closes the actor checks.
    fn checks_for(&self, actor: &Actor) -> Vec<Issuer> {
        Issuer::ALL
            .iter()
            .copied()
            .filter(|i| self.grant(actor, check_permission(*i)).is_ok())
            .collect()
    }
}

/// The permission that checks the close of a task `issuer` issued.
fn check_permission(issuer: Issuer) -> Permission {
    match issuer {
        Issuer::Office => Permission::CheckOfficeTasks,
        Issuer::Supervisor => Permission::CheckSupervisionTasks,
    }
}

/// Reads the tasks within the actor's scope: lists with counts, one task with its notes,
/// evidence, timeline and history, what waits on the actor.
pub struct TaskReader(Access);

/// Statuses the lead department still owes.
const OPEN: [TaskStatus; 2] = [TaskStatus::NotStarted, TaskStatus::InProgress];

impl TaskReader {
    /// The store filter for a query, within what the actor may see.
    fn filter(&self, q: &TaskQuery, today: NaiveDate) -> Result<TaskFilter> {
        let search =
            q.q.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
        if let Some(s) = &search
            && (s.chars().count() > 100 || s.chars().any(|c| c.is_control()))
        {
            return Err(ServiceError::field("q", "control_chars"));
        }
        if let (Some(from), Some(to)) = (q.deadline_from, q.deadline_to)
            && from > to
        {
            return Err(ServiceError::field("deadline_to", "date_order"));
        }
        Ok(TaskFilter {
            scope: self.0.scope().clone(),
            statuses: q.status.into_iter().collect(),
            overdue_on: q.overdue.then_some(today),
            source: q.source,
            industry_id: q.industry_id,
            region_id: q.region_id,
            department_id: q.department_id,
            deadline_from: q.deadline_from,
            deadline_to: q.deadline_to,
            q: search,
            ..TaskFilter::default()
        })
    }

    /// A page of the filtered list (open ones by deadline first), and the counts.
    pub async fn list(&self, q: &TaskQuery, page: Page) -> Result<(Vec<TaskEntry>, TaskCounts)> {
        let today = clock::today();
        let filter = self.filter(q, today)?;
        self.page_of(&filter, page, today).await
    }

    async fn page_of(
        &self,
        filter: &TaskFilter,
        page: Page,
        today: NaiveDate,
    ) -> Result<(Vec<TaskEntry>, TaskCounts)> {
        let store = self.0.store();
        let counts = store.task_counts(filter, today).await?;
        let items = store.task_page(filter, page).await?;
        Ok((items.into_iter().map(|t| t.on(today)).collect(), counts))
    }

    /// What waits on the actor: the first `limit` open tasks of their department (overdue
    /// first) and closes they must check, each with how many there are in all.
    pub async fn waiting(&self, limit: u32) -> Result<WaitingTasks> {
        let today = clock::today();
        let page = Page::new(Some(1), Some(limit));
        let mut out = WaitingTasks::default();
        if let Some(department) = self.0.actor().user().department_id {
            let filter = TaskFilter {
                scope: self.0.scope().clone(),
                statuses: OPEN.to_vec(),
                department_id: Some(department),
                ..TaskFilter::default()
            };
            let (items, counts) = self.page_of(&filter, page, today).await?;
            (out.department, out.department_total) = (items, counts.matching);
        }
        let issuers = self.0.svc().checks_for(self.0.actor());
        if !issuers.is_empty() {
            let filter = TaskFilter {
                scope: self.0.scope().clone(),
                statuses: vec![TaskStatus::PendingCheck],
                issuers,
                ..TaskFilter::default()
            };
            let (items, counts) = self.page_of(&filter, page, today).await?;
            (out.to_check, out.to_check_total) = (items, counts.matching);
        }
        Ok(out)
    }

    /// A task the actor may see: 404 when there is none, 403 outside the scope.
    pub async fn get(&self, id: i64) -> Result<Task> {
        let (task, regions) = self.0.svc().task_and_regions(id).await?;
        if !reaches(self.0.scope(), &regions, &task) {
            return Err(ServiceError::Forbidden);
        }
        Ok(task)
    }

    /// Everything the task's page shows.
    pub async fn detail(&self, id: i64) -> Result<TaskDetail> {
        let task = self.get(id).await?;
        let store = self.0.store();
        let svc = self.0.svc();
        let actor = self.0.actor();
        // What the caller may do: the capabilities the service would hand out.
        let edit = svc.task_editor(actor, id).await.is_ok();
        let report = svc.task_reporter(actor, id).await.is_ok();
        let check = svc.task_checker(actor, id).await.is_ok();
        let steps = task
            .status
            .allowed_steps()
            .into_iter()
            .filter(|s| match s {
                TaskStep::Start | TaskStep::Submit => report,
                TaskStep::Accept | TaskStep::Reject => check,
                TaskStep::Cancel => edit,
            })
            .collect();
        Ok(TaskDetail {
            notes: store.list_task_notes(id).await?,
            files: store.list_task_files(id).await?,
            events: store.list_task_events(id).await?,
            history: self.history(id).await?,
            can: TaskAbilities {
                edit,
                report,
                check,
                steps,
            },
            task: task.on(clock::today()),
        })
    }

    /// The task's audit rows, newest first: as a task, and before that as a work plan's
    /// measure (the same id).
    async fn history(&self, id: i64) -> Result<Vec<AuditEntry>> {
        let mut all = Vec::new();
        for kind in ["task", "work_plan_measure"] {
            let filter = AuditFilter {
                record_type: Some(kind.into()),
                record_id: Some(id),
                ..Default::default()
            };
            let (rows, _) = self
                .0
                .store()
                .list_audit(&filter, Page::new(Some(1), Some(200)))
                .await?;
            all.extend(rows);
        }
        all.sort_by_key(|e| std::cmp::Reverse(e.id));
        Ok(all)
    }

    /// The city leaders a task may name as its leader in charge: id and name.
    pub async fn leaders(&self) -> Result<Vec<(i64, String)>> {
        self.0.svc().leader_names().await
    }

    /// A piece of evidence with its bytes.
    pub async fn download_file(&self, task_id: i64, id: i64) -> Result<(TaskFile, Vec<u8>)> {
        self.get(task_id).await?;
        self.0
            .store()
            .get_task_file(task_id, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}
