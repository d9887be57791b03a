//! The library as it stood at the end of a past month: the same filters and totals as the
//! list, read from the stored history.

use super::list::{Filters, SumsView, filters, sums_view};
use super::{Names, wan};
use crate::AppState;
use crate::api::projects::AsAtQuery;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::Query;
use crate::pages::list::Pager;
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

pub struct AsAtRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub region: String,
    pub industry: String,
    pub stage: String,
    pub in_library: bool,
    pub total: String,
    pub plan: String,
    pub completed: String,
    pub year_completed: String,
}

#[derive(Template)]
#[template(path = "projects_as_at.html")]
struct AsAtPage {
    layout: Layout,
    heading: String,
    year: i32,
    month: u32,
    filters: Filters,
    sums: SumsView,
    rows: Vec<AsAtRow>,
    pager: Pager,
}

pub async fn as_at(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<AsAtQuery>,
) -> AppResult<Response> {
    let lf = q.filters();
    let page = lf.page();
    let (items, sums) = app
        .service
        .programme(&s.actor)?
        .projects_as_at(q.year, q.month, &lf.to_query()?, page)
        .await?;
    let names = Names::load(&app, &s).await?;
    let lang = s.ctx.lang;
    // The month rides along with the filters.
    let month = vec![
        ("year".into(), q.year.to_string()),
        ("month".into(), q.month.to_string()),
    ];
    let f = filters(&names, &lf, "/projects/as-at", month);
    let link = |p: u32| {
        format!(
            "/projects/as-at?year={}&month={}&{}&page={p}",
            q.year, q.month, f.query
        )
    };
    let p = AsAtPage {
        layout: Layout::new(&app, &s.ctx, "projects", lang.t("project.as_at_title")),
        heading: lang.t_with(
            "project.as_at_heading",
            &[
                ("year", &q.year.to_string()),
                ("month", &q.month.to_string()),
            ],
        ),
        year: q.year,
        month: q.month,
        sums: sums_view(lang, &sums, Some(q.month)),
        rows: items
            .iter()
            .map(|p| AsAtRow {
                id: p.id,
                code: p
                    .code
                    .clone()
                    .unwrap_or_else(|| lang.t("project.code_pending")),
                name: p.name.clone(),
                region: names.region(p.region_id),
                industry: names.industry(p.industry_id),
                stage: lang.t(&format!("stage.{}", p.stage.code())),
                in_library: p.in_library,
                total: wan(p.total_investment),
                plan: wan(p.year_plan),
                completed: wan(p.completed_investment),
                year_completed: wan(p.year_completed),
            })
            .collect(),
        pager: Pager::new(lang, page, sums.count, link),
        filters: f,
    };
    Ok(render(&p)?.into_response())
}
