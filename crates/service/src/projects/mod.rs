//! The key-project library's use cases: scoped lists and reads ([`ProgrammeReader`]), edits
//! by those whose scope covers the project (`edit`: [`LibraryEditor`], [`ProjectEditor`]),
//! warnings and their thresholds (`warnings`), totals (`sums`) and the "as at" view.

mod dispatch;
mod edit;
mod sums;
mod warnings;

pub use dispatch::{DispatchFigures, FigureRow, LAGGING_LIMIT, check_month, tenths_percent};
pub use edit::{LibraryEditor, ProjectEditor};
pub(crate) use sums::SumsCache;
pub use warnings::SettingsEditor;

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use chrono::Datelike;
use dongneng_domain::clock;
use dongneng_domain::money::Money;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::Permission;
use dongneng_domain::project::{FactorInput, ProjectInput, Stage, ym};
use dongneng_domain::warning::WarningRules;
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_store::{
    AuditEntry, AuditFilter, Batch, Factor, Progress, Project, ProjectAsAt, ProjectEvent,
    ProjectFilter, ProjectSort, ProjectSums, Region,
};

/// Filters a client may ask for; ids refer to regions (with their subtrees) and industries.
#[derive(Debug, Clone, Default)]
pub struct ProjectQuery {
    pub industry_id: Option<i64>,
    pub region_id: Option<i64>,
    pub stage: Option<Stage>,
    pub library_class: Option<dongneng_domain::project::LibraryClass>,
    pub batch_year: Option<i32>,
    pub warning: Option<dongneng_domain::warning::Level>,
    /// `None`: in the library only; `Some(false)`: left it; `Some(true)`: in it.
    pub in_library: Option<bool>,
    /// Both in and out of the library.
    pub include_left: bool,
    pub q: Option<String>,
    pub sort: ProjectSort,
    pub descending: bool,
}

/// A new project as a client sends it: the project's fields plus where it enters. (The web
/// layer reads the extra fields out of the body first, so errors in the project's own fields
/// keep their names.)
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CreateProject {
    #[serde(flatten)]
    pub input: ProjectInput,
    /// The stage it enters the library in.
    pub stage: Stage,
    /// The year's batch it joins, with its planned investment (fen).
    pub batch_year: Option<i32>,
    pub year_plan: Option<Money>,
    #[serde(default)]
    pub factors: Vec<FactorInput>,
}

/// Everything the project page shows.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ProjectDetail {
    pub project: Project,
    pub batches: Vec<Batch>,
    pub progress: Vec<Progress>,
    pub events: Vec<ProjectEvent>,
    pub factors: Vec<Factor>,
    /// Every change, newest first (who, when, before, after).
    pub history: Vec<AuditEntry>,
}

/// The region and all its ancestors.
pub fn region_path(regions: &[Region], id: i64) -> Vec<i64> {
    let mut path = vec![id];
    let mut cursor = regions
        .iter()
        .find(|r| r.id == id)
        .and_then(|r| r.parent_id);
    while let Some(c) = cursor {
        if path.contains(&c) {
            break;
        }
        path.push(c);
        cursor = regions.iter().find(|r| r.id == c).and_then(|r| r.parent_id);
    }
    path
}

impl Service {
    /// Reads the library within the actor's scope: every programme role.
    pub fn programme(&self, actor: &Actor) -> Result<ProgrammeReader> {
        Ok(ProgrammeReader(
            self.grant(actor, Permission::ViewProgramme)?,
        ))
    }
}

/// Reads the project library within the actor's scope: lists with totals, one project with
/// its history, the library as at a past month, exports, the warning thresholds.
pub struct ProgrammeReader(Access);

impl ProgrammeReader {
    /// The library within another grant's scope (the digest reads its figures this way).
    pub(crate) fn within(access: Access) -> ProgrammeReader {
        ProgrammeReader(access)
    }

    pub(crate) fn grant(&self) -> &Access {
        &self.0
    }

    /// The warning thresholds in force.
    pub async fn warning_rules(&self) -> Result<WarningRules> {
        self.0.svc().warning_rules().await
    }

    /// Builds the store filter for a query within what the actor may see.
    pub(crate) fn filter(&self, q: &ProjectQuery) -> Result<ProjectFilter> {
        let in_library = if q.include_left {
            None
        } else {
            Some(q.in_library.unwrap_or(true))
        };
        let search =
            q.q.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
        if let Some(s) = &search
            && (s.chars().count() > 100 || s.chars().any(|c| c.is_control()))
        {
            return Err(ServiceError::field("q", "control_chars"));
        }
        Ok(ProjectFilter {
            scope: self.0.scope().clone(),
            industry_ids: q.industry_id.into_iter().collect(),
            region_ids: q.region_id.into_iter().collect(),
            stage: q.stage,
            library_class: q.library_class,
            batch_year: q.batch_year,
            warning: q.warning,
            in_library,
            q: search,
        })
    }

