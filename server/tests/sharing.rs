//! Shared and embedded pages over HTTP, as a stranger's browser and another
//! site's iframe get them.

use domain::dashboard::DashboardDraft;
use domain::sharing::{ShareTarget, SharingOptions};
use reqwest::StatusCode;

struct Shared {
    running: testkit::Running,
    token: String,
    api_token: String,
}

/// A dashboard with a text tile, shared with `options` by its owner.
async fn shared_dashboard(options: SharingOptions) -> Shared {
    let running = testkit::start().await;
    let owner = running.browser();
    let (user, project) = running.sign_up(&owner, "owner@example.com").await;
    let meta = &running.backend.meta;
    let scope = meta.scope(user, project).await.unwrap();
    let draft = DashboardDraft::parse("Launch numbers", "", "").unwrap();
    let dashboard = meta.create_dashboard(&scope, &draft).await.unwrap();
    meta.add_text_tile(&scope, dashboard, "Notes for **readers**")
        .await
        .unwrap();
    let token = meta
        .set_sharing(&scope, ShareTarget::Dashboard(dashboard), true, options)
        .await
        .unwrap()
        .token;
    Shared {
        token,
        api_token: scope.project().api_token.clone(),
        running,
    }
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

fn frame_ancestors(response: &reqwest::Response) -> String {
    header(response, "content-security-policy")
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("frame-ancestors "))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_embed_may_be_framed_by_the_sites_its_share_lists_and_sets_no_cookie() {
    let shared = shared_dashboard(SharingOptions {
        allowed_origins: vec!["https://wiki.example.com".into()],
        ..Default::default()
    })
    .await;
    let stranger = reqwest::Client::new();
    let address = &shared.running.address;

    let embed = stranger
        .get(format!("{address}/embedded/{}", shared.token))
        .send()
        .await
        .unwrap();
    assert_eq!(embed.status(), StatusCode::OK);
    assert_eq!(frame_ancestors(&embed), "https://wiki.example.com");
    assert_eq!(header(&embed, "x-frame-options"), "", "no DENY on an embed");
    assert_eq!(header(&embed, "cache-control"), "private, no-cache");
    assert!(embed.headers().get("set-cookie").is_none());
    let html = embed.text().await.unwrap();
    assert!(html.contains("Launch numbers") && html.contains("<strong>readers</strong>"));
    for private in ["owner@example.com", "Tester", &shared.api_token] {
        assert!(!html.contains(private), "the embed shows {private}");
    }

    // The full page is for people, not frames.
    let page = stranger
        .get(format!("{address}/shared/{}", shared.token))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(frame_ancestors(&page), "'none'");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert!(page.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn without_listed_sites_any_site_may_frame_the_embed() {
    let shared = shared_dashboard(SharingOptions::default()).await;
    let embed = reqwest::get(format!(
        "{}/embedded/{}",
        shared.running.address, shared.token
    ))
    .await
    .unwrap();
    assert_eq!(frame_ancestors(&embed), "*");
}

#[tokio::test]
async fn a_link_that_no_longer_works_says_so_and_nothing_else() {
    let shared = shared_dashboard(SharingOptions::default()).await;
    for path in ["/shared/not-a-token", "/embedded/not-a-token"] {
        let response = reqwest::get(format!("{}{path}", shared.running.address))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("This link is no longer valid"), "{path}");
        assert!(!html.contains("Launch numbers"));
    }
    let api = shared
        .running
        .browser()
        .post(format!("{}/api/shared", shared.running.address))
        .header("Accept", "application/json")
        .form(&[("token", "not-a-token")])
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert!(api.text().await.unwrap().contains("NoLongerValid"));
}
