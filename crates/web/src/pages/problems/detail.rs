//! The problem page: its facts, its departments' assignments (signed within a day or not,
//! overdue, answers, urges), files, the leaders' instructions and the timeline of every step;
//! and the forms each role may use on it — the office's assign, return, escalate and resolve,
//! a department's sign and answer, the urge, the leader's instruction, attachments — which
//! come back to it.

use super::form::ProblemForm;
use super::list::state_label;
use super::{AnswerProblems, InstructProblems, ManageProblems, UrgeProblems};
use crate::AppState;
use crate::context::{Signed, urlencode};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, china_time};
use crate::pages::form::{Action, ActionPage, Ctx, FormData, Gate, Notice, PathIds, Screen};
use crate::pages::profiles::Depts;
use crate::pages::projects::Names;
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::Multipart;
use axum::extract::State;
use axum::extract::multipart::MultipartRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dongneng_domain::FieldErrors;
use dongneng_domain::clock;
use dongneng_domain::problem::{
    AnswerInput, AssignInput, AssignmentInput, AssignmentMove, AssignmentState, EscalateInput,
    InstructionInput, ProblemMove, ResolveInput, ReturnInput, URGE_WINDOW_DAYS, UrgeInput,
};
use dongneng_service::ServiceError;
use dongneng_store::ProblemDetail;

pub struct AssignmentView {
    pub department: String,
    pub deadline: String,
    pub state: String,
    pub signed: String,
    pub sign_late: bool,
    pub overdue: bool,
    pub answer: String,
    pub answered: String,
    pub answered_late: bool,
    pub return_reason: String,
    pub urges: i32,
}

pub struct FileView {
    pub name: String,
    pub href: String,
    pub size: String,
    /// The department whose answer it belongs to.
    pub of: String,
}

pub struct EventView {
    pub at: String,
    pub what: String,
    pub department: String,
    pub text: String,
    pub who: String,
}

pub struct InstructionView {
    pub at: String,
    pub leader: String,
    pub text: String,
    pub lead: String,
    pub co: String,
    pub deadline: String,
}

/// The forms a role gets, with the choices each offers.
#[derive(Default)]
pub struct Forms {
    pub edit: bool,
    /// Departments to assign to (active ones not yet assigned); `None`: no assign form.
    pub assign: Option<Vec<(String, String)>>,
    /// Departments whose answer may be sent back.
    pub returnable: Vec<(String, String)>,
    pub escalate: bool,
    pub resolve: bool,
    pub sign: bool,
    pub answer: bool,
    /// Departments that may be urged now.
    pub urgeable: Vec<(String, String)>,
    pub instruct: Option<Vec<(String, String)>>,
    pub upload_action: Option<String>,
}

#[derive(Template)]
#[template(path = "problem_detail.html")]
struct DetailPage {
    layout: Layout,
    id: i64,
    version: i64,
    state: String,
    state_code: &'static str,
    overdue: bool,
    facts: Vec<(String, String)>,
    project_href: Option<String>,
    assignments: Vec<AssignmentView>,
    files: Vec<FileView>,
    instructions: Vec<InstructionView>,
    timeline: Vec<EventView>,
    forms: Forms,
    errors: Vec<String>,
}

fn file_size(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1024.0 / 1024.0)
    } else {
        format!("{:.1} KB", n as f64 / 1024.0)
    }
}

