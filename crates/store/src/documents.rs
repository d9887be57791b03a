//! Official documents (公文) made from a record and kept: the row (which record at which
//! version, kind, title, number, format, digest, who and when) and the storage trait. The
//! bytes are read separately ([`DocumentStore::document_content`]).

use crate::{AuditBy, Result};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use dongneng_domain::document::{DocumentFormat, DocumentKind, SourceKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A stored document, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct StoredDocument {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: DocumentKind,
    #[sqlx(try_from = "String")]
    pub source_kind: SourceKind,
    pub source_id: i64,
    /// The record's version the document was made from.
    pub source_version: i64,
    pub title: String,
    pub number: Option<String>,
    #[sqlx(try_from = "String")]
    pub format: DocumentFormat,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A document to store.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub kind: DocumentKind,
    pub source_kind: SourceKind,
    pub source_id: i64,
    pub source_version: i64,
    pub title: String,
    pub number: Option<String>,
    pub format: DocumentFormat,
    pub file_name: String,
    pub sha256: String,
    pub content: Vec<u8>,
}

#[async_trait]
pub trait DocumentStore {
    /// Stores the documents (the formats of one document) with an audit row each, in one
    /// transaction; answers them in order.
    async fn save_documents(
        &self,
        by: &AuditBy,
        docs: &[NewDocument],
    ) -> Result<Vec<StoredDocument>>;
    async fn get_document(&self, id: i64) -> Result<Option<StoredDocument>>;
    async fn document_content(&self, id: i64) -> Result<Option<Vec<u8>>>;
    /// The documents of one record, oldest first.
    async fn documents_of(&self, source: SourceKind, source_id: i64)
    -> Result<Vec<StoredDocument>>;
    /// The id of the dispatch digest's edition for month `ym` (yyyymm) and a reader's scope
    /// key, made the first time it is asked for.
    async fn digest_edition(&self, ym: i32, scope_key: &str) -> Result<i64>;
    /// An edition's month and scope key.
    async fn get_digest_edition(&self, id: i64) -> Result<Option<(i32, String)>>;
}
