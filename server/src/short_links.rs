//! Links without a project (`/i/:short_id`, `/d/:id`, and insight or
//! dashboard paths that lost their `/project/:id` part) go to the project
//! the thing lives in, for people who may see it. Everyone else gets the
//! same "no access" page, which names nothing.

use crate::api_errors;
use app::auth::session::AuthSession;
use axum::extract::{OriginalUri, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use backend::Backend;
use domain::dashboard::DashboardId;
use domain::paths;

pub async fn insight(
    auth: AuthSession,
    State(backend): State<Backend>,
    OriginalUri(uri): OriginalUri,
    Path(short_id): Path<String>,
) -> Response {
    let Some(session) = auth.user else {
        return Redirect::to(&paths::login_then(uri.path())).into_response();
    };
    if !domain::insight::is_short_id(&short_id) {
        return Redirect::to(paths::NO_ACCESS).into_response();
    }
    match backend
        .meta
        .find_insight_project(session.user.id, &short_id)
        .await
    {
        Ok(Some(project)) => Redirect::to(&paths::insight(project, &short_id)).into_response(),
        Ok(None) => Redirect::to(paths::NO_ACCESS).into_response(),
        Err(err) => api_errors::json(err.into()),
    }
}

pub async fn dashboard(
    auth: AuthSession,
    State(backend): State<Backend>,
    OriginalUri(uri): OriginalUri,
    Path(dashboard_id): Path<String>,
) -> Response {
    let Some(session) = auth.user else {
        return Redirect::to(&paths::login_then(uri.path())).into_response();
    };
    let Ok(id) = dashboard_id.parse::<DashboardId>() else {
        return Redirect::to(paths::NO_ACCESS).into_response();
    };
    match backend
        .meta
        .find_dashboard_project(session.user.id, id)
        .await
    {
        Ok(Some(project)) => Redirect::to(&paths::dashboard(project, id)).into_response(),
        Ok(None) => Redirect::to(paths::NO_ACCESS).into_response(),
        Err(err) => api_errors::json(err.into()),
    }
}
