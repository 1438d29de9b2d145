//! Insights: build a question of the events, see it charted, save and share
//! it. The whole configuration of an insight being edited lives in its URL.

pub(crate) mod api;
mod chart;
mod editor;
mod format;
mod pages;
pub(crate) mod pickers;
mod results;

pub use pages::{EditInsightPage, InsightPage, InsightsListPage, NewInsightPage};
pub use results::{Freshness, InsightResults, ResultParts};
