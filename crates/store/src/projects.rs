//! Project-library records and the storage trait for them.

use crate::{AuditBy, Result};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::money::Money;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_domain::project::{
    FactorInput, FactorKind, LibraryClass, Nature, ProgressInput, ProjectInput, Quantity, Stage,
};
use dongneng_domain::warning::{Level, Reason, WarningRules};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A project as it stands now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub owner_name: String,
    pub owner_credit_code: Option<String>,
    pub region_id: i64,
    pub industry_id: i64,
    pub gbt_section: Option<String>,
    pub gbt_division: Option<String>,
    pub library_class: LibraryClass,
    pub nature: Nature,
    pub content: String,
    /// 总投资 (fen).
    pub total_investment: Money,
    /// Completed before entering the system (fen).
    pub initial_completed: Money,
    /// 累计完成投资: initial plus every monthly report (fen).
    pub completed_investment: Money,
    /// The year `year_plan` and `year_completed` belong to.
    pub plan_year: i32,
    /// 年度计划投资 of `plan_year` (fen; 0 when not in that year's batch).
    pub year_plan: Money,
    /// 本年完成投资 of `plan_year` (fen).
    pub year_completed: Money,
    pub planned_start: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub planned_finish: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    pub responsible_unit: Option<String>,
    pub leader_in_charge: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub stage: Stage,
    pub in_library: bool,
    pub left_reason: Option<String>,
    pub left_on: Option<NaiveDate>,
    pub last_progress_ym: Option<i32>,
    pub warning_level: Level,
    pub warning_reasons: Vec<Reason>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    /// The fields as they would be entered, for edit forms and comparisons.
    pub fn input(&self) -> ProjectInput {
        ProjectInput {
            code: self.code.clone(),
            name: self.name.clone(),
            owner_name: self.owner_name.clone(),
            owner_credit_code: self.owner_credit_code.clone(),
            region_id: self.region_id,
            industry_id: self.industry_id,
            gbt_section: self.gbt_section.clone(),
            gbt_division: self.gbt_division.clone(),
            library_class: self.library_class,
            nature: self.nature,
            content: self.content.clone(),
            total_investment: self.total_investment,
            initial_completed: self.initial_completed,
            planned_start: self.planned_start,
            actual_start: self.actual_start,
            planned_finish: self.planned_finish,
            actual_finish: self.actual_finish,
            responsible_unit: self.responsible_unit.clone(),
            leader_in_charge: self.leader_in_charge.clone(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
        }
    }
}

/// One month's report as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Progress {
    pub id: i64,
    pub project_id: i64,
    pub year: i32,
    pub month: i32,
    pub month_investment: Money,
    /// 本年累计完成 up to this month (fen).
    pub ytd_investment: Money,
    /// All months reported so far, up to this one (fen; excludes `initial_completed`).
    pub cumulative_investment: Money,
    pub image_progress: String,
    pub milestone: String,
    pub problems: String,
    pub next_steps: String,
    pub username: String,
    pub reported_at: DateTime<Utc>,
}

/// A stage move or a library entry/exit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectEvent {
    pub id: i64,
    /// `stage`, `enter` or `leave`.
    pub kind: String,
    pub from_stage: Option<Stage>,
    pub to_stage: Option<Stage>,
    pub on_date: NaiveDate,
    pub note: String,
    pub username: String,
    pub at: DateTime<Utc>,
}

/// A factor-guarantee need and how far it is met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Factor {
    pub id: i64,
    pub project_id: i64,
    pub kind: FactorKind,
    pub required: Quantity,
    pub fulfilled: Quantity,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
    pub version: i64,
}

/// A project's place in one year's batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Batch {
    pub year: i32,
    pub planned_investment: Money,
}

/// Filters of the project list. Regions (in the filter and in the scope) stand for
/// themselves and everything below them; the store walks the tree.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// What the user may see.
    pub scope: DataScope,
    pub industry_ids: Vec<i64>,
    pub region_ids: Vec<i64>,
    pub stage: Option<Stage>,
    pub library_class: Option<LibraryClass>,
    /// Only projects in this year's batch.
    pub batch_year: Option<i32>,
    pub warning: Option<Level>,
    /// `Some(true)` (default in lists): in the library; `Some(false)`: left it; `None`: both.
    pub in_library: Option<bool>,
    /// Chinese substring of name, owner or content.
    pub q: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectSort {
    #[default]
    Updated,
    Name,
    Code,
    TotalInvestment,
    YearPlan,
    Completed,
    Stage,
    Warning,
}

