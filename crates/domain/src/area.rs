//! The areas of the product (SPEC §3) as they appear in the navigation, and which roles see
//! each. An area that a later issue builds is listed with `ready: false` and shows a plain
//! "not yet available" page.

use crate::role::Role;

/// One entry of the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    /// Stable key: the catalogue has `nav.<key>`, the page lives at `/<key>`.
    pub key: &'static str,
    /// Built and usable now.
    pub ready: bool,
    /// The roles that see it.
    pub roles: &'static [Role],
    /// Shown in the administration group of the navigation.
    pub admin: bool,
}

use Role::*;

const PROGRAMME: &[Role] = &[
    Office, Leader, Supervisor, Taskforce, Dept, District, Stats, Expert,
];

/// Every area, in navigation order.
pub const AREAS: &[Area] = &[
    Area {
        key: "cockpit",
        ready: false,
        roles: PROGRAMME,
        admin: false,
    },
    Area {
        key: "industries",
        ready: true,
        // The roles of `Permission::ViewIndustryProfile`.
        roles: &[Office, Leader, Supervisor, Taskforce, Expert],
        admin: false,
    },
    Area {
        key: "projects",
        ready: true,
        roles: PROGRAMME,
        admin: false,
    },
    Area {
        key: "warnings",
        ready: true,
        roles: &[Office, Leader, Supervisor, Taskforce, District],
        admin: false,
    },
    Area {
        key: "problems",
        ready: false,
        roles: &[Office, Leader, Supervisor, Taskforce, Dept, District],
        admin: false,
    },
    Area {
        key: "dispatch",
        ready: false,
        roles: &[Office, Leader, Supervisor, Taskforce],
        admin: false,
    },
    Area {
        key: "meetings",
        ready: false,
        roles: &[Office, Leader, Supervisor, Taskforce, Dept],
        admin: false,
    },
    Area {
        key: "tasks",
        ready: false,
        roles: &[Office, Leader, Supervisor, Taskforce, Dept, District],
        admin: false,
    },
    Area {
        key: "evaluation",
        ready: false,
        roles: &[Office, Leader, Supervisor, Taskforce, District],
        admin: false,
    },
    Area {
        key: "monitoring",
        ready: false,
        roles: &[
            Office, Leader, Supervisor, Stats, Taskforce, District, Expert,
        ],
        admin: false,
    },
    Area {
        key: "bulletins",
        ready: false,
        roles: PROGRAMME,
        admin: false,
    },
    Area {
        key: "clusters",
        ready: false,
        roles: &[Office, Leader, Taskforce, District, Expert],
        admin: false,
    },
    Area {
        key: "attraction",
        ready: false,
        roles: &[Office, Leader, Taskforce, District],
        admin: false,
    },
    Area {
        key: "talent",
        ready: false,
        roles: &[Office, Leader, Taskforce, District],
        admin: false,
    },
    Area {
        key: "reform",
        ready: false,
        roles: &[Office, Leader, Supervisor, Taskforce, Dept, District],
        admin: false,
    },
    Area {
        key: "policies",
        ready: false,
        roles: &[Office, Leader, Taskforce, Dept],
        admin: false,
    },
    Area {
        key: "linkage",
        ready: false,
        roles: &[Office, Leader, District],
        admin: false,
    },
    Area {
        key: "publicity",
        ready: false,
        roles: &[Office, Supervisor],
        admin: false,
    },
    Area {
        key: "admin/regions",
        ready: true,
        roles: &[Admin, Office],
        admin: true,
    },
    Area {
        key: "admin/departments",
        ready: true,
        roles: &[Admin, Office],
        admin: true,
    },
    Area {
        key: "admin/industries",
        ready: true,
        roles: &[Admin, Office],
        admin: true,
    },
    Area {
        key: "admin/industry-groups",
        ready: true,
        roles: &[Admin, Office],
        admin: true,
    },
    Area {
        key: "admin/users",
        ready: true,
        roles: &[Admin],
        admin: true,
    },
    Area {
        key: "admin/audit",
        ready: true,
        roles: &[Admin],
        admin: true,
    },
];

/// The areas any of `roles` sees, in order.
pub fn visible_to(roles: &[Role]) -> Vec<&'static Area> {
    AREAS
        .iter()
        .filter(|a| a.roles.iter().any(|r| roles.contains(r)))
        .collect()
}

/// The area with this key.
pub fn find(key: &str) -> Option<&'static Area> {
    AREAS.iter().find(|a| a.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_sees_administration_only() {
        let v = visible_to(&[Admin]);
        assert!(v.iter().all(|a| a.admin));
        assert!(v.iter().any(|a| a.key == "admin/users"));
    }

    #[test]
    fn district_sees_no_user_admin() {
        let v = visible_to(&[District]);
        assert!(v.iter().any(|a| a.key == "projects"));
        assert!(!v.iter().any(|a| a.admin));
    }

    #[test]
    fn every_role_sees_something() {
        for r in Role::ALL {
            assert!(!visible_to(&[r]).is_empty(), "{r}");
        }
    }
}
