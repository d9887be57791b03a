//! A meeting's page: its facts and state, the agenda with outcomes, attendees, minutes and
//! decisions (each with the key task it became), and — for the office — the forms that hold
//! it, publish its minutes, cancel it and record its parts. The forms come back to it; their
//! errors show at the top.

use super::{MeetingNames, ViewMeetings};
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::i18n::china_time;
use crate::pages::form::{Action, ActionPage, Ctx, FormData, Notice, PathIds, Screen};
use crate::pages::{Layout, render};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dongneng_domain::FieldErrors;
use dongneng_domain::document::SourceKind;
use dongneng_domain::meeting::{
    AgendaInput, AttendeeInput, DecisionInput, MeetingStep, MinutesInput, OutcomeInput,
};
use dongneng_service::ServiceError;
use dongneng_service::meetings::MeetingDetail;

/// A meeting's page.
pub struct MeetingPage;

impl Screen for MeetingPage {
    type Gate = ViewMeetings;
    const AREA: &'static str = "meetings";
    const HOME: &'static str = "/meetings/{id}";
}

/// The forms of the office on a meeting's page.
pub struct Managing;

impl Screen for Managing {
    type Gate = super::ManageMeeting;
    const AREA: &'static str = "meetings";
    const HOME: &'static str = "/meetings/{id}";
}

struct AgendaView {
    id: i64,
    topic: String,
    problem_href: Option<String>,
    outcome: String,
}

struct DecisionView {
    title: String,
    lead: String,
    deadline: String,
    task_href: String,
    task_status: String,
    late: Option<String>,
}

#[derive(Template)]
#[template(path = "meeting_detail.html")]
struct DetailPage {
    layout: Layout,
    id: i64,
    version: i64,
    state_code: &'static str,
    state: String,
    reason: Option<String>,
    facts: Vec<(String, String)>,
    agenda: Vec<AgendaView>,
    attendees: Vec<String>,
    minutes: String,
    decisions: Vec<DecisionView>,
    can_hold: bool,
    can_publish: bool,
    can_cancel: bool,
    /// Agenda and attendees still change.
    editable: bool,
    /// Outcomes, minutes and decisions are recorded now.
    recording: bool,
    edit_href: Option<String>,
    users: Vec<(String, String)>,
    /// The official documents made of the meeting: link, file name, who and when.
    documents: Vec<(String, String, String)>,
    depts: Vec<(String, String)>,
    industries: Vec<(String, String)>,
    errors: Vec<String>,
}

