//! Live events: a server-sent event stream of a project's new events, for
//! the events explorer's live mode. Polls the events store once a second,
//! for as long as the page keeps the stream open and its viewer may still
//! see the project: the session and the project access are checked again
//! every [`LiveLimits::recheck`], and the stream ends on logout, removal
//! from the organization or loss of access to a private project.

use crate::api_errors;
use app::auth::session::AuthSession;
use app::error::AppError;
use app::events::EventView;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use backend::{Backend, ProjectScope};
use domain::{ProjectId, UserId};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;
use tower_sessions::session::Id;
use tower_sessions::SessionStore;
use tower_sessions_sqlx_store::SqliteStore;

/// Events sent per poll at most; a burst beyond this follows a second later.
const PER_POLL: usize = 200;
const POLL: Duration = Duration::from_secs(1);

/// How long a stream trusts the checks made when it began, and how many one
/// person may keep open at once.
#[derive(Debug, Clone)]
pub struct LiveLimits {
    pub recheck: Duration,
    pub streams_per_user: usize,
}

impl Default for LiveLimits {
    fn default() -> Self {
        Self {
            recheck: Duration::from_secs(15),
            streams_per_user: 5,
        }
    }
}

/// What the stream handler shares: the session store it re-reads and the
/// count of open streams per user.
#[derive(Clone)]
pub struct Live {
    limits: LiveLimits,
    sessions: SqliteStore,
    open: Arc<Mutex<HashMap<UserId, usize>>>,
}

impl Live {
    pub fn new(limits: LiveLimits, sessions: SqliteStore) -> Self {
        Self {
            limits,
            sessions,
            open: Arc::default(),
        }
    }

    /// Takes one of the user's stream places, if one is free.
    fn take_slot(&self, user: UserId) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(user).or_default();
        if *count >= self.limits.streams_per_user {
            return None;
        }
        *count += 1;
        Some(Slot {
            open: self.open.clone(),
            user,
        })
    }
}

/// One open stream; gives its place back when the stream is dropped.
struct Slot {
    open: Arc<Mutex<HashMap<UserId, usize>>>,
    user: UserId,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.user) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.user);
            }
        }
    }
}

/// A running stream's state between polls.
struct Viewer {
    backend: Backend,
    live: Live,
    session: Id,
    scope: ProjectScope,
    after: chrono::DateTime<chrono::Utc>,
    next_check: Instant,
    _slot: Slot,
}

impl Viewer {
    /// Is the viewer still logged in (their session still stored) and still
    /// allowed to see the project? Renews the scope when they are.
    async fn still_allowed(&mut self) -> bool {
        let logged_in = matches!(self.live.sessions.load(&self.session).await, Ok(Some(_)));
        if !logged_in {
            return false;
        }
        let (user, project) = (self.scope.user(), self.scope.project_id());
        match self.backend.meta.scope(user, project).await {
            Ok(scope) => {
                self.scope = scope;
                true
            }
            Err(_) => false,
        }
    }
}

pub async fn events(
    State(backend): State<Backend>,
    State(live): State<Live>,
    auth: AuthSession,
    Path(project): Path<ProjectId>,
) -> Response {
    let (Some(session), Some(session_id)) = (auth.user, auth.session.id()) else {
        return api_errors::json(AppError::Unauthenticated);
    };
    let user = session.user.id;
    let scope = match backend.meta.scope(user, project).await {
        Ok(scope) => scope,
        Err(err) => return api_errors::json(err.into()),
    };
    let Some(slot) = live.take_slot(user) else {
        return api_errors::json(AppError::Throttled(format!(
            "You already have {} live event streams open. Close one (another tab's live mode) and try again.",
            live.limits.streams_per_user
        )));
    };
    let viewer = Viewer {
        next_check: Instant::now() + live.limits.recheck,
        backend,
        live,
        session: session_id,
        scope,
        after: chrono::Utc::now(),
        _slot: slot,
    };
    let stream = futures_util::stream::unfold(viewer, |mut viewer| async move {
        tokio::time::sleep(POLL).await;
        if Instant::now() >= viewer.next_check {
            if !viewer.still_allowed().await {
                return None;
            }
            viewer.next_check = Instant::now() + viewer.live.limits.recheck;
        }
        let (batch, newest) = match viewer
            .backend
            .events
            .events_stored_after(&viewer.scope, viewer.after, PER_POLL)
            .await
        {
            Ok(found) => found,
            Err(err) => {
                tracing::warn!(error = %err, "live events query failed");
                (Vec::new(), viewer.after)
            }
        };
        viewer.after = newest;
        let events: Vec<Result<Event, Infallible>> = batch
            .into_iter()
            .filter_map(|row| Event::default().json_data(EventView::from(row)).ok())
            .map(Ok)
            .collect();
        Some((futures_util::stream::iter(events), viewer))
    });
    Sse::new(futures_util::StreamExt::flatten(stream))
        .keep_alive(KeepAlive::default())
        .into_response()
}
