//! What a project's home shows a person: their recent insights, what
//! teammates look at this week, and what changed since their last visit.

use super::{now, MetaStore};
use crate::{ProjectScope, Result};
use chrono::{DateTime, Duration, Utc};
use domain::home::{HomeActivity, NewItem, Popular, Visits};
use domain::insight::{InsightListQuery, InsightTab};

/// How many entries each list shows.
const LIMIT: usize = 5;

impl MetaStore {
    /// The home's lists for `user`, and records this visit.
    pub async fn home_activity(&self, scope: &ProjectScope) -> Result<HomeActivity> {
        let recent = self
            .insights(
                scope,
                &InsightListQuery {
                    tab: InsightTab::RecentlyViewed,
                    ..Default::default()
                },
            )
            .await?
            .into_iter()
            .take(LIMIT)
            .collect();

        let week_ago = now() - Duration::days(7);
        let popular: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT i.short_id, COALESCE(i.name, i.derived_name), COUNT(*) AS viewers
             FROM insight_views v JOIN insights i ON i.id = v.insight_id
             WHERE i.project_id = $1 AND NOT i.deleted AND v.user_id <> $2 AND v.last_viewed_at >= $3
             GROUP BY i.id ORDER BY viewers DESC, MAX(v.last_viewed_at) DESC LIMIT $4",
        )
        .bind(scope.project_id())
        .bind(scope.user())
        .bind(week_ago)
        .bind(LIMIT as i64)
        .fetch_all(&self.pool)
        .await?;

        let since = self.record_visit(scope).await?;
        let rows: Vec<(String, String, String, Option<String>, DateTime<Utc>)> = sqlx::query_as(
            "SELECT 'insight', i.short_id, COALESCE(i.name, i.derived_name), u.name, i.last_modified_at
             FROM insights i LEFT JOIN users u ON u.id = i.last_modified_by
             WHERE i.project_id = $1 AND NOT i.deleted AND i.last_modified_at > $2 AND i.last_modified_by IS NOT $3
             UNION ALL
             SELECT 'dashboard', CAST(d.id AS TEXT), d.name, u.name, d.last_modified_at
             FROM dashboards d LEFT JOIN users u ON u.id = d.last_modified_by
             WHERE d.project_id = $1 AND d.deleted_at IS NULL AND d.last_modified_at > $2 AND d.last_modified_by IS NOT $3
             ORDER BY 5 DESC LIMIT $4",
        )
        .bind(scope.project_id())
        .bind(since)
        .bind(scope.user())
        .bind(LIMIT as i64)
        .fetch_all(&self.pool)
        .await?;
        let new_since = rows
            .into_iter()
            .map(|(kind, key, name, by, at)| NewItem {
                link: if kind == "insight" {
                    domain::paths::insight(scope.project_id(), &key)
                } else {
                    domain::paths::dashboard(scope.project_id(), key.parse().unwrap_or_default())
                },
                name,
                by,
                at,
            })
            .collect();
        Ok(HomeActivity {
            recent,
            popular: popular
                .into_iter()
                .map(|(short_id, name, viewers)| Popular {
                    link: domain::paths::insight(scope.project_id(), &short_id),
                    name,
                    viewers: viewers as u32,
                })
                .collect(),
            new_since,
            primary_dashboard: self.primary_dashboard(scope).await?,
        })
    }

    /// Records a load of the home and returns since when teammates' changes
    /// count as new (see `Visits::after_load`).
    async fn record_visit(&self, scope: &ProjectScope) -> Result<DateTime<Utc>> {
        let mut tx = self.write().await?;
        let stored: Option<(DateTime<Utc>, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT last_visit_at, new_since_at FROM project_visits WHERE user_id = $1 AND project_id = $2",
        )
        .bind(scope.user())
        .bind(scope.project_id())
        .fetch_optional(&mut *tx)
        .await?;
        let previous = stored.map(|(last_seen, new_since)| Visits {
            last_seen,
            new_since: new_since.unwrap_or(last_seen),
        });
        let visits = Visits::after_load(previous, now());
        sqlx::query(
            "INSERT INTO project_visits (user_id, project_id, last_visit_at, new_since_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, project_id) DO UPDATE
             SET last_visit_at = excluded.last_visit_at, new_since_at = excluded.new_since_at",
        )
        .bind(scope.user())
        .bind(scope.project_id())
        .bind(visits.last_seen)
        .bind(visits.new_since)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(visits.new_since)
    }
}
