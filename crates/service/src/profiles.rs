//! An industry's coordination structure (seed §二): the lead leader and departments, the task
//! force, the think tank, alliances, special plans with files, and annual work plans.
//!
//! Reading needs `ViewIndustryProfile`, changing needs `EditIndustryProfile`, each over a
//! scope that covers the industry; a grant over other industries is refused (403) before
//! anything is read or written.

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::clock;
use dongneng_domain::policy::Permission;
use dongneng_domain::profile::{self, PlanStatusMove, StructureInput};
use dongneng_store::{
    AllianceEntry, AllianceMember, Expert, Industry, IndustryProfile, IndustryStructure, PlanFile,
    ProfileSummary, SpecialPlan, SpecialPlanEntry, TaskEntry, WorkPlanEntry,
};

pub(crate) mod demo;
mod parts;

pub use parts::{At, ProfilePart, Under, Writer};

impl Service {
    /// The list of industries the actor may read, with how much of each structure is in place.
    pub fn profiles(&self, actor: &Actor) -> Result<ProfileDirectory> {
        Ok(ProfileDirectory(
            self.grant(actor, Permission::ViewIndustryProfile)?,
        ))
    }

    /// Reads one industry's profile: refused (403) unless the actor's scope covers it.
    pub fn profile_reader(&self, actor: &Actor, industry_id: i64) -> Result<ProfileReader> {
        let access = self.grant_over(actor, Permission::ViewIndustryProfile, industry_id)?;
        Ok(ProfileReader {
            access,
            industry_id,
        })
    }

    /// Changes one industry's profile: refused (403) unless the actor's scope covers it.
    pub fn profile_editor(&self, actor: &Actor, industry_id: i64) -> Result<ProfileEditor> {
        let access = self.grant_over(actor, Permission::EditIndustryProfile, industry_id)?;
        Ok(ProfileEditor {
            access,
            industry_id,
        })
    }

    /// `permission` over one industry.
    fn grant_over(&self, actor: &Actor, permission: Permission, industry: i64) -> Result<Access> {
        self.grant(actor, permission)?
            .covering(|s| s.covers_industry(industry))
    }

