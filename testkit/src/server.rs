//! A real server: fresh SQLite and DuckDB files in a temporary folder,
//! listening on a free port.

use crate::PASSWORD;
use leptos::prelude::LeptosOptions;
use std::path::Path;

pub struct Running {
    pub address: String,
    pub backend: backend::Backend,
    // Dropped last: deletes the stores.
    _dir: tempfile::TempDir,
}

impl Running {
    /// A client like a separate browser: its own cookie jar, redirects not
    /// followed, and the `Origin` header a browser sends with this server's
    /// own pages.
    pub fn browser(&self) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ORIGIN,
            reqwest::header::HeaderValue::from_str(&self.address).unwrap(),
        );
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap()
    }

    /// Calls a server function with a form body, as the UI's forms do.
    pub async fn call(
        &self,
        client: &reqwest::Client,
        server_fn: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(format!("{}/api/{server_fn}", self.address))
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Signs `client` up with its own organization and returns the user and
    /// their first project.
    pub async fn sign_up(
        &self,
        client: &reqwest::Client,
        email: &str,
    ) -> (domain::UserId, domain::ProjectId) {
        let response = self
            .call(
                client,
                "signup",
                &[
                    ("name", "Tester"),
                    ("email", email),
                    ("password", PASSWORD),
                    ("organization_name", "Tester's org"),
                    ("project_name", "First project"),
                    ("time_zone", "Europe/Berlin"),
                ],
            )
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
        let (user, _) = self
            .backend
            .meta
            .user_with_password_hash(&domain::account::Email::parse(email).unwrap())
            .await
            .unwrap()
            .unwrap();
        let project = self.backend.meta.projects_for_user(user.id).await.unwrap()[0].id;
        (user.id, project)
    }
}

pub async fn start() -> Running {
    start_with(|_| {}, default_options()).await
}

/// Options for a server that serves no built site (API tests, benchmarks).
pub fn default_options() -> LeptosOptions {
    LeptosOptions::builder().output_name("huddle").build()
}

/// A server whose configuration `configure` adjusts first, serving its
/// static files from `options.site_root`.
pub async fn start_with(
    configure: impl FnOnce(&mut server::Config),
    options: LeptosOptions,
) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let (address, backend) = serve_in(dir.path(), configure, options).await;
    Running {
        address,
        backend,
        _dir: dir,
    }
}

/// Serves the stores in `dir` (`meta.db`, `events.duckdb`, made if missing)
/// on a free loopback port; returns the address and the server's backend.
pub async fn serve_in(
    dir: &Path,
    configure: impl FnOnce(&mut server::Config),
    options: LeptosOptions,
) -> (String, backend::Backend) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let mut config = server::Config {
        database_url: format!("sqlite://{}", dir.join("meta.db").display()),
        events_path: dir.join("events.duckdb"),
        public_url: address.clone(),
        trust_forwarded_for: false,
        live: server::LiveLimits::default(),
        query_timeout: backend::insights::DEFAULT_TIME_LIMIT,
        sign_ups_per_hour: backend::accounts::SIGN_UPS_PER_CLIENT,
        secret_key: backend::SecretKey::random(),
        smtp_url: None,
        smtp_ca_file: None,
        mail_from: backend::mail::DEFAULT_FROM.to_owned(),
        outbox: dir.join("outbox"),
        // The tests' webhook receivers listen on loopback.
        private_webhooks: true,
        jobs: backend::jobs::JobTiming::default(),
    };
    configure(&mut config);
    let (router, backend) = server::router(&config, options).await.unwrap();
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    (address, backend)
}

/// A response header's value, or "" when it has none.
pub fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}
