//! Notices the event names and properties a project sends, for data
//! management. Runs on the writer thread. Event names are tallied with the
//! earliest and latest time seen and reported when a new one appears or a
//! minute has passed; properties are reported when new and then at most once
//! a minute. So "last seen" stays fresh without a metadata write per event.
//!
//! Both what is remembered and what waits to be reported are bounded, so a
//! flood of made-up names costs some repeated reports, never unbounded memory.

use super::raw::NewEvent;
use chrono::{DateTime, Utc};
use domain::definitions::{PropertyKind, PropertyType};
use domain::ProjectId;
use lru::LruCache;
use serde_json::Value;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

const REFRESH: Duration = Duration::from_secs(60);

/// Definitions remembered as reported; the least recently seen beyond this
/// are forgotten, and reported again when next seen.
const REMEMBERED: NonZeroUsize = NonZeroUsize::new(100_000).unwrap();

/// Event names, and separately properties, waiting to be reported; beyond
/// this, new ones are left for a later sighting (and counted in a warning).
const PENDING: usize = 10_000;

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

type Reported = (ProjectId, Option<PropertyKind>, String);

/// Properties due to be reported, with their inferred type and time.
type PendingProperties =
    HashMap<(ProjectId, PropertyKind, String), (Option<PropertyType>, DateTime<Utc>)>;

pub struct Discovery {
    reported: LruCache<Reported, Instant>,
    /// Event names seen since the last report, with their time span.
    events: HashMap<(ProjectId, String), (DateTime<Utc>, DateTime<Utc>)>,
    properties: PendingProperties,
    new_event: bool,
    last_report: Instant,
    /// Sightings left for later because too many were pending.
    deferred: u64,
}

impl Default for Discovery {
    fn default() -> Self {
        Self {
            reported: LruCache::new(REMEMBERED),
            events: HashMap::new(),
            properties: HashMap::new(),
            new_event: false,
            last_report: Instant::now(),
            deferred: 0,
        }
    }
}

impl Discovery {
    pub fn observe(&mut self, project: ProjectId, event: &NewEvent) {
        let now = Instant::now();
        let at = event.timestamp;
        let pending = self.events.len();
        match self.events.get_mut(&(project, event.event.clone())) {
            Some((first, last)) => {
                *first = (*first).min(at);
                *last = (*last).max(at);
            }
            None if pending >= PENDING => {
                self.defer((project, None, event.event.clone()));
            }
            None => {
                self.events.insert((project, event.event.clone()), (at, at));
                let key = (project, None, event.event.clone());
                if self.reported.get(&key).is_none() {
                    self.reported.put(key, now);
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
            let key = (project, Some(kind), name.clone());
            if !self.due(now, &key) {
                continue;
            }
            let pending = (project, kind, name.clone());
            if self.properties.len() >= PENDING && !self.properties.contains_key(&pending) {
                self.defer(key);
            } else {
                self.properties.insert(pending, (infer_type(value), at));
            }
        }
    }

    fn due(&mut self, now: Instant, key: &Reported) -> bool {
        match self.reported.get(key) {
            Some(at) if now.duration_since(*at) < REFRESH => false,
            _ => {
                self.reported.put(key.clone(), now);
                true
            }
        }
    }

    /// Leaves a definition for its next sighting: forgetting it was reported
    /// makes that sighting report it.
    fn defer(&mut self, key: Reported) {
        self.reported.pop(&key);
        self.deferred += 1;
    }

    /// What to record, if anything is due.
    pub fn take(&mut self) -> Option<Discovered> {
        let mut found = Discovered::default();
        if self.new_event || self.last_report.elapsed() >= REFRESH {
            found.events = self
                .events
                .drain()
                .map(|((project, name), (first, last))| (project, name, first, last))
                .collect();
            self.new_event = false;
            self.last_report = Instant::now();
        }
        found.properties = self
            .properties
            .drain()
            .map(|((project, kind, name), (kind_type, at))| (project, kind, name, kind_type, at))
            .collect();
        if self.deferred > 0 {
            tracing::warn!(
                deferred = self.deferred,
                "too many new event and property names at once; the rest are recorded when next seen"
            );
            self.deferred = 0;
        }
        (!found.events.is_empty() || !found.properties.is_empty()).then_some(found)
    }

    /// Takes back a report that could not be sent, to go out with the next
    /// one (merged with whatever is seen meanwhile).
    pub fn restore(&mut self, found: Discovered) {
        for (project, name, first, last) in found.events {
            let span = self.events.entry((project, name)).or_insert((first, last));
            *span = (span.0.min(first), span.1.max(last));
            self.new_event = true;
        }
        for (project, kind, name, kind_type, at) in found.properties {
            self.properties
                .entry((project, kind, name))
                .or_insert((kind_type, at));
        }
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
        discovery.observe(domain::ProjectId(1), &event("a", "2026-01-02T00:00:00Z"));
        discovery.observe(domain::ProjectId(1), &event("a", "2026-01-01T00:00:00Z"));
        discovery.observe(domain::ProjectId(1), &event("a", "2026-01-03T00:00:00Z"));

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
        discovery.observe(domain::ProjectId(1), &event("a", "2026-01-04T00:00:00Z"));
        assert!(discovery.take().is_none());
    }

    #[test]
    fn a_flood_of_new_names_waits_in_bounded_memory_and_the_rest_are_reported_when_next_seen() {
        let mut discovery = Discovery::default();
        let mut flood = event("a", "2026-01-01T00:00:00Z");
        flood.properties = (0..PENDING + 5)
            .map(|n| (format!("p{n}"), json!(n)))
            .collect();

        discovery.observe(domain::ProjectId(1), &flood);
        assert_eq!(discovery.take().unwrap().properties.len(), PENDING);

        discovery.observe(domain::ProjectId(1), &flood);
        let rest = discovery.take().unwrap().properties;
        assert_eq!(rest.len(), 5, "only the names left over are reported again");
    }

    #[test]
    fn a_report_that_could_not_be_sent_goes_out_merged_with_the_next() {
        let mut discovery = Discovery::default();
        discovery.observe(domain::ProjectId(1), &event("a", "2026-01-02T00:00:00Z"));
        let unsent = discovery.take().unwrap();

        discovery.restore(unsent);
        discovery.observe(domain::ProjectId(1), &event("a", "2026-01-01T00:00:00Z"));
        discovery.observe(domain::ProjectId(1), &event("b", "2026-01-03T00:00:00Z"));

        let found = discovery.take().unwrap();
        let mut events: Vec<_> = found
            .events
            .iter()
            .map(|(_, name, first, last)| (name.as_str(), first.to_rfc3339(), last.to_rfc3339()))
            .collect();
        events.sort();
        assert_eq!(
            events,
            [
                (
                    "a",
                    "2026-01-01T00:00:00+00:00".into(),
                    "2026-01-02T00:00:00+00:00".into()
                ),
                (
                    "b",
                    "2026-01-03T00:00:00+00:00".into(),
                    "2026-01-03T00:00:00+00:00".into()
                ),
            ]
        );
        assert_eq!(found.properties.len(), 1, "the restored `plan` property");
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
