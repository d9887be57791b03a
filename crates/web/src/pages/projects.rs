//! The project library's pages: the list with filters, totals and warning colours; the
//! project page with its timeline and the forms to move stages, report progress, set factor
//! needs and batches, leave or re-enter the library; create and edit; the "as at" view.

use super::forms::{FieldKind, FormData, FormField, attach_errors};
use super::{Layout, render};
use crate::AppState;
use crate::api::projects::{AsAtQuery, ProjectListQuery};
use crate::context::{Signed, urlencode};
use crate::error::{AppError, AppResult};
use crate::extract::{Id, Query};
use crate::i18n::{Lang, china_time};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::clock;
use dongneng_domain::money::Money;
use dongneng_domain::project::{
    FactorInput, FactorKind, LibraryClass, Nature, ProgressInput, ProjectInput, Quantity, Stage,
};
use dongneng_domain::warning::{Level, Reason};
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_service::ServiceError;
use dongneng_service::projects::{CreateProject, ProjectDetail};
use dongneng_store::{Industry, Project, ProjectSums, Region};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list).post(create))
        .route("/projects/new", get(new_form))
        .route("/projects/as-at", get(as_at))
        .route("/projects/{id}", get(detail))
        .route("/projects/{id}/edit", get(edit_form).post(update))
        .route("/projects/{id}/stage", post(stage))
        .route("/projects/{id}/leave", post(leave))
        .route("/projects/{id}/enter", post(enter))
        .route("/projects/{id}/progress", post(progress))
        .route("/projects/{id}/factors", post(factor))
        .route("/projects/{id}/batch", post(batch))
        .route("/projects/warning-rules", get(rules_form).post(rules_save))
        .route("/warnings", get(warnings))
}

/// The warnings area: the library with red projects first, each with its reasons.
async fn warnings(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    app.service.open_area(&s.actor, super::area("warnings")?)?;
    Ok(Redirect::to("/projects?sort=warning&order=desc").into_response())
}

const RULE_FIELDS: [&str; 5] = [
    "yellow_points",
    "red_points",
    "report_due_day",
    "start_red_days",
    "factor_red_days",
];

fn rule_values(r: &dongneng_domain::warning::WarningRules) -> [u32; 5] {
    [
        r.yellow_points,
        r.red_points,
        r.report_due_day,
        r.start_red_days,
        r.factor_red_days,
    ]
}

async fn rules_page(
    app: &AppState,
    s: &Signed,
    values: [String; 5],
    errors: &FieldErrors,
    status: StatusCode,
    flash: Option<String>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let mut fields: Vec<FormField> = RULE_FIELDS
        .iter()
        .zip(values)
        .map(|(f, v)| FormField::new(lang, f, FieldKind::Number, v).required())
        .collect();
    let summary = attach_errors(lang, &mut fields, &errors.0);
    let mut summary = summary;
    summary.insert(0, lang.t("warning.rules_intro"));
    let page = super::admin::FormPage {
        layout: Layout::new(app, &s.ctx, "projects", lang.t("warning.rules_title"))
            .with_flash(flash),
        action: "/projects/warning-rules".into(),
        back_href: "/projects".into(),
        fields,
        version: None,
        summary: if errors.is_empty() { vec![] } else { summary },
        conflict: None,
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(serde::Deserialize, Default)]
struct SavedFlag {
    saved: Option<String>,
}

async fn rules_form(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<SavedFlag>,
) -> AppResult<Response> {
    let r = app
        .service
        .settings_editor(&s.actor)?
        .warning_rules()
        .await?;
    let values = rule_values(&r).map(|v| v.to_string());
    let flash = q.saved.map(|_| s.ctx.t("common.saved"));
    rules_page(&app, &s, values, &FieldErrors::new(), StatusCode::OK, flash).await
}

async fn rules_save(State(app): State<AppState>, s: Signed, body: Bytes) -> AppResult<Response> {
    app.service.settings_editor(&s.actor)?;
    let f = FormData::parse(&body);
    let mut errs = FieldErrors::new();
    let mut nums = [0u32; 5];
    for (i, name) in RULE_FIELDS.iter().enumerate() {
        nums[i] = f.get(name).trim().parse::<u32>().unwrap_or_else(|_| {
            errs.add(name, "not_integer");
            0
        });
    }
    let values = RULE_FIELDS.map(|n| f.get(n));
    if errs.is_empty() {
        let rules = dongneng_domain::warning::WarningRules {
            yellow_points: nums[0],
            red_points: nums[1],
            report_due_day: nums[2],
            start_red_days: nums[3],
            factor_red_days: nums[4],
        };
        match app
            .service
            .settings_editor(&s.actor)?
            .set_warning_rules(rules)
            .await
        {
            Ok(_) => return Ok(Redirect::to("/projects/warning-rules?saved=1").into_response()),
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(e) => return Err(e.into()),
        }
    }
    rules_page(
        &app,
        &s,
        values,
        &errs,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
    )
    .await
}

/// Names for ids, in the user's language.
struct Names {
    regions: Vec<Region>,
    industries: Vec<Industry>,
    lang: Lang,
}

impl Names {
    async fn load(app: &AppState, s: &Signed) -> AppResult<Names> {
        Ok(Names {
            regions: app.service.reference(&s.actor)?.list_regions().await?,
            industries: app.service.reference(&s.actor)?.list_industries().await?,
            lang: s.ctx.lang,
        })
    }
    fn region(&self, id: i64) -> String {
        self.regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| {
                if self.lang == Lang::En {
                    r.name_en.clone()
                } else {
                    r.short_name.clone().unwrap_or(r.name_zh.clone())
                }
            })
            .unwrap_or_default()
    }
    fn industry(&self, id: i64) -> String {
        self.industries
            .iter()
            .find(|i| i.id == id)
            .map(|i| {
                if self.lang == Lang::En {
                    i.name_en.clone()
                } else {
                    i.name_zh.clone()
                }
            })
            .unwrap_or_default()
    }
    fn region_options(&self) -> Vec<(String, String)> {
        self.regions
            .iter()
            .filter(|r| r.parent_id.is_some())
            .map(|r| (r.id.to_string(), self.region(r.id)))
            .collect()
    }
    fn industry_options(&self) -> Vec<(String, String)> {
        self.industries
            .iter()
            .filter(|i| i.active)
            .map(|i| (i.id.to_string(), self.industry(i.id)))
            .collect()
    }
}

