//! Building DuckDB SQL safely, and everything dialect-specific about it.
//!
//! User values only ever reach SQL through [`Sql::bind`] (a `?` parameter) or
//! [`literal`] (for the few places DuckDB needs a constant, such as JSON
//! paths and time-zone names, so it can fold them). Nothing else interpolates
//! text into a statement; the only numbers written into one are our own or
//! integers (a funnel's conversion window).
//!
//! The insight builders (trends, funnels, retention, breakdowns, filters,
//! the event source) write standard SQL themselves: `SELECT`, joins,
//! `GROUP BY` with `GROUPING SETS`, window functions, `COALESCE`. Everything
//! DuckDB spells its own way comes from the functions here: parameter
//! values, casts and type names, JSON properties, time zones and truncation
//! to periods, interval arithmetic and series of periods, text and regular
//! expression matching, percentiles, filtered aggregates, `arg_min` over
//! records, ASOF joins, `QUALIFY` and materialized subqueries. A ClickHouse
//! port replaces this module.

use super::Db;
use crate::events::HOT_PROPERTIES;
use crate::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use domain::insight::{Interval, PropertyScope};
use duckdb::types::Value;

/// A statement under construction with its parameters.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    pub text: String,
    pub params: Vec<Value>,
}

impl Sql {
    /// Just `?`, bound to `value`.
    pub fn bound(value: impl Into<Value>) -> Self {
        let mut sql = Self::default();
        sql.bind(value);
        sql
    }

    /// Appends trusted SQL text (never user input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a `?` bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.text.push('?');
        self.params.push(value.into());
        self
    }

    /// Appends another fragment with its parameters.
    pub fn append(&mut self, other: Sql) -> &mut Self {
        self.text.push_str(&other.text);
        self.params.extend(other.params);
        self
    }

    pub fn bind_time(&mut self, at: DateTime<Utc>) -> &mut Self {
        self.bind(timestamp(at.naive_utc()))
    }

    pub fn bind_local(&mut self, at: NaiveDateTime) -> &mut Self {
        self.bind(timestamp(at))
    }

    /// Runs the statement and maps each row it returns.
    pub fn rows<T>(
        &self,
        db: &Db,
        map: impl FnMut(&duckdb::Row<'_>) -> duckdb::Result<T>,
    ) -> Result<Vec<T>> {
        let mut statement = db.prepare(&self.text)?;
        let rows = statement.query_map(duckdb::params_from_iter(self.params.iter()), map)?;
        Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
    }
}

/// `WITH` the named subqueries (each a whole `name AS (…)`), then `select`.
pub fn with(ctes: impl IntoIterator<Item = Sql>, select: Sql) -> Sql {
    let mut sql = Sql::default();
    for (i, cte) in ctes.into_iter().enumerate() {
        sql.push(if i == 0 { "WITH " } else { ", " }).append(cte);
    }
    if !sql.text.is_empty() {
        sql.push(" ");
    }
    sql.append(select);
    sql
}

fn timestamp(at: NaiveDateTime) -> Value {
    Value::Timestamp(
        duckdb::types::TimeUnit::Microsecond,
        at.and_utc().timestamp_micros(),
    )
}

/// A string constant, quoted the one way SQL defines: doubled single quotes.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `name AS (body)`, a named subquery for [`with`].
pub fn cte(name: &str, body: Sql) -> Sql {
    let mut sql = Sql::default();
    sql.push(name).push(" AS (").append(body).push(")");
    sql
}

/// [`cte`] computed once, however often the statement reads it.
pub fn materialized_cte(name: &str, body: Sql) -> Sql {
    let mut sql = Sql::default();
    sql.push(name)
        .push(" AS MATERIALIZED (")
        .append(body)
        .push(")");
    sql
}

/// Column types the builders cast to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Double,
    Integer,
    BigInt,
    Timestamp,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::Text => "VARCHAR",
            Type::Double => "DOUBLE",
            Type::Integer => "INTEGER",
            Type::BigInt => "BIGINT",
            Type::Timestamp => "TIMESTAMP",
        }
    }
}

