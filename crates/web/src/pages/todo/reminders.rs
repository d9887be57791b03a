//! The office's reminder calendar (`/admin/reminders`): a versioned settings form.

use super::ManageReminders;
use crate::error::AppResult;
use crate::pages::form::{Ctx, Edit, Form, FormData, FormField, Screen};
use dongneng_domain::FieldErrors;
use dongneng_domain::todo::ReminderSettings;
use dongneng_service::ServiceError;

/// The calendar.
pub struct RemindersForm;

impl Screen for RemindersForm {
    type Gate = ManageReminders;
    const AREA: &'static str = "admin/reminders";
    const HOME: &'static str = "/admin/reminders";
}

impl Form for RemindersForm {
    type Draft = ReminderSettings;

    fn read(f: &FormData) -> (ReminderSettings, FieldErrors) {
        let mut errs = FieldErrors::new();
        let d = ReminderSettings {
            days_before: f.whole("days_before", &mut errs),
            on_the_day: f.flag("on_the_day"),
            days_after: f.whole("days_after", &mut errs),
            escalate_after: f.whole("escalate_after", &mut errs),
        };
        (d, errs)
    }

    async fn fields(c: &Ctx<Self>, d: &ReminderSettings) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        Ok(vec![
            FormField::number(lang, "days_before", &d.days_before).required(),
            FormField::checkbox(lang, "on_the_day", d.on_the_day),
            FormField::number(lang, "days_after", &d.days_after).required(),
            FormField::number(lang, "escalate_after", &d.escalate_after)
                .required()
                .hint(lang.t("reminders.intro")),
        ])
    }

    fn rules(d: &ReminderSettings) -> FieldErrors {
        d.validate().err().unwrap_or_default()
    }
}

impl Edit for RemindersForm {
    const RECORD: &'static str = "/admin/reminders";
    const EDIT_TITLE: &'static str = "reminders.title";

    async fn load(c: &Ctx<Self>) -> Result<(ReminderSettings, i64), ServiceError> {
        let s = c.access.get().await?;
        Ok((s.settings, s.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: ReminderSettings) -> Result<(), ServiceError> {
        c.access.set(version, d).await?;
        Ok(())
    }
}
