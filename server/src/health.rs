//! `/healthz`: 200 when Huddle can serve, 503 naming the store that cannot.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use backend::Backend;
use serde_json::json;
use std::time::Duration;

/// How long the check waits for the metadata store's write lock: a healthy
/// store's writes take milliseconds.
const WRITE_WAIT: Duration = Duration::from_millis(500);

pub async fn healthz(State(backend): State<Backend>) -> Response {
    match backend.meta.check_writable(WRITE_WAIT).await {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check: the metadata store cannot write");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "store": "metadata",
                    "error": "The metadata store cannot take writes.",
                })),
            )
                .into_response()
        }
    }
}
