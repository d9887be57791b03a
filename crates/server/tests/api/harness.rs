//! Starts a server per test on a fresh database with the demo data.

use dongneng_service::ServiceConfig;
use dongneng_store::Store;
use dongneng_web::WebConfig;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::sync::Arc;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL too when `DONGNENG_TEST_DATABASE_URL` is set.
pub fn backends() -> Vec<Db> {
    let mut v = vec![Db::Sqlite];
    if pg_url().is_some() {
        v.push(Db::Postgres);
    }
    v
}

pub fn pg_url() -> Option<String> {
    std::env::var("DONGNENG_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

pub struct TestApp {
    pub base: String,
    #[allow(dead_code)]
    pub db: Db,
    pub store: Arc<dyn Store>,
    pub client: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    schema: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// A server with the demo's reference data and accounts (no demo projects).
    pub async fn spawn(db: Db) -> TestApp {
        Self::spawn_with(
            db,
            ServiceConfig {
                demo_projects: false,
                ..ServiceConfig::default()
            },
        )
        .await
    }

    /// A server with the whole demo, project library included.
    pub async fn spawn_full(db: Db) -> TestApp {
        Self::spawn_with(db, ServiceConfig::default()).await
    }

    pub async fn spawn_with(db: Db, service_config: ServiceConfig) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, schema) = match db {
            Db::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                (
                    dongneng::open_store(&url).await.expect("sqlite store"),
                    None,
                )
            }
            Db::Postgres => {
                let url = pg_url().expect("postgres url");
                let schema = dongneng_store_postgres::create_test_schema(&url)
                    .await
                    .expect("test schema");
                let store = dongneng::open_store_in_schema(&url, Some(&schema))
                    .await
                    .expect("postgres store");
                (store, Some(schema))
            }
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let web = WebConfig {
            demo: true,
            body_limit: 256 * 1024,
            ..WebConfig::default()
        };
        let running = dongneng::start(store.clone(), "127.0.0.1:0", web, service_config, async {
            let _ = rx.await;
        })
        .await
        .expect("server starts");
        TestApp {
            base: format!("http://{}", running.addr),
            db,
            store,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            shutdown: Some(tx),
            schema,
            _dir: dir,
        }
    }

    /// Stops the server and drops the PostgreSQL schema.
    pub async fn finish(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.store.close().await;
        if let (Some(schema), Some(url)) = (&self.schema, pg_url()) {
            let _ = dongneng_store_postgres::drop_test_schema(&url, schema).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"username": username, "password": "dongneng-demo"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        body["token"].as_str().expect("token").to_string()
    }

    /// Sends a JSON request; returns the status and the JSON body (Null when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// Sends raw bytes with a content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Counts audit rows, straight from the store (what "nothing written" is checked against).
    pub async fn audit_count(&self) -> i64 {
        self.store
            .list_audit(
                &Default::default(),
                dongneng_domain::paging::Page::new(Some(1), Some(1)),
            )
            .await
            .expect("audit")
            .1
    }

    /// The id of the first record in a list endpoint whose `field` equals `value`.
    pub async fn find_id(&self, token: &str, list: &str, field: &str, value: &str) -> i64 {
        let (_, body) = self.get(list, token).await;
        body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i[field] == value))
            .and_then(|i| i["id"].as_i64())
            .unwrap_or_else(|| panic!("{value} not in {list}"))
    }
}

/// Runs a test body once per backend.
#[macro_export]
macro_rules! each_backend {
    ($app:ident => $body:block) => {
        for db in $crate::harness::backends() {
            let $app = $crate::harness::TestApp::spawn(db).await;
            $body
            $app.finish().await;
        }
    };
}
