//! The "new" and edit forms of reference data (regions, departments, industries, industry
//! groups): one set of handlers over [`RecordForm`], which says for each kind how a record
//! becomes a form and a form a save. Errors come back on the form naming their fields; a
//! stale edit shows the conflict with the current values loaded.

use super::admin::FormPage;
use super::forms::{FieldKind, FormData, FormField, attach_errors};
use super::{Layout, render};
use crate::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::extract::Id;
use crate::i18n::Lang;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use dongneng_domain::FieldErrors;
use dongneng_domain::reference::{
    DEPARTMENT_KINDS, DepartmentInput, IndustryGroupInput, IndustryInput, REGION_KINDS,
    RegionInput, TIERS_753,
};
use dongneng_service::ServiceError;
use dongneng_store::{Department, Industry, IndustryGroup, Region};
use std::future::Future;

/// One kind of reference record as the forms see it: the input type of the service, read
/// from and shown on a form.
pub trait RecordForm: Clone + Send + Sync + Sized + 'static {
    /// The stored record.
    type Row: Send + Sync;
    /// The area, which is also the list's path without the leading slash.
    const AREA: &'static str;
    /// Message key of the titles without its ending: `{TITLE}_new`, `{TITLE}_edit`.
    const TITLE: &'static str;

    fn of_row(row: &Self::Row) -> Self;
    fn version(row: &Self::Row) -> i64;
    /// The input a form holds, with the errors of fields that could not even be read.
    fn from_form(f: &FormData) -> (Self, FieldErrors);
    /// What the "new" form starts with.
    fn blank(app: &AppState, s: &Signed) -> impl Future<Output = AppResult<Self>> + Send;
    /// The form's fields showing this input; `id` is the record being edited.
    fn fields(
        &self,
        app: &AppState,
        s: &Signed,
        id: Option<i64>,
    ) -> impl Future<Output = AppResult<Vec<FormField>>> + Send;
    fn get(
        app: &AppState,
        s: &Signed,
        id: i64,
    ) -> impl Future<Output = Result<Self::Row, ServiceError>> + Send;
    fn create(
        self,
        app: &AppState,
        s: &Signed,
    ) -> impl Future<Output = Result<(), ServiceError>> + Send;
    fn update(
        self,
        app: &AppState,
        s: &Signed,
        id: i64,
        version: i64,
    ) -> impl Future<Output = Result<(), ServiceError>> + Send;
}

/// The routes of one kind: `list` at `/{AREA}` (which the create form posts to), the "new"
/// form, and the edit form of each record.
pub fn record_routes<K: RecordForm>(
    r: Router<AppState>,
    list: MethodRouter<AppState>,
) -> Router<AppState> {
    let base = format!("/{}", K::AREA);
    r.route(&base, list.post(record_create::<K>))
        .route(&format!("{base}/new"), get(record_new::<K>))
        .route(
            &format!("{base}/{{id}}"),
            get(record_edit::<K>).post(record_update::<K>),
        )
}

fn saved_redirect<K: RecordForm>() -> Response {
    Redirect::to(&format!("/{}?saved=1", K::AREA)).into_response()
}

/// What a form shows: the fields of `input`, its errors, and on a conflict the notice.
struct FormState<'a, K> {
    id: Option<i64>,
    input: &'a K,
    version: Option<i64>,
    errors: &'a FieldErrors,
    conflict: bool,
    status: StatusCode,
}

async fn record_form<K: RecordForm>(
    app: &AppState,
    s: &Signed,
    f: FormState<'_, K>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let mut fields = f.input.fields(app, s, f.id).await?;
    let summary = attach_errors(lang, &mut fields, &f.errors.0);
    let title = lang.t(&format!(
        "{}_{}",
        K::TITLE,
        if f.id.is_some() { "edit" } else { "new" }
    ));
    let base = format!("/{}", K::AREA);
    let page = FormPage {
        layout: Layout::new(app, &s.ctx, K::AREA, title),
        action: f.id.map(|i| format!("{base}/{i}")).unwrap_or(base.clone()),
        back_href: base,
        fields,
        version: f.version,
        summary,
        conflict: f.conflict.then(|| {
            format!(
                "{} {}",
                lang.t("error.conflict"),
                lang.t("error.conflict_current")
            )
        }),
    };
    Ok((f.status, render(&page)?).into_response())
}

