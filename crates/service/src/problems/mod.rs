//! Problems (问题协调): who reads them ([`ProblemReader`], `ViewCoordination` over the scope —
//! a department the ones assigned to it or raised by it), who raises them
//! ([`ProblemRaiser`]), and the capabilities over one problem (`steps`): the office's
//! [`ProblemManager`], a department's [`ProblemAnswerer`] narrowed to its own assignment, the
//! [`ProblemUrger`], the leader's [`ProblemInstructor`] and the [`ProblemAttacher`]; the
//! per-department table (`stats`).

mod demo;
mod stats;
mod steps;

pub use stats::{DepartmentStats, StatsSort};
pub use steps::{
    ProblemAnswerer, ProblemAttacher, ProblemInstructor, ProblemManager, ProblemUrger,
    task_from_instruction,
};

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use crate::projects::region_path;
use dongneng_domain::clock;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::{DataScope, Permission};
use dongneng_domain::problem::{self, ProblemInput, ProblemKind, ProblemState};
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_store::{
    Assignment, NewProblem, Problem, ProblemDetail, ProblemFields, ProblemFile, ProblemFilter,
};

/// Filters a client may ask for.
#[derive(Debug, Clone, Default)]
pub struct ProblemQuery {
    pub state: Option<ProblemState>,
    pub kind: Option<ProblemKind>,
    pub department_id: Option<i64>,
    pub industry_id: Option<i64>,
    /// A district (with everything below it).
    pub region_id: Option<i64>,
    pub project_id: Option<i64>,
    /// Only those with an assignment open past its deadline, earliest first.
    pub overdue: bool,
    pub q: Option<String>,
}

/// A text filter: trimmed, bounded, no control characters.
pub(crate) fn search(field: &str, q: &Option<String>) -> Result<Option<String>> {
    let s = q
        .as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(s) = &s
        && (s.chars().count() > 100 || s.chars().any(|c| c.is_control()))
    {
        return Err(ServiceError::field(field, "control_chars"));
    }
    Ok(s)
}

/// The derived flags of a problem as read today.
pub(crate) fn flag(p: &mut Problem, today: chrono::NaiveDate) {
    p.overdue = p.next_deadline.is_some_and(|d| d < today);
}

fn flag_assignment(
    a: &mut Assignment,
    today: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) {
    a.sign_late = problem::sign_late(a.assigned_at, a.signed_at, now);
    a.overdue = problem::overdue(a.state, a.deadline, today);
}

impl Service {
    /// Reads problems within the actor's scope.
    pub fn problems(&self, actor: &Actor) -> Result<ProblemReader> {
        Ok(ProblemReader(
            self.grant(actor, Permission::ViewCoordination)?,
        ))
    }

    /// Raises problems about what the actor's scope covers.
    pub fn problem_raiser(&self, actor: &Actor) -> Result<ProblemRaiser> {
        Ok(ProblemRaiser(self.grant(actor, Permission::RaiseProblems)?))
    }

    /// `permission` over problem `id`: 403 without it, 404 when there is no such problem,
    /// 403 when the scope does not cover it.
    pub(crate) async fn problem_grant(
        &self,
        actor: &Actor,
        permission: Permission,
        id: i64,
    ) -> Result<(Access, Problem)> {
        let access = self.grant(actor, permission)?;
        let problem = self
            .store()
            .get_problem(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let path = self.region_path_of(problem.region_id).await?;
        let access = access.covering(|s| covers(s, &path, &problem))?;
        Ok((access, problem))
    }

    /// A region with all the regions above it.
    pub(crate) async fn region_path_of(&self, region: i64) -> Result<Vec<i64>> {
        let regions = self.store().list_regions().await?;
        Ok(region_path(&regions, region))
    }
}

/// Whether `scope` covers a problem: its district, its industry, a department it is
/// assigned to or the department that raised it.
fn covers(scope: &DataScope, region_path: &[i64], p: &Problem) -> bool {
    let mut departments = p.department_ids.clone();
    departments.extend(p.raised_department_id);
    scope.covers_assigned(region_path, Some(p.industry_id), &departments)
}

/// Reads problems within the actor's scope: the list, one problem with its timeline, files,
/// the per-department table, what waits on the actor's department.
pub struct ProblemReader(Access);

impl ProblemReader {
    fn filter(&self, q: &ProblemQuery) -> Result<ProblemFilter> {
        Ok(ProblemFilter {
            scope: self.0.scope().clone(),
            state: q.state,
            kind: q.kind,
            department_id: q.department_id,
            industry_id: q.industry_id,
            region_id: q.region_id,
            project_id: q.project_id,
            overdue_on: q.overdue.then(clock::today),
            q: search("q", &q.q)?,
        })
    }

