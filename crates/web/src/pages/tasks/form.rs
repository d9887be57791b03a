//! The task form: a new task of the office (`/tasks/new`), a new task for an industry's work
//! plan (`/work-plans/{id}/tasks/new`, the plan's measure), and the change of one
//! (`/tasks/{id}/edit`). A task's source and work plan are not on the form once it exists.

use super::{IssuePlanTasks, IssueTasks, ManageTask, TaskNames};
use crate::error::AppResult;
use crate::pages::form::{Create, Ctx, Edit, Form, FormData, FormField, Place, Screen};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::FieldErrors;
use dongneng_domain::clock;
use dongneng_domain::task::{TaskInput, TaskSource};
use dongneng_service::ServiceError;

/// A new task entered by the office: its own, or a reform item.
pub struct NewTask;

impl Screen for NewTask {
    type Gate = IssueTasks;
    const AREA: &'static str = "tasks";
    const HOME: &'static str = "/tasks";
}

/// A new task for work plan `{id}`: one of its measures.
pub struct NewPlanTask;

impl Screen for NewPlanTask {
    type Gate = IssuePlanTasks;
    const AREA: &'static str = "tasks";
    const HOME: &'static str = "/tasks";
}

/// The change of task `{id}`.
pub struct TaskForm;

impl Screen for TaskForm {
    type Gate = ManageTask;
    const AREA: &'static str = "tasks";
    const HOME: &'static str = "/tasks/{id}";
}

/// The sources the office enters through this form (a work plan's tasks come from the plan).
const OFFICE_SOURCES: [TaskSource; 2] = [TaskSource::Office, TaskSource::Reform];

/// The task as typed. The source is read only where the form shows it.
fn read_task(f: &FormData, with_source: bool) -> (TaskInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let source = if with_source {
        f.choice("source", TaskSource::parse, &mut errs)
    } else {
        None
    };
    let input = TaskInput {
        title: f.get("title"),
        details: f.get("details"),
        source: source.unwrap_or(TaskSource::Office),
        work_plan_id: None,
        industry_id: f.opt_id("industry_id", &mut errs),
        region_id: f.opt_id("region_id", &mut errs),
        lead_department_id: f.required_id("lead_department_id", &mut errs),
        co_department_ids: f.ids("co_department_ids", &mut errs),
        responsible_person: f.opt("responsible_person"),
        leader_user_id: f.opt_id("leader_user_id", &mut errs),
        deadline: f.required_date("deadline", &mut errs),
    };
    (input, errs)
}

/// The fields of a task; `kept` are the departments it already names (shown although
/// retired since).
async fn task_fields<K: Screen>(
    c: &Ctx<K>,
    d: &TaskInput,
    sources: &[TaskSource],
    kept: &[i64],
) -> AppResult<Vec<FormField>> {
    let lang = c.lang();
    let names = TaskNames::load(&c.app, &c.s).await?;
    let not_set = || Some(lang.t("common.not_set"));
    let lead = (d.lead_department_id > 0).then_some(d.lead_department_id);
    let deadline = (d.deadline != NaiveDate::default()).then_some(d.deadline);
    let leaders = names
        .leaders
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let depts = names.depts.in_use(lang, kept);
    let mut fields = vec![
        FormField::text(lang, "title", &d.title).required(),
        FormField::textarea(lang, "details", &d.details),
    ];
    if !sources.is_empty() {
        let options = sources
            .iter()
            .map(|s| (s.code().to_string(), lang.t(&s.label_key())))
            .collect();
        fields.push(FormField::one_of(lang, "source", &d.source.code(), options));
    }
    fields.extend([
        FormField::select(
            lang,
            "industry_id",
            &d.industry_id,
            names.places.industry_options(),
            not_set(),
        )
        .hint(lang.t("task.place_hint")),
        FormField::select(
            lang,
            "region_id",
            &d.region_id,
            names.places.region_options(),
            not_set(),
        ),
        FormField::select(lang, "lead_department_id", &lead, depts.clone(), not_set()).required(),
        FormField::multi(lang, "co_department_ids", depts, &d.co_department_ids),
        FormField::text(lang, "responsible_person", &d.responsible_person),
        FormField::select(
            lang,
            "leader_user_id",
            &d.leader_user_id,
            leaders,
            not_set(),
        ),
        FormField::date(lang, "deadline", deadline).required(),
    ]);
    Ok(fields)
}

