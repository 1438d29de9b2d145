//! Events as the PostHog SDKs send them, and their normalization into
//! [`NewEvent`]s: one distinct id, one time, person properties gathered.

use chrono::{DateTime, Datelike, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// One event object of a capture request (PostHog's `RawEvent`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawEvent {
    #[serde(default, alias = "$token", alias = "api_key")]
    pub token: Option<String>,
    #[serde(default, alias = "$distinct_id")]
    pub distinct_id: Option<Value>,
    #[serde(default)]
    pub uuid: Option<String>,
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default)]
    pub properties: Map<String, Value>,
    #[serde(default)]
    pub timestamp: Option<String>,
    /// Milliseconds before receipt; any JSON number (`1500`, `1.5e3`).
    #[serde(default)]
    pub offset: Option<f64>,
    #[serde(default, rename = "$set")]
    pub set: Option<Map<String, Value>>,
    #[serde(default, rename = "$set_once")]
    pub set_once: Option<Map<String, Value>>,
}

impl RawEvent {
    /// The project token this event names itself, if any.
    pub fn token(&self) -> Option<&str> {
        self.token
            .as_deref()
            .or_else(|| self.properties.get("token").and_then(Value::as_str))
    }
}

/// An event ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub uuid: Uuid,
    pub event: String,
    pub distinct_id: String,
    pub timestamp: DateTime<Utc>,
    pub properties: Map<String, Value>,
    /// Person properties to set (`$set`), top-level values winning over
    /// `properties.$set`.
    pub set: Map<String, Value>,
    /// Person properties to set only when absent (`$set_once`).
    pub set_once: Map<String, Value>,
}

/// Why an event cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("event {0} has no event name")]
    MissingEventName(usize),
    #[error("event {0} has no distinct_id")]
    MissingDistinctId(usize),
    #[error("event {0} has an invalid uuid")]
    InvalidUuid(usize),
    /// A time or offset that puts the event before the year 0, or past what
    /// a time can hold.
    #[error("event {0} has an out-of-range {1}")]
    OutOfRange(usize, &'static str),
}

/// The longest distinct id kept; longer ones are cut, as PostHog does.
const MAX_DISTINCT_ID_CHARS: usize = 200;

/// Properties that hold a distinct id (or a device, session or window id),
/// cut like distinct ids. `alias` only names an id on `$create_alias`.
const ID_PROPERTIES: [&str; 4] = [
    "$anon_distinct_id",
    "$device_id",
    "$session_id",
    "$window_id",
];

/// How far past receipt an event's time may be; later times are a wrong
/// client clock, and the time of receipt is used instead (PostHog's rule).
const MAX_AHEAD: TimeDelta = TimeDelta::hours(23);

/// Turns the events of one request into storable events. `now` is when the
/// request arrived, `sent_at` when the client says it sent it.
pub fn normalize(
    raw: Vec<RawEvent>,
    now: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
) -> Result<Vec<NewEvent>, EventError> {
    raw.into_iter()
        .enumerate()
        .map(|(index, event)| normalize_one(index, event, now, sent_at))
        .collect()
}

fn normalize_one(
    index: usize,
    mut raw: RawEvent,
    now: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
) -> Result<NewEvent, EventError> {
    let event = raw
        .event
        .take()
        .filter(|e| !e.is_empty())
        .ok_or(EventError::MissingEventName(index))?;
    let distinct_id = raw
        .distinct_id
        .take()
        .filter(|v| !v.is_null())
        .or_else(|| raw.properties.get("distinct_id").cloned())
        .and_then(|value| distinct_id_text(&value))
        .ok_or(EventError::MissingDistinctId(index))?;
    let uuid = match raw.uuid.as_deref().filter(|u| !u.is_empty()) {
        Some(text) => Uuid::parse_str(text).map_err(|_| EventError::InvalidUuid(index))?,
        None => Uuid::now_v7(),
    };
    // `as` saturates, so a huge offset stays huge and is refused below.
    let offset = raw.offset.map(|ms| ms.round() as i64);
    let timestamp = event_time(raw.timestamp.as_deref(), offset, now, sent_at)
        .map_err(|field| EventError::OutOfRange(index, field))?;
    for key in ID_PROPERTIES {
        cut_id(raw.properties.get_mut(key));
    }
    if event == "$create_alias" {
        cut_id(raw.properties.get_mut("alias"));
    }
    let mut set = take_object(&mut raw.properties, "$set");
    set.extend(raw.set.take().unwrap_or_default());
    let mut set_once = take_object(&mut raw.properties, "$set_once");
    set_once.extend(raw.set_once.take().unwrap_or_default());
    Ok(NewEvent {
        uuid,
        event,
        distinct_id,
        timestamp,
        properties: raw.properties,
        set,
        set_once,
    })
}

