//! The server over real HTTP: a fresh SQLite database and a real listener per
//! test, driven like a browser would (cookies, form posts to server functions).

mod support;

use reqwest::{Client, StatusCode};

struct TestApp(support::Running);

impl TestApp {
    async fn spawn() -> Self {
        TestApp(support::start().await)
    }

    /// A client with its own cookie jar, like a separate browser.
    fn browser(&self) -> Browser {
        Browser {
            client: self.0.browser(),
            address: self.0.address.clone(),
        }
    }
}

struct Browser {
    client: Client,
    address: String,
}

impl Browser {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }

    async fn call(&self, server_fn: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}/api/{server_fn}", self.address))
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Signs up and returns the new project's id.
    async fn sign_up(&self, email: &str, organization: &str, project: &str) -> i64 {
        let response = self
            .call(
                "signup",
                &[
                    ("name", "Tester"),
                    ("email", email),
                    ("password", "a long enough password"),
                    ("organization_name", organization),
                    ("project_name", project),
                    ("time_zone", "Europe/Berlin"),
                ],
            )
            .await;
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "{}",
            response.status()
        );
        let home = self.get("/").await;
        let location = home.headers()["location"].to_str().unwrap().to_owned();
        location.strip_prefix("/project/").unwrap().parse().unwrap()
    }
}

fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

#[tokio::test]
async fn anonymous_visitors_of_private_pages_are_sent_to_log_in() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();

    for (path, next) in [
        ("/project/1", "/project/1"),
        ("/project/1/settings", "/project/1/settings"),
        (
            "/organization/settings?organization=1",
            "/organization/settings%3Forganization%3D1",
        ),
        ("/projects/new", "/projects/new"),
    ] {
        let response = visitor.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&response), format!("/login?next={next}"), "{path}");
    }
    assert_eq!(location(&visitor.get("/").await), "/login");
}

#[tokio::test]
async fn server_functions_refuse_anonymous_callers() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();

    let response = visitor
        .call("project_context", &[("project_id", "1")])
        .await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.text().await.unwrap(), r#""Unauthenticated""#);
}

