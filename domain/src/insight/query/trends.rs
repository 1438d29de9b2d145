//! Trends: the query and its options.

use super::{BreakdownFilter, DateRange, EventsNode, Interval, PropertyFilter};
use crate::enum_strings::enum_strings;
use serde::{Deserialize, Serialize};
use strum::{EnumMessage, EnumString, IntoStaticStr, VariantArray};

/// Trends: how often things happen, per interval.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendsQuery {
    pub series: Vec<EventsNode>,
    #[serde(default)]
    pub interval: Interval,
    #[serde(default)]
    pub date_range: DateRange,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_filter: Option<BreakdownFilter>,
    #[serde(default, skip_serializing_if = "CompareFilter::is_off")]
    pub compare_filter: CompareFilter,
    #[serde(default)]
    pub trends_filter: TrendsFilter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CompareFilter {
    #[serde(default)]
    pub compare: bool,
}

impl CompareFilter {
    fn is_off(&self) -> bool {
        !self.compare
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendsFilter {
    #[serde(default)]
    pub display: Display,
    /// Series arithmetic such as `A / B * 100`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
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
    EnumMessage,
)]
pub enum Display {
    #[default]
    #[strum(message = "Line chart")]
    ActionsLineGraph,
    #[strum(message = "Cumulative line chart")]
    ActionsLineGraphCumulative,
    #[strum(message = "Area chart")]
    ActionsAreaGraph,
    #[strum(message = "Bar chart")]
    ActionsBar,
    #[strum(message = "Stacked bar chart")]
    ActionsStackedBar,
    #[strum(message = "Number")]
    BoldNumber,
    #[strum(message = "Pie chart")]
    ActionsPie,
    #[strum(message = "Table")]
    ActionsTable,
}

enum_strings!(Display, label, parse);

impl Display {
    /// Displays that show one number per series rather than a time series.
    pub fn is_total_value(self) -> bool {
        matches!(
            self,
            Self::BoldNumber | Self::ActionsPie | Self::ActionsTable
        )
    }
}
