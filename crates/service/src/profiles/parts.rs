//! The parts of an industry's profile that an editor creates, changes and deletes: task-force
//! members, experts, alliances and their members, special plans, work plans (whose measures
//! are key tasks: `crate::tasks`). Each kind says only what is its own — its input's rules, what the input must
//! agree with, the store calls that write it ([`ProfilePart`], implemented on its input type)
//! — and [`ProfileEditor::create`], [`ProfileEditor::update`] and [`ProfileEditor::delete`]
//! do the rest. The store writes each change with its audit row.

use super::ProfileEditor;
use crate::error::{Result, ServiceError};
use dongneng_domain::profile::{
    AllianceInput, AllianceMemberInput, ExpertInput, MemberRole, SpecialPlanInput,
    TaskforceMemberInput, WorkPlanInput,
};
use dongneng_domain::{FieldError, FieldErrors, clock};
use dongneng_store::{
    Alliance, AllianceMember, AuditBy, Expert, SpecialPlan, Store, TaskforceMember, WorkPlan,
};
use std::future::Future;

/// What a store call answers.
type Stored<T> = dongneng_store::Result<T>;

/// One kind of part of an industry's profile, named by its input type.
pub trait ProfilePart: Sized + Send + Sync + 'static {
    /// The stored record.
    type Record: Send;
    /// What the part sits under within its industry.
    type Under: Under;

    /// Tidies the input and checks its own rules (the domain's).
    fn clean(&mut self) -> Result<(), FieldErrors>;

    /// Checks what the input refers to or must agree with, for a new record (`at` is `None`)
    /// or for the record `at` names. Nothing by default.
    fn check(
        &self,
        _editor: &ProfileEditor,
        _at: Option<At>,
    ) -> impl Future<Output = Result<()>> + Send {
        async { Ok(()) }
    }

    /// The store call that creates the record.
    fn insert(
        w: &Writer<'_>,
        under: Self::Under,
        input: &Self,
    ) -> impl Future<Output = Stored<Self::Record>> + Send;

    /// The store call that changes the record `at` names.
    fn rewrite(
        w: &Writer<'_>,
        under: Self::Under,
        at: At,
        input: &Self,
    ) -> impl Future<Output = Stored<Self::Record>> + Send;

    /// The store call that deletes the record `at` names (and what the database deletes with
    /// it).
    fn remove(
        w: &Writer<'_>,
        under: Self::Under,
        at: At,
    ) -> impl Future<Output = Stored<()>> + Send;
}

/// What a part sits under within its industry: nothing (`()`), or the alliance whose id it
/// is (`i64`).
pub trait Under: Copy + Send + Sync + 'static {
    /// Whether the part sits under another record.
    const NESTED: bool;

    /// From the parent a path names, if any: 404 when the part needs one and none is named.
    fn named(parent: Option<i64>) -> Result<Self>;
}

impl Under for () {
    const NESTED: bool = false;

    fn named(_: Option<i64>) -> Result<()> {
        Ok(())
    }
}

impl Under for i64 {
    const NESTED: bool = true;

    fn named(parent: Option<i64>) -> Result<i64> {
        parent.ok_or(ServiceError::NotFound)
    }
}

/// A stored record as its writer read it.
#[derive(Debug, Clone, Copy)]
pub struct At {
    pub id: i64,
    pub version: i64,
}

/// What a part's store calls are given: the store, the industry and who is acting. Only the
/// editor makes one.
pub struct Writer<'a> {
    store: &'a dyn Store,
    industry: i64,
    by: AuditBy,
}

impl ProfileEditor {
    fn writer(&self) -> Writer<'_> {
        Writer {
            store: self.access.store(),
            industry: self.industry_id,
            by: self.access.by(),
        }
    }

    /// Creates a part (under its alliance or work plan, for a part that sits under one).
    pub async fn create<K: ProfilePart>(&self, under: K::Under, mut input: K) -> Result<K::Record> {
        input.clean()?;
        // A nested part's parent is looked up within the industry by the store.
        if !K::Under::NESTED {
            self.access.svc().profile_industry(self.industry_id).await?;
        }
        input.check(self, None).await?;
        Ok(K::insert(&self.writer(), under, &input).await?)
    }

    /// Changes part `id` from the `version` the caller read.
    pub async fn update<K: ProfilePart>(
        &self,
        under: K::Under,
        id: i64,
        version: i64,
        mut input: K,
    ) -> Result<K::Record> {
        let at = At { id, version };
        input.clean()?;
        input.check(self, Some(at)).await?;
        Ok(K::rewrite(&self.writer(), under, at, &input).await?)
    }

    /// Deletes part `id` at the `version` the caller read.
    pub async fn delete<K: ProfilePart>(
        &self,
        under: K::Under,
        id: i64,
        version: i64,
    ) -> Result<()> {
        let at = At { id, version };
        Ok(K::remove(&self.writer(), under, at).await?)
    }
}

