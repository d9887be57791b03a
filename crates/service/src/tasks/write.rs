//! Changing tasks. Each capability is handed out over a scope that reaches the task (see
//! `reaches`): [`TaskIssuer`] issues new ones, [`TaskEditor`] changes and cancels one,
//! [`TaskReporter`] reports on one (notes, evidence, start, submit as done), [`TaskChecker`]
//! accepts or sends back its close. A status move is checked against the version the caller
//! read, which the store's versioned write then guarantees is still current.

use super::{check_permission, reaches};
use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::clock;
use dongneng_domain::policy::Permission;
use dongneng_domain::task::{self, NoteInput, TaskInput, TaskSource, TaskStep};
use dongneng_store::{NewTask, Region, Task, TaskEntry, TaskFile, TaskNote, WorkPlan};

impl Service {
    /// Issues tasks: the office any, the task forces their industries' work-plan tasks.
    pub fn task_issuer(&self, actor: &Actor) -> Result<TaskIssuer> {
        let any = self.grant(actor, Permission::ManageTasks).ok();
        let work_plans = self.grant(actor, Permission::ManageWorkPlanTasks).ok();
        if any.is_none() && work_plans.is_none() {
            return Err(ServiceError::Forbidden);
        }
        Ok(TaskIssuer { any, work_plans })
    }

    /// Changes and cancels task `id`: `ManageWorkPlanTasks` for a work plan's task,
    /// `ManageTasks` for any other, over a scope that reaches it.
    pub async fn task_editor(&self, actor: &Actor, id: i64) -> Result<TaskEditor> {
        let (task, regions) = self.task_and_regions(id).await?;
        let permission = if task.source == TaskSource::WorkPlanMeasure {
            Permission::ManageWorkPlanTasks
        } else {
            Permission::ManageTasks
        };
        let access = self
            .grant(actor, permission)?
            .covering(|s| reaches(s, &regions, &task))?;
        Ok(TaskEditor(One { access, task }))
    }

    /// Reports on task `id`: a department only on the tasks assigned to it.
    pub async fn task_reporter(&self, actor: &Actor, id: i64) -> Result<TaskReporter> {
        let (task, regions) = self.task_and_regions(id).await?;
        let access = self
            .grant(actor, Permission::ReportTaskProgress)?
            .covering(|s| reaches(s, &regions, &task))?;
        Ok(TaskReporter(One { access, task }))
    }

    /// Checks the close of task `id`: whoever issued it (the office, or the supervisor for a
    /// supervision task).
    pub async fn task_checker(&self, actor: &Actor, id: i64) -> Result<TaskChecker> {
        let (task, regions) = self.task_and_regions(id).await?;
        let access = self
            .grant(actor, check_permission(task.issuer))?
            .covering(|s| reaches(s, &regions, &task))?;
        Ok(TaskChecker(One { access, task }))
    }
}

/// Issues new tasks.
pub struct TaskIssuer {
    /// `ManageTasks`: any task.
    any: Option<Access>,
    /// `ManageWorkPlanTasks`: the tasks of the work plans within scope.
    work_plans: Option<Access>,
}

impl TaskIssuer {
    /// The grant a new task of `source` needs: 403 without it.
    fn grant_for(&self, source: TaskSource) -> Result<&Access> {
        let grant = if source == TaskSource::WorkPlanMeasure {
            self.work_plans.as_ref()
        } else {
            self.any.as_ref()
        };
        grant.ok_or(ServiceError::Forbidden)
    }

    /// Narrowed to the sources the office enters (its own, reform items): 403 for one who
    /// issues only work-plan tasks.
    pub fn for_office(self) -> Result<TaskIssuer> {
        self.grant_for(TaskSource::Office)?;
        Ok(self)
    }

