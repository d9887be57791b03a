//! Planning and changing meetings. [`MeetingPlanner`] (`ManageMeetings`) plans a new one —
//! a quarterly meeting with what the proposal offered — and sees and changes the proposal's
//! rules. [`MeetingManager`] (`ManageMeetings` over the meeting) changes one: its facts, its
//! state, agenda, attendees, minutes and decisions. A decision becomes a key task (source
//! `meeting_decision`, the meeting its `source_id`, the chair its leader in charge, issued on
//! the meeting's day) in the decision's transaction.

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use dongneng_domain::clock;
use dongneng_domain::meeting::{
    self, AgendaInput, AttendeeInput, DecisionInput, MeetingInput, MeetingKind, MeetingStep,
    MinutesInput, OutcomeInput, ProposalRules,
};
use dongneng_domain::policy::Permission;
use dongneng_domain::task::{TaskInput, TaskSource};
use dongneng_domain::user::roles_of;
use dongneng_domain::{FieldError, FieldErrors, Role};
use dongneng_store::{
    AgendaItem, Attendee, Decision, Meeting, NewMeeting, NewTask, StoreError, StoredRules,
    TaskEntry,
};

use super::Proposal;

impl Service {
    /// Plans meetings and keeps the proposal's rules: the office.
    pub fn meeting_planner(&self, actor: &Actor) -> Result<MeetingPlanner> {
        Ok(MeetingPlanner(
            self.grant(actor, Permission::ManageMeetings)?,
        ))
    }

    /// Changes meeting `id`: 404 when there is none, 403 outside the scope.
    pub async fn meeting_manager(&self, actor: &Actor, id: i64) -> Result<MeetingManager> {
        let access = self.grant(actor, Permission::ManageMeetings)?;
        let meeting = self.meeting_within(&access, id).await?;
        Ok(MeetingManager { access, meeting })
    }

    /// Checks what a meeting names: a leader in the chair, an organiser in use, industries
    /// in use, a region; and the quarter's one quarterly meeting. `kept` is the meeting as
    /// stored, for a change (what it already names may stay although since retired).
    async fn check_meeting(&self, input: &MeetingInput, kept: Option<&Meeting>) -> Result<()> {
        let store = self.store();
        let mut errs = FieldErrors::new();
        if kept.map(|m| m.chair_user_id) != Some(input.chair_user_id) {
            let chair = store.get_user(input.chair_user_id).await?;
            if !chair.is_some_and(|u| !u.disabled && roles_of(&u.grants).contains(&Role::Leader)) {
                errs.add("chair_user_id", "not_a_leader");
            }
        }
        let departments = store.list_departments().await?;
        let organiser = input.organiser_department_id;
        match departments.iter().find(|d| d.id == organiser) {
            None => errs.push(
                FieldError::new("organiser_department_id", "unknown_reference")
                    .with("id", organiser),
            ),
            Some(d) if !d.active && kept.map(|m| m.organiser_department_id) != Some(organiser) => {
                errs.push(
                    FieldError::new("organiser_department_id", "department_retired")
                        .with("name", &d.name_zh),
                )
            }
            Some(_) => {}
        }
        let industries = store.list_industries().await?;
        let had = kept.map(|m| m.industry_ids.clone()).unwrap_or_default();
        for id in &input.industry_ids {
            match industries.iter().find(|i| i.id == *id) {
                None => {
                    errs.push(FieldError::new("industry_ids", "unknown_reference").with("id", id))
                }
                Some(i) if !i.active && !had.contains(id) => errs.add("industry_ids", "inactive"),
                Some(_) => {}
            }
        }
        if let Some(r) = input.region_id
            && store.get_region(r).await?.is_none()
        {
            errs.add("region_id", "unknown_reference");
        }
        if input.kind == MeetingKind::Quarterly && !input.extra {
            let key = meeting::quarter_key(input.held_on);
            if let Some(other) = store.quarterly_in(key, kept.map(|m| m.id)).await? {
                errs.push(
                    FieldError::new("held_on", "quarterly_taken")
                        .with("quarter", meeting::quarter_of(input.held_on))
                        .with("id", other),
                );
            }
        }
        errs.into_result().map_err(ServiceError::Invalid)
    }
}

/// The quarter's one quarterly meeting, when another writer got there first.
fn quarter_race(e: StoreError) -> ServiceError {
    match e {
        StoreError::Duplicate { field } if field.starts_with("quarter") => {
            ServiceError::field("held_on", "quarterly_taken")
        }
        other => other.into(),
    }
}

