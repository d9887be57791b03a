//! What every caller gets from every operation of the API: one row per operation of the
//! OpenAPI document, one cell per caller. [`expectations_for`] refuses a document with an
//! operation that has no row, or a row with a cell missing — so a route added without
//! deciding who may call it fails the suite.

use reqwest::Method;
use serde_json::Value;
use std::fmt;

/// Who calls: one of the nine demo roles (the demo account of that name), or nobody
/// signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    Role(&'static str),
    Anonymous,
}

impl Caller {
    pub fn role(self) -> Option<&'static str> {
        match self {
            Caller::Role(r) => Some(r),
            Caller::Anonymous => None,
        }
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.role().unwrap_or("anonymous"))
    }
}

/// The columns of a row, in order.
pub const CALLERS: [Caller; 10] = [
    Caller::Role("admin"),
    Caller::Role("office"),
    Caller::Role("leader"),
    Caller::Role("supervisor"),
    Caller::Role("taskforce"),
    Caller::Role("dept"),
    Caller::Role("district"),
    Caller::Role("stats"),
    Caller::Role("expert"),
    Caller::Anonymous,
];

/// What a caller gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `Y`: a 2xx answer.
    Allowed,
    /// `N`: 403 `forbidden`, and nothing written.
    Refused,
    /// `A`: 401, sign in first (anonymous only), and nothing written.
    SignIn,
}