    /// Narrowed to work plan `id`, for one who may give it tasks: 404 when there is no such
    /// plan, 403 outside the scope.
    pub async fn for_plan(self, id: i64) -> Result<(TaskIssuer, WorkPlan)> {
        let access = self.grant_for(TaskSource::WorkPlanMeasure)?;
        let plan = access
            .store()
            .work_plan(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !access.scope().covers_industry(plan.industry_id) {
            return Err(ServiceError::Forbidden);
        }
        Ok((self, plan))
    }

    /// Issues a task today. Its source is one entered through the form; the office issues it,
    /// and checks its close.
    pub async fn create(&self, mut input: TaskInput) -> Result<TaskEntry> {
        let access = self.grant_for(input.source)?;
        let today = clock::today();
        input.tidy();
        let mut errs = input.validate(today, None).err().unwrap_or_default();
        if !input.source.entered_directly() {
            errs.add("source", "not_entered_here");
        }
        errs.into_result()?;
        let svc = access.svc();
        svc.check_task_refs(&mut input, None).await?;
        let new = NewTask {
            issuer: input.source.issuer(),
            input,
            source_id: None,
            issued_on: today,
        };
        // Where the task will be must be within the issuer's scope.
        let regions = svc.store().list_regions().await?;
        if !reaches(access.scope(), &regions, &preview(&new)) {
            return Err(ServiceError::Forbidden);
        }
        let task = svc.store().create_task(&new, &access.by()).await?;
        Ok(task.on(today))
    }
}

/// A new task as it would be stored, for the scope check before it is.
fn preview(new: &NewTask) -> Task {
    let i = &new.input;
    let now = chrono::Utc::now();
    Task {
        id: 0,
        title: i.title.clone(),
        details: i.details.clone(),
        source: i.source,
        source_id: new.source_id,
        work_plan_id: i.work_plan_id,
        industry_id: i.industry_id,
        region_id: i.region_id,
        lead_department_id: Some(i.lead_department_id),
        co_department_ids: i.co_department_ids.clone(),
        responsible_person: i.responsible_person.clone(),
        leader_user_id: i.leader_user_id,
        issued_on: new.issued_on,
        deadline: i.deadline,
        status: task::TaskStatus::NotStarted,
        issuer: new.issuer,
        cancel_reason: None,
        reject_reason: None,
        done_at: None,
        closed_at: None,
        created_by: String::new(),
        version: 0,
        created_at: now,
        updated_at: now,
    }
}

/// One task a capability was handed out for, as it stood then.
struct One {
    access: Access,
    task: Task,
}

impl One {
    /// Moves the task's status by `step` from the version the caller read: 409 when it has
    /// moved on, the step refused when the status does not allow it.
    async fn step(&self, version: i64, step: TaskStep, reason: Option<&str>) -> Result<TaskEntry> {
        let task = &self.task;
        if task.version != version {
            return Err(ServiceError::Conflict);
        }
        if task.status.after(step).is_none() {
            return Err(task::step_refused(task.status, step).into());
        }
        let store = self.access.store();
        // Closing needs evidence: a task is submitted as done with at least one file.
        if step == TaskStep::Submit && store.list_task_files(task.id).await?.is_empty() {
            return Err(ServiceError::field("files", "evidence_required"));
        }
        let by = self.access.by();
        let moved = store.move_task(task.id, version, step, reason, &by).await?;
        Ok(moved.on(clock::today()))
    }

    /// Refused once the task is closed or cancelled.
    fn unfinished(&self) -> Result<()> {
        if self.task.status.is_finished() {
            return Err(ServiceError::field("status", "task_finished"));
        }
        Ok(())
    }

    /// Refused unless the task takes evidence now (while the work is under way).
    fn takes_evidence(&self) -> Result<()> {
        if !self.task.status.takes_evidence() {
            return Err(ServiceError::field("status", "task_not_open"));
        }
        Ok(())
    }
}

/// Changes and cancels one task.
pub struct TaskEditor(One);

impl TaskEditor {
    /// The task as it stood when the capability was handed out.
    pub fn task(&self) -> &Task {
        &self.0.task
    }

