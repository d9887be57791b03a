//! Policies landed (政策落地) and industry funds (基金运作), SPEC 19: the inputs and their field
//! rules, the closed lists (fund kinds, fund sources, beneficiary kinds), and the two limits —
//! a payment (兑现) may not take a beneficiary's paid total above its commitment unless it is
//! an adjustment with a reason ([`payment_check`]), and an investment may not take a fund's
//! invested total above its size ([`investment_fits`]). Money is in 分; stakes in hundredths
//! of a percent.

use crate::code_list::code_list;
use crate::codes::normalise_credit_code;
use crate::money::Money;
use crate::task::{date, length, text};
use crate::validate::{self, FieldError, FieldErrors};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest title, name or document number.
pub const MAX_TITLE: usize = 200;
/// Longest document number (文号).
pub const MAX_DOC_NUMBER: usize = 60;
/// Most measures of one policy, and the longest one.
pub const MAX_MEASURES: usize = 100;
pub const MAX_MEASURE: usize = 2000;
/// Longest note or summary.
pub const MAX_NOTE: usize = 4000;
/// Most issuing departments or industries of one record.
pub const MAX_LINKS: usize = 50;
/// The largest amount any one field takes: 1,000,000 亿元.
pub const MAX_AMOUNT: Money = Money(1_000_000 * crate::money::FEN_PER_YI);
/// Share of a payment in its commitment from which the form warns (per mille).
pub const NEAR_COMMITMENT_PERMILLE: i64 = 900;

code_list! {
    /// 基金类型.
    FundKind in "policies.fund_kind" {
        /// 政府引导基金.
        Guidance = "guidance" / "政府引导基金",
        /// 产业基金.
        Industry = "industry" / "产业基金",
        /// 子基金.
        SubFund = "sub_fund" / "子基金",
    }
}

code_list! {
    /// Where a fund's money comes from.
    FundSource in "policies.fund_source" {
        City = "city" / "市级",
        District = "district" / "区县",
        Provincial = "provincial" / "省级",
        /// 社会资本.
        Social = "social" / "社会资本",
    }
}

code_list! {
    /// Who a policy benefits, or a fund invests in.
    TargetKind in "policies.target_kind" {
        Enterprise = "enterprise" / "企业",
        Project = "project" / "项目",
    }
}

/// `year * 100 + month` of a day: the month a payment or investment counts in.
pub fn month_key(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 100 + i64::from(day.month())
}

// ---------------------------------------------------------------- policies

/// A policy as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    pub title: String,
    /// 文号, e.g. 淄政发〔2020〕3号: unique.
    pub doc_number: String,
    /// The day it was issued.
    pub issued_on: NaiveDate,
    /// In force from.
    pub valid_from: NaiveDate,
    /// In force until (inclusive); none when open-ended.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// The issuing departments (at least one, active).
    pub department_ids: Vec<i64>,
    /// The industries it supports (at least one).
    pub industry_ids: Vec<i64>,
    /// Its measures (政策措施), one text each.
    #[serde(default)]
    pub measures: Vec<String>,
    #[serde(default)]
    pub summary: String,
}

