//! Series of a trend and steps of a funnel, and how they aggregate.

use super::filters::validate_filters;
use super::PropertyFilter;
use crate::enum_strings::enum_strings;
use crate::validation::Invalid;
use serde::{Deserialize, Serialize};
use strum::{EnumMessage, EnumString, IntoStaticStr, VariantArray};

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

/// How a series aggregates its events; the strum name is the wire name.
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
pub enum Math {
    #[default]
    #[strum(message = "Total count")]
    Total,
    #[strum(message = "Unique users")]
    Dau,
    #[strum(message = "Weekly active users")]
    WeeklyActive,
    #[strum(message = "Monthly active users")]
    MonthlyActive,
    #[strum(message = "Unique sessions")]
    UniqueSession,
    #[strum(message = "Property sum")]
    Sum,
    #[strum(message = "Property average")]
    Avg,
    #[strum(message = "Property minimum")]
    Min,
    #[strum(message = "Property maximum")]
    Max,
    #[strum(message = "Property median")]
    Median,
    #[strum(message = "Property 90th percentile")]
    P90,
    #[strum(message = "Property 95th percentile")]
    P95,
    #[strum(message = "Property 99th percentile")]
    P99,
}

enum_strings!(Math, label, parse);

impl Math {
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
}
