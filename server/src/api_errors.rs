//! Gives server-function errors their proper HTTP status.
//!
//! Leptos answers every failed server function with 500 and the encoded error
//! in the body. This layer decodes [`AppError`] bodies and applies
//! [`AppError::status`], so a wrong password is a 401 and a missing project a
//! 404, in logs and for any HTTP client. A busy answer (503) also says when
//! to try again.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Error bodies are small; anything larger is not ours to re-read.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A held write lock is usually free again within a second or two.
const RETRY_AFTER_SECONDS: &str = "2";

pub async fn statuses(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if parts.status == StatusCode::SERVICE_UNAVAILABLE {
            parts.headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
