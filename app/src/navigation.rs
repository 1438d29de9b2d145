//! What the top bar needs: who is logged in and which projects they can use.

use crate::error::AppError;
use domain::account::User;
use domain::project::ProjectSummary;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavData {
    pub user: User,
    pub projects: Vec<ProjectSummary>,
}

#[cfg(feature = "ssr")]
pub async fn load(user: User) -> Result<NavData, AppError> {
    let projects = crate::server::backend()?
        .meta
        .projects_for_user(user.id)
        .await?;
    Ok(NavData { user, projects })
}

#[server(prefix = "/api", endpoint = "navigation")]
pub async fn navigation() -> Result<NavData, AppError> {
    load(crate::server::require_user().await?).await
}
