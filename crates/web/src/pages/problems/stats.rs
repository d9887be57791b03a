//! The per-department table for a chosen period, sortable by any column (a header link sorts
//! by it, a second click turns the order round).

use crate::AppState;
use crate::api::problems::StatsQuery;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::Query;
use crate::pages::profiles::Depts;
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use dongneng_service::problems::StatsSort;

/// The columns, in order: the sort key, the header's message key.
const COLUMNS: [(StatsSort, &str, &str); 9] = [
    (StatsSort::Department, "department", "field.department"),
    (StatsSort::Received, "received", "problem.stats.received"),
    (
        StatsSort::SignedOnTime,
        "signed_on_time",
        "problem.stats.signed_on_time",
    ),
    (
        StatsSort::AnsweredOnTime,
        "answered_on_time",
        "problem.stats.answered_on_time",
    ),
    (
        StatsSort::AnsweredLate,
        "answered_late",
        "problem.stats.answered_late",
    ),
    (StatsSort::Urged, "urged", "problem.stats.urged"),
    (StatsSort::Open, "open", "problem.stats.open"),
    (
        StatsSort::AvgAnswerDays,
        "avg_answer_days",
        "problem.stats.avg_answer_days",
    ),
    (
        StatsSort::AvgResolveDays,
        "avg_resolve_days",
        "problem.stats.avg_resolve_days",
    ),
];

pub struct Header {
    pub label: String,
    pub href: String,
    pub id: String,
    /// `asc`, `desc` or empty when not the sort column.
    pub sorted: &'static str,
}

#[derive(Template)]
#[template(path = "problems_stats.html")]
struct StatsPage {
    layout: Layout,
    from: String,
    to: String,
    headers: Vec<Header>,
    rows: Vec<Vec<String>>,
}

fn days(d: Option<f64>) -> String {
    d.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".into())
}

pub async fn stats(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<StatsQuery>,
) -> AppResult<Response> {
    let reader = app.service.problems(&s.actor)?;
    let sort = q.sort.unwrap_or_default();
    let descending = q.descending()?;
    let (from, to, items) = reader
        .department_stats(q.from, q.to, sort, descending)
        .await?;
    let lang = s.ctx.lang;
    let depts = Depts::load(&app, &s.actor).await?;
    let headers = COLUMNS
        .iter()
        .map(|(key, code, label)| {
            let on = *key == sort;
            // The sorted column turns round; another starts largest first.
            let order = if on && descending { "asc" } else { "desc" };
            Header {
                label: lang.t(label),
                href: format!(
                    "/problems/department-stats?from={from}&to={to}&sort={code}&order={order}"
                ),
                id: format!("sort-{code}"),
                sorted: match (on, descending) {
                    (false, _) => "",
                    (true, true) => "desc",
                    (true, false) => "asc",
                },
            }
        })
        .collect();
    let rows = items
        .iter()
        .map(|r| {
            vec![
                depts.name(lang, Some(r.department_id)),
                r.received.to_string(),
                r.signed_on_time.to_string(),
                r.answered_on_time.to_string(),
                r.answered_late.to_string(),
                r.urged.to_string(),
                r.open.to_string(),
                days(r.avg_answer_days),
                days(r.avg_resolve_days),
            ]
        })
        .collect();
    let page = StatsPage {
        layout: Layout::new(&app, &s.ctx, "problems", lang.t("problem.stats_title")),
        from: from.to_string(),
        to: to.to_string(),
        headers,
        rows,
    };
    Ok(render(&page)?.into_response())
}
