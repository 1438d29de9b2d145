//! Date ranges and intervals, resolved in the project's time zone.
//!
//! Events are stored in UTC; an insight's buckets are local calendar periods
//! (hours, days, weeks starting Monday, months). A range is rounded out to
//! whole buckets, as PostHog does unless a date is explicit, so "last 7 days"
//! shows eight whole days ending with today.

use super::query::{DateRange, InsightQuery, Interval};
use crate::validation::Invalid;
use chrono::{
    DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

/// More buckets than any chart can show; asking for more is a mistake.
pub const MAX_BUCKETS: usize = 2_000;
/// The years a range may reach: events come from the Unix era, and dates
/// far beyond would overflow date arithmetic.
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 9999;
/// The largest count a relative date may go back (`-100000d`).
pub const MAX_RELATIVE_AMOUNT: u32 = 100_000;

/// One end of a date range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    /// `-7d`, `-3m`, `mStart`, `-1wStart`: now minus an amount, optionally
    /// snapped to the start of that unit.
    Relative {
        amount: u32,
        unit: RelativeUnit,
        snap: bool,
    },
    /// `2026-11-01` (a whole local day) or `2026-11-01T10:00:00` (local).
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// `all`: from the project's first event.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelativeUnit {
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl DateBound {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        if text == "all" {
            return Ok(Self::All);
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            check_year(date.year())?;
            return Ok(Self::Date(date));
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
                check_year(at.year())?;
                return Ok(Self::DateTime(at));
            }
        }
        let invalid = || {
            Invalid::new(
                "dateRange",
                format!(
                    "\"{text}\" is not a date range; use e.g. -7d, -3m, mStart, all or 2026-11-01."
                ),
            )
        };
        let body = text.strip_prefix('-').unwrap_or(text);
        let (body, snap) = match body.strip_suffix("Start") {
            Some(rest) => (rest, true),
            None => (body, false),
        };
        let split = body
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        let (digits, unit) = body.split_at(split);
        let amount = if digits.is_empty() {
            0
        } else {
            // Any run of digits parses; too many is "too far", not "not a date".
            match digits.parse::<u64>() {
                Ok(n) if n <= u64::from(MAX_RELATIVE_AMOUNT) => n as u32,
                _ => {
                    return Err(Invalid::new(
                        "dateRange",
                        format!("\"{text}\" reaches too far back; go back at most {MAX_RELATIVE_AMOUNT} units."),
                    ))
                }
            }
        };
        let unit = match unit {
            "h" => RelativeUnit::Hour,
            "d" => RelativeUnit::Day,
            "w" => RelativeUnit::Week,
            "m" => RelativeUnit::Month,
            "q" => RelativeUnit::Quarter,
            "y" => RelativeUnit::Year,
            _ => return Err(invalid()),
        };
        Ok(Self::Relative { amount, unit, snap })
    }

    /// Both ends of a range; `date_from` defaults to `-7d`, `date_to` to now.
    pub fn parse_range(range: &DateRange) -> Result<(DateBound, Option<DateBound>), Invalid> {
        let from = DateBound::parse(range.date_from_or_default())?;
        let to = match range.date_to.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(DateBound::parse(text)?),
        };
        if to == Some(DateBound::All) {
            return Err(Invalid::new(
                "dateRange",
                "\"all\" can only start a date range.",
            ));
        }
        Ok((from, to))
    }

    /// The instants `range` spans exactly, not rounded out to periods: from
    /// its start (`None` for `all`) until its end (`None` when it has none,
    /// so events stamped a little ahead of the clock are in it). A date as
    /// the end means through the end of that day.
    pub fn span(
        range: &DateRange,
        time_zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>), Invalid> {
        let (from, to) = Self::parse_range(range)?;
        let now_local = now.with_timezone(&time_zone).naive_local();
        let from = match from {
            Self::All => None,
            bound => Some(utc(time_zone, bound.local(now_local, None)?)),
        };
        let to = match to {
            None => None,
            Some(Self::Date(date)) => {
                let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
                Some(utc(time_zone, step(midnight, Interval::Day, 1)))
            }
            Some(bound) => Some(utc(time_zone, bound.local(now_local, None)?)),
        };
        if from.zip(to).is_some_and(|(from, to)| from >= to) {
            return Err(Invalid::new(
                "dateRange",
                "The range ends before it starts.",
            ));
        }
        Ok((from, to))
    }

    /// The local moment this bound names, given now (local) and, for `all`,
    /// the first event's local time; an error when that is outside the
    /// supported years.
    fn local(
        self,
        now: NaiveDateTime,
        earliest: Option<NaiveDateTime>,
    ) -> Result<NaiveDateTime, Invalid> {
        let at = match self {
            // Events with a wildly wrong clock must not make `all` unusable.
            Self::All => earliest.unwrap_or(now).max(first_moment()),
            Self::Date(date) => date.and_hms_opt(0, 0, 0).expect("midnight exists"),
            Self::DateTime(at) => at,
            Self::Relative { amount, unit, snap } => {
                let hours = |n: i64| Duration::try_hours(n).and_then(|d| now.checked_sub_signed(d));
                let months = |n: u32, per: u32| {
                    n.checked_mul(per)
                        .and_then(|m| now.checked_sub_months(Months::new(m)))
                };
                let back = match unit {
                    RelativeUnit::Hour => hours(amount.into()),
                    RelativeUnit::Day => hours(i64::from(amount) * 24),
                    RelativeUnit::Week => hours(i64::from(amount) * 24 * 7),
                    RelativeUnit::Month => months(amount, 1),
                    RelativeUnit::Quarter => months(amount, 3),
                    RelativeUnit::Year => months(amount, 12),
                }
                .ok_or_else(too_far)?;
                check_year(back.year())?;
                if !snap {
                    return Ok(back);
                }
                match unit {
                    RelativeUnit::Hour => truncate(back, Interval::Hour),
                    RelativeUnit::Day => truncate(back, Interval::Day),
                    RelativeUnit::Week => truncate(back, Interval::Week),
                    RelativeUnit::Month => truncate(back, Interval::Month),
                    RelativeUnit::Quarter => {
                        let month = truncate(back, Interval::Month);
                        month - Months::new(month.month0() % 3)
                    }
                    RelativeUnit::Year => {
                        truncate(back, Interval::Month) - Months::new(back.month0())
                    }
                }
            }
        };
        check_year(at.year())?;
        Ok(at)
    }
}

