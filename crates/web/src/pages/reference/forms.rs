//! The "new" and edit forms of reference data: regions, departments, industries, industry
//! groups. Each returns to its list. Who may change reference data is decided in one hook
//! ([`ManageReference`]).

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::pages::form::{
    Create, Ctx, Edit, Form, FormData, FormField, Gate, PathIds, Place, Screen, choices,
};
use crate::pages::in_lang;
use dongneng_domain::FieldErrors;
use dongneng_domain::reference::{
    DEPARTMENT_KINDS, DepartmentInput, IndustryGroupInput, IndustryInput, REGION_KINDS,
    RegionInput, TIERS_753,
};
use dongneng_service::ServiceError;
use dongneng_service::reference::ReferenceEditor;
use dongneng_store::{Department, Industry, IndustryGroup, Region};

/// Who may change reference data: the permission hook of every reference form.
pub struct ManageReference;

impl Gate for ManageReference {
    type Access = ReferenceEditor;

    async fn access(
        app: &AppState,
        s: &Signed,
        _: &PathIds,
    ) -> Result<ReferenceEditor, ServiceError> {
        app.service.reference_editor(&s.actor)
    }
}

// ---------------------------------------------------------------- regions

pub struct RegionForm;

impl Screen for RegionForm {
    type Gate = ManageReference;
    const AREA: &'static str = "admin/regions";
    const HOME: &'static str = "/admin/regions";
}

impl Form for RegionForm {
    type Draft = RegionInput;

    fn read(f: &FormData) -> (RegionInput, FieldErrors) {
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

    async fn fields(c: &Ctx<Self>, d: &RegionInput) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        // A region cannot be its own parent.
        let own = c.path.get(0);
        let parents: Vec<(String, String)> = c
            .service()
            .reference(c.actor())?
            .list_regions()
            .await?
            .iter()
            .filter(|r| Some(r.id) != own)
            .map(|r| (r.id.to_string(), r.name_zh.clone()))
            .collect();
        Ok(vec![
            FormField::text(lang, "name_zh", &d.name_zh).required(),
            FormField::text(lang, "name_en", &d.name_en).required(),
            FormField::text(lang, "short_name", &d.short_name),
            FormField::one_of(
                lang,
                "kind",
                &d.kind,
                choices(lang, "region_kind", REGION_KINDS, |k| k),
            ),
            FormField::text(lang, "code", &d.code).hint(lang.t("admin.regions_intro")),
            FormField::select(
                lang,
                "parent_id",
                &d.parent_id,
                parents,
                Some(lang.t("admin.top_level")),
            ),
            FormField::number(lang, "sort_order", &d.sort_order),
        ])
    }
}

impl Create for RegionForm {
    const COLLECTION: &'static str = "/admin/regions";
    const NEW_TITLE: &'static str = "admin.region_new";

    async fn blank(_: &Ctx<Self>) -> AppResult<RegionInput> {
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

    async fn create(c: &Ctx<Self>, d: RegionInput) -> Result<Place, ServiceError> {
        c.access.create_region(d).await?;
        Ok(c.home())
    }
}

impl Edit for RegionForm {
    const RECORD: &'static str = "/admin/regions/{id}";
    const EDIT_TITLE: &'static str = "admin.region_edit";

