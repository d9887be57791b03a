//! The library's list: the filter bar, the totals of what it selects (with the warning
//! colours), a page of projects, and links to export, import and the as-at view.

use super::{EditProjects, ManageSettings, Names, ViewProgramme, last_month, rate, wan, warning};
use crate::AppState;
use crate::api::projects::ProjectListQuery;
use crate::context::{Signed, urlencode};
use crate::error::AppResult;
use crate::extract::Query;
use crate::i18n::Lang;
use crate::pages::form::{Ctx, Gate, PathIds, Screen, choices, mark};
use crate::pages::list::Pager;
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dongneng_domain::clock::today as china_today;
use dongneng_domain::project::{LibraryClass, Stage};
use dongneng_domain::warning::Level;
use dongneng_store::{Project, ProjectSums};

/// The warnings area: the library with red projects first, each with its reasons.
pub struct Warnings;

impl Screen for Warnings {
    type Gate = ViewProgramme;
    const AREA: &'static str = "warnings";
    const HOME: &'static str = "/projects";
}

pub async fn warnings(_: Ctx<Warnings>) -> Response {
    Redirect::to("/projects?sort=warning&order=desc").into_response()
}

pub struct SumsView {
    pub count: i64,
    pub total_yi: String,
    pub plan_yi: String,
    pub completed_yi: String,
    pub year_completed_yi: String,
    pub rate: String,
    pub time: String,
    pub red: i64,
    pub yellow: i64,
    pub green: i64,
    pub stages: Vec<(String, i64)>,
}

pub(super) fn sums_view(lang: Lang, s: &ProjectSums, month: Option<u32>) -> SumsView {
    SumsView {
        count: s.count,
        total_yi: s.total_investment.yi_display(),
        plan_yi: s.year_plan.yi_display(),
        completed_yi: s.completed.yi_display(),
        year_completed_yi: s.year_completed.yi_display(),
        rate: rate(s.year_completed, s.year_plan),
        time: month
            .map(|m| format!("{:.1}%", m as f64 * 100.0 / 12.0))
            .unwrap_or_else(|| "—".into()),
        red: s.red,
        yellow: s.yellow,
        green: s.green,
        stages: vec![
            (lang.t("stage.planning"), s.planning),
            (lang.t("stage.reserve"), s.reserve),
            (lang.t("stage.started"), s.started),
            (lang.t("stage.completed"), s.completed_stage),
        ],
    }
}

pub struct Row {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub owner: String,
    pub region: String,
    pub industry: String,
    pub class: String,
    pub stage: String,
    pub total: String,
    pub plan: String,
    pub completed: String,
    pub rate: String,
    pub level: &'static str,
    pub level_label: String,
    pub reasons: String,
}

fn row(names: &Names, p: &Project) -> Row {
    let lang = names.lang;
    let (level, level_label, reasons) = warning(lang, p);
    Row {
        id: p.id,
        code: p
            .code
            .clone()
            .unwrap_or_else(|| lang.t("project.code_pending")),
        name: p.name.clone(),
        owner: p.owner_name.clone(),
        region: names.region(p.region_id),
        industry: names.industry(p.industry_id),
        class: lang.t(&format!("library_class.{}", p.library_class.code())),
        stage: lang.t(&format!("stage.{}", p.stage.code())),
        total: wan(p.total_investment),
        plan: wan(p.year_plan),
        completed: wan(p.completed_investment),
        rate: rate(p.year_completed, p.year_plan),
        level,
        level_label,
        reasons: reasons.join("；"),
    }
}

/// The filter bar's state.
pub struct Filters {
    pub q: String,
    pub industry: Vec<(String, String, bool)>,
    pub region: Vec<(String, String, bool)>,
    pub stage: Vec<(String, String, bool)>,
    pub class: Vec<(String, String, bool)>,
    pub warning: Vec<(String, String, bool)>,
    pub in_library: Vec<(String, String, bool)>,
    pub sort: Vec<(String, String, bool)>,
    pub batch_year: String,
    /// The query string of the current filters (for export and paging links).
    pub query: String,
    /// Where the bar submits, with the fields it carries along.
    pub action: &'static str,
    pub hidden: Vec<(String, String)>,
    /// The library as it is now — no month carried along — where warnings, batches and
    /// sorting apply; not as it stood at the end of a month.
    pub present: bool,
}

