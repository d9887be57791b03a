//! Everyone's to-do (我的待办), in-app notifications and the reminder calendar: the kinds of
//! what waits on a user, the kinds of notification, and which reminder a deadline is due on
//! a given day.

use crate::code_list::code_list;
use crate::validate::{FieldError, FieldErrors};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

code_list! {
    /// What an entry of the to-do is.
    TodoKind in "todo.kind" {
        /// An open key task the user's department leads.
        Task = "task",
        /// A key task submitted as done that the user must check.
        TaskCheck = "task_check",
        /// A problem assigned to the user's department, not signed for or not answered.
        Assignment = "assignment",
        /// A raised problem the office must assign.
        ProblemToAssign = "problem_to_assign",
        /// A department's answer the office must accept, return or act on.
        AnswerToReview = "answer_to_review",
        /// A problem escalated to the leader, waiting for the instruction (批示).
        Instruction = "instruction",
        /// A supervision item the user's unit must reply to.
        SupervisionReply = "supervision_reply",
        /// A supervision item replied to (or past its deadline) the supervisor must close.
        SupervisionClose = "supervision_close",
        /// A monthly report the task force has not filed yet, or that was returned to it (the
        /// record is the period).
        DispatchReport = "dispatch_report",
        /// A monthly report submitted or resubmitted, for the office to review.
        DispatchReview = "dispatch_review",
    }
}

code_list! {
    /// Whom an entry waits on.
    WaitingOn in "todo.waiting_on" {
        Department = "department",
        Office = "office",
        Supervisor = "supervisor",
        Leader = "leader",
    }
}

impl TodoKind {
    pub fn waiting_on(self) -> WaitingOn {
        match self {
            TodoKind::Task
            | TodoKind::Assignment
            | TodoKind::SupervisionReply
            | TodoKind::DispatchReport => WaitingOn::Department,
            TodoKind::ProblemToAssign | TodoKind::AnswerToReview | TodoKind::DispatchReview => {
                WaitingOn::Office
            }
            TodoKind::Instruction => WaitingOn::Leader,
            TodoKind::SupervisionClose => WaitingOn::Supervisor,
            // Whoever issued it checks it: the office, or the supervisor for supervision
            // tasks; the entry says which through its link, and the office is the default.
            TodoKind::TaskCheck => WaitingOn::Office,
        }
    }

    /// Where the record's page is.
    pub fn link(self, record_id: i64) -> String {
        match self {
            TodoKind::Task | TodoKind::TaskCheck => format!("/tasks/{record_id}"),
            TodoKind::Assignment
            | TodoKind::ProblemToAssign
            | TodoKind::AnswerToReview
            | TodoKind::Instruction => format!("/problems/{record_id}"),
            TodoKind::SupervisionReply | TodoKind::SupervisionClose => {
                format!("/supervision/{record_id}")
            }
            TodoKind::DispatchReport => format!("/dispatch/periods/{record_id}"),
            TodoKind::DispatchReview => format!("/dispatch/reports/{record_id}"),
        }
    }
}

/// Whether an entry with this deadline is overdue on `today` (China's calendar day).
pub fn overdue(deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    deadline.is_some_and(|d| d < today)
}

/// The to-do's order: overdue first, then by deadline (none last), then as found.
pub fn order_key(deadline: Option<NaiveDate>, today: NaiveDate) -> (bool, bool, NaiveDate) {
    (
        !overdue(deadline, today),
        deadline.is_none(),
        deadline.unwrap_or(NaiveDate::MAX),
    )
}

code_list! {
    /// What a notification tells of.
    NotificationKind in "notifications.kind" {
        Assigned = "assigned",
        Answered = "answered",
        Returned = "returned",
        Escalated = "escalated",
        Instructed = "instructed",
        Resolved = "resolved",
        Urged = "urged",
        TaskIssued = "task_issued",
        TaskSubmitted = "task_submitted",
        TaskClosed = "task_closed",
        TaskRejected = "task_rejected",
        SupervisionIssued = "supervision_issued",
        SupervisionReplied = "supervision_replied",
        SupervisionClosed = "supervision_closed",
        ReminderBefore = "reminder_before",
        ReminderDue = "reminder_due",
        ReminderAfter = "reminder_after",
        ReminderEscalated = "reminder_escalated",
        DispatchSubmitted = "dispatch_submitted",
        DispatchReturned = "dispatch_returned",
        DispatchAccepted = "dispatch_accepted",
    }
}

/// The longest a reminder may come before or after a deadline.
pub const MAX_REMINDER_DAYS: i64 = 60;

/// The reminder calendar the office sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderSettings {
    /// Days before the deadline the first reminder goes out (0: none).
    pub days_before: i64,
    /// A reminder on the deadline's day.
    pub on_the_day: bool,
    /// Days after the deadline the overdue reminder goes out (0: none).
    pub days_after: i64,
    /// Days after the deadline the leader in charge is told (0: never).
    pub escalate_after: i64,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            days_before: 3,
            on_the_day: true,
            days_after: 1,
            escalate_after: 3,
        }
    }
}