    async fn load(c: &Ctx<Self>) -> Result<(RegionInput, i64), ServiceError> {
        let r: Region = c
            .service()
            .reference(c.actor())?
            .get_region(c.path.id(0)?)
            .await?;
        let input = RegionInput {
            code: r.code,
            name_zh: r.name_zh,
            name_en: r.name_en,
            short_name: r.short_name,
            kind: r.kind,
            parent_id: r.parent_id,
            sort_order: r.sort_order,
        };
        Ok((input, r.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: RegionInput) -> Result<(), ServiceError> {
        let id = c.path.id(0)?;
        c.access.update_region(id, version, d).await?;
        Ok(())
    }
}

// ---------------------------------------------------------------- departments

pub struct DepartmentForm;

impl Screen for DepartmentForm {
    type Gate = ManageReference;
    const AREA: &'static str = "admin/departments";
    const HOME: &'static str = "/admin/departments";
}

impl Form for DepartmentForm {
    type Draft = DepartmentInput;

    fn read(f: &FormData) -> (DepartmentInput, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = DepartmentInput {
            name_zh: f.get("name_zh"),
            name_en: f.get("name_en"),
            short_name: f.opt("short_name"),
            kind: f.get("kind"),
            region_id: f.opt_id("region_id", &mut errs),
            duties: f.opt("duties"),
            active: f.flag("active"),
        };
        (input, errs)
    }

    async fn fields(c: &Ctx<Self>, d: &DepartmentInput) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        let regions: Vec<(String, String)> = c
            .service()
            .reference(c.actor())?
            .list_regions()
            .await?
            .iter()
            .map(|r| (r.id.to_string(), r.name_zh.clone()))
            .collect();
        Ok(vec![
            FormField::text(lang, "name_zh", &d.name_zh).required(),
            FormField::text(lang, "name_en", &d.name_en).required(),
            FormField::text(lang, "short_name", &d.short_name),
            FormField::one_of(
                lang,
                "kind",
                &d.kind,
                choices(lang, "department_kind", DEPARTMENT_KINDS, |k| k),
            ),
            FormField::select(
                lang,
                "region_id",
                &d.region_id,
                regions,
                Some(lang.t("common.not_set")),
            ),
            FormField::textarea(lang, "duties", &d.duties),
            FormField::checkbox(lang, "active", d.active)
                .hint(lang.t("admin.department_active_hint")),
        ])
    }
}

impl Create for DepartmentForm {
    const COLLECTION: &'static str = "/admin/departments";
    const NEW_TITLE: &'static str = "admin.department_new";

    async fn blank(_: &Ctx<Self>) -> AppResult<DepartmentInput> {
        Ok(DepartmentInput {
            name_zh: String::new(),
            name_en: String::new(),
            short_name: None,
            kind: "department".into(),
            region_id: None,
            duties: None,
            active: true,
        })
    }

    async fn create(c: &Ctx<Self>, d: DepartmentInput) -> Result<Place, ServiceError> {
        c.access.create_department(d).await?;
        Ok(c.home())
    }
}

impl Edit for DepartmentForm {
    const RECORD: &'static str = "/admin/departments/{id}";
    const EDIT_TITLE: &'static str = "admin.department_edit";

