//! Key tasks through the API, on both databases: the loop from issue to close (closing
//! needs evidence and the issuer's check; a rejected close goes back with its reason), every
//! bad input of the issue that concerns tasks, the scopes (a department its own tasks, the
//! task force its industry's work plans, the supervisor supervision tasks), what waits on a
//! user, and hostile bodies. Refused writes write nothing.

use crate::harness::{TestApp, each_backend, file_form, reference_data};
use crate::hostile::{Stored, Target, spoil_every_field};
use chrono::{Duration, NaiveDate};
use dongneng_domain::task::{Issuer, TaskInput, TaskSource};
use dongneng_store::{AuditBy, NewTask};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const MAX_FILE: usize = 10 * 1024 * 1024;

/// Ids of the demo's reference data the tests use.
struct Refs {
    office: String,
    finance: i64,
    miit: i64,
    commerce: i64,
    new_materials: i64,
    chemical: i64,
    zhangdian: i64,
    zichuan: i64,
}

async fn refs(app: &TestApp) -> Refs {
    let office = app.token("office").await;
    let find =
        async |list: &str, field: &str, value: &str| app.find_id(&office, list, field, value).await;
    Refs {
        finance: find("/api/v1/departments", "name_zh", "市财政局").await,
        miit: find("/api/v1/departments", "name_zh", "市工业和信息化局").await,
        commerce: find("/api/v1/departments", "name_zh", "市商务局").await,
        new_materials: find("/api/v1/industries", "key", "new_materials").await,
        chemical: find("/api/v1/industries", "key", "chemical").await,
        zhangdian: find("/api/v1/regions", "code", "370303").await,
        zichuan: find("/api/v1/regions", "code", "370302").await,
        office,
    }
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["error"]["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap_or("").to_string(),
                        f["code"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn has_field(body: &Value, field: &str, code: &str) -> bool {
    fields(body).iter().any(|(f, c)| f == field && c == code)
}

/// A task of the office for 新材料, led by `lead`.
fn office_task(r: &Refs, title: &str, lead: i64) -> Value {
    json!({"title": title, "details": "按时完成并报送佐证材料", "source": "office",
           "industry_id": r.new_materials, "lead_department_id": lead,
           "co_department_ids": [r.miit], "responsible_person": "刘某某", "deadline": "2099-06-30"})
}

async fn create(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/api/v1/tasks", Some(token), Some(body))
        .await
}

async fn created(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, task) = create(app, token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    task
}

async fn upload(
    app: &TestApp,
    task: &Value,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let req = app
        .client
        .post(app.url(&format!("/api/v1/tasks/{}/files", task["id"])))
        .bearer_auth(token)
        .multipart(file_form(name, "application/pdf", bytes));
    app.send(req).await
}

/// A status move at `version`, with extra body fields.
async fn step(
    app: &TestApp,
    token: &str,
    task: &Value,
    what: &str,
    version: &Value,
    extra: Value,
) -> (StatusCode, Value) {
    let mut body = json!({"version": version});
    if let Some(obj) = extra.as_object() {
        for (k, v) in obj {
            body[k] = v.clone();
        }
    }
    let path = format!("/api/v1/tasks/{}/{what}", task["id"]);
    app.call(Method::POST, &path, Some(token), Some(body)).await
}

async fn read(app: &TestApp, token: &str, task: &Value) -> Value {
    let (status, t) = app
        .get(&format!("/api/v1/tasks/{}", task["id"]), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    t
}

#[tokio::test]
async fn a_task_goes_round_the_loop() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let dept = app.token("dept").await; // 市财政局
        let task = created(
            app,
            &r.office,
            office_task(&r, "拨付园区配套资金", r.finance),
        )
        .await;
        assert_eq!(task["status"], "not_started");
        assert_eq!(task["issuer"], "office");
        assert_eq!(task["co_department_ids"], json!([r.miit]));
        assert_eq!(task["overdue"], false);

        // The department sees it in its list and on its page.
        let (_, list) = app.get("/api/v1/tasks?q=拨付园区配套资金", &dept).await;
        assert_eq!(list["total"], 1, "{list}");
        let page = read(app, &dept, &task).await;
        assert_eq!(page["can"]["report"], true);
        assert_eq!(page["can"]["edit"], false);
        assert_eq!(page["can"]["check"], false);

        // A dated progress note.
        let notes = format!("/api/v1/tasks/{}/notes", task["id"]);
        let (status, note) = app
            .call(
                Method::POST,
                &notes,
                Some(&dept),
                Some(json!({"progress_note": "资金已纳入预算，正在履行拨付程序。"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{note}");
        assert_eq!(note["username"], "dept");

        // Closing needs evidence: nothing is written without it.
        let before = app.audit_count().await;
        let (status, e) = step(app, &dept, &task, "submit", &task["version"], json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(has_field(&e, "files", "evidence_required"), "{e}");
        assert_eq!(app.audit_count().await, before);
        assert_eq!(read(app, &r.office, &task).await["status"], "not_started");

        // Evidence: the limit, a refused type, a program named as a document.
        let (status, e) = upload(app, &task, &dept, "大.pdf", vec![7u8; MAX_FILE + 1]).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
        let (status, e) = upload(app, &task, &dept, "setup.exe", b"x".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "file", "file_type"), "{e}");
        let (status, e) = upload(app, &task, &dept, "拨付凭证.pdf", b"MZ\x90\x00".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "file", "file_type"), "{e}");
        assert_eq!(app.audit_count().await, before);
        let (status, file) =
            upload(app, &task, &dept, "拨付凭证.pdf", b"%PDF-1.7 ok".to_vec()).await;
        assert_eq!(status, StatusCode::CREATED, "{file}");
        let (status, _) = app
            .get(
                &format!("/api/v1/tasks/{}/files/{}", task["id"], file["id"]),
                &dept,
            )
            .await;
        assert_eq!(status, StatusCode::OK);

        // Evidence moved the task's version: the one read before is stale.
        let (status, _) = step(app, &dept, &task, "submit", &task["version"], json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let now = read(app, &dept, &task).await;
        let (status, submitted) =
            step(app, &dept, &task, "submit", &now["version"], json!({})).await;
        assert_eq!(status, StatusCode::OK, "{submitted}");
        assert_eq!(submitted["status"], "pending_check");
        assert!(submitted["done_at"].is_string());

        // The department does not check its own close; the office, which issued it, does.
        let (status, _) = step(
            app,
            &dept,
            &task,
            "accept",
            &submitted["version"],
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, e) = step(
            app,
            &r.office,
            &task,
            "reject",
            &submitted["version"],
            json!({"reject_reason": "  "}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "reject_reason", "required"), "{e}");
        let (status, rejected) = step(
            app,
            &r.office,
            &task,
            "reject",
            &submitted["version"],
            json!({"reject_reason": "缺少拨付凭证的盖章页"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{rejected}");
        assert_eq!(rejected["status"], "in_progress");
        assert_eq!(rejected["reject_reason"], "缺少拨付凭证的盖章页");
        assert!(rejected["done_at"].is_null());

        // Again, and accepted.
        upload(app, &task, &dept, "盖章页.pdf", b"%PDF-1.7 stamp".to_vec()).await;
        let now = read(app, &dept, &task).await;
        let (status, again) = step(app, &dept, &task, "submit", &now["version"], json!({})).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        let (status, closed) = step(
            app,
            &r.office,
            &task,
            "accept",
            &again["version"],
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{closed}");
        assert_eq!(closed["status"], "closed");
        assert!(closed["closed_at"].is_string());

        // The timeline tells it, the reason of the rejection included.
        let page = read(app, &r.office, &task).await;
        let kinds: Vec<&str> = page["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["created", "submit", "reject", "submit", "accept"]);
        assert_eq!(page["events"][2]["reason"], "缺少拨付凭证的盖章页");
        assert_eq!(page["files"].as_array().unwrap().len(), 2);
        assert_eq!(
            page["notes"][0]["progress_note"],
            "资金已纳入预算，正在履行拨付程序。"
        );
        assert!(page["history"].as_array().unwrap().len() >= 5);

        // A closed task no longer changes.
        let before = app.audit_count().await;
        let mut body = office_task(&r, "拨付园区配套资金", r.finance);
        body["version"] = closed["version"].clone();
        let (status, e) = app
            .call(
                Method::PUT,
                &format!("/api/v1/tasks/{}", task["id"]),
                Some(&r.office),
                Some(body),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "status", "task_finished"), "{e}");
        let (status, _) = app
            .call(
                Method::POST,
                &notes,
                Some(&dept),
                Some(json!({"progress_note": "再补充"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, e) = upload(app, &task, &dept, "迟到.pdf", b"%PDF late".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "status", "task_not_open"), "{e}");
        let (status, _) = step(
            app,
            &r.office,
            &task,
            "cancel",
            &closed["version"],
            json!({"cancel_reason": "不再需要"}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.audit_count().await, before);
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_and_writes_nothing() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let admin = app.token("admin").await;
        let before = app.audit_count().await;
        let refused = async |body: Value, field: &str, code: &str| {
            let (status, e) = create(app, &r.office, body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {e}");
            assert!(has_field(&e, field, code), "{field} {code}: {e}");
        };
        // A deadline before the day the task is issued.
        let yesterday = (chrono::Utc::now() + Duration::hours(8) - Duration::days(1))
            .date_naive()
            .to_string();
        let mut body = office_task(&r, "昨天到期", r.finance);
        body["deadline"] = json!(yesterday);
        refused(body, "deadline", "deadline_before_issue").await;
        // Departments that do not exist.
        refused(office_task(&r, "无此部门", 999_999), "lead_department_id", "unknown_reference").await;
        let mut body = office_task(&r, "无此配合单位", r.finance);
        body["co_department_ids"] = json!([999_999]);
        refused(body, "co_department_ids", "unknown_reference").await;
        // Neither an industry nor a district; the lead also a co-operating department.
        let mut body = office_task(&r, "无处归属", r.finance);
        body["industry_id"] = Value::Null;
        body["co_department_ids"] = json!([r.finance]);
        let (status, e) = create(app, &r.office, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "industry_id", "industry_or_region_required"), "{e}");
        assert!(has_field(&e, "co_department_ids", "lead_not_co"), "{e}");
        // A source of another area; a work plan on a task that is not the plan's.
        let mut body = office_task(&r, "会议议定", r.finance);
        body["source"] = json!("meeting_decision");
        refused(body, "source", "not_entered_here").await;
        let mut body = office_task(&r, "挂错计划", r.finance);
        body["work_plan_id"] = json!(1);
        refused(body, "work_plan_id", "work_plan_only_for_measures").await;
        // A leader in charge who is not a city leader.
        let office_user = app.find_id(&admin, "/api/v1/users", "username", "office").await;
        let mut body = office_task(&r, "分管领导不对", r.finance);
        body["leader_user_id"] = json!(office_user);
        refused(body, "leader_user_id", "not_a_leader").await;
        // A markup title, control characters in the details.
        let mut body = office_task(&r, "<b>加粗</b>", r.finance);
        body["details"] = json!("坏\u{0007}字符");
        let (status, e) = create(app, &r.office, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "title", "markup") && has_field(&e, "details", "control_chars"), "{e}");
        assert_eq!(app.audit_count().await, before, "refused tasks wrote nothing");

        // A retired department gets nothing new; what already names it keeps it.
        let kept = created(app, &r.office, office_task(&r, "商务局的任务", r.commerce)).await;
        let path = format!("/api/v1/departments/{}", r.commerce);
        let (_, d) = app.get(&path, &admin).await;
        let (status, d) = app
            .call(Method::PUT, &path, Some(&admin), Some(json!({"version": d["version"],
                "name_zh": "市商务局", "name_en": "Commerce", "kind": "department", "active": false})))
            .await;
        assert_eq!(status, StatusCode::OK, "{d}");
        assert_eq!(d["active"], false);
        let before = app.audit_count().await;
        refused(office_task(&r, "交给停用部门", r.commerce), "lead_department_id", "department_retired").await;
        let mut body = office_task(&r, "配合单位停用", r.finance);
        body["co_department_ids"] = json!([r.commerce]);
        refused(body, "co_department_ids", "department_retired").await;
        assert_eq!(app.audit_count().await, before);
        let mut body = office_task(&r, "商务局的任务（改）", r.commerce);
        body["version"] = kept["version"].clone();
        let task_path = format!("/api/v1/tasks/{}", kept["id"]);
        let (status, changed) = app
            .call(Method::PUT, &task_path, Some(&r.office), Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");

        // A stale version: 409, nothing written.
        let before = app.audit_count().await;
        let (status, e) = app
            .call(Method::PUT, &task_path, Some(&r.office), Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{e}");
        assert_eq!(e["error"]["code"], "conflict");
        let (status, _) = step(app, &r.office, &kept, "cancel", &kept["version"],
            json!({"cancel_reason": "重复交办"})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        // The source stays what it was.
        body["version"] = changed["version"].clone();
        body["source"] = json!("reform");
        let (status, e) = app
            .call(Method::PUT, &task_path, Some(&r.office), Some(body))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "source", "fixed"), "{e}");
        assert_eq!(app.audit_count().await, before);
        assert_eq!(read(app, &r.office, &kept).await["title"], "商务局的任务（改）");

        // Cancelled, with the reason.
        let (status, cancelled) = step(app, &r.office, &kept, "cancel", &changed["version"],
            json!({"cancel_reason": "并入市级统一办理"})).await;
        assert_eq!(status, StatusCode::OK, "{cancelled}");
        assert_eq!(cancelled["status"], "cancelled");
        assert_eq!(cancelled["cancel_reason"], "并入市级统一办理");
    })
    .await;
}

#[tokio::test]
async fn each_role_reaches_only_its_tasks() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let dept = app.token("dept").await;
        let district = app.token("district").await; // 张店区
        let taskforce = app.token("taskforce").await; // 新材料
        let supervisor = app.token("supervisor").await;
        let leader = app.token("leader").await; // 新材料
        let mut body = office_task(&r, "淄川区化工园区任务", r.miit);
        body["industry_id"] = json!(r.chemical);
        body["region_id"] = json!(r.zichuan);
        body["co_department_ids"] = json!([]);
        let elsewhere = created(app, &r.office, body).await;

        // A department lists only what is assigned to it.
        let (_, list) = app.get("/api/v1/tasks?per_page=500", &dept).await;
        let items = list["items"].as_array().unwrap();
        assert!(!items.is_empty());
        for t in items {
            let assigned = t["lead_department_id"] == r.finance
                || t["co_department_ids"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(r.finance));
            assert!(assigned, "{t}");
        }
        assert_eq!(list["total"].as_i64().unwrap() as usize, items.len());
        // Asking for another department's list changes nothing.
        let (_, other) = app
            .get(
                &format!("/api/v1/tasks?department={}&per_page=500", r.miit),
                &dept,
            )
            .await;
        assert!(other["items"].as_array().unwrap().iter().all(|t| {
            t["lead_department_id"] == r.finance
                || t["co_department_ids"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(r.finance))
        }));
        for who in [&dept, &district, &taskforce, &leader] {
            let (status, _) = app
                .get(&format!("/api/v1/tasks/{}", elsewhere["id"]), who)
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        let (status, _) = app
            .get(&format!("/api/v1/tasks/{}", elsewhere["id"]), &supervisor)
            .await;
        assert_eq!(status, StatusCode::OK);
        // A district lists its area's tasks.
        let (_, list) = app.get("/api/v1/tasks?per_page=500", &district).await;
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["region_id"] == r.zhangdian)
        );

        // Out of reach, a write is refused before its body is even read, and writes nothing.
        let before = app.audit_count().await;
        let path = format!("/api/v1/tasks/{}", elsewhere["id"]);
        for body in [json!({"version": 1}), json!("not an object")] {
            let (status, e) = app
                .call(Method::PUT, &path, Some(&district), Some(body))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
        }
        for what in ["start", "submit", "notes"] {
            let (status, _) = app
                .call(
                    Method::POST,
                    &format!("{path}/{what}"),
                    Some(&dept),
                    Some(json!({})),
                )
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
        }
        let (status, _) = upload(app, &elsewhere, &dept, "x.pdf", b"%PDF".to_vec()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count().await, before);

        // The task force gives its industry's work plans tasks, and changes them; not the
        // office's tasks, nor another industry's plans.
        let (_, profile) = app
            .get(
                &format!("/api/v1/industries/{}/profile", r.new_materials),
                &taskforce,
            )
            .await;
        let plan = profile["work_plans"][0]["id"].clone();
        let measure = json!({"title": "专班新增推进措施", "source": "work_plan_measure",
            "work_plan_id": plan, "lead_department_id": r.miit, "deadline": "2099-12-31"});
        let mine = created(app, &taskforce, measure.clone()).await;
        assert_eq!(mine["industry_id"], r.new_materials);
        let mut change = measure.clone();
        change["version"] = mine["version"].clone();
        change["title"] = json!("专班新增推进措施（改）");
        let (status, _) = app
            .call(
                Method::PUT,
                &format!("/api/v1/tasks/{}", mine["id"]),
                Some(&taskforce),
                Some(change),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let before = app.audit_count().await;
        let (status, _) = create(app, &taskforce, office_task(&r, "专班越权交办", r.miit)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, ie) = app
            .get(
                &format!(
                    "/api/v1/industries/{}/profile",
                    app.find_id(
                        &r.office,
                        "/api/v1/industries",
                        "key",
                        "intelligent_equipment"
                    )
                    .await
                ),
                &r.office,
            )
            .await;
        let mut other_plan = measure.clone();
        other_plan["work_plan_id"] = ie["work_plans"][0]["id"].clone();
        let (status, _) = create(app, &taskforce, other_plan).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, nm_task) = app
            .get("/api/v1/tasks?source=office&per_page=1", &taskforce)
            .await;
        let office_owned = &nm_task["items"][0];
        let mut edit = office_task(&r, "专班改办公室的任务", r.finance);
        edit["version"] = office_owned["version"].clone();
        let (status, _) = app
            .call(
                Method::PUT,
                &format!("/api/v1/tasks/{}", office_owned["id"]),
                Some(&taskforce),
                Some(edit),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count().await, before);

        // A supervision task (given by the supervision area): the supervisor checks its close,
        // not the office.
        let today = (chrono::Utc::now() + Duration::hours(8)).date_naive();
        let new = NewTask {
            input: TaskInput {
                title: "督办：园区污水处理厂提标改造".into(),
                details: String::new(),
                source: TaskSource::Supervision,
                work_plan_id: None,
                industry_id: Some(r.new_materials),
                region_id: None,
                lead_department_id: r.finance,
                co_department_ids: vec![],
                responsible_person: None,
                leader_user_id: None,
                deadline: NaiveDate::from_ymd_opt(2099, 1, 31).unwrap(),
            },
            source_id: Some(12),
            issuer: Issuer::Supervisor,
            issued_on: today,
        };
        let item = app
            .store
            .create_task(&new, &AuditBy::system("test"))
            .await
            .expect("a supervision task");
        let item = json!({"id": item.id});
        upload(app, &item, &dept, "整改报告.pdf", b"%PDF report".to_vec()).await;
        let now = read(app, &dept, &item).await;
        let (status, submitted) =
            step(app, &dept, &item, "submit", &now["version"], json!({})).await;
        assert_eq!(status, StatusCode::OK, "{submitted}");
        let (_, waiting) = app.get("/api/v1/tasks/waiting", &supervisor).await;
        assert!(
            waiting["to_check"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["id"] == item["id"]),
            "{waiting}"
        );
        let (_, waiting) = app.get("/api/v1/tasks/waiting", &r.office).await;
        assert!(
            !waiting["to_check"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["id"] == item["id"])
        );
        let (status, _) = step(
            app,
            &r.office,
            &item,
            "accept",
            &submitted["version"],
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, closed) = step(
            app,
            &supervisor,
            &item,
            "accept",
            &submitted["version"],
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{closed}");
        assert_eq!(closed["status"], "closed");
    })
    .await;
}

#[tokio::test]
async fn lists_filter_count_and_put_the_overdue_first() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let dept = app.token("dept").await;
        // The demo has 市财政局's tasks, one overdue (deadline 2026-11-30, in progress).
        let (_, all) = app.get("/api/v1/tasks?per_page=500", &dept).await;
        let counts = &all["counts"];
        assert!(counts["overdue"].as_i64().unwrap() >= 1, "{all}");
        let sum: i64 = [
            "not_started",
            "in_progress",
            "pending_check",
            "closed",
            "cancelled",
        ]
        .iter()
        .map(|s| counts[*s].as_i64().unwrap())
        .sum();
        assert_eq!(counts["all"].as_i64().unwrap(), sum);
        let (_, late) = app.get("/api/v1/tasks?overdue=true", &dept).await;
        assert_eq!(late["total"], counts["overdue"]);
        let items = late["items"].as_array().unwrap();
        assert!(
            items
                .iter()
                .all(|t| t["overdue"] == true && t["days_overdue"].as_i64().unwrap() > 0)
        );
        // The open ones lead, by deadline: the overdue first.
        let first_open = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .position(|t| t["status"] == "not_started" || t["status"] == "in_progress");
        assert_eq!(first_open, Some(0));
        assert_eq!(all["items"][0]["overdue"], true);
        // Filters.
        let (_, st) = app.get("/api/v1/tasks?status=closed", &dept).await;
        assert!(
            st["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["status"] == "closed")
        );
        assert_eq!(st["total"], counts["closed"]);
        let (_, src) = app
            .get("/api/v1/tasks?source=reform&per_page=500", &r.office)
            .await;
        assert!(
            src["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["source"] == "reform")
        );
        assert!(src["total"].as_i64().unwrap() >= 2);
        let (_, range) = app
            .get(
                "/api/v1/tasks?deadline_from=2026-06-01&deadline_to=2026-06-30&per_page=500",
                &r.office,
            )
            .await;
        assert!(range["items"].as_array().unwrap().iter().all(|t| {
            let d = t["deadline"].as_str().unwrap();
            ("2026-06-01"..="2026-06-30").contains(&d)
        }));
        let (_, by_region) = app
            .get(
                &format!("/api/v1/tasks?region={}&per_page=500", r.zhangdian),
                &r.office,
            )
            .await;
        assert!(
            by_region["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["region_id"] == r.zhangdian)
        );
        let (_, by_dept) = app
            .get(
                &format!("/api/v1/tasks?department={}&per_page=500", r.finance),
                &r.office,
            )
            .await;
        assert_eq!(by_dept["total"], all["total"]);
        // Bad filters name the parameter; never a 5xx.
        let (status, e) = app.get("/api/v1/tasks?status=nope", &dept).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (status, e) = app
            .get(
                "/api/v1/tasks?deadline_from=2026-07-01&deadline_to=2026-06-01",
                &dept,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "deadline_to", "date_order"), "{e}");
        for q in [
            "q=%00",
            "q=a%25_%5C",
            "overdue=maybe",
            "region=-1",
            "page=0&per_page=100000",
            "deadline_from=2026-13-45",
            "source=%3Cscript%3E",
        ] {
            let (status, body) = app.get(&format!("/api/v1/tasks?{q}"), &dept).await;
            assert!(!status.is_server_error(), "{q}: {status} {body}");
        }

        // What waits on the department: its open tasks, overdue first.
        let (_, waiting) = app.get("/api/v1/tasks/waiting", &dept).await;
        let open = waiting["department"].as_array().unwrap();
        assert_eq!(
            waiting["department_total"],
            counts["not_started"].as_i64().unwrap() + counts["in_progress"].as_i64().unwrap()
        );
        assert_eq!(open[0]["overdue"], true);
        assert!(
            open.iter()
                .all(|t| t["status"] == "not_started" || t["status"] == "in_progress")
        );
        assert_eq!(waiting["to_check"], json!([]));
        // The office checks what the demo submitted.
        let (_, waiting) = app.get("/api/v1/tasks/waiting", &r.office).await;
        assert!(waiting["to_check_total"].as_i64().unwrap() >= 1);
        assert!(
            waiting["to_check"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["status"] == "pending_check")
        );
    })
    .await;
}

#[tokio::test]
async fn hostile_task_bodies_never_5xx_and_never_write() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let task = created(app, &r.office, office_task(&r, "抗干扰测试任务", r.finance)).await;
        let path = format!("/api/v1/tasks/{}", task["id"]);
        let cancel_me = created(app, &r.office, office_task(&r, "待取消任务", r.finance)).await;
        let cancel_path = format!("/api/v1/tasks/{}", cancel_me["id"]);
        let at = |p: &str| Stored::At(p.to_string());
        let targets = [
            Target {
                method: Method::POST,
                path: "/api/v1/tasks".into(),
                valid: office_task(&r, "抗干扰新任务", r.finance),
                stored: at("/api/v1/tasks/{id}"),
            },
            Target {
                method: Method::PUT,
                path: path.clone(),
                valid: {
                    let mut b = office_task(&r, "抗干扰测试任务", r.finance);
                    b["version"] = json!(0);
                    b
                },
                stored: at(&path),
            },
            Target {
                method: Method::POST,
                path: format!("{path}/notes"),
                valid: json!({"progress_note": "进展"}),
                stored: Stored::InList {
                    path: path.clone(),
                    lists: &["notes"],
                    id: None,
                },
            },
            Target {
                method: Method::POST,
                path: format!("{path}/start"),
                valid: json!({"version": 0}),
                stored: at(&path),
            },
            Target {
                method: Method::POST,
                path: format!("{cancel_path}/cancel"),
                valid: json!({"version": 0, "cancel_reason": "取消"}),
                stored: at(&cancel_path),
            },
        ];
        spoil_every_field(app, &r.office, &targets).await;
        // Paths and queries.
        for p in [
            "/api/v1/tasks/0".to_string(),
            "/api/v1/tasks/-1".into(),
            "/api/v1/tasks/99999999999999999999".into(),
            format!("{path}/files/abc"),
            format!("{path}/files/%00"),
        ] {
            let (status, body) = app.get(&p, &r.office).await;
            assert!(!status.is_server_error(), "{p}: {status} {body}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_pages_issue_and_show_tasks() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let (cookie, csrf) = crate::auth::browser_login(app, "office").await;
        let page = async |path: &str| {
            let resp = app
                .client
                .get(app.url(path))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap();
            (resp.status(), resp.text().await.unwrap())
        };
        let (status, html) = page("/tasks").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("id=\"new-link\"") && html.contains("class=\"late\""),
            "the overdue in red"
        );
        // A form with errors names them; a good one lands on the new task's page.
        let post = async |form: &[(&str, String)]| {
            app.client
                .post(app.url("/tasks"))
                .header("cookie", &cookie)
                .form(form)
                .send()
                .await
                .unwrap()
        };
        let resp = post(&[
            ("_csrf", csrf.clone()),
            ("title", "页面新建任务".into()),
            ("source", "office".into()),
            ("deadline", "2099-01-01".into()),
        ])
        .await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = resp.text().await.unwrap();
        assert!(
            html.contains("请填写“牵头部门”") && html.contains("请选择所属产业或所属区划"),
            "{html}"
        );
        let resp = post(&[
            ("_csrf", csrf.clone()),
            ("title", "页面新建任务".into()),
            ("source", "office".into()),
            ("industry_id", r.new_materials.to_string()),
            ("lead_department_id", r.finance.to_string()),
            ("co_department_ids", r.miit.to_string()),
            ("deadline", "2099-01-01".into()),
        ])
        .await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let to = resp.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/tasks/"), "{to}");
        let (status, html) = page(to.split('?').next().unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("页面新建任务") && html.contains("id=\"cancel-form\""));
        assert!(html.contains("市工业和信息化局"));
    })
    .await;
}
