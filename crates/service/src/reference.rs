//! Reference data: regions, departments, industry groups, industries and code lists. Every
//! signed-in role reads them ([`ReferenceReader`]); the administrator and the office change
//! them ([`ReferenceEditor`]).

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::policy::Permission;
use dongneng_domain::reference::{DepartmentInput, IndustryGroupInput, IndustryInput, RegionInput};
use dongneng_domain::{FieldError, FieldErrors, validate};
use dongneng_store::{Department, Industry, IndustryGroup, Lookup, Region};

impl Service {
    /// Reads the reference lists: every signed-in role.
    pub fn reference(&self, actor: &Actor) -> Result<ReferenceReader> {
        Ok(ReferenceReader(
            self.grant(actor, Permission::ViewReference)?,
        ))
    }

    /// Creates and edits regions, departments, industry groups and industries.
    pub fn reference_editor(&self, actor: &Actor) -> Result<ReferenceEditor> {
        Ok(ReferenceEditor(
            self.grant(actor, Permission::ManageReference)?,
        ))
    }
}

/// Reads regions, departments, industry groups, industries and code lists.
pub struct ReferenceReader(Access);

impl ReferenceReader {
    pub async fn list_regions(&self) -> Result<Vec<Region>> {
        Ok(self.0.store().list_regions().await?)
    }

    pub async fn get_region(&self, id: i64) -> Result<Region> {
        found(self.0.store().get_region(id).await?)
    }

    pub async fn list_departments(&self) -> Result<Vec<Department>> {
        Ok(self.0.store().list_departments().await?)
    }

    pub async fn get_department(&self, id: i64) -> Result<Department> {
        found(self.0.store().get_department(id).await?)
    }

    pub async fn list_industry_groups(&self) -> Result<Vec<IndustryGroup>> {
        Ok(self.0.store().list_industry_groups().await?)
    }

    pub async fn get_industry_group(&self, id: i64) -> Result<IndustryGroup> {
        found(self.0.store().get_industry_group(id).await?)
    }

    pub async fn list_industries(&self) -> Result<Vec<Industry>> {
        Ok(self.0.store().list_industries().await?)
    }

    pub async fn get_industry(&self, id: i64) -> Result<Industry> {
        found(self.0.store().get_industry(id).await?)
    }

    /// The entries of one code list (`report_topic`, `project_stage` …).
    pub async fn list_lookups(&self, kind: &str) -> Result<Vec<Lookup>> {
        if validate::key(kind).is_err() {
            return Err(ServiceError::NotFound);
        }
        Ok(self.0.store().list_lookups(kind).await?)
    }
}

fn found<T>(row: Option<T>) -> Result<T> {
    row.ok_or(ServiceError::NotFound)
}

/// Creates and edits reference data; every change is audited.
pub struct ReferenceEditor(Access);

impl ReferenceEditor {
    /// Checks the parent exists and, for an existing region, that the new parent is not the
    /// region itself or below it (which would cut the tree into a loop).
    async fn check_region_parent(&self, id: Option<i64>, input: &RegionInput) -> Result<()> {
        let Some(parent) = input.parent_id else {
            return Ok(());
        };
        let regions = self.0.store().list_regions().await?;
        if !regions.iter().any(|r| r.id == parent) {
            return Err(ServiceError::field("parent_id", "unknown_reference"));
        }
        if let Some(id) = id {
            let mut cursor = Some(parent);
            while let Some(c) = cursor {
                if c == id {
                    return Err(ServiceError::field("parent_id", "cycle"));
                }
                cursor = regions.iter().find(|r| r.id == c).and_then(|r| r.parent_id);
            }
        }
        Ok(())
    }

    pub async fn create_region(&self, input: RegionInput) -> Result<Region> {
        let input = tidy_region(input);
        input.validate_all()?;
        self.check_region_parent(None, &input).await?;
        Ok(self.0.store().create_region(&input, &self.0.by()).await?)
    }

    pub async fn update_region(&self, id: i64, version: i64, input: RegionInput) -> Result<Region> {
        let input = tidy_region(input);
        input.validate_all()?;
        self.check_region_parent(Some(id), &input).await?;
        Ok(self
            .0
            .store()
            .update_region(id, version, &input, &self.0.by())
            .await?)
    }

    async fn check_department_refs(&self, input: &DepartmentInput) -> Result<()> {
        if let Some(r) = input.region_id
            && self.0.store().get_region(r).await?.is_none()
        {
            return Err(ServiceError::field("region_id", "unknown_reference"));
        }
        Ok(())
    }

