//! An industry's coordination structure (seed §二): the lead leader and departments, the task
//! force, the think tank, alliances, special plans with files, and annual work plans.
//!
//! Reading needs `ViewIndustryProfile`, changing needs `EditIndustryProfile`, each over a
//! scope that covers the industry; a grant over other industries is refused (403) before
//! anything is read or written.

use crate::Service;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use chrono::{NaiveDate, Utc};
use dongneng_domain::policy::Permission;
use dongneng_domain::profile::{
    self, AllianceInput, AllianceMemberInput, ExpertInput, MAX_FILE_BYTES, MeasureInput,
    MemberRole, PlanStatusMove, SpecialPlanInput, StructureInput, TaskforceMemberInput,
    WorkPlanInput,
};
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_store::{
    Alliance, AllianceEntry, AllianceMember, Expert, Industry, IndustryProfile, IndustryStructure,
    Measure, NewPlanFile, PlanFile, ProfileSummary, SpecialPlan, SpecialPlanEntry, TaskforceMember,
    WorkPlan, WorkPlanEntry,
};
use sha2::{Digest, Sha256};

mod demo;

/// Today as the users' clock reads it (China time, UTC+8): overdue measures and serving
/// experts are worked out against it.
fn today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// A content type as a client sent it, when it is a plain `type/subtype`; else the generic
/// binary type. Downloads never trust it for display (they are sent as attachments).
fn clean_content_type(raw: Option<&str>) -> String {
    let t = raw
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let ok = t.len() <= 100
        && t.split_once('/').is_some_and(|(a, b)| {
            let part = |s: &str| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-+.".contains(c))
            };
            part(a) && part(b)
        });
    if ok {
        t
    } else {
        "application/octet-stream".into()
    }
}

