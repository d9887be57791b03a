//! China time, in one place. Every user of the system reads the clock in Beijing time (UTC+8,
//! no daylight saving): deadlines, "today", month ends and years are all China calendar days.
//! Instants are stored in UTC; this module turns them into China days and back.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};

/// UTC+8.
const OFFSET_SECONDS: i32 = 8 * 3600;

fn offset() -> FixedOffset {
    FixedOffset::east_opt(OFFSET_SECONDS).expect("UTC+8 is a valid offset")
}

/// Now, to the microsecond: what PostgreSQL keeps, so a stored instant reads back equal on
/// both databases.
pub fn now() -> DateTime<Utc> {
    let n = Utc::now();
    DateTime::from_timestamp_micros(n.timestamp_micros()).unwrap_or(n)
}

/// Today as the users' calendar reads it.
pub fn today() -> NaiveDate {
    day_of(Utc::now())
}

/// The China calendar day an instant falls on.
pub fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&offset()).date_naive()
}

/// An instant as Beijing wall-clock time.
pub fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&offset())
}

/// The year it is in China now.
pub fn this_year() -> i32 {
    today().year()
}

/// The instant a China calendar day begins, as UTC.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
        - Duration::seconds(OFFSET_SECONDS as i64)
}

/// The instant right after the end of a China calendar day (the next day's start): the
/// exclusive upper bound of "until this day".
pub fn end_of_day(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.succ_opt().map(start_of_day)
}

/// The first instant after the end of `year`-`month` in China, as UTC: what "as at the end of
/// the month" means. `None` for a month that does not exist.
pub fn end_of_month(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).map(start_of_day)
}

/// The first and the last day of a year.
pub fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_china_day_starts_at_16_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(start_of_day(d), utc("2026-12-01T16:00:00Z"));
        assert_eq!(end_of_day(d).unwrap(), utc("2026-12-02T16:00:00Z"));
        assert_eq!(day_of(utc("2026-12-01T15:59:59Z")), d.pred_opt().unwrap());
        assert_eq!(day_of(utc("2026-12-01T16:00:00Z")), d);
    }

    #[test]
    fn month_ends_in_china() {
        assert_eq!(end_of_month(2026, 10).unwrap(), utc("2026-10-31T16:00:00Z"));
        assert_eq!(end_of_month(2026, 12).unwrap(), utc("2026-12-31T16:00:00Z"));
        assert_eq!(end_of_month(2026, 13), None);
    }

    #[test]
    fn year_bounds_are_calendar_days() {
        let (a, b) = year_bounds(2024).unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2024-01-01".into(), "2024-12-31".into())
        );
    }

    #[test]
    fn local_time_reads_as_beijing() {
        assert_eq!(
            local(utc("2026-12-01T16:30:00Z"))
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            "2026-12-02 00:30"
        );
    }
}
