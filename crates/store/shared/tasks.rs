//! Key tasks: the lists (a department's, an industry's, a district's, the checker's queue)
//! read from indexes by department, industry, region, status and deadline; the writes, each
//! with its audit row and, for a status move, its timeline event.
//!
//! Other areas give tasks in their own transactions: [`insert_task`].

use super::common::{AnyOf, Conn, Tx, begin_write, map_err, now, replace_links, write_audit};
use super::notify::{Audience, Notice, notify};
use super::projects::{in_chunks, like_escape, push_region_subtree};
use super::versioned::{Expected, NoChildren, Record, Removable, read, remove, versioned_rows};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::Permission;
use dongneng_domain::task::{Issuer, TaskInput, TaskStatus, TaskStep};
use dongneng_domain::todo::NotificationKind;
use dongneng_store::{
    AuditBy, NewFile, NewTask, StoreError, Task, TaskCounts, TaskEvent, TaskFile, TaskFilter,
    TaskNote, TaskStore, WorkPlan,
};
use sqlx::Row;

type R<T> = Result<T, StoreError>;

macro_rules! task_cols {
    () => {
        "id, title, details, source, source_id, work_plan_id, industry_id, region_id, \
         lead_department_id, responsible_person, leader_user_id, issued_on, deadline, status, \
         issuer, cancel_reason, reject_reason, done_at, closed_at, created_by, version, \
         created_at, updated_at"
    };
}
macro_rules! file_cols {
    () => {
        "id, task_id, file_name, content_type, size_bytes, sha256, uploaded_by, version, \
         created_at, updated_at"
    };
}
macro_rules! note_cols {
    () => {
        "id, task_id, noted_on, progress_note, user_id, username, created_at"
    };
}

versioned_rows!(Task, TaskFile);

/// The statuses in which the lead department still owes the task, as SQL.
const OPEN: &str = "('not_started', 'in_progress')";

impl Record for Task {
    const RECORD_TYPE: &'static str = "task";
    const SELECT: &'static str = concat!("select ", task_cols!(), " from tasks where id = $1");

    async fn read_beside(&mut self, conn: &mut Conn) -> R<()> {
        self.co_department_ids = sqlx::query_scalar::<Db, i64>(
            "select department_id from task_departments where task_id = $1 \
             order by department_id",
        )
        .bind(self.id)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }
}

impl Record for TaskFile {
    const RECORD_TYPE: &'static str = "task_file";
    const SELECT: &'static str = concat!(
        "select ",
        file_cols!(),
        " from task_files where id = $1 and task_id = $2"
    );
}

impl Removable for TaskFile {
    const DELETE: &'static str = "delete from task_files where id = $1 and version = $2";
    type Children = NoChildren;
}

/// Inserts a new task in the caller's transaction: the task (not started), its
/// co-operating departments, the first event of its timeline and its audit row. The caller
/// has checked the input (`TaskInput::validate`, the references).
pub(crate) async fn insert_task(tx: &mut Tx, new: &NewTask, by: &AuditBy) -> R<Task> {
    let i = &new.input;
    let t = now();
    let mut task = sqlx::query_as::<Db, Task>(concat!(
        "insert into tasks (title, details, source, source_id, work_plan_id, industry_id, \
         region_id, lead_department_id, responsible_person, leader_user_id, issued_on, deadline, \
         status, issuer, created_by, version, created_at, updated_at) values ($1, $2, $3, $4, \
         $5, $6, $7, $8, $9, $10, $11, $12, 'not_started', $13, $14, 1, $15, $15) returning ",
        task_cols!()
    ))
    .bind(&i.title)
    .bind(&i.details)
    .bind(i.source.code())
    .bind(new.source_id)
    .bind(i.work_plan_id)
    .bind(i.industry_id)
    .bind(i.region_id)
    .bind(i.lead_department_id)
    .bind(&i.responsible_person)
    .bind(i.leader_user_id)
    .bind(new.issued_on)
    .bind(i.deadline)
    .bind(new.issuer.code())
    .bind(&by.username)
    .bind(t)
    .fetch_one(&mut **tx)
    .await
    .map_err(map_err)?;
    put_co_departments(tx, task.id, &i.co_department_ids).await?;
    task.read_beside(tx).await?;
    insert_event(tx, &task, "created", None, None, by, t).await?;
    tell(tx, &task, NotificationKind::TaskIssued, None, by, t).await?;
    let id = Some(task.id);
    write_audit(
        tx,
        by,
        "create",
        Task::RECORD_TYPE,
        id,
        None::<&()>,
        Some(&task),
    )
    .await?;
    Ok(task)
}

