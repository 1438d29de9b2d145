//! Decoding capture requests exactly as the PostHog SDKs send them: JSON,
//! form bodies with `data=`, base64, gzip (by hint or by its magic bytes),
//! LZ-string, and the three body shapes (array, batch envelope, one event).

use super::lz_string::{self, LzError};
use super::text;
use backend::ingest::raw::{parse_time, RawEvent};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::io::Read;

/// Where the SDK may have put hints about the body's encoding.
#[derive(Debug, Default)]
pub struct Hints<'a> {
    /// `?compression=` (gzip, gzip-js, lz64, lz-string, base64, b64).
    pub compression: Option<&'a str>,
    /// `?data=` (legacy GET pixel requests).
    pub data: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub content_encoding: Option<&'a str>,
    /// `?_=` or `?sent_at=`: the client's send time in milliseconds.
    pub sent_at_ms: Option<i64>,
}

/// A decoded request: whose events, sent when, and the events.
#[derive(Debug)]
pub struct Decoded {
    pub token: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub events: Vec<RawEvent>,
    /// Events left out because they did not have the shape of an event.
    pub dropped: usize,
}

/// The most events one request may carry: the SDKs send at most a few
/// hundred per batch (posthog-js, -python and -node flush at 100); a
/// historical import through `/batch` is bounded by its 20 MB body anyway.
pub const MAX_EVENTS: usize = 10_000;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the request has no payload")]
    Empty,
    #[error("the payload is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the payload could not be decoded: {0}")]
    Malformed(String),
    #[error("the request has more than {0} events")]
    TooManyEvents(usize),
    #[error("the batch is empty")]
    EmptyBatch,
    #[error("event submitted without an api_key")]
    NoToken,
    #[error("events name more than one api_key")]
    MultipleTokens,
    #[error("API key is not valid: {0}")]
    BadToken(&'static str),
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Compression {
    Gzip,
    LzString,
    Base64,
}

fn compression(hint: &str) -> Option<Compression> {
    match hint.trim().to_ascii_lowercase().as_str() {
        "gzip" | "gzip-js" => Some(Compression::Gzip),
        "lz64" | "lz-string" => Some(Compression::LzString),
        "base64" | "b64" => Some(Compression::Base64),
        _ => None,
    }
}

/// Decodes `body` (at most `limit` bytes once decompressed).
pub fn decode(body: &[u8], hints: &Hints, limit: usize) -> Result<Decoded, DecodeError> {
    let mut payload: Vec<u8> = match hints.data.filter(|d| !d.is_empty()) {
        Some(data) => data.as_bytes().to_vec(),
        None => body.to_vec(),
    };
    if payload.is_empty() {
        return Err(DecodeError::Empty);
    }
    let is_form = hints
        .content_type
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let mut form_compression = None;
    if is_form {
        let mut data = None;
        for (key, value) in form_urlencoded::parse(&payload) {
            match key.as_ref() {
                "data" => data = Some(value.into_owned()),
                "compression" => form_compression = Some(value.into_owned()),
                _ => {}
            }
        }
        let data =
            data.ok_or_else(|| DecodeError::Malformed("form body without a data field".into()))?;
        // Form decoding turns base64's '+' into ' '.
        payload = if looks_like_base64(data.trim().as_bytes()) || data.contains(' ') {
            data.replace(' ', "+").into_bytes()
        } else {
            data.into_bytes()
        };
    }
    let hint = hints
        .compression
        .and_then(compression)
        .or_else(|| form_compression.as_deref().and_then(compression))
        .or_else(|| hints.content_encoding.and_then(compression));

    let mut bytes = match hint {
        Some(Compression::LzString) => {
            let text =
                std::str::from_utf8(&payload).map_err(|e| DecodeError::Malformed(e.to_string()))?;
            // Each UTF-16 unit becomes at least one byte of UTF-8.
            let words =
                lz_string::decompress_from_base64(text.trim(), limit).map_err(|e| match e {
                    LzError::TooLarge => DecodeError::TooLarge(limit),
                    LzError::Malformed => DecodeError::Malformed("invalid LZ-string data".into()),
                })?;
            String::from_utf16_lossy(&words).into_bytes()
        }
        Some(Compression::Base64) => base64_decode(&payload, limit)?,
        _ if !is_gzip(&payload) && looks_like_base64(&payload) => base64_decode(&payload, limit)?,
        _ => payload,
    };
    if hint == Some(Compression::Gzip) || is_gzip(&bytes) {
        bytes = gunzip(&bytes, limit)?;
    }
    // Legacy SDKs sometimes base64 the JSON once more.
    if looks_like_base64(&bytes) {
        bytes = base64_decode(&bytes, limit)?;
    }
    if bytes.len() > limit {
        return Err(DecodeError::TooLarge(limit));
    }
    parse(&bytes, hints.sent_at_ms)
}

fn parse(bytes: &[u8], sent_at_ms: Option<i64>) -> Result<Decoded, DecodeError> {
    let text = text::repair(bytes);
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| DecodeError::Malformed(format!("invalid JSON: {e}")))?;
    let query_sent_at = sent_at_ms
        .filter(|ms| *ms > 1_609_459_200_000) // values from 2020 or before are seconds, not ms
        .and_then(DateTime::<Utc>::from_timestamp_millis);
    let (envelope_token, sent_at, items) = match value {
        Value::Object(mut body) if body.contains_key("batch") => {
            let Value::Array(batch) = body.remove("batch").unwrap_or_default() else {
                return Err(DecodeError::Malformed("batch is not an array".into()));
            };
            let token = ["api_key", "token"]
                .iter()
                .find_map(|key| body.get(*key).and_then(Value::as_str).map(str::to_owned));
            let sent_at = body
                .get("sent_at")
                .and_then(Value::as_str)
                .and_then(parse_time);
            (token, sent_at, batch)
        }
        Value::Array(events) => (None, None, events),
        event @ Value::Object(_) => (None, None, vec![event]),
        _ => {
            return Err(DecodeError::Malformed(
                "expected an event, an array of events or a batch".into(),
            ))
        }
    };
    if items.is_empty() {
        return Err(DecodeError::EmptyBatch);
    }
    if items.len() > MAX_EVENTS {
        return Err(DecodeError::TooManyEvents(MAX_EVENTS));
    }
    // An event that does not have the shape of one is dropped, not the request.
    let total = items.len();
    let mut first_error = None;
    let events: Vec<RawEvent> = items
        .into_iter()
        .filter_map(|item| match serde_json::from_value(item) {
            Ok(event) => Some(event),
            Err(e) => {
                first_error.get_or_insert_with(|| e.to_string());
                None
            }
        })
        .collect();
    let dropped = total - events.len();
    if dropped > 0 {
        tracing::warn!(dropped, total, first = ?first_error, "capture dropped malformed events");
    }
    if events.is_empty() {
        return Err(DecodeError::Malformed(format!(
            "no valid event: {}",
            first_error.unwrap_or_default()
        )));
    }
    let token = match envelope_token {
        Some(token) => Some(token),
        None => single_token(&events)?,
    };
    let token = validate_token(token.ok_or(DecodeError::NoToken)?)?;
    Ok(Decoded {
        token,
        sent_at: sent_at.or(query_sent_at),
        events,
        dropped,
    })
}

