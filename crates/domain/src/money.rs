//! Money is an exact integer count of 分 (fen, 0.01 yuan). Chinese project tables speak in
//! 万元 (10,000 yuan = 1,000,000 fen) and 亿元 for large totals; this type reads and writes
//! both without ever passing through a float.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 1 万元 in fen.
pub const FEN_PER_WAN: i64 = 1_000_000;
/// 1 亿元 in fen.
pub const FEN_PER_YI: i64 = 10_000 * FEN_PER_WAN;

/// An exact amount of money, stored as fen. In JSON it is an integer count of 分 (fen).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct Money(pub i64);

/// Why a money text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("empty")]
    Empty,
    #[error("not a number")]
    NotANumber,
    #[error("too many decimals")]
    TooPrecise,
    #[error("negative")]
    Negative,
    #[error("too large")]
    TooLarge,
}

impl MoneyError {
    /// Stable code used by the message catalogue (`validation.money_<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::Empty => "money_empty",
            MoneyError::NotANumber => "money_not_number",
            MoneyError::TooPrecise => "money_too_precise",
            MoneyError::Negative => "money_negative",
            MoneyError::TooLarge => "money_too_large",
        }
    }
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Reads an amount written in 万元 ("1234.5", "1,234.567891"). Up to six decimals are exact
    /// (one fen). Negative amounts are refused: investment figures are never negative here.
    /// Units written into the number ("1.2亿", "300万") are refused, so that a unit slip in a
    /// spreadsheet never silently scales a figure.
    pub fn parse_wan(text: &str) -> Result<Money, MoneyError> {
        Self::parse_scaled(text, 6)
    }

    /// Reads a decimal number of units where one unit is `10^scale` fen.
    fn parse_scaled(text: &str, scale: u32) -> Result<Money, MoneyError> {
        let t: String = text
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '，' && *c != ' ')
            .map(|c| match c {
                // Full-width digits and point, as typed with a Chinese input method.
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                '－' => '-',
                other => other,
            })
            .collect();
        if t.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(&t)),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if (int_part.is_empty() && frac_part.is_empty())
            || !int_part.chars().all(|c| c.is_ascii_digit())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
        {
            return Err(MoneyError::NotANumber);
        }
        let frac_trimmed = frac_part.trim_end_matches('0');
        if frac_trimmed.len() > scale as usize {
            return Err(MoneyError::TooPrecise);
        }
        if neg && (!int_part.trim_start_matches('0').is_empty() || !frac_trimmed.is_empty()) {
            return Err(MoneyError::Negative);
        }
        let unit = 10i64.pow(scale);
        let int_val: i64 = if int_part.is_empty() {
            0
        } else {
            int_part
                .trim_start_matches('0')
                .parse::<i64>()
                .or_else(|e| {
                    if int_part.trim_start_matches('0').is_empty() {
                        Ok(0)
                    } else {
                        Err(e)
                    }
                })
                .map_err(|_| MoneyError::TooLarge)?
        };
        let mut frac_val: i64 = 0;
        if !frac_trimmed.is_empty() {
            let padded = format!("{frac_trimmed:0<width$}", width = scale as usize);
            frac_val = padded.parse().map_err(|_| MoneyError::NotANumber)?;
        }
        int_val
            .checked_mul(unit)
            .and_then(|v| v.checked_add(frac_val))
            .filter(|v| *v <= MAX_FEN)
            .map(Money)
            .ok_or(MoneyError::TooLarge)
    }

    /// Builds an amount from a spreadsheet number in 万元. Spreadsheet cells are floats by
    /// nature; we round to the nearest fen once, at the border, and never compute in floats.
    pub fn from_wan_f64(value: f64) -> Result<Money, MoneyError> {
        if !value.is_finite() {
            return Err(MoneyError::NotANumber);
        }
        if value < 0.0 {
            return Err(MoneyError::Negative);
        }
        // Print with enough digits, then parse exactly: avoids float multiplication error.
        let text = format!("{value:.6}");
        Self::parse_wan(&text)
    }

    /// The exact amount in 万元 with trailing zeros trimmed: "1234.5", "0.000001", "12".
    pub fn wan_exact(self) -> String {
        fixed_point(self.0, 6, None)
    }

    /// The amount in 万元 rounded to two decimals, with thousands separators: "1,234.50".
    pub fn wan_display(self) -> String {
        group_thousands(&fixed_point(self.0, 6, Some(2)))
    }

    /// The amount in 亿元 rounded to two decimals: "12.35".
    pub fn yi_display(self) -> String {
        group_thousands(&fixed_point(self.0, 10, Some(2)))
    }

    /// The amount as a spreadsheet number in 万元. Only for writing cells: the file format
    /// stores floats, and 万元 with six decimals fits a double exactly enough to read back.
    pub fn wan_f64(self) -> f64 {
        self.wan_exact().parse().unwrap_or(0.0)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// `self / other` as a percentage with one decimal, computed in integers.
    /// `None` when `other` is zero.
    pub fn percent_of(self, other: Money) -> Option<f64> {
        if other.0 == 0 {
            return None;
        }
        // Tenths of a percent, rounded half up, in i128 to avoid overflow.
        let tenths = (self.0 as i128 * 1000 * 2 + other.0 as i128) / (other.0 as i128 * 2);
        Some(tenths as f64 / 10.0)
    }
}

