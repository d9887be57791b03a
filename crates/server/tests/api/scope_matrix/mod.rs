//! Every role (and anonymous) against every endpoint of the foundation: allowed requests
//! succeed, refused ones get 401/403 and write nothing.

use crate::harness::{TestApp, each_backend, reference_data};
use chrono::Datelike;
use dongneng_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ROLES: [&str; 9] = [
    "admin",
    "office",
    "leader",
    "supervisor",
    "taskforce",
    "dept",
    "district",
    "stats",
    "expert",
];

/// Who may do it: every signed-in role, only these, or nobody signed in either.
#[derive(Clone, Copy)]
enum Allowed {
    All,
    Only(&'static [&'static str]),
}

impl Allowed {
    fn allows(self, role: &str) -> bool {
        match self {
            Allowed::All => true,
            Allowed::Only(list) => list.contains(&role),
        }
    }
}

const REFERENCE_EDITORS: Allowed = Allowed::Only(&["admin", "office"]);
const ADMIN: Allowed = Allowed::Only(&["admin"]);

struct Ids {
    region: i64,
    department: i64,
    industry: i64,
    group: i64,
    city: i64,
    user: i64,
}

async fn ids(app: &TestApp, admin: &str) -> Ids {
    Ids {
        region: app
            .find_id(admin, "/api/v1/regions", "code", "370322")
            .await,
        department: app
            .find_id(admin, "/api/v1/departments", "name_zh", "市商务局")
            .await,
        industry: app
            .find_id(admin, "/api/v1/industries", "key", "chemical")
            .await,
        group: app
            .find_id(admin, "/api/v1/industry-groups", "key", "traditional")
            .await,
        city: app
            .find_id(admin, "/api/v1/regions", "code", "370300")
            .await,
        user: app
            .find_id(admin, "/api/v1/users", "username", "expert")
            .await,
    }
}

/// The current version of a record, read as admin.
async fn version(app: &TestApp, admin: &str, path: &str) -> Value {
    app.get(path, admin).await.1["version"].clone()
}

