//! Small extractors shared by the API and the pages: record ids in paths and query strings
//! whose errors name the parameter.

use crate::error::AppError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_service::ServiceError;
use serde::de::DeserializeOwned;

/// A record id from the path. Anything that is not a positive integer names no record: 404.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw): Path<String> = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Service(ServiceError::NotFound))?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Id)
            .ok_or(AppError::Service(ServiceError::NotFound))
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
