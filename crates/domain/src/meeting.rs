//! Meetings (会议): the joint meeting (联席会议), the site visit (现场调研), thematic coordination
//! (专题协调) and the quarterly on-site promotion meeting (现场推进会, on site or by video). A
//! meeting is planned, held, has its minutes published — or is cancelled with a reason. Its
//! decisions (议定事项) each become a key task with an owner department and a deadline
//! (`crate::task::TaskSource::MeetingDecision`). One quarterly meeting per quarter, unless it
//! is marked as an extra one. For the quarterly meeting the system proposes industries by
//! rules the office sees and changes ([`ProposalRules`], [`propose`]).

use crate::code_list::code_list;
use crate::validate::{self, FieldError, FieldErrors};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest title, topic or decision title.
pub const MAX_TITLE: usize = 200;
/// The longest outcome, decision content or guest's organisation.
pub const MAX_TEXT: usize = 4000;
/// The longest minutes.
pub const MAX_MINUTES: usize = 50_000;
/// The most industries one meeting concerns.
pub const MAX_INDUSTRIES: usize = 20;

code_list! {
    /// What kind of meeting.
    MeetingKind in "meetings.kind" {
        /// 联席会议.
        Joint = "joint",
        /// 现场调研.
        SiteVisit = "site_visit",
        /// 专题协调.
        Thematic = "thematic",
        /// 一季一现场推进会.
        Quarterly = "quarterly",
    }
}

code_list! {
    /// Where it is held: at a place, or by video.
    MeetingMode in "meetings.mode" {
        OnSite = "on_site",
        Video = "video",
    }
}

code_list! {
    /// Where a meeting stands.
    MeetingState in "meetings.state" {
        Planned = "planned",
        Held = "held",
        MinutesPublished = "minutes_published",
        Cancelled = "cancelled",
    }
}

code_list! {
    /// A move of a meeting's state.
    MeetingStep in "meetings.step" {
        /// It took place.
        Hold = "hold",
        /// Its minutes (纪要) are published: nothing changes any more.
        Publish = "publish",
        /// Called off, with a reason.
        Cancel = "cancel",
    }
}

impl MeetingState {
    /// The state a step leads to from this one, if allowed.
    pub fn after(self, step: MeetingStep) -> Option<MeetingState> {
        use MeetingState::*;
        match (self, step) {
            (Planned, MeetingStep::Hold) => Some(Held),
            (Held, MeetingStep::Publish) => Some(MinutesPublished),
            (Planned | Held, MeetingStep::Cancel) => Some(Cancelled),
            _ => None,
        }
    }

    /// The steps allowed from here.
    pub fn allowed_steps(self) -> Vec<MeetingStep> {
        MeetingStep::ALL
            .iter()
            .copied()
            .filter(|s| self.after(*s).is_some())
            .collect()
    }

    /// Whether its facts, agenda and attendees still change.
    pub fn editable(self) -> bool {
        matches!(self, MeetingState::Planned | MeetingState::Held)
    }

    /// Whether decisions, outcomes and minutes are recorded now: once it was held, until the
    /// minutes are published.
    pub fn records(self) -> bool {
        self == MeetingState::Held
    }
}

/// The refusal of a step the state does not allow.
pub fn step_refused(from: MeetingState, step: MeetingStep) -> FieldErrors {
    FieldErrors(vec![
        FieldError::new("state", "meeting_step")
            .with("from", from.code())
            .with("step", step.code()),
    ])
}

/// The quarter (1–4) of a day.
pub fn quarter_of(day: NaiveDate) -> u32 {
    (day.month() - 1) / 3 + 1
}

/// The key of a day's quarter: `year * 10 + quarter`.
pub fn quarter_key(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 10 + i64::from(quarter_of(day))
}

/// The quarter `n` quarters before (year, quarter).
pub fn quarter_before(year: i32, quarter: u32, n: u32) -> (i32, u32) {
    let index = year * 4 + quarter as i32 - 1 - n as i32;
    (index.div_euclid(4), index.rem_euclid(4) as u32 + 1)
}

// ---------------------------------------------------------------- rules

// The field rules shared with the key tasks.
use crate::task::{date, length, text};

