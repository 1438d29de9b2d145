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
pub mod home;
pub mod insight;
pub mod invite;
pub mod organization;
pub mod paths;
pub mod permissions;
pub mod project;
pub mod tags;
pub mod validation;

pub use validation::Invalid;

/// Database identifiers. Plain integers: they appear in URLs (`/project/2`).
pub type UserId = i64;
pub type OrganizationId = i64;
pub type ProjectId = i64;
pub type InviteId = i64;
