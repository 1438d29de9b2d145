//! Sharing outside the app: public links and iframe embeds of insights and
//! dashboards, the Share panel that manages them, and the pages they open.

pub mod api;
mod page;
mod panel;
mod setting;

pub use page::{EmbeddedPage, SharedPage};
pub use panel::SharePanel;
pub use setting::PublicSharingSetting;
