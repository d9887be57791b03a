//! Industry coordination structure (issue #3 part 1): the profile round trip, versions,
//! validation naming fields, scope per role and industry, hostile bodies, file upload and
//! download with its size limit, and the pages.

use crate::harness::{TestApp, each_backend, file_form, reference_data};
use crate::hostile::{Stored, Target, spoil_every_field};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const MAX_FILE: usize = 10 * 1024 * 1024;

async fn industry(app: &TestApp, token: &str, key: &str) -> i64 {
    app.find_id(token, "/api/v1/industries", "key", key).await
}

async fn department(app: &TestApp, token: &str, name: &str) -> i64 {
    app.find_id(token, "/api/v1/departments", "name_zh", name)
        .await
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["error"]["details"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["field"].as_str().unwrap_or("").to_string(),
                        d["code"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn has_field(body: &Value, field: &str, code: &str) -> bool {
    fields(body).iter().any(|(f, c)| f == field && c == code)
}

/// Sends a multipart upload with one `file` part.
async fn upload(
    app: &TestApp,
    path: &str,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = file_form(name, "application/pdf", bytes);
    app.send(
        app.client
            .post(app.url(path))
            .bearer_auth(token)
            .multipart(form),
    )
    .await
}

#[tokio::test]
async fn demo_profiles_are_complete() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        for key in [
            "new_materials",
            "intelligent_equipment",
            "new_medicine",
            "electronic_information",
        ] {
            let id = industry(app, &office, key).await;
            let (status, p) = app
                .get(&format!("/api/v1/industries/{id}/profile"), &office)
                .await;
            assert_eq!(status, StatusCode::OK, "{key}: {p}");
            assert!(p["structure"]["leader_name"].is_string(), "{key} leader");
            assert!(
                p["structure"]["lead_department_id"].is_i64(),
                "{key} lead dept"
            );
            assert!(
                !p["structure"]["responsible_department_ids"]
                    .as_array()
                    .unwrap()
                    .is_empty()
            );
            let members = p["taskforce_members"].as_array().unwrap();
            assert_eq!(
                members.iter().filter(|m| m["is_contact"] == true).count(),
                1,
                "{key} contact"
            );
            assert_eq!(members[0]["member_role"], "head", "{key} head first");
            assert!(
                p["experts_current"].as_array().unwrap().len() >= 2,
                "{key} experts"
            );
            assert!(
                !p["alliances"][0]["members"].as_array().unwrap().is_empty(),
                "{key} alliance members"
            );
            let plans = p["special_plans"].as_array().unwrap();
            assert_eq!(plans.len(), 2, "{key} plans");
            assert_ne!(
                plans[0]["status"], plans[1]["status"],
                "{key} plan statuses"
            );
            assert_eq!(p["work_plans"][0]["year"], 2026);
            assert!(!p["work_plans"][0]["tasks"].as_array().unwrap().is_empty());
            assert_eq!(p["can_edit"], true);
        }
        let nm = industry(app, &office, "new_materials").await;
        let (_, p) = app
            .get(&format!("/api/v1/industries/{nm}/profile"), &office)
            .await;
        // One retired expert, kept in the history.
        assert_eq!(p["experts_history"].as_array().unwrap().len(), 1);
        assert!(p["experts_history"][0]["left_on"].is_string());
        // The work plan's measures are key tasks; one is overdue (deadline 2026-03-31, still
        // in progress), and an overdue one is still owed.
        assert!(p["work_plans"][0]["overdue"].as_i64().unwrap() >= 1);
        let tasks = p["work_plans"][0]["tasks"].as_array().unwrap();
        assert!(tasks.iter().all(|t| t["source"] == "work_plan_measure"));
        let overdue: Vec<&Value> = tasks.iter().filter(|t| t["overdue"] == true).collect();
        assert!(!overdue.is_empty());
        assert!(
            overdue
                .iter()
                .all(|t| t["status"] == "not_started" || t["status"] == "in_progress")
        );
        assert!(
            overdue
                .iter()
                .all(|t| t["days_overdue"].as_i64().unwrap() > 0)
        );
        // A published plan with a document.
        let published = p["special_plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["status"] == "published")
            .expect("published plan");
        assert!(published["published_on"].is_string());
        assert_eq!(published["files"].as_array().unwrap().len(), 1);
        // The list shows what is in place.
        let (status, list) = app.get("/api/v1/industry-profiles", &office).await;
        assert_eq!(status, StatusCode::OK);
        let line = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == "new_materials")
            .unwrap();
        assert_eq!(line["contacts"], 1);
        assert_eq!(line["experts"], 3);
        assert!(line["measures_overdue"].as_i64().unwrap() >= 1);
    })
    .await;
}

