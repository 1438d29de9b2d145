//! Saved insights: create, read, update with a conflict check, favorites,
//! views, and the definitions each one uses.

use super::{now, MetaStore};
use crate::tokens::short_id;
use crate::{Error, ProjectScope, Result};
use chrono::{DateTime, Utc};
use domain::dashboard::{DashboardId, TileId};
use domain::insight::{
    definition_kind, Insight, InsightDraft, InsightId, InsightListQuery, InsightQuery,
    PropertyScope,
};
use domain::{ProjectId, UserId};
use sqlx::{Sqlite, Transaction};

#[derive(sqlx::FromRow)]
struct Row {
    id: InsightId,
    project_id: ProjectId,
    short_id: String,
    name: Option<String>,
    derived_name: String,
    description: String,
    tags: String,
    query: String,
    created_by: Option<String>,
    created_by_id: Option<UserId>,
    created_at: DateTime<Utc>,
    last_modified_by: Option<String>,
    last_modified_at: DateTime<Utc>,
    favorited: bool,
    last_viewed_at: Option<DateTime<Utc>>,
}

impl TryFrom<Row> for Insight {
    type Error = Error;

    fn try_from(row: Row) -> Result<Self> {
        let query = InsightQuery::from_json(&row.query).map_err(|invalid| Error::Corrupt {
            what: format!("insight {}'s query", row.id),
            cause: Some(invalid),
        })?;
        Ok(Insight {
            id: row.id,
            project_id: row.project_id,
            short_id: row.short_id,
            name: row.name,
            derived_name: row.derived_name,
            description: row.description,
            tags: serde_json::from_str(&row.tags).unwrap_or_default(),
            query,
            created_by: row.created_by,
            created_by_id: row.created_by_id,
            created_at: row.created_at,
            last_modified_by: row.last_modified_by,
            last_modified_at: row.last_modified_at,
            favorited: row.favorited,
            last_viewed_at: row.last_viewed_at,
        })
    }
}

/// Insights as one viewer ($1) sees them: their star and last view.
const SELECT: &str = "SELECT i.id, i.project_id, i.short_id, i.name, i.derived_name, i.description,
        i.tags, i.query, c.name AS created_by, i.created_by AS created_by_id, i.created_at,
        m.name AS last_modified_by, i.last_modified_at,
        EXISTS (SELECT 1 FROM insight_favorites f WHERE f.insight_id = i.id AND f.user_id = $1) AS favorited,
        (SELECT v.last_viewed_at FROM insight_views v WHERE v.insight_id = i.id AND v.user_id = $1) AS last_viewed_at
    FROM insights i
    LEFT JOIN users c ON c.id = i.created_by
    LEFT JOIN users m ON m.id = i.last_modified_by";

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value)?)
}

impl MetaStore {
    /// Saves a new insight in `project` and returns it.
    pub async fn create_insight(
        &self,
        scope: &ProjectScope,
        draft: &InsightDraft,
    ) -> Result<Insight> {
        let mut tx = self.write().await?;
        let id = insert_insight(&mut tx, scope, draft).await?;
        tx.commit().await?;
        self.insight_by_id(scope.user(), id).await
    }

    /// One insight of `project` by its short id.
    pub async fn insight(&self, scope: &ProjectScope, short_id: &str) -> Result<Insight> {
        let row: Row = sqlx::query_as(&format!(
            "{SELECT} WHERE i.project_id = $2 AND i.short_id = $3 AND NOT i.deleted"
        ))
        .bind(scope.user())
        .bind(scope.project_id())
        .bind(short_id)
        .fetch_one(&self.pool)
        .await
        .map_err(Error::from_lookup)?;
        row.try_into()
    }

    /// A live insight of the scope's project by its id.
    pub async fn insight_with_id(&self, scope: &ProjectScope, id: InsightId) -> Result<Insight> {
        let row: Row = sqlx::query_as(&format!(
            "{SELECT} WHERE i.id = $2 AND i.project_id = $3 AND NOT i.deleted"
        ))
        .bind(scope.user())
        .bind(id)
        .bind(scope.project_id())
        .fetch_one(&self.pool)
        .await
        .map_err(Error::from_lookup)?;
        row.try_into()
    }

