//! Login, sessions and API tokens. Tokens are 256 random bits handed to the client once; the
//! database keeps only their SHA-256, so a leaked database holds no usable session.

use crate::Service;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use dongneng_store::{LoginAttempt, NewSession, SessionKind};
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

impl Service {
    /// Checks a username and password and opens a session. Refuses with `Throttled` after too
    /// many recent failures for the account or the address.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: &str,
        user_agent: &str,
        kind: SessionKind,
    ) -> Result<LoginOutcome> {
        let now = Utc::now();
        // What a client typed is recorded for throttling; control characters (which
        // PostgreSQL cannot store) are dropped and the length bounded.
        let username: String = username
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect();
        let window = self.config.throttle_window;
        let counts = self
            .store
            .recent_failures(&username, ip, now - window)
            .await?;
        let over_user = counts.for_user >= self.config.max_failures_per_user;
        let over_ip = counts.for_ip >= self.config.max_failures_per_ip;
        if over_user || over_ip {
            let oldest = if over_user {
                counts.oldest_user
            } else {
                counts.oldest_ip
            };
            let retry = oldest
                .map(|t| (t + window - now).num_seconds().max(1))
                .unwrap_or(window.num_seconds());
            return Err(ServiceError::Throttled {
                retry_after_secs: retry,
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
        self.store
            .record_login_attempt(&LoginAttempt {
                username: username.clone(),
                ip: ip.to_string(),
                success: ok,
                at: now,
            })
            .await?;
        let Some(record) = record.filter(|_| ok) else {
            return Err(ServiceError::BadCredentials);
        };
        let user = self
            .store
            .get_user(record.id)
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
                ip: ip.chars().take(64).collect(),
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
    fn tokens_are_random_hex() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
    }
}