pub(super) fn filters(
    names: &Names,
    q: &ProjectListQuery,
    action: &'static str,
    hidden: Vec<(String, String)>,
) -> Filters {
    let lang = names.lang;
    let mut query: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            query.push((k.to_string(), v));
        }
    };
    put("q", q.q.clone());
    put("industry", q.industry.map(|v| v.to_string()));
    put("region", q.region.map(|v| v.to_string()));
    put("stage", q.stage.map(|v| v.code().to_string()));
    put("class", q.class.map(|v| v.code().to_string()));
    put("warning", q.warning.map(|v| v.code().to_string()));
    put("in_library", q.in_library.clone());
    put("batch_year", q.batch_year.map(|v| v.to_string()));
    put("sort", q.sort.map(|s| sort_code(s).to_string()));
    let query = query
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let all = lang.t("project.all");
    let with_all = |opts: Vec<(String, String)>| {
        let mut v = vec![(String::new(), all.clone())];
        v.extend(opts);
        v
    };
    // The option the query names is selected; none named selects the first ("all").
    let pick = |opts: Vec<(String, String)>, selected: Option<String>| {
        let selected = selected.unwrap_or_default();
        mark(opts, |v| v == selected)
    };
    Filters {
        q: q.q.clone().unwrap_or_default(),
        industry: pick(
            with_all(names.industry_options()),
            q.industry.map(|v| v.to_string()),
        ),
        region: pick(
            with_all(names.region_options()),
            q.region.map(|v| v.to_string()),
        ),
        stage: pick(
            with_all(choices(lang, "stage", Stage::ALL, Stage::code)),
            q.stage.map(|v| v.code().to_string()),
        ),
        class: pick(
            with_all(choices(
                lang,
                "library_class",
                LibraryClass::ALL,
                LibraryClass::code,
            )),
            q.class.map(|v| v.code().to_string()),
        ),
        warning: pick(
            with_all(choices(lang, "level", &Level::ALL, Level::code)),
            q.warning.map(|v| v.code().to_string()),
        ),
        in_library: pick(
            vec![
                (String::new(), lang.t("project.in")),
                ("false".into(), lang.t("project.left")),
                ("all".into(), lang.t("project.all_status")),
            ],
            q.in_library.clone(),
        ),
        sort: pick(
            vec![
                ("updated".into(), lang.t("project.sort_updated")),
                ("name".into(), lang.t("project.sort_name")),
                ("total_investment".into(), lang.t("project.sort_total")),
                ("completed".into(), lang.t("project.sort_completed")),
                ("warning".into(), lang.t("project.sort_warning")),
            ],
            q.sort.map(|s| sort_code(s).to_string()),
        ),
        batch_year: q.batch_year.map(|y| y.to_string()).unwrap_or_default(),
        query,
        action,
        present: hidden.is_empty(),
        hidden,
    }
}

fn sort_code(s: dongneng_store::ProjectSort) -> &'static str {
    use dongneng_store::ProjectSort::*;
    match s {
        Updated => "updated",
        Name => "name",
        Code => "code",
        TotalInvestment => "total_investment",
        YearPlan => "year_plan",
        Completed => "completed",
        Stage => "stage",
        Warning => "warning",
    }
}

#[derive(Template)]
#[template(path = "projects_list.html")]
struct ListPage {
    layout: Layout,
    filters: Filters,
    sums: SumsView,
    rows: Vec<Row>,
    can_edit: bool,
    can_set_rules: bool,
    pager: Pager,
    as_at_href: String,
}

pub async fn list(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<ProjectListQuery>,
) -> AppResult<Response> {
    let page = q.page();
    let (items, sums) = app
        .service
        .programme(&s.actor)?
        .list_projects(&q.to_query()?, page)
        .await?;
    let names = Names::load(&app, &s).await?;
    let lang = s.ctx.lang;
    let f = filters(&names, &q, "/projects", vec![]);
    let link = |p: u32| format!("/projects?{}&page={p}", f.query);
    let today = china_today();
    let last = last_month(today);
    // The links to the forms show only to those the forms would let in.
    let none = PathIds::default();
    let p = ListPage {
        layout: Layout::new(&app, &s.ctx, "projects", lang.t("project.list_title")),
        sums: sums_view(
            lang,
            &sums,
            dongneng_domain::warning::reporting_month(today),
        ),
        rows: items.iter().map(|p| row(&names, p)).collect(),
        can_edit: EditProjects::access(&app, &s, &none).await.is_ok(),
        can_set_rules: ManageSettings::access(&app, &s, &none).await.is_ok(),
        pager: Pager::new(lang, page, sums.count, link),
        as_at_href: format!("/projects/as-at?year={}&month={}", last.0, last.1),
        filters: f,
    };
    Ok(render(&p)?.into_response())
}
