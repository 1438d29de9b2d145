//! The capture API over real HTTP, as the SDKs call it.

use domain::explorer::EventsFilter;
use flate2::write::GzEncoder;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Write;

struct TestApp {
    address: String,
    backend: backend::Backend,
    scope: backend::ProjectScope,
    token: String,
    _server: testkit::Running,
}

async fn spawn() -> TestApp {
    let server = testkit::start().await;
    let (address, backend) = (server.address.clone(), server.backend.clone());
    let ada = testkit::sign_up(&backend, "ada@example.com").await;
    TestApp {
        address,
        backend,
        token: ada.api_key().to_owned(),
        scope: ada.scope,
        _server: server,
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

impl TestApp {
    async fn post(
        &self,
        path: &str,
        content_type: &str,
        encoding: Option<&str>,
        body: Vec<u8>,
    ) -> reqwest::Response {
        let mut request = reqwest::Client::new()
            .post(format!("{}{path}", self.address))
            .header("Content-Type", content_type)
            .header("Origin", "https://customer.example")
            .body(body);
        if let Some(encoding) = encoding {
            request = request.header("Content-Encoding", encoding);
        }
        request.send().await.unwrap()
    }

    async fn stored(&self) -> u64 {
        self.backend.events.count_events(&self.scope).await.unwrap()
    }
}

#[tokio::test]
async fn a_gzipped_batch_is_stored_and_answered_with_status_1() {
    let app = spawn().await;
    let body = json!({
        "api_key": app.token,
        "batch": [
            {"event": "order completed", "distinct_id": "user-1", "properties": {"amount": 42}, "timestamp": "2026-01-01T10:00:00Z"},
            {"event": "$pageview", "distinct_id": "user-1", "properties": {"$browser": "Chrome"}}
        ],
        "sent_at": "2026-01-01T10:00:00Z"
    });

    let response = app
        .post(
            "/batch/",
            "application/json",
            Some("gzip"),
            gzip(body.to_string().as_bytes()),
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://customer.example"
    );
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": 1})
    );
    let events = app
        .backend
        .events
        .latest_events(&app.scope, &EventsFilter::named("order completed"), None, 5)
        .await
        .unwrap()
        .items;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].properties["amount"], json!(42));
    // sent_at equals the timestamp: the event happened at receipt time.
    assert!(
        (chrono::Utc::now() - events[0].timestamp)
            .num_seconds()
            .abs()
            < 60
    );
}

