//! The quarterly proposal (`/meetings/proposal?year=&quarter=`): the industries proposed, each
//! with its reasons, the rules in force, and the form that accepts the proposal and creates
//! the quarterly meeting (posted to `/meetings`; the full form changes it). And a meeting's
//! pack (`/meetings/{id}/pack`): per industry, its key tasks, projects behind plan, open
//! problems and the new tasks decided.

use super::detail::MeetingPage;
use super::{MeetingNames, PlanMeetings, industry_name};
use crate::api::meetings::QuarterQuery;
use crate::error::AppResult;
use crate::extract::Query;
use crate::i18n::Lang;
use crate::pages::form::{Ctx, Screen};
use crate::pages::{Layout, render};
use askama::Template;
use axum::response::{IntoResponse, Response};
use dongneng_domain::Money;
use dongneng_service::meetings::{PackIndustry, ProposalEntry};
use dongneng_store::TaskEntry;

/// The proposal's page.
pub struct ProposalPage;

impl Screen for ProposalPage {
    type Gate = PlanMeetings;
    const AREA: &'static str = "meetings";
    const HOME: &'static str = "/meetings/proposal";
}

struct Entry {
    id: i64,
    name: String,
    score: String,
    reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "meeting_proposal.html")]
struct PropPage {
    layout: Layout,
    intro: String,
    rules: String,
    entries: Vec<Entry>,
    taken: Option<i64>,
    title: String,
    held_on: String,
    leaders: Vec<(String, String)>,
    depts: Vec<(String, String)>,
}

/// Why an industry is proposed, in words.
fn reasons(lang: Lang, recent: u32, e: &ProposalEntry) -> Vec<String> {
    let f = &e.proposed.figures;
    let mut out = vec![if e.proposed.rested {
        lang.t_with("meetings.reason_rested", &[("n", &recent.to_string())])
    } else {
        lang.t("meetings.reason_chosen_recently")
    }];
    out.push(lang.t_with("meetings.reason_red", &[("n", &f.red_warnings.to_string())]));
    out.push(lang.t_with(
        "meetings.reason_overdue",
        &[("n", &f.overdue_tasks.to_string())],
    ));
    out.push(lang.t_with(
        "meetings.reason_gap",
        &[("amount", &Money(e.gap_fen).wan_display())],
    ));
    out
}

