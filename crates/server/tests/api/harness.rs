//! Starts a server per test on a fresh database with the demo data, once per backend:
//! [`each_backend`] (and [`each_database`] for a test that runs the binary itself).

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
fn backends() -> Vec<Db> {
    let mut v = vec![Db::Sqlite];
    if pg_url().is_some() {
        v.push(Db::Postgres);
    }
    v
}

fn pg_url() -> Option<String> {
    std::env::var("DONGNENG_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A fresh, empty database on one backend: a SQLite file in a temporary folder, or a new
/// PostgreSQL schema.
pub struct TestDb {
    pub backend: Db,
    /// The temporary folder (the SQLite file lives here; the binary may keep files here).
    pub dir: tempfile::TempDir,
    /// The PostgreSQL server and the test's schema in it.
    pg: Option<(String, String)>,
}

impl TestDb {
    async fn create(backend: Db) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = match backend {
            Db::Sqlite => None,
            Db::Postgres => {
                let url = pg_url().expect("postgres url");
                let schema = dongneng_store_postgres::create_test_schema(&url)
                    .await
                    .expect("test schema");
                Some((url, schema))
            }
        };
        TestDb { backend, dir, pg }
    }

    /// A URL the `dongneng` binary understands (PostgreSQL: the schema as `search_path`).
    pub fn url(&self) -> String {
        match &self.pg {
            None => format!("sqlite://{}", self.dir.path().join("test.db").display()),
            Some((base, schema)) => {
                let sep = if base.contains('?') { '&' } else { '?' };
                format!("{base}{sep}options=-c%20search_path%3D{schema}")
            }
        }
    }

    async fn open_store(&self) -> Arc<dyn Store> {
        match &self.pg {
            None => dongneng::open_store(&self.url())
                .await
                .expect("sqlite store"),
            Some((base, schema)) => dongneng::open_store_in_schema(base, Some(schema))
                .await
                .expect("postgres store"),
        }
    }

    /// Drops the PostgreSQL schema (the SQLite file goes with the folder).
    async fn drop(self) {
        if let Some((base, schema)) = &self.pg {
            let _ = dongneng_store_postgres::drop_test_schema(base, schema).await;
        }
    }
}

/// Runs `test` once per backend, each time on a fresh, empty database.
pub async fn each_database(test: impl AsyncFn(&TestDb)) {
    for backend in backends() {
        let db = TestDb::create(backend).await;
        test(&db).await;
        db.drop().await;
    }
}

/// Runs `test` once per backend, each time against its own server on a fresh database
/// loaded with the demo as `config` says ([`reference_data`] or [`full_demo`]). This is
/// how every HTTP test runs on both databases.
pub async fn each_backend(config: ServiceConfig, test: impl AsyncFn(&TestApp)) {
    each_backend_after(async |_| {}, config, test).await;
}

/// As [`each_backend`], with the database first readied by `prepare` (an older schema with
/// data in it, which the server then migrates).
pub async fn each_backend_after(
    prepare: impl AsyncFn(&TestDb),
    config: ServiceConfig,
    test: impl AsyncFn(&TestApp),
) {
    for backend in backends() {
        let database = TestDb::create(backend).await;
        prepare(&database).await;
        let app = TestApp::start(database, config.clone(), test_web()).await;
        test(&app).await;
        app.finish().await;
    }
}

/// As [`each_backend`], with the HTTP layer's settings changed by `web` (`--trust-proxy`,
/// `--secure-cookies` …).
pub async fn each_backend_web(
    config: ServiceConfig,
    web: impl Fn(&mut WebConfig),
    test: impl AsyncFn(&TestApp),
) {
    for backend in backends() {
        let database = TestDb::create(backend).await;
        let mut settings = test_web();
        web(&mut settings);
        let app = TestApp::start(database, config.clone(), settings).await;
        test(&app).await;
        app.finish().await;
    }
}

/// The HTTP settings of test servers: the demo, a small body limit.
fn test_web() -> WebConfig {
    WebConfig {
        demo: true,
        body_limit: 256 * 1024,
        ..WebConfig::default()
    }
}

/// A multipart form with one `file` part, as a document upload sends it.
pub fn file_form(name: &str, mime: &str, bytes: Vec<u8>) -> reqwest::multipart::Form {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str(mime)
        .expect("mime type");
    reqwest::multipart::Form::new().part("file", part)
}

/// The record with `id` in a list named `list` anywhere in `v` (a part of an industry
/// profile: `taskforce_members`, `members` of an alliance, `tasks` of a work plan …).
pub fn find_record(v: &Value, list: &str, id: &Value) -> Option<Value> {
    match v {
        Value::Object(o) => o.iter().find_map(|(k, v)| {
            let here = v
                .as_array()
                .filter(|_| k == list)
                .and_then(|items| items.iter().find(|i| &i["id"] == id))
                .cloned();
            here.or_else(|| find_record(v, list, id))
        }),
        Value::Array(a) => a.iter().find_map(|v| find_record(v, list, id)),
        _ => None,
    }
}

/// The demo's reference data and accounts, no projects.
pub fn reference_data() -> ServiceConfig {
    ServiceConfig {
        demo_projects: false,
        ..ServiceConfig::default()
    }
}

/// The whole demo, project library included.
pub fn full_demo() -> ServiceConfig {
    ServiceConfig::default()
}

pub struct TestApp {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub client: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub database: TestDb,
}

impl TestApp {
    /// A server on `database` with the demo loaded as `config` says (tests get theirs from
    /// [`each_backend`]).
    async fn start(database: TestDb, service_config: ServiceConfig, web: WebConfig) -> TestApp {
        let store = database.open_store().await;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let running = dongneng::start(store.clone(), "127.0.0.1:0", web, service_config, async {
            let _ = rx.await;
        })
        .await
        .expect("server starts");
        TestApp {
            base: format!("http://{}", running.addr),
            store,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            shutdown: Some(tx),
            database,
        }
    }

    /// Stops the server and drops its database.
    async fn finish(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.store.close().await;
        self.database.drop().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A second store on the same database, as another instance of the server opens it.
    pub async fn second_store(&self) -> Arc<dyn Store> {
        self.database.open_store().await
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
        self.send(req).await
    }

    /// Sends a request; returns the status and the JSON body (Null when empty or not JSON).
    pub async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
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
        self.send(req).await
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
