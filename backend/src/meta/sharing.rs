//! Public links to insights and dashboards.
//!
//! A share's token is never stored: it is derived from a random seed kept in
//! the row and the server's secret key ([`crate::tokens::share_token`]), and
//! the row keeps the token's SHA-256 to find the share by its link. So a copy
//! of the database publishes nothing, yet editors can open the Share panel
//! and copy the link again. Rotating draws a new seed: the old link stops at
//! once.

use super::{now, MetaStore};
use crate::tokens::{digest, secret_token, share_token};
use crate::{Error, ProjectScope, Result};
use chrono::{DateTime, Utc};
use domain::dashboard::DashboardId;
use domain::insight::InsightId;
use domain::sharing::{ShareRefusal, ShareTarget, Sharing, SharingOptions};

/// A share opened by its token: what it shows and how, and a scope in its
/// project for reading that (and only that) on the viewer's behalf.
#[derive(Debug, Clone)]
pub struct OpenShare {
    pub id: i64,
    pub target: ShareTarget,
    pub options: SharingOptions,
    pub scope: ProjectScope,
}

#[derive(sqlx::FromRow)]
struct ShareRow {
    id: i64,
    enabled: bool,
    token_seed: String,
    token_hash: String,
    options: String,
    enabled_by: Option<String>,
    enabled_at: Option<DateTime<Utc>>,
    public_sharing: bool,
}

const SELECT_SHARE: &str = "SELECT s.id, s.enabled, s.token_seed, s.token_hash, s.options,
        u.name AS enabled_by, s.enabled_at, o.public_sharing
    FROM shares s
    JOIN projects p ON p.id = s.project_id
    JOIN organizations o ON o.id = p.organization_id
    LEFT JOIN users u ON u.id = s.enabled_by";

pub(super) fn target_column(target: ShareTarget) -> (&'static str, i64) {
    match target {
        ShareTarget::Insight(id) => ("insight_id", id.get()),
        ShareTarget::Dashboard(id) => ("dashboard_id", id.get()),
    }
}

fn options_of(stored: &str) -> Result<SharingOptions> {
    serde_json::from_str(stored).map_err(|_| Error::corrupt("a share's options"))
}

impl MetaStore {
    /// The Share panel of an insight or dashboard, for those who may edit it.
    /// The first look creates the (disabled) share, so it has a link to show.
    pub async fn sharing(&self, scope: &ProjectScope, target: ShareTarget) -> Result<Sharing> {
        self.check_target_editable(scope, target).await?;
        if let Some(sharing) = self.stored_sharing(scope, target).await? {
            return Ok(sharing);
        }
        let seed = secret_token();
        let token = share_token(&self.secret_key, &seed);
        let (column, id) = target_column(target);
        sqlx::query(&format!(
            "INSERT INTO shares (project_id, {column}, token_seed, token_hash) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING"
        ))
        .bind(scope.project_id())
        .bind(id)
        .bind(&seed)
        .bind(digest(&token))
        .execute(&self.pool)
        .await?;
        self.stored_sharing(scope, target)
            .await?
            .ok_or(Error::NotFound)
    }

    /// Turns the link on or off and sets its options.
    pub async fn set_sharing(
        &self,
        scope: &ProjectScope,
        target: ShareTarget,
        enabled: bool,
        options: SharingOptions,
    ) -> Result<Sharing> {
        let options = options.validated()?;
        // Creates the share on first use, and checks the editor.
        let current = self.sharing(scope, target).await?;
        if enabled && !current.organization_allows {
            return Err(Error::Forbidden(ShareRefusal::SharingDisabled.to_string()));
        }
        let turned_on = enabled && !current.enabled;
        let (column, id) = target_column(target);
        sqlx::query(&format!(
            "UPDATE shares SET enabled = $1, options = $2,
                 enabled_by = CASE WHEN $3 THEN $4 ELSE enabled_by END,
                 enabled_at = CASE WHEN $3 THEN $5 ELSE enabled_at END
             WHERE {column} = $6"
        ))
        .bind(enabled)
        .bind(serde_json::to_string(&options)?)
        .bind(turned_on)
        .bind(scope.user())
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.sharing(scope, target).await
    }

