//! The key-project library.
//!
//! Every write runs in one transaction that also: re-derives the project's current-year
//! figures and completed total, re-evaluates its warning, closes the open row of
//! `project_versions` and opens a new one (for "as at" views), and appends the audit row.

use super::common::{Conn, Tx, begin_write, map_err, now, write_audit};
use super::settings::{read_setting, write_setting};
use super::versioned::{Expected, Statement, versioned_rows};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dongneng_domain::money::Money;
use dongneng_domain::paging::Page;
use dongneng_domain::project::{
    FactorInput, FactorKind, LibraryClass, Nature, ProgressInput, ProjectInput, Quantity, Stage, ym,
};
use dongneng_domain::warning::{self, Level, WarningRules};
use dongneng_store::{
    AuditBy, Batch, EventNote, Factor, ImportOp, NewProject, Progress, ProgressOp, Project,
    ProjectAsAt, ProjectEvent, ProjectFilter, ProjectKey, ProjectSort, ProjectStore, ProjectSums,
    StoreError, WARNING_RULES_KEY, WarningContext,
};
use dongneng_store::{DispatchCell, LaggingProject};
use sqlx::Row;
use sqlx::query_builder::Separated;

type R<T> = Result<T, StoreError>;
type DbRow = <Db as sqlx::Database>::Row;

