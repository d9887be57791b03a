//! The key-project library (重点项目库): stages and their allowed moves, library classes,
//! construction nature, factor-guarantee kinds, and the project record as entered.

use crate::codes;
use crate::money::Money;
use crate::validate::{self, FieldError, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::code_list::code_list;

code_list! {
    /// The four stages of the rolling library: 策划 → 储备 → 开工 → 建成.
    Stage in "stage" {
        Planning = "planning" / "策划",
        Reserve = "reserve" / "储备",
        Started = "started" / "开工",
        Completed = "completed" / "建成",
    }
}

impl Stage {
    /// The moves allowed from this stage. Forward one step at a time; a reserve project may
    /// go back to planning and a started one back to reserve (a stalled start), because
    /// libraries are adjusted dynamically (动态调整). Completed is final.
    pub fn allowed_moves(self) -> &'static [Stage] {
        match self {
            Stage::Planning => &[Stage::Reserve],
            Stage::Reserve => &[Stage::Started, Stage::Planning],
            Stage::Started => &[Stage::Completed, Stage::Reserve],
            Stage::Completed => &[],
        }
    }

    pub fn can_move_to(self, to: Stage) -> bool {
        self.allowed_moves().contains(&to)
    }

    /// A national project code is issued at application time, so it is optional before
    /// construction starts.
    pub fn code_required(self) -> bool {
        matches!(self, Stage::Started | Stage::Completed)
    }
}

code_list! {
    /// Library class (项目库类别).
    LibraryClass in "library_class" {
        ProvMajor = "prov_major" / "省重大",
        ProvPreferred = "prov_preferred" / "省优选",
        ProvAttraction = "prov_attraction" / "省双招双引",
        ProvShortfall = "prov_shortfall" / "省补短板",
        CityMajor = "city_major" / "市重大",
        District = "district" / "区县",
    }
}

code_list! {
    /// Construction nature (建设性质).
    Nature in "nature" {
        New = "new" / "新建",
        Expansion = "expansion" / "扩建",
        Reconstruction = "reconstruction" / "改建",
        TechUpgrade = "tech_upgrade" / "技术改造",
        Relocation = "relocation" / "迁建",
        Other = "other" / "其他",
    }
}

code_list! {
    /// Factor-guarantee needs (要素保障).
    FactorKind in "factor_kind" {
        Land = "land" / "用地",
        Energy = "energy" / "能耗",
        Environment = "environment" / "环境容量",
        Water = "water" / "用水",
        Funds = "funds" / "资金",
    }
}

impl FactorKind {
    /// The unit amounts of this kind are counted in (amounts are stored in hundredths).
    pub fn unit_zh(self) -> &'static str {
        match self {
            FactorKind::Land => "亩",
            FactorKind::Energy => "吨标准煤",
            FactorKind::Environment => "吨",
            FactorKind::Water => "万立方米",
            FactorKind::Funds => "万元",
        }
    }
    pub fn unit_en(self) -> &'static str {
        match self {
            FactorKind::Land => "mu",
            FactorKind::Energy => "tce",
            FactorKind::Environment => "t",
            FactorKind::Water => "10k m³",
            FactorKind::Funds => "10k yuan",
        }
    }
}

/// A quantity with two decimals, stored as hundredths (亩, 吨标准煤 …). Like money, never a
/// float in storage.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, ToSchema,
)]
#[serde(transparent)]
pub struct Quantity(pub i64);

impl Quantity {
    pub fn parse(text: &str) -> Result<Quantity, crate::money::MoneyError> {
        // 1 unit = 100 hundredths; reuse money's exact decimal reader (1 万元 = 10^6 fen):
        // parse as 万元 then scale down, refusing more than two decimals.
        let m = Money::parse_wan(text)?;
        if m.0 % 10_000 != 0 {
            return Err(crate::money::MoneyError::TooPrecise);
        }
        Ok(Quantity(m.0 / 10_000))
    }
    pub fn display(self) -> String {
        Money(self.0 * 10_000).wan_exact()
    }
}

