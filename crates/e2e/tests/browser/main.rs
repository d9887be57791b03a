//! Browser tests: real user flows in headless Chromium against the application served
//! in-process (CONVENTIONS, "Tests" → "Browser").
//!
//! Without Chromium and chromedriver every test is reported *ignored*, never passed;
//! `E2E_REQUIRED=1` makes that a failure instead. Each test gets its own app on its own SQLite
//! file (a copy of one made with the demo data at the start of the run). The tests run one at
//! a time (unless `--test-threads` says otherwise) in a shared Chromium that is reset between
//! tests and replaced after a failure.
//! A failed test leaves a screenshot in `target/e2e-screenshots/<test>.png`.

mod coordination;
mod flows;
mod harness;
mod industry;
mod library;
mod meetings;
mod policies;
mod security;

use dongneng_service::ServiceConfig;
use harness::{App, Browser, Chrome, Page, TEST_LIMIT, Template};
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

type Flow = fn(Page) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// A browser test: its name, the service settings of its server, and the flow.
struct Test {
    name: &'static str,
    config: fn() -> ServiceConfig,
    flow: Flow,
}

impl Test {
    /// A flow on a server with the default service settings.
    fn new(name: &'static str, flow: Flow) -> Test {
        Test {
            name,
            config: ServiceConfig::default,
            flow,
        }
    }
}

/// What the tests share: one runtime (a browser session lives on the runtime that opened it),
/// the template database and the idle browsers.
struct Shared {
    rt: tokio::runtime::Runtime,
    browser: Result<Browser, String>,
    required: bool,
    template: tokio::sync::OnceCell<Result<Template, String>>,
    idle: Mutex<Vec<Chrome>>,
}

fn main() {
    let mut args = Arguments::from_args();
    // One test at a time by default: then a single Chromium serves them all.
    if args.test_threads.is_none() {
        args.test_threads = Some(1);
    }
    let shared = Arc::new(Shared {
        rt: tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime"),
        browser: Browser::find(),
        required: std::env::var("E2E_REQUIRED").is_ok_and(|v| !v.is_empty() && v != "0"),
        template: tokio::sync::OnceCell::new(),
        idle: Mutex::new(Vec::new()),
    });
    let trials = flows::all()
        .into_iter()
        .map(|t| {
            let shared = shared.clone();
            Trial::ignorable_test(t.name, move || run(&shared, t)).with_kind("browser")
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    // Close the browsers before exiting (`exit` skips destructors).
    let idle = std::mem::take(&mut *shared.idle.lock().unwrap_or_else(|e| e.into_inner()));
    shared.rt.block_on(async {
        for chrome in idle {
            chrome.close().await;
        }
    });
    conclusion.exit();
}

fn run(shared: &Shared, test: Test) -> Result<Completion, Failed> {
    let browser = match &shared.browser {
        Ok(b) => b,
        Err(why) if shared.required => {
            return Err(format!("E2E_REQUIRED is set but {why}").into());
        }
        Err(why) => return Ok(Completion::ignored_with(why)),
    };
    shared.rt.block_on(async {
        let template = shared
            .template
            .get_or_init(|| async { Template::build().await.map_err(|e| format!("{e:#}")) })
            .await
            .as_ref()
            .map_err(|e| format!("preparing the database: {e}"))?;
        let app = App::start(template, (test.config)())
            .await
            .map_err(|e| format!("starting the app: {e:#}"))?;
        let reused = shared.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let chrome = match reused {
            Some(c) => c,
            None => match Chrome::start(browser).await {
                Ok(c) => c,
                Err(e) => {
                    app.finish().await;
                    return Err(format!("starting Chromium: {e:#}").into());
                }
            },
        };
        // The flow runs as its own task so that a panic in it still leaves us the browser
        // for the screenshot and the clean-up.
        let task = tokio::spawn((test.flow)(Page::new(
            chrome.client.clone(),
            app.base.clone(),
        )));
        let outcome = match tokio::time::timeout(TEST_LIMIT, task).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(format!("{e:#}")),
            Ok(Err(join)) => Err(match join.try_into_panic() {
                Ok(p) => p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panicked".into()),
                Err(e) => format!("flow task: {e}"),
            }),
            Err(_) => Err(format!("took longer than {TEST_LIMIT:?}")),
        };
        let result = match outcome {
            Ok(()) => match chrome.reset().await {
                Ok(()) => {
                    shared
                        .idle
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(chrome);
                    Ok(Completion::Completed)
                }
                Err(e) => {
                    chrome.close().await;
                    Err(format!("resetting the browser after the test: {e:#}").into())
                }
            },
            Err(msg) => {
                let shot = match chrome.screenshot(test.name).await {
                    Some(p) => format!("\nscreenshot: {}", p.display()),
                    None => "\n(no screenshot)".into(),
                };
                chrome.close().await;
                Err(Failed::from(format!("{msg}{shot}")))
            }
        };
        app.finish().await;
        result
    })
}
