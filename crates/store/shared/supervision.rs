//! Supervision items: the ledger with its filters and scope, the item page, issuing, edits,
//! the units' replies, closing (销号), files, and what waits on a unit or the supervisor.

use super::attachments::{file_with_content, insert_event, insert_file};
use super::common::{AnyOf, Conn, Tx, begin_write, map_err, now, write_audit};
use super::notify::{Audience, Notice, notify};
use super::numbers::next_number;
use super::projects::{in_chunks, like_escape, push_region_subtree};
use super::versioned::{Expected, versioned_rows};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dongneng_domain::clock;
use dongneng_domain::paging::Page;
use dongneng_domain::supervision::{self, SupervisionEventKind};
use dongneng_store::{
    AuditBy, NewFile, StoreError, SupervisionChange, SupervisionDetail, SupervisionFields,
    SupervisionFile, SupervisionFilter, SupervisionItem, SupervisionStep, SupervisionStore,
    SupervisionUnit,
};

type R<T> = Result<T, StoreError>;

macro_rules! item_cols {
    () => {
        "s.id, s.year, s.seq, s.title, s.requirement, s.subject, s.subject_id, s.problem_id, \
         s.industry_id, s.region_id, s.deadline, s.state, s.issued_by, s.issuer_department_id, \
         s.issued_at, s.evidence, s.closed_by, s.closed_at, s.version, s.created_at, \
         s.updated_at"
    };
}
macro_rules! file_cols {
    () => {
        "id, item_id, department_id, file_name, content_type, size_bytes, sha256, uploaded_by, \
         version, created_at, updated_at"
    };
}

versioned_rows!(SupervisionItem);

const BY_IDS: &str = concat!(
    "select ",
    item_cols!(),
    " from supervision_items s where s.id in ("
);
const EVENT_SQL: &str = "insert into supervision_events (item_id, kind, department_id, text, \
                         username, at) values ($1, $2, $3, $4, $5, $6)";

/// The number and the units, which are not columns of the row.
async fn complete(conn: &mut Conn, items: &mut [SupervisionItem]) -> R<()> {
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let head = "select item_id, department_id, replied_at from supervision_units \
                where item_id in (";
    let mut units: Vec<SupervisionUnit> = in_chunks(conn, head, &ids, |s, id| {
        s.push_bind(*id);
    })
    .await?;
    units.sort_by_key(|u| (u.item_id, u.department_id));
    for item in items {
        item.number = supervision::number(item.year, item.seq);
        let mine = units.iter().filter(|u| u.item_id == item.id);
        item.unit_ids = mine.clone().map(|u| u.department_id).collect();
        item.replied_unit_ids = mine
            .filter(|u| u.replied_at.is_some())
            .map(|u| u.department_id)
            .collect();
    }
    Ok(())
}

async fn by_ids(conn: &mut Conn, ids: &[i64]) -> R<Vec<SupervisionItem>> {
    let mut rows: Vec<SupervisionItem> = in_chunks(conn, BY_IDS, ids, |s, id| {
        s.push_bind(*id);
    })
    .await?;
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    complete(conn, &mut rows).await?;
    Ok(rows)
}

async fn load(conn: &mut Conn, id: i64) -> R<Option<SupervisionItem>> {
    Ok(by_ids(conn, &[id]).await?.pop())
}

fn push_ids(qb: &mut sqlx::QueryBuilder<Db>, ids: &[i64]) {
    let mut s = qb.separated(", ");
    for id in ids {
        s.push_bind(*id);
    }
    qb.push(")");
}

fn push_filter(qb: &mut sqlx::QueryBuilder<Db>, f: &SupervisionFilter) {
    let scope = &f.scope;
    if !scope.all {
        let mut any = AnyOf::new();
        if !scope.regions.is_empty() {
            push_region_subtree(any.or(qb), "s", &scope.regions);
        }
        if !scope.industries.is_empty() {
            any.or(qb).push("s.industry_id in (");
            push_ids(qb, &scope.industries);
        }
        if !scope.departments.is_empty() {
            any.or(qb)
                .push("s.id in (select item_id from supervision_units where department_id in (");
            push_ids(qb, &scope.departments);
            qb.push(")");
        }
        any.finish(qb);
    }
    if let Some(s) = f.state {
        qb.push(" and s.state = ").push_bind(s.code());
    }
    if let Some(d) = f.department_id {
        qb.push(" and s.id in (select item_id from supervision_units where department_id = ")
            .push_bind(d)
            .push(")");
    }
    if let Some(y) = f.year {
        qb.push(" and s.year = ").push_bind(y);
    }
    if let Some(today) = f.overdue_on {
        qb.push(" and s.state <> 'closed' and s.deadline < ")
            .push_bind(today);
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = format!("%{}%", like_escape(q.trim()));
        qb.push(" and (s.title like ")
            .push_bind(pattern.clone())
            .push(" escape '\\' or s.requirement like ")
            .push_bind(pattern)
            .push(" escape '\\')");
    }
}

