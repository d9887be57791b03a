//! For every operation of the API, a request that succeeds for a caller who may make it:
//! versions read fresh before each call, and a record of its own for each call that uses
//! one up (made by [`World`]).

use super::expectations::{Caller, Expectation};
use super::world::{World, last_month, project_fields, today};
use serde_json::{Value, json};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What a request carries.
pub enum Body {
    Empty,
    Json(Value),
    /// A workbook as the whole body.
    Xlsx(Vec<u8>),
    /// A multipart form with one `file` part.
    File {
        name: &'static str,
        bytes: Vec<u8>,
    },
}

/// One request, ready to send.
pub struct Call {
    /// The path with its ids and query.
    pub path: String,
    pub body: Body,
    /// Sent instead of the caller's token (signing out ends a session of its own).
    pub token: Option<String>,
    /// A record or list that a refused call must leave exactly as it was.
    pub witness: Option<String>,
    /// Made for its caller alone (a session, a body or a report of theirs).
    pub personal: bool,
}

impl Call {
    fn new(path: String, body: Body, witness: Option<String>) -> Call {
        Call {
            path,
            body,
            token: None,
            witness,
            personal: false,
        }
    }
    fn read(path: String) -> Call {
        Call::new(path, Body::Empty, None)
    }
    fn json(path: String, body: Value, witness: String) -> Call {
        Call::new(path, Body::Json(body), Some(witness))
    }
    fn personal(self) -> Call {
        Call {
            personal: true,
            ..self
        }
    }
    fn delete(path: String, version: &Value, witness: String) -> Call {
        Call::new(
            format!("{path}?version={version}"),
            Body::Empty,
            Some(witness),
        )
    }
}

/// A step of problem `p`, its record the witness.
fn step_call(p: &Value, step: &str, body: Value) -> Call {
    let path = format!("/api/v1/problems/{}", p["id"]);
    Call::json(format!("{path}/{step}"), body, path)
}

