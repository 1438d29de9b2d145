//! Trends: the query and its options.

use super::{BreakdownFilter, DateRange, EventsNode, Interval, PropertyFilter};
use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Display {
    #[default]
    ActionsLineGraph,
    ActionsLineGraphCumulative,
    ActionsAreaGraph,
    ActionsBar,
    ActionsStackedBar,
    BoldNumber,
    ActionsPie,
    ActionsTable,
}

impl Display {
    pub const ALL: [Display; 8] = [
        Self::ActionsLineGraph,
        Self::ActionsLineGraphCumulative,
        Self::ActionsAreaGraph,
        Self::ActionsBar,
        Self::ActionsStackedBar,
        Self::BoldNumber,
        Self::ActionsPie,
        Self::ActionsTable,
    ];

    /// Displays that show one number per series rather than a time series.
    pub fn is_total_value(self) -> bool {
        matches!(
            self,
            Self::BoldNumber | Self::ActionsPie | Self::ActionsTable
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActionsLineGraph => "ActionsLineGraph",
            Self::ActionsLineGraphCumulative => "ActionsLineGraphCumulative",
            Self::ActionsAreaGraph => "ActionsAreaGraph",
            Self::ActionsBar => "ActionsBar",
            Self::ActionsStackedBar => "ActionsStackedBar",
            Self::BoldNumber => "BoldNumber",
            Self::ActionsPie => "ActionsPie",
            Self::ActionsTable => "ActionsTable",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ActionsLineGraph => "Line chart",
            Self::ActionsLineGraphCumulative => "Cumulative line chart",
            Self::ActionsAreaGraph => "Area chart",
            Self::ActionsBar => "Bar chart",
            Self::ActionsStackedBar => "Stacked bar chart",
            Self::BoldNumber => "Number",
            Self::ActionsPie => "Pie chart",
            Self::ActionsTable => "Table",
        }
    }
}
