//! The server the scope matrix runs against: the demo accounts signed in, the records the
//! requests act on — where every scoped role that may act on them reaches: the industry
//! 新材料, projects in 张店区 / 新材料 — makers of the records a call uses up (a delete, a
//! stage move, a disabled account), and readers of current versions.

use super::expectations::Caller;
use super::requests::XLSX;
use crate::harness::{TestApp, file_form, find_record};
use chrono::Datelike;
use reqwest::Method;
use serde_json::{Value, json};
use std::cell::Cell;
use std::collections::HashMap;

/// The ids the requests use.
#[derive(Default)]
pub(super) struct Ids {
    pub(super) city: i64,
    pub(super) county: i64,
    pub(super) zhangdian: i64,
    pub(super) department: i64,
    pub(super) group: i64,
    pub(super) chemical: i64,
    pub(super) new_materials: i64,
    pub(super) miit: i64,
    pub(super) user: i64,
    pub(super) project: i64,
    pub(super) started: i64,
    pub(super) member: i64,
    pub(super) expert: i64,
    pub(super) alliance: i64,
    pub(super) alliance_member: i64,
    pub(super) plan: i64,
    pub(super) file: i64,
    pub(super) work_plan: i64,
    pub(super) finance: i64,
    pub(super) task: i64,
    pub(super) task_file: i64,
    pub(super) problem: i64,
    pub(super) problem_file: i64,
    pub(super) item: i64,
    pub(super) item_file: i64,
    pub(super) meeting: i64,
    pub(super) agenda_item: i64,
    /// The test item's notice as a stored Word file.
    pub(super) document: i64,
    /// A policy of 新材料 issued by 市财政局, with a beneficiary.
    pub(super) policy: i64,
    pub(super) beneficiary: i64,
    /// A fund of 新材料.
    pub(super) fund: i64,
}

/// The server with its demo accounts signed in and the records the requests act on.
pub struct World<'a> {
    pub app: &'a TestApp,
    /// Each role's token; a password change ends the role's sessions, so it can be replaced
    /// (`renew_token`). Leaked: a few dozen strings for the length of a test.
    tokens: std::cell::RefCell<HashMap<&'static str, &'static str>>,
    pub(super) ids: Ids,
    /// Makes names unique per call.
    counter: Cell<i64>,
    /// The last year given a work plan (one per industry and year, 2000–2100).
    year: Cell<i32>,
}

/// The national code of the started project (a started project needs one).
pub(super) const STARTED_CODE: &str = "2601-370303-29-01-654321";

/// A valid project in 张店区 / 新材料, without the stage it enters in.
pub(super) fn project_fields(ids: (i64, i64), name: &str) -> Value {
    json!({
        "name": name, "owner_name": "淄博矩阵测试有限公司", "region_id": ids.0,
        "industry_id": ids.1, "library_class": "city_major", "nature": "new",
        "content": "矩阵测试", "total_investment": 1_000_000_000i64, "code": null
    })
}