/// The largest amount accepted: 100 万亿元, far beyond any project, far below i64::MAX so sums
/// of a province's projects never overflow.
pub const MAX_FEN: i64 = 100 * 10_000 * FEN_PER_YI;

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.wan_display())
    }
}

/// Writes `value / 10^scale` as a decimal. With `round_to`, rounds half away from zero to that
/// many decimals and keeps them all; without, prints exactly and trims trailing zeros.
fn fixed_point(value: i64, scale: u32, round_to: Option<u32>) -> String {
    let neg = value < 0;
    let mut abs = (value as i128).abs();
    let (digits, keep_all) = match round_to {
        Some(d) if d < scale => {
            let drop = 10i128.pow(scale - d);
            abs = (abs + drop / 2) / drop;
            (d, true)
        }
        Some(d) => (d.min(scale), true),
        None => (scale, false),
    };
    let unit = 10i128.pow(digits);
    let int = abs / unit;
    let frac = abs % unit;
    let mut s = String::new();
    if neg && abs != 0 {
        s.push('-');
    }
    s.push_str(&int.to_string());
    if digits > 0 {
        let mut f = format!("{frac:0width$}", width = digits as usize);
        if !keep_all {
            while f.ends_with('0') {
                f.pop();
            }
        }
        if !f.is_empty() {
            s.push('.');
            s.push_str(&f);
        }
    }
    s
}

fn group_thousands(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_wan() {
        assert_eq!(Money::parse_wan("1").unwrap(), Money(1_000_000));
        assert_eq!(Money::parse_wan("1,234.5").unwrap(), Money(1_234_500_000));
        assert_eq!(Money::parse_wan("0.000001").unwrap(), Money(1));
        assert_eq!(Money::parse_wan(" ０．５ ").unwrap(), Money(500_000));
        assert_eq!(Money::parse_wan("12.").unwrap(), Money(12_000_000));
        assert_eq!(Money::parse_wan(".5").unwrap(), Money(500_000));
        assert_eq!(Money::parse_wan("000").unwrap(), Money(0));
        assert_eq!(Money::parse_wan("-0").unwrap(), Money(0));
    }

    #[test]
    fn refuses_bad_money() {
        assert_eq!(Money::parse_wan(""), Err(MoneyError::Empty));
        assert_eq!(Money::parse_wan("1.2亿"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_wan("300万"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_wan("abc"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_wan("-5"), Err(MoneyError::Negative));
        assert_eq!(Money::parse_wan("1.0000001"), Err(MoneyError::TooPrecise));
        assert_eq!(Money::parse_wan("1e5"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_wan("."), Err(MoneyError::NotANumber));
        assert_eq!(
            Money::parse_wan("99999999999999999999"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn displays() {
        assert_eq!(Money(1_234_567_891).wan_display(), "1,234.57");
        assert_eq!(Money(1_234_567_891).wan_exact(), "1234.567891");
        assert_eq!(Money(12_000_000).wan_exact(), "12");
        assert_eq!(Money(123_456 * FEN_PER_WAN).yi_display(), "12.35");
        assert_eq!(Money(0).wan_display(), "0.00");
    }

    #[test]
    fn percent() {
        assert_eq!(Money(74).percent_of(Money(100)), Some(74.0));
        assert_eq!(Money(1).percent_of(Money(3)), Some(33.3));
        assert_eq!(Money(2).percent_of(Money(3)), Some(66.7));
        assert_eq!(Money(1).percent_of(Money(0)), None);
    }

    #[test]
    fn from_float_rounds_once() {
        assert_eq!(Money::from_wan_f64(0.1 + 0.2).unwrap(), Money(300_000));
        assert_eq!(
            Money::from_wan_f64(1234.567891).unwrap(),
            Money(1_234_567_891)
        );
        assert!(Money::from_wan_f64(f64::NAN).is_err());
        assert!(Money::from_wan_f64(-1.0).is_err());
    }

    proptest! {
        #[test]
        fn wan_round_trip(fen in 0i64..MAX_FEN) {
            let m = Money(fen);
            prop_assert_eq!(Money::parse_wan(&m.wan_exact()).unwrap(), m);
        }

        #[test]
        fn float_round_trip_below_a_billion_wan(fen in 0i64..(1_000_000_000 * FEN_PER_WAN / 1000)) {
            let m = Money(fen);
            prop_assert_eq!(Money::from_wan_f64(m.wan_f64()).unwrap(), m);
        }

        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = Money::parse_wan(&s);
        }
    }
}