fn line(errs: &mut FieldErrors, field: &str, value: &str, max: usize, required: bool) {
    if required && value.trim().is_empty() {
        errs.add(field, "required");
        return;
    }
    match validate::plain_line(value) {
        Err(e) => errs.add(field, &e.code),
        Ok(()) => length(errs, field, value, max),
    }
}

fn tidy_opt(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(|s| validate::tidy(s).into_owned())
        .filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------- inputs

/// A meeting as entered: new, or changed while planned or held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    pub title: String,
    pub kind: MeetingKind,
    /// On site (a place) or by video (a link).
    pub mode: MeetingMode,
    /// The day it is held (China's calendar).
    pub held_on: NaiveDate,
    /// Where: required on site.
    #[serde(default)]
    pub place: Option<String>,
    /// The video link (http or https): required by video.
    #[serde(default)]
    pub video_link: Option<String>,
    /// 主持: a user who is a city leader.
    pub chair_user_id: i64,
    /// 组织单位: an active department.
    pub organiser_department_id: i64,
    /// The industries it concerns (for the quarterly meeting: the chosen ones, at least one).
    #[serde(default)]
    pub industry_ids: Vec<i64>,
    /// The district it concerns, if any (a site visit).
    #[serde(default)]
    pub region_id: Option<i64>,
    /// A quarterly meeting beyond the quarter's one.
    #[serde(default)]
    pub extra: bool,
}

impl MeetingInput {
    pub fn tidy(&mut self) {
        self.title = validate::tidy(&self.title).into_owned();
        self.place = tidy_opt(&self.place);
        self.video_link = tidy_opt(&self.video_link);
        self.industry_ids.sort_unstable();
        self.industry_ids.dedup();
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "title", &self.title, MAX_TITLE, true);
        date(&mut errs, "held_on", self.held_on);
        match self.mode {
            MeetingMode::OnSite if self.place.is_none() => errs.add("place", "required"),
            MeetingMode::Video if self.video_link.is_none() => errs.add("video_link", "required"),
            _ => {}
        }
        if let Some(p) = &self.place {
            line(&mut errs, "place", p, MAX_TITLE, false);
        }
        if let Some(link) = &self.video_link {
            let ok = (link.starts_with("https://") || link.starts_with("http://"))
                && link.len() > 8
                && link.len() <= 500
                && !link
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '"');
            if !ok {
                errs.add("video_link", "url");
            }
        }
        if self.industry_ids.len() > MAX_INDUSTRIES {
            errs.push(FieldError::new("industry_ids", "too_many").with("max", MAX_INDUSTRIES));
        }
        if self.kind == MeetingKind::Quarterly && self.industry_ids.is_empty() {
            errs.add("industry_ids", "required");
        }
        if self.kind != MeetingKind::Quarterly && self.extra {
            errs.add("extra", "quarterly_only");
        }
        errs.into_result()
    }
}

/// An agenda item: free text, or a problem put on the agenda (its title the topic when none is
/// given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaInput {
    #[serde(default)]
    pub topic: String,
    /// A problem put on the agenda.
    #[serde(default)]
    pub problem_id: Option<i64>,
}

impl AgendaInput {
    pub fn tidy(&mut self) {
        self.topic = validate::tidy(&self.topic).into_owned();
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if !(self.topic.is_empty() && self.problem_id.is_some()) {
            line(&mut errs, "topic", &self.topic, MAX_TITLE, true);
        }
        errs.into_result()
    }
}

/// The outcome recorded for an agenda item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    pub outcome: String,
}

impl OutcomeInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        text(&mut errs, "outcome", self.outcome.trim(), MAX_TEXT, true);
        errs.into_result()
    }
}

/// An attendee: a user, or a named outside guest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendeeInput {
    #[serde(default)]
    pub user_id: Option<i64>,
    /// An outside guest's name.
    #[serde(default)]
    pub guest_name: Option<String>,
    /// The guest's organisation.
    #[serde(default)]
    pub guest_org: Option<String>,
}

impl AttendeeInput {
    pub fn tidy(&mut self) {
        self.guest_name = tidy_opt(&self.guest_name);
        self.guest_org = tidy_opt(&self.guest_org);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        match (&self.user_id, &self.guest_name) {
            (None, None) => errs.add("user_id", "user_or_guest_required"),
            (Some(_), Some(_)) => errs.add("guest_name", "user_or_guest_only"),
            (None, Some(n)) => line(&mut errs, "guest_name", n, 100, true),
            (Some(_), None) => {}
        }
        if let Some(o) = &self.guest_org {
            if self.user_id.is_some() {
                errs.add("guest_org", "user_or_guest_only");
            } else {
                line(&mut errs, "guest_org", o, MAX_TITLE, false);
            }
        }
        errs.into_result()
    }
}