/// Totals of a filtered set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectSums {
    pub count: i64,
    pub total_investment: Money,
    pub year_plan: Money,
    pub completed: Money,
    pub year_completed: Money,
    pub red: i64,
    pub yellow: i64,
    pub green: i64,
    pub planning: i64,
    pub reserve: i64,
    pub started: i64,
    pub completed_stage: i64,
}

/// The `meta` key the warning thresholds are stored under.
pub const WARNING_RULES_KEY: &str = "warning_rules";

/// Today's date and the warning thresholds, which every write re-evaluates a project with.
#[derive(Debug, Clone)]
pub struct WarningContext {
    pub rules: WarningRules,
    pub today: NaiveDate,
    /// The moment to record the change at; `None` means now. Only loaders of past data
    /// (the demo, the benchmark generator) set it, so their history reads as it happened.
    pub at: Option<DateTime<Utc>>,
}

/// A new project with its stage, batch and needs.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub input: ProjectInput,
    pub stage: Stage,
    pub batch: Option<Batch>,
    pub factors: Vec<FactorInput>,
}

/// One row of an import, already validated and matched: create or update.
#[derive(Debug, Clone)]
pub enum ImportOp {
    Create(NewProject),
    /// Update project `id` from version `version`; `stage` is a move when it differs.
    Update {
        id: i64,
        version: i64,
        input: ProjectInput,
        stage: Stage,
        batch: Option<Batch>,
        factors: Vec<FactorInput>,
    },
}

/// A monthly report to import for project `project_id`.
#[derive(Debug, Clone)]
pub struct ProgressOp {
    pub project_id: i64,
    pub input: ProgressInput,
}

/// A project as it stood at a past moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectAsAt {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub owner_name: String,
    pub region_id: i64,
    pub industry_id: i64,
    pub library_class: LibraryClass,
    pub stage: Stage,
    pub in_library: bool,
    pub total_investment: Money,
    pub year_plan: Money,
    pub completed_investment: Money,
    pub year_completed: Money,
}

/// When a stage move or a library entry/exit happened, and the note or reason given.
#[derive(Debug, Clone, Copy)]
pub struct EventNote<'a> {
    pub on_date: NaiveDate,
    pub note: &'a str,
}

/// Identifies existing projects for import matching.
#[derive(Debug, Clone)]
pub struct ProjectKey {
    pub id: i64,
    pub version: i64,
    pub code: Option<String>,
    pub name: String,
    pub owner_name: String,
}