    pub async fn list_projects(
        &self,
        q: &ProjectQuery,
        page: Page,
    ) -> Result<(Vec<Project>, ProjectSums)> {
        let filter = self.filter(q)?;
        let key = format!("{filter:?}");
        let svc = self.0.svc();
        let sums = svc
            .cached_sums(key, || svc.store().project_sums(&filter))
            .await?;
        let items = svc
            .store()
            .project_page(&filter, q.sort, q.descending, page, sums.count)
            .await?;
        Ok((items, sums))
    }

    /// The actor's filtered list a page at a time, so an export of the whole province never
    /// holds it all in memory.
    pub fn export_pages(&self, q: &ProjectQuery) -> Result<ExportPages> {
        Ok(ExportPages {
            svc: self.0.svc().clone(),
            filter: self.filter(q)?,
            after: 0,
        })
    }

    /// The whole filtered list (small lists only: the progress template).
    pub(crate) async fn all_projects(&self, q: &ProjectQuery) -> Result<Vec<Project>> {
        let mut pages = self.export_pages(q)?;
        let mut out = Vec::new();
        while let Some(page) = pages.next().await? {
            out.extend(page);
        }
        Ok(out)
    }

    /// A project the actor may see: 404 when there is none, 403 outside the scope.
    pub async fn get_project(&self, id: i64) -> Result<Project> {
        let store = self.0.store();
        let p = store.get_project(id).await?.ok_or(ServiceError::NotFound)?;
        let regions = store.list_regions().await?;
        if !edit::covers(self.0.scope(), &regions, p.region_id, p.industry_id) {
            return Err(ServiceError::Forbidden);
        }
        Ok(p)
    }

    pub async fn project_detail(&self, id: i64) -> Result<ProjectDetail> {
        let project = self.get_project(id).await?;
        let store = self.0.store();
        let (history, _) = store
            .list_audit(
                &AuditFilter {
                    record_type: Some("project".into()),
                    record_id: Some(id),
                    ..Default::default()
                },
                Page::new(Some(1), Some(200)),
            )
            .await?;
        Ok(ProjectDetail {
            batches: store.list_batches(id).await?,
            progress: store.list_progress(id).await?,
            events: store.list_events(id).await?,
            factors: store.list_factors(id).await?,
            history,
            project,
        })
    }

    /// Whether the actor may also change this project (to show or hide the forms).
    pub async fn can_edit(&self, p: &Project) -> Result<bool> {
        let Ok(editor) = self.0.svc().grant(self.0.actor(), Permission::EditProjects) else {
            return Ok(false);
        };
        let regions = self.0.store().list_regions().await?;
        Ok(edit::covers(
            editor.scope(),
            &regions,
            p.region_id,
            p.industry_id,
        ))
    }

    /// The library as it stood at the end of `year`-`month`, from the stored history.
    pub async fn projects_as_at(
        &self,
        year: i32,
        month: u32,
        q: &ProjectQuery,
        page: Page,
    ) -> Result<(Vec<ProjectAsAt>, ProjectSums)> {
        let mut errs = FieldErrors::new();
        if !(2000..=2100).contains(&year) {
            errs.push(
                FieldError::new("year", "range")
                    .with("min", 2000)
                    .with("max", 2100),
            );
        }
        if !(1..=12).contains(&month) {
            errs.push(
                FieldError::new("month", "range")
                    .with("min", 1)
                    .with("max", 12),
            );
        }
        errs.into_result()?;
        let today = clock::today();
        if (year, month) >= (today.year(), today.month()) {
            return Err(ServiceError::field("month", "not_past_month"));
        }
        let at = clock::end_of_month(year, month)
            .ok_or_else(|| ServiceError::field("month", "range"))?;
        let filter = self.filter(q)?;
        let svc = self.0.svc();
        let m = ym(year, month);
        let key = format!("as-at {at} {filter:?}");
        let sums = svc
            .cached_sums(key, || svc.store().sums_as_at(&filter, at, year, m))
            .await?;
        let items = svc
            .store()
            .projects_as_at(&filter, at, year, m, page)
            .await?;
        Ok((items, sums))
    }
}

/// Walks a filtered list in id order, [`EXPORT_PAGE`] projects at a time.
pub struct ExportPages {
    svc: Service,
    filter: ProjectFilter,
    after: i64,
}

/// Projects per page of an export: large enough that the per-query cost vanishes, small
/// enough that a page (with its factor needs) stays a few megabytes.
pub(crate) const EXPORT_PAGE: i64 = 2_000;

impl ExportPages {
    /// The next page, or `None` when the list is done.
    pub async fn next(&mut self) -> Result<Option<Vec<Project>>> {
        let page = self
            .svc
            .store()
            .export_page(&self.filter, self.after, EXPORT_PAGE)
            .await?;
        match page.last() {
            Some(last) => {
                self.after = last.id;
                Ok(Some(page))
            }
            None => Ok(None),
        }
    }
}
