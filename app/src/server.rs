//! What every server function starts with: the backend, and who is asking.

use crate::auth::session::{AuthSession, Authn};
use crate::error::AppError;
use backend::Backend;
use domain::account::User;
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

/// Starts a session for `user` (a new session id, so a planted one is useless).
pub async fn log_in(user: User) -> Result<(), AppError> {
    let backend = backend()?;
    let session_user = Authn::new(backend).session_user(user).await?;
    auth_session()
        .await?
        .login(&session_user)
        .await
        .map_err(|e| AppError::internal(&e))
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
