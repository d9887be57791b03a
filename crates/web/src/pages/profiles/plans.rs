//! Special plans: the plan itself (a part of the profile), its status moves (drafting →
//! under review → approved → published, each dated), and its files (upload, download,
//! delete after confirmation).

use super::page::render_profile;
use super::part_form::{At, Part};
use super::{Depts, EditProfile, date_field};
use crate::AppState;
use crate::api::files::{file_response, read_upload};
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::pages::form::{Ctx, Delete, Edit, Form, FormData, FormField, Notice, PathIds, Screen};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use dongneng_domain::FieldErrors;
use dongneng_domain::profile::{PlanStatus, PlanStatusMove, SpecialPlanInput};
use dongneng_service::ServiceError;
use dongneng_store::{IndustryProfile, SpecialPlan};

impl Part for SpecialPlanInput {
    const COLLECTION: &'static str = "/industries/{id}/special-plans";
    const RECORD: &'static str = "/industries/{id}/special-plans/{a}";
    const NEW_TITLE: &'static str = "profile.plan_new";
    const EDIT_TITLE: &'static str = "profile.plan_edit";
    const ANCHOR: &'static str = "plans";

    fn blank() -> Self {
        SpecialPlanInput {
            plan_title: String::new(),
            summary: None,
            drafting_department_ids: vec![],
            drafted_on: NaiveDate::default(),
        }
    }

    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = SpecialPlanInput {
            plan_title: f.get("plan_title"),
            summary: f.opt("summary"),
            drafting_department_ids: f.ids("drafting_department_ids", &mut errs),
            drafted_on: f.required_date("drafted_on", &mut errs),
        };
        (input, errs)
    }

    fn fields(&self, l: Lang, depts: &Depts) -> Vec<FormField> {
        let drafted = (self.drafted_on != NaiveDate::default()).then_some(self.drafted_on);
        vec![
            FormField::text(l, "plan_title", &self.plan_title).required(),
            depts
                .multi(l, "drafting_department_ids", &self.drafting_department_ids)
                .required(),
            date_field(l, "drafted_on", drafted).required(),
            FormField::textarea(l, "summary", &self.summary),
        ]
    }

    fn find(p: &IndustryProfile, at: &At) -> Option<(Self, i64)> {
        let x = plan_of(p, at.id?).ok()?;
        let input = SpecialPlanInput {
            plan_title: x.plan_title.clone(),
            summary: x.summary.clone(),
            drafting_department_ids: x.drafting_department_ids.clone(),
            drafted_on: x.drafted_on,
        };
        Some((input, x.version))
    }
}

fn plan_of(p: &IndustryProfile, id: i64) -> Result<&SpecialPlan, ServiceError> {
    p.special_plans
        .iter()
        .map(|e| &e.plan)
        .find(|x| x.id == id)
        .ok_or(ServiceError::NotFound)
}

// ---------------------------------------------------------------- status moves

/// Moves special plan `{a}` on to its next status, on a date.
pub(super) struct PlanMove;

/// The move as typed: the status (always the next one) and its date.
#[derive(Clone)]
pub(super) struct MoveDraft {
    status: Option<PlanStatus>,
    date: NaiveDate,
}

impl Screen for PlanMove {
    type Gate = EditProfile;
    const AREA: &'static str = "industries";
    const HOME: &'static str = "/industries/{id}";
    const ANCHOR: Option<&'static str> = Some("plans");
}

impl Form for PlanMove {
    type Draft = MoveDraft;

    fn read(f: &FormData) -> (MoveDraft, FieldErrors) {
        let mut errs = FieldErrors::new();
        let status = f.choice("status", PlanStatus::parse, &mut errs);
        let date = f.required_date("date", &mut errs);
        (MoveDraft { status, date }, errs)
    }

    /// The plan as it stands names the move in the hint.
    async fn fields(c: &Ctx<Self>, d: &MoveDraft) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        let p = c.access.profile().await?;
        let plan = plan_of(&p, c.path.id(1)?)?;
        let next: Vec<(String, String)> = plan
            .status
            .next()
            .map(|n| (n.code().to_string(), lang.t(&n.label_key())))
            .into_iter()
            .collect();
        let first = next.first().map(|n| n.0.clone());
        let date = (d.date != NaiveDate::default()).then_some(d.date);
        Ok(vec![
            FormField::one_of(lang, "status", &first, next).hint(lang.t_with(
                "profile.move_hint",
                &[
                    ("title", &plan.plan_title),
                    ("status", &lang.t(&plan.status.label_key())),
                    ("date", &plan.status_date().to_string()),
                ],
            )),
            date_field(lang, "date", date).required(),
        ])
    }
}

