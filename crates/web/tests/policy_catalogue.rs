//! Every name the policy and fund pages build at run time (closed lists, field labels, error
//! codes) is in both catalogues, in the policies' own section or the common one.

use dongneng_domain::FieldError;
use dongneng_domain::policies::{FundKind, FundSource, TargetKind};
use dongneng_web::i18n::Lang;

const FIELDS: &[&str] = &[
    "title",
    "doc_number",
    "issued_on",
    "valid_from",
    "valid_to",
    "department_ids",
    "industry_ids",
    "measures",
    "summary",
    "name",
    "kind",
    "parent_fund_id",
    "size",
    "manager",
    "established_on",
    "provincial_applied",
    "provincial_won",
    "note",
    "credit_code",
    "enterprise_name",
    "project_id",
    "region_id",
    "paid_on",
    "reason",
    "adjustment",
    "source",
    "invested_on",
    "industry_id",
    "stake_bp",
    "committed",
    "amount",
    "beneficiary_id",
    "version",
];

const CODES: &[&str] = &[
    "required",
    "length",
    "range",
    "markup",
    "control_chars",
    "too_many",
    "credit_code",
    "money_negative",
    "money_too_large",
    "money_not_number",
    "positive",
    "unknown_reference",
    "department_retired",
    "duplicate",
    "in_use",
    "one_of",
    "valid_to_before_from",
    "payment_above_commitment",
    "adjustment_reason_required",
    "investment_above_size",
    "won_above_applied",
    "size_below_invested",
    "committed_below_paid",
    "self_reference",
];

#[test]
fn policy_names_are_in_both_catalogues() {
    let mut keys: Vec<String> = Vec::new();
    keys.extend(FundKind::ALL.iter().map(|v| v.label_key()));
    keys.extend(FundSource::ALL.iter().map(|v| v.label_key()));
    keys.extend(TargetKind::ALL.iter().map(|v| v.label_key()));
    keys.extend(["near", "at", "above"].map(|s| format!("policies.standing.{s}")));
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
