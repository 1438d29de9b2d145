//! The capture API under hostile input: whatever a stranger sends, the answer
//! is a 2xx or 4xx JSON body, quickly, and the server's memory stays bounded.
//! The server runs in this process, so its memory is this process's memory;
//! the tests here take turns so that one's allocations do not blur another's.

use base64::Engine;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const PATHS: [&str; 12] = [
    "/e",
    "/e/",
    "/i/v0/e/",
    "/batch",
    "/batch/",
    "/capture/",
    "/track",
    "/track/",
    "/engage",
    "/engage/",
    "/capture",
    "/i/v0/e",
];

/// The peak resident memory of this process, in bytes (`VmHWM`).
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        * 1024
}

struct Server {
    runtime: tokio::runtime::Runtime,
    running: testkit::Running,
    token: String,
    client: reqwest::Client,
}

fn server() -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (running, token) = runtime.block_on(async {
        let running = testkit::start().await;
        let ada = testkit::sign_up(&running.backend, "ada@example.com").await;
        let token = ada.api_key().to_owned();
        (running, token)
    });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    Server {
        runtime,
        running,
        token,
        client,
    }
}

#[derive(Debug, Clone)]
struct Attempt {
    path: &'static str,
    get: bool,
    query: String,
    content_type: Option<&'static str>,
    content_encoding: Option<&'static str>,
    body: Vec<u8>,
}

impl Server {
    /// Sends `attempt` and returns its status and JSON body, failing on a
    /// hang (the client's timeout) or a body that is not JSON.
    fn send(&self, attempt: &Attempt) -> Result<(u16, Value), String> {
        self.runtime.block_on(async {
            let url = format!("{}{}{}", self.running.address, attempt.path, attempt.query);
            let mut request = if attempt.get {
                self.client.get(url)
            } else {
                self.client.post(url).body(attempt.body.clone())
            };
            if let Some(value) = attempt.content_type {
                request = request.header("Content-Type", value);
            }
            if let Some(value) = attempt.content_encoding {
                request = request.header("Content-Encoding", value);
            }
            let response = request
                .send()
                .await
                .map_err(|e| format!("no answer: {e}"))?;
            let status = response.status().as_u16();
            let text = response.text().await.map_err(|e| e.to_string())?;
            let body = serde_json::from_str(&text)
                .map_err(|_| format!("{status} answered with a body that is not JSON: {text}"))?;
            Ok((status, body))
        })
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A valid payload in one of the shapes and encodings the SDKs use.
fn valid_payload(token: String) -> impl Strategy<Value = Vec<u8>> {
    let event = (any::<u8>(), "\\PC{0,12}").prop_map(move |(n, text)| {
        json!({"event": format!("e{n}"), "distinct_id": text, "properties": {"text": text}})
    });
    (prop::collection::vec(event, 1..4), 0..3u8, 0..4u8).prop_map(
        move |(events, shape, encoding)| {
            let body = match shape {
                0 => json!({"api_key": token, "batch": events}),
                1 => Value::Array(
                    events
                        .into_iter()
                        .map(|mut e| {
                            e["token"] = json!(token);
                            e
                        })
                        .collect(),
                ),
                _ => {
                    let mut one = events[0].clone();
                    one["api_key"] = json!(token);
                    one
                }
            }
            .to_string();
            let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
            match encoding {
                0 => body.into_bytes(),
                1 => gzip(body.as_bytes()),
                2 => b64(body.as_bytes()).into_bytes(),
                _ => form_urlencoded::Serializer::new(String::new())
                    .append_pair("data", &lz_str::compress_to_base64(body.as_str()))
                    .append_pair("compression", "lz64")
                    .finish()
                    .into_bytes(),
            }
        },
    )
}

/// `bytes` with a few bytes overwritten, and perhaps cut short.
fn mutated(bytes: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = bytes.len();
    (
        prop::collection::vec((0..len, any::<u8>()), 0..4),
        prop::option::of(0..=len),
    )
        .prop_map(move |(edits, cut)| {
            let mut bytes = bytes.clone();
            for (at, byte) in edits {
                bytes[at] = byte;
            }
            bytes.truncate(cut.unwrap_or(len));
            bytes
        })
}

fn attempt(token: String) -> impl Strategy<Value = Attempt> {
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        valid_payload(token.clone()),
        valid_payload(token).prop_flat_map(mutated),
    ];
    let hint = |values: &'static [&'static str]| prop::option::of(prop::sample::select(values));
    let query = (
        hint(&[
            "gzip",
            "gzip-js",
            "lz64",
            "lz-string",
            "base64",
            "b64",
            "zstd",
        ]),
        prop::option::of("[A-Za-z0-9+/=%]{0,40}"),
    )
        .prop_map(|(compression, data)| {
            let mut query = form_urlencoded::Serializer::new(String::from("?"));
            if let Some(compression) = compression {
                query.append_pair("compression", compression);
            }
            if let Some(data) = data {
                query.append_pair("data", &data);
            }
            query.finish()
        });
    (
        prop::sample::select(&PATHS[..]),
        prop::bool::weighted(0.1),
        query,
        hint(&[
            "application/json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/octet-stream",
        ]),
        hint(&["gzip", "lz64", "base64", "br"]),
        body,
    )
        .prop_map(
            |(path, get, query, content_type, content_encoding, body)| Attempt {
                path,
                get,
                query,
                content_type,
                content_encoding,
                body,
            },
        )
}

