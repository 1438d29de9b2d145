//! The server over real HTTP: a fresh SQLite database and a real listener per
//! test, driven like a browser would (cookies, form posts to server functions).

use reqwest::{Client, StatusCode};
use testkit::header;

struct TestApp(testkit::Running);

impl TestApp {
    async fn spawn() -> Self {
        TestApp(testkit::start().await)
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
    async fn sign_up(&self, email: &str, organization: &str, project: &str) -> domain::ProjectId {
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

/// The `huddle_session` value a response sets, if it sets one.
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok()?.strip_prefix("huddle_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        .next()
}

async fn log_in(browser: &Browser, email: &str, password: &str) -> reqwest::Response {
    browser
        .call("login", &[("email", email), ("password", password)])
        .await
}

/// The organization of `project`, as its member sees it.
async fn organization_of(browser: &Browser, project: domain::ProjectId) -> String {
    let context = browser
        .call("project_context", &[("project_id", &project.to_string())])
        .await;
    let body: serde_json::Value = context.json().await.unwrap();
    body["access"]["organization"]["id"].to_string()
}

/// Creates an invite over HTTP and returns its token (from the one-time link).
async fn invite(browser: &Browser, organization: &str, email: &str, role: &str) -> String {
    let response = browser
        .call(
            "create_invite",
            &[
                ("organization", organization),
                ("email", email),
                ("role", role),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let link: serde_json::Value = response.json().await.unwrap();
    let url = link["url"].as_str().unwrap();
    url.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn every_login_gives_the_browser_a_new_session_id_and_ends_the_old_one() {
    let app = TestApp::spawn().await;
    let ada = app.browser();
    let project = ada.sign_up("ada@example.com", "Org", "Project").await;
    let first = session_cookie(&log_in(&ada, "ada@example.com", "a long enough password").await)
        .expect("a login sets the session cookie");

    // Logging in again over a live login (a shared computer, a second account).
    let second = session_cookie(&log_in(&ada, "ada@example.com", "a long enough password").await)
        .expect("a login sets the session cookie");

    assert_ne!(first, second);
    let stale = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/project/{project}", app.0.address))
        .header("cookie", format!("huddle_session={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::SEE_OTHER, "the old id is dead");
    assert_eq!(
        ada.get(&format!("/project/{project}")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn joining_an_organization_by_invite_gives_the_session_a_new_id() {
    let app = TestApp::spawn().await;
    let ada = app.browser();
    let bob = app.browser();
    let project = ada
        .sign_up("ada@example.com", "Ada Org", "Ada Project")
        .await;
    let organization = organization_of(&ada, project).await;
    bob.sign_up("bob@example.com", "Bob Org", "Bob Project")
        .await;
    let before =
        session_cookie(&log_in(&bob, "bob@example.com", "a long enough password").await).unwrap();
    let token = invite(&ada, &organization, "bob@example.com", "member").await;

    let joined = bob.call("accept_invite", &[("token", &token)]).await;

    assert_eq!(joined.status(), StatusCode::OK);
    let after = session_cookie(&joined).expect("joining sets a new session cookie");
    assert_ne!(before, after);
    assert_eq!(
        bob.get(&format!("/project/{project}")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_member_whose_role_is_lowered_or_who_is_removed_loses_it_in_their_open_session() {
    let app = TestApp::spawn().await;
    let ada = app.browser();
    let bob = app.browser();
    let project = ada
        .sign_up("ada@example.com", "Ada Org", "Ada Project")
        .await;
    let organization = organization_of(&ada, project).await;
    let token = invite(&ada, &organization, "bob@example.com", "admin").await;
    bob.call(
        "accept_invite_new",
        &[
            ("token", &token),
            ("name", "Bob"),
            ("password", "a long enough password"),
        ],
    )
    .await;
    invite(&bob, &organization, "carol@example.com", "member").await;
    let settings: serde_json::Value = ada
        .call("organization_settings", &[("organization", &organization)])
        .await
        .json()
        .await
        .unwrap();
    let bob_id = settings["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|member| member["email"] == "bob@example.com")
        .unwrap()["user_id"]
        .to_string();

    let lowered = ada
        .call(
            "change_role",
            &[
                ("organization", organization.as_str()),
                ("user_id", bob_id.as_str()),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(lowered.status(), StatusCode::OK);

    // Bob's session is the same; his role is read again on every request.
    let refused = bob
        .call(
            "create_invite",
            &[
                ("organization", organization.as_str()),
                ("email", "dave@example.com"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    ada.call(
        "remove_member",
        &[
            ("organization", organization.as_str()),
            ("user_id", bob_id.as_str()),
        ],
    )
    .await;
    assert_eq!(
        bob.get(&format!("/project/{project}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let settings = bob
        .call("organization_settings", &[("organization", &organization)])
        .await;
    assert_eq!(settings.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_passwords_get_a_429_that_a_forged_forwarded_for_header_does_not_escape() {
    let app = TestApp::spawn().await;
    app.browser()
        .sign_up("ada@example.com", "Org", "Project")
        .await;
    let guesser = app.browser();

    for n in 0..5 {
        let response = guesser
            .client
            .post(format!("{}/api/login", guesser.address))
            .header("Accept", "application/json")
            .header("X-Forwarded-For", format!("203.0.113.{n}"))
            .form(&[("email", "ada@example.com"), ("password", "guess")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = log_in(&guesser, "ada@example.com", "a long enough password").await;

    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        locked.text().await.unwrap(),
        r#"{"Throttled":"Too many failed logins for this email from your network. Try again in 15 minutes."}"#
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_is_throttled_on_its_own() {
    let app = TestApp(
        testkit::start_with(
            |config| config.trust_forwarded_for = true,
            leptos::prelude::LeptosOptions::builder()
                .output_name("huddle")
                .build(),
        )
        .await,
    );
    app.browser()
        .sign_up("ada@example.com", "Org", "Project")
        .await;
    let browser = app.browser();
    let log_in_via_proxy = |client: &'static str, password: &'static str| {
        let browser = &browser;
        async move {
            browser
                .client
                .post(format!("{}/api/login", browser.address))
                .header("Accept", "application/json")
                .header("X-Forwarded-For", format!("10.9.9.9, {client}"))
                .form(&[("email", "ada@example.com"), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
        }
    };

    for _ in 0..5 {
        assert_eq!(
            log_in_via_proxy("203.0.113.66", "guess").await,
            StatusCode::UNAUTHORIZED
        );
    }

    assert_eq!(
        log_in_via_proxy("203.0.113.66", "a long enough password").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        log_in_via_proxy("192.0.2.10", "a long enough password").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_ups_from_one_address_are_throttled_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();
    let sign_up = |n: usize| {
        let email = format!("person{n}@example.com");
        let visitor = &visitor;
        async move {
            visitor
                .call(
                    "signup",
                    &[
                        ("name", "Person"),
                        ("email", &email),
                        ("password", "a long enough password"),
                        ("organization_name", "Org"),
                        ("project_name", "Project"),
                        ("time_zone", "UTC"),
                    ],
                )
                .await
        }
    };
    for n in 0..10 {
        assert_eq!(sign_up(n).await.status(), StatusCode::OK, "sign-up {n}");
    }

    let refused = sign_up(10).await;

    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(
        body["Throttled"],
        "Too many sign-ups from your network. Try again in 60 minutes."
    );
}

// ---------------------------------------------------------------------------
// Security: where requests may come from, and the headers every answer has

const SIGN_UP: [(&str, &str); 6] = [
    ("name", "Ada"),
    ("email", "ada@example.com"),
    ("password", "a long enough password"),
    ("organization_name", "Org"),
    ("project_name", "Project"),
    ("time_zone", "UTC"),
];

/// A client that sends only the headers it is given, like a page elsewhere.
fn bare_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post_form(
    app: &TestApp,
    server_fn: &str,
    headers: &[(&str, &str)],
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = bare_client()
        .post(format!("{}/api/{server_fn}", app.0.address))
        .form(form);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn cross_site_sign_up_and_log_in_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;

    for headers in [
        &[("Origin", "https://evil.example")][..],
        &[("Origin", "null")][..],
        // The browser's own word wins over a matching Origin.
        &[
            ("Sec-Fetch-Site", "cross-site"),
            ("Origin", app.0.address.as_str()),
        ][..],
        &[("Sec-Fetch-Site", "same-site")][..],
    ] {
        let response = post_form(&app, "signup", headers, &SIGN_UP).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{headers:?}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(
            body["Forbidden"]
                .as_str()
                .unwrap()
                .contains("Huddle's own pages"),
            "{body}"
        );
    }
    // No account was made: the same sign-up from Huddle's page still works.
    let ada = app.browser();
    assert_eq!(ada.call("signup", &SIGN_UP).await.status(), StatusCode::OK);

    let login = [
        ("email", "ada@example.com"),
        ("password", "a long enough password"),
    ];
    let forged = post_form(&app, "login", &[("Origin", "https://evil.example")], &login).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn a_state_changing_request_without_origin_or_fetch_site_is_refused() {
    let app = TestApp::spawn().await;

    let response = post_form(&app, "signup", &[], &SIGN_UP).await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let logout = bare_client()
        .delete(format!("{}/api/logout", app.0.address))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn requests_from_huddles_own_origin_are_accepted() {
    let app = TestApp::spawn().await;
    let port = app.0.address.rsplit(':').next().unwrap().to_owned();
    let as_localhost = format!("http://localhost:{port}");
    let host = format!("localhost:{port}");

    let by_fetch_site = post_form(
        &app,
        "signup",
        &[("Sec-Fetch-Site", "same-origin")],
        &SIGN_UP,
    )
    .await;
    // The public URL says 127.0.0.1; the page was opened as localhost.
    let by_host = post_form(
        &app,
        "login",
        &[("Origin", as_localhost.as_str()), ("Host", host.as_str())],
        &[
            ("email", "ada@example.com"),
            ("password", "a long enough password"),
        ],
    )
    .await;

    assert_eq!(by_fetch_site.status(), StatusCode::OK);
    assert_eq!(by_host.status(), StatusCode::OK);
    let other_host = post_form(
        &app,
        "login",
        &[("Origin", "http://localhost:1"), ("Host", host.as_str())],
        &[
            ("email", "ada@example.com"),
            ("password", "a long enough password"),
        ],
    )
    .await;
    assert_eq!(other_host.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn server_functions_refuse_a_body_in_another_encoding() {
    let app = TestApp::spawn().await;

    for content_type in ["text/plain", "multipart/form-data; boundary=x", ""] {
        let mut request = app
            .0
            .browser()
            .post(format!("{}/api/login", app.0.address))
            .body("email=ada@example.com&password=x");
        if !content_type.is_empty() {
            request = request.header("Content-Type", content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["UnsupportedMediaType"].is_string(), "{body}");
    }

    // Each takes only its own codec: JSON to a form function, a form to a
    // JSON one.
    let browser = app.0.browser();
    let json_to_form = browser
        .post(format!("{}/api/login", app.0.address))
        .json(&serde_json::json!({"email": "ada@example.com", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_to_form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let form_to_json = browser
        .post(format!("{}/api/change_dashboard", app.0.address))
        .form(&[("project_id", "1"), ("dashboard_id", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(form_to_json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

fn assert_common_headers(response: &reqwest::Response, what: &str) {
    assert_eq!(
        header(response, "x-content-type-options"),
        "nosniff",
        "{what}"
    );
    assert_eq!(header(response, "x-frame-options"), "DENY", "{what}");
    assert_eq!(
        header(response, "referrer-policy"),
        "strict-origin-when-cross-origin",
        "{what}"
    );
}

fn assert_content_policy(response: &reqwest::Response, what: &str) {
    let csp = header(response, "content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval' 'nonce-",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: {directive} missing from {csp:?}"
        );
    }
    let scripts = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(
        !scripts.contains(" 'unsafe-eval'") && !scripts.contains("'unsafe-inline'"),
        "{what}: {csp}"
    );
}

/// The public files the real site serves.
fn site_with_public_files() -> leptos::prelude::LeptosOptions {
    leptos::prelude::LeptosOptions::builder()
        .output_name("huddle")
        .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../public"))
        .build()
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp(testkit::start_with(|_| {}, site_with_public_files()).await);
    let visitor = app.browser();

    let page = visitor.get("/login").await;
    let server_fn = visitor
        .call(
            "login",
            &[("email", "a@example.com"), ("password", "wrong")],
        )
        .await;
    let static_file = visitor.get("/favicon.svg").await;
    let missing = visitor.get("/no/such/page").await;
    let capture = bare_client()
        .post(format!("{}/e/", app.0.address))
        .header("Origin", "https://customer.example")
        .body(r#"{"event":"x","distinct_id":"u"}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(server_fn.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(static_file.status(), StatusCode::OK);
    assert_eq!(header(&static_file, "content-type"), "image/svg+xml");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(capture.status(), StatusCode::UNAUTHORIZED);
    for (what, response) in [
        ("page", &page),
        ("server function", &server_fn),
        ("static file", &static_file),
        ("404", &missing),
    ] {
        assert_common_headers(response, what);
        assert_content_policy(response, what);
    }
    assert_common_headers(&capture, "capture");
    assert!(
        header(&page, "strict-transport-security").is_empty(),
        "plain http"
    );
}

#[tokio::test]
async fn every_inline_script_of_a_page_carries_that_responses_nonce() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();

    let first = visitor.get("/login").await;
    let second = visitor.get("/login").await;

    let nonce_of = |response: &reqwest::Response| {
        let csp = header(response, "content-security-policy");
        csp.split("'nonce-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap()
            .to_owned()
    };
    let nonce = nonce_of(&first);
    assert_ne!(nonce, nonce_of(&second), "a fresh nonce per page");
    assert!(nonce.len() >= 22, "128 bits: {nonce}");
    let html = first.text().await.unwrap();
    let scripts: Vec<&str> = html
        .split("<script")
        .skip(1)
        .map(|s| s.split('>').next().unwrap())
        .collect();
    assert!(
        scripts.len() >= 2,
        "the theme and hydration scripts: {html}"
    );
    for script in scripts {
        assert!(
            script.contains(&format!("nonce=\"{nonce}\"")) || script.contains("src="),
            "<script{script}> in {html}"
        );
    }
}

#[tokio::test]
async fn over_https_browsers_are_told_to_keep_to_it() {
    let app = TestApp(
        testkit::start_with(
            |config| config.public_url = "https://huddle.example".into(),
            leptos::prelude::LeptosOptions::builder()
                .output_name("huddle")
                .build(),
        )
        .await,
    );

    let page = app.browser().get("/login").await;

    assert_eq!(
        header(&page, "strict-transport-security"),
        "max-age=31536000"
    );
}

#[tokio::test]
async fn a_text_tile_reaches_the_page_as_sanitized_html() {
    let app = TestApp::spawn().await;
    let ada = app.browser();
    let project = ada.sign_up("ada@example.com", "Org", "Project").await;
    let created = ada
        .call(
            "create_dashboard",
            &[
                ("project_id", &project.to_string()),
                ("name", "Notes"),
                ("description", ""),
                ("tags", ""),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let dashboard: serde_json::Value = created.json().await.unwrap();
    let json = |server_fn: &str, body: serde_json::Value| {
        ada.client
            .post(format!("{}/api/{server_fn}", ada.address))
            .json(&body)
            .send()
    };

    let text = "**Read** [the plan](https://example.com) or [this](javascript:alert(document.cookie)) <img src=x onerror=alert(1)>";
    let added = json(
        "change_dashboard",
        serde_json::json!({"project_id": project, "dashboard_id": dashboard, "change": {"AddText": {"text": text}}}),
    )
    .await
    .unwrap();
    assert_eq!(added.status(), StatusCode::OK);
    let view: serde_json::Value = json(
        "dashboard",
        serde_json::json!({"project_id": project, "dashboard_id": dashboard, "filters": {"date_from": null, "property": null}}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();

    let html = view["tiles"][0]["text_html"].as_str().unwrap();
    assert!(html.contains("<strong>Read</strong>"), "{html}");
    assert!(html.contains(r#"href="https://example.com""#), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("<img"), "{html}");
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

#[tokio::test]
async fn static_files_revalidate_by_etag_and_those_named_by_content_or_version_are_immutable() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::create_dir_all(site.path().join("vendor/chartlib-2.1.0")).unwrap();
    std::fs::write(site.path().join("pkg/app.js"), "console.log('app')").unwrap();
    std::fs::write(site.path().join("pkg/huddle.Xk3_q-9.js"), "/* built */").unwrap();
    std::fs::write(
        site.path().join("vendor/chartlib-2.1.0/chart.js"),
        "/* chart */",
    )
    .unwrap();
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("huddle")
        .site_root(site.path().to_str().unwrap())
        .build();
    let app = TestApp(testkit::start_with(|_| {}, options).await);
    let visitor = app.browser();

    let first = visitor.get("/pkg/app.js").await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");
    assert_eq!(first.text().await.unwrap(), "console.log('app')");

    let again = visitor
        .client
        .get(format!("{}/pkg/app.js", visitor.address))
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"], tag.as_str());
    assert!(again.text().await.unwrap().is_empty());

    std::fs::write(site.path().join("pkg/app.js"), "console.log('rebuilt app')").unwrap();
    let changed = visitor
        .client
        .get(format!("{}/pkg/app.js", visitor.address))
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        changed.status(),
        StatusCode::OK,
        "a rebuilt file is sent again"
    );

    for named_by_content in ["/vendor/chartlib-2.1.0/chart.js", "/pkg/huddle.Xk3_q-9.js"] {
        let file = visitor.get(named_by_content).await;
        assert_eq!(file.status(), StatusCode::OK, "{named_by_content}");
        assert_eq!(
            file.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{named_by_content}"
        );
    }
    let page = visitor.get("/login").await;
    assert!(
        page.headers().get("etag").is_none(),
        "pages are not static files"
    );
}
