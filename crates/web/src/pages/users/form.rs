//! The account form: name, department, grants (a repeated group of role and scope rows) and,
//! for a new account, the password; under the edit form, the password reset.

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::pages::form::{
    Action, ActionPage, Create, Ctx, Edit, FieldKind, Form, FormData, FormField, FormPage,
    FormView, Gate, PathIds, Place, Screen, Showing, mark, show_edit,
};
use crate::pages::{Layout, render};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, Response};
use dongneng_domain::FieldErrors;
use dongneng_domain::role::{Grant, Role, ScopeKind, ScopeKindTag};
use dongneng_domain::user::{NewUser, UserUpdate};
use dongneng_service::ServiceError;
use dongneng_service::users::UserAdmin;

/// Grant rows shown on the user form (empty rows are ignored on submit).
const GRANT_ROWS: usize = 3;

/// An account as the form holds it, new or stored.
#[derive(Clone)]
pub struct UserDraft {
    username: String,
    display_name: String,
    department_id: Option<i64>,
    password: String,
    disabled: bool,
    grants: Vec<Grant>,
    email: Option<String>,
}

/// Who may manage accounts: the permission hook of the account pages.
pub struct ManageUsers;

impl Gate for ManageUsers {
    type Access = UserAdmin;

    async fn access(app: &AppState, s: &Signed, _: &PathIds) -> Result<UserAdmin, ServiceError> {
        app.service.user_admin(&s.actor)
    }
}

pub struct UserForm;

impl Screen for UserForm {
    type Gate = ManageUsers;
    const AREA: &'static str = "admin/users";
    const HOME: &'static str = "/admin/users";
}

/// The edit form's path names the account; the new form's does not.
fn editing(c: &Ctx<UserForm>) -> bool {
    c.path.get(0).is_some()
}

impl Form for UserForm {
    type Draft = UserDraft;

    fn read(f: &FormData) -> (UserDraft, FieldErrors) {
        let mut errs = FieldErrors::new();
        let department_id = f.opt_id("department_id", &mut errs);
        let grants = grants_from_form(f, &mut errs);
        let draft = UserDraft {
            username: f.get("username"),
            display_name: f.get("display_name"),
            email: f.opt("email"),
            department_id,
            password: f.get("password"),
            disabled: f.flag("disabled"),
            grants,
        };
        (draft, errs)
    }

    async fn fields(c: &Ctx<Self>, d: &UserDraft) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        let departments: Vec<(String, String)> = c
            .service()
            .reference(c.actor())?
            .list_departments()
            .await?
            .iter()
            .map(|d| (d.id.to_string(), d.name_zh.clone()))
            .collect();
        let mut fields = Vec::new();
        if !editing(c) {
            fields.push(FormField::text(lang, "username", &d.username).required());
        }
        fields.push(FormField::text(lang, "display_name", &d.display_name).required());
        fields.push(FormField::text(
            lang,
            "email",
            &d.email.clone().unwrap_or_default(),
        ));
        fields.push(FormField::select(
            lang,
            "department_id",
            &d.department_id,
            departments,
            Some(lang.t("common.not_set")),
        ));
        if editing(c) {
            fields.push(FormField::checkbox(lang, "disabled", d.disabled));
        } else {
            // A password is never shown back.
            fields.push(FormField::new(lang, "password", FieldKind::Password, "").required());
        }
        Ok(fields)
    }

    /// Errors of a grant row go on the row.
    fn claims(field: &str) -> bool {
        field.starts_with("grants[")
    }

    async fn page(
        c: &Ctx<Self>,
        d: &UserDraft,
        errors: &FieldErrors,
        page: FormPage,
    ) -> AppResult<Html<String>> {
        let grant_rows = grant_rows(c, d, errors).await?;
        let lang = c.lang();
        render(&UserFormPage {
            layout: page.layout,
            form: page.form,
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
            user_id: c.path.get(0),
        })
    }
}

impl Create for UserForm {
    const COLLECTION: &'static str = "/admin/users";
    const NEW_TITLE: &'static str = "admin.user_new";

    async fn blank(_: &Ctx<Self>) -> AppResult<UserDraft> {
        Ok(UserDraft {
            username: String::new(),
            display_name: String::new(),
            department_id: None,
            password: String::new(),
            disabled: false,
            grants: vec![],
            email: None,
        })
    }

