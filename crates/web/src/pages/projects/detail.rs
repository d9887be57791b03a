//! The project page: its facts, warning, money, progress, factor needs, batches, events and
//! timeline; and for its editors the forms on it — stage move, leaving and re-entering the
//! library, monthly progress, factor needs, batch plans — which come back to it.

use super::form::ProjectForm;
use super::{EditProject, Names, last_month, rate, wan, warning};
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::i18n::{Lang, china_time};
use crate::pages::form::{Action, ActionPage, Ctx, FormData, Gate, Notice, PathIds, choices};
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::FieldErrors;
use dongneng_domain::clock::today as china_today;
use dongneng_domain::money::Money;
use dongneng_domain::project::{FactorInput, FactorKind, ProgressInput, Quantity, Stage};
use dongneng_service::ServiceError;
use dongneng_service::projects::ProjectDetail;

pub struct KV {
    pub label: String,
    pub value: String,
}

pub struct ProgressRowView {
    pub month: String,
    pub month_investment: String,
    pub ytd: String,
    pub cumulative: String,
    pub image_progress: String,
    pub milestone: String,
    pub problems: String,
    pub next_steps: String,
    pub by: String,
}

pub struct FactorView {
    pub kind: String,
    pub unit: String,
    pub required: String,
    pub fulfilled: String,
    pub needed_by: String,
    pub met: bool,
    pub note: String,
}

pub struct HistoryView {
    pub at: String,
    pub who: String,
    pub action: String,
    pub changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "project_detail.html")]
struct DetailPage {
    layout: Layout,
    id: i64,
    version: i64,
    level: &'static str,
    level_label: String,
    reasons: Vec<String>,
    basics: Vec<KV>,
    money: Vec<KV>,
    dates: Vec<KV>,
    people: Vec<KV>,
    stage_label: String,
    in_library: bool,
    left_line: Option<String>,
    can_edit: bool,
    moves: Vec<(String, String)>,
    batches: Vec<(String, String)>,
    progress: Vec<ProgressRowView>,
    factors: Vec<FactorView>,
    factor_kinds: Vec<(String, String)>,
    events: Vec<(String, String, String, String)>,
    history: Vec<HistoryView>,
    errors: Vec<String>,
    /// The project's problems, and raising one from it.
    problems_href: Option<String>,
    raise_href: Option<String>,
    today: String,
    this_year: i32,
    last_year_month: (i32, u32),
}

/// Field labels for the fields a history entry shows, in display order.
const HISTORY_FIELDS: &[&str] = &[
    "code",
    "name",
    "owner_name",
    "region_id",
    "industry_id",
    "library_class",
    "nature",
    "stage",
    "in_library",
    "total_investment",
    "initial_completed",
    "planned_start",
    "actual_start",
    "planned_finish",
    "actual_finish",
    "responsible_unit",
    "leader_in_charge",
    "month_investment",
    "year",
    "month",
    "required",
    "fulfilled",
    "needed_by",
    "kind",
    "planned_investment",
];

