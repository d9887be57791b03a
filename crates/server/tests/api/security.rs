//! Issue 13, security hardening: throttling that cannot lock anyone out, new session tokens,
//! Secure cookies, the Content-Security-Policy and other headers, bounded imports, uploads
//! refused before they are read, and the tamper-evident audit chain.

use crate::auth::{browser_login, extract_csrf};
use crate::harness::{Db, TestApp, each_backend, each_backend_web, reference_data};
use dongneng_service::ServiceConfig;
use dongneng_service::auth::Throttle;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// A throttle with small numbers, so tests run in seconds.
fn quick(pair_free: i64, address_free: i64, account_free: i64) -> ServiceConfig {
    ServiceConfig {
        throttle: Throttle {
            pair_free,
            address_free,
            account_free,
            max_hold: chrono::Duration::milliseconds(200),
            ..Throttle::default()
        },
        ..reference_data()
    }
}

/// A login through the API, claiming to come from `from` (`X-Forwarded-For`); returns the
/// status, the `Retry-After` header and the body.
async fn login_from(
    app: &TestApp,
    from: &str,
    username: &str,
    password: &str,
) -> (StatusCode, Option<i64>, Value) {
    let resp = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, retry, body)
}

/// Runs `test` on each backend behind a trusted proxy (`--trust-proxy`).
async fn behind_proxy(config: ServiceConfig, test: impl AsyncFn(&TestApp)) {
    each_backend_web(config, |w| w.trust_proxy = true, test).await;
}

const RIGHT: &str = "dongneng-demo";
const WRONG: &str = "guess-guess";

