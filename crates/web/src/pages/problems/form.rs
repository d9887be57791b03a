//! The problem forms: raising one on its own or from a task or meeting (`/problems/new`),
//! raising one from a project's page with the project filled in
//! (`/projects/{id}/problems/new`), and the office's edit (`/problems/{id}/edit`).

use super::{ManageProblems, RaiseProblems};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{Create, Ctx, Edit, Form, FormData, FormField, Place, Screen, choices};
use crate::pages::projects::Names;
use dongneng_domain::FieldErrors;
use dongneng_domain::problem::{ProblemInput, ProblemKind, ProblemOrigin};
use dongneng_service::ServiceError;

/// A problem raised on its own, or from a task or a meeting.
pub struct Raise;

impl Screen for Raise {
    type Gate = RaiseProblems;
    const AREA: &'static str = "problems";
    const HOME: &'static str = "/problems";
}

/// A problem raised from the project `{id}`.
pub struct RaiseFromProject;

impl Screen for RaiseFromProject {
    type Gate = RaiseProblems;
    const AREA: &'static str = "problems";
    const HOME: &'static str = "/projects/{id}";
}

/// The office's edit of problem `{id}`; the forms on its page are in `detail.rs`.
pub struct ProblemForm;

impl Screen for ProblemForm {
    type Gate = ManageProblems;
    const AREA: &'static str = "problems";
    const HOME: &'static str = "/problems/{id}";
}

fn blank(origin: ProblemOrigin) -> ProblemInput {
    ProblemInput {
        title: String::new(),
        kind: ProblemKind::Land,
        description: String::new(),
        origin,
        origin_id: None,
        project_id: None,
        industry_id: None,
        region_id: None,
    }
}

fn read_input(f: &FormData) -> (ProblemInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let kind = f.choice("kind", ProblemKind::parse, &mut errs);
    let origin = match f.opt("origin") {
        None => Some(ProblemOrigin::Own),
        Some(_) => f.choice("origin", ProblemOrigin::parse, &mut errs),
    };
    let input = ProblemInput {
        title: f.get("title"),
        kind: kind.unwrap_or(ProblemKind::Other),
        description: f.get("description"),
        origin: origin.unwrap_or(ProblemOrigin::Own),
        origin_id: f.opt_id("origin_id", &mut errs),
        project_id: f.opt_id("project_id", &mut errs),
        industry_id: f.opt_id("industry_id", &mut errs),
        region_id: f.opt_id("region_id", &mut errs),
    };
    (input, errs)
}

/// Title, kind and description: what every problem form asks.
fn what(lang: Lang, d: &ProblemInput) -> Vec<FormField> {
    vec![
        FormField::text(lang, "title", &d.title).required(),
        FormField::one_of(
            lang,
            "kind",
            &d.kind.code(),
            choices(lang, "problem.kind", ProblemKind::ALL, ProblemKind::code),
        ),
        FormField::textarea(lang, "description", &d.description).required(),
    ]
}

/// Where it came from and what it concerns; `origins` the origins offered.
fn whence(
    lang: Lang,
    names: &Names,
    d: &ProblemInput,
    origins: &[ProblemOrigin],
) -> Vec<FormField> {
    let not_set = || Some(lang.t("common.not_set"));
    vec![
        FormField::one_of(
            lang,
            "origin",
            &d.origin.code(),
            choices(lang, "problem.origin", origins, ProblemOrigin::code),
        ),
        FormField::number(lang, "origin_id", &d.origin_id).hint(lang.t("problem.origin_id_hint")),
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
    ]
}

const OWN_ORIGINS: &[ProblemOrigin] = &[
    ProblemOrigin::Own,
    ProblemOrigin::Task,
    ProblemOrigin::Meeting,
];

impl Form for Raise {
    type Draft = ProblemInput;

    fn read(f: &FormData) -> (ProblemInput, FieldErrors) {
        read_input(f)
    }

    async fn fields(c: &Ctx<Self>, d: &ProblemInput) -> AppResult<Vec<FormField>> {
        let names = Names::load(&c.app, &c.s).await?;
        let mut fields = what(c.lang(), d);
        fields.extend(whence(c.lang(), &names, d, OWN_ORIGINS));
        Ok(fields)
    }
}

impl Create for Raise {
    const COLLECTION: &'static str = "/problems";
    const NEW_TITLE: &'static str = "problem.new_title";

    async fn blank(_: &Ctx<Self>) -> AppResult<ProblemInput> {
        Ok(blank(ProblemOrigin::Own))
    }

    async fn create(c: &Ctx<Self>, d: ProblemInput) -> Result<Place, ServiceError> {
        let p = c.access.raise(d).await?;
        Ok(Place::new(format!("/problems/{}", p.id)))
    }
}

impl Form for RaiseFromProject {
    type Draft = ProblemInput;

    fn read(f: &FormData) -> (ProblemInput, FieldErrors) {
        read_input(f)
    }

    /// What it asks, under the project's name.
    async fn fields(c: &Ctx<Self>, d: &ProblemInput) -> AppResult<Vec<FormField>> {
        let project = c
            .service()
            .programme(c.actor())?
            .get_project(c.path.id(0)?)
            .await?;
        let lang = c.lang();
        let mut fields = what(lang, d);
        fields[0] = FormField::text(lang, "title", &d.title)
            .required()
            .hint(lang.t_with("problem.about_project", &[("name", &project.name)]));
        Ok(fields)
    }
}

impl Create for RaiseFromProject {
    const COLLECTION: &'static str = "/projects/{id}/problems";
    const NEW_TITLE: &'static str = "problem.new_title";

    async fn blank(_: &Ctx<Self>) -> AppResult<ProblemInput> {
        Ok(blank(ProblemOrigin::Project))
    }

    /// The project is the path's; its industry and district follow.
    async fn create(c: &Ctx<Self>, mut d: ProblemInput) -> Result<Place, ServiceError> {
        d.origin = ProblemOrigin::Project;
        d.project_id = Some(c.path.id(0)?);
        (d.origin_id, d.industry_id, d.region_id) = (None, None, None);
        let p = c.access.raise(d).await?;
        Ok(Place::new(format!("/problems/{}", p.id)))
    }
}

impl Form for ProblemForm {
    type Draft = ProblemInput;

    fn read(f: &FormData) -> (ProblemInput, FieldErrors) {
        read_input(f)
    }

    async fn fields(c: &Ctx<Self>, d: &ProblemInput) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        let names = Names::load(&c.app, &c.s).await?;
        let mut fields = what(lang, d);
        fields.extend(whence(lang, &names, d, ProblemOrigin::ALL));
        fields.insert(5, FormField::number(lang, "project_id", &d.project_id));
        Ok(fields)
    }
}

impl Edit for ProblemForm {
    const RECORD: &'static str = "/problems/{id}/edit";
    const EDIT_TITLE: &'static str = "problem.edit_title";

    async fn load(c: &Ctx<Self>) -> Result<(ProblemInput, i64), ServiceError> {
        let p = c.access.problem();
        let project = p.origin == ProblemOrigin::Project;
        let input = ProblemInput {
            title: p.title.clone(),
            kind: p.kind,
            description: p.description.clone(),
            origin: p.origin,
            origin_id: if project { None } else { p.origin_id },
            project_id: p.project_id,
            industry_id: Some(p.industry_id),
            region_id: Some(p.region_id),
        };
        Ok((input, p.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: ProblemInput) -> Result<(), ServiceError> {
        c.access.edit(version, d).await?;
        Ok(())
    }
}
