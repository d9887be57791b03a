//! Who may do what: the one table of permissions. The service asks it once per capability it
//! hands out (`dongneng_service::access`); the navigation is derived from it
//! (`crate::area`). No handler or template decides a permission on its own.

use crate::role::{Grant, Role, ScopeKind};
use serde::Serialize;

/// Something a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read regions, departments, industries and the other reference lists.
    ViewReference,
    /// Create and edit regions, departments and industries.
    ManageReference,
    /// Create, edit and disable accounts and their grants.
    ManageUsers,
    /// Read the audit trail.
    ViewAudit,
    /// Read projects (within scope).
    ViewProgramme,
    /// Create and edit projects (within scope).
    EditProjects,
    /// Edit an industry's coordination structure (within scope).
    EditIndustryProfile,
    /// Read an industry's coordination structure: leader, task force, think tank,
    /// alliances, special plans, work plans (within scope).
    ViewIndustryProfile,
    /// Change programme settings such as the warning thresholds.
    ManageSettings,
    // The areas later issues build. Each opens (and shows in the navigation) for the roles
    // listed here; the issue that builds an area adds the finer permissions it needs.
    /// 问题协调与督办: read problems and supervision items (within scope; a department the
    /// ones assigned to it or raised by it).
    ViewCoordination,
    /// Raise a problem about what the scope covers.
    RaiseProblems,
    /// The office's part of a problem: edit, assign, return an answer, escalate, resolve.
    ManageProblems,
    /// A department's part: sign for and answer the problems assigned to it.
    AnswerProblems,
    /// Send an urge (催办) on an assignment near or past its deadline.
    UrgeProblems,
    /// Give the instruction (批示) on a problem escalated to the leader in charge.
    InstructProblems,
    /// Issue, edit and close (销号) supervision items.
    ManageSupervision,
    /// Reply to the supervision items whose units include the user's department.
    ReplySupervision,
    /// 月度调度: the task forces' monthly reports, the periods, the completeness table (within
    /// scope: a task force and a leader their industries).
    ViewDispatch,
    /// 月度调度通报: read the month's dispatch digest (within scope: a district its
    /// district's rows, a leader the industries it leads).
    ViewDigest,
    /// Write, submit and resubmit the monthly report of the industries in scope (a task force).
    FileDispatch,
    /// Return or accept monthly reports; extend a deadline, lock or reopen a period; the
    /// deadline setting (the office).
    ReviewDispatch,
    /// 会议: joint meetings and quarterly on-site meetings (within scope: their industries,
    /// their district; a department those it organises or owns a decision of).
    ViewMeetings,
    /// Plan, change, hold and cancel meetings; their agenda, attendees, minutes and decisions
    /// (which become key tasks); the rules of the quarterly proposal.
    ManageMeetings,
    /// 重点任务: key tasks (within scope; a department only those assigned to it).
    ViewTasks,
    /// Issue, change and cancel any key task.
    ManageTasks,
    /// Issue, change and cancel the key tasks of an industry's annual work plan (its
    /// measures), within scope.
    ManageWorkPlanTasks,
    /// Report on a key task: progress notes, evidence, start it, submit it as done (within
    /// scope; a department only the tasks assigned to it).
    ReportTaskProgress,
    /// Check the close of the tasks the programme office issued: accept or send back.
    CheckOfficeTasks,
    /// Check the close of supervision tasks (issued by the supervisor): accept or send back.
    CheckSupervisionTasks,
    /// 考核评价: the annual evaluation.
    ViewEvaluation,
    /// 统计监测: indicators and their values.
    ViewMonitoring,
    /// 集群: industrial clusters.
    ViewClusters,
    /// 双招双引: investment attraction.
    ViewAttraction,
    /// 人才: talent introduction.
    ViewTalent,
    /// 放管服改革: reform items.
    ViewReform,
    /// 政策与基金: policies landed and industry funds (within scope: their industries).
    ViewPolicies,
    /// Record and change policies (beneficiaries, payments) and funds (sources, investments):
    /// the office all; a task force those of its industries; a department the policies it
    /// issued.
    ManagePolicies,
    /// 市县联动: city–district linkage.
    ViewLinkage,
    /// 宣传: publicity.
    ViewPublicity,
    /// 我的待办: what waits on the user or the user's department (each source also needs the
    /// permission of acting on it).
    ViewTodo,
    /// The user's own in-app notifications: read them and mark them read.
    ReadNotifications,
    /// Change the reminder calendar (days before and after a deadline, escalation).
    ManageReminders,
}

