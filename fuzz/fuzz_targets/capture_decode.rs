//! The capture decoder on any bytes: the first byte picks the hints (query
//! compression, content type, content encoding, body or `?data=`), the rest
//! is the body. Decoding may refuse, never panic, and never return more than
//! the limit allows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use server::capture::{decode_request, Hints};

const LIMIT: usize = 64 << 10;
const COMPRESSIONS: [Option<&str>; 8] = [
    None,
    Some("gzip"),
    Some("gzip-js"),
    Some("lz64"),
    Some("lz-string"),
    Some("base64"),
    Some("b64"),
    Some("zstd"),
];
const CONTENT_TYPES: [Option<&str>; 4] = [
    None,
    Some("application/json"),
    Some("text/plain"),
    Some("application/x-www-form-urlencoded"),
];
const ENCODINGS: [Option<&str>; 4] = [None, Some("gzip"), Some("lz64"), Some("base64")];

fuzz_target!(|input: &[u8]| {
    let Some((&pick, body)) = input.split_first() else {
        return;
    };
    let as_data = pick & 0x80 != 0;
    let data = as_data.then(|| String::from_utf8_lossy(body).into_owned());
    let hints = Hints {
        compression: COMPRESSIONS[usize::from(pick & 7)],
        data: data.as_deref(),
        content_type: CONTENT_TYPES[usize::from(pick >> 3 & 3)],
        content_encoding: ENCODINGS[usize::from(pick >> 5 & 3)],
        sent_at_ms: Some(1_767_268_800_000),
    };
    let body = if as_data { &[][..] } else { body };
    if let Ok(decoded) = decode_request(body, &hints, LIMIT) {
        assert!(!decoded.events.is_empty());
        assert!(decoded.events.len() <= server::capture::MAX_EVENTS);
    }
});
