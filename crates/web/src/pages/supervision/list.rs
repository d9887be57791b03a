//! The supervision ledger (督办台账): every item the user may read with its number, units,
//! deadline, state, days left or overdue and replies; filters; the xlsx export; the link to
//! issue an item for the supervisor.

use super::IssueSupervision;
use crate::AppState;
use crate::api::supervision::LedgerQuery;
use crate::context::{Signed, urlencode};
use crate::error::AppResult;
use crate::extract::Query;
use crate::i18n::Lang;
use crate::pages::form::{Gate, PathIds, choices, mark};
use crate::pages::list::Pager;
use crate::pages::profiles::Depts;
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use dongneng_domain::supervision::SupervisionState;
use dongneng_store::SupervisionItem;

pub struct Row {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub units: String,
    pub deadline: String,
    pub state: String,
    pub state_code: &'static str,
    /// "还剩 3 天" / "逾期 2 天" / "" once closed.
    pub days: String,
    pub overdue: bool,
    pub replied: String,
}

/// Days left or overdue, in words.
pub(super) fn days_text(lang: Lang, item: &SupervisionItem) -> String {
    if item.state == SupervisionState::Closed {
        return String::new();
    }
    let (key, n) = if item.days_left < 0 {
        ("supervision.days_overdue", -item.days_left)
    } else {
        ("supervision.days_left", item.days_left)
    };
    lang.t_with(key, &[("n", &n.to_string())])
}

fn row(lang: Lang, depts: &Depts, i: &SupervisionItem) -> Row {
    Row {
        id: i.id,
        number: i.number.clone(),
        title: i.title.clone(),
        units: depts.names(lang, &i.unit_ids),
        deadline: i.deadline.to_string(),
        state: lang.t(&i.state.label_key()),
        state_code: i.state.code(),
        days: days_text(lang, i),
        overdue: i.overdue,
        replied: format!("{}/{}", i.replied_unit_ids.len(), i.unit_ids.len()),
    }
}

#[derive(Template)]
#[template(path = "supervision_list.html")]
struct LedgerPage {
    layout: Layout,
    q: String,
    states: Vec<(String, String, bool)>,
    overdue: bool,
    query: String,
    rows: Vec<Row>,
    total_line: String,
    pager: Pager,
    can_issue: bool,
}

pub async fn ledger(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<LedgerQuery>,
) -> AppResult<Response> {
    let page = q.page();
    let (items, total) = app
        .service
        .supervision(&s.actor)?
        .ledger(&q.to_query(), page)
        .await?;
    let lang = s.ctx.lang;
    let depts = Depts::load(&app, &s.actor).await?;
    let mut query = Vec::new();
    if let Some(v) = q.q.as_ref().filter(|v| !v.is_empty()) {
        query.push(format!("q={}", urlencode(v)));
    }
    if let Some(st) = q.state {
        query.push(format!("state={}", st.code()));
    }
    if q.overdue == Some(true) {
        query.push("overdue=true".into());
    }
    let query = query.join("&");
    let chosen = q.state.map(|s| s.code().to_string()).unwrap_or_default();
    let mut states = vec![(String::new(), lang.t("problem.all"))];
    states.extend(choices(
        lang,
        "supervision.state",
        SupervisionState::ALL,
        SupervisionState::code,
    ));
    let link = |p: u32| format!("/supervision?{query}&page={p}");
    let page = LedgerPage {
        layout: Layout::new(&app, &s.ctx, "problems", lang.t("supervision.ledger_title")),
        q: q.q.clone().unwrap_or_default(),
        states: mark(states, |v| v == chosen),
        overdue: q.overdue == Some(true),
        rows: items.iter().map(|i| row(lang, &depts, i)).collect(),
        total_line: lang.t_with("common.total", &[("n", &total.to_string())]),
        pager: Pager::new(lang, page, total, link),
        can_issue: IssueSupervision::access(&app, &s, &PathIds::default())
            .await
            .is_ok(),
        query,
    };
    Ok(render(&page)?.into_response())
}
