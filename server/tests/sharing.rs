//! Shared and embedded pages over HTTP, as a stranger's browser and another
//! site's iframe get them.

use domain::dashboard::DashboardDraft;
use domain::insight::{InsightDraft, InsightKind};
use domain::sharing::{ShareTarget, SharingOptions};
use reqwest::StatusCode;
use testkit::header;

struct Shared {
    running: testkit::Running,
    token: String,
    api_token: String,
    project: domain::ProjectId,
    dashboard: domain::DashboardId,
    short_id: String,
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
    let insight = meta
        .create_insight(
            &scope,
            &InsightDraft::parse("Signups", "", "", InsightKind::Trends.starter()).unwrap(),
        )
        .await
        .unwrap();
    meta.add_insight_tile(&scope, dashboard, &insight.short_id)
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
        project,
        dashboard,
        short_id: insight.short_id,
        running,
    }
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

/// The `content` of the page's `<meta property="…">` tag.
fn meta_property(html: &str, property: &str) -> Option<String> {
    let start = html.find(&format!("property=\"{property}\" content=\""))?;
    let rest = &html[start..];
    let value = &rest[rest.find("content=\"")? + 9..];
    Some(value[..value.find('"')?].replace("&amp;", "&"))
}

/// A PNG's width and height, from its header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[tokio::test]
async fn a_shared_page_previews_with_its_name_and_a_png_of_the_stated_size() {
    let shared = shared_dashboard(SharingOptions::default()).await;
    let address = &shared.running.address;
    let html = reqwest::get(format!("{address}/shared/{}", shared.token))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        meta_property(&html, "og:title").as_deref(),
        Some("Launch numbers")
    );
    let image = meta_property(&html, "og:image").expect("an og:image");
    assert_eq!(image, format!("{address}/shared/{}.png", shared.token));
    let width: u32 = meta_property(&html, "og:image:width")
        .unwrap()
        .parse()
        .unwrap();
    let height: u32 = meta_property(&html, "og:image:height")
        .unwrap()
        .parse()
        .unwrap();

    let response = reqwest::get(&image).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "image/png");
    assert!(response.headers().get("set-cookie").is_none());
    let bytes = response.bytes().await.unwrap();
    assert_eq!(png_size(&bytes), (width, height));

    // oEmbed, found from the page's discovery link.
    let discovery = html
        .split("<link")
        .find(|tag| tag.contains("application/json+oembed"))
        .and_then(|tag| tag.split("href=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("an oEmbed discovery link")
        .replace("&amp;", "&");
    let answer: serde_json::Value = reqwest::get(&discovery)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["type"], "rich");
    assert!(answer["html"]
        .as_str()
        .unwrap()
        .contains(&format!("{address}/embedded/{}", shared.token)));

    // A link that no longer works has no image and no oEmbed answer.
    let gone = reqwest::get(format!("{address}/shared/not-a-token.png"))
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let gone = reqwest::get(format!("{address}/oembed?url={address}/shared/not-a-token"))
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_private_permalink_previews_as_a_sign_in_page_naming_nothing() {
    let shared = shared_dashboard(SharingOptions::default()).await;
    let address = &shared.running.address;
    let (project, short_id) = (shared.project, &shared.short_id);
    // A crawler follows redirects and reads the tags where it lands.
    for path in [
        format!("/project/{project}/insights/{short_id}"),
        format!("/i/{short_id}"),
        format!("/project/{project}/dashboard/{}", shared.dashboard),
    ] {
        let html = reqwest::get(format!("{address}{path}"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            meta_property(&html, "og:title").as_deref(),
            Some("Huddle — sign in to view"),
            "{path}"
        );
        for private in ["Signups", "Launch numbers", "First project"] {
            assert!(!html.contains(private), "{path} names {private}");
        }
    }
}
