//! The server functions of sharing: the Share panel's (editors of the
//! insight or dashboard), the organization setting's (owners and admins), and
//! the shared pages' own, which anyone holding a link may call and which
//! answer only about that link's insight or dashboard.

use crate::dashboards::TileView;
use crate::error::AppError;
use domain::dashboard::DashboardFilters;
use domain::dashboard::TileId;
use domain::insight::{Insight, QueryOutcome};
use domain::sharing::{ShareTarget, Sharing, SharingOptions};
use domain::ProjectId;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The Share panel: the share and its addresses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareState {
    pub sharing: Sharing,
    /// The public page's absolute address.
    pub link: String,
    /// The embed's absolute address, for iframes.
    pub embed: String,
}

#[cfg(feature = "ssr")]
fn panel(sharing: Sharing) -> Result<ShareState, AppError> {
    use domain::paths;
    Ok(ShareState {
        link: crate::server::absolute_url(&paths::shared(&sharing.token))?,
        embed: crate::server::absolute_url(&paths::embedded(&sharing.token))?,
        sharing,
    })
}

#[server(prefix = "/api", endpoint = "sharing", input = Json)]
pub async fn load_sharing(
    project_id: ProjectId,
    target: ShareTarget,
) -> Result<ShareState, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    panel(backend.meta.sharing(&scope, target).await?)
}

#[server(prefix = "/api", endpoint = "set_sharing", input = Json)]
pub async fn set_sharing(
    project_id: ProjectId,
    target: ShareTarget,
    enabled: bool,
    options: SharingOptions,
) -> Result<ShareState, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    panel(
        backend
            .meta
            .set_sharing(&scope, target, enabled, options)
            .await?,
    )
}

/// A new link: the old one stops at once.
#[server(prefix = "/api", endpoint = "rotate_share", input = Json)]
pub async fn rotate_share(
    project_id: ProjectId,
    target: ShareTarget,
) -> Result<ShareState, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    panel(backend.meta.rotate_share(&scope, target).await?)
}

/// What a shared link shows: the saved configuration and its results,
/// nothing else of the project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedView {
    pub options: SharingOptions,
    pub content: SharedContent,
    pub preview: Preview,
    /// A signed embed's locked filters and dates, as the page names them.
    pub locked: Vec<String>,
}

/// What link previews (Slack, Teams, email clients) show of a shared page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub title: String,
    /// One line about the result: its latest value, a conversion.
    pub summary: String,
    /// The page's own absolute address.
    pub url: String,
    /// The chart's image, when there is one.
    pub image: Option<String>,
    /// Where oEmbed consumers ask about the page.
    pub oembed: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SharedContent {
    Insight {
        insight: Box<Insight>,
        outcome: Result<QueryOutcome, AppError>,
    },
    Dashboard {
        name: String,
        description: String,
        tiles: Vec<TileView>,
        filters: DashboardFilters,
    },
}

/// The viewer's date range, where the share lets them pick one.
#[cfg(feature = "ssr")]
fn viewer_filters(
    share: &backend::meta::OpenShare,
    date_from: Option<String>,
) -> Result<DashboardFilters, AppError> {
    let date_from = date_from.filter(|d| !d.is_empty());
    if date_from.is_some() && !share.options.viewers_change_dates {
        return Err(AppError::Forbidden(
            "This shared dashboard's dates are fixed.".into(),
        ));
    }
    Ok(DashboardFilters {
        date_from,
        property: None,
    })
}

#[server(prefix = "/api", endpoint = "shared")]
pub async fn load_shared(
    token: String,
    #[server(default)] date_from: Option<String>,
) -> Result<SharedView, AppError> {
    let backend = crate::server::backend()?;
    let share = backend.open_share(&token).await?;
    let filters = viewer_filters(&share, date_from)?;
    let overrides = |query| filters.apply_to(query);
    let content = shared_content(
        &backend,
        &share.scope,
        share.target,
        &overrides,
        filters.clone(),
    )
    .await?;
    let url = crate::server::absolute_url(&domain::paths::shared(&token))?;
    let image = has_chart(&content)
        .then(|| crate::server::absolute_url(&domain::paths::shared_image(&token)))
        .transpose()?;
    Ok(SharedView {
        preview: preview(&content, url, image)?,
        options: share.options,
        content,
        locked: Vec::new(),
    })
}

/// A signed embed (`/embedded/jwt/:token`): the token's insight or dashboard
/// with its locked filters and dates.
#[server(prefix = "/api", endpoint = "signed_embed")]
pub async fn load_signed_embed(token: String) -> Result<SharedView, AppError> {
    let backend = crate::server::backend()?;
    let embed = backend.open_signed_embed(&token).await?;
    let claims = &embed.claims;
    let overrides = |query| claims.apply_to(query);
    let content = shared_content(
        &backend,
        &embed.scope,
        embed.target,
        &overrides,
        DashboardFilters::default(),
    )
    .await?;
    let url = crate::server::absolute_url(&format!("/embedded/jwt/{token}"))?;
    Ok(SharedView {
        preview: preview(&content, url, None)?,
        options: SharingOptions::default(),
        content,
        locked: claims
            .filters
            .iter()
            .map(|f| format!("{} = {}", f.key, f.value))
            .chain(claims.date_from.iter().map(|d| format!("from {d}")))
            .collect(),
    })
}

