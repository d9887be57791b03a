//! An industry's coordination structure (协调推进体系, seed §二): the lead city leader, the task
//! force with its members and one contact person, the think tank, alliances and associations
//! with their member enterprises, special plans with their status, and the annual work plan
//! (whose measures are key tasks: `crate::task`). Inputs as entered, with every rule that
//! needs no database.

use crate::codes;
use crate::validate::{self, FieldError, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::upload::{MAX_FILE_BYTES, check_file, clean_file_name};
/// The most departments one list (responsible, drafting) may name.
pub const MAX_DEPARTMENTS: usize = 50;
/// Dates before this are typing mistakes.
pub const EARLIEST_DATE: (i32, u32, u32) = (1980, 1, 1);
/// Dates after this are typing mistakes.
pub const LATEST_DATE: (i32, u32, u32) = (2100, 12, 31);

use crate::code_list::code_list;

code_list! {
    /// A member's place in the task force: 组长 (the principal of the lead department),
    /// 副组长, 成员.
    MemberRole in "profile.member_role" {
        Head = "head",
        Deputy = "deputy",
        Member = "member",
    }
}

code_list! {
    /// 联盟 or 协会.
    AllianceKind in "profile.alliance_kind" {
        Alliance = "alliance",
        Association = "association",
    }
}

code_list! {
    /// What the lead department proposes: forming a new body or merging existing ones.
    AlliancePlanKind in "profile.plan_kind" {
        Formation = "formation",
        Merger = "merger",
    }
}

code_list! {
    /// Where the formation or merger plan stands.
    AlliancePlanStatus in "profile.plan_status" {
        Proposed = "proposed",
        Approved = "approved",
        InProgress = "in_progress",
        Completed = "completed",
    }
}

code_list! {
    /// A member enterprise's place in an alliance or association.
    AllianceRole in "profile.alliance_role" {
        Chair = "chair",
        ViceChair = "vice_chair",
        SecretaryGeneral = "secretary_general",
        Member = "member",
    }
}

code_list! {
    /// A special plan's status: 编制中 → 审查中 → 已批复 → 已发布, forward only.
    PlanStatus in "profile.special_plan_status" {
        Drafting = "drafting",
        UnderReview = "under_review",
        Approved = "approved",
        Published = "published",
    }
}

impl PlanStatus {
    /// The one status a plan may move to next; none once published.
    pub fn next(self) -> Option<PlanStatus> {
        match self {
            PlanStatus::Drafting => Some(PlanStatus::UnderReview),
            PlanStatus::UnderReview => Some(PlanStatus::Approved),
            PlanStatus::Approved => Some(PlanStatus::Published),
            PlanStatus::Published => None,
        }
    }

    pub fn can_move_to(self, to: PlanStatus) -> bool {
        self.next() == Some(to)
    }
}

/// Whether an expert still serves on `today`: not yet left (a leave date in the future
/// still counts as serving).
pub fn expert_current(left_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    left_on.is_none_or(|d| d > today)
}

// ---------------------------------------------------------------- rules

fn len(errs: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errs.push(FieldError::new(field, "length").with("max", max));
    }
}

/// A one-line name: required or optional, no markup, no control characters, bounded.
pub(crate) fn line(errs: &mut FieldErrors, field: &str, value: &str, max: usize, required: bool) {
    if value.trim().is_empty() {
        if required {
            errs.add(field, "required");
        }
        return;
    }
    if let Err(e) = validate::plain_line(value) {
        errs.add(field, &e.code);
    }
    len(errs, field, value, max);
}

pub(crate) fn opt_line(errs: &mut FieldErrors, field: &str, value: &Option<String>, max: usize) {
    if let Some(v) = value {
        line(errs, field, v, max, false);
    }
}

/// Free text: line breaks allowed, other control characters not, bounded.
pub(crate) fn text(errs: &mut FieldErrors, field: &str, value: &str, max: usize, required: bool) {
    if required && value.trim().is_empty() {
        errs.add(field, "required");
        return;
    }
    if let Err(e) = validate::free_text(value) {
        errs.add(field, &e.code);
    }
    len(errs, field, value, max);
}

pub(crate) fn opt_text(errs: &mut FieldErrors, field: &str, value: &Option<String>, max: usize) {
    if let Some(v) = value {
        text(errs, field, v, max, false);
    }
}

fn date_bounds() -> (NaiveDate, NaiveDate) {
    let (y, m, d) = EARLIEST_DATE;
    let (y2, m2, d2) = LATEST_DATE;
    (
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(y2, m2, d2).unwrap_or(NaiveDate::MAX),
    )
}

