use super::users::insert_project;
use super::MetaStore;
use crate::{Error, ProjectScope, Result};
use chrono::{DateTime, Utc};
use domain::organization::{Organization, Role};
use domain::permissions::can_use_project;
use domain::project::{Project, ProjectAccess, ProjectName, ProjectSummary, TimeZone};
use domain::{OrganizationId, ProjectId, UserId};

#[derive(sqlx::FromRow)]
struct AccessRow {
    id: ProjectId,
    organization_id: OrganizationId,
    name: String,
    time_zone: String,
    api_token: String,
    created_at: DateTime<Utc>,
    organization_name: String,
    role: String,
    private: bool,
    listed: bool,
}

impl TryFrom<AccessRow> for ProjectAccess {
    type Error = Error;

    fn try_from(row: AccessRow) -> Result<Self> {
        let time_zone = TimeZone::parse(&row.time_zone).map_err(|invalid| Error::Corrupt {
            what: format!("project {}'s time zone", row.id),
            cause: Some(invalid),
        })?;
        Ok(ProjectAccess {
            role: parse_role(&row.role)?,
            organization: Organization {
                id: row.organization_id,
                name: row.organization_name,
            },
            project: Project {
                id: row.id,
                organization_id: row.organization_id,
                name: row.name,
                time_zone,
                api_token: row.api_token,
                created_at: row.created_at,
            },
        })
    }
}

pub(crate) fn parse_role(stored: &str) -> Result<Role> {
    Role::parse(stored).map_err(|_| Error::corrupt(format!("the role {stored:?}")))
}

