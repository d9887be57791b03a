//! The problem list: filters (state, kind, department, industry, district, overdue, text), a
//! page of problems with their number, state, departments and next deadline, and the links to
//! raise one, to the per-department table and to the supervision ledger.

use super::RaiseProblems;
use crate::AppState;
use crate::api::problems::ProblemListQuery;
use crate::context::{Signed, urlencode};
use crate::error::AppResult;
use crate::extract::Query;
use crate::i18n::Lang;
use crate::pages::form::{Gate, PathIds, choices, mark};
use crate::pages::list::Pager;
use crate::pages::profiles::Depts;
use crate::pages::projects::Names;
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use dongneng_domain::problem::{ProblemKind, ProblemState};
use dongneng_store::Problem;

/// One line of the list.
pub struct Row {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub kind: String,
    pub state: String,
    pub state_code: &'static str,
    pub industry: String,
    pub region: String,
    pub departments: String,
    pub deadline: String,
    pub overdue: bool,
}

pub(super) fn state_label(lang: Lang, s: ProblemState) -> String {
    lang.t(&s.label_key())
}

fn row(lang: Lang, names: &Names, depts: &Depts, p: &Problem) -> Row {
    Row {
        id: p.id,
        number: p.number.clone(),
        title: p.title.clone(),
        kind: lang.t(&p.kind.label_key()),
        state: state_label(lang, p.state),
        state_code: p.state.code(),
        industry: names.industry(p.industry_id),
        region: names.region(p.region_id),
        departments: depts.names(lang, &p.department_ids),
        deadline: p.next_deadline.map(|d| d.to_string()).unwrap_or_default(),
        overdue: p.overdue,
    }
}

/// The filter bar's state.
pub struct Filters {
    pub q: String,
    pub state: Vec<(String, String, bool)>,
    pub kind: Vec<(String, String, bool)>,
    pub industry: Vec<(String, String, bool)>,
    pub district: Vec<(String, String, bool)>,
    pub department: Vec<(String, String, bool)>,
    pub overdue: bool,
    /// The query string of the filters (for paging links).
    pub query: String,
}

fn filters(lang: Lang, names: &Names, depts: &Depts, q: &ProblemListQuery) -> Filters {
    let all = lang.t("problem.all");
    let pick = |opts: Vec<(String, String)>, chosen: Option<String>| {
        let mut v = vec![(String::new(), all.clone())];
        v.extend(opts);
        let chosen = chosen.unwrap_or_default();
        mark(v, |x| x == chosen)
    };
    let mut query: Vec<(&str, String)> = Vec::new();
    let mut put = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            query.push((k, v));
        }
    };
    put("q", q.q.clone());
    put("state", q.state.map(|s| s.code().to_string()));
    put("kind", q.kind.map(|k| k.code().to_string()));
    put("industry", q.industry.map(|v| v.to_string()));
    put("district", q.district.map(|v| v.to_string()));
    put("department", q.department.map(|v| v.to_string()));
    put(
        "overdue",
        q.overdue.filter(|o| *o).map(|_| "true".to_string()),
    );
    Filters {
        q: q.q.clone().unwrap_or_default(),
        state: pick(
            choices(lang, "problem.state", ProblemState::ALL, ProblemState::code),
            q.state.map(|s| s.code().to_string()),
        ),
        kind: pick(
            choices(lang, "problem.kind", ProblemKind::ALL, ProblemKind::code),
            q.kind.map(|k| k.code().to_string()),
        ),
        industry: pick(names.industry_options(), q.industry.map(|v| v.to_string())),
        district: pick(names.region_options(), q.district.map(|v| v.to_string())),
        department: pick(depts.options(lang), q.department.map(|v| v.to_string())),
        overdue: q.overdue.unwrap_or(false),
        query: query
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&"),
    }
}

#[derive(Template)]
#[template(path = "problems_list.html")]
struct ListPage {
    layout: Layout,
    filters: Filters,
    rows: Vec<Row>,
    total_line: String,
    pager: Pager,
    can_raise: bool,
}

pub async fn list(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<ProblemListQuery>,
) -> AppResult<Response> {
    let page = q.page();
    let (items, total) = app
        .service
        .problems(&s.actor)?
        .list(&q.to_query(), page)
        .await?;
    let lang = s.ctx.lang;
    let names = Names::load(&app, &s).await?;
    let depts = Depts::load(&app, &s.actor).await?;
    let f = filters(lang, &names, &depts, &q);
    let link = |p: u32| format!("/problems?{}&page={p}", f.query);
    let p = ListPage {
        layout: Layout::new(&app, &s.ctx, "problems", lang.t("problem.list_title")),
        rows: items.iter().map(|p| row(lang, &names, &depts, p)).collect(),
        total_line: lang.t_with("common.total", &[("n", &total.to_string())]),
        pager: Pager::new(lang, page, total, link),
        can_raise: RaiseProblems::access(&app, &s, &PathIds::default())
            .await
            .is_ok(),
        filters: f,
    };
    Ok(render(&p)?.into_response())
}