/// The roles that hold each permission. This table is the whole policy.
pub fn roles_with(permission: Permission) -> &'static [Role] {
    use Role::*;
    match permission {
        Permission::ViewReference => &[
            Admin, Office, Leader, Supervisor, Taskforce, Dept, District, Stats, Expert,
        ],
        Permission::ManageReference => &[Admin, Office],
        Permission::ManageUsers => &[Admin],
        Permission::ViewAudit => &[Admin],
        // Not Admin, for the same separation of duties as below.
        Permission::ViewProgramme => &[
            Office, Leader, Supervisor, Taskforce, Dept, District, Stats, Expert,
        ],
        Permission::EditProjects => &[Office, Taskforce, District],
        Permission::EditIndustryProfile => &[Office, Taskforce],
        // Not Admin: the system administrator runs accounts and reference data, not the
        // programme (separation of duties; no programme area in `area.rs` shows it either).
        Permission::ViewIndustryProfile => &[Office, Leader, Supervisor, Taskforce, Expert],
        Permission::ManageSettings => &[Admin, Office],
        Permission::ViewCoordination | Permission::ViewTasks | Permission::ViewReform => {
            &[Office, Leader, Supervisor, Taskforce, Dept, District]
        }
        Permission::ManageTasks => &[Office],
        Permission::ManageWorkPlanTasks => &[Office, Taskforce],
        Permission::ReportTaskProgress => &[Office, Taskforce, Dept, District],
        Permission::CheckOfficeTasks => &[Office],
        Permission::CheckSupervisionTasks => &[Supervisor],
        Permission::RaiseProblems => &[Office, Taskforce, District, Dept],
        Permission::ManageProblems => &[Office],
        Permission::AnswerProblems | Permission::ReplySupervision => &[Dept],
        Permission::UrgeProblems => &[Office, Supervisor],
        Permission::InstructProblems => &[Leader],
        Permission::ManageSupervision => &[Supervisor],
        Permission::ViewDispatch => &[Office, Leader, Supervisor, Taskforce, Stats],
        Permission::ViewDigest => &[Office, Leader, Supervisor, Stats, District],
        Permission::FileDispatch => &[Taskforce],
        Permission::ReviewDispatch => &[Office],
        Permission::ViewMeetings => &[Office, Leader, Supervisor, Taskforce, Dept, District],
        Permission::ManageMeetings => &[Office],
        Permission::ViewEvaluation => &[Office, Leader, Supervisor, Taskforce, District],
        Permission::ViewMonitoring => &[
            Office, Leader, Supervisor, Stats, Taskforce, District, Expert,
        ],
        Permission::ViewClusters => &[Office, Leader, Taskforce, District, Expert],
        Permission::ViewAttraction | Permission::ViewTalent => {
            &[Office, Leader, Taskforce, District]
        }
        // The supervisor and the statistics bureau read all (SPEC §1: read-all; the monthly
        // dispatch's 政策落地/基金运作 figures).
        Permission::ViewPolicies => &[Office, Leader, Supervisor, Taskforce, Dept, Stats],
        Permission::ManagePolicies => &[Office, Taskforce, Dept],
        Permission::ViewLinkage => &[Office, Leader, District],
        Permission::ViewPublicity => &[Office, Supervisor],
        // Not Admin: nothing of the programme waits on the system administrator.
        Permission::ViewTodo => &[
            Office, Leader, Supervisor, Taskforce, Dept, District, Stats, Expert,
        ],
        Permission::ReadNotifications => &[
            Admin, Office, Leader, Supervisor, Taskforce, Dept, District, Stats, Expert,
        ],
        Permission::ManageReminders => &[Office],
    }
}

/// How far a role's grant of a permission reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The grant's own scope: the city, its regions or its industries.
    Grant,
    /// Only the records assigned to the user's own department (`users.department_id`),
    /// whatever the grant's scope: a department (职能部门) sees and answers the tasks and
    /// problems assigned to it, not the whole city's.
    OwnDepartment,
}

/// The second column of the permission table: how far each role's grant reaches.
pub fn reach(role: Role, permission: Permission) -> Reach {
    match (role, permission) {
        (
            Role::Dept,
            Permission::ViewTasks
            | Permission::ReportTaskProgress
            | Permission::ViewCoordination
            | Permission::AnswerProblems
            | Permission::ReplySupervision
            | Permission::ViewMeetings
            | Permission::ManagePolicies,
        ) => Reach::OwnDepartment,
        _ => Reach::Grant,
    }
}

/// The part of the data a permission reaches for one user: the union of the scopes of every
/// grant whose role holds the permission. Region ids are as granted; the store expands them to
/// their subtrees.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DataScope {
    pub all: bool,
    pub regions: Vec<i64>,
    pub industries: Vec<i64>,
    /// Records assigned to these departments (lead, co-operating or answering department).
    pub departments: Vec<i64>,
}

