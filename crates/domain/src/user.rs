//! Accounts as entered by an administrator.

use crate::role::{Grant, Role, ScopeKind};
use crate::validate::{self, FieldError, FieldErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// Longest password accepted (argon2 takes any length; this bounds the work per login).
pub const MAX_PASSWORD: usize = 200;

/// A new account.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[validate(custom(function = "validate::username"))]
    pub username: String,
    #[validate(length(max = 100), custom(function = "validate::plain_line"))]
    pub display_name: String,
    pub department_id: Option<i64>,
    pub password: String,
    pub grants: Vec<Grant>,
    /// Where reminders are e-mailed when the server sends mail (none: in-app only).
    #[serde(default)]
    #[validate(email, length(max = 254))]
    pub email: Option<String>,
}

/// Changes to an account (the username never changes; it is what the audit trail names).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[validate(length(max = 100), custom(function = "validate::plain_line"))]
    pub display_name: String,
    pub department_id: Option<i64>,
    pub grants: Vec<Grant>,
    pub disabled: bool,
    /// Where reminders are e-mailed when the server sends mail (none: in-app only).
    #[serde(default)]
    #[validate(email, length(max = 254))]
    pub email: Option<String>,
}

/// Password rules, by length only (NIST 800-63B): long beats clever.
pub fn check_password(field: &str, pw: &str) -> Result<(), FieldError> {
    let n = pw.chars().count();
    if n < MIN_PASSWORD {
        return Err(FieldError::new(field, "password_short").with("min", MIN_PASSWORD));
    }
    if n > MAX_PASSWORD {
        return Err(FieldError::new(field, "length").with("max", MAX_PASSWORD));
    }
    if pw.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(field, "control_chars"));
    }
    Ok(())
}

/// Grants must be non-empty, and each scope must suit its role and name at least one id.
pub fn check_grants(grants: &[Grant]) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::new();
    if grants.is_empty() {
        errs.add("grants", "required");
    }
    if grants.len() > 20 {
        errs.push(FieldError::new("grants", "length").with("max", 20));
    }
    for (i, g) in grants.iter().enumerate() {
        let field = format!("grants[{i}]");
        if !g.role.allowed_scopes().contains(&g.scope.tag()) {
            errs.push(
                FieldError::new(&field, "scope_for_role")
                    .with("role", g.role.as_str())
                    .with("scope", g.scope.tag().as_str()),
            );
        }
        match &g.scope {
            ScopeKind::City => {}
            ScopeKind::Regions(ids) | ScopeKind::Industries(ids) => {
                if ids.is_empty() {
                    errs.add(&format!("{field}.scope"), "required");
                }
                if ids.len() > 200 {
                    errs.push(FieldError::new(format!("{field}.scope"), "length").with("max", 200));
                }
            }
        }
    }
    errs.into_result()
}

impl NewUser {
    pub fn validate_all(&self) -> Result<(), FieldErrors> {
        let mut errs = validate::check(self).err().unwrap_or_default();
        if let Err(e) = check_password("password", &self.password) {
            errs.push(e);
        }
        if let Err(e) = check_grants(&self.grants) {
            errs.extend(e);
        }
        errs.into_result()
    }
}

impl UserUpdate {
    pub fn validate_all(&self) -> Result<(), FieldErrors> {
        let mut errs = validate::check(self).err().unwrap_or_default();
        if let Err(e) = check_grants(&self.grants) {
            errs.extend(e);
        }
        errs.into_result()
    }
}

/// An e-mail address as entered: trimmed, empty as none.
pub fn tidy_email(email: Option<String>) -> Option<String> {
    email
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
}

/// The roles held through a list of grants, without repeats.
pub fn roles_of(grants: &[Grant]) -> Vec<Role> {
    let mut roles: Vec<Role> = grants.iter().map(|g| g.role).collect();
    roles.sort();
    roles.dedup();
    roles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn district_needs_regions() {
        let g = [Grant {
            role: Role::District,
            scope: ScopeKind::City,
        }];
        let e = check_grants(&g).unwrap_err();
        assert_eq!(e.0[0].code, "scope_for_role");
        let g = [Grant {
            role: Role::District,
            scope: ScopeKind::Regions(vec![]),
        }];
        assert_eq!(check_grants(&g).unwrap_err().0[0].field, "grants[0].scope");
    }

    #[test]
    fn passwords() {
        assert!(check_password("password", "dongneng-demo").is_ok());
        assert_eq!(
            check_password("password", "short").unwrap_err().code,
            "password_short"
        );
    }
}
