//! Changing the library: [`LibraryEditor`] creates projects and imports files within the
//! actor's scope; [`ProjectEditor`] changes one project the actor's scope covers — its fields,
//! stage, library membership, batch, monthly progress and factor needs. Both are handed out
//! only to the roles of `Permission::EditProjects`.

use super::{CreateProject, region_path};
use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use chrono::NaiveDate;
use dongneng_domain::clock;
use dongneng_domain::money::Money;
use dongneng_domain::policy::{DataScope, Permission};
use dongneng_domain::project::{FactorInput, ProgressInput, ProjectInput, Stage};
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_store::{
    AuditBy, Batch, EventNote, Factor, NewProject, Progress, Project, Region, Store, WarningContext,
};

impl Service {
    /// Creates projects and imports files, within the actor's scope.
    pub fn library_editor(&self, actor: &Actor) -> Result<LibraryEditor> {
        Ok(LibraryEditor(self.grant(actor, Permission::EditProjects)?))
    }

    /// Changes project `id`, when the actor's scope covers it: 403 without the permission or
    /// outside the scope, 404 when there is no such project.
    pub async fn project_editor(&self, actor: &Actor, id: i64) -> Result<ProjectEditor> {
        let access = self.grant(actor, Permission::EditProjects)?;
        let project = self
            .store()
            .get_project(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let regions = self.store().list_regions().await?;
        let access =
            access.covering(|s| covers(s, &regions, project.region_id, project.industry_id))?;
        Ok(ProjectEditor {
            access,
            project,
            regions,
        })
    }
}

/// Whether `scope` covers a project in `region` and `industry`.
pub(crate) fn covers(scope: &DataScope, regions: &[Region], region: i64, industry: i64) -> bool {
    scope.covers(&region_path(regions, region), Some(industry))
}

/// Checks references and that the scope covers where the project will be.
async fn check_project_refs(
    access: &Access,
    input: &ProjectInput,
    regions: &[Region],
) -> Result<()> {
    let mut errs = FieldErrors::new();
    if !regions.iter().any(|r| r.id == input.region_id) {
        errs.add("region_id", "unknown_reference");
    }
    if access
        .store()
        .get_industry(input.industry_id)
        .await?
        .is_none()
    {
        errs.add("industry_id", "unknown_reference");
    }
    errs.into_result()?;
    if !covers(access.scope(), regions, input.region_id, input.industry_id) {
        return Err(ServiceError::Forbidden);
    }
    Ok(())
}

/// Creates projects and imports project lists and monthly progress, within the actor's scope.
pub struct LibraryEditor(Access);

impl LibraryEditor {
    pub(crate) fn grant(&self) -> &Access {
        &self.0
    }

    pub async fn create_project(&self, mut req: CreateProject) -> Result<Project> {
        let regions = self.0.store().list_regions().await?;
        req.input.tidy();
        let mut errs = req.input.validate(req.stage).err().unwrap_or_default();
        let batch = batch_of(req.batch_year, req.year_plan, &mut errs);
        for (i, f) in req.factors.iter().enumerate() {
            if let Err(e) = f.validate(&format!("factors[{i}]")) {
                errs.extend(e);
            }
        }
        errs.into_result()?;
        check_project_refs(&self.0, &req.input, &regions).await?;
        let new = NewProject {
            input: req.input,
            stage: req.stage,
            batch,
            factors: req.factors,
        };
        let ctx = self.0.svc().warning_context().await?;
        Ok(self
            .0
            .store()
            .create_project(&new, &ctx, &self.0.by())
            .await?)
    }
}

/// What a write of the project hands the store besides the change: the project, the context
/// its warning is re-evaluated with (today, the thresholds) and who is acting.
struct Writer<'a> {
    store: &'a dyn Store,
    id: i64,
    ctx: WarningContext,
    by: AuditBy,
}

/// Changes one project the actor's scope covers.
pub struct ProjectEditor {
    access: Access,
    project: Project,
    regions: Vec<Region>,
}

