//! The metadata store: users, organizations, projects, invites.
//!
//! All SQL for metadata lives below this module; callers see domain types only.
//! SQLite today (a file under `./data` by default); the dialect-specific parts
//! are the migrations folder and [`MetaStore::open`].

mod dashboards;
mod definitions;
mod home;
mod insights;
mod invites;
mod organizations;
mod projects;
mod throttle;
mod users;

pub use insights::DefinitionUse;
pub use invites::{CreatedInvite, NewInvite};
pub(crate) use throttle::Limit;
pub use users::NewAccount;

use crate::Result;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone)]
pub struct MetaStore {
    pool: SqlitePool,
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
                std::fs::create_dir_all(parent).map_err(|e| {
                    crate::Error::Internal(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
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
    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Is there no user at all yet (a fresh installation)?
    pub async fn is_empty(&self) -> Result<bool> {
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(users == 0)
    }
}

fn now() -> DateTime<Utc> {
    Utc::now()
}
