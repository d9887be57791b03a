//! Reference data through the API: contents of the demo, versions, validation, audit.

use crate::harness::{each_backend, reference_data};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn demo_reference_data_is_complete() {
    each_backend(reference_data(), async |app| {
        let t = app.token("admin").await;
        let (_, ind) = app.get("/api/v1/industries", &t).await;
        let names: Vec<&str> = ind["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["name_zh"].as_str())
            .collect();
        for n in [
            "新材料",
            "智能装备",
            "新医药",
            "电子信息",
            "冶金",
            "化工",
            "轻工",
            "建材",
            "纺织服装",
            "机械",
        ] {
            assert!(names.contains(&n), "{n} missing");
        }
        let (_, groups) = app.get("/api/v1/industry-groups", &t).await;
        let keys: Vec<&str> = groups["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|g| g["key"].as_str())
            .collect();
        assert_eq!(
            &keys[..3],
            ["four_strong", "traditional", "backward_capacity"]
        );
        let (_, regions) = app.get("/api/v1/regions", &t).await;
        let items = regions["items"].as_array().unwrap();
        assert_eq!(items.len(), 12, "city, 8 districts and counties, 3 zones");
        let zd = items.iter().find(|r| r["code"] == "370303").unwrap();
        assert_eq!(zd["name_zh"], "张店区");
        let zones: Vec<_> = items
            .iter()
            .filter(|r| r["kind"] == "functional_zone")
            .collect();
        assert_eq!(zones.len(), 3);
        assert!(
            zones.iter().all(|z| z["code"].is_null()),
            "functional zones carry no official code"
        );
        let (_, topics) = app.get("/api/v1/lookups/report_topic", &t).await;
        let topics: Vec<&str> = topics["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x["name_zh"].as_str())
            .collect();
        assert_eq!(
            topics,
            [
                "规划编制",
                "项目推进",
                "政策落地",
                "基金运作",
                "招才引智",
                "招商引资"
            ]
        );
        let (_, stages) = app.get("/api/v1/lookups/project_stage", &t).await;
        let stages: Vec<&str> = stages["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x["name_zh"].as_str())
            .collect();
        assert_eq!(stages, ["策划", "储备", "开工", "建成"]);
        let (_, depts) = app.get("/api/v1/departments", &t).await;
        assert!(
            depts["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["name_zh"] == "市财政局")
        );
    })
    .await;
}

#[tokio::test]
async fn stale_version_gets_409_and_changes_nothing() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let id = app.find_id(&t, "/api/v1/departments", "name_zh", "市财政局").await;
        let (_, d) = app.get(&format!("/api/v1/departments/{id}"), &t).await;
        let v = d["version"].as_i64().unwrap();
        let body = |name: &str| json!({"version": v, "name_zh": name, "name_en": "Zibo Finance Bureau", "kind": "department"});
        let path = format!("/api/v1/departments/{id}");
        let (s1, first) = app.call(Method::PUT, &path, Some(&t), Some(body("市财政局（一）"))).await;
        let (s2, second) = app.call(Method::PUT, &path, Some(&t), Some(body("市财政局（二）"))).await;
        assert_eq!(s1, StatusCode::OK);
        assert_eq!(first["version"], v + 1);
        assert_eq!(s2, StatusCode::CONFLICT);
        assert_eq!(second["error"]["code"], "conflict");
        let (_, now) = app.get(&path, &t).await;
        assert_eq!(now["name_zh"], "市财政局（一）");
        assert_eq!(now["version"], v + 1);
    })
    .await;
}

#[tokio::test]
async fn concurrent_updates_with_one_version_let_exactly_one_through() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let id = app.find_id(&t, "/api/v1/departments", "name_zh", "市统计局").await;
        let path = format!("/api/v1/departments/{id}");
        let (_, d) = app.get(&path, &t).await;
        let v = d["version"].as_i64().unwrap();
        let futures = (0..8).map(|i| {
            let body = json!({"version": v, "name_zh": format!("市统计局{i}"), "name_en": "Stats", "kind": "department"});
            let path = path.clone();
            let t = t.clone();
            let app = &app;
            async move { app.call(Method::PUT, &path, Some(&t), Some(body)).await.0 }
        });
        let statuses = futures::future::join_all(futures).await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT));
    })
    .await;
}