async fn record_new<K: RecordForm>(State(app): State<AppState>, s: Signed) -> AppResult<Response> {
    app.service.reference_editor(&s.actor)?;
    let input = K::blank(&app, &s).await?;
    let state = FormState {
        id: None,
        input: &input,
        version: None,
        errors: &FieldErrors::new(),
        conflict: false,
        status: StatusCode::OK,
    };
    record_form(&app, &s, state).await
}

async fn record_create<K: RecordForm>(
    State(app): State<AppState>,
    s: Signed,
    body: Bytes,
) -> AppResult<Response> {
    let (input, mut errors) = K::from_form(&FormData::parse(&body));
    if errors.is_empty() {
        match input.clone().create(&app, &s).await {
            Ok(()) => return Ok(saved_redirect::<K>()),
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    } else {
        // Refuse before showing anything to someone who may not write here.
        app.service.reference_editor(&s.actor)?;
    }
    let state = FormState {
        id: None,
        input: &input,
        version: None,
        errors: &errors,
        conflict: false,
        status: StatusCode::UNPROCESSABLE_ENTITY,
    };
    record_form(&app, &s, state).await
}

async fn record_edit<K: RecordForm>(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
) -> AppResult<Response> {
    let row = K::get(&app, &s, id).await?;
    let state = FormState {
        id: Some(id),
        input: &K::of_row(&row),
        version: Some(K::version(&row)),
        errors: &FieldErrors::new(),
        conflict: false,
        status: StatusCode::OK,
    };
    record_form(&app, &s, state).await
}

async fn record_update<K: RecordForm>(
    State(app): State<AppState>,
    s: Signed,
    Id(id): Id,
    body: Bytes,
) -> AppResult<Response> {
    let form = FormData::parse(&body);
    let (input, errors) = K::from_form(&form);
    let Some(version) = form.version() else {
        return Err(AppError::invalid("version", "missing_field"));
    };
    let errors = if errors.is_empty() {
        match input.clone().update(&app, &s, id, version).await {
            Ok(()) => return Ok(saved_redirect::<K>()),
            Err(ServiceError::Invalid(e)) => e,
            Err(ServiceError::Conflict) => {
                // Someone saved first: show their values to start again from.
                let current = K::get(&app, &s, id).await?;
                let state = FormState {
                    id: Some(id),
                    input: &K::of_row(&current),
                    version: Some(K::version(&current)),
                    errors: &FieldErrors::new(),
                    conflict: true,
                    status: StatusCode::CONFLICT,
                };
                return record_form(&app, &s, state).await;
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        app.service.reference_editor(&s.actor)?;
        errors
    };
    let state = FormState {
        id: Some(id),
        input: &input,
        version: Some(version),
        errors: &errors,
        conflict: false,
        status: StatusCode::UNPROCESSABLE_ENTITY,
    };
    record_form(&app, &s, state).await
}

fn kind_options(lang: Lang, prefix: &str, kinds: &[&str]) -> Vec<(String, String)> {
    kinds
        .iter()
        .map(|k| (k.to_string(), lang.t(&format!("{prefix}.{k}"))))
        .collect()
}

fn sort_order_field(lang: Lang, value: i32) -> FormField {
    FormField::new(lang, "sort_order", FieldKind::Number, value.to_string())
}

// ---------------------------------------------------------------- regions

impl RecordForm for RegionInput {
    type Row = Region;
    const AREA: &'static str = "admin/regions";
    const TITLE: &'static str = "admin.region";

    fn of_row(r: &Region) -> Self {
        RegionInput {
            code: r.code.clone(),
            name_zh: r.name_zh.clone(),
            name_en: r.name_en.clone(),
            short_name: r.short_name.clone(),
            kind: r.kind.clone(),
            parent_id: r.parent_id,
            sort_order: r.sort_order,
        }
    }

    fn version(r: &Region) -> i64 {
        r.version
    }

    fn from_form(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = RegionInput {
            code: f.opt("code"),
            name_zh: f.get("name_zh"),
            name_en: f.get("name_en"),
            short_name: f.opt("short_name"),
            kind: f.get("kind"),
            parent_id: f.opt_id("parent_id", &mut errs),
            sort_order: f.int("sort_order", &mut errs),
        };
        (input, errs)
    }

    async fn blank(_: &AppState, _: &Signed) -> AppResult<Self> {
        Ok(RegionInput {
            code: None,
            name_zh: String::new(),
            name_en: String::new(),
            short_name: None,
            kind: "district".into(),
            parent_id: None,
            sort_order: 0,
        })
    }

    async fn fields(
        &self,
        app: &AppState,
        s: &Signed,
        id: Option<i64>,
    ) -> AppResult<Vec<FormField>> {
        let lang = s.ctx.lang;
        // A region cannot be its own parent.
        let parents: Vec<(String, String)> = app
            .service
            .reference(&s.actor)?
            .list_regions()
            .await?
            .iter()
            .filter(|r| Some(r.id) != id)
            .map(|r| (r.id.to_string(), r.name_zh.clone()))
            .collect();
        Ok(vec![
            FormField::new(lang, "name_zh", FieldKind::Text, self.name_zh.clone()).required(),
            FormField::new(lang, "name_en", FieldKind::Text, self.name_en.clone()).required(),
            FormField::new(
                lang,
                "short_name",
                FieldKind::Text,
                self.short_name.clone().unwrap_or_default(),
            ),
            FormField::new(lang, "kind", FieldKind::Select, self.kind.clone())
                .options(kind_options(lang, "region_kind", REGION_KINDS), None)
                .required(),
            FormField::new(
                lang,
                "code",
                FieldKind::Text,
                self.code.clone().unwrap_or_default(),
            )
            .hint(lang.t("admin.regions_intro")),
            FormField::new(
                lang,
                "parent_id",
                FieldKind::Select,
                self.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            )
            .options(parents, Some(lang.t("admin.top_level"))),
            sort_order_field(lang, self.sort_order),
        ])
    }

    async fn get(app: &AppState, s: &Signed, id: i64) -> Result<Region, ServiceError> {
        app.service.reference(&s.actor)?.get_region(id).await
    }

    async fn create(self, app: &AppState, s: &Signed) -> Result<(), ServiceError> {
        app.service
            .reference_editor(&s.actor)?
            .create_region(self)
            .await
            .map(drop)
    }

    async fn update(
        self,
        app: &AppState,
        s: &Signed,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        app.service
            .reference_editor(&s.actor)?
            .update_region(id, version, self)
            .await
            .map(drop)
    }
}

// ---------------------------------------------------------------- departments

impl RecordForm for DepartmentInput {
    type Row = Department;
    const AREA: &'static str = "admin/departments";
    const TITLE: &'static str = "admin.department";

    fn of_row(d: &Department) -> Self {
        DepartmentInput {
            name_zh: d.name_zh.clone(),
            name_en: d.name_en.clone(),
            short_name: d.short_name.clone(),
            kind: d.kind.clone(),
            region_id: d.region_id,
            duties: d.duties.clone(),
        }
    }

    fn version(d: &Department) -> i64 {
        d.version
    }

    fn from_form(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = DepartmentInput {
            name_zh: f.get("name_zh"),
            name_en: f.get("name_en"),
            short_name: f.opt("short_name"),
            kind: f.get("kind"),
            region_id: f.opt_id("region_id", &mut errs),
            duties: f.opt("duties"),
        };
        (input, errs)
    }

    async fn blank(_: &AppState, _: &Signed) -> AppResult<Self> {
        Ok(DepartmentInput {
            name_zh: String::new(),
            name_en: String::new(),
            short_name: None,
            kind: "department".into(),
            region_id: None,
            duties: None,
        })
    }

    async fn fields(
        &self,
        app: &AppState,
        s: &Signed,
        _: Option<i64>,
    ) -> AppResult<Vec<FormField>> {
        let lang = s.ctx.lang;
        let regions: Vec<(String, String)> = app
            .service
            .reference(&s.actor)?
            .list_regions()
            .await?
            .iter()
            .map(|r| (r.id.to_string(), r.name_zh.clone()))
            .collect();
        Ok(vec![
            FormField::new(lang, "name_zh", FieldKind::Text, self.name_zh.clone()).required(),
            FormField::new(lang, "name_en", FieldKind::Text, self.name_en.clone()).required(),
            FormField::new(
                lang,
                "short_name",
                FieldKind::Text,
                self.short_name.clone().unwrap_or_default(),
            ),
            FormField::new(lang, "kind", FieldKind::Select, self.kind.clone())
                .options(
                    kind_options(lang, "department_kind", DEPARTMENT_KINDS),
                    None,
                )
                .required(),
            FormField::new(
                lang,
                "region_id",
                FieldKind::Select,
                self.region_id.map(|r| r.to_string()).unwrap_or_default(),
            )
            .options(regions, Some(lang.t("common.not_set"))),
            FormField::new(
                lang,
                "duties",
                FieldKind::Textarea,
                self.duties.clone().unwrap_or_default(),
            ),
        ])
    }

    async fn get(app: &AppState, s: &Signed, id: i64) -> Result<Department, ServiceError> {
        app.service.reference(&s.actor)?.get_department(id).await
    }

    async fn create(self, app: &AppState, s: &Signed) -> Result<(), ServiceError> {
        app.service
            .reference_editor(&s.actor)?
            .create_department(self)
            .await
            .map(drop)
    }

    async fn update(
        self,
        app: &AppState,
        s: &Signed,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        app.service
            .reference_editor(&s.actor)?
            .update_department(id, version, self)
            .await
            .map(drop)
    }
}

// ---------------------------------------------------------------- industries

impl RecordForm for IndustryInput {
    type Row = Industry;
    const AREA: &'static str = "admin/industries";
    const TITLE: &'static str = "admin.industry";

    fn of_row(i: &Industry) -> Self {
        IndustryInput {
            key: i.key.clone(),
            name_zh: i.name_zh.clone(),
            name_en: i.name_en.clone(),
            group_id: i.group_id,
            tier_753: i.tier_753.clone(),
            confirmed: i.confirmed,
            gbt4754: i.gbt4754.clone(),
            sort_order: i.sort_order,
            active: i.active,
        }
    }

    fn version(i: &Industry) -> i64 {
        i.version
    }

    fn from_form(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let group_id = f.opt_id("group_id", &mut errs).unwrap_or_else(|| {
            if !errs.0.iter().any(|e| e.field == "group_id") {
                errs.add("group_id", "required");
            }
            0
        });
        let input = IndustryInput {
            key: f.get("key"),
            name_zh: f.get("name_zh"),
            name_en: f.get("name_en"),
            group_id,
            tier_753: f.opt("tier_753"),
            confirmed: f.flag("confirmed"),
            gbt4754: f.opt("gbt4754"),
            sort_order: f.int("sort_order", &mut errs),
            active: f.flag("active"),
        };
        (input, errs)
    }

    async fn blank(_: &AppState, _: &Signed) -> AppResult<Self> {
        Ok(IndustryInput {
            key: String::new(),
            name_zh: String::new(),
            name_en: String::new(),
            group_id: 0,
            tier_753: None,
            confirmed: false,
            gbt4754: None,
            sort_order: 0,
            active: true,
        })
    }

    async fn fields(
        &self,
        app: &AppState,
        s: &Signed,
        _: Option<i64>,
    ) -> AppResult<Vec<FormField>> {
        let lang = s.ctx.lang;
        let groups: Vec<(String, String)> = app
            .service
            .reference(&s.actor)?
            .list_industry_groups()
            .await?
            .iter()
            .map(|g| {
                let name = if lang == Lang::En {
                    &g.name_en
                } else {
                    &g.name_zh
                };
                (g.id.to_string(), name.clone())
            })
            .collect();
        let tiers = TIERS_753
            .iter()
            .map(|t| (t.to_string(), t.to_string()))
            .collect();
        let group = if self.group_id > 0 {
            self.group_id.to_string()
        } else {
            String::new()
        };
        Ok(vec![
            FormField::new(lang, "key", FieldKind::Text, self.key.clone()).required(),
            FormField::new(lang, "name_zh", FieldKind::Text, self.name_zh.clone()).required(),
            FormField::new(lang, "name_en", FieldKind::Text, self.name_en.clone()).required(),
            FormField::new(lang, "group_id", FieldKind::Select, group)
                .options(groups, Some(lang.t("common.not_set")))
                .required(),
            FormField::new(
                lang,
                "tier_753",
                FieldKind::Select,
                self.tier_753.clone().unwrap_or_default(),
            )
            .options(tiers, Some(lang.t("admin.no_tier"))),
            FormField::new(lang, "confirmed", FieldKind::Checkbox, "on").checked(self.confirmed),
            FormField::new(
                lang,
                "gbt4754",
                FieldKind::Text,
                self.gbt4754.clone().unwrap_or_default(),
            ),
            sort_order_field(lang, self.sort_order),
            FormField::new(lang, "active", FieldKind::Checkbox, "on").checked(self.active),
        ])
    }

    async fn get(app: &AppState, s: &Signed, id: i64) -> Result<Industry, ServiceError> {
        app.service.reference(&s.actor)?.get_industry(id).await
    }

    async fn create(self, app: &AppState, s: &Signed) -> Result<(), ServiceError> {
        app.service
            .reference_editor(&s.actor)?
            .create_industry(self)
            .await
            .map(drop)
    }

    async fn update(
        self,
        app: &AppState,
        s: &Signed,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        app.service
            .reference_editor(&s.actor)?
            .update_industry(id, version, self)
            .await
            .map(drop)
    }
}

// ---------------------------------------------------------------- industry groups

impl RecordForm for IndustryGroupInput {
    type Row = IndustryGroup;
    const AREA: &'static str = "admin/industry-groups";
    const TITLE: &'static str = "admin.industry_group";

    fn of_row(g: &IndustryGroup) -> Self {
        IndustryGroupInput {
            key: g.key.clone(),
            name_zh: g.name_zh.clone(),
            name_en: g.name_en.clone(),
            sort_order: g.sort_order,
        }
    }

    fn version(g: &IndustryGroup) -> i64 {
        g.version
    }

    fn from_form(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = IndustryGroupInput {
            key: f.get("key"),
            name_zh: f.get("name_zh"),
            name_en: f.get("name_en"),
            sort_order: f.int("sort_order", &mut errs),
        };
        (input, errs)
    }

    /// A new group goes after the last one.
    async fn blank(app: &AppState, s: &Signed) -> AppResult<Self> {
        let last = app
            .service
            .reference(&s.actor)?
            .list_industry_groups()
            .await?
            .iter()
            .map(|g| g.sort_order)
            .max()
            .unwrap_or(0);
        Ok(IndustryGroupInput {
            key: String::new(),
            name_zh: String::new(),
            name_en: String::new(),
            sort_order: last + 10,
        })
    }

    async fn fields(&self, _: &AppState, s: &Signed, _: Option<i64>) -> AppResult<Vec<FormField>> {
        let lang = s.ctx.lang;
        Ok(vec![
            FormField::new(lang, "name_zh", FieldKind::Text, self.name_zh.clone()).required(),
            FormField::new(lang, "name_en", FieldKind::Text, self.name_en.clone()).required(),
            FormField::new(lang, "key", FieldKind::Text, self.key.clone()).required(),
            sort_order_field(lang, self.sort_order),
        ])
    }

    async fn get(app: &AppState, s: &Signed, id: i64) -> Result<IndustryGroup, ServiceError> {
        app.service
            .reference(&s.actor)?
            .get_industry_group(id)
            .await
    }

    async fn create(self, app: &AppState, s: &Signed) -> Result<(), ServiceError> {
        app.service
            .reference_editor(&s.actor)?
            .create_industry_group(self)
            .await
            .map(drop)
    }

    async fn update(
        self,
        app: &AppState,
        s: &Signed,
        id: i64,
        version: i64,
    ) -> Result<(), ServiceError> {
        app.service
            .reference_editor(&s.actor)?
            .update_industry_group(id, version, self)
            .await
            .map(drop)
    }
}
