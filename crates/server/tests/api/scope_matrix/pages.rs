//! The pages by role: administration for its roles only, programme areas for programme
//! roles, and a navigation that shows what the role may open and nothing else.

use super::expectations::CALLERS;
use crate::harness::{each_backend, reference_data};
use dongneng_domain::Role;
use reqwest::StatusCode;

/// The pages: administration for its roles only, programme areas for programme roles.
#[tokio::test]
async fn page_scope_matrix() {
    each_backend(reference_data(), async |app| {
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
