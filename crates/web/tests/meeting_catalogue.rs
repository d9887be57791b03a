//! Every name the meeting pages build at run time (closed lists, field labels, error codes)
//! is in both catalogues, in the meetings' own section or the common one.

use dongneng_domain::FieldError;
use dongneng_domain::meeting::{MeetingKind, MeetingMode, MeetingState, MeetingStep};
use dongneng_web::i18n::Lang;

const FIELDS: &[&str] = &[
    "title",
    "mode",
    "held_on",
    "place",
    "video_link",
    "chair_user_id",
    "organiser_department_id",
    "industry_ids",
    "region_id",
    "extra",
    "topic",
    "problem_id",
    "outcome",
    "user_id",
    "guest_name",
    "guest_org",
    "minutes",
    "details",
    "lead_department_id",
    "co_department_ids",
    "deadline",
    "industry_id",
    "state",
    "cancel_reason",
    "pick",
    "recent_quarters",
    "weight_red",
    "weight_overdue",
    "weight_gap",
    "year",
    "quarter",
    "version",
];

const CODES: &[&str] = &[
    "required",
    "length",
    "range",
    "markup",
    "control_chars",
    "url",
    "too_many",
    "quarterly_only",
    "user_or_guest_required",
    "user_or_guest_only",
    "decision_owner_required",
    "decision_deadline_required",
    "deadline_before_issue",
    "lead_not_co",
    "weights_all_zero",
    "meeting_step",
    "meeting_finished",
    "meeting_not_held",
    "meeting_in_future",
    "quarterly_taken",
    "not_a_leader",
    "unknown_reference",
    "department_retired",
    "inactive",
    "not_on_meeting",
    "fixed",
    "stale",
    "industry_or_region_required",
];

#[test]
fn meeting_names_are_in_both_catalogues() {
    let mut keys: Vec<String> = Vec::new();
    keys.extend(MeetingKind::ALL.iter().map(|v| v.label_key()));
    keys.extend(MeetingMode::ALL.iter().map(|v| v.label_key()));
    keys.extend(MeetingState::ALL.iter().map(|v| v.label_key()));
    keys.extend(MeetingStep::ALL.iter().map(|v| v.label_key()));
    for lang in Lang::ALL {
        for k in &keys {
            assert_ne!(&lang.t(k), k, "{} lacks {k}", lang.code());
        }
        for f in FIELDS {
            assert_ne!(
                &lang.field_label(f),
                f,
                "{} lacks the label of {f}",
                lang.code()
            );
        }
        for c in CODES {
            let msg = lang.field_message(&FieldError::new("title", *c));
            let fallback =
                lang.field_message(&FieldError::new("title", "invalid_type").with("detail", *c));
            assert!(
                msg != fallback || *c == "invalid_type",
                "{} lacks the message of {c}: {msg}",
                lang.code()
            );
        }
    }
}
