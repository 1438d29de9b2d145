//! Reading events and persons back.

use super::EventsStore;
use crate::insights::filters;
use crate::insights::source::person_need;
use crate::insights::sql::{contains_ignoring_case, person_joins, property_text, Sql};
use crate::{Error, ProjectScope, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use domain::explorer::EventsFilter;
use domain::insight::PropertyScope;
use domain::paging::{Cursor, Page};
use duckdb::{Connection, ToSql};
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub uuid: String,
    pub event: String,
    pub distinct_id: String,
    pub person_id: String,
    pub timestamp: DateTime<Utc>,
    pub properties: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub id: String,
    pub distinct_ids: Vec<String>,
    pub properties: Map<String, Value>,
    pub is_identified: bool,
    pub created_at: DateTime<Utc>,
}

const PERSON_COLUMNS: &str = "p.id::VARCHAR, p.properties::VARCHAR, p.is_identified, p.created_at,
        (SELECT list(d2.distinct_id ORDER BY d2.distinct_id) FROM person_distinct_ids d2
         WHERE d2.project_id = p.project_id AND d2.person_id = p.id)::VARCHAR[]";

const EVENT_COLUMNS: &str = "e.uuid::VARCHAR, e.event, e.distinct_id,
        COALESCE(o.new_person_id, e.person_id)::VARCHAR, e.timestamp, e.properties::VARCHAR";

/// Events with the person each belongs to now (merges applied).
const EVENTS_WITH_PERSONS: &str = "events e
        LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id";

/// The events explorer's list: events with their current person.
const EVENTS: Keyset = Keyset {
    columns: EVENT_COLUMNS,
    at: "e.timestamp",
    id: "e.uuid",
};

/// The persons list.
const PERSONS: Keyset = Keyset {
    columns: PERSON_COLUMNS,
    at: "p.created_at",
    id: "p.id",
};

/// How many of the latest events (or persons) value suggestions are counted
/// over: enough for the common values, bounded for a large project.
const VALUE_SAMPLE: i64 = 100_000;

/// A value a property has, and how many times it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueCount {
    pub value: String,
    pub count: u64,
}

fn person_row(row: &duckdb::Row<'_>) -> duckdb::Result<PersonRow> {
    let ids: duckdb::types::Value = row.get(4)?;
    Ok(PersonRow {
        id: row.get(0)?,
        properties: object(row.get(1)?),
        is_identified: row.get(2)?,
        created_at: utc(row.get(3)?),
        distinct_ids: text_list(ids),
    })
}

fn event_row(row: &duckdb::Row<'_>) -> duckdb::Result<EventRow> {
    Ok(EventRow {
        uuid: row.get(0)?,
        event: row.get(1)?,
        distinct_id: row.get(2)?,
        person_id: row.get(3)?,
        timestamp: utc(row.get(4)?),
        properties: object(row.get(5)?),
    })
}

fn utc(naive: NaiveDateTime) -> DateTime<Utc> {
    naive.and_utc()
}