/// `value` as `to`.
pub fn cast(value: &str, to: Type) -> String {
    format!("CAST({value} AS {})", to.name())
}

/// A NULL of type `of`.
pub fn null(of: Type) -> String {
    cast("NULL", of)
}

/// The JSON path of a top-level key, as a constant.
fn json_path(key: &str) -> String {
    literal(&format!(
        "$.\"{}\"",
        key.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// A property's text: a materialized column for hot event properties, else
/// read from the JSON (the event's `e.properties`, or the person's
/// `p.properties`).
/// Strings come as they are, numbers and booleans as JSON writes them, JSON
/// null as NULL.
pub fn property_text(scope: PropertyScope, key: &str) -> String {
    match scope {
        PropertyScope::Event => match HOT_PROPERTIES.iter().find(|(_, k)| *k == key) {
            Some((column, _)) => format!("e.{column}"),
            None => format!("json_extract_string(e.properties, {})", json_path(key)),
        },
        PropertyScope::Person => {
            format!("json_extract_string(p.properties, {})", json_path(key))
        }
    }
}

/// A property as a number, NULL when it is not one.
pub fn property_number(scope: PropertyScope, key: &str) -> String {
    format!("TRY_CAST({} AS DOUBLE)", property_text(scope, key))
}

/// Whether `text` contains `needle`, ignoring case.
pub fn contains_ignoring_case(text: &str, needle: Sql) -> Sql {
    let mut sql = Sql::default();
    sql.push(&format!("contains(lower({text}), lower("))
        .append(needle)
        .push("))");
    sql
}

/// Whether `text` matches the regular expression `pattern` anywhere (RE2
/// syntax).
pub fn regex_matches(text: &str, pattern: Sql) -> Sql {
    let mut sql = Sql::default();
    sql.push(&format!("regexp_matches({text}, "))
        .append(pattern)
        .push(")");
    sql
}

/// A statement that fails unless its one parameter is a pattern
/// [`regex_matches`] accepts.
pub const PATTERN_CHECK: &str = "SELECT regexp_matches('', ?)";

/// The event's time in the project's zone, as a naive local timestamp.
pub fn local_time(time_zone: &str) -> String {
    if time_zone == "UTC" {
        "e.timestamp".into()
    } else {
        format!(
            "timezone({}, timezone('UTC', e.timestamp))",
            literal(time_zone)
        )
    }
}

/// `at` truncated to the start of its period (weeks start on Monday).
pub fn truncate(interval: Interval, at: &str) -> String {
    let unit = match interval {
        Interval::Hour => "hour",
        Interval::Day => "day",
        Interval::Week => "week",
        Interval::Month => "month",
    };
    format!("date_trunc('{unit}', {at})")
}

/// The start of the local period an event falls in.
pub fn bucket(interval: Interval, time_zone: &str) -> String {
    truncate(interval, &local_time(time_zone))
}

/// A length of time to add to or take from a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Seconds(i64),
    Days(i64),
    /// One period (calendar months are not all as long).
    Period(Interval),
}

impl Span {
    fn sql(self) -> String {
        match self {
            Span::Seconds(n) => format!("INTERVAL {n} SECOND"),
            Span::Days(n) => format!("INTERVAL {n} DAY"),
            Span::Period(Interval::Hour) => "INTERVAL 1 HOUR".into(),
            Span::Period(Interval::Day) => "INTERVAL 1 DAY".into(),
            Span::Period(Interval::Week) => "INTERVAL 7 DAY".into(),
            Span::Period(Interval::Month) => "INTERVAL 1 MONTH".into(),
        }
    }
}

/// The timestamp `span` after `at`.
pub fn plus(at: &str, span: Span) -> String {
    format!("{at} + {}", span.sql())
}

/// The timestamp `span` before `at`.
pub fn minus(at: &str, span: Span) -> String {
    format!("{at} - {}", span.sql())
}

/// Microseconds from `from` to `to`, in seconds.
pub fn seconds_between(from: &str, to: &str) -> String {
    format!("date_diff('microsecond', {from}, {to}) / 1e6")
}

/// Rows `(b, b_end)`: the start of each period from `first` to `last`
/// (local times, both included) and the start of the next.
pub fn periods(first: NaiveDateTime, last: NaiveDateTime, interval: Interval) -> Sql {
    let step = Span::Period(interval);
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT generate_series AS b, {} AS b_end FROM generate_series(",
        plus("generate_series", step)
    ))
    .bind_local(first)
    .push(", ")
    .bind_local(last)
    .push(&format!(", {})", step.sql()));
    sql
}

/// The continuous (interpolating) `fraction` quantile of `value`.
pub fn percentile(value: &str, fraction: f64) -> String {
    format!("quantile_cont({value}, {fraction})")
}

/// `aggregate` over the rows where `condition` holds.
pub fn aggregate_where(aggregate: &str, condition: &str) -> String {
    format!("{aggregate} FILTER (WHERE {condition})")
}

/// The record of `fields` (each a column, named after it) from the row with
/// the least `by`, a record compared field by field in order.
pub fn arg_min_record(fields: &[&str], by: &[(&str, &str)]) -> String {
    let record = |pairs: Vec<(&str, &str)>| {
        let items: Vec<String> = pairs
            .into_iter()
            .map(|(name, value)| format!("{}: {value}", literal(name)))
            .collect();
        format!("{{{}}}", items.join(", "))
    };
    format!(
        "arg_min({}, {})",
        record(fields.iter().map(|f| (*f, *f)).collect()),
        record(by.to_vec())
    )
}

/// A field of a record made by [`arg_min_record`].
pub fn field(record: &str, name: &str) -> String {
    format!("{record}.{name}")
}

/// `ASOF LEFT JOIN table ON matching`: for each row, the one row of `table`
/// whose `matching` holds (equalities, then one inequality on time) with
/// the nearest time, or none.
pub fn asof_left_join(table: &str, matching: &str) -> String {
    format!("ASOF LEFT JOIN {table} ON {matching}")
}

/// Rows `(bd, rank)`: the `limit` values of `value` found in most of `rows`
/// (a `FROM … [WHERE …]` clause), ties by value, ranked from 1.
pub fn most_common(value: &str, rows: Sql, limit: u32) -> Sql {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {value} AS bd, row_number() OVER (ORDER BY count(*) DESC, bd) AS rank"
    ))
    .append(rows)
    .push(" GROUP BY bd QUALIFY rank <= ")
    .bind(i64::from(limit));
    sql
}

