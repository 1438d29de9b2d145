//! Signing up, logging in, and accepting invites: the flows that handle
//! passwords. Hashing is argon2id (via `password-auth`), run off the async
//! threads because it is deliberately slow, and at most [`CONCURRENT_HASHES`]
//! at a time, so a burst of logins queues instead of taking every core. No
//! write transaction is open while a hash runs.
//!
//! # Throttling
//! Login attempts are counted per client and per (address, client) before the
//! password is checked; sign-ups per client. A client is its IP address (the
//! /64 prefix for IPv6), passed in by the web layer. A lock shared by every
//! client for an address — what Huddle had — lets anyone lock anyone out by
//! typing wrong passwords, so a lock here only ever stops the client that
//! earned it: the owner of an address logs in from their own network while
//! someone else is locked out of guessing it. Guessing from many addresses is
//! still bounded per address: every client gets [`LOGIN_TRIES_PER_ADDRESS`]
//! tries at it per window.

use crate::meta::{Limit, NewAccount};
use crate::{Backend, Error, Result};
use chrono::Duration;
use domain::account::{Email, NewPassword, PersonName, User};
use domain::organization::OrganizationName;
use domain::project::{ProjectName, TimeZone};
use domain::ProjectId;
use std::net::IpAddr;
use tokio::sync::{OnceCell, Semaphore};

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

/// Wrong passwords one client may try at one address per [`login_window`].
pub const LOGIN_TRIES_PER_ADDRESS: i64 = 5;
/// Wrong passwords one client may try at any addresses per [`login_window`].
pub const LOGIN_TRIES_PER_CLIENT: i64 = 30;
/// Accounts one client may try to create per hour, unless the operator sets
/// another limit ([`Backend::with_sign_ups_per_hour`]).
pub const SIGN_UPS_PER_CLIENT: i64 = 10;
/// Password hashes (or checks) running at once; more wait their turn.
pub const CONCURRENT_HASHES: usize = 2;

fn login_window() -> Duration {
    Duration::minutes(15)
}

impl Backend {
    /// Creates an account with its own organization and first project, for a
    /// person signing up from `client` (throttled per client).
    pub async fn sign_up_from(&self, client: IpAddr, form: SignUp) -> Result<(User, ProjectId)> {
        self.meta
            .take_attempt(&[&Limit {
                key: format!("signup:{}", client_key(client)),
                max: self.sign_ups_per_hour,
                window: Duration::hours(1),
                refusal: "Too many sign-ups from your network.",
            }])
            .await?;
        self.sign_up(form).await
    }

    /// Creates an account with its own organization and first project, without
    /// throttling: for the demo and set-up code. People use [`Self::sign_up_from`].
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

    /// Checks an email and password sent from `client`. Unknown emails cost as
    /// much time as wrong passwords and get the same answer; see the module
    /// documentation for the throttling.
    pub async fn log_in(&self, email: &str, password: &str, client: IpAddr) -> Result<User> {
        let Ok(email) = Email::parse(email) else {
            return Err(Error::BadCredentials);
        };
        let [per_address, per_client] = login_limits(&email, client);
        self.meta.take_attempt(&[&per_address, &per_client]).await?;
        let account = self.meta.user_with_password_hash(&email).await?;
        let hash = match &account {
            Some((_, hash)) => hash.clone(),
            None => dummy_hash().await?.to_owned(),
        };
        let matches = verify_password(password.to_owned(), hash).await?;
        match account {
            Some((user, _)) if matches => {
                self.meta.forgive(&[&per_address], &[&per_client]).await?;
                Ok(user)
            }
            _ => Err(Error::BadCredentials),
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

/// The login limits for `email` from `client`: per (address, client), and per client.
fn login_limits(email: &Email, client: IpAddr) -> [Limit; 2] {
    let client = client_key(client);
    [
        Limit {
            key: format!("login-address:{client} {}", email.as_str()),
            max: LOGIN_TRIES_PER_ADDRESS,
            window: login_window(),
            refusal: "Too many failed logins for this email from your network.",
        },
        Limit {
            key: format!("login-client:{client}"),
            max: LOGIN_TRIES_PER_CLIENT,
            window: login_window(),
            refusal: "Too many failed logins from your network.",
        },
    ]
}

/// What identifies a client: its IPv4 address, or the /64 prefix of its IPv6
/// address (one subscriber gets a whole /64 to pick from).
pub(crate) fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
        },
    }
}

static HASHING: Semaphore = Semaphore::const_new(CONCURRENT_HASHES);

/// Runs a hash on the blocking threads once one of the [`CONCURRENT_HASHES`]
/// slots is free. The slot goes with the job, so a caller that gives up
/// waiting does not free it while the hash still runs.
async fn hashing<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let slot = HASHING
        .acquire()
        .await
        .map_err(|_| Error::Closed("password hashing"))?;
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        job()
    })
    .await
    .map_err(Error::from)
}

pub(crate) async fn hash_password(password: NewPassword) -> Result<String> {
    hashing(move || password_auth::generate_hash(password.expose())).await
}

async fn verify_password(password: String, hash: String) -> Result<bool> {
    hashing(move || password_auth::verify_password(password, &hash).is_ok()).await
}

/// A hash to verify against when the email is unknown, so that the answer takes
/// as long as for a known email with a wrong password.
async fn dummy_hash() -> Result<&'static str> {
    static HASH: OnceCell<String> = OnceCell::const_new();
    HASH.get_or_try_init(|| hashing(|| password_auth::generate_hash("not a real password")))
        .await
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_the_limit_of_hashes_run_at_once() {
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static PEAK: AtomicUsize = AtomicUsize::new(0);
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                tokio::spawn(hashing(|| {
                    let running = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                    PEAK.fetch_max(running, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    RUNNING.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for job in jobs {
            job.await.unwrap().unwrap();
        }
        let peak = PEAK.load(Ordering::SeqCst);
        assert!((1..=CONCURRENT_HASHES).contains(&peak), "{peak} at once");
    }

    #[test]
    fn an_ipv6_client_is_its_slash_64_and_a_mapped_ipv4_client_its_ipv4_address() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_eq!(client_key(a), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(client_key(mapped), "203.0.113.7");
    }
}