#[tokio::test]
async fn region_rules() {
    each_backend(reference_data(), async |app| {
        let t = app.token("admin").await;
        let city = app.find_id(&t, "/api/v1/regions", "code", "370300").await;
        // A functional zone has no code.
        let (s, e) = app.call(Method::POST, "/api/v1/regions", Some(&t), Some(json!({
            "code": "370391", "name_zh": "某功能区", "name_en": "Zone", "kind": "functional_zone", "parent_id": city
        }))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "code");
        assert_eq!(e["error"]["details"][0]["code"], "zone_has_no_code");
        // Codes are unique.
        let (s, e) = app.call(Method::POST, "/api/v1/regions", Some(&t), Some(json!({
            "code": "370303", "name_zh": "重复区", "name_en": "Dup", "kind": "district", "parent_id": city
        }))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "code");
        assert_eq!(e["error"]["details"][0]["code"], "duplicate");
        // A parent that does not exist.
        let (s, e) = app.call(Method::POST, "/api/v1/regions", Some(&t), Some(json!({
            "code": "370399", "name_zh": "新区", "name_en": "New", "kind": "district", "parent_id": 999999
        }))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "parent_id");
        // A region cannot move under itself.
        let (_, c) = app.get(&format!("/api/v1/regions/{city}"), &t).await;
        let zd = app.find_id(&t, "/api/v1/regions", "code", "370303").await;
        let (s, e) = app.call(Method::PUT, &format!("/api/v1/regions/{city}"), Some(&t), Some(json!({
            "version": c["version"], "code": "370300", "name_zh": "淄博市", "name_en": "Zibo", "kind": "prefecture_city", "parent_id": zd
        }))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["code"], "cycle");
        // A good one, with an English error-free answer.
        let (s, r) = app.call(Method::POST, "/api/v1/regions", Some(&t), Some(json!({
            "name_zh": "淄博综合保税区", "name_en": "Zibo Bonded Zone", "kind": "functional_zone", "parent_id": city
        }))).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["version"], 1);
    })
    .await;
}

#[tokio::test]
async fn industries_are_editable_and_unknown_ids_are_404() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let id = app
            .find_id(&t, "/api/v1/industries", "key", "metallurgy")
            .await;
        let path = format!("/api/v1/industries/{id}");
        let (_, i) = app.get(&path, &t).await;
        assert_eq!(
            i["confirmed"], false,
            "the Zibo six traditional industries are unconfirmed"
        );
        let mut body = i.clone();
        for k in ["id", "created_at", "updated_at"] {
            body.as_object_mut().unwrap().remove(k);
        }
        body["confirmed"] = json!(true);
        body["tier_753"] = json!("5");
        let (s, after) = app.call(Method::PUT, &path, Some(&t), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{after}");
        assert_eq!(after["tier_753"], "5");
        assert_eq!(after["confirmed"], true);
        let (s, _) = app.get("/api/v1/industries/999999", &t).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app.get("/api/v1/industries/abc", &t).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, e) = app.call(Method::PUT, "/api/v1/industries/999999", Some(&t), Some(json!({
            "version": 1, "key": "x_y", "name_zh": "某", "name_en": "x", "group_id": i["group_id"]
        }))).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    })
    .await;
}

