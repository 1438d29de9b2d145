//! `GET /oembed?url=…`: what oEmbed consumers (Notion, WordPress, chat apps)
//! ask to embed a shared link: an iframe of its embed page. Only links of
//! this Huddle that still work get an answer.

use crate::api_errors;
use app::error::AppError;
use app::server::PublicUrl;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Json, Response};
use backend::Backend;
use domain::paths;
use domain::sharing::{iframe_snippet, PREVIEW_HEIGHT, PREVIEW_WIDTH};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub struct Ask {
    #[serde(default)]
    url: String,
    #[serde(default)]
    format: Option<String>,
}

/// The embed's size in the answer; consumers may resize it.
const WIDTH: u32 = 800;
const HEIGHT: u32 = 480;

#[derive(Debug, Serialize)]
struct Answer {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    provider_name: &'static str,
    provider_url: String,
    title: String,
    html: String,
    width: u32,
    height: u32,
    thumbnail_url: Option<String>,
    thumbnail_width: Option<u32>,
    thumbnail_height: Option<u32>,
}

pub async fn oembed(
    State(backend): State<Backend>,
    State(PublicUrl(base)): State<PublicUrl>,
    Query(ask): Query<Ask>,
) -> Response {
    if ask.format.as_deref().is_some_and(|f| f != "json") {
        return api_errors::json(AppError::Invalid(domain::Invalid::new(
            "format",
            "Only the json format is offered.",
        )));
    }
    if ask.url.is_empty() {
        return api_errors::json(AppError::Invalid(domain::Invalid::new(
            "url",
            "Give the address of a shared Huddle link as url.",
        )));
    }
    let base = base.trim_end_matches('/');
    let token = ask
        .url
        .strip_prefix(base)
        .and_then(|path| {
            path.strip_prefix("/shared/")
                .or_else(|| path.strip_prefix("/embedded/"))
        })
        .filter(|token| !token.is_empty() && !token.contains(['/', '?', '#']));
    let Some(token) = token else {
        return api_errors::json(AppError::NotFound);
    };
    let answer = async {
        let share = backend.open_share(token).await?;
        let chart = backend.shared_chart(&share).await?;
        let title = chart
            .as_ref()
            .map_or("Huddle", |(name, _)| name.as_str())
            .to_owned();
        let embed = format!("{base}{}", paths::embedded(token));
        Ok::<_, AppError>(Answer {
            version: "1.0",
            kind: "rich",
            provider_name: "Huddle",
            provider_url: base.to_owned(),
            html: iframe_snippet(&embed, &title),
            title,
            width: WIDTH,
            height: HEIGHT,
            thumbnail_url: chart
                .as_ref()
                .map(|_| format!("{base}{}", paths::shared_image(token))),
            thumbnail_width: chart.as_ref().map(|_| PREVIEW_WIDTH),
            thumbnail_height: chart.as_ref().map(|_| PREVIEW_HEIGHT),
        })
    };
    match answer.await {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => api_errors::json(error),
    }
}