impl Service {
    /// Refuses unless the actor may read this industry's profile.
    fn profile_view(&self, actor: &Actor, industry_id: i64) -> Result<()> {
        if actor
            .scope(Permission::ViewIndustryProfile)?
            .covers_industry(industry_id)
        {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// Refuses unless the actor may change this industry's profile.
    pub fn require_profile_edit(&self, actor: &Actor, industry_id: i64) -> Result<()> {
        if actor
            .scope(Permission::EditIndustryProfile)?
            .covers_industry(industry_id)
        {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// Whether the actor may change this industry's profile (for showing edit links).
    pub fn may_edit_profile(&self, actor: &Actor, industry_id: i64) -> bool {
        self.require_profile_edit(actor, industry_id).is_ok()
    }

    async fn profile_industry(&self, industry_id: i64) -> Result<Industry> {
        self.store
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
            .store
            .list_departments()
            .await?
            .iter()
            .map(|d| d.id)
            .collect();
        let errs = crate::reference::check_ids(field, ids, &known);
        errs.into_result().map_err(ServiceError::Invalid)
    }

    /// The industries the actor may read, with how much of each structure is in place.
    pub async fn list_industry_profiles(&self, actor: &Actor) -> Result<Vec<ProfileSummary>> {
        let scope = actor.scope(Permission::ViewIndustryProfile)?;
        Ok(self.store.profile_summaries(&scope, today()).await?)
    }

    /// Everything about one industry's coordination structure.
    pub async fn get_industry_profile(
        &self,
        actor: &Actor,
        industry_id: i64,
    ) -> Result<IndustryProfile> {
        self.profile_view(actor, industry_id)?;
        let industry = self.profile_industry(industry_id).await?;
        let today = today();
        let structure = self.store.get_structure(industry_id).await?;
        let taskforce_members = self.store.list_taskforce_members(industry_id).await?;
        let (experts_current, experts_history): (Vec<Expert>, Vec<Expert>) = self
            .store
            .list_experts(industry_id)
            .await?
            .into_iter()
            .partition(|e| profile::expert_current(e.left_on, today));
        let mut members = self.store.list_alliance_members(industry_id).await?;
        let alliances = self
            .store
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
        let files = self.store.list_plan_files(industry_id).await?;
        let special_plans = self
            .store
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
        let mut measures = self.store.list_measures(industry_id).await?;
        for m in &mut measures {
            m.overdue = profile::measure_overdue(m.deadline, m.status, today);
        }
        let work_plans = self
            .store
            .list_work_plans(industry_id)
            .await?
            .into_iter()
            .map(|plan| {
                let mine: Vec<Measure> = measures
                    .iter()
                    .filter(|m| m.work_plan_id == plan.id)
                    .cloned()
                    .collect();
                WorkPlanEntry {
                    overdue: mine.iter().filter(|m| m.overdue).count() as i64,
                    measures: mine,
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
            can_edit: self.may_edit_profile(actor, industry_id),
        })
    }

    // ------------------------------------------------------------ leader and departments

    /// Saves the leader and departments; `version` 0 creates the record.
    pub async fn save_industry_structure(
        &self,
        actor: &Actor,
        industry_id: i64,
        version: i64,
        mut input: StructureInput,
    ) -> Result<IndustryStructure> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate()?;
        self.profile_industry(industry_id).await?;
        if let Some(lead) = input.lead_department_id {
            self.check_departments("lead_department_id", &[lead])
                .await?;
        }
        self.check_departments(
            "responsible_department_ids",
            &input.responsible_department_ids,
        )
        .await?;
        Ok(self
            .store
            .save_structure(industry_id, version, &input, &actor.audit())
            .await?)
    }

    // ------------------------------------------------------------ task-force members

    /// One head and one contact per task force: says who holds the place already.
    async fn check_member_places(
        &self,
        industry_id: i64,
        id: Option<i64>,
        input: &TaskforceMemberInput,
    ) -> Result<()> {
        let members = self.store.list_taskforce_members(industry_id).await?;
        let others = || members.iter().filter(|m| Some(m.id) != id);
        let mut errs = FieldErrors::new();
        if input.member_role == MemberRole::Head
            && let Some(h) = others().find(|m| m.member_role == MemberRole::Head)
        {
            errs.push(FieldError::new("member_role", "head_taken").with("name", &h.person_name));
        }
        if input.is_contact
            && let Some(c) = others().find(|m| m.is_contact)
        {
            errs.push(FieldError::new("is_contact", "contact_taken").with("name", &c.person_name));
        }
        errs.into_result().map_err(ServiceError::Invalid)
    }

    async fn check_member(
        &self,
        industry_id: i64,
        id: Option<i64>,
        input: &mut TaskforceMemberInput,
    ) -> Result<()> {
        input.tidy();
        input.validate()?;
        self.profile_industry(industry_id).await?;
        if let Some(d) = input.department_id {
            self.check_departments("department_id", &[d]).await?;
        }
        self.check_member_places(industry_id, id, input).await
    }

    pub async fn create_taskforce_member(
        &self,
        actor: &Actor,
        industry_id: i64,
        mut input: TaskforceMemberInput,
    ) -> Result<TaskforceMember> {
        self.require_profile_edit(actor, industry_id)?;
        self.check_member(industry_id, None, &mut input).await?;
        Ok(self
            .store
            .create_taskforce_member(industry_id, &input, &actor.audit())
            .await?)
    }

    pub async fn update_taskforce_member(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
        mut input: TaskforceMemberInput,
    ) -> Result<TaskforceMember> {
        self.require_profile_edit(actor, industry_id)?;
        self.check_member(industry_id, Some(id), &mut input).await?;
        Ok(self
            .store
            .update_taskforce_member(industry_id, id, version, &input, &actor.audit())
            .await?)
    }

    pub async fn delete_taskforce_member(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
    ) -> Result<()> {
        self.require_profile_edit(actor, industry_id)?;
        Ok(self
            .store
            .delete_taskforce_member(industry_id, id, version, &actor.audit())
            .await?)
    }

    // ------------------------------------------------------------ think tank

    pub async fn create_expert(
        &self,
        actor: &Actor,
        industry_id: i64,
        mut input: ExpertInput,
    ) -> Result<Expert> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate()?;
        self.profile_industry(industry_id).await?;
        Ok(self
            .store
            .create_expert(industry_id, &input, &actor.audit())
            .await?)
    }

    /// Changes an expert; setting `left_on` moves them to the history (dynamic management).
    pub async fn update_expert(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
        mut input: ExpertInput,
    ) -> Result<Expert> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate()?;
        Ok(self
            .store
            .update_expert(industry_id, id, version, &input, &actor.audit())
            .await?)
    }

    /// Removes an expert entered by mistake. One who leaves gets a leave date instead.
    pub async fn delete_expert(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
    ) -> Result<()> {
        self.require_profile_edit(actor, industry_id)?;
        Ok(self
            .store
            .delete_expert(industry_id, id, version, &actor.audit())
            .await?)
    }

    // ------------------------------------------------------------ alliances

    pub async fn create_alliance(
        &self,
        actor: &Actor,
        industry_id: i64,
        mut input: AllianceInput,
    ) -> Result<Alliance> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate()?;
        self.profile_industry(industry_id).await?;
        Ok(self
            .store
            .create_alliance(industry_id, &input, &actor.audit())
            .await?)
    }

    pub async fn update_alliance(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
        mut input: AllianceInput,
    ) -> Result<Alliance> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate()?;
        Ok(self
            .store
            .update_alliance(industry_id, id, version, &input, &actor.audit())
            .await?)
    }

