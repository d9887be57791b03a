//! Roles (SPEC §1) and the data scope each grant of a role carries.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a user does in the system. A user holds one or more grants, each a role with a scope.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System administrator: accounts, reference data, audit.
    Admin,
    /// Programme office (领导小组办公室, 市发改委).
    Office,
    /// City leader (市领导).
    Leader,
    /// Supervisor (督导: 市委办 / 市政府办).
    Supervisor,
    /// Task-force member or contact (工作专班).
    Taskforce,
    /// Functional department (职能部门).
    Dept,
    /// District, county or functional zone (区县/功能区).
    District,
    /// Statistics bureau (统计局).
    Stats,
    /// Think-tank expert (智库专家).
    Expert,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Admin,
        Role::Office,
        Role::Leader,
        Role::Supervisor,
        Role::Taskforce,
        Role::Dept,
        Role::District,
        Role::Stats,
        Role::Expert,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Office => "office",
            Role::Leader => "leader",
            Role::Supervisor => "supervisor",
            Role::Taskforce => "taskforce",
            Role::Dept => "dept",
            Role::District => "district",
            Role::Stats => "stats",
            Role::Expert => "expert",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The scope kinds that make sense for this role. A district works over districts, a task
    /// force and an expert over industries; programme-wide roles over the whole city.
    pub fn allowed_scopes(self) -> &'static [ScopeKindTag] {
        use ScopeKindTag::*;
        match self {
            Role::Admin | Role::Office | Role::Supervisor | Role::Stats | Role::Dept => &[City],
            Role::Leader => &[City, Industries],
            Role::Taskforce | Role::Expert => &[Industries],
            Role::District => &[Regions],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of a scope, without its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKindTag {
    City,
    Regions,
    Industries,
}

impl ScopeKindTag {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKindTag::City => "city",
            ScopeKindTag::Regions => "regions",
            ScopeKindTag::Industries => "industries",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "city" => Some(Self::City),
            "regions" => Some(Self::Regions),
            "industries" => Some(Self::Industries),
            _ => None,
        }
    }
}

/// The data a grant covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "ids", rename_all = "snake_case")]
pub enum ScopeKind {
    /// Everything the installation holds.
    City,
    /// These regions and everything below them.
    Regions(Vec<i64>),
    /// These industries.
    Industries(Vec<i64>),
}

impl ScopeKind {
    pub fn tag(&self) -> ScopeKindTag {
        match self {
            ScopeKind::City => ScopeKindTag::City,
            ScopeKind::Regions(_) => ScopeKindTag::Regions,
            ScopeKind::Industries(_) => ScopeKindTag::Industries,
        }
    }
    pub fn ids(&self) -> &[i64] {
        match self {
            ScopeKind::City => &[],
            ScopeKind::Regions(ids) | ScopeKind::Industries(ids) => ids,
        }
    }
}

/// One role held with one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Grant {
    pub role: Role,
    pub scope: ScopeKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn scope_json_shape() {
        let g = Grant {
            role: Role::District,
            scope: ScopeKind::Regions(vec![3]),
        };
        let v = serde_json::to_value(&g).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"role":"district","scope":{"kind":"regions","ids":[3]}})
        );
    }
}
