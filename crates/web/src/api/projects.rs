//! The key-project library: lists with totals, records, stage moves, library entry and exit,
//! batches, monthly progress, factor needs, the "as at" view and warning settings.

use crate::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::extract::{Id, Query, Unread};
use crate::json::{ApiJson, Versioned};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use dongneng_domain::money::Money;
use dongneng_domain::paging::Page;
use dongneng_domain::project::{
    FactorInput, FactorKind, LibraryClass, ProgressInput, ProjectInput, Stage,
};
use dongneng_domain::warning::{Level, WarningRules};
use dongneng_service::projects::{CreateProject, ProjectDetail, ProjectQuery};
use dongneng_store::{Factor, Progress, Project, ProjectAsAt, ProjectSort, ProjectSums};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// List filters. Regions include everything below them; a user only ever sees their scope.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct ProjectListQuery {
    pub industry: Option<i64>,
    pub region: Option<i64>,
    pub stage: Option<Stage>,
    pub class: Option<LibraryClass>,
    /// Only projects in this year's batch.
    pub batch_year: Option<i32>,
    pub warning: Option<Level>,
    /// `true` (default): in the library; `false`: left it; `all`: both.
    pub in_library: Option<String>,
    /// Chinese substring of the name, owner or content.
    pub q: Option<String>,
    pub sort: Option<ProjectSort>,
    /// `asc` or `desc` (default).
    pub order: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl ProjectListQuery {
    pub fn to_query(&self) -> AppResult<ProjectQuery> {
        let (in_library, include_left) = match self.in_library.as_deref() {
            None | Some("true") | Some("1") => (Some(true), false),
            Some("false") | Some("0") => (Some(false), false),
            Some("all") => (None, true),
            Some(_) => return Err(AppError::invalid("in_library", "one_of")),
        };
        let descending = match self.order.as_deref() {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(_) => return Err(AppError::invalid("order", "one_of")),
        };
        Ok(ProjectQuery {
            industry_id: self.industry,
            region_id: self.region,
            stage: self.stage,
            library_class: self.class,
            batch_year: self.batch_year,
            warning: self.warning,
            in_library,
            include_left,
            q: self.q.clone(),
            sort: self.sort.unwrap_or_default(),
            descending,
        })
    }

    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProjectList {
    pub items: Vec<Project>,
    /// Number of projects matching the filters (all pages).
    pub total: i64,
    /// Totals of the filtered set: count, money (fen), warnings and stages.
    pub sums: ProjectSums,
    pub page: u32,
    pub per_page: u32,
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ProjectListQuery),
    responses((status = 200, body = ProjectList), (status = 401), (status = 403), (status = 422)))]
