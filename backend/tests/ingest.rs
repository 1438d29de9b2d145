use backend::demo_data::DemoData;
use backend::ingest::{normalize, IngestError, Ingestor, NewEvent, QueueLimits, RawEvent};
use backend::EventsStore;
use chrono::Utc;
use domain::explorer::EventsFilter;
use serde_json::json;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;
use testkit::{fresh, sign_up};

fn events(values: serde_json::Value) -> Vec<NewEvent> {
    let raw: Vec<RawEvent> = serde_json::from_value(values).unwrap();
    normalize(raw, Utc::now(), None).unwrap()
}

/// `count` events, each with a `text` property of `bytes` bytes.
fn many(count: usize, bytes: usize) -> Vec<NewEvent> {
    let text = "x".repeat(bytes);
    events(json!((0..count)
        .map(
            |n| json!({"event": "e", "distinct_id": format!("u{n}"), "properties": {"text": text}})
        )
        .collect::<Vec<_>>()))
}

/// Polls `submit` once, which queues its request, and hands it back to be
/// awaited later; so several requests can be queued while the writer is busy.
async fn queued<F: Future>(submit: F) -> Pin<Box<F>> {
    let mut submit = Box::pin(submit);
    std::future::poll_fn(|cx| {
        assert!(
            submit.as_mut().poll(cx).is_pending(),
            "answered before the writer could take it"
        );
        Poll::Ready(())
    })
    .await;
    submit
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
        .latest_events(&ada.scope, &EventsFilter::default(), None, 10)
        .await
        .unwrap()
        .items;
    assert_eq!(latest.len(), 2);
    let signed_up = latest.iter().find(|e| e.event == "signed up").unwrap();
    assert_eq!(signed_up.distinct_id, "visitor");
    assert_eq!(signed_up.properties["plan"], json!("pro"));
    let only_pageviews = backend
        .events
        .latest_events(&ada.scope, &EventsFilter::named("$pageview"), None, 10)
        .await
        .unwrap()
        .items;
    assert_eq!(only_pageviews.len(), 1);
    assert_eq!(only_pageviews[0].properties["$browser"], json!("Firefox"));
    let pro = backend
        .events
        .latest_events(
            &ada.scope,
            &EventsFilter {
                properties: serde_json::from_value(
                    json!([{"key": "plan", "value": "pro", "operator": "exact"}]),
                )
                .unwrap(),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap()
        .items;
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

    assert_eq!(backend.events.count_events(&ada.scope).await.unwrap(), 1);
    assert_eq!(backend.events.count_events(&bob.scope).await.unwrap(), 0);
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
        .person_by_distinct_id(&ada.scope, "anon-1")
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
        .latest_events(&ada.scope, &EventsFilter::default(), None, 10)
        .await
        .unwrap()
        .items;
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
    let scope = {
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
        ada.scope
    };

    let backend = backend::Backend::open(&url, &events_path).await.unwrap();
    backend
        .ingest
        .submit(scope.project_id(), events(json!([{"event": "$identify", "distinct_id": "user", "properties": {"$anon_distinct_id": "anon"}}])))
        .await
        .unwrap();

    let person = backend
        .events
        .person_by_distinct_id(&scope, "user")
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
        backend.events.count_events(&ada.scope).await.unwrap(),
        expected
    );
    let identified = backend
        .events
        .person_by_distinct_id(&ada.scope, "anon-0")
        .await
        .unwrap();
    assert!(identified.is_some());
}

#[tokio::test]
async fn a_queue_holding_too_many_bytes_refuses_more_until_it_drains() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let limits = QueueLimits {
        bytes: 64 << 10,
        ..QueueLimits::default()
    };
    let backend = backend::Backend::open_with(&url, &dir.path().join("events.duckdb"), limits)
        .await
        .unwrap();
    let ada = sign_up(&backend, "ada@example.com").await;

    // An empty queue takes one request even over the bound.
    let big = queued(backend.ingest.submit(ada.project, many(2_000, 100))).await;
    let refused = backend.ingest.submit(ada.project, many(1, 10)).await;
    assert_eq!(
        refused,
        Err(IngestError::Busy),
        "only 1 request is queued, but too many bytes"
    );
    big.await.unwrap();
    backend
        .ingest
        .submit(ada.project, many(1, 10))
        .await
        .unwrap();

    assert_eq!(
        backend.events.count_events(&ada.scope).await.unwrap(),
        2_001
    );
}

#[tokio::test]
async fn a_batch_sent_twice_is_stored_once() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let batch = json!([
        {"event": "$pageview", "distinct_id": "u", "uuid": "0194cc39-1f25-7000-8000-000000000001"},
        {"event": "$pageview", "distinct_id": "u", "uuid": "0194cc39-1f25-7000-8000-000000000002"},
        {"event": "$pageview", "distinct_id": "u", "uuid": "0194cc39-1f25-7000-8000-000000000001"},
    ]);

    backend
        .ingest
        .submit(ada.project, events(batch.clone()))
        .await
        .unwrap();
    backend
        .ingest
        .submit(ada.project, events(batch))
        .await
        .unwrap();

    assert_eq!(backend.events.count_events(&ada.scope).await.unwrap(), 2);
    // The same uuid in another project is another event.
    let bob = sign_up(&backend, "bob@example.com").await;
    backend
        .ingest
        .submit(bob.project, events(json!([{"event": "a", "distinct_id": "u", "uuid": "0194cc39-1f25-7000-8000-000000000001"}])))
        .await
        .unwrap();
    assert_eq!(backend.events.count_events(&bob.scope).await.unwrap(), 1);
}