fn enum_options<T: Copy>(
    lang: Lang,
    prefix: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            (
                code(*v).to_string(),
                lang.t(&format!("{prefix}.{}", code(*v))),
            )
        })
        .collect()
}

/// One warning reason as a sentence.
pub fn reason_text(lang: Lang, r: &Reason) -> String {
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

pub struct SumsView {
    pub count: i64,
    pub total_yi: String,
    pub plan_yi: String,
    pub completed_yi: String,
    pub year_completed_yi: String,
    pub rate: String,
    pub time: String,
    pub red: i64,
    pub yellow: i64,
    pub green: i64,
    pub stages: Vec<(String, i64)>,
}

fn sums_view(lang: Lang, s: &ProjectSums, month: Option<u32>) -> SumsView {
    SumsView {
        count: s.count,
        total_yi: s.total_investment.yi_display(),
        plan_yi: s.year_plan.yi_display(),
        completed_yi: s.completed.yi_display(),
        year_completed_yi: s.year_completed.yi_display(),
        rate: rate(s.year_completed, s.year_plan),
        time: month
            .map(|m| format!("{:.1}%", m as f64 * 100.0 / 12.0))
            .unwrap_or_else(|| "—".into()),
        red: s.red,
        yellow: s.yellow,
        green: s.green,
        stages: vec![
            (lang.t("stage.planning"), s.planning),
            (lang.t("stage.reserve"), s.reserve),
            (lang.t("stage.started"), s.started),
            (lang.t("stage.completed"), s.completed_stage),
        ],
    }
}

pub struct Row {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub owner: String,
    pub region: String,
    pub industry: String,
    pub class: String,
    pub stage: String,
    pub total: String,
    pub plan: String,
    pub completed: String,
    pub rate: String,
    pub level: &'static str,
    pub level_label: String,
    pub reasons: String,
}

fn row(names: &Names, p: &Project) -> Row {
    let lang = names.lang;
    Row {
        id: p.id,
        code: p
            .code
            .clone()
            .unwrap_or_else(|| lang.t("project.code_pending")),
        name: p.name.clone(),
        owner: p.owner_name.clone(),
        region: names.region(p.region_id),
        industry: names.industry(p.industry_id),
        class: lang.t(&format!("library_class.{}", p.library_class.code())),
        stage: lang.t(&format!("stage.{}", p.stage.code())),
        total: wan(p.total_investment),
        plan: wan(p.year_plan),
        completed: wan(p.completed_investment),
        rate: rate(p.year_completed, p.year_plan),
        level: p.warning_level.code(),
        level_label: lang.t(&format!("level.{}", p.warning_level.code())),
        reasons: p
            .warning_reasons
            .iter()
            .map(|r| reason_text(lang, r))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

/// The filter bar's state.
pub struct Filters {
    pub q: String,
    pub industry: Vec<(String, String, bool)>,
    pub region: Vec<(String, String, bool)>,
    pub stage: Vec<(String, String, bool)>,
    pub class: Vec<(String, String, bool)>,
    pub warning: Vec<(String, String, bool)>,
    pub in_library: Vec<(String, String, bool)>,
    pub sort: Vec<(String, String, bool)>,
    pub batch_year: String,
    /// The query string of the current filters (for export and paging links).
    pub query: String,
}

fn mark(opts: Vec<(String, String)>, selected: Option<String>) -> Vec<(String, String, bool)> {
    let sel = selected.unwrap_or_default();
    opts.into_iter()
        .map(|(v, l)| {
            let s = v == sel;
            (v, l, s)
        })
        .collect()
}

fn filters(names: &Names, q: &ProjectListQuery) -> Filters {
    let lang = names.lang;
    let mut query: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            query.push((k.to_string(), v));
        }
    };
    put("q", q.q.clone());
    put("industry", q.industry.map(|v| v.to_string()));
    put("region", q.region.map(|v| v.to_string()));
    put("stage", q.stage.map(|v| v.code().to_string()));
    put("class", q.class.map(|v| v.code().to_string()));
    put("warning", q.warning.map(|v| v.code().to_string()));
    put("in_library", q.in_library.clone());
    put("batch_year", q.batch_year.map(|v| v.to_string()));
    put("sort", q.sort.map(|s| sort_code(s).to_string()));
    let query = query
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let all = lang.t("project.all");
    let with_all = |opts: Vec<(String, String)>| {
        let mut v = vec![(String::new(), all.clone())];
        v.extend(opts);
        v
    };
    Filters {
        q: q.q.clone().unwrap_or_default(),
        industry: mark(
            with_all(names.industry_options()),
            q.industry.map(|v| v.to_string()),
        ),
        region: mark(
            with_all(names.region_options()),
            q.region.map(|v| v.to_string()),
        ),
        stage: mark(
            with_all(enum_options(lang, "stage", Stage::ALL, Stage::code)),
            q.stage.map(|v| v.code().to_string()),
        ),
        class: mark(
            with_all(enum_options(
                lang,
                "library_class",
                LibraryClass::ALL,
                LibraryClass::code,
            )),
            q.class.map(|v| v.code().to_string()),
        ),
        warning: mark(
            with_all(
                Level::ALL
                    .iter()
                    .map(|l| (l.code().to_string(), lang.t(&format!("level.{}", l.code()))))
                    .collect(),
            ),
            q.warning.map(|v| v.code().to_string()),
        ),
        in_library: mark(
            vec![
                (String::new(), lang.t("project.in")),
                ("false".into(), lang.t("project.left")),
                ("all".into(), lang.t("project.all_status")),
            ],
            q.in_library.clone(),
        ),
        sort: mark(
            vec![
                ("updated".into(), lang.t("project.sort_updated")),
                ("name".into(), lang.t("project.sort_name")),
                ("total_investment".into(), lang.t("project.sort_total")),
                ("completed".into(), lang.t("project.sort_completed")),
                ("warning".into(), lang.t("project.sort_warning")),
            ],
            q.sort.map(|s| sort_code(s).to_string()),
        ),
        batch_year: q.batch_year.map(|y| y.to_string()).unwrap_or_default(),
        query,
    }
}

fn sort_code(s: dongneng_store::ProjectSort) -> &'static str {
    use dongneng_store::ProjectSort::*;
    match s {
        Updated => "updated",
        Name => "name",
        Code => "code",
        TotalInvestment => "total_investment",
        YearPlan => "year_plan",
        Completed => "completed",
        Stage => "stage",
        Warning => "warning",
    }
}