fn first_moment() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("a valid date")
}

fn too_far() -> Invalid {
    Invalid::new(
        "dateRange",
        format!("Dates must fall between {FIRST_YEAR} and {LAST_YEAR}."),
    )
}

fn check_year(year: i32) -> Result<(), Invalid> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(too_far())
    }
}

/// The start of the local period containing `at`.
pub fn truncate(at: NaiveDateTime, interval: Interval) -> NaiveDateTime {
    let day = at.date();
    match interval {
        Interval::Hour => day.and_hms_opt(at.hour(), 0, 0),
        Interval::Day => day.and_hms_opt(0, 0, 0),
        Interval::Week => {
            (day - Duration::days(day.weekday().num_days_from_monday().into())).and_hms_opt(0, 0, 0)
        }
        Interval::Month => day.with_day(1).and_then(|d| d.and_hms_opt(0, 0, 0)),
    }
    .expect("period starts exist")
}

/// The local period after the one starting at `start`.
pub fn step(start: NaiveDateTime, interval: Interval, count: i32) -> NaiveDateTime {
    match interval {
        Interval::Hour => start + Duration::hours(count.into()),
        Interval::Day => start + Duration::days(count.into()),
        Interval::Week => start + Duration::weeks(count.into()),
        Interval::Month if count >= 0 => start + Months::new(count.unsigned_abs()),
        Interval::Month => start - Months::new(count.unsigned_abs()),
    }
}