/// The minutes (纪要), saved while the meeting is held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesInput {
    pub minutes: String,
}

impl MinutesInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        text(&mut errs, "minutes", self.minutes.trim(), MAX_MINUTES, true);
        errs.into_result()
    }
}

/// A decision (议定事项): what, who owns it, by when. It becomes a key task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub title: String,
    #[serde(default)]
    pub details: String,
    /// The owner (牵头单位): required, an active department.
    #[serde(default)]
    pub lead_department_id: Option<i64>,
    /// 配合单位.
    #[serde(default)]
    pub co_department_ids: Vec<i64>,
    /// Required; not before the meeting's day.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    /// The industry of the task: one of the meeting's (its first when none is given).
    #[serde(default)]
    pub industry_id: Option<i64>,
}

impl DecisionInput {
    pub fn tidy(&mut self) {
        self.title = validate::tidy(&self.title).into_owned();
        self.details = self.details.trim().to_string();
        self.co_department_ids.sort_unstable();
        self.co_department_ids.dedup();
    }

    /// The rules without the database; `held_on` is the meeting's day.
    pub fn validate(&self, held_on: NaiveDate) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "title", &self.title, MAX_TITLE, true);
        text(&mut errs, "details", &self.details, MAX_TEXT, false);
        if self.lead_department_id.is_none() {
            errs.add("lead_department_id", "decision_owner_required");
        }
        match self.deadline {
            None => errs.add("deadline", "decision_deadline_required"),
            Some(d) => {
                date(&mut errs, "deadline", d);
                if d < held_on {
                    errs.push(
                        FieldError::new("deadline", "deadline_before_issue").with("date", held_on),
                    );
                }
            }
        }
        if self.co_department_ids.len() > crate::task::MAX_CO_DEPARTMENTS {
            errs.push(
                FieldError::new("co_department_ids", "too_many")
                    .with("max", crate::task::MAX_CO_DEPARTMENTS),
            );
        }
        if let Some(lead) = self.lead_department_id
            && self.co_department_ids.contains(&lead)
        {
            errs.add("co_department_ids", "lead_not_co");
        }
        errs.into_result()
    }
}

// ---------------------------------------------------------------- the quarterly proposal

/// The rules of the quarterly proposal, which the office sees and changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalRules {
    /// How many industries to propose (1–4; about two).
    pub pick: u32,
    /// Leave out the industries chosen for a quarterly meeting in this many quarters before
    /// (0–12).
    pub recent_quarters: u32,
    /// Weight (0–100) of red warnings among the industry's projects.
    pub weight_red: u32,
    /// Weight (0–100) of overdue key tasks.
    pub weight_overdue: u32,
    /// Weight (0–100) of the gap between this year's planned and completed investment.
    pub weight_gap: u32,
}

impl Default for ProposalRules {
    fn default() -> Self {
        ProposalRules {
            pick: 2,
            recent_quarters: 3,
            weight_red: 40,
            weight_overdue: 30,
            weight_gap: 30,
        }
    }
}

impl ProposalRules {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        let mut range = |field: &str, v: u32, lo: u32, hi: u32| {
            if v < lo || v > hi {
                errs.push(
                    FieldError::new(field, "range")
                        .with("min", lo)
                        .with("max", hi),
                );
            }
        };
        range("pick", self.pick, 1, 4);
        range("recent_quarters", self.recent_quarters, 0, 12);
        range("weight_red", self.weight_red, 0, 100);
        range("weight_overdue", self.weight_overdue, 0, 100);
        range("weight_gap", self.weight_gap, 0, 100);
        if self.weight_red + self.weight_overdue + self.weight_gap == 0 {
            errs.add("weight_red", "weights_all_zero");
        }
        errs.into_result()
    }
}

