//! Signed embeds over HTTP: a site signs a token with its project's
//! embedding secret; Huddle shows the insight with the token's filters
//! locked, and refuses every token it should, each with its own reason.

use domain::insight::{InsightDraft, InsightQuery};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Site {
    running: testkit::Running,
    project: domain::ProjectId,
    short_id: String,
    secret: String,
    scope: backend::ProjectScope,
}

/// A project with five page views, two of them by the customer "acme", an
/// insight counting them, and an embedding secret.
async fn site() -> Site {
    let running = testkit::start().await;
    let owner = running.browser();
    let (user, project) = running.sign_up(&owner, "owner@example.com").await;
    let meta = &running.backend.meta;
    let scope = meta.scope(user, project).await.unwrap();
    let batch: Vec<Value> = ["acme", "acme", "globex", "globex", "globex"]
        .iter()
        .enumerate()
        .map(|(k, customer)| {
            json!({"event": "$pageview", "distinct_id": format!("v{k}"), "properties": {"customer": customer}})
        })
        .collect();
    let sent = reqwest::Client::new()
        .post(format!("{}/batch", running.address))
        .json(&json!({"api_key": scope.project().api_token, "batch": batch}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    let query = InsightQuery::from_json(
        r#"{"kind":"TrendsQuery","series":[{"kind":"EventsNode","event":"$pageview"}],"dateRange":{"date_from":"-7d"}}"#,
    )
    .unwrap();
    let insight = meta
        .create_insight(
            &scope,
            &InsightDraft::parse("Views", "", "", query.clone()).unwrap(),
        )
        .await
        .unwrap();
    for _ in 0..100 {
        let outcome = running
            .backend
            .insight_outcome(&scope, &query, true)
            .await
            .unwrap();
        if total(&serde_json::to_value(&outcome).unwrap()) == 5.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let secret = meta.rotate_embed_secret(&scope).await.unwrap();
    Site {
        running,
        project,
        short_id: insight.short_id,
        secret,
        scope,
    }
}

fn total(outcome: &Value) -> f64 {
    outcome["result"]["Trends"]["series"][0]["total"]
        .as_f64()
        .unwrap_or(0.0)
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn in_minutes(minutes: i64) -> i64 {
    chrono::Utc::now().timestamp() + minutes * 60
}

impl Site {
    fn claims(&self, exp: i64) -> Value {
        json!({"project": self.project, "resource": {"insight": self.short_id},
               "filters": [{"key": "customer", "value": "acme"}], "exp": exp})
    }

    async fn embed(&self, token: &str) -> (StatusCode, Value) {
        let response = self
            .running
            .browser()
            .post(format!("{}/api/signed_embed", self.running.address))
            .header("Accept", "application/json")
            .form(&[("token", token)])
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    async fn page(&self, token: &str) -> (StatusCode, String) {
        let response = reqwest::get(format!("{}/embedded/jwt/{token}", self.running.address))
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

#[tokio::test]
async fn a_signed_embed_shows_the_insight_with_its_filters_locked() {
    let site = site().await;
    let token = sign(&site.claims(in_minutes(10)), &site.secret);
    let (status, view) = site.embed(&token).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let outcome = &view["content"]["Insight"]["outcome"]["Ok"];
    assert_eq!(total(outcome), 2.0, "only acme's page views: {outcome}");
    assert_eq!(view["locked"], json!(["customer = acme"]));

    let (status, html) = site.page(&token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Showing only") && html.contains("customer = acme"));
}

#[tokio::test]
async fn tokens_that_should_not_open_are_refused_each_with_its_reason() {
    let site = site().await;
    let good = sign(&site.claims(in_minutes(10)), &site.secret);
    // The payload swapped for one naming another customer, signature kept.
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    let other = sign(
        &json!({"project": site.project, "resource": {"insight": site.short_id},
                "filters": [{"key": "customer", "value": "globex"}], "exp": in_minutes(10)}),
        "not the secret",
    );
    parts[1] = other.split('.').nth(1).unwrap().to_owned();
    let tampered = parts.join(".");
    let stranger = sign(
        &json!({"project": site.project, "resource": {"insight": "nosuchid"}, "exp": in_minutes(10)}),
        &site.secret,
    );
    let cases = [
        (
            "expired",
            sign(&site.claims(in_minutes(-1)), &site.secret),
            StatusCode::FORBIDDEN,
            "has expired",
        ),
        (
            "too long",
            sign(&site.claims(in_minutes(25 * 60)), &site.secret),
            StatusCode::BAD_REQUEST,
            "more than 24 hours",
        ),
        (
            "tampered",
            tampered,
            StatusCode::FORBIDDEN,
            "changed after signing",
        ),
        (
            "wrong secret",
            sign(&site.claims(in_minutes(10)), "hes_someone-elses"),
            StatusCode::FORBIDDEN,
            "not signed with its project",
        ),
        (
            "wrong project",
            stranger,
            StatusCode::NOT_FOUND,
            "not in its project",
        ),
        (
            "malformed",
            "not.a-token".to_owned(),
            StatusCode::BAD_REQUEST,
            "not a valid signed token",
        ),
    ];
    for (what, token, status, reason) in cases {
        let (got, body) = site.embed(&token).await;
        assert_eq!(got, status, "{what}: {body}");
        let (got, html) = site.page(&token).await;
        assert_eq!(got, status, "{what} page");
        assert!(html.contains(reason), "{what}: the page says why");
        assert!(
            !html.contains("Views"),
            "{what}: the page shows nothing of the insight"
        );
    }

    // A new secret: tokens signed with the old one stop.
    assert_eq!(site.embed(&good).await.0, StatusCode::OK);
    site.running
        .backend
        .meta
        .rotate_embed_secret(&site.scope)
        .await
        .unwrap();
    assert_eq!(site.embed(&good).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_readme_signing_example_makes_a_working_embed() {
    let site = site().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/sign-embed.mjs");
    let output = std::process::Command::new("node")
        .arg(script)
        .args([&site.project.to_string(), &site.short_id, "acme"])
        .env("HUDDLE_URL", &site.running.address)
        .env("HUDDLE_EMBED_SECRET", &site.secret)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let url = String::from_utf8(output.stdout).unwrap();
    let token = url.trim().rsplit('/').next().unwrap();
    let (status, view) = site.embed(token).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(total(&view["content"]["Insight"]["outcome"]["Ok"]), 2.0);
}
