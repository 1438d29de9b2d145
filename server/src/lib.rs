//! The Huddle web server: wires the backend, sessions, page guards and the
//! Leptos app into one axum router.

// Leptos views are deeply nested types.
#![recursion_limit = "256"]

mod api_errors;
pub mod capture;
mod csrf;
mod delivered;
mod exports;
mod guard;
mod headers;
mod health;
mod live;
mod oembed;
mod shared_pages;
mod short_links;
mod static_cache;

use anyhow::Context;
use app::auth::session::{AuthSession, Authn};
use app::server::{PublicUrl, TrustForwardedFor};
use app::{shell, App};
use axum::extract::{FromRef, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use axum_login::AuthManagerLayerBuilder;
use backend::Backend;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_sessions::cookie::{time::Duration as CookieDuration, SameSite};
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

pub use live::LiveLimits;

/// How the server is set up; see `huddle serve --help`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the metadata store lives (`sqlite://data/huddle.db`).
    pub database_url: String,
    /// The events store's DuckDB file (`data/events.duckdb`).
    pub events_path: std::path::PathBuf,
    /// The address people reach Huddle at, used in links sent elsewhere.
    /// Session cookies are marked Secure when it is `https://`.
    pub public_url: String,
    /// Read the client's address from `X-Forwarded-For` (for throttling):
    /// only behind a reverse proxy that sets it. Needs the router served with
    /// `into_make_service_with_connect_info::<SocketAddr>()`.
    pub trust_forwarded_for: bool,
    /// How often a live events stream re-checks its viewer, and how many
    /// streams one person may keep open.
    pub live: LiveLimits,
    /// How long one insight query may compute before it is stopped.
    pub query_timeout: std::time::Duration,
    /// Accounts one client may create per hour.
    pub sign_ups_per_hour: i64,
    /// What share links are derived from.
    pub secret_key: backend::SecretKey,
    /// The SMTP server mail goes through; None writes it to `outbox`.
    pub smtp_url: Option<String>,
    /// Certificates to trust for the SMTP server besides the public roots.
    pub smtp_ca_file: Option<std::path::PathBuf>,
    /// The From address of every mail.
    pub mail_from: String,
    /// Where mail is written when no SMTP server is configured.
    pub outbox: std::path::PathBuf,
    /// Whether Slack and webhook deliveries may reach private and loopback
    /// addresses.
    pub private_webhooks: bool,
    /// How the mail sender and the subscription scheduler pace themselves.
    pub jobs: backend::jobs::JobTiming,
}

#[derive(Clone, FromRef)]
struct AppState {
    leptos_options: LeptosOptions,
    backend: Backend,
    live: live::Live,
    public_url: PublicUrl,
}

