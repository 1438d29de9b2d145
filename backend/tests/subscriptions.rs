//! Subscriptions delivered through a real SMTP server: the chart arrives as
//! an inline PNG the HTML refers to, with one-click unsubscribe headers;
//! recipients are checked at send time; dashboards send their first six
//! insights; and senders racing over due subscriptions deliver each once.

use backend::Backend;
use chrono::{NaiveDate, Utc};
use domain::dashboard::DashboardDraft;
use domain::insight::{InsightDraft, InsightKind};
use domain::schedule::{Repeat, Schedule};
use domain::sharing::ShareTarget;
use domain::subscription::{DeliveryOutcome, Destination, SubscriptionDraft};
use mail_parser::{MessageParser, MimeHeaders};
use std::time::Duration;
use testkit::mail::SmtpServer;

/// Fresh stores whose mail goes to an SMTP server, and their first account.
struct Mailing {
    backend: Backend,
    owner: testkit::Account,
    _stores: testkit::mail::Mailing,
}

async fn mailing(smtp: &SmtpServer) -> Mailing {
    let stores = testkit::mail::mailing(Some(&smtp.url)).await;
    let backend = stores.backend.clone();
    let owner = testkit::sign_up(&backend, "owner@example.com").await;
    Mailing {
        backend,
        owner,
        _stores: stores,
    }
}

fn daily() -> Schedule {
    Schedule {
        repeat: Repeat::Day,
        interval: 1,
        start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        time: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
    }
}

fn to(recipients: &[&str]) -> SubscriptionDraft {
    SubscriptionDraft {
        title: String::new(),
        destination: Destination::Email {
            recipients: recipients.iter().map(|r| r.to_string()).collect(),
        },
        schedule: daily(),
    }
}

async fn insight(
    backend: &Backend,
    owner: &testkit::Account,
    name: &str,
) -> domain::insight::Insight {
    backend
        .meta
        .create_insight(
            &owner.scope,
            &InsightDraft::parse(name, "", "", InsightKind::Trends.starter()).unwrap(),
        )
        .await
        .unwrap()
}

fn parsed(raw: &[u8]) -> mail_parser::Message<'_> {
    MessageParser::default().parse(raw).unwrap()
}

#[tokio::test]
async fn an_insight_arrives_with_its_chart_inline_and_a_one_click_unsubscribe() {
    let smtp = SmtpServer::start();
    let mailing = mailing(&smtp).await;
    let (backend, owner) = (&mailing.backend, &mailing.owner);
    testkit::add_teammate(
        backend,
        owner,
        "member@example.com",
        domain::organization::Role::Member,
    )
    .await;
    let chart = insight(backend, owner, "Weekly sign-ups").await;
    let subscription = backend
        .meta
        .create_subscription(
            &owner.scope,
            ShareTarget::Insight(chart.id),
            to(&["member@example.com", "outsider@elsewhere.com"]),
        )
        .await
        .unwrap();
    assert!(subscription.next_delivery_at.unwrap() > Utc::now());

    backend
        .send_test(&owner.scope, subscription.id)
        .await
        .unwrap();
    backend.run_due().await;
    let received = smtp.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1, "the outsider gets nothing");
    let mail = parsed(&received[0]);
    assert_eq!(
        mail.subject(),
        Some("[Test] Insight report: Weekly sign-ups")
    );
    let html = mail.body_html(0).unwrap();
    let image = mail
        .attachments()
        .find(|part| part.is_content_type("image", "png"))
        .expect("an inline PNG");
    let content_id = image.content_id().unwrap();
    assert!(html.contains(&format!("cid:{content_id}")), "{html}");
    assert!(image.contents().starts_with(b"\x89PNG"));
    assert_eq!(
        mail.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );
    let unsubscribe = mail.header_raw("List-Unsubscribe").unwrap().trim();
    let url = unsubscribe.trim_start_matches('<').trim_end_matches('>');
    assert!(
        url.starts_with("https://huddle.example.com/unsubscribe?"),
        "{url}"
    );

    let deliveries = backend
        .meta
        .deliveries(&owner.scope, subscription.id, 10)
        .await
        .unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::Partial);
    assert!(deliveries[0].test);
    assert_eq!(deliveries[0].targets, "member@example.com");
    let why = deliveries[0].error.clone().unwrap();
    assert!(why.contains("outsider@elsewhere.com"), "{why}");

    // Following the link (as a mail client's one-click POST does).
    let query: std::collections::HashMap<String, String> =
        form_urlencoded::parse(url.split_once('?').unwrap().1.as_bytes())
            .into_owned()
            .collect();
    let id: i64 = query["subscription"].parse().unwrap();
    assert!(backend
        .unsubscribe(id, &query["email"], "forged")
        .await
        .is_err());
    backend
        .unsubscribe(id, &query["email"], &query["token"])
        .await
        .unwrap();
    let left = backend.meta.subscription(&owner.scope, id).await.unwrap();
    assert_eq!(
        left.destination,
        Destination::Email {
            recipients: vec!["outsider@elsewhere.com".to_owned()]
        }
    );
}