fn object(text: Option<String>) -> Map<String, Value> {
    match text.and_then(|t| serde_json::from_str(&t).ok()) {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

impl EventsStore {
    /// A page of a project's events matching `filter`, newest first (ties
    /// broken by UUID, descending): up to `limit` events after the cursor
    /// `after`, or the newest without one, with the count of all that match.
    pub async fn latest_events(
        &self,
        scope: &ProjectScope,
        filter: &EventsFilter,
        after: Option<Cursor>,
        limit: usize,
    ) -> Result<Page<EventRow>> {
        filter.validate()?;
        let (from, until) = filter.span(scope.time_zone().tz(), Utc::now())?;
        // Every row names its current person; person properties only when read.
        let need = person_need(&filter.properties, None, true);
        let source = format!("events e{}", person_joins(need));
        let mut matches = Sql::default();
        matches
            .push("e.project_id = ")
            .bind(scope.project_id().get());
        if let Some(until) = until {
            matches.push(" AND e.timestamp < ").bind_time(until);
        }
        if let Some(from) = from {
            matches.push(" AND e.timestamp >= ").bind_time(from);
        }
        if let Some(event) = &filter.event {
            matches.push(" AND e.event = ").bind(event.clone());
        }
        matches
            .push(" AND ")
            .append(filters::all_of(&filter.properties));
        let properties = filter.properties.clone();
        let limit = limit.max(1);
        let after = after.map(|cursor| (cursor.at().naive_utc(), cursor.id().to_owned()));
        let found = self
            .with_connection(move |db| {
                filters::check_patterns(db, &properties)?;
                Ok::<_, Error>(EVENTS.read(db, &source, &matches, after, limit, event_row)?)
            })
            .await?;
        found.into_page(limit, |row| (row.timestamp, &row.uuid))
    }

    /// The values `key` most often has, most frequent first (ties by value),
    /// with how often each was seen: among the project's events of the last
    /// 30 days (of `event` when given) for an event property, among its
    /// persons for a person property; only values containing `search`
    /// (ignoring case) when given. Counted over the latest 100,000 events or
    /// persons that have the property.
    pub async fn property_values(
        &self,
        scope: &ProjectScope,
        property: PropertyScope,
        key: &str,
        event: Option<&str>,
        search: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ValueCount>> {
        let value = property_text(property, key);
        let mut sample = Sql::default();
        match property {
            PropertyScope::Event => {
                sample
                    .push(&format!(
                        "SELECT {value} AS value FROM events e WHERE e.project_id = "
                    ))
                    .bind(scope.project_id().get())
                    .push(" AND e.timestamp >= ")
                    .bind_time(Utc::now() - chrono::Duration::days(30));
                if let Some(event) = event {
                    sample.push(" AND e.event = ").bind(event.to_owned());
                }
            }
            PropertyScope::Person => {
                sample
                    .push(&format!(
                        "SELECT {value} AS value FROM persons p WHERE p.project_id = "
                    ))
                    .bind(scope.project_id().get());
            }
        }
        sample.push(&format!(" AND {value} IS NOT NULL"));
        if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
            sample.push(" AND ").append(contains_ignoring_case(
                &value,
                Sql::bound(search.to_owned()),
            ));
        }
        let newest = match property {
            PropertyScope::Event => "e.timestamp",
            PropertyScope::Person => "p.created_at",
        };
        let mut sql = Sql::default();
        sql.push("SELECT value, COUNT(*) AS seen FROM (")
            .append(sample)
            .push(&format!(" ORDER BY {newest} DESC LIMIT "))
            .bind(VALUE_SAMPLE)
            .push(") GROUP BY value ORDER BY seen DESC, value LIMIT ")
            .bind(i64::try_from(limit).unwrap_or(i64::MAX));
        self.with_connection(move |db| {
            sql.rows(db, |row| {
                Ok(ValueCount {
                    value: row.get(0)?,
                    count: row.get::<_, i64>(1)? as u64,
                })
            })
        })
        .await
    }

    /// Events stored after `after` (the moment of an earlier write), oldest
    /// first, with the moment of the newest returned write. The writer stamps
    /// each committed group with one increasing time, so polling with the
    /// returned moment misses nothing and repeats nothing.
    pub async fn events_stored_after(
        &self,
        scope: &ProjectScope,
        after: DateTime<Utc>,
        limit: usize,
    ) -> Result<(Vec<EventRow>, DateTime<Utc>)> {
        let project = scope.project_id().get();
        let after_naive = after.naive_utc();
        self.with_connection(move |db| {
            let mut statement = db.prepare(&format!(
                "SELECT {EVENT_COLUMNS}, e.inserted_at FROM {EVENTS_WITH_PERSONS}
                 WHERE e.project_id = ? AND e.inserted_at > ?
                 ORDER BY e.inserted_at, e.timestamp
                 LIMIT ?"
            ))?;
            let mut newest = after;
            let rows = statement
                .query_map(duckdb::params![project, after_naive, limit as i64], |row| {
                    let stored: NaiveDateTime = row.get(6)?;
                    Ok((event_row(row)?, utc(stored)))
                })?
                .collect::<duckdb::Result<Vec<_>>>()?;
            let events = rows
                .into_iter()
                .map(|(event, stored)| {
                    newest = newest.max(stored);
                    event
                })
                .collect();
            Ok::<_, duckdb::Error>((events, newest))
        })
        .await
    }

    /// A page of a project's persons, newest first (ties broken by id,
    /// descending); `search` matches distinct ids and property values. Up to
    /// `limit` persons after the cursor `after`, or the newest without one,
    /// with the count of all that match.
    pub async fn persons(
        &self,
        scope: &ProjectScope,
        search: Option<String>,
        after: Option<Cursor>,
        limit: usize,
    ) -> Result<Page<PersonRow>> {
        let mut matches = Sql::default();
        matches
            .push("p.project_id = ")
            .bind(scope.project_id().get());
        if let Some(search) = search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = format!("%{search}%");
            matches
                .push(" AND (p.properties::VARCHAR ILIKE ")
                .bind(pattern.clone())
                .push(
                    " OR EXISTS (SELECT 1 FROM person_distinct_ids d WHERE d.project_id = p.project_id
                     AND d.person_id = p.id AND d.distinct_id ILIKE ",
                )
                .bind(pattern)
                .push("))");
        }
        let limit = limit.max(1);
        let after = after.map(|cursor| (cursor.at().naive_utc(), cursor.id().to_owned()));
        let found = self
            .with_connection(move |db| {
                PERSONS.read(db, "persons p", &matches, after, limit, person_row)
            })
            .await?;
        found.into_page(limit, |row| (row.created_at, &row.id))
    }

    /// One person of a project.
    pub async fn person(&self, scope: &ProjectScope, id: &str) -> Result<Option<PersonRow>> {
        let project = scope.project_id().get();
        let id = id.to_owned();
        self.with_connection(move |db| {
            let mut statement = db.prepare(&format!(
                "SELECT {PERSON_COLUMNS} FROM persons p WHERE p.project_id = ? AND p.id::VARCHAR = ?"
            ))?;
            let mut rows = statement.query_map(duckdb::params![project, id], person_row)?;
            rows.next().transpose()
        })
        .await
    }

    /// A person's newest events, merged persons' events included.
    pub async fn person_events(
        &self,
        scope: &ProjectScope,
        person: &str,
        limit: usize,
    ) -> Result<Vec<EventRow>> {
        let project = scope.project_id().get();
        let person = person.to_owned();
        self.with_connection(move |db| {
            let mut statement = db.prepare(&format!(
                "SELECT {EVENT_COLUMNS} FROM {EVENTS_WITH_PERSONS}
                 WHERE e.project_id = ? AND COALESCE(o.new_person_id, e.person_id)::VARCHAR = ?
                 ORDER BY e.timestamp DESC
                 LIMIT ?"
            ))?;
            let rows =
                statement.query_map(duckdb::params![project, person, limit as i64], event_row)?;
            rows.collect()
        })
        .await
    }

    /// The person a distinct id belongs to now, if any.
    pub async fn person_by_distinct_id(
        &self,
        scope: &ProjectScope,
        distinct_id: &str,
    ) -> Result<Option<PersonRow>> {
        let project = scope.project_id().get();
        let distinct_id = distinct_id.to_owned();
        self.with_connection(move |db| {
            let mut statement = db.prepare(&format!(
                "SELECT {PERSON_COLUMNS} FROM persons p
                 WHERE p.project_id = ? AND p.id = (SELECT d.person_id FROM person_distinct_ids d
                                                    WHERE d.project_id = ? AND d.distinct_id = ?)"
            ))?;
            let mut rows =
                statement.query_map(duckdb::params![project, project, distinct_id], person_row)?;
            rows.next().transpose()
        })
        .await
    }

    /// How many events of each name a project received since `since`.
    pub async fn event_volumes(
        &self,
        scope: &ProjectScope,
        since: DateTime<Utc>,
    ) -> Result<HashMap<String, u64>> {
        let project = scope.project_id().get();
        let since = since.naive_utc();
        self.with_connection(move |db| {
            let mut statement =
                db.prepare("SELECT event, COUNT(*) FROM events WHERE project_id = ? AND timestamp >= ? GROUP BY event")?;
            let rows = statement.query_map(duckdb::params![project, since], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64))
            })?;
            rows.collect()
        })
        .await
    }

    /// The properties sent with the project's latest `SAMPLE` events named
    /// `event`, most often sent first, with how many of those carried each.
    pub async fn properties_seen_with(
        &self,
        scope: &ProjectScope,
        event: &str,
        limit: usize,
    ) -> Result<Vec<(String, u64)>> {
        const SAMPLE: i64 = 1_000;
        let (project, event) = (scope.project_id().get(), event.to_owned());
        self.with_connection(move |db| {
            let mut statement = db.prepare(
                "SELECT key, COUNT(*) AS seen FROM (
                     SELECT unnest(json_keys(properties)) AS key FROM (
                         SELECT properties FROM events WHERE project_id = ? AND event = ?
                         ORDER BY timestamp DESC LIMIT ?))
                 GROUP BY key ORDER BY seen DESC, key LIMIT ?",
            )?;
            let rows = statement.query_map(
                duckdb::params![project, event, SAMPLE, limit as i64],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64)),
            )?;
            rows.collect()
        })
        .await
    }

    /// Whether a project has received any event.
    pub async fn has_events(&self, scope: &ProjectScope) -> Result<bool> {
        let project = scope.project_id().get();
        self.with_connection(move |db| {
            db.query_row(
                "SELECT EXISTS (SELECT 1 FROM events WHERE project_id = ?)",
                [project],
                |row| row.get::<_, bool>(0),
            )
        })
        .await
    }

    /// How many events a project has.
    pub async fn count_events(&self, scope: &ProjectScope) -> Result<u64> {
        let project = scope.project_id().get();
        self.with_connection(move |db| {
            db.query_row(
                "SELECT COUNT(*) FROM events WHERE project_id = ?",
                [project],
                |row| row.get::<_, i64>(0),
            )
            .map(|n| n as u64)
        })
        .await
    }
}

