//! Reading events and persons back.

use super::EventsStore;
use crate::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use domain::ProjectId;
use serde_json::{Map, Value};

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
        project: ProjectId,
        event: Option<String>,
        property: Option<(String, String)>,
        limit: usize,
    ) -> Result<Vec<EventRow>> {
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
            let rows = statement.query_map(params, |row| {
                Ok(EventRow {
                    uuid: row.get(0)?,
                    event: row.get(1)?,
                    distinct_id: row.get(2)?,
                    person_id: row.get(3)?,
                    timestamp: utc(row.get(4)?),
                    properties: object(row.get(5)?),
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// The person a distinct id belongs to now, if any.
    pub async fn person_by_distinct_id(&self, project: ProjectId, distinct_id: &str) -> Result<Option<PersonRow>> {
        let distinct_id = distinct_id.to_owned();
        self.with_connection(move |db| {
            let mut statement = db.prepare(
                "SELECT p.id::VARCHAR, p.properties::VARCHAR, p.is_identified, p.created_at,
                        (SELECT list(d2.distinct_id ORDER BY d2.distinct_id) FROM person_distinct_ids d2
                         WHERE d2.project_id = p.project_id AND d2.person_id = p.id)::VARCHAR[]
                 FROM person_distinct_ids d
                 JOIN persons p ON p.project_id = d.project_id AND p.id = d.person_id
                 WHERE d.project_id = ? AND d.distinct_id = ?",
            )?;
            let mut rows = statement.query_map(duckdb::params![project, distinct_id], |row| {
                let ids: duckdb::types::Value = row.get(4)?;
                Ok(PersonRow {
                    id: row.get(0)?,
                    properties: object(row.get(1)?),
                    is_identified: row.get(2)?,
                    created_at: utc(row.get(3)?),
                    distinct_ids: text_list(ids),
                })
            })?;
            rows.next().transpose()
        })
        .await
    }

    /// How many events a project has.
    pub async fn count_events(&self, project: ProjectId) -> Result<u64> {
        self.with_connection(move |db| {
            db.query_row("SELECT COUNT(*) FROM events WHERE project_id = ?", [project], |row| row.get::<_, i64>(0))
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
