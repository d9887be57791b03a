//! For every operation of the API, a request that succeeds for a caller who may make it:
//! versions read fresh before each call, and a record of its own for each call that uses
//! one up (a delete, a stage move, a disabled account). The records live where every
//! scoped role that may act on them reaches: the industry 新材料, projects in 张店区 / 新材料.

use super::expectations::{Caller, Expectation};
use crate::harness::{TestApp, file_form};
use chrono::Datelike;
use reqwest::Method;
use serde_json::{Value, json};
use std::cell::Cell;
use std::collections::HashMap;

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

/// The ids the requests use.
#[derive(Default)]
struct Ids {
    city: i64,
    county: i64,
    zhangdian: i64,
    department: i64,
    group: i64,
    chemical: i64,
    new_materials: i64,
    miit: i64,
    user: i64,
    project: i64,
    started: i64,
    member: i64,
    expert: i64,
    alliance: i64,
    alliance_member: i64,
    plan: i64,
    file: i64,
    work_plan: i64,
    measure: i64,
}

/// The server with its demo accounts signed in and the records the requests act on.
pub struct World<'a> {
    pub app: &'a TestApp,
    tokens: HashMap<&'static str, String>,
    ids: Ids,
    /// Makes names unique per call.
    counter: Cell<i64>,
    /// The last year given a work plan (one per industry and year, 2000–2100).
    year: Cell<i32>,
}

/// The national code of the started project (a started project needs one).
const STARTED_CODE: &str = "2601-370303-29-01-654321";

/// A valid project in 张店区 / 新材料, without the stage it enters in.
fn project_fields(ids: (i64, i64), name: &str) -> Value {
    json!({
        "name": name, "owner_name": "淄博矩阵测试有限公司", "region_id": ids.0,
        "industry_id": ids.1, "library_class": "city_major", "nature": "new",
        "content": "矩阵测试", "total_investment": 1_000_000_000i64, "code": null
    })
}

/// The month before this one, China time (December of last year in January).
pub fn last_month() -> (i32, u32) {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    }
}

