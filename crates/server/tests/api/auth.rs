//! Sign-in, tokens, sessions, throttling and CSRF.

use crate::harness::{TestApp, each_backend, reference_data};
use dongneng_service::ServiceConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;

const ACCOUNTS: [&str; 9] = [
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

#[tokio::test]
async fn health_and_every_demo_account_signs_in() {
    each_backend(reference_data(), async |app| {
        let resp = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(
            resp.json::<serde_json::Value>().await.unwrap(),
            json!({"status": "ok"})
        );
        for name in ACCOUNTS {
            let token = app.token(name).await;
            let (status, me) = app.get("/api/v1/me", &token).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(me["username"], name);
            assert!(
                me.get("password_hash").is_none(),
                "hash never leaves the server"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn wrong_credentials_are_refused_alike() {
    each_backend(reference_data(), async |app| {
        for (user, pw) in [("admin", "wrong-password"), ("nobody", "dongneng-demo")] {
            let (status, body) = app
                .call(
                    Method::POST,
                    "/api/v1/auth/login",
                    None,
                    Some(json!({"username": user, "password": pw})),
                )
                .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(body["error"]["code"], "bad_credentials");
        }
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "", "password": ""})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["details"][0]["field"], "username");
        let (status, _) = app.get("/api/v1/me", "0".repeat(64).as_str()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_a_wait_time() {
    each_backend(reference_data(), async |app| {
        for _ in 0..5 {
            let (status, _) = app
                .call(
                    Method::POST,
                    "/api/v1/auth/login",
                    None,
                    Some(json!({"username": "office", "password": "guess-guess"})),
                )
                .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        // Now even the right password waits.
        let resp = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "office", "password": "dongneng-demo"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: i64 = resp.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(wait > 0 && wait <= 15 * 60, "wait {wait}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "throttled");
        assert_eq!(body["error"]["details"]["retry_after"], wait);
        // Another account is not held up.
        app.token("admin").await;
    })
    .await;
}

#[tokio::test]
async fn logout_ends_the_token() {
    each_backend(reference_data(), async |app| {
        let token = app.token("stats").await;
        let (status, _) = app
            .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.get("/api/v1/me", &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn idle_sessions_expire() {
    let config = ServiceConfig {
        session_idle: chrono::Duration::seconds(1),
        ..reference_data()
    };
    each_backend(config, async |app| {
        let token = app.token("office").await;
        let (status, _) = app.get("/api/v1/me", &token).await;
        assert_eq!(status, StatusCode::OK);
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let (status, _) = app.get("/api/v1/me", &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // A browser with the expired cookie is sent to the login page, told why.
        let resp = app
            .client
            .get(app.url("/admin/regions"))
            .header("cookie", format!("dn_session={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let to = resp.headers()["location"].to_str().unwrap();
        assert!(
            to.starts_with("/login?next=%2Fadmin%2Fregions") && to.contains("expired=1"),
            "{to}"
        );
    })
    .await;
}

/// Signs in through the login form and returns the session cookie and the page's CSRF token.
pub async fn browser_login(app: &TestApp, username: &str) -> (String, String) {
    let resp = app.client.get(app.url("/login")).send().await.unwrap();
    let pre = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("dn_pre="))
        .map(|v| v.split(';').next().unwrap().to_string())
        .expect("pre-login csrf cookie");
    let html = resp.text().await.unwrap();
    let csrf = extract_csrf(&html);
    let resp = app
        .client
        .post(app.url("/login"))
        .header("cookie", &pre)
        .form(&[
            ("username", username),
            ("password", "dongneng-demo"),
            ("_csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "login form for {username}"
    );
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("dn_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap().to_string();
    let home = app
        .client
        .get(app.url("/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let csrf = extract_csrf(&home.text().await.unwrap());
    (cookie, csrf)
}

pub fn extract_csrf(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("csrf field") + marker.len();
    html[start..start + 64].to_string()
}

#[tokio::test]
async fn browser_forms_need_the_csrf_token() {
    each_backend(reference_data(), async |app| {
        let (cookie, csrf) = browser_login(app, "office").await;
        let before = app.audit_count().await;
        let form = [
            ("name_zh", "表单测试局"),
            ("name_en", "Form test"),
            ("kind", "department"),
        ];
        // Without the token: refused, nothing written.
        let resp = app
            .client
            .post(app.url("/admin/departments"))
            .header("cookie", &cookie)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert!(resp.text().await.unwrap().contains("页面已过期"));
        // A wrong token: refused too.
        let mut bad = form.to_vec();
        bad.push(("_csrf", "f00d"));
        let resp = app
            .client
            .post(app.url("/admin/departments"))
            .header("cookie", &cookie)
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count().await, before);
        // With it: saved.
        let mut good = form.to_vec();
        good.push(("_csrf", &csrf));
        let resp = app
            .client
            .post(app.url("/admin/departments"))
            .header("cookie", &cookie)
            .form(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.audit_count().await, before + 1);
        // The API refuses a cookie-borne write without the header as well.
        let resp = app
            .client
            .post(app.url("/api/v1/departments"))
            .header("cookie", &cookie)
            .json(&json!({"name_zh": "接口测试局", "name_en": "x", "kind": "department"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let resp = app
            .client
            .post(app.url("/api/v1/departments"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&json!({"name_zh": "接口测试局", "name_en": "x", "kind": "department"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        // A session cookie is not an API token.
        let (status, _) = app
            .get("/api/v1/me", cookie.trim_start_matches("dn_session="))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn login_form_without_csrf_is_refused() {
    each_backend(reference_data(), async |app| {
        let resp = app
            .client
            .post(app.url("/login"))
            .form(&[("username", "admin"), ("password", "dongneng-demo")])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn an_ended_session_does_not_block_signing_in_again() {
    let config = ServiceConfig {
        session_idle: chrono::Duration::seconds(1),
        ..reference_data()
    };
    each_backend(config, async |app| {
        let (cookie, _) = browser_login(app, "office").await;
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        // The login page with the dead cookie still present: the form must go through.
        let resp = app
            .client
            .get(app.url("/login"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        let pre = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("dn_pre="))
            .map(|v| v.split(';').next().unwrap().to_string())
            .expect("pre-login cookie");
        let csrf = extract_csrf(&resp.text().await.unwrap());
        let resp = app
            .client
            .post(app.url("/login"))
            .header("cookie", format!("{cookie}; {pre}"))
            .form(&[
                ("username", "office"),
                ("password", "dongneng-demo"),
                ("_csrf", &csrf),
                ("next", "/projects"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(resp.headers()["location"], "/projects");
        // A form of the dead session goes back to the login page (and forgets the cookie).
        let resp = app
            .client
            .post(app.url("/admin/departments"))
            .header("cookie", &cookie)
            .form(&[("name_zh", "x"), ("_csrf", "stale")])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert!(
            resp.headers()["location"]
                .to_str()
                .unwrap()
                .contains("expired=1")
        );
        assert!(
            resp.headers()
                .get_all("set-cookie")
                .iter()
                .any(|v| v.to_str().unwrap().starts_with("dn_session=;"))
        );
    })
    .await;
}
