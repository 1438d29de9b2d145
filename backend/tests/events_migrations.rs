//! The events store's schema migrations on real DuckDB files.

use backend::events::MIGRATIONS;
use backend::ingest::NewEvent;
use backend::{Error, EventsStore};
use chrono::NaiveDateTime;
use std::path::Path;

/// The events store's tables as the code before recorded migrations created
/// them, at every open.
const OLD_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    uuid         UUID      NOT NULL,
    project_id   BIGINT    NOT NULL,
    timestamp    TIMESTAMP NOT NULL,  -- UTC
    event        VARCHAR   NOT NULL,
    distinct_id  VARCHAR   NOT NULL,
    -- The person at ingestion time; person_overrides maps merged persons on.
    person_id    UUID      NOT NULL,
    properties   JSON,
    current_url  VARCHAR,
    browser      VARCHAR,
    os           VARCHAR,
    country      VARCHAR,
    session_id   VARCHAR,
    inserted_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS persons (
    project_id     BIGINT    NOT NULL,
    id             UUID      NOT NULL,
    properties     JSON      NOT NULL,
    is_identified  BOOLEAN   NOT NULL,
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS person_distinct_ids (
    project_id   BIGINT  NOT NULL,
    distinct_id  VARCHAR NOT NULL,
    person_id    UUID    NOT NULL
);

-- When two persons merge, events stored under the old one count for the new.
CREATE TABLE IF NOT EXISTS person_overrides (
    project_id     BIGINT NOT NULL,
    old_person_id  UUID   NOT NULL,
    new_person_id  UUID   NOT NULL
);
";

/// What `schema_migrations` holds, in version order.
fn recorded(db: &duckdb::Connection) -> Vec<(i64, String, NaiveDateTime)> {
    db.prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<duckdb::Result<_>>()
        .unwrap()
}

fn recorded_in(path: &Path) -> Vec<(i64, String, NaiveDateTime)> {
    let store = EventsStore::open(path).unwrap();
    recorded(&store.connect().unwrap())
}

fn every_migration() -> Vec<(i64, String)> {
    MIGRATIONS
        .iter()
        .map(|m| (m.version, m.name.to_owned()))
        .collect()
}

fn without_times(rows: &[(i64, String, NaiveDateTime)]) -> Vec<(i64, String)> {
    rows.iter().map(|(v, n, _)| (*v, n.clone())).collect()
}

#[test]
fn migrations_are_numbered_in_order() {
    assert!(!MIGRATIONS.is_empty());
    assert_eq!(MIGRATIONS[0].version, 1);
    assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
}

#[test]
fn a_fresh_file_records_every_migration() {
    let dir = tempfile::tempdir().unwrap();
    let rows = recorded_in(&dir.path().join("events.duckdb"));
    assert_eq!(without_times(&rows), every_migration());
}

#[test]
fn reopening_applies_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.duckdb");
    let first = recorded_in(&path);
    let again = recorded_in(&path);
    assert_eq!(again, first, "the same records, applied_at included");
}

#[test]
fn a_file_made_before_recorded_migrations_opens_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.duckdb");
    {
        let old = duckdb::Connection::open(&path).unwrap();
        old.execute_batch(OLD_SCHEMA).unwrap();
        old.execute_batch(
            "INSERT INTO events VALUES ('00000000-0000-0000-0000-000000000001', 7,
                 TIMESTAMP '2026-11-01 10:00:00', '$pageview', 'ada', '00000000-0000-0000-0000-0000000000aa',
                 '{\"$browser\": \"Firefox\"}', NULL, 'Firefox', NULL, NULL, NULL, TIMESTAMP '2026-11-01 10:00:01');
             INSERT INTO persons VALUES (7, '00000000-0000-0000-0000-0000000000aa', '{\"email\": \"ada@example.com\"}',
                 TRUE, TIMESTAMP '2026-11-01 10:00:00');
             INSERT INTO person_distinct_ids VALUES (7, 'ada', '00000000-0000-0000-0000-0000000000aa');",
        )
        .unwrap();
    }

    let store = EventsStore::open(&path).unwrap();
    let db = store.connect().unwrap();
    assert_eq!(without_times(&recorded(&db)), every_migration());
    let kept: (i64, String, String) = db
        .query_row(
            "SELECT count(*), any_value(e.browser), any_value(p.properties::VARCHAR)
             FROM events e JOIN persons p ON p.id = e.person_id AND p.project_id = e.project_id",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        kept,
        (
            1,
            "Firefox".into(),
            r#"{"email": "ada@example.com"}"#.into()
        )
    );
    drop(db);
    drop(store);

    // And it opens like any other from then on.
    assert_eq!(without_times(&recorded_in(&path)), every_migration());
}

#[test]
fn a_file_with_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.duckdb");
    drop(EventsStore::open(&path).unwrap());
    let known = MIGRATIONS.last().unwrap().version;
    {
        let newer = duckdb::Connection::open(&path).unwrap();
        newer
            .execute(
                "INSERT INTO schema_migrations VALUES (?, 'from the future', TIMESTAMP '2030-01-01 00:00:00')",
                [known + 1],
            )
            .unwrap();
    }
    match EventsStore::open(&path) {
        Err(Error::EventsSchemaTooNew { found, known: k }) => {
            assert_eq!((found, k), (known + 1, known));
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a file from a newer Huddle was opened"),
    }
}

#[tokio::test]
async fn a_backend_opens_and_ingests_into_a_file_made_before_recorded_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.duckdb");
    duckdb::Connection::open(&events)
        .unwrap()
        .execute_batch(OLD_SCHEMA)
        .unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let backend = backend::Backend::open(&url, &events).await.unwrap();
    let ada = testkit::sign_up(&backend, "ada@example.com").await;
    let pageview = NewEvent {
        uuid: uuid::Uuid::new_v4(),
        event: "$pageview".into(),
        distinct_id: "ada".into(),
        timestamp: "2026-11-01T10:00:00Z".parse().unwrap(),
        properties: Default::default(),
        set: Default::default(),
        set_once: Default::default(),
    };
    backend
        .ingest
        .submit(ada.project, vec![pageview])
        .await
        .unwrap();
    assert_eq!(backend.events.count_events(&ada.scope).await.unwrap(), 1);
    backend.close().await;
    assert_eq!(without_times(&recorded_in(&events)), every_migration());
}