    async fn insight_by_id(&self, actor: UserId, id: InsightId) -> Result<Insight> {
        let row: Row = sqlx::query_as(&format!("{SELECT} WHERE i.id = $2"))
            .bind(actor)
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(Error::from_lookup)?;
        row.try_into()
    }

    /// The live insights on a dashboard's tiles (or on one tile), by id, as
    /// `actor` sees them; the caller has checked that they may see the
    /// dashboard.
    pub(super) async fn dashboard_insights(
        &self,
        actor: UserId,
        dashboard: DashboardId,
        only: Option<TileId>,
    ) -> Result<std::collections::HashMap<InsightId, Insight>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} WHERE NOT i.deleted
             AND i.id IN (SELECT insight_id FROM dashboard_tiles
                          WHERE dashboard_id = $2 AND ($3 IS NULL OR id = $3))"
        ))
        .bind(actor)
        .bind(dashboard)
        .bind(only)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| Ok((row.id, Insight::try_from(row)?)))
            .collect()
    }

    /// Saves `draft` over an insight, unless someone else saved it after
    /// `seen_modified_at` (the version the actor edited): then nothing is
    /// written and the conflict names who changed it.
    pub async fn update_insight(
        &self,
        scope: &ProjectScope,
        short_id: &str,
        draft: &InsightDraft,
        seen_modified_at: DateTime<Utc>,
    ) -> Result<Insight> {
        let current = self.insight(scope, short_id).await?;
        self.check_insight_editable(scope, &current).await?;
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE insights SET name = $1, derived_name = $2, description = $3, tags = $4, query = $5,
                 last_modified_by = $6, last_modified_at = $7
             WHERE id = $8 AND last_modified_at = $9 AND NOT deleted",
        )
        .bind(&draft.name)
        .bind(draft.derived_name())
        .bind(&draft.description)
        .bind(json(&draft.tags)?)
        .bind(draft.query.to_json())
        .bind(scope.user())
        .bind(now())
        .bind(current.id)
        .bind(seen_modified_at)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::Conflict(format!(
                "{} changed this insight after you opened it. Reload to see their version; your changes are still in this page's link.",
                current.last_modified_by.as_deref().unwrap_or("Someone")
            )));
        }
        sqlx::query("DELETE FROM insight_definitions WHERE insight_id = $1")
            .bind(current.id)
            .execute(&mut *tx)
            .await?;
        record_definitions(&mut tx, current.id, &draft.query).await?;
        tx.commit().await?;
        self.insight_by_id(scope.user(), current.id).await
    }

    /// The first of the user's projects holding an insight with this short
    /// id (short ids are unique per project), for links without a project.
    pub async fn find_insight_project(
        &self,
        actor: UserId,
        short_id: &str,
    ) -> Result<Option<ProjectId>> {
        let projects: Vec<ProjectId> =
            sqlx::query_scalar("SELECT project_id FROM insights WHERE short_id = $1 AND NOT deleted ORDER BY project_id")
                .bind(short_id)
                .fetch_all(&self.pool)
                .await?;
        for project in projects {
            if self.scope(actor, project).await.is_ok() {
                return Ok(Some(project));
            }
        }
        Ok(None)
    }

    /// Stars or unstars an insight for the actor.
    pub async fn set_insight_favorite(
        &self,
        scope: &ProjectScope,
        short_id: &str,
        favorite: bool,
    ) -> Result<()> {
        let insight = self.insight(scope, short_id).await?;
        let statement = if favorite {
            "INSERT INTO insight_favorites (insight_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM insight_favorites WHERE insight_id = $1 AND user_id = $2"
        };
        sqlx::query(statement)
            .bind(insight.id)
            .bind(scope.user())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Notes that the actor opened an insight.
    pub async fn record_insight_view(
        &self,
        scope: &ProjectScope,
        insight: InsightId,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO insight_views (insight_id, user_id, last_viewed_at)
             SELECT id, $2, $3 FROM insights WHERE id = $1 AND project_id = $4
             ON CONFLICT (insight_id, user_id) DO UPDATE SET last_viewed_at = excluded.last_viewed_at, views = views + 1",
        )
        .bind(insight)
        .bind(scope.user())
        .bind(now())
        .bind(scope.project_id())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes an insight from every list (kept for its activity history).
    pub async fn delete_insight(&self, scope: &ProjectScope, short_id: &str) -> Result<()> {
        let insight = self.insight(scope, short_id).await?;
        self.check_insight_editable(scope, &insight).await?;
        sqlx::query("UPDATE insights SET deleted = 1, last_modified_by = $1, last_modified_at = $2 WHERE id = $3")
            .bind(scope.user())
            .bind(now())
            .bind(insight.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The project's saved insights that `list` admits, in its order.
    pub async fn insights(
        &self,
        scope: &ProjectScope,
        list: &InsightListQuery,
    ) -> Result<Vec<Insight>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} WHERE i.project_id = $2 AND NOT i.deleted"
        ))
        .bind(scope.user())
        .bind(scope.project_id())
        .fetch_all(&self.pool)
        .await?;
        let mut insights = rows
            .into_iter()
            .map(Insight::try_from)
            .collect::<Result<Vec<_>>>()?;
        insights.retain(|i| list.admits(i, scope.user()));
        list.sort(&mut insights);
        Ok(insights)
    }

    /// The project's insights that read an event (`property` None) or a
    /// property of that scope.
    pub async fn insights_using(
        &self,
        scope: &ProjectScope,
        property: Option<PropertyScope>,
        name: &str,
    ) -> Result<Vec<Insight>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} JOIN insight_definitions d ON d.insight_id = i.id
             WHERE i.project_id = $2 AND NOT i.deleted AND d.kind = $3 AND d.name = $4
             ORDER BY i.last_modified_at DESC"
        ))
        .bind(scope.user())
        .bind(scope.project_id())
        .bind(definition_kind(property))
        .bind(name)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Insight::try_from).collect()
    }
}

