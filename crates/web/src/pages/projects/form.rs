//! The project form: a new project (with its stage and first year's plan) and the edit of one.
//! Money is typed in 万元, dates as `YYYY-MM-DD`.

use super::{EditProject, EditProjects, Names};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{Create, Ctx, Edit, Form, FormData, FormField, Place, Screen, choices};
use chrono::Datelike;
use dongneng_domain::FieldErrors;
use dongneng_domain::clock::today as china_today;
use dongneng_domain::money::Money;
use dongneng_domain::project::{LibraryClass, Nature, ProjectInput, Stage};
use dongneng_service::ServiceError;
use dongneng_service::projects::CreateProject;

/// A new project: the project form, its stage and the plan of its first batch year.
pub struct NewProject;

impl Screen for NewProject {
    type Gate = EditProjects;
    const AREA: &'static str = "projects";
    const HOME: &'static str = "/projects";
}

/// The edit of one project; the forms on its page are in `detail.rs`.
pub struct ProjectForm;

impl Screen for ProjectForm {
    type Gate = EditProject;
    const AREA: &'static str = "projects";
    const HOME: &'static str = "/projects/{id}";
}

/// The new-project form as typed: the project, and its stage and first plan.
#[derive(Clone)]
pub struct NewDraft {
    input: ProjectInput,
    stage: Stage,
    batch_year: Option<i32>,
    year_plan: Option<Money>,
    /// (stage, batch year, year plan) as typed, to show again.
    typed: [String; 3],
}

impl Form for NewProject {
    type Draft = NewDraft;

    fn read(f: &FormData) -> (NewDraft, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = read_input(f, &mut errs);
        let stage = Stage::parse(&f.get("stage")).unwrap_or_else(|| {
            errs.add("stage", "one_of");
            Stage::Planning
        });
        let batch_year = f.opt("batch_year").and_then(|y| {
            y.parse::<i32>()
                .map_err(|_| errs.add("batch_year", "not_integer"))
                .ok()
        });
        let year_plan = f.opt("year_plan").and_then(|v| {
            Money::parse_wan(&v)
                .map_err(|e| errs.add("year_plan", e.code()))
                .ok()
        });
        let draft = NewDraft {
            input,
            stage,
            batch_year,
            year_plan,
            typed: ["stage", "batch_year", "year_plan"].map(|n| f.get(n)),
        };
        (draft, errs)
    }

    async fn fields(c: &Ctx<Self>, d: &NewDraft) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        let names = Names::load(&c.app, &c.s).await?;
        let [stage, year, plan] = &d.typed;
        let mut fields = project_fields(lang, &names, &d.input);
        fields.insert(
            4,
            FormField::one_of(
                lang,
                "stage",
                stage,
                choices(lang, "stage", Stage::ALL, Stage::code),
            ),
        );
        fields.push(FormField::number(lang, "batch_year", year));
        fields.push(FormField::text(lang, "year_plan", plan));
        Ok(fields)
    }
}

impl Create for NewProject {
    const COLLECTION: &'static str = "/projects";
    const NEW_TITLE: &'static str = "project.new_title";

    /// A reserve project, planned from this year.
    async fn blank(_: &Ctx<Self>) -> AppResult<NewDraft> {
        let year = china_today().year();
        Ok(NewDraft {
            input: blank_input(),
            stage: Stage::Reserve,
            batch_year: Some(year),
            year_plan: None,
            typed: ["reserve".into(), year.to_string(), String::new()],
        })
    }

    /// On to the new project's page.
    async fn create(c: &Ctx<Self>, d: NewDraft) -> Result<Place, ServiceError> {
        let req = CreateProject {
            input: d.input,
            stage: d.stage,
            batch_year: d.batch_year,
            year_plan: d.year_plan,
            factors: vec![],
        };
        let p = c.access.create_project(req).await?;
        Ok(Place::new(format!("/projects/{}", p.id)))
    }
}

impl Form for ProjectForm {
    type Draft = ProjectInput;

    fn read(f: &FormData) -> (ProjectInput, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = read_input(f, &mut errs);
        (input, errs)
    }

    async fn fields(c: &Ctx<Self>, d: &ProjectInput) -> AppResult<Vec<FormField>> {
        let names = Names::load(&c.app, &c.s).await?;
        Ok(project_fields(c.lang(), &names, d))
    }
}

impl Edit for ProjectForm {
    const RECORD: &'static str = "/projects/{id}/edit";
    const EDIT_TITLE: &'static str = "project.edit_title";

