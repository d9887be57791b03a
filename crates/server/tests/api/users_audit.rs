//! Accounts with grants, and the audit trail of every change.

use crate::harness::{each_backend, reference_data};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn admin_manages_accounts_end_to_end() {
    each_backend(reference_data(), async |app| {
        let admin = app.token("admin").await;
        let zd = app.find_id(&admin, "/api/v1/regions", "code", "370303").await;
        let (s, u) = app.call(Method::POST, "/api/v1/users", Some(&admin), Some(json!({
            "username": "zd.clerk", "display_name": "张店区项目办", "department_id": null,
            "password": "a-long-password", "grants": [{"role": "district", "scope": {"kind": "regions", "ids": [zd]}}]
        }))).await;
        assert_eq!(s, StatusCode::CREATED, "{u}");
        let id = u["id"].as_i64().unwrap();
        // The new account signs in and holds its grant.
        let (s, body) = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "zd.clerk", "password": "a-long-password"}))).await;
        assert_eq!(s, StatusCode::OK);
        let token = body["token"].as_str().unwrap().to_string();
        assert_eq!(body["user"]["grants"][0]["scope"]["ids"][0], zd);
        // Same username again.
        let (s, e) = app.call(Method::POST, "/api/v1/users", Some(&admin), Some(json!({
            "username": "zd.clerk", "display_name": "x", "password": "a-long-password", "grants": [{"role": "stats", "scope": {"kind": "city"}}]
        }))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "username");
        assert_eq!(e["error"]["details"][0]["code"], "duplicate");
        // Role and scope must fit; ids must exist.
        let (s, e) = app.call(Method::POST, "/api/v1/users", Some(&admin), Some(json!({
            "username": "bad.scope", "display_name": "x", "password": "a-long-password",
            "grants": [{"role": "district", "scope": {"kind": "city"}}, {"role": "taskforce", "scope": {"kind": "industries", "ids": [987654]}}]
        }))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = e["error"]["details"].as_array().unwrap().iter().filter_map(|d| d["field"].as_str()).collect();
        assert!(fields.contains(&"grants[0]"), "{e}");
        // Disabling ends the account's sessions.
        let (s, d) = app.call(Method::POST, &format!("/api/v1/users/{id}/disable"), Some(&admin), Some(json!({"version": 1}))).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["disabled"], true);
        let (s, _) = app.get("/api/v1/me", &token).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        // An administrator cannot lock themselves out.
        let me = app.find_id(&admin, "/api/v1/users", "username", "admin").await;
        let (_, a) = app.get(&format!("/api/v1/users/{me}"), &admin).await;
        let (s, e) = app.call(Method::PUT, &format!("/api/v1/users/{me}"), Some(&admin), Some(json!({
            "version": a["version"], "display_name": "管理员", "department_id": null, "disabled": false,
            "grants": [{"role": "stats", "scope": {"kind": "city"}}]
        }))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["code"], "self_demote");
        // Password reset.
        let stats = app.find_id(&admin, "/api/v1/users", "username", "stats").await;
        let (s, _) = app.call(Method::POST, &format!("/api/v1/users/{stats}/password"), Some(&admin), Some(json!({"password": "short"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = app.call(Method::POST, &format!("/api/v1/users/{stats}/password"), Some(&admin), Some(json!({"password": "new-stats-password"}))).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "stats", "password": "new-stats-password"}))).await;
        assert_eq!(s, StatusCode::OK);
        // Paging.
        let (_, page) = app.get("/api/v1/users?page=2&per_page=4", &admin).await;
        assert_eq!(page["page"], 2);
        assert_eq!(page["items"].as_array().unwrap().len(), 4);
        assert_eq!(page["total"], 10);
        let (s, e) = app.get("/api/v1/users?page=abc", &admin).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "page");
    })
    .await;
}

#[tokio::test]
async fn every_write_leaves_who_when_before_and_after() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let admin = app.token("admin").await;
        let id = app.find_id(&office, "/api/v1/departments", "name_zh", "市自然资源局").await;
        let path = format!("/api/v1/departments/{id}");
        let (_, d) = app.get(&path, &office).await;
        let (s, _) = app.call(Method::PUT, &path, Some(&office), Some(json!({
            "version": d["version"], "name_zh": "市自然资源和规划局", "name_en": "Natural Resources and Planning", "kind": "department", "region_id": d["region_id"]
        }))).await;
        assert_eq!(s, StatusCode::OK);
        let (s, log) = app.get(&format!("/api/v1/audit?record_type=department&record_id={id}"), &admin).await;
        assert_eq!(s, StatusCode::OK);
        let e = &log["items"][0];
        assert_eq!(e["username"], "office");
        assert_eq!(e["action"], "update");
        assert_eq!(e["before"]["name_zh"], "市自然资源局");
        assert_eq!(e["after"]["name_zh"], "市自然资源和规划局");
        assert!(e["request_id"].is_string());
        assert_eq!(log["items"][1]["action"], "create");
        // Filters by user and by date.
        let (_, mine) = app.get("/api/v1/audit?username=office", &admin).await;
        assert_eq!(mine["total"], 1);
        // Days are China calendar days, whatever the UTC date is.
        let today = dongneng_domain::clock::today();
        let (_, dated) = app.get(&format!("/api/v1/audit?username=office&from={today}&until={today}"), &admin).await;
        assert_eq!(dated["total"], 1);
        let (_, old) = app.get("/api/v1/audit?username=office&until=2020-01-01", &admin).await;
        assert_eq!(old["total"], 0);
        let (s, e) = app.get("/api/v1/audit?from=yesterday", &admin).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "from");
        // The page shows it too.
        let (cookie, _) = crate::auth::browser_login(app, "admin").await;
        let html = app.client.get(app.url("/admin/audit?username=office")).header("cookie", cookie).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("市自然资源和规划局"));
    })
    .await;
}