async fn render_detail(
    app: &AppState,
    s: &Signed,
    d: MeetingDetail,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let names = MeetingNames::load(app, s).await?;
    let m = &d.meeting;
    let or_dash = |v: String| if v.trim().is_empty() { "—".into() } else { v };
    let mut facts = vec![
        (lang.t("meetings.field.kind"), names.kind(m)),
        (lang.field_label("held_on"), m.held_on.to_string()),
        (lang.field_label("mode"), lang.t(&m.mode.label_key())),
        (lang.field_label("place"), or_dash(names.place(m))),
        (
            lang.field_label("chair_user_id"),
            or_dash(names.leader(m.chair_user_id)),
        ),
        (
            lang.field_label("organiser_department_id"),
            names.department(m.organiser_department_id),
        ),
        (
            lang.field_label("industry_ids"),
            or_dash(names.industries(&m.industry_ids)),
        ),
    ];
    if let Some(r) = m.region_id {
        facts.push((lang.field_label("region_id"), names.places.region(r)));
    }
    if m.kind == dongneng_domain::meeting::MeetingKind::Quarterly && !m.extra {
        let proposal = names.industries(&m.proposed_industry_ids.0);
        let how = lang.t(if m.followed_proposal {
            "meetings.followed"
        } else {
            "meetings.overridden"
        });
        facts.push((
            lang.t("meetings.proposed"),
            format!("{} （{how}）", or_dash(proposal)),
        ));
    }
    let (users, depts, industries) = if d.can.manage {
        let users = match app.service.meetings(&s.actor) {
            Ok(r) => r.leaders().await?,
            Err(_) => vec![],
        };
        (
            users.into_iter().map(|(i, n)| (i.to_string(), n)).collect(),
            names.depts.in_use(lang, &[]),
            m.industry_ids
                .iter()
                .map(|i| (i.to_string(), names.places.industry(*i)))
                .collect(),
        )
    } else {
        (vec![], vec![], vec![])
    };
    let has = |st: MeetingStep| d.can.steps.contains(&st);
    let documents = app
        .service
        .documents_of(&s.actor, SourceKind::Meeting, m.id)
        .await?
        .iter()
        .map(|doc| {
            let made = lang.t_with(
                "document.made_by",
                &[
                    ("who", &doc.created_by),
                    ("at", &china_time(doc.created_at)),
                ],
            );
            (
                format!("/documents/{}", doc.id),
                doc.file_name.clone(),
                made,
            )
        })
        .collect();
    let page = DetailPage {
        layout: Layout::new(app, &s.ctx, "meetings", m.title.clone()).with_notice(notice),
        id: m.id,
        version: m.version,
        state_code: m.state.code(),
        state: lang.t(&m.state.label_key()),
        reason: m.cancel_reason.clone(),
        facts,
        agenda: d
            .agenda
            .iter()
            .map(|a| AgendaView {
                id: a.id,
                topic: a.topic.clone(),
                problem_href: a.problem_id.map(|p| format!("/problems/{p}")),
                outcome: a.outcome.clone().unwrap_or_default(),
            })
            .collect(),
        attendees: d
            .attendees
            .iter()
            .map(|a| match (&a.user_id, &a.guest_name) {
                (Some(u), _) => {
                    let n = names.leader(*u);
                    if n.is_empty() { format!("#{u}") } else { n }
                }
                (None, Some(g)) => match &a.guest_org {
                    Some(o) => format!("{g}（{o}，{}）", lang.t("meetings.guest")),
                    None => format!("{g}（{}）", lang.t("meetings.guest")),
                },
                (None, None) => String::new(),
            })
            .collect(),
        minutes: m.minutes.clone(),
        decisions: d
            .decisions
            .iter()
            .map(|e| DecisionView {
                title: e.decision.title.clone(),
                lead: names.department(e.decision.lead_department_id),
                deadline: e.decision.deadline.to_string(),
                task_href: format!("/tasks/{}", e.decision.task_id),
                task_status: e
                    .task
                    .as_ref()
                    .map(|t| lang.t(&t.task.status.label_key()))
                    .unwrap_or_default(),
                late: e.task.as_ref().filter(|t| t.overdue).map(|t| {
                    lang.t_with("task.days_overdue", &[("n", &t.days_overdue.to_string())])
                }),
            })
            .collect(),
        can_hold: has(MeetingStep::Hold),
        can_publish: has(MeetingStep::Publish),
        can_cancel: has(MeetingStep::Cancel),
        editable: d.can.manage && m.state.editable(),
        recording: d.can.manage && m.state.records(),
        edit_href: (d.can.manage && m.state.editable()).then(|| format!("/meetings/{}/edit", m.id)),
        users,
        documents,
        depts,
        industries,
        errors: errors.0.iter().map(|e| lang.field_message(e)).collect(),
    };
    Ok((status, render(&page)?).into_response())
}

async fn reshow_detail(
    app: &AppState,
    s: &Signed,
    path: &PathIds,
    errors: &FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let d = app.service.meetings(&s.actor)?.detail(path.id(0)?).await?;
    render_detail(app, s, d, errors, status, None).await
}

pub async fn detail(c: Ctx<MeetingPage>, notice: Option<Notice>) -> AppResult<Response> {
    let d = c.access.detail(c.path.id(0)?).await?;
    let none = FieldErrors::new();
    render_detail(&c.app, &c.s, d, &none, StatusCode::OK, notice).await
}

impl ActionPage for Managing {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow_detail(&c.app, &c.s, &c.path, errors, status).await
    }
}

/// The meeting took place.
pub struct Hold;

