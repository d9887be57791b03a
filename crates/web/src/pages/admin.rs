//! Reference-data pages: regions, departments, industries. Each has a list, a "new" form and
//! an edit form; a stale edit shows the conflict and loads the current values.

use super::forms::{FieldKind, FormData, FormField, Table, attach_errors};
use super::{Cell, Layout, render};
use crate::AppState;
use crate::context::{RequestCtx, Signed};
use crate::error::{AppError, AppResult};
use crate::extract::Id;
use crate::i18n::Lang;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use dongneng_domain::FieldErrors;
use dongneng_domain::reference::{
    DEPARTMENT_KINDS, DepartmentInput, IndustryGroupInput, IndustryInput, REGION_KINDS,
    RegionInput, TIERS_753,
};
use dongneng_service::ServiceError;
use dongneng_store::{Department, Industry, IndustryGroup, Region};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/regions", get(regions).post(region_create))
        .route("/admin/regions/new", get(region_new))
        .route("/admin/regions/{id}", get(region_edit).post(region_update))
        .route(
            "/admin/departments",
            get(departments).post(department_create),
        )
        .route("/admin/departments/new", get(department_new))
        .route(
            "/admin/departments/{id}",
            get(department_edit).post(department_update),
        )
        .route(
            "/admin/industry-groups",
            get(industry_groups).post(industry_group_create),
        )
        .route("/admin/industry-groups/new", get(industry_group_new))
        .route(
            "/admin/industry-groups/{id}",
            get(industry_group_edit).post(industry_group_update),
        )
        .route("/admin/industries", get(industries).post(industry_create))
        .route("/admin/industries/new", get(industry_new))
        .route(
            "/admin/industries/{id}",
            get(industry_edit).post(industry_update),
        )
}

#[derive(Template)]
#[template(path = "list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub intro: Option<String>,
    pub new_href: Option<String>,
    pub new_label: String,
    pub table: Table,
    pub total_line: String,
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub action: String,
    pub back_href: String,
    pub fields: Vec<FormField>,
    pub version: Option<i64>,
    pub summary: Vec<String>,
    pub conflict: Option<String>,
}

/// How a form page ends: shown again with errors, or saved and sent back to the list.
fn form_response(status: StatusCode, page: FormPage) -> AppResult<Response> {
    Ok((status, render(&page)?).into_response())
}

fn saved_redirect(list: &str) -> Response {
    Redirect::to(&format!("{list}?saved=1")).into_response()
}

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
}

fn flash(ctx: &RequestCtx, q: &SavedQuery) -> Option<String> {
    q.saved.as_ref().map(|_| ctx.t("common.saved"))
}

fn kind_options(lang: Lang, prefix: &str, kinds: &[&str]) -> Vec<(String, String)> {
    kinds
        .iter()
        .map(|k| (k.to_string(), lang.t(&format!("{prefix}.{k}"))))
        .collect()
}

/// What a failed save shows: field errors on the form, a conflict message with the current
/// record loaded, or an error page for the rest.
enum Outcome<T> {
    Saved,
    Invalid(FieldErrors),
    Conflict(T),
}

