//! The list of accounts, a page at a time, with what each may do.

use super::form::UserForm;
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::extract::Query;
use crate::i18n::Lang;
use crate::pages::form::{Create, Notice, PathIds, new_href};
use crate::pages::list::{Cell, ListPage, Table, labels};
use crate::pages::{Layout, render};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use dongneng_domain::paging::Page;
use dongneng_domain::role::Grant;

#[derive(serde::Deserialize, Default)]
pub struct UsersQuery {
    page: Option<u32>,
}

pub async fn users(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<UsersQuery>,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let page = Page::new(q.page, Some(100));
    let (list, total) = app.service.user_admin(&s.actor)?.list_users(page).await?;
    let lang = s.ctx.lang;
    let table = Table::of(
        labels(
            lang,
            &["username", "display_name", "grants", "disabled", "version"],
        ),
        &list,
        |u| format!("user-{}", u.username),
        |u| {
            vec![
                Cell::link(u.username.clone(), format!("/admin/users/{}", u.id)),
                Cell::text(u.display_name.clone()),
                Cell::text(grants_text(lang, &u.grants)),
                Cell::text(lang.t(if u.disabled {
                    "admin.disabled_users"
                } else {
                    "admin.active_users"
                })),
                Cell::text(u.version.to_string()),
            ]
        },
    );
    let layout =
        Layout::new(&app, &s.ctx, "admin/users", lang.t("admin.users_title")).with_notice(notice);
    let p = ListPage::new(layout, table, total).new_link(
        new_href::<UserForm>(&app, &s, &PathIds::default()).await,
        lang.t(UserForm::NEW_TITLE),
    );
    Ok(render(&p)?.into_response())
}

fn grants_text(lang: Lang, grants: &[Grant]) -> String {
    grants
        .iter()
        .map(|g| {
            let n = g.scope.ids().len();
            let scope = lang.t(&format!("scope.{}", g.scope.tag().as_str()));
            let scope = if n > 0 {
                format!("{scope}({n})")
            } else {
                scope
            };
            format!(
                "{} · {}",
                lang.t(&format!("role.{}", g.role.as_str())),
                scope
            )
        })
        .collect::<Vec<_>>()
        .join("；")
}