    /// Gives the share a new token: the old link stops at once.
    pub async fn rotate_share(&self, scope: &ProjectScope, target: ShareTarget) -> Result<Sharing> {
        self.sharing(scope, target).await?;
        let seed = secret_token();
        let token = share_token(&self.secret_key, &seed);
        let (column, id) = target_column(target);
        sqlx::query(&format!(
            "UPDATE shares SET token_seed = $1, token_hash = $2 WHERE {column} = $3"
        ))
        .bind(&seed)
        .bind(digest(&token))
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.sharing(scope, target).await
    }

    /// The share a link's token opens, if it still does. Every way a link can
    /// stop working (unknown, rotated, turned off, its insight or dashboard
    /// deleted) looks the same to the viewer, except the organization
    /// turning sharing off, which says so.
    pub async fn open_share(&self, token: &str) -> Result<OpenShare> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            project_id: domain::ProjectId,
            token_seed: String,
            insight_id: Option<InsightId>,
            dashboard_id: Option<DashboardId>,
            enabled: bool,
            options: String,
            public_sharing: bool,
        }
        let gone = || Error::Unshared(ShareRefusal::NoLongerValid);
        let row: Row = sqlx::query_as(
            "SELECT s.id, s.project_id, s.token_seed, s.insight_id, s.dashboard_id, s.enabled, s.options,
                    o.public_sharing
             FROM shares s
             JOIN projects p ON p.id = s.project_id
             JOIN organizations o ON o.id = p.organization_id
             WHERE s.token_hash = $1",
        )
        .bind(digest(token))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(gone)?;
        // A link made under an earlier server key opens nothing.
        if share_token(&self.secret_key, &row.token_seed) != token {
            return Err(gone());
        }
        if !row.public_sharing {
            return Err(Error::Unshared(ShareRefusal::SharingDisabled));
        }
        if !row.enabled {
            return Err(gone());
        }
        let target = match (row.insight_id, row.dashboard_id) {
            (Some(insight), _) => ShareTarget::Insight(insight),
            (None, Some(dashboard)) => ShareTarget::Dashboard(dashboard),
            (None, None) => return Err(Error::corrupt(format!("share {}'s target", row.id))),
        };
        let scope = self.share_scope(row.project_id).await?;
        if self.target_deleted(&scope, target).await? {
            return Err(gone());
        }
        Ok(OpenShare {
            id: row.id,
            target,
            options: options_of(&row.options)?,
            scope,
        })
    }

    async fn target_deleted(&self, scope: &ProjectScope, target: ShareTarget) -> Result<bool> {
        let found = match target {
            ShareTarget::Insight(id) => self.insight_with_id(scope, id).await.map(drop),
            ShareTarget::Dashboard(id) => self.dashboard(scope, id).await.map(drop),
        };
        match found {
            Ok(()) => Ok(false),
            Err(Error::NotFound) => Ok(true),
            Err(other) => Err(other),
        }
    }

    async fn check_target_editable(&self, scope: &ProjectScope, target: ShareTarget) -> Result<()> {
        match target {
            ShareTarget::Insight(id) => {
                let insight = self.insight_with_id(scope, id).await?;
                self.check_insight_editable(scope, &insight).await
            }
            ShareTarget::Dashboard(id) => self.editable(scope, id).await.map(drop),
        }
    }

    async fn stored_sharing(
        &self,
        scope: &ProjectScope,
        target: ShareTarget,
    ) -> Result<Option<Sharing>> {
        let (column, id) = target_column(target);
        let row: Option<ShareRow> = sqlx::query_as(&format!(
            "{SELECT_SHARE} WHERE s.project_id = $1 AND s.{column} = $2"
        ))
        .bind(scope.project_id())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let token = share_token(&self.secret_key, &row.token_seed);
        // The server's key changed since the link was made: the old link
        // stopped, and the one derived from the new key is the share's now.
        if digest(&token) != row.token_hash {
            sqlx::query("UPDATE shares SET token_hash = $1 WHERE id = $2")
                .bind(digest(&token))
                .bind(row.id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(Sharing {
            target,
            enabled: row.enabled,
            token,
            options: options_of(&row.options)?,
            enabled_by: row.enabled_by,
            enabled_at: row.enabled_at,
            organization_allows: row.public_sharing,
        }))
    }
}
