//! Reading events and persons back.

use super::EventsStore;
use crate::{ProjectScope, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
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

const PERSON_SELECT: &str =
    "SELECT p.id::VARCHAR, p.properties::VARCHAR, p.is_identified, p.created_at,
        (SELECT list(d2.distinct_id ORDER BY d2.distinct_id) FROM person_distinct_ids d2
         WHERE d2.project_id = p.project_id AND d2.person_id = p.id)::VARCHAR[]
     FROM persons p";

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
    /// The newest events of a project, newest first, optionally only those of
    /// one name and with one property equal to a value.
    pub async fn latest_events(
        &self,
        scope: &ProjectScope,
        event: Option<String>,
        property: Option<(String, String)>,
        limit: usize,
    ) -> Result<Vec<EventRow>> {
        let project = scope.project_id().get();
        let (path, value) = match property {
            Some((key, value)) => (Some(json_path(&key)), Some(value)),
            None => (None, None),
        };
        self.with_connection(move |db| {
            let mut statement = db.prepare(
                "SELECT e.uuid::VARCHAR, e.event, e.distinct_id,
                        COALESCE(o.new_person_id, e.person_id)::VARCHAR, e.timestamp, e.properties::VARCHAR
                 FROM events e
                 LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
                 WHERE e.project_id = ? AND (? IS NULL OR e.event = ?)
                   AND (? IS NULL OR json_extract_string(e.properties, ?) = ?)
                 ORDER BY e.timestamp DESC
                 LIMIT ?",
            )?;
            let params = duckdb::params![project, event, event, path, path, value, limit as i64];
            let rows = statement.query_map(params, event_row)?;
            rows.collect()
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
            let mut statement = db.prepare(
                "SELECT e.uuid::VARCHAR, e.event, e.distinct_id,
                        COALESCE(o.new_person_id, e.person_id)::VARCHAR, e.timestamp, e.properties::VARCHAR, e.inserted_at
                 FROM events e
                 LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
                 WHERE e.project_id = ? AND e.inserted_at > ?
                 ORDER BY e.inserted_at, e.timestamp
                 LIMIT ?",
            )?;
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
            Ok((events, newest))
        })
        .await
    }

    /// A project's persons, newest first; `search` matches distinct ids and
    /// property values.
    pub async fn persons(
        &self,
        scope: &ProjectScope,
        search: Option<String>,
        limit: usize,
    ) -> Result<Vec<PersonRow>> {
        let project = scope.project_id().get();
        let pattern = search
            .filter(|s| !s.trim().is_empty())
            .map(|s| format!("%{}%", s.trim()));
        self.with_connection(move |db| {
            let mut statement = db.prepare(&format!(
                "{PERSON_SELECT}
                 WHERE p.project_id = ?
                   AND (? IS NULL OR p.properties::VARCHAR ILIKE ? OR EXISTS (
                        SELECT 1 FROM person_distinct_ids d WHERE d.project_id = p.project_id
                        AND d.person_id = p.id AND d.distinct_id ILIKE ?))
                 ORDER BY p.created_at DESC
                 LIMIT ?"
            ))?;
            let rows = statement.query_map(
                duckdb::params![project, pattern, pattern, pattern, limit as i64],
                person_row,
            )?;
            rows.collect()
        })
        .await
    }

    /// One person of a project.
    pub async fn person(&self, scope: &ProjectScope, id: &str) -> Result<Option<PersonRow>> {
        let project = scope.project_id().get();
        let id = id.to_owned();
        self.with_connection(move |db| {
            let mut statement = db.prepare(&format!(
                "{PERSON_SELECT} WHERE p.project_id = ? AND p.id::VARCHAR = ?"
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
            let mut statement = db.prepare(
                "SELECT e.uuid::VARCHAR, e.event, e.distinct_id,
                        COALESCE(o.new_person_id, e.person_id)::VARCHAR AS person, e.timestamp, e.properties::VARCHAR
                 FROM events e
                 LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
                 WHERE e.project_id = ? AND COALESCE(o.new_person_id, e.person_id)::VARCHAR = ?
                 ORDER BY e.timestamp DESC
                 LIMIT ?",
            )?;
            let rows = statement.query_map(duckdb::params![project, person, limit as i64], event_row)?;
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
                "{PERSON_SELECT}
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

/// A JSON path to one top-level key, whatever characters the key holds.
fn json_path(key: &str) -> String {
    format!("$.\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
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
