use backend::accounts::SignUp;
use backend::meta::NewInvite;
use backend::{Backend, ProjectScope};
use domain::account::{Email, NewPassword, PersonName, User};
use domain::organization::{OrganizationName, Role};
use domain::project::{ProjectName, TimeZone};
use domain::{OrganizationId, ProjectId};

pub const PASSWORD: &str = "a long enough password";

/// Someone who signed up: their organization and first project.
pub struct Account {
    pub user: User,
    pub project: ProjectId,
    pub organization: OrganizationId,
    /// The user's scope in their first project.
    pub scope: ProjectScope,
}

impl Account {
    /// The first project's capture API key.
    pub fn api_key(&self) -> &str {
        &self.scope.project().api_token
    }
}

/// Signs `email` up with their own organization and project.
pub async fn sign_up(backend: &Backend, email: &str) -> Account {
    let form = SignUp {
        name: PersonName::parse(email.split('@').next().unwrap()).unwrap(),
        email: Email::parse(email).unwrap(),
        password: NewPassword::parse(PASSWORD).unwrap(),
        organization: OrganizationName::parse(&format!("{email}'s org")).unwrap(),
        project: ProjectName::parse("First project").unwrap(),
        time_zone: TimeZone::utc(),
    };
    let (user, project) = backend.sign_up(form).await.unwrap();
    let scope = backend.meta.scope(user.id, project).await.unwrap();
    Account {
        user,
        project,
        organization: scope.organization().id,
        scope,
    }
}

/// Invites `email` into `owner`'s organization with `role` and accepts it.
pub async fn add_teammate(backend: &Backend, owner: &Account, email: &str, role: Role) -> User {
    let invite = backend
        .meta
        .create_invite(
            owner.user.id,
            owner.organization,
            NewInvite {
                email: Email::parse(email).unwrap(),
                role,
            },
        )
        .await
        .unwrap();
    let (user, _) = backend
        .accept_invite_with_new_account(
            &invite.token,
            PersonName::parse("Teammate").unwrap(),
            NewPassword::parse(PASSWORD).unwrap(),
        )
        .await
        .unwrap();
    user
}
