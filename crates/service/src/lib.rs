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
pub mod error;
mod files;
pub mod jobs;
pub mod problems;
pub mod profiles;
pub mod projects;
pub mod reference;
pub mod supervision;
pub mod tasks;
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
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            session_idle: chrono::Duration::hours(2),
            session_absolute: chrono::Duration::hours(12),
            throttle: auth::Throttle::default(),
            jobs: jobs::JobLimits::default(),
            demo_projects: true,
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
    /// The imports and exports running in this server.
    jobs: Arc<jobs::Running>,
}

impl Service {
    pub fn new(store: Arc<dyn Store>, config: ServiceConfig) -> Self {
        Service {
            store,
            config,
            sums: Arc::default(),
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