#[tokio::test]
async fn every_capture_path_answers_with_and_without_a_trailing_slash() {
    let app = spawn().await;
    for path in [
        "/e",
        "/e/",
        "/i/v0/e",
        "/i/v0/e/",
        "/capture",
        "/capture/",
        "/track",
        "/track/",
        "/batch",
        "/batch/",
    ] {
        let body = json!({"event": "ping", "distinct_id": "u", "token": app.token}).to_string();
        let response = app
            .post(path, "application/json", None, body.into_bytes())
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    let engage =
        json!({"$set": {"plan": "pro"}, "distinct_id": "u", "token": app.token}).to_string();
    assert_eq!(
        app.post("/engage/", "application/json", None, engage.into_bytes())
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(app.stored().await, 11);
}

#[tokio::test]
async fn preflight_requests_are_answered_for_any_origin() {
    let app = spawn().await;
    let response = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/e/", app.address))
        .header("Origin", "https://shop.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();

    assert!(response.status().is_success());
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );
}

#[tokio::test]
async fn bad_requests_get_json_errors_and_keep_what_was_stored() {
    let app = spawn().await;
    let good =
        json!({"api_key": app.token, "batch": [{"event": "kept", "distinct_id": "u"}]}).to_string();
    assert_eq!(
        app.post("/batch/", "application/json", None, good.into_bytes())
            .await
            .status(),
        StatusCode::OK
    );

    let cases = [
        (
            json!({"api_key": app.token, "batch": [{"event": "ok", "distinct_id": "u"}, {"distinct_id": "u"}]}),
            StatusCode::BAD_REQUEST,
            "missing_event_name",
        ),
        (
            json!({"api_key": app.token, "batch": [{"event": "ok"}]}),
            StatusCode::BAD_REQUEST,
            "missing_distinct_id",
        ),
        (
            json!({"api_key": app.token, "batch": [{"event": "ok", "distinct_id": "u", "offset": 9_000_000_000_000_000_000_i64}]}),
            StatusCode::BAD_REQUEST,
            "value_out_of_range",
        ),
        (
            json!({"batch": [{"event": "ok", "distinct_id": "u"}]}),
            StatusCode::UNAUTHORIZED,
            "ingest_key_required",
        ),
        (
            json!({"api_key": "phc_unknown", "batch": [{"event": "ok", "distinct_id": "u"}]}),
            StatusCode::UNAUTHORIZED,
            "ingest_key_unknown",
        ),
    ];
    for (body, status, code) in cases {
        let response = app
            .post(
                "/batch/",
                "application/json",
                None,
                body.to_string().into_bytes(),
            )
            .await;
        assert_eq!(response.status(), status, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["code"], code, "{body}");
        assert!(error["error"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let malformed = app
        .post("/e/", "application/json", None, b"{not json".to_vec())
        .await;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

    assert_eq!(
        app.stored().await,
        1,
        "the good event stays, nothing of the bad requests was stored"
    );
}

#[tokio::test]
async fn oversized_bodies_and_gzip_bombs_get_413() {
    let app = spawn().await;
    let big = format!(
        r#"{{"event":"x","distinct_id":"u","token":"{}","properties":{{"pad":"{}"}}}}"#,
        app.token,
        "x".repeat(3 << 20)
    );
    assert_eq!(
        app.post("/e/", "application/json", None, big.into_bytes())
            .await
            .status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );

    let bomb = gzip(&vec![b' '; 64 << 20]);
    assert_eq!(
        app.post("/e/", "text/plain", None, bomb).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(app.stored().await, 0);
}

#[tokio::test]
async fn posthog_js_gets_its_remote_config_and_an_empty_flag_set() {
    let app = spawn().await;
    let client = reqwest::Client::new();

    let config: Value = client
        .get(format!("{}/array/{}/config", app.address, app.token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["sessionRecording"], json!(false));
    assert_eq!(config["hasFeatureFlags"], json!(false));

    let script = client
        .get(format!("{}/array/{}/config.js", app.address, app.token))
        .send()
        .await
        .unwrap();
    assert_eq!(script.headers()["content-type"], "application/javascript");
    assert!(script
        .text()
        .await
        .unwrap()
        .contains("_POSTHOG_REMOTE_CONFIG"));

    let flags: Value = client
        .post(format!("{}/flags/?v=2", app.address))
        .json(&json!({"token": app.token, "distinct_id": "u"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(flags["flags"], json!({}));
    assert_eq!(flags["errorsWhileComputingFlags"], json!(false));
}

#[tokio::test]
async fn more_events_than_the_cap_get_413_naming_the_cap() {
    let app = spawn().await;
    let event = json!({"event": "e", "distinct_id": "u"});
    let body = json!({"api_key": app.token, "batch": vec![event; server::capture::MAX_EVENTS + 1]});

    let response = app
        .post(
            "/batch/",
            "application/json",
            None,
            body.to_string().into_bytes(),
        )
        .await;

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "too_many_events");
    assert!(
        error["error"].as_str().unwrap().contains("10000"),
        "{error}"
    );
    assert_eq!(app.stored().await, 0);
}

#[tokio::test]
async fn a_malformed_event_does_not_reject_the_valid_events_beside_it() {
    let app = spawn().await;
    let body = format!(
        r#"{{"api_key": "{}", "batch": [
            {{"event": "kept", "distinct_id": "u", "properties": {{"title": "caf\ud800e"}}}},
            {{"event": "dropped", "distinct_id": "u", "properties": ["not", "an", "object"]}},
            {{"event": "kept", "distinct_id": "u"}}
        ]}}"#,
        app.token
    );

    let response = app
        .post("/batch/", "application/json", None, body.into_bytes())
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": 1, "dropped": 1})
    );
    let events = app
        .backend
        .events
        .latest_events(&app.scope, &EventsFilter::named("kept"), None, 5)
        .await
        .unwrap()
        .items;
    assert_eq!(events.len(), 2);
    assert!(events
        .iter()
        .any(|e| e.properties.get("title") == Some(&json!("caf\u{fffd}e"))));
}

#[tokio::test]
async fn capture_requests_beyond_the_concurrency_bound_get_503_with_retry_after() {
    use tokio::io::AsyncWriteExt;
    let app = spawn().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    // Requests whose bodies never finish hold their place.
    let mut stalled = Vec::new();
    for _ in 0..server::capture::MAX_CONCURRENT_REQUESTS {
        let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        let head = format!(
            "POST /e/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stalled.push(stream);
    }
    let body = json!({"event": "e", "distinct_id": "u", "token": app.token}).to_string();
    let mut refused = None;
    // The stalled requests reach the handler shortly after their headers.
    for _ in 0..50 {
        let response = app
            .post("/e/", "application/json", None, body.clone().into_bytes())
            .await;
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            refused = Some(response);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let refused = refused.expect("a request beyond the bound is refused");
    assert_eq!(refused.headers()["retry-after"], "1");
    let error: Value = refused.json().await.unwrap();
    assert_eq!(error["code"], "service_unavailable");

    drop(stalled);
    let mut accepted = false;
    for _ in 0..50 {
        let response = app
            .post("/e/", "application/json", None, body.clone().into_bytes())
            .await;
        if response.status() == StatusCode::OK {
            accepted = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        accepted,
        "capture works again once the stalled requests are gone"
    );
}