#[tokio::test]
async fn a_dashboard_sends_its_first_six_insights_in_layout_order() {
    let smtp = SmtpServer::start();
    let mailing = mailing(&smtp).await;
    let (backend, owner) = (&mailing.backend, &mailing.owner);
    let dashboard = backend
        .meta
        .create_dashboard(
            &owner.scope,
            &DashboardDraft::parse("Weekly numbers", "", "").unwrap(),
        )
        .await
        .unwrap();
    for n in 0..8 {
        let chart = insight(backend, owner, &format!("Chart {n}")).await;
        backend
            .meta
            .add_insight_tile(&owner.scope, dashboard, &chart.short_id)
            .await
            .unwrap();
    }
    let subscription = backend
        .meta
        .create_subscription(
            &owner.scope,
            ShareTarget::Dashboard(dashboard),
            to(&["owner@example.com"]),
        )
        .await
        .unwrap();
    backend
        .send_test(&owner.scope, subscription.id)
        .await
        .unwrap();
    backend.run_due().await;
    let received = smtp.wait_for(1).await;
    let mail = parsed(&received[0]);
    assert_eq!(
        mail.subject(),
        Some("[Test] Dashboard report: Weekly numbers")
    );
    let images = mail
        .attachments()
        .filter(|part| part.is_content_type("image", "png"))
        .count();
    assert_eq!(images, 6);
    let text = mail.body_text(0).unwrap();
    assert!(text.contains("Showing 6 of 8 insights"), "{text}");
    let first = text.find("Chart 0").unwrap();
    assert!(first < text.find("Chart 5").unwrap());
    assert!(!text.contains("Chart 6"));
}

#[tokio::test]
async fn a_creator_who_lost_access_sends_nothing_and_the_subscription_says_why() {
    let smtp = SmtpServer::start();
    let mailing = mailing(&smtp).await;
    let (backend, owner) = (&mailing.backend, &mailing.owner);
    let member = testkit::add_teammate(
        backend,
        owner,
        "member@example.com",
        domain::organization::Role::Member,
    )
    .await;
    let member_scope = backend.meta.scope(member.id, owner.project).await.unwrap();
    let chart = insight(backend, owner, "Revenue").await;
    let subscription = backend
        .meta
        .create_subscription(
            &member_scope,
            ShareTarget::Insight(chart.id),
            to(&["member@example.com"]),
        )
        .await
        .unwrap();
    backend
        .meta
        .remove_member(owner.user.id, owner.organization, member.id)
        .await
        .unwrap();
    backend
        .send_test(&owner.scope, subscription.id)
        .await
        .unwrap();
    backend.run_due().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(smtp.received().is_empty());
    let deliveries = backend
        .meta
        .deliveries(&owner.scope, subscription.id, 10)
        .await
        .unwrap();
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::Failed);
    assert!(deliveries[0]
        .error
        .as_deref()
        .unwrap()
        .contains("no longer"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn senders_racing_over_fifty_due_subscriptions_deliver_each_once() {
    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let first = Backend::open(&url, &dir.path().join("a.duckdb"))
        .await
        .unwrap();
    let owner = testkit::sign_up(&first, "owner@example.com").await;
    let chart = insight(&first, &owner, "Daily actives").await;
    for n in 0..50 {
        first
            .meta
            .create_subscription(
                &owner.scope,
                ShareTarget::Insight(chart.id),
                to(&[&format!("person{n}@example.com")]),
            )
            .await
            .unwrap();
    }
    // The recipients are outside the organization, which allows that.
    sqlx::query("UPDATE organizations SET external_recipients = 1")
        .execute(first.meta.sqlite_pool())
        .await
        .unwrap();
    // Every one is due: its delivery time has passed (as after a restart).
    sqlx::query("UPDATE subscriptions SET next_delivery_ms = $1")
        .bind(Utc::now().timestamp_millis() - 60_000)
        .execute(first.meta.sqlite_pool())
        .await
        .unwrap();
    let second = Backend::open(&url, &dir.path().join("b.duckdb"))
        .await
        .unwrap();
    let settings = testkit::mail::settings(dir.path(), Some(&smtp.url));
    let first = first.with_mail(&settings).unwrap();
    let second = second.with_mail(&settings).unwrap();
    let (a, b) = tokio::join!(first.run_due(), second.run_due());
    let ((), ()) = (a, b);

    let received = smtp.wait_for(50).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().len(), 50, "no subscription delivered twice");
    let mut recipients: Vec<String> = received
        .iter()
        .map(|raw| {
            parsed(raw)
                .to()
                .unwrap()
                .first()
                .unwrap()
                .address()
                .unwrap()
                .to_owned()
        })
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 50);
    let delivered: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM subscription_deliveries WHERE state = 'delivered' AND test = 0",
    )
    .fetch_one(first.meta.sqlite_pool())
    .await
    .unwrap();
    assert_eq!(delivered, 50);
    // Each moved on to its next slot, after now: a missed slot is sent once.
    let overdue: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions WHERE next_delivery_ms <= $1")
            .bind(Utc::now().timestamp_millis())
            .fetch_one(first.meta.sqlite_pool())
            .await
            .unwrap();
    assert_eq!(overdue, 0);
}

