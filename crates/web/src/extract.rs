//! Small extractors shared by the API and the pages: the record ids of a path, query strings
//! whose errors name the parameter, and a body left unread until the handler holds its
//! capability.

use crate::error::AppError;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_service::ServiceError;
use serde::de::DeserializeOwned;
use std::convert::Infallible;

/// The record ids of a path, in order: its first `N` parameters
/// (`/industries/{id}/alliances/{alliance_id}/…`). Anything that is not a positive integer
/// names no record: 404. Parameters after the first `N` (a year, a kind) are the handler's.
pub struct Ids<const N: usize>(pub [i64; N]);

impl<S: Send + Sync, const N: usize> FromRequestParts<S> for Ids<N> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = || AppError::Service(ServiceError::NotFound);
        let Path(raw): Path<Vec<(String, String)>> = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        if raw.len() < N {
            return Err(not_found());
        }
        let mut out = [0i64; N];
        for (slot, (_, v)) in out.iter_mut().zip(raw) {
            *slot = v
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(not_found)?;
        }
        Ok(Ids(out))
    }
}

/// The record id of a path with one: its first parameter, as [`Ids`] reads it.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ids([id]) = Ids::<1>::from_request_parts(parts, state).await?;
        Ok(Id(id))
    }
}

/// A request body not yet read. A handler first obtains its capability from the service, so
/// a caller the service refuses is answered 403 before its body is read or validated; then
/// it reads the body with the extractor it needs: `body.read::<Versioned<T>>().await?`.
/// Must be the handler's last argument.
pub struct Unread(Request);

impl<S: Send + Sync> FromRequest<S> for Unread {
    type Rejection = Infallible;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Unread(req))
    }
}

impl Unread {
    /// Reads the body as `T` (size limits and content checks as `T` applies them).
    pub async fn read<T: FromRequest<()>>(self) -> Result<T, T::Rejection> {
        T::from_request(self.0, &()).await
    }
}

/// Query parameters of type `T`; a bad value is a 422 naming the parameter.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        // Empty values mean "not given", as browsers send them for untouched filter fields.
        let pairs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes())
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let cleaned = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(cleaned.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let path = e.path().to_string();
                let msg = e.inner().to_string();
                let field = if path.is_empty() || path == "." {
                    msg.split('`').nth(1).unwrap_or("query").to_string()
                } else {
                    path
                };
                AppError::from(FieldErrors(vec![
                    FieldError::new(field, "invalid_type").with("detail", msg),
                ]))
            })
    }
}
