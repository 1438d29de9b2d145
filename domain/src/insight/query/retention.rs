//! Retention: the query and its options.

use super::{DateRange, Interval, PropertyFilter, DEFAULT_EVENT, DEFAULT_RETENTION_INTERVALS};
use crate::enum_strings::enum_strings;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// Retention: of the people who did one thing, how many came back.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionQuery {
    #[serde(default)]
    pub date_range: DateRange,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyFilter>,
    #[serde(default)]
    pub retention_filter: RetentionFilter,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionFilter {
    pub target_entity: RetentionEntity,
    pub returning_entity: RetentionEntity,
    #[serde(default)]
    pub retention_type: RetentionType,
    #[serde(default)]
    pub period: RetentionPeriod,
    #[serde(default = "default_intervals")]
    pub total_intervals: u32,
}

fn default_intervals() -> u32 {
    DEFAULT_RETENTION_INTERVALS
}

impl Default for RetentionFilter {
    fn default() -> Self {
        Self {
            target_entity: RetentionEntity::event(DEFAULT_EVENT),
            returning_entity: RetentionEntity::event(DEFAULT_EVENT),
            retention_type: RetentionType::default(),
            period: RetentionPeriod::default(),
            total_intervals: DEFAULT_RETENTION_INTERVALS,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionEntity {
    pub id: String,
    #[serde(rename = "type", default = "events_type")]
    pub entity_type: String,
}

fn events_type() -> String {
    "events".into()
}

impl RetentionEntity {
    pub fn event(name: &str) -> Self {
        Self {
            id: name.to_owned(),
            entity_type: events_type(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum RetentionType {
    /// A person's cohort is every period in which they did the target event.
    #[default]
    #[serde(rename = "retention_recurring")]
    Recurring,
    /// A person's cohort is the period of their first target event ever.
    #[serde(rename = "retention_first_time")]
    FirstTime,
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
pub enum RetentionPeriod {
    Day,
    #[default]
    Week,
    Month,
}

enum_strings!(RetentionPeriod, parse);

impl RetentionPeriod {
    pub fn interval(self) -> Interval {
        match self {
            Self::Day => Interval::Day,
            Self::Week => Interval::Week,
            Self::Month => Interval::Month,
        }
    }
}
