//! Two `huddle` processes on one database race over 50 due subscriptions,
//! and one is killed with SIGKILL mid-run: every recipient gets their mail,
//! none twice (but the one mail that may have been in the killed process's
//! hands, which SMTP cannot take back), and every delivery is recorded.

use chrono::{NaiveDate, NaiveTime, Utc};
use domain::insight::{InsightDraft, InsightKind};
use domain::schedule::{Repeat, Schedule};
use domain::sharing::ShareTarget;
use domain::subscription::{Destination, SubscriptionDraft};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use testkit::mail::SmtpServer;

const SUBSCRIPTIONS: usize = 50;

/// A `huddle serve` on the shared database with an events store of its own
/// (DuckDB files are one process's), short leases and little idling.
fn huddle(dir: &Path, name: &str, smtp: &SmtpServer) -> Child {
    let log = std::fs::File::create(dir.join(format!("{name}.log"))).unwrap();
    Command::new(env!("CARGO_BIN_EXE_huddle"))
        .arg("serve")
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.join("meta.db").display()))
        .arg("--events-path")
        .arg(dir.join(format!("{name}.duckdb")))
        .arg("--secret-key-file")
        .arg(dir.join("secret.key"))
        .args([
            "--smtp-url",
            &smtp.url,
            "--job-lease-seconds",
            "3",
            "--job-idle-seconds",
            "1",
        ])
        .env("LEPTOS_OUTPUT_NAME", "huddle")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap()
}

/// 50 daily subscriptions, each to its own outside address, all overdue.
async fn seed(dir: &Path) {
    backend::SecretKey::load_or_create(&dir.join("secret.key")).unwrap();
    let url = format!("sqlite://{}", dir.join("meta.db").display());
    let backend = backend::Backend::open(&url, &dir.join("seed.duckdb"))
        .await
        .unwrap();
    let owner = testkit::sign_up(&backend, "owner@example.com").await;
    let chart = backend
        .meta
        .create_insight(
            &owner.scope,
            &InsightDraft::parse("Daily actives", "", "", InsightKind::Trends.starter()).unwrap(),
        )
        .await
        .unwrap();
    let daily = Schedule {
        repeat: Repeat::Day,
        interval: 1,
        start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
    };
    for n in 0..SUBSCRIPTIONS {
        let draft = SubscriptionDraft {
            title: String::new(),
            destination: Destination::Email {
                recipients: vec![format!("person{n}@example.com")],
            },
            schedule: daily.clone(),
        };
        backend
            .meta
            .create_subscription(&owner.scope, ShareTarget::Insight(chart.id), draft)
            .await
            .unwrap();
    }
    let pool = backend.meta.sqlite_pool().clone();
    sqlx::query("UPDATE organizations SET external_recipients = 1")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE subscriptions SET next_delivery_ms = $1")
        .bind(Utc::now().timestamp_millis() - 60_000)
        .execute(&pool)
        .await
        .unwrap();
    backend.close().await;
}

/// How many mails each address received.
fn per_recipient(mails: &[Vec<u8>]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for raw in mails {
        let mail = mail_parser::MessageParser::default().parse(raw).unwrap();
        let to = mail
            .to()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap()
            .to_owned();
        *counts.entry(to).or_default() += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_deliver_each_subscription_once_even_when_one_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path()).await;
    let smtp = SmtpServer::start();
    let mut first = huddle(dir.path(), "first", &smtp);
    let mut second = huddle(dir.path(), "second", &smtp);

    // Mid-run: some mail is out, most is not.
    smtp.wait_for(5).await;
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        smtp.received().len() < SUBSCRIPTIONS,
        "the run was over before the kill"
    );

    for _ in 0..240 {
        if per_recipient(&smtp.received()).len() == SUBSCRIPTIONS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Anything left in flight would arrive within a lease.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let received = smtp.received();
    second.kill().unwrap();
    second.wait().unwrap();

    let counts = per_recipient(&received);
    assert_eq!(
        counts.len(),
        SUBSCRIPTIONS,
        "every recipient got their mail"
    );
    let extra: usize = counts.values().map(|n| n - 1).sum();
    assert!(extra <= 1, "mails sent twice: {extra}");

    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let states: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM subscription_deliveries GROUP BY state")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(states, vec![("delivered".to_owned(), SUBSCRIPTIONS as i64)]);
    let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mails WHERE state <> 'sent'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(unsent, 0);
}
