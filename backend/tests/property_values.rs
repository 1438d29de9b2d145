//! The values a property most often has, as the value picker suggests them.

use backend::events::ValueCount;
use backend::ingest::{normalize, NewEvent, RawEvent};
use chrono::Utc;
use domain::insight::PropertyScope;
use serde_json::json;
use testkit::{fresh, sign_up};

fn events(values: serde_json::Value) -> Vec<NewEvent> {
    let raw: Vec<RawEvent> = serde_json::from_value(values).unwrap();
    normalize(raw, Utc::now(), None).unwrap()
}

fn counts(values: &[ValueCount]) -> Vec<(&str, u64)> {
    values.iter().map(|v| (v.value.as_str(), v.count)).collect()
}

#[tokio::test]
async fn suggestions_are_the_most_frequent_values_first_with_their_counts() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let bob = sign_up(&backend, "bob@example.com").await;
    let now = Utc::now().to_rfc3339();
    let long_ago = (Utc::now() - chrono::Duration::days(40)).to_rfc3339();
    let mut sent = Vec::new();
    for (event, plan, browser) in [
        ("upgraded", "pro", "Chrome"),
        ("upgraded", "pro", "Chrome"),
        ("upgraded", "pro", "Firefox"),
        ("upgraded", "free", "Safari"),
        ("viewed", "enterprise", "Chrome"),
        ("viewed", "enterprise", "Chrome"),
    ] {
        sent.push(json!({"event": event, "distinct_id": "u", "timestamp": now,
                         "properties": {"plan": plan, "$browser": browser}}));
    }
    sent.push(
        json!({"event": "upgraded", "distinct_id": "u", "timestamp": long_ago,
                     "properties": {"plan": "legacy"}}),
    );
    // A property sent as null has no value to suggest.
    sent.push(
        json!({"event": "viewed", "distinct_id": "u", "timestamp": now,
                     "properties": {"$browser": null}}),
    );
    for email in ["zed@example.com", "amy@example.com"] {
        sent.push(
            json!({"event": "$identify", "distinct_id": email, "timestamp": now,
                         "properties": {"$set": {"email": email}}}),
        );
    }
    backend
        .ingest
        .submit(ada.project, events(json!(sent)))
        .await
        .unwrap();
    let other = events(
        json!([{"event": "upgraded", "distinct_id": "x", "properties": {"plan": "theirs"}}]),
    );
    backend.ingest.submit(bob.project, other).await.unwrap();

    let values = |scope,
                  key: &'static str,
                  event: Option<&'static str>,
                  search: Option<&'static str>,
                  limit| {
        let (backend, project) = (&backend, &ada.scope);
        async move {
            backend
                .events
                .property_values(project, scope, key, event, search, limit)
                .await
                .unwrap()
        }
    };
    let plan = values(PropertyScope::Event, "plan", None, None, 10).await;
    assert_eq!(
        counts(&plan),
        [("pro", 3), ("enterprise", 2), ("free", 1)],
        "most frequent first; a value only sent 40 days ago is not suggested"
    );
    let upgraded = values(PropertyScope::Event, "plan", Some("upgraded"), None, 10).await;
    assert_eq!(counts(&upgraded), [("pro", 3), ("free", 1)]);
    let searched = values(PropertyScope::Event, "plan", None, Some(" PRO "), 10).await;
    assert_eq!(counts(&searched), [("pro", 3)]);
    let top = values(PropertyScope::Event, "plan", None, None, 1).await;
    assert_eq!(counts(&top), [("pro", 3)]);
    let browsers = values(PropertyScope::Event, "$browser", None, None, 10).await;
    assert_eq!(
        counts(&browsers),
        [("Chrome", 4), ("Firefox", 1), ("Safari", 1)],
        "ties by value"
    );
    let emails = values(PropertyScope::Person, "email", None, None, 10).await;
    assert_eq!(
        counts(&emails),
        [("amy@example.com", 1), ("zed@example.com", 1)]
    );
    let unknown = values(PropertyScope::Event, "no such property", None, None, 10).await;
    assert!(unknown.is_empty());
}
