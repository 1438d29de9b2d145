//! What the pages of shared links answer with beside their HTML.
//!
//! - Framing: `/embedded/:token` may be framed by the origins its share
//!   allows (any by default); every other page keeps `frame-ancestors
//!   'none'`. The embed of a link that no longer works may be framed by any
//!   site, so the site shows why instead of a browser error; it holds no data.
//! - Caching: the pages may be kept by the viewer's browser but revalidated
//!   each time, and never by shared caches, so a link turned off or rotated
//!   stops at once.

use crate::headers::FrameAncestors;
use axum::extract::{Request, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use backend::Backend;

const SHARED: &str = "/shared/";
const EMBEDDED: &str = "/embedded/";

pub async fn headers(State(backend): State<Backend>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() != Method::GET || !(path.starts_with(SHARED) || path.starts_with(EMBEDDED))
    {
        return next.run(request).await;
    }
    let embed_token = path
        .strip_prefix(EMBEDDED)
        .filter(|token| !token.is_empty() && !token.contains('/'))
        .map(str::to_owned);
    let ancestors = match embed_token {
        Some(token) => Some(match backend.meta.open_share(&token).await {
            Ok(share) => share.options.frame_ancestors(),
            Err(_) => "*".to_owned(),
        }),
        None => None,
    };
    let mut response = next.run(request).await;
    if let Some(ancestors) = ancestors {
        response.extensions_mut().insert(FrameAncestors(ancestors));
    }
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response
}
