//! The capabilities over one problem, each handed out after one permission check and
//! narrowed to the problem (and a department's to its own assignment): the office's
//! [`ProblemManager`] (edit, assign, return an answer, escalate, resolve), a department's
//! [`ProblemAnswerer`] (sign, answer), the [`ProblemUrger`], the leader's
//! [`ProblemInstructor`], and the [`ProblemAttacher`] of files.
//!
//! Every step names the version its caller read: a stale one is 409 before anything else is
//! checked, and the rules are checked against that very version, which the store's guarded
//! write then keeps current. The steps themselves are built by plain functions of the time
//! (`*_step`), which the demo also uses to lay down its past.

use super::{covers, flag, resolve};
use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use chrono::{DateTime, Utc};
use dongneng_domain::clock;
use dongneng_domain::policy::Permission;
use dongneng_domain::problem::{
    self, AnswerInput, AssignInput, AssignmentMove, EscalateInput, InstructionInput, ProblemInput,
    ProblemMove, ResolveInput, ReturnInput, UrgeInput,
};
use dongneng_store::{
    Assignment, InstructionTask, NewInstruction, Problem, ProblemChange, ProblemFile, ProblemStep,
};

/// A problem held at the version its capability read, with the grant over it.
struct Held {
    access: Access,
    problem: Problem,
}

impl Held {
    /// The problem, when the caller read this version (409 otherwise).
    fn at(&self, version: i64) -> Result<&Problem> {
        if self.problem.version == version {
            Ok(&self.problem)
        } else {
            Err(ServiceError::Conflict)
        }
    }

    async fn assignments(&self) -> Result<Vec<Assignment>> {
        Ok(self
            .access
            .store()
            .problem_detail(self.problem.id)
            .await?
            .ok_or(ServiceError::NotFound)?
            .assignments)
    }

    /// The open or answered assignment of `department`, or the field error.
    async fn assignment_of(&self, department: i64) -> Result<Assignment> {
        self.assignments()
            .await?
            .into_iter()
            .find(|a| a.department_id == department)
            .ok_or_else(|| ServiceError::field("department_id", "not_assigned"))
    }

    /// Makes the step now.
    async fn change(&self, version: i64, step: ProblemStep) -> Result<Problem> {
        let change = ProblemChange {
            step,
            at: clock::now(),
        };
        let (store, by) = (self.access.store(), self.access.by());
        let mut p = store
            .change_problem(self.problem.id, version, &change, &by)
            .await?;
        flag(&mut p, clock::today());
        Ok(p)
    }
}

impl Service {
    async fn held(&self, actor: &Actor, permission: Permission, id: i64) -> Result<Held> {
        let (access, problem) = self.problem_grant(actor, permission, id).await?;
        Ok(Held { access, problem })
    }

    /// The office's part of problem `id`.
    pub async fn problem_manager(&self, actor: &Actor, id: i64) -> Result<ProblemManager> {
        Ok(ProblemManager(
            self.held(actor, Permission::ManageProblems, id).await?,
        ))
    }

