//! Every route's failure status, picked by [`AppError::status`].
//!
//! Leptos answers every failed server function with 500 and the encoded error
//! in the body. [`statuses`] decodes [`AppError`] bodies and applies their
//! status, so a wrong password is a 401 and a missing project a 404, in logs
//! and for any HTTP client. Routes outside Leptos (capture, the live stream,
//! the page guard, short links) turn backend failures into an [`AppError`]
//! too, which logs an error of ours once with its cause chain, and take its
//! status from [`status`]. A busy answer (503) also says when to try again.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

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
    let mut response = Response::from_parts(parts.clone(), Body::from(bytes.clone()));
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = status(&error);
        response = Response::from_parts(parts, Body::from(bytes));
        with_retry_after(&mut response);
    }
    response
}

/// The HTTP status of `error`.
pub fn status(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// `{"error": message}` with the error's status, for routes that answer
/// scripts rather than server-function clients.
pub fn json(error: AppError) -> Response {
    let mut response = (
        status(&error),
        Json(serde_json::json!({ "error": error.to_string() })),
    )
        .into_response();
    with_retry_after(&mut response);
    response
}

/// A 503 tells the client when to try again.
fn with_retry_after(response: &mut Response) {
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
}
