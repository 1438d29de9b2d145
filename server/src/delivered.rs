//! The addresses subscription deliveries link to, which answer whoever holds
//! the link: one-click unsubscribing and delivered chart images.
//!
//! One-click unsubscribe (RFC 8058): a mail client POSTs
//! `List-Unsubscribe=One-Click` to the link in the mail's
//! `List-Unsubscribe` header, from its own servers: no session, no Origin.
//! The link's signature is the authority, so [`one_click`] sits outside the
//! session and same-origin layers, like the capture API. People who open
//! the link in a browser get the page of the same address (a GET) instead.

use crate::api_errors;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use backend::Backend;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct Link {
    subscription: i64,
    email: String,
    token: String,
}

/// The one-click route, for the router's outer part.
pub fn one_click_router(backend: Backend) -> Router {
    Router::new()
        .route(domain::paths::UNSUBSCRIBE, post(one_click))
        .with_state(backend)
}

async fn one_click(State(backend): State<Backend>, Query(link): Query<Link>) -> Response {
    match backend
        .unsubscribe(link.subscription, &link.email, &link.token)
        .await
    {
        Ok(()) => Json(json!({"status": "unsubscribed"})).into_response(),
        Err(err) => api_errors::json(err.into()),
    }
}

/// `/delivered/{token}.png`: an image a Slack or webhook delivery showed,
/// while its address has not expired.
pub async fn image(State(backend): State<Backend>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".png") else {
        return api_errors::json(backend::Error::NotFound.into());
    };
    match backend.meta.delivery_image(token).await {
        Ok(png) => (
            [
                (CONTENT_TYPE, "image/png"),
                // The image never changes; the address works for a while.
                (CACHE_CONTROL, "public, max-age=86400, immutable"),
            ],
            png,
        )
            .into_response(),
        Err(err) => api_errors::json(err.into()),
    }
}
