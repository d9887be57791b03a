//! Policies and funds: the lists (within scope: the record's industries, or for a department
//! a policy it issued), totals per industry, district, month and fund, one record with its
//! parts; the writes, each naming the record's version and moving it, with its audit row; the
//! month's figures and items for the monthly report and the digest.

use super::common::{Conn, Tx, begin_write, map_err, now, replace_links, write_audit};
use super::projects::{like_escape, push_region_subtree};
use super::versioned::{Expected, Record, read, versioned_rows};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::NaiveDate;
use dongneng_domain::money::Money;
use dongneng_domain::paging::Page;
use dongneng_domain::policies::{
    self, BeneficiaryInput, FundInput, InvestmentInput, PaymentInput, PolicyInput, SourceInput,
};
use dongneng_store::{
    AuditBy, Beneficiary, Fund, FundFilter, FundTotals, Investment, MonthInvestment, MonthPayment,
    Payment, Policy, PolicyFilter, PolicyFundMonth, PolicyFundMonthItems, PolicyStore,
    PolicyTotals, ResolvedTarget, Source, StoreError, TotalLine,
};

type R<T> = Result<T, StoreError>;
type Qb = sqlx::QueryBuilder<Db>;

macro_rules! policy_cols {
    () => {
        "id, title, doc_number, issued_on, valid_from, valid_to, measures, summary, created_by, \
         version, created_at, updated_at"
    };
}
macro_rules! fund_cols {
    () => {
        "id, name, kind, parent_fund_id, size, manager, established_on, provincial_applied, \
         provincial_won, invested, note, created_by, version, created_at, updated_at"
    };
}
macro_rules! beneficiary_select {
    () => {
        "select b.id, b.policy_id, b.kind, b.project_id, \
     coalesce(b.enterprise_name, pr.name, '') as name, b.enterprise_name, b.credit_code, \
     b.region_id, b.committed, b.paid, b.note, b.created_at from policy_beneficiaries b \
     left join projects pr on pr.id = b.project_id"
    };
}
macro_rules! payment_cols {
    () => {
        "id, policy_id, beneficiary_id, paid_on, amount, adjustment, reason, \
                            created_by, created_at"
    };
}
macro_rules! source_cols {
    () => {
        "id, fund_id, source, region_id, amount, note, created_at"
    };
}
macro_rules! investment_select {
    () => {
        "select i.id, i.fund_id, i.kind, i.project_id, \
     coalesce(i.enterprise_name, pr.name, '') as name, i.enterprise_name, i.credit_code, \
     i.region_id, i.industry_id, i.invested_on, i.amount, i.stake_bp, i.note, i.created_by, \
     i.created_at from fund_investments i left join projects pr on pr.id = i.project_id"
    };
}

versioned_rows!(Policy, Fund);

#[derive(sqlx::FromRow)]
struct Sums {
    a: i64,
    b: i64,
    n: i64,
}

impl Record for Policy {
    const RECORD_TYPE: &'static str = "policy";
    const SELECT: &'static str = concat!("select ", policy_cols!(), " from policies where id = $1");

    async fn read_beside(&mut self, conn: &mut Conn) -> R<()> {
        self.department_ids = ids_of(
            conn,
            "select department_id from policy_departments where policy_id = $1 \
             order by department_id",
            self.id,
        )
        .await?;
        self.industry_ids = ids_of(
            conn,
            "select industry_id from policy_industries where policy_id = $1 order by industry_id",
            self.id,
        )
        .await?;
        let s = sqlx::query_as::<Db, Sums>(
            "select cast(coalesce(sum(committed), 0) as bigint) as a, \
             cast(coalesce(sum(paid), 0) as bigint) as b, cast(count(*) as bigint) as n \
             from policy_beneficiaries where policy_id = $1",
        )
        .bind(self.id)
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
        (self.committed, self.paid, self.beneficiaries) = (s.a, s.b, s.n);
        Ok(())
    }
}

impl Record for Fund {
    const RECORD_TYPE: &'static str = "fund";
    const SELECT: &'static str = concat!("select ", fund_cols!(), " from funds where id = $1");

    async fn read_beside(&mut self, conn: &mut Conn) -> R<()> {
        self.industry_ids = ids_of(
            conn,
            "select industry_id from fund_industries where fund_id = $1 order by industry_id",
            self.id,
        )
        .await?;
        let s = sqlx::query_as::<Db, Sums>(
            "select cast(coalesce((select sum(amount) from fund_sources where fund_id = $1), 0) \
             as bigint) as a, cast(0 as bigint) as b, cast((select count(*) from \
             fund_investments where fund_id = $1) as bigint) as n",
        )
        .bind(self.id)
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
        (self.sourced, self.investments) = (s.a, s.n);
        Ok(())
    }
}

async fn ids_of(conn: &mut Conn, sql: &'static str, id: i64) -> R<Vec<i64>> {
    sqlx::query_scalar::<Db, i64>(sql)
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_err)
}

/// A change to a policy's or a fund's parts at the `version` its writer read: checks it (404,
/// 409) and moves it, writing the audit row of `action` with the part.
async fn touch<T: Record, P: serde::Serialize>(
    tx: &mut Tx,
    id: i64,
    version: i64,
    action: &str,
    part: &P,
    by: &AuditBy,
) -> R<T> {
    let at = Expected { id, version };
    let record: T = at.check(read(tx, id, &[]).await?)?;
    let sql = match T::RECORD_TYPE {
        "policy" => {
            "update policies set version = version + 1, updated_at = $3 \
             where id = $1 and version = $2"
        }
        _ => {
            "update funds set version = version + 1, updated_at = $3 \
             where id = $1 and version = $2"
        }
    };
    at.write(tx, sql, |q| q.bind(now())).await?;
    write_audit(
        tx,
        by,
        action,
        T::RECORD_TYPE,
        Some(id),
        None::<&()>,
        Some(part),
    )
    .await?;
    Ok(record)
}