    /// A department's part of problem `id`: its own assignment (403 when the problem is not
    /// assigned to the actor's department).
    pub async fn problem_answerer(&self, actor: &Actor, id: i64) -> Result<ProblemAnswerer> {
        let access = self.grant(actor, Permission::AnswerProblems)?;
        let problem = self
            .store()
            .get_problem(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mine = problem
            .department_ids
            .iter()
            .copied()
            .find(|d| access.scope().departments.contains(d))
            .ok_or(ServiceError::Forbidden)?;
        let held = Held { access, problem };
        let assignment = held.assignment_of(mine).await?;
        Ok(ProblemAnswerer { held, assignment })
    }

    /// Urges the departments of problem `id`.
    pub async fn problem_urger(&self, actor: &Actor, id: i64) -> Result<ProblemUrger> {
        Ok(ProblemUrger(
            self.held(actor, Permission::UrgeProblems, id).await?,
        ))
    }

    /// The leader's instruction on problem `id` (a leader of its industry).
    pub async fn problem_instructor(&self, actor: &Actor, id: i64) -> Result<ProblemInstructor> {
        Ok(ProblemInstructor(
            self.held(actor, Permission::InstructProblems, id).await?,
        ))
    }

    /// Attaches files to problem `id`: a department to its own answer; the office, or a
    /// raiser whose scope covers the problem, to the problem.
    pub async fn problem_attacher(&self, actor: &Actor, id: i64) -> Result<ProblemAttacher> {
        let answer = self.problem_answerer(actor, id).await;
        if let Ok(a) = answer {
            return Ok(ProblemAttacher {
                assignment: Some(a.assignment.id),
                held: a.held,
            });
        }
        let mut refused = answer.err();
        for permission in [Permission::ManageProblems, Permission::RaiseProblems] {
            match self.held(actor, permission, id).await {
                Ok(held) => {
                    return Ok(ProblemAttacher {
                        held,
                        assignment: None,
                    });
                }
                Err(ServiceError::NotFound) => return Err(ServiceError::NotFound),
                Err(e) => refused = Some(e),
            }
        }
        Err(refused.unwrap_or(ServiceError::Forbidden))
    }
}

// ---------------------------------------------------------------- the steps, by time

/// Signing for an assignment at `at`: on time within a day of being assigned.
pub(crate) fn sign_step(a: &Assignment, at: DateTime<Utc>) -> ProblemStep {
    ProblemStep::Sign {
        assignment_id: a.id,
        on_time: !problem::sign_late(a.assigned_at, Some(at), at),
    }
}

/// Answering at `at`: late after the deadline's day; how long since it was assigned.
pub(crate) fn answer_step(a: &Assignment, answer: String, at: DateTime<Utc>) -> ProblemStep {
    ProblemStep::Answer {
        assignment_id: a.id,
        answer,
        late: problem::answered_late(a.deadline, at),
        seconds: problem::elapsed_seconds(a.assigned_at, at),
    }
}

/// Resolving at `at`: how long since it was raised.
pub(crate) fn resolve_step(p: &Problem, resolution: String, at: DateTime<Utc>) -> ProblemStep {
    ProblemStep::Resolve {
        resolution,
        seconds: problem::elapsed_seconds(p.raised_at, at),
    }
}

/// What the key task a leader's instruction becomes needs: the problem's title and where it
/// belongs, the instruction as its content, the lead and co-departments, the deadline, the
/// leader in charge.
///
/// The store creates the task from this in the instruction's transaction
/// (`create_instruction_task` in `store/shared/problems.rs`).
pub fn task_from_instruction(p: &Problem, i: &NewInstruction) -> InstructionTask {
    InstructionTask {
        title: format!("{}（{}）", p.title, p.number),
        content: i.instruction.clone(),
        problem_id: p.id,
        industry_id: p.industry_id,
        region_id: p.region_id,
        lead_department_id: i.lead_department_id,
        co_department_ids: i.co_department_ids.clone(),
        leader_in_charge: i.leader_name.clone(),
        deadline: i.deadline,
    }
}

/// The instruction step for `i` (already checked), given by `leader`.
pub(crate) fn instruct_step(p: &Problem, i: InstructionInput, leader: &str) -> ProblemStep {
    let instruction = NewInstruction {
        instruction: i.instruction,
        leader_name: leader.to_string(),
        lead_department_id: i.lead_department_id,
        co_department_ids: i.co_department_ids,
        deadline: i.deadline,
    };
    ProblemStep::Instruct {
        task: task_from_instruction(p, &instruction),
        instruction,
    }
}

// ---------------------------------------------------------------- capabilities

/// The office's part of one problem: edit it, assign it to departments, return an answer,
/// escalate it to the leader in charge, resolve it.
pub struct ProblemManager(Held);

impl ProblemManager {
    pub fn problem(&self) -> &Problem {
        &self.0.problem
    }

    pub async fn edit(&self, version: i64, mut input: ProblemInput) -> Result<Problem> {
        let p = self.0.at(version)?;
        p.state.refuse(ProblemMove::Edit)?;
        input.tidy();
        input.validate()?;
        let fields = resolve(&self.0.access, &input).await?;
        let mut moved = p.clone();
        (moved.industry_id, moved.region_id) = (fields.industry_id, fields.region_id);
        let path = self.0.access.svc().region_path_of(moved.region_id).await?;
        if !covers(self.0.access.scope(), &path, &moved) {
            return Err(ServiceError::Forbidden);
        }
        self.0.change(version, ProblemStep::Edit(fields)).await
    }

