//! The project library's pages: the list with filters, totals and warning colours
//! (`list.rs`); create and edit (`form.rs`); the project page with its timeline and the forms
//! to move stages, report progress, set factor needs and batches, leave or re-enter the
//! library (`detail.rs`); the "as at" view (`as_at.rs`); the warning thresholds
//! (`warning_rules.rs`).

mod as_at;
mod detail;
mod form;
mod list;
mod warning_rules;

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{Gate, PathIds, act, create_routes, edit_routes};
use crate::pages::in_lang;
use axum::Router;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::money::Money;
use dongneng_domain::warning::Reason;
use dongneng_service::ServiceError;
use dongneng_service::projects::{LibraryEditor, ProgrammeReader, ProjectEditor, SettingsEditor};
use dongneng_store::{Industry, Project, Region};

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/projects", get(list::list))
        .route("/projects/as-at", get(as_at::as_at))
        .route("/projects/{id}", get(detail::detail))
        .route("/projects/{id}/stage", post(act::<detail::StageMove>))
        .route("/projects/{id}/leave", post(act::<detail::Leave>))
        .route("/projects/{id}/enter", post(act::<detail::Enter>))
        .route("/projects/{id}/progress", post(act::<detail::Progress>))
        .route("/projects/{id}/factors", post(act::<detail::Factor>))
        .route("/projects/{id}/batch", post(act::<detail::Batch>))
        .route(
            "/projects/warning-rules",
            get(crate::pages::form::new::<warning_rules::WarningRules>)
                .post(crate::pages::form::create::<warning_rules::WarningRules>),
        )
        .route("/warnings", get(list::warnings));
    create_routes::<form::NewProject>(edit_routes::<form::ProjectForm>(r))
}

/// Who may add projects to the library, by form or by import.
pub struct EditProjects;

impl Gate for EditProjects {
    type Access = LibraryEditor;

    async fn access(
        app: &AppState,
        s: &Signed,
        _: &PathIds,
    ) -> Result<LibraryEditor, ServiceError> {
        app.service.library_editor(&s.actor)
    }
}

/// Who may change project `{id}`: an editor whose scope covers it.
pub struct EditProject;

impl Gate for EditProject {
    type Access = ProjectEditor;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<ProjectEditor, ServiceError> {
        app.service.project_editor(&s.actor, path.id(0)?).await
    }
}

/// Who may see the programme's warnings.
pub struct ViewProgramme;

impl Gate for ViewProgramme {
    type Access = ProgrammeReader;

    async fn access(
        app: &AppState,
        s: &Signed,
        _: &PathIds,
    ) -> Result<ProgrammeReader, ServiceError> {
        app.service.programme(&s.actor)
    }
}

/// Who may set the warning thresholds.
pub struct ManageSettings;

impl Gate for ManageSettings {
    type Access = SettingsEditor;

    async fn access(
        app: &AppState,
        s: &Signed,
        _: &PathIds,
    ) -> Result<SettingsEditor, ServiceError> {
        app.service.settings_editor(&s.actor)
    }
}

/// Names of regions and industries, in the user's language (also the tasks' and problems' pages).
pub(crate) struct Names {
    regions: Vec<Region>,
    industries: Vec<Industry>,
    lang: Lang,
}

impl Names {
    pub(crate) async fn load(app: &AppState, s: &Signed) -> AppResult<Names> {
        Ok(Names {
            regions: app.service.reference(&s.actor)?.list_regions().await?,
            industries: app.service.reference(&s.actor)?.list_industries().await?,
            lang: s.ctx.lang,
        })
    }
    pub(crate) fn region(&self, id: i64) -> String {
        self.regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| {
                let zh = r.short_name.as_deref().unwrap_or(&r.name_zh);
                in_lang(self.lang, zh, &r.name_en)
            })
            .unwrap_or_default()
    }
    pub(crate) fn industry(&self, id: i64) -> String {
        self.industries
            .iter()
            .find(|i| i.id == id)
            .map(|i| in_lang(self.lang, &i.name_zh, &i.name_en))
            .unwrap_or_default()
    }
    pub(crate) fn region_options(&self) -> Vec<(String, String)> {
        self.regions
            .iter()
            .filter(|r| r.parent_id.is_some())
            .map(|r| (r.id.to_string(), self.region(r.id)))
            .collect()
    }
    pub(crate) fn industry_options(&self) -> Vec<(String, String)> {
        self.industries
            .iter()
            .filter(|i| i.active)
            .map(|i| (i.id.to_string(), self.industry(i.id)))
            .collect()
    }
}

/// A project's warning: its colour (code and name) and its reasons as sentences.
fn warning(lang: Lang, p: &Project) -> (&'static str, String, Vec<String>) {
    let level = p.warning_level.code();
    let reasons = p
        .warning_reasons
        .iter()
        .map(|r| reason_text(lang, r))
        .collect();
    (level, lang.t(&format!("level.{level}")), reasons)
}

/// One warning reason as a sentence.
fn reason_text(lang: Lang, r: &Reason) -> String {
    let mut params: Vec<(&str, String)> = r
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    for p in &mut params {
        if p.0 == "kind" {
            p.1 = lang.t(&format!("factor_kind.{}", p.1));
        }
    }
    let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    lang.t_with(&format!("warning.{}", r.code), &refs)
}

/// The month before `today`'s: the one a monthly report is due for.
fn last_month(today: NaiveDate) -> (i32, u32) {
    if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    }
}

/// Money in 万元 for tables.
fn wan(m: Money) -> String {
    m.wan_display()
}

/// The annual completion rate as "74.0%", or "—".
fn rate(done: Money, plan: Money) -> String {
    done.percent_of(plan)
        .map(|p| format!("{p:.1}%"))
        .unwrap_or_else(|| "—".into())
}
