//! The events and persons lists, a page at a time.

use backend::events::{EventRow, PersonRow};
use backend::ingest::{normalize, NewEvent, RawEvent};
use backend::{Backend, ProjectScope};
use chrono::{DateTime, Utc};
use domain::explorer::EventsFilter;
use domain::paging::{Cursor, Page};
use serde_json::json;
use std::collections::HashSet;
use testkit::{fresh, sign_up};

/// One moment, with microseconds, that every event of a batch shares.
const AT: &str = "2024-03-01T12:00:00.123456Z";

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(AT)
        .unwrap()
        .with_timezone(&Utc)
}

fn events(values: serde_json::Value) -> Vec<NewEvent> {
    let raw: Vec<RawEvent> = serde_json::from_value(values).unwrap();
    normalize(raw, Utc::now(), None).unwrap()
}

/// `count` events at `timestamp`, each from its own distinct id `{prefix}{n}`:
/// `clicked` for even `n`, `viewed` otherwise; `plan` is `pro` when `n` is a
/// multiple of 5.
fn batch(prefix: &str, count: usize, timestamp: &str) -> Vec<NewEvent> {
    events(json!((0..count)
        .map(|n| {
            let event = if n % 2 == 0 { "clicked" } else { "viewed" };
            let plan = if n % 5 == 0 { "pro" } else { "free" };
            json!({"event": event, "distinct_id": format!("{prefix}{n}"),
                   "timestamp": timestamp, "properties": {"plan": plan}})
        })
        .collect::<Vec<_>>()))
}

/// Events named `event` (all without one) whose `property` equals a value.
fn matching(event: Option<&str>, property: Option<(&str, &str)>) -> EventsFilter {
    let properties = property.map_or(
        json!([]),
        |(key, value)| json!([{"key": key, "value": value, "operator": "exact", "type": "event"}]),
    );
    EventsFilter {
        event: event.map(str::to_owned),
        properties: serde_json::from_value(properties).unwrap(),
        ..Default::default()
    }
}

/// Every page of the events list with these filters, following `next`.
async fn event_pages(
    backend: &Backend,
    scope: &ProjectScope,
    filter: &EventsFilter,
    limit: usize,
) -> Vec<Page<EventRow>> {
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = backend
            .events
            .latest_events(scope, filter, after, limit)
            .await
            .unwrap();
        after = page.next.clone();
        pages.push(page);
        if after.is_none() {
            return pages;
        }
        assert!(pages.len() < 50, "the pages do not end");
    }
}

/// Every page of the persons list matching `search`, following `next`.
async fn person_pages(
    backend: &Backend,
    scope: &ProjectScope,
    search: Option<&str>,
    limit: usize,
) -> Vec<Page<PersonRow>> {
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = backend
            .events
            .persons(scope, search.map(str::to_owned), after, limit)
            .await
            .unwrap();
        after = page.next.clone();
        pages.push(page);
        if after.is_none() {
            return pages;
        }
        assert!(pages.len() < 50, "the pages do not end");
    }
}

fn shape<T>(pages: &[Page<T>]) -> Vec<(usize, u64, u64)> {
    pages
        .iter()
        .map(|p| (p.items.len(), p.offset, p.total))
        .collect()
}

fn uuids(pages: &[Page<EventRow>]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| p.items.iter().map(|e| e.uuid.clone()))
        .collect()
}

fn assert_distinct(ids: &[String]) {
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an item appears on two pages");
}

