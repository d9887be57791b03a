//! Malformed and hostile bodies against every endpoint that takes one: never a 5xx, never a
//! write.

use crate::harness::{each_backend, reference_data};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Bodies that must all be refused.
pub(crate) fn hostile_bodies(valid: &Value) -> Vec<Value> {
    let mut out = vec![
        json!(null),
        json!([]),
        json!("text"),
        json!(42),
        json!({}),
        json!({"version": "one"}),
        json!({"<script>": "x"}),
    ];
    if let Some(obj) = valid.as_object() {
        for key in obj.keys() {
            for bad in [
                json!(null),
                json!(""),
                json!("x".repeat(3000)),
                json!("控制\u{0000}字符\u{0007}"),
                json!("<script>alert(1)</script>"),
                json!(12345678901234567890u64),
                json!(-1),
                json!([1, 2]),
                json!({"nested": {"deep": true}}),
                json!(true),
                json!(1.5),
            ] {
                let mut b = valid.clone();
                b[key] = bad;
                if &b != valid {
                    out.push(b);
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn hostile_bodies_never_5xx_and_never_write() {
    each_backend(reference_data(), async |app| {
        let admin = app.token("admin").await;
        let city = app
            .find_id(&admin, "/api/v1/regions", "code", "370300")
            .await;
        let group = app
            .find_id(&admin, "/api/v1/industry-groups", "key", "other")
            .await;
        let dept = app
            .find_id(&admin, "/api/v1/departments", "name_zh", "市商务局")
            .await;
        let region = app
            .find_id(&admin, "/api/v1/regions", "code", "370323")
            .await;
        let industry = app
            .find_id(&admin, "/api/v1/industries", "key", "light_industry")
            .await;
        let user = app
            .find_id(&admin, "/api/v1/users", "username", "leader")
            .await;
        // Valid bodies whose every field gets spoiled in turn. Where a spoiled value could
        // still be valid (a numeric field set to -1 is fine for `sort_order`), it is skipped
        // below by looking at the status.
        let endpoints: Vec<(Method, String, Value)> = vec![
            (
                Method::POST,
                "/api/v1/regions".into(),
                json!({"code": "370398", "name_zh": "测试区", "name_en": "Test", "kind": "district", "parent_id": city}),
            ),
            (
                Method::PUT,
                format!("/api/v1/regions/{region}"),
                json!({"version": 1, "code": "370323", "name_zh": "沂源县", "name_en": "Yiyuan", "kind": "county", "parent_id": city}),
            ),
            (
                Method::POST,
                "/api/v1/departments".into(),
                json!({"name_zh": "测试局", "name_en": "Test", "kind": "department"}),
            ),
            (
                Method::PUT,
                format!("/api/v1/departments/{dept}"),
                json!({"version": 1, "name_zh": "市商务局", "name_en": "Commerce", "kind": "department"}),
            ),
            (
                Method::POST,
                "/api/v1/industry-groups".into(),
                json!({"key": "test_group", "name_zh": "测试组", "name_en": "Test"}),
            ),
            (
                Method::POST,
                "/api/v1/industries".into(),
                json!({"key": "test_ind", "name_zh": "测试产业", "name_en": "Test", "group_id": group}),
            ),
            (
                Method::PUT,
                format!("/api/v1/industries/{industry}"),
                json!({"version": 1, "key": "light_industry", "name_zh": "轻工", "name_en": "Light", "group_id": group}),
            ),
            (
                Method::POST,
                "/api/v1/users".into(),
                json!({"username": "hostile.user", "display_name": "x", "password": "a-long-password", "grants": [{"role": "stats", "scope": {"kind": "city"}}]}),
            ),
            (
                Method::PUT,
                format!("/api/v1/users/{user}"),
                json!({"version": 1, "display_name": "领导", "disabled": false, "grants": [{"role": "leader", "scope": {"kind": "city"}}]}),
            ),
            (
                Method::POST,
                format!("/api/v1/users/{user}/disable"),
                json!({"version": 99}),
            ),
            (
                Method::POST,
                format!("/api/v1/users/{user}/password"),
                json!({"password": "x"}),
            ),
            (
                Method::POST,
                "/api/v1/auth/login".into(),
                json!({"username": "admin", "password": "wrong-password"}),
            ),
        ];
        for (method, path, valid) in &endpoints {
            for body in hostile_bodies(valid) {
                let before = app.audit_count().await;
                let (status, resp) = app
                    .call(method.clone(), path, Some(&admin), Some(body.clone()))
                    .await;
                assert!(
                    !status.is_server_error(),
                    "{method} {path} {body}: {status} {resp}"
                );
                if status.is_success() {
                    // Some spoilt values are legitimately valid (an empty optional, a
                    // boolean flag); anything accepted must still read back sanely.
                    continue;
                }
                assert!(status.is_client_error(), "{method} {path}: {status}");
                assert!(
                    resp["error"]["code"].is_string(),
                    "{method} {path}: envelope {resp}"
                );
                assert_eq!(
                    app.audit_count().await,
                    before,
                    "{method} {path} {body} wrote"
                );
            }
            // Not JSON, wrong type, empty, too large.
            for (ctype, raw, want) in [
                (
                    "application/json",
                    b"{not json".to_vec(),
                    StatusCode::BAD_REQUEST,
                ),
                ("application/json", Vec::new(), StatusCode::BAD_REQUEST),
                (
                    "text/plain",
                    b"{}".to_vec(),
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ),
                (
                    "application/json",
                    vec![b' '; 300 * 1024],
                    StatusCode::PAYLOAD_TOO_LARGE,
                ),
                (
                    "application/json",
                    b"\xff\xfe\x00".to_vec(),
                    StatusCode::BAD_REQUEST,
                ),
            ] {
                let before = app.audit_count().await;
                let (status, resp) = app
                    .raw(method.clone(), path, Some(&admin), ctype, raw)
                    .await;
                assert_eq!(status, want, "{method} {path} {ctype}: {resp}");
                assert!(
                    resp["error"]["code"].is_string(),
                    "{method} {path} {ctype}: {status} {resp}"
                );
                assert_eq!(app.audit_count().await, before);
            }
        }
        // Unknown routes and methods.
        let (s, e) = app.get("/api/v1/nothing-here", &admin).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(e["error"]["code"], "not_found");
        let (s, e) = app
            .call(Method::DELETE, "/api/v1/regions", Some(&admin), None)
            .await;
        assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(e["error"]["code"], "method_not_allowed");
        // A 404 page for browsers, in Chinese.
        let resp = app
            .client
            .get(app.url("/no/such/page"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        assert!(resp.text().await.unwrap().contains("找不到该页面或记录"));
    })
    .await;
}

#[tokio::test]
async fn hostile_query_strings_and_paths_never_5xx() {
    each_backend(reference_data(), async |app| {
        let admin = app.token("admin").await;
        let office = app.token("office").await;
        for path in [
            "/api/v1/audit?username=%00x",
            "/api/v1/audit?record_type=%3Cscript%3E%00",
            "/api/v1/audit?record_id=-1",
            "/api/v1/audit?record_id=99999999999999999999",
            "/api/v1/audit?page=0&per_page=100000",
            "/api/v1/audit?from=2026-13-45",
            "/api/v1/lookups/%00",
            "/api/v1/lookups/..%2F..",
            "/api/v1/regions/0",
            "/api/v1/regions/-5",
            "/api/v1/regions/99999999999999999999",
            "/api/v1/users?per_page=-1",
            "/admin/audit?username=%00",
            "/api/v1/projects?q=%00",
            "/api/v1/projects?q=%22%22%22%2A%20OR%20",
            "/api/v1/projects?q=a%25_%5C",
            "/api/v1/projects?region=-1&industry=999999999999999999",
            "/api/v1/projects?stage=nope",
            "/api/v1/projects?sort=id;drop",
            "/api/v1/projects?in_library=maybe",
            "/api/v1/projects/as-at?year=99999&month=1",
            "/api/v1/projects/as-at?year=2025&month=13",
            "/api/v1/projects/as-at",
            "/api/v1/projects/export.xlsx?q=%00",
            "/api/v1/import-reports/..%2F..",
            "/login?next=%00",
            "/lang/xx?next=https://evil.example/",
        ] {
            let who = if path.starts_with("/api/v1/projects") || path.starts_with("/api/v1/import")
            {
                &office
            } else {
                &admin
            };
            let (status, body) = app.get(path, who).await;
            assert!(!status.is_server_error(), "{path}: {status} {body}");
        }
        // The language switch never sends anyone off-site.
        let resp = app
            .client
            .get(app.url("/lang/en?next=//evil.example/"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()["location"], "/");
    })
    .await;
}
