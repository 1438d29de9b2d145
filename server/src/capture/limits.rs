//! Bounds on the work capture requests can make the server do at once.
//!
//! Requests beyond [`MAX_CONCURRENT_REQUESTS`] are refused with 503 and Retry-After
//! rather than queued. Decoding (decompression and JSON parsing) is CPU work,
//! so it runs on the blocking pool, at most one decode per core; a request
//! waits up to [`DECODE_WAIT`] for a turn, which absorbs bursts (one bounded
//! decode takes milliseconds) while a flood is refused instead of stalling.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Capture requests handled at once; each holds at most one body (2 MB, or
/// 20 MB on `/batch`) and its decoded events.
pub const MAX_CONCURRENT_REQUESTS: usize = 64;
const DECODE_WAIT: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Limits {
    requests: Arc<Semaphore>,
    decodes: Arc<Semaphore>,
}

impl Limits {
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::new(MAX_CONCURRENT_REQUESTS, cores)
    }

    fn new(requests: usize, decodes: usize) -> Self {
        Self {
            requests: Arc::new(Semaphore::new(requests)),
            decodes: Arc::new(Semaphore::new(decodes)),
        }
    }

    /// Middleware: runs the request if there is room, else answers 503.
    pub async fn bound_requests(self, request: Request, next: Next) -> Response {
        match self.requests.try_acquire_owned() {
            Ok(_permit) => next.run(request).await,
            Err(_) => busy("too many capture requests at once; retry shortly"),
        }
    }

    /// Runs `work` on the blocking pool once a decode slot is free. The slot
    /// is held by the work itself, so a client that goes away does not free
    /// it before the decoding ends.
    pub async fn decode<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Response> {
        let permit = tokio::time::timeout(DECODE_WAIT, self.decodes.clone().acquire_owned())
            .await
            .ok()
            .and_then(Result::ok)
            .ok_or_else(|| busy("the capture decoder is busy; retry shortly"))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "capture decoding panicked");
            let body = json!({"status": 500, "code": "internal_error", "error": "decoding failed"});
            (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
        })
    }
}

/// 503 with Retry-After and the capture API's JSON error body.
pub fn busy(message: &str) -> Response {
    let mut response = super::refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "service_unavailable",
        message,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn decoding_runs_off_the_async_workers_and_a_full_decoder_answers_503() {
        let limits = Limits::new(4, 1);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let first = tokio::spawn({
            let limits = limits.clone();
            async move { limits.decode(move || wait.recv().is_ok()).await.ok() }
        });
        // The first decode blocks its thread; this single-threaded runtime
        // still runs the second request, which waits for the slot, then gives up.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let refused = limits.decode(|| ()).await.unwrap_err();
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "1");

        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Some(true));
        assert!(limits.decode(|| ()).await.is_ok(), "the slot is free again");
    }
}