#[test]
fn any_request_to_any_capture_route_gets_a_json_answer_below_500() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = server();
    let before = peak_memory();
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&attempt(server.token.clone()), |attempt| {
            let (status, body) = server.send(&attempt).map_err(TestCaseError::fail)?;
            prop_assert!(
                (200..500).contains(&status),
                "{status} {body} for {attempt:?}"
            );
            prop_assert!(body.is_object(), "{body}");
            Ok(())
        })
        .unwrap();
    let grown = peak_memory().saturating_sub(before);
    assert!(grown < 64 << 20, "peak memory grew by {} MB", grown >> 20);
}

/// An LZ-string stream that decompresses to a run of `a` whose length grows
/// with the square of the number of codes: each code names the dictionary
/// entry being defined, one longer than the last.
fn lz_string_bomb(codes: u32) -> String {
    const KEY: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = Vec::new();
    let mut put = |value: u32, count: u32| bits.extend((0..count).map(|i| value >> i & 1 == 1));
    put(0, 2);
    put(u32::from(b'a'), 8);
    let (mut num_bits, mut enlarge_in) = (3, 4u32);
    for code in 4..4 + codes {
        put(code, num_bits);
        enlarge_in -= 1;
        if enlarge_in == 0 {
            enlarge_in = 1 << num_bits;
            num_bits += 1;
        }
    }
    put(2, num_bits);
    bits.push(false);
    bits.resize(bits.len().div_ceil(6) * 6, false);
    bits.chunks(6)
        .map(|six| KEY[six.iter().fold(0, |v, &bit| v << 1 | usize::from(bit))] as char)
        .collect()
}

#[test]
fn an_lz_string_bomb_without_an_api_key_gets_413_and_memory_stays_bounded() {
    let small = lz_str::decompress_from_base64(&lz_string_bomb(100)).unwrap();
    assert_eq!(
        small.len(),
        1 + (2..102).sum::<usize>(),
        "the bomb is a run of a"
    );
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = server();
    // About 40 KB that would decompress to 134 million characters.
    let bomb = lz_string_bomb(16 << 10);
    assert!(bomb.len() < 48 << 10, "{} bytes", bomb.len());
    let before = peak_memory();

    let (status, body) = server
        .send(&Attempt {
            path: "/e/",
            get: false,
            query: String::new(),
            content_type: Some("application/x-www-form-urlencoded"),
            content_encoding: None,
            body: format!("compression=lz64&data={bomb}").into_bytes(),
        })
        .unwrap();

    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], "payload_too_large");
    let grown = peak_memory().saturating_sub(before);
    assert!(grown < 64 << 20, "peak memory grew by {} MB", grown >> 20);
}
