//! Official documents made from a record: storing both formats with their audit rows in one
//! transaction, reading one, its bytes, and a record's list.

use super::common::{begin_write, map_err, now, write_audit};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use dongneng_domain::document::SourceKind;
use dongneng_store::{AuditBy, DocumentStore, NewDocument, StoreError, StoredDocument};
use serde::Serialize;

type R<T> = Result<T, StoreError>;

macro_rules! doc_cols {
    () => {
        "id, kind, source_kind, source_id, source_version, title, number, format, file_name, \
         content_type, size_bytes, sha256, created_by, created_at"
    };
}

/// What the audit row says of a document (not its bytes).
#[derive(Serialize)]
struct Audited<'a> {
    kind: &'a str,
    source_kind: &'a str,
    source_id: i64,
    source_version: i64,
    title: &'a str,
    number: Option<&'a str>,
    format: &'a str,
    size_bytes: usize,
    sha256: &'a str,
}

#[async_trait]
impl DocumentStore for BackendStore {
    async fn save_documents(&self, by: &AuditBy, docs: &[NewDocument]) -> R<Vec<StoredDocument>> {
        let mut tx = begin_write(&self.pool).await?;
        let at = now();
        let mut out = Vec::with_capacity(docs.len());
        for d in docs {
            let row: StoredDocument = sqlx::query_as::<Db, StoredDocument>(concat!(
                "insert into generated_documents (kind, source_kind, source_id, source_version, \
                 title, number, format, file_name, content_type, size_bytes, sha256, content, \
                 created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
                 $12, $13, $14) returning ",
                doc_cols!()
            ))
            .bind(d.kind.code())
            .bind(d.source_kind.code())
            .bind(d.source_id)
            .bind(d.source_version)
            .bind(&d.title)
            .bind(&d.number)
            .bind(d.format.code())
            .bind(&d.file_name)
            .bind(d.format.content_type())
            .bind(d.content.len() as i64)
            .bind(&d.sha256)
            .bind(&d.content)
            .bind(&by.username)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
            let audited = Audited {
                kind: d.kind.code(),
                source_kind: d.source_kind.code(),
                source_id: d.source_id,
                source_version: d.source_version,
                title: &d.title,
                number: d.number.as_deref(),
                format: d.format.code(),
                size_bytes: d.content.len(),
                sha256: &d.sha256,
            };
            write_audit(
                &mut tx,
                by,
                "generate",
                "document",
                Some(row.id),
                None::<&()>,
                Some(&audited),
            )
            .await?;
            out.push(row);
        }
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }

    async fn get_document(&self, id: i64) -> R<Option<StoredDocument>> {
        sqlx::query_as::<Db, StoredDocument>(concat!(
            "select ",
            doc_cols!(),
            " from generated_documents where id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn document_content(&self, id: i64) -> R<Option<Vec<u8>>> {
        sqlx::query_scalar::<Db, Vec<u8>>("select content from generated_documents where id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn documents_of(&self, source: SourceKind, source_id: i64) -> R<Vec<StoredDocument>> {
        sqlx::query_as::<Db, StoredDocument>(concat!(
            "select ",
            doc_cols!(),
            " from generated_documents where source_kind = $1 and source_id = $2 order by id"
        ))
        .bind(source.code())
        .bind(source_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn digest_edition(&self, ym: i32, scope_key: &str) -> R<i64> {
        let find = async || {
            sqlx::query_scalar::<Db, i64>(
                "select id from digest_editions where ym = $1 and scope_key = $2",
            )
            .bind(ym)
            .bind(scope_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)
        };
        if let Some(id) = find().await? {
            return Ok(id);
        }
        // Two readers at once: one insert wins, the other finds its row.
        sqlx::query::<Db>(
            "insert into digest_editions (ym, scope_key, created_at) values ($1, $2, $3) \
             on conflict (ym, scope_key) do nothing",
        )
        .bind(ym)
        .bind(scope_key)
        .bind(now())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        find()
            .await?
            .ok_or_else(|| StoreError::Internal("digest edition not written".into()))
    }

    async fn get_digest_edition(&self, id: i64) -> R<Option<(i32, String)>> {
        sqlx::query_as::<Db, (i32, String)>(
            "select ym, scope_key from digest_editions where id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }
}
