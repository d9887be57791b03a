//! Supervision (督办, seed 四、(二)1 — 市委办公室、市政府办公室负责统筹协调、定期督导): items the
//! supervisor issues about a problem, a task or a matter of its own, each with its yearly
//! number (督办〔2026〕12号), a deadline and the units supervised; the units reply; only the
//! supervisor closes an item (销号), with the evidence it was done.

use crate::code_list::code_list;
use crate::problem::check_deadline;
use crate::profile::{department_list, line, text, tidy, tidy_ids};
use crate::validate::{FieldError, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

code_list! {
    /// What an item supervises.
    SupervisionSubject in "supervision.subject" {
        Problem = "problem",
        Task = "task",
        Own = "own",
    }
}

code_list! {
    /// Issued → replied (every unit has replied) → closed (销号, by the supervisor).
    SupervisionState in "supervision.state" {
        Issued = "issued" / "已下达",
        Replied = "replied" / "已回复",
        Closed = "closed" / "已销号",
    }
}

code_list! {
    /// A step of an item's record.
    SupervisionEventKind in "supervision.event" {
        Issued = "issued",
        Edited = "edited",
        Replied = "replied",
        Attached = "attached",
        Closed = "closed",
    }
}

impl SupervisionState {
    /// A closed item takes no more edits, replies or files.
    pub fn refuse_if_closed(self) -> Result<(), FieldErrors> {
        if self == SupervisionState::Closed {
            return Err(FieldErrors(vec![
                FieldError::new("state", "supervision_closed").with("state", self.code()),
            ]));
        }
        Ok(())
    }
}

/// The state once the units' replies are counted: replied when every unit has replied.
pub fn settle(current: SupervisionState, units: usize, replied: usize) -> SupervisionState {
    match current {
        SupervisionState::Closed => current,
        _ if units > 0 && replied >= units => SupervisionState::Replied,
        _ => SupervisionState::Issued,
    }
}

/// The number cited in documents: 督办〔2026〕12号.
pub fn number(year: i32, seq: i64) -> String {
    format!("督办〔{year}〕{seq}号")
}

/// Days until the deadline (negative once past it).
pub fn days_left(deadline: NaiveDate, today: NaiveDate) -> i64 {
    (deadline - today).num_days()
}

/// Not closed after its deadline's day.
pub fn overdue(state: SupervisionState, deadline: NaiveDate, today: NaiveDate) -> bool {
    state != SupervisionState::Closed && deadline < today
}

/// A supervision item as issued or edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisionInput {
    pub title: String,
    /// What is required of the units (督办要求).
    pub requirement: String,
    pub subject: SupervisionSubject,
    /// The problem or task supervised.
    #[serde(default)]
    pub subject_id: Option<i64>,
    pub deadline: NaiveDate,
    /// The departments supervised (督办单位).
    pub unit_ids: Vec<i64>,
    /// The industry it concerns (taken from the problem when it supervises one).
    #[serde(default)]
    pub industry_id: Option<i64>,
    /// The district it concerns (taken from the problem when it supervises one).
    #[serde(default)]
    pub region_id: Option<i64>,
}

impl SupervisionInput {
    pub fn tidy(&mut self) {
        tidy(&mut self.title);
        self.requirement = self.requirement.trim().to_string();
        tidy_ids(&mut self.unit_ids);
    }

    /// `issued` is the day the item was (or is being) issued.
    pub fn validate(&self, issued: NaiveDate) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "title", &self.title, 200, true);
        text(&mut errs, "requirement", &self.requirement, 4000, true);
        match self.subject {
            SupervisionSubject::Problem | SupervisionSubject::Task => {
                if self.subject_id.is_none() {
                    errs.add("subject_id", "required");
                }
            }
            SupervisionSubject::Own => {
                if self.subject_id.is_some() {
                    errs.add("subject_id", "origin_not_expected");
                }
            }
        }
        if self.unit_ids.is_empty() {
            errs.add("unit_ids", "required");
        }
        department_list(&mut errs, "unit_ids", &self.unit_ids);
        check_deadline(&mut errs, "deadline", self.deadline, issued);
        errs.into_result()
    }
}

/// A unit's reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    pub text: String,
}

/// Closing (销号): the evidence the matter was done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub evidence: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn input() -> SupervisionInput {
        SupervisionInput {
            title: "督促解决项目用地问题".into(),
            requirement: "请于期限内报送办理结果".into(),
            subject: SupervisionSubject::Problem,
            subject_id: Some(4),
            deadline: d(2026, 6, 30),
            unit_ids: vec![9, 3, 9],
            industry_id: None,
            region_id: None,
        }
    }

    #[test]
    fn numbers_and_days() {
        assert_eq!(number(2026, 12), "督办〔2026〕12号");
        assert_eq!(days_left(d(2026, 6, 30), d(2026, 6, 25)), 5);
        assert_eq!(days_left(d(2026, 6, 30), d(2026, 7, 2)), -2);
        assert!(overdue(
            SupervisionState::Replied,
            d(2026, 6, 30),
            d(2026, 7, 1)
        ));
        assert!(!overdue(
            SupervisionState::Closed,
            d(2026, 6, 30),
            d(2026, 7, 1)
        ));
        assert!(!overdue(
            SupervisionState::Issued,
            d(2026, 6, 30),
            d(2026, 6, 30)
        ));
    }

    #[test]
    fn replies_settle_the_state() {
        use SupervisionState::*;
        assert_eq!(settle(Issued, 2, 1), Issued);
        assert_eq!(settle(Issued, 2, 2), Replied);
        assert_eq!(settle(Closed, 2, 0), Closed);
        assert!(Closed.refuse_if_closed().is_err());
        assert!(Replied.refuse_if_closed().is_ok());
    }

    #[test]
    fn an_item_names_its_units_and_a_deadline_after_issue() {
        let mut i = input();
        i.tidy();
        assert_eq!(i.unit_ids, [3, 9]);
        assert!(i.validate(d(2026, 6, 1)).is_ok());
        let e = i.validate(d(2026, 7, 1)).unwrap_err();
        assert_eq!(e.0[0].field, "deadline");
        assert_eq!(e.0[0].code, "deadline_before");
        let own = SupervisionInput {
            subject: SupervisionSubject::Own,
            unit_ids: vec![],
            ..input()
        };
        let e = own.validate(d(2026, 6, 1)).unwrap_err();
        let fields: Vec<_> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.code.as_str()))
                .collect();
        assert_eq!(
            fields,
            [
                ("subject_id", "origin_not_expected"),
                ("unit_ids", "required")
            ]
        );
    }
}