async fn outcome<T, F>(result: Result<T, ServiceError>, reload: F) -> AppResult<Outcome<T>>
where
    F: AsyncFnOnce() -> AppResult<T>,
{
    match result {
        Ok(_) => Ok(Outcome::Saved),
        Err(ServiceError::Invalid(e)) => Ok(Outcome::Invalid(e)),
        Err(ServiceError::Conflict) => Ok(Outcome::Conflict(reload().await?)),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- regions

async fn regions(
    State(app): State<AppState>,
    s: Signed,
    crate::extract::Query(q): crate::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let list = app.service.list_regions(&s.actor).await?;
    let lang = s.ctx.lang;
    let name_of = |id: Option<i64>| {
        id.and_then(|i| list.iter().find(|r| r.id == i))
            .map(|r| r.name_zh.clone())
            .unwrap_or_default()
    };
    let table = Table {
        headers: [
            "code",
            "name_zh",
            "name_en",
            "short_name",
            "kind",
            "parent_id",
            "version",
        ]
        .iter()
        .map(|f| lang.field_label(f))
        .collect(),
        row_ids: list.iter().map(|r| format!("region-{}", r.id)).collect(),
        rows: list
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.code.clone().unwrap_or_else(|| "—".into())),
                    Cell::link(r.name_zh.clone(), format!("/admin/regions/{}", r.id)),
                    Cell::text(r.name_en.clone()),
                    Cell::text(r.short_name.clone().unwrap_or_default()),
                    Cell::text(lang.t(&format!("region_kind.{}", r.kind))),
                    Cell::text(name_of(r.parent_id)),
                    Cell::text(r.version.to_string()),
                ]
            })
            .collect(),
    };
    let can_edit = s
        .actor
        .can(dongneng_domain::policy::Permission::ManageReference);
    let page = ListPage {
        layout: Layout::new(&app, &s.ctx, "admin/regions", lang.t("admin.regions_title"))
            .with_flash(flash(&s.ctx, &q)),
        intro: Some(lang.t("admin.regions_intro")),
        new_href: can_edit.then(|| "/admin/regions/new".to_string()),
        new_label: lang.t("admin.region_new"),
        total_line: lang.t_with("common.total", &[("n", &list.len().to_string())]),
        table,
    };
    Ok(render(&page)?.into_response())
}

fn region_fields(
    lang: Lang,
    input: &RegionInput,
    all: &[Region],
    self_id: Option<i64>,
) -> Vec<FormField> {
    let parents: Vec<(String, String)> = all
        .iter()
        .filter(|r| Some(r.id) != self_id)
        .map(|r| (r.id.to_string(), r.name_zh.clone()))
        .collect();
    vec![
        FormField::new(lang, "name_zh", FieldKind::Text, input.name_zh.clone()).required(),
        FormField::new(lang, "name_en", FieldKind::Text, input.name_en.clone()).required(),
        FormField::new(
            lang,
            "short_name",
            FieldKind::Text,
            input.short_name.clone().unwrap_or_default(),
        ),
        FormField::new(lang, "kind", FieldKind::Select, input.kind.clone())
            .options(kind_options(lang, "region_kind", REGION_KINDS), None)
            .required(),
        FormField::new(
            lang,
            "code",
            FieldKind::Text,
            input.code.clone().unwrap_or_default(),
        )
        .hint(lang.t("admin.regions_intro")),
        FormField::new(
            lang,
            "parent_id",
            FieldKind::Select,
            input.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        )
        .options(parents, Some(lang.t("admin.top_level"))),
        FormField::new(
            lang,
            "sort_order",
            FieldKind::Number,
            input.sort_order.to_string(),
        ),
    ]
}

fn region_from_form(f: &FormData) -> (RegionInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let input = RegionInput {
        code: f.opt("code"),
        name_zh: f.get("name_zh"),
        name_en: f.get("name_en"),
        short_name: f.opt("short_name"),
        kind: f.get("kind"),
        parent_id: f.opt_id("parent_id", &mut errs),
        sort_order: f.int("sort_order", &mut errs),
    };
    (input, errs)
}

fn region_input(r: &Region) -> RegionInput {
    RegionInput {
        code: r.code.clone(),
        name_zh: r.name_zh.clone(),
        name_en: r.name_en.clone(),
        short_name: r.short_name.clone(),
        kind: r.kind.clone(),
        parent_id: r.parent_id,
        sort_order: r.sort_order,
    }
}