#[tokio::test]
async fn messages_follow_the_language() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let resp = app
            .client
            .post(app.url("/api/v1/departments"))
            .bearer_auth(&t)
            .header("accept-language", "en-US,en;q=0.9")
            .json(&json!({"name_zh": "", "name_en": "x", "kind": "department"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(
            body["error"]["details"][0]["message"],
            "Please fill in “Name (Chinese)”."
        );
        let (_, body) = app
            .call(
                Method::POST,
                "/api/v1/departments",
                Some(&t),
                Some(json!({"name_zh": "", "name_en": "x", "kind": "department"})),
            )
            .await;
        assert_eq!(
            body["error"]["details"][0]["message"],
            "请填写“名称（中文）”。"
        );
    })
    .await;
}

/// Industry groups (四强, 六大传统 …) are the city's to rename and reorder: over the API with
/// versions, and on the administration pages with errors that name the field.
#[tokio::test]
async fn industry_groups_are_editable_in_api_and_pages() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let id = app.find_id(&t, "/api/v1/industry-groups", "key", "traditional").await;
        let path = format!("/api/v1/industry-groups/{id}");
        let (s, g) = app.get(&path, &t).await;
        assert_eq!(s, StatusCode::OK);
        let body = |version: &serde_json::Value, name: &str, key: &str| json!({
            "version": version, "key": key, "name_zh": name, "name_en": "Traditional", "sort_order": 20
        });
        let (s, after) = app.call(Method::PUT, &path, Some(&t), Some(body(&g["version"], "六大优势传统产业（修订）", "traditional"))).await;
        assert_eq!(s, StatusCode::OK, "{after}");
        assert_eq!(after["name_zh"], "六大优势传统产业（修订）");
        assert_eq!(after["version"], g["version"].as_i64().unwrap() + 1);
        let audit = app.audit_count().await;
        let (s, _) = app.call(Method::PUT, &path, Some(&t), Some(body(&g["version"], "旧版本", "traditional"))).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, e) = app.call(Method::PUT, &path, Some(&t), Some(body(&after["version"], "重复标识", "four_strong"))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"][0]["field"], "key", "{e}");
        let (s, e) = app.call(Method::PUT, &path, Some(&t), Some(body(&after["version"], "", "Bad Key"))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(app.audit_count().await, audit, "refused changes write nothing");
        let (s, _) = app.get("/api/v1/industry-groups/999999", &t).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The pages: the list with how many industries each group holds, the form, errors.
        let (cookie, csrf) = crate::auth::browser_login(app, "office").await;
        let html = app.client.get(app.url("/admin/industry-groups")).header("cookie", &cookie)
            .send().await.unwrap().text().await.unwrap();
        assert!(html.contains("六大优势传统产业（修订）") && html.contains(&format!("id=\"industry-group-{id}\"")), "{html}");
        let edit = format!("/admin/industry-groups/{id}");
        let resp = app.client.post(app.url(&edit)).header("cookie", &cookie)
            .form(&[("_csrf", csrf.as_str()), ("version", &after["version"].to_string()), ("key", "traditional"),
                ("name_zh", ""), ("name_en", "Traditional"), ("sort_order", "20")])
            .send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(resp.text().await.unwrap().contains("请填写“名称（中文）”"));
        let resp = app.client.post(app.url(&edit)).header("cookie", &cookie)
            .form(&[("_csrf", csrf.as_str()), ("version", &after["version"].to_string()), ("key", "traditional"),
                ("name_zh", "六大优势传统产业"), ("name_en", "Traditional"), ("sort_order", "20")])
            .send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let resp = app.client.post(app.url("/admin/industry-groups")).header("cookie", &cookie)
            .form(&[("_csrf", csrf.as_str()), ("key", "emerging"), ("name_zh", "未来产业"), ("name_en", "Emerging"), ("sort_order", "90")])
            .send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let (_, list) = app.get("/api/v1/industry-groups", &t).await;
        assert!(list["items"].as_array().unwrap().iter().any(|g| g["key"] == "emerging" && g["name_zh"] == "未来产业"));
        // A leader reads groups over the API but has no administration pages.
        let (leader, _) = crate::auth::browser_login(app, "leader").await;
        let resp = app.client.get(app.url(&edit)).header("cookie", &leader).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    })
    .await;
}
