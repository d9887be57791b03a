//! The policy list (filters by industry, district, year/month and text; a page of policies
//! newest issued first; the totals committed and paid per industry and month) and the fund
//! list (filters by kind, industry, year; totals per fund and industry), with the links to
//! record one for those who may.

use super::{ViewPolicies, wan};
use crate::AppState;
use crate::api::policies::{FundListQuery, PolicyListQuery};
use crate::context::{Signed, urlencode};
use crate::error::AppResult;
use crate::extract::Query;
use crate::pages::form::{Ctx, Screen, choices, mark};
use crate::pages::list::{Pager, Select};
use crate::pages::profiles::Depts;
use crate::pages::projects::Names;
use crate::pages::{Layout, render};
use askama::Template;
use axum::response::{IntoResponse, Response};
use dongneng_domain::policies::FundKind;
use dongneng_store::TotalLine;

/// The list of policies.
pub struct PolicyList;

impl Screen for PolicyList {
    type Gate = ViewPolicies;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/policies";
}

/// The list of funds.
pub struct FundList;

impl Screen for FundList {
    type Gate = ViewPolicies;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/funds";
}

pub struct PolicyRow {
    pub id: i64,
    pub title: String,
    pub doc_number: String,
    pub issued_on: String,
    pub departments: String,
    pub industries: String,
    pub committed: String,
    pub paid: String,
}

pub struct FundRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub manager: String,
    pub size: String,
    pub invested: String,
    pub industries: String,
}

/// A line of a totals table: what it is about, how many, committed (or size), paid (or
/// invested).
pub struct TotalRow {
    pub name: String,
    pub count: i64,
    pub committed: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "policies_list.html")]
struct PolicyPage {
    layout: Layout,
    selects: Vec<Select>,
    q: String,
    year: String,
    month: String,
    rows: Vec<PolicyRow>,
    pager: Pager,
    recorder: bool,
    totals: (i64, String, String),
    by_industry: Vec<TotalRow>,
    by_month: Vec<TotalRow>,
}

#[derive(Template)]
#[template(path = "funds_list.html")]
struct FundPage {
    layout: Layout,
    selects: Vec<Select>,
    q: String,
    year: String,
    rows: Vec<FundRow>,
    pager: Pager,
    recorder: bool,
    totals: Vec<(String, String)>,
    by_industry: Vec<TotalRow>,
}

fn select(
    all: &str,
    name: &'static str,
    label: String,
    options: Vec<(String, String)>,
    chosen: Option<String>,
) -> Select {
    let mut v = vec![(String::new(), all.to_string())];
    v.extend(options);
    let chosen = chosen.unwrap_or_default();
    Select {
        name,
        label,
        options: mark(v, |x| x == chosen),
    }
}

fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn total_rows(lines: &[TotalLine], name: impl Fn(Option<i64>) -> String) -> Vec<TotalRow> {
    lines
        .iter()
        .map(|l| TotalRow {
            name: name(l.key),
            count: l.count,
            committed: wan(l.committed),
            amount: wan(l.amount),
        })
        .collect()
}

fn month_name(key: Option<i64>) -> String {
    key.map(|k| format!("{}-{:02}", k / 100, k % 100))
        .unwrap_or_default()
}

