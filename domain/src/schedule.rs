//! When a subscription is delivered: daily, weekly on chosen weekdays, or
//! monthly on a day of the month or the nth weekday, every `interval`
//! periods from a start date, at a time of day in the project's time zone.
//!
//! A [`Schedule`] is stored as an RFC 5545 recurrence rule with a floating
//! start (`DTSTART:20261207T090000` and an `RRULE` line, no `TZID`): the
//! zone is the project's, applied whenever deliveries are computed, so a
//! project that changes its zone keeps its subscriptions at the same local
//! time. The `rrule` crate does the calendar arithmetic, including daylight
//! saving time: a time that does not exist on a spring-forward day is read
//! with the offset before the gap (02:30 becomes 03:30), as RFC 5545 says.

use crate::Invalid;
use chrono::{
    DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike, Utc, Weekday,
};
use rrule::{Frequency, NWeekday, RRule, RRuleSet, Unvalidated};
use serde::{Deserialize, Serialize};

/// How a schedule repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Repeat {
    Day,
    /// On each of these weekdays (at least one), Monday first.
    Week {
        weekdays: Vec<Weekday>,
    },
    Month {
        on: MonthDay,
    },
}

/// Which day of the month a monthly schedule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthDay {
    /// The day of the month (1–31); in a month without that day, its last
    /// day: "the 31st" is April's 30th and February's 28th or 29th.
    Day(u8),
    /// The nth such weekday of the month. A month without a fifth one is
    /// skipped, as RFC 5545 has it; "last" is in every month.
    Weekday { nth: Nth, weekday: Weekday },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nth {
    First,
    Second,
    Third,
    Fourth,
    Fifth,
    Last,
}

impl Nth {
    pub const ALL: [Nth; 6] = [
        Nth::First,
        Nth::Second,
        Nth::Third,
        Nth::Fourth,
        Nth::Fifth,
        Nth::Last,
    ];

    fn number(self) -> i16 {
        match self {
            Nth::First => 1,
            Nth::Second => 2,
            Nth::Third => 3,
            Nth::Fourth => 4,
            Nth::Fifth => 5,
            Nth::Last => -1,
        }
    }

    fn from_number(n: i16) -> Option<Self> {
        Self::ALL.into_iter().find(|nth| nth.number() == n)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Nth::First => "first",
            Nth::Second => "second",
            Nth::Third => "third",
            Nth::Fourth => "fourth",
            Nth::Fifth => "fifth",
            Nth::Last => "last",
        }
    }
}

/// A delivery schedule, in the project's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub repeat: Repeat,
    /// Every `interval` days, weeks or months (1 is every one).
    pub interval: u16,
    /// The first day deliveries may happen.
    pub start: NaiveDate,
    /// The local time of day, to the minute.
    pub time: NaiveTime,
}

/// The largest interval a schedule may have.
pub const MAX_INTERVAL: u16 = 52;

impl Schedule {
    pub const FIELD: &'static str = "schedule";

    /// Weekly on Mondays at 09:00 from `start`: what a new subscription offers.
    pub fn weekly_on_mondays(start: NaiveDate) -> Self {
        Self {
            repeat: Repeat::Week {
                weekdays: vec![Weekday::Mon],
            },
            interval: 1,
            start,
            time: NaiveTime::from_hms_opt(9, 0, 0).expect("09:00 is a time"),
        }
    }

    /// The schedule if it is one a subscription may have: a weekday for
    /// weekly ones, a real day of the month, an interval of 1 to
    /// [`MAX_INTERVAL`]. Weekdays are sorted and the time cut to the minute.
    pub fn validated(mut self) -> Result<Self, Invalid> {
        if !(1..=MAX_INTERVAL).contains(&self.interval) {
            return Err(invalid(format!(
                "Repeat every 1 to {MAX_INTERVAL} periods."
            )));
        }
        match &mut self.repeat {
            Repeat::Day => {}
            Repeat::Week { weekdays } => {
                weekdays.sort_by_key(Weekday::num_days_from_monday);
                weekdays.dedup();
                if weekdays.is_empty() {
                    return Err(invalid("Choose at least one weekday."));
                }
            }
            Repeat::Month {
                on: MonthDay::Day(day),
            } if !(1..=31).contains(day) => {
                return Err(invalid("Choose a day of the month from 1 to 31."));
            }
            Repeat::Month { .. } => {}
        }
        self.time = NaiveTime::from_hms_opt(self.time.hour(), self.time.minute(), 0)
            .expect("hours and minutes of a time make a time");
        Ok(self)
    }

