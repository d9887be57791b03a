//! Monthly dispatch: the deadline setting (one versioned row), periods opened once per month
//! (`on conflict do nothing` on the month) with their task forces, extensions and locks, the
//! reports (one row each, versioned) with their timeline (`dispatch_report_steps`), the
//! filings of a year and of a period (one indexed query each), and the dispatch reminders
//! (recorded in `reminders_sent` like the others, so sent once).

use super::common::{Tx, begin_write, map_err, now, write_audit};
use super::notify::{Audience, Notice, notify};
use super::problems::push_ids;
use super::versioned::{Expected, versioned_rows};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::Money;
use dongneng_domain::dispatch::{
    DispatchSettings, InvestmentFigures, OralRecord, PeriodState, ReportContent, ReportForm,
    ReportState, ReportStep, Section, TalentFigures, month_key,
};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::{DataScope, Permission};
use dongneng_domain::todo::NotificationKind;
use dongneng_store::{
    AuditBy, DispatchCandidate, DispatchReport, DispatchStore, FilingRow, Period, PeriodMember,
    Recipient, ReportFilter, ReportMove, ReportStepEntry, StoreError, StoredDispatchSettings,
};

type R<T> = Result<T, StoreError>;

macro_rules! period_cols {
    () => {
        "id, month_key, year, month, state, deadline, lock_reason, created_by, version, \
         created_at, updated_at"
    };
}
macro_rules! report_cols {
    () => {
        "r.id, r.period_id, p.year, p.month, r.industry_id, r.form, r.state, r.planning, \
         r.projects, r.policies, r.funds, r.talent, r.investment, r.talent_top, \
         r.talent_leading, r.talent_young, r.talent_other, r.talent_platforms, \
         r.investment_leads, r.investment_signed, r.investment_signed_amount, \
         r.investment_landed, r.investment_landed_amount, r.oral_on, r.oral_by, r.oral_to, \
         r.oral_summary, r.returned_sections, r.return_reason, r.returned_content, \
         r.system_figures, r.first_submitted_at, r.submitted_at, r.accepted_at, r.created_by, \
         r.version, r.created_at, r.updated_at \
         from dispatch_reports r join dispatch_periods p on p.id = r.period_id"
    };
}

versioned_rows!(Period, ReportRow, SettingsRow);

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    period_id: i64,
    year: i64,
    month: i64,
    industry_id: i64,
    form: String,
    state: String,
    planning: String,
    projects: String,
    policies: String,
    funds: String,
    talent: String,
    investment: String,
    talent_top: i64,
    talent_leading: i64,
    talent_young: i64,
    talent_other: i64,
    talent_platforms: i64,
    investment_leads: i64,
    investment_signed: i64,
    investment_signed_amount: i64,
    investment_landed: i64,
    investment_landed_amount: i64,
    oral_on: Option<NaiveDate>,
    oral_by: Option<String>,
    oral_to: Option<String>,
    oral_summary: Option<String>,
    returned_sections: String,
    return_reason: Option<String>,
    returned_content: Option<String>,
    system_figures: Option<String>,
    first_submitted_at: Option<DateTime<Utc>>,
    submitted_at: Option<DateTime<Utc>>,
    accepted_at: Option<DateTime<Utc>>,
    created_by: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn bad(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("stored {what}: {e}"))
}

