//! Everyone's to-do (我的待办), the user's notifications and the reminder calendar.
//!
//! The to-do reads, per source, what waits on the actor or the actor's department — and only
//! the sources whose permission the actor holds: each is asked of [`Service::grant`] (the one
//! permission table), and its scope is the grant's (a department's own, the office's city,
//! a leader's industries). Notifications are each user's own ([`Inbox`]). The reminder job
//! ([`Service::send_due_reminders`]) runs under a lease and records each reminder under a
//! unique key, so it is sent once however many instances run.

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::Result;
use crate::mail::Mail;
use chrono::NaiveDate;
use dongneng_domain::clock;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::{DataScope, Permission};
use dongneng_domain::task::Issuer;
use dongneng_domain::todo::{self, ReminderSettings, ReminderStage, TodoKind, WaitingOn};
use dongneng_domain::validate::{FieldError, FieldErrors};
use dongneng_domain::{problem, supervision};
use dongneng_store::{
    AuditBy, Notification, Reminder, ReminderCandidate, StoredReminderSettings, TodoQuery, TodoRow,
};
use serde::Serialize;
use utoipa::ToSchema;

/// The most notifications one call marks read.
pub const MAX_MARK: usize = 500;

/// The most entries of one source the to-do lists.
pub const TODO_LIMIT: i64 = 50;

/// One entry of the to-do.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TodoEntry {
    pub kind: TodoKind,
    /// The task, problem or supervision item.
    pub record_id: i64,
    /// A problem's or supervision item's number.
    pub number: Option<String>,
    pub title: String,
    /// The record's page.
    pub link: String,
    pub deadline: Option<NaiveDate>,
    /// Past its deadline (China's calendar day).
    pub overdue: bool,
    /// Whom it waits on, and which department when a department's.
    pub waiting_on: WaitingOn,
    pub department_id: Option<i64>,
}

/// How many entries one source holds.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TodoCount {
    pub kind: TodoKind,
    pub total: i64,
}

/// The to-do: overdue first, then by deadline; the first entries of each source, with how
/// many there are in all and per source.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TodoList {
    pub items: Vec<TodoEntry>,
    pub total: i64,
    pub counts: Vec<TodoCount>,
}

/// Reads what waits on the actor.
pub struct TodoReader(Access);

/// The actor's own notifications.
pub struct Inbox(Access);

/// Changes the reminder calendar.
pub struct ReminderEditor(Access);

impl Service {
    pub fn todo(&self, actor: &Actor) -> Result<TodoReader> {
        Ok(TodoReader(self.grant(actor, Permission::ViewTodo)?))
    }

    pub fn inbox(&self, actor: &Actor) -> Result<Inbox> {
        Ok(Inbox(self.grant(actor, Permission::ReadNotifications)?))
    }

    pub fn reminder_editor(&self, actor: &Actor) -> Result<ReminderEditor> {
        Ok(ReminderEditor(
            self.grant(actor, Permission::ManageReminders)?,
        ))
    }

    /// The to-do count and the unread notifications of the navigation; zero where the actor
    /// holds neither permission.
    pub async fn badges(&self, actor: &Actor) -> Result<(i64, i64)> {
        let todo = match self.todo(actor) {
            Ok(r) => r.count().await?,
            Err(_) => 0,
        };
        let unread = match self.inbox(actor) {
            Ok(i) => i.unread().await?,
            Err(_) => 0,
        };
        Ok((todo, unread))
    }
}

/// The scope of a permission the actor holds, if any.
fn scope_of(access: &Access, permission: Permission) -> Option<DataScope> {
    access
        .svc()
        .grant(access.actor(), permission)
        .ok()
        .map(|a| a.scope().clone())
}

/// The union of two scopes.
fn union(a: DataScope, b: DataScope) -> DataScope {
    let mut out = DataScope {
        all: a.all || b.all,
        regions: [a.regions, b.regions].concat(),
        industries: [a.industries, b.industries].concat(),
        departments: [a.departments, b.departments].concat(),
    };
    out.regions.sort_unstable();
    out.regions.dedup();
    out.industries.sort_unstable();
    out.industries.dedup();
    out.departments.sort_unstable();
    out.departments.dedup();
    out
}

