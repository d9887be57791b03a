//! Account pages (list, new, edit with grants, password reset) and the audit trail page.

use super::admin::ListPage;
use super::forms::{FieldKind, FormData, FormField, Table, attach_errors};
use super::{Cell, Layout, render};
use crate::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::extract::{Id, Query};
use crate::i18n::Lang;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use dongneng_domain::paging::Page;
use dongneng_domain::role::{Grant, Role, ScopeKind, ScopeKindTag};
use dongneng_domain::user::{NewUser, UserUpdate};
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_service::ServiceError;
use dongneng_store::User;

/// Grant rows shown on the user form (empty rows are ignored on submit).
const GRANT_ROWS: usize = 3;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(user_create))
        .route("/admin/users/new", get(user_new))
        .route("/admin/users/{id}", get(user_edit).post(user_update))
        .route("/admin/users/{id}/password", post(user_password))
        .route("/admin/audit", get(audit))
}

#[derive(serde::Deserialize, Default)]
struct UsersQuery {
    page: Option<u32>,
    saved: Option<String>,
}

async fn users(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<UsersQuery>,
) -> AppResult<Response> {
    let page = Page::new(q.page, Some(100));
    let (list, total) = app.service.user_admin(&s.actor)?.list_users(page).await?;
    let lang = s.ctx.lang;
    let table = Table {
        headers: ["username", "display_name", "grants", "disabled", "version"]
            .iter()
            .map(|f| lang.field_label(f))
            .collect(),
        row_ids: list
            .iter()
            .map(|u| format!("user-{}", u.username))
            .collect(),
        rows: list
            .iter()
            .map(|u| {
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
            })
            .collect(),
    };
    let flash = q.saved.as_ref().map(|_| lang.t("common.saved"));
    let p = ListPage {
        layout: Layout::new(&app, &s.ctx, "admin/users", lang.t("admin.users_title"))
            .with_flash(flash),
        intro: None,
        new_href: Some("/admin/users/new".into()),
        new_label: lang.t("admin.user_new"),
        total_line: lang.t_with("common.total", &[("n", &total.to_string())]),
        table,
    };
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

/// One row of the grants editor.
pub struct GrantRow {
    pub index: usize,
    pub role: String,
    pub scope_kind: String,
    pub regions: Vec<(String, String, bool)>,
    pub industries: Vec<(String, String, bool)>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserFormPage {
    layout: Layout,
    action: String,
    fields: Vec<FormField>,
    grant_rows: Vec<GrantRow>,
    roles: Vec<(String, String)>,
    scope_kinds: Vec<(String, String)>,
    version: Option<i64>,
    summary: Vec<String>,
    conflict: Option<String>,
    /// Set when editing: the password-reset form goes under the main one.
    user_id: Option<i64>,
    password_error: Option<String>,
}

struct UserDraft {
    username: String,
    display_name: String,
    department_id: Option<i64>,
    disabled: bool,
    grants: Vec<Grant>,
}

impl UserDraft {
    fn of(u: &User) -> Self {
        UserDraft {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            department_id: u.department_id,
            disabled: u.disabled,
            grants: u.grants.clone(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn user_form(
    app: &AppState,
    s: &Signed,
    id: Option<i64>,
    draft: &UserDraft,
    version: Option<i64>,
    errors: &FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let departments: Vec<(String, String)> = app
        .service
        .reference(&s.actor)?
        .list_departments()
        .await?
        .iter()
        .map(|d| (d.id.to_string(), d.name_zh.clone()))
        .collect();
    let regions = app.service.reference(&s.actor)?.list_regions().await?;
    let industries = app.service.reference(&s.actor)?.list_industries().await?;
    let mut fields = Vec::new();
    if id.is_none() {
        fields.push(
            FormField::new(lang, "username", FieldKind::Text, draft.username.clone()).required(),
        );
    }
    fields.push(
        FormField::new(
            lang,
            "display_name",
            FieldKind::Text,
            draft.display_name.clone(),
        )
        .required(),
    );
    fields.push(
        FormField::new(
            lang,
            "department_id",
            FieldKind::Select,
            draft
                .department_id
                .map(|d| d.to_string())
                .unwrap_or_default(),
        )
        .options(departments, Some(lang.t("common.not_set"))),
    );
    if id.is_none() {
        fields
            .push(FormField::new(lang, "password", FieldKind::Password, String::new()).required());
    } else {
        fields.push(
            FormField::new(lang, "disabled", FieldKind::Checkbox, "on").checked(draft.disabled),
        );
    }
    let grant_errors: Vec<FieldError> = errors
        .0
        .iter()
        .filter(|e| e.field.starts_with("grants"))
        .cloned()
        .collect();
    let other: Vec<FieldError> = errors
        .0
        .iter()
        .filter(|e| !e.field.starts_with("grants"))
        .cloned()
        .collect();
    let mut summary = attach_errors(lang, &mut fields, &other);
    let mut grant_rows = Vec::new();
    for i in 0..GRANT_ROWS.max(draft.grants.len()) {
        let g = draft.grants.get(i);
        let ids = g.map(|g| g.scope.ids().to_vec()).unwrap_or_default();
        let tag = g.map(|g| g.scope.tag());
        grant_rows.push(GrantRow {
            index: i,
            role: g.map(|g| g.role.as_str().to_string()).unwrap_or_default(),
            scope_kind: tag.map(|t| t.as_str().to_string()).unwrap_or_default(),
            regions: regions
                .iter()
                .map(|r| {
                    (
                        r.id.to_string(),
                        r.name_zh.clone(),
                        tag == Some(ScopeKindTag::Regions) && ids.contains(&r.id),
                    )
                })
                .collect(),
            industries: industries
                .iter()
                .map(|x| {
                    (
                        x.id.to_string(),
                        x.name_zh.clone(),
                        tag == Some(ScopeKindTag::Industries) && ids.contains(&x.id),
                    )
                })
                .collect(),
            error: grant_errors
                .iter()
                .find(|e| e.field.starts_with(&format!("grants[{i}]")))
                .map(|e| lang.field_message(e)),
        });
    }
    for e in grant_errors.iter().filter(|e| e.field == "grants") {
        summary.push(lang.field_message(e));
    }
    let page = UserFormPage {
        layout: Layout::new(
            app,
            &s.ctx,
            "admin/users",
            lang.t(if id.is_some() {
                "admin.user_edit"
            } else {
                "admin.user_new"
            }),
        ),
        action: id
            .map(|i| format!("/admin/users/{i}"))
            .unwrap_or("/admin/users".into()),
        fields,
        grant_rows,
        roles: Role::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str().to_string(),
                    lang.t(&format!("role.{}", r.as_str())),
                )
            })
            .collect(),
        scope_kinds: [
            ScopeKindTag::City,
            ScopeKindTag::Regions,
            ScopeKindTag::Industries,
        ]
        .iter()
        .map(|t| {
            (
                t.as_str().to_string(),
                lang.t(&format!("scope.{}", t.as_str())),
            )
        })
        .collect(),
        version,
        summary,
        conflict: conflict.then(|| {
            format!(
                "{} {}",
                lang.t("error.conflict"),
                lang.t("error.conflict_current")
            )
        }),
        user_id: id,
        password_error: None,
    };
    Ok((status, render(&page)?).into_response())
}

/// Reads the grant rows of the form: `grant_role_N`, `grant_scope_N`, `grant_regions_N`,
/// `grant_industries_N`. Rows without a role are skipped.
fn grants_from_form(f: &FormData, errs: &mut FieldErrors) -> Vec<Grant> {
    let mut grants = Vec::new();
    for i in 0..20 {
        let role_text = f.get(&format!("grant_role_{i}"));
        if role_text.is_empty() {
            continue;
        }
        let field = format!("grants[{}]", grants.len());
        let Some(role) = Role::parse(&role_text) else {
            errs.add(&field, "one_of");
            continue;
        };
        let ids = |name: &str| -> Vec<i64> {
            f.all(&format!("{name}_{i}"))
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect()
        };
        let scope = match ScopeKindTag::parse(&f.get(&format!("grant_scope_{i}"))) {
            Some(ScopeKindTag::City) => ScopeKind::City,
            Some(ScopeKindTag::Regions) => ScopeKind::Regions(ids("grant_regions")),
            Some(ScopeKindTag::Industries) => ScopeKind::Industries(ids("grant_industries")),
            None => {
                errs.add(&format!("{field}.scope"), "required");
                continue;
            }
        };
        grants.push(Grant { role, scope });
    }
    grants
}

async fn user_new(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    app.service.user_admin(&s.actor)?;
    let draft = UserDraft {
        username: String::new(),
        display_name: String::new(),
        department_id: None,
        disabled: false,
        grants: vec![],
    };
    user_form(
        &app,
        &s,
        None,
        &draft,
        None,
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn user_create(State(app): State<AppState>, s: Signed, body: Bytes) -> AppResult<Response> {
    app.service.user_admin(&s.actor)?;
    let f = FormData::parse(&body);
    let mut errs = FieldErrors::new();
    let department_id = f.opt_id("department_id", &mut errs);
    let grants = grants_from_form(&f, &mut errs);
    let input = NewUser {
        username: f.get("username"),
        display_name: f.get("display_name"),
        department_id,
        password: f.get("password"),
        grants: grants.clone(),
    };
    if errs.is_empty() {
        match app
            .service
            .user_admin(&s.actor)?
            .create_user(input.clone())
            .await
        {
            Ok(_) => return Ok(Redirect::to("/admin/users?saved=1").into_response()),
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(e) => return Err(e.into()),
        }
    }
    let draft = UserDraft {
        username: input.username,
        display_name: input.display_name,
        department_id,
        disabled: false,
        grants,
    };
    user_form(
        &app,
        &s,
        None,
        &draft,
        None,
        &errs,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn user_edit(State(app): State<AppState>, s: Signed, Id(id): Id) -> AppResult<Response> {
    let u = app.service.user_admin(&s.actor)?.get_user(id).await?;
    user_form(
        &app,
        &s,
        Some(id),
        &UserDraft::of(&u),
        Some(u.version),
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn user_update(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    app.service.user_admin(&s.actor)?;
    let f = FormData::parse(&body);
    let Some(version) = f.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    let mut errs = FieldErrors::new();
    let department_id = f.opt_id("department_id", &mut errs);
    let grants = grants_from_form(&f, &mut errs);
    let update = UserUpdate {
        display_name: f.get("display_name"),
        department_id,
        grants: grants.clone(),
        disabled: f.flag("disabled"),
    };
    if errs.is_empty() {
        match app
            .service
            .user_admin(&s.actor)?
            .update_user(id, version, update.clone())
            .await
        {
            Ok(_) => return Ok(Redirect::to("/admin/users?saved=1").into_response()),
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(ServiceError::Conflict) => {
                let cur = app.service.user_admin(&s.actor)?.get_user(id).await?;
                return user_form(
                    &app,
                    &s,
                    Some(id),
                    &UserDraft::of(&cur),
                    Some(cur.version),
                    &FieldErrors::new(),
                    true,
                    StatusCode::CONFLICT,
                )
                .await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let cur = app.service.user_admin(&s.actor)?.get_user(id).await?;
    let draft = UserDraft {
        username: cur.username,
        display_name: update.display_name,
        department_id,
        disabled: update.disabled,
        grants,
    };
    user_form(
        &app,
        &s,
        Some(id),
        &draft,
        Some(version),
        &errs,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn user_password(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let f = FormData::parse(&body);
    match app
        .service
        .user_admin(&s.actor)?
        .set_user_password(id, &f.get("new_password"))
        .await
    {
        Ok(()) => Ok(Redirect::to("/admin/users?saved=1").into_response()),
        Err(ServiceError::Invalid(mut e)) => {
            for fe in &mut e.0 {
                fe.field = "new_password".into();
            }
            let u = app.service.user_admin(&s.actor)?.get_user(id).await?;
            user_form(
                &app,
                &s,
                Some(id),
                &UserDraft::of(&u),
                Some(u.version),
                &e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    q_username: String,
    q_record_type: String,
    q_from: String,
    q_until: String,
    entries: Vec<AuditRow>,
    total_line: String,
    prev_href: Option<String>,
    next_href: Option<String>,
}

struct AuditRow {
    at: String,
    username: String,
    action: String,
    record: String,
    before: String,
    after: String,
}

async fn audit(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<crate::api::AuditQuery>,
) -> AppResult<Response> {
    let page = Page::new(q.page, Some(50));
    let (entries, total) = app
        .service
        .audit_reader(&s.actor)?
        .list_audit(&q.filter(), page)
        .await?;
    let lang = s.ctx.lang;
    let pretty = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .map(|j| serde_json::to_string_pretty(j).unwrap_or_default())
            .unwrap_or_default()
    };
    let rows = entries
        .iter()
        .map(|e| AuditRow {
            at: crate::i18n::china_time(e.at),
            username: e.username.clone(),
            action: e.action.clone(),
            record: format!(
                "{} #{}",
                e.record_type,
                e.record_id.map(|i| i.to_string()).unwrap_or_default()
            ),
            before: pretty(&e.before),
            after: pretty(&e.after),
        })
        .collect();
    let base = |p: u32| {
        format!(
            "/admin/audit?page={p}&username={}&record_type={}&from={}&until={}",
            crate::context::urlencode(q.username.as_deref().unwrap_or("")),
            crate::context::urlencode(q.record_type.as_deref().unwrap_or("")),
            q.from.map(|d| d.to_string()).unwrap_or_default(),
            q.until.map(|d| d.to_string()).unwrap_or_default(),
        )
    };
    let pages = ((total + 49) / 50).max(1) as u32;
    let p = AuditPage {
        layout: Layout::new(&app, &s.ctx, "admin/audit", lang.t("admin.audit_title")),
        q_username: q.username.clone().unwrap_or_default(),
        q_record_type: q.record_type.clone().unwrap_or_default(),
        q_from: q.from.map(|d| d.to_string()).unwrap_or_default(),
        q_until: q.until.map(|d| d.to_string()).unwrap_or_default(),
        entries: rows,
        total_line: format!(
            "{} · {}",
            lang.t_with("common.total", &[("n", &total.to_string())]),
            lang.t_with(
                "common.page_of",
                &[
                    ("page", &page.page.to_string()),
                    ("pages", &pages.to_string())
                ]
            )
        ),
        prev_href: (page.page > 1).then(|| base(page.page - 1)),
        next_href: (page.page < pages).then(|| base(page.page + 1)),
    };
    Ok(render(&p)?.into_response())
}
