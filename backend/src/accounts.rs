//! Signing up, logging in, and accepting invites: the flows that handle
//! passwords. Hashing is argon2id (via `password-auth`), run off the async
//! threads because it is deliberately slow.

use crate::meta::NewAccount;
use crate::{Backend, Error, Result};
use domain::account::{Email, NewPassword, PersonName, User};
use domain::organization::OrganizationName;
use domain::project::{ProjectName, TimeZone};
use domain::ProjectId;
use std::sync::OnceLock;

/// What a person fills in to sign up.
#[derive(Debug)]
pub struct SignUp {
    pub name: PersonName,
    pub email: Email,
    pub password: NewPassword,
    pub organization: OrganizationName,
    pub project: ProjectName,
    pub time_zone: TimeZone,
}

impl Backend {
    /// Creates an account with its own organization and first project.
    pub async fn sign_up(&self, form: SignUp) -> Result<(User, ProjectId)> {
        let password_hash = hash_password(form.password).await?;
        self.meta
            .create_account(NewAccount {
                name: form.name,
                email: form.email,
                password_hash,
                organization: form.organization,
                project: form.project,
                time_zone: form.time_zone,
            })
            .await
    }

    /// Checks an email and password. Unknown emails cost as much time as wrong
    /// passwords and get the same answer; repeated failures lock the address.
    pub async fn log_in(&self, email: &str, password: &str) -> Result<User> {
        let Ok(email) = Email::parse(email) else {
            return Err(Error::BadCredentials);
        };
        if let Some(minutes) = self.meta.login_locked_for(&email).await? {
            return Err(Error::Throttled { minutes });
        }
        let account = self.meta.user_with_password_hash(&email).await?;
        let hash = match &account {
            Some((_, hash)) => hash.clone(),
            None => dummy_hash().to_owned(),
        };
        let matches = verify_password(password.to_owned(), hash).await?;
        match account {
            Some((user, _)) if matches => {
                self.meta.clear_login_failures(&email).await?;
                Ok(user)
            }
            _ => {
                self.meta.record_login_failure(&email).await?;
                Err(Error::BadCredentials)
            }
        }
    }

    /// Accepts an invite by creating the invited person's account.
    pub async fn accept_invite_with_new_account(
        &self,
        token: &str,
        name: PersonName,
        password: NewPassword,
    ) -> Result<(User, ProjectId)> {
        // Check the invite before paying for a hash; the store checks it again
        // inside the transaction that uses it.
        if let Some(refusal) = self.meta.invite_details(token).await?.status.refusal() {
            return Err(Error::Conflict(refusal.to_owned()));
        }
        let password_hash = hash_password(password).await?;
        self.meta
            .accept_invite_with_new_account(token, &name, &password_hash)
            .await
    }
}

async fn hash_password(password: NewPassword) -> Result<String> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password.expose()))
        .await
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

async fn verify_password(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .map_err(|e| Error::Internal(format!("password verification failed: {e}")))
}

/// A hash to verify against when the email is unknown, so that the answer takes
/// as long as for a known email with a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password_auth::generate_hash("not a real password"))
}
