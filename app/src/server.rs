//! What every server function starts with: the backend, and who is asking.

use crate::auth::session::{AuthSession, Authn};
use crate::error::AppError;
use backend::{Backend, ProjectScope};
use domain::account::User;
use domain::ProjectId;
use leptos::prelude::*;

/// The backend, provided to every server function and SSR render by the server.
pub fn backend() -> Result<Backend, AppError> {
    use_context::<Backend>()
        .ok_or_else(|| AppError::internal(&MissingContext("the backend".into())))
}

pub async fn auth_session() -> Result<AuthSession, AppError> {
    leptos_axum::extract::<AuthSession>()
        .await
        .map_err(|e| AppError::internal(&MissingContext(e.to_string())))
}

/// The logged-in user, if any.
pub async fn current_user() -> Result<Option<User>, AppError> {
    Ok(auth_session().await?.user.map(|session| session.user))
}

/// The logged-in user, or [`AppError::Unauthenticated`].
pub async fn require_user() -> Result<User, AppError> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

/// The access check a project's server functions start with: the backend,
/// and the logged-in user's scope in `project`, which every backend method on
/// the project's data asks for.
pub async fn project_scope(project: ProjectId) -> Result<(Backend, ProjectScope), AppError> {
    let user = require_user().await?;
    let backend = backend()?;
    let scope = backend.meta.scope(user.id, project).await?;
    Ok((backend, scope))
}

/// Starts a session for `user` under a new session id, so a planted or
/// earlier one is useless. (axum-login's `login` cycles the id only when the
/// session was anonymous, not when someone logs in over another login.)
pub async fn log_in(user: User) -> Result<(), AppError> {
    let backend = backend()?;
    let session_user = Authn::new(backend).session_user(user).await?;
    let mut session = auth_session().await?;
    session
        .login(&session_user)
        .await
        .map_err(|e| AppError::internal(&e))?;
    session
        .session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal(&e))
}

/// Gives the current session a new id after its user gained privileges
/// (joined an organization, got a higher role), so that an id seen before
/// does not carry them.
pub async fn cycle_session() -> Result<(), AppError> {
    auth_session()
        .await?
        .session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal(&e))
}

/// Whether the client's address is read from `X-Forwarded-For` rather than
/// from the connection: only when the operator says a reverse proxy in front
/// of Huddle sets it. Provided by the server.
#[derive(Debug, Clone, Copy)]
pub struct TrustForwardedFor(pub bool);

/// The address of the client making the request, for throttling. Behind a
/// trusted proxy it is the last `X-Forwarded-For` entry, the one that proxy
/// added (entries before it come from the client and prove nothing).
pub async fn client_ip() -> Result<std::net::IpAddr, AppError> {
    use axum::extract::ConnectInfo;
    let ConnectInfo(peer) = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .map_err(|e| AppError::internal(&MissingContext(e.to_string())))?;
    if use_context::<TrustForwardedFor>().is_some_and(|trust| trust.0) {
        let headers = leptos_axum::extract::<http::HeaderMap>()
            .await
            .map_err(|e| AppError::internal(&MissingContext(e.to_string())))?;
        if let Some(forwarded) = last_forwarded_for(&headers) {
            return Ok(forwarded);
        }
    }
    Ok(peer.ip())
}

fn last_forwarded_for(headers: &http::HeaderMap) -> Option<std::net::IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().next_back()?;
    last.to_str().ok()?.rsplit(',').next()?.trim().parse().ok()
}

#[derive(Debug, thiserror::Error)]
#[error("missing request context: {0}")]
struct MissingContext(String);

/// The address people reach this Huddle at, for links that leave the page
/// (invite links today; emails later). Provided by the server.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub String);

pub fn absolute_url(path: &str) -> Result<String, AppError> {
    let base = use_context::<PublicUrl>()
        .ok_or_else(|| AppError::internal(&MissingContext("the public URL".into())))?;
    Ok(format!("{}{path}", base.0.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::last_forwarded_for;

    #[test]
    fn the_forwarded_client_is_the_entry_the_proxy_added_last() {
        let mut headers = http::HeaderMap::new();
        headers.append("x-forwarded-for", "10.0.0.1, 198.51.100.7".parse().unwrap());
        headers.append("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert_eq!(
            last_forwarded_for(&headers),
            Some("203.0.113.9".parse().unwrap())
        );
        headers.insert("x-forwarded-for", "spoofed, not-an-ip".parse().unwrap());
        assert_eq!(last_forwarded_for(&headers), None);
    }
}
