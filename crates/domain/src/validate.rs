//! Field errors that name the field and carry a stable code plus parameters, so the web layer
//! can say what is wrong in the user's language. Input types derive `validator::Validate`; the
//! custom rules below are shared by all of them.

use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use validator::ValidationError;

/// One thing wrong with one field. `code` is a key under `validation.` in the catalogue;
/// `params` fill its placeholders (`%{max}` …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub params: BTreeMap<String, String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            params: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_string(), value.to_string());
        self
    }
}

/// All the errors of one input, in field order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    pub fn add(&mut self, field: &str, code: &str) {
        self.0.push(FieldError::new(field, code));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(())` when nothing was found, else the list.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
    pub fn extend(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }
}

impl From<validator::ValidationErrors> for FieldErrors {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut out = FieldErrors::new();
        let mut fields: Vec<_> = errors.field_errors().into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        for (field, list) in fields {
            for e in list {
                let mut fe = FieldError::new(field.to_string(), e.code.to_string());
                for (k, v) in &e.params {
                    if k == "value" {
                        continue;
                    }
                    let text = match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    fe.params.insert(k.to_string(), text);
                }
                out.push(fe);
            }
        }
        out
    }
}

/// Runs the derived rules of `value` and turns them into `FieldErrors`.
pub fn check<T: validator::Validate>(value: &T) -> Result<(), FieldErrors> {
    value.validate().map_err(FieldErrors::from)
}

fn err(code: &'static str) -> ValidationError {
    ValidationError::new(code)
}

/// A one-line name: no control characters and no angle brackets (names end up in documents,
/// spreadsheets and pages; markup in a department's name is never meant).
pub fn plain_line(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(err("required"));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(err("control_chars"));
    }
    if value.contains('<') || value.contains('>') {
        return Err(err("markup"));
    }
    Ok(())
}

/// Free text: line breaks and tabs allowed, other control characters not.
pub fn free_text(value: &str) -> Result<(), ValidationError> {
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(err("control_chars"));
    }
    Ok(())
}

/// A login name: 3–32 of a–z, 0–9, `_ . -`, starting with a letter or digit.
pub fn username(value: &str) -> Result<(), ValidationError> {
    let ok = (3..=32).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if ok { Ok(()) } else { Err(err("username")) }
}

/// A machine key such as an industry id: 2–48 of a–z, 0–9 and `_`.
pub fn key(value: &str) -> Result<(), ValidationError> {
    let ok = (2..=48).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok { Ok(()) } else { Err(err("key")) }
}

/// A GB/T 2260 administrative division code: six digits.
pub fn region_code(value: &str) -> Result<(), ValidationError> {
    if value.len() == 6 && value.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(err("region_code"))
    }
}

/// Normalises text the way users type it: trims and folds full-width spaces.
pub fn tidy(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    if trimmed.len() == value.len() {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(trimmed.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_line_rules() {
        assert!(plain_line("市财政局").is_ok());
        assert_eq!(plain_line("  ").unwrap_err().code, "required");
        assert_eq!(plain_line("a\u{0007}b").unwrap_err().code, "control_chars");
        assert_eq!(
            plain_line("<script>alert(1)</script>").unwrap_err().code,
            "markup"
        );
    }

    #[test]
    fn usernames() {
        assert!(username("office").is_ok());
        assert!(username("zhang.san-1").is_ok());
        assert!(username("ab").is_err());
        assert!(username("Admin").is_err());
        assert!(username("_x1").is_err());
        assert!(username("张三").is_err());
    }

    #[test]
    fn region_codes() {
        assert!(region_code("370303").is_ok());
        assert!(region_code("37030").is_err());
        assert!(region_code("37030a").is_err());
    }
}
