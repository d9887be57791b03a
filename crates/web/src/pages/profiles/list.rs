//! The list of industries the user may read, with how much of each structure is in place.

use super::Depts;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::pages::list::{Cell, ListPage, Table};
use crate::pages::{Layout, in_lang, render};
use axum::extract::State;
use axum::response::{IntoResponse, Response};

pub async fn list(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let rows = app.service.profiles(&s.actor)?.list().await?;
    let depts = Depts::load(&app, &s.actor).await?;
    let table = Table::of(
        [
            "profile.col_industry",
            "profile.col_leader",
            "profile.col_lead_department",
            "profile.col_members",
            "profile.col_contact",
            "profile.col_experts",
            "profile.col_alliances",
            "profile.col_plans",
            "profile.col_measures",
        ]
        .iter()
        .map(|k| lang.t(k))
        .collect(),
        &rows,
        |r| format!("industry-{}", r.key),
        |r| {
            let name = in_lang(lang, &r.name_zh, &r.name_en);
            vec![
                Cell::link(name, format!("/industries/{}", r.industry_id)),
                Cell::text(r.leader_name.clone().unwrap_or_else(|| "—".into())),
                Cell::text(depts.name(lang, r.lead_department_id)),
                Cell::text(r.members.to_string()),
                Cell::text(lang.t(if r.contacts > 0 {
                    "common.yes"
                } else {
                    "common.no"
                })),
                Cell::text(r.experts.to_string()),
                Cell::text(r.alliances.to_string()),
                Cell::text(lang.t_with(
                    "profile.plans_count",
                    &[
                        ("published", &r.plans_published.to_string()),
                        ("total", &r.special_plans.to_string()),
                    ],
                )),
                Cell::text(lang.t_with(
                    "profile.measures_count",
                    &[
                        ("overdue", &r.measures_overdue.to_string()),
                        ("total", &r.measures.to_string()),
                    ],
                )),
            ]
        },
    );
    let layout = Layout::new(&app, &s.ctx, "industries", lang.t("profile.list_title"));
    let page = ListPage::new(layout, table, rows.len() as i64).intro(lang.t("profile.list_intro"));
    Ok(render(&page)?.into_response())
}