    async fn profile_industry(&self, industry_id: i64) -> Result<Industry> {
        self.store()
            .get_industry(industry_id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Department ids must name departments; the error names the field.
    async fn check_departments(&self, field: &str, ids: &[i64]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let known: Vec<i64> = self
            .store()
            .list_departments()
            .await?
            .iter()
            .map(|d| d.id)
            .collect();
        let errs = crate::reference::check_ids(field, ids, &known);
        errs.into_result().map_err(ServiceError::Invalid)
    }
}

/// Lists the industries the actor may read.
pub struct ProfileDirectory(Access);

impl ProfileDirectory {
    /// The industries the scope covers, with how much of each structure is in place.
    pub async fn list(&self) -> Result<Vec<ProfileSummary>> {
        Ok(self
            .0
            .store()
            .profile_summaries(self.0.scope(), clock::today())
            .await?)
    }
}

/// Reads one industry's coordination structure.
pub struct ProfileReader {
    access: Access,
    industry_id: i64,
}

impl ProfileReader {
    /// Everything about one industry's coordination structure.
    pub async fn profile(&self) -> Result<IndustryProfile> {
        let industry_id = self.industry_id;
        let svc = self.access.svc();
        let industry = svc.profile_industry(industry_id).await?;
        let today = clock::today();
        let structure = svc.store().get_structure(industry_id).await?;
        let taskforce_members = svc.store().list_taskforce_members(industry_id).await?;
        let (experts_current, experts_history): (Vec<Expert>, Vec<Expert>) = svc
            .store()
            .list_experts(industry_id)
            .await?
            .into_iter()
            .partition(|e| profile::expert_current(e.left_on, today));
        let mut members = svc.store().list_alliance_members(industry_id).await?;
        let alliances = svc
            .store()
            .list_alliances(industry_id)
            .await?
            .into_iter()
            .map(|alliance| {
                let (mine, rest): (Vec<AllianceMember>, Vec<AllianceMember>) = members
                    .drain(..)
                    .partition(|m| m.alliance_id == alliance.id);
                members = rest;
                AllianceEntry {
                    alliance,
                    members: mine,
                }
            })
            .collect();
        let files = svc.store().list_plan_files(industry_id).await?;
        let special_plans = svc
            .store()
            .list_special_plans(industry_id)
            .await?
            .into_iter()
            .map(|plan| SpecialPlanEntry {
                files: files
                    .iter()
                    .filter(|f| f.plan_id == plan.id)
                    .cloned()
                    .collect(),
                plan,
            })
            .collect();
        // The measures of the work plans are key tasks.
        let tasks: Vec<TaskEntry> = svc
            .store()
            .work_plan_tasks(industry_id)
            .await?
            .into_iter()
            .map(|t| t.on(today))
            .collect();
        let work_plans = svc
            .store()
            .list_work_plans(industry_id)
            .await?
            .into_iter()
            .map(|plan| {
                let mine: Vec<TaskEntry> = tasks
                    .iter()
                    .filter(|t| t.task.work_plan_id == Some(plan.id))
                    .cloned()
                    .collect();
                WorkPlanEntry {
                    overdue: mine.iter().filter(|t| t.overdue).count() as i64,
                    tasks: mine,
                    plan,
                }
            })
            .collect();
        Ok(IndustryProfile {
            industry,
            structure,
            taskforce_members,
            experts_current,
            experts_history,
            alliances,
            special_plans,
            work_plans,
            today,
            can_edit: svc.profile_editor(self.access.actor(), industry_id).is_ok(),
        })
    }

    /// A plan's document with its bytes.
    pub async fn download_plan_file(&self, plan_id: i64, id: i64) -> Result<(PlanFile, Vec<u8>)> {
        self.access
            .store()
            .get_plan_file(self.industry_id, plan_id, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}

/// Changes one industry's coordination structure; every change is audited.
pub struct ProfileEditor {
    access: Access,
    industry_id: i64,
}

impl ProfileEditor {
    pub fn industry_id(&self) -> i64 {
        self.industry_id
    }

    /// The profile being edited, as its readers see it (the editing roles also read).
    pub async fn profile(&self) -> Result<IndustryProfile> {
        let svc = self.access.svc();
        svc.profile_reader(self.access.actor(), self.industry_id)?
            .profile()
            .await
    }

    // ------------------------------------------------------------ leader and departments

    /// Saves the leader and departments; `version` 0 creates the record.
    pub async fn save_industry_structure(
        &self,
        version: i64,
        mut input: StructureInput,
    ) -> Result<IndustryStructure> {
        let svc = self.access.svc();
        input.tidy();
        input.validate()?;
        svc.profile_industry(self.industry_id).await?;
        if let Some(lead) = input.lead_department_id {
            svc.check_departments("lead_department_id", &[lead]).await?;
        }
        let responsible = &input.responsible_department_ids;
        svc.check_departments("responsible_department_ids", responsible)
            .await?;
        let by = self.access.by();
        Ok(svc
            .store()
            .save_structure(self.industry_id, version, &input, &by)
            .await?)
    }

    // ------------------------------------------------------------ special plans: status, files

    /// A plan of this industry at the version the caller read: 404 when absent, 409 when it
    /// has moved on. Rules that compare with the plan's dates are checked against this very
    /// version, which the store's versioned write then guarantees is still current.
    async fn plan_at(&self, id: i64, version: i64) -> Result<SpecialPlan> {
        let plan = self
            .access
            .store()
            .get_special_plan(self.industry_id, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if plan.version != version {
            return Err(ServiceError::Conflict);
        }
        Ok(plan)
    }

    /// Moves a plan one status forward (编制中 → 审查中 → 已批复 → 已发布), dated.
    pub async fn move_special_plan(
        &self,
        id: i64,
        version: i64,
        change: PlanStatusMove,
    ) -> Result<SpecialPlan> {
        let plan = self.plan_at(id, version).await?;
        change.validate(plan.status, plan.status_date(), clock::today())?;
        let by = self.access.by();
        Ok(self
            .access
            .store()
            .move_special_plan(self.industry_id, id, version, &change, &by)
            .await?)
    }

    /// Attaches a document to a plan (the upload rules of `crate::files`).
    pub async fn upload_plan_file(
        &self,
        plan_id: i64,
        file_name: Option<&str>,
        content_type: Option<&str>,
        content: Vec<u8>,
    ) -> Result<PlanFile> {
        let file = crate::files::checked_upload(file_name, content_type, content)?;
        let by = self.access.by();
        Ok(self
            .access
            .store()
            .add_plan_file(self.industry_id, plan_id, &file, &by)
            .await?)
    }

    pub async fn delete_plan_file(&self, plan_id: i64, id: i64, version: i64) -> Result<()> {
        let by = self.access.by();
        Ok(self
            .access
            .store()
            .delete_plan_file(self.industry_id, plan_id, id, version, &by)
            .await?)
    }
}