/// The shared insight or dashboard with its results, `overrides` laid over
/// every query, people's names left out.
#[cfg(feature = "ssr")]
async fn shared_content(
    backend: &backend::Backend,
    scope: &backend::ProjectScope,
    target: ShareTarget,
    overrides: &(dyn Fn(domain::insight::InsightQuery) -> domain::insight::InsightQuery + Sync),
    filters: DashboardFilters,
) -> Result<SharedContent, AppError> {
    use domain::dashboard::TileContent;
    Ok(match target {
        ShareTarget::Insight(id) => {
            let insight = backend.meta.insight_with_id(scope, id).await?.for_public();
            let outcome = backend
                .insight_outcome(scope, &overrides(insight.query.clone()), false)
                .await
                .map_err(AppError::from);
            SharedContent::Insight {
                insight: Box::new(insight),
                outcome,
            }
        }
        ShareTarget::Dashboard(id) => {
            let (dashboard, _, mut tiles) = backend.meta.dashboard_with_tiles(scope, id).await?;
            for tile in &mut tiles {
                if let TileContent::Insight(insight) = &mut tile.content {
                    **insight = insight.as_ref().clone().for_public();
                }
            }
            SharedContent::Dashboard {
                name: dashboard.name,
                description: dashboard.description,
                tiles: crate::dashboards::tile_views(backend, scope, tiles, overrides).await,
                filters,
            }
        }
    })
}

/// Whether the preview image has a chart to show: the shared insight, or a
/// dashboard's first insight tile (as `Backend::shared_chart` picks it).
#[cfg(feature = "ssr")]
fn has_chart(content: &SharedContent) -> bool {
    match content {
        SharedContent::Insight { .. } => true,
        SharedContent::Dashboard { tiles, .. } => tiles
            .iter()
            .any(|t| matches!(t.tile.content, domain::dashboard::TileContent::Insight(_))),
    }
}

#[cfg(feature = "ssr")]
fn preview(
    content: &SharedContent,
    url: String,
    image: Option<String>,
) -> Result<Preview, AppError> {
    let (title, summary) = match content {
        SharedContent::Insight { insight, outcome } => (
            insight.display_name().to_owned(),
            outcome
                .as_ref()
                .map(|o| domain::insight::summary::one_line(&o.result))
                .unwrap_or_default(),
        ),
        SharedContent::Dashboard {
            name,
            description,
            tiles,
            ..
        } => (
            name.clone(),
            if description.is_empty() {
                format!("A dashboard of {} tiles", tiles.len())
            } else {
                description.clone()
            },
        ),
    };
    Ok(Preview {
        title,
        summary,
        image,
        oembed: crate::server::absolute_url(&domain::paths::oembed(&url))?,
        url,
    })
}

/// One tile of a signed embed's dashboard, with the token's locked filters.
#[server(prefix = "/api", endpoint = "signed_tile")]
pub async fn signed_tile_result(token: String, tile: TileId) -> Result<QueryOutcome, AppError> {
    use domain::dashboard::TileContent;
    let backend = crate::server::backend()?;
    let embed = backend.open_signed_embed(&token).await?;
    let ShareTarget::Dashboard(dashboard) = embed.target else {
        return Err(AppError::NotFound);
    };
    let tile = backend.meta.tile(&embed.scope, dashboard, tile).await?;
    let TileContent::Insight(insight) = tile.content else {
        return Err(AppError::NotFound);
    };
    let query = embed.claims.apply_to(insight.query);
    Ok(backend.insight_outcome(&embed.scope, &query, false).await?)
}

/// Whether the project has an embedding secret, for its admins.
#[server(prefix = "/api", endpoint = "embed_secret")]
pub async fn embed_secret_status(project_id: ProjectId) -> Result<bool, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend.meta.has_embed_secret(&scope).await?)
}

/// A new embedding secret, shown this once.
#[server(prefix = "/api", endpoint = "rotate_embed_secret")]
pub async fn rotate_embed_secret(project_id: ProjectId) -> Result<String, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend.meta.rotate_embed_secret(&scope).await?)
}

/// One tile of a shared dashboard, as "Refresh" asks for it: recomputed only
/// when new events arrived since its cached result (a stranger cannot make
/// the server compute the same answer again and again).
#[server(prefix = "/api", endpoint = "shared_tile")]
pub async fn shared_tile_result(
    token: String,
    tile: TileId,
    #[server(default)] date_from: Option<String>,
) -> Result<QueryOutcome, AppError> {
    use domain::dashboard::TileContent;
    let backend = crate::server::backend()?;
    let share = backend.open_share(&token).await?;
    let ShareTarget::Dashboard(dashboard) = share.target else {
        return Err(AppError::NotFound);
    };
    let filters = viewer_filters(&share, date_from)?;
    let tile = backend.meta.tile(&share.scope, dashboard, tile).await?;
    let TileContent::Insight(insight) = tile.content else {
        return Err(AppError::NotFound);
    };
    let query = filters.apply_to(insight.query);
    Ok(backend.insight_outcome(&share.scope, &query, false).await?)
}
