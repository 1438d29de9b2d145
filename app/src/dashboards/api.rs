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
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend.meta.dashboards(&scope).await?)
}

#[server(prefix = "/api", endpoint = "create_dashboard")]
pub async fn create_dashboard(
    project_id: ProjectId,
    name: String,
    description: String,
    tags: String,
) -> Result<DashboardId, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let draft = domain::dashboard::DashboardDraft::parse(&name, &description, &tags)?;
    Ok(backend.meta.create_dashboard(&scope, &draft).await?)
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
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    dashboard_view(&backend, &scope, dashboard_id, filters).await
}

/// A dashboard with its tiles' results (cached where they are), as the
/// scope's user may see it.
#[cfg(feature = "ssr")]
pub async fn dashboard_view(
    backend: &backend::Backend,
    scope: &backend::ProjectScope,
    dashboard_id: DashboardId,
    filters: DashboardFilters,
) -> Result<DashboardView, AppError> {
    let (dashboard, rights, tiles) = backend
        .meta
        .dashboard_with_tiles(scope, dashboard_id)
        .await?;
    let members = backend.meta.project_members(scope).await?;
    Ok(DashboardView {
        collaborators: members
            .iter()
            .filter(|m| dashboard.access.collaborators.contains(&m.user_id))
            .map(|m| Collaborator {
                user_id: m.user_id,
                name: m.name.clone(),
            })
            .collect(),
        members,
        tiles: tile_views(backend, scope, tiles, &|query| filters.apply_to(query)).await,
        dashboard,
        rights,
        filters,
    })
}

/// Tiles with their results, computed in parallel (each on its own
/// events-store connection) from their queries with `overrides` laid over
/// them (a viewer's filters, an embed's locked ones), and text tiles'
/// Markdown as sanitized HTML.
#[cfg(feature = "ssr")]
pub async fn tile_views(
    backend: &backend::Backend,
    scope: &backend::ProjectScope,
    tiles: Vec<Tile>,
    overrides: &(dyn Fn(domain::insight::InsightQuery) -> domain::insight::InsightQuery + Sync),
) -> Vec<TileView> {
    use domain::dashboard::TileContent;
    let outcomes = futures::future::join_all(tiles.iter().map(|tile| async move {
        match &tile.content {
            TileContent::Insight(insight) => {
                let query = overrides(insight.query.clone());
                Some(
                    backend
                        .insight_outcome(scope, &query, false)
                        .await
                        .map_err(AppError::from),
                )
            }
            TileContent::Text(_) => None,
        }
    }))
    .await;
    tiles
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
        .collect()
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
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let tile = backend.meta.tile(&scope, dashboard_id, tile_id).await?;
    let TileContent::Insight(insight) = tile.content else {
        return Err(AppError::Refused(
            "A text tile has no result to compute.".into(),
        ));
    };
    let query = filters.apply_to(insight.query);
    Ok(backend.insight_outcome(&scope, &query, refresh).await?)
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
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let (meta, s, d) = (backend.meta, &scope, dashboard_id);
    match change {
        DashboardChange::Rename {
            name,
            description,
            tags,
        } => {
            let draft = domain::dashboard::DashboardDraft::parse(&name, &description, &tags)?;
            meta.update_dashboard(s, d, &draft).await?
        }
        DashboardChange::Layout(layout) => meta.save_layout(s, d, &layout).await?,
        DashboardChange::AddInsight { short_id } => {
            meta.add_insight_tile(s, d, &short_id).await?;
        }
        DashboardChange::AddText { text } => {
            meta.add_text_tile(s, d, &text).await?;
        }
        DashboardChange::RemoveTile { tile } => meta.remove_tile(s, d, tile).await?,
        DashboardChange::Restrict { restriction } => {
            meta.set_dashboard_restriction(s, d, restriction).await?
        }
        DashboardChange::AddCollaborator { user_id } => {
            meta.add_dashboard_collaborator(s, d, user_id).await?
        }
        DashboardChange::RemoveCollaborator { user_id } => {
            meta.remove_dashboard_collaborator(s, d, user_id).await?
        }
        DashboardChange::MakePrimary => meta.set_primary_dashboard(s, d).await?,
        DashboardChange::Pin { pinned } => meta.set_dashboard_pinned(s, d, pinned).await?,
        DashboardChange::Delete => meta.delete_dashboard(s, d).await?,
        DashboardChange::Restore => meta.restore_dashboard(s, d).await?,
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "duplicate_dashboard")]
pub async fn duplicate_dashboard(
    project_id: ProjectId,
    dashboard_id: DashboardId,
    copy_insights: bool,
) -> Result<DashboardId, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend
        .meta
        .duplicate_dashboard(&scope, dashboard_id, copy_insights)
        .await?)
}