/// Replaces the units, keeping when those that stay last replied.
async fn put_units(tx: &mut Tx, item: i64, units: &[i64]) -> R<()> {
    let current: Vec<i64> = sqlx::query_scalar::<Db, i64>(
        "select department_id from supervision_units where item_id = $1",
    )
    .bind(item)
    .fetch_all(&mut **tx)
    .await
    .map_err(map_err)?;
    for gone in current.iter().filter(|d| !units.contains(d)) {
        sqlx::query("delete from supervision_units where item_id = $1 and department_id = $2")
            .bind(item)
            .bind(gone)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    for new in units.iter().filter(|d| !current.contains(d)) {
        sqlx::query("insert into supervision_units (item_id, department_id) values ($1, $2)")
            .bind(item)
            .bind(new)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

/// One step: its rows and its record entry; returns the action the audit row names.
async fn apply(tx: &mut Tx, id: i64, change: &SupervisionChange, by: &AuditBy) -> R<&'static str> {
    let t = change.at;
    match &change.step {
        SupervisionStep::Edit(f) => {
            sqlx::query(
                "update supervision_items set title = $2, requirement = $3, subject = $4, \
                 subject_id = $5, problem_id = $6, industry_id = $7, region_id = $8, \
                 deadline = $9 where id = $1",
            )
            .bind(id)
            .bind(&f.title)
            .bind(&f.requirement)
            .bind(f.subject.code())
            .bind(f.subject_id)
            .bind(f.problem_id)
            .bind(f.industry_id)
            .bind(f.region_id)
            .bind(f.deadline)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            put_units(tx, id, &f.unit_ids).await?;
            let kind = SupervisionEventKind::Edited.code();
            insert_event(tx, EVENT_SQL, id, kind, None, "", by, t).await?;
            Ok("update")
        }
        SupervisionStep::Reply {
            department_id,
            text,
        } => {
            let done = sqlx::query(
                "update supervision_units set replied_at = $3 where item_id = $1 \
                 and department_id = $2",
            )
            .bind(id)
            .bind(department_id)
            .bind(t)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query(
                "insert into supervision_replies (item_id, department_id, text, username, at) \
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(department_id)
            .bind(text)
            .bind(&by.username)
            .bind(t)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            let (kind, unit) = (SupervisionEventKind::Replied.code(), Some(*department_id));
            insert_event(tx, EVENT_SQL, id, kind, unit, text, by, t).await?;
            Ok("reply")
        }
        SupervisionStep::Close { evidence } => {
            sqlx::query(
                "update supervision_items set state = 'closed', evidence = $2, closed_by = $3, \
                 closed_at = $4 where id = $1",
            )
            .bind(id)
            .bind(evidence)
            .bind(&by.username)
            .bind(t)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            let kind = SupervisionEventKind::Closed.code();
            insert_event(tx, EVENT_SQL, id, kind, None, evidence, by, t).await?;
            Ok("close")
        }
    }
}

/// The notifications of issuing, a reply or closing, in the step's transaction: the units
/// of an item issued or closed, the supervisors of a reply.
async fn tell(
    tx: &mut Tx,
    item: &SupervisionItem,
    kind: dongneng_domain::todo::NotificationKind,
    body: &str,
    by: &AuditBy,
    t: DateTime<Utc>,
) -> R<()> {
    use dongneng_domain::todo::NotificationKind as K;
    let audience: Vec<Audience> = match kind {
        K::SupervisionReplied => vec![Audience::Holders {
            permission: dongneng_domain::policy::Permission::ManageSupervision,
            region_id: item.region_id,
            industry_id: item.industry_id,
        }],
        _ => item
            .unit_ids
            .iter()
            .map(|d| Audience::Department(*d))
            .collect(),
    };
    let notice = Notice {
        kind,
        record_type: "supervision_item",
        record_id: item.id,
        title: format!("{} {}", item.number, item.title),
        body,
        link: format!("/supervision/{}", item.id),
    };
    notify(tx, &notice, &audience, by, t).await?;
    Ok(())
}

/// The state as the units' replies settle it (a closed item stays closed).
async fn settle(tx: &mut Tx, id: i64, t: DateTime<Utc>) -> R<()> {
    let item = load(tx, id).await?.ok_or(StoreError::NotFound)?;
    let state = supervision::settle(item.state, item.unit_ids.len(), item.replied_unit_ids.len());
    sqlx::query("update supervision_items set state = $2, updated_at = $3 where id = $1")
        .bind(id)
        .bind(state.code())
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

/// Ids selected by `qb` (a `select s.id …`), then those items.
async fn items_of(
    pool: &sqlx::Pool<Db>,
    mut qb: sqlx::QueryBuilder<Db>,
) -> R<Vec<SupervisionItem>> {
    let ids: Vec<i64> = qb
        .build_query_scalar()
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    let mut conn = pool.acquire().await.map_err(map_err)?;
    by_ids(&mut conn, &ids).await
}

#[async_trait]
impl SupervisionStore for BackendStore {
    async fn supervision_page(
        &self,
        filter: &SupervisionFilter,
        page: Page,
    ) -> R<(Vec<SupervisionItem>, i64)> {
        let mut count =
            sqlx::QueryBuilder::<Db>::new("select count(*) from supervision_items s where 1 = 1");
        push_filter(&mut count, filter);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        let mut qb =
            sqlx::QueryBuilder::<Db>::new("select s.id from supervision_items s where 1 = 1");
        push_filter(&mut qb, filter);
        qb.push(" order by s.year desc, s.seq desc limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        Ok((items_of(&self.pool, qb).await?, total))
    }

    async fn supervision_export_page(
        &self,
        filter: &SupervisionFilter,
        after_id: i64,
        limit: i64,
    ) -> R<Vec<SupervisionItem>> {
        let mut qb =
            sqlx::QueryBuilder::<Db>::new("select s.id from supervision_items s where s.id > ");
        qb.push_bind(after_id);
        push_filter(&mut qb, filter);
        qb.push(" order by s.id limit ").push_bind(limit);
        items_of(&self.pool, qb).await
    }

    async fn get_supervision(&self, id: i64) -> R<Option<SupervisionItem>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        load(&mut conn, id).await
    }

    async fn supervision_detail(&self, id: i64) -> R<Option<SupervisionDetail>> {
        let Some(item) = self.get_supervision(id).await? else {
            return Ok(None);
        };
        let units = list_for(
            &self.pool,
            "select item_id, department_id, replied_at from supervision_units \
             where item_id = $1 order by department_id",
            id,
        )
        .await?;
        let replies = list_for(
            &self.pool,
            "select id, item_id, department_id, text, username, at from supervision_replies \
             where item_id = $1 order by id",
            id,
        )
        .await?;
        let files = list_for(
            &self.pool,
            concat!(
                "select ",
                file_cols!(),
                " from supervision_files where item_id = $1 order by id"
            ),
            id,
        )
        .await?;
        let events = list_for(
            &self.pool,
            "select id, item_id, kind, department_id, text, username, at \
             from supervision_events where item_id = $1 order by id",
            id,
        )
        .await?;
        Ok(Some(SupervisionDetail {
            item,
            units,
            replies,
            files,
            events,
        }))
    }

    async fn create_supervision(
        &self,
        f: &SupervisionFields,
        issuer_department_id: Option<i64>,
        at: DateTime<Utc>,
        by: &AuditBy,
    ) -> R<SupervisionItem> {
        let year = clock::day_of(at).year();
        let mut tx = begin_write(&self.pool).await?;
        let seq = next_number(&mut tx, "supervision", year).await?;
        let id: i64 = sqlx::query_scalar::<Db, i64>(
            "insert into supervision_items (year, seq, title, requirement, subject, subject_id, \
             problem_id, industry_id, region_id, deadline, state, issued_by, \
             issuer_department_id, issued_at, version, created_at, updated_at) values ($1, $2, \
             $3, $4, $5, $6, $7, $8, $9, $10, 'issued', $11, $12, $13, 1, $13, $13) returning id",
        )
        .bind(year)
        .bind(seq)
        .bind(&f.title)
        .bind(&f.requirement)
        .bind(f.subject.code())
        .bind(f.subject_id)
        .bind(f.problem_id)
        .bind(f.industry_id)
        .bind(f.region_id)
        .bind(f.deadline)
        .bind(&by.username)
        .bind(issuer_department_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        put_units(&mut tx, id, &f.unit_ids).await?;
        let kind = SupervisionEventKind::Issued.code();
        insert_event(&mut tx, EVENT_SQL, id, kind, None, "", by, at).await?;
        let item = load(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        let issued = dongneng_domain::todo::NotificationKind::SupervisionIssued;
        tell(&mut tx, &item, issued, &item.requirement, by, at).await?;
        let record = Some(id);
        write_audit(
            &mut tx,
            by,
            "create",
            "supervision_item",
            record,
            None::<&()>,
            Some(&item),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(item)
    }

    async fn change_supervision(
        &self,
        id: i64,
        version: i64,
        change: &SupervisionChange,
        by: &AuditBy,
    ) -> R<SupervisionItem> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id, version };
        let before = at.check(load(&mut tx, id).await?)?;
        // The version moves first: a step made in between finds this one stale.
        at.write(
            &mut tx,
            "update supervision_items set version = version + 1 where id = $1 and version = $2",
            |q| q,
        )
        .await?;
        let action = apply(&mut tx, id, change, by).await?;
        settle(&mut tx, id, change.at).await?;
        let after = load(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        {
            use dongneng_domain::todo::NotificationKind as K;
            let told = match &change.step {
                SupervisionStep::Edit(_) => None,
                SupervisionStep::Reply { text, .. } => Some((K::SupervisionReplied, text)),
                SupervisionStep::Close { evidence } => Some((K::SupervisionClosed, evidence)),
            };
            if let Some((kind, body)) = told {
                tell(&mut tx, &after, kind, body, by, change.at).await?;
            }
        }
        let kind = "supervision_item";
        write_audit(
            &mut tx,
            by,
            action,
            kind,
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn add_supervision_file(
        &self,
        item_id: i64,
        department_id: Option<i64>,
        file: &NewFile,
        by: &AuditBy,
    ) -> R<SupervisionFile> {
        let t = now();
        let mut tx = begin_write(&self.pool).await?;
        load(&mut tx, item_id).await?.ok_or(StoreError::NotFound)?;
        let row: SupervisionFile = insert_file(
            &mut tx,
            concat!(
                "insert into supervision_files (item_id, department_id, file_name, content_type, \
                 size_bytes, sha256, content, uploaded_by, version, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) returning ",
                file_cols!()
            ),
            item_id,
            department_id,
            file,
            by,
            t,
        )
        .await?;
        let kind = SupervisionEventKind::Attached.code();
        insert_event(
            &mut tx,
            EVENT_SQL,
            item_id,
            kind,
            department_id,
            &row.file_name,
            by,
            t,
        )
        .await?;
        let record = Some(row.id);
        write_audit(
            &mut tx,
            by,
            "create",
            "supervision_file",
            record,
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn get_supervision_file(
        &self,
        item_id: i64,
        id: i64,
    ) -> R<Option<(SupervisionFile, Vec<u8>)>> {
        file_with_content(
            &self.pool,
            concat!(
                "select ",
                file_cols!(),
                " from supervision_files where id = $1 and item_id = $2"
            ),
            "select content from supervision_files where id = $1 and item_id = $2",
            item_id,
            id,
        )
        .await
    }

    async fn supervision_waiting_on_unit(
        &self,
        department_id: i64,
        limit: i64,
    ) -> R<Vec<SupervisionItem>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select s.id from supervision_units u join supervision_items s on s.id = u.item_id \
             where u.department_id = ",
        );
        qb.push_bind(department_id)
            .push(" and u.replied_at is null and s.state <> 'closed' order by s.deadline, s.id limit ")
            .push_bind(limit);
        items_of(&self.pool, qb).await
    }

    async fn supervision_waiting_on_supervisor(
        &self,
        today: NaiveDate,
        limit: i64,
    ) -> R<Vec<SupervisionItem>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select s.id from supervision_items s where s.state = 'replied' \
             or (s.state = 'issued' and s.deadline < ",
        );
        qb.push_bind(today)
            .push(") order by s.deadline, s.id limit ")
            .push_bind(limit);
        items_of(&self.pool, qb).await
    }
}