/// Strings stay as they are; numbers and other values are written as JSON.
fn distinct_id_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => id_text(s),
        Value::Null => return None,
        other => id_text(&other.to_string()),
    };
    (!text.trim().is_empty()).then_some(text)
}

fn cut_id(value: Option<&mut Value>) {
    if let Some(Value::String(text)) = value {
        if text.contains('\0') || text.chars().nth(MAX_DISTINCT_ID_CHARS).is_some() {
            *text = id_text(text);
        }
    }
}

fn id_text(text: &str) -> String {
    text.chars()
        .take(MAX_DISTINCT_ID_CHARS)
        .map(|c| if c == '\0' { '\u{FFFD}' } else { c })
        .collect()
}

fn take_object(properties: &mut Map<String, Value>, key: &str) -> Map<String, Value> {
    match properties.remove(key) {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// PostHog's rule: a client timestamp is corrected for the client's clock
/// skew (`now - sent_at`); without a timestamp, `offset` milliseconds before
/// receipt; otherwise the time of receipt. A time more than 23 hours ahead of
/// receipt becomes the time of receipt. A time before the year 0 is refused,
/// naming the field it came from.
pub fn event_time(
    timestamp: Option<&str>,
    offset_ms: Option<i64>,
    now: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, &'static str> {
    let (time, field) = match (timestamp.and_then(parse_time), sent_at) {
        (Some(timestamp), Some(sent_at)) => {
            (now.checked_add_signed(timestamp - sent_at), "timestamp")
        }
        (Some(timestamp), None) => (Some(timestamp), "timestamp"),
        (None, _) => match offset_ms {
            Some(offset) => (
                TimeDelta::try_milliseconds(offset).and_then(|o| now.checked_sub_signed(o)),
                "offset",
            ),
            None => (Some(now), "timestamp"),
        },
    };
    match time {
        Some(time) if time - now > MAX_AHEAD => Ok(now),
        Some(time) if time.year() >= 0 => Ok(time),
        _ => Err(field),
    }
}

pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(value: Value) -> RawEvent {
        serde_json::from_value(value).unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        parse_time(text).unwrap()
    }

    #[test]
    fn a_client_clock_that_runs_ahead_is_corrected() {
        let now = at("2026-01-01T12:00:00Z");
        // The client's clock is 10 minutes fast; the event happened 5 s before sending.
        let time = event_time(
            Some("2026-01-01T12:09:55Z"),
            None,
            now,
            Some(at("2026-01-01T12:10:00Z")),
        );
        assert_eq!(time, Ok(at("2026-01-01T11:59:55Z")));
    }

    #[test]
    fn without_sent_at_the_timestamp_is_taken_as_is_and_offset_counts_back_from_receipt() {
        let now = at("2026-01-01T12:00:00Z");
        assert_eq!(
            event_time(Some("2025-12-31T08:00:00+01:00"), None, now, None),
            Ok(at("2025-12-31T07:00:00Z"))
        );
        assert_eq!(
            event_time(None, Some(1500), now, None),
            Ok(at("2026-01-01T11:59:58.5Z"))
        );
        assert_eq!(event_time(None, None, now, None), Ok(now));
    }

    #[test]
    fn a_time_more_than_23_hours_ahead_of_receipt_becomes_the_time_of_receipt() {
        let now = at("2026-01-01T12:00:00Z");
        let ahead = |timestamp, offset| event_time(timestamp, offset, now, None);
        assert_eq!(ahead(Some("9999-12-31T23:59:59Z"), None), Ok(now));
        assert_eq!(ahead(None, Some(-86_400_000)), Ok(now));
        assert_eq!(
            event_time(
                Some("9999-01-01T00:00:00Z"),
                None,
                now,
                Some(at("2026-01-01T00:00:00Z"))
            ),
            Ok(now)
        );
        // Less than 23 hours ahead is a plausible clock difference, kept.
        assert_eq!(
            ahead(Some("2026-01-02T10:00:00Z"), None),
            Ok(at("2026-01-02T10:00:00Z"))
        );
    }

    #[test]
    fn an_offset_or_timestamp_that_overflows_is_refused_naming_the_field() {
        let now = Utc::now();
        let refused =
            |event: Value| normalize(vec![raw(event)], now, Some(at("9999-12-31T00:00:00Z")));
        for offset in [json!(9e18), json!(-1e300), json!(i64::MIN), json!(u64::MAX)] {
            assert_eq!(
                refused(json!({"event": "a", "distinct_id": "u", "offset": offset})),
                Err(EventError::OutOfRange(0, "offset")),
                "{offset}"
            );
        }
        let fraction = normalize(
            vec![raw(
                json!({"event": "a", "distinct_id": "u", "offset": 1500.4}),
            )],
            at("2026-01-01T12:00:00Z"),
            None,
        );
        assert_eq!(fraction.unwrap()[0].timestamp, at("2026-01-01T11:59:58.5Z"));
        let before_year_0 =
            refused(json!({"event": "a", "distinct_id": "u", "timestamp": "0001-01-01T00:00:00Z"}));
        assert_eq!(before_year_0, Err(EventError::OutOfRange(0, "timestamp")));
        assert_eq!(
            before_year_0.unwrap_err().to_string(),
            "event 0 has an out-of-range timestamp"
        );
    }

    #[test]
    fn distinct_ids_and_the_ids_that_name_persons_are_cut_to_200_characters() {
        let long = "x".repeat(1000);
        let events = normalize(
            vec![
                raw(json!({"event": "$identify", "distinct_id": long, "properties": {
                    "$anon_distinct_id": long, "$device_id": long, "$session_id": long, "alias": long
                }})),
                raw(json!({"event": "$create_alias", "distinct_id": "u", "properties": {"alias": long}})),
            ],
            Utc::now(),
            None,
        )
        .unwrap();
        let cut = "x".repeat(200);
        assert_eq!(events[0].distinct_id, cut);
        for key in ["$anon_distinct_id", "$device_id", "$session_id"] {
            assert_eq!(events[0].properties[key], json!(cut), "{key}");
        }
        // `alias` names an id only on $create_alias; elsewhere it is the customer's own property.
        assert_eq!(events[0].properties["alias"], json!(long));
        assert_eq!(events[1].properties["alias"], json!(cut));
    }

    #[test]
    fn the_distinct_id_is_found_where_each_sdk_puts_it_and_numbers_become_text() {
        let now = Utc::now();
        let events = normalize(
            vec![
                raw(json!({"event": "a", "distinct_id": "top"})),
                raw(json!({"event": "b", "$distinct_id": 42})),
                raw(json!({"event": "c", "properties": {"distinct_id": "in-props"}})),
            ],
            now,
            None,
        )
        .unwrap();
        let ids: Vec<_> = events.iter().map(|e| e.distinct_id.as_str()).collect();
        assert_eq!(ids, ["top", "42", "in-props"]);
    }

    #[test]
    fn events_without_a_name_or_distinct_id_are_refused_with_their_position() {
        let now = Utc::now();
        let missing_name = normalize(vec![raw(json!({"distinct_id": "x"}))], now, None);
        let missing_id = normalize(
            vec![
                raw(json!({"event": "a"})),
                raw(json!({"event": "a", "distinct_id": ""})),
            ],
            now,
            None,
        );
        assert_eq!(missing_name, Err(EventError::MissingEventName(0)));
        assert_eq!(missing_id, Err(EventError::MissingDistinctId(0)));
    }

    #[test]
    fn top_level_set_wins_over_set_in_properties() {
        let event = normalize(
            vec![raw(json!({
                "event": "$identify", "distinct_id": "u",
                "$set": {"plan": "pro"},
                "properties": {"$set": {"plan": "free", "email": "a@b.c"}, "$set_once": {"first": 1}}
            }))],
            Utc::now(),
            None,
        )
        .unwrap()
        .remove(0);
        assert_eq!(
            event.set,
            json!({"plan": "pro", "email": "a@b.c"})
                .as_object()
                .unwrap()
                .clone()
        );
        assert_eq!(event.set_once.get("first"), Some(&json!(1)));
        assert!(!event.properties.contains_key("$set"));
    }

    #[test]
    fn a_given_uuid_is_kept_and_a_missing_one_generated() {
        let given = "0194cc39-1f25-7000-8000-000000000001";
        let events = normalize(
            vec![
                raw(json!({"event": "a", "distinct_id": "u", "uuid": given})),
                raw(json!({"event": "a", "distinct_id": "u", "uuid": ""})),
            ],
            Utc::now(),
            None,
        )
        .unwrap();
        assert_eq!(events[0].uuid.to_string(), given);
        assert_ne!(events[1].uuid, Uuid::nil());
        assert_eq!(
            normalize(
                vec![raw(
                    json!({"event": "a", "distinct_id": "u", "uuid": "nope"})
                )],
                Utc::now(),
                None
            ),
            Err(EventError::InvalidUuid(0))
        );
    }
}
