use backend::ingest::{normalize, RawEvent};
use chrono::Utc;
use domain::insight::{InsightKind, InsightResult};
use serde_json::json;
use testkit::{fresh, sign_up};

fn pageview(distinct_id: &str) -> Vec<backend::ingest::NewEvent> {
    let raw: Vec<RawEvent> =
        serde_json::from_value(json!([{"event": "$pageview", "distinct_id": distinct_id}]))
            .unwrap();
    normalize(raw, Utc::now(), None).unwrap()
}

fn total(result: &InsightResult) -> f64 {
    match result {
        InsightResult::Trends(t) => t.series[0].total,
        other => panic!("not a trend: {other:?}"),
    }
}

#[tokio::test]
async fn results_are_cached_until_new_events_arrive_or_a_refresh_is_asked() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let query = InsightKind::Trends.starter();
    backend
        .ingest
        .submit(ada.project, pageview("a"))
        .await
        .unwrap();

    let first = backend
        .insight_outcome(&ada.scope, &query, false)
        .await
        .unwrap();
    assert!(!first.is_cached);
    assert_eq!(total(&first.result), 1.0);

    let again = backend
        .insight_outcome(&ada.scope, &query, false)
        .await
        .unwrap();
    assert!(again.is_cached);
    assert_eq!(again.last_refresh, first.last_refresh);

    let refreshed = backend
        .insight_outcome(&ada.scope, &query, true)
        .await
        .unwrap();
    assert!(!refreshed.is_cached);

    backend
        .ingest
        .submit(ada.project, pageview("b"))
        .await
        .unwrap();
    let after_ingest = backend
        .insight_outcome(&ada.scope, &query, false)
        .await
        .unwrap();
    assert!(!after_ingest.is_cached);
    assert_eq!(total(&after_ingest.result), 2.0);

    // Another time zone is another result.
    let tokyo = domain::project::TimeZone::parse("Asia/Tokyo").unwrap();
    let name = domain::project::ProjectName::parse("First project").unwrap();
    backend
        .meta
        .update_project(&ada.scope, &name, &tokyo)
        .await
        .unwrap();
    let in_tokyo = backend.meta.scope(ada.user.id, ada.project).await.unwrap();
    let elsewhere = backend
        .insight_outcome(&in_tokyo, &query, false)
        .await
        .unwrap();
    assert!(!elsewhere.is_cached);
}
