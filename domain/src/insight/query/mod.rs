//! The insight query model, shaped like PostHog's query nodes (`TrendsQuery`,
//! `FunnelsQuery`, `RetentionQuery`) so that saved JSON reads the same and its
//! users feel at home. Fields keep PostHog's spelling: camelCase for the
//! query-level options, snake_case inside series, filters and breakdowns.

mod breakdown;
mod date_range;
mod defaults;
mod filters;
mod funnels;
mod limits;
mod parts;
mod retention;
mod series;
#[cfg(test)]
mod tests;
mod trends;

pub use breakdown::*;
pub use date_range::*;
pub use defaults::*;
pub use filters::*;
pub use funnels::*;
pub use limits::*;
pub use retention::*;
pub use series::*;
pub use trends::*;

use crate::enum_strings::enum_strings;
use crate::validation::Invalid;
use serde::{Deserialize, Serialize};
use strum::{EnumMessage, EnumString, IntoStaticStr, VariantArray};

/// One insight's whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum InsightQuery {
    #[serde(rename = "TrendsQuery")]
    Trends(TrendsQuery),
    #[serde(rename = "FunnelsQuery")]
    Funnels(FunnelsQuery),
    #[serde(rename = "RetentionQuery")]
    Retention(RetentionQuery),
}

/// Links and test ids name a kind in lower case (`trends`); serde keeps the
/// variant name (`Trends`), which the saved-insights list filter carries.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
    EnumMessage,
)]
#[strum(serialize_all = "lowercase")]
pub enum InsightKind {
    #[strum(message = "Trends")]
    Trends,
    #[strum(message = "Funnel")]
    Funnels,
    #[strum(message = "Retention")]
    Retention,
}

enum_strings!(InsightKind, label, parse);

impl InsightKind {
    /// The query a new insight of this kind starts from.
    pub fn starter(self) -> InsightQuery {
        let pageview = || EventsNode::event(DEFAULT_EVENT);
        match self {
            Self::Trends => InsightQuery::Trends(TrendsQuery {
                series: vec![pageview()],
                ..TrendsQuery::default()
            }),
            Self::Funnels => InsightQuery::Funnels(FunnelsQuery {
                series: vec![pageview(), EventsNode::event("signed up")],
                ..FunnelsQuery::default()
            }),
            Self::Retention => InsightQuery::Retention(RetentionQuery::default()),
        }
    }
}

impl Default for InsightQuery {
    fn default() -> Self {
        InsightKind::Trends.starter()
    }
}

impl InsightQuery {
    pub fn kind(&self) -> InsightKind {
        match self {
            Self::Trends(_) => InsightKind::Trends,
            Self::Funnels(_) => InsightKind::Funnels,
            Self::Retention(_) => InsightKind::Retention,
        }
    }

    /// Parses stored or linked JSON and checks it.
    pub fn from_json(text: &str) -> Result<Self, Invalid> {
        let query = Self::from_json_as_written(text)?;
        query.validate()?;
        Ok(query)
    }

    /// The query as written, whether or not its values are within the limits:
    /// for the editor, which keeps what the person wrote and shows what
    /// [`Self::validate`] finds next to the field it is about.
    pub fn from_json_as_written(text: &str) -> Result<Self, Invalid> {
        serde_json::from_str(text)
            .map_err(|e| Invalid::new("query", format!("This insight query is not valid: {e}")))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a query always serializes")
    }

    /// Checks what serde cannot: counts, required companions, formulas.
    pub fn validate(&self) -> Result<(), Invalid> {
        match self {
            Self::Trends(q) => {
                if q.series.is_empty() || q.series.len() > MAX_SERIES {
                    return Err(Invalid::new(
                        "series",
                        format!("A trend needs between 1 and {MAX_SERIES} series."),
                    ));
                }
                q.series.iter().try_for_each(EventsNode::validate)?;
                if let Some(formula) = &q.trends_filter.formula {
                    super::formula::Formula::parse(formula, q.series.len())?;
                }
                validate_breakdown(q.breakdown_filter.as_ref())?;
            }
            Self::Funnels(q) => {
                let (min, max) = (MIN_FUNNEL_STEPS, MAX_FUNNEL_STEPS);
                if !(min..=max).contains(&q.series.len()) {
                    return Err(Invalid::new(
                        "series",
                        format!("A funnel needs between {min} and {max} steps."),
                    ));
                }
                q.series.iter().try_for_each(EventsNode::validate)?;
                if q.funnels_filter.funnel_window_interval == 0 {
                    return Err(Invalid::new(
                        "funnelWindowInterval",
                        "The conversion window must be at least 1.",
                    ));
                }
                validate_breakdown(q.breakdown_filter.as_ref())?;
            }
            Self::Retention(q) => {
                let n = q.retention_filter.total_intervals;
                if !(1..=MAX_RETENTION_INTERVALS).contains(&n) {
                    return Err(Invalid::new(
                        "totalIntervals",
                        format!(
                            "Retention covers between 1 and {MAX_RETENTION_INTERVALS} periods."
                        ),
                    ));
                }
            }
        }
        validate_filters(self.properties(), "properties")?;
        super::dates::DateBound::parse_range(self.date_range()).map(|_| ())
    }

    /// The events this query reads (`None` = all events), in order, deduplicated.
    pub fn events_used(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut add = |name: &str| {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        };
        self.series()
            .iter()
            .filter_map(|s| s.event.as_deref())
            .for_each(&mut add);
        if let Self::Retention(q) = self {
            add(&q.retention_filter.target_entity.id);
            add(&q.retention_filter.returning_entity.id);
        }
        names
    }

    /// The properties this query reads, with their scope, deduplicated.
    pub fn properties_used(&self) -> Vec<(PropertyScope, String)> {
        let mut used: Vec<(PropertyScope, String)> = Vec::new();
        let mut add = |scope: PropertyScope, key: &str| {
            if !used.iter().any(|(s, k)| *s == scope && k == key) {
                used.push((scope, key.to_owned()));
            }
        };
        for node in self.series() {
            if let Some(key) = &node.math_property {
                add(PropertyScope::Event, key);
            }
            for filter in &node.properties {
                add(filter.scope, &filter.key);
            }
        }
        for filter in self.properties() {
            add(filter.scope, &filter.key);
        }
        if let Some(BreakdownFilter {
            breakdown: Some(key),
            breakdown_type,
            ..
        }) = self.breakdown()
        {
            add(*breakdown_type, key);
        }
        used
    }
}
