//! A real server per test: fresh SQLite and DuckDB files in a temporary
//! folder, listening on a free port.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use leptos::prelude::LeptosOptions;

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
}

pub async fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let config = server::Config {
        database_url: format!("sqlite://{}", dir.path().join("meta.db").display()),
        events_path: dir.path().join("events.duckdb"),
        public_url: address.clone(),
        query_timeout: backend::insights::DEFAULT_TIME_LIMIT,
    };
    let options = LeptosOptions::builder().output_name("huddle").build();
    let (router, backend) = server::router(&config, options).await.unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Running {
        address,
        backend,
        _dir: dir,
    }
}
