//! Problems (问题协调) through the API on both databases: the whole loop from raising to
//! resolving, every bad input of the issue, the scopes, numbering under concurrency, the
//! overdue list and the per-department table, the demo, and the page forms.

use crate::harness::{TestApp, each_backend, file_form, full_demo, reference_data};
use chrono::{Datelike, Duration, Utc};
use dongneng_domain::problem::{AssignmentInput, ProblemKind, ProblemOrigin};
use dongneng_store::{NewProblem, ProblemChange, ProblemFields, ProblemStep};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Today in China.
fn today() -> chrono::NaiveDate {
    dongneng_domain::clock::today()
}

fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

/// Ids the tests use.
pub(crate) struct Ids {
    pub new_materials: i64,
    pub chemical: i64,
    pub zhangdian: i64,
    pub zichuan: i64,
    pub finance: i64,
    pub miit: i64,
}

pub(crate) async fn ids(app: &TestApp) -> Ids {
    let t = app.token("office").await;
    Ids {
        new_materials: app
            .find_id(&t, "/api/v1/industries", "key", "new_materials")
            .await,
        chemical: app
            .find_id(&t, "/api/v1/industries", "key", "chemical")
            .await,
        zhangdian: app.find_id(&t, "/api/v1/regions", "code", "370303").await,
        zichuan: app.find_id(&t, "/api/v1/regions", "code", "370302").await,
        finance: app
            .find_id(&t, "/api/v1/departments", "name_zh", "市财政局")
            .await,
        miit: app
            .find_id(&t, "/api/v1/departments", "name_zh", "市工业和信息化局")
            .await,
    }
}