macro_rules! project_cols {
    () => {
        "id, code, name, owner_name, owner_credit_code, region_id, industry_id, gbt_section, \
         gbt_division, library_class, nature, content, total_investment, initial_completed, \
         completed_investment, plan_year, year_plan, year_completed, planned_start, actual_start, \
         planned_finish, actual_finish, responsible_unit, leader_in_charge, contact_name, \
         contact_phone, stage, in_library, left_reason, left_on, last_progress_ym, warning_level, \
         warning_reasons, version, created_at, updated_at"
    };
}

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    code: Option<String>,
    name: String,
    owner_name: String,
    owner_credit_code: Option<String>,
    region_id: i64,
    industry_id: i64,
    gbt_section: Option<String>,
    gbt_division: Option<String>,
    library_class: String,
    nature: String,
    content: String,
    total_investment: i64,
    initial_completed: i64,
    completed_investment: i64,
    plan_year: i32,
    year_plan: i64,
    year_completed: i64,
    planned_start: Option<NaiveDate>,
    actual_start: Option<NaiveDate>,
    planned_finish: Option<NaiveDate>,
    actual_finish: Option<NaiveDate>,
    responsible_unit: Option<String>,
    leader_in_charge: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    stage: String,
    in_library: bool,
    left_reason: Option<String>,
    left_on: Option<NaiveDate>,
    last_progress_ym: Option<i32>,
    warning_level: String,
    warning_reasons: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl ProjectRow {
    fn into_project(self) -> Project {
        Project {
            id: self.id,
            code: self.code,
            name: self.name,
            owner_name: self.owner_name,
            owner_credit_code: self.owner_credit_code,
            region_id: self.region_id,
            industry_id: self.industry_id,
            gbt_section: self.gbt_section,
            gbt_division: self.gbt_division,
            library_class: LibraryClass::parse(&self.library_class)
                .unwrap_or(LibraryClass::District),
            nature: Nature::parse(&self.nature).unwrap_or(Nature::Other),
            content: self.content,
            total_investment: Money(self.total_investment),
            initial_completed: Money(self.initial_completed),
            completed_investment: Money(self.completed_investment),
            plan_year: self.plan_year,
            year_plan: Money(self.year_plan),
            year_completed: Money(self.year_completed),
            planned_start: self.planned_start,
            actual_start: self.actual_start,
            planned_finish: self.planned_finish,
            actual_finish: self.actual_finish,
            responsible_unit: self.responsible_unit,
            leader_in_charge: self.leader_in_charge,
            contact_name: self.contact_name,
            contact_phone: self.contact_phone,
            stage: Stage::parse(&self.stage).unwrap_or(Stage::Planning),
            in_library: self.in_library,
            left_reason: self.left_reason,
            left_on: self.left_on,
            last_progress_ym: self.last_progress_ym,
            warning_level: Level::parse(&self.warning_level).unwrap_or(Level::Green),
            warning_reasons: serde_json::from_str(&self.warning_reasons).unwrap_or_default(),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// When a change is recorded: now, unless a loader of past data says otherwise.
fn stamp(ctx: &WarningContext) -> DateTime<Utc> {
    ctx.at.unwrap_or_else(now)
}

/// Binds a project's input columns (and the search text made of them), in the order the
/// insert and the update name them.
fn bind_input(q: Statement, i: &ProjectInput) -> Statement {
    q.bind(&i.code)
        .bind(&i.name)
        .bind(&i.owner_name)
        .bind(&i.owner_credit_code)
        .bind(i.region_id)
        .bind(i.industry_id)
        .bind(&i.gbt_section)
        .bind(&i.gbt_division)
        .bind(i.library_class.code())
        .bind(i.nature.code())
        .bind(&i.content)
        .bind(i.total_investment.0)
        .bind(i.initial_completed.0)
        .bind(i.planned_start)
        .bind(i.actual_start)
        .bind(i.planned_finish)
        .bind(i.actual_finish)
        .bind(&i.responsible_unit)
        .bind(&i.leader_in_charge)
        .bind(&i.contact_name)
        .bind(&i.contact_phone)
        .bind(search_text(i))
}

fn search_text(i: &ProjectInput) -> String {
    format!(
        "{} {} {} {}",
        i.name,
        i.owner_name,
        i.content,
        i.code.as_deref().unwrap_or("")
    )
}

async fn load(conn: &mut Conn, id: i64) -> R<Option<Project>> {
    let row = sqlx::query_as::<Db, ProjectRow>(concat!(
        "select ",
        project_cols!(),
        " from projects where id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_err)?;
    Ok(row.map(ProjectRow::into_project))
}

versioned_rows!(Project);

/// Selects projects by id (followed by the ids and `)`).
const BY_IDS: &str = concat!("select ", project_cols!(), " from projects where id in (");

/// A versioned change of a project's own columns, with what goes with every such change in
/// the same transaction: `sql` is guarded (see `Expected`) and `bind` binds the rest, the time
/// of the change last; then the derived figures and the warning are re-evaluated, the history
/// gets its version row and the audit trail its row (`action`). Returns before and after.
async fn change(
    tx: &mut Tx,
    at: Expected,
    action: &str,
    sql: &'static str,
    bind: impl FnOnce(Statement, DateTime<Utc>) -> Statement,
    ctx: &WarningContext,
    by: &AuditBy,
) -> R<(Project, Project)> {
    let before = at.check(load(tx, at.id).await?)?;
    let t = stamp(ctx);
    at.write(tx, sql, |q| bind(q, t)).await?;
    let after = refresh(tx, at.id, ctx).await?;
    snapshot(tx, at.id, by, t).await?;
    let id = Some(at.id);
    write_audit(tx, by, action, "project", id, Some(&before), Some(&after)).await?;
    Ok((before, after))
}

/// Moves the version on without a check, for changes beside the project's own columns
/// (batches, needs) that the API takes without a version.
async fn touch(tx: &mut Tx, id: i64, t: DateTime<Utc>) -> R<()> {
    sqlx::query("update projects set version = version + 1, updated_at = $2 where id = $1")
        .bind(id)
        .bind(t)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(())
}

/// The project, or 404.
async fn load_existing(tx: &mut Tx, id: i64) -> R<Project> {
    load(tx, id).await?.ok_or(StoreError::NotFound)
}

/// The rows `sql` selects for one key (`$1`).
async fn rows_for<T, K>(pool: &sqlx::Pool<Db>, sql: &'static str, key: K) -> R<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, DbRow> + Send + Unpin,
    K: for<'q> sqlx::Encode<'q, Db> + sqlx::Type<Db> + Send,
{
    sqlx::query_as::<Db, T>(sql)
        .bind(key)
        .fetch_all(pool)
        .await
        .map_err(map_err)
}

/// The rows `head` (a select ending in `in (`) selects for many keys, 500 at a time (well
/// inside both databases' limits on bound values); `push` adds one key.
pub(crate) async fn in_chunks<K: Sync, T>(
    conn: &mut Conn,
    head: &'static str,
    keys: &[K],
    push: impl Fn(&mut Separated<'_, Db, &'static str>, &K) + Send + Sync,
) -> R<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, DbRow> + Send + Unpin,
{
    let mut out = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(500) {
        let mut qb = sqlx::QueryBuilder::<Db>::new(head);
        let mut sep = qb.separated(", ");
        for key in chunk {
            push(&mut sep, key);
        }
        qb.push(")");
        let rows: Vec<T> = qb
            .build_query_as()
            .fetch_all(&mut *conn)
            .await
            .map_err(map_err)?;
        out.extend(rows);
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: String,
    from_stage: Option<String>,
    to_stage: Option<String>,
    on_date: NaiveDate,
    note: String,
    username: String,
    at: DateTime<Utc>,
}

impl EventRow {
    fn into_event(self) -> ProjectEvent {
        ProjectEvent {
            id: self.id,
            kind: self.kind,
            from_stage: self.from_stage.and_then(|s| Stage::parse(&s)),
            to_stage: self.to_stage.and_then(|s| Stage::parse(&s)),
            on_date: self.on_date,
            note: self.note,
            username: self.username,
            at: self.at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct FactorRow {
    id: i64,
    project_id: i64,
    kind: String,
    required: i64,
    fulfilled: i64,
    needed_by: Option<NaiveDate>,
    note: Option<String>,
    version: i64,
}

macro_rules! factor_cols {
    () => {
        "id, project_id, kind, required, fulfilled, needed_by, note, version"
    };
}

impl FactorRow {
    fn into_factor(self) -> Option<Factor> {
        Some(Factor {
            id: self.id,
            project_id: self.project_id,
            kind: FactorKind::parse(&self.kind)?,
            required: Quantity(self.required),
            fulfilled: Quantity(self.fulfilled),
            needed_by: self.needed_by,
            note: self.note,
            version: self.version,
        })
    }
}

/// Re-derives the current-year figures, the completed total and the last reported month of
/// one project from its batches and progress, then re-evaluates its warning. Touches neither
/// version nor audit: these are derived values.
async fn refresh(tx: &mut Tx, id: i64, ctx: &WarningContext) -> R<Project> {
    refresh_chunk(tx, &[id], ctx).await?;
    load_existing(tx, id).await
}

/// [`refresh`] for a chunk of projects (up to 500), a statement for all of them at each step;
/// only the warnings that change are written.
async fn refresh_chunk(tx: &mut Tx, ids: &[i64], ctx: &WarningContext) -> R<()> {
    bump_version(tx).await?;
    let year = ctx.today.year();
    // The figures are derived afresh in the select and compared here: a chunk where nothing
    // moved (most of the library when only the rules change) writes nothing.
    let mut qb = sqlx::QueryBuilder::<Db>::new(
        "select p.id, p.stage, p.in_library, p.planned_start, p.plan_year, p.year_plan, \
         p.year_completed, p.completed_investment, p.last_progress_ym, p.warning_level, \
         p.warning_reasons, \
         coalesce((select b.planned_investment from project_batches b \
           where b.project_id = p.id and b.valid_to is null and b.year = ",
    );
    qb.push_bind(year)
        .push(
            "), 0) as new_year_plan, \
             coalesce((select g.ytd_investment from project_progress g \
               where g.project_id = p.id and g.valid_to is null and g.year = ",
        )
        .push_bind(year)
        .push(
            " order by g.ym desc limit 1), 0) as new_year_completed, \
             p.initial_completed + coalesce((select g.cumulative_investment \
               from project_progress g where g.project_id = p.id and g.valid_to is null \
               order by g.ym desc limit 1), 0) as new_completed, \
             (select max(g.ym) from project_progress g \
               where g.project_id = p.id and g.valid_to is null) as new_last_ym \
             from projects p where p.id in (",
        );
    let mut sep = qb.separated(", ");
    for id in ids {
        sep.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<Judged> = qb
        .build_query_as()
        .fetch_all(&mut **tx)
        .await
        .map_err(map_err)?;
    let head = "select project_id, kind, needed_by from project_factors \
                where fulfilled < required and project_id in (";
    let mut unmet: Vec<(i64, String, Option<NaiveDate>)> = in_chunks(tx, head, ids, |s, id| {
        s.push_bind(*id);
    })
    .await?;
    // Reasons in the order of the kinds' codes, whichever way the database found them.
    unmet.sort();
    for row in rows {
        let needs = unmet
            .iter()
            .filter(|(id, _, _)| *id == row.id)
            .filter_map(|(_, kind, by)| Some((FactorKind::parse(kind)?, *by)))
            .collect();
        let (level, reasons) = warning::evaluate(&row.facts(year, needs), &ctx.rules, ctx.today);
        let reasons = serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into());
        let fresh = (
            year,
            row.new_year_plan,
            row.new_year_completed,
            row.new_completed,
            row.new_last_ym,
            level.code(),
            reasons.as_str(),
        );
        let stored = (
            row.plan_year,
            row.year_plan,
            row.year_completed,
            row.completed_investment,
            row.last_progress_ym,
            row.warning_level.as_str(),
            row.warning_reasons.as_str(),
        );
        if fresh == stored {
            continue;
        }
        sqlx::query(
            "update projects set plan_year = $2, year_plan = $3, year_completed = $4, \
             completed_investment = $5, last_progress_ym = $6, warning_level = $7, \
             warning_reasons = $8 where id = $1",
        )
        .bind(row.id)
        .bind(fresh.0)
        .bind(fresh.1)
        .bind(fresh.2)
        .bind(fresh.3)
        .bind(fresh.4)
        .bind(fresh.5)
        .bind(fresh.6)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

/// A project as its derived figures and warning are judged: what is stored, and the figures
/// derived afresh from its batches and progress (`new_…`).
#[derive(sqlx::FromRow)]
struct Judged {
    id: i64,
    stage: String,
    in_library: bool,
    planned_start: Option<NaiveDate>,
    plan_year: i32,
    year_plan: i64,
    year_completed: i64,
    completed_investment: i64,
    last_progress_ym: Option<i32>,
    warning_level: String,
    warning_reasons: String,
    new_year_plan: i64,
    new_year_completed: i64,
    new_completed: i64,
    new_last_ym: Option<i32>,
}

impl Judged {
    /// The facts the warning rules look at, with the figures derived afresh for `year`.
    fn facts(
        &self,
        year: i32,
        unmet_factors: Vec<(FactorKind, Option<NaiveDate>)>,
    ) -> warning::Facts {
        warning::Facts {
            stage: Stage::parse(&self.stage).unwrap_or(Stage::Planning),
            in_library: self.in_library,
            planned_start: self.planned_start,
            plan_year: year,
            year_plan: Money(self.new_year_plan),
            year_completed: Money(self.new_year_completed),
            last_progress_ym: self.new_last_ym,
            unmet_factors,
        }
    }
}

/// Refreshes the next chunk of the library after project `after`, in id order: the last id
/// and how many, or `None` past the end.
async fn refresh_next(tx: &mut Tx, after: i64, ctx: &WarningContext) -> R<Option<(i64, u64)>> {
    let ids: Vec<i64> = sqlx::query_scalar::<Db, i64>(
        "select id from projects where id > $1 order by id limit 500",
    )
    .bind(after)
    .fetch_all(&mut **tx)
    .await
    .map_err(map_err)?;
    let Some(&last) = ids.last() else {
        return Ok(None);
    };
    refresh_chunk(tx, &ids, ctx).await?;
    Ok(Some((last, ids.len() as u64)))
}

/// The stored warning thresholds, or the defaults when none (or none readable) are stored.
fn rules_of(stored: Option<String>) -> WarningRules {
    stored
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// Moves the library's version on (see `ProjectStore::library_version`).
async fn bump_version(tx: &mut Tx) -> R<()> {
    sqlx::query("update library_version set n = n + 1 where id = 1")
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(())
}

/// Closes the open version row and opens one with the project's present state.
async fn snapshot(tx: &mut Tx, id: i64, by: &AuditBy, t: DateTime<Utc>) -> R<()> {
    sqlx::query(
        "update project_versions set valid_to = $2 where project_id = $1 and valid_to is null",
    )
    .bind(id)
    .bind(t)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    sqlx::query(
        "insert into project_versions (project_id, valid_from, valid_to, code, name, owner_name, \
         region_id, industry_id, library_class, nature, stage, in_library, total_investment, \
         initial_completed, username) \
         select id, $2, null, code, name, owner_name, region_id, industry_id, library_class, \
         nature, stage, in_library, total_investment, initial_completed, $3 \
         from projects where id = $1",
    )
    .bind(id)
    .bind(t)
    .bind(&by.username)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

#[expect(clippy::too_many_arguments, reason = "one row's columns, all needed")]
async fn insert_event(
    tx: &mut Tx,
    id: i64,
    kind: &str,
    from: Option<Stage>,
    to: Option<Stage>,
    event: EventNote<'_>,
    by: &AuditBy,
    t: DateTime<Utc>,
) -> R<()> {
    let EventNote { on_date, note } = event;
    sqlx::query(
        "insert into project_events (project_id, kind, from_stage, to_stage, on_date, note, \
         username, at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(kind)
    .bind(from.map(|s| s.code()))
    .bind(to.map(|s| s.code()))
    .bind(on_date)
    .bind(note)
    .bind(&by.username)
    .bind(t)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

async fn put_batch(tx: &mut Tx, id: i64, batch: &Batch, t: DateTime<Utc>) -> R<bool> {
    let current: Option<i64> = sqlx::query_scalar::<Db, i64>(
        "select planned_investment from project_batches where project_id = $1 and year = $2 \
         and valid_to is null",
    )
    .bind(id)
    .bind(batch.year)
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_err)?;
    if current == Some(batch.planned_investment.0) {
        return Ok(false);
    }
    sqlx::query("update project_batches set valid_to = $3 where project_id = $1 and year = $2 and valid_to is null")
        .bind(id)
        .bind(batch.year)
        .bind(t)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    sqlx::query(
        "insert into project_batches (project_id, year, planned_investment, valid_from) \
         values ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(batch.year)
    .bind(batch.planned_investment.0)
    .bind(t)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(true)
}

/// Inserts or updates the need of one kind; `true` when something changed.
async fn put_factor(tx: &mut Tx, id: i64, f: &FactorInput, t: DateTime<Utc>) -> R<bool> {
    let existing = sqlx::query(
        "select required, fulfilled, needed_by, note from project_factors \
         where project_id = $1 and kind = $2",
    )
    .bind(id)
    .bind(f.kind.code())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_err)?;
    let sql = match existing {
        Some(r) => {
            let same = r.get::<i64, _>("required") == f.required.0
                && r.get::<i64, _>("fulfilled") == f.fulfilled.0
                && r.get::<Option<NaiveDate>, _>("needed_by") == f.needed_by
                && r.get::<Option<String>, _>("note") == f.note;
            if same {
                return Ok(false);
            }
            "update project_factors set required = $3, fulfilled = $4, needed_by = $5, \
             note = $6, version = version + 1, updated_at = $7 \
             where project_id = $1 and kind = $2"
        }
        None => {
            "insert into project_factors (project_id, kind, required, fulfilled, needed_by, \
             note, version, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, 1, $7, $7)"
        }
    };
    sqlx::query(sql)
        .bind(id)
        .bind(f.kind.code())
        .bind(f.required.0)
        .bind(f.fulfilled.0)
        .bind(f.needed_by)
        .bind(&f.note)
        .bind(t)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(true)
}

/// Creates a project (see [`create_many`]).
async fn create_in(tx: &mut Tx, new: &NewProject, ctx: &WarningContext, by: &AuditBy) -> R<i64> {
    let ids = create_many(tx, &[new], ctx, by).await?;
    ids.first().copied().ok_or(StoreError::NotFound)
}

/// Creates projects. Everything derived (the year's plan, the warning) is computed here from
/// the input, and the rows that go with each project (version, batch, needs, entry event,
/// audit) are written a chunk at a time — imports create tens of thousands.
async fn create_many(
    tx: &mut Tx,
    news: &[&NewProject],
    ctx: &WarningContext,
    by: &AuditBy,
) -> R<Vec<i64>> {
    let t = stamp(ctx);
    let year = ctx.today.year();
    let mut created: Vec<Project> = Vec::with_capacity(news.len());
    for new in news {
        let i = &new.input;
        let year_plan = new
            .batch
            .as_ref()
            .filter(|b| b.year == year)
            .map(|b| b.planned_investment)
            .unwrap_or_default();
        let facts = warning::Facts {
            stage: new.stage,
            in_library: true,
            planned_start: i.planned_start,
            plan_year: year,
            year_plan,
            year_completed: Money::ZERO,
            last_progress_ym: None,
            unmet_factors: new
                .factors
                .iter()
                .filter(|f| !f.met())
                .map(|f| (f.kind, f.needed_by))
                .collect(),
        };
        let (level, reasons) = warning::evaluate(&facts, &ctx.rules, ctx.today);
        let reasons_json = serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into());
        // The input's columns first, in the order `bind_input` binds them.
        let sql = "insert into projects (code, name, owner_name, owner_credit_code, region_id, \
                   industry_id, gbt_section, gbt_division, library_class, nature, content, \
                   total_investment, initial_completed, planned_start, actual_start, \
                   planned_finish, actual_finish, responsible_unit, leader_in_charge, \
                   contact_name, contact_phone, search_text, completed_investment, plan_year, \
                   year_plan, year_completed, stage, in_library, warning_level, warning_reasons, \
                   version, created_at, updated_at) \
                   values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                   $17, $18, $19, $20, $21, $22, $13, $23, $24, 0, $25, true, $26, $27, 1, $28, \
                   $28) returning id";
        let id: i64 = bind_input(sqlx::query(sql), i)
            .bind(year)
            .bind(year_plan.0)
            .bind(new.stage.code())
            .bind(level.code())
            .bind(&reasons_json)
            .bind(t)
            .fetch_one(&mut **tx)
            .await
            .map_err(map_err)?
            .get("id");
        created.push(Project {
            id,
            code: i.code.clone(),
            name: i.name.clone(),
            owner_name: i.owner_name.clone(),
            owner_credit_code: i.owner_credit_code.clone(),
            region_id: i.region_id,
            industry_id: i.industry_id,
            gbt_section: i.gbt_section.clone(),
            gbt_division: i.gbt_division.clone(),
            library_class: i.library_class,
            nature: i.nature,
            content: i.content.clone(),
            total_investment: i.total_investment,
            initial_completed: i.initial_completed,
            completed_investment: i.initial_completed,
            plan_year: year,
            year_plan,
            year_completed: Money::ZERO,
            planned_start: i.planned_start,
            actual_start: i.actual_start,
            planned_finish: i.planned_finish,
            actual_finish: i.actual_finish,
            responsible_unit: i.responsible_unit.clone(),
            leader_in_charge: i.leader_in_charge.clone(),
            contact_name: i.contact_name.clone(),
            contact_phone: i.contact_phone.clone(),
            stage: new.stage,
            in_library: true,
            left_reason: None,
            left_on: None,
            last_progress_ym: None,
            warning_level: level,
            warning_reasons: reasons,
            version: 1,
            created_at: t,
            updated_at: t,
        });
    }
    bump_version(tx).await?;
    let pairs: Vec<(&NewProject, &Project)> = news.iter().copied().zip(created.iter()).collect();
    let on_date = ctx.today.min(t.date_naive());
    // The companions, 100 projects per statement (well inside both databases' limits on
    // bound values).
    for chunk in pairs.chunks(100) {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "insert into project_versions (project_id, valid_from, valid_to, code, name, \
             owner_name, region_id, industry_id, library_class, nature, stage, in_library, \
             total_investment, initial_completed, username) ",
        );
        q.push_values(chunk, |mut b, (new, p)| {
            b.push_bind(p.id)
                .push_bind(t)
                .push("null")
                .push_bind(p.code.clone())
                .push_bind(p.name.clone())
                .push_bind(p.owner_name.clone())
                .push_bind(p.region_id)
                .push_bind(p.industry_id)
                .push_bind(p.library_class.code())
                .push_bind(p.nature.code())
                .push_bind(new.stage.code())
                .push("true")
                .push_bind(p.total_investment.0)
                .push_bind(p.initial_completed.0)
                .push_bind(by.username.clone());
        });
        q.build().execute(&mut **tx).await.map_err(map_err)?;

        let mut q = sqlx::QueryBuilder::<Db>::new(
            "insert into project_events (project_id, kind, from_stage, to_stage, on_date, note, \
             username, at) ",
        );
        q.push_values(chunk, |mut b, (new, p)| {
            b.push_bind(p.id)
                .push_bind("enter")
                .push("null")
                .push_bind(new.stage.code())
                .push_bind(on_date)
                .push_bind("")
                .push_bind(by.username.clone())
                .push_bind(t);
        });
        q.build().execute(&mut **tx).await.map_err(map_err)?;

        let batches: Vec<(i64, &Batch)> = chunk
            .iter()
            .filter_map(|(new, p)| new.batch.as_ref().map(|b| (p.id, b)))
            .collect();
        if !batches.is_empty() {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "insert into project_batches (project_id, year, planned_investment, valid_from) ",
            );
            q.push_values(&batches, |mut b, (id, batch)| {
                b.push_bind(*id)
                    .push_bind(batch.year)
                    .push_bind(batch.planned_investment.0)
                    .push_bind(t);
            });
            q.build().execute(&mut **tx).await.map_err(map_err)?;
        }

        let factors: Vec<(i64, &FactorInput)> = chunk
            .iter()
            .flat_map(|(new, p)| new.factors.iter().map(move |f| (p.id, f)))
            .collect();
        if !factors.is_empty() {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "insert into project_factors (project_id, kind, required, fulfilled, needed_by, \
                 note, version, created_at, updated_at) ",
            );
            q.push_values(&factors, |mut b, (id, f)| {
                b.push_bind(*id)
                    .push_bind(f.kind.code())
                    .push_bind(f.required.0)
                    .push_bind(f.fulfilled.0)
                    .push_bind(f.needed_by)
                    .push_bind(f.note.clone())
                    .push_bind(1i64)
                    .push_bind(t)
                    .push_bind(t);
            });
            q.build().execute(&mut **tx).await.map_err(map_err)?;
        }

        let mut q = sqlx::QueryBuilder::<Db>::new(
            "insert into audit_log (at, user_id, username, action, record_type, record_id, \
             before_json, after_json, request_id) ",
        );
        let audit_at = now();
        q.push_values(chunk, |mut b, (_, p)| {
            b.push_bind(audit_at)
                .push_bind(by.user_id)
                .push_bind(by.username.clone())
                .push_bind("create")
                .push_bind("project")
                .push_bind(p.id)
                .push_bind(None::<String>)
                .push_bind(serde_json::to_string(p).ok())
                .push_bind(by.request_id.clone());
        });
        q.build().execute(&mut **tx).await.map_err(map_err)?;
    }
    Ok(created.iter().map(|p| p.id).collect())
}

/// Applies new field values.
async fn update_in(
    tx: &mut Tx,
    at: Expected,
    i: &ProjectInput,
    ctx: &WarningContext,
    by: &AuditBy,
) -> R<Project> {
    let sql = "update projects set code = $3, name = $4, owner_name = $5, \
               owner_credit_code = $6, region_id = $7, industry_id = $8, gbt_section = $9, \
               gbt_division = $10, library_class = $11, nature = $12, content = $13, \
               total_investment = $14, initial_completed = $15, planned_start = $16, \
               actual_start = $17, planned_finish = $18, actual_finish = $19, \
               responsible_unit = $20, leader_in_charge = $21, contact_name = $22, \
               contact_phone = $23, search_text = $24, version = version + 1, updated_at = $25 \
               where id = $1 and version = $2";
    let bind = |q, t| bind_input(q, i).bind(t);
    let (_, after) = change(tx, at, "update", sql, bind, ctx, by).await?;
    Ok(after)
}

async fn move_in(
    tx: &mut Tx,
    at: Expected,
    to: Stage,
    event: EventNote<'_>,
    ctx: &WarningContext,
    by: &AuditBy,
) -> R<Project> {
    // Entering 开工 or 建成 records the actual date unless one is already there.
    let sql = "update projects set stage = $3, \
               actual_start = case when $3 = 'started' and actual_start is null then $4 \
               else actual_start end, \
               actual_finish = case when $3 = 'completed' and actual_finish is null then $4 \
               else actual_finish end, \
               version = version + 1, updated_at = $5 where id = $1 and version = $2";
    let bind = |q: Statement, t| q.bind(to.code()).bind(event.on_date).bind(t);
    let (before, after) = change(tx, at, "stage", sql, bind, ctx, by).await?;
    let (from, t) = (Some(before.stage), after.updated_at);
    insert_event(tx, at.id, "stage", from, Some(to), event, by, t).await?;
    Ok(after)
}

/// Writes one month's report and re-bases the running totals of the months after it.
async fn progress_in(
    tx: &mut Tx,
    id: i64,
    input: &ProgressInput,
    ctx: &WarningContext,
    by: &AuditBy,
) -> R<Progress> {
    load_existing(tx, id).await?;
    let t = stamp(ctx);
    let this_ym = ym(input.year, input.month);
    let prev = sqlx::query(
        "select year, ytd_investment, cumulative_investment from project_progress \
         where project_id = $1 and ym < $2 and valid_to is null order by ym desc limit 1",
    )
    .bind(id)
    .bind(this_ym)
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_err)?;
    let (prev_ytd, prev_cum) = match &prev {
        Some(r) => {
            let y: i32 = r.get("year");
            let ytd = if y == input.year {
                r.get::<i64, _>("ytd_investment")
            } else {
                0
            };
            (ytd, r.get::<i64, _>("cumulative_investment"))
        }
        None => (0, 0),
    };
    let current: Option<ProgressRow> = sqlx::query_as::<Db, ProgressRow>(
        "select id, project_id, year, month, month_investment, ytd_investment, \
         cumulative_investment, image_progress, milestone, problems, next_steps, username, \
         valid_from from project_progress where project_id = $1 and ym = $2 and valid_to is null",
    )
    .bind(id)
    .bind(this_ym)
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_err)?;
    // The same report again (a re-imported sheet) changes nothing and leaves no trace.
    if let Some(c) = &current
        && c.month_investment == input.month_investment.0
        && c.image_progress == input.image_progress
        && c.milestone == input.milestone
        && c.problems == input.problems
        && c.next_steps == input.next_steps
    {
        return Ok(progress_of(current.expect("checked above")));
    }
    let old: Option<i64> = current.as_ref().map(|c| c.month_investment);
    let before_json = old.map(
        |m| serde_json::json!({"year": input.year, "month": input.month, "month_investment": m}),
    );
    sqlx::query("update project_progress set valid_to = $3 where project_id = $1 and ym = $2 and valid_to is null")
        .bind(id)
        .bind(this_ym)
        .bind(t)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    let m = input.month_investment.0;
    let ytd = prev_ytd + m;
    let cum = prev_cum + m;
    let new_id: i64 = sqlx::query_scalar::<Db, i64>(
        "insert into project_progress (project_id, ym, year, month, month_investment, \
         ytd_investment, cumulative_investment, image_progress, milestone, problems, next_steps, \
         username, valid_from) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         returning id",
    )
    .bind(id)
    .bind(this_ym)
    .bind(input.year)
    .bind(input.month as i32)
    .bind(m)
    .bind(ytd)
    .bind(cum)
    .bind(&input.image_progress)
    .bind(&input.milestone)
    .bind(&input.problems)
    .bind(&input.next_steps)
    .bind(&by.username)
    .bind(t)
    .fetch_one(&mut **tx)
    .await
    .map_err(map_err)?;
    // Later months carry running totals that now change: close and re-open them.
    let delta = m - old.unwrap_or(0);
    if delta != 0 {
        let later = sqlx::query(
            "select id, year from project_progress where project_id = $1 and ym > $2 \
             and valid_to is null order by ym",
        )
        .bind(id)
        .bind(this_ym)
        .fetch_all(&mut **tx)
        .await
        .map_err(map_err)?;
        for r in later {
            let later_id: i64 = r.get("id");
            let y: i32 = r.get("year");
            let ytd_delta = if y == input.year { delta } else { 0 };
            sqlx::query("update project_progress set valid_to = $2 where id = $1")
                .bind(later_id)
                .bind(t)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
            sqlx::query(
                "insert into project_progress (project_id, ym, year, month, month_investment, \
                 ytd_investment, cumulative_investment, image_progress, milestone, problems, \
                 next_steps, username, valid_from) \
                 select project_id, ym, year, month, month_investment, ytd_investment + $2, \
                 cumulative_investment + $3, image_progress, milestone, problems, next_steps, \
                 username, $4 from project_progress where id = $1",
            )
            .bind(later_id)
            .bind(ytd_delta)
            .bind(delta)
            .bind(t)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
        }
    }
    refresh(tx, id, ctx).await?;
    sqlx::query("update projects set updated_at = $2 where id = $1")
        .bind(id)
        .bind(t)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    let progress = Progress {
        id: new_id,
        project_id: id,
        year: input.year,
        month: input.month as i32,
        month_investment: Money(m),
        ytd_investment: Money(ytd),
        cumulative_investment: Money(cum),
        image_progress: input.image_progress.clone(),
        milestone: input.milestone.clone(),
        problems: input.problems.clone(),
        next_steps: input.next_steps.clone(),
        username: by.username.clone(),
        reported_at: t,
    };
    write_audit(
        tx,
        by,
        "progress",
        "project",
        Some(id),
        before_json.as_ref(),
        Some(&progress),
    )
    .await?;
    Ok(progress)
}

fn progress_of(r: ProgressRow) -> Progress {
    Progress {
        id: r.id,
        project_id: r.project_id,
        year: r.year,
        month: r.month,
        month_investment: Money(r.month_investment),
        ytd_investment: Money(r.ytd_investment),
        cumulative_investment: Money(r.cumulative_investment),
        image_progress: r.image_progress,
        milestone: r.milestone,
        problems: r.problems,
        next_steps: r.next_steps,
        username: r.username,
        reported_at: r.valid_from,
    }
}

#[derive(sqlx::FromRow)]
struct ProgressRow {
    id: i64,
    project_id: i64,
    year: i32,
    month: i32,
    month_investment: i64,
    ytd_investment: i64,
    cumulative_investment: i64,
    image_progress: String,
    milestone: String,
    problems: String,
    next_steps: String,
    username: String,
    valid_from: DateTime<Utc>,
}

/// `<alias>.region_id` is one of these regions or below them (the tree is walked in SQL, so
/// the caller need not load it).
pub(crate) fn push_region_subtree(qb: &mut sqlx::QueryBuilder<Db>, alias: &str, roots: &[i64]) {
    qb.push(format!(
        "{alias}.region_id in (with recursive sub(id) as (select id from regions where id in ("
    ));
    let mut s = qb.separated(", ");
    for r in roots {
        s.push_bind(*r);
    }
    qb.push(
        ") union select r.id from regions r join sub on r.parent_id = sub.id) select id from sub)",
    );
}

/// Appends the list filters (on alias `p`) to a query that already has a `where`.
fn push_filter(qb: &mut sqlx::QueryBuilder<Db>, f: &ProjectFilter, alias: &str, with_search: bool) {
    if !f.scope.all {
        if f.scope.regions.is_empty() && f.scope.industries.is_empty() {
            qb.push(" and 1 = 0");
        } else {
            qb.push(" and (1 = 0");
            if !f.scope.regions.is_empty() {
                qb.push(" or ");
                push_region_subtree(qb, alias, &f.scope.regions);
            }
            if !f.scope.industries.is_empty() {
                qb.push(format!(" or {alias}.industry_id in ("));
                let mut s = qb.separated(", ");
                for i in &f.scope.industries {
                    s.push_bind(*i);
                }
                qb.push(")");
            }
            qb.push(")");
        }
    }
    if !f.industry_ids.is_empty() {
        qb.push(format!(" and {alias}.industry_id in ("));
        let mut s = qb.separated(", ");
        for i in &f.industry_ids {
            s.push_bind(*i);
        }
        qb.push(")");
    }
    if !f.region_ids.is_empty() {
        qb.push(" and ");
        push_region_subtree(qb, alias, &f.region_ids);
    }
    if let Some(st) = f.stage {
        qb.push(format!(" and {alias}.stage = "))
            .push_bind(st.code());
    }
    if let Some(c) = f.library_class {
        qb.push(format!(" and {alias}.library_class = "))
            .push_bind(c.code());
    }
    if let Some(l) = f.in_library {
        qb.push(format!(" and {alias}.in_library = ")).push_bind(l);
    }
    if with_search {
        if let Some(w) = f.warning {
            qb.push(format!(" and {alias}.warning_level = "))
                .push_bind(w.code());
        }
        if let Some(y) = f.batch_year {
            qb.push(format!(
                " and exists (select 1 from project_batches b where b.project_id = {alias}.id \
                 and b.year = "
            ))
            .push_bind(y)
            .push(" and b.valid_to is null)");
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
            crate::dialect::push_search(qb, alias, q.trim());
        }
    } else if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        qb.push(format!(" and {alias}.name like "))
            .push_bind(format!("%{}%", like_escape(q.trim())));
        qb.push(" escape '\\'");
    }
}

/// Matches from which a search page is found by walking the library newest first: about
/// where sorting every match starts to cost more than the walk (measured on SQLite at
/// 200,000 projects: 26,000 matches 40 ms sorted, 8 ms walked; none at all 0 ms sorted,
/// 15–70 ms walked).
const SEARCH_WALK_MATCHES: i64 = 2_000;

/// Escapes `%`, `_` and `\` for a LIKE pattern with `escape '\'`.
pub(crate) fn like_escape(q: &str) -> String {
    q.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn sort_sql(sort: ProjectSort) -> &'static str {
    match sort {
        ProjectSort::Updated => "p.updated_at",
        ProjectSort::Name => "p.name",
        ProjectSort::Code => "p.code",
        ProjectSort::TotalInvestment => "p.total_investment",
        ProjectSort::YearPlan => "p.year_plan",
        ProjectSort::Completed => "p.completed_investment",
        ProjectSort::Stage => "p.stage",
        ProjectSort::Warning => {
            "case p.warning_level when 'red' then 2 when 'yellow' then 1 else 0 end"
        }
    }
}

// Sums are cast to bigint: PostgreSQL sums bigints into numeric otherwise.
const SUMS_SELECT: &str = "select count(*) as n, \
    cast(coalesce(sum(p.total_investment), 0) as bigint) as total, \
    cast(coalesce(sum(p.year_plan), 0) as bigint) as plan, \
    cast(coalesce(sum(p.completed_investment), 0) as bigint) as done, \
    cast(coalesce(sum(p.year_completed), 0) as bigint) as year_done, \
    coalesce(sum(case when p.warning_level = 'red' then 1 else 0 end), 0) as red, \
    coalesce(sum(case when p.warning_level = 'yellow' then 1 else 0 end), 0) as yellow, \
    coalesce(sum(case when p.warning_level = 'green' then 1 else 0 end), 0) as green, \
    coalesce(sum(case when p.stage = 'planning' then 1 else 0 end), 0) as s1, \
    coalesce(sum(case when p.stage = 'reserve' then 1 else 0 end), 0) as s2, \
    coalesce(sum(case when p.stage = 'started' then 1 else 0 end), 0) as s3, \
    coalesce(sum(case when p.stage = 'completed' then 1 else 0 end), 0) as s4";

fn sums_from(r: &<Db as sqlx::Database>::Row) -> ProjectSums {
    let g = |c: &str| -> i64 { r.try_get::<i64, _>(c).unwrap_or(0) };
    ProjectSums {
        count: g("n"),
        total_investment: Money(g("total")),
        year_plan: Money(g("plan")),
        completed: Money(g("done")),
        year_completed: Money(g("year_done")),
        red: g("red"),
        yellow: g("yellow"),
        green: g("green"),
        planning: g("s1"),
        reserve: g("s2"),
        started: g("s3"),
        completed_stage: g("s4"),
    }
}

/// The select of projects as they stood at `at` (see `projects_as_at`).
fn as_at_select(
    qb: &mut sqlx::QueryBuilder<Db>,
    f: &ProjectFilter,
    at: DateTime<Utc>,
    year: i32,
    at_ym: i32,
) {
    // One seek per project finds its latest report up to the month, as it stood at
    // `at`; that row carries both the running total and (if it is of this year) the
    // year-to-date figure.
    qb.push(
        "select p.project_id as id, p.code, p.name, p.owner_name, p.region_id, \
             p.industry_id, p.library_class, p.stage, p.in_library, p.total_investment, \
             p.initial_completed + coalesce(g.cumulative_investment, 0) as completed_investment, \
             case when g.year = ",
    )
    .push_bind(year)
    .push(" then g.ytd_investment else 0 end as year_completed, case when g.ym = ")
    .push_bind(at_ym)
    .push(
        " then g.month_investment else 0 end as month_completed, \
             coalesce((select b.planned_investment from project_batches b \
             where b.project_id = p.project_id and b.year = ",
    )
    .push_bind(year)
    .push(" and b.valid_from <= ")
    .push_bind(at)
    .push(" and (b.valid_to is null or b.valid_to > ")
    .push_bind(at)
    .push(
        ")), 0) as year_plan from project_versions p \
             left join project_progress g on g.id = (select g2.id from project_progress g2 \
             where g2.project_id = p.project_id and g2.ym <= ",
    )
    .push_bind(at_ym)
    .push(" and g2.valid_from <= ")
    .push_bind(at)
    .push(" and (g2.valid_to is null or g2.valid_to > ")
    .push_bind(at)
    .push(") order by g2.ym desc limit 1) where p.valid_from <= ")
    .push_bind(at)
    .push(" and (p.valid_to is null or p.valid_to > ")
    .push_bind(at)
    .push(")");
    push_filter(qb, f, "p", false);
}

#[async_trait]
impl ProjectStore for BackendStore {
    async fn project_sums(&self, filter: &ProjectFilter) -> R<ProjectSums> {
        let mut sums = sqlx::QueryBuilder::<Db>::new(SUMS_SELECT);
        sums.push(" from projects p where 1 = 1");
        push_filter(&mut sums, filter, "p", true);
        let row = sums.build().fetch_one(&self.pool).await.map_err(map_err)?;
        Ok(sums_from(&row))
    }

    async fn library_version(&self) -> R<i64> {
        sqlx::query_scalar::<Db, i64>("select n from library_version where id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)
            .map(|n| n.unwrap_or(0))
    }

    async fn project_page(
        &self,
        filter: &ProjectFilter,
        sort: ProjectSort,
        descending: bool,
        page: Page,
        matches: i64,
    ) -> R<Vec<Project>> {
        // The page's ids first (from index entries where the indexes cover filter and sort),
        // then only those rows. A search with many matches, newest first, walks the library
        // in that order and stops at the page instead of sorting every match
        // (`dialect::ORDER_INDEX_HINT`; a backend without one leaves it to its planner).
        let walk = filter.q.is_some()
            && sort == ProjectSort::Updated
            && descending
            && filter.in_library.is_some()
            && matches >= SEARCH_WALK_MATCHES;
        let mut qb = sqlx::QueryBuilder::<Db>::new("select p.id from projects p");
        if walk {
            qb.push(crate::dialect::ORDER_INDEX_HINT);
        }
        qb.push(" where 1 = 1");
        push_filter(&mut qb, filter, "p", true);
        qb.push(" order by ")
            .push(sort_sql(sort))
            .push(if descending { " desc" } else { " asc" })
            .push(", p.id desc limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let ids: Vec<i64> = qb
            .build_query_scalar()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        let mut rows: Vec<ProjectRow> = in_chunks(&mut conn, BY_IDS, &ids, |s, id| {
            s.push_bind(*id);
        })
        .await?;
        rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
        Ok(rows.into_iter().map(ProjectRow::into_project).collect())
    }

    async fn get_project(&self, id: i64) -> R<Option<Project>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        load(&mut conn, id).await
    }

    async fn export_page(
        &self,
        filter: &ProjectFilter,
        after_id: i64,
        limit: i64,
    ) -> R<Vec<Project>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(concat!(
            "select ",
            project_cols!(),
            " from projects p where p.id > "
        ));
        qb.push_bind(after_id);
        push_filter(&mut qb, filter, "p", true);
        qb.push(" order by p.id limit ");
        qb.push_bind(limit);
        let rows: Vec<ProjectRow> = qb
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(rows.into_iter().map(ProjectRow::into_project).collect())
    }

    async fn create_project(
        &self,
        new: &NewProject,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> R<Project> {
        let mut tx = begin_write(&self.pool).await?;
        let id = create_in(&mut tx, new, ctx, by).await?;
        let p = load(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(map_err)?;
        Ok(p)
    }

    async fn update_project(
        &self,
        id: i64,
        version: i64,
        input: &ProjectInput,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> R<Project> {
        let mut tx = begin_write(&self.pool).await?;
        let p = update_in(&mut tx, Expected { id, version }, input, ctx, by).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(p)
    }

    async fn move_stage(
        &self,
        id: i64,
        version: i64,
        to: Stage,
        event: EventNote<'_>,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> R<Project> {
        let mut tx = begin_write(&self.pool).await?;
        let p = move_in(&mut tx, Expected { id, version }, to, event, ctx, by).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(p)
    }

    async fn set_in_library(
        &self,
        id: i64,
        version: i64,
        enter: bool,
        event: EventNote<'_>,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> R<Project> {
        let mut tx = begin_write(&self.pool).await?;
        let sql = "update projects set in_library = $3, left_reason = $4, left_on = $5, \
                   version = version + 1, updated_at = $6 where id = $1 and version = $2";
        // Leaving records why and when; entering again clears both.
        let left = (!enter).then_some(event);
        let bind = |q: Statement, t| {
            q.bind(enter)
                .bind(left.map(|e| e.note))
                .bind(left.map(|e| e.on_date))
                .bind(t)
        };
        let kind = if enter { "enter" } else { "leave" };
        let at = Expected { id, version };
        let (before, after) = change(&mut tx, at, kind, sql, bind, ctx, by).await?;
        let (to, t) = (Some(before.stage), after.updated_at);
        insert_event(&mut tx, id, kind, None, to, event, by, t).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn set_batch(
        &self,
        id: i64,
        batch: &Batch,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> R<Project> {
        let mut tx = begin_write(&self.pool).await?;
        let before = load_existing(&mut tx, id).await?;
        let t = stamp(ctx);
        if put_batch(&mut tx, id, batch, t).await? {
            touch(&mut tx, id, t).await?;
            let id = Some(id);
            write_audit(
                &mut tx,
                by,
                "batch",
                "project",
                id,
                Some(&before),
                Some(batch),
            )
            .await?;
        }
        let after = refresh(&mut tx, id, ctx).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn list_batches(&self, id: i64) -> R<Vec<Batch>> {
        let sql = "select year, planned_investment from project_batches where project_id = $1 \
                   and valid_to is null order by year";
        let rows: Vec<(i32, i64)> = rows_for(&self.pool, sql, id).await?;
        Ok(rows
            .into_iter()
            .map(|(year, planned)| Batch {
                year,
                planned_investment: Money(planned),
            })
            .collect())
    }

    async fn upsert_progress(
        &self,
        id: i64,
        input: &ProgressInput,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> R<Progress> {
        let mut tx = begin_write(&self.pool).await?;
        let p = progress_in(&mut tx, id, input, ctx, by).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(p)
    }

    async fn list_progress(&self, id: i64) -> R<Vec<Progress>> {
        let sql = "select id, project_id, year, month, month_investment, ytd_investment, \
                   cumulative_investment, image_progress, milestone, problems, next_steps, \
                   username, valid_from from project_progress \
                   where project_id = $1 and valid_to is null order by ym desc";
        let rows: Vec<ProgressRow> = rows_for(&self.pool, sql, id).await?;
        Ok(rows.into_iter().map(progress_of).collect())
    }

    async fn list_events(&self, id: i64) -> R<Vec<ProjectEvent>> {
        let sql = "select id, kind, from_stage, to_stage, on_date, note, username, at \
                   from project_events where project_id = $1 order by id";
        let rows: Vec<EventRow> = rows_for(&self.pool, sql, id).await?;
        Ok(rows.into_iter().map(EventRow::into_event).collect())
    }

    async fn set_factor(
        &self,
        id: i64,
        f: &FactorInput,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> R<Factor> {
        let mut tx = begin_write(&self.pool).await?;
        load_existing(&mut tx, id).await?;
        let t = stamp(ctx);
        if put_factor(&mut tx, id, f, t).await? {
            touch(&mut tx, id, t).await?;
            let id = Some(id);
            write_audit(&mut tx, by, "factor", "project", id, None::<&()>, Some(f)).await?;
        }
        refresh(&mut tx, id, ctx).await?;
        let factor = sqlx::query_as::<Db, FactorRow>(concat!(
            "select ",
            factor_cols!(),
            " from project_factors where project_id = $1 and kind = $2"
        ))
        .bind(id)
        .bind(f.kind.code())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?
        .into_factor()
        .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(map_err)?;
        Ok(factor)
    }

    async fn list_factors(&self, id: i64) -> R<Vec<Factor>> {
        let sql = concat!(
            "select ",
            factor_cols!(),
            " from project_factors where project_id = $1 order by id"
        );
        let rows: Vec<FactorRow> = rows_for(&self.pool, sql, id).await?;
        Ok(rows
            .into_iter()
            .filter_map(FactorRow::into_factor)
            .collect())
    }

    async fn refresh_all_warnings(&self, ctx: &WarningContext) -> R<u64> {
        // A chunk per transaction, so that writers are not held off for long.
        let (mut after, mut n) = (0, 0);
        loop {
            let mut tx = begin_write(&self.pool).await?;
            let Some((last, count)) = refresh_next(&mut tx, after, ctx).await? else {
                return Ok(n);
            };
            tx.commit().await.map_err(map_err)?;
            (after, n) = (last, n + count);
        }
    }

    async fn warning_rules(&self) -> R<WarningRules> {
        let stored = read_setting(&self.pool, WARNING_RULES_KEY).await?;
        Ok(rules_of(stored))
    }

    async fn set_warning_rules(&self, ctx: &WarningContext, by: &AuditBy) -> R<u64> {
        let mut tx = begin_write(&self.pool).await?;
        let before = rules_of(read_setting(&mut *tx, WARNING_RULES_KEY).await?);
        let json =
            serde_json::to_string(&ctx.rules).map_err(|e| StoreError::Internal(e.to_string()))?;
        write_setting(&mut *tx, WARNING_RULES_KEY, &json).await?;
        let (before, after) = (Some(&before), Some(&ctx.rules));
        write_audit(&mut tx, by, "update", "warning_rules", None, before, after).await?;
        // The whole library in this transaction: no project is left judged by the old rules.
        let (mut next, mut n) = (0, 0);
        while let Some((last, count)) = refresh_next(&mut tx, next, ctx).await? {
            (next, n) = (last, n + count);
        }
        tx.commit().await.map_err(map_err)?;
        Ok(n)
    }

    async fn projects_as_at(
        &self,
        filter: &ProjectFilter,
        at: DateTime<Utc>,
        year: i32,
        at_ym: i32,
        page: Page,
    ) -> R<Vec<ProjectAsAt>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new("select * from (");
        as_at_select(&mut qb, filter, at, year, at_ym);
        qb.push(") x order by x.id limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let rows = qb.build().fetch_all(&self.pool).await.map_err(map_err)?;
        let items = rows
            .iter()
            .map(|r| ProjectAsAt {
                id: r.get("id"),
                code: r.get("code"),
                name: r.get("name"),
                owner_name: r.get("owner_name"),
                region_id: r.get("region_id"),
                industry_id: r.get("industry_id"),
                library_class: LibraryClass::parse(&r.get::<String, _>("library_class"))
                    .unwrap_or(LibraryClass::District),
                stage: Stage::parse(&r.get::<String, _>("stage")).unwrap_or(Stage::Planning),
                in_library: r.get("in_library"),
                total_investment: Money(r.get("total_investment")),
                year_plan: Money(r.try_get("year_plan").unwrap_or(0)),
                completed_investment: Money(r.try_get("completed_investment").unwrap_or(0)),
                year_completed: Money(r.try_get("year_completed").unwrap_or(0)),
            })
            .collect();
        Ok(items)
    }

    async fn sums_as_at(
        &self,
        filter: &ProjectFilter,
        at: DateTime<Utc>,
        year: i32,
        at_ym: i32,
    ) -> R<ProjectSums> {
        let mut sums = sqlx::QueryBuilder::<Db>::new(
            "select count(*) as n, cast(coalesce(sum(x.total_investment), 0) as bigint) as total, \
             cast(coalesce(sum(x.year_plan), 0) as bigint) as plan, \
             cast(coalesce(sum(x.completed_investment), 0) as bigint) as done, \
             cast(coalesce(sum(x.year_completed), 0) as bigint) as year_done, \
             0 as red, 0 as yellow, 0 as green, \
             coalesce(sum(case when x.stage = 'planning' then 1 else 0 end), 0) as s1, \
             coalesce(sum(case when x.stage = 'reserve' then 1 else 0 end), 0) as s2, \
             coalesce(sum(case when x.stage = 'started' then 1 else 0 end), 0) as s3, \
             coalesce(sum(case when x.stage = 'completed' then 1 else 0 end), 0) as s4 from (",
        );
        as_at_select(&mut sums, filter, at, year, at_ym);
        sums.push(") x");
        let row = sums.build().fetch_one(&self.pool).await.map_err(map_err)?;
        Ok(sums_from(&row))
    }

    async fn project_keys(&self) -> R<Vec<ProjectKey>> {
        let rows = sqlx::query("select id, version, code, name, owner_name from projects")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(rows
            .iter()
            .map(|r| ProjectKey {
                id: r.get("id"),
                version: r.get("version"),
                code: r.get("code"),
                name: r.get("name"),
                owner_name: r.get("owner_name"),
            })
            .collect())
    }

    async fn find_project_ids(&self, codes: &[&str], names: &[(&str, &str)]) -> R<Vec<i64>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        let mut ids: Vec<(i64,)> = in_chunks(
            &mut conn,
            "select id from projects where code in (",
            codes,
            |s, code| {
                s.push_bind(*code);
            },
        )
        .await?;
        let head = "select id from projects where (name, owner_name) in (values ";
        let by_name: Vec<(i64,)> = in_chunks(&mut conn, head, names, |s, (name, owner)| {
            s.push("(")
                .push_bind_unseparated(*name)
                .push_unseparated(", ")
                .push_bind_unseparated(*owner)
                .push_unseparated(")");
        })
        .await?;
        ids.extend(by_name);
        let mut ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    async fn import_projects(
        &self,
        ops: &[ImportOp],
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> R<(usize, usize)> {
        let mut tx = begin_write(&self.pool).await?;
        let (mut created, mut updated) = (0, 0);
        // New projects are created a chunk at a time, updates one by one.
        let news: Vec<&NewProject> = ops
            .iter()
            .filter_map(|op| match op {
                ImportOp::Create(new) => Some(new),
                ImportOp::Update { .. } => None,
            })
            .collect();
        for chunk in news.chunks(500) {
            created += create_many(&mut tx, chunk, ctx, by).await?.len();
        }
        for op in ops {
            match op {
                ImportOp::Create(_) => {}
                ImportOp::Update {
                    id,
                    version,
                    input,
                    stage,
                    batch,
                    factors,
                } => {
                    let at = Expected {
                        id: *id,
                        version: *version,
                    };
                    let mut p = at.check(load(&mut tx, *id).await?)?;
                    if &p.input() != input {
                        p = update_in(&mut tx, Expected::of(&p), input, ctx, by).await?;
                    }
                    if p.stage != *stage {
                        let ev = EventNote {
                            on_date: ctx.today,
                            note: "",
                        };
                        p = move_in(&mut tx, Expected::of(&p), *stage, ev, ctx, by).await?;
                    }
                    let t = stamp(ctx);
                    let mut touched = false;
                    if let Some(b) = batch {
                        touched |= put_batch(&mut tx, *id, b, t).await?;
                    }
                    for f in factors {
                        touched |= put_factor(&mut tx, *id, f, t).await?;
                    }
                    if touched {
                        touch(&mut tx, *id, t).await?;
                        let after = refresh(&mut tx, *id, ctx).await?;
                        write_audit(
                            &mut tx,
                            by,
                            "import",
                            "project",
                            Some(*id),
                            Some(&p),
                            Some(&after),
                        )
                        .await?;
                    }
                    updated += 1;
                }
            }
        }
        tx.commit().await.map_err(map_err)?;
        Ok((created, updated))
    }

    async fn import_progress(
        &self,
        ops: &[ProgressOp],
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> R<usize> {
        let mut tx = begin_write(&self.pool).await?;
        for op in ops {
            progress_in(&mut tx, op.project_id, &op.input, ctx, by).await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(ops.len())
    }

    async fn get_projects(&self, ids: &[i64]) -> R<Vec<Project>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        let rows: Vec<ProjectRow> = in_chunks(&mut conn, BY_IDS, ids, |s, id| {
            s.push_bind(*id);
        })
        .await?;
        Ok(rows.into_iter().map(ProjectRow::into_project).collect())
    }

    async fn factors_for(&self, ids: &[i64]) -> R<Vec<Factor>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        let head = concat!(
            "select ",
            factor_cols!(),
            " from project_factors where project_id in ("
        );
        let rows: Vec<FactorRow> = in_chunks(&mut conn, head, ids, |s, id| {
            s.push_bind(*id);
        })
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(FactorRow::into_factor)
            .collect())
    }

    async fn batches_for_year(&self, year: i32) -> R<Vec<(i64, Money)>> {
        let sql = "select project_id, planned_investment from project_batches \
                   where year = $1 and valid_to is null";
        let rows: Vec<(i64, i64)> = rows_for(&self.pool, sql, year).await?;
        Ok(rows.into_iter().map(|(id, p)| (id, Money(p))).collect())
    }

    async fn dispatch_cells(
        &self,
        filter: &ProjectFilter,
        at: DateTime<Utc>,
        year: i32,
        at_ym: i32,
    ) -> R<Vec<DispatchCell>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select x.industry_id, x.region_id, count(*) as n, \
             cast(coalesce(sum(x.total_investment), 0) as bigint) as total, \
             cast(coalesce(sum(x.year_plan), 0) as bigint) as plan, \
             cast(coalesce(sum(x.month_completed), 0) as bigint) as month_done, \
             cast(coalesce(sum(x.year_completed), 0) as bigint) as year_done from (",
        );
        as_at_select(&mut qb, filter, at, year, at_ym);
        qb.push(") x group by x.industry_id, x.region_id");
        let rows = qb.build().fetch_all(&self.pool).await.map_err(map_err)?;
        let mut cells: Vec<DispatchCell> = rows
            .iter()
            .map(|r| DispatchCell {
                industry_id: r.get("industry_id"),
                region_id: r.get("region_id"),
                projects: r.try_get::<i64, _>("n").unwrap_or(0),
                total_investment: Money(r.try_get("total").unwrap_or(0)),
                year_plan: Money(r.try_get("plan").unwrap_or(0)),
                month_completed: Money(r.try_get("month_done").unwrap_or(0)),
                year_completed: Money(r.try_get("year_done").unwrap_or(0)),
                ..Default::default()
            })
            .collect();
        // Starts and completions: the stage moves dated in the year up to the month's end.
        let month = (at_ym % 100) as u32;
        let first = NaiveDate::from_ymd_opt(year, month, 1)
            .ok_or_else(|| StoreError::Internal(format!("no month {at_ym}")))?;
        let year_first = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| StoreError::Internal(format!("no year {year}")))?;
        let last = first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .ok_or_else(|| StoreError::Internal(format!("no month {at_ym}")))?;
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select p.industry_id, p.region_id, \
             cast(count(distinct case when e.to_stage = 'started' and e.on_date >= ",
        );
        qb.push_bind(first)
            .push(
                " then e.project_id end) as bigint) as sm, \
                 cast(count(distinct case when e.to_stage = 'started' then e.project_id end) as bigint) as sy, \
                 cast(count(distinct case when e.to_stage = 'completed' and e.on_date >= ",
            )
            .push_bind(first)
            .push(
                " then e.project_id end) as bigint) as fm, \
                 cast(count(distinct case when e.to_stage = 'completed' then e.project_id end) as bigint) as fy \
                 from project_events e join projects p on p.id = e.project_id \
                 where e.kind = 'stage' and e.on_date >= ",
            )
            .push_bind(year_first)
            .push(" and e.on_date <= ")
            .push_bind(last);
        push_filter(&mut qb, filter, "p", false);
        qb.push(" group by p.industry_id, p.region_id");
        let rows = qb.build().fetch_all(&self.pool).await.map_err(map_err)?;
        for r in &rows {
            let (industry_id, region_id): (i64, i64) = (r.get("industry_id"), r.get("region_id"));
            let i = match cells
                .iter()
                .position(|c| c.industry_id == industry_id && c.region_id == region_id)
            {
                Some(i) => i,
                None => {
                    cells.push(DispatchCell {
                        industry_id,
                        region_id,
                        ..Default::default()
                    });
                    cells.len() - 1
                }
            };
            let c = &mut cells[i];
            c.started_month = r.try_get("sm").unwrap_or(0);
            c.started_ytd = r.try_get("sy").unwrap_or(0);
            c.finished_month = r.try_get("fm").unwrap_or(0);
            c.finished_ytd = r.try_get("fy").unwrap_or(0);
        }
        cells.sort_by_key(|c| (c.industry_id, c.region_id));
        Ok(cells)
    }

    async fn lagging_as_at(
        &self,
        filter: &ProjectFilter,
        at: DateTime<Utc>,
        year: i32,
        at_ym: i32,
        points: u32,
        limit: i64,
    ) -> R<(Vec<LaggingProject>, i64)> {
        // Behind the time progress m/12 by more than `points` percentage points, in
        // integers: 100·m/12 − 100·done/plan > points ⇔ 1200·done < plan·(100·m − 12·points).
        let month = i64::from(at_ym % 100);
        let factor = 100 * month - 12 * i64::from(points);
        if factor <= 0 {
            return Ok((vec![], 0));
        }
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select x.id, x.code, x.name, x.owner_name, x.region_id, x.industry_id, \
             x.year_plan, x.year_completed, q.warning_level, q.warning_reasons, \
             r.id as report_id, r.problems, count(*) over () as total from (",
        );
        as_at_select(&mut qb, filter, at, year, at_ym);
        qb.push(
            ") x join projects q on q.id = x.id left join project_progress r \
             on r.project_id = x.id and r.valid_to is null and r.ym = ",
        )
        .push_bind(at_ym)
        .push(" where x.stage = 'started' and x.in_library = ")
        .push_bind(true)
        .push(" and x.year_plan > 0 and x.year_completed * 1200 < x.year_plan * ")
        .push_bind(factor)
        .push(" order by x.year_plan * ")
        .push_bind(month)
        .push(" - x.year_completed * 12 desc, x.id limit ")
        .push_bind(limit);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(map_err)?;
        let total = rows
            .first()
            .map(|r| r.try_get::<i64, _>("total").unwrap_or(0))
            .unwrap_or(0);
        let items = rows
            .iter()
            .map(|r| LaggingProject {
                id: r.get("id"),
                code: r.get("code"),
                name: r.get("name"),
                owner_name: r.get("owner_name"),
                region_id: r.get("region_id"),
                industry_id: r.get("industry_id"),
                year_plan: Money(r.try_get("year_plan").unwrap_or(0)),
                year_completed: Money(r.try_get("year_completed").unwrap_or(0)),
                warning_level: Level::parse(&r.get::<String, _>("warning_level"))
                    .unwrap_or(Level::Green),
                warning_reasons: serde_json::from_str(&r.get::<String, _>("warning_reasons"))
                    .unwrap_or_default(),
                reported: r
                    .try_get::<Option<i64>, _>("report_id")
                    .ok()
                    .flatten()
                    .is_some(),
                reported_problems: r
                    .try_get::<Option<String>, _>("problems")
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            })
            .collect();
        Ok((items, total))
    }
}