/// Plans meetings; sees and changes the proposal's rules; reads the proposal.
pub struct MeetingPlanner(Access);

impl MeetingPlanner {
    /// Plans a meeting. A quarterly one records what the proposal offered for its quarter and
    /// whether the office took it as it was.
    pub async fn create(&self, mut input: MeetingInput) -> Result<Meeting> {
        input.tidy();
        input.validate()?;
        let svc = self.0.svc();
        svc.check_meeting(&input, None).await?;
        let (proposed, followed) = if input.kind == MeetingKind::Quarterly {
            let day = input.held_on;
            let p = svc
                .proposal(chrono::Datelike::year(&day), meeting::quarter_of(day))
                .await?;
            let mut ids: Vec<i64> = p
                .industries
                .iter()
                .map(|e| e.proposed.figures.industry_id)
                .collect();
            ids.sort_unstable();
            let followed = ids == input.industry_ids;
            (ids, followed)
        } else {
            (vec![], false)
        };
        let new = NewMeeting {
            input,
            proposed_industry_ids: proposed,
            followed_proposal: followed,
        };
        svc.store()
            .create_meeting(&new, &self.0.by())
            .await
            .map_err(quarter_race)
    }

    /// The proposal for a quarter (this one when none is given).
    pub async fn proposal(&self, year: Option<i32>, quarter: Option<u32>) -> Result<Proposal> {
        let today = clock::today();
        let year = year.unwrap_or_else(|| chrono::Datelike::year(&today));
        let quarter = quarter.unwrap_or_else(|| meeting::quarter_of(today));
        self.0.svc().proposal(year, quarter).await
    }

    pub async fn rules(&self) -> Result<StoredRules> {
        Ok(self.0.store().proposal_rules().await?)
    }

    /// Changes the rules from the `version` read.
    pub async fn set_rules(&self, version: i64, rules: ProposalRules) -> Result<StoredRules> {
        rules.validate()?;
        Ok(self
            .0
            .store()
            .set_proposal_rules(version, &rules, &self.0.by())
            .await?)
    }

    /// The city leaders who may chair a meeting.
    pub async fn leaders(&self) -> Result<Vec<(i64, String)>> {
        self.0.svc().leader_names().await
    }
}

/// Changes one meeting.
pub struct MeetingManager {
    access: Access,
    meeting: Meeting,
}

impl MeetingManager {
    /// The meeting as it stood when the capability was handed out.
    pub fn meeting(&self) -> &Meeting {
        &self.meeting
    }

    /// Refused (409) when the caller read another version.
    fn at(&self, version: i64) -> Result<()> {
        if self.meeting.version != version {
            return Err(ServiceError::Conflict);
        }
        Ok(())
    }

    /// Refused once the minutes are published or it is cancelled.
    fn editable(&self) -> Result<()> {
        if !self.meeting.state.editable() {
            return Err(ServiceError::field("state", "meeting_finished"));
        }
        Ok(())
    }

    /// Refused unless it was held and its minutes are not yet published.
    fn recording(&self) -> Result<()> {
        if !self.meeting.state.records() {
            return Err(ServiceError::field("state", "meeting_not_held"));
        }
        Ok(())
    }

    /// Changes the meeting's facts from the `version` read; its kind stays.
    pub async fn update(&self, version: i64, mut input: MeetingInput) -> Result<Meeting> {
        self.editable()?;
        input.tidy();
        let mut errs = input.validate().err().unwrap_or_default();
        if input.kind != self.meeting.kind {
            errs.add("kind", "fixed");
        }
        errs.into_result()?;
        let svc = self.access.svc();
        svc.check_meeting(&input, Some(&self.meeting)).await?;
        self.at(version)?;
        svc.store()
            .update_meeting(self.meeting.id, version, &input, &self.access.by())
            .await
            .map_err(quarter_race)
    }

    async fn step(&self, version: i64, step: MeetingStep, reason: Option<&str>) -> Result<Meeting> {
        self.at(version)?;
        let m = &self.meeting;
        if m.state.after(step).is_none() {
            return Err(meeting::step_refused(m.state, step).into());
        }
        if step == MeetingStep::Hold && m.held_on > clock::today() {
            return Err(ServiceError::field("held_on", "meeting_in_future"));
        }
        if step == MeetingStep::Publish && m.minutes.trim().is_empty() {
            return Err(ServiceError::field("minutes", "required"));
        }
        let store = self.access.store();
        Ok(store
            .move_meeting(m.id, version, step, reason, &self.access.by())
            .await?)
    }

    /// It took place (not before its day).
    pub async fn hold(&self, version: i64) -> Result<Meeting> {
        self.step(version, MeetingStep::Hold, None).await
    }

