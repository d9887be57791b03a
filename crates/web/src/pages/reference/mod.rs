//! Reference-data pages: the lists of regions, departments, industries and industry groups,
//! for those who manage them (the lists are screens of their forms' gate). Their "new" and
//! edit forms are in `forms.rs`.

mod forms;

use super::form::{self, PathIds};
use super::list::{Cell, ListPage, Table, labels};
use super::{Layout, in_lang, render};
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dongneng_store::Region;
use forms::{DepartmentForm, IndustryForm, IndustryGroupForm, RegionForm};

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/admin/regions", get(regions))
        .route("/admin/departments", get(departments))
        .route("/admin/industries", get(industries))
        .route("/admin/industry-groups", get(industry_groups));
    let r = form::create_routes::<RegionForm>(form::edit_routes::<RegionForm>(r));
    let r = form::create_routes::<DepartmentForm>(form::edit_routes::<DepartmentForm>(r));
    let r = form::create_routes::<IndustryForm>(form::edit_routes::<IndustryForm>(r));
    form::create_routes::<IndustryGroupForm>(form::edit_routes::<IndustryGroupForm>(r))
}

/// A reference-data list page: its title, an optional introduction, the table, how many
/// rows it holds, and "new" for those who may add.
async fn reference_list<K: form::Create>(
    app: &AppState,
    s: &Signed,
    notice: Option<form::Notice>,
    title_key: &str,
    intro_key: Option<&str>,
    table: Table,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let layout = Layout::new(app, &s.ctx, K::AREA, lang.t(title_key)).with_notice(notice);
    let total = table.rows.len() as i64;
    let mut page = ListPage::new(layout, table, total).new_link(
        form::new_href::<K>(app, s, &PathIds::default()).await,
        lang.t(K::NEW_TITLE),
    );
    if let Some(k) = intro_key {
        page = page.intro(lang.t(k));
    }
    Ok(render(&page)?.into_response())
}

/// The name of region `id` in `regions`, or nothing.
fn region_name(regions: &[Region], id: Option<i64>) -> String {
    id.and_then(|i| regions.iter().find(|r| r.id == i))
        .map(|r| r.name_zh.clone())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- regions

async fn regions(c: form::Ctx<RegionForm>, notice: Option<form::Notice>) -> AppResult<Response> {
    let (app, s) = (&c.app, &c.s);
    let list = app.service.reference(&s.actor)?.list_regions().await?;
    let lang = s.ctx.lang;
    let table = Table::of(
        labels(
            lang,
            &[
                "code",
                "name_zh",
                "name_en",
                "short_name",
                "kind",
                "parent_id",
                "version",
            ],
        ),
        &list,
        |r| format!("region-{}", r.id),
        |r| {
            vec![
                Cell::text(r.code.clone().unwrap_or_else(|| "—".into())),
                Cell::link(r.name_zh.clone(), format!("/admin/regions/{}", r.id)),
                Cell::text(r.name_en.clone()),
                Cell::text(r.short_name.clone().unwrap_or_default()),
                Cell::text(lang.t(&format!("region_kind.{}", r.kind))),
                Cell::text(region_name(&list, r.parent_id)),
                Cell::text(r.version.to_string()),
            ]
        },
    );
    reference_list::<RegionForm>(
        app,
        s,
        notice,
        "admin.regions_title",
        Some("admin.regions_intro"),
        table,
    )
    .await
}

// ---------------------------------------------------------------- departments

async fn departments(
    c: form::Ctx<DepartmentForm>,
    notice: Option<form::Notice>,
) -> AppResult<Response> {
    let (app, s) = (&c.app, &c.s);
    let list = app.service.reference(&s.actor)?.list_departments().await?;
    let regions = app.service.reference(&s.actor)?.list_regions().await?;
    let lang = s.ctx.lang;
    let table = Table::of(
        labels(
            lang,
            &[
                "name_zh",
                "name_en",
                "kind",
                "region_id",
                "active",
                "version",
            ],
        ),
        &list,
        |d| format!("department-{}", d.id),
        |d| {
            vec![
                Cell::link(d.name_zh.clone(), format!("/admin/departments/{}", d.id)),
                Cell::text(d.name_en.clone()),
                Cell::text(lang.t(&format!("department_kind.{}", d.kind))),
                Cell::text(region_name(&regions, d.region_id)),
                Cell::text(lang.t(if d.active { "common.yes" } else { "common.no" })),
                Cell::text(d.version.to_string()),
            ]
        },
    );
    reference_list::<DepartmentForm>(app, s, notice, "admin.departments_title", None, table).await
}

// ---------------------------------------------------------------- industries

async fn industries(
    c: form::Ctx<IndustryForm>,
    notice: Option<form::Notice>,
) -> AppResult<Response> {
    let (app, s) = (&c.app, &c.s);
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
            .map(|g| in_lang(lang, &g.name_zh, &g.name_en))
            .unwrap_or_default()
    };
    let table = Table::of(
        labels(
            lang,
            &[
                "name_zh",
                "name_en",
                "group_id",
                "tier_753",
                "confirmed",
                "gbt4754",
                "active",
                "version",
            ],
        ),
        &list,
        |i| format!("industry-{}", i.key),
        |i| {
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
        },
    );
    reference_list::<IndustryForm>(
        app,
        s,
        notice,
        "admin.industries_title",
        Some("admin.industries_intro"),
        table,
    )
    .await
}

// ---------------------------------------------------------------- industry groups

/// 四强, 六大传统, 落后产能淘汰 …: the groups industries are filed under. Their names and order
/// are the city's to change (some are unconfirmed in the work plan).
async fn industry_groups(
    c: form::Ctx<IndustryGroupForm>,
    notice: Option<form::Notice>,
) -> AppResult<Response> {
    let (app, s) = (&c.app, &c.s);
    let list = app
        .service
        .reference(&s.actor)?
        .list_industry_groups()
        .await?;
    let industries = app.service.reference(&s.actor)?.list_industries().await?;
    let lang = s.ctx.lang;
    let mut headers: Vec<String> = labels(lang, &["name_zh", "name_en", "key", "sort_order"]);
    headers.push(lang.t("admin.industry_group_members"));
    headers.push(lang.field_label("version"));
    let table = Table::of(
        headers,
        &list,
        |g| format!("industry-group-{}", g.id),
        |g| {
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
        },
    );
    reference_list::<IndustryGroupForm>(
        app,
        s,
        notice,
        "admin.industry_groups_title",
        Some("admin.industry_groups_intro"),
        table,
    )
    .await
}