impl ReportRow {
    fn report(self) -> R<DispatchReport> {
        let oral = self.oral_on.map(|reported_on| OralRecord {
            reported_on,
            reported_by: self.oral_by.clone().unwrap_or_default(),
            reported_to: self.oral_to.clone().unwrap_or_default(),
            summary: self.oral_summary.clone().unwrap_or_default(),
        });
        let content = ReportContent {
            planning: self.planning,
            projects: self.projects,
            policies: self.policies,
            funds: self.funds,
            talent: self.talent,
            investment: self.investment,
            talent_figures: TalentFigures {
                top: self.talent_top,
                leading: self.talent_leading,
                young: self.talent_young,
                other: self.talent_other,
                platforms: self.talent_platforms,
            },
            investment_figures: InvestmentFigures {
                leads: self.investment_leads,
                signed: self.investment_signed,
                signed_amount: Money(self.investment_signed_amount),
                landed: self.investment_landed,
                landed_amount: Money(self.investment_landed_amount),
            },
            oral,
        };
        Ok(DispatchReport {
            id: self.id,
            period_id: self.period_id,
            year: self.year,
            month: self.month,
            industry_id: self.industry_id,
            form: ReportForm::try_from(self.form).map_err(|e| bad("form", e))?,
            state: ReportState::try_from(self.state).map_err(|e| bad("state", e))?,
            content,
            returned_sections: serde_json::from_str(&self.returned_sections)
                .map_err(|e| bad("sections", e))?,
            return_reason: self.return_reason,
            returned_content: match self.returned_content {
                Some(c) => Some(serde_json::from_str(&c).map_err(|e| bad("content", e))?),
                None => None,
            },
            system_figures: match self.system_figures {
                Some(c) => Some(serde_json::from_str(&c).map_err(|e| bad("figures", e))?),
                None => None,
            },
            first_submitted_at: self.first_submitted_at,
            submitted_at: self.submitted_at,
            accepted_at: self.accepted_at,
            created_by: self.created_by,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct StepRow {
    id: i64,
    report_id: i64,
    step: String,
    note: String,
    sections: String,
    username: String,
    at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    id: i64,
    deadline_day: i64,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl SettingsRow {
    fn stored(&self) -> StoredDispatchSettings {
        StoredDispatchSettings {
            settings: DispatchSettings {
                deadline_day: u32::try_from(self.deadline_day).unwrap_or(5),
            },
            version: self.version,
            updated_at: self.updated_at,
        }
    }
}

const SETTINGS_SQL: &str =
    "select id, deadline_day, version, updated_at from dispatch_settings where id = 1";

async fn read_period(conn: &mut super::common::Conn, id: i64) -> R<Option<Period>> {
    sqlx::query_as::<Db, Period>(concat!(
        "select ",
        period_cols!(),
        " from dispatch_periods where id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_err)
}

async fn read_report(conn: &mut super::common::Conn, id: i64) -> R<Option<DispatchReport>> {
    let row =
        sqlx::query_as::<Db, ReportRow>(concat!("select ", report_cols!(), " where r.id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(map_err)?;
    row.map(ReportRow::report).transpose()
}

/// Checks the report at the version read (404, 409) inside the transaction.
async fn check_report(tx: &mut Tx, id: i64, version: i64) -> R<DispatchReport> {
    let found =
        sqlx::query_as::<Db, ReportRow>(concat!("select ", report_cols!(), " where r.id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(map_err)?;
    Expected { id, version }.check(found)?.report()
}

fn sections_json(sections: &[Section]) -> String {
    serde_json::to_string(sections).unwrap_or_else(|_| "[]".into())
}

/// Appends a step to the report's timeline.
async fn add_step(
    tx: &mut Tx,
    report: i64,
    step: ReportStep,
    note: &str,
    sections: &[Section],
    by: &AuditBy,
    at: DateTime<Utc>,
) -> R<()> {
    sqlx::query(
        "insert into dispatch_report_steps (report_id, step, note, sections, username, at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(report)
    .bind(step.code())
    .bind(note)
    .bind(sections_json(sections))
    .bind(&by.username)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// Checks the period at the version read and moves it, with the audit row of `action`.
async fn touch_period<P: serde::Serialize>(
    tx: &mut Tx,
    id: i64,
    version: i64,
    sql: &'static str,
    bind: impl FnOnce(super::versioned::Statement) -> super::versioned::Statement,
    (action, part): (&str, &P),
    by: &AuditBy,
) -> R<Period> {
    let at = Expected { id, version };
    let before = at.check(read_period(tx, id).await?)?;
    at.write(tx, sql, bind).await?;
    let after = read_period(tx, id).await?.ok_or(StoreError::NotFound)?;
    #[derive(serde::Serialize)]
    struct Change<'a, P> {
        before: &'a Period,
        change: &'a P,
    }
    let change = Change {
        before: &before,
        change: part,
    };
    write_audit(
        tx,
        by,
        action,
        "dispatch_period",
        Some(id),
        Some(&change),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Appends the report filter (aliases `r`, `p`) to a query that has a `where`.
fn push_filter(qb: &mut sqlx::QueryBuilder<Db>, f: &ReportFilter) {
    push_industry_scope(qb, "r", &f.scope);
    if let Some(id) = f.period_id {
        qb.push(" and r.period_id = ").push_bind(id);
    }
    if let Some(id) = f.industry_id {
        qb.push(" and r.industry_id = ").push_bind(id);
    }
    if let Some(s) = f.state {
        qb.push(" and r.state = ").push_bind(s.code());
    }
    if let Some(y) = f.year {
        qb.push(" and p.year = ").push_bind(i64::from(y));
    }
}

/// Reports reach a scope by their industry; a scope of regions or departments alone reaches
/// none.
pub(crate) fn push_industry_scope(qb: &mut sqlx::QueryBuilder<Db>, alias: &str, scope: &DataScope) {
    if scope.all {
        return;
    }
    if scope.industries.is_empty() {
        qb.push(" and 1 = 0");
        return;
    }
    qb.push(format!(" and {alias}.industry_id in ("));
    push_ids(qb, &scope.industries);
}

const FILING_COLS: &str = "select m.period_id, p.year, p.month, p.state as period_state, \
     m.industry_id, m.deadline, m.extension_reason, r.id as report_id, r.state, \
     r.first_submitted_at from dispatch_period_industries m \
     join dispatch_periods p on p.id = m.period_id \
     left join dispatch_reports r on r.period_id = m.period_id and r.industry_id = m.industry_id \
     where 1 = 1";

#[async_trait]
impl DispatchStore for BackendStore {
    async fn dispatch_settings(&self) -> R<StoredDispatchSettings> {
        let row = sqlx::query_as::<Db, SettingsRow>(SETTINGS_SQL)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(row.stored())
    }

    async fn set_dispatch_settings(
        &self,
        version: i64,
        s: &DispatchSettings,
        by: &AuditBy,
    ) -> R<StoredDispatchSettings> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id: 1, version };
        let before = at.check(
            sqlx::query_as::<Db, SettingsRow>(SETTINGS_SQL)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?,
        )?;
        let after: SettingsRow = at
            .write_returning(
                &mut tx,
                "update dispatch_settings set deadline_day = $3, version = version + 1, \
                 updated_at = $4 where id = $1 and version = $2 \
                 returning id, deadline_day, version, updated_at",
                |q| q.bind(i64::from(s.deadline_day)).bind(now()),
            )
            .await?;
        let (b, a) = (before.stored(), after.stored());
        write_audit(
            &mut tx,
            by,
            "update",
            "dispatch_settings",
            Some(1),
            Some(&b),
            Some(&a),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(a)
    }

    async fn open_period(
        &self,
        year: i32,
        month: u32,
        deadline: NaiveDate,
        by: &AuditBy,
    ) -> R<(Period, bool)> {
        let t = now();
        let key = month_key(year, month);
        let mut tx = begin_write(&self.pool).await?;
        let created: Option<i64> = sqlx::query_scalar::<Db, i64>(
            "insert into dispatch_periods (month_key, year, month, state, deadline, created_by, \
             version, created_at, updated_at) values ($1, $2, $3, 'open', $4, $5, 1, $6, $6) \
             on conflict (month_key) do nothing returning id",
        )
        .bind(key)
        .bind(i64::from(year))
        .bind(i64::from(month))
        .bind(deadline)
        .bind(&by.username)
        .bind(t)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let period = sqlx::query_as::<Db, Period>(concat!(
            "select ",
            period_cols!(),
            " from dispatch_periods where month_key = $1"
        ))
        .bind(key)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        // The task forces of today: the active industries with a coordination structure.
        let added = sqlx::query(
            "insert into dispatch_period_industries (period_id, industry_id, deadline) \
             select $1, i.id, $2 from industries i where i.active = $3 and exists \
             (select 1 from industry_structures s where s.industry_id = i.id) \
             on conflict (period_id, industry_id) do nothing",
        )
        .bind(period.id)
        .bind(period.deadline)
        .bind(true)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if created.is_some() {
            write_audit(
                &mut tx,
                by,
                "open",
                "dispatch_period",
                Some(period.id),
                None::<&()>,
                Some(&period),
            )
            .await?;
        } else if added > 0 {
            write_audit(
                &mut tx,
                by,
                "add_task_forces",
                "dispatch_period",
                Some(period.id),
                None::<&()>,
                Some(&added),
            )
            .await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok((period, created.is_some()))
    }

    async fn period_page(&self, year: Option<i32>, page: Page) -> R<Vec<Period>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(concat!(
            "select ",
            period_cols!(),
            " from dispatch_periods where 1 = 1"
        ));
        if let Some(y) = year {
            qb.push(" and year = ").push_bind(i64::from(y));
        }
        qb.push(" order by month_key desc limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        qb.build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn period_count(&self, year: Option<i32>) -> R<i64> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select cast(count(*) as bigint) from dispatch_periods where 1 = 1",
        );
        if let Some(y) = year {
            qb.push(" and year = ").push_bind(i64::from(y));
        }
        qb.build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn get_period(&self, id: i64) -> R<Option<Period>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        read_period(&mut conn, id).await
    }

    async fn period_of_month(&self, year: i32, month: u32) -> R<Option<Period>> {
        sqlx::query_as::<Db, Period>(concat!(
            "select ",
            period_cols!(),
            " from dispatch_periods where month_key = $1"
        ))
        .bind(month_key(year, month))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn period_members(&self, period_id: i64) -> R<Vec<PeriodMember>> {
        sqlx::query_as::<Db, PeriodMember>(
            "select period_id, industry_id, deadline, extension_reason, extended_by, \
             extended_at from dispatch_period_industries where period_id = $1 \
             order by industry_id",
        )
        .bind(period_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn extend_deadline(
        &self,
        period_id: i64,
        version: i64,
        industry_id: i64,
        deadline: NaiveDate,
        reason: &str,
        by: &AuditBy,
    ) -> R<Period> {
        let t = now();
        let mut tx = begin_write(&self.pool).await?;
        let moved = sqlx::query(
            "update dispatch_period_industries set deadline = $3, extension_reason = $4, \
             extended_by = $5, extended_at = $6 where period_id = $1 and industry_id = $2",
        )
        .bind(period_id)
        .bind(industry_id)
        .bind(deadline)
        .bind(reason)
        .bind(&by.username)
        .bind(t)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if moved == 0 {
            // Not a task force of this period (or no such period: the check below says 404).
            if read_period(&mut tx, period_id).await?.is_none() {
                return Err(StoreError::NotFound);
            }
            return Err(StoreError::BadReference {
                field: "industry_id".into(),
            });
        }
        #[derive(serde::Serialize)]
        struct Extension<'a> {
            industry_id: i64,
            deadline: NaiveDate,
            reason: &'a str,
        }
        let part = Extension {
            industry_id,
            deadline,
            reason,
        };
        let after = touch_period(
            &mut tx,
            period_id,
            version,
            "update dispatch_periods set version = version + 1, updated_at = $3 \
             where id = $1 and version = $2",
            |q| q.bind(t),
            ("extend", &part),
            by,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn set_period_state(
        &self,
        period_id: i64,
        version: i64,
        state: PeriodState,
        reason: Option<&str>,
        by: &AuditBy,
    ) -> R<Period> {
        let t = now();
        let mut tx = begin_write(&self.pool).await?;
        let reason = reason.map(str::to_string);
        let action = match state {
            PeriodState::Locked => "lock",
            PeriodState::Open => "reopen",
        };
        let after = touch_period(
            &mut tx,
            period_id,
            version,
            "update dispatch_periods set state = $3, lock_reason = $4, version = version + 1, \
             updated_at = $5 where id = $1 and version = $2",
            |q| q.bind(state.code()).bind(reason.clone()).bind(t),
            (action, &reason),
            by,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn report_page(&self, filter: &ReportFilter, page: Page) -> R<Vec<DispatchReport>> {
        let mut qb =
            sqlx::QueryBuilder::<Db>::new(concat!("select ", report_cols!(), " where 1 = 1"));
        push_filter(&mut qb, filter);
        qb.push(" order by p.month_key desc, r.industry_id, r.id limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let rows: Vec<ReportRow> = qb
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.into_iter().map(ReportRow::report).collect()
    }

    async fn report_count(&self, filter: &ReportFilter) -> R<i64> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select cast(count(*) as bigint) from dispatch_reports r \
             join dispatch_periods p on p.id = r.period_id where 1 = 1",
        );
        push_filter(&mut qb, filter);
        qb.build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn get_report(&self, id: i64) -> R<Option<DispatchReport>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        read_report(&mut conn, id).await
    }

    async fn report_steps(&self, id: i64) -> R<Vec<ReportStepEntry>> {
        let rows = sqlx::query_as::<Db, StepRow>(
            "select id, report_id, step, note, sections, username, at \
             from dispatch_report_steps where report_id = $1 order by id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.into_iter()
            .map(|r| {
                Ok(ReportStepEntry {
                    id: r.id,
                    report_id: r.report_id,
                    step: ReportStep::try_from(r.step).map_err(|e| bad("step", e))?,
                    note: r.note,
                    sections: serde_json::from_str(&r.sections).map_err(|e| bad("sections", e))?,
                    username: r.username,
                    at: r.at,
                })
            })
            .collect()
    }

    async fn create_report(
        &self,
        period_id: i64,
        industry_id: i64,
        form: ReportForm,
        by: &AuditBy,
    ) -> R<DispatchReport> {
        let t = now();
        let mut tx = begin_write(&self.pool).await?;
        let id: i64 = sqlx::query_scalar::<Db, i64>(
            "insert into dispatch_reports (period_id, industry_id, form, state, created_by, \
             version, created_at, updated_at) values ($1, $2, $3, 'draft', $4, 1, $5, $5) \
             returning id",
        )
        .bind(period_id)
        .bind(industry_id)
        .bind(form.code())
        .bind(&by.username)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        add_step(&mut tx, id, ReportStep::Created, "", &[], by, t).await?;
        let report = read_report(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "dispatch_report",
            Some(id),
            None::<&()>,
            Some(&report),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(report)
    }

    async fn update_report(
        &self,
        id: i64,
        version: i64,
        c: &ReportContent,
        sections: &[Section],
        by: &AuditBy,
    ) -> R<DispatchReport> {
        let t = now();
        let mut tx = begin_write(&self.pool).await?;
        let before = check_report(&mut tx, id, version).await?;
        let (tf, inv) = (&c.talent_figures, &c.investment_figures);
        let oral = c.oral.clone();
        Expected { id, version }
            .write(
                &mut tx,
                "update dispatch_reports set planning = $3, projects = $4, policies = $5, \
                 funds = $6, talent = $7, investment = $8, talent_top = $9, \
                 talent_leading = $10, talent_young = $11, talent_other = $12, \
                 talent_platforms = $13, investment_leads = $14, investment_signed = $15, \
                 investment_signed_amount = $16, investment_landed = $17, \
                 investment_landed_amount = $18, oral_on = $19, oral_by = $20, oral_to = $21, \
                 oral_summary = $22, version = version + 1, updated_at = $23 \
                 where id = $1 and version = $2",
                |q| {
                    q.bind(c.planning.clone())
                        .bind(c.projects.clone())
                        .bind(c.policies.clone())
                        .bind(c.funds.clone())
                        .bind(c.talent.clone())
                        .bind(c.investment.clone())
                        .bind(tf.top)
                        .bind(tf.leading)
                        .bind(tf.young)
                        .bind(tf.other)
                        .bind(tf.platforms)
                        .bind(inv.leads)
                        .bind(inv.signed)
                        .bind(inv.signed_amount.fen())
                        .bind(inv.landed)
                        .bind(inv.landed_amount.fen())
                        .bind(oral.as_ref().map(|o| o.reported_on))
                        .bind(oral.as_ref().map(|o| o.reported_by.clone()))
                        .bind(oral.as_ref().map(|o| o.reported_to.clone()))
                        .bind(oral.as_ref().map(|o| o.summary.clone()))
                        .bind(t)
                },
            )
            .await?;
        add_step(&mut tx, id, ReportStep::Edited, "", sections, by, t).await?;
        let after = read_report(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            "update",
            "dispatch_report",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn date_report_steps(&self, id: i64, times: &[DateTime<Utc>]) -> R<()> {
        let Some(last) = times.last() else {
            return Ok(());
        };
        let mut tx = begin_write(&self.pool).await?;
        let steps: Vec<i64> = sqlx::query_scalar::<Db, i64>(
            "select id from dispatch_report_steps where report_id = $1 order by id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        for (i, step) in steps.iter().enumerate() {
            sqlx::query::<Db>("update dispatch_report_steps set at = $2 where id = $1")
                .bind(step)
                .bind(times.get(i).unwrap_or(last))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        sqlx::query::<Db>(
            "update dispatch_reports set \
             created_at = coalesce((select min(at) from dispatch_report_steps s \
                where s.report_id = $1), created_at), \
             first_submitted_at = (select min(at) from dispatch_report_steps s \
                where s.report_id = $1 and s.step = 'submitted'), \
             submitted_at = (select max(at) from dispatch_report_steps s \
                where s.report_id = $1 and s.step in ('submitted', 'resubmitted')), \
             accepted_at = (select max(at) from dispatch_report_steps s \
                where s.report_id = $1 and s.step = 'accepted'), \
             updated_at = coalesce((select max(at) from dispatch_report_steps s \
                where s.report_id = $1), updated_at) \
             where id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    async fn move_report(
        &self,
        id: i64,
        version: i64,
        m: &ReportMove,
        by: &AuditBy,
    ) -> R<DispatchReport> {
        let t = now();
        let mut tx = begin_write(&self.pool).await?;
        let before = check_report(&mut tx, id, version).await?;
        let at = Expected { id, version };
        match m.step {
            ReportStep::Submitted | ReportStep::Resubmitted => {
                let figures = m
                    .system_figures
                    .as_ref()
                    .map(|v| serde_json::to_string(v).unwrap_or_default());
                at.write(
                    &mut tx,
                    "update dispatch_reports set state = $3, system_figures = $4, \
                     submitted_at = $5, first_submitted_at = coalesce(first_submitted_at, $5), \
                     version = version + 1, updated_at = $5 where id = $1 and version = $2",
                    |q| q.bind(m.to.code()).bind(figures).bind(t),
                )
                .await?
            }
            ReportStep::Returned => {
                let kept = serde_json::to_string(&before.content).unwrap_or_default();
                at.write(
                    &mut tx,
                    "update dispatch_reports set state = $3, returned_sections = $4, \
                     return_reason = $5, returned_content = $6, version = version + 1, \
                     updated_at = $7 where id = $1 and version = $2",
                    |q| {
                        q.bind(m.to.code())
                            .bind(sections_json(&m.sections))
                            .bind(m.reason.clone())
                            .bind(kept)
                            .bind(t)
                    },
                )
                .await?
            }
            _ => {
                at.write(
                    &mut tx,
                    "update dispatch_reports set state = $3, accepted_at = $4, \
                     version = version + 1, updated_at = $4 where id = $1 and version = $2",
                    |q| q.bind(m.to.code()).bind(t),
                )
                .await?
            }
        }
        let note = m.reason.clone().unwrap_or_default();
        add_step(&mut tx, id, m.step, &note, &m.sections, by, t).await?;
        let after = read_report(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if let Some(kind) = m.notice {
            let permission = match kind {
                NotificationKind::DispatchSubmitted => Permission::ReviewDispatch,
                _ => Permission::FileDispatch,
            };
            let notice = Notice {
                kind,
                record_type: "dispatch_report",
                record_id: id,
                title: m.title.clone(),
                body: &note,
                link: format!("/dispatch/reports/{id}"),
            };
            let audience = [Audience::Holders {
                permission,
                region_id: None,
                industry_id: Some(after.industry_id),
            }];
            notify(&mut tx, &notice, &audience, by, t).await?;
        }
        write_audit(
            &mut tx,
            by,
            m.step.code(),
            "dispatch_report",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn filings(&self, year: i32, scope: &DataScope) -> R<Vec<FilingRow>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(FILING_COLS);
        qb.push(" and p.year = ").push_bind(i64::from(year));
        push_industry_scope(&mut qb, "m", scope);
        qb.push(" order by m.industry_id, p.month_key");
        qb.build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn period_filings(&self, period_id: i64, scope: &DataScope) -> R<Vec<FilingRow>> {
        let mut qb = sqlx::QueryBuilder::<Db>::new(FILING_COLS);
        qb.push(" and m.period_id = ").push_bind(period_id);
        push_industry_scope(&mut qb, "m", scope);
        qb.push(" order by m.industry_id");
        qb.build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn dispatch_candidates(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> R<Vec<DispatchCandidate>> {
        sqlx::query_as::<Db, DispatchCandidate>(
            "select m.period_id, p.year, p.month, m.industry_id, i.name_zh as industry_name, \
             m.deadline from dispatch_period_industries m \
             join dispatch_periods p on p.id = m.period_id \
             join industries i on i.id = m.industry_id \
             left join dispatch_reports r on r.period_id = m.period_id \
             and r.industry_id = m.industry_id \
             where p.state = 'open' and m.deadline >= $1 and m.deadline <= $2 \
             and (r.id is null or r.state = 'draft') order by m.deadline, m.period_id, \
             m.industry_id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn send_dispatch_reminder(
        &self,
        key: &str,
        kind: NotificationKind,
        c: &DispatchCandidate,
        to_leader: bool,
        by: &AuditBy,
    ) -> R<Option<Vec<Recipient>>> {
        let t = now();
        let mut tx = begin_write(&self.pool).await?;
        let taken = sqlx::query(
            "insert into reminders_sent (key, sent_at) values ($1, $2) \
             on conflict (key) do nothing",
        )
        .bind(key)
        .bind(t)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if taken == 0 {
            return Ok(None);
        }
        // The task force files; at the escalation, the industry's leaders are told.
        let permission = if to_leader {
            Permission::InstructProblems
        } else {
            Permission::FileDispatch
        };
        let notice = Notice {
            kind,
            record_type: "dispatch_period",
            record_id: c.period_id,
            title: format!("{} {}年{}月 月度调度报告", c.industry_name, c.year, c.month),
            body: "",
            link: format!("/dispatch/periods/{}", c.period_id),
        };
        let audience = [Audience::Holders {
            permission,
            region_id: None,
            industry_id: Some(c.industry_id),
        }];
        let told = notify(&mut tx, &notice, &audience, by, t).await?;
        write_audit(
            &mut tx,
            by,
            "remind",
            "dispatch_period",
            Some(c.period_id),
            None::<&()>,
            Some(&key),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(Some(told))
    }
}
