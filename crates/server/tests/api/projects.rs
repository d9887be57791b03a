//! The key-project library through the API: records, validation, stage moves, progress and
//! warnings, library exit, scopes, lists with totals and search, history and the "as at" view.

use crate::harness::{TestApp, each_backend, full_demo, reference_data};
use chrono::Datelike;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn today() -> chrono::NaiveDate {
    dongneng_domain::clock::today()
}

/// A valid new project in 张店区 / 新材料 (what the demo `taskforce` and `district` both reach).
async fn new_project(app: &TestApp, token: &str, name: &str) -> Value {
    let zd = app
        .find_id(token, "/api/v1/regions", "code", "370303")
        .await;
    let nm = app
        .find_id(token, "/api/v1/industries", "key", "new_materials")
        .await;
    json!({
        "name": name, "owner_name": "淄博测试新材料有限公司", "owner_credit_code": "91110000802100433B",
        "region_id": zd, "industry_id": nm, "gbt_section": "C", "gbt_division": "29",
        "library_class": "city_major", "nature": "new", "content": "建设高性能膜材料生产线",
        "total_investment": 100_000 * 1_000_000i64, "stage": "reserve",
        "planned_start": format!("{}-01-01", today().year() + 1),
        "batch_year": today().year(), "year_plan": 12_000 * 1_000_000i64
    })
}