impl ProjectEditor {
    /// The project as it stood when the capability was handed out.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// What every write of the project hands the store besides the change.
    async fn writer(&self) -> Result<Writer<'_>> {
        Ok(Writer {
            store: self.access.store(),
            id: self.project.id,
            ctx: self.access.svc().warning_context().await?,
            by: self.access.by(),
        })
    }

    pub async fn update(&self, version: i64, mut input: ProjectInput) -> Result<Project> {
        let current = &self.project;
        input.tidy();
        input.validate(current.stage)?;
        if current.initial_completed != input.initial_completed {
            let progress = current.completed_investment.0 - current.initial_completed.0;
            if input.initial_completed.0 + progress > input.total_investment.0 {
                return Err(ServiceError::field(
                    "initial_completed",
                    "completed_above_total",
                ));
            }
        }
        if current.completed_investment > input.total_investment
            && current.initial_completed == input.initial_completed
        {
            return Err(ServiceError::field(
                "total_investment",
                "total_below_completed",
            ));
        }
        check_project_refs(&self.access, &input, &self.regions).await?;
        let w = self.writer().await?;
        Ok(w.store
            .update_project(w.id, version, &input, &w.ctx, &w.by)
            .await?)
    }

    /// Moves the project to another stage on a date, with a note. Only the moves of
    /// `Stage::allowed_moves`; from 开工 on the project needs its national code.
    pub async fn move_stage(
        &self,
        version: i64,
        to: Stage,
        on_date: Option<NaiveDate>,
        note: &str,
    ) -> Result<Project> {
        let p = &self.project;
        let mut errs = FieldErrors::new();
        if !p.stage.can_move_to(to) {
            errs.push(
                FieldError::new("stage", "illegal_move")
                    .with("from", p.stage.zh())
                    .with("to", to.zh()),
            );
        }
        if to.code_required() && p.code.is_none() {
            errs.add("code", "code_required_started");
        }
        let event = event_note(&mut errs, "note", on_date, note, false);
        errs.into_result()?;
        let w = self.writer().await?;
        Ok(w.store
            .move_stage(w.id, version, to, event, &w.ctx, &w.by)
            .await?)
    }

    /// Takes the project out of the library (出库, reason required) or back in (入库).
    pub async fn set_in_library(
        &self,
        version: i64,
        enter: bool,
        on_date: Option<NaiveDate>,
        note: &str,
    ) -> Result<Project> {
        let mut errs = FieldErrors::new();
        if self.project.in_library == enter {
            errs.add(
                "in_library",
                if enter { "already_in" } else { "already_out" },
            );
        }
        let field = if enter { "note" } else { "reason" };
        let event = event_note(&mut errs, field, on_date, note, !enter);
        errs.into_result()?;
        let w = self.writer().await?;
        Ok(w.store
            .set_in_library(w.id, version, enter, event, &w.ctx, &w.by)
            .await?)
    }

    /// Puts the project into a year's batch with its planned investment (or changes it).
    pub async fn set_batch(&self, year: i32, plan: Money) -> Result<Project> {
        let mut errs = FieldErrors::new();
        let batch = batch_of(Some(year), Some(plan), &mut errs);
        errs.into_result()?;
        let batch = batch.ok_or_else(|| ServiceError::field("year", "required"))?;
        let w = self.writer().await?;
        Ok(w.store.set_batch(w.id, &batch, &w.ctx, &w.by).await?)
    }

    /// Enters or corrects a month's report. The completed total may not pass the total
    /// investment.
    pub async fn report_progress(&self, input: ProgressInput) -> Result<Progress> {
        let p = &self.project;
        input.validate(clock::today())?;
        let existing = self.access.store().list_progress(p.id).await?;
        let old = existing
            .iter()
            .find(|g| g.year == input.year && g.month as u32 == input.month)
            .map(|g| g.month_investment.0)
            .unwrap_or(0);
        let completed = p.completed_investment.0 - old + input.month_investment.0;
        if completed > p.total_investment.0 {
            return Err(ServiceError::Invalid(FieldErrors(vec![
                FieldError::new("month_investment", "completed_above_total")
                    .with("total", p.total_investment.wan_exact()),
            ])));
        }
        let w = self.writer().await?;
        Ok(w.store.upsert_progress(w.id, &input, &w.ctx, &w.by).await?)
    }

    /// Sets a factor-guarantee need and how far it is met.
    pub async fn set_factor(&self, factor: FactorInput) -> Result<Factor> {
        factor.validate("factor")?;
        let w = self.writer().await?;
        Ok(w.store.set_factor(w.id, &factor, &w.ctx, &w.by).await?)
    }
}

/// When a stage move or a library entry/exit happened and why: the date is today unless
/// given, never in the future; the note (in `field`) is checked free text, `required` or not.
fn event_note<'a>(
    errs: &mut FieldErrors,
    field: &str,
    on_date: Option<NaiveDate>,
    note: &'a str,
    required: bool,
) -> EventNote<'a> {
    check_note(errs, field, note, required);
    let today = clock::today();
    let date = on_date.unwrap_or(today);
    if date > today {
        errs.add("on_date", "future_date");
    }
    EventNote {
        on_date: date,
        note: note.trim(),
    }
}

fn check_note(errs: &mut FieldErrors, field: &str, note: &str, required: bool) {
    if note.trim().is_empty() {
        if required {
            errs.add(field, "required");
        }
        return;
    }
    if dongneng_domain::validate::free_text(note).is_err() {
        errs.add(field, "control_chars");
    }
    if note.chars().count() > 500 {
        errs.push(FieldError::new(field, "length").with("max", 500));
    }
}

/// A batch from a year and a plan; either alone is an error.
fn batch_of(year: Option<i32>, plan: Option<Money>, errs: &mut FieldErrors) -> Option<Batch> {
    match (year, plan) {
        (None, None) => None,
        (Some(y), p) => {
            if !(2000..=2100).contains(&y) {
                errs.push(
                    FieldError::new("batch_year", "range")
                        .with("min", 2000)
                        .with("max", 2100),
                );
            }
            let p = p.unwrap_or_default();
            if p.0 < 0 {
                errs.add("year_plan", "money_negative");
            }
            Some(Batch {
                year: y,
                planned_investment: p,
            })
        }
        (None, Some(_)) => {
            errs.add("batch_year", "required");
            None
        }
    }
}
