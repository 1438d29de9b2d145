use super::projects::parse_role;
use super::users::{add_member, insert_user};
use super::{now, MetaStore};
use crate::{tokens, Error, Result};
use chrono::{DateTime, Utc};
use domain::account::{Email, PersonName, User};
use domain::invite::{self, Invite, InviteDetails, InviteStatus};
use domain::organization::{check_invite, Role};
use domain::{InviteId, OrganizationId, ProjectId, UserId};

#[derive(Debug)]
pub struct NewInvite {
    pub email: Email,
    pub role: Role,
}

/// An invite just created, with its token: the only time the token is known,
/// since the store keeps only its digest.
#[derive(Debug)]
pub struct CreatedInvite {
    pub invite: Invite,
    pub token: String,
}

#[derive(sqlx::FromRow)]
struct InviteRow {
    id: InviteId,
    organization_id: OrganizationId,
    organization_name: String,
    email: String,
    role: String,
    invited_by: Option<String>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl InviteRow {
    fn status(&self) -> InviteStatus {
        InviteStatus::of(now(), self.expires_at, self.accepted_at, self.revoked_at)
    }

    fn into_invite(self) -> Result<Invite> {
        Ok(Invite {
            id: self.id,
            role: parse_role(&self.role)?,
            email: self.email,
            invited_by: self.invited_by,
            created_at: self.created_at,
            expires_at: self.expires_at,
        })
    }
}

const SELECT_INVITE: &str =
    "SELECT i.id, i.organization_id, o.name AS organization_name, i.email, i.role,
        u.name AS invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at
     FROM invites i
     JOIN organizations o ON o.id = i.organization_id
     LEFT JOIN users u ON u.id = i.invited_by";

impl MetaStore {
    /// Invites someone to the organization. A newer invite for the same email
    /// replaces a pending one.
    pub async fn create_invite(
        &self,
        actor: UserId,
        organization: OrganizationId,
        new: NewInvite,
    ) -> Result<CreatedInvite> {
        let role = self
            .role_in(actor, organization)
            .await?
            .ok_or(Error::NotFound)?;
        check_invite(role, new.role)?;
        let mut tx = self.write().await?;
        let already_member: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
                            WHERE m.organization_id = $1 AND u.email = $2)",
        )
        .bind(organization)
        .bind(new.email.as_str())
        .fetch_one(&mut *tx)
        .await?;
        if already_member {
            return Err(
                domain::Invalid::new(Email::FIELD, "This person is already a member.").into(),
            );
        }
        let created = now();
        let token = tokens::secret_token();
        sqlx::query(
            "UPDATE invites SET revoked_at = $1
             WHERE organization_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(created)
        .bind(organization)
        .bind(new.email.as_str())
        .execute(&mut *tx)
        .await?;
        let id: InviteId = sqlx::query_scalar(
            "INSERT INTO invites (organization_id, email, role, token_hash, invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(organization)
        .bind(new.email.as_str())
        .bind(new.role.as_str())
        .bind(tokens::digest(&token))
        .bind(actor)
        .bind(created)
        .bind(created + invite::validity())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let invite = self.invite_row_by_id(id).await?.into_invite()?;
        Ok(CreatedInvite { invite, token })
    }

    /// Invites not yet accepted, revoked or expired; for owners and admins.
    /// Their links are not among them: only [`Self::create_invite`] knows a token.
    pub async fn pending_invites(
        &self,
        actor: UserId,
        organization: OrganizationId,
    ) -> Result<Vec<Invite>> {
        self.require_manager(actor, organization).await?;
        let rows = sqlx::query_as::<_, InviteRow>(&format!(
            "{SELECT_INVITE} WHERE i.organization_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
             ORDER BY i.created_at DESC"
        ))
        .bind(organization)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .filter(|row| row.status() == InviteStatus::Pending)
            .map(InviteRow::into_invite)
            .collect()
    }

    pub async fn revoke_invite(
        &self,
        actor: UserId,
        organization: OrganizationId,
        invite: InviteId,
    ) -> Result<()> {
        self.require_manager(actor, organization).await?;
        let revoked = sqlx::query(
            "UPDATE invites SET revoked_at = $1
             WHERE id = $2 AND organization_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(invite)
        .bind(organization)
        .execute(&self.pool)
        .await?;
        if revoked.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        Ok(())
    }

    /// What the invite link shows. Anyone holding the token may see this.
    pub async fn invite_details(&self, token: &str) -> Result<InviteDetails> {
        let row = self.invite_row_by_token(token).await?;
        Ok(InviteDetails {
            status: row.status(),
            role: parse_role(&row.role)?,
            organization_name: row.organization_name,
            invited_by: row.invited_by,
            email: row.email,
        })
    }

    /// Accepts an invite by creating the invited person's account. Returns the
    /// new user and the project they land in.
    pub async fn accept_invite_with_new_account(
        &self,
        token: &str,
        name: &PersonName,
        password_hash: &str,
    ) -> Result<(User, ProjectId)> {
        let row = self.usable_invite(token).await?;
        let email = Email::parse(&row.email)?;
        let mut tx = self.write().await?;
        let user = insert_user(&mut tx, name, &email, password_hash).await?;
        claim(&mut tx, &row, user.id).await?;
        tx.commit().await?;
        Ok((user, self.first_project(row.organization_id).await?))
    }

    /// Accepts an invite for someone who already has an account and is logged in.
    pub async fn accept_invite_as(&self, token: &str, user: &User) -> Result<ProjectId> {
        let row = self.usable_invite(token).await?;
        if !row.email.eq_ignore_ascii_case(&user.email) {
            return Err(Error::Forbidden(format!(
                "This invite is for {}. Log in with that email to accept it.",
                row.email
            )));
        }
        if self.role_in(user.id, row.organization_id).await?.is_some() {
            return Err(Error::Conflict(
                "You are already a member of this organization.".into(),
            ));
        }
        let mut tx = self.write().await?;
        claim(&mut tx, &row, user.id).await?;
        tx.commit().await?;
        self.first_project(row.organization_id).await
    }

    async fn usable_invite(&self, token: &str) -> Result<InviteRow> {
        let row = self.invite_row_by_token(token).await?;
        match row.status().refusal() {
            Some(refusal) => Err(Error::Conflict(refusal.to_owned())),
            None => Ok(row),
        }
    }

    async fn invite_row_by_token(&self, token: &str) -> Result<InviteRow> {
        sqlx::query_as::<_, InviteRow>(&format!("{SELECT_INVITE} WHERE i.token_hash = $1"))
            .bind(tokens::digest(token))
            .fetch_one(&self.pool)
            .await
            .map_err(Error::from_lookup)
    }

    async fn invite_row_by_id(&self, id: InviteId) -> Result<InviteRow> {
        sqlx::query_as::<_, InviteRow>(&format!("{SELECT_INVITE} WHERE i.id = $1"))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(Error::from_lookup)
    }

    async fn require_manager(&self, actor: UserId, organization: OrganizationId) -> Result<Role> {
        let role = self
            .role_in(actor, organization)
            .await?
            .ok_or(Error::NotFound)?;
        if !role.manages_members() {
            return Err(domain::organization::MembershipDenied::NotAManager.into());
        }
        Ok(role)
    }
}

/// Marks the invite used and adds the member, once: of two people racing
/// with the same link, only one gets in.
async fn claim(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    row: &InviteRow,
    user: UserId,
) -> Result<()> {
    let claimed = sqlx::query(
        "UPDATE invites SET accepted_at = $1, accepted_by = $2
         WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(user)
    .bind(row.id)
    .execute(&mut **tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(Error::Conflict(
            InviteStatus::Accepted
                .refusal()
                .unwrap_or_default()
                .to_owned(),
        ));
    }
    add_member(tx, row.organization_id, user, parse_role(&row.role)?).await
}
