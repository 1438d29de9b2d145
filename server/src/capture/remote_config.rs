//! What posthog-js asks for when it loads: its remote configuration and the
//! feature flags. Huddle has no feature flags, session recording or surveys
//! yet, so these are honest minimal answers: everything optional is off and
//! the flag set is empty. That keeps posthog-js from requesting anything else.

use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{on, MethodFilter};
use axum::{Json, Router};
use backend::Backend;
use serde_json::{json, Value};

pub fn router() -> Router<Backend> {
    let any = MethodFilter::GET
        .or(MethodFilter::POST)
        .or(MethodFilter::OPTIONS);
    Router::new()
        .route("/array/{token}/config", on(any, config_json))
        .route("/array/{token}/config.js", on(any, config_js))
        .route("/flags", on(any, flags))
        .route("/flags/", on(any, flags))
        .route("/decide", on(any, flags))
        .route("/decide/", on(any, flags))
}

fn config(token: &str) -> Value {
    json!({
        "token": token,
        "supportedCompression": ["gzip", "gzip-js"],
        "hasFeatureFlags": false,
        "sessionRecording": false,
        "surveys": false,
        "heatmaps": false,
        "autocaptureExceptions": false,
        "capturePerformance": false,
        "siteApps": [],
    })
}

async fn config_json(Path(token): Path<String>) -> Json<Value> {
    Json(config(&token))
}

async fn config_js(Path(token): Path<String>) -> impl IntoResponse {
    let token_js = serde_json::to_string(&token).unwrap_or_default();
    let body = format!(
        "(function(){{window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{{}};\
         window._POSTHOG_REMOTE_CONFIG[{token_js}]={{config:{},siteApps:[]}};}})();",
        config(&token)
    );
    ([(header::CONTENT_TYPE, "application/javascript")], body)
}

async fn flags() -> Json<Value> {
    Json(json!({
        "flags": {},
        "featureFlags": {},
        "featureFlagPayloads": {},
        "errorsWhileComputingFlags": false,
        "requestId": uuid::Uuid::new_v4().to_string(),
    }))
}