/// The forms `s` may use on problem `path`, as its permission hooks say.
async fn forms(
    app: &AppState,
    s: &Signed,
    path: &PathIds,
    d: &ProblemDetail,
    depts: &Depts,
) -> Forms {
    let lang = s.ctx.lang;
    let p = &d.problem;
    let option = |id: i64| (id.to_string(), depts.name(lang, Some(id)));
    let mut f = Forms::default();
    if ManageProblems::access(app, s, path).await.is_ok() {
        f.edit = p.state.allows(ProblemMove::Edit);
        f.assign = p.state.allows(ProblemMove::Assign).then(|| {
            depts
                .0
                .iter()
                .filter(|x| x.active && !p.department_ids.contains(&x.id))
                .map(|x| option(x.id))
                .collect()
        });
        f.returnable = d
            .assignments
            .iter()
            .filter(|a| a.state.allows(AssignmentMove::Return))
            .map(|a| option(a.department_id))
            .collect();
        f.escalate = p.state.allows(ProblemMove::Escalate);
        f.resolve = p.state.allows(ProblemMove::Resolve);
    }
    if let Ok(a) = AnswerProblems::access(app, s, path).await {
        f.sign = a.assignment().state.allows(AssignmentMove::Sign);
        f.answer = a.assignment().state.allows(AssignmentMove::Answer);
    }
    if UrgeProblems::access(app, s, path).await.is_ok() {
        let today = clock::today();
        f.urgeable = d
            .assignments
            .iter()
            .filter(|a| a.state.is_open() && (a.deadline - today).num_days() <= URGE_WINDOW_DAYS)
            .map(|a| option(a.department_id))
            .collect();
    }
    if InstructProblems::access(app, s, path).await.is_ok() && p.state.allows(ProblemMove::Instruct)
    {
        f.instruct = Some(
            depts
                .0
                .iter()
                .filter(|x| x.active)
                .map(|x| option(x.id))
                .collect(),
        );
    }
    if app.service.problem_attacher(&s.actor, p.id).await.is_ok()
        && p.state.allows(ProblemMove::Edit)
    {
        let token = urlencode(&s.ctx.csrf_token());
        f.upload_action = Some(format!("/problems/{}/files?_csrf={token}", p.id));
    }
    f
}

fn event_text(lang: Lang, kind: &str) -> String {
    lang.t(&format!("problem.event.{kind}"))
}

async fn render_detail(
    app: &AppState,
    s: &Signed,
    path: &PathIds,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let d = app.service.problems(&s.actor)?.detail(path.id(0)?).await?;
    let names = Names::load(app, s).await?;
    let depts = Depts::load(app, &s.actor).await?;
    let p = &d.problem;
    let dept = |id: Option<i64>| depts.name(lang, id);
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(china_time).unwrap_or_default();
    let mut facts = vec![
        (lang.field_label("number"), p.number.clone()),
        (lang.field_label("kind"), lang.t(&p.kind.label_key())),
        (lang.field_label("origin"), lang.t(&p.origin.label_key())),
        (lang.field_label("industry"), names.industry(p.industry_id)),
        (lang.field_label("district"), names.region(p.region_id)),
        (
            lang.field_label("raised_by"),
            format!("{} {}", p.raised_by, dept(p.raised_department_id)),
        ),
        (lang.field_label("raised_at"), china_time(p.raised_at)),
        (lang.field_label("description"), p.description.clone()),
    ];
    if let Some(n) = &p.escalation_note {
        facts.push((lang.field_label("escalation_note"), n.clone()));
    }
    if let Some(r) = &p.resolution {
        facts.push((
            lang.field_label("resolution"),
            format!("{r}（{}）", when(p.resolved_at)),
        ));
    }
    let page = DetailPage {
        layout: Layout::new(app, &s.ctx, "problems", format!("{} {}", p.number, p.title))
            .with_notice(notice),
        id: p.id,
        version: p.version,
        state: state_label(lang, p.state),
        state_code: p.state.code(),
        overdue: p.overdue,
        project_href: p.project_id.map(|id| format!("/projects/{id}")),
        assignments: d
            .assignments
            .iter()
            .map(|a| AssignmentView {
                department: dept(Some(a.department_id)),
                deadline: a.deadline.to_string(),
                state: lang.t(&a.state.label_key()),
                signed: when(a.signed_at),
                sign_late: a.sign_late,
                overdue: a.overdue,
                answer: a.answer.clone().unwrap_or_default(),
                answered: when(a.answered_at),
                answered_late: a.answered_late == Some(true),
                return_reason: if a.state == AssignmentState::Returned {
                    a.return_reason.clone().unwrap_or_default()
                } else {
                    String::new()
                },
                urges: a.urge_count,
            })
            .collect(),
        files: d
            .files
            .iter()
            .map(|f| FileView {
                name: f.file_name.clone(),
                href: format!("/problems/{}/files/{}", p.id, f.id),
                size: file_size(f.size_bytes),
                of: f
                    .assignment_id
                    .and_then(|a| d.assignments.iter().find(|x| x.id == a))
                    .map(|a| dept(Some(a.department_id)))
                    .unwrap_or_default(),
            })
            .collect(),
        instructions: d
            .instructions
            .iter()
            .map(|i| InstructionView {
                at: china_time(i.at),
                leader: i.leader_name.clone(),
                text: i.instruction.clone(),
                lead: dept(Some(i.lead_department_id)),
                co: depts.names(lang, &i.co_department_ids.0),
                deadline: i.deadline.to_string(),
            })
            .collect(),
        timeline: d
            .events
            .iter()
            .map(|e| EventView {
                at: china_time(e.at),
                what: event_text(lang, e.kind.code()),
                department: dept(e.department_id),
                text: e.text.clone(),
                who: e.username.clone(),
            })
            .collect(),
        forms: forms(app, s, path, &d, &depts).await,
        errors: errors.0.iter().map(|e| lang.field_message(e)).collect(),
        facts,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn detail(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let none = FieldErrors::new();
    render_detail(&app, &s, &path, &none, StatusCode::OK, notice).await
}

// ------------------------------------------------------------------ the forms on the page

/// The page again with the errors of one of its forms.
async fn reshow<K: Screen>(
    c: &Ctx<K>,
    errors: &FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    render_detail(&c.app, &c.s, &c.path, errors, status, None).await
}

/// The office's forms post here (the edit form's screen).
impl ActionPage for ProblemForm {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow(c, errors, status).await
    }
}

/// A department's forms.
pub struct AnswerPage;

impl Screen for AnswerPage {
    type Gate = AnswerProblems;
    const AREA: &'static str = "problems";
    const HOME: &'static str = "/problems/{id}";
}

impl ActionPage for AnswerPage {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow(c, errors, status).await
    }
}

