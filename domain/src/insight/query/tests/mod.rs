//! What the query model promises: the JSON it reads and writes, the limits
//! it refuses, the parts it gives access to and the names of its choices.

mod filters;
mod json;
mod limits;
mod names;
mod parts;

use super::*;
use serde_json::{json, Value};

fn check(value: Value) -> Result<InsightQuery, Invalid> {
    InsightQuery::from_json(&value.to_string())
}

fn filter(value: Value, operator: &str) -> Value {
    json!({"key": "$browser", "value": value, "operator": operator, "type": "event"})
}

fn trend_with(series_filters: Vec<Value>, global: Vec<Value>) -> Value {
    json!({"kind": "TrendsQuery",
           "series": [{"kind": "EventsNode", "event": "$pageview", "properties": series_filters}],
           "properties": global})
}

fn step(event: &str) -> Value {
    json!({"kind": "EventsNode", "event": event})
}

/// The field a refused query names.
fn refused(value: Value) -> String {
    check(value).expect_err("refused").field
}
