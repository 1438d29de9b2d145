//! The backend's one error type.
//!
//! The variants up to [`Error::Unavailable`] are the caller's fault or a
//! passing refusal, and carry a message fit to show a person. The rest are
//! ours: each keeps its source, so the web layer logs the
//! whole cause chain once and shows a generic failure instead.

use domain::organization::MembershipDenied;
use domain::Invalid;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or the actor may not know that it does.
    #[error("not found")]
    NotFound,
    /// A value failed validation; the message names the field.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The actor is known to be refused this action.
    #[error("{0}")]
    Forbidden(String),
    /// The action contradicts the current state (e.g. an invite already used).
    #[error("{0}")]
    Conflict(String),
    /// Email and password do not match an account. Deliberately vague.
    #[error("Email or password is incorrect.")]
    BadCredentials,
    /// Too many attempts from this client; try again later.
    #[error("{refusal} Try again in {minutes} minute{}.", if *.minutes == 1 { "" } else { "s" })]
    Throttled { refusal: &'static str, minutes: i64 },
    /// The metadata store could not get its write lock (or a connection)
    /// within its timeout.
    #[error("Huddle is busy; try again in a moment.")]
    Busy,
    /// The actor asks for more at once than they may; the message says what.
    #[error("{0}")]
    TooManyAtOnce(String),
    /// The work could not be done in time; trying again or asking for less
    /// may succeed.
    #[error("{0}")]
    Unavailable(String),
    /// A signed embed that shows nothing, and why.
    #[error(transparent)]
    Unembedded(#[from] domain::signed_embed::EmbedRefusal),
    /// A chart could not be drawn (or was asked at a size refused).
    #[error("drawing an image failed")]
    Render(#[source] crate::render::RenderError),
    /// A shared link that shows nothing, and why.
    #[error(transparent)]
    Unshared(#[from] domain::sharing::ShareRefusal),
    /// The metadata store failed.
    #[error("metadata store")]
    Database(#[source] sqlx::Error),
    #[error("database migration failed")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The events store failed.
    #[error("events store")]
    Events(#[from] duckdb::Error),
    /// The events store's file has a schema version newer than this build's
    /// migrations: it was written by a newer Huddle.
    #[error("the events store has schema version {found}, newer than the {known} this version of Huddle knows; run a newer Huddle")]
    EventsSchemaTooNew { found: i64, known: i64 },
    /// A directory or thread could not be created.
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A blocking or spawned task panicked or was cancelled.
    #[error("a background task failed")]
    Task(#[from] tokio::task::JoinError),
    /// A value could not be written as JSON.
    #[error("JSON encoding failed")]
    Json(#[from] serde_json::Error),
    /// Ingestion refused the events (demo data is submitted like capture's).
    #[error("ingestion failed")]
    Ingest(#[from] crate::ingest::IngestError),
    /// A stored value this version does not understand.
    #[error("{what} in the metadata store is not valid")]
    Corrupt {
        what: String,
        #[source]
        cause: Option<Invalid>,
    },
    /// A setting the operator gave cannot work; the message says which.
    #[error("{0}")]
    Config(String),
    /// A mail could not be composed (a bug in a template or an address
    /// that slipped past validation).
    #[error("composing a mail failed: {0}")]
    Mail(String),
    /// A semaphore or lock that lives as long as the process is gone: a bug.
    #[error("{0} is closed")]
    Closed(&'static str),
}

impl From<MembershipDenied> for Error {
    fn from(denied: MembershipDenied) -> Self {
        Error::Forbidden(denied.to_string())
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        if is_busy(&err) {
            Error::Busy
        } else {
            Error::Database(err)
        }
    }
}

/// SQLITE_BUSY and SQLITE_LOCKED ("database is locked"), with any extended
/// code, and a pool with no connection free in time.
fn is_busy(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6)),
        _ => false,
    }
}

impl Error {
    /// A stored value that failed to parse.
    pub(crate) fn corrupt(what: impl Into<String>) -> Self {
        Error::Corrupt {
            what: what.into(),
            cause: None,
        }
    }

    /// Maps "no row" to [`Error::NotFound`]: used where a missing row means a
    /// missing (or invisible) resource rather than a bug.
    pub(crate) fn from_lookup(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => Error::NotFound,
            other => other.into(),
        }
    }
}
