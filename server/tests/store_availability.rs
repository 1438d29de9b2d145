//! The metadata store stays writable when browsers go away mid-request, and
//! says so honestly when it cannot write.

use rand::Rng;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::time::Duration;

/// A connection of its own (like another process) holding the write lock.
async fn hold_write_lock(running: &testkit::Running) -> SqliteConnection {
    let mut outside = (*running.backend.meta.sqlite_pool().connect_options())
        .clone()
        .connect()
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut outside)
        .await
        .unwrap();
    outside
}

async fn add_text_tile(
    running: &testkit::Running,
    client: &reqwest::Client,
    project: domain::ProjectId,
    dashboard: domain::dashboard::DashboardId,
) -> reqwest::Response {
    client
        .post(format!("{}/api/change_dashboard", running.address))
        .json(&json!({
            "project_id": project,
            "dashboard_id": dashboard,
            "change": {"AddText": {"text": "a note"}},
        }))
        .send()
        .await
        .unwrap()
}

async fn new_dashboard(
    running: &testkit::Running,
    user: domain::UserId,
    project: domain::ProjectId,
) -> domain::dashboard::DashboardId {
    let draft = domain::dashboard::DashboardDraft {
        name: "Growth".into(),
        description: String::new(),
        tags: vec![],
    };
    let meta = &running.backend.meta;
    meta.create_dashboard(&meta.scope(user, project).await.unwrap(), &draft)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_still_succeed_after_many_browsers_went_away_mid_request() {
    let running = testkit::start().await;
    let browser = running.browser();
    let (user, project) = running.sign_up(&browser, "ada@example.com").await;
    let dashboard = new_dashboard(&running, user, project).await;

    // The unsafe window (SQLite has begun, sqlx's guard does not exist yet)
    // lasts microseconds: without the fix, this many aborted requests wedged
    // the store in every run tried.
    let running = std::sync::Arc::new(running);
    let tasks: Vec<_> = (0..16)
        .map(|task| {
            let running = running.clone();
            let browser = browser.clone();
            tokio::spawn(async move {
                for round in 0..150 {
                    // From before the request is read to after the write.
                    let micros = rand::thread_rng().gen_range(0..4_000);
                    let request = async {
                        if (task + round) % 3 == 0 {
                            running
                                .call(&browser, "home", &[("project_id", &project.to_string())])
                                .await
                        } else {
                            add_text_tile(&running, &browser, project, dashboard).await
                        }
                    };
                    // Dropping the request closes its connection: the server
                    // drops the handler wherever it is.
                    let _ = tokio::time::timeout(Duration::from_micros(micros), request).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }

    let health = browser
        .get(format!("{}/healthz", running.address))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    for _ in 0..10 {
        let written = tokio::time::timeout(
            Duration::from_secs(2),
            add_text_tile(&running, &browser, project, dashboard),
        )
        .await
        .expect("a write waited on a held lock");
        assert_eq!(written.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_write_that_cannot_get_the_lock_answers_busy_with_retry_after() {
    let running = testkit::start().await;
    let browser = running.browser();
    let (user, project) = running.sign_up(&browser, "ada@example.com").await;
    let dashboard = new_dashboard(&running, user, project).await;

    let outside = hold_write_lock(&running).await;
    let refused = add_text_tile(&running, &browser, project, dashboard).await;
    drop(outside);

    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()["retry-after"], "2");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body, json!("Busy"));
    let error: app::error::AppError = serde_json::from_value(body).unwrap();
    assert_eq!(error.to_string(), "Huddle is busy; try again in a moment.");
    let retried = add_text_tile(&running, &browser, project, dashboard).await;
    assert_eq!(retried.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_health_check_reports_a_metadata_store_that_cannot_write() {
    let running = testkit::start().await;
    let client = reqwest::Client::new();
    let health = || async {
        client
            .get(format!("{}/healthz", running.address))
            .send()
            .await
            .unwrap()
    };
    assert_eq!(health().await.status(), StatusCode::OK);

    let mut outside = hold_write_lock(&running).await;
    let wedged = health().await;
    assert_eq!(wedged.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = wedged.json().await.unwrap();
    assert_eq!(body["store"], "metadata");
    assert_eq!(body["error"], "The metadata store cannot take writes.");

    sqlx::query("ROLLBACK").execute(&mut outside).await.unwrap();
    outside.close().await.unwrap();
    assert_eq!(health().await.status(), StatusCode::OK);
}