    /// The schedule as RFC 5545 text: a floating `DTSTART` line and an
    /// `RRULE` line.
    pub fn to_rfc5545(&self) -> String {
        format!(
            "DTSTART:{}\nRRULE:{}",
            self.start.and_time(self.time).format(DTSTART_FORMAT),
            self.rule()
        )
    }

    /// Reads back what [`Self::to_rfc5545`] wrote.
    pub fn from_rfc5545(text: &str) -> Result<Self, Invalid> {
        let (start, rule) = parse_rfc5545(text, chrono_tz::UTC)?;
        let rule = rule.ok_or_else(|| invalid("The schedule has no RRULE."))?;
        let start = start.naive_local();
        let by_weekday = rule.get_by_weekday();
        let repeat = match rule.get_freq() {
            Frequency::Daily => Repeat::Day,
            Frequency::Weekly => Repeat::Week {
                weekdays: by_weekday.iter().map(|day| weekday_of(*day)).collect(),
            },
            Frequency::Monthly => Repeat::Month {
                on: match (rule.get_by_month_day(), by_weekday) {
                    (days, []) if !days.is_empty() => {
                        MonthDay::Day(days.iter().copied().max().unwrap_or(1).unsigned_abs())
                    }
                    ([], [NWeekday::Nth(n, weekday)]) => MonthDay::Weekday {
                        nth: Nth::from_number(*n)
                            .ok_or_else(|| invalid("The schedule's weekday is out of range."))?,
                        weekday: *weekday,
                    },
                    _ => return Err(invalid("The schedule's day of the month is unclear.")),
                },
            },
            _ => return Err(invalid("Schedules repeat daily, weekly or monthly.")),
        };
        Self {
            repeat,
            interval: rule.get_interval(),
            start: start.date(),
            time: start.time(),
        }
        .validated()
    }

    /// The next `count` deliveries strictly after `after`, with the
    /// schedule's times read in `zone`.
    pub fn next_after(
        &self,
        zone: chrono_tz::Tz,
        after: DateTime<Utc>,
        count: u16,
    ) -> Vec<DateTime<Utc>> {
        let Ok(set) = self.rule_set(zone) else {
            return Vec::new();
        };
        let tz = rrule::Tz::Tz(zone);
        set.after((after + chrono::Duration::seconds(1)).with_timezone(&tz))
            .all(count)
            .dates
            .into_iter()
            .map(|at| at.with_timezone(&Utc))
            .collect()
    }

    /// The schedule in words: "Every Monday and Thursday at 09:00
    /// Europe/Berlin", "Every 2 months on the last Friday at 18:30 UTC".
    pub fn describe(&self, zone: chrono_tz::Tz) -> String {
        let every = |one: &str, many: &str| match self.interval {
            1 => format!("Every {one}"),
            n => format!("Every {n} {many}"),
        };
        let when = match &self.repeat {
            Repeat::Day => every("day", "days"),
            Repeat::Week { weekdays } if self.interval == 1 => {
                format!("Every {}", list(weekdays))
            }
            Repeat::Week { weekdays } => {
                format!("{} on {}", every("week", "weeks"), list(weekdays))
            }
            Repeat::Month {
                on: MonthDay::Day(day),
            } => {
                let last = if *day > 28 {
                    " (or the month's last day)"
                } else {
                    ""
                };
                format!(
                    "{} on the {}{last}",
                    every("month", "months"),
                    ordinal(*day)
                )
            }
            Repeat::Month {
                on: MonthDay::Weekday { nth, weekday },
            } => format!(
                "{} on the {} {}",
                every("month", "months"),
                nth.as_str(),
                weekday_name(*weekday)
            ),
        };
        format!("{when} at {} {}", self.time.format("%H:%M"), zone.name())
    }