impl Action for Hold {
    type Page = Managing;
    type Input = i64;

    fn read(f: &FormData) -> AppResult<(i64, FieldErrors)> {
        Ok((f.version()?, FieldErrors::new()))
    }

    async fn run(c: &Ctx<Managing>, version: i64) -> Result<(), ServiceError> {
        c.access.hold(version).await.map(drop)
    }
}

/// Its minutes are published.
pub struct Publish;

impl Action for Publish {
    type Page = Managing;
    type Input = i64;

    fn read(f: &FormData) -> AppResult<(i64, FieldErrors)> {
        Ok((f.version()?, FieldErrors::new()))
    }

    async fn run(c: &Ctx<Managing>, version: i64) -> Result<(), ServiceError> {
        c.access.publish(version).await.map(drop)
    }
}

/// Called off, with the reason.
pub struct Cancel;

impl Action for Cancel {
    type Page = Managing;
    type Input = (i64, String);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        Ok(((f.version()?, f.get("cancel_reason")), FieldErrors::new()))
    }

    async fn run(c: &Ctx<Managing>, (version, reason): Self::Input) -> Result<(), ServiceError> {
        c.access.cancel(version, &reason).await.map(drop)
    }
}

/// The minutes saved.
pub struct Minutes;

impl Action for Minutes {
    type Page = Managing;
    type Input = (i64, MinutesInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let minutes = MinutesInput {
            minutes: f.get("minutes"),
        };
        Ok(((f.version()?, minutes), FieldErrors::new()))
    }

    async fn run(c: &Ctx<Managing>, (version, m): Self::Input) -> Result<(), ServiceError> {
        c.access.save_minutes(version, m).await.map(drop)
    }
}

/// A topic or a problem put on the agenda.
pub struct Agenda;

impl Action for Agenda {
    type Page = Managing;
    type Input = (i64, AgendaInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let item = AgendaInput {
            topic: f.get("topic"),
            problem_id: f.opt_id("problem_id", &mut errs),
        };
        Ok(((f.version()?, item), errs))
    }

    async fn run(c: &Ctx<Managing>, (version, item): Self::Input) -> Result<(), ServiceError> {
        c.access.add_agenda_item(version, item).await.map(drop)
    }
}

/// The outcome of agenda item `{a}`.
pub struct Outcome;

impl Action for Outcome {
    type Page = Managing;
    type Input = (i64, OutcomeInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let o = OutcomeInput {
            outcome: f.get("outcome"),
        };
        Ok(((f.version()?, o), FieldErrors::new()))
    }

    async fn run(c: &Ctx<Managing>, (version, o): Self::Input) -> Result<(), ServiceError> {
        let item = c.path.id(1)?;
        c.access.record_outcome(version, item, o).await.map(drop)
    }
}

/// An attendee added.
pub struct Attend;

impl Action for Attend {
    type Page = Managing;
    type Input = (i64, AttendeeInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let a = AttendeeInput {
            user_id: f.opt_id("user_id", &mut errs),
            guest_name: f.opt("guest_name"),
            guest_org: f.opt("guest_org"),
        };
        Ok(((f.version()?, a), errs))
    }

    async fn run(c: &Ctx<Managing>, (version, a): Self::Input) -> Result<(), ServiceError> {
        c.access.add_attendee(version, a).await.map(drop)
    }
}

/// A decision recorded: it becomes a key task.
pub struct Decide;

impl Action for Decide {
    type Page = Managing;
    type Input = (i64, DecisionInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let d = DecisionInput {
            title: f.get("title"),
            details: f.get("details"),
            lead_department_id: f.opt_id("lead_department_id", &mut errs),
            co_department_ids: f.ids("co_department_ids", &mut errs),
            deadline: f.date("deadline", &mut errs),
            industry_id: f.opt_id("industry_id", &mut errs),
        };
        Ok(((f.version()?, d), errs))
    }

    async fn run(c: &Ctx<Managing>, (version, d): Self::Input) -> Result<(), ServiceError> {
        c.access.add_decision(version, d).await.map(drop)
    }
}
