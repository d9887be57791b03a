//! Problems: the list with its filters and scope, the problem page, raising, every step of a
//! problem's life, attachments, the per-department figures and what waits on a department.
//!
//! Each step is one transaction: the problem's version is checked and moved on first (so a
//! concurrent step finds it stale: 409), then the step's own rows, its timeline entry, the
//! problem's settled state and earliest open deadline, and the audit row.

use super::attachments::{file_with_content, insert_event, insert_file};
use super::common::{AnyOf, Conn, Tx, begin_write, map_err, write_audit};
use super::notify::{Audience, Notice, notify};
use super::numbers::next_number;
use super::projects::{in_chunks, like_escape, push_region_subtree};
use super::tasks::insert_task;
use super::versioned::{Expected, versioned_rows};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dongneng_domain::clock;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_domain::problem::{self, AssignmentState, EventKind, ProblemState};
use dongneng_domain::task::{TaskInput, TaskSource};
use dongneng_store::{
    Assignment, AuditBy, DepartmentCounts, InstructionTask, NewFile, NewProblem, NewTask, Problem,
    ProblemChange, ProblemDetail, ProblemFields, ProblemFile, ProblemFilter, ProblemStep,
    ProblemStore, StoreError,
};

type R<T> = Result<T, StoreError>;

macro_rules! problem_cols {
    () => {
        "p.id, p.year, p.seq, p.title, p.kind, p.description, p.origin, p.origin_id, \
         p.project_id, p.industry_id, p.region_id, p.state, p.raised_by, \
         p.raised_department_id, p.raised_at, p.next_deadline, p.escalation_note, p.resolution, \
         p.resolved_at, p.version, p.created_at, p.updated_at"
    };
}
macro_rules! assignment_cols {
    () => {
        "id, problem_id, department_id, deadline, state, assigned_at, assigned_by, signed_at, \
         signed_by, signed_on_time, answer, answered_at, answered_by, answered_late, \
         return_reason, returned_at, urge_count, last_urged_at, closed_at"
    };
}
macro_rules! file_cols {
    () => {
        "id, problem_id, assignment_id, file_name, content_type, size_bytes, sha256, \
         uploaded_by, version, created_at, updated_at"
    };
}

versioned_rows!(Problem);

const BY_IDS: &str = concat!(
    "select ",
    problem_cols!(),
    " from problems p where p.id in ("
);
const OPEN_STATES: &str = "('assigned', 'signed', 'returned')";

/// The number and the departments, which are not columns of the row.
async fn complete(conn: &mut Conn, problems: &mut [Problem]) -> R<()> {
    let ids: Vec<i64> = problems.iter().map(|p| p.id).collect();
    let head = "select problem_id, department_id from problem_assignments \
                where problem_id in (";
    let mut links: Vec<(i64, i64)> = in_chunks(conn, head, &ids, |s, id| {
        s.push_bind(*id);
    })
    .await?;
    links.sort_unstable();
    for p in problems {
        p.number = problem::number(p.year, p.seq);
        p.department_ids = links
            .iter()
            .filter(|(pid, _)| *pid == p.id)
            .map(|(_, d)| *d)
            .collect();
    }
    Ok(())
}

async fn load(conn: &mut Conn, id: i64) -> R<Option<Problem>> {
    let mut rows: Vec<Problem> = in_chunks(conn, BY_IDS, &[id], |s, id| {
        s.push_bind(*id);
    })
    .await?;
    complete(conn, &mut rows).await?;
    Ok(rows.pop())
}

