//! Puts Dongneng together: picks the storage backend from the database URL, builds the
//! service and the web application, and serves it. `main.rs` is the command line around this;
//! tests start servers through [`start`].

use anyhow::Context;
use dongneng_domain::document::OfficialDocument;
use dongneng_pdf::{FontOptions, PdfWriter};
use dongneng_service::documents::PdfRenderer;
use dongneng_service::{Service, ServiceConfig};
use dongneng_store::Store;
use dongneng_web::{AppState, WebConfig};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tokio::net::TcpListener;

pub use dongneng_service::demo::{DEMO_ACCOUNTS, DEMO_PASSWORD};

/// Opens the store named by `url`: `sqlite://…` or `postgres://…` (or `postgresql://…`).
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    open_store_in_schema(url, None).await
}

/// As [`open_store`], with every PostgreSQL connection working in `schema` (tests).
pub async fn open_store_in_schema(
    url: &str,
    schema: Option<&str>,
) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = dongneng_store_postgres::PgStore::connect(url, schema)
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Arc::new(store))
    } else if url.starts_with("sqlite:") {
        let store = dongneng_store_sqlite::SqliteStore::connect(url)
            .await
            .context("opening the SQLite database")?;
        Ok(Arc::new(store))
    } else {
        anyhow::bail!("unsupported database URL (use sqlite://… or postgres://…): {url}")
    }
}

/// The default database: a SQLite file in the data directory.
pub fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("dongneng.db").display())
}

/// The typst PDF writer, made on first use: reading the machine's fonts takes a moment and
/// most servers (and test servers) never write a PDF.
pub struct TypstPdf {
    options: FontOptions,
    writer: OnceLock<PdfWriter>,
}

impl TypstPdf {
    pub fn new(config: &ServiceConfig) -> Self {
        TypstPdf {
            options: FontOptions {
                font_dirs: config.font_dirs.clone(),
                system_fonts: config.system_fonts,
            },
            writer: OnceLock::new(),
        }
    }

    fn writer(&self) -> &PdfWriter {
        self.writer.get_or_init(|| {
            let w = PdfWriter::new(&self.options);
            if w.machine_families().is_empty() {
                tracing::info!(
                    "PDF fonts: none found on this machine, using the embedded Noto CJK subsets \
                     (install fonts-noto-cjk or the office fonts, or pass --font-dir, for more)"
                );
            } else {
                tracing::info!(families = ?w.machine_families(), "PDF fonts found");
            }
            w
        })
    }
}

impl PdfRenderer for TypstPdf {
    fn render_pdf(&self, doc: &OfficialDocument) -> Result<Vec<u8>, String> {
        self.writer().render(doc).map_err(|e| e.to_string())
    }

    fn rasterise_svg(&self, svg: &str, scale: f32) -> Result<Vec<u8>, String> {
        self.writer()
            .rasterise_svg(svg, scale)
            .map_err(|e| e.to_string())
    }
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub service: Service,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Migrates, optionally loads the demo data, binds and serves in a background task until
/// `shutdown` resolves.
pub async fn start<F>(
    store: Arc<dyn Store>,
    bind: &str,
    web: WebConfig,
    service_config: ServiceConfig,
    shutdown: F,
) -> anyhow::Result<Running>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    store.migrate().await.context("migrating the database")?;
    let pdf = Arc::new(TypstPdf::new(&service_config));
    let service = Service::new(store, service_config).with_pdf(pdf);
    if web.demo {
        service
            .load_demo()
            .await
            .map_err(|e| anyhow::anyhow!("loading the demo data: {e}"))?;
    }
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding {bind}"))?;
    let addr = listener.local_addr()?;
    let state = AppState {
        service: service.clone(),
        config: Arc::new(web),
    };
    let app = dongneng_web::app(state);
    let sweeper = service.clone();
    let holder = format!("{}:{}", std::process::id(), addr);
    // The month's dispatch period opens before the first request is served (one small
    // transaction under a lease), so no request races the opening.
    if let Err(e) = sweeper.open_dispatch_period(&holder).await {
        tracing::warn!(error = %e, "opening the dispatch period failed");
    }
    tokio::spawn(async move {
        // Hourly housekeeping. Deleting expired sessions twice is harmless, so every instance
        // may do it; the daily warning re-evaluation (deadlines pass without anyone writing)
        // takes a lease in the database so that one instance does it however many run.
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        // The first tick is immediate; start after an hour instead of slowing the start.
        tick.tick().await;
        loop {
            tick.tick().await;
            // The month's dispatch period opens by itself, once (lease + unique month).
            if let Err(e) = sweeper.open_dispatch_period(&holder).await {
                tracing::warn!(error = %e, "opening the dispatch period failed");
            }
            if let Err(e) = sweeper.send_dispatch_reminders(&holder).await {
                tracing::warn!(error = %e, "dispatch reminders failed");
            }
            if let Err(e) = sweeper.delete_expired_sessions().await {
                tracing::warn!(error = %e, "session sweep failed");
            }
            if let Err(e) = sweeper.delete_expired_counters().await {
                tracing::warn!(error = %e, "login counter sweep failed");
            }
            if let Err(e) = sweeper.daily_warning_sweep(&holder).await {
                tracing::warn!(error = %e, "warning sweep failed");
            }
            // Reminders of deadlines: under a lease, each recorded under its key, so sent
            // once however many instances run.
            if let Err(e) = sweeper.send_due_reminders(&holder).await {
                tracing::warn!(error = %e, "reminders failed");
            }
            if let Err(e) = sweeper.daily_audit_verification(&holder).await {
                tracing::warn!(error = %e, "audit verification failed");
            }
        }
    });
    // The audit chain is linked after the writes commit, every few seconds by the server
    // holding the lease, so writers never wait on the chain's head (docs/OPERATIONS.md).
    let linker = service.clone();
    let holder = format!("{}:{}", std::process::id(), addr);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            if let Err(e) = linker.audit_chain_sweep(&holder).await {
                tracing::warn!(error = %e, "audit chain link failed");
            }
        }
    });
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    });
    Ok(Running {
        addr,
        service,
        task,
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