/// A project as entered or imported. Money in fen; dates as calendar days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// National investment project code; optional in 策划 and 储备.
    pub code: Option<String>,
    pub name: String,
    /// 建设单位.
    pub owner_name: String,
    /// The owner's unified social credit code (18 characters, checked).
    pub owner_credit_code: Option<String>,
    pub region_id: i64,
    pub industry_id: i64,
    /// GB/T 4754 section letter (A–T).
    pub gbt_section: Option<String>,
    /// GB/T 4754 division, two digits.
    pub gbt_division: Option<String>,
    pub library_class: LibraryClass,
    pub nature: Nature,
    /// 建设内容及规模.
    pub content: String,
    /// 总投资, fen.
    pub total_investment: Money,
    /// Completed before the project entered the system (入库前累计完成), fen. Monthly
    /// progress adds to it.
    #[serde(default)]
    pub initial_completed: Money,
    pub planned_start: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub planned_finish: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    /// 责任单位.
    pub responsible_unit: Option<String>,
    /// 包保市领导.
    pub leader_in_charge: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

/// GB/T 4754-2017 sections and their division ranges.
pub const GBT4754_SECTIONS: &[(&str, u8, u8)] = &[
    ("A", 1, 5),
    ("B", 6, 12),
    ("C", 13, 43),
    ("D", 44, 46),
    ("E", 47, 50),
    ("F", 51, 52),
    ("G", 53, 60),
    ("H", 61, 62),
    ("I", 63, 65),
    ("J", 66, 69),
    ("K", 70, 70),
    ("L", 71, 72),
    ("M", 73, 75),
    ("N", 76, 79),
    ("O", 80, 82),
    ("P", 83, 83),
    ("Q", 84, 85),
    ("R", 86, 90),
    ("S", 91, 96),
    ("T", 97, 97),
];

fn len(errs: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errs.push(FieldError::new(field, "length").with("max", max));
    }
}