fn ids(qb: &mut Qb, list: &[i64]) {
    let mut sep = qb.separated(", ");
    for i in list {
        sep.push_bind(*i);
    }
}

/// The first and last day of a month, and the keys of January and the month.
fn month_bounds(year: i32, month: u32) -> R<(NaiveDate, NaiveDate, i64, i64)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(StoreError::NotFound)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .ok_or(StoreError::NotFound)?;
    let last = next.pred_opt().ok_or(StoreError::NotFound)?;
    let key = policies::month_key(first);
    Ok((first, last, i64::from(year) * 100 + 1, key))
}

/// Appends the policy filter (alias `p`) to a query that has a `where`.
fn push_policy_filter(qb: &mut Qb, f: &PolicyFilter) {
    let s = &f.scope;
    if !s.all {
        qb.push(" and (1 = 0");
        if !s.industries.is_empty() {
            qb.push(" or p.id in (select policy_id from policy_industries where industry_id in (");
            ids(qb, &s.industries);
            qb.push("))");
        }
        if !s.departments.is_empty() {
            qb.push(
                " or p.id in (select policy_id from policy_departments where department_id in (",
            );
            ids(qb, &s.departments);
            qb.push("))");
        }
        if !s.regions.is_empty() {
            qb.push(" or p.id in (select b.policy_id from policy_beneficiaries b where ");
            push_region_subtree(qb, "b", &s.regions);
            qb.push(")");
        }
        qb.push(")");
    }
    if let Some(i) = f.industry_id {
        qb.push(" and p.id in (select policy_id from policy_industries where industry_id = ")
            .push_bind(i)
            .push(")");
    }
    if let Some(d) = f.department_id {
        qb.push(" and p.id in (select policy_id from policy_departments where department_id = ")
            .push_bind(d)
            .push(")");
    }
    if let Some(r) = f.region_id {
        qb.push(" and p.id in (select b.policy_id from policy_beneficiaries b where ");
        push_region_subtree(qb, "b", &[r]);
        qb.push(")");
    }
    if let Some(y) = f.year {
        let (from, to) = match f.month.and_then(|m| month_bounds(y, m).ok()) {
            Some((a, b, _, _)) => (a, b),
            None => (
                NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
                NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
            ),
        };
        qb.push(" and p.issued_on between ")
            .push_bind(from)
            .push(" and ")
            .push_bind(to);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pat = format!("%{}%", like_escape(q));
        qb.push(" and (p.title like ")
            .push_bind(pat.clone())
            .push(" escape '\\' or p.doc_number like ")
            .push_bind(pat)
            .push(" escape '\\')");
    }
}

/// Appends the fund filter (alias `f`) to a query that has a `where`.
fn push_fund_filter(qb: &mut Qb, f: &FundFilter) {
    let s = &f.scope;
    if !s.all {
        qb.push(" and (1 = 0");
        if !s.industries.is_empty() {
            qb.push(" or f.id in (select fund_id from fund_industries where industry_id in (");
            ids(qb, &s.industries);
            qb.push(")) or f.id in (select fund_id from fund_investments where industry_id in (");
            ids(qb, &s.industries);
            qb.push("))");
        }
        if !s.regions.is_empty() {
            qb.push(" or f.id in (select i.fund_id from fund_investments i where ");
            push_region_subtree(qb, "i", &s.regions);
            qb.push(")");
        }
        qb.push(")");
    }
    if let Some(k) = f.kind {
        qb.push(" and f.kind = ").push_bind(k.code());
    }
    if let Some(i) = f.industry_id {
        qb.push(" and (f.id in (select fund_id from fund_industries where industry_id = ")
            .push_bind(i)
            .push(") or f.id in (select fund_id from fund_investments where industry_id = ")
            .push_bind(i)
            .push("))");
    }
    if let Some(r) = f.region_id {
        qb.push(" and f.id in (select i.fund_id from fund_investments i where ");
        push_region_subtree(qb, "i", &[r]);
        qb.push(")");
    }
    if let Some(y) = f.year {
        let (lo, hi) = match f.month {
            Some(m) => (
                i64::from(y) * 100 + i64::from(m),
                i64::from(y) * 100 + i64::from(m),
            ),
            None => (i64::from(y) * 100 + 1, i64::from(y) * 100 + 12),
        };
        qb.push(" and f.id in (select fund_id from fund_investments where month_key between ")
            .push_bind(lo)
            .push(" and ")
            .push_bind(hi)
            .push(")");
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        qb.push(" and (f.name like ")
            .push_bind(format!("%{}%", like_escape(q)))
            .push(" escape '\\' or f.manager like ")
            .push_bind(format!("%{}%", like_escape(q)))
            .push(" escape '\\')");
    }
}

async fn lines(pool: &sqlx::Pool<Db>, mut qb: Qb) -> R<Vec<TotalLine>> {
    qb.build_query_as::<TotalLine>()
        .fetch_all(pool)
        .await
        .map_err(map_err)
}

/// Reads the records of `ids` in that order.
async fn read_all<T: Record>(pool: &sqlx::Pool<Db>, list: Vec<i64>) -> R<Vec<T>> {
    let mut conn = pool.acquire().await.map_err(map_err)?;
    let mut out = Vec::with_capacity(list.len());
    for id in list {
        if let Some(r) = read::<T>(&mut conn, id, &[]).await? {
            out.push(r);
        }
    }
    Ok(out)
}

async fn id_list(pool: &sqlx::Pool<Db>, mut qb: Qb) -> R<Vec<i64>> {
    qb.build_query_scalar()
        .fetch_all(pool)
        .await
        .map_err(map_err)
}

/// A figure row of the month query: a key with two counts and two amounts.
#[derive(sqlx::FromRow, Default, Clone)]
struct Fig {
    key: Option<i64>,
    n1: i64,
    a1: i64,
    n2: i64,
    a2: i64,
}

