//! The pages by role: administration for its roles only, programme areas for programme
//! roles, and a navigation that shows what the role may open and nothing else.

use super::expectations::CALLERS;
use crate::harness::{TestApp, each_backend, reference_data};
use dongneng_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A problem in 张店区 / 新材料 assigned to 市财政局, and a supervision item about it with
/// 市财政局 as its unit: every coordination role reaches both. Their pages' paths.
async fn coordination_records(app: &TestApp) -> (String, String) {
    let office = app.token("office").await;
    let find = |list: &'static str, field: &'static str, value: &'static str| {
        let office = office.clone();
        async move { app.find_id(&office, list, field, value).await }
    };
    let finance = find("/api/v1/departments", "name_zh", "市财政局").await;
    let (status, p) = app
        .call(
            Method::POST,
            "/api/v1/problems",
            Some(&office),
            Some(json!({"title": "页面矩阵问题", "kind": "land", "description": "用地", "origin": "own",
                        "industry_id": find("/api/v1/industries", "key", "new_materials").await,
                        "region_id": find("/api/v1/regions", "code", "370303").await})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let deadline = super::world::today().to_string();
    let (status, p) = app
        .call(
            Method::POST,
            &format!("/api/v1/problems/{}/assign", p["id"]),
            Some(&office),
            Some(json!({"version": p["version"],
                        "assignments": [{"department_id": finance, "deadline": deadline}]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let supervisor = app.token("supervisor").await;
    let (status, i) = app
        .call(
            Method::POST,
            "/api/v1/supervision-items",
            Some(&supervisor),
            Some(
                json!({"title": "页面矩阵督办", "requirement": "按期办结", "subject": "problem",
                        "subject_id": p["id"], "deadline": deadline, "unit_ids": [finance]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{i}");
    (
        format!("/problems/{}", p["id"]),
        format!("/supervision/{}", i["id"]),
    )
}

/// A held meeting about 新材料 in 张店区 with a decision of 市财政局: every coordination role
/// reaches it. Its page's path.
async fn meeting_record(app: &TestApp) -> String {
    let office = app.token("office").await;
    let admin = app.token("admin").await;
    let find =
        async |list: &str, field: &str, value: &str| app.find_id(&office, list, field, value).await;
    let leader = app
        .find_id(&admin, "/api/v1/users?per_page=500", "username", "leader")
        .await;
    let body = json!({"title": "页面矩阵会议", "kind": "site_visit", "mode": "on_site",
        "held_on": super::world::today(), "place": "张店区", "chair_user_id": leader,
        "organiser_department_id": find("/api/v1/departments", "name_zh", "市发展和改革委员会").await,
        "industry_ids": [find("/api/v1/industries", "key", "new_materials").await],
        "region_id": find("/api/v1/regions", "code", "370303").await});
    let (status, m) = app
        .call(Method::POST, "/api/v1/meetings", Some(&office), Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let path = format!("/api/v1/meetings/{}", m["id"]);
    let (status, m) = app
        .call(
            Method::POST,
            &format!("{path}/hold"),
            Some(&office),
            Some(json!({"version": m["version"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let finance = find("/api/v1/departments", "name_zh", "市财政局").await;
    let (status, d) = app
        .call(
            Method::POST,
            &format!("{path}/decisions"),
            Some(&office),
            Some(json!({"version": m["version"], "title": "页面矩阵议定事项",
                        "lead_department_id": finance, "deadline": "2099-12-31"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    format!("/meetings/{}", m["id"])
}

/// A policy of 新材料 issued by 市财政局 with a beneficiary, and a fund of 新材料: their
/// pages' paths.
async fn policy_records(app: &TestApp) -> (String, String) {
    let office = app.token("office").await;
    let find =
        async |list: &str, field: &str, value: &str| app.find_id(&office, list, field, value).await;
    let new_materials = find("/api/v1/industries", "key", "new_materials").await;
    let body = json!({"title": "页面矩阵政策", "doc_number": "淄页面〔2026〕1号",
        "issued_on": "2026-01-05", "valid_from": "2026-01-05",
        "department_ids": [find("/api/v1/departments", "name_zh", "市财政局").await],
        "industry_ids": [new_materials], "measures": ["页面矩阵措施"]});
    let (status, p) = app
        .call(Method::POST, "/api/v1/policies", Some(&office), Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let (status, b) = app
        .call(
            Method::POST,
            &format!("/api/v1/policies/{}/beneficiaries", p["id"]),
            Some(&office),
            Some(json!({"version": p["version"], "kind": "enterprise",
                "enterprise_name": "页面矩阵企业", "credit_code": "91350100M000100Y43",
                "committed": 1_000_000})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let body = json!({"name": "页面矩阵基金", "kind": "industry", "size": 1_000_000_000i64,
        "manager": "页面矩阵管理人", "industry_ids": [new_materials]});
    let (status, f) = app
        .call(Method::POST, "/api/v1/funds", Some(&office), Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    (
        format!("/policies/{}", p["id"]),
        format!("/funds/{}", f["id"]),
    )
}

/// The pages: administration for its roles only, programme areas for programme roles.
#[tokio::test]
async fn page_scope_matrix() {
    each_backend(reference_data(), async |app| {
        let (problem, item) = coordination_records(app).await;
        let meeting = meeting_record(app).await;
        let (policy, fund) = policy_records(app).await;
        let (policy_edit, fund_edit) = (format!("{policy}/edit"), format!("{fund}/edit"));
        // 政策与基金: read by the office, leaders, the supervisor, task forces, departments and
        // the statistics bureau; recorded by the office, the task force of the industry and
        // (policies only) the issuing department.
        let policy_readers = |r: Role| {
            matches!(
                r,
                Role::Office
                    | Role::Leader
                    | Role::Supervisor
                    | Role::Taskforce
                    | Role::Dept
                    | Role::Stats
            )
        };
        let (meeting_pack, meeting_edit) = (format!("{meeting}/pack"), format!("{meeting}/edit"));
        let (problem_edit, item_edit) = (format!("{problem}/edit"), format!("{item}/edit"));
        let item_notice = format!("{item}/notice.docx");
        let coordination = |r: Role| {
            matches!(
                r,
                Role::Office
                    | Role::Leader
                    | Role::Supervisor
                    | Role::Taskforce
                    | Role::Dept
                    | Role::District
            )
        };
        for role in CALLERS.iter().filter_map(|c| c.role()) {
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
                ("/problems", coordination(r)),
                ("/problems/department-stats", coordination(r)),
                (
                    "/problems/new",
                    matches!(
                        r,
                        Role::Office | Role::Taskforce | Role::District | Role::Dept
                    ),
                ),
                (&problem, coordination(r)),
                (&problem_edit, r == Role::Office),
                ("/supervision", coordination(r)),
                ("/supervision/new", r == Role::Supervisor),
                (&item, coordination(r)),
                (&item_edit, r == Role::Supervisor),
                (&item_notice, coordination(r)),
                (
                    "/tasks",
                    matches!(
                        r,
                        Role::Office
                            | Role::Leader
                            | Role::Supervisor
                            | Role::Taskforce
                            | Role::Dept
                            | Role::District
                    ),
                ),
                ("/tasks/new", r == Role::Office),
                ("/todo", r != Role::Admin),
                ("/notifications", true),
                ("/admin/reminders", r == Role::Office),
                ("/meetings", coordination(r)),
                ("/meetings/new", r == Role::Office),
                ("/meetings/proposal", r == Role::Office),
                ("/meetings/rules", r == Role::Office),
                (&meeting, coordination(r)),
                (&meeting_pack, coordination(r)),
                (&meeting_edit, r == Role::Office),
                ("/policies", policy_readers(r)),
                ("/funds", policy_readers(r)),
                (&policy, policy_readers(r)),
                (&fund, policy_readers(r)),
                (
                    "/policies/new",
                    matches!(r, Role::Office | Role::Taskforce | Role::Dept),
                ),
                ("/funds/new", matches!(r, Role::Office | Role::Taskforce)),
                (
                    &policy_edit,
                    matches!(r, Role::Office | Role::Taskforce | Role::Dept),
                ),
                (&fund_edit, matches!(r, Role::Office | Role::Taskforce)),
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
            // Every page has the bell; the landing page shows the to-do's first block to
            // those who have a to-do.
            assert!(home.contains("id=\"bell\""), "{role} bell");
            assert_eq!(
                home.contains("id=\"home-todo\""),
                r != Role::Admin,
                "{role} to-do block"
            );
        }
    })
    .await;
}