#[tokio::test]
async fn api_scope_matrix() {
    each_backend(reference_data(), async |app| {
        let admin = app.token("admin").await;
        let ids = ids(app, &admin).await;
        for role in ROLES {
            let token = app.token(role).await;
            let n = role; // makes created names unique per role
            let region_path = format!("/api/v1/regions/{}", ids.region);
            let dept_path = format!("/api/v1/departments/{}", ids.department);
            let ind_path = format!("/api/v1/industries/{}", ids.industry);
            let group_path = format!("/api/v1/industry-groups/{}", ids.group);
            let user_path = format!("/api/v1/users/{}", ids.user);
            let cases: Vec<(Method, String, Option<Value>, Allowed)> = vec![
                (Method::GET, "/api/v1/me".into(), None, Allowed::All),
                (Method::GET, "/api/v1/regions".into(), None, Allowed::All),
                (Method::GET, region_path.clone(), None, Allowed::All),
                (
                    Method::POST,
                    "/api/v1/regions".into(),
                    Some(
                        json!({"name_zh": format!("{n}功能区"), "name_en": "Zone", "kind": "functional_zone", "parent_id": ids.city}),
                    ),
                    REFERENCE_EDITORS,
                ),
                (
                    Method::PUT,
                    region_path.clone(),
                    Some(
                        json!({"version": version(app, &admin, &region_path).await, "code": "370322", "name_zh": "高青县", "name_en": format!("Gaoqing {n}"), "kind": "county", "parent_id": ids.city}),
                    ),
                    REFERENCE_EDITORS,
                ),
                (
                    Method::GET,
                    "/api/v1/departments".into(),
                    None,
                    Allowed::All,
                ),
                (Method::GET, dept_path.clone(), None, Allowed::All),
                (
                    Method::POST,
                    "/api/v1/departments".into(),
                    Some(
                        json!({"name_zh": format!("{n}测试局"), "name_en": "Test", "kind": "department"}),
                    ),
                    REFERENCE_EDITORS,
                ),
                (
                    Method::PUT,
                    dept_path.clone(),
                    Some(
                        json!({"version": version(app, &admin, &dept_path).await, "name_zh": "市商务局", "name_en": format!("Commerce {n}"), "kind": "department"}),
                    ),
                    REFERENCE_EDITORS,
                ),
                (
                    Method::GET,
                    "/api/v1/industry-groups".into(),
                    None,
                    Allowed::All,
                ),
                (Method::GET, group_path.clone(), None, Allowed::All),
                (
                    Method::PUT,
                    group_path.clone(),
                    Some(
                        json!({"version": version(app, &admin, &group_path).await, "key": "traditional", "name_zh": "六大优势传统产业", "name_en": format!("Traditional {n}"), "sort_order": 20}),
                    ),
                    REFERENCE_EDITORS,
                ),
                (
                    Method::POST,
                    "/api/v1/industry-groups".into(),
                    Some(
                        json!({"key": format!("g_{n}"), "name_zh": format!("{n}组"), "name_en": "G"}),
                    ),
                    REFERENCE_EDITORS,
                ),
                (Method::GET, "/api/v1/industries".into(), None, Allowed::All),
                (Method::GET, ind_path.clone(), None, Allowed::All),
                (
                    Method::POST,
                    "/api/v1/industries".into(),
                    Some(
                        json!({"key": format!("i_{n}"), "name_zh": format!("{n}产业"), "name_en": "I", "group_id": ids.group}),
                    ),
                    REFERENCE_EDITORS,
                ),
                (
                    Method::PUT,
                    ind_path.clone(),
                    Some(
                        json!({"version": version(app, &admin, &ind_path).await, "key": "chemical", "name_zh": "化工", "name_en": format!("Chemicals {n}"), "group_id": ids.group}),
                    ),
                    REFERENCE_EDITORS,
                ),
                (
                    Method::GET,
                    "/api/v1/lookups/report_topic".into(),
                    None,
                    Allowed::All,
                ),
                (Method::GET, "/api/v1/users".into(), None, ADMIN),
                (Method::GET, user_path.clone(), None, ADMIN),
                (
                    Method::POST,
                    "/api/v1/users".into(),
                    Some(
                        json!({"username": format!("made.by.{n}"), "display_name": "x", "password": "a-long-password", "grants": [{"role": "stats", "scope": {"kind": "city"}}]}),
                    ),
                    ADMIN,
                ),
                (
                    Method::PUT,
                    user_path.clone(),
                    Some(
                        json!({"version": version(app, &admin, &user_path).await, "display_name": format!("专家 {n}"), "department_id": null, "disabled": false, "grants": [{"role": "expert", "scope": {"kind": "industries", "ids": [ids.industry]}}]}),
                    ),
                    ADMIN,
                ),
                (
                    Method::POST,
                    format!("{user_path}/password"),
                    Some(json!({"password": "dongneng-demo"})),
                    ADMIN,
                ),
                (Method::GET, "/api/v1/audit".into(), None, ADMIN),
            ];
            for (method, path, body, allowed) in cases {
                // Anonymous: always refused with 401.
                let before = app.audit_count().await;
                let (status, _) = app.call(method.clone(), &path, None, body.clone()).await;
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "anonymous {method} {path}"
                );
                assert_eq!(
                    app.audit_count().await,
                    before,
                    "anonymous {method} {path} wrote"
                );

                let (status, resp) = app.call(method.clone(), &path, Some(&token), body).await;
                if allowed.allows(role) {
                    assert!(
                        status.is_success(),
                        "{role} {method} {path}: {status} {resp}"
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{role} {method} {path}: {resp}"
                    );
                    assert_eq!(resp["error"]["code"], "forbidden");
                    assert_eq!(
                        app.audit_count().await,
                        before,
                        "{role} {method} {path} wrote"
                    );
                }
            }
            // Disabling and signing out last, on their own accounts.
            let throwaway = format!("throwaway.{role}");
            let (_, u) = app.call(Method::POST, "/api/v1/users", Some(&admin), Some(json!({"username": throwaway, "display_name": "x", "password": "a-long-password", "grants": [{"role": "stats", "scope": {"kind": "city"}}]}))).await;
            let path = format!("/api/v1/users/{}/disable", u["id"]);
            let before = app.audit_count().await;
            let (status, _) = app
                .call(
                    Method::POST,
                    &path,
                    Some(&token),
                    Some(json!({"version": 1})),
                )
                .await;
            if ADMIN.allows(role) {
                assert_eq!(status, StatusCode::OK);
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} disable");
                assert_eq!(app.audit_count().await, before);
            }
            let (status, _) = app
                .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
                .await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{role} logout");
        }
    })
    .await;
}

