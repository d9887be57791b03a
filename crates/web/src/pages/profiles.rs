//! Industry pages: the list of industries (`/industries`) and one page per industry
//! (`/industries/{id}`) showing its whole coordination structure, with forms for each part.
//! The forms share one set of generic handlers ([`Part`]); the service decides who may do
//! what, the pages only show edit links to those it will let through.

use super::admin::{FormPage, ListPage};
use super::forms::{FieldKind, FormData, FormField, Table, attach_errors};
use super::{Cell, Layout, render};
use crate::AppState;
use crate::api::profiles::{file_response, read_upload};
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use crate::i18n::Lang;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use dongneng_domain::FieldErrors;
use dongneng_domain::profile::{
    AllianceInput, AllianceKind, AllianceMemberInput, AlliancePlanKind, AlliancePlanStatus,
    AllianceRole, ExpertInput, MeasureInput, MeasureStatus, MemberRole, PlanStatusMove,
    SpecialPlanInput, StructureInput, TaskforceMemberInput, WorkPlanInput,
};
use dongneng_service::{Actor, ServiceError};
use dongneng_store::{Department, IndustryProfile, SpecialPlan};
use std::future::Future;

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/industries", get(list))
        .route("/industries/{id}", get(profile_page))
        .route(
            "/industries/{id}/structure",
            get(structure_edit).post(structure_save),
        )
        .route(
            "/industries/{id}/special-plans/{a}/status",
            get(plan_move_form).post(plan_move),
        )
        .route(
            "/industries/{id}/special-plans/{a}/files",
            post(file_upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::profiles::UPLOAD_BODY_LIMIT,
            )),
        )
        .route(
            "/industries/{id}/special-plans/{a}/files/{b}",
            get(file_download),
        )
        .route(
            "/industries/{id}/special-plans/{a}/files/{b}/delete",
            get(file_delete_confirm).post(file_delete),
        );
    let r = part_routes::<TaskforceMemberInput>(r);
    let r = part_routes::<ExpertInput>(r);
    let r = part_routes::<AllianceInput>(r);
    let r = part_routes::<AllianceMemberInput>(r);
    let r = part_routes::<SpecialPlanInput>(r);
    let r = part_routes::<WorkPlanInput>(r);
    part_routes::<MeasureInput>(r)
}

// ---------------------------------------------------------------- paths and small helpers

/// The ids of a page path, by position: the industry, then up to two more.
struct PagePath {
    industry: i64,
    a: Option<i64>,
    b: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for PagePath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = || AppError::Service(ServiceError::NotFound);
        let Path(raw): Path<Vec<(String, String)>> = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        let mut ids = Vec::new();
        for (_, v) in raw {
            ids.push(
                v.parse::<i64>()
                    .ok()
                    .filter(|i| *i > 0)
                    .ok_or_else(not_found)?,
            );
        }
        let mut it = ids.into_iter();
        Ok(PagePath {
            industry: it.next().ok_or_else(not_found)?,
            a: it.next(),
            b: it.next(),
        })
    }
}

fn industry_href(id: i64, anchor: &str) -> String {
    format!("/industries/{id}#{anchor}")
}

fn saved_redirect(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/industries/{id}?saved=1#{anchor}")).into_response()
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

/// Department names by id.
struct Depts(Vec<Department>);

impl Depts {
    async fn load(app: &AppState, actor: &Actor) -> AppResult<Depts> {
        Ok(Depts(
            app.service.reference(actor)?.list_departments().await?,
        ))
    }
    fn name(&self, lang: Lang, id: Option<i64>) -> String {
        id.and_then(|i| self.0.iter().find(|d| d.id == i))
            .map(|d| {
                if lang == Lang::En {
                    d.name_en.clone()
                } else {
                    d.name_zh.clone()
                }
            })
            .unwrap_or_default()
    }
    fn names(&self, lang: Lang, ids: &[i64]) -> String {
        ids.iter()
            .map(|i| self.name(lang, Some(*i)))
            .collect::<Vec<_>>()
            .join("、")
    }
    fn options(&self, lang: Lang) -> Vec<(String, String)> {
        self.0
            .iter()
            .map(|d| (d.id.to_string(), self.name(lang, Some(d.id))))
            .collect()
    }
}

fn select(lang: Lang, name: &str, value: String, opts: Vec<(String, String)>) -> FormField {
    FormField::new(lang, name, FieldKind::Select, value).options(opts, None)
}

fn dept_select(lang: Lang, depts: &Depts, name: &str, value: Option<i64>) -> FormField {
    FormField::new(
        lang,
        name,
        FieldKind::Select,
        value.map(|v| v.to_string()).unwrap_or_default(),
    )
    .options(depts.options(lang), Some(lang.t("common.not_set")))
}

fn dept_multi(lang: Lang, depts: &Depts, name: &str, values: &[i64]) -> FormField {
    let mut f = FormField::new(lang, name, FieldKind::MultiSelect, "");
    f.options = depts
        .options(lang)
        .into_iter()
        .map(|(v, l)| {
            let sel = values.iter().any(|i| i.to_string() == v);
            (v, l, sel)
        })
        .collect();
    f
}

fn date_field(lang: Lang, name: &str, value: Option<NaiveDate>) -> FormField {
    FormField::new(
        lang,
        name,
        FieldKind::Date,
        value.map(|d| d.to_string()).unwrap_or_default(),
    )
    .hint(lang.t("profile.date_hint"))
}

/// Codes of a closed list as select options, labelled from the catalogue.
fn choice_options<T: Copy>(
    lang: Lang,
    all: &[T],
    code: fn(T) -> &'static str,
    key: fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), lang.t(&key(*v))))
        .collect()
}

/// Form values as inputs: each reader notes a bad value against its field.
trait FormRead {
    fn date(&self, name: &str, errs: &mut FieldErrors) -> Option<NaiveDate>;
    fn required_date(&self, name: &str, errs: &mut FieldErrors) -> NaiveDate;
    fn choice<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Option<T>,
        errs: &mut FieldErrors,
    ) -> Option<T>;
    fn ids(&self, name: &str, errs: &mut FieldErrors) -> Vec<i64>;
}

impl FormRead for FormData {
    fn date(&self, name: &str, errs: &mut FieldErrors) -> Option<NaiveDate> {
        let v = self.opt(name)?;
        match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errs.add(name, "date");
                None
            }
        }
    }

    fn required_date(&self, name: &str, errs: &mut FieldErrors) -> NaiveDate {
        match self.opt(name) {
            None => {
                errs.add(name, "required");
                NaiveDate::default()
            }
            Some(_) => self.date(name, errs).unwrap_or_default(),
        }
    }

    fn choice<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Option<T>,
        errs: &mut FieldErrors,
    ) -> Option<T> {
        let v = self.get(name);
        let found = parse(&v);
        if found.is_none() {
            errs.add(
                name,
                if v.trim().is_empty() {
                    "required"
                } else {
                    "one_of"
                },
            );
        }
        found
    }

    fn ids(&self, name: &str, errs: &mut FieldErrors) -> Vec<i64> {
        let mut out = Vec::new();
        for v in self.all(name) {
            if v.trim().is_empty() {
                continue;
            }
            match v.trim().parse::<i64>() {
                Ok(i) => out.push(i),
                Err(_) => errs.add(name, "not_integer"),
            }
        }
        out
    }
}

// ---------------------------------------------------------------- the list

#[derive(serde::Deserialize, Default)]
struct FlashQuery {
    saved: Option<String>,
    deleted: Option<String>,
    conflict: Option<String>,
}

