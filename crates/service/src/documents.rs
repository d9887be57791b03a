//! Official documents (公文): an area describes a document ([`OfficialDocument`], plain data)
//! and calls [`Service::issue_document`] with the capability it already holds over the
//! record; the service checks the document, writes it as Word (`office::write_docx`) and as
//! PDF (the [`PdfRenderer`] handed in at start-up: typst, in the `dongneng-pdf` crate, so the
//! service and the web crate do not compile typst) and stores both with their audit rows in
//! one transaction. Documents of the same record at the same version and of the same kind are
//! made once and served again.
//!
//! Reading: whoever can read the record can read its documents ([`Service::documents_of`],
//! [`Service::document`]) — the record's own read check decides ([`Service::source_access`]).

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::document::{DocumentFormat, OfficialDocument, SourceKind};
use dongneng_domain::policy::Permission;
use dongneng_store::{NewDocument, StoredDocument};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use utoipa::ToSchema;

/// Writes a document as PDF. The server hands one in at start-up ([`Service::with_pdf`]).
/// CPU-bound: the service calls it off the async runtime.
pub trait PdfRenderer: Send + Sync {
    fn render_pdf(&self, doc: &OfficialDocument) -> std::result::Result<Vec<u8>, String>;
    /// A chart's SVG as a PNG at `scale` times its size, drawn with the PDF's fonts (for the
    /// Word file). A renderer that cannot leaves the Word file with the chart's caption only.
    fn rasterise_svg(&self, _svg: &str, _scale: f32) -> std::result::Result<Vec<u8>, String> {
        Err("no rasteriser".into())
    }
}

/// How much finer than its own size a chart is rasterised for Word (sharp when printed).
const CHART_SCALE: f32 = 2.0;

/// The document's charts as pictures for the Word file, in order (an empty picture when one
/// cannot be drawn: the Word file then shows its caption).
fn chart_pictures(
    renderer: &dyn PdfRenderer,
    doc: &OfficialDocument,
) -> Vec<dongneng_office::Picture> {
    doc.body
        .iter()
        .filter_map(|b| match b {
            dongneng_domain::document::Block::Chart(c) => Some(c),
            _ => None,
        })
        .map(|c| match renderer.rasterise_svg(&c.svg, CHART_SCALE) {
            Ok(png) => dongneng_office::Picture {
                png,
                width_px: (c.width as f32 * CHART_SCALE) as u32,
                height_px: (c.height as f32 * CHART_SCALE) as u32,
            },
            Err(e) => {
                tracing::warn!(error = %e, "chart not rasterised for Word");
                dongneng_office::Picture {
                    png: vec![],
                    width_px: 0,
                    height_px: 0,
                }
            }
        })
        .collect()
}

/// The record a document is made from, at the version read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentSource {
    pub kind: SourceKind,
    pub id: i64,
    pub version: i64,
}

/// One document in both formats, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IssuedDocument {
    pub docx: StoredDocument,
    pub pdf: StoredDocument,
}