#[derive(Template)]
#[template(path = "projects_list.html")]
struct ListPage {
    layout: Layout,
    filters: Filters,
    filter_action: &'static str,
    hidden: Vec<(String, String)>,
    show_warning: bool,
    sums: SumsView,
    rows: Vec<Row>,
    can_edit: bool,
    can_set_rules: bool,
    page_line: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    as_at_href: String,
}

async fn list(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<ProjectListQuery>,
) -> AppResult<Response> {
    let page = q.page();
    let (items, sums) = app
        .service
        .programme(&s.actor)?
        .list_projects(&q.to_query()?, page)
        .await?;
    let names = Names::load(&app, &s).await?;
    let lang = s.ctx.lang;
    let f = filters(&names, &q);
    let pages = ((sums.count + page.per_page as i64 - 1) / page.per_page as i64).max(1) as u32;
    let link = |p: u32| format!("/projects?{}&page={p}", f.query);
    let today = clock::today();
    let last = if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    };
    let p = ListPage {
        layout: Layout::new(&app, &s.ctx, "projects", lang.t("project.list_title"))
            .with_flash(q_flash(&s, &q)),
        sums: sums_view(
            lang,
            &sums,
            dongneng_domain::warning::reporting_month(today),
        ),
        rows: items.iter().map(|p| row(&names, p)).collect(),
        can_edit: app.service.library_editor(&s.actor).is_ok(),
        can_set_rules: app.service.settings_editor(&s.actor).is_ok(),
        page_line: lang.t_with(
            "common.page_of",
            &[
                ("page", &page.page.to_string()),
                ("pages", &pages.to_string()),
            ],
        ),
        prev_href: (page.page > 1).then(|| link(page.page - 1)),
        next_href: (page.page < pages).then(|| link(page.page + 1)),
        as_at_href: format!("/projects/as-at?year={}&month={}", last.0, last.1),
        filters: f,
        filter_action: "/projects",
        hidden: vec![],
        show_warning: true,
    };
    Ok(render(&p)?.into_response())
}

fn q_flash(_s: &Signed, _q: &ProjectListQuery) -> Option<String> {
    None
}

// ------------------------------------------------------------------ create and edit

fn project_fields(lang: Lang, names: &Names, i: &ProjectInput) -> Vec<FormField> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    vec![
        FormField::new(lang, "name", FieldKind::Text, i.name.clone()).required(),
        FormField::new(lang, "code", FieldKind::Text, opt(&i.code)),
        FormField::new(lang, "owner_name", FieldKind::Text, i.owner_name.clone()).required(),
        FormField::new(
            lang,
            "owner_credit_code",
            FieldKind::Text,
            opt(&i.owner_credit_code),
        ),
        FormField::new(
            lang,
            "region_id",
            FieldKind::Select,
            if i.region_id > 0 {
                i.region_id.to_string()
            } else {
                String::new()
            },
        )
        .options(names.region_options(), Some(lang.t("common.not_set")))
        .required(),
        FormField::new(
            lang,
            "industry_id",
            FieldKind::Select,
            if i.industry_id > 0 {
                i.industry_id.to_string()
            } else {
                String::new()
            },
        )
        .options(names.industry_options(), Some(lang.t("common.not_set")))
        .required(),
        FormField::new(lang, "gbt_section", FieldKind::Text, opt(&i.gbt_section)),
        FormField::new(lang, "gbt_division", FieldKind::Text, opt(&i.gbt_division)),
        FormField::new(
            lang,
            "library_class",
            FieldKind::Select,
            i.library_class.code(),
        )
        .options(
            enum_options(lang, "library_class", LibraryClass::ALL, LibraryClass::code),
            None,
        )
        .required(),
        FormField::new(lang, "nature", FieldKind::Select, i.nature.code())
            .options(
                enum_options(lang, "nature", Nature::ALL, Nature::code),
                None,
            )
            .required(),
        FormField::new(lang, "content", FieldKind::Textarea, i.content.clone()),
        FormField::new(
            lang,
            "total_investment",
            FieldKind::Text,
            if i.total_investment.0 > 0 {
                i.total_investment.wan_exact()
            } else {
                String::new()
            },
        )
        .required(),
        FormField::new(
            lang,
            "initial_completed",
            FieldKind::Text,
            i.initial_completed.wan_exact(),
        ),
        FormField::new(
            lang,
            "planned_start",
            FieldKind::Date,
            date(i.planned_start),
        ),
        FormField::new(lang, "actual_start", FieldKind::Date, date(i.actual_start)),
        FormField::new(
            lang,
            "planned_finish",
            FieldKind::Date,
            date(i.planned_finish),
        ),
        FormField::new(
            lang,
            "actual_finish",
            FieldKind::Date,
            date(i.actual_finish),
        ),
        FormField::new(
            lang,
            "responsible_unit",
            FieldKind::Text,
            opt(&i.responsible_unit),
        ),
        FormField::new(
            lang,
            "leader_in_charge",
            FieldKind::Text,
            opt(&i.leader_in_charge),
        ),
        FormField::new(lang, "contact_name", FieldKind::Text, opt(&i.contact_name)),
        FormField::new(
            lang,
            "contact_phone",
            FieldKind::Text,
            opt(&i.contact_phone),
        ),
    ]
}

