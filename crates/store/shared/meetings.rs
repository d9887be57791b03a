//! Meetings: the list (newest first, within scope: the meeting's industries, its district, its
//! organiser or a department of its decisions), one meeting with its agenda, attendees and
//! decisions; the writes, each naming the meeting's version and moving it, with its audit row;
//! a decision with its key task in one transaction ([`super::tasks::insert_task`]); the
//! proposal's rules (one versioned row) and figures; the pack's projects and problems.

use super::common::{Conn, Tx, begin_write, map_err, now, replace_links, write_audit};
use super::projects::{like_escape, push_region_subtree};
use super::tasks::insert_task;
use super::versioned::{Expected, QueryOf, Record, read, versioned_rows};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::meeting::{
    self, AgendaInput, AttendeeInput, DecisionInput, IndustryFigures, MeetingInput, MeetingStep,
    ProposalRules,
};
use dongneng_domain::paging::Page;
use dongneng_store::{
    AgendaItem, Attendee, AuditBy, Decision, Meeting, MeetingFilter, MeetingStore, NewMeeting,
    NewTask, PackProblem, PackProject, StoreError, StoredRules, Task,
};

type R<T> = Result<T, StoreError>;

macro_rules! meeting_cols {
    () => {
        "id, title, kind, mode, held_on, quarter_key, place, video_link, chair_user_id, \
         organiser_department_id, region_id, extra, proposed_industry_ids, followed_proposal, \
         state, minutes, cancel_reason, published_at, created_by, version, created_at, updated_at"
    };
}
macro_rules! agenda_cols {
    () => {
        "id, meeting_id, position, topic, problem_id, outcome, created_at"
    };
}
macro_rules! attendee_cols {
    () => {
        "id, meeting_id, user_id, guest_name, guest_org, created_at"
    };
}
macro_rules! decision_cols {
    () => {
        "id, meeting_id, position, title, details, lead_department_id, deadline, task_id, \
         created_by, created_at"
    };
}

versioned_rows!(Meeting);

impl Record for Meeting {
    const RECORD_TYPE: &'static str = "meeting";
    const SELECT: &'static str =
        concat!("select ", meeting_cols!(), " from meetings where id = $1");

    async fn read_beside(&mut self, conn: &mut Conn) -> R<()> {
        self.industry_ids = sqlx::query_scalar::<Db, i64>(
            "select industry_id from meeting_industries where meeting_id = $1 \
             order by industry_id",
        )
        .bind(self.id)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }
}

/// Replaces a meeting's industries.
async fn put_industries(tx: &mut Tx, meeting: i64, industries: &[i64]) -> R<()> {
    replace_links(
        tx,
        "delete from meeting_industries where meeting_id = $1",
        "insert into meeting_industries (meeting_id, industry_id) values ($1, $2)",
        meeting,
        industries,
    )
    .await
}

/// A change to a meeting's parts at the `version` its writer read: checks it (404, 409) and
/// moves it, writing the audit row of `action` with the part that changed.
async fn touch<P: serde::Serialize>(
    tx: &mut Tx,
    id: i64,
    version: i64,
    action: &str,
    part: &P,
    by: &AuditBy,
) -> R<Meeting> {
    let at = Expected { id, version };
    let before: Meeting = at.check(read(tx, id, &[]).await?)?;
    let mut after: Meeting = at
        .write_returning(
            tx,
            concat!(
                "update meetings set version = version + 1, updated_at = $3 \
                 where id = $1 and version = $2 returning ",
                meeting_cols!()
            ),
            |q| q.bind(now()),
        )
        .await?;
    after.industry_ids = before.industry_ids.clone();
    write_audit(
        tx,
        by,
        action,
        Meeting::RECORD_TYPE,
        Some(id),
        None::<&()>,
        Some(part),
    )
    .await?;
    Ok(after)
}

