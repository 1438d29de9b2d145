//! Projects' embedding secrets, which sites sign embed tokens with. Only a
//! seed is stored; the secret is derived from it and the server's key, and
//! shown once, when an admin creates or rotates it.

use super::MetaStore;
use crate::tokens::{embed_secret, secret_token};
use crate::{Error, ProjectScope, Result};
use domain::ProjectId;

/// Owners and admins see and replace the embedding secret.
fn check_manages_embed_secret(scope: &ProjectScope) -> Result<()> {
    if scope.role().manages_projects() {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "Only the organization's owners and admins manage the embedding secret.".into(),
        ))
    }
}

impl MetaStore {
    /// A new embedding secret for the project; tokens signed with the old one
    /// stop working. Owners and admins only.
    pub async fn rotate_embed_secret(&self, scope: &ProjectScope) -> Result<String> {
        check_manages_embed_secret(scope)?;
        let seed = secret_token();
        sqlx::query("UPDATE projects SET embed_secret_seed = $1 WHERE id = $2")
            .bind(&seed)
            .bind(scope.project_id())
            .execute(&self.pool)
            .await?;
        Ok(embed_secret(&self.secret_key, &seed))
    }

    /// Whether the project has an embedding secret (never the secret itself).
    pub async fn has_embed_secret(&self, scope: &ProjectScope) -> Result<bool> {
        check_manages_embed_secret(scope)?;
        Ok(self.embed_secret_seed(scope.project_id()).await?.is_some())
    }

    /// What a signed embed of `project` is checked with and read through: the
    /// project's secret and a share viewer's scope, if it has a secret.
    pub async fn signed_embed_scope(
        &self,
        project: ProjectId,
    ) -> Result<Option<(String, ProjectScope)>> {
        let Some(seed) = self.embed_secret_seed(project).await? else {
            return Ok(None);
        };
        let scope = self.share_scope(project).await?;
        Ok(Some((embed_secret(&self.secret_key, &seed), scope)))
    }

    async fn embed_secret_seed(&self, project: ProjectId) -> Result<Option<String>> {
        let seed: Option<Option<String>> =
            sqlx::query_scalar("SELECT embed_secret_seed FROM projects WHERE id = $1")
                .bind(project)
                .fetch_optional(&self.pool)
                .await?;
        Ok(seed.flatten())
    }
}