impl World<'_> {
    /// A request for `op` that succeeds when `caller` may make it.
    pub async fn prepare(&self, op: &Expectation, caller: Caller) -> Call {
        let ids = &self.ids;
        let n = self.next();
        let role = Self::acting(caller);
        let profile = self.profile_path();
        let profile_witness = format!("{profile}/profile");
        let project = format!("/api/v1/projects/{}", ids.project);
        let problem = format!("/api/v1/problems/{}", ids.problem);
        let item = format!("/api/v1/supervision-items/{}", ids.item);
        let documents = format!(
            "/api/v1/documents?source_kind=supervision_item&source_id={}",
            ids.item
        );
        let projects = "/api/v1/projects?in_library=all&per_page=500".to_string();
        let users = "/api/v1/users?per_page=500".to_string();
        let task = format!("/api/v1/tasks/{}", ids.task);
        let tasks = "/api/v1/tasks?per_page=500".to_string();
        let meeting = format!("/api/v1/meetings/{}", ids.meeting);
        let policy = format!("/api/v1/policies/{}", ids.policy);
        let fund = format!("/api/v1/funds/{}", ids.fund);
        match (op.method.as_str(), op.path.as_str()) {
            // ---------------------------------------------------- open, session, reference
            ("GET", "/healthz") => Call::read("/healthz".into()),
            ("GET", "/api/v1/openapi.json") => Call::read("/api/v1/openapi.json".into()),
            ("POST", "/api/v1/auth/login") => Call::new(
                "/api/v1/auth/login".into(),
                Body::Json(json!({"username": role, "password": "dongneng-demo"})),
                None,
            )
            .personal(),
            // Signing out ends the session it is sent with: a session of its own.
            ("POST", "/api/v1/auth/logout") => Call {
                token: match caller.role() {
                    Some(role) => Some(self.app.token(role).await),
                    None => None,
                },
                ..Call::read("/api/v1/auth/logout".into()).personal()
            },
            ("GET", "/api/v1/me") => Call::read("/api/v1/me".into()),
            // The same password again: the account's sessions end (the matrix signs the
            // role in afresh after it), its password stays the demo's.
            ("POST", "/api/v1/me/password") => Call::new(
                "/api/v1/me/password".into(),
                Body::Json(json!({"current_password": "dongneng-demo",
                    "new_password": "dongneng-demo"})),
                None,
            )
            .personal(),
            ("GET", "/api/v1/lookups/{kind}") => Call::read("/api/v1/lookups/report_topic".into()),
            ("GET", "/api/v1/regions") => Call::read("/api/v1/regions".into()),
            ("GET", "/api/v1/regions/{id}") => {
                Call::read(format!("/api/v1/regions/{}", ids.county))
            }
            ("GET", "/api/v1/departments") => Call::read("/api/v1/departments".into()),
            ("GET", "/api/v1/departments/{id}") => {
                Call::read(format!("/api/v1/departments/{}", ids.department))
            }
            ("GET", "/api/v1/industry-groups") => Call::read("/api/v1/industry-groups".into()),
            ("GET", "/api/v1/industry-groups/{id}") => {
                Call::read(format!("/api/v1/industry-groups/{}", ids.group))
            }
            ("GET", "/api/v1/industries") => Call::read("/api/v1/industries".into()),
            ("GET", "/api/v1/industries/{id}") => {
                Call::read(format!("/api/v1/industries/{}", ids.chemical))
            }
            ("POST", "/api/v1/regions") => Call::json(
                "/api/v1/regions".into(),
                json!({"name_zh": format!("矩阵功能区{n}"), "name_en": "Zone",
                       "kind": "functional_zone", "parent_id": ids.city}),
                "/api/v1/regions".into(),
            ),
            ("PUT", "/api/v1/regions/{id}") => {
                let path = format!("/api/v1/regions/{}", ids.county);
                let body = json!({"version": self.version_at(&path, "/version").await,
                                  "code": "370322", "name_zh": "高青县", "name_en": format!("Gaoqing {n}"),
                                  "kind": "county", "parent_id": ids.city});
                Call::json(path.clone(), body, path)
            }
            ("POST", "/api/v1/departments") => Call::json(
                "/api/v1/departments".into(),
                json!({"name_zh": format!("矩阵测试局{n}"), "name_en": "Test", "kind": "department"}),
                "/api/v1/departments".into(),
            ),
            ("PUT", "/api/v1/departments/{id}") => {
                let path = format!("/api/v1/departments/{}", ids.department);
                let body = json!({"version": self.version_at(&path, "/version").await,
                                  "name_zh": "市商务局", "name_en": format!("Commerce {n}"),
                                  "kind": "department"});
                Call::json(path.clone(), body, path)
            }
            ("POST", "/api/v1/industry-groups") => Call::json(
                "/api/v1/industry-groups".into(),
                json!({"key": format!("g_matrix_{n}"), "name_zh": format!("矩阵组{n}"), "name_en": "G"}),
                "/api/v1/industry-groups".into(),
            ),
            ("PUT", "/api/v1/industry-groups/{id}") => {
                let path = format!("/api/v1/industry-groups/{}", ids.group);
                let body = json!({"version": self.version_at(&path, "/version").await,
                                  "key": "traditional", "name_zh": "六大优势传统产业",
                                  "name_en": format!("Traditional {n}"), "sort_order": 20});
                Call::json(path.clone(), body, path)
            }
            ("POST", "/api/v1/industries") => Call::json(
                "/api/v1/industries".into(),
                json!({"key": format!("i_matrix_{n}"), "name_zh": format!("矩阵产业{n}"),
                       "name_en": "I", "group_id": ids.group}),
                "/api/v1/industries".into(),
            ),
            ("PUT", "/api/v1/industries/{id}") => {
                let path = format!("/api/v1/industries/{}", ids.chemical);
                let body = json!({"version": self.version_at(&path, "/version").await,
                                  "key": "chemical", "name_zh": "化工",
                                  "name_en": format!("Chemicals {n}"), "group_id": ids.group});
                Call::json(path.clone(), body, path)
            }

            // ---------------------------------------------------- accounts and audit
            ("GET", "/api/v1/users") => Call::read("/api/v1/users".into()),
            ("GET", "/api/v1/users/{id}") => Call::read(format!("/api/v1/users/{}", ids.user)),
            ("GET", "/api/v1/audit") => Call::read("/api/v1/audit".into()),
            ("POST", "/api/v1/users") => Call::json(
                "/api/v1/users".into(),
                json!({"username": format!("matrix.made.{n}"), "display_name": "x",
                       "password": "a-long-password",
                       "grants": [{"role": "stats", "scope": {"kind": "city"}}]}),
                users,
            ),
            ("PUT", "/api/v1/users/{id}") => {
                let path = format!("/api/v1/users/{}", ids.user);
                let body = json!({"version": self.version_at(&path, "/version").await,
                                  "display_name": format!("矩阵用户{n}"), "department_id": null,
                                  "disabled": false,
                                  "grants": [{"role": "stats", "scope": {"kind": "city"}}]});
                Call::json(path.clone(), body, path)
            }
            ("POST", "/api/v1/users/{id}/disable") => {
                let user = self.user().await;
                let path = format!("/api/v1/users/{}", user["id"]);
                Call::json(
                    format!("{path}/disable"),
                    json!({"version": user["version"]}),
                    path,
                )
            }
            ("POST", "/api/v1/users/{id}/password") => {
                let user = self.user().await;
                let path = format!("/api/v1/users/{}", user["id"]);
                Call::json(
                    format!("{path}/password"),
                    json!({"password": "another-long-password"}),
                    path,
                )
            }

            // ---------------------------------------------------- the project library
            ("GET", "/api/v1/projects") => Call::read("/api/v1/projects".into()),
            ("GET", "/api/v1/projects/{id}") => Call::read(project),
            ("GET", "/api/v1/projects/as-at") => {
                let (year, month) = last_month();
                Call::read(format!("/api/v1/projects/as-at?year={year}&month={month}"))
            }
            ("GET", "/api/v1/dispatch/digest/{file}") => {
                let (year, month) = last_month();
                Call::read(format!("/api/v1/dispatch/digest/{year}-{month:02}"))
            }
            ("GET", "/api/v1/projects/dispatch") => {
                let (year, month) = last_month();
                Call::read(format!(
                    "/api/v1/projects/dispatch?year={year}&month={month}"
                ))
            }
            ("GET", "/api/v1/projects/export.xlsx") => {
                Call::read("/api/v1/projects/export.xlsx".into())
            }
            ("GET", "/api/v1/projects/progress-template.xlsx") => {
                Call::read("/api/v1/projects/progress-template.xlsx".into())
            }
            ("GET", "/api/v1/settings/warnings") => Call::read("/api/v1/settings/warnings".into()),
            ("PUT", "/api/v1/settings/warnings") => Call::json(
                "/api/v1/settings/warnings".into(),
                json!({"yellow_points": 5, "red_points": 15, "report_due_day": 10,
                       "start_red_days": 90, "factor_red_days": 30}),
                "/api/v1/settings/warnings".into(),
            ),
            ("POST", "/api/v1/projects") => {
                let mut body = project_fields(
                    (ids.zhangdian, ids.new_materials),
                    &format!("{role}新建项目{n}"),
                );
                body["stage"] = json!("planning");
                Call::json("/api/v1/projects".into(), body, projects)
            }
            ("PUT", "/api/v1/projects/{id}") => {
                let mut body = project_fields(
                    (ids.zhangdian, ids.new_materials),
                    &format!("矩阵项目-{role}{n}"),
                );
                body["version"] = self.version_at(&project, "/project/version").await;
                Call::json(project.clone(), body, project)
            }
            ("POST", "/api/v1/projects/{id}/stage") => {
                let p = self.project().await;
                let path = format!("/api/v1/projects/{}", p["id"]);
                let body = json!({"version": p["version"], "to": "reserve"});
                Call::json(format!("{path}/stage"), body, path)
            }
            ("POST", "/api/v1/projects/{id}/leave") => {
                let p = self.project().await;
                let path = format!("/api/v1/projects/{}", p["id"]);
                let body = json!({"version": p["version"], "reason": "矩阵测试"});
                Call::json(format!("{path}/leave"), body, path)
            }
            ("POST", "/api/v1/projects/{id}/enter") => {
                let p = self.project().await;
                let path = format!("/api/v1/projects/{}", p["id"]);
                let left = self
                    .post(
                        &format!("{path}/leave"),
                        json!({"version": p["version"], "reason": "矩阵测试"}),
                    )
                    .await;
                let body = json!({"version": left["version"]});
                Call::json(format!("{path}/enter"), body, path)
            }
            ("PUT", "/api/v1/projects/{id}/batches/{year}") => {
                let (year, _) = last_month();
                let body = json!({"planned_investment": 1_000_000 * n});
                Call::json(format!("{project}/batches/{year}"), body, project)
            }
            ("PUT", "/api/v1/projects/{id}/factors/{kind}") => {
                let body = json!({"kind": "water", "required": 100 + n, "fulfilled": 0});
                Call::json(format!("{project}/factors/water"), body, project)
            }
            ("POST", "/api/v1/projects/{id}/progress") => {
                let (year, month) = last_month();
                let path = format!("/api/v1/projects/{}", ids.started);
                let body = json!({"year": year, "month": month, "month_investment": 1_000_000,
                                  "image_progress": "主体施工"});
                Call::json(format!("{path}/progress"), body, path)
            }
            ("POST", "/api/v1/projects/import") => Call::new(
                "/api/v1/projects/import".into(),
                Body::Xlsx(self.library_sheet().await),
                Some(projects),
            ),
            ("POST", "/api/v1/projects/progress/import") => Call::new(
                "/api/v1/projects/progress/import".into(),
                Body::Xlsx(self.progress_sheet()),
                Some(format!("/api/v1/projects/{}", ids.started)),
            ),
            ("GET", "/api/v1/import-reports/{token}") => {
                Call::read(self.refused_import_report(role).await).personal()
            }

            // ---------------------------------------------------- industry profiles
            ("GET", "/api/v1/industry-profiles") => Call::read("/api/v1/industry-profiles".into()),
            ("GET", "/api/v1/industries/{id}/profile") => Call::read(profile_witness),
            ("PUT", "/api/v1/industries/{id}/profile") => {
                let version = self
                    .version_at(&profile_witness, "/structure/version")
                    .await;
                let body = json!({"version": if version.is_null() { json!(0) } else { version },
                                  "leader_name": format!("矩阵市领导{n}"), "leader_title": "副市长",
                                  "lead_department_id": ids.miit, "responsible_department_ids": [],
                                  "provincial_counterpart": "省专班"});
                Call::json(format!("{profile}/profile"), body, profile_witness)
            }
            ("POST", "/api/v1/industries/{id}/taskforce-members") => Call::json(
                format!("{profile}/taskforce-members"),
                json!({"person_name": format!("{role}成员{n}"), "member_role": "member"}),
                profile_witness,
            ),
            ("PUT", "/api/v1/industries/{id}/taskforce-members/{member_id}") => {
                let version = self.part_version("taskforce_members", ids.member).await;
                Call::json(
                    format!("{profile}/taskforce-members/{}", ids.member),
                    json!({"version": version, "person_name": format!("矩阵成员-{role}{n}"),
                           "member_role": "member"}),
                    profile_witness,
                )
            }
            ("DELETE", "/api/v1/industries/{id}/taskforce-members/{member_id}") => {
                let m = self.member().await;
                let path = format!("{profile}/taskforce-members/{}", m["id"]);
                Call::delete(path, &m["version"], profile_witness)
            }
            ("POST", "/api/v1/industries/{id}/experts") => Call::json(
                format!("{profile}/experts"),
                json!({"person_name": format!("{role}专家{n}"), "specialty": "新材料",
                       "affiliation": "山东理工大学", "joined_on": "2024-01-01"}),
                profile_witness,
            ),
            ("PUT", "/api/v1/industries/{id}/experts/{expert_id}") => {
                let version = self.part_version("experts_current", ids.expert).await;
                Call::json(
                    format!("{profile}/experts/{}", ids.expert),
                    json!({"version": version, "person_name": format!("矩阵专家-{role}{n}"),
                           "specialty": "新材料", "affiliation": "山东理工大学",
                           "joined_on": "2024-01-01"}),
                    profile_witness,
                )
            }
            ("DELETE", "/api/v1/industries/{id}/experts/{expert_id}") => {
                let e = self.expert().await;
                let path = format!("{profile}/experts/{}", e["id"]);
                Call::delete(path, &e["version"], profile_witness)
            }
            ("POST", "/api/v1/industries/{id}/alliances") => Call::json(
                format!("{profile}/alliances"),
                json!({"alliance_name": format!("{role}联盟{n}"), "kind": "alliance",
                       "plan_kind": "formation", "plan": "组建方案", "plan_status": "proposed"}),
                profile_witness,
            ),
            ("PUT", "/api/v1/industries/{id}/alliances/{alliance_id}") => {
                let version = self.part_version("alliances", ids.alliance).await;
                Call::json(
                    format!("{profile}/alliances/{}", ids.alliance),
                    json!({"version": version, "alliance_name": format!("矩阵联盟-{role}{n}"),
                           "kind": "alliance", "plan_kind": "formation", "plan": "组建方案",
                           "plan_status": "proposed"}),
                    profile_witness,
                )
            }
            ("DELETE", "/api/v1/industries/{id}/alliances/{alliance_id}") => {
                let a = self.alliance().await;
                let path = format!("{profile}/alliances/{}", a["id"]);
                Call::delete(path, &a["version"], profile_witness)
            }
            ("POST", "/api/v1/industries/{id}/alliances/{alliance_id}/members") => Call::json(
                format!("{profile}/alliances/{}/members", ids.alliance),
                json!({"enterprise_name": format!("{role}企业{n}"), "alliance_role": "member"}),
                profile_witness,
            ),
            ("PUT", "/api/v1/industries/{id}/alliances/{alliance_id}/members/{member_id}") => {
                let version = self.part_version("members", ids.alliance_member).await;
                Call::json(
                    format!(
                        "{profile}/alliances/{}/members/{}",
                        ids.alliance, ids.alliance_member
                    ),
                    json!({"version": version, "enterprise_name": format!("矩阵企业-{role}{n}"),
                           "alliance_role": "member"}),
                    profile_witness,
                )
            }
            ("DELETE", "/api/v1/industries/{id}/alliances/{alliance_id}/members/{member_id}") => {
                let m = self.alliance_member().await;
                let path = format!("{profile}/alliances/{}/members/{}", ids.alliance, m["id"]);
                Call::delete(path, &m["version"], profile_witness)
            }
            ("POST", "/api/v1/industries/{id}/special-plans") => Call::json(
                format!("{profile}/special-plans"),
                json!({"plan_title": format!("{role}专项规划{n}"),
                       "drafting_department_ids": [ids.miit], "drafted_on": "2025-03-01"}),
                profile_witness,
            ),
            ("PUT", "/api/v1/industries/{id}/special-plans/{plan_id}") => {
                let version = self.part_version("special_plans", ids.plan).await;
                Call::json(
                    format!("{profile}/special-plans/{}", ids.plan),
                    json!({"version": version, "plan_title": format!("矩阵专项规划-{role}{n}"),
                           "drafting_department_ids": [ids.miit], "drafted_on": "2025-03-01"}),
                    profile_witness,
                )
            }
            ("DELETE", "/api/v1/industries/{id}/special-plans/{plan_id}") => {
                let p = self.plan().await;
                let path = format!("{profile}/special-plans/{}", p["id"]);
                Call::delete(path, &p["version"], profile_witness)
            }
            ("POST", "/api/v1/industries/{id}/special-plans/{plan_id}/status") => {
                let p = self.plan().await;
                Call::json(
                    format!("{profile}/special-plans/{}/status", p["id"]),
                    json!({"version": p["version"], "status": "under_review", "date": "2025-06-01"}),
                    profile_witness,
                )
            }
            ("POST", "/api/v1/industries/{id}/special-plans/{plan_id}/files") => Call::new(
                format!("{profile}/special-plans/{}/files", ids.plan),
                Body::File {
                    name: "意见汇总.txt",
                    bytes: format!("{role} {n}").into_bytes(),
                },
                Some(profile_witness),
            ),
            ("GET", "/api/v1/industries/{id}/special-plans/{plan_id}/files/{file_id}") => {
                Call::read(format!(
                    "{profile}/special-plans/{}/files/{}",
                    ids.plan, ids.file
                ))
            }
            ("DELETE", "/api/v1/industries/{id}/special-plans/{plan_id}/files/{file_id}") => {
                let f = self.file().await;
                let path = format!("{profile}/special-plans/{}/files/{}", ids.plan, f["id"]);
                Call::delete(path, &f["version"], profile_witness)
            }
            ("POST", "/api/v1/industries/{id}/work-plans") => {
                let year = self.next_year();
                Call::json(
                    format!("{profile}/work-plans"),
                    json!({"year": year, "plan_title": format!("{role}{year}年工作计划")}),
                    profile_witness,
                )
            }
            ("PUT", "/api/v1/industries/{id}/work-plans/{plan_id}") => {
                let version = self.part_version("work_plans", ids.work_plan).await;
                Call::json(
                    format!("{profile}/work-plans/{}", ids.work_plan),
                    json!({"version": version, "year": 2029,
                           "plan_title": format!("2029年工作计划-{role}{n}")}),
                    profile_witness,
                )
            }
            ("DELETE", "/api/v1/industries/{id}/work-plans/{plan_id}") => {
                let w = self.work_plan().await;
                let path = format!("{profile}/work-plans/{}", w["id"]);
                Call::delete(path, &w["version"], profile_witness)
            }
            // ---------------------------------------------------- key tasks
            ("GET", "/api/v1/tasks") => Call::read("/api/v1/tasks".into()),
            ("GET", "/api/v1/tasks/waiting") => Call::read("/api/v1/tasks/waiting".into()),
            ("GET", "/api/v1/tasks/{id}") => Call::read(task.clone()),
            ("GET", "/api/v1/tasks/{id}/files/{file_id}") => {
                Call::read(format!("{task}/files/{}", ids.task_file))
            }
            ("POST", "/api/v1/tasks") => Call::json(
                "/api/v1/tasks".into(),
                json!({"title": format!("{role}任务{n}"), "source": "office",
                       "industry_id": ids.new_materials, "lead_department_id": ids.finance,
                       "deadline": "2099-12-31"}),
                tasks,
            ),
            ("PUT", "/api/v1/tasks/{id}") => {
                let body = json!({"version": self.version_at(&task, "/version").await,
                                  "title": format!("矩阵任务-{role}{n}"), "source": "office",
                                  "industry_id": ids.new_materials, "region_id": ids.zhangdian,
                                  "lead_department_id": ids.finance, "co_department_ids": [ids.miit],
                                  "deadline": "2099-12-31"});
                Call::json(task.clone(), body, task)
            }
            ("POST", "/api/v1/tasks/{id}/notes") => Call::json(
                format!("{task}/notes"),
                json!({"progress_note": format!("{role}进展{n}")}),
                task,
            ),
            ("POST", "/api/v1/tasks/{id}/files") => Call::new(
                format!("{task}/files"),
                Body::File {
                    name: "佐证材料.txt",
                    bytes: format!("{role} {n}").into_bytes(),
                },
                Some(task),
            ),
            ("DELETE", "/api/v1/tasks/{id}/files/{file_id}") => {
                let f = self.task_file(ids.task).await;
                Call::delete(format!("{task}/files/{}", f["id"]), &f["version"], task)
            }
            // A status move uses its task up: one of its own for each call.
            ("POST", "/api/v1/tasks/{id}/start" | "/api/v1/tasks/{id}/cancel") => {
                let t = self.task().await;
                self.step(&op.path, &t, role, n)
            }
            ("POST", "/api/v1/tasks/{id}/submit") => {
                let t = self.task_with_evidence().await;
                self.step(&op.path, &t, role, n)
            }
            ("POST", "/api/v1/tasks/{id}/accept" | "/api/v1/tasks/{id}/reject") => {
                let t = self.submitted_task().await;
                self.step(&op.path, &t, role, n)
            }
            // ---------------------------------------------------- problems
            ("GET", "/api/v1/problems") => Call::read("/api/v1/problems".into()),
            ("GET", "/api/v1/problems/department-stats") => {
                Call::read("/api/v1/problems/department-stats".into())
            }
            ("GET", "/api/v1/problems/{id}") => Call::read(problem.clone()),
            ("GET", "/api/v1/problems/{id}/files/{file_id}") => {
                Call::read(format!("{problem}/files/{}", ids.problem_file))
            }
            ("POST", "/api/v1/problems") => Call::json(
                "/api/v1/problems".into(),
                json!({"title": format!("{role}提出的问题{n}"), "kind": "funds",
                       "description": "配套资金未到位", "origin": "own",
                       "industry_id": ids.new_materials, "region_id": ids.zhangdian}),
                "/api/v1/problems?per_page=500".into(),
            ),
            ("PUT", "/api/v1/problems/{id}") => {
                let body = json!({"version": self.version_at(&problem, "/version").await,
                                  "title": format!("矩阵问题-{role}{n}"), "kind": "land",
                                  "description": "用地指标不足", "origin": "own",
                                  "industry_id": ids.new_materials, "region_id": ids.zhangdian});
                Call::json(problem.clone(), body, problem)
            }
            ("POST", "/api/v1/problems/{id}/assign") => {
                let p = self.problem(false).await;
                let deadline = (today() + chrono::Duration::days(7)).to_string();
                let body = json!({"version": p["version"],
                                  "assignments": [{"department_id": ids.finance, "deadline": deadline}]});
                step_call(&p, "assign", body)
            }
            ("POST", "/api/v1/problems/{id}/sign") => {
                let p = self.problem(true).await;
                step_call(&p, "sign", json!({"version": p["version"]}))
            }
            ("POST", "/api/v1/problems/{id}/answer") => {
                let p = self.problem_after(&[("dept", "sign", json!({}))]).await;
                let body = json!({"version": p["version"], "answer": "已落实配套资金"});
                step_call(&p, "answer", body)
            }
            ("POST", "/api/v1/problems/{id}/return") => {
                let p = self
                    .problem_after(&[
                        ("dept", "sign", json!({})),
                        ("dept", "answer", json!({"answer": "已办理"})),
                    ])
                    .await;
                let body = json!({"version": p["version"], "department_id": ids.finance,
                                  "return_reason": "请补充拨付时间"});
                step_call(&p, "return", body)
            }
            ("POST", "/api/v1/problems/{id}/urge") => {
                let p = self.problem(true).await;
                let body = json!({"version": p["version"], "department_id": ids.finance,
                                  "note": "请抓紧办理"});
                step_call(&p, "urge", body)
            }
            ("POST", "/api/v1/problems/{id}/escalate") => {
                let p = self.problem(true).await;
                let body = json!({"version": p["version"], "note": "需市领导协调"});
                step_call(&p, "escalate", body)
            }
            ("POST", "/api/v1/problems/{id}/instruct") => {
                let p = self
                    .problem_after(&[("office", "escalate", json!({"note": "需市领导协调"}))])
                    .await;
                let deadline = (today() + chrono::Duration::days(30)).to_string();
                let body = json!({"version": p["version"], "instruction": "请市财政局牵头解决",
                                  "lead_department_id": ids.finance, "deadline": deadline});
                step_call(&p, "instruct", body)
            }
            ("POST", "/api/v1/problems/{id}/resolve") => {
                let p = self.problem(true).await;
                let body = json!({"version": p["version"], "resolution": "已协调解决"});
                step_call(&p, "resolve", body)
            }
            ("POST", "/api/v1/problems/{id}/files") => Call::new(
                format!("{problem}/files"),
                Body::File {
                    name: "答复说明.txt",
                    bytes: format!("{role} {n}").into_bytes(),
                },
                Some(problem),
            ),

            // ---------------------------------------------------- supervision
            ("GET", "/api/v1/supervision-items") => Call::read("/api/v1/supervision-items".into()),
            ("GET", "/api/v1/supervision-items/ledger.xlsx") => {
                Call::read("/api/v1/supervision-items/ledger.xlsx".into())
            }
            ("GET", "/api/v1/supervision-items/{id}") => Call::read(item.clone()),
            ("GET", "/api/v1/supervision-items/{id}/notice") => {
                Call::read(format!("{item}/notice"))
            }
            ("GET", "/api/v1/supervision-items/{id}/files/{file_id}") => {
                Call::read(format!("{item}/files/{}", ids.item_file))
            }
            // Made and kept on the first call: a refused one leaves the item's documents as
            // they were.
            ("GET", "/api/v1/supervision-items/{id}/notice.docx") => Call::new(
                format!("{item}/notice.docx"),
                Body::Empty,
                Some(documents.clone()),
            ),
            ("GET", "/api/v1/supervision-items/{id}/notice.pdf") => Call::new(
                format!("{item}/notice.pdf"),
                Body::Empty,
                Some(documents.clone()),
            ),
            ("GET", "/api/v1/documents") => Call::read(documents.clone()),
            ("GET", "/api/v1/documents/{id}") => {
                Call::read(format!("/api/v1/documents/{}", ids.document))
            }
            ("POST", "/api/v1/supervision-items") => {
                let deadline = (today() + chrono::Duration::days(10)).to_string();
                Call::json(
                    "/api/v1/supervision-items".into(),
                    json!({"title": format!("{role}督办{n}"), "requirement": "按期办结",
                           "subject": "own", "deadline": deadline, "unit_ids": [ids.finance]}),
                    "/api/v1/supervision-items?per_page=500".into(),
                )
            }
            ("PUT", "/api/v1/supervision-items/{id}") => {
                let deadline = (today() + chrono::Duration::days(12)).to_string();
                let body = json!({"version": self.version_at(&item, "/version").await,
                                  "title": format!("矩阵督办-{role}{n}"), "requirement": "按期办结",
                                  "subject": "problem", "subject_id": ids.problem,
                                  "deadline": deadline, "unit_ids": [ids.finance]});
                Call::json(item.clone(), body, item)
            }
            ("POST", "/api/v1/supervision-items/{id}/replies") => {
                let body = json!({"version": self.version_at(&item, "/version").await,
                                  "text": format!("{role}回复{n}")});
                Call::json(format!("{item}/replies"), body, item)
            }
            ("POST", "/api/v1/supervision-items/{id}/close") => {
                let i = self.supervision_item().await;
                let path = format!("/api/v1/supervision-items/{}", i["id"]);
                let body = json!({"version": i["version"], "evidence": "已办结，附书面答复"});
                Call::json(format!("{path}/close"), body, path)
            }
            ("POST", "/api/v1/supervision-items/{id}/files") => Call::new(
                format!("{item}/files"),
                Body::File {
                    name: "办理说明.txt",
                    bytes: format!("{role} {n}").into_bytes(),
                },
                Some(item),
            ),
            // ---------------------------------------------------- to-do, notifications
            ("GET", "/api/v1/todo") => Call::read("/api/v1/todo".into()),
            ("GET", "/api/v1/notifications") => Call::read("/api/v1/notifications".into()),
            ("POST", "/api/v1/notifications/read") => {
                // The caller's own newest notification, if any.
                let (_, mine) = self
                    .app
                    .get("/api/v1/notifications", self.token(role))
                    .await;
                let ids: Vec<Value> = mine["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .take(1)
                    .map(|n| n["id"].clone())
                    .collect();
                Call::json(
                    "/api/v1/notifications/read".into(),
                    json!({ "ids": ids }),
                    "/api/v1/notifications".into(),
                )
                .personal()
            }
            ("POST", "/api/v1/notifications/read-all") => Call::new(
                "/api/v1/notifications/read-all".into(),
                Body::Empty,
                Some("/api/v1/notifications".into()),
            )
            .personal(),
            ("GET", "/api/v1/reminder-settings") => Call::read("/api/v1/reminder-settings".into()),
            ("PUT", "/api/v1/reminder-settings") => {
                let path = "/api/v1/reminder-settings".to_string();
                let body = json!({"version": self.version_at(&path, "/version").await,
                                  "days_before": 3 + n % 5, "on_the_day": true,
                                  "days_after": 1, "escalate_after": 3});
                Call::json(path.clone(), body, path)
            }
            // ---------------------------------------------------- meetings
            ("GET", "/api/v1/meetings") => Call::read("/api/v1/meetings".into()),
            ("GET", "/api/v1/meetings/{id}") => Call::read(meeting.clone()),
            ("GET", "/api/v1/meetings/{id}/pack") => Call::read(format!("{meeting}/pack")),
            // Made and kept on the first call: a refused one leaves the meeting's documents as
            // they were.
            ("GET", "/api/v1/meetings/{id}/documents/{file}") => Call::new(
                format!("{meeting}/documents/minutes.pdf"),
                Body::Empty,
                Some(format!(
                    "/api/v1/documents?source_kind=meeting&source_id={}",
                    ids.meeting
                )),
            ),
            ("GET", "/api/v1/meetings/proposal") => {
                Call::read("/api/v1/meetings/proposal?year=2098&quarter=2".into())
            }
            ("GET", "/api/v1/settings/meeting-proposal") => {
                Call::read("/api/v1/settings/meeting-proposal".into())
            }
            ("PUT", "/api/v1/settings/meeting-proposal") => {
                let rules = "/api/v1/settings/meeting-proposal".to_string();
                let version = self.version_at(&rules, "/version").await;
                let body = json!({"version": version, "pick": 2, "recent_quarters": 3,
                                  "weight_red": 40, "weight_overdue": 30, "weight_gap": 30});
                Call::json(rules.clone(), body, rules)
            }
            ("POST", "/api/v1/meetings") => Call::json(
                "/api/v1/meetings".into(),
                self.meeting_fields().await,
                "/api/v1/meetings?per_page=500".into(),
            ),
            ("PUT", "/api/v1/meetings/{id}") => {
                let mut body = self.meeting_fields().await;
                body["version"] = self.version_at(&meeting, "/version").await;
                Call::json(meeting.clone(), body, meeting)
            }
            // A state move uses its meeting up: one of its own for each call.
            ("POST", "/api/v1/meetings/{id}/hold" | "/api/v1/meetings/{id}/cancel") => {
                let m = self.meeting().await;
                let path = format!("/api/v1/meetings/{}", m["id"]);
                let mut body = json!({"version": m["version"]});
                if op.path.ends_with("/cancel") {
                    body["cancel_reason"] = json!(format!("{role}取消{n}"));
                }
                let action = op.path.rsplit('/').next().unwrap_or_default();
                Call::json(format!("{path}/{action}"), body, path)
            }
            ("POST", "/api/v1/meetings/{id}/publish") => {
                let m = self.held_meeting().await;
                let path = format!("/api/v1/meetings/{}", m["id"]);
                let (_, saved) = self
                    .app
                    .call(
                        reqwest::Method::PUT,
                        &format!("{path}/minutes"),
                        Some(self.token("office")),
                        Some(json!({"version": m["version"], "minutes": "会议纪要"})),
                    )
                    .await;
                Call::json(
                    format!("{path}/publish"),
                    json!({"version": saved["version"]}),
                    path,
                )
            }
            ("PUT", "/api/v1/meetings/{id}/minutes") => {
                let version = self.version_at(&meeting, "/version").await;
                let body = json!({"version": version, "minutes": format!("{role}纪要{n}")});
                Call::json(format!("{meeting}/minutes"), body, meeting)
            }
            ("POST", "/api/v1/meetings/{id}/agenda") => {
                let version = self.version_at(&meeting, "/version").await;
                let body = json!({"version": version, "topic": format!("{role}议题{n}")});
                Call::json(format!("{meeting}/agenda"), body, meeting)
            }
            ("PUT", "/api/v1/meetings/{id}/agenda/{item_id}") => {
                let version = self.version_at(&meeting, "/version").await;
                let body = json!({"version": version, "outcome": format!("{role}结果{n}")});
                Call::json(
                    format!("{meeting}/agenda/{}", ids.agenda_item),
                    body,
                    meeting,
                )
            }
            ("POST", "/api/v1/meetings/{id}/attendees") => {
                let version = self.version_at(&meeting, "/version").await;
                let body = json!({"version": version, "guest_name": format!("嘉宾{n}"),
                                  "guest_org": "山东理工大学"});
                Call::json(format!("{meeting}/attendees"), body, meeting)
            }
            ("POST", "/api/v1/meetings/{id}/decisions") => {
                let version = self.version_at(&meeting, "/version").await;
                let body = json!({"version": version, "title": format!("{role}议定{n}"),
                                  "lead_department_id": ids.finance, "deadline": "2099-12-31"});
                Call::json(format!("{meeting}/decisions"), body, meeting)
            }
            // ---------------------------------------------------- monthly dispatch
            ("GET", "/api/v1/dispatch/periods") => Call::read("/api/v1/dispatch/periods".into()),
            ("GET", "/api/v1/dispatch/reports") => Call::read("/api/v1/dispatch/reports".into()),
            ("GET", "/api/v1/dispatch/completeness") => {
                Call::read("/api/v1/dispatch/completeness?year=2001".into())
            }
            ("GET", "/api/v1/dispatch/not-filed") => {
                Call::read("/api/v1/dispatch/not-filed".into())
            }
            ("GET", "/api/v1/dispatch/periods/{id}") => {
                let p = self.period().await;
                Call::read(format!("/api/v1/dispatch/periods/{}", p["id"]))
            }
            ("GET", "/api/v1/dispatch/reports/{id}" | "/api/v1/dispatch/reports/{id}/diff") => {
                let r = self.report("returned").await;
                Call::read(op.path.replace("{id}", &r["id"].to_string()))
            }
            ("POST", "/api/v1/dispatch/periods") => {
                let n = self.next();
                Call::json(
                    "/api/v1/dispatch/periods".into(),
                    json!({"year": 2001 + n / 12, "month": n % 12 + 1}),
                    "/api/v1/dispatch/periods?per_page=500".into(),
                )
            }
            ("POST", "/api/v1/dispatch/periods/{id}/extend") => {
                let p = self.period().await;
                let path = format!("/api/v1/dispatch/periods/{}", p["id"]);
                let deadline = chrono::NaiveDate::parse_from_str(
                    p["deadline"].as_str().unwrap_or_default(),
                    "%Y-%m-%d",
                )
                .expect("deadline")
                    + chrono::Duration::days(10);
                let body = json!({"version": p["version"], "industry_id": ids.new_materials,
                                  "deadline": deadline, "reason": format!("{role}延期{n}")});
                Call::json(format!("{path}/extend"), body, path)
            }
            ("POST", "/api/v1/dispatch/periods/{id}/lock") => {
                let p = self.period().await;
                let path = format!("/api/v1/dispatch/periods/{}", p["id"]);
                let body = json!({"version": p["version"], "reason": "报送结束"});
                Call::json(format!("{path}/lock"), body, path)
            }
            ("POST", "/api/v1/dispatch/periods/{id}/reopen") => {
                let p = self.period().await;
                let path = format!("/api/v1/dispatch/periods/{}", p["id"]);
                let p = self
                    .post(&format!("{path}/lock"), json!({"version": p["version"]}))
                    .await;
                Call::json(
                    format!("{path}/reopen"),
                    json!({"version": p["version"]}),
                    path,
                )
            }
            ("POST", "/api/v1/dispatch/reports") => {
                let p = self.period().await;
                Call::json(
                    "/api/v1/dispatch/reports".into(),
                    json!({"period_id": p["id"], "industry_id": ids.new_materials}),
                    "/api/v1/dispatch/reports?per_page=500".into(),
                )
            }
            ("PUT", "/api/v1/dispatch/reports/{id}") => {
                let r = self.report("draft").await;
                let path = format!("/api/v1/dispatch/reports/{}", r["id"]);
                let mut body = super::dispatch::sections(&format!("{role}{n}"));
                body["version"] = r["version"].clone();
                Call::json(path.clone(), body, path)
            }
            ("POST", "/api/v1/dispatch/reports/{id}/submit") => {
                let r = self.report("draft").await;
                let path = format!("/api/v1/dispatch/reports/{}", r["id"]);
                let mut body = super::dispatch::sections("提交");
                body["version"] = r["version"].clone();
                let (_, r) = self
                    .app
                    .call(
                        reqwest::Method::PUT,
                        &path,
                        Some(self.token("taskforce")),
                        Some(body),
                    )
                    .await;
                Call::json(
                    format!("{path}/submit"),
                    json!({"version": r["version"]}),
                    path,
                )
            }
            ("POST", "/api/v1/dispatch/reports/{id}/resubmit") => {
                let r = self.report("returned").await;
                let path = format!("/api/v1/dispatch/reports/{}", r["id"]);
                Call::json(
                    format!("{path}/resubmit"),
                    json!({"version": r["version"]}),
                    path,
                )
            }
            ("POST", "/api/v1/dispatch/reports/{id}/return") => {
                let r = self.report("submitted").await;
                let path = format!("/api/v1/dispatch/reports/{}", r["id"]);
                let body = json!({"version": r["version"], "reason": format!("{role}退回{n}"),
                                  "sections": ["planning", "funds"]});
                Call::json(format!("{path}/return"), body, path)
            }
            ("POST", "/api/v1/dispatch/reports/{id}/accept") => {
                let r = self.report("submitted").await;
                let path = format!("/api/v1/dispatch/reports/{}", r["id"]);
                Call::json(
                    format!("{path}/accept"),
                    json!({"version": r["version"]}),
                    path,
                )
            }
            ("GET", "/api/v1/settings/dispatch") => Call::read("/api/v1/settings/dispatch".into()),
            ("PUT", "/api/v1/settings/dispatch") => {
                let settings = "/api/v1/settings/dispatch".to_string();
                let version = self.version_at(&settings, "/version").await;
                Call::json(
                    settings.clone(),
                    json!({"version": version, "deadline_day": 5}),
                    settings,
                )
            }
            // ---------------------------------------------------- policies and funds
            ("GET", "/api/v1/policies") => Call::read("/api/v1/policies".into()),
            ("GET", "/api/v1/policies/totals") => {
                Call::read("/api/v1/policies/totals?year=2020".into())
            }
            ("GET", "/api/v1/policies/month") => {
                Call::read("/api/v1/policies/month?year=2020&month=6".into())
            }
            ("GET", "/api/v1/policies/{id}") => Call::read(policy.clone()),
            ("POST", "/api/v1/policies") => Call::json(
                "/api/v1/policies".into(),
                self.policy_fields(),
                "/api/v1/policies?per_page=500".into(),
            ),
            ("PUT", "/api/v1/policies/{id}") => {
                let (_, current) = self.app.get(&policy, self.token("office")).await;
                let mut body = self.policy_fields();
                body["doc_number"] = current["doc_number"].clone();
                body["title"] = json!(format!("{role}改政策{n}"));
                body["version"] = current["version"].clone();
                Call::json(policy.clone(), body, policy)
            }
            ("DELETE", "/api/v1/policies/{id}") => {
                let p = self.policy().await;
                let path = format!("/api/v1/policies/{}", p["id"]);
                Call::delete(path.clone(), &p["version"], path)
            }
            ("POST", "/api/v1/policies/{id}/beneficiaries") => {
                let version = self.version_at(&policy, "/version").await;
                let body = json!({"version": version, "kind": "enterprise",
                                  "enterprise_name": format!("{role}受益企业{n}"),
                                  "credit_code": self.credit_code(), "committed": 1_000_000});
                Call::json(format!("{policy}/beneficiaries"), body, policy)
            }
            ("PUT", "/api/v1/policies/{id}/beneficiaries/{beneficiary_id}") => {
                let version = self.version_at(&policy, "/version").await;
                let body = json!({"version": version, "committed": 100_000_000_000i64 + n,
                                  "note": format!("{role}调整{n}")});
                Call::json(
                    format!("{policy}/beneficiaries/{}", ids.beneficiary),
                    body,
                    policy,
                )
            }
            ("POST", "/api/v1/policies/{id}/payments") => {
                let version = self.version_at(&policy, "/version").await;
                let body = json!({"version": version, "beneficiary_id": ids.beneficiary,
                                  "paid_on": "2020-06-15", "amount": 100});
                Call::json(format!("{policy}/payments"), body, policy)
            }
            ("GET", "/api/v1/funds") => Call::read("/api/v1/funds".into()),
            ("GET", "/api/v1/funds/totals") => Call::read("/api/v1/funds/totals?year=2020".into()),
            ("GET", "/api/v1/funds/{id}") => Call::read(fund.clone()),
            ("POST", "/api/v1/funds") => Call::json(
                "/api/v1/funds".into(),
                self.fund_fields(),
                "/api/v1/funds?per_page=500".into(),
            ),
            ("PUT", "/api/v1/funds/{id}") => {
                let (_, current) = self.app.get(&fund, self.token("office")).await;
                let mut body = self.fund_fields();
                body["name"] = current["name"].clone();
                body["manager"] = json!(format!("{role}管理人{n}"));
                body["version"] = current["version"].clone();
                Call::json(fund.clone(), body, fund)
            }
            ("DELETE", "/api/v1/funds/{id}") => {
                let f = self.fund().await;
                let path = format!("/api/v1/funds/{}", f["id"]);
                Call::delete(path.clone(), &f["version"], path)
            }
            ("POST", "/api/v1/funds/{id}/sources") => {
                let version = self.version_at(&fund, "/version").await;
                let body = json!({"version": version, "source": "social", "amount": 100 + n});
                Call::json(format!("{fund}/sources"), body, fund)
            }
            ("POST", "/api/v1/funds/{id}/investments") => {
                let version = self.version_at(&fund, "/version").await;
                let body = json!({"version": version, "kind": "enterprise",
                                  "enterprise_name": format!("{role}被投企业{n}"),
                                  "credit_code": self.credit_code(),
                                  "industry_id": ids.new_materials,
                                  "invested_on": "2020-06-15", "amount": 100, "stake_bp": 10});
                Call::json(format!("{fund}/investments"), body, fund)
            }
            (method, path) => {
                panic!("no request for {method} {path}: add one to scope_matrix/requests.rs")
            }
        }
    }

    /// A status move of task `t` (the path as the document names it), with the reason a
    /// rejection or a cancellation needs.
    fn step(&self, op_path: &str, t: &Value, role: &str, n: i64) -> Call {
        let path = op_path.replace("{id}", &t["id"].to_string());
        let mut body = json!({"version": t["version"]});
        if path.ends_with("/reject") {
            body["reject_reason"] = json!(format!("{role}退回{n}"));
        }
        if path.ends_with("/cancel") {
            body["cancel_reason"] = json!(format!("{role}取消{n}"));
        }
        let witness = format!("/api/v1/tasks/{}", t["id"]);
        Call::json(path, body, witness)
    }
}