/// Runs a figures query grouped by industry (`key` column) or, for the city, as one row.
async fn figs(pool: &sqlx::Pool<Db>, mut qb: Qb) -> R<Vec<Fig>> {
    qb.build_query_as::<Fig>()
        .fetch_all(pool)
        .await
        .map_err(map_err)
}

/// `(industry in list)` on `col`, or nothing when every industry counts.
fn push_in(qb: &mut Qb, col: &str, list: Option<&[i64]>) {
    if let Some(list) = list {
        if list.is_empty() {
            qb.push(" and 1 = 0");
        } else {
            qb.push(format!(" and {col} in ("));
            ids(qb, list);
            qb.push(")");
        }
    }
}

/// Policies within `list` (all when none), on alias column `col` (a policy id).
fn push_policy_in(qb: &mut Qb, col: &str, list: Option<&[i64]>) {
    if let Some(list) = list {
        if list.is_empty() {
            qb.push(" and 1 = 0");
        } else {
            qb.push(format!(
                " and {col} in (select policy_id from policy_industries where industry_id in ("
            ));
            ids(qb, list);
            qb.push("))");
        }
    }
}

#[async_trait]
impl PolicyStore for BackendStore {
    async fn policy_fund_month(
        &self,
        year: i32,
        month: u32,
        industries: Option<&[i64]>,
    ) -> R<Vec<PolicyFundMonth>> {
        let (first, last, jan, key) = month_bounds(year, month)?;
        let pool = &self.pool;
        let rows: Vec<i64> = match industries {
            Some(list) => list.to_vec(),
            None => {
                sqlx::query_scalar::<Db, i64>("select id from industries order by sort_order, id")
                    .fetch_all(pool)
                    .await
                    .map_err(map_err)?
            }
        };
        // Per industry (`grouped`) or for the city: one query of each kind.
        let mut out: Vec<PolicyFundMonth> = rows
            .iter()
            .map(|i| PolicyFundMonth {
                industry_id: Some(*i),
                ..Default::default()
            })
            .collect();
        out.push(PolicyFundMonth::default());
        let city = out.len() - 1;
        let slot = |out: &mut Vec<PolicyFundMonth>, key: Option<i64>| -> Option<usize> {
            match key {
                None => Some(city),
                Some(k) => out.iter().position(|r| r.industry_id == Some(k)),
            }
        };
        for grouped in [true, false] {
            // Policies issued in the month.
            let mut qb = Qb::new(if grouped {
                "select pi.industry_id as key, cast(count(*) as bigint) as n1, \
                 cast(0 as bigint) as a1, cast(0 as bigint) as n2, cast(0 as bigint) as a2 \
                 from policies p join policy_industries pi on pi.policy_id = p.id \
                 where p.issued_on between "
            } else {
                "select cast(null as bigint) as key, cast(count(*) as bigint) as n1, \
                 cast(0 as bigint) as a1, cast(0 as bigint) as n2, cast(0 as bigint) as a2 \
                 from policies p where p.issued_on between "
            });
            qb.push_bind(first).push(" and ").push_bind(last);
            if grouped {
                push_in(&mut qb, "pi.industry_id", Some(&rows));
                qb.push(" group by pi.industry_id");
            } else {
                push_policy_in(&mut qb, "p.id", industries);
            }
            for f in figs(pool, qb).await? {
                if let Some(i) = slot(&mut out, f.key) {
                    out[i].policies_issued = f.n1;
                }
            }
            // Payments in the month and the year to date.
            let mut qb = Qb::new("select ");
            qb.push(if grouped {
                "pi.industry_id as key"
            } else {
                "cast(null as bigint) as key"
            });
            qb.push(", cast(coalesce(sum(case when pp.month_key = ")
                .push_bind(key)
                .push(" then 1 else 0 end), 0) as bigint) as n1, ")
                .push("cast(coalesce(sum(case when pp.month_key = ")
                .push_bind(key)
                .push(" then pp.amount else 0 end), 0) as bigint) as a1, ")
                .push(
                    "cast(count(*) as bigint) as n2, cast(coalesce(sum(pp.amount), 0) as bigint) \
                     as a2 from policy_payments pp",
                );
            if grouped {
                qb.push(" join policy_industries pi on pi.policy_id = pp.policy_id");
            }
            qb.push(" where pp.month_key between ")
                .push_bind(jan)
                .push(" and ")
                .push_bind(key);
            if grouped {
                push_in(&mut qb, "pi.industry_id", Some(&rows));
                qb.push(" group by pi.industry_id");
            } else {
                push_policy_in(&mut qb, "pp.policy_id", industries);
            }
            for f in figs(pool, qb).await? {
                if let Some(i) = slot(&mut out, f.key) {
                    out[i].payments_month = f.n1;
                    out[i].paid_month = Money(f.a1);
                    out[i].payments_ytd = f.n2;
                    out[i].paid_ytd = Money(f.a2);
                }
            }
            // Committed to the policies in force in the month.
            let mut qb = Qb::new("select ");
            qb.push(if grouped {
                "pi.industry_id as key"
            } else {
                "cast(null as bigint) as key"
            });
            qb.push(
                ", cast(0 as bigint) as n1, cast(coalesce(sum(b.committed), 0) as bigint) as a1, \
                 cast(0 as bigint) as n2, cast(0 as bigint) as a2 from policy_beneficiaries b \
                 join policies p on p.id = b.policy_id",
            );
            if grouped {
                qb.push(" join policy_industries pi on pi.policy_id = p.id");
            }
            qb.push(" where p.valid_from <= ")
                .push_bind(last)
                .push(" and (p.valid_to is null or p.valid_to >= ")
                .push_bind(first)
                .push(")");
            if grouped {
                push_in(&mut qb, "pi.industry_id", Some(&rows));
                qb.push(" group by pi.industry_id");
            } else {
                push_policy_in(&mut qb, "p.id", industries);
            }
            for f in figs(pool, qb).await? {
                if let Some(i) = slot(&mut out, f.key) {
                    out[i].committed_in_force = Money(f.a1);
                }
            }
            // Fund investments in the month and the year to date.
            let mut qb = Qb::new("select ");
            qb.push(if grouped {
                "i.industry_id as key"
            } else {
                "cast(null as bigint) as key"
            });
            qb.push(", cast(coalesce(sum(case when i.month_key = ")
                .push_bind(key)
                .push(" then 1 else 0 end), 0) as bigint) as n1, ")
                .push("cast(coalesce(sum(case when i.month_key = ")
                .push_bind(key)
                .push(" then i.amount else 0 end), 0) as bigint) as a1, ")
                .push(
                    "cast(count(*) as bigint) as n2, cast(coalesce(sum(i.amount), 0) as bigint) \
                     as a2 from fund_investments i where i.month_key between ",
                )
                .push_bind(jan)
                .push(" and ")
                .push_bind(key);
            if grouped {
                push_in(&mut qb, "i.industry_id", Some(&rows));
                qb.push(" group by i.industry_id");
            } else {
                push_in(&mut qb, "i.industry_id", industries);
            }
            for f in figs(pool, qb).await? {
                if let Some(i) = slot(&mut out, f.key) {
                    out[i].investments_month = f.n1;
                    out[i].invested_month = Money(f.a1);
                    out[i].investments_ytd = f.n2;
                    out[i].invested_ytd = Money(f.a2);
                }
            }
        }
        Ok(out)
    }

