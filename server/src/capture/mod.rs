//! The capture API, at the paths and with the answers the PostHog SDKs expect.
//!
//! Every path takes GET, POST and OPTIONS, with and without a trailing slash,
//! and answers CORS for any origin (the SDKs run on customers' sites).
//! A request gets `200 {"status": 1}` only once its events are committed.

mod decode;
mod limits;
mod lz_string;
mod remote_config;
mod text;

pub use decode::{decode as decode_request, DecodeError, Decoded, Hints, MAX_EVENTS};
pub use limits::MAX_CONCURRENT_REQUESTS;

use app::error::AppError;
use axum::body::to_bytes;
use axum::extract::{Extension, Query, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter};
use axum::{Json, Router};
use backend::ingest::{normalize, IngestError};
use backend::Backend;
use limits::Limits;
use serde::Deserialize;
use serde_json::json;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

const EVENT_PATHS: [&str; 6] = ["/e", "/i/v0/e", "/batch", "/capture", "/track", "/engage"];

/// Largest accepted body, before and after decompression.
const LIMIT: usize = 2 << 20;
const BATCH_LIMIT: usize = 20 << 20;

pub fn router(backend: Backend) -> Router {
    let any = MethodFilter::GET
        .or(MethodFilter::POST)
        .or(MethodFilter::OPTIONS);
    let limits = Limits::for_this_machine();
    let mut router = Router::new();
    for path in EVENT_PATHS {
        router = router
            .route(path, on(any, capture))
            .route(&format!("{path}/"), on(any, capture));
    }
    let bound = limits.clone();
    router
        .route_layer(axum::middleware::from_fn(move |request, next| {
            bound.clone().bound_requests(request, next)
        }))
        .layer(Extension(limits))
        .merge(remote_config::router())
        .layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::mirror_request())
                .allow_headers(AllowHeaders::mirror_request())
                .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
                .allow_credentials(true),
        )
        .with_state(backend)
}

#[derive(Debug, Default, Deserialize)]
struct CaptureQuery {
    compression: Option<String>,
    data: Option<String>,
    #[serde(rename = "_")]
    underscore: Option<i64>,
    sent_at: Option<i64>,
}

async fn capture(
    State(backend): State<Backend>,
    Extension(limits): Extension<Limits>,
    Query(query): Query<CaptureQuery>,
    request: Request,
) -> Response {
    if request.method() == Method::OPTIONS {
        return Json(json!({"status": 1})).into_response();
    }
    let received = chrono::Utc::now();
    let path = request.uri().path().to_owned();
    let limit = if path.starts_with("/batch") {
        BATCH_LIMIT
    } else {
        LIMIT
    };
    let headers = request.headers().clone();
    let Ok(body) = to_bytes(request.into_body(), limit).await else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            &format!("the body is larger than {limit} bytes"),
        );
    };
    let content_type = header_text(&headers, header::CONTENT_TYPE).map(str::to_owned);
    let content_encoding = header_text(&headers, header::CONTENT_ENCODING).map(str::to_owned);
    let decoding = limits.decode(move || {
        let hints = Hints {
            compression: query.compression.as_deref(),
            data: query.data.as_deref(),
            content_type: content_type.as_deref(),
            content_encoding: content_encoding.as_deref(),
            sent_at_ms: query.underscore.or(query.sent_at),
        };
        decode_request(&body, &hints, limit)
    });
    let mut decoded = match decoding.await {
        Ok(Ok(decoded)) => decoded,
        Ok(Err(err)) => return decode_refusal(err),
        Err(response) => return response,
    };
    let dropped = decoded.dropped;
    if path.starts_with("/engage") {
        // The legacy people API names no event; PostHog treats it as $identify.
        for event in &mut decoded.events {
            event.event.get_or_insert_with(|| "$identify".to_owned());
        }
    }
    let project = match backend.meta.project_for_token(&decoded.token).await {
        Ok(Some(project)) => project,
        Ok(None) => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "ingest_key_unknown",
                "API key is not valid: unknown project",
            )
        }
        Err(err) => return backend_refusal(err.into()),
    };
    let events = match normalize(decoded.events, received, decoded.sent_at) {
        Ok(events) => events,
        Err(err) => {
            let code = match err {
                backend::ingest::EventError::MissingEventName(_) => "missing_event_name",
                backend::ingest::EventError::MissingDistinctId(_) => "missing_distinct_id",
                backend::ingest::EventError::InvalidUuid(_) => "invalid_uuid",
                backend::ingest::EventError::OutOfRange(..) => "value_out_of_range",
            };
            return refuse(StatusCode::BAD_REQUEST, code, &err.to_string());
        }
    };
    match backend.ingest.submit(project, events).await {
        Ok(()) if dropped > 0 => Json(json!({"status": 1, "dropped": dropped})).into_response(),
        Ok(()) => Json(json!({"status": 1})).into_response(),
        Err(IngestError::Busy) => limits::busy("ingestion is busy; retry shortly"),
        Err(err) => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            &err.to_string(),
        ),
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn decode_refusal(err: DecodeError) -> Response {
    let (status, code) = match &err {
        DecodeError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        DecodeError::TooManyEvents(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_many_events"),
        DecodeError::NoToken => (StatusCode::UNAUTHORIZED, "ingest_key_required"),
        DecodeError::MultipleTokens | DecodeError::BadToken(_) => {
            (StatusCode::UNAUTHORIZED, "ingest_key_invalid")
        }
        DecodeError::Empty | DecodeError::EmptyBatch | DecodeError::Malformed(_) => {
            (StatusCode::BAD_REQUEST, "invalid_payload")
        }
    };
    refuse(status, code, &err.to_string())
}

/// A failure of the metadata store, with the status every route gives it.
fn backend_refusal(error: AppError) -> Response {
    match crate::api_errors::status(&error) {
        StatusCode::SERVICE_UNAVAILABLE => limits::busy(&error.to_string()),
        status => refuse(status, "internal_error", &error.to_string()),
    }
}

/// The JSON error body: `{"status": 400, "code": "...", "error": "..."}`.
fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"status": status.as_u16(), "code": code, "error": message})),
    )
        .into_response()
}
