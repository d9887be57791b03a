//! The supervisor's forms: issuing an item (`/supervision/new`) and editing one
//! (`/supervision/{id}/edit`).

use super::{IssueSupervision, ManageSupervision};
use crate::error::AppResult;
use crate::pages::form::{Create, Ctx, Edit, Form, FormData, FormField, Place, Screen, choices};
use crate::pages::profiles::Depts;
use crate::pages::projects::Names;
use dongneng_domain::FieldErrors;
use dongneng_domain::clock;
use dongneng_domain::supervision::{SupervisionInput, SupervisionSubject};
use dongneng_service::ServiceError;

/// A new item.
pub struct Issue;

impl Screen for Issue {
    type Gate = IssueSupervision;
    const AREA: &'static str = "problems";
    const HOME: &'static str = "/supervision";
}

/// The edit of item `{id}`; the close form on its page is in `detail.rs`.
pub struct ItemForm;

impl Screen for ItemForm {
    type Gate = ManageSupervision;
    const AREA: &'static str = "problems";
    const HOME: &'static str = "/supervision/{id}";
}

fn read_input(f: &FormData) -> (SupervisionInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let subject = f.choice("subject", SupervisionSubject::parse, &mut errs);
    let input = SupervisionInput {
        title: f.get("title"),
        requirement: f.get("requirement"),
        subject: subject.unwrap_or(SupervisionSubject::Own),
        subject_id: f.opt_id("subject_id", &mut errs),
        deadline: f.required_date("deadline", &mut errs),
        unit_ids: f.ids("unit_ids", &mut errs),
        industry_id: f.opt_id("industry_id", &mut errs),
        region_id: f.opt_id("region_id", &mut errs),
    };
    (input, errs)
}

async fn fields<K: Screen>(c: &Ctx<K>, d: &SupervisionInput) -> AppResult<Vec<FormField>> {
    let lang = c.lang();
    let names = Names::load(&c.app, &c.s).await?;
    let depts = Depts::load(&c.app, c.actor()).await?;
    let units = depts
        .0
        .iter()
        .filter(|x| x.active || d.unit_ids.contains(&x.id))
        .map(|x| (x.id.to_string(), depts.name(lang, Some(x.id))))
        .collect();
    let not_set = || Some(lang.t("common.not_set"));
    let deadline = (d.deadline != chrono::NaiveDate::default()).then_some(d.deadline);
    Ok(vec![
        FormField::text(lang, "title", &d.title).required(),
        FormField::textarea(lang, "requirement", &d.requirement).required(),
        FormField::one_of(
            lang,
            "subject",
            &d.subject.code(),
            choices(
                lang,
                "supervision.subject",
                SupervisionSubject::ALL,
                SupervisionSubject::code,
            ),
        ),
        FormField::number(lang, "subject_id", &d.subject_id)
            .hint(lang.t("supervision.subject_id_hint")),
        FormField::date(lang, "deadline", deadline).required(),
        FormField::multi(lang, "unit_ids", units, &d.unit_ids).required(),
        FormField::select(
            lang,
            "industry_id",
            &d.industry_id,
            names.industry_options(),
            not_set(),
        ),
        FormField::select(
            lang,
            "region_id",
            &d.region_id,
            names.region_options(),
            not_set(),
        ),
    ])
}

impl Form for Issue {
    type Draft = SupervisionInput;

    fn read(f: &FormData) -> (SupervisionInput, FieldErrors) {
        read_input(f)
    }

    async fn fields(c: &Ctx<Self>, d: &SupervisionInput) -> AppResult<Vec<FormField>> {
        fields(c, d).await
    }
}

impl Create for Issue {
    const COLLECTION: &'static str = "/supervision";
    const NEW_TITLE: &'static str = "supervision.new_title";

    async fn blank(_: &Ctx<Self>) -> AppResult<SupervisionInput> {
        Ok(SupervisionInput {
            title: String::new(),
            requirement: String::new(),
            subject: SupervisionSubject::Own,
            subject_id: None,
            deadline: clock::today() + chrono::Duration::days(14),
            unit_ids: vec![],
            industry_id: None,
            region_id: None,
        })
    }

    async fn create(c: &Ctx<Self>, d: SupervisionInput) -> Result<Place, ServiceError> {
        let item = c.access.issue(d).await?;
        Ok(Place::new(format!("/supervision/{}", item.id)))
    }
}

impl Form for ItemForm {
    type Draft = SupervisionInput;

    fn read(f: &FormData) -> (SupervisionInput, FieldErrors) {
        read_input(f)
    }

    async fn fields(c: &Ctx<Self>, d: &SupervisionInput) -> AppResult<Vec<FormField>> {
        fields(c, d).await
    }
}

impl Edit for ItemForm {
    const RECORD: &'static str = "/supervision/{id}/edit";
    const EDIT_TITLE: &'static str = "supervision.edit_title";

    async fn load(c: &Ctx<Self>) -> Result<(SupervisionInput, i64), ServiceError> {
        let i = c.access.item();
        let input = SupervisionInput {
            title: i.title.clone(),
            requirement: i.requirement.clone(),
            subject: i.subject,
            subject_id: i.subject_id,
            deadline: i.deadline,
            unit_ids: i.unit_ids.clone(),
            industry_id: i.industry_id,
            region_id: i.region_id,
        };
        Ok((input, i.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: SupervisionInput) -> Result<(), ServiceError> {
        c.access.edit(version, d).await?;
        Ok(())
    }
}
