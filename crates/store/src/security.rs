//! Login throttling counters and the audit chain.

use crate::{AuditBy, Result};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a throttling counter counts failed logins of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterKind {
    /// One username from one address.
    Pair,
    /// One address, whatever the username.
    Address,
    /// One username, whatever the address (a distributed guess).
    Account,
}

impl CounterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CounterKind::Pair => "pair",
            CounterKind::Address => "address",
            CounterKind::Account => "account",
        }
    }
}

/// A counter's key: the username and address it counts (empty where it counts any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterKey {
    pub kind: CounterKind,
    pub username: String,
    pub address: String,
}

impl CounterKey {
    pub fn pair(username: &str, address: &str) -> Self {
        CounterKey {
            kind: CounterKind::Pair,
            username: username.into(),
            address: address.into(),
        }
    }

    pub fn address(address: &str) -> Self {
        CounterKey {
            kind: CounterKind::Address,
            username: String::new(),
            address: address.into(),
        }
    }

    pub fn account(username: &str) -> Self {
        CounterKey {
            kind: CounterKind::Account,
            username: username.into(),
            address: String::new(),
        }
    }
}

/// A counter's live state: failures since it was last quiet for a whole window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub failures: i64,
    pub last_at: DateTime<Utc>,
}

/// An account that failed logins from many addresses are aimed at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuessedAccount {
    pub username: String,
    pub failures: i64,
    /// Distinct addresses among the failures.
    pub addresses: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

/// The outcome of walking the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub at: DateTime<Utc>,
    /// Linked rows checked.
    pub rows_checked: i64,
    pub ok: bool,
    /// The first row (audit id) whose content or link does not match; for a removed row, the
    /// row after the gap.
    pub first_bad_id: Option<i64>,
    /// What did not match, for people.
    pub detail: Option<String>,
}

/// The content of an audit row as the chain hashes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub record_type: String,
    pub record_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
}

/// The hash before the first row of a chain.
pub const CHAIN_START: &str = "dongneng-audit-chain-v1";

impl ChainedRow {
    /// SHA-256 (hex) of the previous link's hash, the row's position and every column of its
    /// content, each length-prefixed so that no two different rows hash alike. The time is
    /// hashed to the microsecond (what PostgreSQL keeps).
    pub fn chain_hash(&self, seq: i64, prev: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut put = |field: Option<&str>| match field {
            None => h.update(b"-"),
            Some(s) => {
                h.update(format!("{}:", s.len()).as_bytes());
                h.update(s.as_bytes());
            }
        };
        let at = self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        put(Some(prev));
        put(Some(&seq.to_string()));
        put(Some(&self.id.to_string()));
        put(Some(&at));
        put(self.user_id.map(|i| i.to_string()).as_deref());
        put(Some(&self.username));
        put(Some(&self.action));
        put(Some(&self.record_type));
        put(self.record_id.map(|i| i.to_string()).as_deref());
        put(self.before_json.as_deref());
        put(self.after_json.as_deref());
        put(self.request_id.as_deref());
        hex::encode(h.finalize())
    }
}

#[async_trait]
pub trait SecurityStore {
    /// Writes an audit row about an event with no record change of its own (a distributed
    /// guess at an account).
    async fn audit_event(
        &self,
        by: &AuditBy,
        action: &str,
        record_type: &str,
        record_id: Option<i64>,
        details: &serde_json::Value,
    ) -> Result<()>;

    /// The counters of these keys that have not expired (last failure after `live_since`).
    async fn counters(
        &self,
        keys: &[CounterKey],
        live_since: DateTime<Utc>,
    ) -> Result<Vec<Option<Counter>>>;
    /// Counts one failure on each key (a counter quiet since before `live_since` starts
    /// again at one) and returns the new counts in the same order.
    async fn count_failure(
        &self,
        keys: &[CounterKey],
        at: DateTime<Utc>,
        live_since: DateTime<Utc>,
    ) -> Result<Vec<i64>>;
    /// Forgets a counter (the pair's, after a successful login).
    async fn clear_counter(&self, key: &CounterKey) -> Result<()>;
    /// Deletes counters whose last failure is before `before`.
    async fn delete_expired_counters(&self, before: DateTime<Utc>) -> Result<u64>;
    /// Accounts with at least `min_failures` live failures, most failures first.
    async fn guessed_accounts(
        &self,
        min_failures: i64,
        live_since: DateTime<Utc>,
    ) -> Result<Vec<GuessedAccount>>;

    /// Links audit rows not yet in the chain, up to `limit` in one transaction, in id order;
    /// returns how many.
    async fn link_audit_chain(&self, limit: i64) -> Result<u64>;
    /// Whether any audit row waits to be linked (a read: no lock).
    async fn unlinked_audit_rows(&self) -> Result<bool>;
    /// Walks the whole chain, records the outcome and returns it.
    async fn verify_audit_chain(&self) -> Result<ChainReport>;
    /// The last recorded verification.
    async fn last_verification(&self) -> Result<Option<ChainReport>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ChainedRow {
        ChainedRow {
            id: 7,
            at: DateTime::parse_from_rfc3339("2026-01-02T03:04:05.123456Z")
                .unwrap()
                .with_timezone(&Utc),
            user_id: Some(1),
            username: "admin".into(),
            action: "update".into(),
            record_type: "user".into(),
            record_id: Some(3),
            before_json: Some("{}".into()),
            after_json: None,
            request_id: None,
        }
    }

    #[test]
    fn every_column_and_the_link_move_the_hash() {
        let base = row().chain_hash(1, CHAIN_START);
        assert_eq!(base, row().chain_hash(1, CHAIN_START));
        assert_ne!(base, row().chain_hash(2, CHAIN_START));
        assert_ne!(base, row().chain_hash(1, "other"));
        let mut r = row();
        r.after_json = Some(String::new());
        assert_ne!(base, r.chain_hash(1, CHAIN_START), "empty is not missing");
        let mut r = row();
        r.username = "admi".into();
        r.action = "nupdate".into();
        assert_ne!(
            base,
            r.chain_hash(1, CHAIN_START),
            "fields do not run together"
        );
    }
}
