//! Cross-site request forgery: a request that changes something must come
//! from Huddle's own pages.
//!
//! Browsers say where a request comes from in `Sec-Fetch-Site` and `Origin`,
//! and no page can set either. Every request other than GET, HEAD and
//! OPTIONS is accepted only when `Sec-Fetch-Site` is `same-origin`, or, where
//! a browser sends no `Sec-Fetch-Site`, when `Origin` is Huddle's own: the
//! public URL's origin or the one the request was sent to (its `Host`), so
//! `localhost` and `127.0.0.1` both work. A request with neither header is
//! refused. Server functions also take only the encodings of their codecs,
//! so a cross-site `text/plain` or multipart form can't reach them.
//!
//! The capture API is cross-origin by design and sits outside this layer.

use app::error::AppError;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// The one encoding the server function at `path` decodes: JSON for those
/// the app declares with a JSON input, Leptos's default form for the rest.
fn server_fn_content_type(path: &str) -> &'static str {
    if app::json_inputs::json_input_server_fn_paths().contains(&path) {
        JSON
    } else {
        FORM
    }
}

#[derive(Debug, Clone)]
pub struct SameOrigin {
    /// The public URL's origin, e.g. `https://huddle.example.com`.
    public_origin: String,
}

impl SameOrigin {
    pub fn new(public_url: &str) -> Self {
        SameOrigin {
            public_origin: origin_of(public_url).unwrap_or_default(),
        }
    }

    fn is_own(&self, headers: &HeaderMap) -> bool {
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        match header("sec-fetch-site") {
            Some("same-origin") => return true,
            Some("cross-site" | "same-site") => return false,
            // `none` (typed by the person) or absent: the origin decides.
            _ => {}
        }
        let Some(origin) = header(ORIGIN.as_str()).and_then(origin_of) else {
            return false;
        };
        if origin == self.public_origin {
            return true;
        }
        let authority = origin.split_once("://").map_or("", |(_, a)| a);
        header(HOST.as_str()).is_some_and(|host| host.eq_ignore_ascii_case(authority))
    }
}

pub async fn check(State(rule): State<SameOrigin>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if !rule.is_own(request.headers()) {
        return refuse(AppError::Forbidden(
            "Huddle refused this request because it did not come from Huddle's own pages. \
             Reload the page and try again."
                .into(),
        ));
    }
    if request.uri().path().starts_with("/api/") {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        let expected = server_fn_content_type(request.uri().path());
        if content_type.as_deref() != Some(expected) {
            return refuse(AppError::UnsupportedMediaType(format!(
                "This server function takes {expected}."
            )));
        }
    }
    next.run(request).await
}

/// The error as a server function would answer it, so the page shows it.
fn refuse(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN);
    (status, Json(error)).into_response()
}

/// `scheme://host[:port]` of a URL, lower case, without the scheme's default
/// port; `None` for anything that is not http(s) (such as `null`).
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let authority = match scheme.as_str() {
        "http" => authority.strip_suffix(":80").unwrap_or(&authority),
        "https" => authority.strip_suffix(":443").unwrap_or(&authority),
        _ => return None,
    };
    (!authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origins_drop_paths_and_default_ports() {
        assert_eq!(
            origin_of("https://Huddle.example:443/app/").as_deref(),
            Some("https://huddle.example")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:3000").as_deref(),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("file:///etc"), None);
    }
}
