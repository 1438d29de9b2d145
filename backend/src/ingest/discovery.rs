//! Notices the event names and properties a project sends, for data
//! management. Runs on the writer thread. Event names are tallied with the
//! earliest and latest time seen and reported when a new one appears or a
//! minute has passed; properties are reported when new and then at most once
//! a minute. So "last seen" stays fresh without a metadata write per event.

use super::raw::NewEvent;
use chrono::{DateTime, Utc};
use domain::definitions::{PropertyKind, PropertyType};
use domain::ProjectId;
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const REFRESH: Duration = Duration::from_secs(60);

/// What the writes since the last report brought to light.
#[derive(Debug, Default)]
pub struct Discovered {
    /// (project, name, first seen, last seen)
    pub events: Vec<(ProjectId, String, DateTime<Utc>, DateTime<Utc>)>,
    pub properties: Vec<(
        ProjectId,
        PropertyKind,
        String,
        Option<PropertyType>,
        DateTime<Utc>,
    )>,
}

pub struct Discovery {
    reported: HashMap<(ProjectId, Option<PropertyKind>, String), Instant>,
    /// Event names seen since the last report, with their time span.
    events: HashMap<(ProjectId, String), (DateTime<Utc>, DateTime<Utc>)>,
    new_event: bool,
    last_report: Instant,
    pending: Discovered,
}

impl Default for Discovery {
    fn default() -> Self {
        Self {
            reported: HashMap::new(),
            events: HashMap::new(),
            new_event: false,
            last_report: Instant::now(),
            pending: Discovered::default(),
        }
    }
}

impl Discovery {
    pub fn observe(&mut self, project: ProjectId, event: &NewEvent) {
        let now = Instant::now();
        let at = event.timestamp;
        match self.events.get_mut(&(project, event.event.clone())) {
            Some((first, last)) => {
                *first = (*first).min(at);
                *last = (*last).max(at);
            }
            None => {
                self.events.insert((project, event.event.clone()), (at, at));
                if !self
                    .reported
                    .contains_key(&(project, None, event.event.clone()))
                {
                    self.reported
                        .insert((project, None, event.event.clone()), now);
                    self.new_event = true;
                }
            }
        }
        let person = event
            .set
            .iter()
            .chain(event.set_once.iter())
            .map(|kv| (PropertyKind::Person, kv));
        let properties = event
            .properties
            .iter()
            .map(|kv| (PropertyKind::Event, kv))
            .chain(person);
        for (kind, (name, value)) in properties {
            if self.due(now, (project, Some(kind), name.clone())) {
                self.pending.properties.push((
                    project,
                    kind,
                    name.clone(),
                    infer_type(value),
                    event.timestamp,
                ));
            }
        }
    }

    fn due(&mut self, now: Instant, key: (ProjectId, Option<PropertyKind>, String)) -> bool {
        match self.reported.get(&key) {
            Some(at) if now.duration_since(*at) < REFRESH => false,
            _ => {
                self.reported.insert(key, now);
                true
            }
        }
    }

    /// What to record, if anything is due.
    pub fn take(&mut self) -> Option<Discovered> {
        if self.new_event || self.last_report.elapsed() >= REFRESH {
            self.pending.events = self
                .events
                .drain()
                .map(|((project, name), (first, last))| (project, name, first, last))
                .collect();
            self.new_event = false;
            self.last_report = Instant::now();
        }
        let found = std::mem::take(&mut self.pending);
        (!found.events.is_empty() || !found.properties.is_empty()).then_some(found)
    }

    /// Forgets what was reported (after a failed write), so it is reported again.
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

/// The type a property value suggests.
pub fn infer_type(value: &Value) -> Option<PropertyType> {
    match value {
        Value::Bool(_) => Some(PropertyType::Boolean),
        Value::Number(_) => Some(PropertyType::Numeric),
        Value::String(text) if chrono::DateTime::parse_from_rfc3339(text).is_ok() => {
            Some(PropertyType::DateTime)
        }
        Value::String(_) => Some(PropertyType::String),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(name: &str, at: &str) -> NewEvent {
        NewEvent {
            uuid: uuid::Uuid::now_v7(),
            event: name.into(),
            distinct_id: "u".into(),
            timestamp: at.parse().unwrap(),
            properties: json!({"plan": "pro"}).as_object().unwrap().clone(),
            set: Default::default(),
            set_once: Default::default(),
        }
    }

    #[test]
    fn a_new_event_name_is_reported_with_the_span_of_times_seen() {
        let mut discovery = Discovery::default();
        discovery.observe(1, &event("a", "2026-01-02T00:00:00Z"));
        discovery.observe(1, &event("a", "2026-01-01T00:00:00Z"));
        discovery.observe(1, &event("a", "2026-01-03T00:00:00Z"));

        let found = discovery.take().unwrap();
        assert_eq!(found.events.len(), 1);
        let (_, name, first, last) = &found.events[0];
        assert_eq!(
            (name.as_str(), first.to_rfc3339(), last.to_rfc3339()),
            (
                "a",
                "2026-01-01T00:00:00+00:00".into(),
                "2026-01-03T00:00:00+00:00".into()
            )
        );
        assert_eq!(found.properties.len(), 1);

        // Known names and properties wait for the next minute.
        discovery.observe(1, &event("a", "2026-01-04T00:00:00Z"));
        assert!(discovery.take().is_none());
    }

    #[test]
    fn property_types_are_inferred_from_values() {
        assert_eq!(infer_type(&json!(true)), Some(PropertyType::Boolean));
        assert_eq!(infer_type(&json!(4.5)), Some(PropertyType::Numeric));
        assert_eq!(
            infer_type(&json!("2026-01-01T10:00:00Z")),
            Some(PropertyType::DateTime)
        );
        assert_eq!(infer_type(&json!("Chrome")), Some(PropertyType::String));
        assert_eq!(infer_type(&json!({"a": 1})), None);
    }
}