/// One operation with the outcome for each of [`CALLERS`].
#[derive(Debug)]
pub struct Expectation {
    pub method: Method,
    /// The path as the document writes it (`/api/v1/projects/{id}`).
    pub path: String,
    pub outcomes: [Outcome; 10],
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// The whole matrix. Columns: admin, office, leader, supervisor, taskforce, dept, district,
/// stats, expert, anonymous. The test objects are reachable by every scoped role that may
/// act on them: the industry 新材料 (the task force's and the expert's), projects in
/// 张店区 / 新材料 (the district's and the task force's), and tasks there led by 市财政局
/// (the department's).
#[rustfmt::skip]
pub const TABLE: &[(&str, &str)] = &[
    //                                                                              ad of le su tf de di st ex anon
    // Open to anyone.
    ("GET /healthz",                                                                "Y  Y  Y  Y  Y  Y  Y  Y  Y  Y"),
    ("GET /api/v1/openapi.json",                                                    "Y  Y  Y  Y  Y  Y  Y  Y  Y  Y"),
    ("POST /api/v1/auth/login",                                                     "Y  Y  Y  Y  Y  Y  Y  Y  Y  Y"),
    // Any signed-in user: their session, reference data and code lists.
    ("POST /api/v1/auth/logout",                                                    "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/me",                                                              "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("POST /api/v1/me/password",                                                    "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/regions",                                                         "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/regions/{id}",                                                    "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/departments",                                                     "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/departments/{id}",                                                "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/industry-groups",                                                 "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/industry-groups/{id}",                                            "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/industries",                                                      "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/industries/{id}",                                                 "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/lookups/{kind}",                                                  "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    // Reference data: administrator and programme office.
    ("POST /api/v1/regions",                                                        "Y  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/regions/{id}",                                                    "Y  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/departments",                                                    "Y  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/departments/{id}",                                                "Y  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/industry-groups",                                                "Y  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/industry-groups/{id}",                                            "Y  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/industries",                                                     "Y  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/industries/{id}",                                                 "Y  Y  N  N  N  N  N  N  N  A"),
    // Accounts and the audit trail: the administrator only.
    ("GET /api/v1/users",                                                           "Y  N  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/users",                                                          "Y  N  N  N  N  N  N  N  N  A"),
    ("GET /api/v1/users/{id}",                                                      "Y  N  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/users/{id}",                                                      "Y  N  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/users/{id}/disable",                                             "Y  N  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/users/{id}/password",                                            "Y  N  N  N  N  N  N  N  N  A"),
    ("GET /api/v1/audit",                                                           "Y  N  N  N  N  N  N  N  N  A"),
    // The project library: every programme role reads (not the administrator)…
    ("GET /api/v1/projects",                                                        "N  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/projects/{id}",                                                   "N  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/projects/as-at",                                                  "N  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/projects/dispatch",                                               "N  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    // The month's dispatch digest: the office, leaders, the supervisor, districts (their
    // rows) and the statistics bureau.
    ("GET /api/v1/dispatch/digest/{file}",                                          "N  Y  Y  Y  N  N  Y  Y  N  A"),
    ("GET /api/v1/projects/export.xlsx",                                            "N  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/projects/progress-template.xlsx",                                 "N  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("GET /api/v1/settings/warnings",                                               "N  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    // …the office, the task force and the district edit…
    ("POST /api/v1/projects",                                                       "N  Y  N  N  Y  N  Y  N  N  A"),
    ("PUT /api/v1/projects/{id}",                                                   "N  Y  N  N  Y  N  Y  N  N  A"),
    ("POST /api/v1/projects/{id}/stage",                                            "N  Y  N  N  Y  N  Y  N  N  A"),
    ("POST /api/v1/projects/{id}/leave",                                            "N  Y  N  N  Y  N  Y  N  N  A"),
    ("POST /api/v1/projects/{id}/enter",                                            "N  Y  N  N  Y  N  Y  N  N  A"),
    ("PUT /api/v1/projects/{id}/batches/{year}",                                    "N  Y  N  N  Y  N  Y  N  N  A"),
    ("POST /api/v1/projects/{id}/progress",                                         "N  Y  N  N  Y  N  Y  N  N  A"),
    ("PUT /api/v1/projects/{id}/factors/{kind}",                                    "N  Y  N  N  Y  N  Y  N  N  A"),
    ("POST /api/v1/projects/import",                                                "N  Y  N  N  Y  N  Y  N  N  A"),
    ("POST /api/v1/projects/progress/import",                                       "N  Y  N  N  Y  N  Y  N  N  A"),
    // …and read back the marked workbook of their own refused import (another importer's
    // is not found: transfer tests).
    ("GET /api/v1/import-reports/{token}",                                          "N  Y  N  N  Y  N  Y  N  N  A"),
    // The thresholds: administrator and programme office.
    ("PUT /api/v1/settings/warnings",                                               "Y  Y  N  N  N  N  N  N  N  A"),
    // Industry profiles: read by the office, the leaders, the task force and the experts…
    ("GET /api/v1/industry-profiles",                                               "N  Y  Y  Y  Y  N  N  N  Y  A"),
    ("GET /api/v1/industries/{id}/profile",                                         "N  Y  Y  Y  Y  N  N  N  Y  A"),
    ("GET /api/v1/industries/{id}/special-plans/{plan_id}/files/{file_id}",         "N  Y  Y  Y  Y  N  N  N  Y  A"),
    // …kept by the office and the industry's task force.
    ("PUT /api/v1/industries/{id}/profile",                                         "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/industries/{id}/taskforce-members",                              "N  Y  N  N  Y  N  N  N  N  A"),
    ("PUT /api/v1/industries/{id}/taskforce-members/{member_id}",                   "N  Y  N  N  Y  N  N  N  N  A"),
    ("DELETE /api/v1/industries/{id}/taskforce-members/{member_id}",                "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/industries/{id}/experts",                                        "N  Y  N  N  Y  N  N  N  N  A"),
    ("PUT /api/v1/industries/{id}/experts/{expert_id}",                             "N  Y  N  N  Y  N  N  N  N  A"),
    ("DELETE /api/v1/industries/{id}/experts/{expert_id}",                          "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/industries/{id}/alliances",                                      "N  Y  N  N  Y  N  N  N  N  A"),
    ("PUT /api/v1/industries/{id}/alliances/{alliance_id}",                         "N  Y  N  N  Y  N  N  N  N  A"),
    ("DELETE /api/v1/industries/{id}/alliances/{alliance_id}",                      "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/industries/{id}/alliances/{alliance_id}/members",                "N  Y  N  N  Y  N  N  N  N  A"),
    ("PUT /api/v1/industries/{id}/alliances/{alliance_id}/members/{member_id}",     "N  Y  N  N  Y  N  N  N  N  A"),
    ("DELETE /api/v1/industries/{id}/alliances/{alliance_id}/members/{member_id}",  "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/industries/{id}/special-plans",                                  "N  Y  N  N  Y  N  N  N  N  A"),
    ("PUT /api/v1/industries/{id}/special-plans/{plan_id}",                         "N  Y  N  N  Y  N  N  N  N  A"),
    ("DELETE /api/v1/industries/{id}/special-plans/{plan_id}",                      "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/industries/{id}/special-plans/{plan_id}/status",                 "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/industries/{id}/special-plans/{plan_id}/files",                  "N  Y  N  N  Y  N  N  N  N  A"),
    ("DELETE /api/v1/industries/{id}/special-plans/{plan_id}/files/{file_id}",      "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/industries/{id}/work-plans",                                     "N  Y  N  N  Y  N  N  N  N  A"),
    ("PUT /api/v1/industries/{id}/work-plans/{plan_id}",                            "N  Y  N  N  Y  N  N  N  N  A"),
    ("DELETE /api/v1/industries/{id}/work-plans/{plan_id}",                         "N  Y  N  N  Y  N  N  N  N  A"),
    // Key tasks (the test task: the office's, in 张店区 / 新材料, led by 市财政局): read by
    // every role of the coordination loop whose scope reaches it (a department, the tasks
    // assigned to it)…
    ("GET /api/v1/tasks",                                                           "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/tasks/waiting",                                                   "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/tasks/{id}",                                                      "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/tasks/{id}/files/{file_id}",                                      "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    // …issued, changed and cancelled by the office (the task force: its work plans' tasks,
    // tasks.rs)…
    ("POST /api/v1/tasks",                                                          "N  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/tasks/{id}",                                                      "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/tasks/{id}/cancel",                                              "N  Y  N  N  N  N  N  N  N  A"),
    // …reported on by the office, the task force, the department and the district…
    ("POST /api/v1/tasks/{id}/start",                                               "N  Y  N  N  Y  Y  Y  N  N  A"),
    ("POST /api/v1/tasks/{id}/notes",                                               "N  Y  N  N  Y  Y  Y  N  N  A"),
    ("POST /api/v1/tasks/{id}/files",                                               "N  Y  N  N  Y  Y  Y  N  N  A"),
    ("DELETE /api/v1/tasks/{id}/files/{file_id}",                                   "N  Y  N  N  Y  Y  Y  N  N  A"),
    ("POST /api/v1/tasks/{id}/submit",                                              "N  Y  N  N  Y  Y  Y  N  N  A"),
    // …and their close checked by whoever issued them (the supervisor checks supervision
    // tasks: tasks.rs).
    ("POST /api/v1/tasks/{id}/accept",                                              "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/tasks/{id}/reject",                                              "N  Y  N  N  N  N  N  N  N  A"),
    // Problems: read within scope by the coordination roles (the test problem is in 张店区 /
    // 新材料 and assigned to 市财政局, so every one of them reaches it)…
    ("GET /api/v1/problems",                                                        "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/problems/department-stats",                                       "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/problems/{id}",                                                   "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/problems/{id}/files/{file_id}",                                   "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    // …raised by the office, task forces, districts and departments…
    ("POST /api/v1/problems",                                                       "N  Y  N  N  Y  Y  Y  N  N  A"),
    // …managed by the office…
    ("PUT /api/v1/problems/{id}",                                                   "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/problems/{id}/assign",                                           "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/problems/{id}/return",                                           "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/problems/{id}/escalate",                                         "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/problems/{id}/resolve",                                          "N  Y  N  N  N  N  N  N  N  A"),
    // …signed for and answered by the department it is assigned to…
    ("POST /api/v1/problems/{id}/sign",                                             "N  N  N  N  N  Y  N  N  N  A"),
    ("POST /api/v1/problems/{id}/answer",                                           "N  N  N  N  N  Y  N  N  N  A"),
    // …urged by the office and the supervisor, instructed by the industry's leader…
    ("POST /api/v1/problems/{id}/urge",                                             "N  Y  N  Y  N  N  N  N  N  A"),
    ("POST /api/v1/problems/{id}/instruct",                                         "N  N  Y  N  N  N  N  N  N  A"),
    // …and given files by the office, a raiser whose scope covers it, or its department.
    ("POST /api/v1/problems/{id}/files",                                            "N  Y  N  N  Y  Y  Y  N  N  A"),
    // Supervision items: read within scope (the test item supervises the test problem, with
    // 市财政局 as its unit)…
    ("GET /api/v1/supervision-items",                                               "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/supervision-items/ledger.xlsx",                                   "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/supervision-items/{id}",                                          "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/supervision-items/{id}/notice",                                   "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/supervision-items/{id}/files/{file_id}",                          "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    // …its notice as an official document (made and kept on first call) and the documents
    // made of it, for whoever reads the item…
    ("GET /api/v1/supervision-items/{id}/notice.docx",                              "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/supervision-items/{id}/notice.pdf",                               "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/documents",                                                       "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/documents/{id}",                                                  "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    // …issued, edited and closed by the supervisor alone…
    ("POST /api/v1/supervision-items",                                              "N  N  N  Y  N  N  N  N  N  A"),
    ("PUT /api/v1/supervision-items/{id}",                                          "N  N  N  Y  N  N  N  N  N  A"),
    ("POST /api/v1/supervision-items/{id}/close",                                   "N  N  N  Y  N  N  N  N  N  A"),
    // …replied to by its units, and given files by the supervisor and the units.
    ("POST /api/v1/supervision-items/{id}/replies",                                 "N  N  N  N  N  Y  N  N  N  A"),
    ("POST /api/v1/supervision-items/{id}/files",                                   "N  N  N  Y  N  Y  N  N  N  A"),
    // Everyone's to-do: what waits on the caller (nothing of the programme waits on the
    // administrator)…
    ("GET /api/v1/todo",                                                            "N  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    // …each user's own notifications…
    ("GET /api/v1/notifications",                                                   "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("POST /api/v1/notifications/read",                                             "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    ("POST /api/v1/notifications/read-all",                                         "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"),
    // …and the reminder calendar, the office's.
    ("GET /api/v1/reminder-settings",                                               "N  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/reminder-settings",                                               "N  Y  N  N  N  N  N  N  N  A"),
    // Meetings (the test meeting: a joint meeting about 新材料 in 张店区, held, with a decision
    // owned by 市财政局): read by every role of the loop whose scope reaches it…
    ("GET /api/v1/meetings",                                                        "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/meetings/{id}",                                                   "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/meetings/{id}/pack",                                              "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    ("GET /api/v1/meetings/{id}/documents/{file}",                                  "N  Y  Y  Y  Y  Y  Y  N  N  A"),
    // …planned, changed, held, recorded and cancelled by the office, which also keeps the
    // quarterly proposal and its rules.
    ("POST /api/v1/meetings",                                                       "N  Y  N  N  N  N  N  N  N  A"),
    ("GET /api/v1/meetings/proposal",                                               "N  Y  N  N  N  N  N  N  N  A"),
    ("GET /api/v1/settings/meeting-proposal",                                       "N  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/settings/meeting-proposal",                                       "N  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/meetings/{id}",                                                   "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/meetings/{id}/hold",                                             "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/meetings/{id}/publish",                                          "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/meetings/{id}/cancel",                                           "N  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/meetings/{id}/minutes",                                           "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/meetings/{id}/agenda",                                           "N  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/meetings/{id}/agenda/{item_id}",                                  "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/meetings/{id}/attendees",                                        "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/meetings/{id}/decisions",                                        "N  Y  N  N  N  N  N  N  N  A"),
    // Monthly dispatch (the test reports: 新材料's, in periods the office opens): read by
    // the office, the leader and task force of 新材料, the supervisor and the statistics bureau…
    ("GET /api/v1/dispatch/periods",                                                "N  Y  Y  Y  Y  N  N  Y  N  A"),
    ("GET /api/v1/dispatch/periods/{id}",                                           "N  Y  Y  Y  Y  N  N  Y  N  A"),
    ("GET /api/v1/dispatch/reports",                                                "N  Y  Y  Y  Y  N  N  Y  N  A"),
    ("GET /api/v1/dispatch/reports/{id}",                                           "N  Y  Y  Y  Y  N  N  Y  N  A"),
    ("GET /api/v1/dispatch/reports/{id}/diff",                                      "N  Y  Y  Y  Y  N  N  Y  N  A"),
    ("GET /api/v1/dispatch/completeness",                                           "N  Y  Y  Y  Y  N  N  Y  N  A"),
    ("GET /api/v1/dispatch/not-filed",                                              "N  Y  Y  Y  Y  N  N  Y  N  A"),
    // …filed by the task force…
    ("POST /api/v1/dispatch/reports",                                               "N  N  N  N  Y  N  N  N  N  A"),
    ("PUT /api/v1/dispatch/reports/{id}",                                           "N  N  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/dispatch/reports/{id}/submit",                                   "N  N  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/dispatch/reports/{id}/resubmit",                                 "N  N  N  N  Y  N  N  N  N  A"),
    // …reviewed by the office, which also runs the periods and the deadline setting.
    ("POST /api/v1/dispatch/reports/{id}/return",                                   "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/dispatch/reports/{id}/accept",                                   "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/dispatch/periods",                                               "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/dispatch/periods/{id}/extend",                                   "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/dispatch/periods/{id}/lock",                                     "N  Y  N  N  N  N  N  N  N  A"),
    ("POST /api/v1/dispatch/periods/{id}/reopen",                                   "N  Y  N  N  N  N  N  N  N  A"),
    ("GET /api/v1/settings/dispatch",                                               "N  Y  N  N  N  N  N  N  N  A"),
    ("PUT /api/v1/settings/dispatch",                                               "N  Y  N  N  N  N  N  N  N  A"),
    // Policies and funds (the test policy: 新材料, issued by 市财政局; the test fund: 新材料):
    // read by the office, the leader, the supervisor, the task force, departments and the
    // statistics bureau…
    ("GET /api/v1/policies",                                                        "N  Y  Y  Y  Y  Y  N  Y  N  A"),
    ("GET /api/v1/policies/totals",                                                 "N  Y  Y  Y  Y  Y  N  Y  N  A"),
    ("GET /api/v1/policies/month",                                                  "N  Y  Y  Y  Y  Y  N  Y  N  A"),
    ("GET /api/v1/policies/{id}",                                                   "N  Y  Y  Y  Y  Y  N  Y  N  A"),
    ("GET /api/v1/funds",                                                           "N  Y  Y  Y  Y  Y  N  Y  N  A"),
    ("GET /api/v1/funds/totals",                                                    "N  Y  Y  Y  Y  Y  N  Y  N  A"),
    ("GET /api/v1/funds/{id}",                                                      "N  Y  Y  Y  Y  Y  N  Y  N  A"),
    // …recorded by the office, the task force of the industry and the issuing department…
    ("POST /api/v1/policies",                                                       "N  Y  N  N  Y  Y  N  N  N  A"),
    ("PUT /api/v1/policies/{id}",                                                   "N  Y  N  N  Y  Y  N  N  N  A"),
    ("DELETE /api/v1/policies/{id}",                                                "N  Y  N  N  Y  Y  N  N  N  A"),
    ("POST /api/v1/policies/{id}/beneficiaries",                                    "N  Y  N  N  Y  Y  N  N  N  A"),
    ("PUT /api/v1/policies/{id}/beneficiaries/{beneficiary_id}",                    "N  Y  N  N  Y  Y  N  N  N  A"),
    ("POST /api/v1/policies/{id}/payments",                                         "N  Y  N  N  Y  Y  N  N  N  A"),
    // …and the funds by the office and the task force of the industry.
    ("POST /api/v1/funds",                                                          "N  Y  N  N  Y  N  N  N  N  A"),
    ("PUT /api/v1/funds/{id}",                                                      "N  Y  N  N  Y  N  N  N  N  A"),
    ("DELETE /api/v1/funds/{id}",                                                   "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/funds/{id}/sources",                                             "N  Y  N  N  Y  N  N  N  N  A"),
    ("POST /api/v1/funds/{id}/investments",                                         "N  Y  N  N  Y  N  N  N  N  A"),
];

/// The methods an OpenAPI path item may hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation of `doc` (`GET /api/v1/openapi.json`) with its row of `table`; or, when
/// they do not match, every problem by name: an operation with no row, a row whose cells
/// do not give one outcome per caller, a row for an operation the document lacks.
pub fn expectations_for(
    doc: &Value,
    table: &[(&str, &str)],
) -> Result<Vec<Expectation>, Vec<String>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let operations: Vec<String> = doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    if operations.is_empty() {
        problems.push("the document has no operations".to_string());
    }
    for operation in &operations {
        let rows: Vec<&str> = table
            .iter()
            .filter(|(op, _)| op == operation)
            .map(|(_, cells)| *cells)
            .collect();
        match rows.as_slice() {
            [] => problems.push(format!(
                "{operation} has no expected outcome for any caller"
            )),
            [cells] => match parse_cells(cells) {
                Ok(outcomes) => {
                    let (method, path) = operation.split_once(' ').expect("method and path");
                    out.push(Expectation {
                        method: Method::from_bytes(method.as_bytes()).expect("method"),
                        path: path.to_string(),
                        outcomes,
                    });
                }
                Err(why) => problems.push(format!("{operation}: {why}")),
            },
            _ => problems.push(format!("{operation} has more than one row")),
        }
    }
    for (op, _) in table {
        if !operations.iter().any(|o| o == op) {
            problems.push(format!("{op} is in the table but not in the document"));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// One outcome per caller, from a row's cells.
fn parse_cells(cells: &str) -> Result<[Outcome; 10], String> {
    let parsed: Vec<Outcome> = cells
        .split_whitespace()
        .map(|c| match c {
            "Y" => Ok(Outcome::Allowed),
            "N" => Ok(Outcome::Refused),
            "A" => Ok(Outcome::SignIn),
            other => Err(format!("unknown outcome `{other}` (Y, N or A)")),
        })
        .collect::<Result<_, _>>()?;
    let outcomes: [Outcome; 10] = parsed.try_into().map_err(|got: Vec<Outcome>| {
        let missing: Vec<String> = CALLERS[got.len().min(CALLERS.len())..]
            .iter()
            .map(|c| c.to_string())
            .collect();
        if missing.is_empty() {
            format!("{} outcomes for {} callers", got.len(), CALLERS.len())
        } else {
            format!("no expected outcome for {}", missing.join(", "))
        }
    })?;
    for (caller, outcome) in CALLERS.iter().zip(outcomes) {
        match (caller, outcome) {
            (Caller::Anonymous, Outcome::Allowed | Outcome::SignIn) => {}
            (Caller::Anonymous, o) => return Err(format!("anonymous gets {o:?}: only Y or A")),
            (Caller::Role(r), Outcome::SignIn) => {
                return Err(format!("{r} is signed in: A is for anonymous only"));
            }
            _ => {}
        }
    }
    Ok(outcomes)
}

/// The check itself, on the real document and on documents and tables spoilt on purpose.
mod tests {
    use super::*;

    /// The document exactly as the server builds it.
    fn real_document() -> Value {
        serde_json::to_value(dongneng_web::api::router().1).expect("document as JSON")
    }

    #[test]
    fn the_table_covers_the_document() {
        if let Err(problems) = expectations_for(&real_document(), TABLE) {
            panic!("the scope matrix is out of step:\n{}", problems.join("\n"));
        }
    }

    #[test]
    fn a_route_added_without_expectations_fails_the_matrix() {
        let mut doc = real_document();
        doc["paths"]["/api/v1/invented/{id}"] =
            serde_json::json!({"post": {"responses": {"201": {"description": "made"}}}});
        let problems = expectations_for(&doc, TABLE).expect_err("an operation without a row");
        assert_eq!(
            problems,
            ["POST /api/v1/invented/{id} has no expected outcome for any caller"]
        );
    }

    #[test]
    fn a_row_missing_a_caller_fails_the_matrix() {
        let mut table = TABLE.to_vec();
        let row = table
            .iter_mut()
            .find(|(op, _)| *op == "DELETE /api/v1/industries/{id}/experts/{expert_id}")
            .expect("row");
        row.1 = "N  Y  N  N  Y  N  N  N  N";
        let problems = expectations_for(&real_document(), &table).expect_err("a missing cell");
        assert_eq!(
            problems,
            [
                "DELETE /api/v1/industries/{id}/experts/{expert_id}: no expected outcome for anonymous"
            ]
        );
    }

    #[test]
    fn a_row_for_a_removed_route_fails_the_matrix() {
        let mut table = TABLE.to_vec();
        table.push(("GET /api/v1/gone", "Y  Y  Y  Y  Y  Y  Y  Y  Y  A"));
        let problems = expectations_for(&real_document(), &table).expect_err("a stale row");
        assert_eq!(
            problems,
            ["GET /api/v1/gone is in the table but not in the document"]
        );
    }
}