#[tokio::test]
async fn a_project_that_changes_its_zone_moves_its_subscriptions_to_the_same_local_time() {
    let stores = testkit::fresh().await;
    let owner = testkit::sign_up(&stores, "owner@example.com").await;
    let chart = insight(&stores, &owner, "Signups").await;
    let subscription = stores
        .meta
        .create_subscription(
            &owner.scope,
            ShareTarget::Insight(chart.id),
            to(&["owner@example.com"]),
        )
        .await
        .unwrap();
    let utc = subscription.next_delivery_at.unwrap();
    let berlin = domain::project::TimeZone::parse("Europe/Berlin").unwrap();
    stores
        .meta
        .update_project(
            &owner.scope,
            &domain::project::ProjectName::parse("First project").unwrap(),
            &berlin,
        )
        .await
        .unwrap();
    let scope = stores
        .meta
        .scope(owner.user.id, owner.project)
        .await
        .unwrap();
    let moved = stores
        .meta
        .subscription(&scope, subscription.id)
        .await
        .unwrap()
        .next_delivery_at
        .unwrap();
    use chrono::Timelike;
    assert_eq!(utc.hour(), 9);
    assert_eq!(moved.with_timezone(&berlin.tz()).hour(), 9, "{moved}");
}

fn hook(destination: Destination) -> SubscriptionDraft {
    SubscriptionDraft {
        title: "Team channel".to_owned(),
        destination,
        schedule: daily(),
    }
}

/// The token of a delivered image's address.
fn image_token(url: &str) -> &str {
    let path = url
        .strip_prefix("https://huddle.example.com/delivered/")
        .unwrap();
    path.strip_suffix(".png").unwrap()
}

