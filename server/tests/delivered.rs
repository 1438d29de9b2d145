//! The addresses deliveries link to, over HTTP: a webhook's chart image
//! answers whoever holds its address, and a mail client's one-click
//! unsubscribe POST (no session, no Origin) works once its link is signed.

use domain::insight::{InsightDraft, InsightKind};
use domain::schedule::Schedule;
use domain::sharing::ShareTarget;
use domain::subscription::{Destination, SubscriptionDraft};
use testkit::header;

fn draft(destination: Destination) -> SubscriptionDraft {
    SubscriptionDraft {
        title: String::new(),
        destination,
        schedule: Schedule::weekly_on_mondays(chrono::Utc::now().date_naive()),
    }
}

#[tokio::test]
async fn a_delivered_image_is_served_at_its_secret_address_and_one_click_unsubscribe_needs_its_signature(
) {
    let running = testkit::start().await;
    let backend = &running.backend;
    let owner = testkit::sign_up(backend, "owner@example.com").await;
    let chart = backend
        .meta
        .create_insight(
            &owner.scope,
            &InsightDraft::parse("Sign-ups", "", "", InsightKind::Trends.starter()).unwrap(),
        )
        .await
        .unwrap();
    let target = ShareTarget::Insight(chart.id);
    let receiver = testkit::webhooks::Receiver::start(200).await;
    let hook = backend
        .subscribe(
            &owner.scope,
            target,
            draft(Destination::Webhook {
                url: receiver.url.clone() + "/in",
            }),
        )
        .await
        .unwrap();
    backend.send_test(&owner.scope, hook.id).await.unwrap();
    let (_, body) = receiver.wait_for(1).await.remove(0);
    let image = body["charts"][0]["image_url"].as_str().unwrap().to_owned();
    assert!(
        image.starts_with(&format!("{}/delivered/", running.address)),
        "{image}"
    );

    let stranger = running.browser();
    let response = stranger.get(&image).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "image/png");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert!(response.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let guessed = stranger
        .get(format!(
            "{}/delivered/{}.png",
            running.address,
            "a".repeat(32)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(guessed.status(), 404);

    // One-click: a mail provider's POST, without cookies or Origin.
    let mail = backend
        .subscribe(
            &owner.scope,
            target,
            draft(Destination::Email {
                recipients: vec!["owner@example.com".into()],
            }),
        )
        .await
        .unwrap();
    let link = backend.meta.unsubscribe_path(mail.id, "owner@example.com");
    let forged = link.replace("token=", "token=x");
    let refused = stranger
        .post(format!("{}{forged}", running.address))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert!(backend
        .meta
        .subscription(&owner.scope, mail.id)
        .await
        .is_ok());
    let done = stranger
        .post(format!("{}{link}", running.address))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    // Its only recipient left, so the subscription is gone.
    assert!(backend
        .meta
        .subscription(&owner.scope, mail.id)
        .await
        .is_err());
    // The page of the same address, for people, only offers the button.
    let page = stranger
        .get(format!("{}{link}", running.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Unsubscribe"));
}