    async fn load(c: &Ctx<Self>) -> Result<(ProjectInput, i64), ServiceError> {
        let p = c.access.project();
        Ok((p.input(), p.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: ProjectInput) -> Result<(), ServiceError> {
        c.access.update(version, d).await?;
        Ok(())
    }
}

/// The fields of a project, new or stored.
fn project_fields(lang: Lang, names: &Names, i: &ProjectInput) -> Vec<FormField> {
    // A region or an industry must be chosen; 0 is none yet.
    let pick = |name: &str, v: i64, options: Vec<(String, String)>| {
        let chosen = (v > 0).then_some(v);
        let not_set = Some(lang.t("common.not_set"));
        FormField::select(lang, name, &chosen, options, not_set).required()
    };
    let total = (i.total_investment.0 > 0).then(|| i.total_investment.wan_exact());
    vec![
        FormField::text(lang, "name", &i.name).required(),
        FormField::text(lang, "code", &i.code),
        FormField::text(lang, "owner_name", &i.owner_name).required(),
        FormField::text(lang, "owner_credit_code", &i.owner_credit_code),
        pick("region_id", i.region_id, names.region_options()),
        pick("industry_id", i.industry_id, names.industry_options()),
        FormField::text(lang, "gbt_section", &i.gbt_section),
        FormField::text(lang, "gbt_division", &i.gbt_division),
        FormField::one_of(
            lang,
            "library_class",
            &i.library_class.code(),
            choices(lang, "library_class", LibraryClass::ALL, LibraryClass::code),
        ),
        FormField::one_of(
            lang,
            "nature",
            &i.nature.code(),
            choices(lang, "nature", Nature::ALL, Nature::code),
        ),
        FormField::textarea(lang, "content", &i.content),
        FormField::text(lang, "total_investment", &total).required(),
        FormField::text(lang, "initial_completed", &i.initial_completed.wan_exact()),
        FormField::date(lang, "planned_start", i.planned_start),
        FormField::date(lang, "actual_start", i.actual_start),
        FormField::date(lang, "planned_finish", i.planned_finish),
        FormField::date(lang, "actual_finish", i.actual_finish),
        FormField::text(lang, "responsible_unit", &i.responsible_unit),
        FormField::text(lang, "leader_in_charge", &i.leader_in_charge),
        FormField::text(lang, "contact_name", &i.contact_name),
        FormField::text(lang, "contact_phone", &i.contact_phone),
    ]
}

fn read_input(f: &FormData, errs: &mut FieldErrors) -> ProjectInput {
    let region_id = f.required_id("region_id", errs);
    let industry_id = f.required_id("industry_id", errs);
    let library_class = LibraryClass::parse(&f.get("library_class")).unwrap_or_else(|| {
        errs.add("library_class", "one_of");
        LibraryClass::CityMajor
    });
    let nature = Nature::parse(&f.get("nature")).unwrap_or_else(|| {
        errs.add("nature", "one_of");
        Nature::New
    });
    let total_investment = f.required_money("total_investment", errs);
    ProjectInput {
        code: f.opt("code"),
        name: f.get("name"),
        owner_name: f.get("owner_name"),
        owner_credit_code: f.opt("owner_credit_code"),
        region_id,
        industry_id,
        gbt_section: f.opt("gbt_section"),
        gbt_division: f.opt("gbt_division"),
        library_class,
        nature,
        content: f.get("content"),
        total_investment,
        initial_completed: f.money("initial_completed", errs),
        planned_start: f.date("planned_start", errs),
        actual_start: f.date("actual_start", errs),
        planned_finish: f.date("planned_finish", errs),
        actual_finish: f.date("actual_finish", errs),
        responsible_unit: f.opt("responsible_unit"),
        leader_in_charge: f.opt("leader_in_charge"),
        contact_name: f.opt("contact_name"),
        contact_phone: f.opt("contact_phone"),
    }
}

fn blank_input() -> ProjectInput {
    ProjectInput {
        code: None,
        name: String::new(),
        owner_name: String::new(),
        owner_credit_code: None,
        region_id: 0,
        industry_id: 0,
        gbt_section: None,
        gbt_division: None,
        library_class: LibraryClass::CityMajor,
        nature: Nature::New,
        content: String::new(),
        total_investment: Money::ZERO,
        initial_completed: Money::ZERO,
        planned_start: None,
        actual_start: None,
        planned_finish: None,
        actual_finish: None,
        responsible_unit: None,
        leader_in_charge: None,
        contact_name: None,
        contact_phone: None,
    }
}
