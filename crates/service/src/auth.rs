//! Login, sessions and API tokens. Tokens are 256 random bits handed to the client once; the
//! database keeps only their SHA-256, so a leaked database holds no usable session.

use crate::Service;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use dongneng_store::{CounterKey, NewSession, SessionKind};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh login.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    /// The bearer token or cookie value; shown to the client once.
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub actor: Actor,
}

/// A session found from its token.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub actor: Actor,
    pub kind: SessionKind,
    pub csrf_token: String,
}

/// 32 random bytes as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Each argon2 computation takes 19 MiB; a burst of logins must not take memory (or the
/// CPU) without bound. Two at a time, the cores this is sized for; others queue.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(2));

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes) off the async
/// threads.
pub async fn hash_password(password: &str) -> Result<String> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?
}

async fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    let pw = password.to_string();
    let hash = hash.to_string();
    tokio::task::spawn_blocking(move || {
        argon2::password_hash::phc::PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(pw.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// How failed logins are slowed. Failures are counted in the database (so every instance
/// sees them and memory stays bounded) per (username, address), per address and per account;
/// a counter forgets once it has been quiet for `window`. Past its free failures, a pair or
/// an address is refused (429) for a delay that doubles with each further failure, up to
/// `max_delay`. An account is never refused as such — that would let anyone lock anyone
/// out — but once failures from anywhere pass `account_free` (a distributed guess), each
/// further wrong answer for it is held back, growing up to `max_hold`, and the guess is
/// written to the audit trail and shown on the administrator's audit page.
#[derive(Debug, Clone)]
pub struct Throttle {
    pub window: chrono::Duration,
    /// Failures of one username from one address before delays start.
    pub pair_free: i64,
    /// Failures from one address (any username) before delays start.
    pub address_free: i64,
    /// Failures for one account from anywhere before it counts as a distributed guess.
    pub account_free: i64,
    /// The first delay; each further failure doubles it.
    pub base_delay: chrono::Duration,
    pub max_delay: chrono::Duration,
    /// The longest a wrong answer for a guessed account is held back.
    pub max_hold: chrono::Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            window: chrono::Duration::minutes(15),
            pair_free: 5,
            address_free: 30,
            account_free: 20,
            base_delay: chrono::Duration::seconds(1),
            max_delay: chrono::Duration::minutes(15),
            max_hold: chrono::Duration::seconds(5),
        }
    }
}

impl Throttle {
    /// How long after its last failure a counter at `failures` holds further attempts off:
    /// nothing below `free`, then `base_delay` doubling per failure, at most `max`.
    pub fn delay(&self, failures: i64, free: i64, max: chrono::Duration) -> chrono::Duration {
        if failures < free {
            return chrono::Duration::zero();
        }
        let doublings = (failures - free).min(30) as i32;
        let ms = self
            .base_delay
            .num_milliseconds()
            .saturating_mul(1i64 << doublings);
        chrono::Duration::milliseconds(ms).min(max)
    }

    /// Whether a count of account failures is one the audit trail records: the first over
    /// the line, then each doubling (so a long guess leaves a handful of rows, not one per try).
    fn audit_worthy(&self, failures: i64) -> bool {
        let over = failures - self.account_free + 1;
        failures >= self.account_free && over > 0 && (over & (over - 1)) == 0
    }
}

/// What a client typed as a username, as far as throttling records it: trimmed, lower case,
/// control characters (which PostgreSQL cannot store) dropped, at most 64 characters.
pub fn throttle_name(username: &str) -> String {
    username
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect()
}

impl Service {
    /// Checks a username and password and opens a session with a new token. Refuses with
    /// `Throttled` while this address, or this username from this address, is held off
    /// (`Throttle`); never because of failures elsewhere.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: &str,
        user_agent: &str,
        kind: SessionKind,
    ) -> Result<LoginOutcome> {
        let now = Utc::now();
        let rules = &self.config.throttle;
        let username = throttle_name(username);
        let address: String = ip.chars().take(64).collect();
        let live_since = now - rules.window;
        let pair = CounterKey::pair(&username, &address);
        let from = CounterKey::address(&address);
        let counters = self
            .store
            .counters(&[pair.clone(), from.clone()], live_since)
            .await?;
        let free = [rules.pair_free, rules.address_free];
        let wait = counters
            .iter()
            .zip(free)
            .filter_map(|(c, free)| {
                let c = c.as_ref()?;
                let until = c.last_at + rules.delay(c.failures, free, rules.max_delay);
                (until > now).then_some(until - now)
            })
            .max();
        if let Some(wait) = wait {
            // Whole seconds, rounded up: trying again after `retry_after` is never early.
            let secs = (wait.num_milliseconds() + 999) / 1000;
            return Err(ServiceError::Throttled {
                retry_after_secs: secs.max(1),
            });
        }
        let record = self.store.find_login(&username).await?;
        let ok = match &record {
            Some(r) if !r.disabled => verify_password(password, &r.password_hash).await,
            _ => {
                // Spend the same time as a real check, so a wrong username cannot be told
                // from a wrong password by timing.
                let _ = hash_password(password).await;
                false
            }
        };
        let known_id = record.as_ref().map(|r| r.id);
        let Some(record) = record.filter(|_| ok) else {
            let account = CounterKey::account(&username);
            let counts = self
                .store
                .count_failure(&[pair, from, account], now, live_since)
                .await?;
            let on_account = counts.get(2).copied().unwrap_or_default();
            if rules.audit_worthy(on_account) {
                let details = serde_json::json!({
                    "username": username,
                    "failures": on_account,
                    "window_minutes": rules.window.num_minutes(),
                    "last_address": address,
                });
                let id = known_id;
                self.store
                    .audit_event(
                        &dongneng_store::AuditBy::system("login-throttle"),
                        "login_guessing",
                        "user",
                        id,
                        &details,
                    )
                    .await?;
                tracing::warn!(user = %username, failures = on_account, "distributed login guessing");
            }
            let hold = rules.delay(on_account, rules.account_free, rules.max_hold);
            if let Ok(hold) = hold.to_std()
                && !hold.is_zero()
            {
                tokio::time::sleep(hold).await;
            }
            return Err(ServiceError::BadCredentials);
        };
        // This pair starts afresh; the address and the account keep their counts (a
        // guesser's own account must not wipe the record of its guesses).
        self.store.clear_counter(&pair).await?;
        self.open_session(record.id, &address, user_agent, kind, now)
            .await
    }

    /// Opens a session with a fresh token for an account already checked.
    async fn open_session(
        &self,
        user_id: i64,
        address: &str,
        user_agent: &str,
        kind: SessionKind,
        now: DateTime<Utc>,
    ) -> Result<LoginOutcome> {
        let user = self
            .store
            .get_user(user_id)
            .await?
            .ok_or(ServiceError::BadCredentials)?;
        let token = random_token();
        let csrf_token = random_token();
        let expires_at = now + self.config.session_absolute;
        self.store
            .create_session(&NewSession {
                token_hash: token_hash(&token),
                user_id: user.id,
                kind,
                csrf_token: csrf_token.clone(),
                created_at: now,
                idle_expires_at: (now + self.config.session_idle).min(expires_at),
                expires_at,
                ip: address.chars().take(64).collect(),
                user_agent: user_agent.chars().take(256).collect(),
            })
            .await?;
        tracing::info!(user = %user.username, kind = kind.as_str(), "login");
        Ok(LoginOutcome {
            token,
            csrf_token,
            expires_at,
            actor: Actor::new(user, None),
        })
    }

    /// Changes the caller's own password after checking the present one: every session of
    /// the account ends (in the same transaction as the change) and the caller gets a new
    /// one, with a new token.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new_password: &str,
        ip: &str,
        user_agent: &str,
        kind: SessionKind,
    ) -> Result<LoginOutcome> {
        let user = actor.user();
        if current.is_empty() || current.len() > 1000 {
            return Err(ServiceError::field("current_password", "required"));
        }
        dongneng_domain::user::check_password("new_password", new_password)
            .map_err(|e| ServiceError::Invalid(dongneng_domain::FieldErrors(vec![e])))?;
        let record = self
            .store
            .find_login(&user.username)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        if !verify_password(current, &record.password_hash).await {
            return Err(ServiceError::field("current_password", "wrong_password"));
        }
        let hash = hash_password(new_password).await?;
        self.store
            .set_password(record.id, &hash, &actor.audit())
            .await?;
        self.open_session(record.id, ip, user_agent, kind, Utc::now())
            .await
    }

    /// Deletes throttling counters quiet for a whole window (housekeeping, every instance).
    pub async fn delete_expired_counters(&self) -> Result<u64> {
        let before = Utc::now() - self.config.throttle.window;
        Ok(self.store.delete_expired_counters(before).await?)
    }

    /// Finds the live session for a token, pushing its idle deadline forward (at most once a
    /// minute, so reads do not turn into writes).
    pub async fn authenticate(
        &self,
        token: &str,
        request_id: Option<String>,
    ) -> Result<Authenticated> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ServiceError::Unauthenticated);
        }
        let now = Utc::now();
        let session = self
            .store
            .find_session(&token_hash(token), now)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let wanted_idle = (now + self.config.session_idle).min(session.expires_at);
        if wanted_idle - session.idle_expires_at > chrono::Duration::seconds(60) {
            self.store.touch_session(session.id, wanted_idle).await?;
        }
        let kind = if session.kind == "api" {
            SessionKind::Api
        } else {
            SessionKind::Browser
        };
        Ok(Authenticated {
            actor: Actor::new(session.user, request_id),
            kind,
            csrf_token: session.csrf_token,
        })
    }

    /// Ends the session of this token.
    /// Deletes sessions past their end (housekeeping; harmless to run on every instance).
    pub async fn delete_expired_sessions(&self) -> Result<u64> {
        Ok(self
            .store
            .delete_expired_sessions(chrono::Utc::now())
            .await?)
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        self.store.delete_session(&token_hash(token)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify() {
        let h = hash_password("dongneng-demo").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("dongneng-demo", &h).await);
        assert!(!verify_password("dongneng-dem0", &h).await);
        assert!(!verify_password("x", "not a hash").await);
    }

    #[test]
    fn delays_double_past_the_free_failures_and_stop_at_the_cap() {
        let t = Throttle::default();
        let max = chrono::Duration::minutes(15);
        assert_eq!(t.delay(4, 5, max), chrono::Duration::zero());
        assert_eq!(t.delay(5, 5, max), chrono::Duration::seconds(1));
        assert_eq!(t.delay(6, 5, max), chrono::Duration::seconds(2));
        assert_eq!(t.delay(9, 5, max), chrono::Duration::seconds(16));
        assert_eq!(t.delay(500, 5, max), max);
        assert_eq!(t.delay(i64::MAX, 5, max), max);
    }

    #[test]
    fn a_guess_is_audited_at_the_line_and_each_doubling() {
        let t = Throttle::default();
        let audited: Vec<i64> = (1..200).filter(|n| t.audit_worthy(*n)).collect();
        assert_eq!(audited, vec![20, 21, 23, 27, 35, 51, 83, 147]);
    }

    #[test]
    fn tokens_are_random_hex() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
    }
}