/// Today, China time.
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
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
            tokens.insert(role, &*app.token(role).await.leak());
        }
        let mut world = World {
            app,
            tokens: std::cell::RefCell::new(tokens),
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
            finance: find("/api/v1/departments", "name_zh", "市财政局").await,
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
        world.ids.task = id(world.task().await);
        world.ids.task_file = id(world.task_file(world.ids.task).await);
        world.ids.problem = id(world.problem(true).await);
        world.ids.problem_file = id(world
            .upload(
                &format!("/api/v1/problems/{}/files", world.ids.problem),
                "office",
            )
            .await);
        world.ids.item = id(world.supervision_item().await);
        world.ids.item_file = id(world
            .upload(
                &format!("/api/v1/supervision-items/{}/files", world.ids.item),
                "supervisor",
            )
            .await);
        let meeting = world.held_meeting().await;
        world.ids.meeting = id(meeting.clone());
        world.ids.agenda_item = world.meeting_agenda_item(&meeting).await;
        world.ids.document = world.notice_document().await;
        let policy = world.policy().await;
        world.ids.policy = id(policy.clone());
        world.ids.beneficiary = world.beneficiary(&policy).await;
        world.ids.fund = id(world.fund().await);
        world
    }

    pub fn token(&self, role: &str) -> &'static str {
        self.tokens.borrow()[role]
    }

    /// Signs the role in again (its sessions ended with a password change).
    pub async fn renew_token(&self, role: &'static str) {
        let token: &'static str = self.app.token(role).await.leak();
        self.tokens.borrow_mut().insert(role, token);
    }

    pub(super) fn next(&self) -> i64 {
        self.counter.set(self.counter.get() + 1);
        self.counter.get()
    }

    pub(super) fn next_year(&self) -> i32 {
        self.year.set(self.year.get() + 1);
        self.year.get()
    }

    /// The role a request is prepared for: the caller's, or the office's for anonymous.
    pub(super) fn acting(caller: Caller) -> &'static str {
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

    pub(super) async fn post(&self, path: &str, body: Value) -> Value {
        self.post_as("office", path, body).await
    }

    pub(super) async fn post_as(&self, role: &str, path: &str, body: Value) -> Value {
        let (status, made) = self
            .app
            .call(Method::POST, path, Some(self.token(role)), Some(body))
            .await;
        assert!(
            status.is_success(),
            "setting up: POST {path}: {status} {made}"
        );
        made
    }

    // ------------------------------------------------------------ records used up by a call

    /// A new problem in 张店区 / 新材料 raised by the office, assigned to 市财政局 (due in two
    /// days, so it may be urged) when `assigned`.
    pub(super) async fn problem(&self, assigned: bool) -> Value {
        let body = json!({"title": format!("矩阵问题{}", self.next()), "kind": "land",
                          "description": "用地指标不足", "origin": "own",
                          "industry_id": self.ids.new_materials, "region_id": self.ids.zhangdian});
        let p = self.post("/api/v1/problems", body).await;
        if !assigned {
            return p;
        }
        let deadline = (today() + chrono::Duration::days(2)).to_string();
        let body = json!({"version": p["version"],
                          "assignments": [{"department_id": self.ids.finance, "deadline": deadline}]});
        self.post(&format!("/api/v1/problems/{}/assign", p["id"]), body)
            .await
    }

    /// A problem moved on from assigned by `steps`: (role, step, body beside the version).
    pub(super) async fn problem_after(&self, steps: &[(&str, &str, Value)]) -> Value {
        let mut p = self.problem(true).await;
        for (role, step, body) in steps {
            let mut body = body.clone();
            body["version"] = p["version"].clone();
            p = self
                .post_as(role, &format!("/api/v1/problems/{}/{step}", p["id"]), body)
                .await;
        }
        p
    }

    /// A new supervision item about the test problem, supervising 市财政局.
    pub(super) async fn supervision_item(&self) -> Value {
        let deadline = (today() + chrono::Duration::days(10)).to_string();
        let body = json!({"title": format!("矩阵督办{}", self.next()), "requirement": "按期办结",
                          "subject": "problem", "subject_id": self.ids.problem,
                          "deadline": deadline, "unit_ids": [self.ids.finance]});
        self.post_as("supervisor", "/api/v1/supervision-items", body)
            .await
    }

    /// The test item's notice, made by the supervisor: the id of its stored Word file.
    pub(super) async fn notice_document(&self) -> i64 {
        let item = self.ids.item;
        let path = format!("/api/v1/supervision-items/{item}/notice.docx");
        let req = self.app.client.get(self.app.url(&path));
        let (status, _) = self
            .app
            .send(req.bearer_auth(self.token("supervisor")))
            .await;
        assert!(status.is_success(), "setting up: {path}: {status}");
        let list = format!("/api/v1/documents?source_kind=supervision_item&source_id={item}");
        let (_, docs) = self.app.get(&list, self.token("supervisor")).await;
        docs["items"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["format"] == "docx"))
            .and_then(|d| d["id"].as_i64())
            .unwrap_or_else(|| panic!("setting up: no stored notice in {docs}"))
    }

    /// Uploads a text file to `path` as `role`.
    pub(super) async fn upload(&self, path: &str, role: &str) -> Value {
        let form = file_form("矩阵意见.txt", "text/plain", b"matrix".to_vec());
        let req = self.app.client.post(self.app.url(path));
        let (status, file) = self
            .app
            .send(req.bearer_auth(self.token(role)).multipart(form))
            .await;
        assert!(
            status.is_success(),
            "setting up: upload {path}: {status} {file}"
        );
        file
    }

    pub(super) fn profile_path(&self) -> String {
        format!("/api/v1/industries/{}", self.ids.new_materials)
    }

    pub(super) async fn member(&self) -> Value {
        let body =
            json!({"person_name": format!("矩阵成员{}", self.next()), "member_role": "member"});
        self.post(&format!("{}/taskforce-members", self.profile_path()), body)
            .await
    }

    pub(super) async fn expert(&self) -> Value {
        let body = json!({"person_name": format!("矩阵专家{}", self.next()), "specialty": "新材料",
                          "affiliation": "山东理工大学", "joined_on": "2024-01-01"});
        self.post(&format!("{}/experts", self.profile_path()), body)
            .await
    }

    pub(super) async fn alliance(&self) -> Value {
        let body = json!({"alliance_name": format!("矩阵联盟{}", self.next()), "kind": "alliance",
                          "plan_kind": "formation", "plan": "组建方案", "plan_status": "proposed"});
        self.post(&format!("{}/alliances", self.profile_path()), body)
            .await
    }

    pub(super) async fn alliance_member(&self) -> Value {
        let body = json!({"enterprise_name": format!("矩阵企业{}", self.next()), "alliance_role": "member"});
        let path = format!(
            "{}/alliances/{}/members",
            self.profile_path(),
            self.ids.alliance
        );
        self.post(&path, body).await
    }

    pub(super) async fn plan(&self) -> Value {
        let body = json!({"plan_title": format!("矩阵规划{}", self.next()),
                          "drafting_department_ids": [self.ids.miit], "drafted_on": "2025-03-01"});
        self.post(&format!("{}/special-plans", self.profile_path()), body)
            .await
    }

    pub(super) async fn file(&self) -> Value {
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

    pub(super) async fn work_plan(&self) -> Value {
        let year = self.next_year();
        let body = json!({"year": year, "plan_title": format!("{year}年工作计划")});
        self.post(&format!("{}/work-plans", self.profile_path()), body)
            .await
    }

    /// A new task of the office in 张店区 / 新材料, led by 市财政局 with 市工业和信息化局.
    pub(super) async fn task(&self) -> Value {
        let body = json!({"title": format!("矩阵任务{}", self.next()), "source": "office",
                          "industry_id": self.ids.new_materials, "region_id": self.ids.zhangdian,
                          "lead_department_id": self.ids.finance, "co_department_ids": [self.ids.miit],
                          "deadline": "2099-12-31"});
        self.post("/api/v1/tasks", body).await
    }

    /// A piece of evidence the office adds to `task`.
    pub(super) async fn task_file(&self, task: i64) -> Value {
        let form = file_form("矩阵佐证.txt", "text/plain", b"evidence".to_vec());
        let req = self
            .app
            .client
            .post(self.app.url(&format!("/api/v1/tasks/{task}/files")));
        let (status, file) = self
            .app
            .send(req.bearer_auth(self.token("office")).multipart(form))
            .await;
        assert!(status.is_success(), "setting up: evidence: {status} {file}");
        file
    }

    /// A new task with evidence, as it now stands.
    pub(super) async fn task_with_evidence(&self) -> Value {
        let id = self.task().await["id"].as_i64().expect("id");
        self.task_file(id).await;
        let (_, task) = self
            .app
            .get(&format!("/api/v1/tasks/{id}"), self.token("office"))
            .await;
        task
    }

    /// A task reported done, waiting for the office's check.
    pub(super) async fn submitted_task(&self) -> Value {
        let task = self.task_with_evidence().await;
        self.post(
            &format!("/api/v1/tasks/{}/submit", task["id"]),
            json!({"version": task["version"]}),
        )
        .await
    }

    /// The fields of a joint meeting about 新材料 in 张店区, held today, organised by
    /// 市商务局 and chaired by the demo leader.
    pub(super) async fn meeting_fields(&self) -> Value {
        let (_, leaders) = self
            .app
            .get("/api/v1/users?per_page=500", self.token("admin"))
            .await;
        let leader = leaders["items"]
            .as_array()
            .and_then(|a| a.iter().find(|u| u["username"] == "leader"))
            .map(|u| u["id"].clone())
            .expect("the demo leader");
        json!({"title": format!("矩阵会议{}", self.next()), "kind": "joint", "mode": "on_site",
               "held_on": today(), "place": "市政府第一会议室", "chair_user_id": leader,
               "organiser_department_id": self.ids.department,
               "industry_ids": [self.ids.new_materials], "region_id": self.ids.zhangdian})
    }

    /// A new meeting, planned.
    pub(super) async fn meeting(&self) -> Value {
        let body = self.meeting_fields().await;
        self.post("/api/v1/meetings", body).await
    }

    /// A new meeting, held, with a decision owned by 市财政局; as it now stands.
    pub(super) async fn held_meeting(&self) -> Value {
        let m = self.meeting().await;
        let path = format!("/api/v1/meetings/{}", m["id"]);
        let m = self
            .post(&format!("{path}/hold"), json!({"version": m["version"]}))
            .await;
        self.post(
            &format!("{path}/decisions"),
            json!({"version": m["version"], "title": "落实矩阵配套资金",
                   "lead_department_id": self.ids.finance, "deadline": "2099-12-31"}),
        )
        .await;
        let (_, m) = self.app.get(&path, self.token("office")).await;
        m
    }

    /// The fields of a policy of 新材料 issued by 市财政局 (a unique 文号).
    pub(super) fn policy_fields(&self) -> Value {
        json!({"title": "矩阵政策", "doc_number": format!("淄矩阵〔2020〕{}号", self.next()),
               "issued_on": "2020-03-01", "valid_from": "2020-03-01", "valid_to": null,
               "department_ids": [self.ids.finance], "industry_ids": [self.ids.new_materials],
               "measures": ["矩阵措施"], "summary": ""})
    }

    /// A new policy of 新材料 issued by 市财政局.
    pub(super) async fn policy(&self) -> Value {
        let body = self.policy_fields();
        self.post("/api/v1/policies", body).await
    }

    /// A valid 统一社会信用代码, different on every call.
    pub(super) fn credit_code(&self) -> String {
        let first = format!("9137030000{:07}", self.next());
        let check = dongneng_domain::codes::credit_code_check_char(&first).expect("code");
        format!("{first}{check}")
    }

    /// A beneficiary of `policy` with a large commitment: its id.
    pub(super) async fn beneficiary(&self, policy: &Value) -> i64 {
        let path = format!("/api/v1/policies/{}/beneficiaries", policy["id"]);
        let b = self
            .post(
                &path,
                json!({"version": policy["version"], "kind": "enterprise",
                       "enterprise_name": "淄博矩阵新材料有限公司",
                       "credit_code": self.credit_code(), "region_id": self.ids.zhangdian,
                       "committed": 100_000_000_000i64}),
            )
            .await;
        b["id"].as_i64().expect("id")
    }

    /// The fields of a fund of 新材料 (a unique name).
    pub(super) fn fund_fields(&self) -> Value {
        json!({"name": format!("矩阵基金{}", self.next()), "kind": "industry",
               "size": 100_000_000_000i64, "manager": "淄博矩阵基金管理有限公司",
               "industry_ids": [self.ids.new_materials]})
    }

    /// A new fund of 新材料.
    pub(super) async fn fund(&self) -> Value {
        let body = self.fund_fields();
        self.post("/api/v1/funds", body).await
    }

    /// An agenda item of `meeting`: its id.
    pub(super) async fn meeting_agenda_item(&self, meeting: &Value) -> i64 {
        let path = format!("/api/v1/meetings/{}", meeting["id"]);
        let item = self
            .post(
                &format!("{path}/agenda"),
                json!({"version": meeting["version"], "topic": "矩阵议题"}),
            )
            .await;
        item["id"].as_i64().expect("id")
    }

    /// A new project in 张店区 / 新材料, in the planning stage.
    pub(super) async fn project(&self) -> Value {
        let mut body = project_fields(
            (self.ids.zhangdian, self.ids.new_materials),
            &format!("矩阵项目{}", self.next()),
        );
        body["stage"] = json!("planning");
        self.post("/api/v1/projects", body).await
    }

    pub(super) async fn user(&self) -> Value {
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
    pub(super) async fn version_at(&self, path: &str, pointer: &str) -> Value {
        let (status, body) = self.app.get(path, self.reader(path)).await;
        assert!(status.is_success(), "reading {path}: {status} {body}");
        body.pointer(pointer).cloned().unwrap_or(Value::Null)
    }

    /// The version of a part of the 新材料 profile: the record with `id` in a list named
    /// `list` anywhere in the profile.
    pub(super) async fn part_version(&self, list: &str, id: i64) -> Value {
        let profile = format!("{}/profile", self.profile_path());
        let (_, body) = self.app.get(&profile, self.token("office")).await;
        find_record(&body, list, &Value::from(id))
            .map(|record| record["version"].clone())
            .unwrap_or_else(|| panic!("no {list} {id} in the profile"))
    }

    /// The office's export of 张店区 / 新材料: projects every editor reaches, so that
    /// importing it again is accepted (and changes nothing).
    pub(super) async fn library_sheet(&self) -> Vec<u8> {
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
    pub(super) fn progress_sheet(&self) -> Vec<u8> {
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
    pub(super) async fn refused_import_report(&self, role: &str) -> String {
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
