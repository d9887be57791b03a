//! Records as the store returns them. Every record carries `id` and `version`.

use chrono::{DateTime, Utc};
use dongneng_domain::role::Grant;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Region {
    pub id: i64,
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub sort_order: i32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Department {
    pub id: i64,
    pub name_zh: String,
    pub name_en: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub region_id: Option<i64>,
    pub duties: Option<String>,
    /// Retired departments keep what names them but are assigned nothing new.
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct IndustryGroup {
    pub id: i64,
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub sort_order: i32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Industry {
    pub id: i64,
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub group_id: i64,
    pub tier_753: Option<String>,
    pub confirmed: bool,
    pub gbt4754: Option<String>,
    pub sort_order: i32,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An entry of a small code list (`kind`): a monthly report topic (规划编制 …), a project
/// stage, a support system, a library class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Lookup {
    pub kind: String,
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub sort_order: i32,
}

/// An account without its password hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub department_id: Option<i64>,
    pub disabled: bool,
    /// Where reminders are e-mailed (none: in-app only).
    pub email: Option<String>,
    pub grants: Vec<Grant>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What login needs to check a password.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub id: i64,
    pub password_hash: String,
    pub disabled: bool,
}

/// A new account with its password already hashed.
#[derive(Debug, Clone)]
pub struct NewUserRecord {
    pub username: String,
    pub display_name: String,
    pub department_id: Option<i64>,
    pub password_hash: String,
    pub grants: Vec<Grant>,
    pub email: Option<String>,
}

/// Browser sessions carry a CSRF token; API tokens do not need one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    Browser,
    Api,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Api => "api",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: i64,
    pub kind: SessionKind,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: String,
    pub user_agent: String,
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: i64,
    pub kind: String,
    pub csrf_token: String,
    pub idle_expires_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// One change as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub record_type: String,
    pub record_id: Option<i64>,
    #[schema(value_type = Object)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

/// Filters of the audit list; all optional.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// A file as uploaded, checked by the service (a special plan's document, a task's evidence).
#[derive(Debug, Clone)]
pub struct NewFile {
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub content: Vec<u8>,
}
