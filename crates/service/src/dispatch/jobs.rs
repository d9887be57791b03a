//! The periods open by themselves and the dispatch reminders go out: both from the hourly
//! housekeeping, under leases in the database, so one instance runs them at a time; the
//! period of a month is created once (unique month, `on conflict do nothing`) and each
//! reminder is recorded under its key, so however many instances run, nothing happens twice.

use crate::Service;
use crate::error::Result;
use chrono::Datelike;
use dongneng_domain::clock;
use dongneng_domain::todo::ReminderStage;
use dongneng_store::AuditBy;

impl Service {
    /// Opens this month's period (deadline: the setting's day of the next month) unless it is
    /// open already, and adds task forces that joined since. `None` when another instance
    /// holds the lease; else whether a period was created now.
    pub async fn open_dispatch_period(&self, holder: &str) -> Result<Option<bool>> {
        if !self
            .store()
            .try_lease("dispatch_periods", holder, 600)
            .await?
        {
            return Ok(None);
        }
        let today = clock::today();
        let (year, month) = (today.year(), today.month());
        let settings = self.store().dispatch_settings().await?.settings;
        let Some(deadline) = settings.deadline(year, month) else {
            return Ok(Some(false));
        };
        let by = AuditBy::system("dispatch");
        let (_, created) = self.store().open_period(year, month, deadline, &by).await?;
        if created {
            tracing::info!(year, month, %deadline, "dispatch period opened");
        }
        Ok(Some(created))
    }

    /// Reminds the task forces that have not filed: before, on and after their deadline by
    /// the office's reminder calendar, and the industry's leaders at the escalation. `None`
    /// when another instance holds the lease; else how many reminders went out.
    pub async fn send_dispatch_reminders(&self, holder: &str) -> Result<Option<usize>> {
        if !self
            .store()
            .try_lease("dispatch_reminders", holder, 600)
            .await?
        {
            return Ok(None);
        }
        let settings = self.store().reminder_settings().await?.settings;
        let today = clock::today();
        let (from, to) = settings.window(today);
        let by = AuditBy::system("reminders");
        let mut sent = 0;
        for c in self.store().dispatch_candidates(from, to).await? {
            for stage in settings.due(c.deadline, today) {
                let key = format!(
                    "dispatch_report:{}:{}:{}:{}",
                    c.period_id,
                    c.industry_id,
                    c.deadline,
                    stage.code()
                );
                let told = self
                    .store()
                    .send_dispatch_reminder(
                        &key,
                        stage.kind(),
                        &c,
                        stage == ReminderStage::Escalated,
                        &by,
                    )
                    .await?;
                if told.is_some() {
                    sent += 1;
                }
            }
        }
        Ok(Some(sent))
    }
}
