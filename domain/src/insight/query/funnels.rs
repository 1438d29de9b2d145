//! Funnels: the query and its options.

use super::{
    BreakdownFilter, DateRange, EventsNode, Interval, PropertyFilter, DEFAULT_FUNNEL_WINDOW,
};
use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowUnit {
    Minute,
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

impl WindowUnit {
    pub const ALL: [WindowUnit; 5] = [Self::Minute, Self::Hour, Self::Day, Self::Week, Self::Month];

    pub fn seconds(self) -> i64 {
        match self {
            Self::Minute => 60,
            Self::Hour => 3_600,
            Self::Day => 86_400,
            Self::Week => 7 * 86_400,
            Self::Month => 30 * 86_400,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minute => "minute",
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == text)
    }
}

/// How strictly funnel steps must follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunnelOrder {
    /// Steps in order; other events may happen in between.
    #[default]
    Ordered,
    /// Steps in order with nothing else in between.
    Strict,
    /// All steps within the window, in any order.
    Unordered,
}

impl FunnelOrder {
    pub const ALL: [FunnelOrder; 3] = [Self::Ordered, Self::Strict, Self::Unordered];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ordered => "ordered",
            Self::Strict => "strict",
            Self::Unordered => "unordered",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Ordered => "Sequential",
            Self::Strict => "Strict order",
            Self::Unordered => "Any order",
        }
    }
}