#[tokio::test]
async fn a_member_of_one_organization_gets_no_data_of_anothers_project() {
    let app = TestApp::spawn().await;
    let alice = app.browser();
    let mallory = app.browser();
    let secret_project = alice
        .sign_up("alice@example.com", "Secret Org", "Secret Project")
        .await;
    mallory
        .sign_up("mallory@example.com", "Mallory Org", "Mallory Project")
        .await;

    // By URL: the page answers 404 and names nothing of alice's.
    let page = mallory.get(&format!("/project/{secret_project}")).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let html = page.text().await.unwrap();
    assert!(html.contains("have access"), "explains the refusal");
    assert!(!html.contains("Secret"), "leaks nothing");

    // By server function: the same refusal, as data.
    let context = mallory
        .call(
            "project_context",
            &[("project_id", &secret_project.to_string())],
        )
        .await;
    assert_eq!(context.status(), StatusCode::NOT_FOUND);
    assert!(!context.text().await.unwrap().contains("Secret"));

    // Alice herself sees her project.
    let own = alice
        .call(
            "project_context",
            &[("project_id", &secret_project.to_string())],
        )
        .await;
    assert_eq!(own.status(), StatusCode::OK);
    let body: serde_json::Value = own.json().await.unwrap();
    assert_eq!(body["access"]["project"]["name"], "Secret Project");
    let organization = body["access"]["organization"]["id"].to_string();

    for (server_fn, form) in [
        (
            "project_members",
            vec![("project_id", &*secret_project.to_string())],
        ),
        (
            "organization_settings",
            vec![("organization", organization.as_str())],
        ),
        (
            "create_invite",
            vec![
                ("organization", organization.as_str()),
                ("email", "x@example.com"),
                ("role", "member"),
            ],
        ),
        (
            "update_project",
            vec![
                ("project_id", &*secret_project.to_string()),
                ("project_name", "Pwned"),
                ("time_zone", "UTC"),
            ],
        ),
    ] {
        let response = mallory.call(server_fn, &form).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{server_fn}");
    }
    let still = alice
        .call(
            "project_context",
            &[("project_id", &secret_project.to_string())],
        )
        .await;
    let body: serde_json::Value = still.json().await.unwrap();
    assert_eq!(
        body["access"]["project"]["name"], "Secret Project",
        "nothing was changed"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let app = TestApp::spawn().await;
    app.browser()
        .sign_up("ada@example.com", "Org", "Project")
        .await;
    let visitor = app.browser();

    let wrong = visitor
        .call(
            "login",
            &[("email", "ada@example.com"), ("password", "wrong password")],
        )
        .await;
    let unknown = visitor
        .call(
            "login",
            &[
                ("email", "nobody@example.com"),
                ("password", "wrong password"),
            ],
        )
        .await;

    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test]
async fn invalid_sign_up_input_names_the_field() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();

    let response = visitor
        .call(
            "signup",
            &[
                ("name", "Ada"),
                ("email", "not an email"),
                ("password", "a long enough password"),
                ("organization_name", "Org"),
                ("project_name", "Project"),
                ("time_zone", "UTC"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "email");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();

    let response = visitor
        .call(
            "signup",
            &[
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("password", "a long enough password"),
                ("organization_name", "Org"),
                ("project_name", "Project"),
                ("time_zone", "UTC"),
            ],
        )
        .await;

    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("huddle_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let ada = app.browser();
    let project = ada.sign_up("ada@example.com", "Org", "Project").await;
    assert_eq!(
        ada.get(&format!("/project/{project}")).await.status(),
        StatusCode::OK
    );

    ada.call("logout", &[]).await;

    assert_eq!(
        ada.get(&format!("/project/{project}")).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn unknown_pages_answer_404() {
    let app = TestApp::spawn().await;

    let response = app.browser().get("/no/such/page").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn insight_server_functions_check_project_access_and_explain_bad_queries() {
    let app = TestApp::spawn().await;
    let alice = app.browser();
    let mallory = app.browser();
    let project = alice
        .sign_up("alice@example.com", "Alice Org", "Alice Project")
        .await
        .to_string();
    mallory
        .sign_up("mallory@example.com", "Mallory Org", "Mallory Project")
        .await;
    let query = r#"{"kind":"TrendsQuery","series":[{"kind":"EventsNode","event":"$pageview"}]}"#;

    let run = [
        ("project_id", project.as_str()),
        ("query", query),
        ("refresh", "false"),
    ];
    let save = [
        ("project_id", project.as_str()),
        ("name", "Stolen"),
        ("description", ""),
        ("tags", ""),
        ("query", query),
    ];
    let taxonomy = [("project_id", project.as_str())];
    for (server_fn, form) in [
        ("run_insight", &run[..]),
        ("save_insight", &save[..]),
        ("insight_taxonomy", &taxonomy[..]),
    ] {
        assert_eq!(
            mallory.call(server_fn, form).await.status(),
            StatusCode::NOT_FOUND,
            "{server_fn}"
        );
    }

    let own = alice.call("run_insight", &run).await;
    assert_eq!(own.status(), StatusCode::OK);
    let outcome: serde_json::Value = own.json().await.unwrap();
    assert_eq!(
        outcome["result"]["Trends"]["series"][0]["label"],
        "Pageview"
    );

    let bad = r#"{"kind":"FunnelsQuery","series":[{"kind":"EventsNode","event":"$pageview"}]}"#;
    let refused = alice
        .call(
            "run_insight",
            &[
                ("project_id", project.as_str()),
                ("query", bad),
                ("refresh", "false"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("between 2 and 20 steps"));
}

#[tokio::test]
async fn an_insight_whose_date_range_overflows_the_calendar_answers_400_naming_the_field() {
    let app = TestApp::spawn().await;
    let alice = app.browser();
    let project = alice
        .sign_up("alice@example.com", "Alice Org", "Alice Project")
        .await
        .to_string();
    for date_from in ["-4000000000d", "-99999999999h", "-99999y", "262143-12-31"] {
        let query = serde_json::json!({"kind": "TrendsQuery",
            "series": [{"kind": "EventsNode", "event": "$pageview"}],
            "dateRange": {"date_from": date_from}})
        .to_string();
        let response = alice
            .call(
                "run_insight",
                &[
                    ("project_id", project.as_str()),
                    ("query", &query),
                    ("refresh", "true"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{date_from}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            error["Invalid"]["field"], "dateRange",
            "{date_from}: {error}"
        );
    }
}