/// The urge form.
pub struct UrgePage;

impl Screen for UrgePage {
    type Gate = UrgeProblems;
    const AREA: &'static str = "problems";
    const HOME: &'static str = "/problems/{id}";
}

impl ActionPage for UrgePage {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow(c, errors, status).await
    }
}

/// The leader's form.
pub struct InstructPage;

impl Screen for InstructPage {
    type Gate = InstructProblems;
    const AREA: &'static str = "problems";
    const HOME: &'static str = "/problems/{id}";
}

impl ActionPage for InstructPage {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        reshow(c, errors, status).await
    }
}

/// Assigns to the chosen departments, all with one deadline.
pub struct Assign;

impl Action for Assign {
    type Page = ProblemForm;
    type Input = (i64, AssignInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let version = f.version()?;
        let mut errs = FieldErrors::new();
        let ids = f.ids("department_ids", &mut errs);
        let deadline = f.required_date("deadline", &mut errs);
        let assignments = ids
            .into_iter()
            .map(|department_id| AssignmentInput {
                department_id,
                deadline,
            })
            .collect();
        Ok(((version, AssignInput { assignments }), errs))
    }

    async fn run(c: &Ctx<ProblemForm>, (version, input): Self::Input) -> Result<(), ServiceError> {
        // Errors of the list name its entries; the form has one deadline and one list.
        c.access
            .assign(version, input)
            .await
            .map(drop)
            .map_err(|e| match e {
                ServiceError::Invalid(mut errs) => {
                    for x in &mut errs.0 {
                        if x.field.ends_with(".deadline") {
                            x.field = "deadline".into();
                        } else if x.field.starts_with("assignments") {
                            x.field = "department_ids".into();
                        }
                    }
                    ServiceError::Invalid(errs)
                }
                other => other,
            })
    }
}

/// Sends an answer back with the reason.
pub struct Return;

impl Action for Return {
    type Page = ProblemForm;
    type Input = (i64, ReturnInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let version = f.version()?;
        let mut errs = FieldErrors::new();
        let department_id = f.required_id("department_id", &mut errs);
        let input = ReturnInput {
            department_id,
            return_reason: f.get("return_reason"),
        };
        Ok(((version, input), errs))
    }

    async fn run(c: &Ctx<ProblemForm>, (version, input): Self::Input) -> Result<(), ServiceError> {
        c.access.return_answer(version, input).await.map(drop)
    }
}

/// Escalates to the leader in charge.
pub struct Escalate;

impl Action for Escalate {
    type Page = ProblemForm;
    type Input = (i64, EscalateInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let input = EscalateInput {
            note: f.get("note"),
        };
        Ok(((f.version()?, input), FieldErrors::new()))
    }

