//! Reference data: regions, departments, industry groups and industries. These are data an
//! administrator edits, never constants in code; the demo loads Zibo's.

use crate::validate::{self, FieldError, FieldErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// Kinds of region. Functional zones have no GB/T 2260 code.
pub const REGION_KINDS: &[&str] = &[
    "province",
    "prefecture_city",
    "district",
    "county",
    "county_city",
    "functional_zone",
];

/// Kinds of department.
pub const DEPARTMENT_KINDS: &[&str] = &["leading_group", "department", "office", "media", "other"];

/// Places of an industry in the "753" modern industrial system. Membership is unconfirmed and
/// left empty in the demo until the client supplies it.
pub const TIERS_753: &[&str] = &["7", "5", "3"];

fn one_of(value: &str, allowed: &[&str]) -> Result<(), validator::ValidationError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("one_of");
        e.add_param("allowed".into(), &allowed.join(", "));
        Err(e)
    }
}

fn region_kind(v: &str) -> Result<(), validator::ValidationError> {
    one_of(v, REGION_KINDS)
}
fn department_kind(v: &str) -> Result<(), validator::ValidationError> {
    one_of(v, DEPARTMENT_KINDS)
}
fn valid_tier_753(v: &str) -> Result<(), validator::ValidationError> {
    one_of(v, TIERS_753)
}

/// A region as entered: a city, a district or county, or a functional zone.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionInput {
    /// GB/T 2260 code; absent for functional zones.
    #[validate(custom(function = "validate::region_code"))]
    pub code: Option<String>,
    #[validate(length(max = 100), custom(function = "validate::plain_line"))]
    pub name_zh: String,
    #[validate(length(max = 200), custom(function = "validate::plain_line"))]
    pub name_en: String,
    /// Short name used in tables (高新区).
    #[validate(length(max = 50), custom(function = "validate::plain_line"))]
    pub short_name: Option<String>,
    #[validate(custom(function = "region_kind"))]
    pub kind: String,
    /// The region above this one; absent only for the top of the tree.
    pub parent_id: Option<i64>,
    #[validate(range(min = 0, max = 100000))]
    #[serde(default)]
    pub sort_order: i32,
}

impl RegionInput {
    /// Cross-field rules: a functional zone carries no official code, every other kind does.
    pub fn validate_all(&self) -> Result<(), FieldErrors> {
        let mut errs = match validate::check(self) {
            Ok(()) => FieldErrors::new(),
            Err(e) => e,
        };
        if self.kind == "functional_zone" && self.code.is_some() {
            errs.push(FieldError::new("code", "zone_has_no_code"));
        }
        if self.kind != "functional_zone" && self.code.is_none() {
            errs.push(FieldError::new("code", "required"));
        }
        errs.into_result()
    }
}

/// A department as entered.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    #[validate(length(max = 100), custom(function = "validate::plain_line"))]
    pub name_zh: String,
    #[validate(length(max = 200), custom(function = "validate::plain_line"))]
    pub name_en: String,
    #[validate(length(max = 50), custom(function = "validate::plain_line"))]
    pub short_name: Option<String>,
    #[validate(custom(function = "department_kind"))]
    pub kind: String,
    /// The region the department belongs to (a city or a district).
    pub region_id: Option<i64>,
    #[validate(length(max = 500), custom(function = "validate::free_text"))]
    pub duties: Option<String>,
    /// A department no longer in use (merged, renamed away) is kept for the records that name
    /// it, but nothing new is assigned to it.
    #[serde(default = "yes")]
    pub active: bool,
}

impl DepartmentInput {
    pub fn validate_all(&self) -> Result<(), FieldErrors> {
        validate::check(self)
    }
}

/// An industry group (四强, 六大优势传统产业, 落后产能淘汰 …).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndustryGroupInput {
    #[validate(custom(function = "validate::key"))]
    pub key: String,
    #[validate(length(max = 100), custom(function = "validate::plain_line"))]
    pub name_zh: String,
    #[validate(length(max = 200), custom(function = "validate::plain_line"))]
    pub name_en: String,
    #[validate(range(min = 0, max = 100000))]
    #[serde(default)]
    pub sort_order: i32,
}

/// An industry as entered.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndustryInput {
    /// Stable machine key (`new_materials`).
    #[validate(custom(function = "validate::key"))]
    pub key: String,
    #[validate(length(max = 100), custom(function = "validate::plain_line"))]
    pub name_zh: String,
    #[validate(length(max = 200), custom(function = "validate::plain_line"))]
    pub name_en: String,
    pub group_id: i64,
    /// Place in the "753" system: "7", "5" or "3"; absent while unknown.
    #[validate(custom(function = "valid_tier_753"))]
    pub tier_753: Option<String>,
    /// Whether the industry's membership of its group is confirmed by a source.
    #[serde(default)]
    pub confirmed: bool,
    /// Indicative GB/T 4754 divisions, comma separated ("C26,C28").
    #[validate(length(max = 200), custom(function = "gbt4754_list"))]
    pub gbt4754: Option<String>,
    #[validate(range(min = 0, max = 100000))]
    #[serde(default)]
    pub sort_order: i32,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl IndustryInput {
    pub fn validate_all(&self) -> Result<(), FieldErrors> {
        validate::check(self)
    }
}

/// "C26,C28,I63": GB/T 4754 section letter plus two-digit division, comma separated.
fn gbt4754_list(value: &str) -> Result<(), validator::ValidationError> {
    if value.trim().is_empty() {
        return Ok(());
    }
    for part in value.split([',', '，']) {
        let p = part.trim();
        let ok = p.len() == 3
            && p.as_bytes()[0].is_ascii_uppercase()
            && p[1..].chars().all(|c| c.is_ascii_digit());
        if !ok {
            return Err(validator::ValidationError::new("gbt4754"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region() -> RegionInput {
        RegionInput {
            code: Some("370303".into()),
            name_zh: "张店区".into(),
            name_en: "Zhangdian".into(),
            short_name: None,
            kind: "district".into(),
            parent_id: Some(1),
            sort_order: 0,
        }
    }

    #[test]
    fn zone_without_code() {
        let mut r = region();
        r.kind = "functional_zone".into();
        let e = r.validate_all().unwrap_err();
        assert_eq!(e.0[0].field, "code");
        assert_eq!(e.0[0].code, "zone_has_no_code");
        r.code = None;
        assert!(r.validate_all().is_ok());
    }

    #[test]
    fn bad_region_fields_named() {
        let mut r = region();
        r.code = Some("12".into());
        r.name_zh = "x".repeat(3000);
        r.kind = "planet".into();
        let e = r.validate_all().unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["code", "kind", "name_zh"]);
    }

    #[test]
    fn gbt_lists() {
        assert!(gbt4754_list("C26, C28,I63").is_ok());
        assert!(gbt4754_list("26").is_err());
    }
}
