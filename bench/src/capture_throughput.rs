//! Capture throughput: `/batch` with gzip, 1,000-event batches and several
//! concurrent senders on loopback, against a raw DuckDB appender load of the
//! same rows into a fresh file, measured in the same run. Also checks that an
//! event is visible to queries within a second of its 200.
//!
//!     scripts/bench.sh capture [--events 200000] [--senders 4]

// The router embeds Leptos views, which are deeply nested types.
#![recursion_limit = "256"]

use backend::demo_data::DemoData;
use chrono::Utc;
use clap::Parser;
use flate2::write::GzEncoder;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Events to send.
    #[arg(long, default_value_t = 200_000)]
    events: usize,
    /// Concurrent senders.
    #[arg(long, default_value_t = 4)]
    senders: usize,
    /// Events per request.
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().unwrap();

    let events: Vec<_> = DemoData::sized(11, args.events, Utc::now())
        .batches(args.batch)
        .flatten()
        .take(args.events)
        .collect();
    println!(
        "{} events, {} per request, {} senders",
        events.len(),
        args.batch,
        args.senders
    );

    // Baseline: the same rows appended straight into a fresh DuckDB file.
    let raw_rate = {
        let db = duckdb::Connection::open(dir.path().join("raw.duckdb")).unwrap();
        db.execute_batch(
            "CREATE TABLE events (uuid UUID, project_id BIGINT, timestamp TIMESTAMP, event VARCHAR, distinct_id VARCHAR,
             person_id UUID, properties JSON, current_url VARCHAR, browser VARCHAR, os VARCHAR, country VARCHAR,
             session_id VARCHAR, inserted_at TIMESTAMP)",
        )
        .unwrap();
        let started = Instant::now();
        for chunk in events.chunks(args.batch) {
            let mut appender = db.appender("events").unwrap();
            for e in chunk {
                let text = |k: &str| {
                    e.properties
                        .get(k)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                appender
                    .append_row(duckdb::params![
                        e.uuid.to_string(),
                        1i64,
                        duckdb::types::Value::Timestamp(
                            duckdb::types::TimeUnit::Microsecond,
                            e.timestamp.timestamp_micros()
                        ),
                        e.event,
                        e.distinct_id,
                        e.uuid.to_string(),
                        Value::Object(e.properties.clone()).to_string(),
                        text("$current_url"),
                        text("$browser"),
                        text("$os"),
                        text("$geoip_country_code"),
                        text("$session_id"),
                        duckdb::types::Value::Timestamp(
                            duckdb::types::TimeUnit::Microsecond,
                            e.timestamp.timestamp_micros()
                        ),
                    ])
                    .unwrap();
            }
            appender.flush().unwrap();
        }
        events.len() as f64 / started.elapsed().as_secs_f64()
    };

    // Huddle: the real server on loopback.
    let (address, backend) =
        testkit::serve_in(dir.path(), |_| {}, testkit::default_options()).await;
    let (token, scope) = bench_project(&backend).await;

    let bodies: Vec<Vec<u8>> = events
        .chunks(args.batch)
        .map(|chunk| {
            let batch: Vec<Value> = chunk
                .iter()
                .map(|e| {
                    json!({
                        "uuid": e.uuid, "event": e.event, "distinct_id": e.distinct_id,
                        "timestamp": e.timestamp.to_rfc3339(), "properties": e.properties,
                    })
                })
                .collect();
            let body = json!({"api_key": token, "batch": batch}).to_string();
            let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(body.as_bytes()).unwrap();
            gz.finish().unwrap()
        })
        .collect();
    let bodies = Arc::new(bodies);
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut senders = Vec::new();
    for sender in 0..args.senders {
        let (bodies, client, address) = (bodies.clone(), client.clone(), address.clone());
        let senders_count = args.senders;
        senders.push(tokio::spawn(async move {
            let mut retries = 0;
            for body in bodies.iter().skip(sender).step_by(senders_count) {
                loop {
                    let response = client
                        .post(format!("{address}/batch/"))
                        .header("Content-Type", "application/json")
                        .header("Content-Encoding", "gzip")
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    match response.status().as_u16() {
                        200 => break,
                        503 => {
                            retries += 1;
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        other => panic!(
                            "capture answered {other}: {}",
                            response.text().await.unwrap_or_default()
                        ),
                    }
                }
            }
            retries
        }));
    }
    let mut retries = 0;
    for sender in senders {
        retries += sender.await.unwrap();
    }
    let huddle_rate = events.len() as f64 / started.elapsed().as_secs_f64();
    let stored = backend.events.count_events(&scope).await.unwrap();
    assert_eq!(
        stored as usize,
        events.len(),
        "every accepted event is stored"
    );

    // Visibility: one more event, then query for it right after its 200.
    let marker =
        json!({"api_key": token, "batch": [{"event": "visibility probe", "distinct_id": "bench"}]});
    let sent = Instant::now();
    let status = client
        .post(format!("{address}/batch/"))
        .json(&marker)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let acknowledged = sent.elapsed();
    let mut visible_after = None;
    let probe = domain::explorer::EventsFilter::named("visibility probe");
    while sent.elapsed() < Duration::from_secs(5) {
        let found = backend
            .events
            .latest_events(&scope, &probe, None, 1)
            .await
            .unwrap();
        if !found.items.is_empty() {
            visible_after = Some(sent.elapsed());
            break;
        }
    }

    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!("| raw DuckDB appender (same rows, fresh file) | {raw_rate:.0} events/s |");
    println!(
        "| Huddle /batch (gzip, HTTP, persons, commit before 200) | {huddle_rate:.0} events/s |"
    );
    println!("| ratio Huddle / raw | {:.2} |", huddle_rate / raw_rate);
    println!("| 503 retries (back-pressure) | {retries} |");
    println!("| 200 received after | {} ms |", acknowledged.as_millis());
    match visible_after {
        Some(after) => println!("| visible to a query after | {} ms |", after.as_millis()),
        None => println!("| visible to a query after | not within 5 s |"),
    }
}

/// A project to send to, and its capture key.
async fn bench_project(backend: &backend::Backend) -> (String, backend::ProjectScope) {
    let bench = testkit::sign_up(backend, "bench@example.com").await;
    (bench.api_key().to_owned(), bench.scope)
}
