//! Building DuckDB SQL safely, and everything dialect-specific about it.
//!
//! User values only ever reach SQL through [`Sql::bind`] (a `?` parameter) or
//! [`literal`] (for the few places DuckDB needs a constant, such as JSON
//! paths and time-zone names, so it can fold them). Nothing else interpolates
//! text into a statement. A ClickHouse port replaces this module.

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

/// The JSON path of a top-level key, as a constant.
fn json_path(key: &str) -> String {
    literal(&format!(
        "$.\"{}\"",
        key.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// A property's text: a materialized column for hot event properties, else
/// read from the JSON (`properties`, or `person_properties` for persons).
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

/// The start of the local period an event falls in.
pub fn bucket(interval: Interval, time_zone: &str) -> String {
    format!(
        "date_trunc({}, {})",
        literal(interval.as_str()),
        local_time(time_zone)
    )
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
}