    async fn policy_fund_month_items(
        &self,
        year: i32,
        month: u32,
        industries: Option<&[i64]>,
        limit: i64,
    ) -> R<PolicyFundMonthItems> {
        let (_, _, _, key) = month_bounds(year, month)?;
        let pool = &self.pool;
        let limit = limit.clamp(0, 10_000);

        let mut qb = Qb::new(
            "select pp.id as payment_id, pp.policy_id, p.title as policy_title, p.doc_number, \
             coalesce(b.enterprise_name, pr.name, '') as beneficiary, b.project_id, \
             b.credit_code, b.region_id, pp.amount, pp.paid_on, pp.adjustment \
             from policy_payments pp join policies p on p.id = pp.policy_id \
             join policy_beneficiaries b on b.id = pp.beneficiary_id \
             left join projects pr on pr.id = b.project_id where pp.month_key = ",
        );
        qb.push_bind(key);
        push_policy_in(&mut qb, "pp.policy_id", industries);
        qb.push(" order by pp.paid_on desc, pp.id desc limit ")
            .push_bind(limit);
        let payments = qb
            .build_query_as::<PaymentItem>()
            .fetch_all(pool)
            .await
            .map_err(map_err)?
            .into_iter()
            .map(PaymentItem::item)
            .collect();
        let mut qb = Qb::new(
            "select cast(count(*) as bigint) from policy_payments pp where pp.month_key = ",
        );
        qb.push_bind(key);
        push_policy_in(&mut qb, "pp.policy_id", industries);
        let payments_total: i64 = qb
            .build_query_scalar()
            .fetch_one(pool)
            .await
            .map_err(map_err)?;

        let mut qb = Qb::new(
            "select i.id as investment_id, i.fund_id, f.name as fund_name, \
             coalesce(i.enterprise_name, pr.name, '') as investee, i.project_id, i.credit_code, \
             i.industry_id, i.region_id, i.amount, i.stake_bp, i.invested_on \
             from fund_investments i join funds f on f.id = i.fund_id \
             left join projects pr on pr.id = i.project_id where i.month_key = ",
        );
        qb.push_bind(key);
        push_in(&mut qb, "i.industry_id", industries);
        qb.push(" order by i.invested_on desc, i.id desc limit ")
            .push_bind(limit);
        let investments = qb
            .build_query_as::<InvestmentItem>()
            .fetch_all(pool)
            .await
            .map_err(map_err)?
            .into_iter()
            .map(InvestmentItem::item)
            .collect();
        let mut qb =
            Qb::new("select cast(count(*) as bigint) from fund_investments i where i.month_key = ");
        qb.push_bind(key);
        push_in(&mut qb, "i.industry_id", industries);
        let investments_total: i64 = qb
            .build_query_scalar()
            .fetch_one(pool)
            .await
            .map_err(map_err)?;
        Ok(PolicyFundMonthItems {
            payments,
            payments_total,
            investments,
            investments_total,
        })
    }

    // ------------------------------------------------ policies

