//! Who is asking: the session user and the axum-login backend that loads it.

use backend::Backend;
use domain::account::User;
use domain::UserId;

/// The user behind a session. The password hash is part of the session's
/// identity, so changing a password ends every other session.
#[derive(Clone)]
pub struct SessionUser {
    pub user: User,
    password_hash: String,
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl axum_login::AuthUser for SessionUser {
    type Id = UserId;

    fn id(&self) -> UserId {
        self.user.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

pub struct Credentials {
    pub email: String,
    pub password: String,
    /// Where the attempt comes from, for throttling.
    pub client: std::net::IpAddr,
}

/// Loads session users from the metadata store.
#[derive(Clone)]
pub struct Authn {
    backend: Backend,
}

impl Authn {
    pub fn new(backend: Backend) -> Self {
        Self { backend }
    }

    pub async fn session_user(&self, user: User) -> backend::Result<SessionUser> {
        let password_hash = self.backend.meta.password_hash(user.id).await?;
        Ok(SessionUser {
            user,
            password_hash,
        })
    }
}

impl axum_login::AuthnBackend for Authn {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = backend::Error;

    async fn authenticate(
        &self,
        creds: Credentials,
    ) -> Result<Option<SessionUser>, backend::Error> {
        match self
            .backend
            .log_in(&creds.email, &creds.password, creds.client)
            .await
        {
            Ok(user) => self.session_user(user).await.map(Some),
            Err(backend::Error::BadCredentials) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn get_user(&self, id: &UserId) -> Result<Option<SessionUser>, backend::Error> {
        match self.backend.meta.user(*id).await {
            Ok(user) => self.session_user(user).await.map(Some),
            Err(backend::Error::NotFound) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

pub type AuthSession = axum_login::AuthSession<Authn>;
