//! Funnels: the query and its options.

use super::{
    BreakdownFilter, DateRange, EventsNode, Interval, PropertyFilter, DEFAULT_FUNNEL_WINDOW,
};
use crate::enum_strings::enum_strings;
use serde::{Deserialize, Serialize};
use strum::{EnumMessage, EnumString, IntoStaticStr, VariantArray};

/// Funnels: how many people go through ordered steps.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunnelsQuery {
    pub series: Vec<EventsNode>,
    #[serde(default)]
    pub date_range: DateRange,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_filter: Option<BreakdownFilter>,
    #[serde(default)]
    pub funnels_filter: FunnelsFilter,
}

impl FunnelsQuery {
    /// A funnel's range is counted in whole days.
    pub const INTERVAL: Interval = Interval::Day;
}

/// Missing fields take the values of [`FunnelsFilter::default`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FunnelsFilter {
    pub funnel_window_interval: u32,
    pub funnel_window_interval_unit: WindowUnit,
    pub funnel_order_type: FunnelOrder,
}

impl Default for FunnelsFilter {
    fn default() -> Self {
        Self {
            funnel_window_interval: DEFAULT_FUNNEL_WINDOW,
            funnel_window_interval_unit: WindowUnit::default(),
            funnel_order_type: FunnelOrder::default(),
        }
    }
}

impl FunnelsFilter {
    /// The conversion window in seconds (a month counts 30 days).
    pub fn window_seconds(&self) -> i64 {
        i64::from(self.funnel_window_interval) * self.funnel_window_interval_unit.seconds()
    }
}

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
pub enum WindowUnit {
    Minute,
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

enum_strings!(WindowUnit, parse);

impl WindowUnit {
    pub fn seconds(self) -> i64 {
        match self {
            Self::Minute => 60,
            Self::Hour => 3_600,
            Self::Day => 86_400,
            Self::Week => 7 * 86_400,
            Self::Month => 30 * 86_400,
        }
    }
}

/// How strictly funnel steps must follow each other.
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
    EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FunnelOrder {
    /// Steps in order; other events may happen in between.
    #[default]
    #[strum(message = "Sequential")]
    Ordered,
    /// Steps in order with nothing else in between.
    #[strum(message = "Strict order")]
    Strict,
    /// All steps within the window, in any order.
    #[strum(message = "Any order")]
    Unordered,
}

enum_strings!(FunnelOrder, label, parse);