#[allow(clippy::too_many_arguments)]
async fn region_form(
    app: &AppState,
    s: &Signed,
    id: Option<i64>,
    input: &RegionInput,
    version: Option<i64>,
    errors: &FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let all = app.service.list_regions(&s.actor).await?;
    let mut fields = region_fields(lang, input, &all, id);
    let summary = attach_errors(lang, &mut fields, &errors.0);
    let title = lang.t(if id.is_some() {
        "admin.region_edit"
    } else {
        "admin.region_new"
    });
    form_response(
        status,
        FormPage {
            layout: Layout::new(app, &s.ctx, "admin/regions", title),
            action: id
                .map(|i| format!("/admin/regions/{i}"))
                .unwrap_or("/admin/regions".into()),
            back_href: "/admin/regions".into(),
            fields,
            version,
            summary,
            conflict: conflict.then(|| {
                format!(
                    "{} {}",
                    lang.t("error.conflict"),
                    lang.t("error.conflict_current")
                )
            }),
        },
    )
}

async fn region_new(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    s.actor
        .require(dongneng_domain::policy::Permission::ManageReference)?;
    let input = RegionInput {
        code: None,
        name_zh: String::new(),
        name_en: String::new(),
        short_name: None,
        kind: "district".into(),
        parent_id: None,
        sort_order: 0,
    };
    region_form(
        &app,
        &s,
        None,
        &input,
        None,
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn region_create(State(app): State<AppState>, s: Signed, body: Bytes) -> AppResult<Response> {
    let (input, mut errs) = region_from_form(&FormData::parse(&body));
    if errs.is_empty() {
        match app.service.create_region(&s.actor, input.clone()).await {
            Ok(_) => return Ok(saved_redirect("/admin/regions")),
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(e) => return Err(e.into()),
        }
    }
    region_form(
        &app,
        &s,
        None,
        &input,
        None,
        &errs,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn region_edit(State(app): State<AppState>, s: Signed, Id(id): Id) -> AppResult<Response> {
    let r = app.service.get_region(&s.actor, id).await?;
    region_form(
        &app,
        &s,
        Some(id),
        &region_input(&r),
        Some(r.version),
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn region_update(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let form = FormData::parse(&body);
    let (input, mut errs) = region_from_form(&form);
    let Some(version) = form.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    if !errs.is_empty() {
        return region_form(
            &app,
            &s,
            Some(id),
            &input,
            Some(version),
            &errs,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let result = app
        .service
        .update_region(&s.actor, id, version, input.clone())
        .await;
    match outcome(result, async || {
        Ok(app.service.get_region(&s.actor, id).await?)
    })
    .await?
    {
        Outcome::Saved => Ok(saved_redirect("/admin/regions")),
        Outcome::Invalid(e) => {
            errs = e;
            region_form(
                &app,
                &s,
                Some(id),
                &input,
                Some(version),
                &errs,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Outcome::Conflict(cur) => {
            region_form(
                &app,
                &s,
                Some(id),
                &region_input(&cur),
                Some(cur.version),
                &FieldErrors::new(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------- departments

async fn departments(
    State(app): State<AppState>,
    s: Signed,
    crate::extract::Query(q): crate::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let list = app.service.list_departments(&s.actor).await?;
    let regions = app.service.list_regions(&s.actor).await?;
    let lang = s.ctx.lang;
    let region_name = |id: Option<i64>| {
        id.and_then(|i| regions.iter().find(|r| r.id == i))
            .map(|r| r.name_zh.clone())
            .unwrap_or_default()
    };
    let table = Table {
        headers: ["name_zh", "name_en", "kind", "region_id", "version"]
            .iter()
            .map(|f| lang.field_label(f))
            .collect(),
        row_ids: list
            .iter()
            .map(|d| format!("department-{}", d.id))
            .collect(),
        rows: list
            .iter()
            .map(|d| {
                vec![
                    Cell::link(d.name_zh.clone(), format!("/admin/departments/{}", d.id)),
                    Cell::text(d.name_en.clone()),
                    Cell::text(lang.t(&format!("department_kind.{}", d.kind))),
                    Cell::text(region_name(d.region_id)),
                    Cell::text(d.version.to_string()),
                ]
            })
            .collect(),
    };
    let can_edit = s
        .actor
        .can(dongneng_domain::policy::Permission::ManageReference);
    let page = ListPage {
        layout: Layout::new(
            &app,
            &s.ctx,
            "admin/departments",
            lang.t("admin.departments_title"),
        )
        .with_flash(flash(&s.ctx, &q)),
        intro: None,
        new_href: can_edit.then(|| "/admin/departments/new".to_string()),
        new_label: lang.t("admin.department_new"),
        total_line: lang.t_with("common.total", &[("n", &list.len().to_string())]),
        table,
    };
    Ok(render(&page)?.into_response())
}

fn department_input(d: &Department) -> DepartmentInput {
    DepartmentInput {
        name_zh: d.name_zh.clone(),
        name_en: d.name_en.clone(),
        short_name: d.short_name.clone(),
        kind: d.kind.clone(),
        region_id: d.region_id,
        duties: d.duties.clone(),
    }
}

fn department_from_form(f: &FormData) -> (DepartmentInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let input = DepartmentInput {
        name_zh: f.get("name_zh"),
        name_en: f.get("name_en"),
        short_name: f.opt("short_name"),
        kind: f.get("kind"),
        region_id: f.opt_id("region_id", &mut errs),
        duties: f.opt("duties"),
    };
    (input, errs)
}

#[allow(clippy::too_many_arguments)]
async fn department_form(
    app: &AppState,
    s: &Signed,
    id: Option<i64>,
    input: &DepartmentInput,
    version: Option<i64>,
    errors: &FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let regions: Vec<(String, String)> = app
        .service
        .list_regions(&s.actor)
        .await?
        .iter()
        .map(|r| (r.id.to_string(), r.name_zh.clone()))
        .collect();
    let mut fields = vec![
        FormField::new(lang, "name_zh", FieldKind::Text, input.name_zh.clone()).required(),
        FormField::new(lang, "name_en", FieldKind::Text, input.name_en.clone()).required(),
        FormField::new(
            lang,
            "short_name",
            FieldKind::Text,
            input.short_name.clone().unwrap_or_default(),
        ),
        FormField::new(lang, "kind", FieldKind::Select, input.kind.clone())
            .options(
                kind_options(lang, "department_kind", DEPARTMENT_KINDS),
                None,
            )
            .required(),
        FormField::new(
            lang,
            "region_id",
            FieldKind::Select,
            input.region_id.map(|r| r.to_string()).unwrap_or_default(),
        )
        .options(regions, Some(lang.t("common.not_set"))),
        FormField::new(
            lang,
            "duties",
            FieldKind::Textarea,
            input.duties.clone().unwrap_or_default(),
        ),
    ];
    let summary = attach_errors(lang, &mut fields, &errors.0);
    let title = lang.t(if id.is_some() {
        "admin.department_edit"
    } else {
        "admin.department_new"
    });
    form_response(
        status,
        FormPage {
            layout: Layout::new(app, &s.ctx, "admin/departments", title),
            action: id
                .map(|i| format!("/admin/departments/{i}"))
                .unwrap_or("/admin/departments".into()),
            back_href: "/admin/departments".into(),
            fields,
            version,
            summary,
            conflict: conflict.then(|| {
                format!(
                    "{} {}",
                    lang.t("error.conflict"),
                    lang.t("error.conflict_current")
                )
            }),
        },
    )
}

async fn department_new(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    s.actor
        .require(dongneng_domain::policy::Permission::ManageReference)?;
    let input = DepartmentInput {
        name_zh: String::new(),
        name_en: String::new(),
        short_name: None,
        kind: "department".into(),
        region_id: None,
        duties: None,
    };
    department_form(
        &app,
        &s,
        None,
        &input,
        None,
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn department_create(
    State(app): State<AppState>,
    s: Signed,
    body: Bytes,
) -> AppResult<Response> {
    let (input, mut errs) = department_from_form(&FormData::parse(&body));
    if errs.is_empty() {
        match app.service.create_department(&s.actor, input.clone()).await {
            Ok(_) => return Ok(saved_redirect("/admin/departments")),
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(e) => return Err(e.into()),
        }
    }
    department_form(
        &app,
        &s,
        None,
        &input,
        None,
        &errs,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn department_edit(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Response> {
    let d = app.service.get_department(&s.actor, id).await?;
    department_form(
        &app,
        &s,
        Some(id),
        &department_input(&d),
        Some(d.version),
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn department_update(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let form = FormData::parse(&body);
    let (input, errs) = department_from_form(&form);
    let Some(version) = form.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    if !errs.is_empty() {
        return department_form(
            &app,
            &s,
            Some(id),
            &input,
            Some(version),
            &errs,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let result = app
        .service
        .update_department(&s.actor, id, version, input.clone())
        .await;
    match outcome(result, async || {
        Ok(app.service.get_department(&s.actor, id).await?)
    })
    .await?
    {
        Outcome::Saved => Ok(saved_redirect("/admin/departments")),
        Outcome::Invalid(e) => {
            department_form(
                &app,
                &s,
                Some(id),
                &input,
                Some(version),
                &e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Outcome::Conflict(cur) => {
            department_form(
                &app,
                &s,
                Some(id),
                &department_input(&cur),
                Some(cur.version),
                &FieldErrors::new(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------- industries

async fn industries(
    State(app): State<AppState>,
    s: Signed,
    crate::extract::Query(q): crate::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let list = app.service.list_industries(&s.actor).await?;
    let groups = app.service.list_industry_groups(&s.actor).await?;
    let lang = s.ctx.lang;
    let group_name = |id: i64| {
        groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| {
                if lang == Lang::En {
                    g.name_en.clone()
                } else {
                    g.name_zh.clone()
                }
            })
            .unwrap_or_default()
    };
    let table = Table {
        headers: [
            "name_zh",
            "name_en",
            "group_id",
            "tier_753",
            "confirmed",
            "gbt4754",
            "active",
            "version",
        ]
        .iter()
        .map(|f| lang.field_label(f))
        .collect(),
        row_ids: list.iter().map(|i| format!("industry-{}", i.key)).collect(),
        rows: list
            .iter()
            .map(|i| {
                vec![
                    Cell::link(i.name_zh.clone(), format!("/admin/industries/{}", i.id)),
                    Cell::text(i.name_en.clone()),
                    Cell::text(group_name(i.group_id)),
                    Cell::text(
                        i.tier_753
                            .clone()
                            .unwrap_or_else(|| lang.t("admin.no_tier")),
                    ),
                    Cell::text(lang.t(if i.confirmed {
                        "common.confirmed"
                    } else {
                        "common.unconfirmed"
                    })),
                    Cell::text(i.gbt4754.clone().unwrap_or_default()),
                    Cell::text(lang.t(if i.active { "common.yes" } else { "common.no" })),
                    Cell::text(i.version.to_string()),
                ]
            })
            .collect(),
    };
    let can_edit = s
        .actor
        .can(dongneng_domain::policy::Permission::ManageReference);
    let page = ListPage {
        layout: Layout::new(
            &app,
            &s.ctx,
            "admin/industries",
            lang.t("admin.industries_title"),
        )
        .with_flash(flash(&s.ctx, &q)),
        intro: Some(lang.t("admin.industries_intro")),
        new_href: can_edit.then(|| "/admin/industries/new".to_string()),
        new_label: lang.t("admin.industry_new"),
        total_line: lang.t_with("common.total", &[("n", &list.len().to_string())]),
        table,
    };
    Ok(render(&page)?.into_response())
}

fn industry_input(i: &Industry) -> IndustryInput {
    IndustryInput {
        key: i.key.clone(),
        name_zh: i.name_zh.clone(),
        name_en: i.name_en.clone(),
        group_id: i.group_id,
        tier_753: i.tier_753.clone(),
        confirmed: i.confirmed,
        gbt4754: i.gbt4754.clone(),
        sort_order: i.sort_order,
        active: i.active,
    }
}

fn industry_from_form(f: &FormData) -> (IndustryInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let group_id = f.opt_id("group_id", &mut errs).unwrap_or_else(|| {
        if !errs.0.iter().any(|e| e.field == "group_id") {
            errs.add("group_id", "required");
        }
        0
    });
    let input = IndustryInput {
        key: f.get("key"),
        name_zh: f.get("name_zh"),
        name_en: f.get("name_en"),
        group_id,
        tier_753: f.opt("tier_753"),
        confirmed: f.flag("confirmed"),
        gbt4754: f.opt("gbt4754"),
        sort_order: f.int("sort_order", &mut errs),
        active: f.flag("active"),
    };
    (input, errs)
}

#[allow(clippy::too_many_arguments)]
async fn industry_form(
    app: &AppState,
    s: &Signed,
    id: Option<i64>,
    input: &IndustryInput,
    version: Option<i64>,
    errors: &FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let groups: Vec<(String, String)> = app
        .service
        .list_industry_groups(&s.actor)
        .await?
        .iter()
        .map(|g| {
            (
                g.id.to_string(),
                if lang == Lang::En {
                    g.name_en.clone()
                } else {
                    g.name_zh.clone()
                },
            )
        })
        .collect();
    let tiers = TIERS_753
        .iter()
        .map(|t| (t.to_string(), t.to_string()))
        .collect();
    let mut fields = vec![
        FormField::new(lang, "key", FieldKind::Text, input.key.clone()).required(),
        FormField::new(lang, "name_zh", FieldKind::Text, input.name_zh.clone()).required(),
        FormField::new(lang, "name_en", FieldKind::Text, input.name_en.clone()).required(),
        FormField::new(
            lang,
            "group_id",
            FieldKind::Select,
            if input.group_id > 0 {
                input.group_id.to_string()
            } else {
                String::new()
            },
        )
        .options(groups, Some(lang.t("common.not_set")))
        .required(),
        FormField::new(
            lang,
            "tier_753",
            FieldKind::Select,
            input.tier_753.clone().unwrap_or_default(),
        )
        .options(tiers, Some(lang.t("admin.no_tier"))),
        FormField::new(lang, "confirmed", FieldKind::Checkbox, "on").checked(input.confirmed),
        FormField::new(
            lang,
            "gbt4754",
            FieldKind::Text,
            input.gbt4754.clone().unwrap_or_default(),
        ),
        FormField::new(
            lang,
            "sort_order",
            FieldKind::Number,
            input.sort_order.to_string(),
        ),
        FormField::new(lang, "active", FieldKind::Checkbox, "on").checked(input.active),
    ];
    let summary = attach_errors(lang, &mut fields, &errors.0);
    let title = lang.t(if id.is_some() {
        "admin.industry_edit"
    } else {
        "admin.industry_new"
    });
    form_response(
        status,
        FormPage {
            layout: Layout::new(app, &s.ctx, "admin/industries", title),
            action: id
                .map(|i| format!("/admin/industries/{i}"))
                .unwrap_or("/admin/industries".into()),
            back_href: "/admin/industries".into(),
            fields,
            version,
            summary,
            conflict: conflict.then(|| {
                format!(
                    "{} {}",
                    lang.t("error.conflict"),
                    lang.t("error.conflict_current")
                )
            }),
        },
    )
}

async fn industry_new(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    s.actor
        .require(dongneng_domain::policy::Permission::ManageReference)?;
    let input = IndustryInput {
        key: String::new(),
        name_zh: String::new(),
        name_en: String::new(),
        group_id: 0,
        tier_753: None,
        confirmed: false,
        gbt4754: None,
        sort_order: 0,
        active: true,
    };
    industry_form(
        &app,
        &s,
        None,
        &input,
        None,
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn industry_create(
    State(app): State<AppState>,
    s: Signed,
    body: Bytes,
) -> AppResult<Response> {
    let (input, mut errs) = industry_from_form(&FormData::parse(&body));
    if errs.is_empty() {
        match app.service.create_industry(&s.actor, input.clone()).await {
            Ok(_) => return Ok(saved_redirect("/admin/industries")),
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(e) => return Err(e.into()),
        }
    }
    industry_form(
        &app,
        &s,
        None,
        &input,
        None,
        &errs,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn industry_edit(State(app): State<AppState>, s: Signed, Id(id): Id) -> AppResult<Response> {
    let i = app.service.get_industry(&s.actor, id).await?;
    industry_form(
        &app,
        &s,
        Some(id),
        &industry_input(&i),
        Some(i.version),
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn industry_update(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let form = FormData::parse(&body);
    let (input, errs) = industry_from_form(&form);
    let Some(version) = form.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    if !errs.is_empty() {
        return industry_form(
            &app,
            &s,
            Some(id),
            &input,
            Some(version),
            &errs,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let result = app
        .service
        .update_industry(&s.actor, id, version, input.clone())
        .await;
    match outcome(result, async || {
        Ok(app.service.get_industry(&s.actor, id).await?)
    })
    .await?
    {
        Outcome::Saved => Ok(saved_redirect("/admin/industries")),
        Outcome::Invalid(e) => {
            industry_form(
                &app,
                &s,
                Some(id),
                &input,
                Some(version),
                &e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Outcome::Conflict(cur) => {
            industry_form(
                &app,
                &s,
                Some(id),
                &industry_input(&cur),
                Some(cur.version),
                &FieldErrors::new(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------- industry groups

/// 四强, 六大传统, 落后产能淘汰 …: the groups industries are filed under. Their names and order
/// are the city's to change (some are unconfirmed in the work plan).
async fn industry_groups(
    State(app): State<AppState>,
    s: Signed,
    crate::extract::Query(q): crate::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let list = app.service.list_industry_groups(&s.actor).await?;
    let industries = app.service.list_industries(&s.actor).await?;
    let lang = s.ctx.lang;
    let mut headers: Vec<String> = ["name_zh", "name_en", "key", "sort_order"]
        .iter()
        .map(|f| lang.field_label(f))
        .collect();
    headers.push(lang.t("admin.industry_group_members"));
    headers.push(lang.field_label("version"));
    let table = Table {
        headers,
        row_ids: list
            .iter()
            .map(|g| format!("industry-group-{}", g.id))
            .collect(),
        rows: list
            .iter()
            .map(|g| {
                vec![
                    Cell::link(
                        g.name_zh.clone(),
                        format!("/admin/industry-groups/{}", g.id),
                    ),
                    Cell::text(g.name_en.clone()),
                    Cell::text(g.key.clone()),
                    Cell::text(g.sort_order.to_string()),
                    Cell::text(
                        industries
                            .iter()
                            .filter(|i| i.group_id == g.id)
                            .count()
                            .to_string(),
                    ),
                    Cell::text(g.version.to_string()),
                ]
            })
            .collect(),
    };
    let can_edit = s
        .actor
        .can(dongneng_domain::policy::Permission::ManageReference);
    let page = ListPage {
        layout: Layout::new(
            &app,
            &s.ctx,
            "admin/industry-groups",
            lang.t("admin.industry_groups_title"),
        )
        .with_flash(flash(&s.ctx, &q)),
        intro: Some(lang.t("admin.industry_groups_intro")),
        new_href: can_edit.then(|| "/admin/industry-groups/new".to_string()),
        new_label: lang.t("admin.industry_group_new"),
        total_line: lang.t_with("common.total", &[("n", &list.len().to_string())]),
        table,
    };
    Ok(render(&page)?.into_response())
}

fn industry_group_input(g: &IndustryGroup) -> IndustryGroupInput {
    IndustryGroupInput {
        key: g.key.clone(),
        name_zh: g.name_zh.clone(),
        name_en: g.name_en.clone(),
        sort_order: g.sort_order,
    }
}

fn industry_group_from_form(f: &FormData) -> (IndustryGroupInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let input = IndustryGroupInput {
        key: f.get("key"),
        name_zh: f.get("name_zh"),
        name_en: f.get("name_en"),
        sort_order: f.int("sort_order", &mut errs),
    };
    (input, errs)
}

#[allow(clippy::too_many_arguments)]
async fn industry_group_form(
    app: &AppState,
    s: &Signed,
    id: Option<i64>,
    input: &IndustryGroupInput,
    version: Option<i64>,
    errors: &FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let mut fields = vec![
        FormField::new(lang, "name_zh", FieldKind::Text, input.name_zh.clone()).required(),
        FormField::new(lang, "name_en", FieldKind::Text, input.name_en.clone()).required(),
        FormField::new(lang, "key", FieldKind::Text, input.key.clone()).required(),
        FormField::new(
            lang,
            "sort_order",
            FieldKind::Number,
            input.sort_order.to_string(),
        ),
    ];
    let summary = attach_errors(lang, &mut fields, &errors.0);
    let title = lang.t(if id.is_some() {
        "admin.industry_group_edit"
    } else {
        "admin.industry_group_new"
    });
    form_response(
        status,
        FormPage {
            layout: Layout::new(app, &s.ctx, "admin/industry-groups", title),
            action: id
                .map(|i| format!("/admin/industry-groups/{i}"))
                .unwrap_or("/admin/industry-groups".into()),
            back_href: "/admin/industry-groups".into(),
            fields,
            version,
            summary,
            conflict: conflict.then(|| {
                format!(
                    "{} {}",
                    lang.t("error.conflict"),
                    lang.t("error.conflict_current")
                )
            }),
        },
    )
}

async fn industry_group_new(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    s.actor
        .require(dongneng_domain::policy::Permission::ManageReference)?;
    let next = app
        .service
        .list_industry_groups(&s.actor)
        .await?
        .iter()
        .map(|g| g.sort_order)
        .max()
        .unwrap_or(0)
        + 10;
    let input = IndustryGroupInput {
        key: String::new(),
        name_zh: String::new(),
        name_en: String::new(),
        sort_order: next,
    };
    industry_group_form(
        &app,
        &s,
        None,
        &input,
        None,
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn industry_group_create(
    State(app): State<AppState>,
    s: Signed,
    body: Bytes,
) -> AppResult<Response> {
    let (input, mut errs) = industry_group_from_form(&FormData::parse(&body));
    if errs.is_empty() {
        match app
            .service
            .create_industry_group(&s.actor, input.clone())
            .await
        {
            Ok(_) => return Ok(saved_redirect("/admin/industry-groups")),
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(e) => return Err(e.into()),
        }
    } else {
        s.actor
            .require(dongneng_domain::policy::Permission::ManageReference)?;
    }
    industry_group_form(
        &app,
        &s,
        None,
        &input,
        None,
        &errs,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn industry_group_edit(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Response> {
    let g = app.service.get_industry_group(&s.actor, id).await?;
    industry_group_form(
        &app,
        &s,
        Some(id),
        &industry_group_input(&g),
        Some(g.version),
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn industry_group_update(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let form = FormData::parse(&body);
    let (input, errs) = industry_group_from_form(&form);
    let Some(version) = form.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    if !errs.is_empty() {
        s.actor
            .require(dongneng_domain::policy::Permission::ManageReference)?;
        return industry_group_form(
            &app,
            &s,
            Some(id),
            &input,
            Some(version),
            &errs,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let result = app
        .service
        .update_industry_group(&s.actor, id, version, input.clone())
        .await;
    match outcome(result, async || {
        Ok(app.service.get_industry_group(&s.actor, id).await?)
    })
    .await?
    {
        Outcome::Saved => Ok(saved_redirect("/admin/industry-groups")),
        Outcome::Invalid(e) => {
            industry_group_form(
                &app,
                &s,
                Some(id),
                &input,
                Some(version),
                &e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Outcome::Conflict(cur) => {
            industry_group_form(
                &app,
                &s,
                Some(id),
                &industry_group_input(&cur),
                Some(cur.version),
                &FieldErrors::new(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}