#[tokio::test]
async fn slack_and_webhooks_get_the_charts_as_links_to_their_delivered_images() {
    let receiver = testkit::webhooks::Receiver::start(200).await;
    let smtp = SmtpServer::start();
    let mailing = mailing(&smtp).await;
    let backend = mailing.backend.clone().with_private_webhooks(true);
    let owner = &mailing.owner;
    let dashboard = backend
        .meta
        .create_dashboard(
            &owner.scope,
            &DashboardDraft::parse("Growth <& friends>", "", "").unwrap(),
        )
        .await
        .unwrap();
    for name in ["Sign-ups", "Activation"] {
        let chart = insight(&backend, owner, name).await;
        backend
            .meta
            .add_insight_tile(&owner.scope, dashboard, &chart.short_id)
            .await
            .unwrap();
    }
    let target = ShareTarget::Dashboard(dashboard);
    let slack = backend
        .subscribe(
            &owner.scope,
            target,
            hook(Destination::Slack {
                url: format!("{}/slack", receiver.url),
            }),
        )
        .await
        .unwrap();
    let webhook = backend
        .subscribe(
            &owner.scope,
            target,
            hook(Destination::Webhook {
                url: format!("{}/hook", receiver.url),
            }),
        )
        .await
        .unwrap();
    backend.send_test(&owner.scope, slack.id).await.unwrap();
    backend.send_test(&owner.scope, webhook.id).await.unwrap();
    backend.run_due().await;
    let received = receiver.wait_for(2).await;
    let body = |path: &str| received.iter().find(|(p, _)| p == path).unwrap().1.clone();

    let slack_body = body("/slack");
    assert_eq!(
        slack_body["text"],
        "[Test] Dashboard report: Growth <& friends>"
    );
    let blocks = slack_body["blocks"].as_array().unwrap();
    let context = blocks[1]["elements"][0]["text"].as_str().unwrap();
    assert!(context.starts_with("Every day at 09:00 UTC"), "{context}");
    let images: Vec<&str> = blocks
        .iter()
        .filter(|block| block["type"] == "image")
        .map(|block| block["image_url"].as_str().unwrap())
        .collect();
    assert_eq!(images.len(), 2);
    let png = backend
        .meta
        .delivery_image(image_token(images[0]))
        .await
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    assert!(backend.meta.delivery_image("not-a-token").await.is_err());
    let section = blocks[2]["text"]["text"].as_str().unwrap();
    assert!(
        section.starts_with("*<https://huddle.example.com/project/"),
        "{section}"
    );
    assert!(section.contains("|Sign-ups>*"), "{section}");

    let hook_body = body("/hook");
    assert_eq!(hook_body["test"], true);
    assert_eq!(hook_body["resource"]["kind"], "dashboard");
    assert_eq!(hook_body["resource"]["name"], "Growth <& friends>");
    assert_eq!(hook_body["total"], 2);
    let charts = hook_body["charts"].as_array().unwrap();
    assert_eq!(charts[1]["name"], "Activation");
    assert!(charts[1]["url"].as_str().unwrap().contains("/insights/"));
    let png = backend
        .meta
        .delivery_image(image_token(charts[1]["image_url"].as_str().unwrap()))
        .await
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"));

    for subscription in [slack.id, webhook.id] {
        let deliveries = backend
            .meta
            .deliveries(&owner.scope, subscription, 10)
            .await
            .unwrap();
        assert_eq!(
            deliveries[0].outcome,
            DeliveryOutcome::Delivered,
            "{deliveries:?}"
        );
    }
    assert!(smtp.received().is_empty());
}

#[tokio::test]
async fn a_webhook_that_refuses_or_points_inside_the_network_is_recorded_as_failed() {
    let refusing = testkit::webhooks::Receiver::start(404).await;
    let stores = testkit::fresh().await;
    let owner = testkit::sign_up(&stores, "owner@example.com").await;
    let chart = insight(&stores, &owner, "Revenue").await;
    let target = ShareTarget::Insight(chart.id);
    let url = format!("{}/in", refusing.url);
    let error = failed_delivery(
        &stores.backend.clone().with_private_webhooks(true),
        &owner,
        target,
        &url,
    )
    .await;
    assert!(error.contains("404"), "{error}");
    assert_eq!(refusing.received().len(), 1, "a 404 is not tried again");
    // By default loopback is off limits: nothing is sent.
    let error = failed_delivery(&stores.backend, &owner, target, &url).await;
    assert!(
        error.contains("127.0.0.1 is not a public address"),
        "{error}"
    );
    assert_eq!(refusing.received().len(), 1);
}

