//! Malformed and hostile bodies against every endpoint that takes one: never a 5xx; a
//! refused body never writes, an accepted one stores what was sent ([`spoil_every_field`],
//! also used for the industry profiles in `profiles.rs`).

use crate::harness::{TestApp, each_backend, find_record, reference_data};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// An endpoint that takes a body, for [`spoil_every_field`].
pub(crate) struct Target {
    pub method: Method,
    pub path: String,
    /// A body the endpoint accepts. An update's `version` is replaced with the record's
    /// current one before each request, unless it is the field being spoilt.
    pub valid: Value,
    /// Where what the endpoint writes is read back.
    pub stored: Stored,
}

/// Where the record an endpoint writes can be read.
pub(crate) enum Stored {
    /// GET of the path answers the record; `{id}` stands for the id of the record the
    /// answer names (a create).
    At(String),
    /// The record is in one of the lists named `lists` anywhere in what GET of `path`
    /// answers (a part of an industry profile); `id` is the record's, or `None` for the one
    /// the answer names.
    InList {
        path: String,
        lists: &'static [&'static str],
        id: Option<i64>,
    },
    /// The object under `field` of what GET of `path` answers (the profile's structure).
    Field { path: String, field: &'static str },
    /// A password: the account signs in with what was stored.
    Password { username: &'static str },
    /// Nothing is stored (signing in).
    Nothing,
}

/// Bodies that must all be refused, each with the field it spoils (`None`: the whole body).
pub(crate) fn hostile_bodies(valid: &Value) -> Vec<(Option<String>, Value)> {
    let mut out: Vec<(Option<String>, Value)> = [
        json!(null),
        json!([]),
        json!("text"),
        json!(42),
        json!({}),
        json!({"version": "one"}),
        json!({"<script>": "x"}),
    ]
    .into_iter()
    .map(|b| (None, b))
    .collect();
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
                    out.push((Some(key.clone()), b));
                }
            }
        }
    }
    out
}

/// Sends every endpoint a valid body with each field spoilt in turn, and bodies that are
/// not JSON, of the wrong type, empty or too large: never a 5xx. A refused body writes
/// nothing. Some spoilt values are still valid (an empty optional field, a flag, a negative
/// sort order): such a body writes its record once, audited, and what is stored is what was
/// sent — as sent or trimmed, an empty optional as empty — and what the answer said.
pub(crate) async fn spoil_every_field(app: &TestApp, token: &str, targets: &[Target]) {
    for target in targets {
        let (method, path) = (&target.method, &target.path);
        for (spoilt, mut body) in hostile_bodies(&target.valid) {
            // Each spoilt field meets the record's current version, so that it reaches the
            // checks of the fields (a stale version would be refused first, with 409).
            let fresh =
                spoilt.as_ref().is_some_and(|k| k != "version") && body.get("version").is_some();
            if fresh {
                // Before its first save a record reads as absent: version 0.
                let version = read(app, token, &target.stored, None).await["version"].clone();
                body["version"] = if version.is_null() { json!(0) } else { version };
            }
            let before = app.audit_count().await;
            let (status, resp) = app
                .call(method.clone(), path, Some(token), Some(body.clone()))
                .await;
            assert!(
                !status.is_server_error(),
                "{method} {path} {body}: {status} {resp}"
            );
            if status.is_success() {
                let what = format!("{method} {path} accepted {body}");
                assert_eq!(
                    app.audit_count().await,
                    before + 1,
                    "{what}: one audited write"
                );
                let field = spoilt.expect("a whole spoilt body is never accepted");
                stored_as_sent(app, token, target, &field, &body, &resp, &what).await;
                continue;
            }
            assert!(status.is_client_error(), "{method} {path}: {status}");
            if fresh {
                assert_ne!(
                    status,
                    StatusCode::CONFLICT,
                    "{method} {path} {body}: a stale version"
                );
            }
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
            let (status, resp) = app.raw(method.clone(), path, Some(token), ctype, raw).await;
            assert_eq!(status, want, "{method} {path} {ctype}: {resp}");
            assert!(
                resp["error"]["code"].is_string(),
                "{method} {path} {ctype}: {status} {resp}"
            );
            assert_eq!(app.audit_count().await, before);
        }
    }
}

/// The record as stored; `created` names it when the call made it.
async fn read(app: &TestApp, token: &str, stored: &Stored, created: Option<&Value>) -> Value {
    let id = created.map(|c| c["id"].clone());
    let get = async |path: &str| {
        let path = match &id {
            Some(id) => path.replace("{id}", &id.to_string()),
            None => path.to_string(),
        };
        let (status, body) = app.get(&path, token).await;
        assert!(status.is_success(), "reading {path}: {status} {body}");
        body
    };
    match stored {
        Stored::At(path) => get(path).await,
        Stored::Field { path, field } => get(path).await[*field].clone(),
        Stored::InList {
            path,
            lists,
            id: known,
        } => {
            let all = get(path).await;
            let id = known.map(Value::from).or(id).expect("the record's id");
            lists
                .iter()
                .find_map(|list| find_record(&all, list, &id))
                .unwrap_or_else(|| panic!("no {lists:?} {id} in {path}"))
        }
        Stored::Password { .. } | Stored::Nothing => Value::Null,
    }
}

