//! Uploaded files, checked the one way every area takes them: a usable name, an accepted
//! type, not empty, not over the limit (`dongneng_domain::profile::check_file`), a content
//! type that is plain `type/subtype` (downloads never trust it for display), and the digest.

use crate::error::{Result, ServiceError};
use dongneng_domain::profile;
use dongneng_store::NewFile;
use sha2::{Digest, Sha256};

/// A content type as a client sent it, when it is a plain `type/subtype`; else the generic
/// binary type.
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

/// The file as it will be stored, or what is wrong with it (the field named). The web layer
/// has already refused bodies over the limit (413); this checks again so no caller can store
/// more.
pub(crate) fn checked(
    file_name: Option<&str>,
    content_type: Option<&str>,
    content: Vec<u8>,
) -> Result<NewFile> {
    let Some(name) = file_name.and_then(profile::clean_file_name) else {
        return Err(ServiceError::field("file_name", "required"));
    };
    profile::check_file(&name, content.len())?;
    Ok(NewFile {
        file_name: name,
        content_type: clean_content_type(content_type),
        sha256: hex::encode(Sha256::digest(&content)),
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn files_are_checked() {
        let f = checked(
            Some("../会议纪要.pdf"),
            Some("application/pdf"),
            b"%PDF".to_vec(),
        )
        .unwrap();
        assert_eq!(f.file_name, "会议纪要.pdf");
        assert_eq!(f.sha256.len(), 64);
        let e = checked(Some("run.exe"), None, b"MZ".to_vec()).unwrap_err();
        assert!(matches!(e, ServiceError::Invalid(ref f) if f.0[0].code == "file_type"));
        assert!(checked(None, None, b"x".to_vec()).is_err());
    }
}