/// A resolved range: consecutive local buckets and their UTC span.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub interval: Interval,
    pub time_zone: Tz,
    /// Local start of each bucket.
    pub starts: Vec<NaiveDateTime>,
    /// Local end of the last bucket (exclusive).
    pub end: NaiveDateTime,
}

impl Window {
    /// Resolves `range` at `now`. `earliest` is the first event's time, used
    /// for `all`.
    pub fn resolve(
        range: &DateRange,
        interval: Interval,
        time_zone: Tz,
        now: DateTime<Utc>,
        earliest: Option<DateTime<Utc>>,
    ) -> Result<Self, Invalid> {
        let (from, to) = DateBound::parse_range(range)?;
        let local = |at: DateTime<Utc>| at.with_timezone(&time_zone).naive_local();
        let now_local = local(now);
        let earliest_local = earliest.map(local);
        let from = truncate(from.local(now_local, earliest_local)?, interval);
        let to = match to {
            // A date as the end means through the end of that day.
            Some(DateBound::Date(date)) => step(
                truncate(date.and_hms_opt(0, 0, 0).expect("midnight"), Interval::Day),
                Interval::Day,
                1,
            ),
            Some(bound) => step(
                truncate(bound.local(now_local, earliest_local)?, interval),
                interval,
                1,
            ),
            None => step(truncate(now_local, interval), interval, 1),
        };
        Self::between(from, to, interval, time_zone)
    }

    /// The `count` periods ending with the one containing `end` (used by
    /// retention, whose range is a number of periods).
    pub fn last_periods(
        date_to: Option<&str>,
        count: u32,
        interval: Interval,
        time_zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<Self, Invalid> {
        let now_local = now.with_timezone(&time_zone).naive_local();
        let last = match date_to.map(str::trim).filter(|t| !t.is_empty()) {
            None => now_local,
            Some(text) => DateBound::parse(text)?.local(now_local, None)?,
        };
        let last = truncate(last, interval);
        let from = step(last, interval, 1 - count as i32);
        Self::between(from, step(last, interval, 1), interval, time_zone)
    }

    fn between(
        from: NaiveDateTime,
        to: NaiveDateTime,
        interval: Interval,
        time_zone: Tz,
    ) -> Result<Self, Invalid> {
        if from >= to {
            return Err(Invalid::new(
                "dateRange",
                "The range ends before it starts.",
            ));
        }
        let mut starts = Vec::new();
        let mut at = from;
        while at < to {
            if starts.len() == MAX_BUCKETS {
                return Err(Invalid::new(
                    "interval",
                    format!("That is more than {MAX_BUCKETS} intervals; choose a larger interval or a shorter range."),
                ));
            }
            starts.push(at);
            at = step(at, interval, 1);
        }
        Ok(Self {
            interval,
            time_zone,
            starts,
            end: to,
        })
    }
}

/// The buckets a query covers: its interval for trends, days for funnels, the
/// last `total_intervals` periods for retention.
pub fn window_of(
    query: &InsightQuery,
    time_zone: Tz,
    now: DateTime<Utc>,
    earliest: Option<DateTime<Utc>>,
) -> Result<Window, Invalid> {
    match query {
        InsightQuery::Retention(q) => Window::last_periods(
            q.date_range.date_to.as_deref(),
            q.retention_filter.total_intervals,
            query.interval(),
            time_zone,
            now,
        ),
        _ => Window::resolve(
            query.date_range(),
            query.interval(),
            time_zone,
            now,
            earliest,
        ),
    }
}

impl Window {
    /// The first instant covered, in UTC.
    pub fn from_utc(&self) -> DateTime<Utc> {
        utc(self.time_zone, self.starts[0])
    }

    /// The first instant after the window, in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        utc(self.time_zone, self.end)
    }

