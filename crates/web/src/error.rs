//! Errors leave handlers as `AppError`. Its response carries an [`ErrorInfo`] extension and no
//! body; the `render_errors` middleware (which knows the language and whether the caller is
//! the API or a browser) turns it into the JSON envelope or an HTML page. Internal errors are
//! logged with the request id and never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_service::ServiceError;

/// Everything that can go wrong answering a request.
#[derive(Debug)]
pub enum AppError {
    Service(ServiceError),
    /// The body is not JSON at all.
    MalformedJson,
    /// JSON was expected under another content type.
    UnsupportedMediaType,
    PayloadTooLarge,
    /// The CSRF token was missing or wrong.
    Csrf,
    /// No such route.
    RouteNotFound,
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        AppError::Service(e)
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Service(ServiceError::Invalid(e))
    }
}

impl AppError {
    pub fn invalid(field: &str, code: &str) -> Self {
        AppError::Service(ServiceError::field(field, code))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Service(e) => match e {
                ServiceError::Unauthenticated | ServiceError::BadCredentials => {
                    StatusCode::UNAUTHORIZED
                }
                ServiceError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                ServiceError::Forbidden => StatusCode::FORBIDDEN,
                ServiceError::NotFound => StatusCode::NOT_FOUND,
                ServiceError::Conflict => StatusCode::CONFLICT,
                ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                ServiceError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
            AppError::MalformedJson => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::RouteNotFound => StatusCode::NOT_FOUND,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Service(e) => e.code(),
            AppError::MalformedJson => "malformed_json",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Csrf => "csrf",
            AppError::RouteNotFound => "not_found",
        }
    }
}

/// What the renderer needs to describe an error.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub fields: Vec<FieldError>,
    pub retry_after: Option<i64>,
}

impl ErrorInfo {
    /// The error a bare status stands for, when a layer (body limit, method router) answered
    /// without an `AppError`.
    pub fn for_status(status: StatusCode) -> Option<ErrorInfo> {
        let code = match status {
            StatusCode::BAD_REQUEST => "malformed_json",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid",
            s if s.is_server_error() => "internal",
            _ => return None,
        };
        Some(ErrorInfo {
            code,
            fields: vec![],
            retry_after: None,
        })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut info = ErrorInfo {
            code: self.code(),
            fields: vec![],
            retry_after: None,
        };
        match self {
            AppError::Service(ServiceError::Invalid(fields)) => info.fields = fields.0,
            AppError::Service(ServiceError::Throttled { retry_after_secs }) => {
                info.retry_after = Some(retry_after_secs)
            }
            AppError::Service(ServiceError::Internal(msg)) => {
                tracing::error!(error = %msg, "internal error");
            }
            AppError::Service(ServiceError::Unavailable(msg)) => {
                tracing::warn!(error = %msg, "database unavailable");
            }
            _ => {}
        }
        let mut resp = status.into_response();
        resp.extensions_mut().insert(info);
        resp
    }
}

pub type AppResult<T> = Result<T, AppError>;
