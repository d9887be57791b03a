//! Every name the industry profile builds at run time (closed lists, field labels, error
//! codes) is in both catalogues. The general catalogue test only sees literal keys.

use dongneng_domain::profile::{
    AllianceKind, AlliancePlanKind, AlliancePlanStatus, AllianceRole, MemberRole, PlanStatus,
};
use dongneng_web::i18n::Lang;

const FIELDS: &[&str] = &[
    "leader_name",
    "leader_title",
    "lead_department_id",
    "responsible_department_ids",
    "provincial_counterpart",
    "person_name",
    "department_id",
    "post",
    "member_role",
    "is_contact",
    "sort_order",
    "specialty",
    "affiliation",
    "professional_title",
    "joined_on",
    "left_on",
    "note",
    "alliance_name",
    "kind",
    "plan_kind",
    "plan",
    "plan_status",
    "enterprise_name",
    "credit_code",
    "alliance_role",
    "plan_title",
    "summary",
    "drafting_department_ids",
    "drafted_on",
    "status",
    "date",
    "year",
    "goals",
    "measure",
    "deadline",
    "file",
    "file_name",
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
    "duplicate",
    "credit_code",
    "future_date",
    "lead_not_responsible",
    "head_taken",
    "contact_taken",
    "left_before_joined",
    "status_move",
    "status_date_order",
    "in_use",
    "file_type",
    "too_many",
    "file_empty",
    "file_unreadable",
    "file_too_large",
];

#[test]
fn profile_names_are_in_both_catalogues() {
    let mut keys: Vec<String> = Vec::new();
    keys.extend(MemberRole::ALL.iter().map(|v| v.label_key()));
    keys.extend(AllianceKind::ALL.iter().map(|v| v.label_key()));
    keys.extend(AlliancePlanKind::ALL.iter().map(|v| v.label_key()));
    keys.extend(AlliancePlanStatus::ALL.iter().map(|v| v.label_key()));
    keys.extend(AllianceRole::ALL.iter().map(|v| v.label_key()));
    keys.extend(PlanStatus::ALL.iter().map(|v| v.label_key()));
    keys.extend(FIELDS.iter().map(|f| format!("field.{f}")));
    keys.extend(CODES.iter().map(|c| format!("validation.{c}")));
    for lang in Lang::ALL {
        for k in &keys {
            assert_ne!(&lang.t(k), k, "{} lacks {k}", lang.code());
        }
    }
}
