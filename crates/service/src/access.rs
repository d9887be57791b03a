//! Permission as a type. The service checks a permission in exactly one place
//! ([`Service::grant`], which asks the one table in `dongneng_domain::policy`) and hands out a
//! capability only when the check passes: a [`Access`] wrapped in the area's own type
//! (`ReferenceEditor`, `ProjectEditor`, `ProfileEditor` …). The use cases that need the
//! permission exist only as methods of that type, so a handler cannot reach a write, or a
//! scoped read, without the check — and never holds a check of its own.
//!
//! A capability is obtained before the request body is read or validated, so a refused
//! caller learns nothing from validation errors (403, not 422).

use crate::Service;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::area::{self, Area};
use dongneng_domain::policy::{self, DataScope, Permission};
use dongneng_store::{AuditBy, Store};

/// Proof that an actor holds a permission, over a scope. Only [`Service::grant`] makes one;
/// each area wraps it in the capability type whose methods are that area's use cases.
#[derive(Clone)]
pub struct Access {
    svc: Service,
    actor: Actor,
    scope: DataScope,
}

impl Service {
    /// The one place a permission is checked: the actor's grants against the permission table.
    pub(crate) fn grant(&self, actor: &Actor, permission: Permission) -> Result<Access> {
        let user = actor.user();
        let scope = policy::scope_for(&user.grants, user.department_id, permission)
            .ok_or(ServiceError::Forbidden)?;
        Ok(Access {
            svc: self.clone(),
            actor: actor.clone(),
            scope,
        })
    }

    /// Lets the actor into a navigation area (its pages), by the area's permission.
    pub fn open_area(&self, actor: &Actor, area: &Area) -> Result<()> {
        self.grant(actor, area.permission).map(drop)
    }

    /// The navigation areas the actor opens, in order.
    pub fn areas_of(&self, actor: &Actor) -> Vec<&'static Area> {
        area::visible_to(&actor.roles())
    }
}

impl Access {
    pub(crate) fn svc(&self) -> &Service {
        &self.svc
    }

    pub(crate) fn store(&self) -> &dyn Store {
        self.svc.store()
    }

    /// The data the permission reaches.
    pub(crate) fn scope(&self) -> &DataScope {
        &self.scope
    }

    /// The same grant over the whole city: only for reading the records of one report whose
    /// industry the grant was already checked against (a report's system figures are the
    /// industry's, the same for every reader of the report).
    pub(crate) fn city_wide(&self) -> Access {
        Access {
            svc: self.svc.clone(),
            actor: self.actor.clone(),
            scope: DataScope {
                all: true,
                ..DataScope::default()
            },
        }
    }

    /// Who is acting.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Who the audit trail records.
    pub(crate) fn by(&self) -> AuditBy {
        self.actor.audit()
    }

    /// Narrows the grant to records the scope covers: refused (403) otherwise.
    pub(crate) fn covering(self, covers: impl FnOnce(&DataScope) -> bool) -> Result<Access> {
        if covers(&self.scope) {
            Ok(self)
        } else {
            Err(ServiceError::Forbidden)
        }
    }
}
