//! The server functions dashboard pages call: who is asking → may they (the
//! backend asks `domain::permissions`) → backend → errors mapped.

use crate::error::AppError;
pub use domain::dashboard::DashboardFilters;
use domain::dashboard::{Collaborator, Dashboard, DashboardId, DashboardRights, Tile, TileId};
use domain::insight::QueryOutcome;
use domain::organization::Member;
use domain::ProjectId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[server(prefix = "/api", endpoint = "dashboards")]
pub async fn list_dashboards(project_id: ProjectId) -> Result<Vec<Dashboard>, AppError> {
    let user = crate::server::require_user().await?;
    Ok(crate::server::backend()?
        .meta
        .dashboards(user.id, project_id)
        .await?)
}

#[server(prefix = "/api", endpoint = "create_dashboard")]
pub async fn create_dashboard(
    project_id: ProjectId,
    name: String,
    description: String,
    tags: String,
) -> Result<DashboardId, AppError> {
    let user = crate::server::require_user().await?;
    let draft = domain::dashboard::DashboardDraft::parse(&name, &description, &tags)?;
    Ok(crate::server::backend()?
        .meta
        .create_dashboard(user.id, project_id, &draft)
        .await?)
}

/// A tile and, for insights, its result (computed with the dashboard's
/// overrides).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileView {
    pub tile: Tile,
    pub outcome: Option<Result<QueryOutcome, AppError>>,
    /// For text tiles, the Markdown as sanitized HTML: rendered on the
    /// server, the only HTML a page inserts from what people wrote.
    pub text_html: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub dashboard: Dashboard,
    pub rights: DashboardRights,
    pub tiles: Vec<TileView>,
    pub collaborators: Vec<Collaborator>,
    /// The project's people, to pick collaborators from.
    pub members: Vec<Member>,
    /// The viewer's overrides the results were computed with.
    pub filters: DashboardFilters,
}

#[server(prefix = "/api", endpoint = "dashboard", input = leptos::server_fn::codec::Json)]
pub async fn load_dashboard(
    project_id: ProjectId,
    dashboard_id: DashboardId,
    filters: DashboardFilters,
) -> Result<DashboardView, AppError> {
    let user = crate::server::require_user().await?;
    dashboard_view(user.id, project_id, dashboard_id, filters).await
}

/// A dashboard with its tiles' results (cached where they are), as `user`
/// may see it.
#[cfg(feature = "ssr")]
pub async fn dashboard_view(
    user: domain::UserId,
    project_id: ProjectId,
    dashboard_id: DashboardId,
    filters: DashboardFilters,
) -> Result<DashboardView, AppError> {
    use domain::dashboard::TileContent;
    let backend = crate::server::backend()?;
    let access = backend.meta.project_access(user, project_id).await?;
    let (dashboard, rights) = backend
        .meta
        .dashboard(user, project_id, dashboard_id)
        .await?;
    let tiles = backend.meta.tiles(user, project_id, dashboard_id).await?;
    // Tiles compute in parallel, each on its own events-store connection.
    let filters_ref = &filters;
    let outcomes = futures::future::join_all(tiles.iter().map(|tile| {
        let backend = backend.clone();
        let time_zone = access.project.time_zone.clone();
        async move {
            match &tile.content {
                TileContent::Insight(insight) => {
                    let query = filters_ref.apply_to(insight.query.clone());
                    Some(
                        backend
                            .insight_outcome(user, project_id, &time_zone, &query, false)
                            .await
                            .map_err(AppError::from),
                    )
                }
                TileContent::Text(_) => None,
            }
        }
    }))
    .await;
    Ok(DashboardView {
        collaborators: backend
            .meta
            .dashboard_collaborator_names(user, project_id, dashboard_id)
            .await?,
        members: backend.meta.project_members(user, project_id).await?,
        tiles: tiles
            .into_iter()
            .zip(outcomes)
            .map(|(tile, outcome)| TileView {
                text_html: match &tile.content {
                    TileContent::Text(text) => Some(backend::markdown::markdown_to_safe_html(text)),
                    TileContent::Insight(_) => None,
                },
                tile,
                outcome,
            })
            .collect(),
        dashboard,
        rights,
        filters,
    })
}

