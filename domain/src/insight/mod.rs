//! Insights: the questions people ask of their events.
//!
//! The query model ([`query`]) is what gets saved and put in URLs; [`dates`]
//! resolves ranges in the project's time zone; [`naming`] gives unnamed
//! insights a readable name; [`result`] is what the engine returns.

pub mod dates;
pub mod export;
pub mod formula;
pub mod naming;
pub mod query;
pub mod result;
pub mod saved;
pub mod summary;

pub use query::*;
pub use result::*;
pub use saved::*;