/// A date within the years the programme can plausibly mean.
pub(crate) fn date(errs: &mut FieldErrors, field: &str, value: NaiveDate) {
    let (lo, hi) = date_bounds();
    if value < lo || value > hi {
        errs.push(
            FieldError::new(field, "range")
                .with("min", lo)
                .with("max", hi),
        );
    }
}

fn sort_order(errs: &mut FieldErrors, value: i32) {
    if !(0..=100_000).contains(&value) {
        errs.push(
            FieldError::new("sort_order", "range")
                .with("min", 0)
                .with("max", 100_000),
        );
    }
}

pub(crate) fn department_list(errs: &mut FieldErrors, field: &str, ids: &[i64]) {
    if ids.len() > MAX_DEPARTMENTS {
        errs.push(FieldError::new(field, "too_many").with("max", MAX_DEPARTMENTS));
    }
}

/// Trims text fields the way users type them (full-width spaces included).
pub(crate) fn tidy(s: &mut String) {
    *s = validate::tidy(s).into_owned();
}

/// Trims optional text; empty becomes none.
pub(crate) fn tidy_opt(s: &mut Option<String>) {
    *s = s
        .as_deref()
        .map(|v| validate::tidy(v).into_owned())
        .filter(|v| !v.is_empty());
}

/// Free text keeps its inner line breaks; only the ends are trimmed.
pub(crate) fn tidy_text_opt(s: &mut Option<String>) {
    *s = s
        .as_deref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
}

/// Sorted, without repeats.
pub(crate) fn tidy_ids(ids: &mut Vec<i64>) {
    ids.sort_unstable();
    ids.dedup();
}

// ---------------------------------------------------------------- inputs

/// The industry's lead leader and the task force's departments (one record per industry).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StructureInput {
    /// 牵头市领导: the city leader in charge.
    #[serde(default)]
    pub leader_name: Option<String>,
    /// The leader's title (副市长 …).
    #[serde(default)]
    pub leader_title: Option<String>,
    /// 牵头部门.
    #[serde(default)]
    pub lead_department_id: Option<i64>,
    /// 责任部门 (the lead department is not repeated here).
    #[serde(default)]
    pub responsible_department_ids: Vec<i64>,
    /// 省对口专班: the provincial counterpart task force and how the two work together.
    #[serde(default)]
    pub provincial_counterpart: Option<String>,
}

impl StructureInput {
    pub fn tidy(&mut self) {
        tidy_opt(&mut self.leader_name);
        tidy_opt(&mut self.leader_title);
        tidy_ids(&mut self.responsible_department_ids);
        tidy_text_opt(&mut self.provincial_counterpart);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        opt_line(&mut errs, "leader_name", &self.leader_name, 100);
        opt_line(&mut errs, "leader_title", &self.leader_title, 100);
        department_list(
            &mut errs,
            "responsible_department_ids",
            &self.responsible_department_ids,
        );
        if let Some(lead) = self.lead_department_id
            && self.responsible_department_ids.contains(&lead)
        {
            errs.add("responsible_department_ids", "lead_not_responsible");
        }
        opt_text(
            &mut errs,
            "provincial_counterpart",
            &self.provincial_counterpart,
            2000,
        );
        errs.into_result()
    }
}

/// A task-force member (工作专班成员).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskforceMemberInput {
    pub person_name: String,
    /// The member's department (a lead or responsible department).
    #[serde(default)]
    pub department_id: Option<i64>,
    /// The member's post in that department (局长, 副局长, 科长 …).
    #[serde(default)]
    pub post: Option<String>,
    /// Head (组长), deputy or member.
    pub member_role: MemberRole,
    /// The task force's one contact person (联系人).
    #[serde(default)]
    pub is_contact: bool,
    #[serde(default)]
    pub sort_order: i32,
}

impl TaskforceMemberInput {
    pub fn tidy(&mut self) {
        tidy(&mut self.person_name);
        tidy_opt(&mut self.post);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "person_name", &self.person_name, 100, true);
        opt_line(&mut errs, "post", &self.post, 100);
        sort_order(&mut errs, self.sort_order);
        errs.into_result()
    }
}

/// A think-tank expert (智库专家). Experts are never removed when they leave: the leave date
/// moves them from the current list to the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpertInput {
    pub person_name: String,
    /// Field of expertise (研究领域).
    pub specialty: String,
    /// Affiliation (工作单位).
    pub affiliation: String,
    /// Professional title (职称: 教授, 研究员, 正高级工程师 …).
    #[serde(default)]
    pub professional_title: Option<String>,
    pub joined_on: NaiveDate,
    #[serde(default)]
    pub left_on: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
}

