//! Account administration (admin only) and the command line's first-admin path.

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::auth::hash_password;
use crate::error::{Result, ServiceError};
use crate::reference::check_ids;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::Permission;
use dongneng_domain::role::{Grant, Role, ScopeKind};
use dongneng_domain::user::{NewUser, UserUpdate, check_password};
use dongneng_domain::{FieldErrors, validate};
use dongneng_store::{
    AuditBy, AuditEntry, AuditFilter, ChainReport, GuessedAccount, NewUserRecord, User,
};

impl Service {
    /// Runs accounts: the administrator only.
    pub fn user_admin(&self, actor: &Actor) -> Result<UserAdmin> {
        Ok(UserAdmin(self.grant(actor, Permission::ManageUsers)?))
    }

    /// Reads the audit trail: the administrator only.
    pub fn audit_reader(&self, actor: &Actor) -> Result<AuditReader> {
        Ok(AuditReader(self.grant(actor, Permission::ViewAudit)?))
    }

    /// Grants may only name regions and industries that exist; the department must exist.
    async fn check_user_refs(&self, department_id: Option<i64>, grants: &[Grant]) -> Result<()> {
        let mut errs = FieldErrors::new();
        if let Some(d) = department_id
            && self.store.get_department(d).await?.is_none()
        {
            errs.add("department_id", "unknown_reference");
        }
        let regions: Vec<i64> = self
            .store
            .list_regions()
            .await?
            .iter()
            .map(|r| r.id)
            .collect();
        let industries: Vec<i64> = self
            .store
            .list_industries()
            .await?
            .iter()
            .map(|i| i.id)
            .collect();
        for (i, g) in grants.iter().enumerate() {
            let field = format!("grants[{i}].scope");
            match &g.scope {
                ScopeKind::City => {}
                ScopeKind::Regions(ids) => errs.extend(check_ids(&field, ids, &regions)),
                ScopeKind::Industries(ids) => errs.extend(check_ids(&field, ids, &industries)),
            }
        }
        Ok(errs.into_result()?)
    }

    /// Creates an account on behalf of `by`, without an actor: only the binary's `user create`
    /// subcommand (the first administrator) and the demo loader use this.
    pub async fn create_user_as(&self, mut input: NewUser, by: &AuditBy) -> Result<User> {
        input.username = input.username.trim().to_lowercase();
        input.display_name = validate::tidy(&input.display_name).into_owned();
        input.email = dongneng_domain::user::tidy_email(input.email);
        input.validate_all()?;
        self.check_user_refs(input.department_id, &input.grants)
            .await?;
        let password_hash = hash_password(&input.password).await?;
        Ok(self
            .store
            .create_user(
                &NewUserRecord {
                    username: input.username,
                    display_name: input.display_name,
                    department_id: input.department_id,
                    password_hash,
                    grants: input.grants,
                    email: input.email,
                },
                by,
            )
            .await?)
    }

    /// Sets a password on behalf of `by`, without an actor: the binary's `user set-password`
    /// subcommand uses this.
    pub async fn set_password_as(&self, id: i64, password: &str, by: &AuditBy) -> Result<()> {
        check_password("password", password)
            .map_err(|e| ServiceError::Invalid(FieldErrors(vec![e])))?;
        let hash = hash_password(password).await?;
        Ok(self.store.set_password(id, &hash, by).await?)
    }
}

/// Runs accounts: lists, creates, edits, disables and sets passwords.
pub struct UserAdmin(Access);

impl UserAdmin {
    pub async fn list_users(&self, page: Page) -> Result<(Vec<User>, i64)> {
        Ok(self.0.store().list_users(page).await?)
    }

