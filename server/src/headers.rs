//! Security headers on every response.
//!
//! [`common`] applies to everything, the capture API included (its JSON
//! answers pages of other origins, so no content policy there).
//! [`content_policy`] adds the Content-Security-Policy to everything else
//! Huddle serves — pages, server functions, static files, errors — with a
//! fresh nonce per request that the page renderer puts on its inline scripts
//! (see [`provide_nonce`]).
//!
//! Framing: the default policy has `frame-ancestors 'none'`. A route that may
//! be embedded (`/embedded/:token`, see `shared_pages`) puts the origins
//! allowed to frame it in its response's [`FrameAncestors`]; this layer
//! writes them into its policy, and [`common`] sends `X-Frame-Options: DENY`
//! only where no other ancestors are allowed.

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// What the headers depend on.
#[derive(Debug, Clone)]
pub struct Headers {
    /// Served over https: browsers are told to keep to it.
    https: bool,
}

impl Headers {
    pub fn new(public_url: &str) -> Self {
        Headers {
            https: public_url.starts_with("https://"),
        }
    }
}

const NO_FRAMING: &str = "frame-ancestors 'none'";

/// The Content-Security-Policy of pages and everything else but capture.
#[derive(Debug, Clone)]
pub struct ContentPolicy {
    /// `cargo leptos watch` reloads pages over a WebSocket on its own port.
    live_reload: Option<String>,
}

impl ContentPolicy {
    pub fn new(options: &leptos::config::LeptosOptions) -> Self {
        // The same test as Leptos's `AutoReload`, which opens that socket.
        let watching = std::env::var("LEPTOS_WATCH").is_ok();
        let port = options.reload_external_port.unwrap_or(options.reload_port);
        ContentPolicy {
            live_reload: watching.then(|| format!(" ws://*:{port} wss://*:{port}")),
        }
    }

    /// The policy of a response whose page may run `nonce`'s inline scripts
    /// and may be framed by `frame_ancestors` (`'none'` by default).
    ///
    /// - `wasm-unsafe-eval`: compiling the app's WebAssembly needs it.
    /// - `style-src-attr 'unsafe-inline'`: the dashboard grid places tiles and
    ///   the retention table colours cells with `style` attributes (without
    ///   it, a project home reports one violation per tile), and ECharts
    ///   writes its tooltips as HTML with inline styles. Style sheets and
    ///   `<style>` elements stay limited to Huddle's own files.
    /// - Images: Huddle's own and `data:` (ECharts' "save as image").
    pub fn header(&self, nonce: &Nonce, frame_ancestors: &str) -> String {
        let live_reload = self.live_reload.as_deref().unwrap_or_default();
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; \
             style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
             connect-src 'self'{live_reload}; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors {frame_ancestors}"
        )
    }
}

/// The `frame-ancestors` sources a response may be framed by, set by the
/// route that allows framing.
#[derive(Debug, Clone)]
pub struct FrameAncestors(pub String);

/// Headers every response gets.
pub async fn common(State(headers): State<Headers>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let map = response.headers_mut();
    map.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    map.insert(
        REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    let framing_allowed = map
        .get(CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|csp| csp.contains("frame-ancestors") && !csp.contains(NO_FRAMING));
    if !framing_allowed {
        map.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if headers.https {
        map.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// The content policy, with a nonce of the request's own: kept in the
/// request's extensions for the renderer, and written into the header.
pub async fn content_policy(
    State(policy): State<ContentPolicy>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    if !response.headers().contains_key(CONTENT_SECURITY_POLICY) {
        let ancestors = response
            .extensions()
            .get::<FrameAncestors>()
            .map_or("'none'", |allowed| allowed.0.as_str());
        // Origins are checked when saved (domain::sharing); a value that
        // still cannot be a header falls back to no framing.
        let value = HeaderValue::from_str(&policy.header(&nonce, ancestors)).unwrap_or_else(|_| {
            HeaderValue::from_str(&policy.header(&nonce, "'none'"))
                .expect("a nonce is URL-safe base64")
        });
        response
            .headers_mut()
            .insert(CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// In the renderer's context: hands the request's nonce (see
/// [`content_policy`]) to Leptos, which puts it on the scripts it writes
/// (hydration, streamed resources) and which the shell's own script reads.
pub fn provide_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}
