//! The events store: events and persons in embedded DuckDB, a column store
//! made for the scans and aggregations insights run.
//!
//! Events keep narrow typed columns (time, name, distinct id, person) plus
//! the full properties as JSON, and a few hot properties materialized as
//! columns at ingestion. This module owns the file: its schema migrations,
//! connections, stopping queries that run too long, the per-project data
//! versions, and the reads behind the events and persons pages. Two other
//! modules write DuckDB SQL, on connections from [`EventsStore::connect`]:
//! the ingestion writer ([`crate::ingest`]) stores events and persons, and
//! the insight engine ([`crate::insights`], its dialect in one module)
//! queries them.

mod interrupt;
mod read;
mod schema;
mod versions;

pub(crate) use interrupt::{run_interruptible, TimedOut};

pub use read::{EventRow, PersonRow, ValueCount};
pub use schema::{Migration, MIGRATIONS};
pub use versions::DataVersions;

use crate::{Error, Result};
use duckdb::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Properties copied into their own columns at ingestion, because filters and
/// breakdowns use them most. (column, property)
pub const HOT_PROPERTIES: [(&str, &str); 5] = [
    ("current_url", "$current_url"),
    ("browser", "$browser"),
    ("os", "$os"),
    ("country", "$geoip_country_code"),
    ("session_id", "$session_id"),
];

/// A handle on the events database, cheap to clone.
#[derive(Clone)]
pub struct EventsStore {
    base: Arc<Mutex<Connection>>,
    /// Bumped by ingestion after each commit; keys cached insight results.
    pub(crate) versions: DataVersions,
}

impl EventsStore {
    /// Opens (creating if needed) the DuckDB file at `path` and applies the
    /// schema migrations it lacks; refuses a file whose schema is newer than
    /// this build knows ([`Error::EventsSchemaTooNew`]).
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                context: format!("cannot create {}", parent.display()),
                source,
            })?;
        }
        let mut connection = Connection::open(path)?;
        schema::migrate(&mut connection)?;
        Ok(Self {
            base: Arc::new(Mutex::new(connection)),
            versions: DataVersions::default(),
        })
    }

    /// A new connection to the same database, for one thread's use (also
    /// what benchmarks run their baseline SQL on).
    pub fn connect(&self) -> Result<Connection> {
        let base = self
            .base
            .lock()
            .map_err(|_| Error::Closed("the events store's lock"))?;
        Ok(base.try_clone()?)
    }

    /// Runs `f` on its own connection off the async threads.
    pub(crate) async fn with_connection<T: Send + 'static, E: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> std::result::Result<T, E> + Send + 'static,
    ) -> Result<T>
    where
        Error: From<E>,
    {
        let connection = self.connect()?;
        Ok(tokio::task::spawn_blocking(move || f(&connection)).await??)
    }
}