/// The person an event counts for now: merges map old persons to new ones.
pub const PERSON: &str = "COALESCE(o.new_person_id, e.person_id)";

/// What a query needs of each event's person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonNeed {
    /// Nothing: counts and sums of events.
    Nothing,
    /// Who the person is now ([`PERSON`]).
    Id,
    /// Who, and their properties (`p`).
    Properties,
}

/// Joins that give events their current person (`o`) and, when needed, that
/// person's properties (`p`); none when the person is not needed.
pub fn person_joins(need: PersonNeed) -> String {
    let merges = " LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id";
    match need {
        PersonNeed::Nothing => String::new(),
        PersonNeed::Id => merges.into(),
        PersonNeed::Properties => format!(
            "{merges} LEFT JOIN persons p ON p.project_id = e.project_id AND p.id = {PERSON}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_double_their_quotes_and_paths_escape_theirs() {
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(
            property_text(PropertyScope::Event, "a\"b'c"),
            r#"json_extract_string(e.properties, '$."a\"b''c"')"#
        );
        assert_eq!(property_text(PropertyScope::Event, "$browser"), "e.browser");
    }

    #[test]
    fn records_name_their_fields_and_spans_read_as_intervals() {
        assert_eq!(
            arg_min_record(&["t0", "bd"], &[("r", "-reached")]),
            "arg_min({'t0': t0, 'bd': bd}, {'r': -reached})"
        );
        assert_eq!(field("c", "t0"), "c.t0");
        assert_eq!(minus("b_end", Span::Days(7)), "b_end - INTERVAL 7 DAY");
        assert_eq!(
            plus("b", Span::Period(Interval::Week)),
            "b + INTERVAL 7 DAY"
        );
        assert_eq!(cast("NULL", Type::Text), null(Type::Text));
    }
}
