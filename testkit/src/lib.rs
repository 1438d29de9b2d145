//! What Huddle's tests and benchmarks set up, written once: fresh stores in a
//! temporary folder, accounts in them, and a real server on a free port.

// The server it starts carries Leptos views, which are deeply nested types.
#![recursion_limit = "256"]

mod accounts;
pub mod mail;
mod server;
mod stores;
pub mod webhooks;

pub use accounts::{add_teammate, sign_up, Account, PASSWORD};
pub use server::{default_options, header, serve_in, start, start_with, Running};
pub use stores::{fresh, TestBackend};