fn history_view(lang: Lang, names: &Names, e: &dongneng_store::AuditEntry) -> HistoryView {
    let show = |field: &str, v: Option<&serde_json::Value>| -> String {
        let Some(v) = v else { return String::new() };
        match (field, v) {
            (_, serde_json::Value::Null) => "—".into(),
            ("region_id", serde_json::Value::Number(n)) => names.region(n.as_i64().unwrap_or(0)),
            ("industry_id", serde_json::Value::Number(n)) => {
                names.industry(n.as_i64().unwrap_or(0))
            }
            (
                "total_investment" | "initial_completed" | "month_investment"
                | "planned_investment",
                serde_json::Value::Number(n),
            ) => Money(n.as_i64().unwrap_or(0)).wan_display(),
            ("stage", serde_json::Value::String(s)) => lang.t(&format!("stage.{s}")),
            ("library_class", serde_json::Value::String(s)) => {
                lang.t(&format!("library_class.{s}"))
            }
            ("nature", serde_json::Value::String(s)) => lang.t(&format!("nature.{s}")),
            ("kind", serde_json::Value::String(s)) => lang.t(&format!("factor_kind.{s}")),
            ("in_library", serde_json::Value::Bool(b)) => {
                lang.t(if *b { "common.yes" } else { "common.no" })
            }
            ("required" | "fulfilled", serde_json::Value::Number(n)) => {
                Quantity(n.as_i64().unwrap_or(0)).display()
            }
            (_, serde_json::Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        }
    };
    let mut changes = Vec::new();
    for f in HISTORY_FIELDS {
        let b = e.before.as_ref().and_then(|v| v.get(*f));
        let a = e.after.as_ref().and_then(|v| v.get(*f));
        if a.is_some() && b != a {
            changes.push((lang.field_label(f), show(f, b), show(f, a)));
        }
    }
    HistoryView {
        at: china_time(e.at),
        who: e.username.clone(),
        action: e.action.clone(),
        changes,
    }
}

async fn render_detail(
    app: &AppState,
    s: &Signed,
    path: &PathIds,
    d: ProjectDetail,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let names = Names::load(app, s).await?;
    let p = &d.project;
    let kv = |k: &str, v: String| KV {
        label: lang.field_label(k),
        value: if v.is_empty() { "—".into() } else { v },
    };
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    // The forms show to those the project's permission hook lets in.
    let can_edit = EditProject::access(app, s, path).await.is_ok();
    let today = china_today();
    let (level, level_label, reasons) = warning(lang, p);
    let (problems_href, raise_href) = crate::pages::problems::problem_links(app, s, p.id).await;
    let page = DetailPage {
        layout: Layout::new(app, &s.ctx, "projects", p.name.clone()).with_notice(notice),
        id: p.id,
        version: p.version,
        level,
        level_label,
        reasons,
        basics: vec![
            kv(
                "code",
                p.code
                    .clone()
                    .unwrap_or_else(|| lang.t("project.code_pending")),
            ),
            kv("owner_name", p.owner_name.clone()),
            kv("owner_credit_code", opt(&p.owner_credit_code)),
            kv("region_id", names.region(p.region_id)),
            kv("industry_id", names.industry(p.industry_id)),
            kv(
                "gbt_section",
                format!("{} {}", opt(&p.gbt_section), opt(&p.gbt_division))
                    .trim()
                    .to_string(),
            ),
            kv(
                "library_class",
                lang.t(&format!("library_class.{}", p.library_class.code())),
            ),
            kv("nature", lang.t(&format!("nature.{}", p.nature.code()))),
            kv("content", p.content.clone()),
        ],
        money: vec![
            kv("total_investment", wan(p.total_investment)),
            kv(
                "year_plan",
                format!("{} ({})", wan(p.year_plan), p.plan_year),
            ),
            kv(
                "year_completed",
                format!(
                    "{} · {}",
                    wan(p.year_completed),
                    rate(p.year_completed, p.year_plan)
                ),
            ),
            kv("completed_investment", wan(p.completed_investment)),
            kv("initial_completed", wan(p.initial_completed)),
        ],
        dates: vec![
            kv("planned_start", date(p.planned_start)),
            kv("actual_start", date(p.actual_start)),
            kv("planned_finish", date(p.planned_finish)),
            kv("actual_finish", date(p.actual_finish)),
        ],
        people: vec![
            kv("responsible_unit", opt(&p.responsible_unit)),
            kv("leader_in_charge", opt(&p.leader_in_charge)),
            kv("contact_name", opt(&p.contact_name)),
            kv("contact_phone", opt(&p.contact_phone)),
        ],
        stage_label: lang.t(&format!("stage.{}", p.stage.code())),
        in_library: p.in_library,
        left_line: (!p.in_library).then(|| {
            lang.t_with(
                "project.left_on",
                &[("date", &date(p.left_on)), ("reason", &opt(&p.left_reason))],
            )
        }),
        can_edit,
        moves: p
            .stage
            .allowed_moves()
            .iter()
            .map(|m| (m.code().to_string(), lang.t(&format!("stage.{}", m.code()))))
            .collect(),
        batches: d
            .batches
            .iter()
            .map(|b| (b.year.to_string(), wan(b.planned_investment)))
            .collect(),
        progress: d
            .progress
            .iter()
            .map(|g| ProgressRowView {
                month: lang.t_with(
                    "project.month_label",
                    &[
                        ("year", &g.year.to_string()),
                        ("month", &g.month.to_string()),
                    ],
                ),
                month_investment: wan(g.month_investment),
                ytd: wan(g.ytd_investment),
                cumulative: wan(Money(g.cumulative_investment.0 + p.initial_completed.0)),
                image_progress: g.image_progress.clone(),
                milestone: g.milestone.clone(),
                problems: g.problems.clone(),
                next_steps: g.next_steps.clone(),
                by: format!("{} · {}", g.username, china_time(g.reported_at)),
            })
            .collect(),
        factors: d
            .factors
            .iter()
            .map(|f| FactorView {
                kind: lang.t(&format!("factor_kind.{}", f.kind.code())),
                unit: if lang == Lang::En {
                    f.kind.unit_en().into()
                } else {
                    f.kind.unit_zh().into()
                },
                required: f.required.display(),
                fulfilled: f.fulfilled.display(),
                needed_by: date(f.needed_by),
                met: f.fulfilled >= f.required,
                note: f.note.clone().unwrap_or_default(),
            })
            .collect(),
        factor_kinds: choices(lang, "factor_kind", FactorKind::ALL, FactorKind::code),
        events: d
            .events
            .iter()
            .map(|e| {
                let what = match e.kind.as_str() {
                    "stage" => format!(
                        "{}：{} → {}",
                        lang.t("project.event_stage"),
                        e.from_stage
                            .map(|s| lang.t(&format!("stage.{}", s.code())))
                            .unwrap_or_default(),
                        e.to_stage
                            .map(|s| lang.t(&format!("stage.{}", s.code())))
                            .unwrap_or_default()
                    ),
                    "leave" => lang.t("project.event_leave"),
                    _ => lang.t("project.event_enter"),
                };
                (
                    e.on_date.to_string(),
                    what,
                    e.note.clone(),
                    e.username.clone(),
                )
            })
            .collect(),
        history: d
            .history
            .iter()
            .map(|e| history_view(lang, &names, e))
            .collect(),
        errors: errors.0.iter().map(|e| lang.field_message(e)).collect(),
        problems_href,
        raise_href,
        today: today.to_string(),
        this_year: today.year(),
        last_year_month: last_month(today),
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn detail(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let d = app
        .service
        .programme(&s.actor)?
        .project_detail(path.id(0)?)
        .await?;
    let no_errors = FieldErrors::new();
    render_detail(&app, &s, &path, d, &no_errors, StatusCode::OK, notice).await
}

// ------------------------------------------------------------------ the forms on the page

/// The project page shows the errors of its forms at the top.
impl ActionPage for ProjectForm {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        let d = c
            .service()
            .programme(c.actor())?
            .project_detail(c.path.id(0)?)
            .await?;
        render_detail(&c.app, &c.s, &c.path, d, errors, status, None).await
    }
}

/// Moves the project to another stage.
pub struct StageMove;

pub struct StageInput {
    version: i64,
    to: Stage,
    on: Option<NaiveDate>,
    note: String,
}

impl Action for StageMove {
    type Page = ProjectForm;
    type Input = StageInput;

    fn read(f: &FormData) -> AppResult<(StageInput, FieldErrors)> {
        let version = f.version()?;
        let mut errs = FieldErrors::new();
        let on = f.date("on_date", &mut errs);
        let to = Stage::parse(&f.get("to"));
        if to.is_none() {
            // A stage that is not one says it alone.
            errs = FieldErrors::new();
            errs.add("to", "one_of");
        }
        let note = f.get("note");
        let to = to.unwrap_or(Stage::Planning);
        Ok((
            StageInput {
                version,
                to,
                on,
                note,
            },
            errs,
        ))
    }

    async fn run(c: &Ctx<ProjectForm>, i: StageInput) -> Result<(), ServiceError> {
        c.access.move_stage(i.version, i.to, i.on, &i.note).await?;
        Ok(())
    }
}

/// Takes the project out of the library, with the reason.
pub struct Leave;

impl Action for Leave {
    type Page = ProjectForm;
    type Input = (i64, Option<NaiveDate>, String);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let version = f.version()?;
        let mut errs = FieldErrors::new();
        let on = f.date("on_date", &mut errs);
        Ok(((version, on, f.get("reason")), errs))
    }

    async fn run(c: &Ctx<ProjectForm>, i: Self::Input) -> Result<(), ServiceError> {
        let (version, on, reason) = i;
        c.access.set_in_library(version, false, on, &reason).await?;
        Ok(())
    }
}

/// Brings the project back into the library.
pub struct Enter;

impl Action for Enter {
    type Page = ProjectForm;
    type Input = (i64, String);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        Ok(((f.version()?, f.get("note")), FieldErrors::new()))
    }

    async fn run(c: &Ctx<ProjectForm>, i: Self::Input) -> Result<(), ServiceError> {
        let (version, note) = i;
        c.access.set_in_library(version, true, None, &note).await?;
        Ok(())
    }
}

