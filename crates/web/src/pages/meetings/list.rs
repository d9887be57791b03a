//! The meeting list: filters (kind, state, industry, year, title), a page of meetings newest
//! first, and the links to plan a meeting and to the quarterly proposal for those who may.

use super::{MeetingNames, PlanMeetings, ViewMeetings};
use crate::AppState;
use crate::api::meetings::MeetingListQuery;
use crate::context::{Signed, urlencode};
use crate::error::AppResult;
use crate::extract::Query;
use crate::pages::form::{Ctx, Gate, PathIds, Screen, choices, mark};
use crate::pages::list::{Pager, Select};
use crate::pages::{Layout, render};
use askama::Template;
use axum::response::{IntoResponse, Response};
use dongneng_domain::meeting::{MeetingKind, MeetingState};

/// The list of meetings.
pub struct MeetingList;

impl Screen for MeetingList {
    type Gate = ViewMeetings;
    const AREA: &'static str = "meetings";
    const HOME: &'static str = "/meetings";
}

pub struct Row {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub held_on: String,
    pub place: String,
    pub industries: String,
    pub state: String,
    pub state_code: &'static str,
}

#[derive(Template)]
#[template(path = "meetings_list.html")]
struct ListPage {
    layout: Layout,
    selects: Vec<Select>,
    q: String,
    year: String,
    rows: Vec<Row>,
    pager: Pager,
    /// The links of the office: plan a meeting, the proposal.
    planner: bool,
}

pub async fn list(c: Ctx<MeetingList>, Query(q): Query<MeetingListQuery>) -> AppResult<Response> {
    let (app, s): (&AppState, &Signed) = (&c.app, &c.s);
    let page = q.page();
    let (items, total) = c.access.list(&q.to_query(), page).await?;
    let names = MeetingNames::load(app, s).await?;
    let lang = s.ctx.lang;
    let all = lang.t("project.all");
    let select = |name: &'static str,
                  label: String,
                  options: Vec<(String, String)>,
                  chosen: Option<String>| {
        let mut v = vec![(String::new(), all.clone())];
        v.extend(options);
        let chosen = chosen.unwrap_or_default();
        Select {
            name,
            label,
            options: mark(v, |x| x == chosen),
        }
    };
    let selects = vec![
        select(
            "kind",
            lang.t("meetings.field.kind"),
            choices(lang, "meetings.kind", MeetingKind::ALL, MeetingKind::code),
            q.kind.map(|v| v.code().to_string()),
        ),
        select(
            "state",
            lang.field_label("state"),
            choices(
                lang,
                "meetings.state",
                MeetingState::ALL,
                MeetingState::code,
            ),
            q.state.map(|v| v.code().to_string()),
        ),
        select(
            "industry",
            lang.field_label("industry"),
            names.places.industry_options(),
            q.industry.map(|v| v.to_string()),
        ),
    ];
    let mut pairs: Vec<String> = Vec::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            pairs.push(format!("{k}={}", urlencode(&v)));
        }
    };
    put("kind", q.kind.map(|v| v.code().to_string()));
    put("state", q.state.map(|v| v.code().to_string()));
    put("industry", q.industry.map(|v| v.to_string()));
    put("year", q.year.map(|v| v.to_string()));
    put("q", q.q.clone());
    let query = pairs.join("&");
    let link = |p: u32| format!("/meetings?{query}&page={p}");
    let planner = PlanMeetings::access(app, s, &PathIds::default())
        .await
        .is_ok();
    let rows = items
        .iter()
        .map(|m| Row {
            id: m.id,
            title: m.title.clone(),
            kind: names.kind(m),
            held_on: m.held_on.to_string(),
            place: names.place(m),
            industries: names.industries(&m.industry_ids),
            state: lang.t(&m.state.label_key()),
            state_code: m.state.code(),
        })
        .collect();
    let view = ListPage {
        layout: Layout::new(app, &s.ctx, "meetings", lang.t("meetings.list_title")),
        selects,
        q: q.q.clone().unwrap_or_default(),
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        rows,
        pager: Pager::new(lang, page, total, link),
        planner,
    };
    Ok(render(&view)?.into_response())
}