impl PolicyInput {
    pub fn tidy(&mut self) {
        self.title = validate::tidy(&self.title).into_owned();
        self.doc_number = validate::tidy(&self.doc_number).into_owned();
        self.summary = validate::tidy(&self.summary).into_owned();
        self.measures = self
            .measures
            .iter()
            .map(|m| validate::tidy(m).into_owned())
            .filter(|m| !m.is_empty())
            .collect();
        sort_ids(&mut self.department_ids);
        sort_ids(&mut self.industry_ids);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "title", &self.title, MAX_TITLE);
        line(&mut errs, "doc_number", &self.doc_number, MAX_DOC_NUMBER);
        date(&mut errs, "issued_on", self.issued_on);
        date(&mut errs, "valid_from", self.valid_from);
        if let Some(to) = self.valid_to {
            date(&mut errs, "valid_to", to);
            if to < self.valid_from {
                errs.add("valid_to", "valid_to_before_from");
            }
        }
        links(&mut errs, "department_ids", &self.department_ids);
        links(&mut errs, "industry_ids", &self.industry_ids);
        if self.measures.len() > MAX_MEASURES {
            errs.push(FieldError::new("measures", "too_many").with("max", MAX_MEASURES));
        }
        for m in &self.measures {
            let before = errs.0.len();
            text(&mut errs, "measures", m, MAX_MEASURE, false);
            if errs.0.len() > before {
                break;
            }
        }
        text(&mut errs, "summary", &self.summary, MAX_NOTE, false);
        errs.into_result()
    }

    /// Whether the policy is in force on some day of the month `(year, month)`.
    pub fn in_force_in(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.valid_from <= last && self.valid_to.is_none_or(|to| to >= first)
    }
}

/// Who a policy benefits, or what a fund invests in: an enterprise (name and 统一社会信用代码,
/// with its district) or a project of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub kind: TargetKind,
    /// The project (kind `project`).
    pub project_id: Option<i64>,
    /// The enterprise's name (kind `enterprise`).
    pub enterprise_name: Option<String>,
    /// 统一社会信用代码 (kind `enterprise`): 18 characters with a valid check character.
    pub credit_code: Option<String>,
    /// The enterprise's district (kind `enterprise`, optional; a project's is its own).
    pub region_id: Option<i64>,
}

impl Target {
    pub fn tidy(&mut self) {
        self.enterprise_name = tidy_opt(&self.enterprise_name);
        self.credit_code = tidy_opt(&self.credit_code).map(|c| c.to_uppercase());
        if let Some(n) = self.credit_code.as_deref().and_then(normalise_credit_code) {
            self.credit_code = Some(n);
        }
        if self.kind == TargetKind::Project {
            self.enterprise_name = None;
            self.credit_code = None;
            self.region_id = None;
        } else {
            self.project_id = None;
        }
    }

