//! The engine's handlers: new, create, edit, update, confirm and delete, for any kind of
//! form, and the routes of the usual paths.

use super::page::{Showing, show_confirm, show_new};
use super::{Create, Ctx, Delete, Edit, Form, FormData, Gate, Notice, PathIds, show_edit};
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use axum::Router;
use axum::body::Bytes;
use axum::response::Response;
use axum::routing::get;
use dongneng_domain::FieldErrors;
use dongneng_service::ServiceError;

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

/// `GET` the confirmation before a delete.
pub async fn confirm_delete<K: Delete>(c: Ctx<K>) -> AppResult<Response> {
    show_confirm(&c).await
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
