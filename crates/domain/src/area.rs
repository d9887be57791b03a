//! The areas of the product (SPEC §3) as they appear in the navigation. Who sees an area is
//! not written here: each area names the permission that opens it, and the one permission
//! table (`crate::policy`) says which roles hold it. An area that a later issue builds is
//! listed with `ready: false` and shows a plain "not yet available" page.

use crate::policy::{self, Permission};
use crate::role::Role;

/// One entry of the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    /// Stable key: the catalogue has `nav.<key>`, the page lives at `/<key>`.
    pub key: &'static str,
    /// Built and usable now.
    pub ready: bool,
    /// What opens it.
    pub permission: Permission,
    /// Shown in the administration group of the navigation.
    pub admin: bool,
}

impl Area {
    /// Whether any of `roles` opens this area.
    pub fn open_to(&self, roles: &[Role]) -> bool {
        policy::roles_with(self.permission)
            .iter()
            .any(|r| roles.contains(r))
    }
}

use Permission::*;

/// Every area, in navigation order.
pub const AREAS: &[Area] = &[
    Area {
        key: "todo",
        ready: true,
        permission: ViewTodo,
        admin: false,
    },
    Area {
        key: "cockpit",
        ready: false,
        permission: ViewProgramme,
        admin: false,
    },
    Area {
        key: "industries",
        ready: true,
        permission: ViewIndustryProfile,
        admin: false,
    },
    Area {
        key: "projects",
        ready: true,
        permission: ViewProgramme,
        admin: false,
    },
    Area {
        key: "warnings",
        ready: true,
        permission: ViewProgramme,
        admin: false,
    },
    Area {
        key: "problems",
        ready: true,
        permission: ViewCoordination,
        admin: false,
    },
    Area {
        key: "dispatch",
        ready: false,
        permission: ViewDispatch,
        admin: false,
    },
    Area {
        key: "meetings",
        ready: true,
        permission: ViewMeetings,
        admin: false,
    },
    Area {
        key: "tasks",
        ready: true,
        permission: ViewTasks,
        admin: false,
    },
    Area {
        key: "evaluation",
        ready: false,
        permission: ViewEvaluation,
        admin: false,
    },
    Area {
        key: "monitoring",
        ready: false,
        permission: ViewMonitoring,
        admin: false,
    },
    Area {
        key: "bulletins",
        ready: false,
        permission: ViewProgramme,
        admin: false,
    },
    Area {
        key: "clusters",
        ready: false,
        permission: ViewClusters,
        admin: false,
    },
    Area {
        key: "attraction",
        ready: false,
        permission: ViewAttraction,
        admin: false,
    },
    Area {
        key: "talent",
        ready: false,
        permission: ViewTalent,
        admin: false,
    },
    Area {
        key: "reform",
        ready: false,
        permission: ViewReform,
        admin: false,
    },
    Area {
        key: "policies",
        ready: true,
        permission: ViewPolicies,
        admin: false,
    },
    Area {
        key: "linkage",
        ready: false,
        permission: ViewLinkage,
        admin: false,
    },
    Area {
        key: "publicity",
        ready: false,
        permission: ViewPublicity,
        admin: false,
    },
    Area {
        key: "admin/regions",
        ready: true,
        permission: ManageReference,
        admin: true,
    },
    Area {
        key: "admin/departments",
        ready: true,
        permission: ManageReference,
        admin: true,
    },
    Area {
        key: "admin/industries",
        ready: true,
        permission: ManageReference,
        admin: true,
    },
    Area {
        key: "admin/industry-groups",
        ready: true,
        permission: ManageReference,
        admin: true,
    },
    Area {
        key: "admin/users",
        ready: true,
        permission: ManageUsers,
        admin: true,
    },
    Area {
        key: "admin/reminders",
        ready: true,
        permission: ManageReminders,
        admin: true,
    },
    Area {
        key: "admin/audit",
        ready: true,
        permission: ViewAudit,
        admin: true,
    },
];

/// The areas any of `roles` sees, in order.
pub fn visible_to(roles: &[Role]) -> Vec<&'static Area> {
    AREAS.iter().filter(|a| a.open_to(roles)).collect()
}

/// The area with this key.
pub fn find(key: &str) -> Option<&'static Area> {
    AREAS.iter().find(|a| a.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

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

    #[test]
    fn an_area_shows_to_exactly_the_roles_of_its_permission() {
        for a in AREAS {
            for r in Role::ALL {
                assert_eq!(
                    visible_to(&[r]).contains(&a),
                    policy::scope_for(
                        &[crate::Grant {
                            role: r,
                            scope: crate::ScopeKind::City
                        }],
                        None,
                        a.permission
                    )
                    .is_some(),
                    "{} for {r}",
                    a.key
                );
            }
        }
    }
}