fn money_field(f: &FormData, name: &str, errs: &mut FieldErrors) -> Money {
    match f.opt(name) {
        None => Money::ZERO,
        Some(v) => Money::parse_wan(&v).unwrap_or_else(|e| {
            errs.add(name, e.code());
            Money::ZERO
        }),
    }
}

fn date_field(f: &FormData, name: &str, errs: &mut FieldErrors) -> Option<NaiveDate> {
    let v = f.opt(name)?;
    NaiveDate::parse_from_str(&v, "%Y-%m-%d")
        .map_err(|_| errs.add(name, "date"))
        .ok()
}

fn input_from_form(f: &FormData, errs: &mut FieldErrors) -> ProjectInput {
    let id = |name: &str, errs: &mut FieldErrors| match f.opt_id(name, errs) {
        Some(v) => v,
        None => {
            if !errs.0.iter().any(|e| e.field == name) {
                errs.add(name, "required");
            }
            0
        }
    };
    let region_id = id("region_id", errs);
    let industry_id = id("industry_id", errs);
    let class = LibraryClass::parse(&f.get("library_class")).unwrap_or_else(|| {
        errs.add("library_class", "one_of");
        LibraryClass::CityMajor
    });
    let nature = Nature::parse(&f.get("nature")).unwrap_or_else(|| {
        errs.add("nature", "one_of");
        Nature::New
    });
    let total = if f.opt("total_investment").is_none() {
        errs.add("total_investment", "required");
        Money::ZERO
    } else {
        money_field(f, "total_investment", errs)
    };
    ProjectInput {
        code: f.opt("code"),
        name: f.get("name"),
        owner_name: f.get("owner_name"),
        owner_credit_code: f.opt("owner_credit_code"),
        region_id,
        industry_id,
        gbt_section: f.opt("gbt_section"),
        gbt_division: f.opt("gbt_division"),
        library_class: class,
        nature,
        content: f.get("content"),
        total_investment: total,
        initial_completed: money_field(f, "initial_completed", errs),
        planned_start: date_field(f, "planned_start", errs),
        actual_start: date_field(f, "actual_start", errs),
        planned_finish: date_field(f, "planned_finish", errs),
        actual_finish: date_field(f, "actual_finish", errs),
        responsible_unit: f.opt("responsible_unit"),
        leader_in_charge: f.opt("leader_in_charge"),
        contact_name: f.opt("contact_name"),
        contact_phone: f.opt("contact_phone"),
    }
}

fn blank_input() -> ProjectInput {
    ProjectInput {
        code: None,
        name: String::new(),
        owner_name: String::new(),
        owner_credit_code: None,
        region_id: 0,
        industry_id: 0,
        gbt_section: None,
        gbt_division: None,
        library_class: LibraryClass::CityMajor,
        nature: Nature::New,
        content: String::new(),
        total_investment: Money::ZERO,
        initial_completed: Money::ZERO,
        planned_start: None,
        actual_start: None,
        planned_finish: None,
        actual_finish: None,
        responsible_unit: None,
        leader_in_charge: None,
        contact_name: None,
        contact_phone: None,
    }
}

#[allow(clippy::too_many_arguments)]
async fn project_form(
    app: &AppState,
    s: &Signed,
    id: Option<i64>,
    input: &ProjectInput,
    extra: Option<(String, String, String)>,
    version: Option<i64>,
    errors: &FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let names = Names::load(app, s).await?;
    let mut fields = project_fields(lang, &names, input);
    if let Some((stage, year, plan)) = extra {
        fields.insert(
            4,
            FormField::new(lang, "stage", FieldKind::Select, stage)
                .options(enum_options(lang, "stage", Stage::ALL, Stage::code), None)
                .required(),
        );
        fields.push(FormField::new(lang, "batch_year", FieldKind::Number, year));
        fields.push(FormField::new(lang, "year_plan", FieldKind::Text, plan));
    }
    let summary = attach_errors(lang, &mut fields, &errors.0);
    let page = super::admin::FormPage {
        layout: Layout::new(
            app,
            &s.ctx,
            "projects",
            lang.t(if id.is_some() {
                "project.edit_title"
            } else {
                "project.new_title"
            }),
        ),
        action: id
            .map(|i| format!("/projects/{i}/edit"))
            .unwrap_or("/projects".into()),
        back_href: id
            .map(|i| format!("/projects/{i}"))
            .unwrap_or("/projects".into()),
        fields,
        version,
        summary,
        conflict: conflict.then(|| {
            format!(
                "{} {}",
                lang.t("error.conflict"),
                lang.t("error.conflict_current")
            )
        }),
    };
    Ok((status, render(&page)?).into_response())
}