    /// Changes the task from the `version` the caller read. Its source and work plan stay.
    pub async fn update(&self, version: i64, mut input: TaskInput) -> Result<TaskEntry> {
        let kept = &self.0.task;
        self.0.unfinished()?;
        input.tidy();
        let mut errs = input
            .validate(kept.issued_on, Some(kept.deadline))
            .err()
            .unwrap_or_default();
        if input.source != kept.source {
            errs.add("source", "fixed");
        }
        if input.work_plan_id != kept.work_plan_id {
            errs.add("work_plan_id", "fixed");
        }
        errs.into_result()?;
        let access = &self.0.access;
        let svc = access.svc();
        svc.check_task_refs(&mut input, Some(kept)).await?;
        if kept.version != version {
            return Err(ServiceError::Conflict);
        }
        let regions: Vec<Region> = svc.store().list_regions().await?;
        let moved = Task {
            industry_id: input.industry_id,
            region_id: input.region_id,
            lead_department_id: Some(input.lead_department_id),
            co_department_ids: input.co_department_ids.clone(),
            ..kept.clone()
        };
        // Moved elsewhere, it must stay within the editor's scope.
        if !reaches(access.scope(), &regions, &moved) {
            return Err(ServiceError::Forbidden);
        }
        let task = svc
            .store()
            .update_task(kept.id, version, &input, &access.by())
            .await?;
        Ok(task.on(clock::today()))
    }

    /// Calls the task off, with the reason.
    pub async fn cancel(&self, version: i64, reason: &str) -> Result<TaskEntry> {
        let reason = reason.trim();
        task::check_reason("cancel_reason", reason)?;
        self.0.step(version, TaskStep::Cancel, Some(reason)).await
    }
}

/// Reports on one task: notes, evidence, start, submit as done.
pub struct TaskReporter(One);

impl TaskReporter {
    pub fn task(&self) -> &Task {
        &self.0.task
    }

    /// One piece of the task's evidence: 404 when it has none of this id.
    pub async fn file(&self, id: i64) -> Result<TaskFile> {
        let files = self
            .0
            .access
            .store()
            .list_task_files(self.0.task.id)
            .await?;
        files
            .into_iter()
            .find(|f| f.id == id)
            .ok_or(ServiceError::NotFound)
    }

    /// Work on the task begins.
    pub async fn start(&self, version: i64) -> Result<TaskEntry> {
        self.0.step(version, TaskStep::Start, None).await
    }

    /// Reports it done, for its issuer to check: needs evidence.
    pub async fn submit(&self, version: i64) -> Result<TaskEntry> {
        self.0.step(version, TaskStep::Submit, None).await
    }

    /// A dated progress note (today unless another day is given; never a future one).
    pub async fn add_note(&self, mut note: NoteInput) -> Result<TaskNote> {
        self.0.unfinished()?;
        let today = clock::today();
        note.tidy();
        note.validate(today)?;
        let on = note.noted_on.unwrap_or(today);
        let access = &self.0.access;
        Ok(access
            .store()
            .add_task_note(self.0.task.id, on, &note.progress_note, &access.by())
            .await?)
    }

    /// Adds a piece of evidence (the upload rules of every file), while the work is under way.
    pub async fn upload_file(
        &self,
        file_name: Option<&str>,
        content_type: Option<&str>,
        content: Vec<u8>,
    ) -> Result<TaskFile> {
        self.0.takes_evidence()?;
        let file = crate::files::checked_upload(file_name, content_type, content)?;
        let access = &self.0.access;
        Ok(access
            .store()
            .add_task_file(self.0.task.id, &file, &access.by())
            .await?)
    }

    /// Removes a piece of evidence at the `version` the caller read.
    pub async fn delete_file(&self, id: i64, version: i64) -> Result<()> {
        self.0.takes_evidence()?;
        let access = &self.0.access;
        Ok(access
            .store()
            .delete_task_file(self.0.task.id, id, version, &access.by())
            .await?)
    }
}

/// Accepts or sends back the close of one task.
pub struct TaskChecker(One);

impl TaskChecker {
    pub fn task(&self) -> &Task {
        &self.0.task
    }

    /// The close is accepted: the task is closed.
    pub async fn accept(&self, version: i64) -> Result<TaskEntry> {
        self.0.step(version, TaskStep::Accept, None).await
    }

    /// The close is sent back, with the reason: the task is in progress again.
    pub async fn reject(&self, version: i64, reason: &str) -> Result<TaskEntry> {
        let reason = reason.trim();
        task::check_reason("reject_reason", reason)?;
        self.0.step(version, TaskStep::Reject, Some(reason)).await
    }
}