    /// A page of the list and how many the filters select.
    pub async fn list(&self, q: &ProblemQuery, page: Page) -> Result<(Vec<Problem>, i64)> {
        let (mut items, total) = self.0.store().problem_page(&self.filter(q)?, page).await?;
        let today = clock::today();
        for p in &mut items {
            flag(p, today);
        }
        Ok((items, total))
    }

    /// The problem with its assignments, files, timeline and instructions: 404 when there is
    /// none, 403 outside the scope.
    pub async fn detail(&self, id: i64) -> Result<ProblemDetail> {
        let svc = self.0.svc();
        let mut d = svc
            .store()
            .problem_detail(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let path = svc.region_path_of(d.problem.region_id).await?;
        if !covers(self.0.scope(), &path, &d.problem) {
            return Err(ServiceError::Forbidden);
        }
        let (today, now) = (clock::today(), clock::now());
        flag(&mut d.problem, today);
        for a in &mut d.assignments {
            flag_assignment(a, today, now);
        }
        Ok(d)
    }

    /// A file of a problem the actor may read.
    pub async fn file(&self, id: i64, file_id: i64) -> Result<(ProblemFile, Vec<u8>)> {
        self.detail(id).await?;
        self.0
            .store()
            .get_problem_file(id, file_id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The assignments waiting on the actor's own department (its to-do), earliest deadline
    /// first; none for a user without a department.
    pub async fn waiting(&self, limit: i64) -> Result<Vec<Assignment>> {
        let Some(department) = self.0.actor().user().department_id else {
            return Ok(vec![]);
        };
        let mut list = self
            .0
            .store()
            .assignments_waiting(department, limit)
            .await?;
        let (today, now) = (clock::today(), clock::now());
        for a in &mut list {
            flag_assignment(a, today, now);
        }
        Ok(list)
    }

    pub(crate) fn access(&self) -> &Access {
        &self.0
    }
}

/// Raises problems about what the actor's scope covers.
pub struct ProblemRaiser(Access);

impl ProblemRaiser {
    /// Raises a problem: checked, its references resolved (a project's industry and district
    /// filled in), within the scope (403 otherwise), numbered in its year.
    pub async fn raise(&self, mut input: ProblemInput) -> Result<Problem> {
        input.tidy();
        input.validate()?;
        let fields = resolve(&self.0, &input).await?;
        let path = self.0.svc().region_path_of(fields.region_id).await?;
        if !self.0.scope().covers(&path, Some(fields.industry_id)) {
            return Err(ServiceError::Forbidden);
        }
        let new = NewProblem {
            fields,
            raised_department_id: self.0.actor().user().department_id,
            at: clock::now(),
        };
        Ok(self.0.store().create_problem(&new, &self.0.by()).await?)
    }
}

/// The problem's fields with its references checked: the project (its industry and district
/// by default, and no others), the industry and the district.
pub(crate) async fn resolve(access: &Access, input: &ProblemInput) -> Result<ProblemFields> {
    let store = access.store();
    let mut errs = FieldErrors::new();
    let (mut industry, mut region) = (input.industry_id, input.region_id);
    if let Some(pid) = input.project_id {
        match store.get_project(pid).await? {
            None => errs.add("project_id", "unknown_reference"),
            Some(p) => {
                if industry.is_some_and(|i| i != p.industry_id) {
                    errs.add("industry_id", "project_mismatch");
                }
                if region.is_some_and(|r| r != p.region_id) {
                    errs.add("region_id", "project_mismatch");
                }
                industry = Some(p.industry_id);
                region = Some(p.region_id);
            }
        }
    }
    let (Some(industry), Some(region)) = (industry, region) else {
        if errs.is_empty() {
            errs.add("industry_id", "required");
        }
        return Err(errs.into());
    };
    if store.get_industry(industry).await?.is_none() {
        errs.push(FieldError::new("industry_id", "unknown_reference"));
    }
    if store.get_region(region).await?.is_none() {
        errs.push(FieldError::new("region_id", "unknown_reference"));
    }
    errs.into_result()?;
    Ok(ProblemFields {
        title: input.title.clone(),
        kind: input.kind,
        description: input.description.clone(),
        origin: input.origin,
        origin_id: input.origin_record(),
        project_id: input.project_id,
        industry_id: industry,
        region_id: region,
    })
}