/// The parts (agenda items, attendees, decisions) of meeting `id`, by `sql` (`$1` the id).
async fn parts_of<T>(pool: &sqlx::Pool<Db>, sql: &'static str, id: i64) -> R<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
{
    sqlx::query_as::<Db, T>(sql)
        .bind(id)
        .fetch_all(pool)
        .await
        .map_err(map_err)
}

/// Rewrites meeting `at` by a guarded statement (`$1` the id, `$2` the version; `plan` sees the
/// meeting as it stands and binds the rest, or refuses), replaces its industries when given,
/// and writes the audit row of `action` — one transaction.
async fn rewrite<F>(
    pool: &sqlx::Pool<Db>,
    at: Expected,
    action: &str,
    by: &AuditBy,
    sql: &'static str,
    industries: Option<&[i64]>,
    plan: impl FnOnce(&Meeting) -> R<F>,
) -> R<Meeting>
where
    F: FnOnce(QueryOf<'static, Meeting>) -> QueryOf<'static, Meeting>,
{
    let mut tx = begin_write(pool).await?;
    let before: Meeting = at.check(read(&mut tx, at.id, &[]).await?)?;
    let bind = plan(&before)?;
    let mut after: Meeting = at.write_returning(&mut tx, sql, bind).await?;
    if let Some(ids) = industries {
        put_industries(&mut tx, at.id, ids).await?;
    }
    after.read_beside(&mut tx).await?;
    let kind = Meeting::RECORD_TYPE;
    write_audit(
        &mut tx,
        by,
        action,
        kind,
        Some(at.id),
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await.map_err(map_err)?;
    Ok(after)
}

/// The next position of a part (agenda item, decision) of meeting `id`.
async fn next_position(tx: &mut Tx, table: &'static str, id: i64) -> R<i64> {
    let sql = match table {
        "meeting_agenda" => {
            "select cast(coalesce(max(position), 0) + 1 as bigint) from meeting_agenda \
             where meeting_id = $1"
        }
        _ => {
            "select cast(coalesce(max(position), 0) + 1 as bigint) from meeting_decisions \
             where meeting_id = $1"
        }
    };
    sqlx::query_scalar::<Db, i64>(sql)
        .bind(id)
        .fetch_one(&mut **tx)
        .await
        .map_err(map_err)
}

/// Appends the filter (on alias `m`) to a query that has a `where`.
fn push_filter(qb: &mut sqlx::QueryBuilder<Db>, f: &MeetingFilter) {
    let s = &f.scope;
    if !s.all {
        qb.push(" and (1 = 0");
        if !s.regions.is_empty() {
            qb.push(" or ");
            push_region_subtree(qb, "m", &s.regions);
        }
        if !s.industries.is_empty() {
            qb.push(
                " or m.id in (select meeting_id from meeting_industries where industry_id in (",
            );
            let mut sep = qb.separated(", ");
            for i in &s.industries {
                sep.push_bind(*i);
            }
            qb.push("))");
        }
        if !s.departments.is_empty() {
            let list = |qb: &mut sqlx::QueryBuilder<Db>| {
                let mut sep = qb.separated(", ");
                for d in &s.departments {
                    sep.push_bind(*d);
                }
            };
            qb.push(" or m.organiser_department_id in (");
            list(qb);
            qb.push(") or m.id in (select meeting_id from meeting_decisions where lead_department_id in (");
            list(qb);
            qb.push(
                ") union select d.meeting_id from meeting_decisions d join task_departments td \
                 on td.task_id = d.task_id where td.department_id in (",
            );
            list(qb);
            qb.push("))");
        }
        qb.push(")");
    }
    if let Some(k) = f.kind {
        qb.push(" and m.kind = ").push_bind(k.code());
    }
    if let Some(st) = f.state {
        qb.push(" and m.state = ").push_bind(st.code());
    }
    if let Some(i) = f.industry_id {
        qb.push(" and m.id in (select meeting_id from meeting_industries where industry_id = ")
            .push_bind(i)
            .push(")");
    }
    if let Some(y) = f.year {
        qb.push(" and m.quarter_key between ")
            .push_bind(i64::from(y) * 10 + 1)
            .push(" and ")
            .push_bind(i64::from(y) * 10 + 4);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        qb.push(" and m.title like ")
            .push_bind(format!("%{}%", like_escape(q)))
            .push(" escape '\\'");
    }
}

/// The latest quarter up to `key` each industry was chosen for a quarterly meeting.
#[derive(sqlx::FromRow)]
struct Chosen {
    industry_id: i64,
    last: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Figures {
    industry_id: i64,
    red: i64,
    plan: i64,
    done: i64,
}

#[derive(sqlx::FromRow)]
struct RulesRow {
    pick: i64,
    recent_quarters: i64,
    weight_red: i64,
    weight_overdue: i64,
    weight_gap: i64,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl RulesRow {
    fn stored(self) -> StoredRules {
        let n = |v: i64| u32::try_from(v).unwrap_or_default();
        StoredRules {
            rules: ProposalRules {
                pick: n(self.pick),
                recent_quarters: n(self.recent_quarters),
                weight_red: n(self.weight_red),
                weight_overdue: n(self.weight_overdue),
                weight_gap: n(self.weight_gap),
            },
            version: self.version,
            updated_at: self.updated_at,
        }
    }
}

const RULES_SELECT: &str = "select pick, recent_quarters, weight_red, weight_overdue, weight_gap, \
                            version, updated_at from meeting_rules where id = 1";

#[async_trait]
impl MeetingStore for BackendStore {
    async fn meeting_page(&self, filter: &MeetingFilter, page: Page) -> R<Vec<Meeting>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new("select m.id from meetings m where 1 = 1");
        push_filter(&mut qb, filter);
        qb.push(" order by m.held_on desc, m.id desc limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let ids: Vec<i64> = qb
            .build_query_scalar()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(m) = read::<Meeting>(&mut conn, id, &[]).await? {
                out.push(m);
            }
        }
        Ok(out)
    }

    async fn meeting_count(&self, filter: &MeetingFilter) -> R<i64> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select cast(count(*) as bigint) from meetings m where 1 = 1",
        );
        push_filter(&mut qb, filter);
        qb.build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn get_meeting(&self, id: i64) -> R<Option<Meeting>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        read::<Meeting>(&mut conn, id, &[]).await
    }

    async fn meeting_agenda(&self, id: i64) -> R<Vec<AgendaItem>> {
        parts_of(
            &self.pool,
            concat!(
                "select ",
                agenda_cols!(),
                " from meeting_agenda where meeting_id = $1 order by position"
            ),
            id,
        )
        .await
    }

    async fn meeting_attendees(&self, id: i64) -> R<Vec<Attendee>> {
        parts_of(
            &self.pool,
            concat!(
                "select ",
                attendee_cols!(),
                " from meeting_attendees where meeting_id = $1 order by id"
            ),
            id,
        )
        .await
    }

    async fn meeting_decisions(&self, id: i64) -> R<Vec<Decision>> {
        parts_of(
            &self.pool,
            concat!(
                "select ",
                decision_cols!(),
                " from meeting_decisions where meeting_id = $1 order by position"
            ),
            id,
        )
        .await
    }

    async fn meeting_departments(&self, id: i64) -> R<Vec<i64>> {
        sqlx::query_scalar::<Db, i64>(
            "select lead_department_id from meeting_decisions where meeting_id = $1 \
             union select td.department_id from meeting_decisions d join task_departments td \
             on td.task_id = d.task_id where d.meeting_id = $1",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn quarterly_in(&self, quarter_key: i64, except: Option<i64>) -> R<Option<i64>> {
        sqlx::query_scalar::<Db, i64>(
            "select id from meetings where quarter_key = $1 and kind = 'quarterly' \
             and extra = $2 and state <> 'cancelled' and id <> $3 order by id limit 1",
        )
        .bind(quarter_key)
        .bind(false)
        .bind(except.unwrap_or(0))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_meeting(&self, new: &NewMeeting, by: &AuditBy) -> R<Meeting> {
        let i = &new.input;
        let mut tx = begin_write(&self.pool).await?;
        let t = now();
        let proposed = serde_json::to_string(&new.proposed_industry_ids)
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        let mut m = sqlx::query_as::<Db, Meeting>(concat!(
            "insert into meetings (title, kind, mode, held_on, quarter_key, place, video_link, \
             chair_user_id, organiser_department_id, region_id, extra, proposed_industry_ids, \
             followed_proposal, state, minutes, created_by, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'planned', '', $14, \
             1, $15, $15) returning ",
            meeting_cols!()
        ))
        .bind(&i.title)
        .bind(i.kind.code())
        .bind(i.mode.code())
        .bind(i.held_on)
        .bind(meeting::quarter_key(i.held_on))
        .bind(&i.place)
        .bind(&i.video_link)
        .bind(i.chair_user_id)
        .bind(i.organiser_department_id)
        .bind(i.region_id)
        .bind(i.extra)
        .bind(proposed)
        .bind(new.followed_proposal)
        .bind(&by.username)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        put_industries(&mut tx, m.id, &i.industry_ids).await?;
        m.read_beside(&mut tx).await?;
        let id = Some(m.id);
        write_audit(
            &mut tx,
            by,
            "create",
            Meeting::RECORD_TYPE,
            id,
            None::<&()>,
            Some(&m),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(m)
    }

    async fn update_meeting(
        &self,
        id: i64,
        version: i64,
        i: &MeetingInput,
        by: &AuditBy,
    ) -> R<Meeting> {
        // The kind stays as it was (the service refuses a change).
        let sql = concat!(
            "update meetings set title = $3, mode = $4, held_on = $5, quarter_key = $6, \
             place = $7, video_link = $8, chair_user_id = $9, organiser_department_id = $10, \
             region_id = $11, extra = $12, version = version + 1, updated_at = $13 \
             where id = $1 and version = $2 returning ",
            meeting_cols!()
        );
        let at = Expected { id, version };
        rewrite(
            &self.pool,
            at,
            "update",
            by,
            sql,
            Some(&i.industry_ids),
            |_| {
                Ok(move |q: QueryOf<'static, Meeting>| {
                    q.bind(i.title.clone())
                        .bind(i.mode.code())
                        .bind(i.held_on)
                        .bind(meeting::quarter_key(i.held_on))
                        .bind(i.place.clone())
                        .bind(i.video_link.clone())
                        .bind(i.chair_user_id)
                        .bind(i.organiser_department_id)
                        .bind(i.region_id)
                        .bind(i.extra)
                        .bind(now())
                })
            },
        )
        .await
    }

    async fn move_meeting(
        &self,
        id: i64,
        version: i64,
        step: MeetingStep,
        reason: Option<&str>,
        by: &AuditBy,
    ) -> R<Meeting> {
        let sql = concat!(
            "update meetings set state = $3, published_at = $4, cancel_reason = $5, \
             version = version + 1, updated_at = $6 where id = $1 and version = $2 returning ",
            meeting_cols!()
        );
        let reason = reason.map(str::to_string);
        let at = Expected { id, version };
        rewrite(&self.pool, at, step.code(), by, sql, None, move |before| {
            // The service checked the step against this very version.
            let to = before.state.after(step).ok_or(StoreError::Conflict)?;
            let t = now();
            let published = match step {
                MeetingStep::Publish => Some(t),
                _ => before.published_at,
            };
            let cancelled = match step {
                MeetingStep::Cancel => reason,
                _ => before.cancel_reason.clone(),
            };
            Ok(move |q: QueryOf<'static, Meeting>| {
                q.bind(to.code()).bind(published).bind(cancelled).bind(t)
            })
        })
        .await
    }

    async fn save_minutes(&self, id: i64, version: i64, minutes: &str, by: &AuditBy) -> R<Meeting> {
        let sql = concat!(
            "update meetings set minutes = $3, version = version + 1, updated_at = $4 \
             where id = $1 and version = $2 returning ",
            meeting_cols!()
        );
        let minutes = minutes.to_string();
        let at = Expected { id, version };
        rewrite(&self.pool, at, "minutes", by, sql, None, move |_| {
            Ok(move |q: QueryOf<'static, Meeting>| q.bind(minutes).bind(now()))
        })
        .await
    }

    async fn add_agenda_item(
        &self,
        id: i64,
        version: i64,
        item: &AgendaInput,
        by: &AuditBy,
    ) -> R<AgendaItem> {
        let mut tx = begin_write(&self.pool).await?;
        touch(&mut tx, id, version, "agenda", item, by).await?;
        let position = next_position(&mut tx, "meeting_agenda", id).await?;
        let row = sqlx::query_as::<Db, AgendaItem>(concat!(
            "insert into meeting_agenda (meeting_id, position, topic, problem_id, created_at) \
             values ($1, $2, $3, $4, $5) returning ",
            agenda_cols!()
        ))
        .bind(id)
        .bind(position)
        .bind(&item.topic)
        .bind(item.problem_id)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn record_outcome(
        &self,
        id: i64,
        version: i64,
        item_id: i64,
        outcome: &str,
        by: &AuditBy,
    ) -> R<AgendaItem> {
        let mut tx = begin_write(&self.pool).await?;
        let part = serde_json::json!({"agenda_item_id": item_id, "outcome": outcome});
        touch(&mut tx, id, version, "outcome", &part, by).await?;
        let row = sqlx::query_as::<Db, AgendaItem>(concat!(
            "update meeting_agenda set outcome = $3 where id = $1 and meeting_id = $2 returning ",
            agenda_cols!()
        ))
        .bind(item_id)
        .bind(id)
        .bind(outcome)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn add_attendee(
        &self,
        id: i64,
        version: i64,
        a: &AttendeeInput,
        by: &AuditBy,
    ) -> R<Attendee> {
        let mut tx = begin_write(&self.pool).await?;
        touch(&mut tx, id, version, "attendee", a, by).await?;
        let row = sqlx::query_as::<Db, Attendee>(concat!(
            "insert into meeting_attendees (meeting_id, user_id, guest_name, guest_org, \
             created_at) values ($1, $2, $3, $4, $5) returning ",
            attendee_cols!()
        ))
        .bind(id)
        .bind(a.user_id)
        .bind(&a.guest_name)
        .bind(&a.guest_org)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn add_decision(
        &self,
        id: i64,
        version: i64,
        d: &DecisionInput,
        task: &NewTask,
        by: &AuditBy,
    ) -> R<(Decision, Task)> {
        let mut tx = begin_write(&self.pool).await?;
        touch(&mut tx, id, version, "decision", d, by).await?;
        let created = insert_task(&mut tx, task, by).await?;
        let position = next_position(&mut tx, "meeting_decisions", id).await?;
        let row = sqlx::query_as::<Db, Decision>(concat!(
            "insert into meeting_decisions (meeting_id, position, title, details, \
             lead_department_id, deadline, task_id, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ",
            decision_cols!()
        ))
        .bind(id)
        .bind(position)
        .bind(&task.input.title)
        .bind(&task.input.details)
        .bind(task.input.lead_department_id)
        .bind(task.input.deadline)
        .bind(created.id)
        .bind(&by.username)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok((row, created))
    }

    async fn proposal_rules(&self) -> R<StoredRules> {
        let row = sqlx::query_as::<Db, RulesRow>(RULES_SELECT)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(row.stored())
    }

    async fn set_proposal_rules(
        &self,
        version: i64,
        rules: &ProposalRules,
        by: &AuditBy,
    ) -> R<StoredRules> {
        let mut tx = begin_write(&self.pool).await?;
        let before = sqlx::query_as::<Db, RulesRow>(RULES_SELECT)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .stored();
        if before.version != version {
            return Err(StoreError::Conflict);
        }
        let done = sqlx::query(
            "update meeting_rules set pick = $2, recent_quarters = $3, weight_red = $4, \
             weight_overdue = $5, weight_gap = $6, version = version + 1, updated_at = $7 \
             where id = 1 and version = $1",
        )
        .bind(version)
        .bind(i64::from(rules.pick))
        .bind(i64::from(rules.recent_quarters))
        .bind(i64::from(rules.weight_red))
        .bind(i64::from(rules.weight_overdue))
        .bind(i64::from(rules.weight_gap))
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        let after = sqlx::query_as::<Db, RulesRow>(RULES_SELECT)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?
            .stored();
        write_audit(
            &mut tx,
            by,
            "update",
            "meeting_rules",
            Some(1),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn industry_figures(&self, today: NaiveDate, key: i64) -> R<Vec<IndustryFigures>> {
        let year = key / 10;
        let figures = sqlx::query_as::<Db, Figures>(
            "select i.id as industry_id, \
             cast(coalesce(sum(case when p.warning_level = 'red' then 1 else 0 end), 0) as bigint) as red, \
             cast(coalesce(sum(case when p.plan_year = $1 then p.year_plan else 0 end), 0) as bigint) as plan, \
             cast(coalesce(sum(case when p.plan_year = $1 then p.year_completed else 0 end), 0) as bigint) as done \
             from industries i left join projects p on p.industry_id = i.id and p.in_library = $2 \
             where i.active = $2 group by i.id order by i.id",
        )
        .bind(year)
        .bind(true)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let overdue: Vec<(i64, i64)> = sqlx::query_as::<Db, (i64, i64)>(
            "select industry_id, cast(count(*) as bigint) from tasks \
             where industry_id is not null and status in ('not_started', 'in_progress') \
             and deadline < $1 group by industry_id",
        )
        .bind(today)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let chosen = sqlx::query_as::<Db, Chosen>(
            "select mi.industry_id, max(m.quarter_key) as last from meeting_industries mi \
             join meetings m on m.id = mi.meeting_id where m.kind = 'quarterly' \
             and m.state <> 'cancelled' and m.quarter_key <= $1 group by mi.industry_id",
        )
        .bind(key)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(figures
            .into_iter()
            .map(|f| IndustryFigures {
                industry_id: f.industry_id,
                red_warnings: f.red,
                overdue_tasks: overdue
                    .iter()
                    .find(|(i, _)| *i == f.industry_id)
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
                year_plan_fen: f.plan,
                year_completed_fen: f.done,
                last_chosen: chosen
                    .iter()
                    .find(|c| c.industry_id == f.industry_id)
                    .and_then(|c| c.last),
            })
            .collect())
    }

    async fn pack_projects(&self, industry_id: i64, limit: i64) -> R<Vec<PackProject>> {
        sqlx::query_as::<Db, PackProject>(
            "select id, name, region_id, warning_level, year_plan, year_completed from projects \
             where industry_id = $1 and in_library = $2 and warning_level in ('red', 'yellow') \
             order by case warning_level when 'red' then 0 else 1 end, id limit $3",
        )
        .bind(industry_id)
        .bind(true)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn pack_problems(&self, industry_id: i64, limit: i64) -> R<Vec<PackProblem>> {
        sqlx::query_as::<Db, PackProblem>(
            "select id, cast(year as bigint) as year, cast(seq as bigint) as seq, title, kind, \
             state, region_id from problems where industry_id = $1 and state <> 'resolved' \
             order by id limit $2",
        )
        .bind(industry_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }
}