async fn list(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let rows = app.service.profiles(&s.actor)?.list().await?;
    let depts = Depts::load(&app, &s.actor).await?;
    let table = Table {
        headers: [
            "profile.col_industry",
            "profile.col_leader",
            "profile.col_lead_department",
            "profile.col_members",
            "profile.col_contact",
            "profile.col_experts",
            "profile.col_alliances",
            "profile.col_plans",
            "profile.col_measures",
        ]
        .iter()
        .map(|k| lang.t(k))
        .collect(),
        row_ids: rows.iter().map(|r| format!("industry-{}", r.key)).collect(),
        rows: rows
            .iter()
            .map(|r| {
                let name = if lang == Lang::En {
                    r.name_en.clone()
                } else {
                    r.name_zh.clone()
                };
                vec![
                    Cell::link(name, format!("/industries/{}", r.industry_id)),
                    Cell::text(r.leader_name.clone().unwrap_or_else(|| "—".into())),
                    Cell::text(depts.name(lang, r.lead_department_id)),
                    Cell::text(r.members.to_string()),
                    Cell::text(lang.t(if r.contacts > 0 {
                        "common.yes"
                    } else {
                        "common.no"
                    })),
                    Cell::text(r.experts.to_string()),
                    Cell::text(r.alliances.to_string()),
                    Cell::text(lang.t_with(
                        "profile.plans_count",
                        &[
                            ("published", &r.plans_published.to_string()),
                            ("total", &r.special_plans.to_string()),
                        ],
                    )),
                    Cell::text(lang.t_with(
                        "profile.measures_count",
                        &[
                            ("overdue", &r.measures_overdue.to_string()),
                            ("total", &r.measures.to_string()),
                        ],
                    )),
                ]
            })
            .collect(),
    };
    let page = ListPage {
        layout: Layout::new(&app, &s.ctx, "industries", lang.t("profile.list_title")),
        intro: Some(lang.t("profile.list_intro")),
        new_href: None,
        new_label: String::new(),
        total_line: lang.t_with("common.total", &[("n", &rows.len().to_string())]),
        table,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------- the profile page

/// A row of a section table with its actions.
struct Row {
    id: String,
    cells: Vec<String>,
    class: &'static str,
    edit: Option<String>,
    /// The confirmation page that deletes it.
    delete: Option<String>,
}

/// A table of one section.
struct Section {
    headers: Vec<String>,
    rows: Vec<Row>,
}

/// An alliance or a work plan: a heading, facts, and a table of its children.
struct Group {
    id: String,
    title: String,
    facts: Vec<(String, String)>,
    edit: Option<String>,
    /// The confirmation page that deletes it.
    delete: Option<String>,
    add: Option<(String, String)>,
    table: Section,
}

/// A file link under a plan.
struct FileLink {
    name: String,
    href: String,
    size: String,
    /// The confirmation page that deletes it.
    delete: Option<String>,
}

/// A special plan with its status dates, files and actions.
struct PlanView {
    id: i64,
    title: String,
    status: String,
    departments: String,
    dates: Vec<(String, String)>,
    files: Vec<FileLink>,
    edit: Option<String>,
    /// The confirmation page that deletes it.
    delete: Option<String>,
    move_href: Option<String>,
    upload_action: Option<String>,
}

#[derive(Template)]
#[template(path = "industry_profile.html")]
struct ProfilePage {
    layout: Layout,
    industry_id: i64,
    can_edit: bool,
    upload_error: Option<String>,
    facts: Vec<(String, String)>,
    warnings: Vec<String>,
    members: Section,
    experts: Section,
    experts_history: Section,
    alliances: Vec<Group>,
    plans: Vec<PlanView>,
    work_plans: Vec<Group>,
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

fn build_page(
    app: &AppState,
    s: &Signed,
    p: &IndustryProfile,
    depts: &Depts,
    flash: Option<String>,
    upload_error: Option<String>,
) -> ProfilePage {
    let lang = s.ctx.lang;
    let id = p.industry.id;
    let can = p.can_edit;
    let base = format!("/industries/{id}");
    let name = if lang == Lang::En {
        p.industry.name_en.clone()
    } else {
        p.industry.name_zh.clone()
    };
    let title = lang.t_with("profile.title", &[("name", &name)]);
    let edit = |path: String| can.then_some(path);
    // Deleting goes through a confirmation page, which reads the version itself.
    let del = |path: String| can.then_some(path);

    let mut facts = Vec::new();
    let mut warnings = Vec::new();
    match &p.structure {
        Some(st) => {
            let leader = [st.leader_name.clone(), st.leader_title.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            facts.push((lang.field_label("leader_name"), leader));
            facts.push((
                lang.field_label("lead_department_id"),
                depts.name(lang, st.lead_department_id),
            ));
            facts.push((
                lang.field_label("responsible_department_ids"),
                depts.names(lang, &st.responsible_department_ids),
            ));
            facts.push((
                lang.field_label("provincial_counterpart"),
                opt_text(&st.provincial_counterpart),
            ));
        }
        None => warnings.push(lang.t("profile.no_structure")),
    }
    if !p
        .taskforce_members
        .iter()
        .any(|m| m.member_role == MemberRole::Head)
    {
        warnings.push(lang.t("profile.no_head"));
    }
    if !p.taskforce_members.iter().any(|m| m.is_contact) {
        warnings.push(lang.t("profile.no_contact"));
    }

    let members = Section {
        headers: [
            "person_name",
            "department_id",
            "post",
            "member_role",
            "is_contact",
        ]
        .iter()
        .map(|f| lang.field_label(f))
        .collect(),
        rows: p
            .taskforce_members
            .iter()
            .map(|m| Row {
                id: format!("member-{}", m.id),
                cells: vec![
                    m.person_name.clone(),
                    depts.name(lang, m.department_id),
                    opt_text(&m.post),
                    label(lang, m.member_role.label_key()),
                    if m.is_contact {
                        lang.t("profile.contact_mark")
                    } else {
                        String::new()
                    },
                ],
                class: if m.is_contact { "contact" } else { "" },
                edit: edit(format!("{base}/taskforce-members/{}", m.id)),
                delete: del(format!("{base}/taskforce-members/{}/delete", m.id)),
            })
            .collect(),
    };

    let expert_rows = |list: &[dongneng_store::Expert], history: bool| Section {
        headers: [
            "person_name",
            "specialty",
            "affiliation",
            "professional_title",
            "joined_on",
            "left_on",
        ]
        .iter()
        .map(|f| lang.field_label(f))
        .collect(),
        rows: list
            .iter()
            .map(|e| Row {
                id: format!("expert-{}", e.id),
                cells: vec![
                    e.person_name.clone(),
                    e.specialty.clone(),
                    e.affiliation.clone(),
                    opt_text(&e.professional_title),
                    e.joined_on.to_string(),
                    date_text(e.left_on),
                ],
                class: if history { "history" } else { "" },
                edit: edit(format!("{base}/experts/{}", e.id)),
                delete: del(format!("{base}/experts/{}/delete", e.id)),
            })
            .collect(),
    };
    let experts = expert_rows(&p.experts_current, false);
    let experts_history = expert_rows(&p.experts_history, true);

    let alliances = p
        .alliances
        .iter()
        .map(|a| {
            let al = &a.alliance;
            let abase = format!("{base}/alliances/{}", al.id);
            Group {
                id: format!("alliance-{}", al.id),
                title: al.alliance_name.clone(),
                facts: vec![
                    (lang.field_label("kind"), label(lang, al.kind.label_key())),
                    (
                        lang.field_label("plan_kind"),
                        label(lang, al.plan_kind.label_key()),
                    ),
                    (
                        lang.field_label("plan_status"),
                        label(lang, al.plan_status.label_key()),
                    ),
                    (lang.field_label("plan"), al.plan.clone()),
                    (lang.field_label("note"), opt_text(&al.note)),
                ],
                edit: edit(abase.clone()),
                delete: del(format!("{abase}/delete")),
                add: can.then(|| {
                    (
                        format!("{abase}/members/new"),
                        lang.t("profile.alliance_member_new"),
                    )
                }),
                table: Section {
                    headers: ["enterprise_name", "credit_code", "alliance_role"]
                        .iter()
                        .map(|f| lang.field_label(f))
                        .collect(),
                    rows: a
                        .members
                        .iter()
                        .map(|m| Row {
                            id: format!("alliance-member-{}", m.id),
                            cells: vec![
                                m.enterprise_name.clone(),
                                opt_text(&m.credit_code),
                                label(lang, m.alliance_role.label_key()),
                            ],
                            class: "",
                            edit: edit(format!("{abase}/members/{}", m.id)),
                            delete: del(format!("{abase}/members/{}/delete", m.id)),
                        })
                        .collect(),
                },
            }
        })
        .collect();

    let plans = p
        .special_plans
        .iter()
        .map(|e| {
            let pl: &SpecialPlan = &e.plan;
            let pbase = format!("{base}/special-plans/{}", pl.id);
            PlanView {
                id: pl.id,
                title: pl.plan_title.clone(),
                status: label(lang, pl.status.label_key()),
                departments: depts.names(lang, &pl.drafting_department_ids),
                dates: vec![
                    (
                        lang.t("profile.special_plan_status.drafting"),
                        pl.drafted_on.to_string(),
                    ),
                    (
                        lang.t("profile.special_plan_status.under_review"),
                        date_text(pl.under_review_on),
                    ),
                    (
                        lang.t("profile.special_plan_status.approved"),
                        date_text(pl.approved_on),
                    ),
                    (
                        lang.t("profile.special_plan_status.published"),
                        date_text(pl.published_on),
                    ),
                ],
                files: e
                    .files
                    .iter()
                    .map(|f| FileLink {
                        name: f.file_name.clone(),
                        href: format!("{pbase}/files/{}", f.id),
                        size: size_text(f.size_bytes),
                        delete: del(format!("{pbase}/files/{}/delete", f.id)),
                    })
                    .collect(),
                edit: edit(pbase.clone()),
                delete: del(format!("{pbase}/delete")),
                move_href: (can && pl.status.next().is_some()).then(|| format!("{pbase}/status")),
                upload_action: can.then(|| {
                    format!(
                        "{pbase}/files?_csrf={}",
                        crate::context::urlencode(&s.ctx.csrf_token())
                    )
                }),
            }
        })
        .collect();

    let work_plans = p
        .work_plans
        .iter()
        .map(|w| {
            let wbase = format!("{base}/work-plans/{}", w.plan.id);
            Group {
                id: format!("work-plan-{}", w.plan.year),
                title: if w.plan.plan_title.contains(&w.plan.year.to_string()) {
                    w.plan.plan_title.clone()
                } else {
                    format!("{} · {}", w.plan.year, w.plan.plan_title)
                },
                facts: vec![
                    (lang.field_label("goals"), opt_text(&w.plan.goals)),
                    (
                        lang.t("profile.overdue_measures"),
                        lang.t_with("profile.overdue_count", &[("n", &w.overdue.to_string())]),
                    ),
                ],
                edit: edit(wbase.clone()),
                delete: del(format!("{wbase}/delete")),
                add: can.then(|| {
                    (
                        format!("{wbase}/measures/new"),
                        lang.t("profile.measure_new"),
                    )
                }),
                table: Section {
                    headers: [
                        "measure",
                        "owner_department_id",
                        "owner_person",
                        "deadline",
                        "status",
                    ]
                    .iter()
                    .map(|f| lang.field_label(f))
                    .collect(),
                    rows: w
                        .measures
                        .iter()
                        .map(|m| {
                            let mut status = label(lang, m.status.label_key());
                            if m.overdue {
                                status = format!("{status} · {}", lang.t("profile.overdue"));
                            }
                            Row {
                                id: format!("measure-{}", m.id),
                                cells: vec![
                                    m.measure.clone(),
                                    depts.name(lang, m.owner_department_id),
                                    opt_text(&m.owner_person),
                                    m.deadline.to_string(),
                                    status,
                                ],
                                class: if m.overdue { "overdue" } else { "" },
                                edit: edit(format!("{wbase}/measures/{}", m.id)),
                                delete: del(format!("{wbase}/measures/{}/delete", m.id)),
                            }
                        })
                        .collect(),
                },
            }
        })
        .collect();

    let drop_empty = |mut groups: Vec<Group>| {
        for g in &mut groups {
            g.facts.retain(|(_, v)| !v.trim().is_empty());
        }
        groups
    };
    facts.retain(|(_, v)| !v.trim().is_empty());
    let alliances = drop_empty(alliances);
    let work_plans = drop_empty(work_plans);
    ProfilePage {
        layout: Layout::new(app, &s.ctx, "industries", title).with_flash(flash),
        industry_id: id,
        can_edit: can,
        upload_error,
        facts,
        warnings,
        members,
        experts,
        experts_history,
        alliances,
        plans,
        work_plans,
    }
}

async fn render_profile(
    app: &AppState,
    s: &Signed,
    id: i64,
    flash: Option<String>,
    upload_error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let p = app.service.profile_reader(&s.actor, id)?.profile().await?;
    let depts = Depts::load(app, &s.actor).await?;
    let page = build_page(app, s, &p, &depts, flash, upload_error);
    Ok((status, render(&page)?).into_response())
}

async fn profile_page(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
    Query(q): Query<FlashQuery>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let flash = if q.saved.is_some() {
        Some(lang.t("common.saved"))
    } else if q.deleted.is_some() {
        Some(lang.t("profile.deleted"))
    } else if q.conflict.is_some() {
        Some(lang.t("error.conflict"))
    } else {
        None
    };
    render_profile(&app, &s, path.industry, flash, None, StatusCode::OK).await
}

// ---------------------------------------------------------------- forms: the generic part

/// What a failed save shows.
fn conflict_text(lang: Lang) -> String {
    format!(
        "{} {}",
        lang.t("error.conflict"),
        lang.t("error.conflict_current")
    )
}

/// Adds the input's rule errors to the form's reading errors, one per field.
fn with_rules<P: Part>(input: &P, mut errs: FieldErrors) -> FieldErrors {
    if let Err(more) = input.rules() {
        for e in more.0 {
            if !errs.0.iter().any(|x| x.field == e.field) {
                errs.push(e);
            }
        }
    }
    errs
}

/// Everything a form needs besides its own values.
struct Ctx<'a> {
    lang: Lang,
    depts: &'a Depts,
}

/// One editable part of the profile: how its form looks and reads, and which service calls
/// save it. `parent` is the alliance or work plan of a nested part.
trait Part: Sized + Clone + Send + Sync + 'static {
    /// The path below `/industries/{id}/`; nested parts name the parent as `{a}`.
    const PATH: &'static str;
    /// Catalogue key stem of the form titles (`profile.<KEY>_new`, `_edit`).
    const KEY: &'static str;
    /// The section of the profile page to return to.
    const ANCHOR: &'static str;
    const NESTED: bool = false;

    fn blank() -> Self;
    fn read(f: &FormData) -> (Self, FieldErrors);
    /// The input's own rules (as the service runs them), to report every problem at once
    /// when the form already failed to read.
    fn rules(&self) -> Result<(), FieldErrors>;
    fn fields(&self, c: &Ctx<'_>) -> Vec<FormField>;
    /// The record `id` (under `parent`) as input, with its version.
    fn find(p: &IndustryProfile, parent: Option<i64>, id: i64) -> Option<(Self, i64)>;
    /// Whether `parent` exists in the profile (nested parts).
    fn parent_exists(_p: &IndustryProfile, _parent: i64) -> bool {
        true
    }
    fn create(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        parent: Option<i64>,
        input: Self,
    ) -> impl Future<Output = Result<(), ServiceError>> + Send;
    fn update(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        parent: Option<i64>,
        id: i64,
        version: i64,
        input: Self,
    ) -> impl Future<Output = Result<(), ServiceError>> + Send;
    fn delete(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        parent: Option<i64>,
        id: i64,
        version: i64,
    ) -> impl Future<Output = Result<(), ServiceError>> + Send;
}

fn part_routes<P: Part>(r: Router<AppState>) -> Router<AppState> {
    let base = format!("/industries/{{id}}/{}", P::PATH);
    let item = if P::NESTED {
        format!("{base}/{{b}}")
    } else {
        format!("{base}/{{a}}")
    };
    r.route(&format!("{base}/new"), get(part_new::<P>))
        .route(&base, post(part_create::<P>))
        .route(&item, get(part_edit::<P>).post(part_update::<P>))
        .route(
            &format!("{item}/delete"),
            get(part_delete_confirm::<P>).post(part_delete::<P>),
        )
}

/// The parent id (nested parts) and the record id (edits) of a path.
fn split<P: Part>(path: &PagePath) -> (Option<i64>, Option<i64>) {
    if P::NESTED {
        (path.a, path.b)
    } else {
        (None, path.a)
    }
}

fn part_base<P: Part>(industry: i64, parent: Option<i64>) -> String {
    let p = P::PATH.replace("{a}", &parent.unwrap_or(0).to_string());
    format!("/industries/{industry}/{p}")
}

#[allow(clippy::too_many_arguments)]
async fn part_form<P: Part>(
    app: &AppState,
    s: &Signed,
    industry: i64,
    parent: Option<i64>,
    id: Option<i64>,
    input: &P,
    version: Option<i64>,
    errors: &FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let depts = Depts::load(app, &s.actor).await?;
    let mut fields = input.fields(&Ctx {
        lang,
        depts: &depts,
    });
    let summary = attach_errors(lang, &mut fields, &errors.0);
    let base = part_base::<P>(industry, parent);
    let title = lang.t(&format!(
        "profile.{}_{}",
        P::KEY,
        if id.is_some() { "edit" } else { "new" }
    ));
    let page = FormPage {
        layout: Layout::new(app, &s.ctx, "industries", title),
        action: id.map(|i| format!("{base}/{i}")).unwrap_or(base),
        back_href: industry_href(industry, P::ANCHOR),
        fields,
        version,
        summary,
        conflict: conflict.then(|| conflict_text(lang)),
    };
    Ok((status, render(&page)?).into_response())
}

async fn part_new<P: Part>(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
) -> AppResult<Response> {
    let (parent, _) = split::<P>(&path);
    app.service.profile_editor(&s.actor, path.industry)?;
    let p = app
        .service
        .profile_reader(&s.actor, path.industry)?
        .profile()
        .await?;
    if let Some(parent) = parent
        && !P::parent_exists(&p, parent)
    {
        return Err(AppError::Service(ServiceError::NotFound));
    }
    part_form::<P>(
        &app,
        &s,
        path.industry,
        parent,
        None,
        &P::blank(),
        None,
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn part_create<P: Part>(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
    body: Bytes,
) -> AppResult<Response> {
    let (parent, _) = split::<P>(&path);
    let (input, mut errs) = P::read(&FormData::parse(&body));
    if errs.is_empty() {
        match P::create(&app, &s.actor, path.industry, parent, input.clone()).await {
            Ok(()) => return Ok(saved_redirect(path.industry, P::ANCHOR)),
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(e) => return Err(e.into()),
        }
    } else {
        // Refuse before showing anything to someone who may not write here.
        app.service.profile_editor(&s.actor, path.industry)?;
        errs = with_rules(&input, errs);
    }
    part_form::<P>(
        &app,
        &s,
        path.industry,
        parent,
        None,
        &input,
        None,
        &errs,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The part a path names, as stored, for someone who may edit it: (parent, id, input,
/// version). Refused before anything is read for anyone else; 404 when it is not there.
async fn editable_part<P: Part>(
    app: &AppState,
    s: &Signed,
    path: &PagePath,
) -> AppResult<(Option<i64>, i64, P, i64)> {
    let (parent, id) = split::<P>(path);
    let id = id.ok_or(AppError::Service(ServiceError::NotFound))?;
    app.service.profile_editor(&s.actor, path.industry)?;
    let p = app
        .service
        .profile_reader(&s.actor, path.industry)?
        .profile()
        .await?;
    let (input, version) =
        P::find(&p, parent, id).ok_or(AppError::Service(ServiceError::NotFound))?;
    Ok((parent, id, input, version))
}

async fn part_edit<P: Part>(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
) -> AppResult<Response> {
    let (parent, id, input, version) = editable_part::<P>(&app, &s, &path).await?;
    part_form::<P>(
        &app,
        &s,
        path.industry,
        parent,
        Some(id),
        &input,
        Some(version),
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn part_update<P: Part>(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
    body: Bytes,
) -> AppResult<Response> {
    let (parent, id) = split::<P>(&path);
    let id = id.ok_or(AppError::Service(ServiceError::NotFound))?;
    let form = FormData::parse(&body);
    let (input, errs) = P::read(&form);
    let Some(version) = form.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    if !errs.is_empty() {
        app.service.profile_editor(&s.actor, path.industry)?;
        let errs = with_rules(&input, errs);
        return part_form::<P>(
            &app,
            &s,
            path.industry,
            parent,
            Some(id),
            &input,
            Some(version),
            &errs,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match P::update(
        &app,
        &s.actor,
        path.industry,
        parent,
        id,
        version,
        input.clone(),
    )
    .await
    {
        Ok(()) => Ok(saved_redirect(path.industry, P::ANCHOR)),
        Err(ServiceError::Invalid(e)) => {
            part_form::<P>(
                &app,
                &s,
                path.industry,
                parent,
                Some(id),
                &input,
                Some(version),
                &e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::Conflict) => {
            let p = app
                .service
                .profile_reader(&s.actor, path.industry)?
                .profile()
                .await?;
            let (cur, v) =
                P::find(&p, parent, id).ok_or(AppError::Service(ServiceError::NotFound))?;
            part_form::<P>(
                &app,
                &s,
                path.industry,
                parent,
                Some(id),
                &cur,
                Some(v),
                &FieldErrors::new(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The page that asks before a record is deleted: what will go, and the button that does it.
#[derive(Template)]
#[template(path = "confirm_delete.html")]
struct ConfirmDeletePage {
    layout: Layout,
    facts: Vec<(String, String)>,
    action: String,
    version: i64,
    back_href: String,
}

/// A form field as the line of a summary: its label and what it holds, in words.
fn field_fact(lang: Lang, f: &FormField) -> Option<(String, String)> {
    let chosen = || -> Vec<&str> {
        f.options
            .iter()
            .filter(|(v, _, selected)| *selected && !v.is_empty())
            .map(|(_, label, _)| label.as_str())
            .collect()
    };
    let text = match f.kind {
        FieldKind::Password => return None,
        FieldKind::Checkbox => lang.t(if f.checked { "common.yes" } else { "common.no" }),
        FieldKind::Select | FieldKind::MultiSelect => chosen().join("、"),
        _ => f.value.trim().to_string(),
    };
    (!text.is_empty()).then(|| (f.label.clone(), text))
}

async fn part_delete_confirm<P: Part>(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
) -> AppResult<Response> {
    let (parent, id, input, version) = editable_part::<P>(&app, &s, &path).await?;
    let lang = s.ctx.lang;
    let depts = Depts::load(&app, &s.actor).await?;
    let facts = input
        .fields(&Ctx {
            lang,
            depts: &depts,
        })
        .iter()
        .filter_map(|f| field_fact(lang, f))
        .collect();
    let page = ConfirmDeletePage {
        layout: Layout::new(&app, &s.ctx, "industries", lang.t("profile.delete_title")),
        facts,
        action: format!("{}/{id}/delete", part_base::<P>(path.industry, parent)),
        version,
        back_href: industry_href(path.industry, P::ANCHOR),
    };
    Ok(render(&page)?.into_response())
}

async fn part_delete<P: Part>(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
    body: Bytes,
) -> AppResult<Response> {
    let (parent, id) = split::<P>(&path);
    let id = id.ok_or(AppError::Service(ServiceError::NotFound))?;
    let Some(version) = FormData::parse(&body).version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    match P::delete(&app, &s.actor, path.industry, parent, id, version).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/industries/{}?deleted=1#{}",
            path.industry,
            P::ANCHOR
        ))
        .into_response()),
        Err(ServiceError::Conflict) => Ok(Redirect::to(&format!(
            "/industries/{}?conflict=1#{}",
            path.industry,
            P::ANCHOR
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- the parts

impl Part for TaskforceMemberInput {
    const PATH: &'static str = "taskforce-members";
    const KEY: &'static str = "member";
    const ANCHOR: &'static str = "taskforce";

    fn blank() -> Self {
        TaskforceMemberInput {
            person_name: String::new(),
            department_id: None,
            post: None,
            member_role: MemberRole::Member,
            is_contact: false,
            sort_order: 0,
        }
    }
    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = TaskforceMemberInput {
            person_name: f.get("person_name"),
            department_id: f.opt_id("department_id", &mut errs),
            post: f.opt("post"),
            member_role: f
                .choice("member_role", MemberRole::parse, &mut errs)
                .unwrap_or(MemberRole::Member),
            is_contact: f.flag("is_contact"),
            sort_order: f.int("sort_order", &mut errs),
        };
        (input, errs)
    }
    fn rules(&self) -> Result<(), FieldErrors> {
        let mut c = self.clone();
        c.tidy();
        c.validate()
    }
    fn fields(&self, c: &Ctx<'_>) -> Vec<FormField> {
        let l = c.lang;
        vec![
            FormField::new(l, "person_name", FieldKind::Text, self.person_name.clone()).required(),
            dept_select(l, c.depts, "department_id", self.department_id),
            FormField::new(l, "post", FieldKind::Text, opt_text(&self.post)),
            select(
                l,
                "member_role",
                self.member_role.code().into(),
                choice_options(l, MemberRole::ALL, MemberRole::code, MemberRole::label_key),
            )
            .required(),
            FormField::new(l, "is_contact", FieldKind::Checkbox, "on")
                .checked(self.is_contact)
                .hint(l.t("profile.contact_hint")),
            FormField::new(
                l,
                "sort_order",
                FieldKind::Number,
                self.sort_order.to_string(),
            ),
        ]
    }
    fn find(p: &IndustryProfile, _: Option<i64>, id: i64) -> Option<(Self, i64)> {
        p.taskforce_members.iter().find(|m| m.id == id).map(|m| {
            (
                TaskforceMemberInput {
                    person_name: m.person_name.clone(),
                    department_id: m.department_id,
                    post: m.post.clone(),
                    member_role: m.member_role,
                    is_contact: m.is_contact,
                    sort_order: m.sort_order,
                },
                m.version,
            )
        })
    }
    async fn create(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .create_taskforce_member(input)
            .await
            .map(|_| ())
    }
    async fn update(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .update_taskforce_member(id, version, input)
            .await
            .map(|_| ())
    }
    async fn delete(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .delete_taskforce_member(id, version)
            .await
    }
}

impl Part for ExpertInput {
    const PATH: &'static str = "experts";
    const KEY: &'static str = "expert";
    const ANCHOR: &'static str = "experts";

    fn blank() -> Self {
        ExpertInput {
            person_name: String::new(),
            specialty: String::new(),
            affiliation: String::new(),
            professional_title: None,
            joined_on: NaiveDate::default(),
            left_on: None,
            note: None,
        }
    }
    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = ExpertInput {
            person_name: f.get("person_name"),
            specialty: f.get("specialty"),
            affiliation: f.get("affiliation"),
            professional_title: f.opt("professional_title"),
            joined_on: f.required_date("joined_on", &mut errs),
            left_on: f.date("left_on", &mut errs),
            note: f.opt("note"),
        };
        (input, errs)
    }
    fn rules(&self) -> Result<(), FieldErrors> {
        let mut c = self.clone();
        c.tidy();
        c.validate()
    }
    fn fields(&self, c: &Ctx<'_>) -> Vec<FormField> {
        let l = c.lang;
        let joined = (self.joined_on != NaiveDate::default()).then_some(self.joined_on);
        vec![
            FormField::new(l, "person_name", FieldKind::Text, self.person_name.clone()).required(),
            FormField::new(l, "specialty", FieldKind::Text, self.specialty.clone()).required(),
            FormField::new(l, "affiliation", FieldKind::Text, self.affiliation.clone()).required(),
            FormField::new(
                l,
                "professional_title",
                FieldKind::Text,
                opt_text(&self.professional_title),
            ),
            date_field(l, "joined_on", joined).required(),
            date_field(l, "left_on", self.left_on).hint(l.t("profile.left_hint")),
            FormField::new(l, "note", FieldKind::Textarea, opt_text(&self.note)),
        ]
    }
    fn find(p: &IndustryProfile, _: Option<i64>, id: i64) -> Option<(Self, i64)> {
        p.experts_current
            .iter()
            .chain(&p.experts_history)
            .find(|e| e.id == id)
            .map(|e| {
                (
                    ExpertInput {
                        person_name: e.person_name.clone(),
                        specialty: e.specialty.clone(),
                        affiliation: e.affiliation.clone(),
                        professional_title: e.professional_title.clone(),
                        joined_on: e.joined_on,
                        left_on: e.left_on,
                        note: e.note.clone(),
                    },
                    e.version,
                )
            })
    }
    async fn create(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .create_expert(input)
            .await
            .map(|_| ())
    }
    async fn update(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .update_expert(id, version, input)
            .await
            .map(|_| ())
    }
    async fn delete(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .delete_expert(id, version)
            .await
    }
}

impl Part for AllianceInput {
    const PATH: &'static str = "alliances";
    const KEY: &'static str = "alliance";
    const ANCHOR: &'static str = "alliances";

    fn blank() -> Self {
        AllianceInput {
            alliance_name: String::new(),
            kind: AllianceKind::Alliance,
            plan_kind: AlliancePlanKind::Formation,
            plan: String::new(),
            plan_status: AlliancePlanStatus::Proposed,
            note: None,
        }
    }
    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = AllianceInput {
            alliance_name: f.get("alliance_name"),
            kind: f
                .choice("kind", AllianceKind::parse, &mut errs)
                .unwrap_or(AllianceKind::Alliance),
            plan_kind: f
                .choice("plan_kind", AlliancePlanKind::parse, &mut errs)
                .unwrap_or(AlliancePlanKind::Formation),
            plan: f.get("plan"),
            plan_status: f
                .choice("plan_status", AlliancePlanStatus::parse, &mut errs)
                .unwrap_or(AlliancePlanStatus::Proposed),
            note: f.opt("note"),
        };
        (input, errs)
    }
    fn rules(&self) -> Result<(), FieldErrors> {
        let mut c = self.clone();
        c.tidy();
        c.validate()
    }
    fn fields(&self, c: &Ctx<'_>) -> Vec<FormField> {
        let l = c.lang;
        vec![
            FormField::new(
                l,
                "alliance_name",
                FieldKind::Text,
                self.alliance_name.clone(),
            )
            .required(),
            select(
                l,
                "kind",
                self.kind.code().into(),
                choice_options(
                    l,
                    AllianceKind::ALL,
                    AllianceKind::code,
                    AllianceKind::label_key,
                ),
            )
            .required(),
            select(
                l,
                "plan_kind",
                self.plan_kind.code().into(),
                choice_options(
                    l,
                    AlliancePlanKind::ALL,
                    AlliancePlanKind::code,
                    AlliancePlanKind::label_key,
                ),
            )
            .required(),
            FormField::new(l, "plan", FieldKind::Textarea, self.plan.clone()),
            select(
                l,
                "plan_status",
                self.plan_status.code().into(),
                choice_options(
                    l,
                    AlliancePlanStatus::ALL,
                    AlliancePlanStatus::code,
                    AlliancePlanStatus::label_key,
                ),
            )
            .required(),
            FormField::new(l, "note", FieldKind::Textarea, opt_text(&self.note)),
        ]
    }
    fn find(p: &IndustryProfile, _: Option<i64>, id: i64) -> Option<(Self, i64)> {
        p.alliances
            .iter()
            .map(|a| &a.alliance)
            .find(|a| a.id == id)
            .map(|a| {
                (
                    AllianceInput {
                        alliance_name: a.alliance_name.clone(),
                        kind: a.kind,
                        plan_kind: a.plan_kind,
                        plan: a.plan.clone(),
                        plan_status: a.plan_status,
                        note: a.note.clone(),
                    },
                    a.version,
                )
            })
    }
    async fn create(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .create_alliance(input)
            .await
            .map(|_| ())
    }
    async fn update(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .update_alliance(id, version, input)
            .await
            .map(|_| ())
    }
    async fn delete(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .delete_alliance(id, version)
            .await
    }
}

impl Part for AllianceMemberInput {
    const PATH: &'static str = "alliances/{a}/members";
    const KEY: &'static str = "alliance_member";
    const ANCHOR: &'static str = "alliances";
    const NESTED: bool = true;

    fn blank() -> Self {
        AllianceMemberInput {
            enterprise_name: String::new(),
            credit_code: None,
            alliance_role: AllianceRole::Member,
        }
    }
    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = AllianceMemberInput {
            enterprise_name: f.get("enterprise_name"),
            credit_code: f.opt("credit_code"),
            alliance_role: f
                .choice("alliance_role", AllianceRole::parse, &mut errs)
                .unwrap_or(AllianceRole::Member),
        };
        (input, errs)
    }
    fn rules(&self) -> Result<(), FieldErrors> {
        let mut c = self.clone();
        c.tidy();
        c.validate()
    }
    fn fields(&self, c: &Ctx<'_>) -> Vec<FormField> {
        let l = c.lang;
        vec![
            FormField::new(
                l,
                "enterprise_name",
                FieldKind::Text,
                self.enterprise_name.clone(),
            )
            .required(),
            FormField::new(
                l,
                "credit_code",
                FieldKind::Text,
                opt_text(&self.credit_code),
            )
            .hint(l.t("profile.credit_code_hint")),
            select(
                l,
                "alliance_role",
                self.alliance_role.code().into(),
                choice_options(
                    l,
                    AllianceRole::ALL,
                    AllianceRole::code,
                    AllianceRole::label_key,
                ),
            )
            .required(),
        ]
    }
    fn parent_exists(p: &IndustryProfile, parent: i64) -> bool {
        p.alliances.iter().any(|a| a.alliance.id == parent)
    }
    fn find(p: &IndustryProfile, parent: Option<i64>, id: i64) -> Option<(Self, i64)> {
        p.alliances
            .iter()
            .filter(|a| Some(a.alliance.id) == parent)
            .flat_map(|a| &a.members)
            .find(|m| m.id == id)
            .map(|m| {
                (
                    AllianceMemberInput {
                        enterprise_name: m.enterprise_name.clone(),
                        credit_code: m.credit_code.clone(),
                        alliance_role: m.alliance_role,
                    },
                    m.version,
                )
            })
    }
    async fn create(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        parent: Option<i64>,
        input: Self,
    ) -> Result<(), ServiceError> {
        let parent = parent.ok_or(ServiceError::NotFound)?;
        app.service
            .profile_editor(actor, industry)?
            .create_alliance_member(parent, input)
            .await
            .map(|_| ())
    }
    async fn update(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        parent: Option<i64>,
        id: i64,
        version: i64,
        input: Self,
    ) -> Result<(), ServiceError> {
        let parent = parent.ok_or(ServiceError::NotFound)?;
        app.service
            .profile_editor(actor, industry)?
            .update_alliance_member(parent, id, version, input)
            .await
            .map(|_| ())
    }
    async fn delete(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        parent: Option<i64>,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        let parent = parent.ok_or(ServiceError::NotFound)?;
        app.service
            .profile_editor(actor, industry)?
            .delete_alliance_member(parent, id, version)
            .await
    }
}

impl Part for SpecialPlanInput {
    const PATH: &'static str = "special-plans";
    const KEY: &'static str = "plan";
    const ANCHOR: &'static str = "plans";

    fn blank() -> Self {
        SpecialPlanInput {
            plan_title: String::new(),
            summary: None,
            drafting_department_ids: vec![],
            drafted_on: NaiveDate::default(),
        }
    }
    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = SpecialPlanInput {
            plan_title: f.get("plan_title"),
            summary: f.opt("summary"),
            drafting_department_ids: f.ids("drafting_department_ids", &mut errs),
            drafted_on: f.required_date("drafted_on", &mut errs),
        };
        (input, errs)
    }
    fn rules(&self) -> Result<(), FieldErrors> {
        let mut c = self.clone();
        c.tidy();
        c.validate((chrono::Utc::now() + chrono::Duration::hours(8)).date_naive())
    }
    fn fields(&self, c: &Ctx<'_>) -> Vec<FormField> {
        let l = c.lang;
        let drafted = (self.drafted_on != NaiveDate::default()).then_some(self.drafted_on);
        vec![
            FormField::new(l, "plan_title", FieldKind::Text, self.plan_title.clone()).required(),
            dept_multi(
                l,
                c.depts,
                "drafting_department_ids",
                &self.drafting_department_ids,
            )
            .required(),
            date_field(l, "drafted_on", drafted).required(),
            FormField::new(l, "summary", FieldKind::Textarea, opt_text(&self.summary)),
        ]
    }
    fn find(p: &IndustryProfile, _: Option<i64>, id: i64) -> Option<(Self, i64)> {
        p.special_plans
            .iter()
            .map(|e| &e.plan)
            .find(|x| x.id == id)
            .map(|x| {
                (
                    SpecialPlanInput {
                        plan_title: x.plan_title.clone(),
                        summary: x.summary.clone(),
                        drafting_department_ids: x.drafting_department_ids.clone(),
                        drafted_on: x.drafted_on,
                    },
                    x.version,
                )
            })
    }
    async fn create(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .create_special_plan(input)
            .await
            .map(|_| ())
    }
    async fn update(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .update_special_plan(id, version, input)
            .await
            .map(|_| ())
    }
    async fn delete(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .delete_special_plan(id, version)
            .await
    }
}

impl Part for WorkPlanInput {
    const PATH: &'static str = "work-plans";
    const KEY: &'static str = "work_plan";
    const ANCHOR: &'static str = "work-plans";

    fn blank() -> Self {
        use chrono::Datelike;
        let year = (chrono::Utc::now() + chrono::Duration::hours(8)).year();
        WorkPlanInput {
            year,
            plan_title: format!("{year}年度工作计划"),
            goals: None,
        }
    }
    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = WorkPlanInput {
            year: f.int("year", &mut errs),
            plan_title: f.get("plan_title"),
            goals: f.opt("goals"),
        };
        (input, errs)
    }
    fn rules(&self) -> Result<(), FieldErrors> {
        let mut c = self.clone();
        c.tidy();
        c.validate()
    }
    fn fields(&self, c: &Ctx<'_>) -> Vec<FormField> {
        let l = c.lang;
        vec![
            FormField::new(l, "year", FieldKind::Number, self.year.to_string()).required(),
            FormField::new(l, "plan_title", FieldKind::Text, self.plan_title.clone()).required(),
            FormField::new(l, "goals", FieldKind::Textarea, opt_text(&self.goals)),
        ]
    }
    fn find(p: &IndustryProfile, _: Option<i64>, id: i64) -> Option<(Self, i64)> {
        p.work_plans
            .iter()
            .map(|w| &w.plan)
            .find(|w| w.id == id)
            .map(|w| {
                (
                    WorkPlanInput {
                        year: w.year,
                        plan_title: w.plan_title.clone(),
                        goals: w.goals.clone(),
                    },
                    w.version,
                )
            })
    }
    async fn create(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .create_work_plan(input)
            .await
            .map(|_| ())
    }
    async fn update(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
        input: Self,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .update_work_plan(id, version, input)
            .await
            .map(|_| ())
    }
    async fn delete(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        _: Option<i64>,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        app.service
            .profile_editor(actor, industry)?
            .delete_work_plan(id, version)
            .await
    }
}

impl Part for MeasureInput {
    const PATH: &'static str = "work-plans/{a}/measures";
    const KEY: &'static str = "measure";
    const ANCHOR: &'static str = "work-plans";
    const NESTED: bool = true;

    fn blank() -> Self {
        MeasureInput {
            measure: String::new(),
            owner_department_id: None,
            owner_person: None,
            deadline: NaiveDate::default(),
            status: MeasureStatus::NotStarted,
            note: None,
            sort_order: 0,
        }
    }
    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = MeasureInput {
            measure: f.get("measure"),
            owner_department_id: f.opt_id("owner_department_id", &mut errs),
            owner_person: f.opt("owner_person"),
            deadline: f.required_date("deadline", &mut errs),
            status: f
                .choice("status", MeasureStatus::parse, &mut errs)
                .unwrap_or(MeasureStatus::NotStarted),
            note: f.opt("note"),
            sort_order: f.int("sort_order", &mut errs),
        };
        (input, errs)
    }
    fn rules(&self) -> Result<(), FieldErrors> {
        let mut c = self.clone();
        c.tidy();
        c.validate()
    }
    fn fields(&self, c: &Ctx<'_>) -> Vec<FormField> {
        let l = c.lang;
        let deadline = (self.deadline != NaiveDate::default()).then_some(self.deadline);
        vec![
            FormField::new(l, "measure", FieldKind::Textarea, self.measure.clone()).required(),
            dept_select(l, c.depts, "owner_department_id", self.owner_department_id)
                .hint(l.t("profile.owner_hint")),
            FormField::new(
                l,
                "owner_person",
                FieldKind::Text,
                opt_text(&self.owner_person),
            ),
            date_field(l, "deadline", deadline).required(),
            select(
                l,
                "status",
                self.status.code().into(),
                choice_options(
                    l,
                    MeasureStatus::ALL,
                    MeasureStatus::code,
                    MeasureStatus::label_key,
                ),
            )
            .required(),
            FormField::new(l, "note", FieldKind::Textarea, opt_text(&self.note)),
            FormField::new(
                l,
                "sort_order",
                FieldKind::Number,
                self.sort_order.to_string(),
            ),
        ]
    }
    fn parent_exists(p: &IndustryProfile, parent: i64) -> bool {
        p.work_plans.iter().any(|w| w.plan.id == parent)
    }
    fn find(p: &IndustryProfile, parent: Option<i64>, id: i64) -> Option<(Self, i64)> {
        p.work_plans
            .iter()
            .filter(|w| Some(w.plan.id) == parent)
            .flat_map(|w| &w.measures)
            .find(|m| m.id == id)
            .map(|m| {
                (
                    MeasureInput {
                        measure: m.measure.clone(),
                        owner_department_id: m.owner_department_id,
                        owner_person: m.owner_person.clone(),
                        deadline: m.deadline,
                        status: m.status,
                        note: m.note.clone(),
                        sort_order: m.sort_order,
                    },
                    m.version,
                )
            })
    }
    async fn create(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        parent: Option<i64>,
        input: Self,
    ) -> Result<(), ServiceError> {
        let parent = parent.ok_or(ServiceError::NotFound)?;
        app.service
            .profile_editor(actor, industry)?
            .create_measure(parent, input)
            .await
            .map(|_| ())
    }
    async fn update(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        parent: Option<i64>,
        id: i64,
        version: i64,
        input: Self,
    ) -> Result<(), ServiceError> {
        let parent = parent.ok_or(ServiceError::NotFound)?;
        app.service
            .profile_editor(actor, industry)?
            .update_measure(parent, id, version, input)
            .await
            .map(|_| ())
    }
    async fn delete(
        app: &AppState,
        actor: &Actor,
        industry: i64,
        parent: Option<i64>,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        let parent = parent.ok_or(ServiceError::NotFound)?;
        app.service
            .profile_editor(actor, industry)?
            .delete_measure(parent, id, version)
            .await
    }
}

// ---------------------------------------------------------------- leader and departments

fn structure_fields(lang: Lang, depts: &Depts, s: &StructureInput) -> Vec<FormField> {
    vec![
        FormField::new(
            lang,
            "leader_name",
            FieldKind::Text,
            opt_text(&s.leader_name),
        ),
        FormField::new(
            lang,
            "leader_title",
            FieldKind::Text,
            opt_text(&s.leader_title),
        ),
        dept_select(lang, depts, "lead_department_id", s.lead_department_id),
        dept_multi(
            lang,
            depts,
            "responsible_department_ids",
            &s.responsible_department_ids,
        )
        .hint(lang.t("profile.responsible_hint")),
        FormField::new(
            lang,
            "provincial_counterpart",
            FieldKind::Textarea,
            opt_text(&s.provincial_counterpart),
        ),
    ]
}

#[allow(clippy::too_many_arguments)]
async fn structure_form(
    app: &AppState,
    s: &Signed,
    id: i64,
    input: &StructureInput,
    version: i64,
    errors: &FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let depts = Depts::load(app, &s.actor).await?;
    let mut fields = structure_fields(lang, &depts, input);
    let summary = attach_errors(lang, &mut fields, &errors.0);
    let page = FormPage {
        layout: Layout::new(app, &s.ctx, "industries", lang.t("profile.structure_edit")),
        action: format!("/industries/{id}/structure"),
        back_href: industry_href(id, "structure"),
        fields,
        version: Some(version),
        summary,
        conflict: conflict.then(|| conflict_text(lang)),
    };
    Ok((status, render(&page)?).into_response())
}

fn structure_input(p: &IndustryProfile) -> (StructureInput, i64) {
    match &p.structure {
        Some(st) => (
            StructureInput {
                leader_name: st.leader_name.clone(),
                leader_title: st.leader_title.clone(),
                lead_department_id: st.lead_department_id,
                responsible_department_ids: st.responsible_department_ids.clone(),
                provincial_counterpart: st.provincial_counterpart.clone(),
            },
            st.version,
        ),
        None => (StructureInput::default(), 0),
    }
}

async fn structure_edit(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
) -> AppResult<Response> {
    app.service.profile_editor(&s.actor, path.industry)?;
    let p = app
        .service
        .profile_reader(&s.actor, path.industry)?
        .profile()
        .await?;
    let (input, version) = structure_input(&p);
    structure_form(
        &app,
        &s,
        path.industry,
        &input,
        version,
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn structure_save(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
    body: Bytes,
) -> AppResult<Response> {
    let id = path.industry;
    let form = FormData::parse(&body);
    let mut errs = FieldErrors::new();
    let input = StructureInput {
        leader_name: form.opt("leader_name"),
        leader_title: form.opt("leader_title"),
        lead_department_id: form.opt_id("lead_department_id", &mut errs),
        responsible_department_ids: form.ids("responsible_department_ids", &mut errs),
        provincial_counterpart: form.opt("provincial_counterpart"),
    };
    let Some(version) = form.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    if !errs.is_empty() {
        app.service.profile_editor(&s.actor, id)?;
        return structure_form(
            &app,
            &s,
            id,
            &input,
            version,
            &errs,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match app
        .service
        .profile_editor(&s.actor, id)?
        .save_industry_structure(version, input.clone())
        .await
    {
        Ok(_) => Ok(saved_redirect(id, "structure")),
        Err(ServiceError::Invalid(e)) => {
            structure_form(
                &app,
                &s,
                id,
                &input,
                version,
                &e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::Conflict) => {
            let p = app.service.profile_reader(&s.actor, id)?.profile().await?;
            let (cur, v) = structure_input(&p);
            structure_form(
                &app,
                &s,
                id,
                &cur,
                v,
                &FieldErrors::new(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- plan status and files

fn plan_of(p: &IndustryProfile, id: i64) -> AppResult<&SpecialPlan> {
    p.special_plans
        .iter()
        .map(|e| &e.plan)
        .find(|x| x.id == id)
        .ok_or(AppError::Service(ServiceError::NotFound))
}

#[allow(clippy::too_many_arguments)]
async fn move_form(
    app: &AppState,
    s: &Signed,
    id: i64,
    plan: &SpecialPlan,
    date: Option<NaiveDate>,
    errors: &FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let next: Vec<(String, String)> = plan
        .status
        .next()
        .map(|n| (n.code().to_string(), lang.t(&n.label_key())))
        .into_iter()
        .collect();
    let mut fields = vec![
        FormField::new(
            lang,
            "status",
            FieldKind::Select,
            next.first().map(|n| n.0.clone()).unwrap_or_default(),
        )
        .options(next, None)
        .required()
        .hint(lang.t_with(
            "profile.move_hint",
            &[
                ("title", &plan.plan_title),
                ("status", &lang.t(&plan.status.label_key())),
                ("date", &plan.status_date().to_string()),
            ],
        )),
        date_field(lang, "date", date).required(),
    ];
    let summary = attach_errors(lang, &mut fields, &errors.0);
    let page = FormPage {
        layout: Layout::new(app, &s.ctx, "industries", lang.t("profile.plan_move_title")),
        action: format!("/industries/{id}/special-plans/{}/status", plan.id),
        back_href: industry_href(id, "plans"),
        fields,
        version: Some(plan.version),
        summary,
        conflict: conflict.then(|| conflict_text(lang)),
    };
    Ok((status, render(&page)?).into_response())
}

async fn plan_move_form(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
) -> AppResult<Response> {
    let plan_id = path.a.ok_or(AppError::Service(ServiceError::NotFound))?;
    app.service.profile_editor(&s.actor, path.industry)?;
    let p = app
        .service
        .profile_reader(&s.actor, path.industry)?
        .profile()
        .await?;
    let plan = plan_of(&p, plan_id)?;
    let today = p.today;
    move_form(
        &app,
        &s,
        path.industry,
        plan,
        Some(today),
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn plan_move(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
    body: Bytes,
) -> AppResult<Response> {
    let id = path.industry;
    let plan_id = path.a.ok_or(AppError::Service(ServiceError::NotFound))?;
    let form = FormData::parse(&body);
    let mut errs = FieldErrors::new();
    let status = form.choice(
        "status",
        dongneng_domain::profile::PlanStatus::parse,
        &mut errs,
    );
    let date = form.required_date("date", &mut errs);
    let Some(version) = form.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    let result = match status {
        Some(status) if errs.is_empty() => {
            app.service
                .profile_editor(&s.actor, id)?
                .move_special_plan(plan_id, version, PlanStatusMove { status, date })
                .await
        }
        _ => {
            app.service.profile_editor(&s.actor, id)?;
            Err(ServiceError::Invalid(errs))
        }
    };
    match result {
        Ok(_) => Ok(saved_redirect(id, "plans")),
        Err(ServiceError::Invalid(e)) => {
            let p = app.service.profile_reader(&s.actor, id)?.profile().await?;
            let plan = plan_of(&p, plan_id)?;
            let shown = (date != NaiveDate::default()).then_some(date);
            move_form(
                &app,
                &s,
                id,
                plan,
                shown,
                &e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::Conflict) => {
            let p = app.service.profile_reader(&s.actor, id)?.profile().await?;
            let plan = plan_of(&p, plan_id)?;
            move_form(
                &app,
                &s,
                id,
                plan,
                Some(p.today),
                &FieldErrors::new(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn file_upload(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let id = path.industry;
    let plan_id = path.a.ok_or(AppError::Service(ServiceError::NotFound))?;
    app.service.profile_editor(&s.actor, id)?;
    let lang = s.ctx.lang;
    let result = match read_upload(multipart).await {
        Ok(up) => app
            .service
            .profile_editor(&s.actor, id)?
            .upload_plan_file(
                plan_id,
                up.name.as_deref(),
                up.content_type.as_deref(),
                up.bytes,
            )
            .await
            .map(|_| ()),
        Err(AppError::Service(e)) => Err(e),
        Err(other) => return Err(other),
    };
    match result {
        Ok(()) => Ok(saved_redirect(id, "plans")),
        Err(ServiceError::Invalid(e)) => {
            let msg =
                e.0.iter()
                    .map(|f| lang.field_message(f))
                    .collect::<Vec<_>>()
                    .join(" ");
            render_profile(
                &app,
                &s,
                id,
                None,
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn file_download(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
) -> AppResult<Response> {
    let (plan, file) = path
        .a
        .zip(path.b)
        .ok_or(AppError::Service(ServiceError::NotFound))?;
    let (meta, bytes) = app
        .service
        .profile_reader(&s.actor, path.industry)?
        .download_plan_file(plan, file)
        .await?;
    Ok(file_response(&meta, bytes))
}

async fn file_delete_confirm(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
) -> AppResult<Response> {
    let (plan, file) = path
        .a
        .zip(path.b)
        .ok_or(AppError::Service(ServiceError::NotFound))?;
    app.service.profile_editor(&s.actor, path.industry)?;
    let p = app
        .service
        .profile_reader(&s.actor, path.industry)?
        .profile()
        .await?;
    let (entry, f) = p
        .special_plans
        .iter()
        .filter(|e| e.plan.id == plan)
        .find_map(|e| e.files.iter().find(|f| f.id == file).map(|f| (e, f)))
        .ok_or(AppError::Service(ServiceError::NotFound))?;
    let lang = s.ctx.lang;
    let page = ConfirmDeletePage {
        layout: Layout::new(&app, &s.ctx, "industries", lang.t("profile.delete_title")),
        facts: vec![
            (
                lang.field_label("plan_title"),
                entry.plan.plan_title.clone(),
            ),
            (lang.t("profile.file_label"), f.file_name.clone()),
        ],
        action: format!(
            "/industries/{}/special-plans/{plan}/files/{file}/delete",
            path.industry
        ),
        version: f.version,
        back_href: industry_href(path.industry, "plans"),
    };
    Ok(render(&page)?.into_response())
}

async fn file_delete(
    State(app): State<AppState>,
    s: Signed,
    path: PagePath,
    body: Bytes,
) -> AppResult<Response> {
    let (plan, file) = path
        .a
        .zip(path.b)
        .ok_or(AppError::Service(ServiceError::NotFound))?;
    let Some(version) = FormData::parse(&body).version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    match app
        .service
        .profile_editor(&s.actor, path.industry)?
        .delete_plan_file(plan, file, version)
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/industries/{}?deleted=1#plans", path.industry)).into_response(),
        ),
        Err(ServiceError::Conflict) => Ok(Redirect::to(&format!(
            "/industries/{}?conflict=1#plans",
            path.industry
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}
