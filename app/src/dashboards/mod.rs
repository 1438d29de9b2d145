//! Dashboards: saved insights and notes on a grid, shared with the project,
//! with edit restrictions for teams that need them.

mod api;
pub(crate) mod grid;
mod pages;

pub use api::{change_dashboard, list_dashboards, DashboardChange, DashboardView, TileView};
#[cfg(feature = "ssr")]
pub use api::{dashboard_view, tile_views, DashboardFilters};
#[cfg(feature = "ssr")]
pub(crate) use api::{ChangeDashboard, LoadDashboard, TileResult};
pub use pages::{DashboardPage, DashboardState, DashboardsPage, LoadedDashboard};