/// An insight that reads a definition, for data management's "used in".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionUse {
    /// `event`, `event_property` or `person_property`.
    pub kind: String,
    pub name: String,
    pub short_id: String,
    pub insight_name: String,
}

impl MetaStore {
    /// Every (definition, insight) pair of the project, newest insight first.
    pub async fn definition_usage(&self, scope: &ProjectScope) -> Result<Vec<DefinitionUse>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT d.kind, d.name, i.short_id, COALESCE(i.name, i.derived_name)
             FROM insight_definitions d JOIN insights i ON i.id = d.insight_id
             WHERE i.project_id = $1 AND NOT i.deleted
             ORDER BY i.last_modified_at DESC",
        )
        .bind(scope.project_id())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, name, short_id, insight_name)| DefinitionUse {
                kind,
                name,
                short_id,
                insight_name,
            })
            .collect())
    }
}

async fn record_definitions(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    insight: InsightId,
    query: &InsightQuery,
) -> Result<()> {
    let events = query.events_used().into_iter().map(|e| (None, e));
    let properties = query
        .properties_used()
        .into_iter()
        .map(|(s, k)| (Some(s), k));
    for (scope, name) in events.chain(properties) {
        sqlx::query("INSERT OR IGNORE INTO insight_definitions (insight_id, kind, name) VALUES ($1, $2, $3)")
            .bind(insight)
            .bind(definition_kind(scope))
            .bind(name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Inserts a new insight in the scope's project, inside `tx`.
pub(super) async fn insert_insight(
    tx: &mut Transaction<'static, Sqlite>,
    scope: &ProjectScope,
    draft: &InsightDraft,
) -> Result<InsightId> {
    let at = now();
    // Eight random characters rarely collide; a collision just draws again.
    let id = loop {
        let inserted: Option<InsightId> = sqlx::query_scalar(
            "INSERT INTO insights (project_id, short_id, name, derived_name, description, tags, query,
                 created_by, created_at, last_modified_by, last_modified_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9)
             ON CONFLICT (project_id, short_id) DO NOTHING RETURNING id",
        )
        .bind(scope.project_id())
        .bind(short_id())
        .bind(&draft.name)
        .bind(draft.derived_name())
        .bind(&draft.description)
        .bind(json(&draft.tags)?)
        .bind(draft.query.to_json())
        .bind(scope.user())
        .bind(at)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(id) = inserted {
            break id;
        }
    };
    record_definitions(tx, id, &draft.query).await?;
    Ok(id)
}