impl MetaStore {
    /// The access check: `user`'s scope in `project`. [`Error::NotFound`]
    /// when the project does not exist *or* the user may not use it: both look
    /// the same to them.
    pub async fn scope(&self, user: UserId, project: ProjectId) -> Result<ProjectScope> {
        let row = sqlx::query_as::<_, AccessRow>(
            "SELECT p.id, p.organization_id, p.name, p.time_zone, p.api_token, p.created_at,
                    o.name AS organization_name, m.role, p.private,
                    EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = p.id AND pm.user_id = $1) AS listed
             FROM projects p
             JOIN organizations o ON o.id = p.organization_id
             JOIN memberships m ON m.organization_id = p.organization_id AND m.user_id = $1
             WHERE p.id = $2",
        )
        .bind(user)
        .bind(project)
        .fetch_one(&self.pool)
        .await
        .map_err(Error::from_lookup)?;
        // A private project the user may not use does not exist for them.
        if !can_use_project(parse_role(&row.role)?, row.private, row.listed) {
            return Err(Error::NotFound);
        }
        Ok(ProjectScope::new(user, row.try_into()?))
    }

    /// The scope a shared link's viewer reads the project with: nobody in
    /// particular, with a member's role (see [`ProjectScope::for_share`]).
    pub(super) async fn share_scope(&self, project: ProjectId) -> Result<ProjectScope> {
        let row = sqlx::query_as::<_, AccessRow>(
            "SELECT p.id, p.organization_id, p.name, p.time_zone, p.api_token, p.created_at,
                    o.name AS organization_name, 'member' AS role, p.private, FALSE AS listed
             FROM projects p
             JOIN organizations o ON o.id = p.organization_id
             WHERE p.id = $1",
        )
        .bind(project)
        .fetch_one(&self.pool)
        .await
        .map_err(Error::from_lookup)?;
        Ok(ProjectScope::for_share(row.try_into()?))
    }

    /// Every project the user can use, grouped by organization.
    pub async fn projects_for_user(&self, user: UserId) -> Result<Vec<ProjectSummary>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: ProjectId,
            name: String,
            organization_name: String,
            role: String,
            private: bool,
            listed: bool,
        }
        let rows = sqlx::query_as::<_, Row>(
            "SELECT p.id, p.name, o.name AS organization_name, m.role, p.private,
                    EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = p.id AND pm.user_id = $1) AS listed
             FROM projects p
             JOIN organizations o ON o.id = p.organization_id
             JOIN memberships m ON m.organization_id = p.organization_id AND m.user_id = $1
             ORDER BY o.name, o.id, p.name COLLATE NOCASE, p.id",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter(|r| {
                parse_role(&r.role).is_ok_and(|role| can_use_project(role, r.private, r.listed))
            })
            .map(|r| ProjectSummary {
                id: r.id,
                name: r.name,
                organization_name: r.organization_name,
            })
            .collect())
    }

    /// Creates a project in an organization where `actor` is an admin or owner.
    pub async fn create_project(
        &self,
        actor: UserId,
        organization: OrganizationId,
        name: &ProjectName,
        time_zone: &TimeZone,
    ) -> Result<ProjectId> {
        let role = self
            .role_in(actor, organization)
            .await?
            .ok_or(Error::NotFound)?;
        if !role.manages_projects() {
            return Err(Error::Forbidden(
                "Only owners and admins can create projects.".into(),
            ));
        }
        let mut tx = self.write().await?;
        let id = insert_project(&mut tx, organization, name, time_zone).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Renames a project or changes its time zone.
    pub async fn update_project(
        &self,
        scope: &ProjectScope,
        name: &ProjectName,
        time_zone: &TimeZone,
    ) -> Result<Project> {
        if !scope.role().manages_projects() {
            return Err(Error::Forbidden(
                "Only owners and admins can change project settings.".into(),
            ));
        }
        sqlx::query("UPDATE projects SET name = $1, time_zone = $2 WHERE id = $3")
            .bind(name.as_str())
            .bind(time_zone.as_str())
            .bind(scope.project_id())
            .execute(&self.pool)
            .await?;
        if *time_zone != scope.time_zone() {
            // Subscriptions keep their local time in the new zone.
            self.reschedule_project(scope.project_id(), time_zone.tz())
                .await?;
        }
        Ok(Project {
            name: name.as_str().to_owned(),
            time_zone: *time_zone,
            ..scope.project().clone()
        })
    }

    /// Whether a project is private, and the members listed on it.
    pub async fn project_privacy(&self, scope: &ProjectScope) -> Result<(bool, Vec<UserId>)> {
        let project = scope.project_id();
        let private: bool = sqlx::query_scalar("SELECT private FROM projects WHERE id = $1")
            .bind(project)
            .fetch_one(&self.pool)
            .await?;
        let listed = sqlx::query_scalar(
            "SELECT user_id FROM project_members WHERE project_id = $1 ORDER BY user_id",
        )
        .bind(project)
        .fetch_all(&self.pool)
        .await?;
        Ok((private, listed))
    }

    /// Makes a project private to owners, admins and `members` (of its
    /// organization), or open to the whole organization again.
    pub async fn set_project_privacy(
        &self,
        scope: &ProjectScope,
        private: bool,
        members: &[UserId],
    ) -> Result<()> {
        if !scope.role().manages_projects() {
            return Err(Error::Forbidden(
                "Only owners and admins can change who may use a project.".into(),
            ));
        }
        let project = scope.project_id();
        let mut tx = self.write().await?;
        sqlx::query("UPDATE projects SET private = $1 WHERE id = $2")
            .bind(private)
            .bind(project)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM project_members WHERE project_id = $1")
            .bind(project)
            .execute(&mut *tx)
            .await?;
        for member in members {
            // Only members of the project's organization can be listed.
            sqlx::query(
                "INSERT INTO project_members (project_id, user_id)
                 SELECT $1, m.user_id FROM memberships m
                 WHERE m.organization_id = $2 AND m.user_id = $3",
            )
            .bind(project)
            .bind(scope.organization().id)
            .bind(member)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The project a capture API key belongs to; keys seen lately are
    /// answered from memory (for at most [`super::KEY_TTL`]).
    pub async fn project_for_token(&self, token: &str) -> Result<Option<ProjectId>> {
        if let Some(project) = self.project_keys.get(token) {
            return Ok(Some(project));
        }
        let project: Option<ProjectId> =
            sqlx::query_scalar("SELECT id FROM projects WHERE api_token = $1")
                .bind(token)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(project) = project {
            self.project_keys.remember(token, project);
        }
        Ok(project)
    }

    /// The first project of an organization: where a new member lands.
    pub(crate) async fn first_project(&self, organization: OrganizationId) -> Result<ProjectId> {
        sqlx::query_scalar("SELECT id FROM projects WHERE organization_id = $1 ORDER BY id LIMIT 1")
            .bind(organization)
            .fetch_one(&self.pool)
            .await
            .map_err(Error::from_lookup)
    }
}