    pub async fn create_department(&self, input: DepartmentInput) -> Result<Department> {
        let input = tidy_department(input);
        input.validate_all()?;
        self.check_department_refs(&input).await?;
        Ok(self
            .0
            .store()
            .create_department(&input, &self.0.by())
            .await?)
    }

    pub async fn update_department(
        &self,
        id: i64,
        version: i64,
        input: DepartmentInput,
    ) -> Result<Department> {
        let input = tidy_department(input);
        input.validate_all()?;
        self.check_department_refs(&input).await?;
        Ok(self
            .0
            .store()
            .update_department(id, version, &input, &self.0.by())
            .await?)
    }

    pub async fn create_industry_group(&self, input: IndustryGroupInput) -> Result<IndustryGroup> {
        validate::check(&input)?;
        Ok(self
            .0
            .store()
            .create_industry_group(&input, &self.0.by())
            .await?)
    }

    pub async fn update_industry_group(
        &self,
        id: i64,
        version: i64,
        input: IndustryGroupInput,
    ) -> Result<IndustryGroup> {
        validate::check(&input)?;
        Ok(self
            .0
            .store()
            .update_industry_group(id, version, &input, &self.0.by())
            .await?)
    }

    async fn check_industry_refs(&self, input: &IndustryInput) -> Result<()> {
        let groups = self.0.store().list_industry_groups().await?;
        if !groups.iter().any(|g| g.id == input.group_id) {
            return Err(ServiceError::field("group_id", "unknown_reference"));
        }
        Ok(())
    }

    pub async fn create_industry(&self, input: IndustryInput) -> Result<Industry> {
        let input = tidy_industry(input);
        input.validate_all()?;
        self.check_industry_refs(&input).await?;
        Ok(self.0.store().create_industry(&input, &self.0.by()).await?)
    }

    pub async fn update_industry(
        &self,
        id: i64,
        version: i64,
        input: IndustryInput,
    ) -> Result<Industry> {
        let input = tidy_industry(input);
        input.validate_all()?;
        self.check_industry_refs(&input).await?;
        Ok(self
            .0
            .store()
            .update_industry(id, version, &input, &self.0.by())
            .await?)
    }
}

fn tidy(s: String) -> String {
    validate::tidy(&s).into_owned()
}

/// Empty optional text is the same as none.
fn tidy_opt(s: Option<String>) -> Option<String> {
    s.map(tidy).filter(|t| !t.is_empty())
}

fn tidy_region(mut r: RegionInput) -> RegionInput {
    r.code = tidy_opt(r.code);
    r.name_zh = tidy(r.name_zh);
    r.name_en = tidy(r.name_en);
    r.short_name = tidy_opt(r.short_name);
    r.kind = tidy(r.kind);
    r
}

fn tidy_department(mut d: DepartmentInput) -> DepartmentInput {
    d.name_zh = tidy(d.name_zh);
    d.name_en = tidy(d.name_en);
    d.short_name = tidy_opt(d.short_name);
    d.kind = tidy(d.kind);
    d.duties = tidy_opt(d.duties);
    d
}

fn tidy_industry(mut i: IndustryInput) -> IndustryInput {
    i.key = tidy(i.key);
    i.name_zh = tidy(i.name_zh);
    i.name_en = tidy(i.name_en);
    i.tier_753 = tidy_opt(i.tier_753);
    i.gbt4754 = tidy_opt(i.gbt4754).map(|g| g.replace('，', ",").to_uppercase());
    i
}

/// Checks ids in a list exist among `known`, naming the field of the first unknown one.
pub(crate) fn check_ids(field: &str, ids: &[i64], known: &[i64]) -> FieldErrors {
    let mut errs = FieldErrors::new();
    if let Some(bad) = ids.iter().find(|i| !known.contains(i)) {
        errs.push(FieldError::new(field, "unknown_reference").with("id", bad));
    }
    errs
}

impl Service {
    /// Departments that may take new work (an assignment, a supervision item, a task): each
    /// `(field, id)` must name a department that exists (`unknown_reference`) and is not
    /// disabled (`department_disabled`); the errors name the fields.
    pub(crate) async fn check_assignable(&self, wanted: &[(String, i64)]) -> Result<()> {
        if wanted.is_empty() {
            return Ok(());
        }
        let known = self.store().list_departments().await?;
        let mut errs = FieldErrors::new();
        for (field, id) in wanted {
            match known.iter().find(|d| d.id == *id) {
                None => errs.push(FieldError::new(field, "unknown_reference").with("id", id)),
                Some(d) if !d.active => errs
                    .push(FieldError::new(field, "department_disabled").with("name", &d.name_zh)),
                Some(_) => {}
            }
        }
        Ok(errs.into_result()?)
    }
}
