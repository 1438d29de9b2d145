//! Links without a project (`/i/:short_id`, `/d/:id`, and insight or
//! dashboard paths that lost their `/project/:id` part) go to the project
//! the thing lives in, for people who may see it. Everyone else gets the
//! same "no access" page, which names nothing.

use app::auth::session::AuthSession;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Redirect;
use backend::Backend;
use domain::dashboard::DashboardId;
use domain::paths;

pub async fn insight(
    auth: AuthSession,
    State(backend): State<Backend>,
    OriginalUri(uri): OriginalUri,
    Path(short_id): Path<String>,
) -> Redirect {
    let Some(session) = auth.user else {
        return Redirect::to(&paths::login_then(uri.path()));
    };
    if !domain::insight::is_short_id(&short_id) {
        return Redirect::to(paths::NO_ACCESS);
    }
    match backend
        .meta
        .find_insight_project(session.user.id, &short_id)
        .await
    {
        Ok(Some(project)) => Redirect::to(&paths::insight(project, &short_id)),
        Ok(None) => Redirect::to(paths::NO_ACCESS),
        Err(err) => {
            tracing::error!(error = %err, "cannot resolve an insight link");
            Redirect::to(paths::NO_ACCESS)
        }
    }
}

pub async fn dashboard(
    auth: AuthSession,
    State(backend): State<Backend>,
    OriginalUri(uri): OriginalUri,
    Path(dashboard_id): Path<String>,
) -> Redirect {
    let Some(session) = auth.user else {
        return Redirect::to(&paths::login_then(uri.path()));
    };
    let Ok(id) = dashboard_id.parse::<DashboardId>() else {
        return Redirect::to(paths::NO_ACCESS);
    };
    match backend
        .meta
        .find_dashboard_project(session.user.id, id)
        .await
    {
        Ok(Some(project)) => Redirect::to(&paths::dashboard(project, id)),
        Ok(None) => Redirect::to(paths::NO_ACCESS),
        Err(err) => {
            tracing::error!(error = %err, "cannot resolve a dashboard link");
            Redirect::to(paths::NO_ACCESS)
        }
    }
}
