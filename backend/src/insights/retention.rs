//! Retention: cohorts by the period of a target event, and how many of each
//! came back to a returning event in each later period.

use super::source::{person_need, Source};
use super::sql::{bucket, cte, with, Sql, PERSON};
use super::{filters, Db};
use crate::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use domain::insight::dates::{label, Window};
use domain::insight::{RetentionCohort, RetentionQuery, RetentionResult, RetentionType};
use domain::ProjectId;
use std::collections::HashMap;

/// Earlier than any event anyone will send.
fn before_any_event() -> DateTime<Utc> {
    DateTime::from_timestamp(-70 * 365 * 86_400, 0).expect("1900 is representable")
}

pub fn run(
    db: &Db,
    project: ProjectId,
    tz: Tz,
    query: &RetentionQuery,
    now: DateTime<Utc>,
) -> Result<RetentionResult> {
    let filter = &query.retention_filter;
    let interval = filter.period.interval();
    let window = Window::last_periods(
        query.date_range.date_to.as_deref(),
        filter.total_intervals,
        interval,
        tz,
        now,
    )?;
    let source = Source {
        project,
        from: window.from_utc(),
        to: window.to_utc(),
        persons: person_need(&query.properties, None, true),
    };
    let periods = bucket(interval, tz.name());
    let event_is = |name: &str| {
        let mut sql = Sql::default();
        sql.push("e.event = ")
            .bind(name.to_owned())
            .push(" AND ")
            .append(filters::all_of(&query.properties));
        sql
    };
    let target = event_is(&filter.target_entity.id);
    let cohorts = match filter.retention_type {
        RetentionType::Recurring => recurring_cohorts(&source, &periods, target),
        RetentionType::FirstTime => first_time_cohorts(&source, &periods, target, &window),
    };
    let mut returns = Sql::default();
    returns
        .push(&format!(
            "SELECT DISTINCT {PERSON} AS person, {periods} AS r"
        ))
        .append(source.from_where(""))
        .push(" AND ")
        .append(event_is(&filter.returning_entity.id));
    let mut select = Sql::default();
    select.push(
        "SELECT c, NULL AS r, count(*) FROM cohorts GROUP BY c
             UNION ALL
             SELECT c, r, count(*) FROM cohorts JOIN returns USING (person) WHERE r > c GROUP BY c, r",
    );
    let rows =
        with([cte("cohorts", cohorts), cte("returns", returns)], select).rows(db, |row| {
            Ok((
                row.get::<_, NaiveDateTime>(0)?,
                row.get::<_, Option<NaiveDateTime>>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?;

    let index: HashMap<NaiveDateTime, usize> = window
        .starts
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i))
        .collect();
    let total = window.starts.len();
    let mut cohorts: Vec<RetentionCohort> = window
        .starts
        .iter()
        .enumerate()
        .map(|(i, start)| RetentionCohort {
            label: label(*start, interval),
            date: start.format("%Y-%m-%dT%H:%M:%S").to_string(),
            values: vec![0; total - i],
        })
        .collect();
    for (cohort, returned, count) in rows {
        let Some(&c) = index.get(&cohort) else {
            continue;
        };
        let offset = match returned {
            None => 0,
            Some(r) => match index.get(&r) {
                Some(&r) => r - c,
                None => continue,
            },
        };
        cohorts[c].values[offset] = count as u64;
    }
    Ok(RetentionResult { cohorts })
}

/// Rows `(person, c)`: each period in which a person did the `target` event.
fn recurring_cohorts(source: &Source, periods: &str, target: Sql) -> Sql {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT DISTINCT {PERSON} AS person, {periods} AS c"
    ))
    .append(source.from_where(""))
    .push(" AND ")
    .append(target);
    sql
}

/// Rows `(person, c)`: the period of each person's first `target` event
/// ever, for those falling in the window.
fn first_time_cohorts(source: &Source, periods: &str, target: Sql, window: &Window) -> Sql {
    let all_time = Source {
        from: before_any_event(),
        ..source.clone()
    };
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT person, c FROM (SELECT {PERSON} AS person, min({periods}) AS c"
    ))
    .append(all_time.from_where(""))
    .push(" AND ")
    .append(target)
    .push(" GROUP BY person) WHERE c >= ")
    .bind_local(window.starts[0])
    .push(" AND c < ")
    .bind_local(window.end);
    sql
}
