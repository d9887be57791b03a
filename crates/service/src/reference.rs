//! Reference data use cases: regions, departments, industry groups, industries, topics.

use crate::Service;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::policy::Permission;
use dongneng_domain::reference::{DepartmentInput, IndustryGroupInput, IndustryInput, RegionInput};
use dongneng_domain::{FieldError, FieldErrors, validate};
use dongneng_store::{Department, Industry, IndustryGroup, Lookup, Region};

impl Service {
    pub async fn list_regions(&self, actor: &Actor) -> Result<Vec<Region>> {
        actor.require(Permission::ViewReference)?;
        Ok(self.store.list_regions().await?)
    }

    pub async fn get_region(&self, actor: &Actor, id: i64) -> Result<Region> {
        actor.require(Permission::ViewReference)?;
        self.store
            .get_region(id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Checks the parent exists and, for an existing region, that the new parent is not the
    /// region itself or below it (which would cut the tree into a loop).
    async fn check_region_parent(&self, id: Option<i64>, input: &RegionInput) -> Result<()> {
        let Some(parent) = input.parent_id else {
            return Ok(());
        };
        let regions = self.store.list_regions().await?;
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

    pub async fn create_region(&self, actor: &Actor, input: RegionInput) -> Result<Region> {
        actor.require(Permission::ManageReference)?;
        let input = tidy_region(input);
        input.validate_all()?;
        self.check_region_parent(None, &input).await?;
        Ok(self.store.create_region(&input, &actor.audit()).await?)
    }

    pub async fn update_region(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: RegionInput,
    ) -> Result<Region> {
        actor.require(Permission::ManageReference)?;
        let input = tidy_region(input);
        input.validate_all()?;
        self.check_region_parent(Some(id), &input).await?;
        Ok(self
            .store
            .update_region(id, version, &input, &actor.audit())
            .await?)
    }

    pub async fn list_departments(&self, actor: &Actor) -> Result<Vec<Department>> {
        actor.require(Permission::ViewReference)?;
        Ok(self.store.list_departments().await?)
    }

    pub async fn get_department(&self, actor: &Actor, id: i64) -> Result<Department> {
        actor.require(Permission::ViewReference)?;
        self.store
            .get_department(id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    async fn check_department_refs(&self, input: &DepartmentInput) -> Result<()> {
        if let Some(r) = input.region_id
            && self.store.get_region(r).await?.is_none()
        {
            return Err(ServiceError::field("region_id", "unknown_reference"));
        }
        Ok(())
    }

    pub async fn create_department(
        &self,
        actor: &Actor,
        input: DepartmentInput,
    ) -> Result<Department> {
        actor.require(Permission::ManageReference)?;
        let input = tidy_department(input);
        input.validate_all()?;
        self.check_department_refs(&input).await?;
        Ok(self.store.create_department(&input, &actor.audit()).await?)
    }

    pub async fn update_department(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: DepartmentInput,
    ) -> Result<Department> {
        actor.require(Permission::ManageReference)?;
        let input = tidy_department(input);
        input.validate_all()?;
        self.check_department_refs(&input).await?;
        Ok(self
            .store
            .update_department(id, version, &input, &actor.audit())
            .await?)
    }

    pub async fn list_industry_groups(&self, actor: &Actor) -> Result<Vec<IndustryGroup>> {
        actor.require(Permission::ViewReference)?;
        Ok(self.store.list_industry_groups().await?)
    }

    pub async fn get_industry_group(&self, actor: &Actor, id: i64) -> Result<IndustryGroup> {
        actor.require(Permission::ViewReference)?;
        self.store
            .get_industry_group(id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    pub async fn update_industry_group(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: IndustryGroupInput,
    ) -> Result<IndustryGroup> {
        actor.require(Permission::ManageReference)?;
        validate::check(&input)?;
        Ok(self
            .store
            .update_industry_group(id, version, &input, &actor.audit())
            .await?)
    }

    pub async fn create_industry_group(
        &self,
        actor: &Actor,
        input: IndustryGroupInput,
    ) -> Result<IndustryGroup> {
        actor.require(Permission::ManageReference)?;
        validate::check(&input)?;
        Ok(self
            .store
            .create_industry_group(&input, &actor.audit())
            .await?)
    }

    pub async fn list_industries(&self, actor: &Actor) -> Result<Vec<Industry>> {
        actor.require(Permission::ViewReference)?;
        Ok(self.store.list_industries().await?)
    }

    pub async fn get_industry(&self, actor: &Actor, id: i64) -> Result<Industry> {
        actor.require(Permission::ViewReference)?;
        self.store
            .get_industry(id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    async fn check_industry_refs(&self, input: &IndustryInput) -> Result<()> {
        let groups = self.store.list_industry_groups().await?;
        if !groups.iter().any(|g| g.id == input.group_id) {
            return Err(ServiceError::field("group_id", "unknown_reference"));
        }
        Ok(())
    }

    pub async fn create_industry(&self, actor: &Actor, input: IndustryInput) -> Result<Industry> {
        actor.require(Permission::ManageReference)?;
        let input = tidy_industry(input);
        input.validate_all()?;
        self.check_industry_refs(&input).await?;
        Ok(self.store.create_industry(&input, &actor.audit()).await?)
    }

    pub async fn update_industry(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: IndustryInput,
    ) -> Result<Industry> {
        actor.require(Permission::ManageReference)?;
        let input = tidy_industry(input);
        input.validate_all()?;
        self.check_industry_refs(&input).await?;
        Ok(self
            .store
            .update_industry(id, version, &input, &actor.audit())
            .await?)
    }

    /// The entries of one code list (`report_topic`, `project_stage` …).
    pub async fn list_lookups(&self, actor: &Actor, kind: &str) -> Result<Vec<Lookup>> {
        actor.require(Permission::ViewReference)?;
        if validate::key(kind).is_err() {
            return Err(ServiceError::NotFound);
        }
        Ok(self.store.list_lookups(kind).await?)
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
