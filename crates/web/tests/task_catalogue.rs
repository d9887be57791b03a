//! Every name the task pages build at run time (closed lists, field labels, error codes) is
//! in both catalogues. The general catalogue test only sees literal keys.

use dongneng_domain::task::{Issuer, TaskSource, TaskStatus, TaskStep};
use dongneng_web::i18n::Lang;

const FIELDS: &[&str] = &[
    "title",
    "details",
    "source",
    "work_plan_id",
    "industry_id",
    "region_id",
    "lead_department_id",
    "co_department_ids",
    "responsible_person",
    "leader_user_id",
    "issued_on",
    "deadline",
    "status",
    "issuer",
    "reject_reason",
    "cancel_reason",
    "progress_note",
    "noted_on",
    "files",
    "file",
    "file_name",
    "deadline_from",
    "deadline_to",
    "department",
    "overdue",
    "industry",
    "region",
    "q",
    "measure",
    "owner_department_id",
    "owner_person",
    "version",
];

const CODES: &[&str] = &[
    "required",
    "length",
    "range",
    "markup",
    "control_chars",
    "one_of",
    "date",
    "not_integer",
    "unknown_reference",
    "too_many",
    "future_date",
    "file_empty",
    "file_unreadable",
    "file_too_large",
    "file_type",
    "deadline_before_issue",
    "work_plan_only_for_measures",
    "industry_or_region_required",
    "lead_not_co",
    "department_retired",
    "work_plan_industry",
    "inactive",
    "not_a_leader",
    "not_entered_here",
    "fixed",
    "task_step",
    "task_finished",
    "task_not_open",
    "evidence_required",
    "date_order",
    "stale",
];

#[test]
fn task_names_are_in_both_catalogues() {
    let mut keys: Vec<String> = Vec::new();
    keys.extend(TaskSource::ALL.iter().map(|v| v.label_key()));
    keys.extend(TaskStatus::ALL.iter().map(|v| v.label_key()));
    keys.extend(TaskStep::ALL.iter().map(|v| v.label_key()));
    keys.extend(Issuer::ALL.iter().map(|v| v.label_key()));
    keys.extend(FIELDS.iter().map(|f| format!("field.{f}")));
    keys.extend(CODES.iter().map(|c| format!("validation.{c}")));
    for lang in Lang::ALL {
        for k in &keys {
            assert_ne!(&lang.t(k), k, "{} lacks {k}", lang.code());
        }
    }
}