/// Opens the stores and builds the router.
pub async fn router(
    config: &Config,
    leptos_options: LeptosOptions,
) -> anyhow::Result<(Router, Backend)> {
    let backend = Backend::open(&config.database_url, &config.events_path)
        .await
        .with_context(|| {
            format!(
                "cannot open the stores at {} and {}",
                config.database_url,
                config.events_path.display()
            )
        })?
        .with_query_limits(backend::insights::QueryLimits {
            time_limit: config.query_timeout,
            ..Default::default()
        })
        .with_sign_ups_per_hour(config.sign_ups_per_hour)
        .with_secret_key(config.secret_key.clone())
        .with_job_timing(config.jobs)
        .with_mail(&backend::mail::MailSettings {
            smtp_url: config.smtp_url.clone(),
            smtp_ca_file: config.smtp_ca_file.clone(),
            from: config.mail_from.clone(),
            outbox: config.outbox.clone(),
            public_url: config.public_url.clone(),
        })
        .context("cannot set up mail")?
        .with_private_webhooks(config.private_webhooks);
    backend.start_scheduler();

    let session_store = SqliteStore::new(backend.meta.sqlite_pool().clone());
    session_store
        .migrate()
        .await
        .context("cannot create the session table")?;
    tokio::spawn(
        session_store
            .clone()
            .continuously_delete_expired(std::time::Duration::from_secs(3600)),
    );
    let live = live::Live::new(config.live.clone(), session_store.clone());
    let sessions = SessionManagerLayer::new(session_store)
        .with_name("huddle_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.public_url.starts_with("https://"))
        .with_expiry(Expiry::OnInactivity(CookieDuration::days(14)));
    let auth = AuthManagerLayerBuilder::new(Authn::new(backend.clone()), sessions).build();

    let state = AppState {
        leptos_options: leptos_options.clone(),
        backend: backend.clone(),
        live,
        public_url: PublicUrl(config.public_url.clone()),
    };
    let context = {
        let backend = backend.clone();
        let public_url = PublicUrl(config.public_url.clone());
        let trust_forwarded_for = TrustForwardedFor(config.trust_forwarded_for);
        move || {
            provide_context(backend.clone());
            provide_context(public_url.clone());
            provide_context(trust_forwarded_for);
            headers::provide_nonce();
        }
    };
    let content_policy = headers::ContentPolicy::new(&leptos_options);
    let build = static_cache::Build::new(&leptos_options);
    let routes = generate_route_list(App);
    let router = routes_outside_leptos()
        .into_iter()
        .fold(Router::<AppState>::new(), |router, (path, route)| {
            router.route(path, route)
        })
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(leptos_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            backend.clone(),
            guard::pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            backend.clone(),
            shared_pages::headers,
        ))
        .layer(axum::middleware::from_fn(api_errors::statuses))
        .layer(axum::middleware::from_fn_with_state(
            build,
            static_cache::static_files,
        ))
        .layer(auth)
        // Refused before a session is loaded or anything runs.
        .layer(axum::middleware::from_fn_with_state(
            csrf::SameOrigin::new(&config.public_url),
            csrf::check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            content_policy,
            headers::content_policy,
        ))
        .with_state(state);
    // The capture API and one-click unsubscribing need no session and
    // answer other origins, so they sit outside those layers.
    let router = Router::new()
        .merge(capture::router(backend.clone()))
        .merge(delivered::one_click_router(backend.clone()))
        .merge(router)
        .layer(axum::middleware::from_fn_with_state(
            headers::Headers::new(&config.public_url),
            headers::common,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http());
    Ok((router, backend))
}

/// The routes the server answers beside the Leptos pages and server
/// functions (and the capture API, which sits outside the session layers).
fn routes_outside_leptos() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", get(root)),
        ("/healthz", get(health::healthz)),
        ("/oembed", get(oembed::oembed)),
        (domain::paths::DELIVERY_IMAGE, get(delivered::image)),
        ("/i/{short_id}", get(short_links::insight)),
        ("/insights/{short_id}", get(short_links::insight)),
        ("/d/{dashboard_id}", get(short_links::dashboard)),
        ("/dashboard/{dashboard_id}", get(short_links::dashboard)),
        ("/api/projects/{project_id}/events/live", get(live::events)),
        (
            "/api/projects/{project_id}/insights/{short_id}/export.csv",
            get(exports::insight_csv),
        ),
        (
            "/api/projects/{project_id}/insights/{short_id}/export.png",
            get(exports::insight_png),
        ),
        (
            "/api/projects/{project_id}/insights/{short_id}/export.svg",
            get(exports::insight_svg),
        ),
    ]
}

/// The paths of [`routes_outside_leptos`], for the permission matrix.
pub fn route_paths() -> Vec<&'static str> {
    routes_outside_leptos()
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

/// The paths of every server function linked into this binary, from
/// server_fn's registry: what the permission matrix must cover.
pub fn server_function_paths() -> Vec<&'static str> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect()
}

/// `/` goes to the project the user was last in (or their first one).
async fn root(auth: AuthSession, State(backend): State<Backend>) -> Response {
    let Some(session) = auth.user else {
        return Redirect::to(domain::paths::LOGIN).into_response();
    };
    match backend.meta.default_project(session.user.id).await {
        Ok(Some(project)) => Redirect::to(&domain::paths::project_home(project)).into_response(),
        Ok(None) => Redirect::to(domain::paths::NEW_PROJECT).into_response(),
        Err(err) => api_errors::json(err.into()),
    }
}
