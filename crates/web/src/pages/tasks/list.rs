//! The task list: the filter bar, the counts by status and overdue (each a link that filters
//! by it), a page of tasks — the overdue ones in red with how many days — and the link to
//! issue a task for those who may.

use super::{IssueTasks, TaskNames, ViewTasks, status_text};
use crate::AppState;
use crate::api::tasks::TaskListQuery;
use crate::context::{Signed, urlencode};
use crate::error::AppResult;
use crate::extract::Query;
use crate::i18n::Lang;
use crate::pages::form::{Ctx, Gate, PathIds, Screen, choices, mark};
use crate::pages::list::{Pager, Select};
use crate::pages::{Layout, render};
use askama::Template;
use axum::response::{IntoResponse, Response};
use dongneng_domain::task::{TaskSource, TaskStatus};
use dongneng_store::{TaskCounts, TaskEntry};

/// The list of tasks.
pub struct TaskList;

impl Screen for TaskList {
    type Gate = ViewTasks;
    const AREA: &'static str = "tasks";
    const HOME: &'static str = "/tasks";
}

pub struct Row {
    pub id: i64,
    pub title: String,
    pub source: String,
    pub place: String,
    pub lead: String,
    pub deadline: String,
    pub status: String,
    /// "N days overdue", when it is.
    pub late: Option<String>,
}

/// A count that filters the list by what it counts.
pub struct CountLink {
    pub id: String,
    pub label: String,
    pub n: i64,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "tasks_list.html")]
struct ListPage {
    layout: Layout,
    selects: Vec<Select>,
    q: String,
    deadline_from: String,
    deadline_to: String,
    counts: Vec<CountLink>,
    rows: Vec<Row>,
    pager: Pager,
    new_href: Option<String>,
}

fn row(names: &TaskNames, e: &TaskEntry) -> Row {
    let lang = names.lang;
    let t = &e.task;
    let (status, late) = status_text(lang, e);
    Row {
        id: t.id,
        title: t.title.clone(),
        source: lang.t(&t.source.label_key()),
        place: names.place(t),
        lead: names.department(t.lead_department_id),
        deadline: t.deadline.to_string(),
        status,
        late,
    }
}

/// The query string of the filters, without the status and overdue flag (the counts add
/// theirs) and the page.
fn base_query(q: &TaskListQuery) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let mut put = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            pairs.push((k, v));
        }
    };
    put("source", q.source.map(|s| s.code().to_string()));
    put("industry", q.industry.map(|v| v.to_string()));
    put("region", q.region.map(|v| v.to_string()));
    put("department", q.department.map(|v| v.to_string()));
    put("deadline_from", q.deadline_from.map(|d| d.to_string()));
    put("deadline_to", q.deadline_to.map(|d| d.to_string()));
    put("q", q.q.clone());
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The counts, each a link to the list filtered by it.
fn count_links(lang: Lang, q: &TaskListQuery, n: &TaskCounts) -> Vec<CountLink> {
    let base = base_query(q);
    let href = |extra: &str| {
        let all = [base.as_str(), extra]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        format!("/tasks?{all}")
    };
    let overdue = q.overdue == Some(true);
    let mut out = vec![CountLink {
        id: "count-all".into(),
        label: lang.t("task.count_all"),
        n: n.all,
        href: href(""),
        current: q.status.is_none() && !overdue,
    }];
    for (status, count) in [
        (TaskStatus::NotStarted, n.not_started),
        (TaskStatus::InProgress, n.in_progress),
        (TaskStatus::PendingCheck, n.pending_check),
        (TaskStatus::Closed, n.closed),
        (TaskStatus::Cancelled, n.cancelled),
    ] {
        out.push(CountLink {
            id: format!("count-{}", status.code()),
            label: lang.t(&status.label_key()),
            n: count,
            href: href(&format!("status={}", status.code())),
            current: q.status == Some(status) && !overdue,
        });
    }
    out.push(CountLink {
        id: "count-overdue".into(),
        label: lang.t("task.overdue"),
        n: n.overdue,
        href: href("overdue=true"),
        current: overdue,
    });
    out
}

pub async fn list(c: Ctx<TaskList>, Query(q): Query<TaskListQuery>) -> AppResult<Response> {
    let (app, s): (&AppState, &Signed) = (&c.app, &c.s);
    let page = q.page();
    let (items, counts) = c.access.list(&q.to_query(), page).await?;
    let names = TaskNames::load(app, s).await?;
    let lang = s.ctx.lang;
    let all = lang.t("project.all");
    let select = |name: &'static str, options: Vec<(String, String)>, chosen: Option<String>| {
        let mut v = vec![(String::new(), all.clone())];
        v.extend(options);
        let chosen = chosen.unwrap_or_default();
        Select {
            name,
            label: lang.field_label(name),
            options: mark(v, |x| x == chosen),
        }
    };
    let sources = choices(lang, "task.source", TaskSource::ALL, TaskSource::code);
    let statuses = choices(lang, "task.status", TaskStatus::ALL, TaskStatus::code);
    let selects = vec![
        select("status", statuses, q.status.map(|v| v.code().to_string())),
        select(
            "overdue",
            vec![("true".into(), lang.t("task.overdue_only"))],
            q.overdue.filter(|o| *o).map(|_| "true".to_string()),
        ),
        select("source", sources, q.source.map(|v| v.code().to_string())),
        select(
            "industry",
            names.places.industry_options(),
            q.industry.map(|v| v.to_string()),
        ),
        select(
            "region",
            names.places.region_options(),
            q.region.map(|v| v.to_string()),
        ),
        select(
            "department",
            names
                .depts
                .in_use(lang, &q.department.into_iter().collect::<Vec<_>>()),
            q.department.map(|v| v.to_string()),
        ),
    ];
    let base = base_query(&q);
    let mut query = base.clone();
    if let Some(st) = q.status {
        query = format!("{query}&status={}", st.code());
    }
    if q.overdue == Some(true) {
        query = format!("{query}&overdue=true");
    }
    let link = |p: u32| format!("/tasks?{query}&page={p}");
    let none = PathIds::default();
    let new_href = IssueTasks::access(app, s, &none)
        .await
        .ok()
        .map(|_| "/tasks/new".to_string());
    let page_view = ListPage {
        layout: Layout::new(app, &s.ctx, "tasks", lang.t("task.list_title")),
        selects,
        q: q.q.clone().unwrap_or_default(),
        deadline_from: q.deadline_from.map(|d| d.to_string()).unwrap_or_default(),
        deadline_to: q.deadline_to.map(|d| d.to_string()).unwrap_or_default(),
        counts: count_links(lang, &q, &counts),
        rows: items.iter().map(|e| row(&names, e)).collect(),
        pager: Pager::new(lang, page, counts.matching, link),
        new_href,
    };
    Ok(render(&page_view)?.into_response())
}