#[tokio::test]
async fn an_attacker_at_one_address_never_keeps_the_owner_out() {
    behind_proxy(quick(3, 30, 50), async |app| {
        for _ in 0..3 {
            let (status, _, _) = login_from(app, "10.0.0.1", "stats", WRONG).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        // A is held off — even with the right password — and told how long.
        let (status, retry, body) = login_from(app, "10.0.0.1", "stats", RIGHT).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["error"]["code"], "throttled");
        let retry = retry.expect("Retry-After");
        assert!(retry >= 1, "{retry}");
        assert_eq!(body["error"]["details"]["retry_after"], retry);
        // The owner, from B, signs in at once.
        let (status, _, body) = login_from(app, "10.0.0.2", "stats", RIGHT).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // And A, guessing another account, is not held off by the pair's counter.
        let (status, _, _) = login_from(app, "10.0.0.1", "office", WRONG).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn the_delays_grow_with_each_failure() {
    behind_proxy(quick(2, 30, 50), async |app| {
        let mut seen = Vec::new();
        let mut failures = 0;
        while seen.len() < 3 {
            let (status, retry, _) = login_from(app, "10.0.0.9", "office", WRONG).await;
            match status {
                StatusCode::UNAUTHORIZED => failures += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    let wait = retry.expect("Retry-After");
                    seen.push(wait);
                    tokio::time::sleep(Duration::from_millis(wait as u64 * 1000 + 100)).await;
                }
                other => panic!("{other}"),
            }
            assert!(failures < 10, "never held off");
        }
        assert_eq!(seen, vec![1, 2, 4], "doubling delays");
    })
    .await;
}

#[tokio::test]
async fn a_forwarding_header_is_ignored_without_trust_proxy() {
    each_backend(quick(3, 30, 50), async |app| {
        // Each attempt claims another address; all come from 127.0.0.1 and count there.
        for i in 0..3 {
            let (status, _, _) = login_from(app, &format!("10.1.0.{i}"), "stats", WRONG).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, retry, _) = login_from(app, "10.1.0.99", "stats", RIGHT).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(retry.is_some());
    })
    .await;
}

#[tokio::test]
async fn an_address_guessing_many_accounts_is_held_off() {
    behind_proxy(quick(10, 4, 50), async |app| {
        for name in ["office", "leader", "stats", "expert"] {
            let (status, _, _) = login_from(app, "10.2.0.1", name, WRONG).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _, _) = login_from(app, "10.2.0.1", "dept", RIGHT).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        // Spoofed garbage in the header is not an address: the connection's counts instead.
        let (status, _, _) = login_from(app, "not-an-ip", "dept", RIGHT).await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn a_distributed_guess_is_slowed_audited_and_shown_to_the_administrator() {
    behind_proxy(quick(3, 30, 4), async |app| {
        let admin = app.token("admin").await;
        for i in 0..6 {
            let (status, _, _) = login_from(app, &format!("10.3.0.{i}"), "stats", WRONG).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "never refused outright");
        }
        // Slowed: a wrong answer for the account now waits (max_hold, 200 ms here).
        let t = std::time::Instant::now();
        let (status, _, _) = login_from(app, "10.3.0.50", "stats", WRONG).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            t.elapsed() >= Duration::from_millis(190),
            "{:?}",
            t.elapsed()
        );
        // The owner still signs in from a new address.
        let (status, _, _) = login_from(app, "10.3.0.200", "stats", RIGHT).await;
        assert_eq!(status, StatusCode::OK);
        // The audit trail has the guess: at the line and at each doubling (4th, 5th, 7th).
        let (_, list) = app
            .get("/api/v1/audit?record_type=user&per_page=100", &admin)
            .await;
        let guesses: Vec<&Value> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "login_guessing")
            .collect();
        assert_eq!(guesses.len(), 3, "{list}");
        assert_eq!(guesses[0]["after"]["username"], "stats");
        assert_eq!(guesses[0]["username"], "system:login-throttle");
        // The administrator's audit page shows the account and how many addresses.
        let (cookie, _) = browser_login(app, "admin").await;
        let page = app
            .client
            .get(app.url("/admin/audit"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let row = page
            .split("id=\"guessed-stats\"")
            .nth(1)
            .expect("the guessed account on the audit page");
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains("<td>7</td><td>7</td>"), "{row}");
    })
    .await;
}

#[tokio::test]
async fn counters_expire_and_are_swept() {
    let config = ServiceConfig {
        throttle: Throttle {
            window: chrono::Duration::seconds(2),
            pair_free: 2,
            ..Throttle::default()
        },
        ..reference_data()
    };
    behind_proxy(config, async |app| {
        for i in 0..40 {
            let (status, _, _) = login_from(app, &format!("10.4.{i}.1"), "office", WRONG).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        for _ in 0..2 {
            login_from(app, "10.4.99.1", "leader", WRONG).await;
        }
        let (status, _, _) = login_from(app, "10.4.99.1", "leader", RIGHT).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        tokio::time::sleep(Duration::from_millis(2100)).await;
        // The window passed: the counter forgot.
        let (status, _, _) = login_from(app, "10.4.99.1", "leader", RIGHT).await;
        assert_eq!(status, StatusCode::OK);
        // And the sweep leaves nothing behind of 40 addresses.
        let removed = app
            .store
            .delete_expired_counters(chrono::Utc::now() - chrono::Duration::seconds(2))
            .await
            .unwrap();
        assert!(removed >= 80, "{removed}");
    })
    .await;
}

#[tokio::test]
async fn a_ten_thousand_character_username_is_refused_and_counts_nothing() {
    each_backend(quick(1, 1, 1), async |app| {
        let long = "u".repeat(10_000);
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": long, "password": WRONG})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["details"][0]["field"], "username");
        // Nothing was counted: the right password goes through at once.
        app.token("office").await;
    })
    .await;
}

#[tokio::test]
async fn each_login_gets_a_new_token_and_a_password_change_ends_the_others() {
    each_backend(reference_data(), async |app| {
        let first = app.token("office").await;
        let second = app.token("office").await;
        assert_ne!(first, second);
        let other = app.token("stats").await;
        // A wrong present password changes nothing.
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/me/password",
                Some(&first),
                Some(json!({"current_password": "nope-nope", "new_password": "Another-pass-2026"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "current_password");
        assert_eq!(app.get("/api/v1/me", &second).await.0, StatusCode::OK);
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/me/password",
                Some(&first),
                Some(json!({"current_password": RIGHT, "new_password": "Another-pass-2026"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let third = body["token"].as_str().unwrap().to_string();
        assert!(third != first && third != second);
        assert_eq!(
            app.get("/api/v1/me", &first).await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.get("/api/v1/me", &second).await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(app.get("/api/v1/me", &third).await.0, StatusCode::OK);
        // Other accounts keep their sessions.
        assert_eq!(app.get("/api/v1/me", &other).await.0, StatusCode::OK);
        let (status, _) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "office", "password": "Another-pass-2026"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

fn session_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("dn_session="))
        .map(str::to_string)
}

/// The session cookie a login form answers with, given extra request headers.
async fn login_cookie(app: &TestApp, headers: &[(&str, &str)]) -> String {
    let resp = app.client.get(app.url("/login")).send().await.unwrap();
    let pre = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("dn_pre="))
        .map(|v| v.split(';').next().unwrap().to_string())
        .unwrap();
    let csrf = extract_csrf(&resp.text().await.unwrap());
    let mut req = app.client.post(app.url("/login")).header("cookie", &pre);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req
        .form(&[
            ("username", "office"),
            ("password", RIGHT),
            ("_csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    session_cookie(&resp).unwrap()
}

#[tokio::test]
async fn cookies_are_secure_behind_tls_only() {
    each_backend(reference_data(), async |app| {
        let c = login_cookie(app, &[]).await;
        assert!(!c.contains("Secure"), "{c}");
        // Without --trust-proxy the proxy's word is not taken.
        let c = login_cookie(app, &[("x-forwarded-proto", "https")]).await;
        assert!(!c.contains("Secure"), "{c}");
    })
    .await;
    each_backend_web(
        reference_data(),
        |w| w.secure_cookies = true,
        async |app| {
            let c = login_cookie(app, &[]).await;
            assert!(c.contains("; Secure"), "{c}");
        },
    )
    .await;
    behind_proxy(reference_data(), async |app| {
        let c = login_cookie(app, &[("x-forwarded-proto", "https")]).await;
        assert!(c.contains("; Secure"), "{c}");
        let c = login_cookie(app, &[("x-forwarded-proto", "http")]).await;
        assert!(!c.contains("Secure"), "{c}");
    })
    .await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    each_backend(reference_data(), async |app| {
        for path in [
            "/login",
            "/static/app.css",
            "/api/v1/me",
            "/no-such-page",
            "/healthz",
        ] {
            let resp = app.client.get(app.url(path)).send().await.unwrap();
            let h = resp.headers();
            let csp = h["content-security-policy"].to_str().unwrap();
            for part in [
                "default-src 'self'",
                "frame-ancestors 'none'",
                "form-action 'self'",
                "script-src 'self'",
                "style-src 'self'",
            ] {
                assert!(csp.contains(part), "{path}: {csp}");
            }
            assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(h["x-frame-options"], "DENY", "{path}");
            assert_eq!(h["referrer-policy"], "same-origin", "{path}");
            assert!(h.contains_key("permissions-policy"), "{path}");
            assert!(!h.contains_key("strict-transport-security"), "{path}");
        }
        // The pages have no inline script, style or handler for the policy to refuse.
        let (cookie, _) = browser_login(app, "admin").await;
        let html = app
            .client
            .get(app.url("/admin/audit"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for inline in ["<style", " style=", "<script>", " onclick=", "javascript:"] {
            assert!(!html.contains(inline), "{inline} in the page");
        }
    })
    .await;
    each_backend_web(
        reference_data(),
        |w| w.secure_cookies = true,
        async |app| {
            let resp = app.client.get(app.url("/login")).send().await.unwrap();
            let hsts = resp.headers()["strict-transport-security"]
                .to_str()
                .unwrap();
            assert!(hsts.starts_with("max-age="), "{hsts}");
        },
    )
    .await;
}

/// Sends raw HTTP on a new connection and returns the status line and how long the answer took.
async fn raw_http(app: &TestApp, request: String) -> (String, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let t = std::time::Instant::now();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
        .await
        .expect("an answer without the body being sent")
        .unwrap();
    let text = String::from_utf8_lossy(&buf[..n]).to_string();
    (text.lines().next().unwrap_or("").to_string(), t.elapsed())
}

#[tokio::test]
async fn an_oversized_upload_is_refused_before_it_is_read() {
    each_backend(reference_data(), async |app| {
        let token = app.token("office").await;
        let before = app.audit_count().await;
        // The headers promise 500 MB; not a byte of it is sent.
        for path in [
            "/api/v1/projects/import",
            "/api/v1/projects/progress/import",
            "/api/v1/regions",
        ] {
            let req = format!(
                "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/octet-stream\r\nContent-Length: 500000000\r\n\r\n"
            );
            let (status, _) = raw_http(app, req).await;
            assert!(status.contains(" 413 "), "{path}: {status}");
        }
        assert_eq!(app.audit_count().await, before);
    })
    .await;
}

#[tokio::test]
async fn one_import_at_a_time_per_account() {
    each_backend(reference_data(), async |app| {
        let token = app.token("office").await;
        // The first import's body arrives slowly: its place is taken before it is read.
        use tokio::io::AsyncWriteExt;
        let addr = app.base.trim_start_matches("http://").to_string();
        let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
        slow.write_all(
            format!(
                "POST /api/v1/projects/import HTTP/1.1\r\nHost: x\r\n\
                 Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n\
                 Content-Length: 1000\r\n\r\nPK"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let resp = app
            .client
            .post(app.url("/api/v1/projects/import"))
            .bearer_auth(&token)
            .header("content-type", "application/octet-stream")
            .body(b"PK".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(resp.headers().contains_key("retry-after"));
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "throttled");
        assert!(body["error"]["details"]["retry_after"].as_i64().unwrap() > 0);
        // Another account is not held up by it (the server allows two at once).
        let other = app.token("district").await;
        let (status, _) = app
            .raw(
                Method::POST,
                "/api/v1/projects/import",
                Some(&other),
                "application/octet-stream",
                b"not a workbook".to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // The first ends (its client goes away), and the account may import again.
        drop(slow);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (status, _) = app
            .raw(
                Method::POST,
                "/api/v1/projects/import",
                Some(&token),
                "application/octet-stream",
                b"not a workbook".to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

/// Runs SQL straight on the test's database, as someone with the database's password would.
async fn tamper(app: &TestApp, sql: &[&str]) {
    use sqlx::Connection;
    match app.database.backend {
        Db::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&app.database.url())
                .await
                .unwrap();
            for s in sql {
                sqlx::query(sqlx::AssertSqlSafe(s.to_string()))
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
        }
        Db::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.database.url())
                .await
                .unwrap();
            for s in sql {
                sqlx::query(sqlx::AssertSqlSafe(s.to_string()))
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
        }
    }
}

/// Runs `sql` on the audit trail past its append-only triggers (SQLite: drops
/// `sqlite_trigger`; PostgreSQL: disables the table's trigger around it).
async fn around_the_triggers(app: &TestApp, sqlite_trigger: &str, sql: &str) {
    match app.database.backend {
        Db::Sqlite => tamper(app, &[&format!("drop trigger {sqlite_trigger}"), sql]).await,
        Db::Postgres => {
            tamper(
                app,
                &[
                    "alter table audit_log disable trigger audit_log_no_change",
                    sql,
                    "alter table audit_log enable trigger audit_log_no_change",
                ],
            )
            .await
        }
    }
}

#[tokio::test]
async fn the_audit_chain_finds_a_row_changed_with_sql() {
    each_backend(reference_data(), async |app| {
        let admin = app.token("admin").await;
        for i in 0..3 {
            let (status, body) = app
                .call(
                    Method::POST,
                    "/api/v1/departments",
                    Some(&admin),
                    Some(json!({"name_zh": format!("审计链测试{i}"), "name_en": format!("Chain {i}"), "kind": "department"})),
                )
                .await;
            assert!(status.is_success(), "{body}");
        }
        // The operator's command, against the running server's database.
        let (ok, out) = audit_verify(app).await;
        assert!(ok, "{out}");
        assert!(out.contains("all match"), "{out}");
        // The page says when.
        let (cookie, _) = browser_login(app, "admin").await;
        let page = |cookie: String| async move {
            app.client
                .get(app.url("/admin/audit"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        };
        let html = page(cookie.clone()).await;
        let line = html.split("id=\"audit-chain\"").nth(1).unwrap();
        assert!(line.contains("审计链已于"), "{line}");
        // Someone edits a row in the database, trigger or no trigger.
        let (_, list) = app.get("/api/v1/audit?per_page=100", &admin).await;
        let victim = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["record_type"] == "department")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let change = format!(
            "update audit_log set username = 'nobody' where id = {victim}"
        );
        around_the_triggers(app, "audit_log_no_update", &change).await;
        let (ok, out) = audit_verify(app).await;
        assert!(!ok, "{out}");
        assert!(out.contains(&format!("BROKEN at row {victim}:")), "{out}");
        let report = app.store.last_verification().await.unwrap().unwrap();
        assert_eq!(report.first_bad_id, Some(victim), "{report:?}");
        let html = page(cookie).await;
        let line = html.split("id=\"audit-chain\"").nth(1).unwrap();
        assert!(line.contains(&format!("#{victim}")), "{line}");
    })
    .await;
}

/// Runs `dongneng audit verify` on the test's database: whether it passed, and what it said.
/// The server of the test keeps running meanwhile (its linker may hold a transaction the
/// command waits for), so the command runs off this thread.
async fn audit_verify(app: &TestApp) -> (bool, String) {
    let url = app.database.url();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_dongneng"))
            .args(["--database-url", &url, "audit", "verify"])
            .env("DONGNENG_LOG", "warn")
            .output()
            .expect("run dongneng")
    })
    .await
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
async fn rows_cut_from_the_end_of_the_chain_are_found() {
    each_backend(reference_data(), async |app| {
        let (ok, out) = audit_verify(app).await;
        assert!(ok, "{out}");
        let last = app
            .store
            .list_audit(
                &Default::default(),
                dongneng_domain::paging::Page::new(Some(1), Some(1)),
            )
            .await
            .unwrap()
            .0[0]
            .id;
        let cut = format!("delete from audit_log where id = {last}");
        around_the_triggers(app, "audit_log_no_delete", &cut).await;
        let (ok, out) = audit_verify(app).await;
        assert!(!ok, "{out}");
        assert!(out.contains("before link"), "{out}");
    })
    .await;
}
