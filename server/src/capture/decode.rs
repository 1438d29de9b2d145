//! Decoding capture requests exactly as the PostHog SDKs send them: JSON,
//! form bodies with `data=`, base64, gzip (by hint or by its magic bytes),
//! LZ-string, and the three body shapes (array, batch envelope, one event).

use backend::ingest::raw::{parse_time, RawEvent};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Deserialize;
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
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the request has no payload")]
    Empty,
    #[error("the payload is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the payload could not be decoded: {0}")]
    Malformed(String),
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
            let words = lz_str::decompress_from_base64(text.trim())
                .ok_or_else(|| DecodeError::Malformed("invalid LZ-string data".into()))?;
            String::from_utf16(&words)
                .map_err(|e| DecodeError::Malformed(e.to_string()))?
                .into_bytes()
        }
        Some(Compression::Base64) => base64_decode(&payload)?,
        _ if !is_gzip(&payload) && looks_like_base64(&payload) => base64_decode(&payload)?,
        _ => payload,
    };
    if hint == Some(Compression::Gzip) || is_gzip(&bytes) {
        bytes = gunzip(&bytes, limit)?;
    }
    // Legacy SDKs sometimes base64 the JSON once more.
    if looks_like_base64(&bytes) {
        bytes = base64_decode(&bytes)?;
    }
    if bytes.len() > limit {
        return Err(DecodeError::TooLarge(limit));
    }
    parse(&bytes, hints.sent_at_ms)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Body {
    Batch {
        #[serde(alias = "token")]
        api_key: Option<String>,
        batch: Vec<RawEvent>,
        #[serde(default)]
        sent_at: Option<String>,
    },
    Array(Vec<RawEvent>),
    One(Box<RawEvent>),
}

fn parse(bytes: &[u8], sent_at_ms: Option<i64>) -> Result<Decoded, DecodeError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| DecodeError::Malformed(format!("invalid JSON: {e}")))?;
    if !value.is_object() && !value.is_array() {
        return Err(DecodeError::Malformed(
            "expected an event, an array of events or a batch".into(),
        ));
    }
    let body: Body =
        serde_json::from_value(value).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    let query_sent_at = sent_at_ms
        .filter(|ms| *ms > 1_609_459_200_000) // values from 2020 or before are seconds, not ms
        .and_then(DateTime::<Utc>::from_timestamp_millis);
    let (token, sent_at, events) = match body {
        Body::Batch {
            api_key,
            batch,
            sent_at,
        } => {
            let token = api_key.or_else(|| single_token(&batch).ok().flatten());
            (token, sent_at.as_deref().and_then(parse_time), batch)
        }
        Body::Array(events) => (single_token(&events)?, None, events),
        Body::One(event) => (event.token().map(str::to_owned), None, vec![*event]),
    };
    if events.is_empty() {
        return Err(DecodeError::EmptyBatch);
    }
    let token = validate_token(token.ok_or(DecodeError::NoToken)?)?;
    Ok(Decoded {
        token,
        sent_at: sent_at.or(query_sent_at),
        events,
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

fn base64_decode(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let trimmed = bytes.trim_ascii();
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
}
