//! The engine's handlers and pages: new, create, edit, update, confirm and delete, for any
//! kind of form.

use super::field::attach_errors;
use super::{
    Create, Delete, Edit, Form, FormData, FormField, Gate, Notice, PathIds, Place, Screen,
};
use crate::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::pages::{Layout, render};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dongneng_domain::FieldErrors;
use dongneng_service::{Actor, Service, ServiceError};

/// What the permission hook of `K` hands out.
pub type Access<K> = <<K as Screen>::Gate as Gate>::Access;

/// A request the permission hook of `K` let in: as a handler argument it runs the hook
/// while the request is extracted, so before the body is read. Every later hook receives it.
pub struct Ctx<K: Screen> {
    pub app: AppState,
    pub s: Signed,
    pub path: PathIds,
    pub access: Access<K>,
}

impl<K: Screen> FromRequestParts<AppState> for Ctx<K> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        let s = Signed::from_request_parts(parts, app).await?;
        let path = PathIds::from_request_parts(parts, app).await?;
        let access = K::Gate::access(app, &s, &path).await?;
        Ok(Ctx {
            app: app.clone(),
            s,
            path,
            access,
        })
    }
}

impl<K: Screen> Ctx<K> {
    pub fn lang(&self) -> Lang {
        self.s.ctx.lang
    }

    pub fn service(&self) -> &Service {
        &self.app.service
    }

    /// Who is asking.
    pub fn actor(&self) -> &Actor {
        &self.s.actor
    }

    /// The page `K` returns to.
    pub fn home(&self) -> Place {
        Place::new(self.path.fill(K::HOME)).anchor(K::ANCHOR)
    }
}

/// A form about to be shown: its draft and version, the errors, and how it came to be shown.
pub struct Showing<'a, D> {
    draft: &'a D,
    version: Option<i64>,
    errors: &'a FieldErrors,
    conflict: bool,
    notice: Option<Notice>,
    status: StatusCode,
}

const NO_ERRORS: &FieldErrors = &FieldErrors(Vec::new());

impl<'a, D> Showing<'a, D> {
    /// As loaded or started, after the notice of a redirect if any.
    pub fn fresh(draft: &'a D, version: Option<i64>, notice: Option<Notice>) -> Self {
        Showing {
            draft,
            version,
            errors: NO_ERRORS,
            conflict: false,
            notice,
            status: StatusCode::OK,
        }
    }

