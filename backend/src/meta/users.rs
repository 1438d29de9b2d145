use super::{now, MetaStore};
use crate::{tokens, Error, ProjectScope, Result};
use domain::account::{Email, PersonName, User};
use domain::organization::{OrganizationName, Role};
use domain::project::{ProjectName, TimeZone};
use domain::{OrganizationId, ProjectId, UserId};
use sqlx::{Sqlite, Transaction};

/// Everything sign-up needs: the person, and their first organization and project.
#[derive(Debug)]
pub struct NewAccount {
    pub name: PersonName,
    pub email: Email,
    /// An argon2 PHC string, never the password itself.
    pub password_hash: String,
    pub organization: OrganizationName,
    pub project: ProjectName,
    pub time_zone: TimeZone,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: UserId,
    email: String,
    name: String,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: row.id,
            email: row.email,
            name: row.name,
        }
    }
}

impl MetaStore {
    /// Creates a user, their organization (they own it) and its first project.
    pub async fn create_account(&self, account: NewAccount) -> Result<(User, ProjectId)> {
        let mut tx = self.write().await?;
        let user = insert_user(
            &mut tx,
            &account.name,
            &account.email,
            &account.password_hash,
        )
        .await?;
        let organization: OrganizationId = sqlx::query_scalar(
            "INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(account.organization.as_str())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        add_member(&mut tx, organization, user.id, Role::Owner).await?;
        let project =
            insert_project(&mut tx, organization, &account.project, &account.time_zone).await?;
        tx.commit().await?;
        Ok((user, project))
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        sqlx::query_as::<_, UserRow>("SELECT id, email, name FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map(User::from)
            .map_err(Error::from_lookup)
    }

    /// The user with this email and their password hash, for logging in.
    pub async fn user_with_password_hash(&self, email: &Email) -> Result<Option<(User, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            password_hash: String,
        }
        let row = sqlx::query_as::<_, Row>(
            "SELECT id, email, name, password_hash FROM users WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| (row.user.into(), row.password_hash)))
    }

    pub async fn password_hash(&self, user: UserId) -> Result<String> {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(&self.pool)
            .await
            .map_err(Error::from_lookup)
    }

    /// Remembers the project the user last opened, as the default for `/`;
    /// returns the project they were in before when it was another one.
    pub async fn remember_last_project(&self, scope: &ProjectScope) -> Result<Option<ProjectId>> {
        let (user, project) = (scope.user(), scope.project_id());
        let mut tx = self.write().await?;
        let previous: Option<ProjectId> =
            sqlx::query_scalar("SELECT last_project_id FROM users WHERE id = $1")
                .bind(user)
                .fetch_one(&mut *tx)
                .await?;
        if previous == Some(project) {
            return Ok(None);
        }
        sqlx::query("UPDATE users SET last_project_id = $1 WHERE id = $2")
            .bind(project)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(previous)
    }

    /// Where `/` takes the user: the last project they visited if they can
    /// still use it, otherwise their first project.
    pub async fn default_project(&self, user: UserId) -> Result<Option<ProjectId>> {
        let remembered: Option<ProjectId> = sqlx::query_scalar(
            "SELECT p.id FROM users u
             JOIN projects p ON p.id = u.last_project_id
             JOIN memberships m ON m.organization_id = p.organization_id AND m.user_id = u.id
             WHERE u.id = $1",
        )
        .bind(user)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(project) = remembered {
            if self.scope(user, project).await.is_ok() {
                return Ok(Some(project));
            }
        }
        Ok(self.projects_for_user(user).await?.first().map(|p| p.id))
    }
}

pub(crate) async fn insert_user(
    tx: &mut Transaction<'_, Sqlite>,
    name: &PersonName,
    email: &Email,
    password_hash: &str,
) -> Result<User> {
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)")
        .bind(email.as_str())
        .fetch_one(&mut **tx)
        .await?;
    if taken {
        return Err(domain::Invalid::new(
            Email::FIELD,
            "An account with this email already exists. Log in instead.",
        )
        .into());
    }
    let row = sqlx::query_as::<_, UserRow>(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id, email, name",
    )
    .bind(email.as_str())
    .bind(name.as_str())
    .bind(password_hash)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.into())
}

pub(crate) async fn add_member(
    tx: &mut Transaction<'_, Sqlite>,
    organization: OrganizationId,
    user: UserId,
    role: Role,
) -> Result<()> {
    sqlx::query("INSERT INTO memberships (organization_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)")
        .bind(organization)
        .bind(user)
        .bind(role.as_str())
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn insert_project(
    tx: &mut Transaction<'_, Sqlite>,
    organization: OrganizationId,
    name: &ProjectName,
    time_zone: &TimeZone,
) -> Result<ProjectId> {
    let id = sqlx::query_scalar(
        "INSERT INTO projects (organization_id, name, time_zone, api_token, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(organization)
    .bind(name.as_str())
    .bind(time_zone.as_str())
    .bind(tokens::project_api_token())
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
