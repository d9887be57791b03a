//! The acting user of one request, derived once from the session or token.

use crate::error::{Result, ServiceError};
use dongneng_domain::Role;
use dongneng_domain::policy::{self, DataScope, Permission};
use dongneng_store::{AuditBy, User};

/// Who is asking. Built by `Service::authenticate`; never constructed from client input.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    /// The request id, carried into the audit trail.
    pub request_id: Option<String>,
}

impl Actor {
    pub fn new(user: User, request_id: Option<String>) -> Self {
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

    pub fn roles(&self) -> Vec<Role> {
        dongneng_domain::user::roles_of(&self.user.grants)
    }

    /// The scope this actor holds a permission over, or `Forbidden`.
    pub fn scope(&self, permission: Permission) -> Result<DataScope> {
        policy::scope_for(&self.user.grants, permission).ok_or(ServiceError::Forbidden)
    }

    /// Requires the permission without caring about scope.
    pub fn require(&self, permission: Permission) -> Result<()> {
        self.scope(permission).map(|_| ())
    }

    pub fn can(&self, permission: Permission) -> bool {
        policy::scope_for(&self.user.grants, permission).is_some()
    }

    pub fn audit(&self) -> AuditBy {
        AuditBy {
            user_id: (self.user.id > 0).then_some(self.user.id),
            username: self.user.username.clone(),
            request_id: self.request_id.clone(),
        }
    }
}