/// Reports a month's progress.
pub struct Progress;

impl Action for Progress {
    type Page = ProjectForm;
    type Input = ProgressInput;

    fn read(f: &FormData) -> AppResult<(ProgressInput, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let input = ProgressInput {
            year: f.whole("year", &mut errs),
            month: f.whole("month", &mut errs),
            month_investment: f.required_money("month_investment", &mut errs),
            image_progress: f.get("image_progress"),
            milestone: f.get("milestone"),
            problems: f.get("problems"),
            next_steps: f.get("next_steps"),
        };
        Ok((input, errs))
    }

    async fn run(c: &Ctx<ProjectForm>, input: ProgressInput) -> Result<(), ServiceError> {
        c.access.report_progress(input).await?;
        Ok(())
    }
}

/// Sets what the project needs of a factor (land, energy …) and what it has got.
pub struct Factor;

impl Action for Factor {
    type Page = ProjectForm;
    type Input = FactorInput;

    fn read(f: &FormData) -> AppResult<(FactorInput, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let qty = |name: &str, errs: &mut FieldErrors| match f.opt(name) {
            None => Quantity(0),
            Some(v) => Quantity::parse(&v).unwrap_or_else(|e| {
                errs.add(name, e.code());
                Quantity(0)
            }),
        };
        let required = qty("required", &mut errs);
        let fulfilled = qty("fulfilled", &mut errs);
        let needed_by = f.date("needed_by", &mut errs);
        let kind = FactorKind::parse(&f.get("kind"));
        if kind.is_none() {
            // A kind that is not one says it alone.
            errs = FieldErrors::new();
            errs.add("kind", "one_of");
        }
        let input = FactorInput {
            kind: kind.unwrap_or(FactorKind::ALL[0]),
            required,
            fulfilled,
            needed_by,
            note: f.opt("note"),
        };
        Ok((input, errs))
    }

    async fn run(c: &Ctx<ProjectForm>, input: FactorInput) -> Result<(), ServiceError> {
        c.access.set_factor(input).await?;
        Ok(())
    }
}

/// Sets the planned investment of one batch year.
pub struct Batch;

impl Action for Batch {
    type Page = ProjectForm;
    type Input = (i32, Money);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        let mut errs = FieldErrors::new();
        let year = f.whole("batch_year", &mut errs);
        let plan = f.money("planned_investment", &mut errs);
        Ok(((year, plan), errs))
    }

    async fn run(c: &Ctx<ProjectForm>, i: Self::Input) -> Result<(), ServiceError> {
        let (year, plan) = i;
        c.access.set_batch(year, plan).await?;
        Ok(())
    }
}