/// The notifications of a task's step, in its transaction: the lead and co-operating
/// departments of a task issued, the lead department of a close accepted or sent back, and
/// whoever checks the close of a task submitted as done.
async fn tell(
    tx: &mut Tx,
    task: &Task,
    kind: NotificationKind,
    reason: Option<&str>,
    by: &AuditBy,
    t: DateTime<Utc>,
) -> R<()> {
    let lead = task.lead_department_id.map(Audience::Department);
    let audience: Vec<Audience> = match kind {
        NotificationKind::TaskIssued => lead
            .into_iter()
            .chain(
                task.co_department_ids
                    .iter()
                    .map(|d| Audience::Department(*d)),
            )
            .collect(),
        NotificationKind::TaskSubmitted => vec![Audience::Holders {
            permission: match task.issuer {
                Issuer::Office => Permission::CheckOfficeTasks,
                Issuer::Supervisor => Permission::CheckSupervisionTasks,
            },
            region_id: task.region_id,
            industry_id: task.industry_id,
        }],
        _ => lead.into_iter().collect(),
    };
    let notice = Notice {
        kind,
        record_type: Task::RECORD_TYPE,
        record_id: task.id,
        title: task.title.clone(),
        body: reason.unwrap_or(""),
        link: format!("/tasks/{}", task.id),
    };
    notify(tx, &notice, &audience, by, t).await?;
    Ok(())
}

/// Replaces a task's co-operating departments.
async fn put_co_departments(tx: &mut Tx, task: i64, departments: &[i64]) -> R<()> {
    replace_links(
        tx,
        "delete from task_departments where task_id = $1",
        "insert into task_departments (task_id, department_id) values ($1, $2)",
        task,
        departments,
    )
    .await
}

