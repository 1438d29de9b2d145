//! How much may wait for the writer: a bound on queued requests and one on
//! their estimated size in memory, so a few huge requests cannot queue
//! gigabytes any more than many small ones can.

use super::raw::NewEvent;
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Requests that may wait for the writer at once by default; beyond this,
/// senders are told to retry.
pub const QUEUE_CAPACITY: usize = 256;

/// Estimated bytes of events that may be queued or being written at once by
/// default.
pub const QUEUE_BYTES: usize = 256 << 20;

/// The bounds on what waits for the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    pub requests: usize,
    pub bytes: usize,
}

impl Default for QueueLimits {
    fn default() -> Self {
        Self {
            requests: QUEUE_CAPACITY,
            bytes: QUEUE_BYTES,
        }
    }
}

/// The estimated bytes of the requests accepted and not yet answered.
#[derive(Debug, Clone)]
pub struct Budget {
    queued: Arc<AtomicUsize>,
    limit: usize,
}

/// A request's share of the budget, given back when it is dropped (once the
/// writer has answered it, or dropped it unanswered).
#[derive(Debug)]
pub struct Reservation {
    queued: Arc<AtomicUsize>,
    bytes: usize,
}

impl Budget {
    pub fn new(limit: usize) -> Self {
        Self {
            queued: Arc::default(),
            limit,
        }
    }

    /// Reserves room for `events`, or `None` when that would pass the limit.
    /// An empty queue takes any one request: the capture API bounds the size
    /// of a single request, and refusing it forever would not help.
    pub fn reserve(&self, events: &[NewEvent]) -> Option<Reservation> {
        let bytes = events.iter().map(estimated_bytes).sum();
        self.queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |queued| {
                let total = queued.saturating_add(bytes);
                (queued == 0 || total <= self.limit).then_some(total)
            })
            .ok()
            .map(|_| Reservation {
                queued: self.queued.clone(),
                bytes,
            })
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.queued.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

/// Roughly what an event holds in memory: its JSON values and text.
fn estimated_bytes(event: &NewEvent) -> usize {
    std::mem::size_of::<NewEvent>()
        + event.event.len()
        + event.distinct_id.len()
        + [&event.properties, &event.set, &event.set_once]
            .into_iter()
            .map(object_bytes)
            .sum::<usize>()
}

fn object_bytes(object: &Map<String, Value>) -> usize {
    object
        .iter()
        .map(|(key, value)| std::mem::size_of::<String>() + key.len() + value_bytes(value))
        .sum()
}

fn value_bytes(value: &Value) -> usize {
    std::mem::size_of::<Value>()
        + match value {
            Value::String(text) => text.len(),
            Value::Array(items) => items.iter().map(value_bytes).sum(),
            Value::Object(object) => object_bytes(object),
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn events(count: usize, text: &str) -> Vec<NewEvent> {
        let raw = (0..count)
            .map(|_| json!({"event": "e", "distinct_id": "u", "properties": {"text": text}}))
            .collect();
        let raw = serde_json::from_value(Value::Array(raw)).unwrap();
        super::super::normalize(raw, chrono::Utc::now(), None).unwrap()
    }

    #[test]
    fn the_budget_refuses_what_would_pass_the_limit_until_earlier_requests_are_answered() {
        let small = events(1, "x");
        let big = events(10, &"x".repeat(1000));
        let bytes = |events: &[NewEvent]| events.iter().map(estimated_bytes).sum::<usize>();
        let budget = Budget::new(bytes(&big) + bytes(&small));

        let first = budget.reserve(&big).expect("room for the first request");
        assert!(budget.reserve(&big).is_none());
        let second = budget.reserve(&small).expect("a small one still fits");
        assert!(budget.reserve(&big).is_none());

        drop((first, second));
        assert!(budget.reserve(&big).is_some());
    }

    #[test]
    fn an_empty_queue_takes_one_request_larger_than_the_limit() {
        let budget = Budget::new(10);
        let held = budget.reserve(&events(5, "text"));
        assert!(held.is_some());
        assert!(budget.reserve(&events(1, "")).is_none());
    }

    #[test]
    fn the_estimate_grows_with_the_text_and_nesting_of_properties() {
        let [short, long] =
            [events(1, "x"), events(1, &"x".repeat(10_000))].map(|e| estimated_bytes(&e[0]));
        assert_eq!(long - short, 9_999);
        assert!(value_bytes(&json!({"a": {"b": [1, 2]}})) > value_bytes(&json!({"a": 1})));
    }
}
