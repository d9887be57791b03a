//! What every browser test stands on: the application in-process on its own SQLite file with
//! the demo data, `chromedriver` under a drop guard, a headless Chromium session, and a few
//! helpers that wait for pages instead of sleeping.

use anyhow::{Context, Result, bail, ensure};
use dongneng_service::{Service, ServiceConfig};
use dongneng_store::Store;
use dongneng_web::WebConfig;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long any single wait (a page, an element, a text) may take.
pub const WAIT: Duration = Duration::from_secs(15);
/// How long a whole test may take before it is failed (a hung WebDriver call included).
pub const TEST_LIMIT: Duration = Duration::from_secs(120);

/// Where the browser lives; `CHROME_BIN` and `CHROMEDRIVER` override the defaults.
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Browser {
    /// The browser and its driver, or why they cannot be used.
    pub fn find() -> Result<Browser, String> {
        let chromium = std::env::var_os("CHROME_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
        if !chromium.is_file() {
            return Err(format!("no Chromium at {}", chromium.display()));
        }
        let chromedriver = match std::env::var_os("CHROMEDRIVER") {
            Some(p) => PathBuf::from(p),
            None => in_path("chromedriver").ok_or("no chromedriver in PATH")?,
        };
        if !chromedriver.is_file() {
            return Err(format!("no chromedriver at {}", chromedriver.display()));
        }
        Ok(Browser {
            chromium,
            chromedriver,
        })
    }
}

fn in_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A running `chromedriver`, killed when dropped (also when a test panics).
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start(browser: &Browser) -> Result<Driver> {
        let port = free_port()?;
        let child = Command::new(&browser.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", browser.chromedriver.display()))?;
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        // Ready when /status answers.
        let http = reqwest::Client::new();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(resp) = http.get(format!("{}/status", driver.url)).send().await
                && resp.status().is_success()
            {
                return Ok(driver);
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not answer on {}", driver.url);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A database with the migrations and the demo data in, made once per run: loading the demo
/// data takes seconds, copying the file does not. Each test's app starts on its own copy.
pub struct Template {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Template {
    pub async fn build() -> Result<Template> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("build.db").display());
        let store = dongneng::open_store(&url).await?;
        store.migrate().await.context("migrating")?;
        Service::new(store.clone(), ServiceConfig::default())
            .load_demo()
            .await
            .map_err(|e| anyhow::anyhow!("loading the demo data: {e}"))?;
        let path = dir.path().join("template.db");
        store
            .backup_to(&path.display().to_string())
            .await
            .context("copying the database")?;
        store.close().await;
        Ok(Template { path, _dir: dir })
    }
}

/// The application, served in-process on its own SQLite file, a copy of the [`Template`]
/// (`dongneng::start` with `demo: true` then finds the demo data in and adds nothing). Browser
/// tests run on SQLite only: what differs between the backends is covered by the HTTP tests,
/// so `DONGNENG_TEST_DATABASE_URL` is ignored here.
pub struct App {
    pub base: String,
    store: Arc<dyn Store>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl App {
    pub async fn start(template: &Template, service_config: ServiceConfig) -> Result<App> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("e2e.db");
        std::fs::copy(&template.path, &file).context("copying the template database")?;
        let store = dongneng::open_store(&format!("sqlite://{}", file.display())).await?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let web = WebConfig {
            demo: true,
            ..WebConfig::default()
        };
        let running = dongneng::start(store.clone(), "127.0.0.1:0", web, service_config, async {
            let _ = rx.await;
        })
        .await?;
        Ok(App {
            base: format!("http://{}", running.addr),
            store,
            shutdown: Some(tx),
            _dir: dir,
        })
    }

    pub async fn finish(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.store.close().await;
    }
}

/// A headless Chromium driven through its own chromedriver. Tests run one after another in
/// the same Chromium (its start is the slowest part of a test); between tests its cookies are
/// cleared and extra windows closed, and after a failed test it is closed and a fresh one
/// started, so that no state leaks from a broken test into the next.
pub struct Chrome {
    pub client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Chrome {
    pub async fn start(browser: &Browser) -> Result<Chrome> {
        let driver = Driver::start(browser).await?;
        let profile = tempfile::tempdir()?;
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            format!("--user-data-dir={}", profile.path().display()),
            "--lang=zh-CN".into(),
            "--window-size=1280,1000".into(),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": browser.chromium.display().to_string(),
                "args": args,
                // Headless Chromium does not always take its Accept-Language from --lang.
                "prefs": {"intl.accept_languages": "zh-CN,zh"},
            }),
        );
        // The console log, read by `Page::console` (CSP violations are reported there).
        caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
        let limit = WAIT.as_millis() as u64;
        caps.insert(
            "timeouts".into(),
            json!({"pageLoad": limit, "script": limit, "implicit": 0}),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .context("opening a Chromium session through chromedriver")?;
        Ok(Chrome {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Makes the browser as good as new for the next test: one window, no cookies, a blank
    /// page. Must run while a page of the app is shown (cookies are cleared per site; every
    /// app of these tests is on 127.0.0.1, and cookies do not depend on the port).
    pub async fn reset(&self) -> Result<()> {
        let c = &self.client;
        let windows = c.windows().await?;
        let (keep, rest) = windows.split_first().context("no window left")?;
        for w in rest {
            c.switch_to_window(w.clone()).await?;
            c.close_window().await?;
        }
        c.switch_to_window(keep.clone()).await?;
        if c.current_url().await?.scheme().starts_with("http") {
            c.delete_all_cookies().await?;
            let left = c.get_all_cookies().await?;
            ensure!(left.is_empty(), "cookies left after clearing: {left:?}");
        }
        c.goto("about:blank").await?;
        Ok(())
    }

    /// Saves what the browser shows, for a failed test.
    pub async fn screenshot(&self, name: &str) -> Option<PathBuf> {
        let png = self.client.screenshot().await.ok()?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).ok()?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).ok()?;
        Some(path)
    }

    /// Ends the browser session (Chromium exits); chromedriver is killed when this returns.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// `target/e2e-screenshots`, next to the `debug` directory this test binary was built into
/// (so it follows `CARGO_TARGET_DIR`).
fn screenshot_dir() -> PathBuf {
    // <target>/debug/deps/browser-<hash>
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("e2e-screenshots")
}

/// A response as a test looks at it. `bytes` is the whole body for [`Page::download`], the
/// first four bytes for [`Page::fetch_in_page`].
pub struct Fetched {
    pub status: u16,
    pub content_type: String,
    pub disposition: String,
    pub len: usize,
    pub bytes: Vec<u8>,
}

/// The content type of an `.xlsx` workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl Fetched {
    /// Checks that this is an `.xlsx` workbook sent as a download: 200, the workbook content
    /// type, an attachment named `*.xlsx`, and a zip body.
    pub fn expect_xlsx(&self, what: &str) -> Result<()> {
        ensure!(self.status == 200, "{what} answered {}", self.status);
        ensure!(
            self.content_type == XLSX,
            "{what} has content type {:?}",
            self.content_type
        );
        ensure!(
            self.disposition.starts_with("attachment;") && self.disposition.contains(".xlsx"),
            "{what} has disposition {:?}",
            self.disposition
        );
        ensure!(
            self.len > 100 && self.bytes.starts_with(b"PK"),
            "{what} is not a zip file ({} bytes, starting {:?})",
            self.len,
            self.bytes
        );
        Ok(())
    }
}

/// The browser as a test drives it: by stable element ids, waiting for each page.
#[derive(Clone)]
pub struct Page {
    pub c: Client,
    pub base: String,
}

/// chromedriver's command for the browser's console log since the last time it was read.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

impl Page {
    pub fn new(c: Client, base: String) -> Page {
        Page { c, base }
    }

    /// The console messages since the last call, as "LEVEL message" lines.
    pub async fn console(&self) -> Result<Vec<String>> {
        let v = self.c.issue_cmd(BrowserLog).await?;
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                format!(
                    "{} {}",
                    e["level"].as_str().unwrap_or(""),
                    e["message"].as_str().unwrap_or("")
                )
            })
            .collect())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn goto(&self, path: &str) -> Result<()> {
        self.c
            .goto(&self.url(path))
            .await
            .with_context(|| format!("opening {path}"))
    }

    /// The path and query of the page shown.
    pub async fn location(&self) -> Result<String> {
        let u = self.c.current_url().await?;
        Ok(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
    }

    pub async fn path(&self) -> Result<String> {
        Ok(self.c.current_url().await?.path().to_string())
    }

    /// The HTTP status the page shown was served with.
    pub async fn status(&self) -> Result<u16> {
        let v = self
            .c
            .execute(
                "return performance.getEntriesByType('navigation')[0].responseStatus;",
                vec![],
            )
            .await?;
        v.as_u64()
            .map(|s| s as u16)
            .with_context(|| format!("no response status: {v}"))
    }

    pub async fn exists(&self, id: &str) -> Result<bool> {
        Ok(!self
            .c
            .find_all(Locator::Id(id))
            .await
            .context("looking for an element")?
            .is_empty())
    }

    pub async fn text(&self, id: &str) -> Result<String> {
        let e = self.find(Locator::Id(id), &format!("#{id}")).await?;
        Ok(e.text().await?.trim().to_string())
    }

    /// Checks the text of an element.
    pub async fn expect_text(&self, id: &str, want: &str) -> Result<()> {
        let got = self.text(id).await?;
        ensure!(
            got == want,
            "#{id} says {got:?}, expected {want:?} (on {})",
            self.location().await?
        );
        Ok(())
    }

    /// Checks the value an input holds.
    pub async fn expect_value(&self, id: &str, want: &str) -> Result<()> {
        let got = self.value(id).await?;
        ensure!(got == want, "#{id} holds {got:?}, expected {want:?}");
        Ok(())
    }

    /// Checks the path of the page shown.
    pub async fn expect_path(&self, want: &str) -> Result<()> {
        let at = self.location().await?;
        ensure!(
            self.path().await? == want,
            "the browser is at {at}, expected {want}"
        );
        Ok(())
    }

    /// Checks the language the page declares (`<html lang>`).
    pub async fn expect_lang(&self, want: &str) -> Result<()> {
        let got = self.html_lang().await?;
        ensure!(got == want, "the page is in {got:?}, expected {want:?}");
        Ok(())
    }

    /// Finds an element; the error names the page it is missing from.
    async fn find(&self, what: Locator<'_>, name: &str) -> Result<Element> {
        match self.c.find(what).await {
            Ok(e) => Ok(e),
            Err(e) => {
                let at = self.location().await.unwrap_or_default();
                Err(anyhow::Error::new(e).context(format!("no {name} on {at}")))
            }
        }
    }

    pub async fn attr(&self, id: &str, name: &str) -> Result<Option<String>> {
        let e = self.find(Locator::Id(id), &format!("#{id}")).await?;
        Ok(e.attr(name).await?)
    }

    /// The current value of an input.
    pub async fn value(&self, id: &str) -> Result<String> {
        let e = self.find(Locator::Id(id), &format!("#{id}")).await?;
        Ok(e.prop("value").await?.unwrap_or_default())
    }

    /// Replaces what an input holds by typing.
    pub async fn fill(&self, id: &str, text: &str) -> Result<()> {
        let e = self.find(Locator::Id(id), &format!("#{id}")).await?;
        e.clear().await?;
        e.send_keys(text).await?;
        let now = e.prop("value").await?.unwrap_or_default();
        ensure!(now == text, "#{id} holds {now:?} after typing {text:?}");
        Ok(())
    }

    /// Clicks the element with this id and waits until the next page has loaded.
    pub async fn click_to_next_page(&self, id: &str) -> Result<()> {
        self.click_and_wait(Locator::Id(id), &format!("#{id}"))
            .await
    }

    /// As [`Page::click_to_next_page`], for an element found by a CSS selector.
    pub async fn click_css_to_next_page(&self, css: &str) -> Result<()> {
        self.click_and_wait(Locator::Css(css), css).await
    }

    async fn click_and_wait(&self, what: Locator<'_>, name: &str) -> Result<()> {
        // Marks the page shown; the mark is gone once another document has replaced it.
        self.c
            .execute("window.__e2eOldPage = true;", vec![])
            .await?;
        let e = self.find(what, name).await?;
        e.click()
            .await
            .with_context(|| format!("clicking {name}"))?;
        self.wait_for_new_page(&format!("the page after clicking {name}"))
            .await
    }

    /// Clicks the element with this id with the mouse, where a user sees it, and waits until
    /// the next page has loaded. WebDriver's element click refuses what its displayedness
    /// rule calls hidden, such as the links of the side menu, a `<details>` that the style
    /// sheet shows open on wide screens while it is closed for phones; a user's mouse (and
    /// this) reaches them. Checks first that the element is what is under the pointer.
    pub async fn mouse_click_to_next_page(&self, id: &str) -> Result<()> {
        let at = self
            .c
            .execute(
                "const e = document.getElementById(arguments[0]); if (!e) return null; \
                 e.scrollIntoView({block: 'center'}); \
                 const r = e.getBoundingClientRect(); \
                 const x = Math.round(r.x + r.width / 2), y = Math.round(r.y + r.height / 2); \
                 const hit = document.elementFromPoint(x, y); \
                 return [x, y, r.width > 0 && r.height > 0 && !!hit && e.contains(hit)];",
                vec![Value::from(id)],
            )
            .await?;
        let Some(at) = at.as_array() else {
            bail!("no #{id} on {}", self.location().await?);
        };
        ensure!(
            at[2] == Value::Bool(true),
            "#{id} is not where a user could click it (hidden or covered)"
        );
        let (x, y) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
        self.c
            .execute("window.__e2eOldPage = true;", vec![])
            .await?;
        let mouse = MouseActions::new("mouse".into())
            .then(PointerAction::MoveTo {
                duration: None,
                x,
                y,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        self.c
            .perform_actions(mouse)
            .await
            .with_context(|| format!("clicking #{id} with the mouse"))?;
        self.wait_for_new_page(&format!("the page after clicking #{id}"))
            .await
    }

    /// The language the page declares (`<html lang>`).
    pub async fn html_lang(&self) -> Result<String> {
        let v = self
            .c
            .execute("return document.documentElement.lang;", vec![])
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Waits until the page that was shown has been replaced by a fully loaded new one.
    async fn wait_for_new_page(&self, what: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            // During navigation the script may fail; that only means "not yet".
            if let Ok(Value::Bool(true)) = self
                .c
                .execute(
                    "return window.__e2eOldPage === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("timed out waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The id and `href` attribute of each link matching a CSS selector, in page order (read
    /// in one script call: one WebDriver round trip instead of two per link).
    pub async fn links(&self, css: &str) -> Result<Vec<(String, String)>> {
        let v = self
            .c
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0]), \
                 a => [a.id, a.getAttribute('href')]);",
                vec![Value::from(css)],
            )
            .await?;
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .map(|pair| {
                let s = |i: usize| pair[i].as_str().unwrap_or_default().to_string();
                (s(0), s(1))
            })
            .collect())
    }

    /// Chooses the option with this `value` in a `<select>`.
    pub async fn select_value(&self, id: &str, value: &str) -> Result<()> {
        let e = self.find(Locator::Id(id), &format!("#{id}")).await?;
        e.select_by_value(value)
            .await
            .with_context(|| format!("choosing {value:?} in #{id}"))?;
        self.expect_value(id, value).await
    }

    /// Chooses the option showing this text in a `<select>`; returns its value.
    pub async fn select_label(&self, id: &str, label: &str) -> Result<String> {
        let e = self.find(Locator::Id(id), &format!("#{id}")).await?;
        e.select_by_label(label)
            .await
            .with_context(|| format!("choosing {label:?} in #{id}"))?;
        let shown = self
            .c
            .execute(
                "const s = document.getElementById(arguments[0]); \
                 return s.options[s.selectedIndex].text;",
                vec![Value::from(id)],
            )
            .await?;
        ensure!(
            shown.as_str() == Some(label),
            "#{id} shows {shown} after choosing {label:?}"
        );
        self.value(id).await
    }

    /// Sets an input's value the way a picker would (date inputs take typed keys in the
    /// order of the browser's locale, so they are set, not typed).
    pub async fn set_value(&self, id: &str, value: &str) -> Result<()> {
        let set = self
            .c
            .execute(
                "const e = document.getElementById(arguments[0]); if (!e) return null; \
                 e.value = arguments[1]; \
                 e.dispatchEvent(new Event('input', {bubbles: true})); \
                 e.dispatchEvent(new Event('change', {bubbles: true})); return e.value;",
                vec![Value::from(id), Value::from(value)],
            )
            .await?;
        ensure!(
            set.as_str() == Some(value),
            "#{id} holds {set} after setting {value:?}"
        );
        Ok(())
    }

    /// Chooses a local file in a file input, as a user picking it would.
    pub async fn choose_file(&self, id: &str, file: &Path) -> Result<()> {
        ensure!(file.is_absolute(), "{} is not absolute", file.display());
        let e = self.find(Locator::Id(id), &format!("#{id}")).await?;
        e.send_keys(&file.display().to_string())
            .await
            .with_context(|| format!("choosing {} in #{id}", file.display()))?;
        let name = e.prop("value").await?.unwrap_or_default();
        let want = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        ensure!(
            name.ends_with(&want),
            "#{id} holds {name:?} after choosing {}",
            file.display()
        );
        Ok(())
    }

    /// The trimmed text of every element matching a CSS selector, in page order.
    pub async fn texts(&self, css: &str) -> Result<Vec<String>> {
        let v = self
            .c
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0]), \
                 e => e.textContent.trim());",
                vec![Value::from(css)],
            )
            .await?;
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().unwrap_or_default().to_string())
            .collect())
    }

    /// What a `fetch` of `href` from the page shown answers (the browser's own request,
    /// with its cookies): status, content type, disposition, body length and first bytes.
    pub async fn fetch_in_page(&self, href: &str) -> Result<Fetched> {
        let v = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 fetch(arguments[0], {credentials: 'same-origin'}) \
                   .then(r => r.arrayBuffer().then(b => done({ \
                     status: r.status, \
                     type: r.headers.get('content-type'), \
                     disposition: r.headers.get('content-disposition'), \
                     len: b.byteLength, \
                     head: Array.from(new Uint8Array(b.slice(0, 4)))}))) \
                   .catch(e => done({error: String(e)}));",
                vec![Value::from(href)],
            )
            .await
            .with_context(|| format!("fetching {href} from the page"))?;
        ensure!(v["error"].is_null(), "fetch {href}: {}", v["error"]);
        Ok(Fetched {
            status: v["status"].as_u64().unwrap_or(0) as u16,
            content_type: v["type"].as_str().unwrap_or_default().to_string(),
            disposition: v["disposition"].as_str().unwrap_or_default().to_string(),
            bytes: v["head"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|b| b.as_u64().unwrap_or(0) as u8)
                .collect(),
            len: v["len"].as_u64().unwrap_or(0) as usize,
        })
    }

    /// Downloads `path` outside the browser with the browser's session cookie (what saving a
    /// link's target gives the user), body in full.
    pub async fn download(&self, path: &str) -> Result<Fetched> {
        let cookie = self
            .c
            .get_named_cookie(dongneng_web::context::SESSION_COOKIE)
            .await
            .context("the browser holds no session cookie")?;
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            self.url(path)
        };
        let resp = reqwest::Client::new()
            .get(&url)
            .header(
                reqwest::header::COOKIE,
                format!("{}={}", cookie.name(), cookie.value()),
            )
            .send()
            .await
            .with_context(|| format!("downloading {path}"))?;
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let status = resp.status().as_u16();
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let disposition = header(reqwest::header::CONTENT_DISPOSITION);
        let bytes = resp.bytes().await?.to_vec();
        Ok(Fetched {
            status,
            content_type,
            disposition,
            len: bytes.len(),
            bytes,
        })
    }

    /// Signs in through the login form and checks that it worked.
    pub async fn login(&self, username: &str) -> Result<()> {
        self.goto("/login").await?;
        self.login_here(username).await
    }

    /// Fills and submits the login form of the page shown.
    pub async fn login_here(&self, username: &str) -> Result<()> {
        self.fill("username", username).await?;
        self.fill("password", dongneng::DEMO_PASSWORD).await?;
        self.click_to_next_page("login-submit").await?;
        if !self.exists("user-name").await? {
            let why = if self.exists("login-error").await? {
                self.text("login-error").await?
            } else if self.exists("login-notice").await? {
                self.text("login-notice").await?
            } else {
                String::new()
            };
            bail!(
                "signing in as {username} failed: at {} ({why})",
                self.location().await?
            );
        }
        Ok(())
    }

    /// Signs out with the header's button and checks where that leads.
    pub async fn logout(&self) -> Result<()> {
        self.click_to_next_page("logout").await?;
        let at = self.location().await?;
        ensure!(
            at == "/login?out=1",
            "after signing out the browser is at {at}"
        );
        Ok(())
    }

    /// Signs in through the API (not the browser) and returns a bearer token, to check
    /// what the store holds independently of the pages.
    pub async fn api_token(&self, username: &str) -> Result<String> {
        let resp = reqwest::Client::new()
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": dongneng::DEMO_PASSWORD}))
            .send()
            .await?;
        ensure!(resp.status().is_success(), "API login: {}", resp.status());
        let body: Value = resp.json().await?;
        body["token"]
            .as_str()
            .map(str::to_string)
            .context("no token in the login answer")
    }

    /// The items of an API list, as the holder of `token` sees them.
    pub async fn api_list(&self, token: &str, path: &str) -> Result<Vec<Value>> {
        let resp = reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await?;
        ensure!(resp.status().is_success(), "GET {path}: {}", resp.status());
        let body: Value = resp.json().await?;
        Ok(body["items"].as_array().cloned().unwrap_or_default())
    }
}
