//! The parts of an industry's profile and their forms (through [`Part`]): task force
//! members, experts, alliances and their members, annual work plans (their measures are key
//! tasks, made through the task form); and
//! the leader and departments, one record edited in place. Special plans are in `plans.rs`.

use super::part_form::{At, Part};
use super::{Depts, EditProfile, date_field};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{Ctx, Edit, Form, FormData, FormField, Screen, choices};
use chrono::NaiveDate;
use dongneng_domain::FieldErrors;
use dongneng_domain::profile::{
    AllianceInput, AllianceKind, AllianceMemberInput, AlliancePlanKind, AlliancePlanStatus,
    AllianceRole, ExpertInput, MemberRole, StructureInput, TaskforceMemberInput, WorkPlanInput,
};
use dongneng_service::ServiceError;
use dongneng_store::IndustryProfile;

// ---------------------------------------------------------------- task force members

impl Part for TaskforceMemberInput {
    const COLLECTION: &'static str = "/industries/{id}/taskforce-members";
    const RECORD: &'static str = "/industries/{id}/taskforce-members/{a}";
    const NEW_TITLE: &'static str = "profile.member_new";
    const EDIT_TITLE: &'static str = "profile.member_edit";
    const ANCHOR: &'static str = "taskforce";

    fn blank() -> Self {
        TaskforceMemberInput {
            person_name: String::new(),
            department_id: None,
            post: None,
            member_role: MemberRole::Member,
            is_contact: false,
            sort_order: 0,
        }
    }

    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = TaskforceMemberInput {
            person_name: f.get("person_name"),
            department_id: f.opt_id("department_id", &mut errs),
            post: f.opt("post"),
            member_role: f
                .choice("member_role", MemberRole::parse, &mut errs)
                .unwrap_or(MemberRole::Member),
            is_contact: f.flag("is_contact"),
            sort_order: f.int("sort_order", &mut errs),
        };
        (input, errs)
    }

    fn fields(&self, l: Lang, depts: &Depts) -> Vec<FormField> {
        vec![
            FormField::text(l, "person_name", &self.person_name).required(),
            depts.select(l, "department_id", self.department_id),
            FormField::text(l, "post", &self.post),
            FormField::one_of(
                l,
                "member_role",
                &self.member_role.code(),
                choices(l, "profile.member_role", MemberRole::ALL, MemberRole::code),
            ),
            FormField::checkbox(l, "is_contact", self.is_contact).hint(l.t("profile.contact_hint")),
            FormField::number(l, "sort_order", &self.sort_order),
        ]
    }

    fn find(p: &IndustryProfile, at: &At) -> Option<(Self, i64)> {
        let m = p.taskforce_members.iter().find(|m| Some(m.id) == at.id)?;
        let input = TaskforceMemberInput {
            person_name: m.person_name.clone(),
            department_id: m.department_id,
            post: m.post.clone(),
            member_role: m.member_role,
            is_contact: m.is_contact,
            sort_order: m.sort_order,
        };
        Some((input, m.version))
    }
}

// ---------------------------------------------------------------- experts

impl Part for ExpertInput {
    const COLLECTION: &'static str = "/industries/{id}/experts";
    const RECORD: &'static str = "/industries/{id}/experts/{a}";
    const NEW_TITLE: &'static str = "profile.expert_new";
    const EDIT_TITLE: &'static str = "profile.expert_edit";
    const ANCHOR: &'static str = "experts";

    fn blank() -> Self {
        ExpertInput {
            person_name: String::new(),
            specialty: String::new(),
            affiliation: String::new(),
            professional_title: None,
            joined_on: NaiveDate::default(),
            left_on: None,
            note: None,
        }
    }

    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = ExpertInput {
            person_name: f.get("person_name"),
            specialty: f.get("specialty"),
            affiliation: f.get("affiliation"),
            professional_title: f.opt("professional_title"),
            joined_on: f.required_date("joined_on", &mut errs),
            left_on: f.date("left_on", &mut errs),
            note: f.opt("note"),
        };
        (input, errs)
    }

    fn fields(&self, l: Lang, _: &Depts) -> Vec<FormField> {
        let joined = (self.joined_on != NaiveDate::default()).then_some(self.joined_on);
        vec![
            FormField::text(l, "person_name", &self.person_name).required(),
            FormField::text(l, "specialty", &self.specialty).required(),
            FormField::text(l, "affiliation", &self.affiliation).required(),
            FormField::text(l, "professional_title", &self.professional_title),
            date_field(l, "joined_on", joined).required(),
            date_field(l, "left_on", self.left_on).hint(l.t("profile.left_hint")),
            FormField::textarea(l, "note", &self.note),
        ]
    }

    fn find(p: &IndustryProfile, at: &At) -> Option<(Self, i64)> {
        let e = p
            .experts_current
            .iter()
            .chain(&p.experts_history)
            .find(|e| Some(e.id) == at.id)?;
        let input = ExpertInput {
            person_name: e.person_name.clone(),
            specialty: e.specialty.clone(),
            affiliation: e.affiliation.clone(),
            professional_title: e.professional_title.clone(),
            joined_on: e.joined_on,
            left_on: e.left_on,
            note: e.note.clone(),
        };
        Some((input, e.version))
    }
}