/// The project library's storage.
#[async_trait]
pub trait ProjectStore {
    /// Totals of the projects a filter selects.
    async fn project_sums(&self, filter: &ProjectFilter) -> Result<ProjectSums>;
    /// One page of the projects a filter selects, in the given order. `matches` is how many
    /// it selects (known from its totals), which lets a backend choose how to find the page.
    async fn project_page(
        &self,
        filter: &ProjectFilter,
        sort: ProjectSort,
        descending: bool,
        page: Page,
        matches: i64,
    ) -> Result<Vec<Project>>;
    /// A number that grows with every change to any project, in the same transaction, so that
    /// totals computed at one value can be reused by any instance until it moves.
    async fn library_version(&self) -> Result<i64>;
    async fn get_project(&self, id: i64) -> Result<Option<Project>>;
    /// Up to `limit` projects of the filter with ids above `after_id`, in id order: an export
    /// walks the whole filtered list this way without holding it in memory.
    async fn export_page(
        &self,
        filter: &ProjectFilter,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Project>>;
    async fn create_project(
        &self,
        new: &NewProject,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> Result<Project>;
    async fn update_project(
        &self,
        id: i64,
        version: i64,
        input: &ProjectInput,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> Result<Project>;
    async fn move_stage(
        &self,
        id: i64,
        version: i64,
        to: Stage,
        event: EventNote<'_>,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> Result<Project>;
    /// Leaves (`enter = false`, reason required) or re-enters the library.
    async fn set_in_library(
        &self,
        id: i64,
        version: i64,
        enter: bool,
        event: EventNote<'_>,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> Result<Project>;
    /// Puts the project into a year's batch with its planned investment (or changes it).
    async fn set_batch(
        &self,
        id: i64,
        batch: &Batch,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> Result<Project>;
    async fn list_batches(&self, id: i64) -> Result<Vec<Batch>>;
    /// Enters or corrects one month's report; later months' running totals follow.
    async fn upsert_progress(
        &self,
        id: i64,
        input: &ProgressInput,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> Result<Progress>;
    async fn list_progress(&self, id: i64) -> Result<Vec<Progress>>;
    async fn list_events(&self, id: i64) -> Result<Vec<ProjectEvent>>;
    async fn set_factor(
        &self,
        id: i64,
        factor: &FactorInput,
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> Result<Factor>;
    async fn list_factors(&self, id: i64) -> Result<Vec<Factor>>;
    /// Re-evaluates the warnings of every project (after the date changed), a chunk of the
    /// library per transaction.
    async fn refresh_all_warnings(&self, ctx: &WarningContext) -> Result<u64>;
    /// The warning thresholds in force: the stored ones, or the defaults.
    async fn warning_rules(&self) -> Result<WarningRules>;
    /// Stores `ctx.rules` as the warning thresholds and re-evaluates every project with them,
    /// in one transaction with the audit row (`update` of `warning_rules`, before and after).
    /// Returns how many projects were re-evaluated.
    async fn set_warning_rules(&self, ctx: &WarningContext, by: &AuditBy) -> Result<u64>;
    /// The library as it stood at `at`; `year`/`ym` select the plan and progress figures.
    async fn projects_as_at(
        &self,
        filter: &ProjectFilter,
        at: DateTime<Utc>,
        year: i32,
        ym: i32,
        page: Page,
    ) -> Result<Vec<ProjectAsAt>>;
    /// Totals of the library as it stood at `at`.
    async fn sums_as_at(
        &self,
        filter: &ProjectFilter,
        at: DateTime<Utc>,
        year: i32,
        ym: i32,
    ) -> Result<ProjectSums>;
    /// Keys of all projects (for matching imported rows).
    async fn project_keys(&self) -> Result<Vec<ProjectKey>>;
    /// The ids of the projects with these codes or these (name, owner) pairs, looked up by
    /// index a chunk at a time, so that matching a file never reads the whole library.
    async fn find_project_ids(&self, codes: &[&str], names: &[(&str, &str)]) -> Result<Vec<i64>>;
    /// Applies an import in one transaction: all rows or none.
    async fn import_projects(
        &self,
        ops: &[ImportOp],
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> Result<(usize, usize)>;
    /// Applies monthly reports in one transaction: all or none.
    async fn import_progress(
        &self,
        ops: &[ProgressOp],
        ctx: &WarningContext,
        by: &AuditBy,
    ) -> Result<usize>;
    /// The projects with these ids (for comparing imported rows with what is stored).
    async fn get_projects(&self, ids: &[i64]) -> Result<Vec<Project>>;
    /// The factor needs of these projects.
    async fn factors_for(&self, ids: &[i64]) -> Result<Vec<Factor>>;
    /// Every project's planned investment in one year's batch.
    async fn batches_for_year(&self, year: i32) -> Result<Vec<(i64, Money)>>;
    /// The month's project dispatch figures (月度调度), one cell per industry and region, from
    /// the library as it stood at `at` (the month's end): the same select as
    /// [`ProjectStore::sums_as_at`], so the cells add up to its totals exactly.
    async fn dispatch_cells(
        &self,
        filter: &ProjectFilter,
        at: DateTime<Utc>,
        year: i32,
        ym: i32,
    ) -> Result<Vec<DispatchCell>>;
    /// The projects of the filter, as at `at`, started and in that year's batch whose
    /// completion is behind the time progress of month `ym` by more than `points` percentage
    /// points; the most behind (planned to date − completed) first, at most `limit`, with how
    /// many there are in all.
    async fn lagging_as_at(
        &self,
        filter: &ProjectFilter,
        at: DateTime<Utc>,
        year: i32,
        ym: i32,
        points: u32,
        limit: i64,
    ) -> Result<(Vec<LaggingProject>, i64)>;
}

/// One cell of a month's project dispatch figures: the projects of one industry in one region
/// (not its subtree), as the library stood at the month's end.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DispatchCell {
    pub industry_id: i64,
    pub region_id: i64,
    pub projects: i64,
    /// 总投资 (fen).
    pub total_investment: Money,
    /// 年度计划投资 of the year (fen).
    pub year_plan: Money,
    /// Completed in the month itself (fen: the month's reports).
    pub month_completed: Money,
    /// 本年累计完成 up to the month (fen).
    pub year_completed: Money,
    /// Projects that moved to "started" in the month, and in the year up to it.
    pub started_month: i64,
    pub started_ytd: i64,
    /// Projects that moved to "completed" in the month, and in the year up to it.
    pub finished_month: i64,
    pub finished_ytd: i64,
}

/// A project behind the time progress at a month's end, with what is known of why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LaggingProject {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub owner_name: String,
    pub region_id: i64,
    pub industry_id: i64,
    pub year_plan: Money,
    pub year_completed: Money,
    /// The project's warning now, with its reasons.
    pub warning_level: Level,
    pub warning_reasons: Vec<Reason>,
    /// Whether the month's progress report is in.
    pub reported: bool,
    /// The problems the month's report names (empty when none or not reported).
    pub reported_problems: String,
}
