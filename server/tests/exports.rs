//! A saved insight's result downloaded as CSV.

use backend::ingest::{normalize, RawEvent};
use chrono::Utc;
use domain::insight::{InsightDraft, InsightKind};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_saved_insight_downloads_as_the_csv_of_its_table_for_its_project_only() {
    let running = testkit::start().await;
    let ada = running.browser();
    let (user, project) = running.sign_up(&ada, "ada@example.com").await;
    let raw: Vec<RawEvent> = serde_json::from_value(json!([
        {"event": "$pageview", "distinct_id": "a"},
        {"event": "$pageview", "distinct_id": "b"},
        {"event": "$pageview", "distinct_id": "a"},
    ]))
    .unwrap();
    let events = normalize(raw, Utc::now(), None).unwrap();
    running
        .backend
        .ingest
        .submit(project, events)
        .await
        .unwrap();
    let scope = running.backend.meta.scope(user, project).await.unwrap();
    let draft =
        InsightDraft::parse("Views \"daily\"", "", "", InsightKind::Trends.starter()).unwrap();
    let insight = running
        .backend
        .meta
        .create_insight(&scope, &draft)
        .await
        .unwrap();
    let url = format!(
        "{}{}",
        running.address,
        domain::paths::insight_export(project, &insight.short_id, "csv")
    );

    let response = ada.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"Views daily.csv\""
    );
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!((&header[0], &header[1]), ("Series", "Total"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!((&rows[0][0], &rows[0][1]), ("Pageview", "3"));
    assert_eq!(rows[0].len(), header.len());
    assert_eq!(
        &rows[0][rows[0].len() - 1],
        "3",
        "today's column holds them"
    );

    let bob = running.browser();
    running.sign_up(&bob, "bob@example.com").await;
    let theirs = bob.get(&url).send().await.unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let anonymous = running.browser().get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
