//! The warning thresholds (a programme setting), the context every project write evaluates
//! its warning in, and the daily re-evaluation (deadlines pass without anyone writing).

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::Result;
use dongneng_domain::clock;
use dongneng_domain::policy::Permission;
use dongneng_domain::warning::WarningRules;
use dongneng_store::WarningContext;

const SWEEP_KEY: &str = "warnings_checked_on";

impl Service {
    /// Changes programme settings: the administrator and the office.
    pub fn settings_editor(&self, actor: &Actor) -> Result<SettingsEditor> {
        Ok(SettingsEditor(
            self.grant(actor, Permission::ManageSettings)?,
        ))
    }

    /// The warning thresholds in force.
    pub(crate) async fn warning_rules(&self) -> Result<WarningRules> {
        Ok(self.store().warning_rules().await?)
    }

    /// The context every project write evaluates warnings in (also for tools that write the
    /// store directly: the benchmark generator).
    pub async fn warning_context(&self) -> Result<WarningContext> {
        Ok(WarningContext {
            rules: self.warning_rules().await?,
            today: clock::today(),
            at: None,
        })
    }

    /// Re-evaluates all warnings once a day (deadlines pass without anyone writing). A lease
    /// in the database makes one server do it however many run.
    pub async fn daily_warning_sweep(&self, holder: &str) -> Result<bool> {
        let today = clock::today().to_string();
        if self.store().get_meta(SWEEP_KEY).await?.as_deref() == Some(today.as_str()) {
            return Ok(false);
        }
        if !self.store().try_lease("warning_sweep", holder, 600).await? {
            return Ok(false);
        }
        let n = self
            .store()
            .refresh_all_warnings(&self.warning_context().await?)
            .await?;
        self.store().set_meta(SWEEP_KEY, &today).await?;
        tracing::info!(projects = n, "daily warning sweep done");
        Ok(true)
    }
}

/// Changes programme settings such as the warning thresholds.
pub struct SettingsEditor(Access);

impl SettingsEditor {
    /// The warning thresholds in force.
    pub async fn warning_rules(&self) -> Result<WarningRules> {
        self.0.svc().warning_rules().await
    }

    /// Changes the thresholds; the store re-evaluates every project and records the change in
    /// one transaction.
    pub async fn set_warning_rules(&self, rules: WarningRules) -> Result<WarningRules> {
        rules.validate()?;
        let svc = self.0.svc();
        let ctx = WarningContext {
            rules: rules.clone(),
            ..svc.warning_context().await?
        };
        svc.store().set_warning_rules(&ctx, &self.0.by()).await?;
        tracing::info!(user = %self.0.actor().user().username, "warning rules changed");
        Ok(rules)
    }
}
