//! Forms posted from a page that is not a form page — the project page's stage move or
//! progress report, the password reset under the user form. The page shows their errors
//! itself; the engine does the rest, as for any form.

use super::{Ctx, FormData, Notice, Screen};
use crate::error::AppResult;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_service::ServiceError;
use std::future::Future;

/// A page that forms post to and that shows their errors itself.
pub trait ActionPage: Screen {
    /// The page again, with `errors` (the stale version after a conflict) and `status`.
    fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> impl Future<Output = AppResult<Response>> + Send;
}

/// One form posted to an [`ActionPage`]: how it reads, and the service call it makes.
pub trait Action: Send + Sync + 'static {
    /// The page the form is on, which holds the permission hook.
    type Page: ActionPage;
    type Input: Send;

    /// The input the form holds, with the errors of fields that could not be read. What no
    /// browser leaves out (the `version`) is refused outright.
    fn read(form: &FormData) -> AppResult<(Self::Input, FieldErrors)>;

    fn run(
        c: &Ctx<Self::Page>,
        input: Self::Input,
    ) -> impl Future<Output = Result<(), ServiceError>> + Send;
}

/// `POST` an action: done and back to the page with the notice, or the page again with the
/// errors (422), or with the stale version named (409).
pub async fn act<A: Action>(c: Ctx<A::Page>, body: Bytes) -> AppResult<Response> {
    let (input, errors) = A::read(&FormData::parse(&body))?;
    let result = if errors.is_empty() {
        A::run(&c, input).await
    } else {
        Err(ServiceError::Invalid(errors))
    };
    match result {
        Ok(()) => Ok(Notice::Saved.redirect(&c.home())),
        Err(ServiceError::Invalid(e)) => {
            A::Page::reshow(&c, &e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ServiceError::Conflict) => {
            let stale = FieldErrors(vec![FieldError::new("version", "stale")]);
            A::Page::reshow(&c, &stale, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}
