//! Insight queries stay within their bounds: a time limit, stopping when the
//! asker goes away, a few at once per user, and global query slots that keep
//! a refresh storm from starving ingestion.

use backend::insights::QueryLimits;
use backend::{Backend, Error};
use chrono::Utc;
use domain::insight::InsightQuery;
use domain::ProjectId;
use serde_json::json;
use std::time::{Duration, Instant};
use testkit::{fresh, sign_up, Account, TestBackend};

/// Events written straight into the store, enough that [`slow_query`]
/// takes seconds.
const SLOW_EVENTS: i64 = 3_000_000;

fn fill(backend: &Backend, project: ProjectId) {
    backend
        .events
        .connect()
        .unwrap()
        .execute(
            "INSERT INTO events
             SELECT uuid(), ?, now()::TIMESTAMP - to_seconds(i % 5000000), 'page', 'u' || (i % 500000),
                    gen_random_uuid(), json_object('plan', 'p' || (i % 997), 'n', i), NULL,
                    'b' || (i % 13), NULL, NULL, 's' || (i % 700000), now()::TIMESTAMP
             FROM range(?) r(i)",
            duckdb::params![project.get(), SLOW_EVENTS],
        )
        .unwrap();
}

/// Unique users per hour for every plan, with a regular expression and a
/// comparison period, over several series.
fn slow_query() -> InsightQuery {
    let series = json!({"kind": "EventsNode", "event": "page", "math": "dau",
        "properties": [{"key": "plan", "value": "^p[0-9]+7$", "operator": "not_regex"}]});
    InsightQuery::from_json(
        &json!({"kind": "TrendsQuery", "interval": "hour",
            "dateRange": {"date_from": "-60d"},
            "series": [series, series, series, series],
            "breakdownFilter": {"breakdown": "plan", "breakdown_limit": 100},
            "compareFilter": {"compare": true}})
        .to_string(),
    )
    .unwrap()
}

fn quick_query() -> InsightQuery {
    domain::insight::InsightKind::Trends.starter()
}

async fn limited(limits: QueryLimits) -> (TestBackend, Account) {
    let mut test = fresh().await;
    test.backend = test.backend.clone().with_query_limits(limits);
    let ada = sign_up(&test, "ada@example.com").await;
    fill(&test, ada.project);
    (test, ada)
}

async fn outcome(backend: &Backend, who: &Account, query: &InsightQuery) -> backend::Result<()> {
    backend
        .insight_outcome(&who.scope, query, true)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn an_insight_past_its_time_limit_is_stopped_with_a_clear_error() {
    let (backend, ada) = limited(QueryLimits {
        time_limit: Duration::from_millis(500),
        ..QueryLimits::default()
    })
    .await;

    let started = Instant::now();
    let err = outcome(&backend, &ada, &slow_query()).await.unwrap_err();
    let took = started.elapsed();

    let Error::Unavailable(message) = err else {
        panic!("not a time-out: {err:?}")
    };
    assert!(
        message.starts_with("This insight took longer than 1 s"),
        "{message}"
    );
    assert!(took < Duration::from_secs(3), "stopped after {took:?}");
    // The store is free again for the next question.
    outcome(&backend, &ada, &quick_query()).await.unwrap();
}

#[tokio::test]
async fn a_dropped_insight_request_stops_its_query_and_frees_its_slot() {
    let (backend, ada) = limited(QueryLimits {
        time_limit: Duration::from_secs(120),
        slots: 1,
        ..QueryLimits::default()
    })
    .await;

    let slow = {
        let (backend, ada) = (backend.backend.clone(), (ada.user.id, ada.project));
        tokio::spawn(async move {
            backend
                .insight_outcome(
                    &backend.meta.scope(ada.0, ada.1).await.unwrap(),
                    &slow_query(),
                    true,
                )
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    // What axum does when the client disconnects: the future is dropped.
    slow.abort();

    // The only slot is taken until the slow query has really stopped.
    let started = Instant::now();
    outcome(&backend, &ada, &quick_query()).await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(2),
        "the next query waited {waited:?}"
    );
}

#[tokio::test]
async fn a_user_runs_a_few_insights_at_once_and_then_is_told_to_wait() {
    let (backend, ada) = limited(QueryLimits {
        time_limit: Duration::from_secs(120),
        user_wait: Duration::from_millis(300),
        slots: 16,
        ..QueryLimits::default()
    })
    .await;
    let bob = sign_up(&backend, "bob@example.com").await;

    let running: Vec<_> = (0..backend::insights::QUERIES_PER_USER)
        .map(|_| {
            let (backend, ada) = (backend.backend.clone(), (ada.user.id, ada.project));
            tokio::spawn(async move {
                backend
                    .insight_outcome(
                        &backend.meta.scope(ada.0, ada.1).await.unwrap(),
                        &slow_query(),
                        true,
                    )
                    .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let err = outcome(&backend, &ada, &quick_query()).await.unwrap_err();
    let Error::TooManyAtOnce(message) = err else {
        panic!("not refused as busy: {err:?}")
    };
    assert!(message.contains("Too many insights"), "{message}");
    // Someone else is not held up by Ada's queries.
    outcome(&backend, &bob, &quick_query()).await.unwrap();

    running.iter().for_each(|task| task.abort());
}

#[tokio::test]
async fn a_refresh_storm_does_not_starve_ingestion() {
    let (calm, stormy) = ingest_during_storm(QueryLimits::default()).await;
    // Measured on two cores: about 2x with the slots, 12-15x without.
    assert!(
        stormy < calm * 4 + Duration::from_secs(1),
        "ingesting took {stormy:?} during the storm against {calm:?} without"
    );
}

/// How long ten batches take to ingest without, and then with, sixteen slow
/// refreshes running.
async fn ingest_during_storm(limits: QueryLimits) -> (Duration, Duration) {
    let (backend, ada) = limited(limits).await;
    let batch = |n: usize| {
        let raw: Vec<backend::ingest::RawEvent> = serde_json::from_value(json!((0..200)
            .map(|i| json!({"event": "$pageview", "distinct_id": format!("v{n}-{i}")}))
            .collect::<Vec<_>>()))
        .unwrap();
        backend::ingest::normalize(raw, Utc::now(), None).unwrap()
    };
    let ingest = |from: usize| {
        let backend = backend.backend.clone();
        async move {
            let started = Instant::now();
            for n in from..from + 10 {
                backend.ingest.submit(ada.project, batch(n)).await.unwrap();
            }
            started.elapsed()
        }
    };
    let calm = ingest(0).await;

    // Four people refresh a dashboard of slow tiles, four tiles each.
    let mut storm = Vec::new();
    for who in 0..4 {
        let user = sign_up(&backend, &format!("viewer{who}@example.com")).await;
        for _ in 0..4 {
            let backend = backend.backend.clone();
            let user = user.user.id;
            let project = ada.project;
            storm.push(tokio::spawn(async move {
                // Tiles of Ada's project, as her teammates see it.
                let _ = backend
                    .insight_outcome(
                        &backend.meta.scope(user, project).await.unwrap(),
                        &slow_query(),
                        true,
                    )
                    .await;
            }));
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stormy = ingest(100).await;
    storm.iter().for_each(|task| task.abort());
    (calm, stormy)
}
