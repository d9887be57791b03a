//! The pages of the engine: a form with its values and errors (`form.html`), and the
//! confirmation before a delete (`confirm_delete.html`).

use super::field::attach_errors;
use super::{Create, Ctx, Delete, Edit, Form, FormField, Notice};
use crate::error::AppResult;
use crate::pages::{Layout, render};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dongneng_domain::FieldErrors;

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
    pub(super) fn conflict(draft: &'a D, version: i64) -> Self {
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

pub(super) async fn show_new<K: Create>(
    c: &Ctx<K>,
    sh: Showing<'_, K::Draft>,
) -> AppResult<Response> {
    show(c, K::NEW_TITLE, c.path.fill(K::COLLECTION), sh).await
}

/// Shows the edit form of `K` (for a page that re-shows it after a form of its own).
pub async fn show_edit<K: Edit>(c: &Ctx<K>, sh: Showing<'_, K::Draft>) -> AppResult<Response> {
    show(c, K::EDIT_TITLE, c.path.fill(<K as Edit>::RECORD), sh).await
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

/// Shows the confirmation before the record of `c.path` is deleted.
pub(super) async fn show_confirm<K: Delete>(c: &Ctx<K>) -> AppResult<Response> {
    let (facts, version) = K::doomed(c).await?;
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
