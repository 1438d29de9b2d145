//! What the pages of shared links answer with beside their HTML.
//!
//! - Framing: `/embedded/:token` may be framed by the origins its share
//!   allows (any by default); every other page keeps `frame-ancestors
//!   'none'`. The embed of a link that no longer works may be framed by any
//!   site, so the site shows why instead of a browser error; it holds no data.
//! - Caching: the pages may be kept by the viewer's browser but revalidated
//!   each time, and never by shared caches, so a link turned off or rotated
//!   stops at once.
//! - `/shared/:token.png`: the link's chart as an image, for link previews
//!   and emails; caches may keep it a few minutes.

use crate::api_errors;
use crate::headers::FrameAncestors;
use app::error::AppError;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use backend::images::ImageFormat;
use backend::render::{ImageOptions, Theme};
use backend::Backend;
use domain::sharing::{ShareTheme, PREVIEW_HEIGHT, PREVIEW_WIDTH};

const SHARED: &str = "/shared/";
const EMBEDDED: &str = "/embedded/";

pub async fn headers(State(backend): State<Backend>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() != Method::GET || !(path.starts_with(SHARED) || path.starts_with(EMBEDDED))
    {
        return next.run(request).await;
    }
    if let Some(token) = path
        .strip_prefix(SHARED)
        .and_then(|p| p.strip_suffix(".png"))
    {
        return preview_image(&backend, token).await;
    }
    let embed_token = path
        .strip_prefix(EMBEDDED)
        .filter(|token| !token.is_empty() && !token.contains('/'))
        .map(str::to_owned);
    // Signed embeds are framed by the site that signed them, wherever it is.
    let signed = path.starts_with("/embedded/jwt/");
    let ancestors = match embed_token.filter(|_| !signed) {
        Some(token) => Some(match backend.meta.open_share(&token).await {
            Ok(share) => share.options.frame_ancestors(),
            Err(_) => "*".to_owned(),
        }),
        None => signed.then(|| "*".to_owned()),
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

async fn preview_image(backend: &Backend, token: &str) -> Response {
    let drawn = async {
        let share = backend.open_share(token).await?;
        let (title, query) = backend
            .shared_chart(&share)
            .await?
            .ok_or(AppError::NotFound)?;
        let options = ImageOptions {
            width: PREVIEW_WIDTH,
            height: PREVIEW_HEIGHT,
            theme: match share.options.theme {
                ShareTheme::Dark => Theme::Dark,
                ShareTheme::Light | ShareTheme::System => Theme::Light,
            },
            title: share.options.show_title.then_some(title),
            legend: share.options.show_legend,
        };
        Ok::<_, AppError>(
            backend
                .insight_image(&share.scope, &query, options, ImageFormat::Png)
                .await?,
        )
    };
    match drawn.await {
        Ok(image) => (
            [
                (CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (
                    CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=300"),
                ),
            ],
            image.as_ref().clone(),
        )
            .into_response(),
        Err(error) => api_errors::json(error),
    }
}