#[tokio::test]
async fn district_creating_a_user_is_refused_and_nothing_is_written() {
    each_backend(reference_data(), async |app| {
        let admin = app.token("admin").await;
        let district = app.token("district").await;
        let (_, before) = app.get("/api/v1/users", &admin).await;
        let audit = app.audit_count().await;
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/users",
                Some(&district),
                Some(json!({
                    "username": "sneaky", "display_name": "x", "password": "a-long-password",
                    "grants": [{"role": "admin", "scope": {"kind": "city"}}]
                })),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "forbidden");
        let (_, after) = app.get("/api/v1/users", &admin).await;
        assert_eq!(before["total"], after["total"]);
        assert_eq!(app.audit_count().await, audit);
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "sneaky", "password": "a-long-password"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    })
    .await;
}

/// The pages: administration for its roles only, programme areas for programme roles.
#[tokio::test]
async fn page_scope_matrix() {
    each_backend(reference_data(), async |app| {
        for role in ROLES {
            let (cookie, _) = crate::auth::browser_login(app, role).await;
            let r = Role::parse(role).unwrap();
            let pages: Vec<(&str, bool)> = vec![
                ("/", true),
                ("/admin/regions", matches!(r, Role::Admin | Role::Office)),
                (
                    "/admin/departments",
                    matches!(r, Role::Admin | Role::Office),
                ),
                ("/admin/industries", matches!(r, Role::Admin | Role::Office)),
                (
                    "/admin/industry-groups",
                    matches!(r, Role::Admin | Role::Office),
                ),
                (
                    "/admin/industry-groups/new",
                    matches!(r, Role::Admin | Role::Office),
                ),
                ("/admin/users", r == Role::Admin),
                ("/admin/users/new", r == Role::Admin),
                ("/admin/audit", r == Role::Admin),
                ("/projects", r != Role::Admin),
                (
                    "/dispatch",
                    matches!(
                        r,
                        Role::Office | Role::Leader | Role::Supervisor | Role::Taskforce
                    ),
                ),
            ];
            for (path, ok) in pages {
                let resp = app
                    .client
                    .get(app.url(path))
                    .header("cookie", &cookie)
                    .send()
                    .await
                    .unwrap();
                let status = resp.status();
                let html = resp.text().await.unwrap();
                if ok {
                    assert_eq!(status, StatusCode::OK, "{role} {path}");
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{role} {path}");
                    assert!(
                        html.contains("您没有权限访问此内容"),
                        "{role} {path}: refused page in Chinese"
                    );
                }
            }
            // The navigation shows what the role may open and nothing else.
            let home = app
                .client
                .get(app.url("/"))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert_eq!(
                home.contains("id=\"nav-admin-users\""),
                r == Role::Admin,
                "{role} nav"
            );
            assert_eq!(
                home.contains("id=\"nav-projects\""),
                r != Role::Admin,
                "{role} nav"
            );
        }
    })
    .await;
}

