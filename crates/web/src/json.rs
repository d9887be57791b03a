//! JSON bodies for the API, with errors a client can act on: not JSON → 400, wrong content
//! type → 415, too large → 413, JSON of the wrong shape → 422 naming the field.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use dongneng_domain::{FieldError, FieldErrors};
use serde::de::DeserializeOwned;

/// A JSON body of type `T`.
pub struct ApiJson<T>(pub T);

/// An update's body: the record's fields and, beside them, the `version` last read (a stale
/// one gets 409).
// A JSON body of type `T` plus `version`; the OpenAPI document shows it as one flat object
// (`api::openapi::flatten_all_of`).
#[derive(utoipa::ToSchema)]
pub struct Versioned<T> {
    /// The version last read; a stale one gets 409.
    pub version: i64,
    #[serde(flatten)]
    pub data: T,
}

async fn body_value<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<serde_json::Value, AppError> {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("application/json")
                || (v.starts_with("application/") && v.contains("+json"))
        });
    if !json {
        return Err(AppError::UnsupportedMediaType);
    }
    let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::MalformedJson
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|_| AppError::MalformedJson)
}

/// Turns a serde error at `path` into a field error.
fn shape_error(path: &str, e: &serde_json::Error) -> FieldErrors {
    let msg = e.to_string();
    let quoted = |prefix: &str| {
        msg.strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let mut errs = FieldErrors::new();
    if let Some(field) = quoted("missing field `") {
        let full = if path.is_empty() || path == "." {
            field
        } else {
            format!("{path}.{field}")
        };
        errs.push(FieldError::new(full, "missing_field"));
    } else if let Some(field) = quoted("unknown field `") {
        errs.push(FieldError::new(field, "unknown_field"));
    } else {
        let field = if path.is_empty() || path == "." {
            "body".to_string()
        } else {
            path.to_string()
        };
        // Keep serde's description of the type problem, without its position suffix.
        let detail = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        errs.push(FieldError::new(field, "invalid_type").with("detail", detail));
    }
    errs
}

pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        AppError::from(shape_error(&path, e.inner()))
    })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = body_value(req, state).await?;
        Ok(ApiJson(from_value(value)?))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Versioned<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut value = body_value(req, state).await?;
        let Some(obj) = value.as_object_mut() else {
            return Err(AppError::invalid("body", "invalid_type"));
        };
        let version = match obj.remove("version") {
            None | Some(serde_json::Value::Null) => {
                return Err(AppError::invalid("version", "missing_field"));
            }
            Some(v) => v
                .as_i64()
                .ok_or_else(|| AppError::invalid("version", "not_integer"))?,
        };
        Ok(Versioned {
            version,
            data: from_value(value)?,
        })
    }
}
