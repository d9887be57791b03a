//! Files in and out of the API, the same for every area: a multipart upload of one `file`
//! part (at most `MAX_FILE_BYTES`, 413 beyond however the body is framed), a stored file as
//! a download, and the `?version=` of a DELETE.

use crate::error::{AppError, AppResult};
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dongneng_domain::upload::MAX_FILE_BYTES;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The largest upload request: one file at the limit plus the multipart framing.
pub(crate) const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 1024 * 1024;

/// `?version=` of a DELETE.
#[derive(Deserialize, IntoParams)]
pub struct VersionQuery {
    /// The version last read; a stale one gets 409, a missing one 422.
    // Read as optional so that a missing one is refused naming the field; required all the same.
    #[param(required = true, value_type = i64)]
    pub version: Option<i64>,
}

impl VersionQuery {
    pub(crate) fn required(&self) -> AppResult<i64> {
        self.version
            .ok_or_else(|| AppError::invalid("version", "missing_field"))
    }
}

/// A document upload: one `file` part.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    /// The document (at most 10 MiB).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A file as received.
pub(crate) struct Upload {
    pub name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// Reads the `file` part of a multipart body, refusing more than [`MAX_FILE_BYTES`] with
/// 413 however the body is framed. Other parts are ignored.
pub(crate) async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Upload> {
    let unreadable = || AppError::invalid("file", "file_unreadable");
    let too_large =
        |e: &axum::extract::multipart::MultipartError| e.status() == StatusCode::PAYLOAD_TOO_LARGE;
    let mut mp = multipart.map_err(|_| unreadable())?;
    let mut found: Option<Upload> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if too_large(&e) => return Err(AppError::PayloadTooLarge),
            Err(_) => return Err(unreadable()),
        };
        if field.name() != Some("file") || found.is_some() {
            continue;
        }
        let name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(AppError::PayloadTooLarge);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if too_large(&e) => return Err(AppError::PayloadTooLarge),
                Err(_) => return Err(unreadable()),
            }
        }
        found = Some(Upload {
            name,
            content_type,
            bytes,
        });
    }
    found.ok_or_else(|| AppError::invalid("file", "required"))
}

/// Percent-encodes for an RFC 5987 `filename*` parameter.
fn rfc5987(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A stored file as a download: always an attachment, with its name in UTF-8, and a type
/// that no browser renders as a page.
pub(crate) fn file_response(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    const PASSED_THROUGH: &[&str] = &[
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/zip",
        "image/png",
        "image/jpeg",
        "text/plain",
        "text/csv",
    ];
    let ctype = if PASSED_THROUGH.contains(&content_type) {
        content_type
    } else {
        "application/octet-stream"
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        rfc5987(name)
    );
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(ctype) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    resp
}