impl DataScope {
    pub fn is_empty(&self) -> bool {
        !self.all
            && self.regions.is_empty()
            && self.industries.is_empty()
            && self.departments.is_empty()
    }
    /// Whether a record in `region` (with its ancestors) and `industry` falls in this scope.
    /// `region_path` holds the record's region and all regions above it.
    pub fn covers(&self, region_path: &[i64], industry: Option<i64>) -> bool {
        self.all
            || region_path.iter().any(|r| self.regions.contains(r))
            || industry.is_some_and(|i| self.industries.contains(&i))
    }
    pub fn covers_industry(&self, industry: i64) -> bool {
        self.all || self.industries.contains(&industry)
    }
    /// Whether a record assigned to departments (in `region_path`, of `industry`) falls in this
    /// scope: by region or industry as [`DataScope::covers`], or by one of its departments.
    pub fn covers_assigned(
        &self,
        region_path: &[i64],
        industry: Option<i64>,
        departments: &[i64],
    ) -> bool {
        self.covers(region_path, industry)
            || departments.iter().any(|d| self.departments.contains(d))
    }
}

/// Whether any grant holds the permission, and over what. `department` is the user's own
/// department, which the grants of [`Reach::OwnDepartment`] reach instead of their scope.
pub fn scope_for(
    grants: &[Grant],
    department: Option<i64>,
    permission: Permission,
) -> Option<DataScope> {
    let roles = roles_with(permission);
    let mut scope = DataScope::default();
    let mut any = false;
    for g in grants.iter().filter(|g| roles.contains(&g.role)) {
        any = true;
        if reach(g.role, permission) == Reach::OwnDepartment {
            scope.departments.extend(department);
            continue;
        }
        match &g.scope {
            ScopeKind::City => scope.all = true,
            ScopeKind::Regions(ids) => scope.regions.extend(ids),
            ScopeKind::Industries(ids) => scope.industries.extend(ids),
        }
    }
    if !any {
        return None;
    }
    scope.regions.sort_unstable();
    scope.regions.dedup();
    scope.industries.sort_unstable();
    scope.industries.dedup();
    scope.departments.sort_unstable();
    scope.departments.dedup();
    Some(scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, scope: ScopeKind) -> Grant {
        Grant { role, scope }
    }

    #[test]
    fn district_edits_only_its_subtree() {
        let grants = [grant(Role::District, ScopeKind::Regions(vec![2]))];
        let s = scope_for(&grants, None, Permission::EditProjects).unwrap();
        assert!(s.covers(&[5, 2, 1], None));
        assert!(!s.covers(&[3, 1], Some(9)));
        assert!(scope_for(&grants, None, Permission::ManageUsers).is_none());
    }

    #[test]
    fn union_of_grants() {
        let grants = [
            grant(Role::Taskforce, ScopeKind::Industries(vec![7])),
            grant(Role::District, ScopeKind::Regions(vec![2])),
        ];
        let s = scope_for(&grants, None, Permission::EditProjects).unwrap();
        assert!(s.covers(&[3], Some(7)));
        assert!(s.covers(&[2], Some(1)));
        assert!(!s.covers(&[3], Some(1)));
    }

    #[test]
    fn a_department_reaches_only_what_is_assigned_to_it() {
        let grants = [grant(Role::Dept, ScopeKind::City)];
        let tasks = scope_for(&grants, Some(12), Permission::ViewTasks).unwrap();
        assert!(!tasks.all);
        assert_eq!(tasks.departments, vec![12]);
        assert!(tasks.covers_assigned(&[3, 1], Some(7), &[4, 12]));
        assert!(!tasks.covers_assigned(&[3, 1], Some(7), &[4]));
        // The project library stays city-wide for a department.
        assert!(
            scope_for(&grants, Some(12), Permission::ViewProgramme)
                .unwrap()
                .all
        );
        // Without a department of its own, a department user reaches nothing assigned.
        assert!(
            scope_for(&grants, None, Permission::ViewCoordination)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_department_reports_on_its_own_tasks_only() {
        let grants = [grant(Role::Dept, ScopeKind::City)];
        let report = scope_for(&grants, Some(12), Permission::ReportTaskProgress).unwrap();
        assert_eq!(report.departments, vec![12]);
        assert!(!report.all);
        assert!(scope_for(&grants, Some(12), Permission::ManageTasks).is_none());
    }

    /// Whoever may change, report on or check a task may also read it.
    #[test]
    fn task_writers_read_tasks() {
        let readers = roles_with(Permission::ViewTasks);
        for p in [
            Permission::ManageTasks,
            Permission::ManageWorkPlanTasks,
            Permission::ReportTaskProgress,
            Permission::CheckOfficeTasks,
            Permission::CheckSupervisionTasks,
        ] {
            for r in roles_with(p) {
                assert!(readers.contains(r), "{r} may {p:?} but not read tasks");
            }
        }
    }

    #[test]
    fn coordination_roles() {
        let city = |r: Role| [grant(r, ScopeKind::City)];
        let holds = |r: Role, p: Permission| scope_for(&city(r), Some(4), p).is_some();
        // Only the supervisor issues and closes supervision items; only the office manages
        // problems; only leaders instruct; departments answer and reply.
        for r in Role::ALL {
            assert_eq!(
                holds(r, Permission::ManageSupervision),
                r == Role::Supervisor,
                "{r}"
            );
            assert_eq!(
                holds(r, Permission::ManageProblems),
                r == Role::Office,
                "{r}"
            );
            assert_eq!(
                holds(r, Permission::InstructProblems),
                r == Role::Leader,
                "{r}"
            );
            assert_eq!(holds(r, Permission::AnswerProblems), r == Role::Dept, "{r}");
            // Whoever acts on problems also reads them.
            for p in [
                Permission::RaiseProblems,
                Permission::ManageProblems,
                Permission::AnswerProblems,
                Permission::UrgeProblems,
                Permission::InstructProblems,
                Permission::ManageSupervision,
                Permission::ReplySupervision,
            ] {
                if holds(r, p) {
                    assert!(holds(r, Permission::ViewCoordination), "{r} {p:?}");
                }
            }
        }
        // A department answers and replies for its own department only.
        let answer = scope_for(&city(Role::Dept), Some(4), Permission::AnswerProblems).unwrap();
        assert_eq!(
            (answer.all, answer.departments.as_slice()),
            (false, &[4][..])
        );
        let reply = scope_for(&city(Role::Dept), Some(4), Permission::ReplySupervision).unwrap();
        assert_eq!(reply.departments, [4]);
        // It raises problems about anything in its city-wide grant.
        assert!(
            scope_for(&city(Role::Dept), Some(4), Permission::RaiseProblems)
                .unwrap()
                .all
        );
    }

    #[test]
    fn meetings_roles() {
        let city = |r: Role| [grant(r, ScopeKind::City)];
        for r in Role::ALL {
            let manages = scope_for(&city(r), Some(4), Permission::ManageMeetings).is_some();
            assert_eq!(manages, r == Role::Office, "{r}");
            if manages {
                assert!(scope_for(&city(r), Some(4), Permission::ViewMeetings).is_some());
            }
        }
        // A department reads the meetings that concern its own department only.
        let dept = scope_for(&city(Role::Dept), Some(4), Permission::ViewMeetings).unwrap();
        assert_eq!((dept.all, dept.departments.as_slice()), (false, &[4][..]));
        let district = [grant(Role::District, ScopeKind::Regions(vec![2]))];
        let seen = scope_for(&district, None, Permission::ViewMeetings).unwrap();
        assert_eq!(seen.regions, [2]);
    }

    #[test]
    fn dispatch_roles() {
        let city = |r: Role| [grant(r, ScopeKind::City)];
        for r in Role::ALL {
            let holds = |p| scope_for(&city(r), Some(4), p).is_some();
            assert_eq!(holds(Permission::FileDispatch), r == Role::Taskforce, "{r}");
            assert_eq!(holds(Permission::ReviewDispatch), r == Role::Office, "{r}");
            if holds(Permission::FileDispatch) || holds(Permission::ReviewDispatch) {
                assert!(holds(Permission::ViewDispatch), "{r}");
            }
        }
        assert!(scope_for(&city(Role::Stats), None, Permission::ViewDispatch).is_some());
    }

    #[test]
    fn policies_roles() {
        let city = |r: Role| [grant(r, ScopeKind::City)];
        for r in Role::ALL {
            if scope_for(&city(r), Some(4), Permission::ManagePolicies).is_some() {
                assert!(scope_for(&city(r), Some(4), Permission::ViewPolicies).is_some());
            }
        }
        // A department manages the policies its own department issued, nothing else.
        let dept = scope_for(&city(Role::Dept), Some(4), Permission::ManagePolicies).unwrap();
        assert_eq!((dept.all, dept.departments.as_slice()), (false, &[4][..]));
        let tf = [grant(Role::Taskforce, ScopeKind::Industries(vec![7]))];
        let s = scope_for(&tf, None, Permission::ManagePolicies).unwrap();
        assert_eq!(s.industries, [7]);
        assert!(scope_for(&city(Role::Leader), None, Permission::ManagePolicies).is_none());
        assert!(scope_for(&city(Role::Stats), None, Permission::ViewPolicies).is_some());
    }

    #[test]
    fn only_admin_manages_users() {
        for r in Role::ALL {
            let grants = [grant(r, ScopeKind::City)];
            assert_eq!(
                scope_for(&grants, None, Permission::ManageUsers).is_some(),
                r == Role::Admin
            );
        }
    }
}