    async fn policy_page(&self, filter: &PolicyFilter, page: Page) -> R<Vec<Policy>> {
        let mut qb = Qb::new("select p.id from policies p where 1 = 1");
        push_policy_filter(&mut qb, filter);
        qb.push(" order by p.issued_on desc, p.id desc limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let list = id_list(&self.pool, qb).await?;
        read_all(&self.pool, list).await
    }

    async fn policy_count(&self, filter: &PolicyFilter) -> R<i64> {
        let mut qb = Qb::new("select cast(count(*) as bigint) from policies p where 1 = 1");
        push_policy_filter(&mut qb, filter);
        qb.build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn policy_totals(&self, filter: &PolicyFilter) -> R<PolicyTotals> {
        let pool = &self.pool;
        let within = |qb: &mut Qb| {
            qb.push(" and b.policy_id in (select p.id from policies p where 1 = 1");
            push_policy_filter(qb, filter);
            qb.push(")");
        };
        let mut qb = Qb::new(
            "select cast(null as bigint) as key, cast(count(*) as bigint) as count, \
             cast(coalesce(sum(b.committed), 0) as bigint) as committed, \
             cast(coalesce(sum(b.paid), 0) as bigint) as amount \
             from policy_beneficiaries b where 1 = 1",
        );
        within(&mut qb);
        let all = lines(pool, qb).await?.pop().unwrap_or(TotalLine {
            key: None,
            count: 0,
            committed: 0,
            amount: 0,
        });
        let mut qb = Qb::new(
            "select pi.industry_id as key, cast(count(*) as bigint) as count, \
             cast(coalesce(sum(b.committed), 0) as bigint) as committed, \
             cast(coalesce(sum(b.paid), 0) as bigint) as amount \
             from policy_beneficiaries b join policy_industries pi on pi.policy_id = b.policy_id \
             where 1 = 1",
        );
        within(&mut qb);
        qb.push(" group by pi.industry_id order by pi.industry_id");
        let by_industry = lines(pool, qb).await?;
        let mut qb = Qb::new(
            "select b.region_id as key, cast(count(*) as bigint) as count, \
             cast(coalesce(sum(b.committed), 0) as bigint) as committed, \
             cast(coalesce(sum(b.paid), 0) as bigint) as amount \
             from policy_beneficiaries b where 1 = 1",
        );
        within(&mut qb);
        qb.push(" group by b.region_id order by b.region_id");
        let by_district = lines(pool, qb).await?;
        let mut qb = Qb::new(
            "select b.month_key as key, cast(count(*) as bigint) as count, \
             cast(0 as bigint) as committed, cast(coalesce(sum(b.amount), 0) as bigint) as amount \
             from policy_payments b where 1 = 1",
        );
        within(&mut qb);
        qb.push(" group by b.month_key order by b.month_key");
        let by_month = lines(pool, qb).await?;
        Ok(PolicyTotals {
            policies: self.policy_count(filter).await?,
            beneficiaries: all.count,
            committed: all.committed,
            paid: all.amount,
            by_industry,
            by_district,
            by_month,
        })
    }

    async fn get_policy(&self, id: i64) -> R<Option<Policy>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        read::<Policy>(&mut conn, id, &[]).await
    }

    async fn policy_by_doc_number(&self, doc_number: &str) -> R<Option<Policy>> {
        let id: Option<i64> =
            sqlx::query_scalar::<Db, i64>("select id from policies where doc_number = $1")
                .bind(doc_number)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
        match id {
            Some(id) => self.get_policy(id).await,
            None => Ok(None),
        }
    }

    async fn policy_beneficiaries(&self, id: i64) -> R<Vec<Beneficiary>> {
        sqlx::query_as::<Db, Beneficiary>(concat!(
            "",
            beneficiary_select!(),
            " where b.policy_id = $1 order by b.id"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn policy_payments(&self, id: i64) -> R<Vec<Payment>> {
        sqlx::query_as::<Db, Payment>(concat!(
            "select ",
            payment_cols!(),
            " from policy_payments where policy_id = $1 \
             order by paid_on, id"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn policies_after(
        &self,
        filter: &PolicyFilter,
        after: i64,
        limit: i64,
    ) -> R<Vec<Policy>> {
        let mut qb = Qb::new("select p.id from policies p where p.id > ");
        qb.push_bind(after);
        push_policy_filter(&mut qb, filter);
        qb.push(" order by p.id limit ").push_bind(limit);
        let list = id_list(&self.pool, qb).await?;
        read_all(&self.pool, list).await
    }

    async fn create_policy(&self, i: &PolicyInput, by: &AuditBy) -> R<Policy> {
        let mut tx = begin_write(&self.pool).await?;
        let t = now();
        let measures =
            serde_json::to_string(&i.measures).map_err(|e| StoreError::Internal(e.to_string()))?;
        let id: i64 = sqlx::query_scalar::<Db, i64>(
            "insert into policies (title, doc_number, issued_on, valid_from, valid_to, measures, \
             summary, created_by, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) returning id",
        )
        .bind(&i.title)
        .bind(&i.doc_number)
        .bind(i.issued_on)
        .bind(i.valid_from)
        .bind(i.valid_to)
        .bind(measures)
        .bind(&i.summary)
        .bind(&by.username)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        put_policy_links(&mut tx, id, i).await?;
        let p: Policy = read(&mut tx, id, &[]).await?.ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "policy",
            Some(id),
            None::<&()>,
            Some(&p),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(p)
    }

    async fn update_policy(
        &self,
        id: i64,
        version: i64,
        i: &PolicyInput,
        by: &AuditBy,
    ) -> R<Policy> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id, version };
        let before: Policy = at.check(read(&mut tx, id, &[]).await?)?;
        let measures =
            serde_json::to_string(&i.measures).map_err(|e| StoreError::Internal(e.to_string()))?;
        at.write(
            &mut tx,
            "update policies set title = $3, doc_number = $4, issued_on = $5, valid_from = $6, \
             valid_to = $7, measures = $8, summary = $9, version = version + 1, updated_at = $10 \
             where id = $1 and version = $2",
            |q| {
                q.bind(i.title.clone())
                    .bind(i.doc_number.clone())
                    .bind(i.issued_on)
                    .bind(i.valid_from)
                    .bind(i.valid_to)
                    .bind(measures)
                    .bind(i.summary.clone())
                    .bind(now())
            },
        )
        .await?;
        put_policy_links(&mut tx, id, i).await?;
        let after: Policy = read(&mut tx, id, &[]).await?.ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            "update",
            "policy",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn delete_policy(&self, id: i64, version: i64, by: &AuditBy) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id, version };
        let before: Policy = at.check(read(&mut tx, id, &[]).await?)?;
        let payments = sqlx::query_as::<Db, Payment>(concat!(
            "select ",
            payment_cols!(),
            " from policy_payments where policy_id = $1 order by id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        let beneficiaries = sqlx::query_as::<Db, Beneficiary>(concat!(
            "",
            beneficiary_select!(),
            " where b.policy_id = $1 order by b.id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        for sql in [
            "delete from policy_payments where policy_id = $1",
            "delete from policy_beneficiaries where policy_id = $1",
            "delete from policy_industries where policy_id = $1",
            "delete from policy_departments where policy_id = $1",
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        at.write(
            &mut tx,
            "delete from policies where id = $1 and version = $2",
            |q| q,
        )
        .await?;
        let gone = serde_json::json!({
            "policy": before, "beneficiaries": beneficiaries, "payments": payments
        });
        write_audit(
            &mut tx,
            by,
            "delete",
            "policy",
            Some(id),
            Some(&gone),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)
    }

    async fn add_beneficiary(
        &self,
        id: i64,
        version: i64,
        i: &BeneficiaryInput,
        target: &ResolvedTarget,
        by: &AuditBy,
    ) -> R<Beneficiary> {
        let mut tx = begin_write(&self.pool).await?;
        let _: Policy = touch(&mut tx, id, version, "add_beneficiary", i, by).await?;
        let bid: i64 = sqlx::query_scalar::<Db, i64>(
            "insert into policy_beneficiaries (policy_id, kind, project_id, enterprise_name, \
             credit_code, region_id, committed, paid, note, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9) returning id",
        )
        .bind(id)
        .bind(i.kind.code())
        .bind(i.project_id)
        .bind(&i.enterprise_name)
        .bind(&i.credit_code)
        .bind(target.region_id)
        .bind(i.committed.0)
        .bind(&i.note)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        let b = beneficiary_in(&mut tx, id, bid).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(b)
    }

    async fn update_beneficiary(
        &self,
        id: i64,
        version: i64,
        beneficiary_id: i64,
        committed: i64,
        note: &str,
        by: &AuditBy,
    ) -> R<Beneficiary> {
        let mut tx = begin_write(&self.pool).await?;
        let before = beneficiary_in(&mut tx, id, beneficiary_id).await?;
        let part = serde_json::json!({
            "beneficiary_id": beneficiary_id, "before": before,
            "committed": committed, "note": note
        });
        let _: Policy = touch(&mut tx, id, version, "update_beneficiary", &part, by).await?;
        sqlx::query(
            "update policy_beneficiaries set committed = $3, note = $4 \
             where id = $1 and policy_id = $2",
        )
        .bind(beneficiary_id)
        .bind(id)
        .bind(committed)
        .bind(note)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        let b = beneficiary_in(&mut tx, id, beneficiary_id).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(b)
    }

    async fn add_payment(
        &self,
        id: i64,
        version: i64,
        i: &PaymentInput,
        by: &AuditBy,
    ) -> R<Payment> {
        let mut tx = begin_write(&self.pool).await?;
        let b = beneficiary_in(&mut tx, id, i.beneficiary_id).await?;
        let _: Policy = touch(&mut tx, id, version, "add_payment", i, by).await?;
        // Checked by the service at this version; checked again here.
        if policies::payment_check(Money(b.committed), Money(b.paid), i).is_err() {
            return Err(StoreError::Conflict);
        }
        let t = now();
        let p = sqlx::query_as::<Db, Payment>(concat!(
            "insert into policy_payments (policy_id, beneficiary_id, paid_on, month_key, amount, \
             adjustment, reason, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ",
            payment_cols!(),
            ""
        ))
        .bind(id)
        .bind(i.beneficiary_id)
        .bind(i.paid_on)
        .bind(policies::month_key(i.paid_on))
        .bind(i.amount.0)
        .bind(i.adjustment)
        .bind(&i.reason)
        .bind(&by.username)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query("update policy_beneficiaries set paid = paid + $2 where id = $1")
            .bind(i.beneficiary_id)
            .bind(i.amount.0)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(p)
    }

    // ------------------------------------------------ funds

    async fn fund_page(&self, filter: &FundFilter, page: Page) -> R<Vec<Fund>> {
        let mut qb = Qb::new("select f.id from funds f where 1 = 1");
        push_fund_filter(&mut qb, filter);
        qb.push(" order by f.id desc limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let list = id_list(&self.pool, qb).await?;
        read_all(&self.pool, list).await
    }

    async fn fund_count(&self, filter: &FundFilter) -> R<i64> {
        let mut qb = Qb::new("select cast(count(*) as bigint) from funds f where 1 = 1");
        push_fund_filter(&mut qb, filter);
        qb.build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn fund_totals(&self, filter: &FundFilter) -> R<FundTotals> {
        let pool = &self.pool;
        let within = |qb: &mut Qb, col: &str| {
            qb.push(format!(
                " and {col} in (select f.id from funds f where 1 = 1"
            ));
            push_fund_filter(qb, filter);
            qb.push(")");
        };
        let mut qb = Qb::new(
            "select f.id as key, cast((select count(*) from fund_investments i \
             where i.fund_id = f.id) as bigint) as count, f.size as committed, \
             f.invested as amount from funds f where 1 = 1",
        );
        within(&mut qb, "f.id");
        qb.push(" order by f.id");
        let by_fund = lines(pool, qb).await?;
        let mut qb = Qb::new(
            "select cast(count(*) as bigint), cast(coalesce(sum(f.size), 0) as bigint), \
             cast(coalesce(sum(f.invested), 0) as bigint), \
             cast(coalesce(sum(f.provincial_applied), 0) as bigint), \
             cast(coalesce(sum(f.provincial_won), 0) as bigint) from funds f where 1 = 1",
        );
        within(&mut qb, "f.id");
        let (funds, size, invested, applied, won): (i64, i64, i64, i64, i64) =
            qb.build_query_as().fetch_one(pool).await.map_err(map_err)?;
        let mut qb = Qb::new(
            "select cast(coalesce(sum(s.amount), 0) as bigint) from fund_sources s where 1 = 1",
        );
        within(&mut qb, "s.fund_id");
        let sourced: i64 = qb
            .build_query_scalar()
            .fetch_one(pool)
            .await
            .map_err(map_err)?;
        let mut qb = Qb::new(
            "select i.industry_id as key, cast(count(*) as bigint) as count, \
             cast(0 as bigint) as committed, cast(coalesce(sum(i.amount), 0) as bigint) as amount \
             from fund_investments i where 1 = 1",
        );
        within(&mut qb, "i.fund_id");
        push_month_of(&mut qb, filter);
        qb.push(" group by i.industry_id order by i.industry_id");
        let by_industry = lines(pool, qb).await?;
        let mut qb = Qb::new(
            "select i.month_key as key, cast(count(*) as bigint) as count, \
             cast(0 as bigint) as committed, cast(coalesce(sum(i.amount), 0) as bigint) as amount \
             from fund_investments i where 1 = 1",
        );
        within(&mut qb, "i.fund_id");
        push_month_of(&mut qb, filter);
        qb.push(" group by i.month_key order by i.month_key");
        let by_month = lines(pool, qb).await?;
        Ok(FundTotals {
            funds,
            size,
            sourced,
            invested,
            provincial_applied: applied,
            provincial_won: won,
            by_fund,
            by_industry,
            by_month,
        })
    }

    async fn get_fund(&self, id: i64) -> R<Option<Fund>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        read::<Fund>(&mut conn, id, &[]).await
    }

    async fn fund_by_name(&self, name: &str) -> R<Option<Fund>> {
        let id: Option<i64> = sqlx::query_scalar::<Db, i64>("select id from funds where name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        match id {
            Some(id) => self.get_fund(id).await,
            None => Ok(None),
        }
    }

    async fn fund_sources(&self, id: i64) -> R<Vec<Source>> {
        sqlx::query_as::<Db, Source>(concat!(
            "select ",
            source_cols!(),
            " from fund_sources where fund_id = $1 order by id"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn fund_investments(&self, id: i64) -> R<Vec<Investment>> {
        sqlx::query_as::<Db, Investment>(concat!(
            "",
            investment_select!(),
            " where i.fund_id = $1 order by i.invested_on, i.id"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn funds_after(&self, filter: &FundFilter, after: i64, limit: i64) -> R<Vec<Fund>> {
        let mut qb = Qb::new("select f.id from funds f where f.id > ");
        qb.push_bind(after);
        push_fund_filter(&mut qb, filter);
        qb.push(" order by f.id limit ").push_bind(limit);
        let list = id_list(&self.pool, qb).await?;
        read_all(&self.pool, list).await
    }

    async fn create_fund(&self, i: &FundInput, by: &AuditBy) -> R<Fund> {
        let mut tx = begin_write(&self.pool).await?;
        let id: i64 = sqlx::query_scalar::<Db, i64>(
            "insert into funds (name, kind, parent_fund_id, size, manager, established_on, \
             provincial_applied, provincial_won, invested, note, created_by, version, \
             created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, 1, $11, $11) returning id",
        )
        .bind(&i.name)
        .bind(i.kind.code())
        .bind(i.parent_fund_id)
        .bind(i.size.0)
        .bind(&i.manager)
        .bind(i.established_on)
        .bind(i.provincial_applied.0)
        .bind(i.provincial_won.0)
        .bind(&i.note)
        .bind(&by.username)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        put_fund_industries(&mut tx, id, &i.industry_ids).await?;
        let f: Fund = read(&mut tx, id, &[]).await?.ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "fund",
            Some(id),
            None::<&()>,
            Some(&f),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(f)
    }

    async fn update_fund(&self, id: i64, version: i64, i: &FundInput, by: &AuditBy) -> R<Fund> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id, version };
        let before: Fund = at.check(read(&mut tx, id, &[]).await?)?;
        if i.size.0 < before.invested {
            return Err(StoreError::Conflict);
        }
        at.write(
            &mut tx,
            "update funds set name = $3, kind = $4, parent_fund_id = $5, size = $6, \
             manager = $7, established_on = $8, provincial_applied = $9, provincial_won = $10, \
             note = $11, version = version + 1, updated_at = $12 where id = $1 and version = $2",
            |q| {
                q.bind(i.name.clone())
                    .bind(i.kind.code())
                    .bind(i.parent_fund_id)
                    .bind(i.size.0)
                    .bind(i.manager.clone())
                    .bind(i.established_on)
                    .bind(i.provincial_applied.0)
                    .bind(i.provincial_won.0)
                    .bind(i.note.clone())
                    .bind(now())
            },
        )
        .await?;
        put_fund_industries(&mut tx, id, &i.industry_ids).await?;
        let after: Fund = read(&mut tx, id, &[]).await?.ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            "update",
            "fund",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn delete_fund(&self, id: i64, version: i64, by: &AuditBy) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id, version };
        let before: Fund = at.check(read(&mut tx, id, &[]).await?)?;
        let children: i64 = sqlx::query_scalar::<Db, i64>(
            "select cast(count(*) as bigint) from funds where parent_fund_id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        if children > 0 {
            return Err(StoreError::InUse {
                field: "parent_fund_id".into(),
            });
        }
        let sources = sqlx::query_as::<Db, Source>(concat!(
            "select ",
            source_cols!(),
            " from fund_sources where fund_id = $1 order by id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        let investments = sqlx::query_as::<Db, Investment>(concat!(
            "",
            investment_select!(),
            " where i.fund_id = $1 order by i.id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        for sql in [
            "delete from fund_investments where fund_id = $1",
            "delete from fund_sources where fund_id = $1",
            "delete from fund_industries where fund_id = $1",
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        at.write(
            &mut tx,
            "delete from funds where id = $1 and version = $2",
            |q| q,
        )
        .await?;
        let gone = serde_json::json!({
            "fund": before, "sources": sources, "investments": investments
        });
        write_audit(
            &mut tx,
            by,
            "delete",
            "fund",
            Some(id),
            Some(&gone),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)
    }

    async fn add_source(&self, id: i64, version: i64, i: &SourceInput, by: &AuditBy) -> R<Source> {
        let mut tx = begin_write(&self.pool).await?;
        let _: Fund = touch(&mut tx, id, version, "add_source", i, by).await?;
        let s = sqlx::query_as::<Db, Source>(concat!(
            "insert into fund_sources (fund_id, source, region_id, amount, note, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning ",
            source_cols!(),
            ""
        ))
        .bind(id)
        .bind(i.source.code())
        .bind(i.region_id)
        .bind(i.amount.0)
        .bind(&i.note)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(s)
    }

    async fn add_investment(
        &self,
        id: i64,
        version: i64,
        i: &InvestmentInput,
        target: &ResolvedTarget,
        by: &AuditBy,
    ) -> R<Investment> {
        let mut tx = begin_write(&self.pool).await?;
        let fund: Fund = touch(&mut tx, id, version, "add_investment", i, by).await?;
        if policies::investment_fits(Money(fund.size), Money(fund.invested), i.amount).is_err() {
            return Err(StoreError::Conflict);
        }
        let industry = target
            .industry_id
            .or(i.industry_id)
            .ok_or(StoreError::BadReference {
                field: "industry_id".into(),
            })?;
        let iid: i64 = sqlx::query_scalar::<Db, i64>(
            "insert into fund_investments (fund_id, kind, project_id, enterprise_name, \
             credit_code, region_id, industry_id, invested_on, month_key, amount, stake_bp, \
             note, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id",
        )
        .bind(id)
        .bind(i.kind.code())
        .bind(i.project_id)
        .bind(&i.enterprise_name)
        .bind(&i.credit_code)
        .bind(target.region_id)
        .bind(industry)
        .bind(i.invested_on)
        .bind(policies::month_key(i.invested_on))
        .bind(i.amount.0)
        .bind(i.stake_bp)
        .bind(&i.note)
        .bind(&by.username)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query("update funds set invested = invested + $2 where id = $1")
            .bind(id)
            .bind(i.amount.0)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let inv =
            sqlx::query_as::<Db, Investment>(concat!(investment_select!(), " where i.id = $1"))
                .bind(iid)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(inv)
    }
}

/// The year (and month) of the fund filter, on investments (alias `i`).
fn push_month_of(qb: &mut Qb, f: &FundFilter) {
    if let Some(y) = f.year {
        let (lo, hi) = match f.month {
            Some(m) => (
                i64::from(y) * 100 + i64::from(m),
                i64::from(y) * 100 + i64::from(m),
            ),
            None => (i64::from(y) * 100 + 1, i64::from(y) * 100 + 12),
        };
        qb.push(" and i.month_key between ")
            .push_bind(lo)
            .push(" and ")
            .push_bind(hi);
    }
}

async fn put_policy_links(tx: &mut Tx, id: i64, i: &PolicyInput) -> R<()> {
    replace_links(
        tx,
        "delete from policy_departments where policy_id = $1",
        "insert into policy_departments (policy_id, department_id) values ($1, $2)",
        id,
        &i.department_ids,
    )
    .await?;
    replace_links(
        tx,
        "delete from policy_industries where policy_id = $1",
        "insert into policy_industries (policy_id, industry_id) values ($1, $2)",
        id,
        &i.industry_ids,
    )
    .await
}

async fn put_fund_industries(tx: &mut Tx, id: i64, industries: &[i64]) -> R<()> {
    replace_links(
        tx,
        "delete from fund_industries where fund_id = $1",
        "insert into fund_industries (fund_id, industry_id) values ($1, $2)",
        id,
        industries,
    )
    .await
}

/// Beneficiary `bid` of policy `id` (404 when it is another policy's).
async fn beneficiary_in(tx: &mut Tx, id: i64, bid: i64) -> R<Beneficiary> {
    sqlx::query_as::<Db, Beneficiary>(concat!(
        "",
        beneficiary_select!(),
        " where b.id = $1 and b.policy_id = $2"
    ))
    .bind(bid)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_err)?
    .ok_or(StoreError::NotFound)
}

#[derive(sqlx::FromRow)]
struct PaymentItem {
    payment_id: i64,
    policy_id: i64,
    policy_title: String,
    doc_number: String,
    beneficiary: String,
    project_id: Option<i64>,
    credit_code: Option<String>,
    region_id: Option<i64>,
    amount: i64,
    paid_on: NaiveDate,
    adjustment: bool,
}

impl PaymentItem {
    fn item(self) -> MonthPayment {
        MonthPayment {
            payment_id: self.payment_id,
            policy_id: self.policy_id,
            policy_title: self.policy_title,
            doc_number: self.doc_number,
            beneficiary: self.beneficiary,
            project_id: self.project_id,
            credit_code: self.credit_code,
            region_id: self.region_id,
            amount: Money(self.amount),
            paid_on: self.paid_on,
            adjustment: self.adjustment,
        }
    }
}

#[derive(sqlx::FromRow)]
struct InvestmentItem {
    investment_id: i64,
    fund_id: i64,
    fund_name: String,
    investee: String,
    project_id: Option<i64>,
    credit_code: Option<String>,
    industry_id: i64,
    region_id: Option<i64>,
    amount: i64,
    stake_bp: i64,
    invested_on: NaiveDate,
}

impl InvestmentItem {
    fn item(self) -> MonthInvestment {
        MonthInvestment {
            investment_id: self.investment_id,
            fund_id: self.fund_id,
            fund_name: self.fund_name,
            investee: self.investee,
            project_id: self.project_id,
            credit_code: self.credit_code,
            industry_id: self.industry_id,
            region_id: self.region_id,
            amount: Money(self.amount),
            stake_bp: self.stake_bp,
            invested_on: self.invested_on,
        }
    }
}