fn line(errs: &mut FieldErrors, field: &str, value: &str, max: usize, required: bool) {
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

impl ProjectInput {
    /// Normalises what users paste (codes with full-width hyphens, credit codes in lower
    /// case, padded text) before validation.
    pub fn tidy(&mut self) {
        let t = |s: &mut String| *s = validate::tidy(s).into_owned();
        let to = |s: &mut Option<String>| {
            *s = s
                .as_deref()
                .map(|v| validate::tidy(v).into_owned())
                .filter(|v| !v.is_empty())
        };
        t(&mut self.name);
        t(&mut self.owner_name);
        to(&mut self.code);
        if let Some(c) = &self.code
            && let Some(n) = codes::normalise_project_code(c)
        {
            self.code = Some(n);
        }
        to(&mut self.owner_credit_code);
        if let Some(c) = &self.owner_credit_code {
            self.owner_credit_code = Some(c.to_ascii_uppercase());
        }
        to(&mut self.gbt_section);
        self.gbt_section = self.gbt_section.take().map(|s| s.to_ascii_uppercase());
        to(&mut self.gbt_division);
        to(&mut self.responsible_unit);
        to(&mut self.leader_in_charge);
        to(&mut self.contact_name);
        to(&mut self.contact_phone);
        self.content = self.content.trim().to_string();
    }

    /// Every rule of a project record that needs no database. `stage` is the stage the
    /// project is (or will be) in: a code is required from 开工 on.
    pub fn validate(&self, stage: Stage) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        match &self.code {
            Some(c) if codes::normalise_project_code(c).is_none() => {
                errs.add("code", "project_code")
            }
            Some(_) => {}
            None if stage.code_required() => errs.add("code", "code_required_started"),
            None => {}
        }
        line(&mut errs, "name", &self.name, 200, true);
        line(&mut errs, "owner_name", &self.owner_name, 200, true);
        if let Some(c) = &self.owner_credit_code
            && codes::normalise_credit_code(c).is_none()
        {
            errs.add("owner_credit_code", "credit_code");
        }
        match (&self.gbt_section, &self.gbt_division) {
            (Some(s), d) => match GBT4754_SECTIONS.iter().find(|(l, _, _)| l == s) {
                None => errs.add("gbt_section", "gbt_section"),
                Some((_, lo, hi)) => {
                    if let Some(d) = d {
                        let ok =
                            d.len() == 2 && d.parse::<u8>().is_ok_and(|n| (*lo..=*hi).contains(&n));
                        if !ok {
                            errs.push(
                                FieldError::new("gbt_division", "gbt_division")
                                    .with("section", s)
                                    .with("from", format!("{lo:02}"))
                                    .with("to", format!("{hi:02}")),
                            );
                        }
                    }
                }
            },
            (None, Some(_)) => errs.add("gbt_section", "required"),
            (None, None) => {}
        }
        if let Err(e) = validate::free_text(&self.content) {
            errs.add("content", &e.code);
        }
        len(&mut errs, "content", &self.content, 4000);
        for (field, m) in [
            ("total_investment", self.total_investment),
            ("initial_completed", self.initial_completed),
        ] {
            if m.0 < 0 {
                errs.add(field, "money_negative");
            } else if m.0 > crate::money::MAX_FEN {
                errs.add(field, "money_too_large");
            }
        }
        if self.initial_completed > self.total_investment {
            errs.add("initial_completed", "completed_above_total");
        }
        if let (Some(s), Some(f)) = (self.planned_start, self.planned_finish)
            && f < s
        {
            errs.add("planned_finish", "finish_before_start");
        }
        if let (Some(s), Some(f)) = (self.actual_start, self.actual_finish)
            && f < s
        {
            errs.add("actual_finish", "finish_before_start");
        }
        for (f, v) in [
            ("responsible_unit", &self.responsible_unit),
            ("leader_in_charge", &self.leader_in_charge),
            ("contact_name", &self.contact_name),
        ] {
            if let Some(v) = v {
                line(&mut errs, f, v, 100, false);
            }
        }
        if let Some(p) = &self.contact_phone {
            let ok = p.len() <= 30
                && p.chars()
                    .all(|c| c.is_ascii_digit() || " -+()（）".contains(c));
            if !ok {
                errs.add("contact_phone", "phone");
            }
        }
        errs.into_result()
    }
}

/// A factor-guarantee need as entered: amounts in hundredths of the kind's unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactorInput {
    pub kind: FactorKind,
    pub required: Quantity,
    #[serde(default)]
    pub fulfilled: Quantity,
    /// When the need must be met.
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
}

impl FactorInput {
    pub fn validate(&self, field: &str) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if self.required.0 < 0 {
            errs.add(&format!("{field}.required"), "money_negative");
        }
        if self.fulfilled.0 < 0 {
            errs.add(&format!("{field}.fulfilled"), "money_negative");
        }
        if let Some(n) = &self.note {
            line(&mut errs, &format!("{field}.note"), n, 500, false);
        }
        errs.into_result()
    }

    pub fn met(&self) -> bool {
        self.fulfilled >= self.required
    }
}

/// One month's progress report for a project (月度调度).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    pub year: i32,
    pub month: u32,
    /// Investment completed this month (当月完成投资), fen.
    pub month_investment: Money,
    /// 形象进度.
    #[serde(default)]
    pub image_progress: String,
    /// 当前节点.
    #[serde(default)]
    pub milestone: String,
    /// 存在问题.
    #[serde(default)]
    pub problems: String,
    /// 下一步及完成时限.
    #[serde(default)]
    pub next_steps: String,
}