    /// The bucket an instant falls in, if any.
    pub fn bucket_of(&self, at: DateTime<Utc>) -> Option<usize> {
        let local = at.with_timezone(&self.time_zone).naive_local();
        if local < self.starts[0] || local >= self.end {
            return None;
        }
        let start = truncate(local, self.interval);
        self.starts.binary_search(&start).ok()
    }

    /// The same number of buckets immediately before this window.
    pub fn previous(&self) -> Self {
        let n = self.starts.len() as i32;
        Self {
            interval: self.interval,
            time_zone: self.time_zone,
            starts: self
                .starts
                .iter()
                .map(|s| step(*s, self.interval, -n))
                .collect(),
            end: self.starts[0],
        }
    }

    /// Short labels for the buckets, e.g. `3-Nov-2026`, `Nov 2026`.
    pub fn labels(&self) -> Vec<String> {
        self.starts
            .iter()
            .map(|s| label(*s, self.interval))
            .collect()
    }
}

pub fn label(start: NaiveDateTime, interval: Interval) -> String {
    match interval {
        Interval::Hour => start.format("%-d-%b %H:00").to_string(),
        Interval::Day | Interval::Week => start.format("%-d-%b-%Y").to_string(),
        Interval::Month => start.format("%b %Y").to_string(),
    }
}