impl IssuedDocument {
    pub fn in_format(&self, format: DocumentFormat) -> &StoredDocument {
        match format {
            DocumentFormat::Docx => &self.docx,
            DocumentFormat::Pdf => &self.pdf,
        }
    }
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Service {
    /// The service with the PDF writer (the server passes the typst one).
    pub fn with_pdf(mut self, pdf: Arc<dyn PdfRenderer>) -> Self {
        self.pdf = Some(pdf);
        self
    }

    /// Makes a document of `source` in both formats and stores them, or answers the ones
    /// already made of this record at this version and of this kind. `access` is the
    /// caller's capability over the record (read is enough: a document says what the record
    /// says); the audit rows name its actor.
    ///
    /// This is the call an area makes to add a document (see ARCHITECTURE.md, "How an area
    /// adds a document").
    pub(crate) async fn issue_document(
        &self,
        access: &Access,
        source: DocumentSource,
        doc: OfficialDocument,
    ) -> Result<IssuedDocument> {
        doc.check()?;
        let store = self.store();
        let made = store.documents_of(source.kind, source.id).await?;
        let latest = |f: DocumentFormat| {
            made.iter()
                .rev()
                .find(|d| d.source_version == source.version && d.kind == doc.kind && d.format == f)
                .cloned()
        };
        if let (Some(docx), Some(pdf)) = (latest(DocumentFormat::Docx), latest(DocumentFormat::Pdf))
        {
            return Ok(IssuedDocument { docx, pdf });
        }
        let renderer = self
            .pdf
            .clone()
            .ok_or_else(|| ServiceError::Unavailable("no PDF writer configured".into()))?;
        let doc = Arc::new(doc);
        let for_pdf = doc.clone();
        let (docx, pdf) = tokio::task::spawn_blocking(move || {
            let pictures = chart_pictures(renderer.as_ref(), &for_pdf);
            let docx = dongneng_office::write_docx_with_pictures(&for_pdf, &pictures)
                .map_err(|e| e.to_string());
            let pdf = renderer.render_pdf(&for_pdf);
            (docx, pdf)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("document writer: {e}")))?;
        let docx = docx.map_err(|e| ServiceError::Internal(format!("docx: {e}")))?;
        let pdf = pdf.map_err(|e| ServiceError::Internal(format!("pdf: {e}")))?;
        let new = |format: DocumentFormat, content: Vec<u8>| NewDocument {
            kind: doc.kind,
            source_kind: source.kind,
            source_id: source.id,
            source_version: source.version,
            title: doc.title.clone(),
            number: doc.number.clone(),
            format,
            file_name: doc.file_name(format),
            sha256: sha256(&content),
            content,
        };
        let mut saved = store
            .save_documents(
                &access.by(),
                &[
                    new(DocumentFormat::Docx, docx),
                    new(DocumentFormat::Pdf, pdf),
                ],
            )
            .await?;
        let pdf = saved.pop().ok_or(ServiceError::NotFound)?;
        let docx = saved.pop().ok_or(ServiceError::NotFound)?;
        Ok(IssuedDocument { docx, pdf })
    }

    /// The actor's read access to a record documents are made from: the record's own check
    /// (403 outside the scope, 404 when there is none). An area with documents adds its arm.
    pub(crate) async fn source_access(
        &self,
        actor: &Actor,
        kind: SourceKind,
        id: i64,
    ) -> Result<Access> {
        match kind {
            SourceKind::SupervisionItem => Ok(self
                .supervision_grant(actor, Permission::ViewCoordination, id)
                .await?
                .0),
            // The meeting's read check.
            SourceKind::Meeting => {
                let access = self.grant(actor, Permission::ViewMeetings)?;
                self.meeting_within(&access, id).await?;
                Ok(access)
            }
            // The digest's scope must be the reader's (or the reader sees the whole city).
            SourceKind::DigestEdition => self.digest_edition_access(actor, id).await,
        }
    }

    /// The documents made of a record the actor can read, oldest first.
    pub async fn documents_of(
        &self,
        actor: &Actor,
        kind: SourceKind,
        id: i64,
    ) -> Result<Vec<StoredDocument>> {
        let access = self.source_access(actor, kind, id).await?;
        Ok(access.store().documents_of(kind, id).await?)
    }

    /// A stored document and its bytes, when the actor can read its record.
    pub async fn document(&self, actor: &Actor, id: i64) -> Result<(StoredDocument, Vec<u8>)> {
        let meta = self
            .store()
            .get_document(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let access = self
            .source_access(actor, meta.source_kind, meta.source_id)
            .await?;
        let bytes = access
            .store()
            .document_content(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok((meta, bytes))
    }

    /// The bytes of one format of an issued document.
    pub(crate) async fn issued_bytes(
        &self,
        issued: &IssuedDocument,
        format: DocumentFormat,
    ) -> Result<(StoredDocument, Vec<u8>)> {
        let meta = issued.in_format(format).clone();
        let bytes = self
            .store()
            .document_content(meta.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok((meta, bytes))
    }
}