impl TodoReader {
    /// Which sources wait on the actor, each within the scope of its permission.
    fn query(&self, limit: i64) -> TodoQuery {
        let a = &self.0;
        let own = a.actor().user().department_id;
        // A department's part reaches its own department only (`Reach::OwnDepartment`).
        let own_of = |p: Permission| scope_of(a, p).and_then(|s| s.departments.first().copied());
        let mut check: Option<(Vec<Issuer>, DataScope)> = None;
        for (issuer, p) in [
            (Issuer::Office, Permission::CheckOfficeTasks),
            (Issuer::Supervisor, Permission::CheckSupervisionTasks),
        ] {
            if let Some(scope) = scope_of(a, p) {
                check = Some(match check {
                    None => (vec![issuer], scope),
                    Some((mut issuers, s)) => {
                        issuers.push(issuer);
                        (issuers, union(s, scope))
                    }
                });
            }
        }
        TodoQuery {
            // The tasks the actor's own department leads, when the actor reports on tasks.
            lead_department: scope_of(a, Permission::ReportTaskProgress).and(own),
            check,
            assignments_of: own_of(Permission::AnswerProblems),
            office: scope_of(a, Permission::ManageProblems),
            instruct: scope_of(a, Permission::InstructProblems),
            replies_of: own_of(Permission::ReplySupervision),
            supervisor: scope_of(a, Permission::ManageSupervision).is_some(),
            dispatch_file: scope_of(a, Permission::FileDispatch),
            dispatch_review: scope_of(a, Permission::ReviewDispatch),
            today: clock::today(),
            limit,
        }
    }

    /// The to-do.
    pub async fn list(&self) -> Result<TodoList> {
        let q = self.query(TODO_LIMIT);
        let rows = self.0.store().todo(&q).await?;
        Ok(to_list(rows, q.today))
    }

    /// How many entries wait on the actor (the navigation's badge).
    pub async fn count(&self) -> Result<i64> {
        let q = self.query(1);
        let rows = self.0.store().todo(&q).await?;
        Ok(to_list(rows, q.today).total)
    }
}

fn to_list(rows: Vec<TodoRow>, today: NaiveDate) -> TodoList {
    let mut counts: Vec<TodoCount> = Vec::new();
    for r in &rows {
        if !counts.iter().any(|c| c.kind == r.kind) {
            counts.push(TodoCount {
                kind: r.kind,
                total: r.total,
            });
        }
    }
    let mut items: Vec<TodoEntry> = rows
        .into_iter()
        .map(|r| {
            let number = match (r.kind, r.year, r.seq) {
                (TodoKind::SupervisionReply | TodoKind::SupervisionClose, Some(y), Some(s)) => {
                    Some(supervision::number(y, s))
                }
                (_, Some(y), Some(s)) => Some(problem::number(y, s)),
                _ => None,
            };
            TodoEntry {
                kind: r.kind,
                record_id: r.record_id,
                number,
                title: r.title,
                link: r.kind.link(r.record_id),
                deadline: r.deadline,
                overdue: todo::overdue(r.deadline, today),
                waiting_on: r.kind.waiting_on(),
                department_id: r.department_id,
            }
        })
        .collect();
    items.sort_by_key(|e| todo::order_key(e.deadline, today));
    TodoList {
        items,
        total: counts.iter().map(|c| c.total).sum(),
        counts,
    }
}

impl Inbox {
    fn user(&self) -> i64 {
        self.0.actor().user().id
    }

    /// One page of the actor's notifications, newest first, with how many there are.
    pub async fn list(&self, unread_only: bool, page: Page) -> Result<(Vec<Notification>, i64)> {
        Ok(self
            .0
            .store()
            .notifications(self.user(), unread_only, page)
            .await?)
    }

    pub async fn unread(&self) -> Result<i64> {
        Ok(self.0.store().unread_count(self.user()).await?)
    }

