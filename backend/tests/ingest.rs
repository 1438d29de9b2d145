mod support;

use backend::demo_data::DemoData;
use backend::ingest::{normalize, RawEvent};
use chrono::Utc;
use serde_json::json;
use support::{fresh, sign_up};

fn events(values: serde_json::Value) -> Vec<backend::ingest::NewEvent> {
    let raw: Vec<RawEvent> = serde_json::from_value(values).unwrap();
    normalize(raw, Utc::now(), None).unwrap()
}

#[tokio::test]
async fn submitted_events_are_readable_as_soon_as_submit_returns() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;

    backend
        .ingest
        .submit(
            ada.project,
            events(json!([
                {"event": "$pageview", "distinct_id": "visitor", "properties": {"$browser": "Firefox", "$current_url": "https://a.example/"}},
                {"event": "signed up", "distinct_id": "visitor", "properties": {"plan": "pro"}},
            ])),
        )
        .await
        .unwrap();

    let latest = backend
        .events
        .latest_events(ada.project, None, None, 10)
        .await
        .unwrap();
    assert_eq!(latest.len(), 2);
    let signed_up = latest.iter().find(|e| e.event == "signed up").unwrap();
    assert_eq!(signed_up.distinct_id, "visitor");
    assert_eq!(signed_up.properties["plan"], json!("pro"));
    let only_pageviews = backend
        .events
        .latest_events(ada.project, Some("$pageview".into()), None, 10)
        .await
        .unwrap();
    assert_eq!(only_pageviews.len(), 1);
    assert_eq!(only_pageviews[0].properties["$browser"], json!("Firefox"));
    let pro = backend
        .events
        .latest_events(ada.project, None, Some(("plan".into(), "pro".into())), 10)
        .await
        .unwrap();
    assert_eq!(pro.len(), 1);
    assert_eq!(pro[0].event, "signed up");
}

#[tokio::test]
async fn projects_never_see_each_others_events() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let bob = sign_up(&backend, "bob@example.com").await;

    backend
        .ingest
        .submit(
            ada.project,
            events(json!([{"event": "a", "distinct_id": "x"}])),
        )
        .await
        .unwrap();

    assert_eq!(backend.events.count_events(ada.project).await.unwrap(), 1);
    assert_eq!(backend.events.count_events(bob.project).await.unwrap(), 0);
}

#[tokio::test]
async fn identify_merges_earlier_anonymous_events_into_the_identified_person() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let submit = |values| backend.ingest.submit(ada.project, events(values));

    submit(json!([{"event": "$pageview", "distinct_id": "anon-1"}]))
        .await
        .unwrap();
    submit(json!([{"event": "$pageview", "distinct_id": "user-1", "$set": {"email": "u@example.com"}}])).await.unwrap();
    submit(json!([{
        "event": "$identify", "distinct_id": "user-1",
        "properties": {"$anon_distinct_id": "anon-1", "$set_once": {"first_referrer": "ads"}}
    }]))
    .await
    .unwrap();

    let person = backend
        .events
        .person_by_distinct_id(ada.project, "anon-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        person.distinct_ids,
        vec!["anon-1".to_owned(), "user-1".to_owned()]
    );
    assert!(person.is_identified);
    assert_eq!(person.properties["email"], json!("u@example.com"));
    assert_eq!(person.properties["first_referrer"], json!("ads"));
    // Every event, stored before or after the merge, now counts for that person.
    let latest = backend
        .events
        .latest_events(ada.project, None, None, 10)
        .await
        .unwrap();
    assert_eq!(latest.len(), 3);
    assert!(
        latest.iter().all(|e| e.person_id == person.id),
        "{latest:?}"
    );
}

#[tokio::test]
async fn persons_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let events_path = dir.path().join("events.duckdb");
    let project = {
        let backend = backend::Backend::open(&url, &events_path).await.unwrap();
        let ada = sign_up(&backend, "ada@example.com").await;
        backend
            .ingest
            .submit(
                ada.project,
                events(json!([{"event": "a", "distinct_id": "anon"}])),
            )
            .await
            .unwrap();
        backend.close().await;
        ada.project
    };

    let backend = backend::Backend::open(&url, &events_path).await.unwrap();
    backend
        .ingest
        .submit(project, events(json!([{"event": "$identify", "distinct_id": "user", "properties": {"$anon_distinct_id": "anon"}}])))
        .await
        .unwrap();

    let person = backend
        .events
        .person_by_distinct_id(project, "user")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        person.distinct_ids,
        vec!["anon".to_owned(), "user".to_owned()]
    );
}

#[tokio::test]
async fn the_demo_generator_feeds_the_pipeline() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let mut expected = 0;

    for batch in DemoData::sized(5, 3_000, Utc::now()).batches(500) {
        expected += batch.len() as u64;
        backend.ingest.submit(ada.project, batch).await.unwrap();
    }

    assert_eq!(
        backend.events.count_events(ada.project).await.unwrap(),
        expected
    );
    let identified = backend
        .events
        .person_by_distinct_id(ada.project, "anon-0")
        .await
        .unwrap();
    assert!(identified.is_some());
}