pub async fn policies(c: Ctx<PolicyList>, Query(q): Query<PolicyListQuery>) -> AppResult<Response> {
    let (app, s): (&AppState, &Signed) = (&c.app, &c.s);
    let page = q.page();
    let query = q.to_query();
    let (items, total) = c.access.policies(&query, page).await?;
    let totals = c.access.policy_totals(&query).await?;
    let names = Names::load(app, s).await?;
    let depts = Depts::load(app, &s.actor).await?;
    let lang = s.ctx.lang;
    let all = lang.t("project.all");
    let selects = vec![
        select(
            &all,
            "industry",
            lang.field_label("industry"),
            names.industry_options(),
            q.industry.map(|v| v.to_string()),
        ),
        select(
            &all,
            "district",
            lang.field_label("region_id"),
            names.region_options(),
            q.district.map(|v| v.to_string()),
        ),
        select(
            &all,
            "department",
            lang.t("policies.field.department_ids"),
            depts.options(lang),
            q.department.map(|v| v.to_string()),
        ),
    ];
    let qs = query_string(&[
        ("industry", q.industry.map(|v| v.to_string())),
        ("district", q.district.map(|v| v.to_string())),
        ("department", q.department.map(|v| v.to_string())),
        ("year", q.year.map(|v| v.to_string())),
        ("month", q.month.map(|v| v.to_string())),
        ("q", q.q.clone()),
    ]);
    let link = |p: u32| format!("/policies?{qs}&page={p}");
    let rows = items
        .iter()
        .map(|p| PolicyRow {
            id: p.id,
            title: p.title.clone(),
            doc_number: p.doc_number.clone(),
            issued_on: p.issued_on.to_string(),
            departments: depts.names(lang, &p.department_ids),
            industries: p
                .industry_ids
                .iter()
                .map(|i| names.industry(*i))
                .collect::<Vec<_>>()
                .join("、"),
            committed: wan(p.committed),
            paid: wan(p.paid),
        })
        .collect();
    let view = PolicyPage {
        layout: Layout::new(app, &s.ctx, "policies", lang.t("policies.list_title")),
        selects,
        q: q.q.clone().unwrap_or_default(),
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        month: q.month.map(|m| m.to_string()).unwrap_or_default(),
        rows,
        pager: Pager::new(lang, page, total, link),
        recorder: c.access.may_record(),
        totals: (totals.policies, wan(totals.committed), wan(totals.paid)),
        by_industry: total_rows(&totals.by_industry, |k| {
            k.map(|i| names.industry(i)).unwrap_or_default()
        }),
        by_month: total_rows(&totals.by_month, month_name),
    };
    Ok(render(&view)?.into_response())
}

pub async fn funds(c: Ctx<FundList>, Query(q): Query<FundListQuery>) -> AppResult<Response> {
    let (app, s): (&AppState, &Signed) = (&c.app, &c.s);
    let page = q.page();
    let query = q.to_query();
    let (items, total) = c.access.funds(&query, page).await?;
    let totals = c.access.fund_totals(&query).await?;
    let names = Names::load(app, s).await?;
    let lang = s.ctx.lang;
    let all = lang.t("project.all");
    let selects = vec![
        select(
            &all,
            "kind",
            lang.t("policies.field.kind"),
            choices(lang, "policies.fund_kind", FundKind::ALL, FundKind::code),
            q.kind.map(|v| v.code().to_string()),
        ),
        select(
            &all,
            "industry",
            lang.field_label("industry"),
            names.industry_options(),
            q.industry.map(|v| v.to_string()),
        ),
    ];
    let qs = query_string(&[
        ("kind", q.kind.map(|v| v.code().to_string())),
        ("industry", q.industry.map(|v| v.to_string())),
        ("year", q.year.map(|v| v.to_string())),
        ("q", q.q.clone()),
    ]);
    let link = |p: u32| format!("/funds?{qs}&page={p}");
    let rows = items
        .iter()
        .map(|f| FundRow {
            id: f.id,
            name: f.name.clone(),
            kind: lang.t(&f.kind.label_key()),
            manager: f.manager.clone(),
            size: wan(f.size),
            invested: wan(f.invested),
            industries: f
                .industry_ids
                .iter()
                .map(|i| names.industry(*i))
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    let t = |k: &str| lang.t(&format!("policies.{k}"));
    let view = FundPage {
        layout: Layout::new(app, &s.ctx, "policies", lang.t("policies.funds_title")),
        selects,
        q: q.q.clone().unwrap_or_default(),
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        rows,
        pager: Pager::new(lang, page, total, link),
        recorder: c.access.may_record(),
        totals: vec![
            (t("total_funds"), totals.funds.to_string()),
            (t("field.size"), wan(totals.size)),
            (t("total_sourced"), wan(totals.sourced)),
            (t("total_invested"), wan(totals.invested)),
            (
                t("field.provincial_applied"),
                wan(totals.provincial_applied),
            ),
            (t("field.provincial_won"), wan(totals.provincial_won)),
        ],
        by_industry: total_rows(&totals.by_industry, |k| {
            k.map(|i| names.industry(i)).unwrap_or_default()
        }),
    };
    Ok(render(&view)?.into_response())
}
