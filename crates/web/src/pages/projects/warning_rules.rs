//! The warning thresholds: a settings form, saved whole and shown again with the notice.

use super::ManageSettings;
use crate::error::AppResult;
use crate::pages::form::{Create, Ctx, Form, FormData, FormField, FormPage, Place, Screen};
use axum::response::Html;
use dongneng_domain::FieldErrors;
use dongneng_domain::warning::WarningRules as Rules;
use dongneng_service::ServiceError;

const RULE_FIELDS: [&str; 5] = [
    "yellow_points",
    "red_points",
    "report_due_day",
    "start_red_days",
    "factor_red_days",
];

/// The thresholds as typed, and as read when they all are numbers.
#[derive(Clone)]
pub struct RulesDraft {
    typed: [String; 5],
    rules: Rules,
}

pub struct WarningRules;

impl Screen for WarningRules {
    type Gate = ManageSettings;
    const AREA: &'static str = "projects";
    const HOME: &'static str = "/projects";
}

impl Form for WarningRules {
    type Draft = RulesDraft;

    fn read(f: &FormData) -> (RulesDraft, FieldErrors) {
        let mut errs = FieldErrors::new();
        let [
            yellow_points,
            red_points,
            report_due_day,
            start_red_days,
            factor_red_days,
        ] = RULE_FIELDS.map(|name| f.whole::<u32>(name, &mut errs));
        let draft = RulesDraft {
            typed: RULE_FIELDS.map(|name| f.get(name)),
            rules: Rules {
                yellow_points,
                red_points,
                report_due_day,
                start_red_days,
                factor_red_days,
            },
        };
        (draft, errs)
    }

    async fn fields(c: &Ctx<Self>, d: &RulesDraft) -> AppResult<Vec<FormField>> {
        Ok(RULE_FIELDS
            .iter()
            .zip(&d.typed)
            .map(|(name, v)| FormField::number(c.lang(), name, v).required())
            .collect())
    }

    /// A failed save explains the thresholds above the errors.
    async fn page(
        c: &Ctx<Self>,
        _: &RulesDraft,
        errors: &FieldErrors,
        mut page: FormPage,
    ) -> AppResult<Html<String>> {
        if !errors.is_empty() {
            page.form
                .summary
                .insert(0, c.lang().t("warning.rules_intro"));
        }
        crate::pages::render(&page)
    }
}

impl Create for WarningRules {
    const COLLECTION: &'static str = "/projects/warning-rules";
    const NEW_TITLE: &'static str = "warning.rules_title";

    /// The thresholds in force.
    async fn blank(c: &Ctx<Self>) -> AppResult<RulesDraft> {
        let r = c.access.warning_rules().await?;
        let values = [
            r.yellow_points,
            r.red_points,
            r.report_due_day,
            r.start_red_days,
            r.factor_red_days,
        ];
        Ok(RulesDraft {
            typed: values.map(|v| v.to_string()),
            rules: r,
        })
    }

    /// Back to the form, which shows the notice.
    async fn create(c: &Ctx<Self>, d: RulesDraft) -> Result<Place, ServiceError> {
        c.access.set_warning_rules(d.rules).await?;
        Ok(Place::new(Self::COLLECTION))
    }
}
