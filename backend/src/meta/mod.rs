//! The metadata store: users, organizations, projects, invites.
//!
//! All SQL for metadata lives below this module; callers see domain types only.
//! SQLite today (a file under `./data` by default); the dialect-specific parts
//! are the migrations folder and [`MetaStore::open`].

mod dashboards;
mod definitions;
mod delivery_images;
mod embed_secrets;
mod home;
mod insights;
mod invites;
mod mails;
mod organizations;
mod password_resets;
mod policies;
mod project_keys;
mod projects;
mod sharing;
mod subscriptions;
mod throttle;
mod users;

pub use insights::DefinitionUse;
pub use invites::{CreatedInvite, NewInvite};
pub(crate) use mails::{ClaimedMail, Outcome, QueuedMail};
pub use password_resets::reset_validity;
pub use project_keys::KEY_TTL;
pub use sharing::OpenShare;
pub(crate) use subscriptions::{ClaimedDelivery, FinishedDelivery};
pub(crate) use throttle::Limit;
pub use users::NewAccount;

use crate::tokens::SecretKey;
use crate::Result;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
};
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone)]
pub struct MetaStore {
    pool: SqlitePool,
    project_keys: project_keys::ProjectKeys,
    /// What share links are derived from.
    secret_key: SecretKey,
}

impl MetaStore {
    /// Opens (creating if needed) the database at `url` and migrates it.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(parent) = options.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|source| crate::Error::Io {
                    context: format!("cannot create {}", parent.display()),
                    source,
                })?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .after_release(|conn, _| Box::pin(outside_transaction(conn)))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            project_keys: Default::default(),
            secret_key: SecretKey::random(),
        })
    }

    /// The same store deriving share links from `key`: the server's own, so
    /// links survive restarts. Without it they last as long as the process.
    pub fn with_secret_key(mut self, key: SecretKey) -> Self {
        self.secret_key = key;
        self
    }

    /// The connection pool, for components that keep their own tables in the
    /// same database (the web layer's session store).
    pub fn sqlite_pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a transaction that will write. It takes SQLite's write lock up
    /// front: a transaction that reads first and upgrades later fails at once
    /// ("database is locked") when another writer got there in between,
    /// instead of waiting its turn.
    ///
    /// The begin runs in a task of its own because sqlx 0.8's `begin_with`
    /// is not cancel-safe: dropped after SQLite ran `BEGIN IMMEDIATE` but
    /// before the `Transaction` exists (axum drops a handler when its client
    /// goes away), it returns the connection to the pool still holding the
    /// write lock. A finished begin whose caller is gone is dropped by the
    /// task, which rolls it back. Once the `Transaction` exists, dropping it
    /// at any await queues a rollback, so the rest of a write may be
    /// cancelled safely; [`outside_transaction`] is the net under both.
    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        let pool = self.pool.clone();
        tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
            .await?
            .map_err(crate::Error::from)
    }

    /// Can the store take a write now? Takes and releases the write lock on a
    /// connection of its own that waits at most `within`, so a lock held for
    /// good shows here and not only as failing writes.
    pub async fn check_writable(&self, within: Duration) -> Result<()> {
        let mut conn = (*self.pool.connect_options())
            .clone()
            .busy_timeout(within)
            .connect()
            .await?;
        let took = sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await;
        if took.is_ok() {
            sqlx::query("ROLLBACK").execute(&mut conn).await?;
        }
        conn.close().await?;
        took?;
        Ok(())
    }

    /// Is there no user at all yet (a fresh installation)?
    pub async fn is_empty(&self) -> Result<bool> {
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(users == 0)
    }
}

/// Decides, as a connection goes back to the pool, whether it may stay:
/// one still inside a transaction, however it got there (a cancelled
/// begin, a `BEGIN` run as a plain statement by anything sharing the pool,
/// sqlx's count of open transactions out of step with SQLite's), would hold
/// the write lock for good. It is closed instead,
/// which rolls the transaction back; the pool opens a fresh one when needed.
/// Closing rather than running `ROLLBACK` here also resets sqlx's count.
async fn outside_transaction(conn: &mut SqliteConnection) -> sqlx::Result<bool> {
    // Locking the handle waits for the connection's worker to run what was
    // queued before, such as the rollback of a dropped `Transaction`, so
    // both checks see the settled state.
    let autocommit = {
        let mut handle = conn.lock_handle().await?;
        // SAFETY: the handle is a live connection, locked for our use.
        unsafe { libsqlite3_sys::sqlite3_get_autocommit(handle.as_raw_handle().as_ptr()) != 0 }
    };
    let clean = autocommit && !conn.is_in_transaction();
    if !clean {
        tracing::warn!("closing a metadata store connection that was left inside a transaction");
    }
    Ok(clean)
}

fn now() -> DateTime<Utc> {
    Utc::now()
}