    /// Assigns the problem to departments, each with a deadline not before the day it was
    /// raised; each must exist and not be disabled.
    pub async fn assign(&self, version: i64, input: AssignInput) -> Result<Problem> {
        let p = self.0.at(version)?;
        p.state.refuse(ProblemMove::Assign)?;
        input.validate(clock::day_of(p.raised_at), &p.department_ids)?;
        let wanted: Vec<(String, i64)> = input
            .assignments
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("assignments[{i}].department_id"), a.department_id))
            .collect();
        self.0.access.svc().check_assignable(&wanted).await?;
        self.0
            .change(version, ProblemStep::Assign(input.assignments))
            .await
    }

    /// Sends a department's answer back, with the reason.
    pub async fn return_answer(&self, version: i64, mut input: ReturnInput) -> Result<Problem> {
        self.0.at(version)?;
        input.return_reason = input.return_reason.trim().to_string();
        let a = self.0.assignment_of(input.department_id).await?;
        a.state.refuse(AssignmentMove::Return)?;
        problem::required_text("return_reason", &input.return_reason, 1000)?;
        let step = ProblemStep::Return {
            assignment_id: a.id,
            reason: input.return_reason,
        };
        self.0.change(version, step).await
    }

    /// Escalates the problem to the leader in charge, saying why.
    pub async fn escalate(&self, version: i64, mut input: EscalateInput) -> Result<Problem> {
        let p = self.0.at(version)?;
        p.state.refuse(ProblemMove::Escalate)?;
        input.note = input.note.trim().to_string();
        problem::required_text("note", &input.note, 1000)?;
        let step = ProblemStep::Escalate { note: input.note };
        self.0.change(version, step).await
    }

    /// Marks the problem resolved: answers are accepted, open assignments closed.
    pub async fn resolve(&self, version: i64, mut input: ResolveInput) -> Result<Problem> {
        let p = self.0.at(version)?;
        p.state.refuse(ProblemMove::Resolve)?;
        input.resolution = input.resolution.trim().to_string();
        problem::required_text("resolution", &input.resolution, 4000)?;
        let step = resolve_step(p, input.resolution, clock::now());
        self.0.change(version, step).await
    }
}

/// A department's own assignment on one problem: sign for it, answer it.
pub struct ProblemAnswerer {
    held: Held,
    assignment: Assignment,
}

impl ProblemAnswerer {
    pub fn assignment(&self) -> &Assignment {
        &self.assignment
    }

    /// Signs for the assignment (签收); the time is kept, and whether it was within a day.
    pub async fn sign(&self, version: i64) -> Result<Problem> {
        self.held.at(version)?;
        self.assignment.state.refuse(AssignmentMove::Sign)?;
        let step = sign_step(&self.assignment, clock::now());
        self.held.change(version, step).await
    }

    /// Answers (or answers again after a return).
    pub async fn answer(&self, version: i64, input: AnswerInput) -> Result<Problem> {
        self.held.at(version)?;
        self.assignment.state.refuse(AssignmentMove::Answer)?;
        let answer = input.answer.trim().to_string();
        problem::required_text("answer", &answer, 4000)?;
        let step = answer_step(&self.assignment, answer, clock::now());
        self.held.change(version, step).await
    }
}

/// Urges (催办) the departments of one problem.
pub struct ProblemUrger(Held);

impl ProblemUrger {
    /// Urges one department on an assignment near or past its deadline.
    pub async fn urge(&self, version: i64, mut input: UrgeInput) -> Result<Problem> {
        self.0.at(version)?;
        problem::tidy_note(&mut input.note);
        problem::optional_text("note", &input.note, 500)?;
        let a = self.0.assignment_of(input.department_id).await?;
        problem::check_urge(a.state, a.deadline, clock::today())?;
        let step = ProblemStep::Urge {
            assignment_id: a.id,
            note: input.note.unwrap_or_default(),
        };
        self.0.change(version, step).await
    }
}

/// The leader's instruction (批示) on one escalated problem.
pub struct ProblemInstructor(Held);

impl ProblemInstructor {
    /// Records the instruction in full and turns it into a key task
    /// ([`task_from_instruction`]).
    pub async fn instruct(&self, version: i64, mut input: InstructionInput) -> Result<Problem> {
        let p = self.0.at(version)?;
        p.state.refuse(ProblemMove::Instruct)?;
        input.tidy();
        input.validate(clock::today())?;
        let mut wanted = vec![("lead_department_id".to_string(), input.lead_department_id)];
        wanted.extend(
            input
                .co_department_ids
                .iter()
                .map(|d| ("co_department_ids".to_string(), *d)),
        );
        self.0.access.svc().check_assignable(&wanted).await?;
        let leader = self.0.access.actor().user().display_name.clone();
        let step = instruct_step(p, input, &leader);
        self.0.change(version, step).await
    }
}

/// Attaches files to one problem, or to the actor's department's answer.
pub struct ProblemAttacher {
    held: Held,
    assignment: Option<i64>,
}

impl ProblemAttacher {
    pub async fn upload(
        &self,
        file_name: Option<&str>,
        content_type: Option<&str>,
        content: Vec<u8>,
    ) -> Result<ProblemFile> {
        self.held.problem.state.refuse(ProblemMove::Edit)?;
        let file = crate::files::checked_upload(file_name, content_type, content)?;
        let (store, by) = (self.held.access.store(), self.held.access.by());
        Ok(store
            .add_problem_file(self.held.problem.id, self.assignment, &file, &by)
            .await?)
    }
}