pub async fn list_projects(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<ProjectListQuery>,
) -> AppResult<Json<ProjectList>> {
    let reader = app.service.programme(&s.actor)?;
    let page = q.page();
    let (items, sums) = reader.list_projects(&q.to_query()?, page).await?;
    Ok(Json(ProjectList {
        items,
        total: sums.count,
        sums,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Creates a project in a stage, optionally in a year's batch and with factor needs.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = CreateProject,
    responses((status = 201, body = Project), (status = 403), (status = 422)))]
pub async fn create_project(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<(StatusCode, Json<Project>)> {
    let editor = app.service.library_editor(&s.actor)?;
    let ApiJson(body) = body.read::<ApiJson<serde_json::Value>>().await?;
    let p = editor.create_project(create_request(body)?).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Splits a create body into the project's fields and the entry fields around them.
fn create_request(body: serde_json::Value) -> AppResult<CreateProject> {
    let serde_json::Value::Object(mut obj) = body else {
        return Err(AppError::invalid("body", "invalid_type"));
    };
    fn take<T: serde::de::DeserializeOwned>(
        obj: &mut serde_json::Map<String, serde_json::Value>,
        field: &str,
    ) -> AppResult<Option<T>> {
        match obj.remove(field) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v)
                .map(Some)
                .map_err(|_| AppError::invalid(field, "invalid_type")),
        }
    }
    let stage: Option<Stage> = take(&mut obj, "stage")?;
    let batch_year: Option<i32> = take(&mut obj, "batch_year")?;
    let year_plan: Option<Money> = take(&mut obj, "year_plan")?;
    let factors: Option<Vec<FactorInput>> = take(&mut obj, "factors")?;
    let input: ProjectInput = crate::json::from_value(serde_json::Value::Object(obj))?;
    Ok(CreateProject {
        input,
        stage: stage.ok_or_else(|| AppError::invalid("stage", "missing_field"))?,
        batch_year,
        year_plan,
        factors: factors.unwrap_or_default(),
    })
}

/// The project with its batches, progress, events, factor needs and history.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = ProjectDetail), (status = 403), (status = 404)))]
pub async fn get_project(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Json<ProjectDetail>> {
    let reader = app.service.programme(&s.actor)?;
    Ok(Json(reader.project_detail(id).await?))
}

/// Replaces the project's fields; the body carries the `version` last read.
#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "projects", request_body = Versioned<ProjectInput>,
    params(("id" = i64, Path)),
    responses((status = 200, body = Project), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn update_project(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Project>> {
    let editor = app.service.project_editor(&s.actor, id).await?;
    let body = body.read::<Versioned<ProjectInput>>().await?;
    Ok(Json(editor.update(body.version, body.data).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageMove {
    pub version: i64,
    pub to: Stage,
    /// The date of the move (default today); never in the future.
    pub on_date: Option<NaiveDate>,
    #[serde(default)]
    pub note: String,
}

/// Moves the project to another stage (策划 → 储备 → 开工 → 建成; a step back is allowed
/// from 储备 and 开工).
#[utoipa::path(post, path = "/api/v1/projects/{id}/stage", tag = "projects", request_body = StageMove,
    params(("id" = i64, Path)),
    responses((status = 200, body = Project), (status = 409), (status = 422)))]
pub async fn move_stage(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Project>> {
    let editor = app.service.project_editor(&s.actor, id).await?;
    let ApiJson(b) = body.read::<ApiJson<StageMove>>().await?;
    Ok(Json(
        editor
            .move_stage(b.version, b.to, b.on_date, &b.note)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveLibrary {
    pub version: i64,
    /// Why the project leaves the library (出库原因); required.
    pub reason: String,
    pub on_date: Option<NaiveDate>,
}

/// Takes the project out of the library (出库).
#[utoipa::path(post, path = "/api/v1/projects/{id}/leave", tag = "projects", request_body = LeaveLibrary,
    params(("id" = i64, Path)), responses((status = 200, body = Project), (status = 409), (status = 422)))]
pub async fn leave_library(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Project>> {
    let out = |b: LeaveLibrary| (b.version, b.on_date, b.reason);
    library_move(app, s, id, body, false, out).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterLibrary {
    pub version: i64,
    #[serde(default)]
    pub note: String,
    pub on_date: Option<NaiveDate>,
}

/// Brings a project that left back into the library (入库).
#[utoipa::path(post, path = "/api/v1/projects/{id}/enter", tag = "projects", request_body = EnterLibrary,
    params(("id" = i64, Path)), responses((status = 200, body = Project), (status = 409), (status = 422)))]
pub async fn enter_library(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<Json<Project>> {
    let back = |b: EnterLibrary| (b.version, b.on_date, b.note);
    library_move(app, s, id, body, true, back).await
}

/// Moves the project out of the library or back in (`enter`): the editor first, then the
/// body, which `read` takes apart into the version read, the date and the reason or note.
async fn library_move<B: DeserializeOwned>(
    app: AppState,
    s: Signed,
    id: i64,
    body: Unread,
    enter: bool,
    read: impl FnOnce(B) -> (i64, Option<NaiveDate>, String),
) -> AppResult<Json<Project>> {
    let editor = app.service.project_editor(&s.actor, id).await?;
    let ApiJson(b) = body.read::<ApiJson<B>>().await?;
    let (version, on_date, text) = read(b);
    let project = editor
        .set_in_library(version, enter, on_date, &text)
        .await?;
    Ok(Json(project))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    /// Planned investment for the year (fen).
    pub planned_investment: Money,
}

/// Puts the project into a year's batch with its planned investment, or changes the plan.
#[utoipa::path(put, path = "/api/v1/projects/{id}/batches/{year}", tag = "projects", request_body = BatchBody,
    params(("id" = i64, Path), ("year" = i32, Path)),
    responses((status = 200, body = Project), (status = 422)))]
pub async fn set_batch(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    Path(path): Path<(String, String)>,
    body: Unread,
) -> AppResult<Json<Project>> {
    let editor = app.service.project_editor(&s.actor, id).await?;
    let year = path
        .1
        .parse::<i32>()
        .map_err(|_| AppError::invalid("year", "not_integer"))?;
    let ApiJson(b) = body.read::<ApiJson<BatchBody>>().await?;
    Ok(Json(editor.set_batch(year, b.planned_investment).await?))
}

/// Enters (or corrects) one month's progress: investment this month, image progress,
/// milestone, problems, next steps. Year-to-date and cumulative figures are derived.
#[utoipa::path(post, path = "/api/v1/projects/{id}/progress", tag = "projects", request_body = ProgressInput,
    params(("id" = i64, Path)), responses((status = 201, body = Progress), (status = 422)))]
pub async fn report_progress(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Unread,
) -> AppResult<(StatusCode, Json<Progress>)> {
    let editor = app.service.project_editor(&s.actor, id).await?;
    let ApiJson(b) = body.read::<ApiJson<ProgressInput>>().await?;
    let p = editor.report_progress(b).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Sets a factor-guarantee need (land, energy, environment, water, funds) and its fulfilment.
#[utoipa::path(put, path = "/api/v1/projects/{id}/factors/{kind}", tag = "projects", request_body = FactorInput,
    params(("id" = i64, Path), ("kind" = FactorKind, Path)),
    responses((status = 200, body = Factor), (status = 422)))]
pub async fn set_factor(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    Path(path): Path<(String, String)>,
    body: Unread,
) -> AppResult<Json<Factor>> {
    let kind = FactorKind::parse(&path.1).ok_or(AppError::RouteNotFound)?;
    let editor = app.service.project_editor(&s.actor, id).await?;
    let ApiJson(b) = body.read::<ApiJson<FactorInput>>().await?;
    if b.kind != kind {
        return Err(AppError::invalid("kind", "one_of"));
    }
    Ok(Json(editor.set_factor(b).await?))
}

/// A month and an optional industry or region (with its subtree).
#[derive(Debug, Deserialize, IntoParams)]
pub struct DispatchQuery {
    pub year: i32,
    pub month: u32,
    pub industry: Option<i64>,
    pub region: Option<i64>,
}

/// The month's project dispatch figures (项目推进 of 月度调度) within the caller's scope: per
/// industry, per district and in total — projects, total and yearly planned investment,
/// completed in the month and the year to date, completion rate against the time progress —
/// and the projects behind plan with their causes. From the library as it stood at the
/// month's end: the total equals `GET /api/v1/projects/as-at` for the same month and filter.
/// The current month reads the library as it stands; a future month is refused (422).
#[utoipa::path(get, path = "/api/v1/projects/dispatch", tag = "projects", params(DispatchQuery),
    responses((status = 200, body = dongneng_service::projects::DispatchFigures), (status = 422)))]
pub async fn dispatch_figures(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<DispatchQuery>,
) -> AppResult<Json<dongneng_service::projects::DispatchFigures>> {
    let reader = app.service.programme(&s.actor)?;
    let query = dongneng_service::projects::ProjectQuery {
        industry_id: q.industry,
        region_id: q.region,
        ..Default::default()
    };
    Ok(Json(
        reader.dispatch_figures(q.year, q.month, &query).await?,
    ))
}

/// The month plus the list filters (no warning filter: past warnings are not kept).
#[derive(Debug, Deserialize, IntoParams)]
pub struct AsAtQuery {
    pub year: i32,
    pub month: u32,
    pub industry: Option<i64>,
    pub region: Option<i64>,
    pub stage: Option<Stage>,
    pub class: Option<LibraryClass>,
    pub in_library: Option<String>,
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl AsAtQuery {
    pub fn filters(&self) -> ProjectListQuery {
        ProjectListQuery {
            industry: self.industry,
            region: self.region,
            stage: self.stage,
            class: self.class,
            in_library: self.in_library.clone(),
            q: self.q.clone(),
            page: self.page,
            per_page: self.per_page,
            ..Default::default()
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AsAtList {
    pub items: Vec<ProjectAsAt>,
    pub total: i64,
    pub sums: ProjectSums,
    pub page: u32,
    pub per_page: u32,
}

/// The library as it stood at the end of a past month (stages, money, counts, totals), read
/// from the stored history.
#[utoipa::path(get, path = "/api/v1/projects/as-at", tag = "projects", params(AsAtQuery),
    responses((status = 200, body = AsAtList), (status = 422)))]
pub async fn projects_as_at(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<AsAtQuery>,
) -> AppResult<Json<AsAtList>> {
    let reader = app.service.programme(&s.actor)?;
    let filters = q.filters();
    let page = filters.page();
    let (items, sums) = reader
        .projects_as_at(q.year, q.month, &filters.to_query()?, page)
        .await?;
    Ok(Json(AsAtList {
        items,
        total: sums.count,
        sums,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// The warning thresholds in force.
#[utoipa::path(get, path = "/api/v1/settings/warnings", tag = "projects",
    responses((status = 200, body = WarningRules)))]
pub async fn get_warning_rules(
    State(app): State<AppState>,
    s: Signed,
) -> AppResult<Json<WarningRules>> {
    let reader = app.service.programme(&s.actor)?;
    Ok(Json(reader.warning_rules().await?))
}

/// Changes the thresholds; every project's warning is re-evaluated.
#[utoipa::path(put, path = "/api/v1/settings/warnings", tag = "projects", request_body = WarningRules,
    responses((status = 200, body = WarningRules), (status = 403), (status = 422)))]
pub async fn set_warning_rules(
    State(app): State<AppState>,
    s: Signed,
    body: Unread,
) -> AppResult<Json<WarningRules>> {
    let editor = app.service.settings_editor(&s.actor)?;
    let ApiJson(rules) = body.read::<ApiJson<WarningRules>>().await?;
    Ok(Json(editor.set_warning_rules(rules).await?))
}