/// The one token all events of an array name.
fn single_token(events: &[RawEvent]) -> Result<Option<String>, DecodeError> {
    let mut tokens = events.iter().filter_map(RawEvent::token);
    let first = tokens.next();
    if let Some(first) = first {
        if tokens.any(|t| t != first) {
            return Err(DecodeError::MultipleTokens);
        }
    }
    Ok(first.map(str::to_owned))
}

fn validate_token(token: String) -> Result<String, DecodeError> {
    let token = token.trim().to_owned();
    if token.is_empty() {
        Err(DecodeError::BadToken("empty"))
    } else if token.len() > 64 {
        Err(DecodeError::BadToken("too_long"))
    } else if !token.is_ascii() {
        Err(DecodeError::BadToken("not_ascii"))
    } else if token.contains('\0') {
        Err(DecodeError::BadToken("null_byte"))
    } else if token.starts_with("phx_") {
        Err(DecodeError::BadToken("personal_api_key"))
    } else {
        Ok(token)
    }
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Strict base64 (standard alphabet, optional padding), and not JSON.
fn looks_like_base64(bytes: &[u8]) -> bool {
    let trimmed = bytes.trim_ascii();
    trimmed.len() >= 4
        && !matches!(trimmed[0], b'{' | b'[')
        && trimmed
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Refuses before decoding when the result would exceed `limit` bytes.
fn base64_decode(bytes: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let trimmed = bytes.trim_ascii();
    if base64::decoded_len_estimate(trimmed.len()) > limit.saturating_add(3) {
        return Err(DecodeError::TooLarge(limit));
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine
        .decode(trimmed)
        .map_err(|e| DecodeError::Malformed(format!("invalid base64: {e}")))
}

/// Inflates gzip, refusing to produce more than `limit` bytes, so a small
/// "gzip bomb" cannot exhaust memory.
fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Malformed(format!("invalid gzip: {e}")))?;
    if out.len() > limit {
        return Err(DecodeError::TooLarge(limit));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use serde_json::json;
    use std::io::Write;

    const LIMIT: usize = 1 << 20;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn batch() -> Vec<u8> {
        json!({
            "api_key": "phc_test",
            "sent_at": "2026-01-01T12:00:00Z",
            // "~~~" and "???" encode to base64 with '+' and '/'.
            "batch": [{"event": "signed up", "distinct_id": "u1", "properties": {"plan": "pro", "note": "~~~???"}}]
        })
        .to_string()
        .into_bytes()
    }

    fn decoded(body: &[u8], hints: Hints) -> Decoded {
        decode(body, &hints, LIMIT).unwrap()
    }

    fn assert_batch(decoded: &Decoded) {
        assert_eq!(decoded.token, "phc_test");
        assert_eq!(decoded.events.len(), 1);
        assert_eq!(decoded.events[0].event.as_deref(), Some("signed up"));
        assert_eq!(decoded.sent_at, parse_time("2026-01-01T12:00:00Z"));
    }

    #[test]
    fn plain_json_batches_as_posthog_python_sends_them() {
        assert_batch(&decoded(
            &batch(),
            Hints {
                content_type: Some("application/json"),
                ..Hints::default()
            },
        ));
    }

    #[test]
    fn gzip_by_content_encoding_as_posthog_node_sends_it() {
        let body = gzip(&batch());
        assert_batch(&decoded(
            &body,
            Hints {
                content_encoding: Some("gzip"),
                ..Hints::default()
            },
        ));
    }

    #[test]
    fn gzip_without_any_hint_as_posthog_js_sends_it_as_text_plain() {
        let body = gzip(&batch());
        assert_batch(&decoded(
            &body,
            Hints {
                content_type: Some("text/plain"),
                ..Hints::default()
            },
        ));
    }

    #[test]
    fn gzip_by_query_hint() {
        let body = gzip(&batch());
        assert_batch(&decoded(
            &body,
            Hints {
                compression: Some("gzip-js"),
                ..Hints::default()
            },
        ));
    }

    #[test]
    fn base64_form_bodies_even_after_plus_signs_became_spaces() {
        let data = b64(&batch());
        assert!(
            data.contains('+') || data.contains('/'),
            "the sample should exercise the alphabet"
        );
        let damaged = data.replace('+', " ");
        let body = format!(
            "data={}&compression=base64",
            damaged.replace('/', "%2F").replace('=', "%3D")
        );
        assert_batch(&decoded(
            body.as_bytes(),
            Hints {
                content_type: Some("application/x-www-form-urlencoded"),
                ..Hints::default()
            },
        ));
    }

    #[test]
    fn lz64_form_bodies_from_old_posthog_js() {
        let text = String::from_utf8(batch()).unwrap();
        let data = lz_str::compress_to_base64(text.as_str());
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("data", &data)
            .append_pair("compression", "lz64")
            .finish();
        assert_batch(&decoded(
            body.as_bytes(),
            Hints {
                content_type: Some("application/x-www-form-urlencoded"),
                ..Hints::default()
            },
        ));
    }

    #[test]
    fn bare_base64_bodies_and_the_data_query_parameter() {
        let data = b64(&batch());
        assert_batch(&decoded(data.as_bytes(), Hints::default()));
        assert_batch(&decoded(
            b"",
            Hints {
                data: Some(&data),
                ..Hints::default()
            },
        ));
    }

    #[test]
    fn a_bare_array_takes_the_token_from_the_events() {
        let body = json!([
            {"event": "a", "properties": {"token": "phc_arr", "distinct_id": "u"}},
            {"event": "b", "properties": {"token": "phc_arr", "distinct_id": "u"}}
        ]);
        let decoded = decoded(
            body.to_string().as_bytes(),
            Hints {
                sent_at_ms: Some(1_767_268_800_000),
                ..Hints::default()
            },
        );
        assert_eq!(decoded.token, "phc_arr");
        assert_eq!(decoded.events.len(), 2);
        assert_eq!(decoded.sent_at, parse_time("2026-01-01T12:00:00Z"));
    }

    #[test]
    fn a_single_event_with_its_token_in_any_place() {
        for body in [
            json!({"event": "a", "distinct_id": "u", "token": "phc_one"}),
            json!({"event": "a", "distinct_id": "u", "$token": "phc_one"}),
            json!({"event": "a", "distinct_id": "u", "api_key": "phc_one"}),
            json!({"event": "a", "properties": {"distinct_id": "u", "token": "phc_one"}}),
        ] {
            assert_eq!(
                decoded(body.to_string().as_bytes(), Hints::default()).token,
                "phc_one",
                "{body}"
            );
        }
    }

    #[test]
    fn each_refusal_says_what_is_wrong() {
        let cases: Vec<(Vec<u8>, DecodeError)> = vec![
            (vec![], DecodeError::Empty),
            (b"{not json".to_vec(), DecodeError::Malformed(String::new())),
            (
                br#""just a string""#.to_vec(),
                DecodeError::Malformed(String::new()),
            ),
            (
                br#"{"api_key": "phc_x", "batch": []}"#.to_vec(),
                DecodeError::EmptyBatch,
            ),
            (
                br#"{"event": "a", "distinct_id": "u"}"#.to_vec(),
                DecodeError::NoToken,
            ),
            (
                br#"[{"event":"a","token":"phc_a"},{"event":"b","token":"phc_b"}]"#.to_vec(),
                DecodeError::MultipleTokens,
            ),
            (
                br#"{"event": "a", "token": "phx_personal"}"#.to_vec(),
                DecodeError::BadToken("personal_api_key"),
            ),
            (
                br#"{"event": "a", "token": "   "}"#.to_vec(),
                DecodeError::BadToken("empty"),
            ),
        ];
        for (body, expected) in cases {
            let error = decode(&body, &Hints::default(), LIMIT).unwrap_err();
            match (&error, &expected) {
                (DecodeError::Malformed(_), DecodeError::Malformed(_)) => {}
                _ => assert_eq!(error, expected, "{}", String::from_utf8_lossy(&body)),
            }
        }
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![b' '; 50 << 20]);
        assert!(bomb.len() < 100 << 10, "a small body");
        let error = decode(&bomb, &Hints::default(), 2 << 20).unwrap_err();
        assert_eq!(error, DecodeError::TooLarge(2 << 20));
    }

    #[test]
    fn an_lz_string_bomb_stops_at_the_limit() {
        let bomb = lz_str::compress_to_base64("[".repeat(3 << 20).as_str());
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("data", &bomb)
            .append_pair("compression", "lz64")
            .finish();
        let hints = Hints {
            content_type: Some("application/x-www-form-urlencoded"),
            ..Hints::default()
        };
        let error = decode(body.as_bytes(), &hints, 2 << 20).unwrap_err();
        assert_eq!(error, DecodeError::TooLarge(2 << 20));
    }

    #[test]
    fn base64_that_would_decode_past_the_limit_is_refused_before_decoding() {
        let fits = b64(&[7; 300]);
        assert_eq!(base64_decode(fits.as_bytes(), 300).unwrap(), vec![7; 300]);
        assert_eq!(
            base64_decode(b64(&[7; 400]).as_bytes(), 300),
            Err(DecodeError::TooLarge(300))
        );
        // Twice base64, as legacy SDKs send it, is bounded the same way.
        let twice = b64(b64(&batch()).as_bytes());
        assert_eq!(
            decode(twice.as_bytes(), &Hints::default(), 100).unwrap_err(),
            DecodeError::TooLarge(100)
        );
        assert_batch(&decoded(twice.as_bytes(), Hints::default()));
    }

    #[test]
    fn more_events_than_the_cap_are_refused_naming_the_cap() {
        let event = json!({"event": "e", "distinct_id": "u", "token": "phc_test"});
        let at_cap = Value::Array(vec![event.clone(); MAX_EVENTS]).to_string();
        assert_eq!(
            decoded(at_cap.as_bytes(), Hints::default()).events.len(),
            MAX_EVENTS
        );
        let over = Value::Array(vec![event; MAX_EVENTS + 1]).to_string();
        let error = decode(over.as_bytes(), &Hints::default(), LIMIT).unwrap_err();
        assert_eq!(error, DecodeError::TooManyEvents(MAX_EVENTS));
        assert!(error.to_string().contains("10000"));
    }

    #[test]
    fn a_malformed_event_is_dropped_and_the_valid_ones_beside_it_kept() {
        let body = r#"{"api_key": "phc_test", "batch": [
            {"event": "kept", "distinct_id": "u1", "properties": {"name": "a\ud800b"}},
            {"event": "dropped", "distinct_id": "u1", "properties": "not an object"},
            {"event": "kept too", "distinct_id": "u1"}
        ]}"#;
        let decoded = decoded(body.as_bytes(), Hints::default());
        assert_eq!(decoded.dropped, 1);
        let names: Vec<_> = decoded.events.iter().map(|e| e.event.as_deref()).collect();
        assert_eq!(names, [Some("kept"), Some("kept too")]);
        assert_eq!(decoded.events[0].properties["name"], "a\u{fffd}b");
        let none_valid = br#"{"event": "x", "token": "phc_test", "properties": 1}"#;
        assert!(matches!(
            decode(none_valid, &Hints::default(), LIMIT),
            Err(DecodeError::Malformed(_))
        ));
    }
}
