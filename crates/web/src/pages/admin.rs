//! Reference-data pages: the lists of regions, departments, industries and industry groups.
//! Their "new" and edit forms are in `record_forms.rs`.

use super::forms::{FormField, Table};
use super::record_forms::{RecordForm, record_routes};
use super::{Cell, Layout, render};
use crate::AppState;
use crate::context::{RequestCtx, Signed};
use crate::error::AppResult;
use crate::i18n::Lang;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dongneng_domain::reference::{DepartmentInput, IndustryGroupInput, IndustryInput, RegionInput};

pub fn router() -> Router<AppState> {
    let r = Router::new();
    let r = record_routes::<RegionInput>(r, get(regions));
    let r = record_routes::<DepartmentInput>(r, get(departments));
    let r = record_routes::<IndustryInput>(r, get(industries));
    record_routes::<IndustryGroupInput>(r, get(industry_groups))
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

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
}

fn flash(ctx: &RequestCtx, q: &SavedQuery) -> Option<String> {
    q.saved.as_ref().map(|_| ctx.t("common.saved"))
}

/// A reference-data list page: its title, an optional introduction, the table, how many
/// rows it holds, and "new" for those who may add.
fn reference_list<K: RecordForm>(
    app: &AppState,
    s: &Signed,
    q: &SavedQuery,
    title_key: &str,
    intro_key: Option<&str>,
    table: Table,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let can_edit = app.service.reference_editor(&s.actor).is_ok();
    let page = ListPage {
        layout: Layout::new(app, &s.ctx, K::AREA, lang.t(title_key)).with_flash(flash(&s.ctx, q)),
        intro: intro_key.map(|k| lang.t(k)),
        new_href: can_edit.then(|| format!("/{}/new", K::AREA)),
        new_label: lang.t(&format!("{}_new", K::TITLE)),
        total_line: lang.t_with("common.total", &[("n", &table.rows.len().to_string())]),
        table,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------- regions

async fn regions(
    State(app): State<AppState>,
    s: Signed,
    crate::extract::Query(q): crate::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let list = app.service.reference(&s.actor)?.list_regions().await?;
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
    reference_list::<RegionInput>(
        &app,
        &s,
        &q,
        "admin.regions_title",
        Some("admin.regions_intro"),
        table,
    )
}

// ---------------------------------------------------------------- departments

async fn departments(
    State(app): State<AppState>,
    s: Signed,
    crate::extract::Query(q): crate::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let list = app.service.reference(&s.actor)?.list_departments().await?;
    let regions = app.service.reference(&s.actor)?.list_regions().await?;
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
    reference_list::<DepartmentInput>(&app, &s, &q, "admin.departments_title", None, table)
}

// ---------------------------------------------------------------- industries

async fn industries(
    State(app): State<AppState>,
    s: Signed,
    crate::extract::Query(q): crate::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let list = app.service.reference(&s.actor)?.list_industries().await?;
    let groups = app
        .service
        .reference(&s.actor)?
        .list_industry_groups()
        .await?;
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
    reference_list::<IndustryInput>(
        &app,
        &s,
        &q,
        "admin.industries_title",
        Some("admin.industries_intro"),
        table,
    )
}

// ---------------------------------------------------------------- industry groups

/// 四强, 六大传统, 落后产能淘汰 …: the groups industries are filed under. Their names and order
/// are the city's to change (some are unconfirmed in the work plan).
async fn industry_groups(
    State(app): State<AppState>,
    s: Signed,
    crate::extract::Query(q): crate::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let list = app
        .service
        .reference(&s.actor)?
        .list_industry_groups()
        .await?;
    let industries = app.service.reference(&s.actor)?.list_industries().await?;
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
    reference_list::<IndustryGroupInput>(
        &app,
        &s,
        &q,
        "admin.industry_groups_title",
        Some("admin.industry_groups_intro"),
        table,
    )
}