    fn rule(&self) -> RRule<Unvalidated> {
        let rule = match &self.repeat {
            Repeat::Day => RRule::new(Frequency::Daily),
            Repeat::Week { weekdays } => RRule::new(Frequency::Weekly)
                .by_weekday(weekdays.iter().map(|day| NWeekday::Every(*day)).collect()),
            // A day past the 28th is the last of the days from the 28th up
            // to it that the month has.
            Repeat::Month {
                on: MonthDay::Day(day),
            } if *day > 28 => RRule::new(Frequency::Monthly)
                .by_month_day((28..=*day as i8).collect())
                .by_set_pos(vec![-1]),
            Repeat::Month {
                on: MonthDay::Day(day),
            } => RRule::new(Frequency::Monthly).by_month_day(vec![*day as i8]),
            Repeat::Month {
                on: MonthDay::Weekday { nth, weekday },
            } => RRule::new(Frequency::Monthly)
                .by_weekday(vec![NWeekday::Nth(nth.number(), *weekday)]),
        };
        rule.interval(self.interval)
    }

    fn rule_set(&self, zone: chrono_tz::Tz) -> Result<RRuleSet, Invalid> {
        let start = self.start.and_time(self.time);
        let start = local_start(start, zone);
        self.rule()
            .build(start)
            .map_err(|err| invalid(err.to_string()))
    }
}

const DTSTART_FORMAT: &str = "%Y%m%dT%H%M%S";

/// The rule's start in `zone` (a time in a spring-forward gap is read with
/// the offset before it) and its one `RRULE`.
fn parse_rfc5545(
    text: &str,
    zone: chrono_tz::Tz,
) -> Result<(DateTime<rrule::Tz>, Option<RRule>), Invalid> {
    let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
    let start = lines
        .next()
        .and_then(|line| line.strip_prefix("DTSTART:"))
        .and_then(|start| NaiveDateTime::parse_from_str(start, DTSTART_FORMAT).ok())
        .ok_or_else(|| invalid("The schedule has no floating DTSTART."))?;
    let start = local_start(start, zone);
    let rule = match lines.next() {
        Some(line) => {
            let rule = line
                .strip_prefix("RRULE:")
                .ok_or_else(|| invalid("The schedule's second line is not an RRULE."))?;
            let rule: RRule<Unvalidated> = rule
                .parse()
                .map_err(|err: rrule::RRuleError| invalid(err.to_string()))?;
            Some(
                rule.validate(start)
                    .map_err(|err| invalid(err.to_string()))?,
            )
        }
        None => None,
    };
    Ok((start, rule))
}

fn local_start(start: NaiveDateTime, zone: chrono_tz::Tz) -> DateTime<rrule::Tz> {
    let at = match zone.from_local_datetime(&start) {
        chrono::LocalResult::Single(at) | chrono::LocalResult::Ambiguous(at, _) => at,
        // In a gap: the offset before it, so 02:30 reads as 03:30.
        chrono::LocalResult::None => {
            let before = zone
                .offset_from_utc_datetime(&(start - chrono::Duration::hours(3)))
                .fix();
            zone.from_utc_datetime(&(start - before))
        }
    };
    at.with_timezone(&rrule::Tz::Tz(zone))
}

fn weekday_of(day: NWeekday) -> Weekday {
    match day {
        NWeekday::Every(weekday) | NWeekday::Nth(_, weekday) => weekday,
    }
}

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid::new(Schedule::FIELD, message)
}