#[tokio::test]
async fn pages_of_events_at_one_moment_visit_every_event_once_in_order() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let bob = sign_up(&backend, "bob@example.com").await;
    let sent = batch("u", 250, AT);
    let sent_ids: HashSet<String> = sent.iter().map(|e| e.uuid.to_string()).collect();
    backend.ingest.submit(ada.project, sent).await.unwrap();

    let pages = event_pages(&backend, &ada.scope, &matching(None, None), 100).await;
    assert_eq!(
        shape(&pages),
        [(100, 0, 250), (100, 100, 250), (50, 200, 250)]
    );
    assert!(pages
        .iter()
        .flat_map(|p| &p.items)
        .all(|e| e.timestamp == at()));
    let paged = uuids(&pages);
    assert_distinct(&paged);
    assert_eq!(paged.iter().cloned().collect::<HashSet<_>>(), sent_ids);
    // The same order as the whole list read at once.
    let whole = backend
        .events
        .latest_events(&ada.scope, &EventsFilter::default(), None, 1_000)
        .await
        .unwrap();
    assert_eq!(shape(std::slice::from_ref(&whole)), [(250, 0, 250)]);
    assert_eq!(whole.next, None);
    assert_eq!(paged, uuids(&[whole]));
    // Each next cursor is the last item shown.
    for page in &pages[..2] {
        let last = page.items.last().unwrap();
        let next = page.next.as_ref().unwrap();
        assert_eq!((next.at(), next.id()), (last.timestamp, last.uuid.as_str()));
    }

    // Back: page 2's previous page is the first; page 3's begins after page 1.
    assert!(!pages[0].has_previous());
    assert!(pages[1].has_previous());
    assert_eq!(pages[1].previous, None);
    assert_eq!(pages[2].previous, pages[0].next);
    let back = backend
        .events
        .latest_events(
            &ada.scope,
            &EventsFilter::default(),
            pages[2].previous.clone(),
            100,
        )
        .await
        .unwrap();
    assert_eq!(uuids(&[back]), uuids(&pages[1..2]));

    // Another project's list is empty.
    let theirs = event_pages(&backend, &bob.scope, &matching(None, None), 100).await;
    assert_eq!(shape(&theirs), [(0, 0, 0)]);
}

#[tokio::test]
async fn filtered_pages_count_and_show_only_matching_events() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    backend
        .ingest
        .submit(ada.project, batch("u", 250, AT))
        .await
        .unwrap();
    // Newer events first, whatever their ids.
    backend
        .ingest
        .submit(ada.project, batch("later", 30, "2024-03-01T12:00:01Z"))
        .await
        .unwrap();

    let clicked = event_pages(&backend, &ada.scope, &matching(Some("clicked"), None), 40).await;
    assert_eq!(
        shape(&clicked),
        [(40, 0, 140), (40, 40, 140), (40, 80, 140), (20, 120, 140)]
    );
    let rows: Vec<&EventRow> = clicked.iter().flat_map(|p| &p.items).collect();
    assert!(rows.iter().all(|e| e.event == "clicked"));
    assert_distinct(&uuids(&clicked));
    assert!(rows[..15]
        .iter()
        .all(|e| e.distinct_id.starts_with("later")));
    assert!(rows[15..].iter().all(|e| e.distinct_id.starts_with('u')));
    assert!(rows.windows(2).all(|w| w[0].timestamp >= w[1].timestamp));

    let pro = event_pages(
        &backend,
        &ada.scope,
        &matching(None, Some(("plan", "pro"))),
        100,
    )
    .await;
    assert_eq!(shape(&pro), [(56, 0, 56)]);
    assert!(pro[0].items.iter().all(|e| e.properties["plan"] == "pro"));

    let both = event_pages(
        &backend,
        &ada.scope,
        &matching(Some("clicked"), Some(("plan", "pro"))),
        10,
    )
    .await;
    assert_eq!(shape(&both), [(10, 0, 28), (10, 10, 28), (8, 20, 28)]);
    assert!(both
        .iter()
        .flat_map(|p| &p.items)
        .all(|e| e.event == "clicked" && e.properties["plan"] == "pro"));
    assert_distinct(&uuids(&both));

    let none = event_pages(
        &backend,
        &ada.scope,
        &matching(Some("no such event"), None),
        10,
    )
    .await;
    assert_eq!(shape(&none), [(0, 0, 0)]);
}

