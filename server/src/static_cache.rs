//! Caching for the site's static files (the wasm, its JavaScript, styles,
//! vendored scripts, icons).
//!
//! A file whose name says its content is cached as immutable for a year:
//! the client's build (`/pkg/huddle.<hash>.js`, `.wasm`, `.css`, named by
//! cargo-leptos's `hash-files`) and files under a versioned folder
//! (`/vendor/<name>-<version>/`). Any other file may change under its name,
//! so browsers check back before reusing it: `Cache-Control: no-cache` with
//! an `ETag` (and the `Last-Modified` the file server sets) makes that check
//! a bodiless 304.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::hash::{DefaultHasher, Hash, Hasher};

const REVALIDATE: &str = "no-cache";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Where the client's build lives: `/<site_pkg_dir>/<output_name>.`.
#[derive(Debug, Clone)]
pub struct Build {
    prefix: String,
}

impl Build {
    pub fn new(options: &leptos::config::LeptosOptions) -> Self {
        Self {
            prefix: format!("/{}/{}.", options.site_pkg_dir, options.output_name),
        }
    }

    /// `/pkg/huddle.<hash>.<extension>`: a build file named by its content.
    fn is_hashed(&self, path: &str) -> bool {
        path.strip_prefix(&self.prefix)
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(hash, extension)| {
                !hash.is_empty() && !extension.is_empty() && !extension.contains('.')
            })
    }
}

pub async fn static_files(State(build): State<Build>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !matches!(*request.method(), Method::GET | Method::HEAD) || !is_static(&path) {
        return next.run(request).await;
    }
    let asked = request.headers().get(header::IF_NONE_MATCH).cloned();
    let mut response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let Some(tag) = entity_tag(response.headers()) else {
        return response;
    };
    let policy = HeaderValue::from_static(if is_versioned(&path) || build.is_hashed(&path) {
        IMMUTABLE
    } else {
        REVALIDATE
    });
    if asked.is_some_and(|asked| matches_tag(&asked, &tag)) {
        response = StatusCode::NOT_MODIFIED.into_response();
    }
    let headers = response.headers_mut();
    headers.insert(header::ETAG, tag);
    headers.insert(header::CACHE_CONTROL, policy);
    response
}

/// Files the site serves from its root: a path whose last part has an
/// extension, outside the API.
fn is_static(path: &str) -> bool {
    !path.starts_with("/api/")
        && path
            .rsplit('/')
            .next()
            .is_some_and(|name| name.contains('.'))
}

/// `/vendor/echarts-5.5.1/…`: a folder named with a version.
fn is_versioned(path: &str) -> bool {
    path.strip_prefix("/vendor/")
        .and_then(|rest| rest.split_once('/'))
        .and_then(|(folder, _)| folder.rsplit_once('-'))
        .is_some_and(|(_, version)| version.starts_with(|c: char| c.is_ascii_digit()))
}

/// A weak tag from the file's size and modification time, as the file server
/// reports them: it changes whenever the file is rebuilt.
fn entity_tag(headers: &HeaderMap) -> Option<HeaderValue> {
    let modified = headers.get(header::LAST_MODIFIED)?;
    let length = headers.get(header::CONTENT_LENGTH)?;
    let mut hasher = DefaultHasher::new();
    modified.as_bytes().hash(&mut hasher);
    length.as_bytes().hash(&mut hasher);
    HeaderValue::from_str(&format!("W/\"{:016x}\"", hasher.finish())).ok()
}

fn matches_tag(asked: &HeaderValue, tag: &HeaderValue) -> bool {
    asked.to_str().is_ok_and(|asked| {
        asked
            .split(',')
            .any(|candidate| candidate.trim() == "*" || candidate.trim() == tag)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_paths_and_versioned_folders_are_told_apart() {
        assert!(is_static("/pkg/huddle.wasm"));
        assert!(is_static("/favicon.svg"));
        assert!(!is_static("/project/1"));
        assert!(!is_static("/api/login.json"));
        assert!(is_versioned("/vendor/echarts-5.5.1/echarts.min.js"));
        assert!(!is_versioned("/vendor/echarts.min.js"));
        assert!(!is_versioned("/pkg/huddle.js"));
    }

    #[test]
    fn build_files_named_by_their_content_are_told_apart() {
        let build = Build::new(
            &leptos::config::LeptosOptions::builder()
                .output_name("huddle")
                .build(),
        );
        assert!(build.is_hashed("/pkg/huddle.Rk3x_9-aZ.js"));
        assert!(build.is_hashed("/pkg/huddle.Rk3x_9-aZ.wasm"));
        assert!(build.is_hashed("/pkg/huddle.Rk3x_9-aZ.css"));
        assert!(!build.is_hashed("/pkg/huddle.js"));
        assert!(!build.is_hashed("/pkg/huddle_bg.wasm"));
        assert!(!build.is_hashed("/pkg/huddle.css"));
        assert!(!build.is_hashed("/pkg/other.Rk3x.js"));
        assert!(!build.is_hashed("/huddle.Rk3x.js"));
    }
}
