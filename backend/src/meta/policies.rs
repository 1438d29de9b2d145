//! The organization-wide switches of `domain::organization::Policy`.

use super::MetaStore;
use crate::{ProjectScope, Result};
use domain::organization::Policy;
use domain::{OrganizationId, UserId};

/// The organizations column that holds the switch.
fn column(policy: Policy) -> &'static str {
    match policy {
        Policy::PublicSharing => "public_sharing",
        Policy::ExternalRecipients => "external_recipients",
    }
}

impl MetaStore {
    /// Whether the switch is on; any member of the organization may ask.
    pub async fn policy(
        &self,
        user: UserId,
        organization: OrganizationId,
        policy: Policy,
    ) -> Result<bool> {
        self.organization_for(user, organization).await?;
        self.policy_of(organization, policy).await
    }

    /// Whether the switch is on in the organization of a project one uses.
    pub async fn project_policy(&self, scope: &ProjectScope, policy: Policy) -> Result<bool> {
        self.policy_of(scope.organization().id, policy).await
    }

    async fn policy_of(&self, organization: OrganizationId, policy: Policy) -> Result<bool> {
        let query = format!("SELECT {} FROM organizations WHERE id = $1", column(policy));
        Ok(sqlx::query_scalar(&query)
            .bind(organization)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Turns the switch on or off, for owners and admins.
    pub async fn set_policy(
        &self,
        user: UserId,
        organization: OrganizationId,
        policy: Policy,
        on: bool,
    ) -> Result<()> {
        let (_, role) = self.organization_for(user, organization).await?;
        domain::permissions::can_change_policy(role)?;
        let query = format!(
            "UPDATE organizations SET {} = $1 WHERE id = $2",
            column(policy)
        );
        sqlx::query(&query)
            .bind(on)
            .bind(organization)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