/// One insight tile's result, recomputed when `refresh` is set: what a tile
/// asks for on "Refresh all" or its own refresh button.
#[server(prefix = "/api", endpoint = "tile_result", input = leptos::server_fn::codec::Json)]
pub async fn tile_result(
    project_id: ProjectId,
    dashboard_id: DashboardId,
    tile_id: TileId,
    filters: DashboardFilters,
    refresh: bool,
) -> Result<QueryOutcome, AppError> {
    use domain::dashboard::TileContent;
    let user = crate::server::require_user().await?;
    let backend = crate::server::backend()?;
    let access = backend.meta.project_access(user.id, project_id).await?;
    let tile = backend
        .meta
        .tile(user.id, project_id, dashboard_id, tile_id)
        .await?;
    let TileContent::Insight(insight) = tile.content else {
        return Err(AppError::Refused(
            "A text tile has no result to compute.".into(),
        ));
    };
    let query = filters.apply_to(insight.query);
    Ok(backend
        .insight_outcome(
            user.id,
            project_id,
            &access.project.time_zone,
            &query,
            refresh,
        )
        .await?)
}

/// A dashboard change; one server function keeps the permission checks in
/// the backend, where each change asks the domain rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DashboardChange {
    Rename {
        name: String,
        description: String,
        tags: String,
    },
    Layout(Vec<(TileId, domain::dashboard::TileLayout)>),
    AddInsight {
        short_id: String,
    },
    AddText {
        text: String,
    },
    RemoveTile {
        tile: TileId,
    },
    Restrict {
        restriction: domain::permissions::Restriction,
    },
    AddCollaborator {
        user_id: domain::UserId,
    },
    RemoveCollaborator {
        user_id: domain::UserId,
    },
    MakePrimary,
    Pin {
        pinned: bool,
    },
    Delete,
    Restore,
}

#[server(prefix = "/api", endpoint = "change_dashboard", input = leptos::server_fn::codec::Json)]
pub async fn change_dashboard(
    project_id: ProjectId,
    dashboard_id: DashboardId,
    change: DashboardChange,
) -> Result<(), AppError> {
    let user = crate::server::require_user().await?;
    let meta = crate::server::backend()?.meta;
    let (u, p, d) = (user.id, project_id, dashboard_id);
    match change {
        DashboardChange::Rename {
            name,
            description,
            tags,
        } => {
            let draft = domain::dashboard::DashboardDraft::parse(&name, &description, &tags)?;
            meta.update_dashboard(u, p, d, &draft).await?
        }
        DashboardChange::Layout(layout) => meta.save_layout(u, p, d, &layout).await?,
        DashboardChange::AddInsight { short_id } => {
            meta.add_insight_tile(u, p, d, &short_id).await?;
        }
        DashboardChange::AddText { text } => {
            meta.add_text_tile(u, p, d, &text).await?;
        }
        DashboardChange::RemoveTile { tile } => meta.remove_tile(u, p, d, tile).await?,
        DashboardChange::Restrict { restriction } => {
            meta.set_dashboard_restriction(u, p, d, restriction).await?
        }
        DashboardChange::AddCollaborator { user_id } => {
            meta.add_dashboard_collaborator(u, p, d, user_id).await?
        }
        DashboardChange::RemoveCollaborator { user_id } => {
            meta.remove_dashboard_collaborator(u, p, d, user_id).await?
        }
        DashboardChange::MakePrimary => meta.set_primary_dashboard(u, p, d).await?,
        DashboardChange::Pin { pinned } => meta.set_dashboard_pinned(u, p, d, pinned).await?,
        DashboardChange::Delete => meta.delete_dashboard(u, p, d).await?,
        DashboardChange::Restore => meta.restore_dashboard(u, p, d).await?,
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "duplicate_dashboard")]
pub async fn duplicate_dashboard(
    project_id: ProjectId,
    dashboard_id: DashboardId,
    copy_insights: bool,
) -> Result<DashboardId, AppError> {
    let user = crate::server::require_user().await?;
    Ok(crate::server::backend()?
        .meta
        .duplicate_dashboard(user.id, project_id, dashboard_id, copy_insights)
        .await?)
}
