//! The live events stream ends when its viewer may no longer see the
//! project, and one person cannot open streams without end.

use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;

async fn start() -> testkit::Running {
    testkit::start_with(
        |config| {
            config.live = server::LiveLimits {
                recheck: Duration::from_millis(100),
                streams_per_user: 2,
            }
        },
        leptos::prelude::LeptosOptions::builder()
            .output_name("huddle")
            .build(),
    )
    .await
}

async fn open_stream(
    running: &testkit::Running,
    client: &reqwest::Client,
    project: domain::ProjectId,
) -> reqwest::Response {
    client
        .get(format!(
            "{}/api/projects/{project}/events/live",
            running.address
        ))
        .send()
        .await
        .unwrap()
}

/// Reads the stream until the server ends it; false if it is still open
/// after a few seconds.
async fn ends_soon(mut stream: reqwest::Response) -> bool {
    tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn a_live_stream_ends_when_its_viewer_logs_out_elsewhere() {
    let running = start().await;
    let browser = running.browser();
    let (_, project) = running.sign_up(&browser, "ada@example.com").await;
    let stream = open_stream(&running, &browser, project).await;
    assert_eq!(stream.status(), StatusCode::OK);

    let logged_out = running.call(&browser, "logout", &[]).await;
    assert!(logged_out.status().is_success() || logged_out.status().is_redirection());

    assert!(ends_soon(stream).await, "the stream outlived the session");
}

#[tokio::test]
async fn a_live_stream_ends_when_its_viewer_is_removed_from_the_organization() {
    let running = start().await;
    let owner = running.browser();
    let (owner_id, project) = running.sign_up(&owner, "owner@example.com").await;
    let organization = running
        .backend
        .meta
        .scope(owner_id, project)
        .await
        .unwrap()
        .organization()
        .id;
    let invite: Value = running
        .call(
            &owner,
            "create_invite",
            &[
                ("organization", &organization.to_string()),
                ("email", "member@example.com"),
                ("role", "member"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let token = invite["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let member = running.browser();
    let joined = running
        .call(
            &member,
            "accept_invite_new",
            &[
                ("token", &token),
                ("name", "Member"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert!(joined.status().is_success() || joined.status().is_redirection());
    let stream = open_stream(&running, &member, project).await;
    assert_eq!(stream.status(), StatusCode::OK);

    let member_id = running
        .backend
        .meta
        .user_with_password_hash(&email("member@example.com"))
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let removed = running
        .call(
            &owner,
            "remove_member",
            &[
                ("organization", &organization.to_string()),
                ("user_id", &member_id.to_string()),
            ],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::OK);

    assert!(
        ends_soon(stream).await,
        "the stream outlived the membership"
    );
}

#[tokio::test]
async fn one_person_can_keep_only_a_few_live_streams_open() {
    let running = start().await;
    let browser = running.browser();
    let (_, project) = running.sign_up(&browser, "ada@example.com").await;
    let first = open_stream(&running, &browser, project).await;
    let second = open_stream(&running, &browser, project).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(second.status(), StatusCode::OK);

    let third = open_stream(&running, &browser, project).await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = third.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("2 live event streams"),
        "{body}"
    );

    // A closed stream gives its place back.
    drop(first);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let again = open_stream(&running, &browser, project).await;
    assert_eq!(again.status(), StatusCode::OK);
}

fn email(address: &str) -> domain::account::Email {
    domain::account::Email::parse(address).unwrap()
}