// ---------------------------------------------------------------- alliances

impl Part for AllianceInput {
    const COLLECTION: &'static str = "/industries/{id}/alliances";
    const RECORD: &'static str = "/industries/{id}/alliances/{a}";
    const NEW_TITLE: &'static str = "profile.alliance_new";
    const EDIT_TITLE: &'static str = "profile.alliance_edit";
    const ANCHOR: &'static str = "alliances";

    fn blank() -> Self {
        AllianceInput {
            alliance_name: String::new(),
            kind: AllianceKind::Alliance,
            plan_kind: AlliancePlanKind::Formation,
            plan: String::new(),
            plan_status: AlliancePlanStatus::Proposed,
            note: None,
        }
    }

    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = AllianceInput {
            alliance_name: f.get("alliance_name"),
            kind: f
                .choice("kind", AllianceKind::parse, &mut errs)
                .unwrap_or(AllianceKind::Alliance),
            plan_kind: f
                .choice("plan_kind", AlliancePlanKind::parse, &mut errs)
                .unwrap_or(AlliancePlanKind::Formation),
            plan: f.get("plan"),
            plan_status: f
                .choice("plan_status", AlliancePlanStatus::parse, &mut errs)
                .unwrap_or(AlliancePlanStatus::Proposed),
            note: f.opt("note"),
        };
        (input, errs)
    }

    fn fields(&self, l: Lang, _: &Depts) -> Vec<FormField> {
        let kinds = choices(
            l,
            "profile.alliance_kind",
            AllianceKind::ALL,
            AllianceKind::code,
        );
        let plan_kinds = choices(
            l,
            "profile.plan_kind",
            AlliancePlanKind::ALL,
            AlliancePlanKind::code,
        );
        let statuses = choices(
            l,
            "profile.plan_status",
            AlliancePlanStatus::ALL,
            AlliancePlanStatus::code,
        );
        vec![
            FormField::text(l, "alliance_name", &self.alliance_name).required(),
            FormField::one_of(l, "kind", &self.kind.code(), kinds),
            FormField::one_of(l, "plan_kind", &self.plan_kind.code(), plan_kinds),
            FormField::textarea(l, "plan", &self.plan),
            FormField::one_of(l, "plan_status", &self.plan_status.code(), statuses),
            FormField::textarea(l, "note", &self.note),
        ]
    }

    fn find(p: &IndustryProfile, at: &At) -> Option<(Self, i64)> {
        let a = p
            .alliances
            .iter()
            .map(|a| &a.alliance)
            .find(|a| Some(a.id) == at.id)?;
        let input = AllianceInput {
            alliance_name: a.alliance_name.clone(),
            kind: a.kind,
            plan_kind: a.plan_kind,
            plan: a.plan.clone(),
            plan_status: a.plan_status,
            note: a.note.clone(),
        };
        Some((input, a.version))
    }
}

// ---------------------------------------------------------------- alliance members

impl Part for AllianceMemberInput {
    const COLLECTION: &'static str = "/industries/{id}/alliances/{a}/members";
    const RECORD: &'static str = "/industries/{id}/alliances/{a}/members/{b}";
    const NEW_TITLE: &'static str = "profile.alliance_member_new";
    const EDIT_TITLE: &'static str = "profile.alliance_member_edit";
    const ANCHOR: &'static str = "alliances";

    fn blank() -> Self {
        AllianceMemberInput {
            enterprise_name: String::new(),
            credit_code: None,
            alliance_role: AllianceRole::Member,
        }
    }

    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = AllianceMemberInput {
            enterprise_name: f.get("enterprise_name"),
            credit_code: f.opt("credit_code"),
            alliance_role: f
                .choice("alliance_role", AllianceRole::parse, &mut errs)
                .unwrap_or(AllianceRole::Member),
        };
        (input, errs)
    }

    fn fields(&self, l: Lang, _: &Depts) -> Vec<FormField> {
        let roles = choices(
            l,
            "profile.alliance_role",
            AllianceRole::ALL,
            AllianceRole::code,
        );
        vec![
            FormField::text(l, "enterprise_name", &self.enterprise_name).required(),
            FormField::text(l, "credit_code", &self.credit_code)
                .hint(l.t("profile.credit_code_hint")),
            FormField::one_of(l, "alliance_role", &self.alliance_role.code(), roles),
        ]
    }

    fn parent_exists(p: &IndustryProfile, parent: i64) -> bool {
        p.alliances.iter().any(|a| a.alliance.id == parent)
    }

    fn find(p: &IndustryProfile, at: &At) -> Option<(Self, i64)> {
        let m = p
            .alliances
            .iter()
            .filter(|a| Some(a.alliance.id) == at.parent)
            .flat_map(|a| &a.members)
            .find(|m| Some(m.id) == at.id)?;
        let input = AllianceMemberInput {
            enterprise_name: m.enterprise_name.clone(),
            credit_code: m.credit_code.clone(),
            alliance_role: m.alliance_role,
        };
        Some((input, m.version))
    }
}

