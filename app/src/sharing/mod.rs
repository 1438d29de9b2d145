//! Sharing outside the app: public links and iframe embeds of insights and
//! dashboards, the Share panel that manages them, and the pages they open.

pub mod api;
mod embed_secret;
mod page;
mod panel;

pub use embed_secret::EmbedSecretSection;
pub use page::{EmbeddedPage, SharedPage, SignedEmbedPage};
pub use panel::SharePanel;