/// The days of the week, Monday first, as pickers list them.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// "Monday", "Monday and Thursday", "Monday, Wednesday and Friday".
fn list(days: &[Weekday]) -> String {
    let names: Vec<_> = days.iter().map(|day| weekday_name(*day)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn ordinal(day: u8) -> String {
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::Berlin, UTC};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn schedule(repeat: Repeat, interval: u16, start: NaiveDate, at: NaiveTime) -> Schedule {
        Schedule {
            repeat,
            interval,
            start,
            time: at,
        }
        .validated()
        .unwrap()
    }

    fn texts(times: Vec<DateTime<Utc>>) -> Vec<String> {
        times.iter().map(|t| t.to_rfc3339()).collect()
    }

    #[test]
    fn a_weekly_schedule_keeps_its_local_time_across_berlins_spring_change() {
        // Berlin moves from UTC+1 to UTC+2 on 29 March 2026.
        let monday = schedule(
            Repeat::Week {
                weekdays: vec![Weekday::Mon],
            },
            1,
            date(2026, 3, 1),
            time(9, 0),
        );
        let next = monday.next_after(Berlin, utc("2026-03-20T00:00:00Z"), 3);
        assert_eq!(
            texts(next),
            [
                "2026-03-23T08:00:00+00:00",
                "2026-03-30T07:00:00+00:00",
                "2026-04-06T07:00:00+00:00"
            ]
        );
    }

    #[test]
    fn a_time_in_the_spring_gap_is_read_with_the_offset_before_it() {
        // 02:30 does not exist in Berlin on 29 March 2026: it is 03:30 CEST.
        let nightly = schedule(Repeat::Day, 1, date(2026, 3, 27), time(2, 30));
        let next = nightly.next_after(Berlin, utc("2026-03-27T12:00:00Z"), 3);
        assert_eq!(
            texts(next),
            [
                "2026-03-28T01:30:00+00:00",
                "2026-03-29T01:30:00+00:00",
                "2026-03-30T00:30:00+00:00"
            ]
        );
    }

    #[test]
    fn new_york_autumn_change_delivers_once_at_the_first_of_the_repeated_hour() {
        // New York falls back from UTC-4 to UTC-5 at 02:00 on 1 November 2026,
        // so 01:30 happens twice that night.
        let nightly = schedule(Repeat::Day, 1, date(2026, 10, 30), time(1, 30));
        let next = nightly.next_after(New_York, utc("2026-10-31T00:00:00Z"), 3);
        assert_eq!(
            texts(next),
            [
                "2026-10-31T05:30:00+00:00",
                "2026-11-01T05:30:00+00:00",
                "2026-11-02T06:30:00+00:00"
            ]
        );
    }

    #[test]
    fn the_31st_is_the_last_day_of_shorter_months() {
        let monthly = schedule(
            Repeat::Month {
                on: MonthDay::Day(31),
            },
            1,
            date(2027, 1, 1),
            time(9, 0),
        );
        let next = monthly.next_after(UTC, utc("2027-01-01T00:00:00Z"), 4);
        assert_eq!(
            texts(next),
            [
                "2027-01-31T09:00:00+00:00",
                "2027-02-28T09:00:00+00:00",
                "2027-03-31T09:00:00+00:00",
                "2027-04-30T09:00:00+00:00"
            ]
        );
    }

    #[test]
    fn the_fifth_monday_comes_only_in_months_that_have_one() {
        let fifth = schedule(
            Repeat::Month {
                on: MonthDay::Weekday {
                    nth: Nth::Fifth,
                    weekday: Weekday::Mon,
                },
            },
            1,
            date(2027, 1, 1),
            time(9, 0),
        );
        let next = fifth.next_after(UTC, utc("2027-01-01T00:00:00Z"), 3);
        // 2027: January has none, March the 29th, May the 31st, August the 30th.
        assert_eq!(
            texts(next),
            [
                "2027-03-29T09:00:00+00:00",
                "2027-05-31T09:00:00+00:00",
                "2027-08-30T09:00:00+00:00"
            ]
        );
        let last = schedule(
            Repeat::Month {
                on: MonthDay::Weekday {
                    nth: Nth::Last,
                    weekday: Weekday::Mon,
                },
            },
            1,
            date(2027, 1, 1),
            time(9, 0),
        );
        let next = last.next_after(UTC, utc("2027-01-01T00:00:00Z"), 2);
        assert_eq!(
            texts(next),
            ["2027-01-25T09:00:00+00:00", "2027-02-22T09:00:00+00:00"]
        );
    }

    #[test]
    fn intervals_count_from_the_start_date() {
        let fortnightly = schedule(
            Repeat::Week {
                weekdays: vec![Weekday::Thu, Weekday::Mon],
            },
            2,
            date(2026, 12, 7),
            time(9, 0),
        );
        let next = fortnightly.next_after(UTC, utc("2026-12-01T00:00:00Z"), 4);
        assert_eq!(
            texts(next),
            [
                "2026-12-07T09:00:00+00:00",
                "2026-12-10T09:00:00+00:00",
                "2026-12-21T09:00:00+00:00",
                "2026-12-24T09:00:00+00:00"
            ]
        );
        let every_third_day = schedule(Repeat::Day, 3, date(2026, 12, 1), time(6, 15));
        let next = every_third_day.next_after(UTC, utc("2026-12-01T06:15:00Z"), 2);
        assert_eq!(
            texts(next),
            ["2026-12-04T06:15:00+00:00", "2026-12-07T06:15:00+00:00"]
        );
    }

    #[test]
    fn a_project_that_changes_its_zone_keeps_the_local_time() {
        let daily = schedule(Repeat::Day, 1, date(2026, 12, 1), time(9, 0));
        let after = utc("2026-12-10T00:00:00Z");
        assert_eq!(
            texts(daily.next_after(Berlin, after, 1)),
            ["2026-12-10T08:00:00+00:00"]
        );
        assert_eq!(
            texts(daily.next_after(New_York, after, 1)),
            ["2026-12-10T14:00:00+00:00"]
        );
    }

    #[test]
    fn nothing_is_delivered_before_the_start_date() {
        let daily = schedule(Repeat::Day, 1, date(2027, 2, 1), time(9, 0));
        let next = daily.next_after(UTC, utc("2026-12-01T00:00:00Z"), 1);
        assert_eq!(texts(next), ["2027-02-01T09:00:00+00:00"]);
    }

    #[test]
    fn schedules_round_trip_through_rfc_5545() {
        let cases = [
            schedule(Repeat::Day, 3, date(2026, 12, 1), time(6, 15)),
            schedule(
                Repeat::Week {
                    weekdays: vec![Weekday::Mon, Weekday::Thu],
                },
                1,
                date(2026, 12, 7),
                time(9, 0),
            ),
            schedule(
                Repeat::Month {
                    on: MonthDay::Day(31),
                },
                2,
                date(2027, 1, 1),
                time(18, 30),
            ),
            schedule(
                Repeat::Month {
                    on: MonthDay::Day(15),
                },
                1,
                date(2027, 1, 1),
                time(0, 0),
            ),
            schedule(
                Repeat::Month {
                    on: MonthDay::Weekday {
                        nth: Nth::Last,
                        weekday: Weekday::Fri,
                    },
                },
                1,
                date(2027, 1, 1),
                time(17, 0),
            ),
        ];
        for case in cases {
            let text = case.to_rfc5545();
            assert_eq!(Schedule::from_rfc5545(&text).unwrap(), case, "{text}");
        }
        let weekly = &Schedule::weekly_on_mondays(date(2026, 12, 7));
        assert_eq!(
            weekly.to_rfc5545(),
            "DTSTART:20261207T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO"
        );
    }

    #[test]
    fn schedules_read_in_words() {
        let twice_a_week = schedule(
            Repeat::Week {
                weekdays: vec![Weekday::Thu, Weekday::Mon],
            },
            1,
            date(2026, 12, 7),
            time(9, 0),
        );
        assert_eq!(
            twice_a_week.describe(Berlin),
            "Every Monday and Thursday at 09:00 Europe/Berlin"
        );
        let last_friday = schedule(
            Repeat::Month {
                on: MonthDay::Weekday {
                    nth: Nth::Last,
                    weekday: Weekday::Fri,
                },
            },
            2,
            date(2027, 1, 1),
            time(18, 30),
        );
        assert_eq!(
            last_friday.describe(UTC),
            "Every 2 months on the last Friday at 18:30 UTC"
        );
        let on_the_31st = schedule(
            Repeat::Month {
                on: MonthDay::Day(31),
            },
            1,
            date(2027, 1, 1),
            time(9, 0),
        );
        assert_eq!(
            on_the_31st.describe(UTC),
            "Every month on the 31st (or the month's last day) at 09:00 UTC"
        );
        assert_eq!(
            schedule(Repeat::Day, 1, date(2027, 1, 1), time(7, 5)).describe(New_York),
            "Every day at 07:05 America/New_York"
        );
    }

    #[test]
    fn impossible_schedules_are_refused() {
        let base = Schedule::weekly_on_mondays(date(2026, 12, 7));
        let no_days = Schedule {
            repeat: Repeat::Week { weekdays: vec![] },
            ..base.clone()
        };
        assert!(no_days.validated().is_err());
        let day_32 = Schedule {
            repeat: Repeat::Month {
                on: MonthDay::Day(32),
            },
            ..base.clone()
        };
        assert!(day_32.validated().is_err());
        let zero = Schedule {
            interval: 0,
            ..base.clone()
        };
        assert!(zero.validated().is_err());
        assert!(Schedule::from_rfc5545("RRULE:FREQ=DAILY").is_err());
        assert!(Schedule::from_rfc5545("DTSTART:20261207T090000\nRRULE:FREQ=HOURLY").is_err());
    }
}