/// A reminder's place in the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReminderStage {
    Before,
    Due,
    After,
    Escalated,
}

impl ReminderStage {
    pub fn code(self) -> &'static str {
        match self {
            ReminderStage::Before => "before",
            ReminderStage::Due => "due",
            ReminderStage::After => "after",
            ReminderStage::Escalated => "escalated",
        }
    }
    pub fn kind(self) -> NotificationKind {
        match self {
            ReminderStage::Before => NotificationKind::ReminderBefore,
            ReminderStage::Due => NotificationKind::ReminderDue,
            ReminderStage::After => NotificationKind::ReminderAfter,
            ReminderStage::Escalated => NotificationKind::ReminderEscalated,
        }
    }
}

impl ReminderSettings {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        for (field, v) in [
            ("days_before", self.days_before),
            ("days_after", self.days_after),
            ("escalate_after", self.escalate_after),
        ] {
            if !(0..=MAX_REMINDER_DAYS).contains(&v) {
                errs.push(
                    FieldError::new(field, "range")
                        .with("min", 0)
                        .with("max", MAX_REMINDER_DAYS),
                );
            }
        }
        if errs.is_empty()
            && self.escalate_after > 0
            && self.days_after > 0
            && self.escalate_after < self.days_after
        {
            errs.add("escalate_after", "escalate_before_overdue");
        }
        errs.into_result()
    }

    /// The reminders due for a deadline by `today`: each stage whose day has come, so that a
    /// job that did not run on the day still sends it (once: the sender records each).
    /// A stage is only sent within a week of its day, so a long outage does not flood.
    pub fn due(&self, deadline: NaiveDate, today: NaiveDate) -> Vec<ReminderStage> {
        let mut out = Vec::new();
        let mut stage = |on: NaiveDate, s: ReminderStage| {
            if on <= today && today - on < Duration::days(7) {
                out.push(s);
            }
        };
        if self.days_before > 0 {
            stage(
                deadline - Duration::days(self.days_before),
                ReminderStage::Before,
            );
        }
        if self.on_the_day {
            stage(deadline, ReminderStage::Due);
        }
        if self.days_after > 0 {
            stage(
                deadline + Duration::days(self.days_after),
                ReminderStage::After,
            );
        }
        if self.escalate_after > 0 {
            stage(
                deadline + Duration::days(self.escalate_after),
                ReminderStage::Escalated,
            );
        }
        // Only the latest: once a deadline has passed, "due in 3 days" is news no more.
        out.pop().into_iter().collect()
    }

    /// The earliest deadline that can have a reminder due on `today` and the latest: the
    /// window the job reads.
    pub fn window(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let after = self.days_after.max(self.escalate_after);
        (
            today - Duration::days(after + 7),
            today + Duration::days(self.days_before),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn defaults_and_validation() {
        let s = ReminderSettings::default();
        assert_eq!((s.days_before, s.days_after, s.escalate_after), (3, 1, 3));
        assert!(s.validate().is_ok());
        let bad = ReminderSettings {
            days_before: -1,
            days_after: 61,
            ..s
        };
        let e = bad.validate().unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["days_before", "days_after"]);
        let early = ReminderSettings {
            days_after: 5,
            escalate_after: 2,
            ..s
        };
        assert_eq!(early.validate().unwrap_err().0[0].field, "escalate_after");
    }

    #[test]
    fn the_latest_stage_whose_day_has_come() {
        let s = ReminderSettings::default();
        let deadline = d("2026-05-10");
        assert!(s.due(deadline, d("2026-05-06")).is_empty());
        assert_eq!(s.due(deadline, d("2026-05-07")), [ReminderStage::Before]);
        assert_eq!(s.due(deadline, d("2026-05-09")), [ReminderStage::Before]);
        assert_eq!(s.due(deadline, d("2026-05-10")), [ReminderStage::Due]);
        assert_eq!(s.due(deadline, d("2026-05-11")), [ReminderStage::After]);
        assert_eq!(s.due(deadline, d("2026-05-13")), [ReminderStage::Escalated]);
        assert!(s.due(deadline, d("2026-05-30")).is_empty());
        let (from, to) = s.window(d("2026-05-13"));
        assert!(from <= deadline && deadline <= to);
    }

    #[test]
    fn overdue_first_then_by_deadline() {
        let today = d("2026-05-10");
        let mut v = [
            Some(d("2026-05-12")),
            None,
            Some(d("2026-05-01")),
            Some(d("2026-05-10")),
        ];
        v.sort_by_key(|x| order_key(*x, today));
        assert_eq!(
            v,
            [
                Some(d("2026-05-01")),
                Some(d("2026-05-10")),
                Some(d("2026-05-12")),
                None
            ]
        );
        assert_eq!(
            TodoKind::SupervisionReply.link(4),
            "/supervision/4".to_string()
        );
    }
}
