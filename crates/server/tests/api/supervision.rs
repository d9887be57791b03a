//! Supervision items (督办) through the API on both databases: issue, reply, close (销号) by
//! the supervisor alone with evidence, the ledger and its xlsx, the notice's content, bad
//! input, scopes and the demo's items.

use crate::harness::{TestApp, each_backend, file_form, full_demo, reference_data};
use crate::problems::{ids, raise};
use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, Duration};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn day(offset: i64) -> String {
    (dongneng_domain::clock::today() + Duration::days(offset)).to_string()
}

pub(crate) async fn issue(app: &TestApp, body: Value) -> Value {
    let (status, i) = app
        .call(
            Method::POST,
            "/api/v1/supervision-items",
            Some(&app.token("supervisor").await),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{i}");
    i
}

/// A step of item `i` as `role` with the item's current version.
async fn item_step(
    app: &TestApp,
    role: &str,
    i: &Value,
    step: &str,
    body: Value,
) -> (StatusCode, Value) {
    let path = format!("/api/v1/supervision-items/{}", i["id"]);
    let (_, now) = app.get(&path, &app.token("office").await).await;
    let mut body = body;
    body["version"] = now["version"].clone();
    app.call(
        Method::POST,
        &format!("{path}/{step}"),
        Some(&app.token(role).await),
        Some(body),
    )
    .await
}

fn has(body: &Value, field: &str, code: &str) -> bool {
    body["error"]["details"]
        .as_array()
        .is_some_and(|d| d.iter().any(|f| f["field"] == field && f["code"] == code))
}

#[tokio::test]
async fn an_item_is_issued_replied_to_and_closed_by_the_supervisor() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let p = raise(
            app,
            &office,
            ids.new_materials,
            ids.zhangdian,
            "项目用地指标不足",
        )
        .await;
        let i = issue(
            app,
            json!({"title": "督促解决项目用地问题", "requirement": "请于期限内报送办理结果",
            "subject": "problem", "subject_id": p["id"], "deadline": day(10),
            "unit_ids": [ids.miit, ids.finance]}),
        )
        .await;
        assert_eq!(
            i["number"],
            format!("督办〔{}〕1号", dongneng_domain::clock::today().year())
        );
        assert_eq!(i["state"], "issued");
        assert_eq!(i["days_left"], 10);
        assert_eq!(
            (
                i["industry_id"].as_i64(),
                i["region_id"].as_i64(),
                i["problem_id"].clone()
            ),
            (
                Some(ids.new_materials),
                Some(ids.zhangdian),
                p["id"].clone()
            )
        );
        let mut units = vec![ids.miit, ids.finance];
        units.sort_unstable();
        assert_eq!(i["unit_ids"], json!(units));

        // 市财政局 replies: one unit of two.
        let (status, r) = item_step(
            app,
            "dept",
            &i,
            "replies",
            json!({"text": "已落实配套资金"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["state"], "issued");
        assert_eq!(r["replied_unit_ids"], json!([ids.finance]));
        // Closing: the supervisor only — the office, the department and the leader are
        // refused and write nothing.
        let before = app.audit_count().await;
        for role in ["office", "dept", "leader", "admin"] {
            let (status, e) =
                item_step(app, role, &i, "close", json!({"evidence": "已办结"})).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {e}");
            assert_eq!(e["error"]["code"], "forbidden");
        }
        assert_eq!(app.audit_count().await, before);
        // Evidence is required.
        let (status, e) = item_step(app, "supervisor", &i, "close", json!({"evidence": " "})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "evidence", "required"), "{e}");
        // The supervisor's evidence file, then the close.
        let files = format!("/api/v1/supervision-items/{}/files", i["id"]);
        let req = app
            .client
            .post(app.url(&files))
            .bearer_auth(app.token("supervisor").await)
            .multipart(file_form(
                "书面答复.pdf",
                "application/pdf",
                b"%PDF".to_vec(),
            ));
        let (status, f) = app.send(req).await;
        assert_eq!(status, StatusCode::CREATED, "{f}");
        assert_eq!(f["department_id"], Value::Null);
        let (status, c) = item_step(
            app,
            "supervisor",
            &i,
            "close",
            json!({"evidence": "问题已解决，市财政局书面答复附后。"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{c}");
        assert_eq!(c["state"], "closed");
        assert_eq!(c["evidence"], "问题已解决，市财政局书面答复附后。");
        assert_eq!(c["closed_by"], "supervisor");
        // Nothing more once closed.
        let before = app.audit_count().await;
        let (status, e) = item_step(app, "dept", &i, "replies", json!({"text": "补充"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has(&e, "state", "supervision_closed"), "{e}");
        assert_eq!(app.audit_count().await, before);
        let (_, d) = app
            .get(&format!("/api/v1/supervision-items/{}", i["id"]), &office)
            .await;
        let kinds: Vec<&str> = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["issued", "replied", "attached", "closed"]);
        assert_eq!(d["replies"][0]["text"], "已落实配套资金");

        // The notice's content.
        let (status, n) = app
            .get(
                &format!("/api/v1/supervision-items/{}/notice", i["id"]),
                &office,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{n}");
        assert_eq!(n["number"], i["number"]);
        assert_eq!(
            n["subject"],
            format!("问题 {} 项目用地指标不足", p["number"].as_str().unwrap())
        );
        assert!(
            n["addressees"]
                .as_array()
                .unwrap()
                .contains(&json!("市财政局"))
        );
        assert_eq!(n["issuer"], "市政府办公室");
        assert_eq!(n["deadline"], day(10));
    })
    .await;
}

#[tokio::test]
async fn every_unit_replying_makes_it_replied() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let i = issue(
            app,
            json!({"title": "督促落实配套资金", "requirement": "报送计划", "subject": "own",
            "deadline": day(5), "unit_ids": [ids.finance]}),
        )
        .await;
        let (status, r) = item_step(app, "dept", &i, "replies", json!({"text": "已报送"})).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["state"], "replied");
        // The supervisor's to-do: items replied, waiting to be closed.
        let waiting = app
            .store
            .supervision_waiting_on_supervisor(dongneng_domain::clock::today(), 10)
            .await
            .unwrap();
        assert_eq!(
            waiting.iter().map(|w| w.id).collect::<Vec<_>>(),
            [i["id"].as_i64().unwrap()]
        );
        assert!(
            app.store
                .supervision_waiting_on_unit(ids.finance, 10)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn bad_supervision_input() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let supervisor = app.token("supervisor").await;
        let before = app.audit_count().await;
        let base = json!({"title": "督办", "requirement": "按期办结", "subject": "own", "deadline": day(5), "unit_ids": [ids.finance]});
        let with = |k: &str, v: Value| {
            let mut b = base.clone();
            b[k] = v;
            b
        };
        for (body, field, code) in [
            (with("deadline", json!(day(-1))), "deadline", "deadline_before"),
            (with("unit_ids", json!([])), "unit_ids", "required"),
            (with("unit_ids", json!([987_654])), "unit_ids", "unknown_reference"),
            (json!({"title": "督办", "requirement": "x", "subject": "problem", "subject_id": 987_654, "deadline": day(5), "unit_ids": [ids.finance]}), "subject_id", "unknown_reference"),
            (with("subject_id", json!(5)), "subject_id", "origin_not_expected"),
            (with("requirement", json!("")), "requirement", "required"),
        ] {
            let (status, e) = app.call(Method::POST, "/api/v1/supervision-items", Some(&supervisor), Some(body)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert!(has(&e, field, code), "{field} {code}: {e}");
        }
        // Only the supervisor issues.
        for role in ["office", "dept", "leader"] {
            let (status, _) = app.call(Method::POST, "/api/v1/supervision-items", Some(&app.token(role).await), Some(base.clone())).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        }
        assert_eq!(app.audit_count().await, before);
        // A stale version.
        let i = issue(app, base.clone()).await;
        let before = app.audit_count().await;
        let mut edit = base.clone();
        edit["version"] = json!(i["version"].as_i64().unwrap() + 1);
        let (status, _) = app.call(Method::PUT, &format!("/api/v1/supervision-items/{}", i["id"]), Some(&supervisor), Some(edit)).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = app.call(Method::POST, &format!("/api/v1/supervision-items/{}/close", i["id"]), Some(&supervisor),
            Some(json!({"version": 0, "evidence": "x"}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        // A department not among the units may not reply.
        let (status, _) = app.call(Method::POST, &format!("/api/v1/supervision-items/{}/replies", i["id"]), Some(&app.token("district").await),
            Some(json!({"version": i["version"], "text": "x"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count().await, before);
    })
    .await;
}

#[tokio::test]
async fn the_ledger_and_its_workbook() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let p = raise(app, &office, ids.chemical, ids.zichuan, "淄川区化工问题").await;
        let a = issue(
            app,
            json!({"title": "督办化工园区问题", "requirement": "按期办结", "subject": "problem",
            "subject_id": p["id"], "deadline": day(3), "unit_ids": [ids.miit]}),
        )
        .await;
        let b = issue(
            app,
            json!({"title": "督促配套资金", "requirement": "按期办结", "subject": "own",
            "deadline": day(20), "unit_ids": [ids.finance]}),
        )
        .await;
        let (_, all) = app.get("/api/v1/supervision-items", &office).await;
        assert_eq!(all["total"], 2);
        assert_eq!(all["items"][0]["id"], b["id"], "newest number first");
        // Scopes: the department its own items, the district those in its area (none here),
        // the task force those of its industry (none).
        let count = async |role: &str| {
            let (status, l) = app
                .get("/api/v1/supervision-items", &app.token(role).await)
                .await;
            assert_eq!(status, StatusCode::OK);
            l["total"].as_i64().unwrap()
        };
        assert_eq!(count("dept").await, 1);
        assert_eq!(count("district").await, 0);
        assert_eq!(count("taskforce").await, 0);
        assert_eq!(count("supervisor").await, 2);
        let (status, _) = app
            .get(
                &format!("/api/v1/supervision-items/{}", a["id"]),
                &app.token("dept").await,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The workbook.
        let resp = app
            .client
            .get(app.url("/api/v1/supervision-items/ledger.xlsx"))
            .bearer_auth(&office)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = resp.bytes().await.unwrap().to_vec();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("督办台账").unwrap();
        let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][1], Data::String("督办编号".into()));
        assert_eq!(rows[1][2], Data::String("督办化工园区问题".into()));
        assert_eq!(rows[1][3], Data::String("市工业和信息化局".into()));
        assert_eq!(rows[1][5], Data::String("已下达".into()));
        assert_eq!(rows[1][6], Data::Float(3.0));
        assert_eq!(rows[1][8], Data::String("0/1".into()));
        // The department's workbook holds its item only.
        let resp = app
            .client
            .get(app.url("/api/v1/supervision-items/ledger.xlsx"))
            .bearer_auth(app.token("dept").await)
            .send()
            .await
            .unwrap();
        let mut book: Xlsx<_> =
            Xlsx::new(std::io::Cursor::new(resp.bytes().await.unwrap().to_vec())).unwrap();
        assert_eq!(book.worksheet_range("督办台账").unwrap().rows().count(), 2);
    })
    .await;
}

/// The demo: five items; the supervisor and 市财政局 have items waiting.
#[tokio::test]
async fn the_demo_items() {
    each_backend(full_demo(), async |app| {
        let ids = ids(app).await;
        let (_, all) = app
            .get("/api/v1/supervision-items", &app.token("supervisor").await)
            .await;
        assert_eq!(all["total"], 5);
        for state in ["issued", "replied", "closed"] {
            assert!(
                all["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i["state"] == state),
                "{state}"
            );
        }
        assert!(
            all["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["overdue"] == true)
        );
        let today = dongneng_domain::clock::today();
        assert!(
            app.store
                .supervision_waiting_on_supervisor(today, 10)
                .await
                .unwrap()
                .len()
                >= 2
        );
        assert!(
            !app.store
                .supervision_waiting_on_unit(ids.finance, 10)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}