#[tokio::test]
async fn profile_round_trip_with_versions() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let id = industry(app, &office, "chemical").await;
        let base = format!("/api/v1/industries/{id}");
        let miit = department(app, &office, "市工业和信息化局").await;
        let ndrc = department(app, &office, "市发展和改革委员会").await;
        let eco = department(app, &office, "市生态环境局").await;

        // Nothing yet.
        let (status, p) = app.get(&format!("{base}/profile"), &office).await;
        assert_eq!(status, StatusCode::OK);
        assert!(p["structure"].is_null());
        assert_eq!(p["taskforce_members"], json!([]));

        // Leader and departments: version 0 creates, then the version read updates.
        let structure = json!({"leader_name": "市领导（分管化工）", "leader_title": "副市长",
            "lead_department_id": miit, "responsible_department_ids": [eco, ndrc, eco],
            "provincial_counterpart": "省高端化工产业专班"});
        let mut body = structure.clone();
        body["version"] = json!(0);
        let (status, s) = app.call(Method::PUT, &format!("{base}/profile"), Some(&office), Some(body.clone())).await;
        assert_eq!(status, StatusCode::OK, "{s}");
        assert_eq!(s["version"], 1);
        let mut expect = vec![eco, ndrc];
        expect.sort();
        assert_eq!(s["responsible_department_ids"], json!(expect));
        // Creating again is a conflict.
        let (status, _) = app.call(Method::PUT, &format!("{base}/profile"), Some(&office), Some(body.clone())).await;
        assert_eq!(status, StatusCode::CONFLICT);
        body["version"] = json!(1);
        body["leader_title"] = json!("市政府副市长");
        let (status, s) = app.call(Method::PUT, &format!("{base}/profile"), Some(&office), Some(body.clone())).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(s["version"], 2);
        // A stale version changes nothing.
        let before = app.audit_count().await;
        body["leader_title"] = json!("stale");
        let (status, e) = app.call(Method::PUT, &format!("{base}/profile"), Some(&office), Some(body.clone())).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(e["error"]["code"], "conflict");
        assert_eq!(app.audit_count().await, before);
        // The lead department is not also a responsible one.
        body["version"] = json!(2);
        body["responsible_department_ids"] = json!([miit]);
        let (status, e) = app.call(Method::PUT, &format!("{base}/profile"), Some(&office), Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "responsible_department_ids", "lead_not_responsible"), "{e}");
        body["responsible_department_ids"] = json!([999_999]);
        let (status, e) = app.call(Method::PUT, &format!("{base}/profile"), Some(&office), Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "responsible_department_ids", "unknown_reference"), "{e}");

        // Task force: one head, one contact.
        let (status, head) = app.call(Method::POST, &format!("{base}/taskforce-members"), Some(&office),
            Some(json!({"person_name": "张某某", "department_id": miit, "post": "局长", "member_role": "head"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{head}");
        let (status, contact) = app.call(Method::POST, &format!("{base}/taskforce-members"), Some(&office),
            Some(json!({"person_name": "李某", "department_id": miit, "post": "科长", "member_role": "member", "is_contact": true}))).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, e) = app.call(Method::POST, &format!("{base}/taskforce-members"), Some(&office),
            Some(json!({"person_name": "王某", "member_role": "head", "is_contact": true}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "member_role", "head_taken") && has_field(&e, "is_contact", "contact_taken"), "{e}");
        // Moving the contact: the old one gives it up first, then the new one takes it.
        let (status, other) = app.call(Method::POST, &format!("{base}/taskforce-members"), Some(&office),
            Some(json!({"person_name": "王某", "department_id": eco, "post": "副局长", "member_role": "deputy"}))).await;
        assert_eq!(status, StatusCode::CREATED);
        let cpath = format!("{base}/taskforce-members/{}", contact["id"]);
        let (status, c2) = app.call(Method::PUT, &cpath, Some(&office),
            Some(json!({"version": 1, "person_name": "李某", "department_id": miit, "post": "科长", "member_role": "member", "is_contact": false}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(c2["version"], 2);
        let (status, _) = app.call(Method::PUT, &format!("{base}/taskforce-members/{}", other["id"]), Some(&office),
            Some(json!({"version": 1, "person_name": "王某", "department_id": eco, "post": "副局长", "member_role": "deputy", "is_contact": true}))).await;
        assert_eq!(status, StatusCode::OK);
        // Stale update and stale delete: 409, nothing written.
        let before = app.audit_count().await;
        let (status, _) = app.call(Method::PUT, &cpath, Some(&office),
            Some(json!({"version": 1, "person_name": "李某某", "member_role": "member"}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = app.call(Method::DELETE, &format!("{cpath}?version=1"), Some(&office), None).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, e) = app.call(Method::DELETE, &cpath, Some(&office), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "version", "missing_field"));
        assert_eq!(app.audit_count().await, before);
        let (status, _) = app.call(Method::DELETE, &format!("{cpath}?version=2"), Some(&office), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.call(Method::DELETE, &format!("{cpath}?version=2"), Some(&office), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Think tank: a retired expert moves to the history.
        let (status, ex) = app.call(Method::POST, &format!("{base}/experts"), Some(&office),
            Some(json!({"person_name": "周某", "specialty": "精细化工", "affiliation": "山东理工大学",
                "professional_title": "教授", "joined_on": "2021-05-01"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{ex}");
        let (status, _) = app.call(Method::POST, &format!("{base}/experts"), Some(&office),
            Some(json!({"person_name": "吴某", "specialty": "催化", "affiliation": "某研究院", "joined_on": "2022-01-01"}))).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, ex2) = app.call(Method::PUT, &format!("{base}/experts/{}", ex["id"]), Some(&office),
            Some(json!({"version": 1, "person_name": "周某", "specialty": "精细化工", "affiliation": "山东理工大学",
                "professional_title": "教授", "joined_on": "2021-05-01", "left_on": "2024-12-31", "note": "任期届满"}))).await;
        assert_eq!(status, StatusCode::OK, "{ex2}");

        // Alliance with members; credit codes checked and normalised.
        let (status, al) = app.call(Method::POST, &format!("{base}/alliances"), Some(&office),
            Some(json!({"alliance_name": "淄博市化工产业协会", "kind": "association", "plan_kind": "merger",
                "plan": "整合现有两家协会。", "plan_status": "proposed"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{al}");
        let mpath = format!("{base}/alliances/{}/members", al["id"]);
        let (status, e) = app.call(Method::POST, &mpath, Some(&office),
            Some(json!({"enterprise_name": "某化工有限公司", "credit_code": "91110000802100433C", "alliance_role": "member"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "credit_code", "credit_code"), "{e}");
        let (status, m) = app.call(Method::POST, &mpath, Some(&office),
            Some(json!({"enterprise_name": "某化工有限公司", "credit_code": "91110000802100433b", "alliance_role": "chair"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        assert_eq!(m["credit_code"], "91110000802100433B");
        let (status, e) = app.call(Method::POST, &mpath, Some(&office),
            Some(json!({"enterprise_name": "另一家公司", "credit_code": "91110000802100433B", "alliance_role": "member"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "credit_code", "duplicate"), "{e}");
        let (status, _) = app.call(Method::PUT, &format!("{mpath}/{}", m["id"]), Some(&office),
            Some(json!({"version": 1, "enterprise_name": "某化工股份有限公司", "alliance_role": "chair"}))).await;
        assert_eq!(status, StatusCode::OK);
        let (status, al2) = app.call(Method::PUT, &format!("{base}/alliances/{}", al["id"]), Some(&office),
            Some(json!({"version": 1, "alliance_name": "淄博市化工产业协会", "kind": "association", "plan_kind": "merger",
                "plan": "整合现有两家协会。", "plan_status": "approved"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(al2["plan_status"], "approved");

        // Special plan: forward one step at a time, each dated.
        let (status, sp) = app.call(Method::POST, &format!("{base}/special-plans"), Some(&office),
            Some(json!({"plan_title": "淄博市化工产业专项规划", "drafting_department_ids": [miit, ndrc], "drafted_on": "2025-03-01"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{sp}");
        assert_eq!(sp["status"], "drafting");
        let spath = format!("{base}/special-plans/{}", sp["id"]);
        let (status, e) = app.call(Method::POST, &format!("{spath}/status"), Some(&office),
            Some(json!({"version": 1, "status": "approved", "date": "2025-06-01"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "status", "status_move"), "{e}");
        let (status, e) = app.call(Method::POST, &format!("{spath}/status"), Some(&office),
            Some(json!({"version": 1, "status": "under_review", "date": "2025-01-01"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "date", "status_date_order"), "{e}");
        let (status, e) = app.call(Method::POST, &format!("{spath}/status"), Some(&office),
            Some(json!({"version": 1, "status": "under_review", "date": "2099-01-01"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "date", "future_date"), "{e}");
        let (status, sp2) = app.call(Method::POST, &format!("{spath}/status"), Some(&office),
            Some(json!({"version": 1, "status": "under_review", "date": "2025-06-01"}))).await;
        assert_eq!(status, StatusCode::OK, "{sp2}");
        assert_eq!(sp2["under_review_on"], "2025-06-01");
        let (status, _) = app.call(Method::POST, &format!("{spath}/status"), Some(&office),
            Some(json!({"version": 1, "status": "approved", "date": "2025-07-01"}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, e) = app.call(Method::POST, &format!("{spath}/status"), Some(&office),
            Some(json!({"version": 2, "status": "drafting", "date": "2025-07-01"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "backward: {e}");
        // Drafting cannot be dated after review began.
        let (status, e) = app.call(Method::PUT, &spath, Some(&office),
            Some(json!({"version": 2, "plan_title": "淄博市化工产业专项规划", "drafting_department_ids": [miit], "drafted_on": "2025-07-01"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "drafted_on", "status_date_order"), "{e}");
        let (status, sp3) = app.call(Method::PUT, &spath, Some(&office),
            Some(json!({"version": 2, "plan_title": "淄博市化工产业专项规划（修订）", "drafting_department_ids": [miit], "drafted_on": "2025-02-01"}))).await;
        assert_eq!(status, StatusCode::OK, "{sp3}");
        assert_eq!(sp3["drafting_department_ids"], json!([miit]));
        assert_eq!(sp3["status"], "under_review");

        // A work plan, and a measure of it: a key task of the plan.
        let (status, wp) = app.call(Method::POST, &format!("{base}/work-plans"), Some(&office),
            Some(json!({"year": 2026, "plan_title": "2026年度工作计划", "goals": "化工园区认定"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{wp}");
        let (status, e) = app.call(Method::POST, &format!("{base}/work-plans"), Some(&office),
            Some(json!({"year": 2026, "plan_title": "重复"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "year", "duplicate"), "{e}");
        let measure = |title: &str, deadline: &str| json!({"title": title, "source": "work_plan_measure",
            "work_plan_id": wp["id"], "lead_department_id": miit, "deadline": deadline});
        let (status, task) = app.call(Method::POST, "/api/v1/tasks", Some(&office),
            Some(measure("编制园区规划", "2099-12-31"))).await;
        assert_eq!(status, StatusCode::CREATED, "{task}");
        // It belongs to the plan's industry.
        assert_eq!(task["industry_id"], id);
        assert_eq!(task["overdue"], false);
        let (status, e) = app.call(Method::POST, "/api/v1/tasks", Some(&office),
            Some(measure("完成园区扩区", "2020-01-31"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "deadline", "deadline_before_issue"), "{e}");

        // The whole profile reads back.
        let (status, p) = app.get(&format!("{base}/profile"), &office).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(p["structure"]["leader_title"], "市政府副市长");
        assert_eq!(p["structure"]["version"], 2);
        let names: Vec<&str> = p["taskforce_members"].as_array().unwrap().iter().map(|m| m["person_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["张某某", "王某"]);
        assert_eq!(p["taskforce_members"][1]["is_contact"], true);
        assert_eq!(p["experts_current"].as_array().unwrap().len(), 1);
        assert_eq!(p["experts_history"][0]["person_name"], "周某");
        assert_eq!(p["alliances"][0]["members"][0]["enterprise_name"], "某化工股份有限公司");
        assert_eq!(p["special_plans"][0]["plan_title"], "淄博市化工产业专项规划（修订）");
        assert_eq!(p["work_plans"][0]["tasks"][0]["title"], "编制园区规划");
        assert_eq!(p["work_plans"][0]["tasks"].as_array().unwrap().len(), 1);
        assert_eq!(p["work_plans"][0]["overdue"], 0);

        // Deleting a parent takes its children, and the audit keeps them.
        let (status, _) = app.call(Method::DELETE, &format!("{base}/alliances/{}?version=2", al["id"]), Some(&office), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, audit) = app.get(&format!("/api/v1/audit?record_type=alliance&record_id={}", al["id"]), &app.token("admin").await).await;
        let deleted = audit["items"].as_array().unwrap().iter().find(|a| a["action"] == "delete").expect("delete audited");
        assert_eq!(deleted["before"]["children"][0]["enterprise_name"], "某化工股份有限公司");
        // A work plan with tasks stays: they have a history of their own.
        let before = app.audit_count().await;
        let (status, e) = app.call(Method::DELETE, &format!("{base}/work-plans/{}?version=1", wp["id"]), Some(&office), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "tasks", "in_use"), "{e}");
        assert_eq!(app.audit_count().await, before);
        let (_, p) = app.get(&format!("{base}/profile"), &office).await;
        assert_eq!(p["alliances"], json!([]));
        assert_eq!(p["work_plans"].as_array().unwrap().len(), 1);
        // One without tasks goes.
        let (_, wp2) = app.call(Method::POST, &format!("{base}/work-plans"), Some(&office),
            Some(json!({"year": 2027, "plan_title": "2027年度工作计划"}))).await;
        let (status, _) = app.call(Method::DELETE, &format!("{base}/work-plans/{}?version=1", wp2["id"]), Some(&office), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    })
    .await;
}

#[tokio::test]
async fn validation_errors_name_the_fields() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let id = industry(app, &office, "textile_apparel").await;
        let before = app.audit_count().await;
        let (status, e) = app.call(Method::POST, &format!("/api/v1/industries/{id}/experts"), Some(&office),
            Some(json!({"person_name": "<b>x</b>", "specialty": "", "affiliation": "a".repeat(201),
                "joined_on": "2024-01-01", "left_on": "2023-01-01", "note": "bad\u{0007}"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&e), [
            ("person_name".to_string(), "markup".to_string()),
            ("specialty".to_string(), "required".to_string()),
            ("affiliation".to_string(), "length".to_string()),
            ("left_on".to_string(), "left_before_joined".to_string()),
            ("note".to_string(), "control_chars".to_string()),
        ]);
        // Messages are in the caller's language and name the field.
        assert!(e["error"]["details"][0]["message"].as_str().unwrap().contains("姓名"), "{e}");
        let (status, e) = app.call(Method::POST, &format!("/api/v1/industries/{id}/experts"), Some(&office),
            Some(json!({"person_name": "x", "specialty": "y", "affiliation": "z", "joined_on": "2024-13-01"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "joined_on", "{e}");
        let (status, e) = app.call(Method::POST, &format!("/api/v1/industries/{id}/taskforce-members"), Some(&office),
            Some(json!({"person_name": "x", "member_role": "boss"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "member_role", "{e}");
        let (status, e) = app.call(Method::POST, &format!("/api/v1/industries/{id}/work-plans"), Some(&office),
            Some(json!({"year": 1999, "plan_title": ""}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&e), [("year".to_string(), "range".to_string()), ("plan_title".to_string(), "required".to_string())]);
        let (status, e) = app.call(Method::POST, &format!("/api/v1/industries/{id}/special-plans"), Some(&office),
            Some(json!({"plan_title": "规划", "drafting_department_ids": [], "drafted_on": "2025-01-01", "extra": 1}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "extra", "unknown_field"), "{e}");
        assert_eq!(app.audit_count().await, before);
        // An industry that does not exist.
        let (status, _) = app.call(Method::POST, "/api/v1/industries/999999/work-plans", Some(&office),
            Some(json!({"year": 2026, "plan_title": "x"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.get("/api/v1/industries/999999/profile", &office).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// Who may read and write which industry.
#[tokio::test]
async fn scope_per_role_and_industry() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let nm = industry(app, &office, "new_materials").await;
        let ie = industry(app, &office, "intelligent_equipment").await;
        let (_, p_ie) = app.get(&format!("/api/v1/industries/{ie}/profile"), &office).await;
        let ie_member = p_ie["taskforce_members"][0].clone();
        let ie_file = &p_ie["special_plans"].as_array().unwrap().iter()
            .find(|x| !x["files"].as_array().unwrap().is_empty());
        assert!(ie_file.is_none(), "智能装备 has no published plan in the demo");
        let (_, p_nm) = app.get(&format!("/api/v1/industries/{nm}/profile"), &office).await;
        let nm_plan = p_nm["special_plans"].as_array().unwrap().iter()
            .find(|x| !x["files"].as_array().unwrap().is_empty()).unwrap().clone();
        let nm_file = format!("/api/v1/industries/{nm}/special-plans/{}/files/{}", nm_plan["id"], nm_plan["files"][0]["id"]);

        let expert_body = json!({"person_name": "测试专家", "specialty": "x", "affiliation": "y", "joined_on": "2025-01-01"});
        // Read: (role, industry, allowed)
        let reads: Vec<(&str, i64, bool)> = vec![
            ("office", nm, true), ("office", ie, true),
            ("leader", nm, true), ("leader", ie, false),
            ("supervisor", nm, true), ("supervisor", ie, true),
            ("taskforce", nm, true), ("taskforce", ie, false),
            ("expert", nm, true), ("expert", ie, false),
            ("admin", nm, false), ("dept", nm, false), ("district", nm, false), ("stats", nm, false),
        ];
        for (role, ind, ok) in reads {
            let token = app.token(role).await;
            let (status, body) = app.get(&format!("/api/v1/industries/{ind}/profile"), &token).await;
            if ok {
                assert_eq!(status, StatusCode::OK, "{role} reads {ind}");
                assert_eq!(body["can_edit"], matches!(role, "office" | "taskforce"), "{role} can_edit");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} reads {ind}");
                assert_eq!(body["error"]["code"], "forbidden");
            }
            let resp = app.client.get(app.url(&nm_file)).bearer_auth(&token).send().await.unwrap();
            let may_read_nm = matches!(role, "office" | "leader" | "supervisor" | "taskforce" | "expert");
            assert_eq!(resp.status().is_success(), may_read_nm, "{role} downloads");
        }
        // The list shows only the industries in scope.
        for (role, n) in [("taskforce", Some(1)), ("expert", Some(1)), ("leader", Some(1)), ("supervisor", None)] {
            let token = app.token(role).await;
            let (status, list) = app.get("/api/v1/industry-profiles", &token).await;
            assert_eq!(status, StatusCode::OK);
            let items = list["items"].as_array().unwrap();
            match n {
                Some(n) => {
                    assert_eq!(items.len(), n, "{role}");
                    assert_eq!(items[0]["industry_id"], nm);
                }
                None => assert!(items.len() > 4, "{role}"),
            }
        }
        for role in ["admin", "dept", "district", "stats"] {
            let token = app.token(role).await;
            let (status, _) = app.get("/api/v1/industry-profiles", &token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role} list");
        }

        // Write: office anywhere, taskforce only its own industry, nobody else.
        for role in ["office", "leader", "supervisor", "taskforce", "expert", "admin", "dept", "district", "stats"] {
            let token = app.token(role).await;
            for ind in [nm, ie] {
                let allowed = role == "office" || (role == "taskforce" && ind == nm);
                let before = app.audit_count().await;
                let (status, body) = app.call(Method::POST, &format!("/api/v1/industries/{ind}/experts"),
                    Some(&token), Some(expert_body.clone())).await;
                if allowed {
                    assert_eq!(status, StatusCode::CREATED, "{role} writes {ind}: {body}");
                    assert_eq!(app.audit_count().await, before + 1);
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{role} writes {ind}: {body}");
                    assert_eq!(app.audit_count().await, before, "{role} wrote to {ind}");
                }
            }
        }
        // The task force of 新材料 cannot reach 智能装备 by any route: not its members, not
        // its plans, not by putting 智能装备's ids under its own industry.
        let tf = app.token("taskforce").await;
        let before = app.audit_count().await;
        let member_body = json!({"version": ie_member["version"], "person_name": "篡改", "member_role": "member"});
        let (status, _) = app.call(Method::PUT, &format!("/api/v1/industries/{ie}/taskforce-members/{}", ie_member["id"]),
            Some(&tf), Some(member_body.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.call(Method::PUT, &format!("/api/v1/industries/{nm}/taskforce-members/{}", ie_member["id"]),
            Some(&tf), Some(member_body)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.call(Method::DELETE, &format!("/api/v1/industries/{nm}/taskforce-members/{}?version={}", ie_member["id"], ie_member["version"]),
            Some(&tf), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.call(Method::PUT, &format!("/api/v1/industries/{ie}/profile"), Some(&tf),
            Some(json!({"version": 1, "leader_name": "篡改"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let ie_alliance = &p_ie["alliances"][0];
        let (status, _) = app.call(Method::POST, &format!("/api/v1/industries/{nm}/alliances/{}/members", ie_alliance["id"]),
            Some(&tf), Some(json!({"enterprise_name": "x公司", "alliance_role": "member"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = upload(app, &format!("/api/v1/industries/{ie}/special-plans/{}/files", p_ie["special_plans"][0]["id"]), &tf, "x.pdf", b"%PDF".to_vec()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count().await, before, "nothing written to 智能装备");
        let (_, after) = app.get(&format!("/api/v1/industries/{ie}/profile"), &office).await;
        assert_eq!(after["taskforce_members"], p_ie["taskforce_members"]);
        assert_eq!(after["structure"], p_ie["structure"]);

        // Anonymous: 401 everywhere.
        for (method, path) in [
            (Method::GET, format!("/api/v1/industries/{nm}/profile")),
            (Method::GET, "/api/v1/industry-profiles".to_string()),
            (Method::POST, format!("/api/v1/industries/{nm}/experts")),
            (Method::GET, nm_file.clone()),
        ] {
            let before = app.audit_count().await;
            let body = (method == Method::POST).then(|| expert_body.clone());
            let (status, e) = app.call(method.clone(), &path, None, body).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(e["error"]["code"], "unauthenticated");
            assert_eq!(app.audit_count().await, before);
        }
    })
    .await;
}

#[tokio::test]
async fn files_upload_download_and_limit() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let nm = industry(app, &office, "new_materials").await;
        let (_, p) = app
            .get(&format!("/api/v1/industries/{nm}/profile"), &office)
            .await;
        let plan = &p["special_plans"][1];
        let files = format!("/api/v1/industries/{nm}/special-plans/{}/files", plan["id"]);

        // Larger than the server-wide body limit (256 KiB in tests), within the file limit.
        let content: Vec<u8> = (0..1_200_000u32).map(|i| (i % 251) as u8).collect();
        let (status, f) = upload(
            app,
            &files,
            &office,
            "../征求意见稿 v2.pdf",
            content.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{f}");
        assert_eq!(f["file_name"], "征求意见稿 v2.pdf");
        assert_eq!(f["size_bytes"], 1_200_000);
        assert_eq!(f["content_type"], "application/pdf");
        let resp = app
            .client
            .get(app.url(&format!("{files}/{}", f["id"])))
            .bearer_auth(&office)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "application/pdf");
        let cd = resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cd.starts_with("attachment;") && cd.contains("filename*=UTF-8''%E5%BE%81"),
            "{cd}"
        );
        assert_eq!(resp.bytes().await.unwrap().to_vec(), content);

        // Read-only roles download too; the expert of another industry does not.
        let expert = app.token("expert").await;
        let resp = app
            .client
            .get(app.url(&format!("{files}/{}", f["id"])))
            .bearer_auth(&expert)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let (status, _) = upload(app, &files, &expert, "x.pdf", b"x".to_vec()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Over the limit: 413, nothing written.
        let before = app.audit_count().await;
        let (status, e) = upload(app, &files, &office, "big.pdf", vec![7u8; MAX_FILE + 1]).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
        assert_eq!(e["error"]["code"], "payload_too_large");
        let (status, _) = upload(
            app,
            &files,
            &office,
            "bigger.pdf",
            vec![7u8; MAX_FILE + 2 * 1024 * 1024],
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        // Empty, nameless, not multipart: 422 naming the field.
        let (status, e) = upload(app, &files, &office, "empty.pdf", vec![]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "file", "file_empty"), "{e}");
        let (status, e) = app
            .call(
                Method::POST,
                &files,
                Some(&office),
                Some(json!({"file": "x"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "file", "file_unreadable"), "{e}");
        let form = reqwest::multipart::Form::new().text("other", "x");
        let resp = app
            .client
            .post(app.url(&files))
            .bearer_auth(&office)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.audit_count().await, before);
        // A plan of the industry that does not exist.
        let (status, _) = upload(
            app,
            &format!("/api/v1/industries/{nm}/special-plans/999999/files"),
            &office,
            "x.pdf",
            b"x".to_vec(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Delete with the version.
        let (status, _) = app
            .call(
                Method::DELETE,
                &format!("{files}/{}?version=2", f["id"]),
                Some(&office),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = app
            .call(
                Method::DELETE,
                &format!("{files}/{}?version=1", f["id"]),
                Some(&office),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let resp = app
            .client
            .get(app.url(&format!("{files}/{}", f["id"])))
            .bearer_auth(&office)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn hostile_bodies_never_5xx_and_never_write() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let id = industry(app, &office, "metallurgy").await;
        let nm = industry(app, &office, "new_materials").await;
        let (_, p) = app.get(&format!("/api/v1/industries/{nm}/profile"), &office).await;
        let member = &p["taskforce_members"][1];
        let expert = &p["experts_current"][0];
        let alliance = &p["alliances"][0];
        let amember = &alliance["members"][0];
        let plan = &p["special_plans"][1];
        let wp = &p["work_plans"][0];
        let miit = department(app, &office, "市工业和信息化局").await;
        let b = format!("/api/v1/industries/{id}");
        let n = format!("/api/v1/industries/{nm}");
        let bp = format!("{b}/profile");
        let np = format!("{n}/profile");
        let id_of = |v: &Value| v["id"].as_i64();
        let part = |path: &String, lists: &'static [&'static str], id: Option<i64>| {
            Stored::InList { path: path.clone(), lists, id }
        };
        const EXPERTS: &[&str] = &["experts_current", "experts_history"];
        let t = |method: Method, path: String, valid: Value, stored: Stored| Target { method, path, valid, stored };
        let targets = [
            t(Method::PUT, bp.clone(), json!({"version": 0, "leader_name": "某", "leader_title": "副市长", "lead_department_id": miit, "responsible_department_ids": [], "provincial_counterpart": "省专班"}), Stored::Field { path: bp.clone(), field: "structure" }),
            t(Method::POST, format!("{b}/taskforce-members"), json!({"person_name": "某", "department_id": miit, "post": "科长", "member_role": "member", "is_contact": false, "sort_order": 1}), part(&bp, &["taskforce_members"], None)),
            t(Method::PUT, format!("{n}/taskforce-members/{}", member["id"]), json!({"version": 0, "person_name": "某", "member_role": "deputy"}), part(&np, &["taskforce_members"], id_of(member))),
            t(Method::POST, format!("{b}/experts"), json!({"person_name": "某", "specialty": "冶金", "affiliation": "大学", "professional_title": "教授", "joined_on": "2024-01-01", "left_on": "2025-01-01", "note": "x"}), part(&bp, EXPERTS, None)),
            t(Method::PUT, format!("{n}/experts/{}", expert["id"]), json!({"version": 0, "person_name": "某", "specialty": "x", "affiliation": "y", "joined_on": "2024-01-01"}), part(&np, EXPERTS, id_of(expert))),
            t(Method::POST, format!("{b}/alliances"), json!({"alliance_name": "某联盟", "kind": "alliance", "plan_kind": "formation", "plan": "方案", "plan_status": "proposed", "note": "x"}), part(&bp, &["alliances"], None)),
            t(Method::PUT, format!("{n}/alliances/{}", alliance["id"]), json!({"version": 0, "alliance_name": "某联盟", "kind": "alliance", "plan_kind": "formation", "plan": "方案", "plan_status": "proposed"}), part(&np, &["alliances"], id_of(alliance))),
            t(Method::POST, format!("{n}/alliances/{}/members", alliance["id"]), json!({"enterprise_name": "某公司", "credit_code": "91350100M000100Y43", "alliance_role": "member"}), part(&np, &["members"], None)),
            t(Method::PUT, format!("{n}/alliances/{}/members/{}", alliance["id"], amember["id"]), json!({"version": 0, "enterprise_name": "某公司", "alliance_role": "member"}), part(&np, &["members"], id_of(amember))),
            t(Method::POST, format!("{b}/special-plans"), json!({"plan_title": "某规划", "summary": "x", "drafting_department_ids": [miit], "drafted_on": "2025-01-01"}), part(&bp, &["special_plans"], None)),
            t(Method::PUT, format!("{n}/special-plans/{}", plan["id"]), json!({"version": 0, "plan_title": "某规划", "drafting_department_ids": [miit], "drafted_on": "2025-01-01"}), part(&np, &["special_plans"], id_of(plan))),
            t(Method::POST, format!("{n}/special-plans/{}/status", plan["id"]), json!({"version": 0, "status": "approved", "date": "2026-06-01"}), part(&np, &["special_plans"], id_of(plan))),
            t(Method::POST, format!("{b}/work-plans"), json!({"year": 2027, "plan_title": "计划", "goals": "x"}), part(&bp, &["work_plans"], None)),
            t(Method::PUT, format!("{n}/work-plans/{}", wp["id"]), json!({"version": 0, "year": 2026, "plan_title": "计划"}), part(&np, &["work_plans"], id_of(wp))),
        ];
        spoil_every_field(app, &office, &targets).await;
        // Paths and queries.
        for path in [
            format!("{n}/profile/../profile"),
            "/api/v1/industries/0/profile".into(),
            "/api/v1/industries/-1/profile".into(),
            "/api/v1/industries/99999999999999999999/profile".into(),
            format!("{n}/special-plans/abc/files/1"),
            format!("{n}/special-plans/{}/files/%00", plan["id"]),
        ] {
            let (status, body) = app.get(&path, &office).await;
            assert!(!status.is_server_error(), "{path}: {status} {body}");
        }
        for q in ["version=abc", "version=", "version=99999999999999999999", "version=-1"] {
            let before = app.audit_count().await;
            let (status, body) = app.call(Method::DELETE, &format!("{n}/experts/{}?{q}", expert["id"]), Some(&office), None).await;
            assert!(status.is_client_error(), "{q}: {status} {body}");
            assert_eq!(app.audit_count().await, before);
        }
    })
    .await;
}

/// Signs in through the browser form.
async fn browser(app: &TestApp, user: &str) -> (String, String) {
    crate::auth::browser_login(app, user).await
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let resp = app
        .client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.text().await.unwrap())
}

#[tokio::test]
async fn pages_show_and_edit_the_profile() {
    each_backend(reference_data(), async |app| {
        let office_token = app.token("office").await;
        let nm = industry(app, &office_token, "new_materials").await;
        let ie = industry(app, &office_token, "intelligent_equipment").await;

        // Who sees the list and the page.
        for (role, list_ok, nm_ok, ie_ok) in [
            ("office", true, true, true),
            ("leader", true, true, false),
            ("supervisor", true, true, true),
            ("taskforce", true, true, false),
            ("expert", true, true, false),
            ("admin", false, false, false),
            ("dept", false, false, false),
            ("district", false, false, false),
            ("stats", false, false, false),
        ] {
            let (cookie, _) = browser(app, role).await;
            let (status, html) = page(app, &cookie, "/industries").await;
            assert_eq!(status.is_success(), list_ok, "{role} /industries: {status}");
            if list_ok {
                assert!(
                    html.contains("id=\"industry-new_materials\""),
                    "{role} list"
                );
                assert_eq!(
                    html.contains("id=\"industry-intelligent_equipment\""),
                    ie_ok,
                    "{role} list scope"
                );
                assert!(!html.contains("not-ready"), "the area is ready");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
            }
            let (status, html) = page(app, &cookie, &format!("/industries/{nm}")).await;
            assert_eq!(status.is_success(), nm_ok, "{role} nm page: {status}");
            if nm_ok {
                assert!(html.contains("市领导（分管新材料产业）"), "{role}");
                assert!(
                    html.contains("id=\"taskforce-table\"")
                        && html.contains("id=\"experts-history-table\"")
                );
                assert!(html.contains("淄博市新材料产业联盟") && html.contains("已发布"));
                // The work plan's measures are key tasks; an overdue one is red, with its days.
                assert!(
                    html.contains("class=\"overdue\"") && html.contains("天"),
                    "{role}"
                );
                let editor = matches!(role, "office" | "taskforce");
                assert_eq!(
                    html.contains("id=\"member-new\""),
                    editor,
                    "{role} edit links"
                );
                assert_eq!(
                    html.contains("id=\"read-only\""),
                    !editor,
                    "{role} read-only note"
                );
            }
            let (status, _) = page(app, &cookie, &format!("/industries/{ie}")).await;
            assert_eq!(status.is_success(), ie_ok, "{role} ie page");
            let (status, _) = page(app, &cookie, &format!("/industries/{nm}/experts/new")).await;
            assert_eq!(
                status.is_success(),
                matches!(role, "office" | "taskforce"),
                "{role} new form"
            );
        }

        // English through the catalogue.
        let (cookie, csrf) = browser(app, "taskforce").await;
        let resp = app
            .client
            .get(app.url(&format!("/industries/{nm}")))
            .header("cookie", format!("{cookie}; dn_lang=en"))
            .send()
            .await
            .unwrap();
        let html = resp.text().await.unwrap();
        assert!(
            html.contains("Think tank") && html.contains("Experts who have left"),
            "English page"
        );

        // A form: errors name the field, then saving works, then a stale version conflicts.
        let before = app.audit_count().await;
        let resp = app
            .client
            .post(app.url(&format!("/industries/{nm}/experts")))
            .header("cookie", &cookie)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("person_name", ""),
                ("specialty", "x"),
                ("affiliation", "y"),
                ("joined_on", "2025-02-30"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = resp.text().await.unwrap();
        assert!(
            html.contains("请填写“姓名”") && html.contains("“加入日期”须为 YYYY-MM-DD"),
            "{html}"
        );
        assert_eq!(app.audit_count().await, before);
        let resp = app
            .client
            .post(app.url(&format!("/industries/{nm}/experts")))
            .header("cookie", &cookie)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("person_name", "页面专家"),
                ("specialty", "碳材料"),
                ("affiliation", "某大学"),
                ("joined_on", "2025-02-28"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert!(
            resp.headers()["location"]
                .to_str()
                .unwrap()
                .ends_with("#experts")
        );
        let (_, p) = app
            .get(&format!("/api/v1/industries/{nm}/profile"), &office_token)
            .await;
        let added = p["experts_current"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["person_name"] == "页面专家")
            .unwrap()
            .clone();
        let edit = format!("/industries/{nm}/experts/{}", added["id"]);
        let (status, html) = page(app, &cookie, &edit).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("value=\"2025-02-28\""));
        let form = |version: &'static str| {
            vec![
                ("_csrf", csrf.clone()),
                ("version", version.to_string()),
                ("person_name", "页面专家".to_string()),
                ("specialty", "碳材料".to_string()),
                ("affiliation", "某大学".to_string()),
                ("joined_on", "2025-02-28".to_string()),
                ("left_on", "2025-12-31".to_string()),
            ]
        };
        let resp = app
            .client
            .post(app.url(&edit))
            .header("cookie", &cookie)
            .form(&form("1"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let resp = app
            .client
            .post(app.url(&edit))
            .header("cookie", &cookie)
            .form(&form("1"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CONFLICT);
        assert!(resp.text().await.unwrap().contains("id=\"conflict\""));
        // Delete from the page: a confirmation first, showing the record, for editors only.
        let (status, html) = page(app, &cookie, &format!("{edit}/delete")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("id=\"confirm-delete\"")
                && html.contains("页面专家")
                && html.contains("name=\"version\" value=\"2\""),
            "{html}"
        );
        let (leader_cookie, _) = browser(app, "leader").await;
        let (status, html) = page(app, &leader_cookie, &format!("{edit}/delete")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!html.contains("页面专家"));
        let (status, _) = page(
            app,
            &cookie,
            &format!("/industries/{nm}/experts/999999/delete"),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let resp = app
            .client
            .post(app.url(&format!("{edit}/delete")))
            .header("cookie", &cookie)
            .form(&[("_csrf", csrf.as_str()), ("version", "2")])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);

        // The task force of 新材料 cannot post to 智能装备's forms.
        let before = app.audit_count().await;
        let resp = app
            .client
            .post(app.url(&format!("/industries/{ie}/experts")))
            .header("cookie", &cookie)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("person_name", "越权"),
                ("specialty", "x"),
                ("affiliation", "y"),
                ("joined_on", "2025-01-01"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let resp = app
            .client
            .post(app.url(&format!("/industries/{ie}/experts")))
            .header("cookie", &cookie)
            .form(&[("_csrf", csrf.as_str()), ("person_name", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.status(),
            StatusCode::FORBIDDEN,
            "invalid input does not reveal the form either"
        );
        assert_eq!(app.audit_count().await, before);

        // Structure form with several departments, and a status move.
        let miit = department(app, &office_token, "市工业和信息化局")
            .await
            .to_string();
        let eco = department(app, &office_token, "市生态环境局")
            .await
            .to_string();
        let sci = department(app, &office_token, "市科学技术局")
            .await
            .to_string();
        let (_, html) = page(app, &cookie, &format!("/industries/{nm}/structure")).await;
        assert!(html.contains("multiple"));
        let version = p["structure"]["version"].to_string();
        let resp = app
            .client
            .post(app.url(&format!("/industries/{nm}/structure")))
            .header("cookie", &cookie)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", version.as_str()),
                ("leader_name", "市领导（分管新材料产业）"),
                ("leader_title", "副市长"),
                ("lead_department_id", miit.as_str()),
                ("responsible_department_ids", eco.as_str()),
                ("responsible_department_ids", sci.as_str()),
                ("provincial_counterpart", "省专班"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let (_, p) = app
            .get(&format!("/api/v1/industries/{nm}/profile"), &office_token)
            .await;
        assert_eq!(
            p["structure"]["responsible_department_ids"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let drafting = p["special_plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["status"] == "under_review")
            .unwrap()
            .clone();
        let mpath = format!("/industries/{nm}/special-plans/{}/status", drafting["id"]);
        let (status, html) = page(app, &cookie, &mpath).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("value=\"approved\""));
        let v = drafting["version"].to_string();
        let resp = app
            .client
            .post(app.url(&mpath))
            .header("cookie", &cookie)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", v.as_str()),
                ("status", "approved"),
                ("date", "2026-06-01"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);

        // Upload from the page: the token rides in the query string.
        let files = format!("/industries/{nm}/special-plans/{}/files", drafting["id"]);
        let (_, html) = page(app, &cookie, &format!("/industries/{nm}")).await;
        assert!(
            html.contains(&format!("action=\"{files}?_csrf=")),
            "upload form"
        );
        let form = || {
            reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes("意见汇总".as_bytes().to_vec())
                    .file_name("意见汇总.txt")
                    .mime_str("text/plain")
                    .unwrap(),
            )
        };
        let before = app.audit_count().await;
        let resp = app
            .client
            .post(app.url(&files))
            .header("cookie", &cookie)
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "no token");
        assert_eq!(app.audit_count().await, before);
        let resp = app
            .client
            .post(app.url(&format!("{files}?_csrf={csrf}")))
            .header("cookie", &cookie)
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let empty = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(Vec::new()).file_name("空.txt"),
        );
        let resp = app
            .client
            .post(app.url(&format!("{files}?_csrf={csrf}")))
            .header("cookie", &cookie)
            .multipart(empty)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(resp.text().await.unwrap().contains("id=\"upload-error\""));
        let (_, html) = page(app, &cookie, &format!("/industries/{nm}")).await;
        assert!(html.contains("意见汇总.txt"));
        let (_, p) = app
            .get(&format!("/api/v1/industries/{nm}/profile"), &office_token)
            .await;
        let f = p["special_plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == drafting["id"])
            .unwrap()["files"][0]
            .clone();
        let resp = app
            .client
            .get(app.url(&format!("{files}/{}", f["id"])))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.text().await.unwrap(), "意见汇总");
        let (status, html) = page(app, &cookie, &format!("{files}/{}/delete", f["id"])).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("意见汇总.txt") && html.contains("id=\"confirm-delete\""));
        let (status, _) = page(app, &leader_cookie, &format!("{files}/{}/delete", f["id"])).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

/// Every kind of profile record, created by every role in both industries: the office
/// anywhere, the 新材料 task force in 新材料 only, nobody else — and a refusal writes nothing.
#[tokio::test]
async fn create_matrix_for_every_part() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let nm = industry(app, &office, "new_materials").await;
        let ie = industry(app, &office, "intelligent_equipment").await;
        let miit = department(app, &office, "市工业和信息化局").await;
        for role in ["office", "leader", "supervisor", "taskforce", "expert", "admin", "dept", "district", "stats"] {
            let token = app.token(role).await;
            for (n, ind) in [nm, ie].into_iter().enumerate() {
                let allowed = role == "office" || (role == "taskforce" && ind == nm);
                let year = 2030 + (role.len() as i32) * 2 + n as i32;
                let parts: Vec<(&str, serde_json::Value)> = vec![
                    ("taskforce-members", json!({"person_name": format!("{role}成员"), "member_role": "member"})),
                    ("alliances", json!({"alliance_name": format!("{role}{n}联盟"), "kind": "alliance", "plan_kind": "formation", "plan": "组建方案", "plan_status": "proposed"})),
                    ("special-plans", json!({"plan_title": format!("{role}{n}专项规划"), "drafting_department_ids": [miit], "drafted_on": "2025-03-01"})),
                    ("work-plans", json!({"year": year, "plan_title": format!("{year}年工作计划")})),
                ];
                for (part, body) in parts {
                    let before = app.audit_count().await;
                    let (status, resp) = app.call(Method::POST, &format!("/api/v1/industries/{ind}/{part}"), Some(&token), Some(body)).await;
                    if allowed {
                        assert_eq!(status, StatusCode::CREATED, "{role} {part} {ind}: {resp}");
                    } else {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{role} {part} {ind}: {resp}");
                        assert_eq!(app.audit_count().await, before, "{role} {part} wrote");
                    }
                }
            }
        }
    })
    .await;
}