    async fn create(c: &Ctx<Self>, d: UserDraft) -> Result<Place, ServiceError> {
        let input = NewUser {
            username: d.username,
            display_name: d.display_name,
            department_id: d.department_id,
            password: d.password,
            grants: d.grants,
            email: d.email,
        };
        c.access.create_user(input).await?;
        Ok(c.home())
    }
}

impl Edit for UserForm {
    const RECORD: &'static str = "/admin/users/{id}";
    const EDIT_TITLE: &'static str = "admin.user_edit";

    async fn load(c: &Ctx<Self>) -> Result<(UserDraft, i64), ServiceError> {
        let u = c.access.get_user(c.path.id(0)?).await?;
        let draft = UserDraft {
            username: u.username,
            display_name: u.display_name,
            department_id: u.department_id,
            password: String::new(),
            disabled: u.disabled,
            grants: u.grants,
            email: u.email,
        };
        Ok((draft, u.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: UserDraft) -> Result<(), ServiceError> {
        let update = UserUpdate {
            display_name: d.display_name,
            department_id: d.department_id,
            grants: d.grants,
            disabled: d.disabled,
            email: d.email,
        };
        let id = c.path.id(0)?;
        c.access.update_user(id, version, update).await?;
        Ok(())
    }
}

/// The edit page shows the errors of the password reset under it.
impl ActionPage for UserForm {
    async fn reshow(c: &Ctx<Self>, errors: &FieldErrors, _: StatusCode) -> AppResult<Response> {
        let (draft, version) = UserForm::load(c).await?;
        show_edit(c, Showing::invalid(&draft, Some(version), errors)).await
    }
}

/// The password reset under the edit form.
pub struct PasswordReset;

impl Action for PasswordReset {
    type Page = UserForm;
    type Input = String;

    fn read(form: &FormData) -> AppResult<(String, FieldErrors)> {
        Ok((form.get("new_password"), FieldErrors::new()))
    }

    async fn run(c: &Ctx<UserForm>, password: String) -> Result<(), ServiceError> {
        let id = c.path.id(0)?;
        match c.access.set_user_password(id, &password).await {
            // The password rules name the field of the reset form.
            Err(ServiceError::Invalid(mut e)) => {
                for fe in &mut e.0 {
                    fe.field = "new_password".into();
                }
                Err(ServiceError::Invalid(e))
            }
            other => other,
        }
    }
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
    form: FormView,
    grant_rows: Vec<GrantRow>,
    roles: Vec<(String, String)>,
    scope_kinds: Vec<(String, String)>,
    /// Set when editing: the password-reset form goes under the main one.
    user_id: Option<i64>,
}

/// The grant rows of the draft (at least [`GRANT_ROWS`]), each with its error.
async fn grant_rows(
    c: &Ctx<UserForm>,
    d: &UserDraft,
    errors: &FieldErrors,
) -> AppResult<Vec<GrantRow>> {
    let lang = c.lang();
    let reference = c.service().reference(c.actor())?;
    let regions: Vec<(String, String)> = (reference.list_regions().await?.into_iter())
        .map(|r| (r.id.to_string(), r.name_zh))
        .collect();
    let industries: Vec<(String, String)> = (reference.list_industries().await?.into_iter())
        .map(|x| (x.id.to_string(), x.name_zh))
        .collect();
    let mut rows = Vec::new();
    for i in 0..GRANT_ROWS.max(d.grants.len()) {
        let g = d.grants.get(i);
        let ids = g.map(|g| g.scope.ids().to_vec()).unwrap_or_default();
        let tag = g.map(|g| g.scope.tag());
        // The scope's ids are chosen in the list of its kind.
        let chosen = |kind: ScopeKindTag, options: &[(String, String)]| {
            mark(options.to_vec(), |v| {
                tag == Some(kind) && ids.iter().any(|id| id.to_string() == v)
            })
        };
        rows.push(GrantRow {
            index: i,
            role: g.map(|g| g.role.as_str().to_string()).unwrap_or_default(),
            scope_kind: tag.map(|t| t.as_str().to_string()).unwrap_or_default(),
            regions: chosen(ScopeKindTag::Regions, &regions),
            industries: chosen(ScopeKindTag::Industries, &industries),
            error: errors
                .0
                .iter()
                .find(|e| e.field.starts_with(&format!("grants[{i}]")))
                .map(|e| lang.field_message(e)),
        });
    }
    Ok(rows)
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
