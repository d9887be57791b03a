//! Industry pages: the list of industries (`list.rs`) and one page per industry
//! (`/industries/{id}`, `page.rs`) showing its whole coordination structure, with forms for
//! each part (`parts.rs`: leader and departments, task force, experts, alliances and their
//! members, work plans — whose measures are key tasks, added through the task form;
//! `plans.rs`: special plans with their status moves
//! and files). The service decides who may do what; the pages show edit links to those it
//! will let through.

mod list;
mod page;
mod part_form;
mod parts;
mod plans;

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{self, FormField, Gate, PathIds};
use crate::pages::in_lang;
use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;
use dongneng_domain::profile::{
    AllianceInput, AllianceMemberInput, ExpertInput, SpecialPlanInput, TaskforceMemberInput,
    WorkPlanInput,
};
use dongneng_service::profiles::ProfileEditor;
use dongneng_service::{Actor, ServiceError};
use dongneng_store::Department;

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/industries", get(list::list))
        .route("/industries/{id}", get(page::profile_page))
        .route(
            "/industries/{id}/special-plans/{a}/files",
            crate::extract::limited(
                post(plans::file_upload),
                crate::api::files::UPLOAD_BODY_LIMIT,
            ),
        )
        .route(
            "/industries/{id}/special-plans/{a}/files/{b}",
            get(plans::file_download),
        );
    let r = form::edit_routes::<parts::StructureForm>(r);
    let r = form::edit_routes::<plans::PlanMove>(r);
    let r = form::delete_routes::<plans::PlanFile>(r);
    let r = part_form::part_routes::<TaskforceMemberInput>(r);
    let r = part_form::part_routes::<ExpertInput>(r);
    let r = part_form::part_routes::<AllianceInput>(r);
    let r = part_form::part_routes::<AllianceMemberInput>(r);
    let r = part_form::part_routes::<SpecialPlanInput>(r);
    part_form::part_routes::<WorkPlanInput>(r)
}

/// Who may change the profile of industry `{id}`: the permission hook of every form of it.
struct EditProfile;

impl Gate for EditProfile {
    type Access = ProfileEditor;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<ProfileEditor, ServiceError> {
        app.service.profile_editor(&s.actor, path.id(0)?)
    }
}

fn label(lang: Lang, key: String) -> String {
    lang.t(&key)
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

fn opt_text(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// Department names by id (also the tasks' and problems' pages).
pub(crate) struct Depts(pub(crate) Vec<Department>);

impl Depts {
    pub(crate) async fn load(app: &AppState, actor: &Actor) -> AppResult<Depts> {
        Ok(Depts(
            app.service.reference(actor)?.list_departments().await?,
        ))
    }
    pub(crate) fn name(&self, lang: Lang, id: Option<i64>) -> String {
        id.and_then(|i| self.0.iter().find(|d| d.id == i))
            .map(|d| in_lang(lang, &d.name_zh, &d.name_en))
            .unwrap_or_default()
    }
    pub(crate) fn names(&self, lang: Lang, ids: &[i64]) -> String {
        ids.iter()
            .map(|i| self.name(lang, Some(*i)))
            .collect::<Vec<_>>()
            .join("、")
    }
    pub(crate) fn options(&self, lang: Lang) -> Vec<(String, String)> {
        self.in_use(lang, &[])
    }

    /// The departments in use, and those of `kept` although retired since (a record that
    /// names them keeps them).
    pub(crate) fn in_use(&self, lang: Lang, kept: &[i64]) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter(|d| d.active || kept.contains(&d.id))
            .map(|d| (d.id.to_string(), self.name(lang, Some(d.id))))
            .collect()
    }

    /// A select of one department, or none.
    pub(crate) fn select(&self, lang: Lang, name: &str, value: Option<i64>) -> FormField {
        let not_set = Some(lang.t("common.not_set"));
        FormField::select(lang, name, &value, self.options(lang), not_set)
    }

    /// A select of several departments.
    pub(crate) fn multi(&self, lang: Lang, name: &str, values: &[i64]) -> FormField {
        FormField::multi(lang, name, self.options(lang), values)
    }
}

/// A date field with the format spelled out.
fn date_field(lang: Lang, name: &str, value: Option<NaiveDate>) -> FormField {
    FormField::date(lang, name, value).hint(lang.t("profile.date_hint"))
}