    /// Deletes an alliance with its member list.
    pub async fn delete_alliance(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
    ) -> Result<()> {
        self.require_profile_edit(actor, industry_id)?;
        Ok(self
            .store
            .delete_alliance(industry_id, id, version, &actor.audit())
            .await?)
    }

    pub async fn create_alliance_member(
        &self,
        actor: &Actor,
        industry_id: i64,
        alliance_id: i64,
        mut input: AllianceMemberInput,
    ) -> Result<AllianceMember> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate()?;
        Ok(self
            .store
            .create_alliance_member(industry_id, alliance_id, &input, &actor.audit())
            .await?)
    }

    pub async fn update_alliance_member(
        &self,
        actor: &Actor,
        industry_id: i64,
        alliance_id: i64,
        id: i64,
        version: i64,
        mut input: AllianceMemberInput,
    ) -> Result<AllianceMember> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate()?;
        Ok(self
            .store
            .update_alliance_member(
                industry_id,
                alliance_id,
                id,
                version,
                &input,
                &actor.audit(),
            )
            .await?)
    }

    pub async fn delete_alliance_member(
        &self,
        actor: &Actor,
        industry_id: i64,
        alliance_id: i64,
        id: i64,
        version: i64,
    ) -> Result<()> {
        self.require_profile_edit(actor, industry_id)?;
        Ok(self
            .store
            .delete_alliance_member(industry_id, alliance_id, id, version, &actor.audit())
            .await?)
    }

    // ------------------------------------------------------------ special plans

    /// A plan of this industry at the version the caller read: 404 when absent, 409 when it
    /// has moved on. Rules that compare with the plan's dates are checked against this very
    /// version, which the store's versioned write then guarantees is still current.
    async fn plan_at(&self, industry_id: i64, id: i64, version: i64) -> Result<SpecialPlan> {
        let plan = self
            .store
            .get_special_plan(industry_id, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if plan.version != version {
            return Err(ServiceError::Conflict);
        }
        Ok(plan)
    }

    pub async fn create_special_plan(
        &self,
        actor: &Actor,
        industry_id: i64,
        mut input: SpecialPlanInput,
    ) -> Result<SpecialPlan> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate(today())?;
        self.profile_industry(industry_id).await?;
        self.check_departments("drafting_department_ids", &input.drafting_department_ids)
            .await?;
        Ok(self
            .store
            .create_special_plan(industry_id, &input, &actor.audit())
            .await?)
    }

    pub async fn update_special_plan(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
        mut input: SpecialPlanInput,
    ) -> Result<SpecialPlan> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate(today())?;
        self.check_departments("drafting_department_ids", &input.drafting_department_ids)
            .await?;
        let plan = self.plan_at(industry_id, id, version).await?;
        let first_later = [plan.under_review_on, plan.approved_on, plan.published_on]
            .into_iter()
            .flatten()
            .min();
        if first_later.is_some_and(|d| input.drafted_on > d) {
            return Err(ServiceError::field("drafted_on", "status_date_order"));
        }
        Ok(self
            .store
            .update_special_plan(industry_id, id, version, &input, &actor.audit())
            .await?)
    }

    /// Moves a plan one status forward (编制中 → 审查中 → 已批复 → 已发布), dated.
    pub async fn move_special_plan(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
        change: PlanStatusMove,
    ) -> Result<SpecialPlan> {
        self.require_profile_edit(actor, industry_id)?;
        let plan = self.plan_at(industry_id, id, version).await?;
        change.validate(plan.status, plan.status_date(), today())?;
        Ok(self
            .store
            .move_special_plan(industry_id, id, version, &change, &actor.audit())
            .await?)
    }

    pub async fn delete_special_plan(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
    ) -> Result<()> {
        self.require_profile_edit(actor, industry_id)?;
        Ok(self
            .store
            .delete_special_plan(industry_id, id, version, &actor.audit())
            .await?)
    }

    /// Attaches a document to a plan. The web layer has already refused bodies over the
    /// limit (413); this checks again so no caller can store more.
    pub async fn upload_plan_file(
        &self,
        actor: &Actor,
        industry_id: i64,
        plan_id: i64,
        file_name: Option<&str>,
        content_type: Option<&str>,
        content: Vec<u8>,
    ) -> Result<PlanFile> {
        self.require_profile_edit(actor, industry_id)?;
        let Some(name) = file_name.and_then(profile::clean_file_name) else {
            return Err(ServiceError::field("file_name", "required"));
        };
        profile::check_file(&name, content.len())?;
        if content.len() > MAX_FILE_BYTES {
            return Err(ServiceError::Invalid(FieldErrors(vec![
                FieldError::new("file", "file_too_large").with("max", MAX_FILE_BYTES / 1024 / 1024),
            ])));
        }
        let file = NewPlanFile {
            file_name: name,
            content_type: clean_content_type(content_type),
            sha256: hex::encode(Sha256::digest(&content)),
            content,
        };
        Ok(self
            .store
            .add_plan_file(industry_id, plan_id, &file, &actor.audit())
            .await?)
    }

    /// A plan's document with its bytes.
    pub async fn download_plan_file(
        &self,
        actor: &Actor,
        industry_id: i64,
        plan_id: i64,
        id: i64,
    ) -> Result<(PlanFile, Vec<u8>)> {
        self.profile_view(actor, industry_id)?;
        self.store
            .get_plan_file(industry_id, plan_id, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    pub async fn delete_plan_file(
        &self,
        actor: &Actor,
        industry_id: i64,
        plan_id: i64,
        id: i64,
        version: i64,
    ) -> Result<()> {
        self.require_profile_edit(actor, industry_id)?;
        Ok(self
            .store
            .delete_plan_file(industry_id, plan_id, id, version, &actor.audit())
            .await?)
    }

    // ------------------------------------------------------------ work plans and measures

    pub async fn create_work_plan(
        &self,
        actor: &Actor,
        industry_id: i64,
        mut input: WorkPlanInput,
    ) -> Result<WorkPlan> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate()?;
        self.profile_industry(industry_id).await?;
        Ok(self
            .store
            .create_work_plan(industry_id, &input, &actor.audit())
            .await?)
    }

    pub async fn update_work_plan(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
        mut input: WorkPlanInput,
    ) -> Result<WorkPlan> {
        self.require_profile_edit(actor, industry_id)?;
        input.tidy();
        input.validate()?;
        Ok(self
            .store
            .update_work_plan(industry_id, id, version, &input, &actor.audit())
            .await?)
    }

    /// Deletes a work plan with its measures.
    pub async fn delete_work_plan(
        &self,
        actor: &Actor,
        industry_id: i64,
        id: i64,
        version: i64,
    ) -> Result<()> {
        self.require_profile_edit(actor, industry_id)?;
        Ok(self
            .store
            .delete_work_plan(industry_id, id, version, &actor.audit())
            .await?)
    }

    async fn check_measure(&self, input: &mut MeasureInput) -> Result<()> {
        input.tidy();
        input.validate()?;
        if let Some(d) = input.owner_department_id {
            self.check_departments("owner_department_id", &[d]).await?;
        }
        Ok(())
    }

    fn with_overdue(mut m: Measure) -> Measure {
        m.overdue = profile::measure_overdue(m.deadline, m.status, today());
        m
    }

    pub async fn create_measure(
        &self,
        actor: &Actor,
        industry_id: i64,
        work_plan_id: i64,
        mut input: MeasureInput,
    ) -> Result<Measure> {
        self.require_profile_edit(actor, industry_id)?;
        self.check_measure(&mut input).await?;
        let m = self
            .store
            .create_measure(industry_id, work_plan_id, &input, &actor.audit())
            .await?;
        Ok(Self::with_overdue(m))
    }

    pub async fn update_measure(
        &self,
        actor: &Actor,
        industry_id: i64,
        work_plan_id: i64,
        id: i64,
        version: i64,
        mut input: MeasureInput,
    ) -> Result<Measure> {
        self.require_profile_edit(actor, industry_id)?;
        self.check_measure(&mut input).await?;
        let m = self
            .store
            .update_measure(
                industry_id,
                work_plan_id,
                id,
                version,
                &input,
                &actor.audit(),
            )
            .await?;
        Ok(Self::with_overdue(m))
    }

    pub async fn delete_measure(
        &self,
        actor: &Actor,
        industry_id: i64,
        work_plan_id: i64,
        id: i64,
        version: i64,
    ) -> Result<()> {
        self.require_profile_edit(actor, industry_id)?;
        Ok(self
            .store
            .delete_measure(industry_id, work_plan_id, id, version, &actor.audit())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::clean_content_type;

    #[test]
    fn content_types() {
        assert_eq!(
            clean_content_type(Some("application/pdf")),
            "application/pdf"
        );
        assert_eq!(
            clean_content_type(Some("Text/HTML; charset=utf-8")),
            "text/html"
        );
        assert_eq!(
            clean_content_type(Some("x\r\nSet-Cookie: a")),
            "application/octet-stream"
        );
        assert_eq!(clean_content_type(None), "application/octet-stream");
    }
}