/// A task with nothing typed yet; its deadline the end of this year.
fn blank(industry_id: Option<i64>, source: TaskSource, work_plan_id: Option<i64>) -> TaskInput {
    let year = clock::today().year();
    TaskInput {
        title: String::new(),
        details: String::new(),
        source,
        work_plan_id,
        industry_id,
        region_id: None,
        lead_department_id: 0,
        co_department_ids: vec![],
        responsible_person: None,
        leader_user_id: None,
        deadline: NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    }
}

/// The task's own rules, for a form that could not be read whole (so that it reports every
/// problem at once); a deadline is checked against today, the day a new task is issued.
fn rules(d: &TaskInput, issued_on: NaiveDate) -> FieldErrors {
    d.validate(issued_on, None).err().unwrap_or_default()
}

impl Form for NewTask {
    type Draft = TaskInput;

    fn read(f: &FormData) -> (TaskInput, FieldErrors) {
        read_task(f, true)
    }

    fn rules(d: &TaskInput) -> FieldErrors {
        rules(d, clock::today())
    }

    async fn fields(c: &Ctx<Self>, d: &TaskInput) -> AppResult<Vec<FormField>> {
        task_fields(c, d, &OFFICE_SOURCES, &[]).await
    }
}

impl Create for NewTask {
    const COLLECTION: &'static str = "/tasks";
    const NEW_TITLE: &'static str = "task.new_title";

    async fn blank(_: &Ctx<Self>) -> AppResult<TaskInput> {
        Ok(blank(None, TaskSource::Office, None))
    }

    /// On to the new task's page.
    async fn create(c: &Ctx<Self>, d: TaskInput) -> Result<Place, ServiceError> {
        let t = c.access.create(d).await?;
        Ok(Place::new(format!("/tasks/{}", t.task.id)))
    }
}

impl Form for NewPlanTask {
    type Draft = TaskInput;

    fn read(f: &FormData) -> (TaskInput, FieldErrors) {
        read_task(f, false)
    }

    fn rules(d: &TaskInput) -> FieldErrors {
        rules(d, clock::today())
    }

    async fn fields(c: &Ctx<Self>, d: &TaskInput) -> AppResult<Vec<FormField>> {
        let plan = &c.access.1;
        let mut fields = task_fields(c, d, &[], &[]).await?;
        let lang = c.lang();
        let plan_line = lang.t_with("task.for_plan", &[("plan", &plan.plan_title)]);
        if let Some(title) = fields.first_mut() {
            title.hint = Some(plan_line);
        }
        Ok(fields)
    }
}

impl Create for NewPlanTask {
    const COLLECTION: &'static str = "/work-plans/{id}/tasks";
    const NEW_TITLE: &'static str = "profile.measure_new";

    async fn blank(c: &Ctx<Self>) -> AppResult<TaskInput> {
        let plan = &c.access.1;
        let mut d = blank(
            Some(plan.industry_id),
            TaskSource::WorkPlanMeasure,
            Some(plan.id),
        );
        d.deadline = NaiveDate::from_ymd_opt(plan.year, 12, 31).unwrap_or(d.deadline);
        Ok(d)
    }

    /// A measure of the plan; on to its page.
    async fn create(c: &Ctx<Self>, mut d: TaskInput) -> Result<Place, ServiceError> {
        d.source = TaskSource::WorkPlanMeasure;
        d.work_plan_id = Some(c.access.1.id);
        let t = c.access.0.create(d).await?;
        Ok(Place::new(format!("/tasks/{}", t.task.id)))
    }
}

impl Form for TaskForm {
    type Draft = TaskInput;

    fn read(f: &FormData) -> (TaskInput, FieldErrors) {
        read_task(f, false)
    }

    /// Its issue date is the stored task's, which the service checks the deadline against.
    fn rules(d: &TaskInput) -> FieldErrors {
        rules(d, NaiveDate::MIN)
    }

    async fn fields(c: &Ctx<Self>, d: &TaskInput) -> AppResult<Vec<FormField>> {
        let kept = c.access.task().departments();
        task_fields(c, d, &[], &kept).await
    }
}

impl Edit for TaskForm {
    const RECORD: &'static str = "/tasks/{id}/edit";
    const EDIT_TITLE: &'static str = "task.edit_title";

    async fn load(c: &Ctx<Self>) -> Result<(TaskInput, i64), ServiceError> {
        let t = c.access.task();
        Ok((t.input(), t.version))
    }

    /// The source and work plan stay as they are.
    async fn update(c: &Ctx<Self>, version: i64, mut d: TaskInput) -> Result<(), ServiceError> {
        let t = c.access.task();
        d.source = t.source;
        d.work_plan_id = t.work_plan_id;
        c.access.update(version, d).await?;
        Ok(())
    }
}
