//! What running an insight query returns, shared by the server (which
//! computes it) and the browser (which draws it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InsightResult {
    Trends(TrendsResult),
    Funnels(FunnelsResult),
    Retention(RetentionResult),
}

impl InsightResult {
    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Trends(t) => t
                .series
                .iter()
                .all(|s| s.data.iter().all(|v| *v == 0.0) && s.total == 0.0),
            Self::Funnels(f) => f.steps.first().is_none_or(|s| s.count == 0),
            Self::Retention(r) => r
                .cohorts
                .iter()
                .all(|c| c.values.first().is_none_or(|v| *v == 0)),
        }
    }
}

/// A computed result and how fresh it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryOutcome {
    pub result: InsightResult,
    /// When the result was computed.
    pub last_refresh: DateTime<Utc>,
    /// Whether it came from the cache.
    pub is_cached: bool,
    pub time_zone: crate::project::TimeZone,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendsResult {
    /// Bucket labels, e.g. `3-Nov-2026`.
    pub labels: Vec<String>,
    /// Bucket starts in local time, ISO format.
    pub days: Vec<String>,
    pub series: Vec<TrendSeries>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendSeries {
    /// The series' display name (or the formula).
    pub label: String,
    /// Which query series this is (`None` for a formula).
    pub series_index: Option<usize>,
    pub breakdown_value: Option<String>,
    /// One value per bucket.
    pub data: Vec<f64>,
    /// The whole range as one number: distinct over the range for unique
    /// counts, the sum for counts.
    pub total: f64,
    pub compare: Option<ComparePeriod>,
}

impl TrendSeries {
    /// How the series is named in legends and tables: its label, the
    /// breakdown value after a dot, "(previous)" for a compared period.
    pub fn display_name(&self) -> String {
        let mut name = self.label.clone();
        if let Some(value) = &self.breakdown_value {
            name = format!("{name} · {}", super::breakdown_label(value));
        }
        if self.compare == Some(ComparePeriod::Previous) {
            name.push_str(" (previous)");
        }
        name
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ComparePeriod {
    Current,
    Previous,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelsResult {
    /// All people together.
    pub steps: Vec<FunnelStep>,
    /// Per breakdown value, most entrants first; empty without a breakdown.
    pub breakdowns: Vec<FunnelBreakdown>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelBreakdown {
    pub value: String,
    pub steps: Vec<FunnelStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelStep {
    pub name: String,
    /// People who reached this step.
    pub count: u64,
    /// Median seconds from the previous step, for those who reached this one.
    pub median_conversion_time: Option<f64>,
    pub average_conversion_time: Option<f64>,
}

impl FunnelStep {
    /// Conversion from the first step, 0–1.
    pub fn rate_from(&self, first: u64) -> f64 {
        if first == 0 {
            0.0
        } else {
            self.count as f64 / first as f64
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionResult {
    pub cohorts: Vec<RetentionCohort>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionCohort {
    /// e.g. `2-Nov-2026`
    pub label: String,
    /// Local start of the cohort's period, ISO format.
    pub date: String,
    /// `values[0]` is the cohort's size; `values[k]` how many came back `k`
    /// periods later. Later cohorts have fewer values.
    pub values: Vec<u64>,
}