/// Appends a step to the task's timeline (`task` as it is after the step).
async fn insert_event(
    tx: &mut Tx,
    task: &Task,
    kind: &str,
    from: Option<TaskStatus>,
    reason: Option<&str>,
    by: &AuditBy,
    at: DateTime<Utc>,
) -> R<()> {
    sqlx::query(
        "insert into task_events (task_id, kind, from_status, to_status, reason, user_id, \
         username, at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(task.id)
    .bind(kind)
    .bind(from.map(|s| s.code()))
    .bind(task.status.code())
    .bind(reason)
    .bind(by.user_id)
    .bind(&by.username)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// Moves the version of an open task whose evidence changes: none open with this id is a
/// 404 when there is no such task, else a conflict (it was submitted, closed or cancelled
/// since it was read).
async fn evidence_changes(tx: &mut Tx, task: i64) -> R<()> {
    let done = sqlx::query(concat!(
        "update tasks set version = version + 1, updated_at = $2 where id = $1 and status in ",
        "('not_started', 'in_progress')"
    ))
    .bind(task)
    .bind(now())
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    match read::<Task>(tx, task, &[]).await? {
        None => Err(StoreError::NotFound),
        Some(_) => Err(StoreError::Conflict),
    }
}

// ---------------------------------------------------------------- lists

/// `<alias>.id` is a task `departments` lead or co-operate on: two index lookups.
fn push_assigned(qb: &mut sqlx::QueryBuilder<Db>, departments: &[i64]) {
    let list = |qb: &mut sqlx::QueryBuilder<Db>| {
        let mut s = qb.separated(", ");
        for d in departments {
            s.push_bind(*d);
        }
    };
    qb.push("t.id in (select id from tasks where lead_department_id in (");
    list(qb);
    qb.push(") union select task_id from task_departments where department_id in (");
    list(qb);
    qb.push("))");
}

/// Codes of a closed list as SQL literals (`('a', 'b')`): the planner sees the values, so
/// the partial index of the checker's queue applies.
fn codes_sql<T: Copy>(values: &[T], code: fn(T) -> &'static str) -> String {
    let inner: Vec<String> = values.iter().map(|v| format!("'{}'", code(*v))).collect();
    format!("({})", inner.join(", "))
}

/// Appends the filter (on alias `t`) to a query that has a `where`; `with_status` adds its
/// statuses and overdue flag.
pub(crate) fn push_filter(qb: &mut sqlx::QueryBuilder<Db>, f: &TaskFilter, with_status: bool) {
    let s = &f.scope;
    if !s.all {
        let mut any = AnyOf::new();
        if !s.regions.is_empty() {
            push_region_subtree(any.or(qb), "t", &s.regions);
        }
        if !s.industries.is_empty() {
            any.or(qb).push("t.industry_id in (");
            let mut sep = qb.separated(", ");
            for i in &s.industries {
                sep.push_bind(*i);
            }
            qb.push(")");
        }
        if !s.departments.is_empty() {
            push_assigned(any.or(qb), &s.departments);
        }
        any.finish(qb);
    }
    if with_status {
        if !f.statuses.is_empty() {
            qb.push(" and t.status in ")
                .push(codes_sql(&f.statuses, TaskStatus::code));
        }
        if let Some(day) = f.overdue_on {
            qb.push(" and t.status in ")
                .push(OPEN)
                .push(" and t.deadline < ")
                .push_bind(day);
        }
    }
    if let Some(src) = f.source {
        qb.push(" and t.source = ").push_bind(src.code());
    }
    if let Some(i) = f.industry_id {
        qb.push(" and t.industry_id = ").push_bind(i);
    }
    if let Some(r) = f.region_id {
        qb.push(" and ");
        push_region_subtree(qb, "t", &[r]);
    }
    if let Some(d) = f.department_id {
        qb.push(" and ");
        push_assigned(qb, &[d]);
    }
    if let Some(w) = f.work_plan_id {
        qb.push(" and t.work_plan_id = ").push_bind(w);
    }
    if !f.issuers.is_empty() {
        qb.push(" and t.issuer in ")
            .push(codes_sql(&f.issuers, |i| i.code()));
    }
    if let Some(from) = f.deadline_from {
        qb.push(" and t.deadline >= ").push_bind(from);
    }
    if let Some(to) = f.deadline_to {
        qb.push(" and t.deadline <= ").push_bind(to);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", like_escape(q));
        qb.push(" and (t.title like ")
            .push_bind(pattern.clone())
            .push(" escape '\\' or t.details like ")
            .push_bind(pattern)
            .push(" escape '\\')");
    }
}

/// The open ones by deadline (so the overdue first), then those awaiting their check, then
/// the finished ones.
const ORDER: &str = " order by case when t.status in ('not_started', 'in_progress') then 0 \
                     when t.status = 'pending_check' then 1 else 2 end, t.deadline, t.id";

/// Tasks by id, with their co-operating departments, in the order of `ids`.
async fn tasks_by_ids(conn: &mut Conn, ids: &[i64]) -> R<Vec<Task>> {
    let head = concat!("select ", task_cols!(), " from tasks where id in (");
    let mut tasks: Vec<Task> = in_chunks(conn, head, ids, |s, id| {
        s.push_bind(*id);
    })
    .await?;
    let links: Vec<(i64, i64)> = in_chunks(
        conn,
        "select task_id, department_id from task_departments where task_id in (",
        ids,
        |s, id| {
            s.push_bind(*id);
        },
    )
    .await?;
    for t in &mut tasks {
        t.co_department_ids = links
            .iter()
            .filter(|(task, _)| *task == t.id)
            .map(|(_, d)| *d)
            .collect();
        t.co_department_ids.sort_unstable();
    }
    tasks.sort_by_key(|t| ids.iter().position(|i| *i == t.id));
    Ok(tasks)
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    task_id: i64,
    kind: String,
    from_status: Option<String>,
    to_status: String,
    reason: Option<String>,
    user_id: Option<i64>,
    username: String,
    at: DateTime<Utc>,
}

impl EventRow {
    fn into_event(self) -> R<TaskEvent> {
        let status = |s: String| TaskStatus::try_from(s).map_err(StoreError::Internal);
        Ok(TaskEvent {
            id: self.id,
            task_id: self.task_id,
            kind: self.kind,
            from_status: self.from_status.map(status).transpose()?,
            to_status: status(self.to_status)?,
            reason: self.reason,
            user_id: self.user_id,
            username: self.username,
            at: self.at,
        })
    }
}

#[async_trait]
impl TaskStore for BackendStore {
    async fn task_page(&self, filter: &TaskFilter, page: Page) -> R<Vec<Task>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new("select t.id from tasks t where 1 = 1");
        push_filter(&mut qb, filter, true);
        qb.push(ORDER)
            .push(" limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let ids: Vec<i64> = qb
            .build_query_scalar()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        tasks_by_ids(&mut conn, &ids).await
    }

    async fn task_counts(&self, filter: &TaskFilter, today: NaiveDate) -> R<TaskCounts> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select t.status, count(*) as n, cast(coalesce(sum(case when t.status in ",
        );
        qb.push(OPEN)
            .push(" and t.deadline < ")
            .push_bind(today)
            .push(" then 1 else 0 end), 0) as bigint) as late from tasks t where 1 = 1");
        push_filter(&mut qb, filter, false);
        qb.push(" group by t.status");
        let rows = qb.build().fetch_all(&self.pool).await.map_err(map_err)?;
        let mut c = TaskCounts::default();
        for row in rows {
            let code: String = row.try_get("status").map_err(map_err)?;
            let status = TaskStatus::try_from(code).map_err(StoreError::Internal)?;
            let n: i64 = row.try_get("n").map_err(map_err)?;
            let late: i64 = row.try_get("late").map_err(map_err)?;
            c.all += n;
            c.overdue += late;
            *match status {
                TaskStatus::NotStarted => &mut c.not_started,
                TaskStatus::InProgress => &mut c.in_progress,
                TaskStatus::PendingCheck => &mut c.pending_check,
                TaskStatus::Closed => &mut c.closed,
                TaskStatus::Cancelled => &mut c.cancelled,
            } += n;
            if filter.statuses.is_empty() || filter.statuses.contains(&status) {
                c.matching += if filter.overdue_on.is_some() { late } else { n };
            }
        }
        Ok(c)
    }

    async fn get_task(&self, id: i64) -> R<Option<Task>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        read::<Task>(&mut conn, id, &[]).await
    }

    async fn work_plan_tasks(&self, industry_id: i64) -> R<Vec<Task>> {
        let ids: Vec<i64> = sqlx::query_scalar::<Db, i64>(
            "select t.id from tasks t join work_plans w on w.id = t.work_plan_id \
             where w.industry_id = $1 order by t.work_plan_id, t.deadline, t.id",
        )
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        tasks_by_ids(&mut conn, &ids).await
    }

    async fn work_plan(&self, id: i64) -> R<Option<WorkPlan>> {
        sqlx::query_as::<Db, WorkPlan>(
            "select id, industry_id, year, plan_title, goals, version, created_at, updated_at \
             from work_plans where id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_task(&self, new: &NewTask, by: &AuditBy) -> R<Task> {
        let mut tx = begin_write(&self.pool).await?;
        let task = insert_task(&mut tx, new, by).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(task)
    }

    async fn update_task(&self, id: i64, version: i64, i: &TaskInput, by: &AuditBy) -> R<Task> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id, version };
        let before: Task = at.check(read(&mut tx, id, &[]).await?)?;
        // The source and the work plan stay as they were (the service refuses a change).
        let mut after: Task = at
            .write_returning(
                &mut tx,
                concat!(
                    "update tasks set title = $3, details = $4, industry_id = $5, \
                     region_id = $6, lead_department_id = $7, responsible_person = $8, \
                     leader_user_id = $9, deadline = $10, version = version + 1, \
                     updated_at = $11 where id = $1 and version = $2 returning ",
                    task_cols!()
                ),
                |q| {
                    q.bind(&i.title)
                        .bind(&i.details)
                        .bind(i.industry_id)
                        .bind(i.region_id)
                        .bind(i.lead_department_id)
                        .bind(&i.responsible_person)
                        .bind(i.leader_user_id)
                        .bind(i.deadline)
                        .bind(now())
                },
            )
            .await?;
        put_co_departments(&mut tx, id, &i.co_department_ids).await?;
        after.read_beside(&mut tx).await?;
        let kind = Task::RECORD_TYPE;
        write_audit(
            &mut tx,
            by,
            "update",
            kind,
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn move_task(
        &self,
        id: i64,
        version: i64,
        step: TaskStep,
        reason: Option<&str>,
        by: &AuditBy,
    ) -> R<Task> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id, version };
        let before: Task = at.check(read(&mut tx, id, &[]).await?)?;
        // The service checked the step against this very version.
        let Some(to) = before.status.after(step) else {
            return Err(StoreError::Conflict);
        };
        let t = now();
        let (mut done_at, mut closed_at) = (before.done_at, before.closed_at);
        let (mut rejected, mut cancelled) =
            (before.reject_reason.clone(), before.cancel_reason.clone());
        match step {
            TaskStep::Start => {}
            TaskStep::Submit => done_at = Some(t),
            TaskStep::Accept => closed_at = Some(t),
            TaskStep::Reject => {
                done_at = None;
                rejected = reason.map(str::to_string);
            }
            TaskStep::Cancel => {
                closed_at = Some(t);
                cancelled = reason.map(str::to_string);
            }
        }
        let mut after: Task = at
            .write_returning(
                &mut tx,
                concat!(
                    "update tasks set status = $3, done_at = $4, closed_at = $5, \
                     reject_reason = $6, cancel_reason = $7, version = version + 1, \
                     updated_at = $8 where id = $1 and version = $2 returning ",
                    task_cols!()
                ),
                |q| {
                    q.bind(to.code())
                        .bind(done_at)
                        .bind(closed_at)
                        .bind(rejected)
                        .bind(cancelled)
                        .bind(t)
                },
            )
            .await?;
        after.co_department_ids = before.co_department_ids.clone();
        insert_event(
            &mut tx,
            &after,
            step.code(),
            Some(before.status),
            reason,
            by,
            t,
        )
        .await?;
        let told = match step {
            TaskStep::Submit => Some(NotificationKind::TaskSubmitted),
            TaskStep::Accept => Some(NotificationKind::TaskClosed),
            TaskStep::Reject => Some(NotificationKind::TaskRejected),
            TaskStep::Start | TaskStep::Cancel => None,
        };
        if let Some(kind) = told {
            tell(&mut tx, &after, kind, reason, by, t).await?;
        }
        let kind = Task::RECORD_TYPE;
        write_audit(
            &mut tx,
            by,
            step.code(),
            kind,
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn list_task_notes(&self, task_id: i64) -> R<Vec<TaskNote>> {
        sqlx::query_as::<Db, TaskNote>(concat!(
            "select ",
            note_cols!(),
            " from task_notes where task_id = $1 order by noted_on, id"
        ))
        .bind(task_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn add_task_note(
        &self,
        task_id: i64,
        noted_on: NaiveDate,
        progress_note: &str,
        by: &AuditBy,
    ) -> R<TaskNote> {
        let mut tx = begin_write(&self.pool).await?;
        if read::<Task>(&mut tx, task_id, &[]).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let note = sqlx::query_as::<Db, TaskNote>(concat!(
            "insert into task_notes (task_id, noted_on, progress_note, user_id, username, \
             created_at) \
             values ($1, $2, $3, $4, $5, $6) returning ",
            note_cols!()
        ))
        .bind(task_id)
        .bind(noted_on)
        .bind(progress_note)
        .bind(by.user_id)
        .bind(&by.username)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let id = Some(note.id);
        write_audit(
            &mut tx,
            by,
            "create",
            "task_note",
            id,
            None::<&()>,
            Some(&note),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(note)
    }

    async fn list_task_files(&self, task_id: i64) -> R<Vec<TaskFile>> {
        sqlx::query_as::<Db, TaskFile>(concat!(
            "select ",
            file_cols!(),
            " from task_files where task_id = $1 order by id"
        ))
        .bind(task_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn add_task_file(&self, task_id: i64, file: &NewFile, by: &AuditBy) -> R<TaskFile> {
        let mut tx = begin_write(&self.pool).await?;
        evidence_changes(&mut tx, task_id).await?;
        let row = sqlx::query_as::<Db, TaskFile>(concat!(
            "insert into task_files (task_id, file_name, content_type, size_bytes, sha256, \
             content, uploaded_by, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) returning ",
            file_cols!()
        ))
        .bind(task_id)
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.content.len() as i64)
        .bind(&file.sha256)
        .bind(&file.content)
        .bind(&by.username)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let (kind, id) = (TaskFile::RECORD_TYPE, Some(row.id));
        write_audit(&mut tx, by, "create", kind, id, None::<&()>, Some(&row)).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn get_task_file(&self, task_id: i64, id: i64) -> R<Option<(TaskFile, Vec<u8>)>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        let Some(file) = read::<TaskFile>(&mut conn, id, &[task_id]).await? else {
            return Ok(None);
        };
        let content =
            sqlx::query_scalar::<Db, Vec<u8>>("select content from task_files where id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(map_err)?;
        Ok(content.map(|c| (file, c)))
    }

    async fn delete_task_file(&self, task_id: i64, id: i64, version: i64, by: &AuditBy) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        // A file of another task is not found before anything moves.
        if read::<TaskFile>(&mut tx, id, &[task_id]).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        evidence_changes(&mut tx, task_id).await?;
        remove::<TaskFile>(&mut tx, &[task_id], Expected { id, version }, by).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn list_task_events(&self, task_id: i64) -> R<Vec<TaskEvent>> {
        let rows: Vec<EventRow> = sqlx::query_as::<Db, EventRow>(
            "select id, task_id, kind, from_status, to_status, reason, user_id, username, at \
             from task_events where task_id = $1 order by id",
        )
        .bind(task_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.into_iter().map(EventRow::into_event).collect()
    }
}