    async fn load(c: &Ctx<Self>) -> Result<(DepartmentInput, i64), ServiceError> {
        let d: Department = c
            .service()
            .reference(c.actor())?
            .get_department(c.path.id(0)?)
            .await?;
        let input = DepartmentInput {
            name_zh: d.name_zh,
            name_en: d.name_en,
            short_name: d.short_name,
            kind: d.kind,
            region_id: d.region_id,
            duties: d.duties,
            active: d.active,
        };
        Ok((input, d.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: DepartmentInput) -> Result<(), ServiceError> {
        let id = c.path.id(0)?;
        c.access.update_department(id, version, d).await?;
        Ok(())
    }
}

// ---------------------------------------------------------------- industries

pub struct IndustryForm;

impl Screen for IndustryForm {
    type Gate = ManageReference;
    const AREA: &'static str = "admin/industries";
    const HOME: &'static str = "/admin/industries";
}

impl Form for IndustryForm {
    type Draft = IndustryInput;

    fn read(f: &FormData) -> (IndustryInput, FieldErrors) {
        let mut errs = FieldErrors::new();
        let group_id = f.required_id("group_id", &mut errs);
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

    async fn fields(c: &Ctx<Self>, d: &IndustryInput) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        let groups: Vec<(String, String)> = c
            .service()
            .reference(c.actor())?
            .list_industry_groups()
            .await?
            .iter()
            .map(|g| (g.id.to_string(), in_lang(lang, &g.name_zh, &g.name_en)))
            .collect();
        let tiers = TIERS_753
            .iter()
            .map(|t| (t.to_string(), t.to_string()))
            .collect();
        let group = (d.group_id > 0).then_some(d.group_id);
        Ok(vec![
            FormField::text(lang, "key", &d.key).required(),
            FormField::text(lang, "name_zh", &d.name_zh).required(),
            FormField::text(lang, "name_en", &d.name_en).required(),
            FormField::select(
                lang,
                "group_id",
                &group,
                groups,
                Some(lang.t("common.not_set")),
            )
            .required(),
            FormField::select(
                lang,
                "tier_753",
                &d.tier_753,
                tiers,
                Some(lang.t("admin.no_tier")),
            ),
            FormField::checkbox(lang, "confirmed", d.confirmed),
            FormField::text(lang, "gbt4754", &d.gbt4754),
            FormField::number(lang, "sort_order", &d.sort_order),
            FormField::checkbox(lang, "active", d.active),
        ])
    }
}

impl Create for IndustryForm {
    const COLLECTION: &'static str = "/admin/industries";
    const NEW_TITLE: &'static str = "admin.industry_new";

    async fn blank(_: &Ctx<Self>) -> AppResult<IndustryInput> {
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

    async fn create(c: &Ctx<Self>, d: IndustryInput) -> Result<Place, ServiceError> {
        c.access.create_industry(d).await?;
        Ok(c.home())
    }
}

impl Edit for IndustryForm {
    const RECORD: &'static str = "/admin/industries/{id}";
    const EDIT_TITLE: &'static str = "admin.industry_edit";

    async fn load(c: &Ctx<Self>) -> Result<(IndustryInput, i64), ServiceError> {
        let i: Industry = c
            .service()
            .reference(c.actor())?
            .get_industry(c.path.id(0)?)
            .await?;
        let input = IndustryInput {
            key: i.key,
            name_zh: i.name_zh,
            name_en: i.name_en,
            group_id: i.group_id,
            tier_753: i.tier_753,
            confirmed: i.confirmed,
            gbt4754: i.gbt4754,
            sort_order: i.sort_order,
            active: i.active,
        };
        Ok((input, i.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: IndustryInput) -> Result<(), ServiceError> {
        let id = c.path.id(0)?;
        c.access.update_industry(id, version, d).await?;
        Ok(())
    }
}

// ---------------------------------------------------------------- industry groups

pub struct IndustryGroupForm;

impl Screen for IndustryGroupForm {
    type Gate = ManageReference;
    const AREA: &'static str = "admin/industry-groups";
    const HOME: &'static str = "/admin/industry-groups";
}

impl Form for IndustryGroupForm {
    type Draft = IndustryGroupInput;

    fn read(f: &FormData) -> (IndustryGroupInput, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = IndustryGroupInput {
            key: f.get("key"),
            name_zh: f.get("name_zh"),
            name_en: f.get("name_en"),
            sort_order: f.int("sort_order", &mut errs),
        };
        (input, errs)
    }

    async fn fields(c: &Ctx<Self>, d: &IndustryGroupInput) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        Ok(vec![
            FormField::text(lang, "name_zh", &d.name_zh).required(),
            FormField::text(lang, "name_en", &d.name_en).required(),
            FormField::text(lang, "key", &d.key).required(),
            FormField::number(lang, "sort_order", &d.sort_order),
        ])
    }
}

impl Create for IndustryGroupForm {
    const COLLECTION: &'static str = "/admin/industry-groups";
    const NEW_TITLE: &'static str = "admin.industry_group_new";

    /// A new group goes after the last one.
    async fn blank(c: &Ctx<Self>) -> AppResult<IndustryGroupInput> {
        let last = c
            .service()
            .reference(c.actor())?
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

    async fn create(c: &Ctx<Self>, d: IndustryGroupInput) -> Result<Place, ServiceError> {
        c.access.create_industry_group(d).await?;
        Ok(c.home())
    }
}

impl Edit for IndustryGroupForm {
    const RECORD: &'static str = "/admin/industry-groups/{id}";
    const EDIT_TITLE: &'static str = "admin.industry_group_edit";

    async fn load(c: &Ctx<Self>) -> Result<(IndustryGroupInput, i64), ServiceError> {
        let g: IndustryGroup = c
            .service()
            .reference(c.actor())?
            .get_industry_group(c.path.id(0)?)
            .await?;
        let input = IndustryGroupInput {
            key: g.key,
            name_zh: g.name_zh,
            name_en: g.name_en,
            sort_order: g.sort_order,
        };
        Ok((input, g.version))
    }

    async fn update(
        c: &Ctx<Self>,
        version: i64,
        d: IndustryGroupInput,
    ) -> Result<(), ServiceError> {
        let id = c.path.id(0)?;
        c.access.update_industry_group(id, version, d).await?;
        Ok(())
    }
}