    pub async fn get_user(&self, id: i64) -> Result<User> {
        self.0
            .store()
            .get_user(id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    pub async fn create_user(&self, input: NewUser) -> Result<User> {
        self.0.svc().create_user_as(input, &self.0.by()).await
    }

    pub async fn update_user(&self, id: i64, version: i64, mut input: UserUpdate) -> Result<User> {
        input.display_name = validate::tidy(&input.display_name).into_owned();
        input.email = dongneng_domain::user::tidy_email(input.email);
        input.validate_all()?;
        if id == self.0.actor().user().id {
            // An administrator cannot lock themselves out.
            if input.disabled {
                return Err(ServiceError::field("disabled", "self_disable"));
            }
            if !input.grants.iter().any(|g| g.role == Role::Admin) {
                return Err(ServiceError::field("grants", "self_demote"));
            }
        }
        self.0
            .svc()
            .check_user_refs(input.department_id, &input.grants)
            .await?;
        Ok(self
            .0
            .store()
            .update_user(id, version, &input, &self.0.by())
            .await?)
    }

    /// Disables an account and ends its sessions.
    pub async fn disable_user(&self, id: i64, version: i64) -> Result<User> {
        let user = self.get_user(id).await?;
        let update = UserUpdate {
            display_name: user.display_name,
            department_id: user.department_id,
            grants: user.grants,
            disabled: true,
            email: user.email,
        };
        self.update_user(id, version, update).await
    }

    pub async fn set_user_password(&self, id: i64, password: &str) -> Result<()> {
        self.0
            .svc()
            .set_password_as(id, password, &self.0.by())
            .await
    }
}

/// Reads the audit trail.
pub struct AuditReader(Access);

impl AuditReader {
    pub async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        let mut errs = FieldErrors::new();
        for (field, value) in [
            ("username", &filter.username),
            ("record_type", &filter.record_type),
        ] {
            if let Some(v) = value
                && (v.len() > 100 || v.chars().any(|c| c.is_control()))
            {
                errs.add(field, "control_chars");
            }
        }
        errs.into_result()?;
        Ok(self.0.store().list_audit(filter, page).await?)
    }

    /// Accounts that failed logins from anywhere are aimed at now (a distributed guess).
    pub async fn guessed_accounts(&self) -> Result<Vec<GuessedAccount>> {
        let rules = &self.0.svc().config.throttle;
        let since = chrono::Utc::now() - rules.window;
        Ok(self
            .0
            .store()
            .guessed_accounts(rules.account_free, since)
            .await?)
    }

    /// When the audit chain was last verified, and what was found.
    pub async fn last_verification(&self) -> Result<Option<ChainReport>> {
        Ok(self.0.store().last_verification().await?)
    }
}

impl Service {
    /// Links the audit rows written since the last call into the chain (a batch at a time,
    /// until none is left); returns how many. Run under the lease by one server, and by
    /// `dongneng audit verify` before it verifies.
    pub async fn link_audit_chain(&self) -> Result<u64> {
        let mut total = 0;
        let mut conflicts = 0;
        loop {
            // Another linker got there first (`audit verify` beside a server): start again
            // from the chain as it now stands, a few times.
            let n = match self.store.link_audit_chain(1000).await {
                Err(dongneng_store::StoreError::Conflict) if conflicts < 5 => {
                    conflicts += 1;
                    continue;
                }
                other => other?,
            };
            total += n;
            if n < 1000 {
                return Ok(total);
            }
        }
    }

    /// Links what is waiting, then walks the whole audit chain, records the outcome (the
    /// audit page shows it) and returns it. The command line's `audit verify`.
    pub async fn verify_audit_chain(&self) -> Result<ChainReport> {
        self.link_audit_chain().await?;
        Ok(self.store.verify_audit_chain().await?)
    }

    /// The periodic link of the audit chain, done by one server (a lease) at a time. Quiet
    /// between writes: the lease is taken only when rows wait to be linked.
    pub async fn audit_chain_sweep(&self, holder: &str) -> Result<u64> {
        if !self.store.unlinked_audit_rows().await? {
            return Ok(0);
        }
        if !self.store.try_lease("audit-chain", holder, 60).await? {
            return Ok(0);
        }
        self.link_audit_chain().await
    }

    /// Verifies the audit chain once a day, by one server (a lease); a broken chain is logged
    /// as an error as well as recorded for the audit page.
    pub async fn daily_audit_verification(&self, holder: &str) -> Result<bool> {
        const KEY: &str = "audit_verified_on";
        let today = dongneng_domain::clock::today().to_string();
        if self.store.get_meta(KEY).await?.as_deref() == Some(today.as_str()) {
            return Ok(false);
        }
        if !self.store.try_lease("audit-verify", holder, 3600).await? {
            return Ok(false);
        }
        let report = self.verify_audit_chain().await?;
        if !report.ok {
            tracing::error!(first_bad_id = ?report.first_bad_id, detail = ?report.detail,
                "the audit chain does not verify");
        }
        self.store.set_meta(KEY, &today).await?;
        Ok(true)
    }
}