/// A problem raised by the office about `industry` in `region`.
pub(crate) async fn raise(
    app: &TestApp,
    token: &str,
    industry: i64,
    region: i64,
    title: &str,
) -> Value {
    let (status, p) = app
        .call(
            Method::POST,
            "/api/v1/problems",
            Some(token),
            Some(
                json!({"title": title, "kind": "funds", "description": "配套资金未到位",
                        "origin": "own", "industry_id": industry, "region_id": region}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p
}

/// Makes step `step` of problem `p` with `body` and the problem's current version.
pub(crate) async fn step(
    app: &TestApp,
    token: &str,
    p: &Value,
    step: &str,
    body: Value,
) -> (StatusCode, Value) {
    let (_, now) = app
        .get(
            &format!("/api/v1/problems/{}", p["id"]),
            &app.token("office").await,
        )
        .await;
    let mut body = body;
    body["version"] = now["version"].clone();
    app.call(
        Method::POST,
        &format!("/api/v1/problems/{}/{step}", p["id"]),
        Some(token),
        Some(body),
    )
    .await
}

/// Makes a step that must succeed; the problem after it.
async fn ok_step(app: &TestApp, token: &str, p: &Value, name: &str, body: Value) -> Value {
    let (status, after) = step(app, token, p, name, body).await;
    assert_eq!(status, StatusCode::OK, "{name}: {after}");
    after
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["error"]["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap_or_default().to_string(),
                        f["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn has(body: &Value, field: &str, code: &str) -> bool {
    fields(body).iter().any(|(f, c)| f == field && c == code)
}

async fn detail(app: &TestApp, token: &str, id: &Value) -> Value {
    let (status, d) = app.get(&format!("/api/v1/problems/{id}"), token).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    d
}

/// A project in 张店区 / 新材料 (the reference data has none).
async fn project(app: &TestApp, token: &str, ids: &Ids) -> Value {
    let (status, p) = app
        .call(
            Method::POST,
            "/api/v1/projects",
            Some(token),
            Some(
                json!({"name": "高性能分离膜材料项目", "owner_name": "淄博膜材料有限公司",
                        "region_id": ids.zhangdian, "industry_id": ids.new_materials,
                        "library_class": "city_major", "nature": "new", "content": "",
                        "total_investment": 1_000_000_000i64, "stage": "planning"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p
}

#[tokio::test]
async fn a_problem_goes_from_raised_to_resolved() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let (office, taskforce, dept) = (
            app.token("office").await,
            app.token("taskforce").await,
            app.token("dept").await,
        );
        let pr = project(app, &office, &ids).await;
        // The task force raises it from the project: industry and district follow.
        let (status, p) = app
            .call(
                Method::POST,
                "/api/v1/problems",
                Some(&taskforce),
                Some(json!({"title": " 项目用地指标不足 ", "kind": "land",
                            "description": "需新增建设用地 120 亩", "origin": "project",
                            "project_id": pr["id"]})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        assert_eq!(p["title"], "项目用地指标不足");
        assert_eq!(p["state"], "raised");
        assert_eq!(p["number"], format!("{}-0001", today().year()));
        assert_eq!(
            (p["industry_id"].as_i64(), p["region_id"].as_i64()),
            (Some(ids.new_materials), Some(ids.zhangdian))
        );
        assert_eq!(p["origin_id"], pr["id"]);
        // The department sees nothing yet.
        let (_, list) = app.get("/api/v1/problems", &dept).await;
        assert_eq!(list["total"], 0, "{list}");

        // The office assigns it to 市财政局 and 市工信局.
        let p = ok_step(
            app,
            &office,
            &p,
            "assign",
            json!({"assignments": [
            {"department_id": ids.finance, "deadline": day(10)},
            {"department_id": ids.miit, "deadline": day(12)}]}),
        )
        .await;
        assert_eq!(p["state"], "assigned");
        assert_eq!(p["next_deadline"], day(10));
        let (_, list) = app.get("/api/v1/problems", &dept).await;
        assert_eq!(list["total"], 1);

        // The department signs (within a day) and answers.
        let p = ok_step(app, &dept, &p, "sign", json!({})).await;
        let d = detail(app, &office, &p["id"]).await;
        let mine = |d: &Value| -> Value {
            d["assignments"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["department_id"] == ids.finance)
                .unwrap()
                .clone()
        };
        assert_eq!(mine(&d)["state"], "signed");
        assert_eq!(mine(&d)["signed_on_time"], true);
        assert_eq!(mine(&d)["sign_late"], false);
        let p = ok_step(
            app,
            &dept,
            &p,
            "answer",
            json!({"answer": "资金已列入预算"}),
        )
        .await;
        assert_eq!(p["state"], "assigned", "市工信局 has not answered");
        // The office returns the answer with a reason; the department answers again.
        let p = ok_step(
            app,
            &office,
            &p,
            "return",
            json!({"department_id": ids.finance, "return_reason": "请明确拨付时间"}),
        )
        .await;
        let d = detail(app, &dept, &p["id"]).await;
        assert_eq!(mine(&d)["state"], "returned");
        assert_eq!(mine(&d)["return_reason"], "请明确拨付时间");
        let p = ok_step(
            app,
            &dept,
            &p,
            "answer",
            json!({"answer": "下月 10 日前拨付"}),
        )
        .await;
        // The office does not answer for a department.
        let (status, _) = step(app, &office, &p, "answer", json!({"answer": "x"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let d = detail(app, &office, &p["id"]).await;
        let theirs = d["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["department_id"] == ids.miit)
            .unwrap()
            .clone();
        assert_eq!(theirs["state"], "assigned");
        // The office resolves it: the answer is accepted, the open assignment closed.
        let p = ok_step(
            app,
            &office,
            &p,
            "resolve",
            json!({"resolution": "资金已拨付"}),
        )
        .await;
        assert_eq!(p["state"], "resolved");
        assert_eq!(p["next_deadline"], Value::Null);
        let d = detail(app, &office, &p["id"]).await;
        assert_eq!(mine(&d)["state"], "accepted");
        let states: Vec<&str> = d["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["state"].as_str().unwrap())
            .collect();
        assert_eq!(states, ["accepted", "closed"]);
        let kinds: Vec<&str> = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "raised", "assigned", "assigned", "signed", "answered", "returned", "answered",
                "resolved"
            ]
        );
        assert_eq!(d["events"][5]["text"], "请明确拨付时间");
        // Nothing more happens to a resolved problem.
        let (status, e) = step(app, &office, &p, "escalate", json!({"note": "x"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "state", "problem_state"), "{e}");

        // The per-department table of this year.
        let (_, stats) = app.get("/api/v1/problems/department-stats", &office).await;
        let row = stats["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["department_id"] == ids.finance)
            .unwrap()
            .clone();
        assert_eq!(
            (
                row["received"].as_i64(),
                row["signed_on_time"].as_i64(),
                row["answered_on_time"].as_i64(),
                row["answered_late"].as_i64(),
                row["open"].as_i64()
            ),
            (Some(1), Some(1), Some(1), Some(0), Some(0))
        );
        assert_eq!(row["avg_answer_days"], 0.0);
        assert_eq!(row["avg_resolve_days"], 0.0);
        // The department sees its own row only.
        let (_, own) = app.get("/api/v1/problems/department-stats", &dept).await;
        let depts: Vec<i64> = own["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["department_id"].as_i64().unwrap())
            .collect();
        assert_eq!(depts, [ids.finance]);
    })
    .await;
}

#[tokio::test]
async fn escalation_and_the_leaders_instruction() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let (office, leader) = (app.token("office").await, app.token("leader").await);
        let p = raise(app, &office, ids.new_materials, ids.zhangdian, "能耗指标需统筹").await;
        // Only an escalated problem takes an instruction.
        let (status, e) = step(app, &leader, &p, "instruct", json!({"instruction": "x", "lead_department_id": ids.finance, "deadline": day(30)})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(has(&e, "state", "problem_state"));
        let (status, e) = step(app, &office, &p, "escalate", json!({"note": "  "})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "note", "required"), "{e}");
        let p = ok_step(app, &office, &p, "escalate", json!({"note": "提请分管市领导协调"})).await;
        assert_eq!(p["state"], "escalated");
        // The office waits for the leader: no assignment meanwhile.
        let (status, _) = step(app, &office, &p, "assign", json!({"assignments": [{"department_id": ids.finance, "deadline": day(3)}]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // A leader of another industry may not instruct; this one's instruction needs its
        // task's lead department and a deadline not before today.
        let chem = raise(app, &office, ids.chemical, ids.zichuan, "化工园区问题").await;
        let chem = ok_step(app, &office, &chem, "escalate", json!({"note": "x"})).await;
        let (status, _) = step(app, &leader, &chem, "instruct", json!({"instruction": "x", "lead_department_id": ids.finance, "deadline": day(30)})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let before = app.audit_count().await;
        let (status, e) = step(app, &leader, &p, "instruct", json!({"instruction": "请牵头", "lead_department_id": 999_999, "co_department_ids": [ids.miit], "deadline": day(-1)})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(has(&e, "deadline", "deadline_before"), "{e}");
        let (status, e) = step(app, &leader, &p, "instruct", json!({"instruction": "请牵头", "lead_department_id": 999_999, "deadline": day(30)})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(has(&e, "lead_department_id", "unknown_reference"), "{e}");
        assert_eq!(app.audit_count().await, before);
        let p = ok_step(app, &leader, &p, "instruct", json!({"instruction": "请市财政局牵头，一个月内拿出方案。", "lead_department_id": ids.finance, "co_department_ids": [ids.miit], "deadline": day(30)})).await;
        assert_eq!(p["state"], "instructed");
        let d = detail(app, &office, &p["id"]).await;
        let i = &d["instructions"][0];
        assert_eq!(i["instruction"], "请市财政局牵头，一个月内拿出方案。");
        assert_eq!(i["username"], "leader");
        assert_eq!(i["leader_name"], "市领导（新材料产业）");
        assert_eq!(i["lead_department_id"], ids.finance);
        assert_eq!(i["co_department_ids"], json!([ids.miit]));
        assert_eq!(i["deadline"], day(30));
        // The instruction became a key task of the lead department, from this problem,
        // with the instructing leader in charge.
        let task_id = i["task_id"].as_i64().expect("the instruction's task");
        let (status, t) = app.get(&format!("/api/v1/tasks/{task_id}"), &office).await;
        assert_eq!(status, StatusCode::OK, "{t}");
        assert_eq!(t["source"], "problem_instruction");
        assert_eq!(t["source_id"], p["id"]);
        assert_eq!(t["lead_department_id"], ids.finance);
        assert_eq!(t["deadline"], day(30));
        assert_eq!(t["status"], "not_started");
        // After the instruction the office assigns as usual.
        let p = ok_step(app, &office, &p, "assign", json!({"assignments": [{"department_id": ids.finance, "deadline": day(30)}]})).await;
        assert_eq!(p["state"], "assigned");
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_and_writes_nothing() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let (office, dept, admin) = (app.token("office").await, app.token("dept").await, app.token("admin").await);
        let p = raise(app, &office, ids.new_materials, ids.zhangdian, "坏输入").await;
        let before = app.audit_count().await;
        let assign = |dept: i64, deadline: String| json!({"assignments": [{"department_id": dept, "deadline": deadline}]});
        // A deadline before the raise date.
        let (status, e) = step(app, &office, &p, "assign", assign(ids.finance, day(-1))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "assignments[0].deadline", "deadline_before"), "{e}");
        // A department that does not exist.
        let (status, e) = step(app, &office, &p, "assign", assign(987_654, day(5))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "assignments[0].department_id", "unknown_reference"), "{e}");
        assert_eq!(app.audit_count().await, before);
        // A disabled department.
        let path = format!("/api/v1/departments/{}", ids.miit);
        let (_, d) = app.get(&path, &admin).await;
        let mut body = d.clone();
        for k in ["id", "created_at", "updated_at"] {
            body.as_object_mut().unwrap().remove(k);
        }
        body["active"] = json!(false);
        let (status, d) = app.call(Method::PUT, &path, Some(&admin), Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{d}");
        assert_eq!(d["active"], false);
        let before = app.audit_count().await;
        let (status, e) = step(app, &office, &p, "assign", assign(ids.miit, day(5))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "assignments[0].department_id", "department_disabled"), "{e}");
        // The same department twice.
        let (status, e) = step(app, &office, &p, "assign", json!({"assignments": [
            {"department_id": ids.finance, "deadline": day(5)}, {"department_id": ids.finance, "deadline": day(6)}]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "assignments[1].department_id", "duplicate"), "{e}");
        assert_eq!(app.audit_count().await, before, "refused assignments wrote");
        let (_, d) = app.get(&format!("/api/v1/problems/{}", p["id"]), &office).await;
        assert_eq!(d["assignments"], json!([]));

        // Answering a problem not assigned to one's department: refused, nothing written.
        let other = raise(app, &office, ids.new_materials, ids.zhangdian, "另一个问题").await;
        let other_dept = app.find_id(&office, "/api/v1/departments", "name_zh", "市商务局").await;
        let other = ok_step(app, &office, &other, "assign", assign(other_dept, day(5))).await;
        let before = app.audit_count().await;
        for (name, body) in [("sign", json!({})), ("answer", json!({"answer": "越权答复"}))] {
            let (status, e) = step(app, &dept, &other, name, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {e}");
            assert_eq!(e["error"]["code"], "forbidden");
        }
        let (status, _) = app.get(&format!("/api/v1/problems/{}", other["id"]), &dept).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "not the department's to read either");
        assert_eq!(app.audit_count().await, before);

        // Answering before signing; an empty answer; urging too early.
        let p = ok_step(app, &office, &p, "assign", assign(ids.finance, day(10))).await;
        let before = app.audit_count().await;
        let (status, e) = step(app, &dept, &p, "answer", json!({"answer": "先答复"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "state", "not_signed"), "{e}");
        let (status, e) = step(app, &office, &p, "urge", json!({"department_id": ids.finance})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "department_id", "urge_too_early"), "{e}");
        let (status, e) = step(app, &office, &p, "return", json!({"department_id": ids.finance, "return_reason": "x"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing answered to return: {e}");
        assert_eq!(app.audit_count().await, before);

        // A stale version: 409, nothing written.
        let stale = p["version"].as_i64().unwrap() - 1;
        let (status, e) = app
            .call(Method::POST, &format!("/api/v1/problems/{}/sign", p["id"]), Some(&dept), Some(json!({"version": stale})))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{e}");
        let (status, _) = app
            .call(Method::PUT, &format!("/api/v1/problems/{}", p["id"]), Some(&office),
                  Some(json!({"version": stale, "title": "改", "kind": "land", "description": "x", "origin": "own",
                              "industry_id": ids.new_materials, "region_id": ids.zhangdian})))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(app.audit_count().await, before);

        // References of a raised problem.
        for (body, field, code) in [
            (json!({"title": "x", "kind": "land", "description": "x", "origin": "project", "project_id": 999_999}), "project_id", "unknown_reference"),
            (json!({"title": "x", "kind": "land", "description": "x", "origin": "own", "industry_id": 999_999, "region_id": ids.zhangdian}), "industry_id", "unknown_reference"),
            (json!({"title": "x", "kind": "land", "description": "x", "origin": "meeting", "industry_id": ids.new_materials, "region_id": ids.zhangdian}), "origin_id", "required"),
            (json!({"title": "x", "kind": "flood", "description": "x", "origin": "own"}), "kind", "invalid_type"),
        ] {
            let (status, e) = app.call(Method::POST, "/api/v1/problems", Some(&office), Some(body)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert!(has(&e, field, code), "{field} {code}: {e}");
        }
        assert_eq!(app.audit_count().await, before);
    })
    .await;
}

#[tokio::test]
async fn files_of_problems_and_answers() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let (office, dept, district) = (
            app.token("office").await,
            app.token("dept").await,
            app.token("district").await,
        );
        let p = raise(app, &office, ids.new_materials, ids.zhangdian, "附件").await;
        let p = ok_step(
            app,
            &office,
            &p,
            "assign",
            json!({"assignments": [{"department_id": ids.finance, "deadline": day(5)}]}),
        )
        .await;
        let files = format!("/api/v1/problems/{}/files", p["id"]);
        let upload = async |token: &str, name: &str, mime: &str, bytes: Vec<u8>| {
            let req = app
                .client
                .post(app.url(&files))
                .bearer_auth(token)
                .multipart(file_form(name, mime, bytes));
            app.send(req).await
        };
        // The district raises in its area: it may attach to the problem; the department to
        // its answer.
        let (status, f) = upload(&district, "现场照片.png", "image/png", b"\x89PNG".to_vec()).await;
        assert_eq!(status, StatusCode::CREATED, "{f}");
        assert_eq!(f["assignment_id"], Value::Null);
        let (status, a) = upload(
            &dept,
            "答复材料.pdf",
            "application/pdf",
            b"%PDF-1.4".to_vec(),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        assert!(a["assignment_id"].is_i64());
        let resp = app
            .client
            .get(app.url(&format!("{files}/{}", a["id"])))
            .bearer_auth(&office)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "application/pdf");
        assert!(
            resp.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        assert_eq!(resp.bytes().await.unwrap().as_ref(), b"%PDF-1.4");
        // Over the limit (413) and of a refused type (422): nothing written.
        let before = app.audit_count().await;
        let big = vec![1u8; dongneng_domain::profile::MAX_FILE_BYTES + 1];
        let (status, e) = upload(&office, "大文件.pdf", "application/pdf", big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
        let (status, e) = upload(
            &office,
            "setup.exe",
            "application/octet-stream",
            b"MZ".to_vec(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "file", "file_type"), "{e}");
        let (status, e) = upload(&office, "页面.html", "text/html", b"<script>".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        // Someone outside its scope: 403 before the body is read.
        let (status, _) = upload(
            &app.token("expert").await,
            "a.pdf",
            "application/pdf",
            b"x".to_vec(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count().await, before);
        let d = detail(app, &office, &p["id"]).await;
        assert_eq!(d["files"].as_array().unwrap().len(), 2);
        let kinds: Vec<&str> = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.iter().filter(|k| **k == "attached").count(), 2);
    })
    .await;
}

#[tokio::test]
async fn each_role_sees_its_scope() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let here = raise(app, &office, ids.new_materials, ids.zhangdian, "张店区新材料").await;
        let chem = raise(app, &office, ids.chemical, ids.zichuan, "淄川区化工").await;
        let chem_nm = raise(app, &office, ids.new_materials, ids.zichuan, "淄川区新材料").await;
        // Assigned to 市财政局: the chemical one in 淄川区 only.
        ok_step(app, &office, &chem, "assign", json!({"assignments": [{"department_id": ids.finance, "deadline": day(5)}]})).await;
        let seen = async |role: &str| -> Vec<Value> {
            let (status, list) = app.get("/api/v1/problems?per_page=100", &app.token(role).await).await;
            assert_eq!(status, StatusCode::OK, "{role}: {list}");
            let mut v: Vec<Value> = list["items"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect();
            v.sort_by_key(|x| x.as_i64());
            v
        };
        let all = vec![here["id"].clone(), chem["id"].clone(), chem_nm["id"].clone()];
        assert_eq!(seen("office").await, all);
        assert_eq!(seen("supervisor").await, all);
        assert_eq!(seen("dept").await, vec![chem["id"].clone()], "only what is assigned to 市财政局");
        assert_eq!(seen("district").await, vec![here["id"].clone()], "only 张店区's");
        assert_eq!(seen("taskforce").await, vec![here["id"].clone(), chem_nm["id"].clone()], "only 新材料's");
        assert_eq!(seen("leader").await, vec![here["id"].clone(), chem_nm["id"].clone()]);
        for role in ["admin", "stats", "expert"] {
            let (status, _) = app.get("/api/v1/problems", &app.token(role).await).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        }
        // One problem outside the scope: 403.
        let (status, _) = app.get(&format!("/api/v1/problems/{}", chem["id"]), &app.token("district").await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // A district raises in its own area only; a task force in its own industry only.
        let (status, _) = app.call(Method::POST, "/api/v1/problems", Some(&app.token("district").await),
            Some(json!({"title": "x", "kind": "land", "description": "x", "origin": "own", "industry_id": ids.chemical, "region_id": ids.zichuan}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.call(Method::POST, "/api/v1/problems", Some(&app.token("taskforce").await),
            Some(json!({"title": "x", "kind": "land", "description": "x", "origin": "own", "industry_id": ids.chemical, "region_id": ids.zhangdian}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // A department raising one sees it (its own), though it is not assigned to it.
        let mine = raise(app, &app.token("dept").await, ids.chemical, ids.zichuan, "财政局提出").await;
        assert_eq!(mine["raised_department_id"], ids.finance);
        assert!(seen("dept").await.contains(&mine["id"]));
        // Filters: department, industry, district, state, text.
        let office_list = async |query: &str| -> i64 {
            let (_, l) = app.get(&format!("/api/v1/problems?{query}"), &office).await;
            l["total"].as_i64().unwrap_or(-1)
        };
        assert_eq!(office_list(&format!("department={}", ids.finance)).await, 1);
        assert_eq!(office_list(&format!("industry={}", ids.new_materials)).await, 2);
        assert_eq!(office_list(&format!("district={}", ids.zichuan)).await, 3);
        assert_eq!(office_list("state=assigned").await, 1);
        assert_eq!(office_list(&format!("q={}", "%E6%B7%84%E5%B7%9D")).await, 2);
        assert_eq!(office_list(&format!("q={}", here["number"].as_str().unwrap())).await, 1);
        assert_eq!(office_list("kind=funds").await, 4);
        let (status, _) = app.get("/api/v1/problems?state=lost", &office).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn numbers_are_unique_when_raised_at_once() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let raises = (0..12).map(|n| {
            let office = office.clone();
            let ids = &ids;
            async move {
                raise(
                    app,
                    &office,
                    ids.new_materials,
                    ids.zhangdian,
                    &format!("并发{n}"),
                )
                .await
            }
        });
        let made = futures::future::join_all(raises).await;
        let mut seqs: Vec<i64> = made.iter().map(|p| p["seq"].as_i64().unwrap()).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=12).collect::<Vec<_>>());
    })
    .await;
}

/// Problems laid down in the past through the store (no client can back-date): an
/// assignment overdue and not signed for within a day, and one answered late.
#[tokio::test]
async fn overdue_and_late_are_flagged() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let by = dongneng_store::AuditBy::system("test");
        let past = |days: i64| Utc::now() - Duration::days(days);
        let raise_at = async |days: i64, title: &str| {
            let new = NewProblem {
                fields: ProblemFields {
                    title: title.into(),
                    kind: ProblemKind::Land,
                    description: "x".into(),
                    origin: ProblemOrigin::Own,
                    origin_id: None,
                    project_id: None,
                    industry_id: ids.new_materials,
                    region_id: ids.zhangdian,
                },
                raised_department_id: None,
                at: past(days),
            };
            app.store.create_problem(&new, &by).await.unwrap()
        };
        let assign = |p: &dongneng_store::Problem, deadline_days_ago: i64| ProblemChange {
            step: ProblemStep::Assign(vec![AssignmentInput {
                department_id: ids.finance,
                deadline: today() - Duration::days(deadline_days_ago),
            }]),
            at: p.raised_at,
        };
        let late = raise_at(20, "逾期未签收").await;
        app.store
            .change_problem(late.id, late.version, &assign(&late, 5), &by)
            .await
            .unwrap();
        let fresh = raise_at(1, "未逾期").await;
        let c = ProblemChange {
            step: ProblemStep::Assign(vec![AssignmentInput {
                department_id: ids.finance,
                deadline: today() + Duration::days(1),
            }]),
            at: fresh.raised_at,
        };
        app.store
            .change_problem(fresh.id, fresh.version, &c, &by)
            .await
            .unwrap();

        let (_, list) = app.get("/api/v1/problems?overdue=true", &office).await;
        let numbers: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap())
            .collect();
        assert_eq!(numbers, ["逾期未签收"]);
        assert_eq!(list["items"][0]["overdue"], true);
        let d = detail(app, &office, &json!(late.id)).await;
        assert_eq!(d["overdue"], true);
        assert_eq!(d["assignments"][0]["overdue"], true);
        assert_eq!(
            d["assignments"][0]["sign_late"], true,
            "not signed within a day"
        );
        let d = detail(app, &office, &json!(fresh.id)).await;
        assert_eq!(d["overdue"], false);
        // The supervisor urges the overdue one; the urge is counted.
        ok_step(
            app,
            &app.token("supervisor").await,
            &d,
            "urge",
            json!({"department_id": ids.finance, "note": "请抓紧"}),
        )
        .await;
        let d = detail(app, &office, &json!(fresh.id)).await;
        assert_eq!(d["assignments"][0]["urge_count"], 1);
        // The department signs late and answers late: both counted.
        let dept = app.token("dept").await;
        let late_json = json!({"id": late.id});
        ok_step(app, &dept, &late_json, "sign", json!({})).await;
        ok_step(
            app,
            &dept,
            &late_json,
            "answer",
            json!({"answer": "已办理"}),
        )
        .await;
        let d = detail(app, &office, &json!(late.id)).await;
        assert_eq!(d["assignments"][0]["signed_on_time"], false);
        assert_eq!(d["assignments"][0]["answered_late"], true);
        let from = today() - Duration::days(60);
        let (_, stats) = app
            .get(
                &format!("/api/v1/problems/department-stats?from={from}&sort=answered_late"),
                &office,
            )
            .await;
        let row = &stats["items"][0];
        assert_eq!(row["department_id"], ids.finance);
        assert_eq!(
            (
                row["received"].as_i64(),
                row["signed_on_time"].as_i64(),
                row["answered_late"].as_i64(),
                row["urged"].as_i64(),
                row["open"].as_i64()
            ),
            (Some(2), Some(0), Some(1), Some(1), Some(1))
        );
        assert!(row["avg_answer_days"].as_f64().unwrap() >= 19.9, "{row}");
        // The to-do's read: what waits on 市财政局, earliest deadline first.
        let waiting = app
            .store
            .assignments_waiting(ids.finance, 10)
            .await
            .unwrap();
        assert_eq!(
            waiting.iter().map(|a| a.problem_id).collect::<Vec<_>>(),
            [fresh.id]
        );
        // A period that runs backwards is refused.
        let (status, e) = app
            .get(
                "/api/v1/problems/department-stats?from=2026-05-01&to=2026-04-01",
                &office,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "to", "period_order"), "{e}");
    })
    .await;
}

/// The demo: about thirty problems of the four strong industries in every state; `dept`
/// lists only those assigned to 市财政局, `district` only 张店区's; 市财政局 has work waiting.
#[tokio::test]
async fn the_demo_problems() {
    each_backend(full_demo(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let (_, all) = app.get("/api/v1/problems?per_page=100", &office).await;
        let items = all["items"].as_array().unwrap();
        assert!((28..=40).contains(&items.len()), "{}", items.len());
        for state in [
            "raised",
            "assigned",
            "answered",
            "escalated",
            "instructed",
            "resolved",
        ] {
            assert!(
                items.iter().any(|p| p["state"] == state),
                "no demo problem {state}"
            );
        }
        let (_, dept) = app
            .get("/api/v1/problems?per_page=100", &app.token("dept").await)
            .await;
        let dept_items = dept["items"].as_array().unwrap();
        assert!(!dept_items.is_empty());
        for p in dept_items {
            assert!(
                p["department_ids"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(ids.finance)),
                "{p}"
            );
        }
        let assigned_to_finance = items
            .iter()
            .filter(|p| {
                p["department_ids"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(ids.finance))
            })
            .count();
        assert_eq!(dept_items.len(), assigned_to_finance);
        let (_, regions) = app.get("/api/v1/regions", &office).await;
        let under_zhangdian: Vec<Value> = regions["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["id"] == ids.zhangdian || r["parent_id"] == ids.zhangdian)
            .map(|r| r["id"].clone())
            .collect();
        let (_, district) = app
            .get(
                "/api/v1/problems?per_page=100",
                &app.token("district").await,
            )
            .await;
        let district_items = district["items"].as_array().unwrap();
        assert!(
            !district_items.is_empty(),
            "the demo has problems in 张店区"
        );
        for p in district_items {
            assert!(under_zhangdian.contains(&p["region_id"]), "{p}");
        }
        assert!(
            app.store
                .assignments_waiting(ids.finance, 50)
                .await
                .unwrap()
                .len()
                >= 4
        );
        // Escalations with the leader's instruction, answers late, urges.
        let mut instructed = 0;
        let (mut late, mut urged) = (0, 0);
        for p in items {
            let d = detail(app, &office, &p["id"]).await;
            instructed += d["instructions"].as_array().unwrap().len();
            for a in d["assignments"].as_array().unwrap() {
                late += (a["answered_late"] == true) as i32;
                urged += (a["urge_count"].as_i64().unwrap() > 0) as i32;
            }
        }
        assert!(
            instructed >= 4 && late >= 4 && urged >= 4,
            "{instructed} {late} {urged}"
        );
    })
    .await;
}

/// The page forms: raising from a project's page, signing on the problem page; a role that
/// may not is refused before its form is read.
#[tokio::test]
async fn the_pages_raise_and_sign() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let pr = project(app, &office, &ids).await;
        let (cookie, csrf) = crate::auth::browser_login(app, "taskforce").await;
        let page = app
            .client
            .get(app.url(&format!("/projects/{}", pr["id"])))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!("href=\"/projects/{}/problems/new\"", pr["id"])),
            "the raise link on the project page"
        );
        let form = app
            .client
            .get(app.url(&format!("/projects/{}/problems/new", pr["id"])))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(form.status(), StatusCode::OK);
        assert!(form.text().await.unwrap().contains("高性能分离膜材料项目"));
        let resp = app
            .client
            .post(app.url(&format!("/projects/{}/problems", pr["id"])))
            .header("cookie", &cookie)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("title", ""),
                ("kind", "land"),
                ("description", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let resp = app
            .client
            .post(app.url(&format!("/projects/{}/problems", pr["id"])))
            .header("cookie", &cookie)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("title", "页面提出的问题"),
                ("kind", "approvals"),
                ("description", "环评未批复"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let to = resp.headers()["location"].to_str().unwrap().to_string();
        let (_, list) = app.get("/api/v1/problems", &office).await;
        let p = list["items"][0].clone();
        assert!(to.starts_with(&format!("/problems/{}", p["id"])), "{to}");
        assert_eq!(
            (p["project_id"].clone(), p["origin"].clone()),
            (pr["id"].clone(), json!("project"))
        );
        let p = ok_step(
            app,
            &office,
            &p,
            "assign",
            json!({"assignments": [{"department_id": ids.finance, "deadline": day(3)}]}),
        )
        .await;
        // The department signs from the page; the district (no such form) is refused.
        let (dept_cookie, dept_csrf) = crate::auth::browser_login(app, "dept").await;
        let html = app
            .client
            .get(app.url(&format!("/problems/{}", p["id"])))
            .header("cookie", &dept_cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("id=\"sign-form\""));
        assert!(!html.contains("id=\"assign-form\""));
        let (d_cookie, d_csrf) = crate::auth::browser_login(app, "district").await;
        let before = app.audit_count().await;
        let resp = app
            .client
            .post(app.url(&format!("/problems/{}/sign", p["id"])))
            .header("cookie", &d_cookie)
            .form(&[("_csrf", d_csrf.as_str()), ("version", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count().await, before);
        let v = p["version"].to_string();
        let resp = app
            .client
            .post(app.url(&format!("/problems/{}/sign", p["id"])))
            .header("cookie", &dept_cookie)
            .form(&[("_csrf", dept_csrf.as_str()), ("version", v.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        // The same version again: the page says someone changed it (409).
        let resp = app
            .client
            .post(app.url(&format!("/problems/{}/sign", p["id"])))
            .header("cookie", &dept_cookie)
            .form(&[("_csrf", dept_csrf.as_str()), ("version", v.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CONFLICT);
        let d = detail(app, &office, &p["id"]).await;
        assert_eq!(d["assignments"][0]["state"], "signed");
        // The per-department table sorts by a column.
        let html = app
            .client
            .get(app.url("/problems/department-stats?sort=open&order=asc"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("id=\"sort-open\"") && html.contains("aria-sort=\"ascending\""));
    })
    .await;
}

/// Hostile bodies against every problem and supervision endpoint that takes one: never a
/// 5xx, a refused body writes nothing, an accepted create or edit stores what was sent.
#[tokio::test]
async fn hostile_bodies_never_5xx_and_never_write() {
    use crate::hostile::{Stored, Target, hostile_bodies, spoil_every_field};
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let (office, supervisor) = (app.token("office").await, app.token("supervisor").await);
        let p = raise(app, &office, ids.new_materials, ids.zhangdian, "敌意请求").await;
        let problem = format!("/api/v1/problems/{}", p["id"]);
        let valid = json!({"title": "用地问题", "kind": "land", "description": "用地指标不足",
                           "origin": "own", "industry_id": ids.new_materials, "region_id": ids.zhangdian});
        let mut edit = valid.clone();
        edit["version"] = json!(0);
        spoil_every_field(app, &office, &[
            Target { method: Method::POST, path: "/api/v1/problems".into(), valid: valid.clone(), stored: Stored::At("/api/v1/problems/{id}".into()) },
            Target { method: Method::PUT, path: problem.clone(), valid: edit, stored: Stored::At(problem.clone()) },
        ]).await;
        let i = {
            let (status, i) = app.call(Method::POST, "/api/v1/supervision-items", Some(&supervisor),
                Some(json!({"title": "督办", "requirement": "按期办结", "subject": "own", "deadline": day(5), "unit_ids": [ids.finance]}))).await;
            assert_eq!(status, StatusCode::CREATED, "{i}");
            i
        };
        let item = format!("/api/v1/supervision-items/{}", i["id"]);
        let valid = json!({"title": "督办", "requirement": "按期办结", "subject": "own", "deadline": day(5), "unit_ids": [ids.finance]});
        let mut edit = valid.clone();
        edit["version"] = json!(0);
        spoil_every_field(app, &supervisor, &[
            Target { method: Method::POST, path: "/api/v1/supervision-items".into(), valid, stored: Stored::At("/api/v1/supervision-items/{id}".into()) },
            Target { method: Method::PUT, path: item.clone(), valid: edit, stored: Stored::At(item.clone()) },
        ]).await;

        // The steps: each spoilt body meets the record's current version.
        let p = ok_step(app, &office, &p, "assign", json!({"assignments": [{"department_id": ids.finance, "deadline": day(2)}]})).await;
        let deadline = day(30);
        let steps: Vec<(&str, String, String, Value)> = vec![
            ("office", format!("{problem}/assign"), problem.clone(), json!({"assignments": [{"department_id": ids.miit, "deadline": deadline}]})),
            ("dept", format!("{problem}/answer"), problem.clone(), json!({"answer": "已办理"})),
            ("office", format!("{problem}/return"), problem.clone(), json!({"department_id": ids.finance, "return_reason": "请补充"})),
            ("supervisor", format!("{problem}/urge"), problem.clone(), json!({"department_id": ids.finance, "note": "请抓紧"})),
            ("office", format!("{problem}/resolve"), problem.clone(), json!({"resolution": "已解决"})),
            ("dept", format!("{item}/replies"), item.clone(), json!({"text": "已回复"})),
            ("supervisor", format!("{item}/close"), item.clone(), json!({"evidence": "已办结"})),
        ];
        assert_eq!(p["state"], "assigned");
        for (role, path, record, valid) in steps {
            let token = app.token(role).await;
            let mut with_version = valid.clone();
            with_version["version"] = json!(0);
            for (spoilt, mut body) in hostile_bodies(&with_version) {
                if spoilt.as_deref().is_some_and(|k| k != "version") {
                    let (_, now) = app.get(&record, &office).await;
                    body["version"] = now["version"].clone();
                }
                let before = app.audit_count().await;
                let (status, resp) = app.call(Method::POST, &path, Some(&token), Some(body.clone())).await;
                assert!(!status.is_server_error(), "{path} {body}: {status} {resp}");
                if status.is_success() {
                    assert_eq!(app.audit_count().await, before + 1, "{path} {body}: one audited write");
                } else {
                    assert!(resp["error"]["code"].is_string(), "{path}: {resp}");
                    assert_eq!(app.audit_count().await, before, "{path} {body} wrote");
                }
            }
        }
    })
    .await;
}
