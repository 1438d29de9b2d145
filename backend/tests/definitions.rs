use backend::ingest::{normalize, RawEvent};
use backend::Error;
use chrono::Utc;
use domain::definitions::{DefinitionNotes, PropertyKind, PropertyType};
use serde_json::json;
use std::time::Duration;
use testkit::{fresh, sign_up};

async fn send(backend: &backend::Backend, project: domain::ProjectId, values: serde_json::Value) {
    let raw: Vec<RawEvent> = serde_json::from_value(values).unwrap();
    backend
        .ingest
        .submit(project, normalize(raw, Utc::now(), None).unwrap())
        .await
        .unwrap();
}

/// Definitions are recorded just after the events commit; wait for them.
async fn event_definitions(
    backend: &backend::Backend,
    user: domain::UserId,
    project: domain::ProjectId,
    expected: usize,
) -> Vec<domain::definitions::EventDefinition> {
    for _ in 0..50 {
        let definitions = backend
            .event_definitions(&backend.meta.scope(user, project).await.unwrap())
            .await
            .unwrap();
        if definitions.len() >= expected {
            return definitions;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("definitions were not recorded");
}

#[tokio::test]
async fn events_and_properties_are_discovered_with_volumes_and_types() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;

    send(
        &backend,
        ada.project,
        json!([
            {"event": "purchase", "distinct_id": "u", "properties": {"amount": 9.5, "coupon": "SPRING", "gift": false,
                "paid_at": "2026-01-01T10:00:00Z"}, "$set": {"plan": "pro"}},
            {"event": "purchase", "distinct_id": "u", "properties": {"amount": 20}},
            {"event": "$pageview", "distinct_id": "u"}
        ]),
    )
    .await;

    let events = event_definitions(&backend, ada.user.id, ada.project, 2).await;
    assert_eq!(
        events
            .iter()
            .map(|e| (e.name.as_str(), e.volume_30_days))
            .collect::<Vec<_>>(),
        [("purchase", 2), ("$pageview", 1)]
    );
    let properties = backend.meta.property_definitions(&ada.scope).await.unwrap();
    let typed = |kind, name: &str| {
        properties
            .iter()
            .find(|p| p.kind == kind && p.name == name)
            .and_then(|p| p.property_type)
    };
    assert_eq!(
        typed(PropertyKind::Event, "amount"),
        Some(PropertyType::Numeric)
    );
    assert_eq!(
        typed(PropertyKind::Event, "coupon"),
        Some(PropertyType::String)
    );
    assert_eq!(
        typed(PropertyKind::Event, "gift"),
        Some(PropertyType::Boolean)
    );
    assert_eq!(
        typed(PropertyKind::Event, "paid_at"),
        Some(PropertyType::DateTime)
    );
    assert_eq!(
        typed(PropertyKind::Person, "plan"),
        Some(PropertyType::String)
    );
}

#[tokio::test]
async fn members_describe_tag_own_and_verify_definitions_and_verified_ones_come_first() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    send(&backend, ada.project, json!([{"event": "a often", "distinct_id": "u"}, {"event": "a often", "distinct_id": "u"}, {"event": "z rare", "distinct_id": "u"}])).await;
    let events = event_definitions(&backend, ada.user.id, ada.project, 2).await;
    assert_eq!(
        events[0].name, "a often",
        "by volume while nothing is verified"
    );
    let rare = events.iter().find(|e| e.name == "z rare").unwrap().id;

    let notes =
        DefinitionNotes::parse("Seldom used", "legacy, Billing", Some(ada.user.id), true).unwrap();
    backend
        .meta
        .annotate_event_definition(&ada.scope, rare, &notes)
        .await
        .unwrap();

    let events = backend.event_definitions(&ada.scope).await.unwrap();
    assert_eq!(events[0].name, "z rare");
    let written = &events[0].annotations;
    assert_eq!(written.description, "Seldom used");
    assert_eq!(written.tags, vec!["legacy", "billing"]);
    assert_eq!(written.owner.as_deref(), Some("ada"));
    assert_eq!(written.verified.as_ref().unwrap().by, "ada");

    let unverify = DefinitionNotes::parse("Seldom used", "", None, false).unwrap();
    backend
        .meta
        .annotate_event_definition(&ada.scope, rare, &unverify)
        .await
        .unwrap();
    assert!(backend
        .event_definitions(&ada.scope)
        .await
        .unwrap()
        .iter()
        .all(|e| e.annotations.verified.is_none()));
}

#[tokio::test]
async fn outsiders_can_neither_read_nor_annotate_definitions_and_owners_must_be_members() {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    let eve = sign_up(&backend, "eve@example.com").await;
    send(
        &backend,
        ada.project,
        json!([{"event": "secret", "distinct_id": "u"}]),
    )
    .await;
    let id = event_definitions(&backend, ada.user.id, ada.project, 1).await[0].id;
    let notes = DefinitionNotes::parse("mine now", "", None, true).unwrap();

    // Reading and annotating both need a scope in the project, which an
    // outsider cannot get.
    assert!(matches!(
        backend.meta.scope(eve.user.id, ada.project).await,
        Err(Error::NotFound)
    ));
    // A definition of another project cannot be reached through one's own.
    assert!(matches!(
        backend
            .meta
            .annotate_event_definition(&eve.scope, id, &notes)
            .await,
        Err(Error::NotFound)
    ));
    let foreign_owner = DefinitionNotes::parse("", "", Some(eve.user.id), false).unwrap();
    let refused = backend
        .meta
        .annotate_event_definition(&ada.scope, id, &foreign_owner)
        .await;
    assert!(
        matches!(refused, Err(Error::Invalid(ref i)) if i.field == "owner_id"),
        "{refused:?}"
    );
}