impl ExpertInput {
    pub fn tidy(&mut self) {
        tidy(&mut self.person_name);
        tidy(&mut self.specialty);
        tidy(&mut self.affiliation);
        tidy_opt(&mut self.professional_title);
        tidy_text_opt(&mut self.note);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "person_name", &self.person_name, 100, true);
        line(&mut errs, "specialty", &self.specialty, 200, true);
        line(&mut errs, "affiliation", &self.affiliation, 200, true);
        opt_line(
            &mut errs,
            "professional_title",
            &self.professional_title,
            100,
        );
        date(&mut errs, "joined_on", self.joined_on);
        if let Some(left) = self.left_on {
            date(&mut errs, "left_on", left);
            if left < self.joined_on {
                errs.add("left_on", "left_before_joined");
            }
        }
        opt_text(&mut errs, "note", &self.note, 1000);
        errs.into_result()
    }
}

/// An industry alliance or association (联盟/协会) with its formation or merger plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllianceInput {
    pub alliance_name: String,
    pub kind: AllianceKind,
    pub plan_kind: AlliancePlanKind,
    /// The formation or merger plan (组建或整合方案) as proposed by the lead department.
    #[serde(default)]
    pub plan: String,
    pub plan_status: AlliancePlanStatus,
    #[serde(default)]
    pub note: Option<String>,
}

impl AllianceInput {
    pub fn tidy(&mut self) {
        tidy(&mut self.alliance_name);
        self.plan = self.plan.trim().to_string();
        tidy_text_opt(&mut self.note);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "alliance_name", &self.alliance_name, 200, true);
        text(&mut errs, "plan", &self.plan, 4000, false);
        opt_text(&mut errs, "note", &self.note, 1000);
        errs.into_result()
    }
}

/// A member enterprise of an alliance or association.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllianceMemberInput {
    pub enterprise_name: String,
    /// Unified social credit code (统一社会信用代码), checked when given.
    #[serde(default)]
    pub credit_code: Option<String>,
    pub alliance_role: AllianceRole,
}

impl AllianceMemberInput {
    /// Trims and upper-cases a credit code as users paste it.
    pub fn tidy(&mut self) {
        tidy(&mut self.enterprise_name);
        tidy_opt(&mut self.credit_code);
        if let Some(c) = &self.credit_code {
            self.credit_code = Some(codes::normalise_credit_code(c).unwrap_or_else(|| c.clone()));
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(
            &mut errs,
            "enterprise_name",
            &self.enterprise_name,
            200,
            true,
        );
        if let Some(c) = &self.credit_code
            && codes::normalise_credit_code(c).is_none()
        {
            errs.add("credit_code", "credit_code");
        }
        errs.into_result()
    }
}

/// A special plan (专项规划). Its status moves separately ([`PlanStatusMove`]); a new plan
/// starts as drafting on `drafted_on`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialPlanInput {
    pub plan_title: String,
    #[serde(default)]
    pub summary: Option<String>,
    /// The departments drafting it (编制部门).
    #[serde(default)]
    pub drafting_department_ids: Vec<i64>,
    /// When drafting began.
    pub drafted_on: NaiveDate,
}

impl SpecialPlanInput {
    pub fn tidy(&mut self) {
        tidy(&mut self.plan_title);
        tidy_text_opt(&mut self.summary);
        tidy_ids(&mut self.drafting_department_ids);
    }

    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "plan_title", &self.plan_title, 200, true);
        opt_text(&mut errs, "summary", &self.summary, 4000);
        department_list(
            &mut errs,
            "drafting_department_ids",
            &self.drafting_department_ids,
        );
        if self.drafting_department_ids.is_empty() {
            errs.add("drafting_department_ids", "required");
        }
        date(&mut errs, "drafted_on", self.drafted_on);
        if self.drafted_on > today {
            errs.add("drafted_on", "future_date");
        }
        errs.into_result()
    }
}

/// Moves a special plan one step forward, on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanStatusMove {
    pub status: PlanStatus,
    /// The day the plan reached the new status.
    pub date: NaiveDate,
}