/// What the proposal knows of one industry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndustryFigures {
    pub industry_id: i64,
    /// Projects in the library with a red warning.
    pub red_warnings: i64,
    /// Key tasks of the industry overdue today.
    pub overdue_tasks: i64,
    /// This year's planned investment of its projects (分).
    pub year_plan_fen: i64,
    /// This year's completed investment (分).
    pub year_completed_fen: i64,
    /// The last quarter (year * 10 + quarter) it was chosen for a quarterly meeting.
    pub last_chosen: Option<i64>,
}

impl IndustryFigures {
    /// Planned minus completed, never below nothing.
    pub fn gap_fen(&self) -> i64 {
        (self.year_plan_fen - self.year_completed_fen).max(0)
    }
}

/// One industry the proposal offers, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Proposed {
    #[serde(flatten)]
    pub figures: IndustryFigures,
    /// The weighted score (0–100 × the sum of the weights / 100).
    pub score: f64,
    /// Not chosen in the last `recent_quarters` quarters.
    pub rested: bool,
}

/// Scores each industry not chosen in the `recent_quarters` before quarter `key` (`year * 10 +
/// quarter`) nor in it (`last_chosen` is the latest quarter up to `key`): each measure is scaled to the largest among the candidates and weighted; the
/// `pick` highest are proposed (ties by id). When too few industries rested, the others fill
/// in, marked as not rested.
pub fn propose(rules: &ProposalRules, key: i64, figures: &[IndustryFigures]) -> Vec<Proposed> {
    let (year, quarter) = ((key / 10) as i32, (key % 10) as u32);
    let (fy, fq) = quarter_before(year, quarter, rules.recent_quarters);
    let first_blocked = i64::from(fy) * 10 + i64::from(fq);
    let rested = |f: &IndustryFigures| {
        rules.recent_quarters == 0
            || f.last_chosen
                .is_none_or(|last| !(first_blocked..=key).contains(&last))
    };
    let max = |get: fn(&IndustryFigures) -> i64| figures.iter().map(get).max().unwrap_or(0).max(1);
    let (max_red, max_overdue, max_gap) = (
        max(|f| f.red_warnings),
        max(|f| f.overdue_tasks),
        max(IndustryFigures::gap_fen),
    );
    let mut scored: Vec<Proposed> = figures
        .iter()
        .map(|f| {
            let part = |v: i64, m: i64, w: u32| v as f64 / m as f64 * f64::from(w);
            let score = part(f.red_warnings, max_red, rules.weight_red)
                + part(f.overdue_tasks, max_overdue, rules.weight_overdue)
                + part(f.gap_fen(), max_gap, rules.weight_gap);
            Proposed {
                figures: f.clone(),
                score: (score * 100.0).round() / 100.0,
                rested: rested(f),
            }
        })
        .collect();
    scored.sort_by(|a, b| {
        b.rested
            .cmp(&a.rested)
            .then(b.score.total_cmp(&a.score))
            .then(a.figures.industry_id.cmp(&b.figures.industry_id))
    });
    scored.truncate(rules.pick as usize);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn codes(r: Result<(), FieldErrors>) -> Vec<(String, String)> {
        r.err()
            .map(|e| e.0.into_iter().map(|f| (f.field, f.code)).collect())
            .unwrap_or_default()
    }

    fn meeting() -> MeetingInput {
        MeetingInput {
            title: " 2026年第二季度现场推进会 ".into(),
            kind: MeetingKind::Quarterly,
            mode: MeetingMode::OnSite,
            held_on: d(2026, 5, 20),
            place: Some("淄川区经济开发区".into()),
            video_link: None,
            chair_user_id: 3,
            organiser_department_id: 1,
            industry_ids: vec![4, 2, 4],
            region_id: None,
            extra: false,
        }
    }

    #[test]
    fn a_meeting_and_its_rules() {
        let mut m = meeting();
        m.tidy();
        assert_eq!(m.title, "2026年第二季度现场推进会");
        assert_eq!(m.industry_ids, [2, 4]);
        assert!(m.validate().is_ok());
        m.mode = MeetingMode::Video;
        m.video_link = Some("javascript:alert(1)".into());
        m.industry_ids.clear();
        assert_eq!(
            codes(m.validate()),
            [
                ("video_link".into(), "url".into()),
                ("industry_ids".into(), "required".into())
            ]
        );
        m.kind = MeetingKind::Joint;
        m.extra = true;
        m.video_link = None;
        assert_eq!(
            codes(m.validate()),
            [
                ("video_link".into(), "required".into()),
                ("extra".into(), "quarterly_only".into())
            ]
        );
    }

    #[test]
    fn states() {
        use MeetingState::*;
        assert_eq!(Planned.after(MeetingStep::Hold), Some(Held));
        assert_eq!(Held.after(MeetingStep::Publish), Some(MinutesPublished));
        assert_eq!(Planned.after(MeetingStep::Publish), None);
        assert!(MinutesPublished.allowed_steps().is_empty());
        assert!(Cancelled.allowed_steps().is_empty());
        assert!(Held.records() && !Planned.records() && !MinutesPublished.records());
    }

    #[test]
    fn quarters() {
        assert_eq!(quarter_key(d(2026, 5, 20)), 20262);
        assert_eq!(quarter_key(d(2026, 12, 31)), 20264);
        assert_eq!(quarter_before(2026, 1, 1), (2025, 4));
        assert_eq!(quarter_before(2026, 2, 3), (2025, 3));
        assert_eq!(quarter_before(2026, 4, 0), (2026, 4));
    }

    #[test]
    fn a_decision_needs_owner_and_deadline() {
        let mut dec = DecisionInput {
            title: "落实园区用地指标".into(),
            details: String::new(),
            lead_department_id: None,
            co_department_ids: vec![],
            deadline: None,
            industry_id: None,
        };
        assert_eq!(
            codes(dec.validate(d(2026, 5, 20))),
            [
                (
                    "lead_department_id".into(),
                    "decision_owner_required".into()
                ),
                ("deadline".into(), "decision_deadline_required".into())
            ]
        );
        dec.lead_department_id = Some(5);
        dec.deadline = Some(d(2026, 5, 19));
        assert_eq!(
            codes(dec.validate(d(2026, 5, 20))),
            [("deadline".into(), "deadline_before_issue".into())]
        );
        dec.deadline = Some(d(2026, 6, 30));
        dec.co_department_ids = vec![5];
        assert_eq!(
            codes(dec.validate(d(2026, 5, 20))),
            [("co_department_ids".into(), "lead_not_co".into())]
        );
    }

    #[test]
    fn attendees_are_users_or_guests() {
        let a = AttendeeInput {
            user_id: None,
            guest_name: None,
            guest_org: None,
        };
        assert_eq!(
            codes(a.validate()),
            [("user_id".into(), "user_or_guest_required".into())]
        );
        let g = AttendeeInput {
            user_id: None,
            guest_name: Some("王教授".into()),
            guest_org: Some("山东理工大学".into()),
        };
        assert!(g.validate().is_ok());
    }

    fn fig(id: i64, red: i64, overdue: i64, gap: i64, last: Option<i64>) -> IndustryFigures {
        IndustryFigures {
            industry_id: id,
            red_warnings: red,
            overdue_tasks: overdue,
            year_plan_fen: gap,
            year_completed_fen: 0,
            last_chosen: last,
        }
    }

    #[test]
    fn the_proposal_rests_recent_choices_and_weighs_the_rest() {
        let rules = ProposalRules::default();
        let figures = [
            fig(1, 10, 10, 100, Some(20261)), // chosen last quarter: rests
            fig(2, 5, 0, 100, None),
            fig(3, 0, 8, 0, Some(20252)), // chosen four quarters ago: back in
            fig(4, 1, 1, 10, None),
        ];
        let p = propose(&rules, 20262, &figures);
        let ids: Vec<i64> = p.iter().map(|x| x.figures.industry_id).collect();
        assert_eq!(ids, [2, 3]);
        assert!(p.iter().all(|x| x.rested));
        // Without the rest rule, the busiest industry leads.
        let all = ProposalRules {
            recent_quarters: 0,
            ..rules.clone()
        };
        assert_eq!(propose(&all, 20262, &figures)[0].figures.industry_id, 1);
        assert!(rules.validate().is_ok());
        let bad = ProposalRules {
            pick: 0,
            weight_red: 0,
            weight_overdue: 0,
            weight_gap: 0,
            ..rules
        };
        assert_eq!(
            codes(bad.validate()),
            [
                ("pick".into(), "range".into()),
                ("weight_red".into(), "weights_all_zero".into())
            ]
        );
    }
}