async fn assignments_of(conn: &mut Conn, id: i64) -> R<Vec<Assignment>> {
    sqlx::query_as::<Db, Assignment>(concat!(
        "select ",
        assignment_cols!(),
        " from problem_assignments where problem_id = $1 order by id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(map_err)
}

/// The words the text filter looks in.
fn search_text(year: i32, seq: i64, f: &ProblemFields) -> String {
    format!(
        "{} {} {}",
        problem::number(year, seq),
        f.title,
        f.description
    )
}

/// Appends the scope (on problem alias `p`): its regions, industries, and the problems
/// assigned to or raised by its departments.
pub(crate) fn push_scope(qb: &mut sqlx::QueryBuilder<Db>, scope: &DataScope) {
    if scope.all {
        return;
    }
    let mut any = AnyOf::new();
    if !scope.regions.is_empty() {
        push_region_subtree(any.or(qb), "p", &scope.regions);
    }
    if !scope.industries.is_empty() {
        any.or(qb).push("p.industry_id in (");
        push_ids(qb, &scope.industries);
    }
    if !scope.departments.is_empty() {
        any.or(qb)
            .push("p.id in (select problem_id from problem_assignments where department_id in (");
        push_ids(qb, &scope.departments);
        qb.push(")");
        any.or(qb).push("p.raised_department_id in (");
        push_ids(qb, &scope.departments);
    }
    any.finish(qb);
}

/// `a, b, c)`.
pub(crate) fn push_ids(qb: &mut sqlx::QueryBuilder<Db>, ids: &[i64]) {
    let mut s = qb.separated(", ");
    for id in ids {
        s.push_bind(*id);
    }
    qb.push(")");
}

fn push_filter(qb: &mut sqlx::QueryBuilder<Db>, f: &ProblemFilter) {
    push_scope(qb, &f.scope);
    if let Some(s) = f.state {
        qb.push(" and p.state = ").push_bind(s.code());
    }
    if let Some(k) = f.kind {
        qb.push(" and p.kind = ").push_bind(k.code());
    }
    if let Some(d) = f.department_id {
        qb.push(" and p.id in (select problem_id from problem_assignments where department_id = ")
            .push_bind(d)
            .push(")");
    }
    if let Some(i) = f.industry_id {
        qb.push(" and p.industry_id = ").push_bind(i);
    }
    if let Some(r) = f.region_id {
        qb.push(" and ");
        push_region_subtree(qb, "p", &[r]);
    }
    if let Some(p) = f.project_id {
        qb.push(" and p.project_id = ").push_bind(p);
    }
    if let Some(today) = f.overdue_on {
        qb.push(" and p.next_deadline < ").push_bind(today);
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        qb.push(" and p.search_text like ")
            .push_bind(format!("%{}%", like_escape(q.trim())))
            .push(" escape '\\'");
    }
}

/// Sets an assignment's columns (`set` binds `$3`…) when it is this problem's: 404 if not.
async fn set_assignment(
    tx: &mut Tx,
    problem_id: i64,
    assignment_id: i64,
    set: &'static str,
    bind: impl FnOnce(
        sqlx::query::Query<'static, Db, <Db as sqlx::Database>::Arguments>,
    ) -> sqlx::query::Query<'static, Db, <Db as sqlx::Database>::Arguments>,
) -> R<i64> {
    let department: Option<i64> = sqlx::query_scalar::<Db, i64>(
        "select department_id from problem_assignments where id = $1 and problem_id = $2",
    )
    .bind(assignment_id)
    .bind(problem_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_err)?;
    let department = department.ok_or(StoreError::NotFound)?;
    bind(sqlx::query(set).bind(assignment_id).bind(problem_id))
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(department)
}

const EVENT_SQL: &str = "insert into problem_events (problem_id, kind, department_id, text, \
                         username, at) values ($1, $2, $3, $4, $5, $6)";

/// One step: its rows and its timeline entries; returns the action the audit row names.
async fn apply(
    tx: &mut Tx,
    before: &Problem,
    change: &ProblemChange,
    by: &AuditBy,
) -> R<&'static str> {
    let (id, t) = (before.id, change.at);
    let event = async |tx: &mut Tx, kind: EventKind, department: Option<i64>, text: &str| {
        insert_event(tx, EVENT_SQL, id, kind.code(), department, text, by, t).await
    };
    Ok(match &change.step {
        ProblemStep::Edit(f) => {
            sqlx::query(
                "update problems set title = $2, kind = $3, description = $4, origin = $5, \
                 origin_id = $6, project_id = $7, industry_id = $8, region_id = $9, \
                 search_text = $10 where id = $1",
            )
            .bind(id)
            .bind(&f.title)
            .bind(f.kind.code())
            .bind(&f.description)
            .bind(f.origin.code())
            .bind(f.origin_id)
            .bind(f.project_id)
            .bind(f.industry_id)
            .bind(f.region_id)
            .bind(search_text(before.year, before.seq, f))
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            event(tx, EventKind::Edited, None, "").await?;
            "update"
        }
        ProblemStep::Assign(list) => {
            for a in list {
                sqlx::query(
                    "insert into problem_assignments (problem_id, department_id, deadline, \
                     state, assigned_at, assigned_by) values ($1, $2, $3, 'assigned', $4, $5)",
                )
                .bind(id)
                .bind(a.department_id)
                .bind(a.deadline)
                .bind(t)
                .bind(&by.username)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                let deadline = a.deadline.to_string();
                event(tx, EventKind::Assigned, Some(a.department_id), &deadline).await?;
            }
            "assign"
        }
        ProblemStep::Sign {
            assignment_id,
            on_time,
        } => {
            let sql = "update problem_assignments set state = 'signed', signed_at = $3, \
                       signed_by = $4, signed_on_time = $5 where id = $1 and problem_id = $2";
            let d = set_assignment(tx, id, *assignment_id, sql, |q| {
                q.bind(t).bind(by.username.clone()).bind(*on_time)
            })
            .await?;
            event(tx, EventKind::Signed, Some(d), "").await?;
            "sign"
        }
        ProblemStep::Answer {
            assignment_id,
            answer,
            late,
            seconds,
        } => {
            let sql = "update problem_assignments set state = 'answered', answer = $3, \
                       answered_at = $4, answered_by = $5, answered_late = $6, \
                       answer_seconds = $7 where id = $1 and problem_id = $2";
            let d = set_assignment(tx, id, *assignment_id, sql, |q| {
                q.bind(answer.clone())
                    .bind(t)
                    .bind(by.username.clone())
                    .bind(*late)
                    .bind(*seconds)
            })
            .await?;
            event(tx, EventKind::Answered, Some(d), answer).await?;
            "answer"
        }
        ProblemStep::Return {
            assignment_id,
            reason,
        } => {
            let sql = "update problem_assignments set state = 'returned', return_reason = $3, \
                       returned_at = $4 where id = $1 and problem_id = $2";
            let d = set_assignment(tx, id, *assignment_id, sql, |q| {
                q.bind(reason.clone()).bind(t)
            })
            .await?;
            event(tx, EventKind::Returned, Some(d), reason).await?;
            "return"
        }
        ProblemStep::Urge {
            assignment_id,
            note,
        } => {
            let sql = "update problem_assignments set urge_count = urge_count + 1, \
                       last_urged_at = $3 where id = $1 and problem_id = $2";
            let d = set_assignment(tx, id, *assignment_id, sql, |q| q.bind(t)).await?;
            event(tx, EventKind::Urged, Some(d), note).await?;
            "urge"
        }
        ProblemStep::Escalate { note } => {
            sqlx::query("update problems set escalation_note = $2 where id = $1")
                .bind(id)
                .bind(note)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
            event(tx, EventKind::Escalated, None, note).await?;
            "escalate"
        }
        ProblemStep::Instruct {
            instruction: i,
            task,
        } => {
            let co = serde_json::to_string(&i.co_department_ids).unwrap_or_else(|_| "[]".into());
            let instruction_id: i64 = sqlx::query_scalar::<Db, i64>(
                "insert into problem_instructions (problem_id, instruction, username, \
                 leader_name, lead_department_id, co_department_ids, deadline, at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
            )
            .bind(id)
            .bind(&i.instruction)
            .bind(&by.username)
            .bind(&i.leader_name)
            .bind(i.lead_department_id)
            .bind(co)
            .bind(i.deadline)
            .bind(t)
            .fetch_one(&mut **tx)
            .await
            .map_err(map_err)?;
            if let Some(task_id) = create_instruction_task(tx, task, by, t).await? {
                sqlx::query("update problem_instructions set task_id = $2 where id = $1")
                    .bind(instruction_id)
                    .bind(task_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
            }
            let lead = Some(i.lead_department_id);
            event(tx, EventKind::Instructed, lead, &i.instruction).await?;
            "instruct"
        }
        ProblemStep::Resolve {
            resolution,
            seconds,
        } => {
            sqlx::query(
                "update problems set resolution = $2, resolved_at = $3, resolve_seconds = $4 \
                 where id = $1",
            )
            .bind(id)
            .bind(resolution)
            .bind(t)
            .bind(*seconds)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            for a in assignments_of(tx, id).await? {
                let to = a.state.on_resolve();
                if to != a.state {
                    sqlx::query(
                        "update problem_assignments set state = $2, closed_at = $3 where id = $1",
                    )
                    .bind(a.id)
                    .bind(to.code())
                    .bind(t)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                }
            }
            event(tx, EventKind::Resolved, None, resolution).await?;
            "resolve"
        }
    })
}

/// The notifications of a step, in its transaction: the department concerned of an
/// assignment, return or urge; the office of an answer or an instruction; the leaders in
/// charge of an escalation; the departments and whoever raised it of a resolution.
async fn tell(
    tx: &mut Tx,
    p: &Problem,
    step: &ProblemStep,
    by: &AuditBy,
    t: DateTime<Utc>,
) -> R<()> {
    use dongneng_domain::policy::Permission;
    use dongneng_domain::todo::NotificationKind as K;
    let office = || Audience::Holders {
        permission: Permission::ManageProblems,
        region_id: Some(p.region_id),
        industry_id: Some(p.industry_id),
    };
    let department = async |tx: &mut Tx, assignment: i64| -> R<Audience> {
        let d: i64 = sqlx::query_scalar::<Db, i64>(
            "select department_id from problem_assignments where id = $1",
        )
        .bind(assignment)
        .fetch_one(&mut **tx)
        .await
        .map_err(map_err)?;
        Ok(Audience::Department(d))
    };
    let (kind, body, audience): (K, &str, Vec<Audience>) = match step {
        ProblemStep::Edit(_) | ProblemStep::Sign { .. } => return Ok(()),
        ProblemStep::Assign(list) => (
            K::Assigned,
            "",
            list.iter()
                .map(|a| Audience::Department(a.department_id))
                .collect(),
        ),
        ProblemStep::Answer {
            answer,
            assignment_id: _,
            ..
        } => (K::Answered, answer.as_str(), vec![office()]),
        ProblemStep::Return {
            assignment_id,
            reason,
        } => (
            K::Returned,
            reason.as_str(),
            vec![department(tx, *assignment_id).await?],
        ),
        ProblemStep::Urge {
            assignment_id,
            note,
        } => (
            K::Urged,
            note.as_str(),
            vec![department(tx, *assignment_id).await?],
        ),
        ProblemStep::Escalate { note } => (
            K::Escalated,
            note.as_str(),
            vec![Audience::Holders {
                permission: Permission::InstructProblems,
                region_id: Some(p.region_id),
                industry_id: Some(p.industry_id),
            }],
        ),
        ProblemStep::Instruct { instruction, .. } => (
            K::Instructed,
            instruction.instruction.as_str(),
            vec![office()],
        ),
        ProblemStep::Resolve { resolution, .. } => {
            let mut list: Vec<Audience> = assignments_of(tx, p.id)
                .await?
                .into_iter()
                .map(|a| Audience::Department(a.department_id))
                .collect();
            list.push(Audience::Username(p.raised_by.clone()));
            (K::Resolved, resolution.as_str(), list)
        }
    };
    let notice = Notice {
        kind,
        record_type: "problem",
        record_id: p.id,
        title: format!("{} {}", problem::number(p.year, p.seq), p.title),
        body,
        link: format!("/problems/{}", p.id),
    };
    notify(tx, &notice, &audience, by, t).await?;
    Ok(())
}

/// Creates the key task a leader's instruction becomes, in the instruction's transaction
/// (source: this problem's instruction; the instructing leader is the leader in charge), and
/// returns its id, which the caller records in `problem_instructions.task_id`.
async fn create_instruction_task(
    tx: &mut Tx,
    task: &InstructionTask,
    by: &AuditBy,
    at: DateTime<Utc>,
) -> R<Option<i64>> {
    let new = NewTask {
        input: TaskInput {
            title: task.title.clone(),
            details: task.content.clone(),
            source: TaskSource::ProblemInstruction,
            work_plan_id: None,
            industry_id: Some(task.industry_id),
            region_id: Some(task.region_id),
            lead_department_id: task.lead_department_id,
            co_department_ids: task.co_department_ids.clone(),
            responsible_person: None,
            leader_user_id: by.user_id,
            deadline: task.deadline,
        },
        source_id: Some(task.problem_id),
        issuer: TaskSource::ProblemInstruction.issuer(),
        issued_on: clock::day_of(at),
    };
    Ok(Some(insert_task(tx, &new, by).await?.id))
}

/// The problem's state and earliest open deadline after a step.
async fn settle(tx: &mut Tx, before: &Problem, step: &ProblemStep, t: DateTime<Utc>) -> R<()> {
    let assignments = assignments_of(tx, before.id).await?;
    let state = match step {
        ProblemStep::Escalate { .. } => ProblemState::Escalated,
        ProblemStep::Instruct { .. } => ProblemState::Instructed,
        ProblemStep::Resolve { .. } => ProblemState::Resolved,
        _ => {
            let states: Vec<AssignmentState> = assignments.iter().map(|a| a.state).collect();
            problem::settle(before.state, &states)
        }
    };
    let next_deadline: Option<NaiveDate> = assignments
        .iter()
        .filter(|a| a.state.is_open() && state != ProblemState::Resolved)
        .map(|a| a.deadline)
        .min();
    sqlx::query(
        "update problems set state = $2, next_deadline = $3, updated_at = $4 where id = $1",
    )
    .bind(before.id)
    .bind(state.code())
    .bind(next_deadline)
    .bind(t)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

async fn list_for<T>(pool: &sqlx::Pool<Db>, sql: &'static str, id: i64) -> R<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
{
    sqlx::query_as::<Db, T>(sql)
        .bind(id)
        .fetch_all(pool)
        .await
        .map_err(map_err)
}

#[async_trait]
impl ProblemStore for BackendStore {
    async fn problem_page(&self, filter: &ProblemFilter, page: Page) -> R<(Vec<Problem>, i64)> {
        let mut count =
            sqlx::QueryBuilder::<Db>::new("select count(*) from problems p where 1 = 1");
        push_filter(&mut count, filter);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        let mut qb = sqlx::QueryBuilder::<Db>::new("select p.id from problems p where 1 = 1");
        push_filter(&mut qb, filter);
        qb.push(if filter.overdue_on.is_some() {
            " order by p.next_deadline, p.id"
        } else {
            " order by p.id desc"
        });
        qb.push(" limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let ids: Vec<i64> = qb
            .build_query_scalar()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        let mut rows: Vec<Problem> = in_chunks(&mut conn, BY_IDS, &ids, |s, id| {
            s.push_bind(*id);
        })
        .await?;
        rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
        complete(&mut conn, &mut rows).await?;
        Ok((rows, total))
    }

    async fn get_problem(&self, id: i64) -> R<Option<Problem>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        load(&mut conn, id).await
    }

    async fn problem_detail(&self, id: i64) -> R<Option<ProblemDetail>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        let Some(problem) = load(&mut conn, id).await? else {
            return Ok(None);
        };
        let assignments = assignments_of(&mut conn, id).await?;
        drop(conn);
        let files = list_for(
            &self.pool,
            concat!(
                "select ",
                file_cols!(),
                " from problem_files where problem_id = $1 order by id"
            ),
            id,
        )
        .await?;
        let events = list_for(
            &self.pool,
            "select id, problem_id, kind, department_id, text, username, at \
             from problem_events where problem_id = $1 order by id",
            id,
        )
        .await?;
        let instructions = list_for(
            &self.pool,
            "select id, problem_id, instruction, username, leader_name, lead_department_id, \
             co_department_ids, deadline, task_id, at from problem_instructions \
             where problem_id = $1 order by id",
            id,
        )
        .await?;
        Ok(Some(ProblemDetail {
            problem,
            assignments,
            files,
            events,
            instructions,
        }))
    }

    async fn create_problem(&self, new: &NewProblem, by: &AuditBy) -> R<Problem> {
        let f = &new.fields;
        let t = new.at;
        let year = clock::day_of(t).year();
        let mut tx = begin_write(&self.pool).await?;
        let seq = next_number(&mut tx, "problem", year).await?;
        let id: i64 = sqlx::query_scalar::<Db, i64>(
            "insert into problems (year, seq, title, kind, description, origin, origin_id, \
             project_id, industry_id, region_id, state, raised_by, raised_department_id, \
             raised_at, search_text, version, created_at, updated_at) values ($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, 'raised', $11, $12, $13, $14, 1, $13, $13) returning id",
        )
        .bind(year)
        .bind(seq)
        .bind(&f.title)
        .bind(f.kind.code())
        .bind(&f.description)
        .bind(f.origin.code())
        .bind(f.origin_id)
        .bind(f.project_id)
        .bind(f.industry_id)
        .bind(f.region_id)
        .bind(&by.username)
        .bind(new.raised_department_id)
        .bind(t)
        .bind(search_text(year, seq, f))
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        insert_event(
            &mut tx,
            EVENT_SQL,
            id,
            EventKind::Raised.code(),
            None,
            "",
            by,
            t,
        )
        .await?;
        let p = load(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "problem",
            Some(id),
            None::<&()>,
            Some(&p),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(p)
    }

    async fn change_problem(
        &self,
        id: i64,
        version: i64,
        change: &ProblemChange,
        by: &AuditBy,
    ) -> R<Problem> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id, version };
        let before = at.check(load(&mut tx, id).await?)?;
        // The version moves first: a step made in between finds this one stale.
        at.write(
            &mut tx,
            "update problems set version = version + 1 where id = $1 and version = $2",
            |q| q,
        )
        .await?;
        let action = apply(&mut tx, &before, change, by).await?;
        tell(&mut tx, &before, &change.step, by, change.at).await?;
        settle(&mut tx, &before, &change.step, change.at).await?;
        let after = load(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            action,
            "problem",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn add_problem_file(
        &self,
        problem_id: i64,
        assignment_id: Option<i64>,
        file: &NewFile,
        by: &AuditBy,
    ) -> R<ProblemFile> {
        let t = super::common::now();
        let mut tx = begin_write(&self.pool).await?;
        let problem = load(&mut tx, problem_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let department = match assignment_id {
            None => None,
            Some(a) => Some(
                assignments_of(&mut tx, problem.id)
                    .await?
                    .iter()
                    .find(|x| x.id == a)
                    .ok_or(StoreError::NotFound)?
                    .department_id,
            ),
        };
        let row: ProblemFile = insert_file(
            &mut tx,
            concat!(
                "insert into problem_files (problem_id, assignment_id, file_name, content_type, \
                 size_bytes, sha256, content, uploaded_by, version, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) returning ",
                file_cols!()
            ),
            problem_id,
            assignment_id,
            file,
            by,
            t,
        )
        .await?;
        let kind = EventKind::Attached.code();
        insert_event(
            &mut tx,
            EVENT_SQL,
            problem_id,
            kind,
            department,
            &row.file_name,
            by,
            t,
        )
        .await?;
        let id = Some(row.id);
        write_audit(
            &mut tx,
            by,
            "create",
            "problem_file",
            id,
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn get_problem_file(
        &self,
        problem_id: i64,
        id: i64,
    ) -> R<Option<(ProblemFile, Vec<u8>)>> {
        file_with_content(
            &self.pool,
            concat!(
                "select ",
                file_cols!(),
                " from problem_files where id = $1 and problem_id = $2"
            ),
            "select content from problem_files where id = $1 and problem_id = $2",
            problem_id,
            id,
        )
        .await
    }

    async fn department_counts(
        &self,
        scope: &DataScope,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> R<Vec<DepartmentCounts>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select a.department_id, count(*) as received, \
             sum(case when a.signed_on_time then 1 else 0 end) as signed_on_time, \
             sum(case when a.answered_at is not null and not a.answered_late then 1 else 0 end) \
               as answered_on_time, \
             sum(case when a.answered_late then 1 else 0 end) as answered_late, \
             sum(case when a.urge_count > 0 then 1 else 0 end) as urged, \
             sum(case when a.state in ",
        );
        qb.push(OPEN_STATES).push(
            " then 1 else 0 end) as open, \
             sum(case when a.answer_seconds is not null then 1 else 0 end) as answered, \
             cast(coalesce(sum(a.answer_seconds), 0) as bigint) as answer_seconds, \
             sum(case when p.resolve_seconds is not null then 1 else 0 end) as resolved, \
             cast(coalesce(sum(p.resolve_seconds), 0) as bigint) as resolve_seconds \
             from problem_assignments a join problems p on p.id = a.problem_id \
             where a.assigned_at >= ",
        );
        qb.push_bind(from)
            .push(" and a.assigned_at < ")
            .push_bind(until);
        // A department counts only its own assignments; other scopes their problems'.
        if !scope.all {
            let mut any = AnyOf::new();
            if !scope.regions.is_empty() {
                push_region_subtree(any.or(&mut qb), "p", &scope.regions);
            }
            if !scope.industries.is_empty() {
                any.or(&mut qb).push("p.industry_id in (");
                push_ids(&mut qb, &scope.industries);
            }
            if !scope.departments.is_empty() {
                any.or(&mut qb).push("a.department_id in (");
                push_ids(&mut qb, &scope.departments);
            }
            any.finish(&mut qb);
        }
        qb.push(" group by a.department_id order by a.department_id");
        qb.build_query_as::<DepartmentCounts>()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn assignments_waiting(&self, department_id: i64, limit: i64) -> R<Vec<Assignment>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(concat!(
            "select ",
            assignment_cols!(),
            " from problem_assignments where department_id = "
        ));
        qb.push_bind(department_id)
            .push(" and state in ")
            .push(OPEN_STATES)
            .push(" order by deadline, id limit ")
            .push_bind(limit);
        qb.build_query_as::<Assignment>()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)
    }
}