    pub fn validate(&self, errs: &mut FieldErrors) {
        match self.kind {
            TargetKind::Project => {
                if self.project_id.is_none() {
                    errs.add("project_id", "required");
                }
            }
            TargetKind::Enterprise => {
                match &self.enterprise_name {
                    None => errs.add("enterprise_name", "required"),
                    Some(n) => line(errs, "enterprise_name", n, MAX_TITLE),
                }
                match &self.credit_code {
                    None => errs.add("credit_code", "required"),
                    Some(c) if normalise_credit_code(c).is_none() => {
                        errs.add("credit_code", "credit_code")
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

/// A beneficiary of a policy and the amount committed to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeneficiaryInput {
    pub kind: TargetKind,
    /// The project (kind `project`).
    #[serde(default)]
    pub project_id: Option<i64>,
    /// The enterprise's name (kind `enterprise`).
    #[serde(default)]
    pub enterprise_name: Option<String>,
    /// 统一社会信用代码 (kind `enterprise`): 18 characters with a valid check character.
    #[serde(default)]
    pub credit_code: Option<String>,
    /// The enterprise's district (kind `enterprise`, optional; a project's is its own).
    #[serde(default)]
    pub region_id: Option<i64>,
    /// Amount committed (分).
    #[schema(value_type = i64)]
    pub committed: Money,
    #[serde(default)]
    pub note: String,
}

impl BeneficiaryInput {
    pub fn tidy(&mut self) {
        let mut t = self.target();
        t.tidy();
        self.set_target(t);
        self.note = validate::tidy(&self.note).into_owned();
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        self.target().validate(&mut errs);
        amount(&mut errs, "committed", self.committed, false);
        text(&mut errs, "note", &self.note, MAX_NOTE, false);
        errs.into_result()
    }
}

macro_rules! target_of {
    ($t:ty) => {
        impl $t {
            /// Who or what it names.
            pub fn target(&self) -> Target {
                Target {
                    kind: self.kind,
                    project_id: self.project_id,
                    enterprise_name: self.enterprise_name.clone(),
                    credit_code: self.credit_code.clone(),
                    region_id: self.region_id,
                }
            }
            fn set_target(&mut self, t: Target) {
                self.kind = t.kind;
                self.project_id = t.project_id;
                self.enterprise_name = t.enterprise_name;
                self.credit_code = t.credit_code;
                self.region_id = t.region_id;
            }
        }
    };
}
target_of!(BeneficiaryInput);
target_of!(InvestmentInput);

/// A payment (兑现) to a beneficiary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    pub beneficiary_id: i64,
    pub paid_on: NaiveDate,
    /// Amount paid (分, more than zero).
    #[schema(value_type = i64)]
    pub amount: Money,
    /// Beyond the commitment on purpose: an adjustment, with its reason.
    #[serde(default)]
    pub adjustment: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

impl PaymentInput {
    pub fn tidy(&mut self) {
        self.reason = tidy_opt(&self.reason);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        date(&mut errs, "paid_on", self.paid_on);
        amount(&mut errs, "amount", self.amount, true);
        if self.adjustment {
            match &self.reason {
                None => errs.add("reason", "adjustment_reason_required"),
                Some(r) => text(&mut errs, "reason", r, MAX_NOTE, true),
            }
        } else if let Some(r) = &self.reason {
            text(&mut errs, "reason", r, MAX_NOTE, false);
        }
        errs.into_result()
    }
}

/// How a payment stands against its beneficiary's commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStanding {
    /// Well within the commitment.
    Within,
    /// Within, but at 90 % of it or more: the form warns.
    Near,
    /// Exactly the commitment.
    At,
    /// Above it: refused unless an adjustment with a reason.
    Above,
}

/// Where `paid` (already) plus `amount` leaves a beneficiary against `committed`.
pub fn payment_standing(committed: Money, paid: Money, amount: Money) -> PaymentStanding {
    let total = paid.0.saturating_add(amount.0);
    if total > committed.0 {
        PaymentStanding::Above
    } else if total == committed.0 {
        PaymentStanding::At
    } else if total.saturating_mul(1000) >= committed.0.saturating_mul(NEAR_COMMITMENT_PERMILLE) {
        PaymentStanding::Near
    } else {
        PaymentStanding::Within
    }
}

/// The refusal of a payment beyond the commitment that is not an adjustment.
pub fn payment_check(
    committed: Money,
    paid: Money,
    input: &PaymentInput,
) -> Result<PaymentStanding, FieldErrors> {
    let standing = payment_standing(committed, paid, input.amount);
    if standing == PaymentStanding::Above && !input.adjustment {
        let left = Money(committed.0.saturating_sub(paid.0).max(0));
        return Err(FieldErrors(vec![
            FieldError::new("amount", "payment_above_commitment")
                .with("committed", committed.wan_display())
                .with("paid", paid.wan_display())
                .with("left", left.wan_display()),
        ]));
    }
    Ok(standing)
}

// ---------------------------------------------------------------- funds

/// A fund as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundInput {
    /// Unique.
    pub name: String,
    pub kind: FundKind,
    /// A sub-fund's parent fund, if recorded.
    #[serde(default)]
    pub parent_fund_id: Option<i64>,
    /// 基金规模 (分, more than zero).
    #[schema(value_type = i64)]
    pub size: Money,
    /// 管理人.
    pub manager: String,
    #[serde(default)]
    pub established_on: Option<NaiveDate>,
    /// Provincial fund support applied for (分).
    #[serde(default)]
    #[schema(value_type = i64)]
    pub provincial_applied: Money,
    /// Provincial fund support won (分).
    #[serde(default)]
    #[schema(value_type = i64)]
    pub provincial_won: Money,
    /// The industries it invests in.
    #[serde(default)]
    pub industry_ids: Vec<i64>,
    #[serde(default)]
    pub note: String,
}

impl FundInput {
    pub fn tidy(&mut self) {
        self.name = validate::tidy(&self.name).into_owned();
        self.manager = validate::tidy(&self.manager).into_owned();
        self.note = validate::tidy(&self.note).into_owned();
        sort_ids(&mut self.industry_ids);
        if self.kind != FundKind::SubFund {
            self.parent_fund_id = None;
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        line(&mut errs, "name", &self.name, MAX_TITLE);
        amount(&mut errs, "size", self.size, true);
        line(&mut errs, "manager", &self.manager, MAX_TITLE);
        if let Some(d) = self.established_on {
            date(&mut errs, "established_on", d);
        }
        amount(
            &mut errs,
            "provincial_applied",
            self.provincial_applied,
            false,
        );
        amount(&mut errs, "provincial_won", self.provincial_won, false);
        if self.provincial_won > self.provincial_applied {
            errs.add("provincial_won", "won_above_applied");
        }
        if self.industry_ids.len() > MAX_LINKS {
            errs.push(FieldError::new("industry_ids", "too_many").with("max", MAX_LINKS));
        }
        text(&mut errs, "note", &self.note, MAX_NOTE, false);
        errs.into_result()
    }
}

/// A source of a fund's money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    pub source: FundSource,
    /// The district of a district source.
    #[serde(default)]
    pub region_id: Option<i64>,
    /// Amount (分).
    #[schema(value_type = i64)]
    pub amount: Money,
    #[serde(default)]
    pub note: String,
}

impl SourceInput {
    pub fn tidy(&mut self) {
        self.note = validate::tidy(&self.note).into_owned();
        if self.source != FundSource::District {
            self.region_id = None;
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if self.source == FundSource::District && self.region_id.is_none() {
            errs.add("region_id", "required");
        }
        amount(&mut errs, "amount", self.amount, true);
        text(&mut errs, "note", &self.note, MAX_NOTE, false);
        errs.into_result()
    }
}

/// An investment of a fund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvestmentInput {
    pub kind: TargetKind,
    /// The project (kind `project`).
    #[serde(default)]
    pub project_id: Option<i64>,
    /// The enterprise's name (kind `enterprise`).
    #[serde(default)]
    pub enterprise_name: Option<String>,
    /// 统一社会信用代码 (kind `enterprise`): 18 characters with a valid check character.
    #[serde(default)]
    pub credit_code: Option<String>,
    /// The enterprise's district (kind `enterprise`, optional; a project's is its own).
    #[serde(default)]
    pub region_id: Option<i64>,
    /// The industry it counts in (an enterprise's; a project's is its own).
    #[serde(default)]
    pub industry_id: Option<i64>,
    pub invested_on: NaiveDate,
    /// Amount (分, more than zero).
    #[schema(value_type = i64)]
    pub amount: Money,
    /// Stake taken, in hundredths of a percent (0 – 10000: 12.5 % is 1250).
    #[serde(default)]
    pub stake_bp: i64,
    #[serde(default)]
    pub note: String,
}

impl InvestmentInput {
    pub fn tidy(&mut self) {
        let mut t = self.target();
        t.tidy();
        self.set_target(t);
        self.note = validate::tidy(&self.note).into_owned();
        if self.kind == TargetKind::Project {
            self.industry_id = None;
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        self.target().validate(&mut errs);
        if self.kind == TargetKind::Enterprise && self.industry_id.is_none() {
            errs.add("industry_id", "required");
        }
        date(&mut errs, "invested_on", self.invested_on);
        amount(&mut errs, "amount", self.amount, true);
        if !(0..=10_000).contains(&self.stake_bp) {
            errs.push(
                FieldError::new("stake_bp", "range")
                    .with("min", 0)
                    .with("max", 10_000),
            );
        }
        text(&mut errs, "note", &self.note, MAX_NOTE, false);
        errs.into_result()
    }
}

/// Whether an investment of `amount` fits in a fund of `size` that has `invested` already.
pub fn investment_fits(size: Money, invested: Money, amount: Money) -> Result<(), FieldErrors> {
    if invested.0.saturating_add(amount.0) > size.0 {
        let left = Money(size.0.saturating_sub(invested.0).max(0));
        return Err(FieldErrors(vec![
            FieldError::new("amount", "investment_above_size")
                .with("size", size.wan_display())
                .with("invested", invested.wan_display())
                .with("left", left.wan_display()),
        ]));
    }
    Ok(())
}

/// A stake in hundredths of a percent as people write it: `12.5` for 1250.
pub fn stake_text(bp: i64) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// Reads a stake written as a percent (`12.5`, `12.5%`): hundredths of a percent.
pub fn parse_stake(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches(['%', '％']).trim();
    if t.is_empty() {
        return Some(0);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || whole.len() > 3 {
        return None;
    }
    if frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    let bp = w * 100 + f;
    (0..=10_000).contains(&bp).then_some(bp)
}

// ---------------------------------------------------------------- rules

fn line(errs: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errs.add(field, "required");
        return;
    }
    match validate::plain_line(value) {
        Err(e) => errs.add(field, &e.code),
        Ok(()) => length(errs, field, value, max),
    }
}

/// An amount: not negative (more than zero when `positive`), at most [`MAX_AMOUNT`].
fn amount(errs: &mut FieldErrors, field: &str, value: Money, positive: bool) {
    if value.0 < 0 {
        errs.add(field, "money_negative");
    } else if positive && value.0 == 0 {
        errs.add(field, "positive");
    } else if value > MAX_AMOUNT {
        errs.add(field, "money_too_large");
    }
}

fn links(errs: &mut FieldErrors, field: &str, ids: &[i64]) {
    if ids.is_empty() {
        errs.add(field, "required");
    } else if ids.len() > MAX_LINKS {
        errs.push(FieldError::new(field, "too_many").with("max", MAX_LINKS));
    }
}

fn sort_ids(ids: &mut Vec<i64>) {
    ids.sort_unstable();
    ids.dedup();
}

fn tidy_opt(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(|s| validate::tidy(s).into_owned())
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn policy() -> PolicyInput {
        PolicyInput {
            title: "关于支持新材料产业发展的若干政策".into(),
            doc_number: "淄政发〔2020〕3号".into(),
            issued_on: day(2020, 3, 1),
            valid_from: day(2020, 3, 1),
            valid_to: Some(day(2022, 12, 31)),
            department_ids: vec![2, 1, 2],
            industry_ids: vec![4],
            measures: vec!["  设立专项资金 ".into(), "".into()],
            summary: String::new(),
        }
    }

    fn codes(r: Result<(), FieldErrors>) -> Vec<(String, String)> {
        r.err()
            .map(|e| e.0.into_iter().map(|e| (e.field, e.code)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_policy_tidies_and_validates() {
        let mut p = policy();
        p.tidy();
        assert_eq!(p.department_ids, [1, 2]);
        assert_eq!(p.measures, ["设立专项资金"]);
        assert!(p.validate().is_ok());
        p.valid_to = Some(day(2020, 2, 1));
        assert_eq!(
            codes(p.validate()),
            [("valid_to".into(), "valid_to_before_from".into())]
        );
        let mut p = policy();
        p.department_ids.clear();
        p.title = "<b>x</b>".into();
        let c = codes(p.validate());
        assert!(c.contains(&("title".into(), "markup".into())));
        assert!(c.contains(&("department_ids".into(), "required".into())));
    }

    #[test]
    fn in_force() {
        let p = policy();
        assert!(p.in_force_in(day(2022, 12, 1), day(2022, 12, 31)));
        assert!(!p.in_force_in(day(2023, 1, 1), day(2023, 1, 31)));
        assert!(!p.in_force_in(day(2020, 2, 1), day(2020, 2, 29)));
    }

    #[test]
    fn credit_codes_are_checked() {
        let mut b = BeneficiaryInput {
            kind: TargetKind::Enterprise,
            project_id: Some(3),
            enterprise_name: Some("淄博某新材料有限公司".into()),
            credit_code: Some(" 91350100m000100y43 ".into()),
            region_id: None,
            committed: Money(100),
            note: String::new(),
        };
        b.tidy();
        assert_eq!(b.project_id, None);
        assert_eq!(b.credit_code.as_deref(), Some("91350100M000100Y43"));
        assert!(b.validate().is_ok());
        b.credit_code = Some("91350100M000100Y44".into());
        assert_eq!(
            codes(b.validate()),
            [("credit_code".into(), "credit_code".into())]
        );
        b.committed = Money(-1);
        assert!(codes(b.validate()).contains(&("committed".into(), "money_negative".into())));
    }

    #[test]
    fn payments_against_the_commitment() {
        let c = Money(1_000);
        assert_eq!(
            payment_standing(c, Money(0), Money(100)),
            PaymentStanding::Within
        );
        assert_eq!(
            payment_standing(c, Money(800), Money(100)),
            PaymentStanding::Near
        );
        assert_eq!(
            payment_standing(c, Money(900), Money(100)),
            PaymentStanding::At
        );
        assert_eq!(
            payment_standing(c, Money(900), Money(101)),
            PaymentStanding::Above
        );
        let mut p = PaymentInput {
            beneficiary_id: 1,
            paid_on: day(2020, 5, 1),
            amount: Money(101),
            adjustment: false,
            reason: None,
        };
        let e = payment_check(c, Money(900), &p).unwrap_err();
        assert_eq!(e.0[0].code, "payment_above_commitment");
        p.adjustment = true;
        assert_eq!(
            codes(p.validate()),
            [("reason".into(), "adjustment_reason_required".into())]
        );
        p.reason = Some("追加补助".into());
        assert!(p.validate().is_ok());
        assert_eq!(payment_check(c, Money(900), &p), Ok(PaymentStanding::Above));
        p.amount = Money(0);
        assert!(codes(p.validate()).contains(&("amount".into(), "positive".into())));
    }

    #[test]
    fn investments_within_the_size() {
        assert!(investment_fits(Money(1000), Money(900), Money(100)).is_ok());
        let e = investment_fits(Money(1000), Money(900), Money(101)).unwrap_err();
        assert_eq!(e.0[0].code, "investment_above_size");
    }

    #[test]
    fn stakes() {
        assert_eq!(parse_stake("12.5"), Some(1250));
        assert_eq!(parse_stake("12.5%"), Some(1250));
        assert_eq!(parse_stake("0.05"), Some(5));
        assert_eq!(parse_stake(""), Some(0));
        assert_eq!(parse_stake("100"), Some(10_000));
        assert_eq!(parse_stake("100.01"), None);
        assert_eq!(parse_stake("-1"), None);
        assert_eq!(parse_stake("abc"), None);
        assert_eq!(parse_stake("1.234"), None);
        for bp in [0, 5, 50, 1250, 1234, 10_000] {
            assert_eq!(parse_stake(&stake_text(bp)), Some(bp));
        }
    }

    #[test]
    fn funds() {
        let mut f = FundInput {
            name: "淄博市新旧动能转换基金".into(),
            kind: FundKind::Guidance,
            parent_fund_id: Some(2),
            size: Money(0),
            manager: "淄博金控".into(),
            established_on: None,
            provincial_applied: Money(10),
            provincial_won: Money(20),
            industry_ids: vec![],
            note: String::new(),
        };
        f.tidy();
        assert_eq!(f.parent_fund_id, None);
        let c = codes(f.validate());
        assert!(c.contains(&("size".into(), "positive".into())));
        assert!(c.contains(&("provincial_won".into(), "won_above_applied".into())));
        assert_eq!(FundKind::parse("子基金"), Some(FundKind::SubFund));
        assert_eq!(month_key(day(2020, 7, 31)), 202_007);
    }
}
