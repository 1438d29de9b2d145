//! The span a query covers and the buckets it is cut into.

use super::DEFAULT_DATE_FROM;
use crate::enum_strings::enum_strings;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Interval {
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

enum_strings!(Interval, parse);

/// `date_from` / `date_to` in PostHog's grammar: `-7d`, `-3m`, `mStart`,
/// `all`, `2026-11-01`; `date_to` absent means now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    #[serde(default)]
    pub date_from: Option<String>,
    #[serde(default)]
    pub date_to: Option<String>,
}

impl Default for DateRange {
    fn default() -> Self {
        Self {
            date_from: Some(DEFAULT_DATE_FROM.into()),
            date_to: None,
        }
    }
}

impl DateRange {
    /// Where the range starts, [`DEFAULT_DATE_FROM`] when it does not say.
    pub fn date_from_or_default(&self) -> &str {
        self.date_from.as_deref().unwrap_or(DEFAULT_DATE_FROM)
    }
}
