//! The rules of every uploaded file (a special plan's documents, a task's evidence): its size,
//! its name and its type. One set of rules, so that every area accepts and refuses the same
//! files.

use crate::validate::{self, FieldError, FieldErrors};

/// The largest file (10 MiB).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file accepted, by extension: office documents (Word, WPS, Excel, PowerPoint,
/// PDF and OFD), plain text and tables, photographs and scans, and zip archives of them.
pub const ALLOWED_EXTENSIONS: &[&str] = &[
    "pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "ppt", "pptx", "txt", "csv", "png",
    "jpg", "jpeg", "zip",
];

/// A file name as uploaded: the last path component, trimmed; `None` when nothing usable is
/// left.
pub fn clean_file_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let name = validate::tidy(last).into_owned();
    (!name.is_empty() && name != "." && name != "..").then_some(name)
}

/// The lower-case extension of a file name, if it has one.
fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// Whether the content starts like a program or a web page, whatever its name says: a
/// Windows or Linux executable, or HTML that a browser would run.
fn looks_active(content: &[u8]) -> bool {
    if content.starts_with(b"MZ") || content.starts_with(b"\x7fELF") {
        return true;
    }
    let head: String = String::from_utf8_lossy(&content[..content.len().min(512)])
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .chars()
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["<!doctype html", "<html", "<script", "<svg"]
        .iter()
        .any(|p| head.starts_with(p))
}

/// Checks an uploaded file: its name, its size (not empty, at most [`MAX_FILE_BYTES`]) and its
/// type (an [`ALLOWED_EXTENSIONS`] name, content that is not a program or a page).
pub fn check_file(name: &str, content: &[u8]) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::new();
    if let Err(e) = validate::plain_line(name) {
        errs.add("file_name", &e.code);
    } else if name.chars().count() > 200 {
        errs.push(FieldError::new("file_name", "length").with("max", 200));
    }
    if content.is_empty() {
        errs.add("file", "file_empty");
    } else if content.len() > MAX_FILE_BYTES {
        errs.push(
            FieldError::new("file", "file_too_large").with("max", MAX_FILE_BYTES / 1024 / 1024),
        );
    }
    let allowed = extension(name).is_some_and(|e| ALLOWED_EXTENSIONS.contains(&e.as_str()));
    if !allowed || looks_active(content) {
        errs.push(
            FieldError::new("file", "file_type").with("allowed", ALLOWED_EXTENSIONS.join(", ")),
        );
    }
    errs.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(name: &str, content: &[u8]) -> Vec<String> {
        check_file(name, content)
            .err()
            .map(|e| e.0.into_iter().map(|f| f.code).collect())
            .unwrap_or_default()
    }

    #[test]
    fn file_names() {
        assert_eq!(
            clean_file_name("C:\\Users\\x\\规划.pdf").as_deref(),
            Some("规划.pdf")
        );
        assert_eq!(
            clean_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(clean_file_name(".."), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(codes("a.pdf", b""), ["file_empty"]);
        assert_eq!(
            codes("a.pdf", &vec![1u8; MAX_FILE_BYTES + 1]),
            ["file_too_large"]
        );
        assert!(codes("a.pdf", &vec![1u8; MAX_FILE_BYTES]).is_empty());
    }

    #[test]
    fn types() {
        assert!(codes("验收材料.PDF", b"%PDF-1.7").is_empty());
        assert!(codes("照片.jpeg", b"\xff\xd8\xff").is_empty());
        assert_eq!(codes("setup.exe", b"x"), ["file_type"]);
        assert_eq!(codes("README", b"x"), ["file_type"]);
        assert_eq!(codes(".pdf", b"x"), ["file_type"]);
        assert_eq!(codes("page.html", b"<p>"), ["file_type"]);
        // A program or a page named as a document.
        assert_eq!(codes("报告.pdf", b"MZ\x90\x00"), ["file_type"]);
        assert_eq!(
            codes("说明.txt", b"\n  <!DOCTYPE html><script>"),
            ["file_type"]
        );
        assert_eq!(codes("图.png", b"<svg onload=x>"), ["file_type"]);
    }
}