impl PlanStatusMove {
    /// `from` is the plan's status now, `last` the date it reached it.
    pub fn validate(
        &self,
        from: PlanStatus,
        last: NaiveDate,
        today: NaiveDate,
    ) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if !from.can_move_to(self.status) {
            errs.push(
                FieldError::new("status", "status_move")
                    .with("from", from.code())
                    .with("to", self.status.code()),
            );
        }
        date(&mut errs, "date", self.date);
        if self.date > today {
            errs.add("date", "future_date");
        } else if self.date < last {
            errs.add("date", "status_date_order");
        }
        errs.into_result()
    }
}

/// An annual work plan (年度工作计划): one per industry and year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkPlanInput {
    pub year: i32,
    pub plan_title: String,
    /// Goals for the year (年度目标).
    #[serde(default)]
    pub goals: Option<String>,
}

impl WorkPlanInput {
    pub fn tidy(&mut self) {
        tidy(&mut self.plan_title);
        tidy_text_opt(&mut self.goals);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if !(2000..=2100).contains(&self.year) {
            errs.push(
                FieldError::new("year", "range")
                    .with("min", 2000)
                    .with("max", 2100),
            );
        }
        line(&mut errs, "plan_title", &self.plan_title, 200, true);
        opt_text(&mut errs, "goals", &self.goals, 4000);
        errs.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn plan_status_moves_forward_one_step() {
        assert!(PlanStatus::Drafting.can_move_to(PlanStatus::UnderReview));
        assert!(!PlanStatus::Drafting.can_move_to(PlanStatus::Approved));
        assert!(!PlanStatus::Approved.can_move_to(PlanStatus::UnderReview));
        assert!(PlanStatus::Published.next().is_none());
        let m = PlanStatusMove {
            status: PlanStatus::Drafting,
            date: d(2026, 1, 1),
        };
        let e = m
            .validate(PlanStatus::UnderReview, d(2026, 2, 1), d(2026, 3, 1))
            .unwrap_err();
        let fields: Vec<_> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.code.as_str()))
                .collect();
        assert_eq!(
            fields,
            [("status", "status_move"), ("date", "status_date_order")]
        );
    }

    #[test]
    fn current_experts() {
        let today = d(2026, 5, 10);
        assert!(expert_current(None, today));
        assert!(expert_current(Some(d(2026, 6, 1)), today));
        assert!(!expert_current(Some(d(2026, 5, 10)), today));
    }

    #[test]
    fn expert_fields_are_named() {
        let mut e = ExpertInput {
            person_name: "<b>张三</b>".into(),
            specialty: "  ".into(),
            affiliation: "山东理工大学".into(),
            professional_title: Some("x".repeat(101)),
            joined_on: d(2021, 3, 1),
            left_on: Some(d(2020, 1, 1)),
            note: None,
        };
        e.tidy();
        let errs = e.validate().unwrap_err();
        let fields: Vec<_> = errs
            .0
            .iter()
            .map(|f| (f.field.as_str(), f.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("person_name", "markup"),
                ("specialty", "required"),
                ("professional_title", "length"),
                ("left_on", "left_before_joined"),
            ]
        );
    }

    #[test]
    fn credit_codes_are_checked_and_normalised() {
        let mut m = AllianceMemberInput {
            enterprise_name: "山东某新材料有限公司".into(),
            credit_code: Some(" 91110000802100433b ".into()),
            alliance_role: AllianceRole::Member,
        };
        m.tidy();
        assert_eq!(m.credit_code.as_deref(), Some("91110000802100433B"));
        assert!(m.validate().is_ok());
        m.credit_code = Some("91110000802100433C".into());
        assert_eq!(m.validate().unwrap_err().0[0].field, "credit_code");
    }

    #[test]
    fn lead_department_is_not_also_responsible() {
        let mut s = StructureInput {
            lead_department_id: Some(3),
            responsible_department_ids: vec![4, 3, 4],
            ..Default::default()
        };
        s.tidy();
        assert_eq!(s.responsible_department_ids, [3, 4]);
        assert_eq!(s.validate().unwrap_err().0[0].code, "lead_not_responsible");
    }
}

#[cfg(test)]
mod policy_tests {
    use crate::policy::{Permission, roles_with};

    /// Whoever may edit a profile may also read it.
    #[test]
    fn profile_editors_read_it() {
        let area = crate::area::find("industries").unwrap();
        assert!(area.ready);
        assert_eq!(area.permission, Permission::ViewIndustryProfile);
        let readers = roles_with(Permission::ViewIndustryProfile);
        for r in roles_with(Permission::EditIndustryProfile) {
            assert!(readers.contains(r), "{r} edits but cannot read");
        }
    }
}
