//! Huddle's backend: everything with I/O on the server side.
//!
//! [`Backend`] is the one handle the web layer holds. It knows nothing of Leptos
//! or HTTP: callers pass in who is acting, and get back domain types or an
//! [`Error`] that says whose fault a failure was.

pub mod accounts;
pub mod demo;
mod error;
pub mod meta;
mod tokens;

pub use error::{Error, Result};
pub use meta::MetaStore;

/// The services behind the web layer, cheap to clone.
#[derive(Clone)]
pub struct Backend {
    pub meta: MetaStore,
}

impl Backend {
    /// Opens the metadata store at `database_url` and applies its migrations.
    pub async fn open(database_url: &str) -> Result<Self> {
        Ok(Self { meta: MetaStore::open(database_url).await? })
    }
}