#[tokio::test]
async fn a_webhook_that_is_down_for_now_is_tried_again_before_the_delivery_fails() {
    let busy = testkit::webhooks::Receiver::start(503).await;
    let stores = testkit::fresh().await;
    let owner = testkit::sign_up(&stores, "owner@example.com").await;
    let chart = insight(&stores, &owner, "Revenue").await;
    // Short leases: each look after one runs out tries again.
    let backend = stores
        .backend
        .clone()
        .with_private_webhooks(true)
        .with_job_timing(backend::jobs::JobTiming {
            lease: Duration::from_millis(300),
            ..Default::default()
        });
    let subscription = backend
        .subscribe(
            &owner.scope,
            ShareTarget::Insight(chart.id),
            hook(Destination::Webhook {
                url: format!("{}/in", busy.url),
            }),
        )
        .await
        .unwrap();
    backend
        .send_test(&owner.scope, subscription.id)
        .await
        .unwrap();
    backend.run_due().await;
    let deliveries = backend
        .meta
        .deliveries(&owner.scope, subscription.id, 1)
        .await
        .unwrap();
    assert_eq!(
        deliveries[0].outcome,
        DeliveryOutcome::Pending,
        "waiting to try again"
    );
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(350)).await;
        backend.run_due().await;
    }
    assert_eq!(busy.received().len(), 3);
    let images: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM delivery_images")
        .fetch_one(backend.meta.sqlite_pool())
        .await
        .unwrap();
    assert_eq!(images, 1, "each try replaces the images of the one before");
    let delivery = &backend
        .meta
        .deliveries(&owner.scope, subscription.id, 1)
        .await
        .unwrap()[0];
    assert_eq!(delivery.outcome, DeliveryOutcome::Failed);
    let error = delivery.error.as_deref().unwrap();
    assert!(
        error.starts_with("Not sent after 3 tries: the webhook answered 503"),
        "{error}"
    );
}

/// The error of a test delivery to a webhook at `url`, which must fail.
async fn failed_delivery(
    backend: &Backend,
    owner: &testkit::Account,
    target: ShareTarget,
    url: &str,
) -> String {
    let subscription = backend
        .subscribe(
            &owner.scope,
            target,
            hook(Destination::Webhook {
                url: url.to_owned(),
            }),
        )
        .await
        .unwrap();
    backend
        .send_test(&owner.scope, subscription.id)
        .await
        .unwrap();
    backend.run_due().await;
    let deliveries = backend
        .meta
        .deliveries(&owner.scope, subscription.id, 10)
        .await
        .unwrap();
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::Failed);
    deliveries[0].error.clone().unwrap()
}

#[tokio::test]
async fn a_member_left_out_of_a_private_project_gets_nothing_even_when_outsiders_may() {
    let smtp = SmtpServer::start();
    let mailing = mailing(&smtp).await;
    let (backend, owner) = (&mailing.backend, &mailing.owner);
    testkit::add_teammate(
        backend,
        owner,
        "member@example.com",
        domain::organization::Role::Member,
    )
    .await;
    backend
        .meta
        .set_policy(
            owner.user.id,
            owner.organization,
            domain::organization::Policy::ExternalRecipients,
            true,
        )
        .await
        .unwrap();
    backend
        .meta
        .set_project_privacy(&owner.scope, true, &[])
        .await
        .unwrap();
    let chart = insight(backend, owner, "Revenue").await;
    let recipients = [
        "owner@example.com",
        "member@example.com",
        "cfo@elsewhere.com",
    ];
    let refused = backend
        .subscribe(
            &owner.scope,
            ShareTarget::Insight(chart.id),
            to(&recipients),
        )
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("member@example.com has no access"),
        "{refused}"
    );
    // Saved before the project closed, it skips the member at send time.
    let subscription = backend
        .meta
        .create_subscription(
            &owner.scope,
            ShareTarget::Insight(chart.id),
            to(&recipients),
        )
        .await
        .unwrap();
    backend
        .send_test(&owner.scope, subscription.id)
        .await
        .unwrap();
    backend.run_due().await;
    smtp.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut got: Vec<String> = smtp
        .received()
        .iter()
        .map(|raw| {
            parsed(raw)
                .to()
                .unwrap()
                .first()
                .unwrap()
                .address()
                .unwrap()
                .to_owned()
        })
        .collect();
    got.sort();
    assert_eq!(got, ["cfo@elsewhere.com", "owner@example.com"]);
    let delivery = &backend
        .meta
        .deliveries(&owner.scope, subscription.id, 1)
        .await
        .unwrap()[0];
    assert_eq!(delivery.outcome, DeliveryOutcome::Partial);
    assert!(delivery
        .error
        .as_deref()
        .unwrap()
        .contains("member@example.com has no access to the project"));
}
