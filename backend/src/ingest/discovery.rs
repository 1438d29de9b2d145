//! Notices the event names and properties a project sends, for data
//! management. Runs on the writer thread; reports a name when it is new, and
//! again at most once a minute so "last seen" stays fresh without a metadata
//! write per event.

use super::raw::NewEvent;
use chrono::{DateTime, Utc};
use domain::definitions::{PropertyKind, PropertyType};
use domain::ProjectId;
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const REFRESH: Duration = Duration::from_secs(60);

/// What one group of writes brought to light.
#[derive(Debug, Default)]
pub struct Discovered {
    pub events: Vec<(ProjectId, String, DateTime<Utc>)>,
    pub properties: Vec<(ProjectId, PropertyKind, String, Option<PropertyType>, DateTime<Utc>)>,
}

#[derive(Default)]
pub struct Discovery {
    reported: HashMap<(ProjectId, Option<PropertyKind>, String), Instant>,
    pending: Discovered,
}

impl Discovery {
    pub fn observe(&mut self, project: ProjectId, event: &NewEvent) {
        let now = Instant::now();
        if self.due(now, (project, None, event.event.clone())) {
            self.pending.events.push((project, event.event.clone(), event.timestamp));
        }
        let person = event.set.iter().chain(event.set_once.iter()).map(|kv| (PropertyKind::Person, kv));
        let properties = event.properties.iter().map(|kv| (PropertyKind::Event, kv)).chain(person);
        for (kind, (name, value)) in properties {
            if self.due(now, (project, Some(kind), name.clone())) {
                self.pending.properties.push((project, kind, name.clone(), infer_type(value), event.timestamp));
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

    /// What to record, if anything, since the last call.
    pub fn take(&mut self) -> Option<Discovered> {
        let found = std::mem::take(&mut self.pending);
        (!found.events.is_empty() || !found.properties.is_empty()).then_some(found)
    }

    /// Forgets what was reported (after a failed write), so it is reported again.
    pub fn forget(&mut self) {
        self.reported.clear();
        self.pending = Discovered::default();
    }
}

/// The type a property value suggests.
pub fn infer_type(value: &Value) -> Option<PropertyType> {
    match value {
        Value::Bool(_) => Some(PropertyType::Boolean),
        Value::Number(_) => Some(PropertyType::Numeric),
        Value::String(text) if chrono::DateTime::parse_from_rfc3339(text).is_ok() => Some(PropertyType::DateTime),
        Value::String(_) => Some(PropertyType::String),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn property_types_are_inferred_from_values() {
        assert_eq!(infer_type(&json!(true)), Some(PropertyType::Boolean));
        assert_eq!(infer_type(&json!(4.5)), Some(PropertyType::Numeric));
        assert_eq!(infer_type(&json!("2026-01-01T10:00:00Z")), Some(PropertyType::DateTime));
        assert_eq!(infer_type(&json!("Chrome")), Some(PropertyType::String));
        assert_eq!(infer_type(&json!({"a": 1})), None);
    }
}