    /// Its minutes are published (they must be written first): nothing changes after.
    pub async fn publish(&self, version: i64) -> Result<Meeting> {
        self.step(version, MeetingStep::Publish, None).await
    }

    /// Called off, with the reason.
    pub async fn cancel(&self, version: i64, reason: &str) -> Result<Meeting> {
        let reason = reason.trim();
        dongneng_domain::task::check_reason("cancel_reason", reason)?;
        self.step(version, MeetingStep::Cancel, Some(reason)).await
    }

    /// Saves the minutes (纪要) while the meeting is held.
    pub async fn save_minutes(&self, version: i64, input: MinutesInput) -> Result<Meeting> {
        self.recording()?;
        input.validate()?;
        self.at(version)?;
        let store = self.access.store();
        Ok(store
            .save_minutes(
                self.meeting.id,
                version,
                input.minutes.trim(),
                &self.access.by(),
            )
            .await?)
    }

    /// Puts a topic, or a problem, on the agenda.
    pub async fn add_agenda_item(
        &self,
        version: i64,
        mut input: AgendaInput,
    ) -> Result<AgendaItem> {
        self.editable()?;
        input.tidy();
        input.validate()?;
        let store = self.access.store();
        if let Some(p) = input.problem_id {
            let Some(problem) = store.get_problem(p).await? else {
                return Err(ServiceError::field("problem_id", "unknown_reference"));
            };
            if input.topic.is_empty() {
                input.topic = problem.title.chars().take(meeting::MAX_TITLE).collect();
            }
        }
        self.at(version)?;
        Ok(store
            .add_agenda_item(self.meeting.id, version, &input, &self.access.by())
            .await?)
    }

    /// Records the outcome of agenda item `item` once the meeting is held.
    pub async fn record_outcome(
        &self,
        version: i64,
        item: i64,
        input: OutcomeInput,
    ) -> Result<AgendaItem> {
        self.recording()?;
        input.validate()?;
        self.at(version)?;
        let store = self.access.store();
        Ok(store
            .record_outcome(
                self.meeting.id,
                version,
                item,
                input.outcome.trim(),
                &self.access.by(),
            )
            .await?)
    }

    /// Adds an attendee: a user (in use) or a named outside guest.
    pub async fn add_attendee(&self, version: i64, mut input: AttendeeInput) -> Result<Attendee> {
        self.editable()?;
        input.tidy();
        input.validate()?;
        let store = self.access.store();
        if let Some(u) = input.user_id
            && store.get_user(u).await?.is_none_or(|u| u.disabled)
        {
            return Err(ServiceError::field("user_id", "unknown_reference"));
        }
        self.at(version)?;
        Ok(store
            .add_attendee(self.meeting.id, version, &input, &self.access.by())
            .await?)
    }

    /// Records a decision once the meeting is held: it becomes a key task of its owner with
    /// its deadline, in the same transaction. Without an owner or a deadline it is refused.
    pub async fn add_decision(
        &self,
        version: i64,
        mut input: DecisionInput,
    ) -> Result<(Decision, TaskEntry)> {
        self.recording()?;
        input.tidy();
        let m = &self.meeting;
        let mut errs = input.validate(m.held_on).err().unwrap_or_default();
        if let Some(i) = input.industry_id
            && !m.industry_ids.contains(&i)
        {
            errs.add("industry_id", "not_on_meeting");
        }
        errs.into_result()?;
        let (Some(lead), Some(deadline)) = (input.lead_department_id, input.deadline) else {
            return Err(ServiceError::field(
                "lead_department_id",
                "decision_owner_required",
            ));
        };
        let mut new = NewTask {
            input: TaskInput {
                title: input.title.clone(),
                details: input.details.clone(),
                source: TaskSource::MeetingDecision,
                work_plan_id: None,
                industry_id: input.industry_id.or(m.industry_ids.first().copied()),
                region_id: m.region_id,
                lead_department_id: lead,
                co_department_ids: input.co_department_ids.clone(),
                responsible_person: None,
                leader_user_id: Some(m.chair_user_id),
                deadline,
            },
            source_id: Some(m.id),
            issuer: TaskSource::MeetingDecision.issuer(),
            issued_on: m.held_on,
        };
        let svc = self.access.svc();
        svc.check_new_task(&mut new).await?;
        self.at(version)?;
        let (decision, task) = svc
            .store()
            .add_decision(m.id, version, &input, &new, &self.access.by())
            .await?;
        Ok((decision, task.on(clock::today())))
    }
}
