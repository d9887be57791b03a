//! Uploaded files, the same way for every area (a special plan's documents, a task's
//! evidence): the rules of `dongneng_domain::upload`, a clean name and content type, the
//! digest.

use crate::error::{Result, ServiceError};
use dongneng_domain::upload;
use dongneng_store::NewFile;
use sha2::{Digest, Sha256};

/// A content type as a client sent it, when it is a plain `type/subtype`; else the generic
/// binary type. Downloads never trust it for display (they are sent as attachments).
fn clean_content_type(raw: Option<&str>) -> String {
    let t = raw
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let ok = t.len() <= 100
        && t.split_once('/').is_some_and(|(a, b)| {
            let part = |s: &str| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-+.".contains(c))
            };
            part(a) && part(b)
        });
    if ok {
        t
    } else {
        "application/octet-stream".into()
    }
}

/// An uploaded file, checked: its name (the last part of what the client sent), size and
/// type. The web layer has already refused bodies over the limit (413); this checks again
/// so that no caller can store more.
pub(crate) fn checked_upload(
    file_name: Option<&str>,
    content_type: Option<&str>,
    content: Vec<u8>,
) -> Result<NewFile> {
    let Some(name) = file_name.and_then(upload::clean_file_name) else {
        return Err(ServiceError::field("file_name", "required"));
    };
    upload::check_file(&name, &content)?;
    Ok(NewFile {
        file_name: name,
        content_type: clean_content_type(content_type),
        sha256: hex::encode(Sha256::digest(&content)),
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::clean_content_type;

    #[test]
    fn content_types() {
        assert_eq!(
            clean_content_type(Some("application/pdf")),
            "application/pdf"
        );
        assert_eq!(
            clean_content_type(Some("Text/HTML; charset=utf-8")),
            "text/html"
        );
        assert_eq!(
            clean_content_type(Some("x\r\nSet-Cookie: a")),
            "application/octet-stream"
        );
        assert_eq!(clean_content_type(None), "application/octet-stream");
    }
}