#[tokio::test]
async fn events_arriving_after_a_page_do_not_move_the_next_one() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    backend
        .ingest
        .submit(ada.project, batch("u", 250, AT))
        .await
        .unwrap();
    let before = event_pages(&backend, &ada.scope, &matching(None, None), 100).await;

    backend
        .ingest
        .submit(ada.project, batch("new", 30, "2024-03-01T13:00:00Z"))
        .await
        .unwrap();
    let second = backend
        .events
        .latest_events(
            &ada.scope,
            &EventsFilter::default(),
            before[0].next.clone(),
            100,
        )
        .await
        .unwrap();
    assert_eq!(uuids(std::slice::from_ref(&second)), uuids(&before[1..2]));
    assert_eq!((second.offset, second.total), (130, 280));
}

#[tokio::test]
async fn a_cursor_past_the_end_gives_an_empty_page() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    backend
        .ingest
        .submit(ada.project, batch("u", 5, AT))
        .await
        .unwrap();
    let long_ago = Cursor::parse("0_00000000-0000-0000-0000-000000000000").unwrap();
    let page = backend
        .events
        .latest_events(&ada.scope, &EventsFilter::default(), Some(long_ago), 100)
        .await
        .unwrap();
    assert_eq!(shape(std::slice::from_ref(&page)), [(0, 5, 5)]);
    assert_eq!((page.next, page.previous), (None, None));
}

#[tokio::test]
async fn pages_of_persons_created_at_one_moment_visit_every_person_once() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let bob = sign_up(&backend, "bob@example.com").await;
    backend
        .ingest
        .submit(ada.project, batch("u", 250, AT))
        .await
        .unwrap();

    let pages = person_pages(&backend, &ada.scope, None, 100).await;
    assert_eq!(
        shape(&pages),
        [(100, 0, 250), (100, 100, 250), (50, 200, 250)]
    );
    let persons: Vec<&PersonRow> = pages.iter().flat_map(|p| &p.items).collect();
    assert!(persons.iter().all(|p| p.created_at == at()));
    let ids: Vec<String> = persons.iter().map(|p| p.id.clone()).collect();
    assert_distinct(&ids);
    let distinct_ids: HashSet<String> = persons
        .iter()
        .flat_map(|p| p.distinct_ids.iter().cloned())
        .collect();
    assert_eq!(distinct_ids, (0..250).map(|n| format!("u{n}")).collect());
    let whole = backend
        .events
        .persons(&ada.scope, None, None, 1_000)
        .await
        .unwrap();
    let whole_ids: Vec<String> = whole.items.into_iter().map(|p| p.id).collect();
    assert_eq!(ids, whole_ids, "the same order as the whole list");
    assert_eq!(pages[2].previous, pages[0].next);

    // `u1` matches u1, u10–u19 and u100–u199.
    let search = person_pages(&backend, &ada.scope, Some(" u1 "), 50).await;
    assert_eq!(
        shape(&search),
        [(50, 0, 111), (50, 50, 111), (11, 100, 111)]
    );
    let found: Vec<&PersonRow> = search.iter().flat_map(|p| &p.items).collect();
    assert!(found.iter().all(|p| p.distinct_ids[0].starts_with("u1")));
    let found_ids: Vec<String> = found.iter().map(|p| p.id.clone()).collect();
    assert_distinct(&found_ids);

    let theirs = person_pages(&backend, &bob.scope, None, 100).await;
    assert_eq!(shape(&theirs), [(0, 0, 0)]);
}

/// `filters` in PostHog's JSON format.
fn filters(filters: serde_json::Value) -> Vec<domain::insight::PropertyFilter> {
    serde_json::from_value(filters).unwrap()
}

