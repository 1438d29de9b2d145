use super::projects::parse_role;
use super::MetaStore;
use crate::{Error, ProjectScope, Result};
use chrono::{DateTime, Utc};
use domain::organization::{Member, MembershipChange, Organization, Role};
use domain::{OrganizationId, UserId};
use sqlx::{Sqlite, Transaction};

impl MetaStore {
    /// The user's role in an organization, or `None` when they are not a member.
    pub async fn role_in(
        &self,
        user: UserId,
        organization: OrganizationId,
    ) -> Result<Option<Role>> {
        let role: Option<String> = sqlx::query_scalar(
            "SELECT role FROM memberships WHERE user_id = $1 AND organization_id = $2",
        )
        .bind(user)
        .bind(organization)
        .fetch_optional(&self.pool)
        .await?;
        role.as_deref().map(parse_role).transpose()
    }

    /// An organization the user belongs to, with their role in it.
    pub async fn organization_for(
        &self,
        user: UserId,
        organization: OrganizationId,
    ) -> Result<(Organization, Role)> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: OrganizationId,
            name: String,
            role: String,
        }
        let row = sqlx::query_as::<_, Row>(
            "SELECT o.id, o.name, m.role FROM organizations o
             JOIN memberships m ON m.organization_id = o.id AND m.user_id = $1
             WHERE o.id = $2",
        )
        .bind(user)
        .bind(organization)
        .fetch_one(&self.pool)
        .await
        .map_err(Error::from_lookup)?;
        Ok((
            Organization {
                id: row.id,
                name: row.name,
            },
            parse_role(&row.role)?,
        ))
    }

    /// Every organization the user belongs to, with their role, by name.
    pub async fn organizations_for_user(&self, user: UserId) -> Result<Vec<(Organization, Role)>> {
        let rows: Vec<(OrganizationId, String, String)> = sqlx::query_as(
            "SELECT o.id, o.name, m.role FROM organizations o
             JOIN memberships m ON m.organization_id = o.id AND m.user_id = $1
             ORDER BY o.name COLLATE NOCASE, o.id",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, name, role)| Ok((Organization { id, name }, parse_role(&role)?)))
            .collect()
    }

    /// The members of an organization, visible to its members only.
    pub async fn members(
        &self,
        actor: UserId,
        organization: OrganizationId,
    ) -> Result<Vec<Member>> {
        self.role_in(actor, organization)
            .await?
            .ok_or(Error::NotFound)?;
        self.members_of(organization).await
    }

    async fn members_of(&self, organization: OrganizationId) -> Result<Vec<Member>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            user_id: UserId,
            name: String,
            email: String,
            role: String,
            joined_at: DateTime<Utc>,
        }
        let rows = sqlx::query_as::<_, Row>(
            "SELECT u.id AS user_id, u.name, u.email, m.role, m.joined_at
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.organization_id = $1
             ORDER BY u.name COLLATE NOCASE, u.id",
        )
        .bind(organization)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Member {
                    user_id: r.user_id,
                    name: r.name,
                    email: r.email,
                    role: parse_role(&r.role)?,
                    joined_at: r.joined_at,
                })
            })
            .collect()
    }

    /// The people who can use a project: its organization's members.
    pub async fn project_members(&self, scope: &ProjectScope) -> Result<Vec<Member>> {
        self.members_of(scope.organization().id).await
    }

    /// Gives `target` the role `new`, if the organization's rules allow `actor` to.
    pub async fn change_role(
        &self,
        actor: UserId,
        organization: OrganizationId,
        target: UserId,
        new: Role,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        membership_change(&mut tx, actor, organization, target)
            .await?
            .check_role_change(new)?;
        sqlx::query("UPDATE memberships SET role = $1 WHERE organization_id = $2 AND user_id = $3")
            .bind(new.as_str())
            .bind(organization)
            .bind(target)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes `target` from the organization, if the rules allow `actor` to.
    pub async fn remove_member(
        &self,
        actor: UserId,
        organization: OrganizationId,
        target: UserId,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        membership_change(&mut tx, actor, organization, target)
            .await?
            .check_removal()?;
        sqlx::query("DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2")
            .bind(organization)
            .bind(target)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Reads the facts a membership decision needs inside the transaction that
/// acts on it, so two owners demoting each other cannot leave none.
async fn membership_change(
    tx: &mut Transaction<'_, Sqlite>,
    actor: UserId,
    organization: OrganizationId,
    target: UserId,
) -> Result<MembershipChange> {
    let role_of = |user: UserId| {
        sqlx::query_scalar::<_, String>(
            "SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2",
        )
        .bind(organization)
        .bind(user)
    };
    let actor_role = role_of(actor)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound)?;
    let target_role = role_of(target)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound)?;
    let owners: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE organization_id = $1 AND role = 'owner'",
    )
    .bind(organization)
    .fetch_one(&mut **tx)
    .await?;
    Ok(MembershipChange {
        actor: parse_role(&actor_role)?,
        target: parse_role(&target_role)?,
        owners: owners as usize,
    })
}