    async fn run(c: &Ctx<ProblemForm>, (version, input): Self::Input) -> Result<(), ServiceError> {
        c.access.escalate(version, input).await.map(drop)
    }
}

/// Marks the problem resolved.
pub struct Resolve;

impl Action for Resolve {
    type Page = ProblemForm;
    type Input = (i64, ResolveInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let input = ResolveInput {
            resolution: f.get("resolution"),
        };
        Ok(((f.version()?, input), FieldErrors::new()))
    }

    async fn run(c: &Ctx<ProblemForm>, (version, input): Self::Input) -> Result<(), ServiceError> {
        c.access.resolve(version, input).await.map(drop)
    }
}

/// Signs for the department's assignment.
pub struct Sign;

impl Action for Sign {
    type Page = AnswerPage;
    type Input = i64;

    fn read(f: &FormData) -> AppResult<(i64, FieldErrors)> {
        Ok((f.version()?, FieldErrors::new()))
    }

    async fn run(c: &Ctx<AnswerPage>, version: i64) -> Result<(), ServiceError> {
        c.access.sign(version).await.map(drop)
    }
}

/// The department's answer.
pub struct Answer;

impl Action for Answer {
    type Page = AnswerPage;
    type Input = (i64, AnswerInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let input = AnswerInput {
            answer: f.get("answer"),
        };
        Ok(((f.version()?, input), FieldErrors::new()))
    }

    async fn run(c: &Ctx<AnswerPage>, (version, input): Self::Input) -> Result<(), ServiceError> {
        c.access.answer(version, input).await.map(drop)
    }
}

/// Urges a department.
pub struct Urge;

impl Action for Urge {
    type Page = UrgePage;
    type Input = (i64, UrgeInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let version = f.version()?;
        let mut errs = FieldErrors::new();
        let input = UrgeInput {
            department_id: f.required_id("department_id", &mut errs),
            note: f.opt("note"),
        };
        Ok(((version, input), errs))
    }

    async fn run(c: &Ctx<UrgePage>, (version, input): Self::Input) -> Result<(), ServiceError> {
        c.access.urge(version, input).await.map(drop)
    }
}

/// The leader's instruction.
pub struct Instruct;

impl Action for Instruct {
    type Page = InstructPage;
    type Input = (i64, InstructionInput);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let version = f.version()?;
        let mut errs = FieldErrors::new();
        let input = InstructionInput {
            instruction: f.get("instruction"),
            lead_department_id: f.required_id("lead_department_id", &mut errs),
            co_department_ids: f.ids("co_department_ids", &mut errs),
            deadline: f.required_date("deadline", &mut errs),
        };
        Ok(((version, input), errs))
    }

    async fn run(c: &Ctx<InstructPage>, (version, input): Self::Input) -> Result<(), ServiceError> {
        c.access.instruct(version, input).await.map(drop)
    }
}

// ------------------------------------------------------------------ files

/// `POST` a file: back to the page, or the page saying what was wrong.
pub async fn upload(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let id = path.id(0)?;
    // Refused before the body is read when the caller may not attach here.
    let attacher = app.service.problem_attacher(&s.actor, id).await?;
    let result = match crate::api::files::read_upload(multipart).await {
        Ok(up) => attacher
            .upload(up.name.as_deref(), up.content_type.as_deref(), up.bytes)
            .await
            .map(drop),
        Err(AppError::Service(e)) => Err(e),
        Err(other) => return Err(other),
    };
    match result {
        Ok(()) => {
            Ok(Notice::Saved.redirect(&crate::pages::form::Place::new(format!("/problems/{id}"))))
        }
        Err(ServiceError::Invalid(e)) => {
            render_detail(&app, &s, &path, &e, StatusCode::UNPROCESSABLE_ENTITY, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET` a file, for anyone who may read the problem.
pub async fn download(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
) -> AppResult<Response> {
    let (id, file) = (path.id(0)?, path.id(1)?);
    let (meta, bytes) = app.service.problems(&s.actor)?.file(id, file).await?;
    Ok(crate::api::files::file_response(
        &meta.file_name,
        &meta.content_type,
        bytes,
    ))
}