#[tokio::test]
async fn project_lifecycle() {
    each_backend(reference_data(), async |app| {
        let t = app.token("taskforce").await;
        let (s, p) = app.call(Method::POST, "/api/v1/projects", Some(&t), Some(new_project(app, &t, "年产5万吨高性能膜材料项目").await)).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let id = p["id"].as_i64().unwrap();
        assert_eq!(p["version"], 1);
        assert_eq!(p["stage"], "reserve");
        assert_eq!(p["year_plan"], 12_000 * 1_000_000i64);
        assert_eq!(p["warning_level"], "green");
        let path = format!("/api/v1/projects/{id}");

        // 储备 → 开工 needs the national code.
        let (s, e) = app.call(Method::POST, &format!("{path}/stage"), Some(&t), Some(json!({"version": 1, "to": "started"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "code");
        // Add it (full-width hyphens are normalised).
        let mut body = p.clone();
        for k in ["id", "created_at", "updated_at", "completed_investment", "plan_year", "year_plan", "year_completed", "stage", "in_library", "left_reason", "left_on", "last_progress_ym", "warning_level", "warning_reasons"] {
            body.as_object_mut().unwrap().remove(k);
        }
        body["code"] = json!("2604－370303－29－01－123456");
        let (s, p2) = app.call(Method::PUT, &path, Some(&t), Some(body.clone())).await;
        assert_eq!(s, StatusCode::OK, "{p2}");
        assert_eq!(p2["code"], "2604-370303-29-01-123456");
        // Stale version refused.
        let (s, _) = app.call(Method::PUT, &path, Some(&t), Some(body)).await;
        assert_eq!(s, StatusCode::CONFLICT);
        // An illegal move.
        let (s, e) = app.call(Method::POST, &format!("{path}/stage"), Some(&t), Some(json!({"version": 2, "to": "completed"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["code"], "illegal_move");
        // The move, dated, with a note.
        let (s, p3) = app.call(Method::POST, &format!("{path}/stage"), Some(&t), Some(json!({"version": 2, "to": "started", "note": "主体工程开工"}))).await;
        assert_eq!(s, StatusCode::OK, "{p3}");
        assert_eq!(p3["stage"], "started");
        assert_eq!(p3["actual_start"], today().to_string());

        // Monthly progress far behind the time progress turns it red or yellow.
        if today().month() > 1 {
            let last = today().month() - 1;
            let (s, g) = app.call(Method::POST, &format!("{path}/progress"), Some(&t), Some(json!({
                "year": today().year(), "month": last, "month_investment": 100 * 1_000_000i64,
                "image_progress": "基础施工", "milestone": "桩基", "problems": "用地手续滞后", "next_steps": "加快推进"
            }))).await;
            assert_eq!(s, StatusCode::CREATED, "{g}");
            assert_eq!(g["ytd_investment"], 100 * 1_000_000i64);
            let (_, d) = app.get(&path, &t).await;
            let level = d["project"]["warning_level"].as_str().unwrap();
            if last >= 2 {
                assert!(level == "red" || level == "yellow", "{level}");
                assert!(d["project"]["warning_reasons"].as_array().unwrap().iter().any(|r| r["code"] == "behind_schedule"));
            }
            assert_eq!(d["project"]["completed_investment"], 100 * 1_000_000i64);
            // Correcting the month replaces it; totals follow.
            let (s, _) = app.call(Method::POST, &format!("{path}/progress"), Some(&t), Some(json!({
                "year": today().year(), "month": last, "month_investment": 11_000 * 1_000_000i64
            }))).await;
            assert_eq!(s, StatusCode::CREATED);
            let (_, d) = app.get(&path, &t).await;
            assert_eq!(d["project"]["completed_investment"], 11_000 * 1_000_000i64);
            assert_eq!(d["progress"].as_array().unwrap().len(), 1);
            // Above the total investment: refused, naming the field.
            let (s, e) = app.call(Method::POST, &format!("{path}/progress"), Some(&t), Some(json!({
                "year": today().year(), "month": last, "month_investment": 200_000 * 1_000_000i64
            }))).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(e["error"]["details"][0]["field"], "month_investment");
            // A future month: refused.
            let (s, _) = app.call(Method::POST, &format!("{path}/progress"), Some(&t), Some(json!({
                "year": today().year() + 1, "month": 1, "month_investment": 1
            }))).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        }

        // A factor need past its date and unmet.
        let due = today() - chrono::Duration::days(5);
        let (s, f) = app.call(Method::PUT, &format!("{path}/factors/land"), Some(&t), Some(json!({
            "kind": "land", "required": 12_000, "fulfilled": 5_000, "needed_by": due.to_string(), "note": "新增用地"
        }))).await;
        assert_eq!(s, StatusCode::OK, "{f}");
        let (_, d) = app.get(&path, &t).await;
        assert!(d["project"]["warning_reasons"].as_array().unwrap().iter().any(|r| r["code"] == "factor_unmet"));
        assert_ne!(d["project"]["warning_level"], "green");

        // Leaving the library needs a reason.
        let v = d["project"]["version"].as_i64().unwrap();
        let (s, e) = app.call(Method::POST, &format!("{path}/leave"), Some(&t), Some(json!({"version": v, "reason": " "}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "reason");
        let (s, out) = app.call(Method::POST, &format!("{path}/leave"), Some(&t), Some(json!({"version": v, "reason": "企业投资计划调整"}))).await;
        assert_eq!(s, StatusCode::OK, "{out}");
        assert_eq!(out["in_library"], false);
        assert_eq!(out["warning_level"], "green");
        let (_, list) = app.get("/api/v1/projects", &t).await;
        assert!(!list["items"].as_array().unwrap().iter().any(|i| i["id"] == id));
        let (_, list) = app.get("/api/v1/projects?in_library=false", &t).await;
        assert!(list["items"].as_array().unwrap().iter().any(|i| i["id"] == id));

        // The history keeps every change with who, before and after.
        let (_, d) = app.get(&path, &t).await;
        let actions: Vec<&str> = d["history"].as_array().unwrap().iter().filter_map(|h| h["action"].as_str()).collect();
        for a in ["create", "update", "stage", "factor", "leave"] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
        let upd = d["history"].as_array().unwrap().iter().find(|h| h["action"] == "update").unwrap();
        assert_eq!(upd["username"], "taskforce");
        assert!(upd["before"]["code"].is_null());
        assert_eq!(upd["after"]["code"], "2604-370303-29-01-123456");
        let kinds: Vec<&str> = d["events"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(kinds, ["enter", "stage", "leave"]);
    })
    .await;
}

#[tokio::test]
async fn bad_project_input_names_the_field_and_writes_nothing() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let good = new_project(app, &t, "校验测试项目").await;
        let cases: Vec<(&str, Value, &str)> = vec![
            ("code", json!("2019-370303-26-03-01234"), "code"),
            (
                "owner_credit_code",
                json!("91110000802100433C"),
                "owner_credit_code",
            ),
            ("total_investment", json!(-5), "total_investment"),
            ("total_investment", json!("1.2亿"), "total_investment"),
            (
                "initial_completed",
                json!(200_000 * 1_000_000i64),
                "initial_completed",
            ),
            ("planned_finish", json!("2020-01-01"), "planned_finish"),
            ("region_id", json!(999999), "region_id"),
            ("industry_id", json!(999999), "industry_id"),
            ("gbt_division", json!("99"), "gbt_division"),
            ("library_class", json!("省级"), "library_class"),
            ("stage", json!("done"), "stage"),
            ("name", json!("x".repeat(3000)), "name"),
            ("contact_phone", json!("<script>"), "contact_phone"),
        ];
        let before = app.audit_count().await;
        for (field, value, named) in cases {
            let mut body = good.clone();
            body[field] = value.clone();
            let (s, e) = app
                .call(Method::POST, "/api/v1/projects", Some(&t), Some(body))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}: {e}");
            let fields: Vec<&str> = e["error"]["details"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|d| d["field"].as_str())
                .collect();
            assert!(
                fields.iter().any(|f| f.starts_with(named)),
                "{field}: {fields:?}"
            );
        }
        // A 开工 project without code; a duplicate code.
        let mut body = good.clone();
        body["stage"] = json!("started");
        let (s, e) = app
            .call(
                Method::POST,
                "/api/v1/projects",
                Some(&t),
                Some(body.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["code"], "code_required_started");
        assert_eq!(app.audit_count().await, before);
        body["code"] = json!("2604-370303-29-01-654321");
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/projects",
                Some(&t),
                Some(body.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        body["name"] = json!("另一个项目");
        let (s, e) = app
            .call(Method::POST, "/api/v1/projects", Some(&t), Some(body))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "code");
        assert_eq!(e["error"]["details"][0]["code"], "duplicate");
    })
    .await;
}

#[tokio::test]
async fn project_scopes() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let zc = app.find_id(&office, "/api/v1/regions", "code", "370302").await;
        let ie = app.find_id(&office, "/api/v1/industries", "key", "intelligent_equipment").await;
        // One project in 张店区/新材料 and one in 淄川区/智能装备.
        let (_, a) = app.call(Method::POST, "/api/v1/projects", Some(&office), Some(new_project(app, &office, "张店新材料项目").await)).await;
        let mut other = new_project(app, &office, "淄川智能装备项目").await;
        other["region_id"] = json!(zc);
        other["industry_id"] = json!(ie);
        let (_, b) = app.call(Method::POST, "/api/v1/projects", Some(&office), Some(other.clone())).await;
        let (a, b) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
        let expect = [
            // role, may read a, may read b, may edit a, may edit b
            ("office", true, true, true, true),
            ("leader", true, false, false, false),
            ("supervisor", true, true, false, false),
            ("taskforce", true, false, true, false),
            ("dept", true, true, false, false),
            ("district", true, false, true, false),
            ("stats", true, true, false, false),
            ("expert", true, false, false, false),
            ("admin", false, false, false, false),
        ];
        for (role, read_a, read_b, edit_a, edit_b) in expect {
            let t = app.token(role).await;
            for (id, read, edit) in [(a, read_a, edit_a), (b, read_b, edit_b)] {
                let (s, d) = app.get(&format!("/api/v1/projects/{id}"), &t).await;
                assert_eq!(s.is_success(), read, "{role} read {id}: {s}");
                if !read {
                    assert_eq!(s, StatusCode::FORBIDDEN);
                }
                let before = app.audit_count().await;
                let (_, cur) = app.get(&format!("/api/v1/projects/{id}"), &office).await;
                let (s, _) = app.call(Method::PUT, &format!("/api/v1/projects/{id}/batches/{}", today().year()), Some(&t), Some(json!({"planned_investment": 13_000 * 1_000_000i64 + (role.len() as i64)}))).await;
                assert_eq!(s.is_success(), edit, "{role} edit {id}: {s} {d}");
                if !edit {
                    assert_eq!(s, StatusCode::FORBIDDEN, "{role} edit {id}");
                    assert_eq!(app.audit_count().await, before, "{role} wrote");
                }
                let _ = cur;
            }
            // Lists only ever hold what the role may see.
            let (s, list) = app.get("/api/v1/projects", &t).await;
            if role == "admin" {
                assert_eq!(s, StatusCode::FORBIDDEN);
                continue;
            }
            let ids: Vec<i64> = list["items"].as_array().unwrap().iter().filter_map(|i| i["id"].as_i64()).collect();
            assert_eq!(ids.contains(&a), read_a, "{role} list");
            assert_eq!(ids.contains(&b), read_b, "{role} list");
        }
        // A task force cannot create outside its industries, a district outside its area.
        let before = app.audit_count().await;
        for role in ["taskforce", "district"] {
            let t = app.token(role).await;
            let (s, _) = app.call(Method::POST, "/api/v1/projects", Some(&t), Some(other.clone())).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
        }
        // Nor move one of theirs out of their scope.
        let t = app.token("district").await;
        let (_, cur) = app.get(&format!("/api/v1/projects/{a}"), &t).await;
        let mut moved = new_project(app, &office, "张店新材料项目").await;
        moved["region_id"] = json!(zc);
        moved["version"] = cur["project"]["version"].clone();
        for k in ["stage", "batch_year", "year_plan"] {
            moved.as_object_mut().unwrap().remove(k);
        }
        let (s, _) = app.call(Method::PUT, &format!("/api/v1/projects/{a}"), Some(&t), Some(moved)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count().await, before);
    })
    .await;
}

#[tokio::test]
async fn demo_library_lists_searches_and_looks_back() {
    each_backend(full_demo(), async |app| {
        let t = app.token("office").await;
        let (s, list) = app.get("/api/v1/projects?per_page=10", &t).await;
        assert_eq!(s, StatusCode::OK);
        let sums = &list["sums"];
        assert!(sums["count"].as_i64().unwrap() >= 200, "{sums}");
        for stage in ["planning", "reserve", "started", "completed_stage"] {
            assert!(sums[stage].as_i64().unwrap() > 0, "{stage}: {sums}");
        }
        if today().month() > 1 {
            for level in ["red", "yellow", "green"] {
                assert!(sums[level].as_i64().unwrap() > 0, "{level}: {sums}");
            }
        }
        assert_eq!(list["items"].as_array().unwrap().len(), 10);
        assert_eq!(list["total"], sums["count"]);
        // Filters agree with the totals.
        let (_, red) = app
            .get("/api/v1/projects?warning=red&per_page=500", &t)
            .await;
        assert_eq!(red["total"], sums["red"]);
        assert!(
            red["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["warning_level"] == "red")
        );
        let (_, st) = app
            .get(
                "/api/v1/projects?stage=started&sort=total_investment&order=asc&per_page=500",
                &t,
            )
            .await;
        let totals: Vec<i64> = st["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["total_investment"].as_i64())
            .collect();
        assert!(totals.windows(2).all(|w| w[0] <= w[1]), "sorted ascending");
        let zd = app.find_id(&t, "/api/v1/regions", "code", "370303").await;
        let (_, zdl) = app
            .get(&format!("/api/v1/projects?region={zd}&per_page=500"), &t)
            .await;
        assert!(
            zdl["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["region_id"] == zd)
        );
        // Chinese substring search, short and long: exactly the projects whose name, owner or
        // content holds the text (two characters go through PostgreSQL's pair index).
        let (_, everything) = app.get("/api/v1/projects?per_page=500", &t).await;
        let all_total = everything["total"].as_u64().unwrap();
        let everything = everything["items"].as_array().unwrap().clone();
        assert_eq!(
            everything.len() as u64,
            all_total,
            "the demo library fits one page"
        );
        for q in ["膜材料", "新材料有限公司", "半导", "齐鲁"] {
            let holding = everything
                .iter()
                .filter(|p| {
                    [&p["name"], &p["owner_name"], &p["content"]]
                        .iter()
                        .any(|v| v.as_str().is_some_and(|s| s.contains(q)))
                })
                .count();
            let (s, found) = app
                .get(
                    &format!("/api/v1/projects?q={}&per_page=500", urlencode(q)),
                    &t,
                )
                .await;
            assert_eq!(s, StatusCode::OK);
            let items = found["items"].as_array().unwrap();
            assert!(!items.is_empty(), "{q}");
            assert_eq!(
                found["total"].as_u64(),
                Some(holding as u64),
                "{q}: every match"
            );
            assert!(
                items.iter().all(
                    |p| format!("{}{}{}", p["name"], p["owner_name"], p["content"]).contains(q)
                ),
                "{q}"
            );
        }
        let (_, none) = app
            .get(
                &format!("/api/v1/projects?q={}", urlencode("%_不存在的东西")),
                &t,
            )
            .await;
        assert_eq!(none["total"], 0);
        // The district sees its district only.
        let dt = app.token("district").await;
        let (_, dl) = app.get("/api/v1/projects?per_page=500", &dt).await;
        assert!(
            dl["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["region_id"] == zd)
        );
        // As at the end of last month, from the stored history.
        let (y, m) = if today().month() == 1 {
            (today().year() - 1, 12)
        } else {
            (today().year(), today().month() - 1)
        };
        let (s, asat) = app
            .get(
                &format!("/api/v1/projects/as-at?year={y}&month={m}&per_page=5"),
                &t,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{asat}");
        assert!(asat["sums"]["count"].as_i64().unwrap() >= 200);
        // A project created now is not in last month's library.
        let (_, p) = app
            .call(
                Method::POST,
                "/api/v1/projects",
                Some(&t),
                Some(new_project(app, &t, "本月新入库项目").await),
            )
            .await;
        let (_, asat2) = app
            .get(
                &format!(
                    "/api/v1/projects/as-at?year={y}&month={m}&q={}",
                    urlencode("本月新入库")
                ),
                &t,
            )
            .await;
        assert_eq!(asat2["sums"]["count"], 0, "{p}");
        let (s, _) = app
            .get(
                &format!(
                    "/api/v1/projects/as-at?year={}&month={}",
                    today().year(),
                    today().month()
                ),
                &t,
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the current month is not over"
        );
        // Years before the system: an empty library, not an error.
        let (_, old) = app
            .get("/api/v1/projects/as-at?year=2019&month=6", &t)
            .await;
        assert_eq!(old["sums"]["count"], 0);
    })
    .await;
}

#[tokio::test]
async fn warning_thresholds_are_settings() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let (s, r) = app.get("/api/v1/settings/warnings", &t).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(r["yellow_points"], 5);
        let mut bad = r.clone();
        bad["red_points"] = json!(2);
        let (s, e) = app
            .call(
                Method::PUT,
                "/api/v1/settings/warnings",
                Some(&t),
                Some(bad),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["field"], "red_points");
        let mut good = r.clone();
        good["yellow_points"] = json!(8);
        let (s, saved) = app
            .call(
                Method::PUT,
                "/api/v1/settings/warnings",
                Some(&t),
                Some(good),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(saved["yellow_points"], 8);
        let d = app.token("district").await;
        let (s, _) = app
            .call(Method::PUT, "/api/v1/settings/warnings", Some(&d), Some(r))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn changing_the_warning_rules_is_one_audited_change() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let admin = app.token("admin").await;
        // Its start is 60 days overdue: yellow while red waits for 90 days, red at 30.
        let mut body = new_project(app, &t, "预警规则复核项目").await;
        body["planned_start"] = json!((today() - chrono::Duration::days(60)).to_string());
        let (s, p) = app
            .call(Method::POST, "/api/v1/projects", Some(&t), Some(body))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["warning_level"], "yellow");
        let path = format!("/api/v1/projects/{}", p["id"]);
        let (_, before) = app.get("/api/v1/settings/warnings", &t).await;
        let mut refused = before.clone();
        refused["red_points"] = json!(2);
        let (s, _) = app
            .call(
                Method::PUT,
                "/api/v1/settings/warnings",
                Some(&t),
                Some(refused),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let mut after = before.clone();
        after["start_red_days"] = json!(30);
        let (s, _) = app
            .call(
                Method::PUT,
                "/api/v1/settings/warnings",
                Some(&t),
                Some(after.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        // The library was judged again by the new rules in the same change.
        let (_, p) = app.get(&path, &t).await;
        assert_eq!(p["project"]["warning_level"], "red", "{p}");
        // Exactly one audit row: the refused change left none.
        let (s, log) = app
            .get("/api/v1/audit?record_type=warning_rules", &admin)
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(log["total"], 1, "{log}");
        let e = &log["items"][0];
        assert_eq!(e["action"], "update");
        assert_eq!(e["username"], "office");
        assert!(e["record_id"].is_null());
        assert_eq!(e["before"], before);
        assert_eq!(e["after"], after);
    })
    .await;
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn daily_sweep_runs_once_under_a_lease() {
    each_backend(reference_data(), async |app| {
        let service = dongneng_service::Service::new(app.store.clone(), Default::default());
        assert!(
            service.daily_warning_sweep("instance-a").await.unwrap(),
            "first sweep of the day runs"
        );
        assert!(
            !service.daily_warning_sweep("instance-b").await.unwrap(),
            "the second finds it done"
        );
        // The lease itself: one holder at a time until it expires.
        assert!(app.store.try_lease("test-job", "a", 60).await.unwrap());
        assert!(!app.store.try_lease("test-job", "b", 60).await.unwrap());
        assert!(
            app.store.try_lease("test-job", "a", 60).await.unwrap(),
            "the holder may renew"
        );
        assert!(app.store.try_lease("quick-job", "a", -1).await.unwrap());
        assert!(
            app.store.try_lease("quick-job", "b", 60).await.unwrap(),
            "an expired lease is free"
        );
    })
    .await;
}

#[tokio::test]
async fn concurrent_edits_of_one_project_let_exactly_one_through() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let (_, p) = app
            .call(
                Method::POST,
                "/api/v1/projects",
                Some(&t),
                Some(new_project(app, &t, "并发编辑项目").await),
            )
            .await;
        let id = p["id"].as_i64().unwrap();
        let mut body = new_project(app, &t, "并发编辑项目").await;
        for k in ["stage", "batch_year", "year_plan"] {
            body.as_object_mut().unwrap().remove(k);
        }
        body["version"] = json!(1);
        let path = format!("/api/v1/projects/{id}");
        let edits = (0..6).map(|i| {
            let mut b = body.clone();
            b["contact_name"] = json!(format!("联系人{i}"));
            let (app, t, path) = (&app, t.clone(), path.clone());
            async move { app.call(Method::PUT, &path, Some(&t), Some(b)).await.0 }
        });
        let statuses = futures::future::join_all(edits).await;
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
            "{statuses:?}"
        );
        // Stage moves from one version: one move, the rest 409.
        let v = app.get(&path, &t).await.1["project"]["version"].clone();
        let moves = (0..4).map(|_| {
            let (app, t, path) = (&app, t.clone(), path.clone());
            let v = v.clone();
            async move {
                app.call(
                    Method::POST,
                    &format!("{path}/leave"),
                    Some(&t),
                    Some(json!({"version": v, "reason": "并发"})),
                )
                .await
                .0
            }
        });
        let statuses = futures::future::join_all(moves).await;
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            1,
            "{statuses:?}"
        );
        let (_, d) = app.get(&path, &t).await;
        assert_eq!(
            d["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["kind"] == "leave")
                .count(),
            1
        );
    })
    .await;
}

/// Two servers on one database: totals one of them has seen are never served stale after
/// the other changes the library (the cache is checked against a version in the database).
#[tokio::test]
async fn totals_agree_across_instances() {
    each_backend(reference_data(), async |app| {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let web = dongneng_web::WebConfig::default();
        let other = dongneng::start(
            app.store.clone(),
            "127.0.0.1:0",
            web,
            Default::default(),
            async {
                let _ = rx.await;
            },
        )
        .await
        .unwrap();
        let other_base = format!("http://{}", other.addr);
        let t = app.token("office").await;
        let (_, before) = app.get("/api/v1/projects", &t).await;
        // The second instance creates a project.
        let resp = app
            .client
            .post(format!("{other_base}/api/v1/projects"))
            .bearer_auth(&t)
            .json(&new_project(app, &t, "另一实例创建的项目").await)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        let (_, after) = app.get("/api/v1/projects", &t).await;
        assert_eq!(
            after["sums"]["count"].as_i64().unwrap(),
            before["sums"]["count"].as_i64().unwrap() + 1
        );
        let _ = tx.send(());
    })
    .await;
}