// ---------------------------------------------------------------- work plans

impl Part for WorkPlanInput {
    const COLLECTION: &'static str = "/industries/{id}/work-plans";
    const RECORD: &'static str = "/industries/{id}/work-plans/{a}";
    const NEW_TITLE: &'static str = "profile.work_plan_new";
    const EDIT_TITLE: &'static str = "profile.work_plan_edit";
    const ANCHOR: &'static str = "work-plans";

    /// This year's plan.
    fn blank() -> Self {
        let year = dongneng_domain::clock::this_year();
        WorkPlanInput {
            year,
            plan_title: format!("{year}年度工作计划"),
            goals: None,
        }
    }

    fn read(f: &FormData) -> (Self, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = WorkPlanInput {
            year: f.int("year", &mut errs),
            plan_title: f.get("plan_title"),
            goals: f.opt("goals"),
        };
        (input, errs)
    }

    fn fields(&self, l: Lang, _: &Depts) -> Vec<FormField> {
        vec![
            FormField::number(l, "year", &self.year).required(),
            FormField::text(l, "plan_title", &self.plan_title).required(),
            FormField::textarea(l, "goals", &self.goals),
        ]
    }

    fn find(p: &IndustryProfile, at: &At) -> Option<(Self, i64)> {
        let w = p
            .work_plans
            .iter()
            .map(|w| &w.plan)
            .find(|w| Some(w.id) == at.id)?;
        let input = WorkPlanInput {
            year: w.year,
            plan_title: w.plan_title.clone(),
            goals: w.goals.clone(),
        };
        Some((input, w.version))
    }
}

// ---------------------------------------------------------------- leader and departments

/// The leader and departments of an industry: one record, edited in place (version 0 before
/// the first save).
pub(super) struct StructureForm;

impl Screen for StructureForm {
    type Gate = EditProfile;
    const AREA: &'static str = "industries";
    const HOME: &'static str = "/industries/{id}";
    const ANCHOR: Option<&'static str> = Some("structure");
}

impl Form for StructureForm {
    type Draft = StructureInput;

    fn read(f: &FormData) -> (StructureInput, FieldErrors) {
        let mut errs = FieldErrors::new();
        let input = StructureInput {
            leader_name: f.opt("leader_name"),
            leader_title: f.opt("leader_title"),
            lead_department_id: f.opt_id("lead_department_id", &mut errs),
            responsible_department_ids: f.ids("responsible_department_ids", &mut errs),
            provincial_counterpart: f.opt("provincial_counterpart"),
        };
        (input, errs)
    }

    async fn fields(c: &Ctx<Self>, d: &StructureInput) -> AppResult<Vec<FormField>> {
        let lang = c.lang();
        let depts = Depts::load(&c.app, c.actor()).await?;
        Ok(vec![
            FormField::text(lang, "leader_name", &d.leader_name),
            FormField::text(lang, "leader_title", &d.leader_title),
            depts.select(lang, "lead_department_id", d.lead_department_id),
            depts
                .multi(
                    lang,
                    "responsible_department_ids",
                    &d.responsible_department_ids,
                )
                .hint(lang.t("profile.responsible_hint")),
            FormField::textarea(lang, "provincial_counterpart", &d.provincial_counterpart),
        ])
    }
}

impl Edit for StructureForm {
    const RECORD: &'static str = "/industries/{id}/structure";
    const EDIT_TITLE: &'static str = "profile.structure_edit";

    async fn load(c: &Ctx<Self>) -> Result<(StructureInput, i64), ServiceError> {
        let p = c.access.profile().await?;
        Ok(match p.structure {
            Some(st) => (
                StructureInput {
                    leader_name: st.leader_name,
                    leader_title: st.leader_title,
                    lead_department_id: st.lead_department_id,
                    responsible_department_ids: st.responsible_department_ids,
                    provincial_counterpart: st.provincial_counterpart,
                },
                st.version,
            ),
            None => (StructureInput::default(), 0),
        })
    }

    async fn update(c: &Ctx<Self>, version: i64, d: StructureInput) -> Result<(), ServiceError> {
        c.access.save_industry_structure(version, d).await.map(drop)
    }
}
