//! Live events: a server-sent event stream of a project's new events, for
//! the events explorer's live mode. Polls the events store once a second,
//! for as long as the page keeps the stream open.

use app::auth::session::AuthSession;
use app::events::EventView;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use backend::Backend;
use domain::ProjectId;
use std::convert::Infallible;
use std::time::Duration;

/// Events sent per poll at most; a burst beyond this follows a second later.
const PER_POLL: usize = 200;

pub async fn events(
    State(backend): State<Backend>,
    auth: AuthSession,
    Path(project): Path<ProjectId>,
) -> Response {
    let Some(session) = auth.user else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if backend
        .meta
        .project_access(session.user.id, project)
        .await
        .is_err()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let start = chrono::Utc::now();
    let stream =
        futures_util::stream::unfold((backend, start), move |(backend, after)| async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let (batch, newest) = match backend
                .events
                .events_stored_after(project, after, PER_POLL)
                .await
            {
                Ok(found) => found,
                Err(err) => {
                    tracing::warn!(error = %err, "live events query failed");
                    (Vec::new(), after)
                }
            };
            let events: Vec<Result<Event, Infallible>> = batch
                .into_iter()
                .filter_map(|row| Event::default().json_data(EventView::from(row)).ok())
                .map(Ok)
                .collect();
            Some((futures_util::stream::iter(events), (backend, newest)))
        });
    Sse::new(futures_util::StreamExt::flatten(stream))
        .keep_alive(KeepAlive::default())
        .into_response()
}
