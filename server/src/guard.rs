//! Server-side gate for pages: before a private page renders, the visitor
//! must be logged in, and a project page must belong to one of their
//! organizations. Server functions check again on their own; this guard makes
//! sure the page itself answers with the right status (a redirect to log in,
//! 404 for a project the visitor may not know exists, 503 when the store is
//! busy).

use crate::api_errors;
use app::auth::session::AuthSession;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use backend::Backend;
use domain::paths;

const PRIVATE_PAGES: [&str; 3] = ["/project/", "/projects/", "/organization/"];

pub async fn pages(
    State(backend): State<Backend>,
    auth: AuthSession,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if request.method() != Method::GET
        || !PRIVATE_PAGES.iter().any(|prefix| path.starts_with(prefix))
    {
        return next.run(request).await;
    }
    let Some(session) = auth.user else {
        let here = request
            .uri()
            .path_and_query()
            .map_or(path, |pq| pq.as_str());
        return Redirect::to(&paths::login_then(here)).into_response();
    };
    let refused = match paths::project_in_path(path) {
        Some(project) => backend
            .meta
            .scope(session.user.id, project)
            .await
            .err()
            .map(|err| api_errors::status(&err.into())),
        None => None,
    };
    let mut response = next.run(request).await;
    if let Some(status) = refused {
        // The page itself renders the message ("no access", "busy").
        *response.status_mut() = status;
    }
    response
}
