//! A webhook receiver on loopback: records the JSON bodies POSTed to it and
//! answers with the status the test chose.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub struct Receiver {
    /// The address to POST to (any path is taken).
    pub url: String,
    received: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
}

impl Receiver {
    /// Starts a receiver that answers `status` to every POST.
    pub async fn start(status: u16) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received: Arc<Mutex<Vec<(String, serde_json::Value)>>> = Arc::default();
        let status = StatusCode::from_u16(status).unwrap();
        let record = move |State(received): State<Arc<Mutex<Vec<_>>>>,
                           uri: axum::http::Uri,
                           Json(body): Json<serde_json::Value>| async move {
            received.lock().unwrap().push((uri.path().to_owned(), body));
            status
        };
        let app = Router::new()
            .route("/{*path}", post(record))
            .with_state(received.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, received }
    }

    /// The (path, body) of every POST so far.
    pub fn received(&self) -> Vec<(String, serde_json::Value)> {
        self.received.lock().unwrap().clone()
    }

    /// Waits up to ten seconds for `count` POSTs.
    pub async fn wait_for(&self, count: usize) -> Vec<(String, serde_json::Value)> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the webhook receiver got {} of {count} POSTs",
            self.received().len()
        );
    }
}
