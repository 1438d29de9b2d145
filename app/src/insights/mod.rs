//! Insights: build a question of the events, see it charted, save and share
//! it. The whole configuration of an insight being edited lives in its URL.

mod api;
mod chart;
mod editor;
mod format;
mod pages;
mod results;

pub use pages::{EditInsightPage, InsightPage, InsightsListPage, NewInsightPage};
pub use results::{Freshness, InsightResults};