/// A local time as UTC; a time skipped by a DST change counts from the
/// moment the clocks jumped.
pub fn utc(time_zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut at = local;
    loop {
        if let Some(instant) = time_zone.from_local_datetime(&at).earliest() {
            return instant.with_timezone(&Utc);
        }
        at += Duration::minutes(15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn range(from: &str, to: Option<&str>) -> DateRange {
        DateRange {
            date_from: Some(from.into()),
            date_to: to.map(Into::into),
        }
    }

    #[test]
    fn last_seven_days_are_eight_whole_local_days_ending_today() {
        // 01:30 UTC on Wednesday 2 Dec is still Tuesday evening in New York.
        let now = at("2026-12-02T01:30:00Z");
        let w = Window::resolve(
            &range("-7d", None),
            Interval::Day,
            Tz::America__New_York,
            now,
            None,
        )
        .unwrap();
        assert_eq!(w.starts.len(), 8);
        assert_eq!(w.starts[0].to_string(), "2026-11-24 00:00:00");
        assert_eq!(w.end.to_string(), "2026-12-02 00:00:00");
        assert_eq!(w.from_utc(), at("2026-11-24T05:00:00Z"));
        assert_eq!(w.bucket_of(now), Some(7));
        assert_eq!(w.bucket_of(at("2026-11-24T04:59:59Z")), None);
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        let now = at("2026-11-30T12:00:00Z"); // a Monday
        let weeks =
            Window::resolve(&range("-14d", None), Interval::Week, Tz::UTC, now, None).unwrap();
        assert_eq!(weeks.starts[0].to_string(), "2026-11-16 00:00:00");
        assert_eq!(weeks.starts.len(), 3);
        let months =
            Window::resolve(&range("-3m", None), Interval::Month, Tz::UTC, now, None).unwrap();
        assert_eq!(
            months.labels(),
            ["Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026"]
        );
    }

    #[test]
    fn relative_starts_absolute_dates_and_all() {
        let now = at("2026-11-30T12:00:00Z");
        let month =
            Window::resolve(&range("mStart", None), Interval::Day, Tz::UTC, now, None).unwrap();
        assert_eq!(month.starts[0].to_string(), "2026-11-01 00:00:00");
        let fixed = Window::resolve(
            &range("2026-11-01", Some("2026-11-07")),
            Interval::Day,
            Tz::UTC,
            now,
            None,
        )
        .unwrap();
        assert_eq!(fixed.starts.len(), 7);
        assert_eq!(fixed.end.to_string(), "2026-11-08 00:00:00");
        let all = Window::resolve(
            &range("all", None),
            Interval::Month,
            Tz::UTC,
            now,
            Some(at("2026-09-15T00:00:00Z")),
        )
        .unwrap();
        assert_eq!(all.starts.len(), 3);
        assert!(DateBound::parse("yesterday").is_err());
        assert!(Window::resolve(
            &range("2026-12-01", Some("2026-11-01")),
            Interval::Day,
            Tz::UTC,
            now,
            None
        )
        .is_err());
        assert!(Window::resolve(&range("-10y", None), Interval::Hour, Tz::UTC, now, None).is_err());
    }

    #[test]
    fn days_across_a_dst_change_are_23_or_25_hours() {
        let now = at("2026-11-03T12:00:00Z");
        let w = Window::resolve(
            &range("-3d", None),
            Interval::Day,
            Tz::America__New_York,
            now,
            None,
        )
        .unwrap();
        // 1 November 2026 has 25 hours in New York.
        let nov1 = w
            .starts
            .iter()
            .position(|s| s.to_string() == "2026-11-01 00:00:00")
            .unwrap();
        let next = utc(w.time_zone, w.starts[nov1 + 1]);
        assert_eq!(next - utc(w.time_zone, w.starts[nov1]), Duration::hours(25));
        assert_eq!(w.bucket_of(at("2026-11-02T04:30:00Z")), Some(nov1));
    }

    #[test]
    fn the_previous_period_is_as_long_and_ends_where_this_starts() {
        let now = at("2026-11-30T12:00:00Z");
        let w = Window::resolve(&range("-7d", None), Interval::Day, Tz::UTC, now, None).unwrap();
        let p = w.previous();
        assert_eq!(p.starts.len(), 8);
        assert_eq!(p.end, w.starts[0]);
        assert_eq!(p.starts[0].to_string(), "2026-11-15 00:00:00");
    }

    #[test]
    fn retention_covers_the_last_n_periods() {
        let now = at("2026-11-30T12:00:00Z");
        let w = Window::last_periods(None, 8, Interval::Week, Tz::UTC, now).unwrap();
        assert_eq!(w.starts.len(), 8);
        assert_eq!(w.starts[7].to_string(), "2026-11-30 00:00:00");
        assert_eq!(w.starts[0].to_string(), "2026-10-12 00:00:00");
    }

    #[test]
    fn ranges_that_overflow_the_calendar_are_refused_not_panicked_on() {
        let now = at("2026-11-30T12:00:00Z");
        for from in [
            "-4000000000d",
            "-99999999999h",
            "-4294967295y",
            "-99999q",
            "-99999y",
            "-90000w",
            "262143-12-31",
            "+262143-12-31",
            "0001-01-01",
            "9999-12-31T23:59:59",
            "-99999999999999999999999d",
        ] {
            for interval in Interval::ALL {
                let result = Window::resolve(&range(from, None), interval, Tz::UTC, now, None);
                assert!(result.is_err(), "{from} by {interval:?} resolved");
            }
        }
        let err = DateBound::parse("-4000000000d").unwrap_err();
        assert_eq!(err.field, "dateRange");
        assert!(err.message.contains("too far back"), "{}", err.message);
        let err = Window::resolve(&range("-99999y", None), Interval::Month, Tz::UTC, now, None)
            .unwrap_err();
        assert_eq!(err.message, "Dates must fall between 1970 and 9999.");
        assert!(Window::last_periods(Some("-99999y"), 8, Interval::Week, Tz::UTC, now).is_err());
        assert!(Window::resolve(
            &range("2026-11-01", Some("9999-12-31")),
            Interval::Month,
            Tz::UTC,
            now,
            None
        )
        .is_err());
    }

    #[test]
    fn all_starts_no_earlier_than_the_first_supported_year() {
        let now = at("1975-03-01T00:00:00Z");
        let ancient = "0001-01-01T00:00:00Z".parse().unwrap();
        let w = Window::resolve(
            &range("all", None),
            Interval::Month,
            Tz::UTC,
            now,
            Some(ancient),
        )
        .unwrap();
        assert_eq!(w.starts[0].to_string(), "1970-01-01 00:00:00");
    }
}