fn text_list(value: duckdb::types::Value) -> Vec<String> {
    match value {
        duckdb::types::Value::List(items) => items
            .into_iter()
            .filter_map(|item| match item {
                duckdb::types::Value::Text(text) => Some(text),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A list read a page at a time by keyset, newest first: ordered by a moment
/// and a UUID, both descending, and continued strictly after a cursor. The
/// pieces are constant SQL; every value is bound.
struct Keyset {
    /// What a row is read from.
    columns: &'static str,
    /// The ordering: a TIMESTAMP column and a UUID column.
    at: &'static str,
    id: &'static str,
}

/// What one page's queries found, before cursors are made of it.
struct Found<T> {
    /// Up to one more than the page holds: whether there is a next page.
    rows: Vec<T>,
    offset: u64,
    total: u64,
    /// Where the previous page begins, when that is not the first page.
    previous: Option<(NaiveDateTime, String)>,
}

impl Keyset {
    /// Up to `limit` (plus one) rows after `after`, the count of rows before
    /// them and of all, and where the page before begins: in one transaction,
    /// so the counts agree with the rows while events arrive.
    /// `from` is the table, aliased, with its joins (our own SQL);
    /// `matches` the list's condition with its parameters.
    fn read<T>(
        &self,
        db: &Connection,
        from: &str,
        matches: &Sql,
        after: Option<(NaiveDateTime, String)>,
        limit: usize,
        row: impl FnMut(&duckdb::Row<'_>) -> duckdb::Result<T>,
    ) -> duckdb::Result<Found<T>> {
        let Keyset { columns, at, id } = self;
        let filters: Vec<&dyn ToSql> = matches.params.iter().map(|v| v as &dyn ToSql).collect();
        let filters = &filters[..];
        let matches = &matches.text;
        let (moment, uuid) = match &after {
            Some((moment, uuid)) => (Some(*moment), Some(uuid.clone())),
            None => (None, None),
        };
        // Strictly after the cursor in the list's order; everything without one.
        let older = format!(
            "(CAST(? AS TIMESTAMP) IS NULL OR {at} < ? OR ({at} = ? AND {id} < CAST(? AS UUID)))"
        );
        // At or before the cursor in the list's order: the rows of earlier pages.
        let not_older = format!("({at} > ? OR ({at} = ? AND {id} >= CAST(? AS UUID)))");
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let page_size = i64::try_from(limit).unwrap_or(i64::MAX);

        db.execute_batch("BEGIN TRANSACTION")?;
        let keyset: [&dyn ToSql; 5] = [&moment, &moment, &moment, &uuid, &fetch];
        let params = [filters, &keyset].concat();
        let rows = db
            .prepare(&format!(
                "SELECT {columns} FROM {from} WHERE {matches} AND {older}
                 ORDER BY {at} DESC, {id} DESC LIMIT ?"
            ))?
            .query_map(&params[..], row)?
            .collect::<duckdb::Result<Vec<T>>>()?;

        let keyset: [&dyn ToSql; 3] = [&moment, &moment, &uuid];
        let params = [&keyset, filters].concat();
        let (total, offset) = db.query_row(
            &format!(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE {not_older}) FROM {from} WHERE {matches}"
            ),
            &params[..],
            |row| Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64)),
        )?;

        // The previous page is the `limit` rows just before this one; it
        // begins after the row before those, if there is one.
        let previous = if after.is_some() {
            let keyset: [&dyn ToSql; 4] = [&moment, &moment, &uuid, &page_size];
            let params = [filters, &keyset].concat();
            let mut statement = db.prepare(&format!(
                "SELECT {at}, {id}::VARCHAR FROM {from} WHERE {matches} AND {not_older}
                 ORDER BY {at}, {id} LIMIT 1 OFFSET ?"
            ))?;
            let mut found =
                statement.query_map(&params[..], |row| Ok((row.get(0)?, row.get(1)?)))?;
            found.next().transpose()?
        } else {
            None
        };
        db.execute_batch("COMMIT")?;
        Ok(Found {
            rows,
            offset,
            total,
            previous,
        })
    }
}

impl<T> Found<T> {
    /// The page of `limit` rows, its cursors made from each row's moment and
    /// UUID (`key`).
    fn into_page(self, limit: usize, key: impl Fn(&T) -> (DateTime<Utc>, &str)) -> Result<Page<T>> {
        let mut items = self.rows;
        let more = items.len() > limit;
        items.truncate(limit);
        let next = match items.last() {
            Some(last) if more => {
                let (at, id) = key(last);
                Some(Cursor::new(at, id)?)
            }
            _ => None,
        };
        let previous = self
            .previous
            .map(|(at, id)| Cursor::new(utc(at), &id))
            .transpose()?;
        Ok(Page {
            items,
            next,
            previous,
            offset: self.offset,
            total: self.total,
        })
    }
}