pub async fn proposal(c: Ctx<ProposalPage>, Query(q): Query<QuarterQuery>) -> AppResult<Response> {
    let lang = c.lang();
    let p = c.access.proposal(q.year, q.quarter).await?;
    let r = &p.rules.rules;
    let names = MeetingNames::load(&c.app, &c.s).await?;
    let entries = p
        .industries
        .iter()
        .map(|e| Entry {
            id: e.proposed.figures.industry_id,
            name: industry_name(lang, &e.name_zh, &e.name_en),
            score: format!("{:.1}", e.proposed.score),
            reasons: reasons(lang, r.recent_quarters, e),
        })
        .collect();
    let (y, qn) = (p.year.to_string(), p.quarter.to_string());
    let title = lang.t_with("meetings.proposal_title", &[("year", &y), ("quarter", &qn)]);
    // The meeting's day: today when in the quarter, else the quarter's first day.
    let today = dongneng_domain::clock::today();
    let key = i64::from(p.year) * 10 + i64::from(p.quarter);
    let held_on = if dongneng_domain::meeting::quarter_key(today) == key {
        today
    } else {
        chrono::NaiveDate::from_ymd_opt(p.year, (p.quarter - 1) * 3 + 1, 1).unwrap_or(today)
    };
    let page = PropPage {
        layout: Layout::new(&c.app, &c.s.ctx, "meetings", title.clone()),
        intro: lang.t_with("meetings.proposal_intro", &[("pick", &r.pick.to_string())]),
        rules: lang.t_with(
            "meetings.proposal_rules",
            &[
                ("recent", &r.recent_quarters.to_string()),
                ("red", &r.weight_red.to_string()),
                ("overdue", &r.weight_overdue.to_string()),
                ("gap", &r.weight_gap.to_string()),
            ],
        ),
        entries,
        taken: p.existing_meeting_id,
        title: title.split('：').next().unwrap_or(&title).to_string(),
        held_on: held_on.to_string(),
        leaders: names
            .leaders
            .iter()
            .map(|(i, n)| (i.to_string(), n.clone()))
            .collect(),
        depts: names.depts.in_use(lang, &[]),
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------- the pack

struct TaskLine {
    id: i64,
    title: String,
    lead: String,
    deadline: String,
    status: String,
}

struct IndustryView {
    name: String,
    tasks_line: String,
    overdue: Vec<TaskLine>,
    projects: Vec<(i64, String, String, String, String)>,
    problems: Vec<(i64, String, String, String)>,
    decided: Vec<TaskLine>,
}

#[derive(Template)]
#[template(path = "meeting_pack.html")]
struct PackPage {
    layout: Layout,
    id: i64,
    as_of: String,
    industries: Vec<IndustryView>,
    other: Vec<TaskLine>,
}

fn task_line(names: &MeetingNames, e: &TaskEntry) -> TaskLine {
    let lang = names.lang;
    let t = &e.task;
    let mut status = lang.t(&t.status.label_key());
    if e.overdue {
        let late = lang.t_with("task.days_overdue", &[("n", &e.days_overdue.to_string())]);
        status = format!("{status} · {late}");
    }
    TaskLine {
        id: t.id,
        title: t.title.clone(),
        lead: t
            .lead_department_id
            .map(|d| names.department(d))
            .unwrap_or_default(),
        deadline: t.deadline.to_string(),
        status,
    }
}

fn industry_view(names: &MeetingNames, i: &PackIndustry) -> IndustryView {
    let lang = names.lang;
    let n = &i.tasks;
    let count = |v: i64| v.to_string();
    IndustryView {
        name: industry_name(lang, &i.name_zh, &i.name_en),
        tasks_line: lang.t_with(
            "meetings.pack_tasks_line",
            &[
                ("all", &count(n.all)),
                ("not_started", &count(n.not_started)),
                ("in_progress", &count(n.in_progress)),
                ("pending_check", &count(n.pending_check)),
                ("closed", &count(n.closed)),
                ("overdue", &count(n.overdue)),
            ],
        ),
        overdue: i
            .overdue_tasks
            .iter()
            .map(|t| task_line(names, t))
            .collect(),
        projects: i
            .behind_projects
            .iter()
            .map(|p| {
                (
                    p.id,
                    p.name.clone(),
                    lang.t(&format!("level.{}", p.warning_level)),
                    Money(p.year_plan).wan_display(),
                    Money(p.year_completed).wan_display(),
                )
            })
            .collect(),
        problems: i
            .open_problems
            .iter()
            .map(|p| {
                (
                    p.id,
                    dongneng_domain::problem::number(p.year as i32, p.seq),
                    p.title.clone(),
                    lang.t(&format!("problem.state.{}", p.state)),
                )
            })
            .collect(),
        decided: i.decided.iter().map(|t| task_line(names, t)).collect(),
    }
}

pub async fn pack(c: Ctx<MeetingPage>) -> AppResult<Response> {
    let lang = c.lang();
    let p = c.access.pack(c.path.id(0)?).await?;
    let names = MeetingNames::load(&c.app, &c.s).await?;
    let title = lang.t_with("meetings.pack_title", &[("title", &p.meeting.title)]);
    let page = PackPage {
        layout: Layout::new(&c.app, &c.s.ctx, "meetings", title),
        id: p.meeting.id,
        as_of: lang.t_with("meetings.pack_as_of", &[("day", &p.as_of.to_string())]),
        industries: p
            .industries
            .iter()
            .map(|i| industry_view(&names, i))
            .collect(),
        other: p
            .other_decided
            .iter()
            .map(|t| task_line(&names, t))
            .collect(),
    };
    Ok(render(&page)?.into_response())
}
