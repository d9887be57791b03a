//! The form engine of the pages: one way to show, read, save and delete a record from a
//! server-rendered page. An area says only what is particular to it — its fields, how a
//! submitted form reads into its input, which service call saves it, where it returns — by
//! implementing the traits below on a small marker type; the engine's handlers do the rest:
//!
//! - the permission hook ([`Gate::access`]) first, always: it runs as the request is
//!   extracted ([`Ctx`]), before a form is shown, before a submitted body is even read, before
//!   a delete. A refused user gets 403 and learns nothing;
//! - the form page (`form.html`) with values and errors on their fields, errors for fields
//!   not on the form in a summary above it;
//! - the 422 re-show of what was submitted, with the errors;
//! - the 409 re-show when someone saved first: their values loaded, the conflict notice;
//! - the confirmation page before a delete, built from the record's fields;
//! - the redirect after a save or delete, and the notice the page shows there ([`Notice`]);
//! - reading the `version` an edit form carries, and the status codes.
//!
//! The traits, from the most general:
//! - [`Gate`]: the one permission hook of a set of pages, named after the permission it
//!   checks (`ManageReference`, `EditProfile` …); it hands out `Access` (today `()`, soon the
//!   service's capability), which every later hook receives in [`Ctx::access`].
//! - [`Screen`]: where a page sits (navigation area, the page it returns to) and its gate.
//! - [`Form`]: a screen with a form — its draft (usually the service's input type), how a
//!   submitted body reads into it, its fields. Optional hooks: the draft's own rules (to report
//!   every problem at once), errors the page shows itself, the page around the form.
//! - [`Create`] (a form without a version: "new", or a settings form), [`Edit`] (a form over a
//!   stored, versioned record), [`Delete`] (the confirmation and the delete).
//! - [`ActionPage`] and [`Action`]: forms posted from a page that is not a form page (the
//!   project page's stage move or progress report), which shows their errors itself.
//!
//! Routes stay in each area's router, using the handlers here ([`new`], [`create`],
//! [`edit`], [`update`], [`confirm_delete`], [`delete`], [`act`]) or the helpers that route
//! the usual paths ([`create_routes`], [`edit_routes`], [`delete_routes`]).

mod action;
mod ctx;
mod data;
mod field;
mod handlers;
mod notice;
mod page;

pub use crate::extract::PathIds;
pub use action::{Action, ActionPage, act};
pub use ctx::{Access, Ctx};
pub use data::FormData;
pub use field::{FieldKind, FormField, choices, mark};
pub use handlers::{
    confirm_delete, create, create_routes, delete, delete_routes, edit, edit_routes, new, new_href,
    update,
};
pub use notice::{Notice, Place};
pub use page::{FormPage, FormView, Showing, facts_of, show_edit};

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use axum::response::Html;
use dongneng_domain::FieldErrors;
use dongneng_service::ServiceError;
use std::future::Future;

/// The one permission hook of a set of pages.
pub trait Gate: Send + Sync + 'static {
    /// What the hook hands out; every later hook receives it.
    type Access: Send + Sync;

    /// Lets the request in, or refuses it (403, 404 for a record that is not there).
    fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> impl Future<Output = Result<Self::Access, ServiceError>> + Send;
}

/// A page the engine serves: where it sits and who may use it.
pub trait Screen: Send + Sync + Sized + 'static {
    /// The permission hook.
    type Gate: Gate;
    /// The navigation entry the page belongs to.
    const AREA: &'static str;
    /// The page a form returns to after saving (and its "cancel" link), as a route pattern
    /// whose placeholders are filled from the request's ids in order.
    const HOME: &'static str;
    /// The section of `HOME` to scroll to.
    const ANCHOR: Option<&'static str> = None;
}

/// A screen with a form over a draft.
pub trait Form: Screen {
    /// What the form shows and reads back.
    type Draft: Clone + Send + Sync;

    /// The draft a submitted form holds, with the errors of fields that could not be read.
    fn read(form: &FormData) -> (Self::Draft, FieldErrors);

    /// The form's fields showing `draft`.
    fn fields(
        c: &Ctx<Self>,
        draft: &Self::Draft,
    ) -> impl Future<Output = AppResult<Vec<FormField>>> + Send;

    /// The draft's own rules (as the service runs them), checked when reading already failed
    /// so that the form reports every problem at once.
    fn rules(_draft: &Self::Draft) -> FieldErrors {
        FieldErrors::new()
    }

    /// Errors the page shows itself (not on a field, not in the summary).
    fn claims(_field: &str) -> bool {
        false
    }

    /// The page around the form: `form.html`, unless the form adds to it.
    fn page(
        _c: &Ctx<Self>,
        _draft: &Self::Draft,
        _errors: &FieldErrors,
        page: FormPage,
    ) -> impl Future<Output = AppResult<Html<String>>> + Send {
        async move { super::render(&page) }
    }
}

/// A form without a version: a new record, or settings saved whole. Shown at
/// `{COLLECTION}/new` by [`create_routes`], posted to `COLLECTION`.
pub trait Create: Form {
    /// Where the form posts (a route pattern).
    const COLLECTION: &'static str;
    /// Message key of the page title.
    const NEW_TITLE: &'static str;

    /// What the form starts with.
    fn blank(c: &Ctx<Self>) -> impl Future<Output = AppResult<Self::Draft>> + Send;

    /// Saves the draft; the page to go to.
    fn create(
        c: &Ctx<Self>,
        draft: Self::Draft,
    ) -> impl Future<Output = Result<Place, ServiceError>> + Send;
}

/// A form over a stored record that carries the version it read: a stale one is refused
/// (409) and the form shows the current values.
pub trait Edit: Form {
    /// Where the form is shown and posts (a route pattern).
    const RECORD: &'static str;
    /// Message key of the page title.
    const EDIT_TITLE: &'static str;

    /// The record as a draft, with its version.
    fn load(c: &Ctx<Self>)
    -> impl Future<Output = Result<(Self::Draft, i64), ServiceError>> + Send;

    fn update(
        c: &Ctx<Self>,
        version: i64,
        draft: Self::Draft,
    ) -> impl Future<Output = Result<(), ServiceError>> + Send;
}

/// A record deleted through a confirmation page at `{RECORD}/delete`.
pub trait Delete: Screen {
    /// The record's path (a route pattern).
    const RECORD: &'static str;
    /// Message key of the text above the record on the confirmation page.
    const CONFIRM_TEXT: &'static str;

    /// What the confirmation shows of the record (label, value), and its version.
    fn doomed(
        c: &Ctx<Self>,
    ) -> impl Future<Output = AppResult<(Vec<(String, String)>, i64)>> + Send;

    fn delete(c: &Ctx<Self>, version: i64)
    -> impl Future<Output = Result<(), ServiceError>> + Send;
}
