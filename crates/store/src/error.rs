//! What can go wrong in storage, in terms the service layer can act on.

/// A storage failure. Constraint violations come back as field-level errors so that the user
/// sees "this code is already used", not a database message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The row's version is not the one the caller read.
    #[error("stale version")]
    Conflict,
    /// A unique constraint on `field` was violated.
    #[error("duplicate value for {field}")]
    Duplicate { field: String },
    /// A reference to another record (`field`) points at nothing.
    #[error("unknown reference in {field}")]
    BadReference { field: String },
    /// The record is still named by others (`field`), so it cannot go.
    #[error("still in use by {field}")]
    InUse { field: String },
    /// The database is busy or unreachable; the request may be retried.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Internal(String),
}