impl Edit for PlanMove {
    const RECORD: &'static str = "/industries/{id}/special-plans/{a}/status";
    const EDIT_TITLE: &'static str = "profile.plan_move_title";

    /// The plan's next status, today.
    async fn load(c: &Ctx<Self>) -> Result<(MoveDraft, i64), ServiceError> {
        let p = c.access.profile().await?;
        let plan = plan_of(&p, c.path.id(1)?)?;
        let draft = MoveDraft {
            status: plan.status.next(),
            date: p.today,
        };
        Ok((draft, plan.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: MoveDraft) -> Result<(), ServiceError> {
        let status = d.status.ok_or(ServiceError::field("status", "required"))?;
        let plan = c.path.id(1)?;
        let to = PlanStatusMove {
            status,
            date: d.date,
        };
        c.access
            .move_special_plan(plan, version, to)
            .await
            .map(drop)
    }
}

// ---------------------------------------------------------------- files

/// File `{b}` of special plan `{a}`: uploaded under the plan, deleted after confirmation.
pub(super) struct PlanFile;

impl Screen for PlanFile {
    type Gate = EditProfile;
    const AREA: &'static str = "industries";
    const HOME: &'static str = "/industries/{id}";
    const ANCHOR: Option<&'static str> = Some("plans");
}

impl Delete for PlanFile {
    const RECORD: &'static str = "/industries/{id}/special-plans/{a}/files/{b}";
    const CONFIRM_TEXT: &'static str = "profile.delete_confirm_text";

    /// The plan's title and the file's name.
    async fn doomed(c: &Ctx<Self>) -> AppResult<(Vec<(String, String)>, i64)> {
        let (plan, file) = (c.path.id(1)?, c.path.id(2)?);
        let p = c.access.profile().await?;
        let (entry, f) = p
            .special_plans
            .iter()
            .filter(|e| e.plan.id == plan)
            .find_map(|e| e.files.iter().find(|f| f.id == file).map(|f| (e, f)))
            .ok_or(ServiceError::NotFound)?;
        let lang = c.lang();
        let facts = vec![
            (
                lang.field_label("plan_title"),
                entry.plan.plan_title.clone(),
            ),
            (lang.t("profile.file_label"), f.file_name.clone()),
        ];
        Ok((facts, f.version))
    }

    async fn delete(c: &Ctx<Self>, version: i64) -> Result<(), ServiceError> {
        let (plan, file) = (c.path.id(1)?, c.path.id(2)?);
        c.access.delete_plan_file(plan, file, version).await
    }
}

/// `POST` a file to plan `{a}`: back to the plans, or the profile page saying what was wrong.
pub async fn file_upload(
    c: Ctx<PlanFile>,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let (app, s) = (&c.app, &c.s);
    let (id, plan) = (c.path.id(0)?, c.path.id(1)?);
    let result = match read_upload(multipart).await {
        Ok(up) => c
            .access
            .upload_plan_file(
                plan,
                up.name.as_deref(),
                up.content_type.as_deref(),
                up.bytes,
            )
            .await
            .map(drop),
        Err(AppError::Service(e)) => Err(e),
        Err(other) => return Err(other),
    };
    match result {
        Ok(()) => Ok(Notice::Saved.redirect(&c.home())),
        Err(ServiceError::Invalid(e)) => {
            let lang = s.ctx.lang;
            let msg =
                e.0.iter()
                    .map(|f| lang.field_message(f))
                    .collect::<Vec<_>>()
                    .join(" ");
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_profile(app, s, id, None, Some(msg), status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET` file `{b}` of plan `{a}`, for anyone who may read the profile.
pub async fn file_download(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
) -> AppResult<Response> {
    let (industry, plan, file) = (path.id(0)?, path.id(1)?, path.id(2)?);
    let (meta, bytes) = app
        .service
        .profile_reader(&s.actor, industry)?
        .download_plan_file(plan, file)
        .await?;
    Ok(file_response(&meta.file_name, &meta.content_type, bytes))
}