    /// Marks those of `ids` that are the actor's read; anyone else's are left alone (and
    /// nothing is written for them). The ones marked.
    pub async fn read(&self, ids: &[i64]) -> Result<Vec<Notification>> {
        if ids.len() > MAX_MARK {
            let e = FieldError::new("ids", "length").with("max", MAX_MARK);
            return Err(FieldErrors(vec![e]).into());
        }
        Ok(self
            .0
            .store()
            .mark_read(self.user(), ids, &self.0.by())
            .await?)
    }

    /// Marks all the actor's notifications read; how many were unread.
    pub async fn read_all(&self) -> Result<i64> {
        Ok(self
            .0
            .store()
            .mark_all_read(self.user(), &self.0.by())
            .await?)
    }
}

impl ReminderEditor {
    pub async fn get(&self) -> Result<StoredReminderSettings> {
        Ok(self.0.store().reminder_settings().await?)
    }

    /// Changes the calendar at the version read (409 when stale), validated.
    pub async fn set(
        &self,
        version: i64,
        settings: ReminderSettings,
    ) -> Result<StoredReminderSettings> {
        settings.validate()?;
        Ok(self
            .0
            .store()
            .set_reminder_settings(version, &settings, &self.0.by())
            .await?)
    }
}

/// The reminder's key: the record, the department, the deadline and the stage. A deadline
/// moved gets reminders of its own.
fn reminder_key(c: &ReminderCandidate, stage: ReminderStage) -> String {
    format!(
        "{}:{}:{}:{}:{}",
        c.record_type,
        c.record_id,
        c.department_id,
        c.deadline,
        stage.code()
    )
}

fn reminder_title(c: &ReminderCandidate) -> String {
    match (c.record_type.as_str(), c.year, c.seq) {
        ("supervision_item", Some(y), Some(s)) => {
            format!("{} {}", supervision::number(y, s), c.title)
        }
        ("problem", Some(y), Some(s)) => format!("{} {}", problem::number(y, s), c.title),
        _ => c.title.clone(),
    }
}

fn reminder_link(c: &ReminderCandidate) -> String {
    match c.record_type.as_str() {
        "task" => format!("/tasks/{}", c.record_id),
        "problem" => format!("/problems/{}", c.record_id),
        _ => format!("/supervision/{}", c.record_id),
    }
}

/// The most candidates one run reads.
const REMINDER_BATCH: i64 = 20_000;

impl Service {
    /// Sends the reminders due today (the office's calendar): to the department concerned
    /// before, on and after a deadline, and to the leader in charge at the escalation. Runs
    /// under a lease in the database; each reminder is recorded under a unique key in the
    /// transaction that writes its notifications, so however many instances run, and however
    /// often, each is sent once. E-mail goes out too when SMTP is configured. Returns how
    /// many reminders this run sent (`None` when another instance holds the lease).
    pub async fn send_due_reminders(&self, holder: &str) -> Result<Option<usize>> {
        if !self.store().try_lease("reminders", holder, 600).await? {
            return Ok(None);
        }
        let settings = self.store().reminder_settings().await?.settings;
        let today = clock::today();
        let (from, to) = settings.window(today);
        let candidates = self
            .store()
            .reminder_candidates(from, to, REMINDER_BATCH)
            .await?;
        let by = AuditBy::system("reminders");
        let mut sent = 0;
        for c in candidates {
            for stage in settings.due(c.deadline, today) {
                let reminder = Reminder {
                    key: reminder_key(&c, stage),
                    kind: stage.kind(),
                    title: reminder_title(&c),
                    link: reminder_link(&c),
                    to_leader: stage == ReminderStage::Escalated,
                    candidate: c.clone(),
                };
                let Some(told) = self.store().send_reminder(&reminder, &by).await? else {
                    continue;
                };
                sent += 1;
                if let Some(mailer) = &self.mailer {
                    for r in told.iter().filter(|r| r.email.is_some()) {
                        let mail = Mail::reminder(&reminder, r, mailer.public_url());
                        if let Err(e) = mailer.send(&mail).await {
                            tracing::warn!(error = %e, user = %r.username, "reminder e-mail failed");
                        }
                    }
                }
            }
        }
        tracing::info!(sent, "reminders sent");
        Ok(Some(sent))
    }
}