impl ProgressInput {
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        use chrono::Datelike;
        let mut errs = FieldErrors::new();
        if !(2000..=2100).contains(&self.year) {
            errs.push(
                FieldError::new("year", "range")
                    .with("min", 2000)
                    .with("max", 2100),
            );
        }
        if !(1..=12).contains(&self.month) {
            errs.push(
                FieldError::new("month", "range")
                    .with("min", 1)
                    .with("max", 12),
            );
        } else if (self.year, self.month) > (today.year(), today.month()) {
            errs.add("month", "future_month");
        }
        if self.month_investment.0 < 0 {
            errs.add("month_investment", "money_negative");
        } else if self.month_investment.0 > crate::money::MAX_FEN {
            errs.add("month_investment", "money_too_large");
        }
        for (f, v) in [
            ("image_progress", &self.image_progress),
            ("milestone", &self.milestone),
            ("problems", &self.problems),
            ("next_steps", &self.next_steps),
        ] {
            if let Err(e) = validate::free_text(v) {
                errs.add(f, &e.code);
            }
            len(&mut errs, f, v, 2000);
        }
        errs.into_result()
    }
}

/// Year and month packed as one sortable number: 2026-03 → 202603.
pub fn ym(year: i32, month: u32) -> i32 {
    year * 100 + month as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProjectInput {
        ProjectInput {
            code: None,
            name: "年产5万吨高性能膜材料项目".into(),
            owner_name: "山东某新材料有限公司".into(),
            owner_credit_code: Some("91110000802100433B".into()),
            region_id: 1,
            industry_id: 1,
            gbt_section: Some("C".into()),
            gbt_division: Some("29".into()),
            library_class: LibraryClass::CityMajor,
            nature: Nature::New,
            content: "建设生产线".into(),
            total_investment: Money::parse_wan("50000").unwrap(),
            initial_completed: Money::ZERO,
            planned_start: NaiveDate::from_ymd_opt(2026, 3, 1),
            actual_start: None,
            planned_finish: NaiveDate::from_ymd_opt(2027, 12, 31),
            actual_finish: None,
            responsible_unit: None,
            leader_in_charge: None,
            contact_name: None,
            contact_phone: Some("0533-1234567".into()),
        }
    }

    #[test]
    fn stage_moves() {
        assert!(Stage::Reserve.can_move_to(Stage::Started));
        assert!(!Stage::Planning.can_move_to(Stage::Completed));
        assert!(!Stage::Completed.can_move_to(Stage::Started));
        assert_eq!(Stage::parse("开工"), Some(Stage::Started));
        assert_eq!(
            LibraryClass::parse("省双招双引"),
            Some(LibraryClass::ProvAttraction)
        );
    }

    #[test]
    fn code_required_from_start() {
        let i = input();
        assert!(i.validate(Stage::Reserve).is_ok());
        let e = i.validate(Stage::Started).unwrap_err();
        assert_eq!(e.0[0].field, "code");
    }

    #[test]
    fn bad_fields_are_named() {
        let mut i = input();
        i.owner_credit_code = Some("91110000802100433C".into());
        i.gbt_division = Some("27".into());
        i.gbt_section = Some("I".into());
        i.initial_completed = Money(i.total_investment.0 + 1);
        i.planned_finish = NaiveDate::from_ymd_opt(2025, 1, 1);
        let e = i.validate(Stage::Planning).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "owner_credit_code",
                "gbt_division",
                "initial_completed",
                "planned_finish"
            ]
        );
    }

    #[test]
    fn tidy_normalises_codes() {
        let mut i = input();
        i.code = Some(" ２０１９－370303－26－03－012345 ".into());
        i.owner_credit_code = Some("91110000802100433b".into());
        i.tidy();
        assert_eq!(i.code.as_deref(), Some("2019-370303-26-03-012345"));
        assert_eq!(i.owner_credit_code.as_deref(), Some("91110000802100433B"));
    }

    #[test]
    fn quantities() {
        assert_eq!(Quantity::parse("12.5").unwrap(), Quantity(1250));
        assert!(Quantity::parse("1.234").is_err());
        assert_eq!(Quantity(1250).display(), "12.5");
    }
}
