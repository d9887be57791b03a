//! Use cases. The service hands out capabilities (`access`): a handler asks for the one it
//! needs (`reference_editor`, `project_editor`, `profile_editor` …), the service checks the
//! permission and scope once, and the use cases are methods of the capability: validate the
//! input, then call the store, which writes the change and its audit row in one transaction.
//! The store is private to this crate. No HTTP types here.

pub mod access;
pub mod actor;
pub mod auth;
pub mod demo;
mod demo_projects;
pub mod digest;
pub mod dispatch;
pub mod documents;
pub mod error;
mod files;
pub mod jobs;
pub mod mail;
pub mod meetings;
pub mod policies;
pub mod problems;
pub mod profiles;
pub mod projects;
pub mod reference;
pub mod supervision;
pub mod tasks;
pub mod todo;
pub mod transfer;
pub mod users;

pub use access::Access;
pub use actor::Actor;
pub use error::{Result, ServiceError};

use dongneng_store::Store;
use std::sync::Arc;

/// Tunable rules of the service layer.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// A session ends after this long without a request.
    pub session_idle: chrono::Duration,
    /// A session ends this long after login, however active.
    pub session_absolute: chrono::Duration,
    /// How failed logins are slowed (`auth::Throttle`).
    pub throttle: auth::Throttle,
    /// Expensive work at once: imports and multi-page exports (`jobs`).
    pub jobs: jobs::JobLimits,
    /// With the demo data, also load the demo project library (tests of other areas skip it
    /// to start faster).
    pub demo_projects: bool,
    /// Font directories searched first for the PDFs of official documents (`--font-dir`).
    pub font_dirs: Vec<std::path::PathBuf>,
    /// Also take the system's fonts for PDFs (off with `--no-system-fonts`: only the fonts
    /// carried in the binary).
    pub system_fonts: bool,
    /// E-mail of reminders through this SMTP relay; none (the default): no mail, and no
    /// outbound call of any kind.
    pub mail: Option<mail::MailConfig>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            session_idle: chrono::Duration::hours(2),
            session_absolute: chrono::Duration::hours(12),
            throttle: auth::Throttle::default(),
            jobs: jobs::JobLimits::default(),
            demo_projects: true,
            font_dirs: vec![],
            system_fonts: true,
            mail: None,
        }
    }
}

/// The service: the store plus its rules. Cheap to clone.
#[derive(Clone)]
pub struct Service {
    store: Arc<dyn Store>,
    pub config: ServiceConfig,
    /// Totals of the project library by filter, each with the library version it was
    /// computed at (see `projects::SumsCache`).
    sums: Arc<projects::SumsCache>,
    /// Writes official documents as PDF ([`Service::with_pdf`]); none: PDFs are unavailable.
    pdf: Option<Arc<dyn documents::PdfRenderer>>,
    /// Sends e-mail when SMTP is configured; none: no outbound call of any kind.
    mailer: Option<Arc<mail::Mailer>>,
    /// The imports and exports running in this server.
    jobs: Arc<jobs::Running>,
}

impl Service {
    pub fn new(store: Arc<dyn Store>, config: ServiceConfig) -> Self {
        // The command line checks the configuration first (`mail::Mailer::new`); building
        // the transport makes no connection.
        let mailer = config.mail.as_ref().and_then(|c| match mail::Mailer::new(c) {
            Ok(m) => Some(Arc::new(m)),
            Err(e) => {
                tracing::error!(error = %e, "e-mail is not configured correctly; not sending mail");
                None
            }
        });
        Service {
            store,
            config,
            sums: Arc::default(),
            pdf: None,
            mailer,
            jobs: Arc::default(),
        }
    }

    pub(crate) fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Answers when the database does (the health check).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }
}