/// Every project-library endpoint × every role, on a project every editing role reaches
/// (张店区 / 新材料): readers read, editors edit, the rest are refused and write nothing.
#[tokio::test]
async fn project_endpoint_matrix() {
    const READERS: Allowed = Allowed::Only(&[
        "office",
        "leader",
        "supervisor",
        "taskforce",
        "dept",
        "district",
        "stats",
        "expert",
    ]);
    const EDITORS: Allowed = Allowed::Only(&["office", "taskforce", "district"]);
    const SETTINGS: Allowed = Allowed::Only(&["admin", "office"]);
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let zd = app
            .find_id(&office, "/api/v1/regions", "code", "370303")
            .await;
        let nm = app
            .find_id(&office, "/api/v1/industries", "key", "new_materials")
            .await;
        let year = (chrono::Utc::now() + chrono::Duration::hours(8)).year();
        let body = |name: &str| {
            json!({
                "name": name, "owner_name": "淄博矩阵测试有限公司", "region_id": zd, "industry_id": nm,
                "library_class": "city_major", "nature": "new", "content": "", "total_investment": 1_000_000_000i64,
                "code": null
            })
        };
        let mut create = body("矩阵项目");
        create["stage"] = json!("reserve");
        let (_, p) = app
            .call(
                Method::POST,
                "/api/v1/projects",
                Some(&office),
                Some(create.clone()),
            )
            .await;
        let id = p["id"].as_i64().unwrap();
        let path = format!("/api/v1/projects/{id}");
        for role in ROLES {
            let token = app.token(role).await;
            let v = app.get(&path, &office).await.1["project"]["version"].clone();
            let mut upd = body(&format!("矩阵项目-{role}"));
            upd["version"] = v.clone();
            let mut new = body(&format!("{role}新建项目"));
            new["stage"] = json!("planning");
            let cases: Vec<(Method, String, Option<Value>, Allowed)> = vec![
                (Method::GET, "/api/v1/projects".into(), None, READERS),
                (Method::GET, path.clone(), None, READERS),
                (
                    Method::GET,
                    "/api/v1/projects/as-at?year=2025&month=6".into(),
                    None,
                    READERS,
                ),
                (
                    Method::GET,
                    "/api/v1/projects/export.xlsx".into(),
                    None,
                    READERS,
                ),
                (
                    Method::GET,
                    "/api/v1/projects/progress-template.xlsx".into(),
                    None,
                    READERS,
                ),
                (
                    Method::GET,
                    "/api/v1/settings/warnings".into(),
                    None,
                    READERS,
                ),
                (Method::POST, "/api/v1/projects".into(), Some(new), EDITORS),
                (Method::PUT, path.clone(), Some(upd), EDITORS),
                (
                    Method::PUT,
                    format!("{path}/batches/{year}"),
                    Some(json!({"planned_investment": 1_000_000 * (role.len() as i64 + 1)})),
                    EDITORS,
                ),
                (
                    Method::PUT,
                    format!("{path}/factors/water"),
                    Some(
                        json!({"kind": "water", "required": 100 + role.len() as i64, "fulfilled": 0}),
                    ),
                    EDITORS,
                ),
                (
                    Method::PUT,
                    "/api/v1/settings/warnings".into(),
                    Some(
                        json!({"yellow_points": 5, "red_points": 15, "report_due_day": 10, "start_red_days": 90, "factor_red_days": 30}),
                    ),
                    SETTINGS,
                ),
            ];
            for (method, p, b, allowed) in cases {
                let before = app.audit_count().await;
                let (status, _) = app.call(method.clone(), &p, None, b.clone()).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {method} {p}");
                let (status, resp) = app.call(method.clone(), &p, Some(&token), b).await;
                if allowed.allows(role) {
                    assert!(status.is_success(), "{role} {method} {p}: {status} {resp}");
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{role} {method} {p}: {resp}");
                    assert_eq!(app.audit_count().await, before, "{role} {method} {p} wrote");
                }
            }
            // Stage, leave, enter and progress as a sequence, for the editors only.
            let v = app.get(&path, &office).await.1["project"]["version"].clone();
            let before = app.audit_count().await;
            let (s, _) = app
                .call(
                    Method::POST,
                    &format!("{path}/leave"),
                    Some(&token),
                    Some(json!({"version": v, "reason": "矩阵测试"})),
                )
                .await;
            if EDITORS.allows(role) {
                assert_eq!(s, StatusCode::OK, "{role} leave");
                let v = app.get(&path, &office).await.1["project"]["version"].clone();
                let (s, _) = app
                    .call(
                        Method::POST,
                        &format!("{path}/enter"),
                        Some(&token),
                        Some(json!({"version": v})),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{role} enter");
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "{role} leave");
                let (s, _) = app
                    .call(
                        Method::POST,
                        &format!("{path}/stage"),
                        Some(&token),
                        Some(json!({"version": v, "to": "planning"})),
                    )
                    .await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{role} stage");
                let (s, _) = app
                    .call(
                        Method::POST,
                        &format!("{path}/progress"),
                        Some(&token),
                        Some(json!({"year": 2025, "month": 1, "month_investment": 1})),
                    )
                    .await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{role} progress");
                let (s, _) = app
                    .raw(
                        Method::POST,
                        "/api/v1/projects/import",
                        Some(&token),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        b"PK".to_vec(),
                    )
                    .await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{role} import");
                assert_eq!(app.audit_count().await, before, "{role} wrote");
            }
        }
    })
    .await;
}