fn people(pages: &[Page<EventRow>]) -> Vec<String> {
    let mut ids: Vec<String> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|e| e.distinct_id.clone()))
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn several_filters_with_the_insights_operators_and_a_time_range_narrow_the_list() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let ago = |hours: i64| (Utc::now() - chrono::Duration::hours(hours)).to_rfc3339();
    let sent = events(json!([
        {"event": "$identify", "distinct_id": "ana", "timestamp": ago(1),
         "properties": {"$set": {"email": "ana@example.com"}}},
        {"event": "bought", "distinct_id": "ana", "timestamp": ago(1), "properties": {"plan": "pro", "amount": 50}},
        {"event": "bought", "distinct_id": "bo", "timestamp": ago(2), "properties": {"plan": "pro", "amount": 5}},
        {"event": "bought", "distinct_id": "cy", "timestamp": ago(3),
         "properties": {"plan": "free", "amount": 80, "coupon": "SPRING"}},
        {"event": "bought", "distinct_id": "ana", "timestamp": ago(72), "properties": {"plan": "pro", "amount": 70}},
    ]));
    backend.ingest.submit(ada.project, sent).await.unwrap();
    let bought = |properties: serde_json::Value, date_from: Option<&str>| EventsFilter {
        event: Some("bought".into()),
        properties: filters(properties),
        date_from: date_from.map(str::to_owned),
        date_to: None,
    };
    let list = |filter: EventsFilter| {
        let backend = &backend;
        let scope = &ada.scope;
        async move { event_pages(backend, scope, &filter, 1).await }
    };

    let pro = list(bought(
        json!([{"key": "plan", "value": "pro", "operator": "exact"}]),
        None,
    ))
    .await;
    assert_eq!(shape(&pro), [(1, 0, 3), (1, 1, 3), (1, 2, 3)]);
    assert_distinct(&uuids(&pro));
    assert_eq!(people(&pro), ["ana", "ana", "bo"]);

    let pro_over_ten = json!([
        {"key": "plan", "value": "pro", "operator": "exact"},
        {"key": "amount", "value": 10, "operator": "gt"},
    ]);
    assert_eq!(
        people(&list(bought(pro_over_ten.clone(), None)).await),
        ["ana", "ana"]
    );
    let today = list(bought(pro_over_ten, Some("-24h"))).await;
    assert_eq!(shape(&today), [(1, 0, 1)]);
    assert_eq!(today[0].items[0].properties["amount"], 50);

    let without_coupon = json!([{"key": "coupon", "operator": "is_not_set"}]);
    assert_eq!(
        people(&list(bought(without_coupon, None)).await),
        ["ana", "ana", "bo"]
    );

    let anas =
        json!([{"key": "email", "value": "ANA@", "operator": "icontains", "type": "person"}]);
    let all_events = EventsFilter {
        properties: filters(anas),
        ..Default::default()
    };
    let found = list(all_events).await;
    assert_eq!(
        people(&found),
        ["ana", "ana", "ana"],
        "her purchases and her identify"
    );

    // An event stamped a little ahead of the clock is listed, not hidden.
    let ahead = (Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let early = events(json!([{"event": "ahead", "distinct_id": "ana", "timestamp": ahead}]));
    backend.ingest.submit(ada.project, early).await.unwrap();
    let today = EventsFilter {
        date_from: Some("-24h".into()),
        ..EventsFilter::named("ahead")
    };
    assert_eq!(shape(&list(today).await), [(1, 0, 1)]);

    // One pattern the filter's own check refuses, one only the events store does.
    for pattern in ["(unclosed", "(?x)"] {
        let bad = EventsFilter {
            properties: filters(json!([{"key": "url", "value": pattern, "operator": "regex"}])),
            ..Default::default()
        };
        match backend
            .events
            .latest_events(&ada.scope, &bad, None, 10)
            .await
        {
            Err(backend::Error::Invalid(invalid)) => assert_eq!(invalid.field, "properties"),
            other => panic!("{pattern} is refused, not run: {other:?}"),
        }
    }
}
