//! Server-side gate for pages: before a private page renders, the visitor
//! must be logged in, and a project page must belong to one of their
//! organizations. Server functions check again on their own; this guard makes
//! sure the page itself answers with the right status (a redirect to log in,
//! or 404 for a project the visitor may not know exists).

use app::auth::session::AuthSession;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
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
    let denied = match paths::project_in_path(path) {
        Some(project) => matches!(
            backend.meta.project_access(session.user.id, project).await,
            Err(backend::Error::NotFound)
        ),
        None => false,
    };
    let mut response = next.run(request).await;
    if denied {
        // The page itself renders the "no access" message.
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}
