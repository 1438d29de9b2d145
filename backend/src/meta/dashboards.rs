//! Dashboards, tiles, collaborators and primary dashboards. Every change
//! asks `domain::permissions` first, about the dashboard as read just before
//! (on the pool, never inside a write transaction, which waits on nothing
//! but its own statements); the caller's [`ProjectScope`] already proved
//! they may use the project.

use super::insights::insert_insight;
use super::{now, MetaStore};
use crate::{Error, ProjectScope, Result};
use chrono::{DateTime, Utc};
use domain::dashboard::{
    compact, first_free_spot, Dashboard, DashboardDraft, DashboardId, DashboardRights, Tile,
    TileContent, TileId, TileLayout,
};
use domain::insight::{Insight, InsightId};
use domain::permissions::{
    can_edit_dashboard, can_edit_insight, can_manage_dashboard, DashboardAccess, Denied,
    Restriction,
};
use domain::{ProjectId, UserId};
use sqlx::{Sqlite, Transaction};
use std::collections::HashMap;

impl From<Denied> for Error {
    fn from(denied: Denied) -> Self {
        Error::Forbidden(denied.0)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: DashboardId,
    project_id: ProjectId,
    name: String,
    description: String,
    tags: String,
    pinned: bool,
    restriction: String,
    created_by_id: Option<UserId>,
    created_by: Option<String>,
    created_at: DateTime<Utc>,
    last_modified_at: DateTime<Utc>,
    is_primary: bool,
}

const SELECT: &str =
    "SELECT d.id, d.project_id, d.name, d.description, d.tags, d.pinned, d.restriction,
        d.created_by AS created_by_id, u.name AS created_by, d.created_at, d.last_modified_at,
        (p.primary_dashboard_id IS d.id) AS is_primary
    FROM dashboards d
    JOIN projects p ON p.id = d.project_id
    LEFT JOIN users u ON u.id = d.created_by";

/// New dashboards' tiles: half the grid wide, five rows high.
const NEW_TILE: (u32, u32) = (6, 5);

impl MetaStore {
    async fn dashboard_row(&self, project: ProjectId, id: DashboardId) -> Result<Row> {
        sqlx::query_as(&format!(
            "{SELECT} WHERE d.id = $1 AND d.project_id = $2 AND d.deleted_at IS NULL"
        ))
        .bind(id)
        .bind(project)
        .fetch_one(&self.pool)
        .await
        .map_err(Error::from_lookup)
    }

    async fn collaborators(&self, dashboard: DashboardId) -> Result<Vec<UserId>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM dashboard_collaborators WHERE dashboard_id = $1 ORDER BY user_id",
        )
        .bind(dashboard)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The collaborators of every dashboard of a project, in one query.
    async fn project_collaborators(
        &self,
        project: ProjectId,
    ) -> Result<HashMap<DashboardId, Vec<UserId>>> {
        let pairs: Vec<(DashboardId, UserId)> = sqlx::query_as(
            "SELECT c.dashboard_id, c.user_id FROM dashboard_collaborators c
             JOIN dashboards d ON d.id = c.dashboard_id
             WHERE d.project_id = $1 ORDER BY c.dashboard_id, c.user_id",
        )
        .bind(project)
        .fetch_all(&self.pool)
        .await?;
        let mut by_dashboard: HashMap<DashboardId, Vec<UserId>> = HashMap::new();
        for (dashboard, user) in pairs {
            by_dashboard.entry(dashboard).or_default().push(user);
        }
        Ok(by_dashboard)
    }

    /// What the permission rules need to know about a stored dashboard. An
    /// unknown restriction is an error, never read as "everyone can edit".
    async fn access_of(
        &self,
        id: DashboardId,
        created_by: Option<UserId>,
        restriction: &str,
    ) -> Result<DashboardAccess> {
        let collaborators = self.collaborators(id).await?;
        access_with(id, created_by, restriction, collaborators)
    }

    async fn to_dashboard(&self, row: Row) -> Result<Dashboard> {
        let collaborators = self.collaborators(row.id).await?;
        to_dashboard(row, collaborators)
    }