/// What an accepted spoilt body left: the record as the answer gave it, and the spoilt
/// field as sent (trimmed), or empty when sent empty.
async fn stored_as_sent(
    app: &TestApp,
    token: &str,
    target: &Target,
    field: &str,
    body: &Value,
    answer: &Value,
    what: &str,
) {
    let sent = &body[field];
    // A password cannot be read back: the account signs in with it.
    if field == "password" {
        let username = match &target.stored {
            Stored::Password { username } => username,
            _ => body["username"].as_str().expect("the account's username"),
        };
        let password = sent.as_str().expect("a password is text");
        let (status, _) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{what}: signs in with it");
    }
    if matches!(target.stored, Stored::Password { .. } | Stored::Nothing) {
        return;
    }
    let created = (target.method == Method::POST).then_some(answer);
    let record = read(app, token, &target.stored, created).await;
    for (k, v) in answer.as_object().expect("the record") {
        assert_eq!(&record[k], v, "{what}: `{k}` stored as answered");
    }
    if field == "password" {
        return;
    }
    let kept = &record[field];
    let acceptable = kept == sent
        || sent.as_str().is_some_and(|s| kept == s.trim())
        || ((sent.is_null() || sent == "") && (kept.is_null() || kept == ""));
    assert!(acceptable, "{what}: `{field}` stored as {kept}");
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
        // Another account for the password: an accepted spoilt update may disable `leader`.
        let other = app
            .find_id(&admin, "/api/v1/users", "username", "supervisor")
            .await;
        let target = |method: Method, path: String, valid: Value, stored: Stored| Target {
            method,
            path,
            valid,
            stored,
        };
        let at = |path: &str| Stored::At(path.to_string());
        let region_path = format!("/api/v1/regions/{region}");
        let dept_path = format!("/api/v1/departments/{dept}");
        let industry_path = format!("/api/v1/industries/{industry}");
        let user_path = format!("/api/v1/users/{user}");
        let targets = [
            target(
                Method::POST,
                "/api/v1/regions".into(),
                json!({"code": "370398", "name_zh": "测试区", "name_en": "Test", "kind": "district", "parent_id": city}),
                at("/api/v1/regions/{id}"),
            ),
            target(
                Method::PUT,
                region_path.clone(),
                json!({"version": 0, "code": "370323", "name_zh": "沂源县", "name_en": "Yiyuan", "kind": "county", "parent_id": city}),
                at(&region_path),
            ),
            target(
                Method::POST,
                "/api/v1/departments".into(),
                json!({"name_zh": "测试局", "name_en": "Test", "kind": "department"}),
                at("/api/v1/departments/{id}"),
            ),
            target(
                Method::PUT,
                dept_path.clone(),
                json!({"version": 0, "name_zh": "市商务局", "name_en": "Commerce", "kind": "department"}),
                at(&dept_path),
            ),
            target(
                Method::POST,
                "/api/v1/industry-groups".into(),
                json!({"key": "test_group", "name_zh": "测试组", "name_en": "Test"}),
                at("/api/v1/industry-groups/{id}"),
            ),
            target(
                Method::POST,
                "/api/v1/industries".into(),
                json!({"key": "test_ind", "name_zh": "测试产业", "name_en": "Test", "group_id": group}),
                at("/api/v1/industries/{id}"),
            ),
            target(
                Method::PUT,
                industry_path.clone(),
                json!({"version": 0, "key": "light_industry", "name_zh": "轻工", "name_en": "Light", "group_id": group}),
                at(&industry_path),
            ),
            target(
                Method::POST,
                "/api/v1/users".into(),
                json!({"username": "hostile.user", "display_name": "x", "password": "a-long-password", "grants": [{"role": "stats", "scope": {"kind": "city"}}]}),
                at("/api/v1/users/{id}"),
            ),
            target(
                Method::PUT,
                user_path.clone(),
                json!({"version": 0, "display_name": "领导", "disabled": false, "grants": [{"role": "leader", "scope": {"kind": "city"}}]}),
                at(&user_path),
            ),
            target(
                Method::POST,
                format!("{user_path}/disable"),
                json!({"version": 0}),
                at(&user_path),
            ),
            target(
                Method::POST,
                format!("/api/v1/users/{other}/password"),
                json!({"password": "x"}),
                Stored::Password {
                    username: "supervisor",
                },
            ),
            target(
                Method::POST,
                "/api/v1/auth/login".into(),
                json!({"username": "admin", "password": "wrong-password"}),
                Stored::Nothing,
            ),
            // A wrong present password: whatever else is spoilt, nothing may change.
            target(
                Method::POST,
                "/api/v1/me/password".into(),
                json!({"current_password": "not-the-password", "new_password": "a-long-password"}),
                Stored::Nothing,
            ),
        ];
        spoil_every_field(app, &admin, &targets).await;
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