impl<'a> World<'a> {
    pub async fn build(app: &'a TestApp, roles: impl Iterator<Item = &'static str>) -> World<'a> {
        let mut tokens = HashMap::new();
        for role in roles {
            tokens.insert(role, app.token(role).await);
        }
        let mut world = World {
            app,
            tokens,
            ids: Ids::default(),
            counter: Cell::new(0),
            year: Cell::new(2029),
        };
        let find = async |list: &str, field: &str, value: &str| {
            app.find_id(world.token("admin"), list, field, value).await
        };
        let ids = Ids {
            city: find("/api/v1/regions", "code", "370300").await,
            county: find("/api/v1/regions", "code", "370322").await,
            zhangdian: find("/api/v1/regions", "code", "370303").await,
            department: find("/api/v1/departments", "name_zh", "市商务局").await,
            group: find("/api/v1/industry-groups", "key", "traditional").await,
            chemical: find("/api/v1/industries", "key", "chemical").await,
            new_materials: find("/api/v1/industries", "key", "new_materials").await,
            miit: find("/api/v1/departments", "name_zh", "市工业和信息化局").await,
            ..Ids::default()
        };
        world.ids = ids;
        let id = |v: Value| v["id"].as_i64().expect("id");
        world.ids.user = id(world.user().await);
        world.ids.project = id(world.project().await);
        let mut started = project_fields(
            (world.ids.zhangdian, world.ids.new_materials),
            "矩阵在建项目",
        );
        started["stage"] = json!("started");
        started["code"] = json!(STARTED_CODE);
        started["actual_start"] = json!("2025-01-01");
        world.ids.started = id(world.post("/api/v1/projects", started).await);
        world.ids.member = id(world.member().await);
        world.ids.expert = id(world.expert().await);
        world.ids.alliance = id(world.alliance().await);
        world.ids.alliance_member = id(world.alliance_member().await);
        world.ids.plan = id(world.plan().await);
        world.ids.file = id(world.file().await);
        world.ids.work_plan = id(world.work_plan().await);
        world.ids.measure = id(world.measure().await);
        world
    }

    pub fn token(&self, role: &str) -> &str {
        &self.tokens[role]
    }

    fn next(&self) -> i64 {
        self.counter.set(self.counter.get() + 1);
        self.counter.get()
    }

    fn next_year(&self) -> i32 {
        self.year.set(self.year.get() + 1);
        self.year.get()
    }

    /// The role a request is prepared for: the caller's, or the office's for anonymous.
    fn acting(caller: Caller) -> &'static str {
        caller.role().unwrap_or("office")
    }

    /// Who reads a witness: the administrator for accounts, the office for the rest.
    pub fn reader(&self, path: &str) -> &str {
        if path.starts_with("/api/v1/users") {
            self.token("admin")
        } else {
            self.token("office")
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let (status, made) = self
            .app
            .call(Method::POST, path, Some(self.token("office")), Some(body))
            .await;
        assert!(
            status.is_success(),
            "setting up: POST {path}: {status} {made}"
        );
        made
    }

    // ------------------------------------------------------------ records used up by a call

    fn profile_path(&self) -> String {
        format!("/api/v1/industries/{}", self.ids.new_materials)
    }

    async fn member(&self) -> Value {
        let body =
            json!({"person_name": format!("矩阵成员{}", self.next()), "member_role": "member"});
        self.post(&format!("{}/taskforce-members", self.profile_path()), body)
            .await
    }

    async fn expert(&self) -> Value {
        let body = json!({"person_name": format!("矩阵专家{}", self.next()), "specialty": "新材料",
                          "affiliation": "山东理工大学", "joined_on": "2024-01-01"});
        self.post(&format!("{}/experts", self.profile_path()), body)
            .await
    }

    async fn alliance(&self) -> Value {
        let body = json!({"alliance_name": format!("矩阵联盟{}", self.next()), "kind": "alliance",
                          "plan_kind": "formation", "plan": "组建方案", "plan_status": "proposed"});
        self.post(&format!("{}/alliances", self.profile_path()), body)
            .await
    }

    async fn alliance_member(&self) -> Value {
        let body = json!({"enterprise_name": format!("矩阵企业{}", self.next()), "alliance_role": "member"});
        let path = format!(
            "{}/alliances/{}/members",
            self.profile_path(),
            self.ids.alliance
        );
        self.post(&path, body).await
    }

    async fn plan(&self) -> Value {
        let body = json!({"plan_title": format!("矩阵规划{}", self.next()),
                          "drafting_department_ids": [self.ids.miit], "drafted_on": "2025-03-01"});
        self.post(&format!("{}/special-plans", self.profile_path()), body)
            .await
    }

    async fn file(&self) -> Value {
        let path = format!(
            "{}/special-plans/{}/files",
            self.profile_path(),
            self.ids.plan
        );
        let form = file_form("矩阵.txt", "text/plain", b"matrix".to_vec());
        let req = self.app.client.post(self.app.url(&path));
        let (status, file) = self
            .app
            .send(req.bearer_auth(self.token("office")).multipart(form))
            .await;
        assert!(status.is_success(), "setting up: upload: {status} {file}");
        file
    }

    async fn work_plan(&self) -> Value {
        let year = self.next_year();
        let body = json!({"year": year, "plan_title": format!("{year}年工作计划")});
        self.post(&format!("{}/work-plans", self.profile_path()), body)
            .await
    }

    async fn measure(&self) -> Value {
        let body = json!({"measure": format!("矩阵措施{}", self.next()), "owner_person": "张某某", "deadline": "2026-12-31",
                          "status": "not_started"});
        let path = format!(
            "{}/work-plans/{}/measures",
            self.profile_path(),
            self.ids.work_plan
        );
        self.post(&path, body).await
    }

    /// A new project in 张店区 / 新材料, in the planning stage.
    async fn project(&self) -> Value {
        let mut body = project_fields(
            (self.ids.zhangdian, self.ids.new_materials),
            &format!("矩阵项目{}", self.next()),
        );
        body["stage"] = json!("planning");
        self.post("/api/v1/projects", body).await
    }

    async fn user(&self) -> Value {
        let body = json!({"username": format!("matrix.throwaway.{}", self.next()), "display_name": "x",
                          "password": "a-long-password",
                          "grants": [{"role": "stats", "scope": {"kind": "city"}}]});
        let (status, made) = self
            .app
            .call(
                Method::POST,
                "/api/v1/users",
                Some(self.token("admin")),
                Some(body),
            )
            .await;
        assert!(status.is_success(), "setting up a user: {made}");
        made
    }

    // ------------------------------------------------------------ fresh versions

    /// The version of a record as it stands, read as the office or the administrator.
    async fn version_at(&self, path: &str, pointer: &str) -> Value {
        let (status, body) = self.app.get(path, self.reader(path)).await;
        assert!(status.is_success(), "reading {path}: {status} {body}");
        body.pointer(pointer).cloned().unwrap_or(Value::Null)
    }

    /// The version of a part of the 新材料 profile: the record with `id` in a list named
    /// `list` anywhere in the profile.
    async fn part_version(&self, list: &str, id: i64) -> Value {
        fn find(v: &Value, list: &str, id: i64) -> Option<Value> {
            match v {
                Value::Object(o) => o.iter().find_map(|(k, v)| {
                    let here = (k == list)
                        .then(|| v.as_array())
                        .flatten()
                        .and_then(|items| items.iter().find(|i| i["id"] == id))
                        .map(|i| i["version"].clone());
                    here.or_else(|| find(v, list, id))
                }),
                Value::Array(a) => a.iter().find_map(|v| find(v, list, id)),
                _ => None,
            }
        }
        let profile = format!("{}/profile", self.profile_path());
        let (_, body) = self.app.get(&profile, self.token("office")).await;
        find(&body, list, id).unwrap_or_else(|| panic!("no {list} {id} in the profile"))
    }

    // ------------------------------------------------------------ the requests

    /// A request for `op` that succeeds when `caller` may make it.
    pub async fn prepare(&self, op: &Expectation, caller: Caller) -> Call {
        let ids = &self.ids;
        let n = self.next();
        let role = Self::acting(caller);
        let profile = self.profile_path();
        let profile_witness = format!("{profile}/profile");
        let project = format!("/api/v1/projects/{}", ids.project);
        let projects = "/api/v1/projects?in_library=all&per_page=500".to_string();
        let users = "/api/v1/users?per_page=500".to_string();
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
            ("POST", "/api/v1/industries/{id}/work-plans/{plan_id}/measures") => Call::json(
                format!("{profile}/work-plans/{}/measures", ids.work_plan),
                json!({"measure": format!("{role}措施{n}"), "owner_person": "张某某", "deadline": "2026-12-31",
                       "status": "not_started"}),
                profile_witness,
            ),
            ("PUT", "/api/v1/industries/{id}/work-plans/{plan_id}/measures/{measure_id}") => {
                let version = self.part_version("measures", ids.measure).await;
                Call::json(
                    format!(
                        "{profile}/work-plans/{}/measures/{}",
                        ids.work_plan, ids.measure
                    ),
                    json!({"version": version, "measure": format!("矩阵措施-{role}{n}"), "owner_person": "张某某",
                           "deadline": "2026-12-31", "status": "in_progress"}),
                    profile_witness,
                )
            }
            ("DELETE", "/api/v1/industries/{id}/work-plans/{plan_id}/measures/{measure_id}") => {
                let m = self.measure().await;
                let path = format!(
                    "{profile}/work-plans/{}/measures/{}",
                    ids.work_plan, m["id"]
                );
                Call::delete(path, &m["version"], profile_witness)
            }
            (method, path) => {
                panic!("no request for {method} {path}: add one to scope_matrix/requests.rs")
            }
        }
    }

    /// The office's export of 张店区 / 新材料: projects every editor reaches, so that
    /// importing it again is accepted (and changes nothing).
    async fn library_sheet(&self) -> Vec<u8> {
        let path = format!(
            "/api/v1/projects/export.xlsx?region={}&industry={}",
            self.ids.zhangdian, self.ids.new_materials
        );
        let resp = self
            .app
            .client
            .get(self.app.url(&path))
            .bearer_auth(self.token("office"))
            .send()
            .await
            .expect("export");
        assert!(resp.status().is_success(), "setting up: export");
        resp.bytes().await.expect("workbook").to_vec()
    }

    /// Last month's progress of the started project, as a monthly-progress sheet (the same
    /// figure as the API's report, so that it adds nothing past the total).
    fn progress_sheet(&self) -> Vec<u8> {
        let (year, month) = last_month();
        let row = dongneng_office::ProgressSheetRow {
            code: Some(STARTED_CODE.into()),
            name: String::new(),
            owner_name: String::new(),
            year,
            month,
            month_investment: dongneng_domain::money::Money(1_000_000),
            ytd_investment: None,
            image_progress: "主体施工".into(),
            milestone: String::new(),
            problems: String::new(),
            next_steps: String::new(),
        };
        dongneng_office::write_progress(&[row]).expect("progress sheet")
    }

    /// The marked workbook of an import refused for a bad row: `role`'s own when it may
    /// import, the office's otherwise.
    async fn refused_import_report(&self, role: &str) -> String {
        let sheet = dongneng_office::read_projects(&self.library_sheet().await).expect("sheet");
        let mut rows: Vec<_> = sheet.rows.into_iter().map(|(_, r)| r).take(1).collect();
        rows[0].region = "火星区".into();
        let bad = dongneng_office::write_projects(&rows, &Default::default()).expect("workbook");
        for who in [role, "office"] {
            let (status, refused) = self
                .app
                .raw(
                    Method::POST,
                    "/api/v1/projects/import",
                    Some(self.token(who)),
                    XLSX,
                    bad.clone(),
                )
                .await;
            if let Some(url) = refused["error"]["report_url"].as_str() {
                return url.to_string();
            }
            assert_eq!(
                status.as_u16(),
                403,
                "setting up a refused import as {who}: {refused}"
            );
        }
        panic!("no import report")
    }
}