/// The store calls that create, update and delete a kind of part, as the store names them
/// (those of a nested part take its parent's id after the industry's).
macro_rules! stored_by {
    ($create:ident, $update:ident, $delete:ident) => {
        async fn insert(w: &Writer<'_>, _: (), input: &Self) -> Stored<Self::Record> {
            w.store.$create(w.industry, input, &w.by).await
        }

        async fn rewrite(w: &Writer<'_>, _: (), at: At, input: &Self) -> Stored<Self::Record> {
            w.store
                .$update(w.industry, at.id, at.version, input, &w.by)
                .await
        }

        async fn remove(w: &Writer<'_>, _: (), at: At) -> Stored<()> {
            w.store.$delete(w.industry, at.id, at.version, &w.by).await
        }
    };
    (under $create:ident, $update:ident, $delete:ident) => {
        async fn insert(w: &Writer<'_>, parent: i64, input: &Self) -> Stored<Self::Record> {
            w.store.$create(w.industry, parent, input, &w.by).await
        }

        async fn rewrite(
            w: &Writer<'_>,
            parent: i64,
            at: At,
            input: &Self,
        ) -> Stored<Self::Record> {
            w.store
                .$update(w.industry, parent, at.id, at.version, input, &w.by)
                .await
        }

        async fn remove(w: &Writer<'_>, parent: i64, at: At) -> Stored<()> {
            w.store
                .$delete(w.industry, parent, at.id, at.version, &w.by)
                .await
        }
    };
}

// ---------------------------------------------------------------- task-force members

impl ProfilePart for TaskforceMemberInput {
    type Record = TaskforceMember;
    type Under = ();

    fn clean(&mut self) -> Result<(), FieldErrors> {
        self.tidy();
        self.validate()
    }

    /// Its department exists; one head and one contact per task force (the error says who
    /// holds the place already).
    async fn check(&self, editor: &ProfileEditor, at: Option<At>) -> Result<()> {
        let svc = editor.access.svc();
        if let Some(d) = self.department_id {
            svc.check_departments("department_id", &[d]).await?;
        }
        let members = svc
            .store()
            .list_taskforce_members(editor.industry_id)
            .await?;
        let others = || members.iter().filter(|m| Some(m.id) != at.map(|a| a.id));
        let mut errs = FieldErrors::new();
        if self.member_role == MemberRole::Head
            && let Some(h) = others().find(|m| m.member_role == MemberRole::Head)
        {
            errs.push(FieldError::new("member_role", "head_taken").with("name", &h.person_name));
        }
        if self.is_contact
            && let Some(c) = others().find(|m| m.is_contact)
        {
            errs.push(FieldError::new("is_contact", "contact_taken").with("name", &c.person_name));
        }
        errs.into_result().map_err(ServiceError::Invalid)
    }

    stored_by!(
        create_taskforce_member,
        update_taskforce_member,
        delete_taskforce_member
    );
}

// ---------------------------------------------------------------- think tank

/// An expert who leaves gets a leave date (which moves them to the history); deleting is for
/// one entered by mistake.
impl ProfilePart for ExpertInput {
    type Record = Expert;
    type Under = ();

    fn clean(&mut self) -> Result<(), FieldErrors> {
        self.tidy();
        self.validate()
    }

    stored_by!(create_expert, update_expert, delete_expert);
}

// ---------------------------------------------------------------- alliances

/// Deleting an alliance deletes its member list.
impl ProfilePart for AllianceInput {
    type Record = Alliance;
    type Under = ();

    fn clean(&mut self) -> Result<(), FieldErrors> {
        self.tidy();
        self.validate()
    }

    stored_by!(create_alliance, update_alliance, delete_alliance);
}

/// A member enterprise, under its alliance.
impl ProfilePart for AllianceMemberInput {
    type Record = AllianceMember;
    type Under = i64;

    fn clean(&mut self) -> Result<(), FieldErrors> {
        self.tidy();
        self.validate()
    }

    stored_by!(under create_alliance_member, update_alliance_member, delete_alliance_member);
}

// ---------------------------------------------------------------- special plans

/// A plan's status moves on its own ([`ProfileEditor::move_special_plan`]); deleting a plan
/// deletes its departments and files.
impl ProfilePart for SpecialPlanInput {
    type Record = SpecialPlan;
    type Under = ();

    fn clean(&mut self) -> Result<(), FieldErrors> {
        self.tidy();
        self.validate(clock::today())
    }

    /// Its departments exist; a changed plan is not drafted after a status it has reached
    /// (checked against the very version the write names).
    async fn check(&self, editor: &ProfileEditor, at: Option<At>) -> Result<()> {
        let departments = &self.drafting_department_ids;
        let svc = editor.access.svc();
        svc.check_departments("drafting_department_ids", departments)
            .await?;
        let Some(at) = at else {
            return Ok(());
        };
        let plan = editor.plan_at(at.id, at.version).await?;
        let first_later = [plan.under_review_on, plan.approved_on, plan.published_on]
            .into_iter()
            .flatten()
            .min();
        if first_later.is_some_and(|d| self.drafted_on > d) {
            return Err(ServiceError::field("drafted_on", "status_date_order"));
        }
        Ok(())
    }

    stored_by!(
        create_special_plan,
        update_special_plan,
        delete_special_plan
    );
}

// ---------------------------------------------------------------- work plans

/// A work plan with tasks is not deleted (`in_use`): they have a history of their own.
impl ProfilePart for WorkPlanInput {
    type Record = WorkPlan;
    type Under = ();

    fn clean(&mut self) -> Result<(), FieldErrors> {
        self.tidy();
        self.validate()
    }

    stored_by!(create_work_plan, update_work_plan, delete_work_plan);
}
