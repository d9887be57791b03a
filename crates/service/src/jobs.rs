//! Bounds on expensive work: imports and exports of more than one page run at most one at a
//! time per account and `per_server` at a time in this server. A request over either bound
//! is refused at once with `Throttled` (HTTP 429 with `retry_after`) rather than queued, so a
//! client never holds a connection open waiting, and nothing is read or written for it.

use crate::error::{Result, ServiceError};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// How much expensive work runs at once.
#[derive(Debug, Clone)]
pub struct JobLimits {
    /// Imports and multi-page exports running at once in this server (each account: one).
    pub per_server: usize,
    /// What a refused client is told to wait, in seconds.
    pub retry_after_secs: i64,
}

impl Default for JobLimits {
    fn default() -> Self {
        JobLimits {
            per_server: 2,
            retry_after_secs: 10,
        }
    }
}

/// What kind of expensive work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    Import,
    Export,
}

/// The jobs running now: (kind, account) pairs. Holds one entry per running job, so its size
/// is bounded by the server-wide limit.
#[derive(Default)]
pub struct Running {
    jobs: Mutex<HashSet<(JobKind, i64)>>,
}

/// A running job's place; dropping it (the job ended, failed or its client went away) frees it.
pub struct JobSlot {
    running: Arc<Running>,
    key: (JobKind, i64),
}

impl Drop for JobSlot {
    fn drop(&mut self) {
        if let Ok(mut jobs) = self.running.jobs.lock() {
            jobs.remove(&self.key);
        }
    }
}

impl Running {
    /// Takes a place for `kind` for the account, or refuses: the account already runs one of
    /// this kind, or the server runs `per_server` jobs of this kind.
    pub fn start(
        self: &Arc<Self>,
        kind: JobKind,
        user_id: i64,
        limits: &JobLimits,
    ) -> Result<JobSlot> {
        let busy = ServiceError::Throttled {
            retry_after_secs: limits.retry_after_secs.max(1),
        };
        let mut jobs = self
            .jobs
            .lock()
            .map_err(|_| ServiceError::Internal("job table poisoned".into()))?;
        let of_kind = jobs.iter().filter(|(k, _)| *k == kind).count();
        if jobs.contains(&(kind, user_id)) || of_kind >= limits.per_server {
            return Err(busy);
        }
        jobs.insert((kind, user_id));
        Ok(JobSlot {
            running: self.clone(),
            key: (kind, user_id),
        })
    }
}

impl crate::Service {
    /// A place for one expensive job of the account (see the module).
    pub(crate) fn start_job(&self, kind: JobKind, user_id: i64) -> Result<JobSlot> {
        self.jobs.start(kind, user_id, &self.config.jobs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_per_account_and_a_bound_per_server() {
        let running = Arc::new(Running::default());
        let limits = JobLimits {
            per_server: 2,
            retry_after_secs: 7,
        };
        let a = running.start(JobKind::Import, 1, &limits).unwrap();
        assert!(matches!(
            running.start(JobKind::Import, 1, &limits),
            Err(ServiceError::Throttled {
                retry_after_secs: 7
            })
        ));
        // An export of the same account is another kind.
        let _e = running.start(JobKind::Export, 1, &limits).unwrap();
        let _b = running.start(JobKind::Import, 2, &limits).unwrap();
        assert!(running.start(JobKind::Import, 3, &limits).is_err());
        drop(a);
        let _c = running.start(JobKind::Import, 3, &limits).unwrap();
        assert!(running.start(JobKind::Import, 1, &limits).is_err());
    }
}