async fn new_form(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    app.service.library_editor(&s.actor)?;
    let year = clock::today().year().to_string();
    project_form(
        &app,
        &s,
        None,
        &blank_input(),
        Some(("reserve".into(), year, String::new())),
        None,
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn create(State(app): State<AppState>, s: Signed, body: Bytes) -> AppResult<Response> {
    app.service.library_editor(&s.actor)?;
    let f = FormData::parse(&body);
    let mut errs = FieldErrors::new();
    let input = input_from_form(&f, &mut errs);
    let stage = Stage::parse(&f.get("stage")).unwrap_or_else(|| {
        errs.add("stage", "one_of");
        Stage::Planning
    });
    let batch_year = match f.opt("batch_year") {
        None => None,
        Some(y) => y
            .parse::<i32>()
            .map_err(|_| errs.add("batch_year", "not_integer"))
            .ok(),
    };
    let year_plan = f.opt("year_plan").and_then(|v| {
        Money::parse_wan(&v)
            .map_err(|e| errs.add("year_plan", e.code()))
            .ok()
    });
    let extra = Some((f.get("stage"), f.get("batch_year"), f.get("year_plan")));
    if errs.is_empty() {
        let req = CreateProject {
            input: input.clone(),
            stage,
            batch_year,
            year_plan,
            factors: vec![],
        };
        match app
            .service
            .library_editor(&s.actor)?
            .create_project(req)
            .await
        {
            Ok(p) => {
                return Ok(Redirect::to(&format!("/projects/{}?saved=1", p.id)).into_response());
            }
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(e) => return Err(e.into()),
        }
    }
    project_form(
        &app,
        &s,
        None,
        &input,
        extra,
        None,
        &errs,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn edit_form(State(app): State<AppState>, s: Signed, Id(id): Id) -> AppResult<Response> {
    app.service.library_editor(&s.actor)?;
    let p = app.service.programme(&s.actor)?.get_project(id).await?;
    project_form(
        &app,
        &s,
        Some(id),
        &p.input(),
        None,
        Some(p.version),
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn update(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let f = FormData::parse(&body);
    let Some(version) = f.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    let mut errs = FieldErrors::new();
    let input = input_from_form(&f, &mut errs);
    if errs.is_empty() {
        match app
            .service
            .project_editor(&s.actor, id)
            .await?
            .update(version, input.clone())
            .await
        {
            Ok(_) => return Ok(Redirect::to(&format!("/projects/{id}?saved=1")).into_response()),
            Err(ServiceError::Invalid(e)) => errs = e,
            Err(ServiceError::Conflict) => {
                let cur = app.service.programme(&s.actor)?.get_project(id).await?;
                return project_form(
                    &app,
                    &s,
                    Some(id),
                    &cur.input(),
                    None,
                    Some(cur.version),
                    &FieldErrors::new(),
                    true,
                    StatusCode::CONFLICT,
                )
                .await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    project_form(
        &app,
        &s,
        Some(id),
        &input,
        None,
        Some(version),
        &errs,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

// ------------------------------------------------------------------ the project page

pub struct KV {
    pub label: String,
    pub value: String,
}

pub struct ProgressRowView {
    pub month: String,
    pub month_investment: String,
    pub ytd: String,
    pub cumulative: String,
    pub image_progress: String,
    pub milestone: String,
    pub problems: String,
    pub next_steps: String,
    pub by: String,
}

pub struct FactorView {
    pub kind: String,
    pub unit: String,
    pub required: String,
    pub fulfilled: String,
    pub needed_by: String,
    pub met: bool,
    pub note: String,
}

pub struct HistoryView {
    pub at: String,
    pub who: String,
    pub action: String,
    pub changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "project_detail.html")]
struct DetailPage {
    layout: Layout,
    id: i64,
    version: i64,
    level: &'static str,
    level_label: String,
    reasons: Vec<String>,
    basics: Vec<KV>,
    money: Vec<KV>,
    dates: Vec<KV>,
    people: Vec<KV>,
    stage_label: String,
    in_library: bool,
    left_line: Option<String>,
    can_edit: bool,
    moves: Vec<(String, String)>,
    batches: Vec<(String, String)>,
    progress: Vec<ProgressRowView>,
    factors: Vec<FactorView>,
    factor_kinds: Vec<(String, String)>,
    events: Vec<(String, String, String, String)>,
    history: Vec<HistoryView>,
    errors: Vec<String>,
    today: String,
    this_year: i32,
    last_year_month: (i32, u32),
}

/// Field labels for the fields a history entry shows, in display order.
const HISTORY_FIELDS: &[&str] = &[
    "code",
    "name",
    "owner_name",
    "region_id",
    "industry_id",
    "library_class",
    "nature",
    "stage",
    "in_library",
    "total_investment",
    "initial_completed",
    "planned_start",
    "actual_start",
    "planned_finish",
    "actual_finish",
    "responsible_unit",
    "leader_in_charge",
    "month_investment",
    "year",
    "month",
    "required",
    "fulfilled",
    "needed_by",
    "kind",
    "planned_investment",
];

fn history_view(lang: Lang, names: &Names, e: &dongneng_store::AuditEntry) -> HistoryView {
    let show = |field: &str, v: Option<&serde_json::Value>| -> String {
        let Some(v) = v else { return String::new() };
        match (field, v) {
            (_, serde_json::Value::Null) => "—".into(),
            ("region_id", serde_json::Value::Number(n)) => names.region(n.as_i64().unwrap_or(0)),
            ("industry_id", serde_json::Value::Number(n)) => {
                names.industry(n.as_i64().unwrap_or(0))
            }
            (
                "total_investment" | "initial_completed" | "month_investment"
                | "planned_investment",
                serde_json::Value::Number(n),
            ) => Money(n.as_i64().unwrap_or(0)).wan_display(),
            ("stage", serde_json::Value::String(s)) => lang.t(&format!("stage.{s}")),
            ("library_class", serde_json::Value::String(s)) => {
                lang.t(&format!("library_class.{s}"))
            }
            ("nature", serde_json::Value::String(s)) => lang.t(&format!("nature.{s}")),
            ("kind", serde_json::Value::String(s)) => lang.t(&format!("factor_kind.{s}")),
            ("in_library", serde_json::Value::Bool(b)) => {
                lang.t(if *b { "common.yes" } else { "common.no" })
            }
            ("required" | "fulfilled", serde_json::Value::Number(n)) => {
                Quantity(n.as_i64().unwrap_or(0)).display()
            }
            (_, serde_json::Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        }
    };
    let mut changes = Vec::new();
    for f in HISTORY_FIELDS {
        let b = e.before.as_ref().and_then(|v| v.get(*f));
        let a = e.after.as_ref().and_then(|v| v.get(*f));
        if a.is_some() && b != a {
            changes.push((lang.field_label(f), show(f, b), show(f, a)));
        }
    }
    HistoryView {
        at: china_time(e.at),
        who: e.username.clone(),
        action: e.action.clone(),
        changes,
    }
}

async fn render_detail(
    app: &AppState,
    s: &Signed,
    d: ProjectDetail,
    errors: &FieldErrors,
    status: StatusCode,
    flash: Option<String>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let names = Names::load(app, s).await?;
    let p = &d.project;
    let kv = |k: &str, v: String| KV {
        label: lang.field_label(k),
        value: if v.is_empty() { "—".into() } else { v },
    };
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let can_edit = app.service.library_editor(&s.actor).is_ok()
        && app
            .service
            .programme(&s.actor)?
            .can_edit(p)
            .await
            .unwrap_or(false);
    let today = clock::today();
    let page = DetailPage {
        layout: Layout::new(app, &s.ctx, "projects", p.name.clone()).with_flash(flash),
        id: p.id,
        version: p.version,
        level: p.warning_level.code(),
        level_label: lang.t(&format!("level.{}", p.warning_level.code())),
        reasons: p
            .warning_reasons
            .iter()
            .map(|r| reason_text(lang, r))
            .collect(),
        basics: vec![
            kv(
                "code",
                p.code
                    .clone()
                    .unwrap_or_else(|| lang.t("project.code_pending")),
            ),
            kv("owner_name", p.owner_name.clone()),
            kv("owner_credit_code", opt(&p.owner_credit_code)),
            kv("region_id", names.region(p.region_id)),
            kv("industry_id", names.industry(p.industry_id)),
            kv(
                "gbt_section",
                format!("{} {}", opt(&p.gbt_section), opt(&p.gbt_division))
                    .trim()
                    .to_string(),
            ),
            kv(
                "library_class",
                lang.t(&format!("library_class.{}", p.library_class.code())),
            ),
            kv("nature", lang.t(&format!("nature.{}", p.nature.code()))),
            kv("content", p.content.clone()),
        ],
        money: vec![
            kv("total_investment", wan(p.total_investment)),
            kv(
                "year_plan",
                format!("{} ({})", wan(p.year_plan), p.plan_year),
            ),
            kv(
                "year_completed",
                format!(
                    "{} · {}",
                    wan(p.year_completed),
                    rate(p.year_completed, p.year_plan)
                ),
            ),
            kv("completed_investment", wan(p.completed_investment)),
            kv("initial_completed", wan(p.initial_completed)),
        ],
        dates: vec![
            kv("planned_start", date(p.planned_start)),
            kv("actual_start", date(p.actual_start)),
            kv("planned_finish", date(p.planned_finish)),
            kv("actual_finish", date(p.actual_finish)),
        ],
        people: vec![
            kv("responsible_unit", opt(&p.responsible_unit)),
            kv("leader_in_charge", opt(&p.leader_in_charge)),
            kv("contact_name", opt(&p.contact_name)),
            kv("contact_phone", opt(&p.contact_phone)),
        ],
        stage_label: lang.t(&format!("stage.{}", p.stage.code())),
        in_library: p.in_library,
        left_line: (!p.in_library).then(|| {
            lang.t_with(
                "project.left_on",
                &[("date", &date(p.left_on)), ("reason", &opt(&p.left_reason))],
            )
        }),
        can_edit,
        moves: p
            .stage
            .allowed_moves()
            .iter()
            .map(|m| (m.code().to_string(), lang.t(&format!("stage.{}", m.code()))))
            .collect(),
        batches: d
            .batches
            .iter()
            .map(|b| (b.year.to_string(), wan(b.planned_investment)))
            .collect(),
        progress: d
            .progress
            .iter()
            .map(|g| ProgressRowView {
                month: lang.t_with(
                    "project.month_label",
                    &[
                        ("year", &g.year.to_string()),
                        ("month", &g.month.to_string()),
                    ],
                ),
                month_investment: wan(g.month_investment),
                ytd: wan(g.ytd_investment),
                cumulative: wan(Money(g.cumulative_investment.0 + p.initial_completed.0)),
                image_progress: g.image_progress.clone(),
                milestone: g.milestone.clone(),
                problems: g.problems.clone(),
                next_steps: g.next_steps.clone(),
                by: format!("{} · {}", g.username, china_time(g.reported_at)),
            })
            .collect(),
        factors: d
            .factors
            .iter()
            .map(|f| FactorView {
                kind: lang.t(&format!("factor_kind.{}", f.kind.code())),
                unit: if lang == Lang::En {
                    f.kind.unit_en().into()
                } else {
                    f.kind.unit_zh().into()
                },
                required: f.required.display(),
                fulfilled: f.fulfilled.display(),
                needed_by: date(f.needed_by),
                met: f.fulfilled >= f.required,
                note: f.note.clone().unwrap_or_default(),
            })
            .collect(),
        factor_kinds: enum_options(lang, "factor_kind", FactorKind::ALL, FactorKind::code),
        events: d
            .events
            .iter()
            .map(|e| {
                let what = match e.kind.as_str() {
                    "stage" => format!(
                        "{}：{} → {}",
                        lang.t("project.event_stage"),
                        e.from_stage
                            .map(|s| lang.t(&format!("stage.{}", s.code())))
                            .unwrap_or_default(),
                        e.to_stage
                            .map(|s| lang.t(&format!("stage.{}", s.code())))
                            .unwrap_or_default()
                    ),
                    "leave" => lang.t("project.event_leave"),
                    _ => lang.t("project.event_enter"),
                };
                (
                    e.on_date.to_string(),
                    what,
                    e.note.clone(),
                    e.username.clone(),
                )
            })
            .collect(),
        history: d
            .history
            .iter()
            .map(|e| history_view(lang, &names, e))
            .collect(),
        errors: errors.0.iter().map(|e| lang.field_message(e)).collect(),
        today: today.to_string(),
        this_year: today.year(),
        last_year_month: if today.month() == 1 {
            (today.year() - 1, 12)
        } else {
            (today.year(), today.month() - 1)
        },
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(serde::Deserialize, Default)]
struct DetailQuery {
    saved: Option<String>,
}

async fn detail(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    Query(q): Query<DetailQuery>,
) -> AppResult<Response> {
    let d = app.service.programme(&s.actor)?.project_detail(id).await?;
    let flash = q.saved.map(|_| s.ctx.t("common.saved"));
    render_detail(&app, &s, d, &FieldErrors::new(), StatusCode::OK, flash).await
}

/// After a form on the project page: back to it on success, or the page again with the
/// errors (409 shows the conflict with the current state loaded).
async fn after_action<T>(
    app: &AppState,
    s: &Signed,
    id: i64,
    result: Result<T, ServiceError>,
) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?saved=1")).into_response()),
        Err(ServiceError::Invalid(e)) => {
            let d = app.service.programme(&s.actor)?.project_detail(id).await?;
            render_detail(app, s, d, &e, StatusCode::UNPROCESSABLE_ENTITY, None).await
        }
        Err(ServiceError::Conflict) => {
            let d = app.service.programme(&s.actor)?.project_detail(id).await?;
            let e = FieldErrors(vec![FieldError::new("version", "stale")]);
            render_detail(app, s, d, &e, StatusCode::CONFLICT, None).await
        }
        Err(e) => Err(e.into()),
    }
}

fn form_version(f: &FormData) -> AppResult<i64> {
    f.version()
        .ok_or_else(|| AppError::invalid("version", "missing_field"))
}

async fn stage(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let f = FormData::parse(&body);
    let version = form_version(&f)?;
    let mut errs = FieldErrors::new();
    let to = Stage::parse(&f.get("to"));
    let on = date_field(&f, "on_date", &mut errs);
    let result = match (to, errs.is_empty()) {
        (Some(to), true) => {
            app.service
                .project_editor(&s.actor, id)
                .await?
                .move_stage(version, to, on, &f.get("note"))
                .await
        }
        (None, _) => Err(ServiceError::field("to", "one_of")),
        (_, false) => Err(ServiceError::Invalid(errs)),
    };
    after_action(&app, &s, id, result).await
}

async fn leave(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let f = FormData::parse(&body);
    let version = form_version(&f)?;
    let mut errs = FieldErrors::new();
    let on = date_field(&f, "on_date", &mut errs);
    let result = if errs.is_empty() {
        app.service
            .project_editor(&s.actor, id)
            .await?
            .set_in_library(version, false, on, &f.get("reason"))
            .await
    } else {
        Err(ServiceError::Invalid(errs))
    };
    after_action(&app, &s, id, result).await
}

async fn enter(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let f = FormData::parse(&body);
    let version = form_version(&f)?;
    let result = app
        .service
        .project_editor(&s.actor, id)
        .await?
        .set_in_library(version, true, None, &f.get("note"))
        .await;
    after_action(&app, &s, id, result).await
}

async fn progress(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let f = FormData::parse(&body);
    let mut errs = FieldErrors::new();
    let year = f
        .get("year")
        .trim()
        .parse::<i32>()
        .map_err(|_| errs.add("year", "not_integer"))
        .unwrap_or(0);
    let month = f
        .get("month")
        .trim()
        .parse::<u32>()
        .map_err(|_| errs.add("month", "not_integer"))
        .unwrap_or(0);
    let amount = if f.opt("month_investment").is_none() {
        errs.add("month_investment", "required");
        Money::ZERO
    } else {
        money_field(&f, "month_investment", &mut errs)
    };
    let result = if errs.is_empty() {
        let input = ProgressInput {
            year,
            month,
            month_investment: amount,
            image_progress: f.get("image_progress"),
            milestone: f.get("milestone"),
            problems: f.get("problems"),
            next_steps: f.get("next_steps"),
        };
        app.service
            .project_editor(&s.actor, id)
            .await?
            .report_progress(input)
            .await
    } else {
        Err(ServiceError::Invalid(errs))
    };
    after_action(&app, &s, id, result).await
}

async fn factor(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let f = FormData::parse(&body);
    let mut errs = FieldErrors::new();
    let kind = FactorKind::parse(&f.get("kind"));
    let qty = |name: &str, errs: &mut FieldErrors| match f.opt(name) {
        None => Quantity(0),
        Some(v) => Quantity::parse(&v).unwrap_or_else(|e| {
            errs.add(name, e.code());
            Quantity(0)
        }),
    };
    let required = qty("required", &mut errs);
    let fulfilled = qty("fulfilled", &mut errs);
    let needed_by = date_field(&f, "needed_by", &mut errs);
    let result = match (kind, errs.is_empty()) {
        (Some(kind), true) => {
            let input = FactorInput {
                kind,
                required,
                fulfilled,
                needed_by,
                note: f.opt("note"),
            };
            app.service
                .project_editor(&s.actor, id)
                .await?
                .set_factor(input)
                .await
        }
        (None, _) => Err(ServiceError::field("kind", "one_of")),
        (_, false) => Err(ServiceError::Invalid(errs)),
    };
    after_action(&app, &s, id, result).await
}

async fn batch(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let f = FormData::parse(&body);
    let mut errs = FieldErrors::new();
    let year = f
        .get("batch_year")
        .trim()
        .parse::<i32>()
        .map_err(|_| errs.add("batch_year", "not_integer"))
        .unwrap_or(0);
    let plan = money_field(&f, "planned_investment", &mut errs);
    let result = if errs.is_empty() {
        app.service
            .project_editor(&s.actor, id)
            .await?
            .set_batch(year, plan)
            .await
    } else {
        Err(ServiceError::Invalid(errs))
    };
    after_action(&app, &s, id, result).await
}

// ------------------------------------------------------------------ as at a past month

pub struct AsAtRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub region: String,
    pub industry: String,
    pub stage: String,
    pub in_library: bool,
    pub total: String,
    pub plan: String,
    pub completed: String,
    pub year_completed: String,
}

#[derive(Template)]
#[template(path = "projects_as_at.html")]
struct AsAtPage {
    layout: Layout,
    heading: String,
    year: i32,
    month: u32,
    filters: Filters,
    filter_action: &'static str,
    hidden: Vec<(String, String)>,
    show_warning: bool,
    sums: SumsView,
    rows: Vec<AsAtRow>,
    prev_href: Option<String>,
    next_href: Option<String>,
    page_line: String,
}

async fn as_at(
    State(app): State<AppState>,
    s: Signed,
    Query(q): Query<AsAtQuery>,
) -> AppResult<Response> {
    let lf = q.filters();
    let page = lf.page();
    let (items, sums) = app
        .service
        .programme(&s.actor)?
        .projects_as_at(q.year, q.month, &lf.to_query()?, page)
        .await?;
    let names = Names::load(&app, &s).await?;
    let lang = s.ctx.lang;
    let f = filters(&names, &lf);
    let pages = ((sums.count + page.per_page as i64 - 1) / page.per_page as i64).max(1) as u32;
    let link = |p: u32| {
        format!(
            "/projects/as-at?year={}&month={}&{}&page={p}",
            q.year, q.month, f.query
        )
    };
    let p = AsAtPage {
        layout: Layout::new(&app, &s.ctx, "projects", lang.t("project.as_at_title")),
        heading: lang.t_with(
            "project.as_at_heading",
            &[
                ("year", &q.year.to_string()),
                ("month", &q.month.to_string()),
            ],
        ),
        year: q.year,
        month: q.month,
        sums: sums_view(lang, &sums, Some(q.month)),
        rows: items
            .iter()
            .map(|p| AsAtRow {
                id: p.id,
                code: p
                    .code
                    .clone()
                    .unwrap_or_else(|| lang.t("project.code_pending")),
                name: p.name.clone(),
                region: names.region(p.region_id),
                industry: names.industry(p.industry_id),
                stage: lang.t(&format!("stage.{}", p.stage.code())),
                in_library: p.in_library,
                total: wan(p.total_investment),
                plan: wan(p.year_plan),
                completed: wan(p.completed_investment),
                year_completed: wan(p.year_completed),
            })
            .collect(),
        page_line: lang.t_with(
            "common.page_of",
            &[
                ("page", &page.page.to_string()),
                ("pages", &pages.to_string()),
            ],
        ),
        prev_href: (page.page > 1).then(|| link(page.page - 1)),
        next_href: (page.page < pages).then(|| link(page.page + 1)),
        filters: f,
        filter_action: "/projects/as-at",
        hidden: vec![
            ("year".into(), q.year.to_string()),
            ("month".into(), q.month.to_string()),
        ],
        show_warning: false,
    };
    Ok(render(&p)?.into_response())
}