    /// As submitted, with what is wrong with it (422).
    pub fn invalid(draft: &'a D, version: Option<i64>, errors: &'a FieldErrors) -> Self {
        Showing {
            draft,
            version,
            errors,
            conflict: false,
            notice: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// Shown with another status (a page re-showing the form after a form of its own).
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The current values after someone else saved first (409).
    fn conflict(draft: &'a D, version: i64) -> Self {
        Showing {
            draft,
            version: Some(version),
            errors: NO_ERRORS,
            conflict: true,
            notice: None,
            status: StatusCode::CONFLICT,
        }
    }
}

/// What every form page shows: the form with the version it read, the errors, and after a
/// conflict the notice.
pub struct FormView {
    pub action: String,
    pub back_href: String,
    pub fields: Vec<FormField>,
    pub version: Option<i64>,
    /// Errors of no field on the form.
    pub summary: Vec<String>,
    pub conflict: Option<String>,
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub form: FormView,
}

/// Shows a form: its fields with the errors attached, in the page [`Form::page`] gives.
async fn show<K: Form>(
    c: &Ctx<K>,
    title: &str,
    action: String,
    sh: Showing<'_, K::Draft>,
) -> AppResult<Response> {
    let lang = c.lang();
    let mut fields = K::fields(c, sh.draft).await?;
    let summary = attach_errors(lang, &mut fields, &sh.errors.0, K::claims);
    let page = FormPage {
        layout: Layout::new(&c.app, &c.s.ctx, K::AREA, lang.t(title)).with_notice(sh.notice),
        form: FormView {
            action,
            back_href: c.home().href(),
            fields,
            version: sh.version,
            summary,
            conflict: sh.conflict.then(|| {
                format!(
                    "{} {}",
                    lang.t("error.conflict"),
                    lang.t("error.conflict_current")
                )
            }),
        },
    };
    let html = K::page(c, sh.draft, sh.errors, page).await?;
    Ok((sh.status, html).into_response())
}

async fn show_new<K: Create>(c: &Ctx<K>, sh: Showing<'_, K::Draft>) -> AppResult<Response> {
    show(c, K::NEW_TITLE, c.path.fill(K::COLLECTION), sh).await
}

/// Shows the edit form of `K` (for a page that re-shows it after a form of its own).
pub async fn show_edit<K: Edit>(c: &Ctx<K>, sh: Showing<'_, K::Draft>) -> AppResult<Response> {
    show(c, K::EDIT_TITLE, c.path.fill(<K as Edit>::RECORD), sh).await
}

/// Adds the draft's own rule errors to the reading errors, one per field.
fn with_rules<K: Form>(draft: &K::Draft, mut errs: FieldErrors) -> FieldErrors {
    for e in K::rules(draft).0 {
        if !errs.0.iter().any(|x| x.field == e.field) {
            errs.push(e);
        }
    }
    errs
}

/// `GET` a new form.
pub async fn new<K: Create>(c: Ctx<K>, notice: Option<Notice>) -> AppResult<Response> {
    let draft = K::blank(&c).await?;
    show_new(&c, Showing::fresh(&draft, None, notice)).await
}

/// `POST` a new form: saved and back home, or shown again with its errors.
pub async fn create<K: Create>(c: Ctx<K>, body: Bytes) -> AppResult<Response> {
    let (draft, errors) = K::read(&FormData::parse(&body));
    let errors = if errors.is_empty() {
        match K::create(&c, draft.clone()).await {
            Ok(place) => return Ok(Notice::Saved.redirect(&place)),
            Err(ServiceError::Invalid(e)) => e,
            Err(e) => return Err(e.into()),
        }
    } else {
        with_rules::<K>(&draft, errors)
    };
    show_new(&c, Showing::invalid(&draft, None, &errors)).await
}

/// `GET` the edit form of a record.
pub async fn edit<K: Edit>(c: Ctx<K>, notice: Option<Notice>) -> AppResult<Response> {
    let (draft, version) = K::load(&c).await?;
    show_edit(&c, Showing::fresh(&draft, Some(version), notice)).await
}

/// `POST` an edit form: saved and back home, shown again with its errors, or — when someone
/// saved first — with their values and the conflict notice.
pub async fn update<K: Edit>(c: Ctx<K>, body: Bytes) -> AppResult<Response> {
    let form = FormData::parse(&body);
    let (draft, errors) = K::read(&form);
    let version = form.version()?;
    let errors = if errors.is_empty() {
        match K::update(&c, version, draft.clone()).await {
            Ok(()) => return Ok(Notice::Saved.redirect(&c.home())),
            Err(ServiceError::Invalid(e)) => e,
            Err(ServiceError::Conflict) => {
                let (current, version) = K::load(&c).await?;
                return show_edit(&c, Showing::conflict(&current, version)).await;
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        with_rules::<K>(&draft, errors)
    };
    show_edit(&c, Showing::invalid(&draft, Some(version), &errors)).await
}

/// The page that asks before a record is deleted: what will go, and the button that does it.
#[derive(Template)]
#[template(path = "confirm_delete.html")]
pub struct ConfirmDeletePage {
    layout: Layout,
    text: String,
    facts: Vec<(String, String)>,
    action: String,
    version: i64,
    back_href: String,
}

/// What the confirmation of an editable record shows: its edit form's fields, in words.
pub async fn facts_of<K: Edit>(c: &Ctx<K>) -> AppResult<(Vec<(String, String)>, i64)> {
    let (draft, version) = K::load(c).await?;
    let facts = K::fields(c, &draft)
        .await?
        .iter()
        .filter_map(|f| f.fact(c.lang()))
        .collect();
    Ok((facts, version))
}

/// `GET` the confirmation before a delete.
pub async fn confirm_delete<K: Delete>(c: Ctx<K>) -> AppResult<Response> {
    let (facts, version) = K::doomed(&c).await?;
    let lang = c.lang();
    let page = ConfirmDeletePage {
        layout: Layout::new(&c.app, &c.s.ctx, K::AREA, lang.t("common.delete_title")),
        text: lang.t(K::CONFIRM_TEXT),
        facts,
        action: format!("{}/delete", c.path.fill(<K as Delete>::RECORD)),
        version,
        back_href: c.home().href(),
    };
    Ok(render(&page)?.into_response())
}

/// `POST` the confirmation: deleted, or refused because the record changed since; either
/// way back home with the notice.
pub async fn delete<K: Delete>(c: Ctx<K>, body: Bytes) -> AppResult<Response> {
    let version = FormData::parse(&body).version()?;
    match K::delete(&c, version).await {
        Ok(()) => Ok(Notice::Deleted.redirect(&c.home())),
        Err(ServiceError::Conflict) => Ok(Notice::Conflict.redirect(&c.home())),
        Err(e) => Err(e.into()),
    }
}

/// The link to the new form of `K`, for those its permission hook lets in.
pub async fn new_href<K: Create>(app: &AppState, s: &Signed, path: &PathIds) -> Option<String> {
    let allowed = K::Gate::access(app, s, path).await.is_ok();
    allowed.then(|| format!("{}/new", path.fill(K::COLLECTION)))
}

/// Routes `GET {COLLECTION}/new` and `POST {COLLECTION}`.
pub fn create_routes<K: Create>(r: Router<AppState>) -> Router<AppState> {
    r.route(&format!("{}/new", K::COLLECTION), get(new::<K>))
        .route(K::COLLECTION, axum::routing::post(create::<K>))
}

/// Routes `GET` and `POST {RECORD}`.
pub fn edit_routes<K: Edit>(r: Router<AppState>) -> Router<AppState> {
    r.route(<K as Edit>::RECORD, get(edit::<K>).post(update::<K>))
}

/// Routes `GET` and `POST {RECORD}/delete`.
pub fn delete_routes<K: Delete>(r: Router<AppState>) -> Router<AppState> {
    r.route(
        &format!("{}/delete", <K as Delete>::RECORD),
        get(confirm_delete::<K>).post(delete::<K>),
    )
}
