//! The JSON bodies Huddle answers failures with, as snapshots: a change to
//! any of them shows in review (`cargo insta review` accepts a new one).

use reqwest::Response;
use serde_json::{json, Value};

/// The status and the body, which must be JSON.
async fn answer(response: Response) -> Value {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON body");
    json!({ "status": status, "body": body })
}

#[tokio::test]
async fn server_function_errors() {
    let app = testkit::start().await;
    let visitor = app.browser();
    insta::assert_json_snapshot!(
        "anonymous_caller",
        answer(
            app.call(&visitor, "project_context", &[("project_id", "1")])
                .await
        )
        .await
    );

    let ada = app.browser();
    let (_, project) = app.sign_up(&ada, "ada@example.com").await;
    let project = project.to_string();
    let other = (project.parse::<i64>().unwrap() + 1).to_string();
    insta::assert_json_snapshot!(
        "project_the_caller_may_not_see",
        answer(
            app.call(&ada, "project_context", &[("project_id", &other)])
                .await
        )
        .await
    );
    insta::assert_json_snapshot!(
        "query_that_does_not_parse",
        answer(
            app.call(
                &ada,
                "run_insight",
                &[
                    ("project_id", &project),
                    ("query", "{\"kind\":\"NoSuchQuery\"}"),
                    ("refresh", "false")
                ],
            )
            .await
        )
        .await
    );
    insta::assert_json_snapshot!(
        "wrong_password",
        answer(
            app.call(
                &visitor,
                "login",
                &[
                    ("email", "ada@example.com"),
                    ("password", "not the password")
                ],
            )
            .await
        )
        .await
    );
    let json_to_a_form_function = ada
        .post(format!("{}/api/project_context", app.address))
        .header("Content-Type", "application/json")
        .body(format!("{{\"project_id\":{project}}}"))
        .send()
        .await
        .unwrap();
    insta::assert_json_snapshot!(
        "body_in_the_wrong_encoding",
        answer(json_to_a_form_function).await
    );
    let cross_site = reqwest::Client::new()
        .post(format!("{}/api/project_context", app.address))
        .header("Origin", "https://elsewhere.example")
        .form(&[("project_id", &project)])
        .send()
        .await
        .unwrap();
    insta::assert_json_snapshot!("request_from_another_site", answer(cross_site).await);
}

#[tokio::test]
async fn capture_and_live_stream_errors() {
    let app = testkit::start().await;
    let client = reqwest::Client::new();
    let capture = |body: &'static str| {
        client
            .post(format!("{}/batch/", app.address))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    insta::assert_json_snapshot!(
        "capture_without_an_API_key",
        answer(
            capture(r#"{"batch": [{"event": "a", "distinct_id": "u"}]}"#)
                .await
                .unwrap()
        )
        .await
    );
    insta::assert_json_snapshot!(
        "capture_with_an_unknown_API_key",
        answer(
            capture(r#"{"api_key": "phc_unknown", "batch": [{"event": "a", "distinct_id": "u"}]}"#)
                .await
                .unwrap()
        )
        .await
    );
    insta::assert_json_snapshot!(
        "capture_of_a_body_that_is_not_JSON",
        answer(capture("not json").await.unwrap()).await
    );
    let live = client
        .get(format!("{}/api/projects/1/events/live", app.address))
        .send()
        .await
        .unwrap();
    insta::assert_json_snapshot!("live_stream_without_a_session", answer(live).await);
}
