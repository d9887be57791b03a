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
    /// The list of industries the actor may read, with how much of each structure is in place.
    pub fn profiles(&self, actor: &Actor) -> Result<ProfileDirectory> {
        Ok(ProfileDirectory(
            self.grant(actor, Permission::ViewIndustryProfile)?,
        ))
    }

    /// Reads one industry's profile: refused (403) unless the actor's scope covers it.
    pub fn profile_reader(&self, actor: &Actor, industry_id: i64) -> Result<ProfileReader> {
        let access = self
            .grant(actor, Permission::ViewIndustryProfile)?
            .covering(|s| s.covers_industry(industry_id))?;
        Ok(ProfileReader {
            access,
            industry_id,
        })
    }

    /// Changes one industry's profile: refused (403) unless the actor's scope covers it.
    pub fn profile_editor(&self, actor: &Actor, industry_id: i64) -> Result<ProfileEditor> {
        let access = self
            .grant(actor, Permission::EditIndustryProfile)?
            .covering(|s| s.covers_industry(industry_id))?;
        Ok(ProfileEditor {
            access,
            industry_id,
        })
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
        let mut measures = svc.store().list_measures(industry_id).await?;
        for m in &mut measures {
            m.overdue = profile::measure_overdue(m.deadline, m.status, today);
        }
        let work_plans = svc
            .store()
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
        let industry_id = self.industry_id;
        input.tidy();
        input.validate()?;
        self.access.svc().profile_industry(industry_id).await?;
        if let Some(lead) = input.lead_department_id {
            self.access
                .svc()
                .check_departments("lead_department_id", &[lead])
                .await?;
        }
        self.access
            .svc()
            .check_departments(
                "responsible_department_ids",
                &input.responsible_department_ids,
            )
            .await?;
        Ok(self
            .access
            .store()
            .save_structure(industry_id, version, &input, &self.access.by())
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
        let members = self
            .access
            .store()
            .list_taskforce_members(industry_id)
            .await?;
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
        self.access.svc().profile_industry(industry_id).await?;
        if let Some(d) = input.department_id {
            self.access
                .svc()
                .check_departments("department_id", &[d])
                .await?;
        }
        self.check_member_places(industry_id, id, input).await
    }

    pub async fn create_taskforce_member(
        &self,
        mut input: TaskforceMemberInput,
    ) -> Result<TaskforceMember> {
        let industry_id = self.industry_id;
        self.check_member(industry_id, None, &mut input).await?;
        Ok(self
            .access
            .store()
            .create_taskforce_member(industry_id, &input, &self.access.by())
            .await?)
    }

    pub async fn update_taskforce_member(
        &self,
        id: i64,
        version: i64,
        mut input: TaskforceMemberInput,
    ) -> Result<TaskforceMember> {
        let industry_id = self.industry_id;
        self.check_member(industry_id, Some(id), &mut input).await?;
        Ok(self
            .access
            .store()
            .update_taskforce_member(industry_id, id, version, &input, &self.access.by())
            .await?)
    }

    pub async fn delete_taskforce_member(&self, id: i64, version: i64) -> Result<()> {
        let industry_id = self.industry_id;
        Ok(self
            .access
            .store()
            .delete_taskforce_member(industry_id, id, version, &self.access.by())
            .await?)
    }

    // ------------------------------------------------------------ think tank

    pub async fn create_expert(&self, mut input: ExpertInput) -> Result<Expert> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate()?;
        self.access.svc().profile_industry(industry_id).await?;
        Ok(self
            .access
            .store()
            .create_expert(industry_id, &input, &self.access.by())
            .await?)
    }

    /// Changes an expert; setting `left_on` moves them to the history (dynamic management).
    pub async fn update_expert(
        &self,
        id: i64,
        version: i64,
        mut input: ExpertInput,
    ) -> Result<Expert> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate()?;
        Ok(self
            .access
            .store()
            .update_expert(industry_id, id, version, &input, &self.access.by())
            .await?)
    }

    /// Removes an expert entered by mistake. One who leaves gets a leave date instead.
    pub async fn delete_expert(&self, id: i64, version: i64) -> Result<()> {
        let industry_id = self.industry_id;
        Ok(self
            .access
            .store()
            .delete_expert(industry_id, id, version, &self.access.by())
            .await?)
    }

    // ------------------------------------------------------------ alliances

    pub async fn create_alliance(&self, mut input: AllianceInput) -> Result<Alliance> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate()?;
        self.access.svc().profile_industry(industry_id).await?;
        Ok(self
            .access
            .store()
            .create_alliance(industry_id, &input, &self.access.by())
            .await?)
    }

    pub async fn update_alliance(
        &self,
        id: i64,
        version: i64,
        mut input: AllianceInput,
    ) -> Result<Alliance> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate()?;
        Ok(self
            .access
            .store()
            .update_alliance(industry_id, id, version, &input, &self.access.by())
            .await?)
    }

    /// Deletes an alliance with its member list.
    pub async fn delete_alliance(&self, id: i64, version: i64) -> Result<()> {
        let industry_id = self.industry_id;
        Ok(self
            .access
            .store()
            .delete_alliance(industry_id, id, version, &self.access.by())
            .await?)
    }

    pub async fn create_alliance_member(
        &self,
        alliance_id: i64,
        mut input: AllianceMemberInput,
    ) -> Result<AllianceMember> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate()?;
        Ok(self
            .access
            .store()
            .create_alliance_member(industry_id, alliance_id, &input, &self.access.by())
            .await?)
    }

    pub async fn update_alliance_member(
        &self,
        alliance_id: i64,
        id: i64,
        version: i64,
        mut input: AllianceMemberInput,
    ) -> Result<AllianceMember> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate()?;
        Ok(self
            .access
            .store()
            .update_alliance_member(
                industry_id,
                alliance_id,
                id,
                version,
                &input,
                &self.access.by(),
            )
            .await?)
    }

    pub async fn delete_alliance_member(
        &self,
        alliance_id: i64,
        id: i64,
        version: i64,
    ) -> Result<()> {
        let industry_id = self.industry_id;
        Ok(self
            .access
            .store()
            .delete_alliance_member(industry_id, alliance_id, id, version, &self.access.by())
            .await?)
    }

    // ------------------------------------------------------------ special plans

    /// A plan of this industry at the version the caller read: 404 when absent, 409 when it
    /// has moved on. Rules that compare with the plan's dates are checked against this very
    /// version, which the store's versioned write then guarantees is still current.
    async fn plan_at(&self, industry_id: i64, id: i64, version: i64) -> Result<SpecialPlan> {
        let plan = self
            .access
            .store()
            .get_special_plan(industry_id, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if plan.version != version {
            return Err(ServiceError::Conflict);
        }
        Ok(plan)
    }

    pub async fn create_special_plan(&self, mut input: SpecialPlanInput) -> Result<SpecialPlan> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate(clock::today())?;
        self.access.svc().profile_industry(industry_id).await?;
        self.access
            .svc()
            .check_departments("drafting_department_ids", &input.drafting_department_ids)
            .await?;
        Ok(self
            .access
            .store()
            .create_special_plan(industry_id, &input, &self.access.by())
            .await?)
    }

    pub async fn update_special_plan(
        &self,
        id: i64,
        version: i64,
        mut input: SpecialPlanInput,
    ) -> Result<SpecialPlan> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate(clock::today())?;
        self.access
            .svc()
            .check_departments("drafting_department_ids", &input.drafting_department_ids)
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
            .access
            .store()
            .update_special_plan(industry_id, id, version, &input, &self.access.by())
            .await?)
    }

    /// Moves a plan one status forward (编制中 → 审查中 → 已批复 → 已发布), dated.
    pub async fn move_special_plan(
        &self,
        id: i64,
        version: i64,
        change: PlanStatusMove,
    ) -> Result<SpecialPlan> {
        let industry_id = self.industry_id;
        let plan = self.plan_at(industry_id, id, version).await?;
        change.validate(plan.status, plan.status_date(), clock::today())?;
        Ok(self
            .access
            .store()
            .move_special_plan(industry_id, id, version, &change, &self.access.by())
            .await?)
    }

    pub async fn delete_special_plan(&self, id: i64, version: i64) -> Result<()> {
        let industry_id = self.industry_id;
        Ok(self
            .access
            .store()
            .delete_special_plan(industry_id, id, version, &self.access.by())
            .await?)
    }

    /// Attaches a document to a plan. The web layer has already refused bodies over the
    /// limit (413); this checks again so no caller can store more.
    pub async fn upload_plan_file(
        &self,
        plan_id: i64,
        file_name: Option<&str>,
        content_type: Option<&str>,
        content: Vec<u8>,
    ) -> Result<PlanFile> {
        let industry_id = self.industry_id;
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
            .access
            .store()
            .add_plan_file(industry_id, plan_id, &file, &self.access.by())
            .await?)
    }

    pub async fn delete_plan_file(&self, plan_id: i64, id: i64, version: i64) -> Result<()> {
        let industry_id = self.industry_id;
        Ok(self
            .access
            .store()
            .delete_plan_file(industry_id, plan_id, id, version, &self.access.by())
            .await?)
    }

    // ------------------------------------------------------------ work plans and measures

    pub async fn create_work_plan(&self, mut input: WorkPlanInput) -> Result<WorkPlan> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate()?;
        self.access.svc().profile_industry(industry_id).await?;
        Ok(self
            .access
            .store()
            .create_work_plan(industry_id, &input, &self.access.by())
            .await?)
    }

    pub async fn update_work_plan(
        &self,
        id: i64,
        version: i64,
        mut input: WorkPlanInput,
    ) -> Result<WorkPlan> {
        let industry_id = self.industry_id;
        input.tidy();
        input.validate()?;
        Ok(self
            .access
            .store()
            .update_work_plan(industry_id, id, version, &input, &self.access.by())
            .await?)
    }

    /// Deletes a work plan with its measures.
    pub async fn delete_work_plan(&self, id: i64, version: i64) -> Result<()> {
        let industry_id = self.industry_id;
        Ok(self
            .access
            .store()
            .delete_work_plan(industry_id, id, version, &self.access.by())
            .await?)
    }

    async fn check_measure(&self, input: &mut MeasureInput) -> Result<()> {
        input.tidy();
        input.validate()?;
        if let Some(d) = input.owner_department_id {
            self.access
                .svc()
                .check_departments("owner_department_id", &[d])
                .await?;
        }
        Ok(())
    }

    fn with_overdue(mut m: Measure) -> Measure {
        m.overdue = profile::measure_overdue(m.deadline, m.status, clock::today());
        m
    }

    pub async fn create_measure(
        &self,
        work_plan_id: i64,
        mut input: MeasureInput,
    ) -> Result<Measure> {
        let industry_id = self.industry_id;
        self.check_measure(&mut input).await?;
        let m = self
            .access
            .store()
            .create_measure(industry_id, work_plan_id, &input, &self.access.by())
            .await?;
        Ok(Self::with_overdue(m))
    }

    pub async fn update_measure(
        &self,
        work_plan_id: i64,
        id: i64,
        version: i64,
        mut input: MeasureInput,
    ) -> Result<Measure> {
        let industry_id = self.industry_id;
        self.check_measure(&mut input).await?;
        let m = self
            .access
            .store()
            .update_measure(
                industry_id,
                work_plan_id,
                id,
                version,
                &input,
                &self.access.by(),
            )
            .await?;
        Ok(Self::with_overdue(m))
    }

    pub async fn delete_measure(&self, work_plan_id: i64, id: i64, version: i64) -> Result<()> {
        let industry_id = self.industry_id;
        Ok(self
            .access
            .store()
            .delete_measure(industry_id, work_plan_id, id, version, &self.access.by())
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
