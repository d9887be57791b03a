//! The acting user of one request, derived once from the session or token.

use dongneng_domain::Role;
use dongneng_store::{AuditBy, User};

/// Who is asking. Only the service makes one: from a session or token
/// (`Service::authenticate`), or for the binary's own subcommands ([`Actor::system`]). Nothing
/// outside the service can build one from client input or change who it is.
#[derive(Debug, Clone)]
pub struct Actor {
    user: User,
    /// The request id, carried into the audit trail.
    request_id: Option<String>,
}

impl Actor {
    pub(crate) fn new(user: User, request_id: Option<String>) -> Self {
        Actor { user, request_id }
    }

    /// The command line acting as the programme office over the whole city. Only the
    /// `dongneng` binary's own subcommands use it; no request can become it.
    pub fn system(name: &str) -> Self {
        let now = chrono::Utc::now();
        Actor {
            user: User {
                id: 0,
                username: format!("system:{name}"),
                display_name: format!("system:{name}"),
                department_id: None,
                disabled: false,
                email: None,
                grants: vec![dongneng_domain::Grant {
                    role: Role::Office,
                    scope: dongneng_domain::ScopeKind::City,
                }],
                version: 0,
                created_at: now,
                updated_at: now,
            },
            request_id: None,
        }
    }

    /// The account (read only).
    pub fn user(&self) -> &User {
        &self.user
    }

    pub fn into_user(self) -> User {
        self.user
    }

    pub fn roles(&self) -> Vec<Role> {
        dongneng_domain::user::roles_of(&self.user.grants)
    }

    /// Who the audit trail records for this actor's changes.
    pub(crate) fn audit(&self) -> AuditBy {
        AuditBy {
            user_id: (self.user.id > 0).then_some(self.user.id),
            username: self.user.username.clone(),
            request_id: self.request_id.clone(),
        }
    }
}
