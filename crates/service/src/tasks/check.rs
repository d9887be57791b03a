//! What a task must be before it is stored: its own rules (`dongneng_domain::task`) and what
//! it names — departments that exist and are in use, an industry, a region, a leader, a work
//! plan of its industry. The task form and the areas that give tasks (a meeting's decisions,
//! a problem's instruction) check through [`Service::check_new_task`].

use crate::Service;
use crate::error::{Result, ServiceError};
use dongneng_domain::task::TaskInput;
use dongneng_domain::user::roles_of;
use dongneng_domain::{FieldError, FieldErrors, Role};
use dongneng_store::{NewTask, Task};

impl Service {
    /// Checks a new task as another area gives it, in place: tidies it, applies its rules
    /// (the deadline not before `issued_on`) and checks what it names. Then the area writes it
    /// in its own transaction (the store's `tasks::insert_task`).
    pub(crate) async fn check_new_task(&self, new: &mut NewTask) -> Result<()> {
        new.input.tidy();
        new.input.validate(new.issued_on, None)?;
        self.check_task_refs(&mut new.input, None).await
    }

    /// Checks what a task names. `kept` is the task as stored, for a change: what it already
    /// names may stay although since retired (a department no longer in use).
    pub(crate) async fn check_task_refs(
        &self,
        input: &mut TaskInput,
        kept: Option<&Task>,
    ) -> Result<()> {
        let store = self.store();
        let mut errs = FieldErrors::new();
        let departments = store.list_departments().await?;
        let already = kept.map(Task::departments).unwrap_or_default();
        let mut department = |field: &str, id: i64| match departments.iter().find(|d| d.id == id) {
            None => errs.push(FieldError::new(field, "unknown_reference").with("id", id)),
            Some(d) if !d.active && !already.contains(&id) => {
                errs.push(FieldError::new(field, "department_retired").with("name", &d.name_zh))
            }
            Some(_) => {}
        };
        department("lead_department_id", input.lead_department_id);
        for id in &input.co_department_ids {
            department("co_department_ids", *id);
        }
        if let Some(plan_id) = input.work_plan_id {
            match store.work_plan(plan_id).await? {
                None => errs.add("work_plan_id", "unknown_reference"),
                // A work plan's task belongs to the plan's industry.
                Some(plan) => match input.industry_id {
                    None => input.industry_id = Some(plan.industry_id),
                    Some(i) if i != plan.industry_id => {
                        errs.add("industry_id", "work_plan_industry")
                    }
                    Some(_) => {}
                },
            }
        }
        if let Some(id) = input.industry_id {
            let kept_industry = kept.and_then(|t| t.industry_id) == Some(id);
            match store.get_industry(id).await? {
                None => errs.add("industry_id", "unknown_reference"),
                Some(i) if !i.active && !kept_industry => errs.add("industry_id", "inactive"),
                Some(_) => {}
            }
        }
        if let Some(id) = input.region_id
            && store.get_region(id).await?.is_none()
        {
            errs.add("region_id", "unknown_reference");
        }
        let kept_leader = kept.and_then(|t| t.leader_user_id);
        if let Some(id) = input.leader_user_id.filter(|id| kept_leader != Some(*id)) {
            let leader = store.get_user(id).await?;
            let is_leader = leader
                .as_ref()
                .is_some_and(|u| !u.disabled && roles_of(&u.grants).contains(&Role::Leader));
            if !is_leader {
                errs.add("leader_user_id", "not_a_leader");
            }
        }
        errs.into_result().map_err(ServiceError::Invalid)
    }
}
