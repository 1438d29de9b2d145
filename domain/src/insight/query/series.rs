//! Series of a trend and steps of a funnel, and how they aggregate.

use super::filters::validate_filters;
use super::PropertyFilter;
use crate::validation::Invalid;
use serde::{Deserialize, Serialize};

/// One series of a trend or one step of a funnel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename = "EventsNode")]
pub struct EventsNode {
    /// `None` means all events.
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_name: Option<String>,
    #[serde(default)]
    pub math: Math,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub math_property: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyFilter>,
}

impl EventsNode {
    pub fn event(name: &str) -> Self {
        Self {
            event: Some(name.to_owned()),
            ..Self::default()
        }
    }

    pub(super) fn validate(&self) -> Result<(), Invalid> {
        if self.math.needs_property() && self.math_property.as_deref().is_none_or(str::is_empty) {
            return Err(Invalid::new(
                "math_property",
                format!(
                    "Pick a numeric property to take the {} of.",
                    self.math.label()
                ),
            ));
        }
        validate_filters(&self.properties, "series")
    }
}

/// How a series aggregates its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Math {
    #[default]
    Total,
    Dau,
    WeeklyActive,
    MonthlyActive,
    UniqueSession,
    Sum,
    Avg,
    Min,
    Max,
    Median,
    P90,
    P95,
    P99,
}

impl Math {
    pub const ALL: [Math; 13] = [
        Self::Total,
        Self::Dau,
        Self::WeeklyActive,
        Self::MonthlyActive,
        Self::UniqueSession,
        Self::Sum,
        Self::Avg,
        Self::Min,
        Self::Max,
        Self::Median,
        Self::P90,
        Self::P95,
        Self::P99,
    ];

    /// Property math aggregates a numeric property instead of counting.
    pub fn needs_property(self) -> bool {
        matches!(
            self,
            Self::Sum
                | Self::Avg
                | Self::Min
                | Self::Max
                | Self::Median
                | Self::P90
                | Self::P95
                | Self::P99
        )
    }

    /// The quantile for percentile math.
    pub fn quantile(self) -> Option<f64> {
        match self {
            Self::Median => Some(0.5),
            Self::P90 => Some(0.9),
            Self::P95 => Some(0.95),
            Self::P99 => Some(0.99),
            _ => None,
        }
    }

    /// The wire name, e.g. `dau`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Total => "total",
            Self::Dau => "dau",
            Self::WeeklyActive => "weekly_active",
            Self::MonthlyActive => "monthly_active",
            Self::UniqueSession => "unique_session",
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
            Self::Median => "median",
            Self::P90 => "p90",
            Self::P95 => "p95",
            Self::P99 => "p99",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// What pickers show.
    pub fn label(self) -> &'static str {
        match self {
            Self::Total => "Total count",
            Self::Dau => "Unique users",
            Self::WeeklyActive => "Weekly active users",
            Self::MonthlyActive => "Monthly active users",
            Self::UniqueSession => "Unique sessions",
            Self::Sum => "Property sum",
            Self::Avg => "Property average",
            Self::Min => "Property minimum",
            Self::Max => "Property maximum",
            Self::Median => "Property median",
            Self::P90 => "Property 90th percentile",
            Self::P95 => "Property 95th percentile",
            Self::P99 => "Property 99th percentile",
        }
    }
}