    /// A dashboard of the project the actor can use, with what they may do.
    pub async fn dashboard(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
    ) -> Result<(Dashboard, DashboardRights)> {
        let actor = scope.actor();
        let dashboard = self
            .to_dashboard(self.dashboard_row(scope.project_id(), id).await?)
            .await?;
        let rights = DashboardRights {
            edit_denied: can_edit_dashboard(actor, &dashboard.access)
                .err()
                .map(|d| d.0),
            can_manage: can_manage_dashboard(actor, &dashboard.access).is_ok(),
        };
        Ok((dashboard, rights))
    }

    /// The dashboard if the actor may edit it; else why not.
    pub(super) async fn editable(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
    ) -> Result<Dashboard> {
        let (dashboard, rights) = self.dashboard(scope, id).await?;
        match rights.edit_denied {
            None => Ok(dashboard),
            Some(reason) => Err(Error::Forbidden(reason)),
        }
    }

    async fn manageable(&self, scope: &ProjectScope, id: DashboardId) -> Result<Dashboard> {
        let actor = scope.actor();
        let dashboard = self
            .to_dashboard(self.dashboard_row(scope.project_id(), id).await?)
            .await?;
        can_manage_dashboard(actor, &dashboard.access)?;
        Ok(dashboard)
    }

    pub async fn dashboards(&self, scope: &ProjectScope) -> Result<Vec<Dashboard>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} WHERE d.project_id = $1 AND d.deleted_at IS NULL ORDER BY d.pinned DESC, d.name COLLATE NOCASE"
        ))
        .bind(scope.project_id())
        .fetch_all(&self.pool)
        .await?;
        let mut collaborators = self.project_collaborators(scope.project_id()).await?;
        rows.into_iter()
            .map(|row| {
                let of_row = collaborators.remove(&row.id).unwrap_or_default();
                to_dashboard(row, of_row)
            })
            .collect()
    }

    pub async fn create_dashboard(
        &self,
        scope: &ProjectScope,
        draft: &DashboardDraft,
    ) -> Result<DashboardId> {
        let mut tx = self.write().await?;
        let id = insert_dashboard(&mut tx, scope, draft).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_dashboard(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        draft: &DashboardDraft,
    ) -> Result<()> {
        self.editable(scope, id).await?;
        sqlx::query("UPDATE dashboards SET name = $1, description = $2, tags = $3, last_modified_by = $4, last_modified_at = $5 WHERE id = $6")
            .bind(&draft.name)
            .bind(&draft.description)
            .bind(serde_json::to_string(&draft.tags)?)
            .bind(scope.user())
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Pins a dashboard to the top of the project's list (or unpins it), for
    /// everyone in the project; those who may edit it decide.
    pub async fn set_dashboard_pinned(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        pinned: bool,
    ) -> Result<()> {
        self.editable(scope, id).await?;
        sqlx::query("UPDATE dashboards SET pinned = $1 WHERE id = $2")
            .bind(pinned)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes a dashboard; [`MetaStore::restore_dashboard`] undoes it.
    pub async fn delete_dashboard(&self, scope: &ProjectScope, id: DashboardId) -> Result<()> {
        self.editable(scope, id).await?;
        sqlx::query("UPDATE dashboards SET deleted_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn restore_dashboard(&self, scope: &ProjectScope, id: DashboardId) -> Result<()> {
        let actor = scope.actor();
        let deleted: (Option<UserId>, String) = sqlx::query_as(
            "SELECT created_by, restriction FROM dashboards WHERE id = $1 AND project_id = $2 AND deleted_at IS NOT NULL",
        )
        .bind(id)
        .bind(scope.project_id())
        .fetch_one(&self.pool)
        .await
        .map_err(Error::from_lookup)?;
        // Only someone who could have deleted it may bring it back.
        let access = self.access_of(id, deleted.0, &deleted.1).await?;
        can_edit_dashboard(actor, &access)?;
        sqlx::query("UPDATE dashboards SET deleted_at = NULL WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_dashboard_restriction(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        restriction: Restriction,
    ) -> Result<()> {
        self.manageable(scope, id).await?;
        sqlx::query("UPDATE dashboards SET restriction = $1 WHERE id = $2")
            .bind(restriction.as_str())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Lets `collaborator` (who must be able to use the project) edit a
    /// restricted dashboard.
    pub async fn add_dashboard_collaborator(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        collaborator: UserId,
    ) -> Result<()> {
        self.manageable(scope, id).await?;
        self.scope(collaborator, scope.project_id())
            .await
            .map_err(|_| {
                Error::Invalid(domain::Invalid::new(
                    "collaborator",
                    "Only people who can use this scope.project_id() can be collaborators.",
                ))
            })?;
        sqlx::query(
            "INSERT OR IGNORE INTO dashboard_collaborators (dashboard_id, user_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(collaborator)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn remove_dashboard_collaborator(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        collaborator: UserId,
    ) -> Result<()> {
        self.manageable(scope, id).await?;
        sqlx::query("DELETE FROM dashboard_collaborators WHERE dashboard_id = $1 AND user_id = $2")
            .bind(id)
            .bind(collaborator)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Makes a dashboard the project's home; anyone who may edit it may.
    pub async fn set_primary_dashboard(&self, scope: &ProjectScope, id: DashboardId) -> Result<()> {
        self.editable(scope, id).await?;
        sqlx::query("UPDATE projects SET primary_dashboard_id = $1 WHERE id = $2")
            .bind(id)
            .bind(scope.project_id())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The project's primary dashboard, if it has one.
    pub async fn primary_dashboard(&self, scope: &ProjectScope) -> Result<Option<DashboardId>> {
        Ok(sqlx::query_scalar(
            "SELECT p.primary_dashboard_id FROM projects p JOIN dashboards d ON d.id = p.primary_dashboard_id
             WHERE p.id = $1 AND d.deleted_at IS NULL",
        )
        .bind(scope.project_id())
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }

    pub async fn tiles(&self, scope: &ProjectScope, id: DashboardId) -> Result<Vec<Tile>> {
        self.dashboard_row(scope.project_id(), id).await?;
        self.tiles_of(scope, id, None).await
    }

    /// A dashboard with what the actor may do and its tiles: what a
    /// dashboard page shows, read once.
    pub async fn dashboard_with_tiles(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
    ) -> Result<(Dashboard, DashboardRights, Vec<Tile>)> {
        let (dashboard, rights) = self.dashboard(scope, id).await?;
        let tiles = self.tiles_of(scope, id, None).await?;
        Ok((dashboard, rights, tiles))
    }

    /// One tile of a dashboard the actor can see.
    pub async fn tile(
        &self,
        scope: &ProjectScope,
        dashboard: DashboardId,
        tile: TileId,
    ) -> Result<Tile> {
        self.dashboard_row(scope.project_id(), dashboard).await?;
        self.tiles_of(scope, dashboard, Some(tile))
            .await?
            .pop()
            .ok_or(Error::NotFound)
    }

    /// A dashboard's tiles, or only the tile `only`, reading just those rows;
    /// the caller has checked the dashboard is the project's.
    async fn tiles_of(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        only: Option<TileId>,
    ) -> Result<Vec<Tile>> {
        #[derive(sqlx::FromRow)]
        struct TileRow {
            id: TileId,
            insight_id: Option<InsightId>,
            text: Option<String>,
            x: i64,
            y: i64,
            w: i64,
            h: i64,
        }
        let rows: Vec<TileRow> = sqlx::query_as(
            "SELECT id, insight_id, text, x, y, w, h FROM dashboard_tiles
             WHERE dashboard_id = $1 AND ($2 IS NULL OR id = $2) ORDER BY y, x",
        )
        .bind(id)
        .bind(only)
        .fetch_all(&self.pool)
        .await?;
        let insights = self.dashboard_insights(scope.user(), id, only).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                // Tiles of deleted insights stay stored (undo) but are not shown.
                let content = match (row.insight_id, row.text) {
                    (Some(insight), _) => {
                        TileContent::Insight(Box::new(insights.get(&insight)?.clone()))
                    }
                    (None, Some(text)) => TileContent::Text(text),
                    (None, None) => return None,
                };
                Some(Tile {
                    id: row.id,
                    layout: TileLayout {
                        x: cell(row.x),
                        y: cell(row.y),
                        w: cell(row.w),
                        h: cell(row.h),
                    },
                    content,
                })
            })
            .collect())
    }

    async fn add_tile(
        &self,
        dashboard: DashboardId,
        insight: Option<InsightId>,
        text: Option<&str>,
    ) -> Result<TileId> {
        let mut tx = self.write().await?;
        let existing: Vec<(i64, i64, i64, i64)> =
            sqlx::query_as("SELECT x, y, w, h FROM dashboard_tiles WHERE dashboard_id = $1")
                .bind(dashboard)
                .fetch_all(&mut *tx)
                .await?;
        domain::dashboard::check_room_for_tile(existing.len())?;
        let layouts: Vec<TileLayout> = existing
            .into_iter()
            .map(|(x, y, w, h)| TileLayout {
                x: cell(x),
                y: cell(y),
                w: cell(w),
                h: cell(h),
            })
            .collect();
        // The first free place from the top: beside a lone half-width tile.
        let at = first_free_spot(&layouts, NEW_TILE.0, NEW_TILE.1);
        let id = sqlx::query_scalar(
            "INSERT INTO dashboard_tiles (dashboard_id, insight_id, text, x, y, w, h) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(dashboard)
        .bind(insight)
        .bind(text)
        .bind(at.x)
        .bind(at.y)
        .bind(at.w)
        .bind(at.h)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Puts a saved insight of the project on a dashboard the actor may edit.
    pub async fn add_insight_tile(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        short_id: &str,
    ) -> Result<TileId> {
        self.editable(scope, id).await?;
        let insight = self.insight(scope, short_id).await?;
        self.add_tile(id, Some(insight.id), None).await
    }

    pub async fn add_text_tile(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        text: &str,
    ) -> Result<TileId> {
        self.editable(scope, id).await?;
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 4_000 {
            return Err(Error::Invalid(domain::Invalid::new(
                "text",
                "Write between 1 and 4000 characters.",
            )));
        }
        self.add_tile(id, None, Some(text)).await
    }

    pub async fn remove_tile(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        tile: TileId,
    ) -> Result<()> {
        self.editable(scope, id).await?;
        sqlx::query("DELETE FROM dashboard_tiles WHERE id = $1 AND dashboard_id = $2")
            .bind(tile)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Saves where each tile is, compacted (see `domain::dashboard::compact`)
    /// so that no two of them overlap; tiles of other dashboards and
    /// repeats are ignored.
    pub async fn save_layout(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        layout: &[(TileId, TileLayout)],
    ) -> Result<()> {
        self.editable(scope, id).await?;
        let mut tx = self.write().await?;
        let ours: Vec<TileId> =
            sqlx::query_scalar("SELECT id FROM dashboard_tiles WHERE dashboard_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        let mut places: Vec<(TileId, TileLayout)> = Vec::with_capacity(layout.len());
        for &(tile, place) in layout {
            if ours.contains(&tile) && !places.iter().any(|(seen, _)| *seen == tile) {
                places.push((tile, place));
            }
        }
        compact(&mut places);
        for (tile, place) in places {
            sqlx::query("UPDATE dashboard_tiles SET x = $1, y = $2, w = $3, h = $4 WHERE id = $5 AND dashboard_id = $6")
                .bind(place.x)
                .bind(place.y)
                .bind(place.w)
                .bind(place.h)
                .bind(tile)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Copies a dashboard the actor can see; with `copy_insights` its
    /// insights are duplicated too, otherwise the copy shows the same ones.
    pub async fn duplicate_dashboard(
        &self,
        scope: &ProjectScope,
        id: DashboardId,
        copy_insights: bool,
    ) -> Result<DashboardId> {
        let (original, _, tiles) = self.dashboard_with_tiles(scope, id).await?;
        let draft = DashboardDraft {
            name: format!("{} (copy)", original.name),
            description: original.description.clone(),
            tags: original.tags.clone(),
        };
        // All or nothing: a half-copied dashboard would be a new mess to clean up.
        let mut tx = self.write().await?;
        let copy = insert_dashboard(&mut tx, scope, &draft).await?;
        for tile in tiles {
            let (insight, text) = match tile.content {
                TileContent::Text(text) => (None, Some(text)),
                TileContent::Insight(insight) if copy_insights => {
                    let draft = domain::insight::InsightDraft {
                        name: Some(format!("{} (copy)", insight.display_name())),
                        description: insight.description.clone(),
                        tags: insight.tags.clone(),
                        query: insight.query.clone(),
                    };
                    (Some(insert_insight(&mut tx, scope, &draft).await?), None)
                }
                TileContent::Insight(insight) => (Some(insight.id), None),
            };
            sqlx::query("INSERT INTO dashboard_tiles (dashboard_id, insight_id, text, x, y, w, h) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(copy)
                .bind(insight)
                .bind(text)
                .bind(tile.layout.x)
                .bind(tile.layout.y)
                .bind(tile.layout.w)
                .bind(tile.layout.h)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(copy)
    }

    /// The project of a dashboard the user may see, for links without one.
    pub async fn find_dashboard_project(
        &self,
        user: UserId,
        id: DashboardId,
    ) -> Result<Option<ProjectId>> {
        let project: Option<ProjectId> = sqlx::query_scalar(
            "SELECT project_id FROM dashboards WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        match project {
            Some(project) if self.scope(user, project).await.is_ok() => Ok(Some(project)),
            _ => Ok(None),
        }
    }

    /// The dashboards (not deleted) an insight is on, for the insight rule.
    async fn dashboards_of_insight(&self, insight: InsightId) -> Result<Vec<DashboardAccess>> {
        let rows: Vec<(DashboardId, Option<UserId>, String)> = sqlx::query_as(
            "SELECT DISTINCT d.id, d.created_by, d.restriction FROM dashboard_tiles t JOIN dashboards d ON d.id = t.dashboard_id
             WHERE t.insight_id = $1 AND d.deleted_at IS NULL",
        )
        .bind(insight)
        .fetch_all(&self.pool)
        .await?;
        let mut access = Vec::with_capacity(rows.len());
        for (id, created_by, restriction) in rows {
            access.push(self.access_of(id, created_by, &restriction).await?);
        }
        Ok(access)
    }

    /// Why the actor may not change an insight, or `None` when they may.
    pub async fn insight_edit_denied(
        &self,
        scope: &ProjectScope,
        insight: &Insight,
    ) -> Result<Option<String>> {
        if insight.project_id != scope.project_id() {
            return Err(Error::NotFound);
        }
        let dashboards = self.dashboards_of_insight(insight.id).await?;
        Ok(
            can_edit_insight(scope.actor(), insight.created_by_id, &dashboards)
                .err()
                .map(|d| d.0),
        )
    }

    /// Fails with the reason when the actor may not change the insight.
    pub(crate) async fn check_insight_editable(
        &self,
        scope: &ProjectScope,
        insight: &Insight,
    ) -> Result<()> {
        match self.insight_edit_denied(scope, insight).await? {
            None => Ok(()),
            Some(reason) => Err(Error::Forbidden(reason)),
        }
    }
}

/// A stored grid coordinate; never negative once saved.
fn cell(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// What the permission rules need to know about a stored dashboard.
fn access_with(
    id: DashboardId,
    created_by: Option<UserId>,
    restriction: &str,
    collaborators: Vec<UserId>,
) -> Result<DashboardAccess> {
    Ok(DashboardAccess {
        created_by,
        restriction: Restriction::parse(restriction)
            .ok_or_else(|| Error::corrupt(format!("dashboard {id}'s restriction")))?,
        collaborators,
    })
}

fn to_dashboard(row: Row, collaborators: Vec<UserId>) -> Result<Dashboard> {
    let access = access_with(row.id, row.created_by_id, &row.restriction, collaborators)?;
    Ok(Dashboard {
        id: row.id,
        project_id: row.project_id,
        name: row.name,
        description: row.description,
        tags: serde_json::from_str(&row.tags).unwrap_or_default(),
        pinned: row.pinned,
        access,
        created_by: row.created_by,
        created_at: row.created_at,
        last_modified_at: row.last_modified_at,
        is_primary: row.is_primary,
    })
}

async fn insert_dashboard(
    tx: &mut Transaction<'static, Sqlite>,
    scope: &ProjectScope,
    draft: &DashboardDraft,
) -> Result<DashboardId> {
    Ok(sqlx::query_scalar(
        "INSERT INTO dashboards (project_id, name, description, tags, created_by, created_at, last_modified_by, last_modified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $5, $6) RETURNING id",
    )
    .bind(scope.project_id())
    .bind(&draft.name)
    .bind(&draft.description)
    .bind(serde_json::to_string(&draft.tags)?)
    .bind(scope.user())
    .bind(now())
    .fetch_one(&mut **tx)
    .await?)
}