#[tokio::test]
async fn one_request_too_large_to_store_fails_alone_and_the_others_of_its_group_are_stored() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    // DuckDB's appender takes any value the capture API produces (NUL, invalid JSON, extreme
    // times); what fails one request at commit is its size against the memory limit.
    backend
        .events
        .connect()
        .unwrap()
        .execute_batch("SET memory_limit = '16MB'; SET threads = 1;")
        .unwrap();
    let submit = |events| backend.ingest.submit(ada.project, events);

    // The writer is busy with this one while the next three queue up as one group.
    let busy = queued(submit(many(3_000, 10))).await;
    let small = queued(submit(many(10, 10))).await;
    let too_large = queued(submit(many(400, 100_000))).await;
    let other_small = queued(submit(many(10, 10))).await;

    busy.await.unwrap();
    small.await.unwrap();
    assert!(matches!(too_large.await, Err(IngestError::Store(_))));
    other_small.await.unwrap();
    assert_eq!(
        backend.events.count_events(&ada.scope).await.unwrap(),
        3_020
    );
}

#[tokio::test]
async fn distinct_ids_and_the_ids_an_identify_links_are_cut_to_200_characters() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let (user, anonymous) = ("u".repeat(5_000), "a".repeat(5_000));

    backend
        .ingest
        .submit(ada.project, events(json!([{"event": "$identify", "distinct_id": user, "properties": {"$anon_distinct_id": anonymous}}])))
        .await
        .unwrap();

    let person = backend
        .events
        .person_by_distinct_id(&ada.scope, &"a".repeat(200))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.distinct_ids, ["a".repeat(200), "u".repeat(200)]);
}

#[tokio::test]
async fn merging_persons_loaded_after_a_restart_moves_only_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let events_path = dir.path().join("events.duckdb");
    let scope = {
        let backend = backend::Backend::open(&url, &events_path).await.unwrap();
        let ada = sign_up(&backend, "ada@example.com").await;
        backend
            .ingest
            .submit(ada.project, events(json!([
                {"event": "a", "distinct_id": "anon"},
                {"event": "$identify", "distinct_id": "device-2", "properties": {"$anon_distinct_id": "anon"}},
                {"event": "a", "distinct_id": "user"},
                {"event": "a", "distinct_id": "someone else"},
            ])))
            .await
            .unwrap();
        backend.close().await;
        ada.scope
    };

    let backend = backend::Backend::open(&url, &events_path).await.unwrap();
    backend
        .ingest
        .submit(scope.project_id(), events(json!([{"event": "$create_alias", "distinct_id": "user", "properties": {"alias": "anon"}}])))
        .await
        .unwrap();

    let person = |id: &'static str| {
        let (events, scope) = (backend.events.clone(), scope.clone());
        async move {
            events
                .person_by_distinct_id(&scope, id)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let user = person("user").await;
    assert_eq!(user.distinct_ids, ["anon", "device-2", "user"]);
    assert_eq!(person("someone else").await.distinct_ids, ["someone else"]);
    let latest = backend
        .events
        .latest_events(&scope, &EventsFilter::default(), None, 10)
        .await
        .unwrap()
        .items;
    let of_user = latest.iter().filter(|e| e.person_id == user.id).count();
    assert_eq!(of_user, 4, "{latest:?}");
}

#[tokio::test]
async fn a_stalled_definitions_recorder_neither_blocks_ingestion_nor_loses_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let store = EventsStore::open(&dir.path().join("events.duckdb")).unwrap();
    let (discovered, mut recorder) = tokio::sync::mpsc::channel(1);
    let ingest = Ingestor::start(&store, discovered, QueueLimits::default()).unwrap();
    let name = |n: usize| format!("event {n}");

    // Nobody reads the channel: the first report fills it, the others must not wait for room.
    for n in 0..20 {
        let submit = ingest.submit(
            domain::ProjectId(1),
            events(json!([{"event": name(n), "distinct_id": "u"}])),
        );
        tokio::time::timeout(Duration::from_secs(5), submit)
            .await
            .expect("ingestion waited for the recorder")
            .unwrap();
    }

    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 21 {
        let found = tokio::time::timeout(Duration::from_secs(5), recorder.recv())
            .await
            .expect("every event name is reported")
            .unwrap();
        seen.extend(found.events.into_iter().map(|(_, name, ..)| name));
        // Reports kept while the channel was full go out with the next one.
        ingest
            .submit(
                domain::ProjectId(1),
                events(json!([{"event": name(20), "distinct_id": "u"}])),
            )
            .await
            .unwrap();
    }
    assert_eq!(seen, (0..21).map(name).collect());
}
