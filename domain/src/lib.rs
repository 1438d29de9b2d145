//! Huddle's domain: the types and rules every layer agrees on.
//!
//! Nothing here performs I/O, so the crate compiles for the server and for the
//! browser (wasm) alike, and its rules are unit-tested in plain Rust. Values are
//! parsed once at the boundary ("parse, don't validate"): an [`account::Email`]
//! that exists is a valid email.

pub mod account;
pub mod dashboard;
pub mod definitions;
mod enum_strings;
pub mod explorer;
pub mod home;
mod ids;
pub mod insight;
pub mod invite;
pub mod mail;
pub mod organization;
pub mod paging;
pub mod paths;
pub mod permissions;
pub mod project;
pub mod schedule;
pub mod sharing;
pub mod signed_embed;
pub mod snippets;
pub mod subscription;
pub mod tags;
pub mod validation;

pub use ids::{
    DashboardId, DefinitionId, InsightId, InviteId, OrganizationId, ProjectId, TileId, UserId,
};
pub use validation::Invalid;
