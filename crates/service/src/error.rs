//! What a use case can refuse or fail with. The web layer maps each to a status and a
//! translated message; `code()` is stable and part of the API.

use dongneng_domain::FieldErrors;
use dongneng_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No valid session or token.
    #[error("not signed in")]
    Unauthenticated,
    /// Wrong username or password (deliberately not saying which).
    #[error("bad credentials")]
    BadCredentials,
    /// Too many failed logins; try again after this many seconds.
    #[error("too many attempts")]
    Throttled { retry_after_secs: i64 },
    /// Signed in, but the role or scope does not reach this.
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The record changed since the caller read it.
    #[error("stale version")]
    Conflict,
    /// The input breaks rules; each error names its field.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The database is busy or down.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Unauthenticated => "unauthenticated",
            ServiceError::BadCredentials => "bad_credentials",
            ServiceError::Throttled { .. } => "throttled",
            ServiceError::Forbidden => "forbidden",
            ServiceError::NotFound => "not_found",
            ServiceError::Conflict => "conflict",
            ServiceError::Invalid(_) => "invalid",
            ServiceError::Unavailable(_) => "unavailable",
            ServiceError::Internal(_) => "internal",
        }
    }

    /// One field error as a whole error.
    pub fn field(field: &str, code: &str) -> Self {
        let mut e = FieldErrors::new();
        e.add(field, code);
        ServiceError::Invalid(e)
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(e: FieldErrors) -> Self {
        ServiceError::Invalid(e)
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ServiceError::NotFound,
            StoreError::Conflict => ServiceError::Conflict,
            StoreError::Duplicate { field } => ServiceError::field(&field, "duplicate"),
            StoreError::BadReference { field } => ServiceError::field(&field, "unknown_reference"),
            StoreError::InUse { field } => ServiceError::field(&field, "in_use"),
            StoreError::Unavailable(m) => ServiceError::Unavailable(m),
            StoreError::Internal(m) => ServiceError::Internal(m),
        }
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;
