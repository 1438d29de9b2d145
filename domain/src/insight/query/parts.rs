//! A query's parts whatever its kind: the one place that matches on the kind
//! to reach its range, filters, series, breakdown, interval and display.

use super::{BreakdownFilter, DateRange, Display, EventsNode, FunnelsQuery, InsightQuery};
use super::{Interval, PropertyFilter};

impl InsightQuery {
    pub fn date_range(&self) -> &DateRange {
        match self {
            Self::Trends(q) => &q.date_range,
            Self::Funnels(q) => &q.date_range,
            Self::Retention(q) => &q.date_range,
        }
    }

    pub fn date_range_mut(&mut self) -> &mut DateRange {
        match self {
            Self::Trends(q) => &mut q.date_range,
            Self::Funnels(q) => &mut q.date_range,
            Self::Retention(q) => &mut q.date_range,
        }
    }

    /// The global property filters.
    pub fn properties(&self) -> &[PropertyFilter] {
        match self {
            Self::Trends(q) => &q.properties,
            Self::Funnels(q) => &q.properties,
            Self::Retention(q) => &q.properties,
        }
    }

    /// The query with a start date replacing its whole range (up to now) and
    /// "event property equals value" conditions joining its filters: what a
    /// dashboard viewer or a signed embed lays over a saved query.
    pub fn overridden(mut self, date_from: Option<&str>, equals: &[(String, String)]) -> Self {
        use super::{FilterValue, Operator, PropertyScope, Scalar};
        if let Some(from) = date_from.filter(|f| !f.is_empty()) {
            *self.date_range_mut() = DateRange {
                date_from: Some(from.to_owned()),
                date_to: None,
            };
        }
        for (key, value) in equals.iter().filter(|(key, _)| !key.is_empty()) {
            self.properties_mut().push(PropertyFilter {
                key: key.clone(),
                value: Some(FilterValue::One(Scalar::Text(value.clone()))),
                operator: Operator::Exact,
                scope: PropertyScope::Event,
            });
        }
        self
    }

    pub fn properties_mut(&mut self) -> &mut Vec<PropertyFilter> {
        match self {
            Self::Trends(q) => &mut q.properties,
            Self::Funnels(q) => &mut q.properties,
            Self::Retention(q) => &mut q.properties,
        }
    }

    /// A trend's series or a funnel's steps; retention has none.
    pub fn series(&self) -> &[EventsNode] {
        match self {
            Self::Trends(q) => &q.series,
            Self::Funnels(q) => &q.series,
            Self::Retention(_) => &[],
        }
    }

    /// `None` for retention, which has no series.
    pub fn series_mut(&mut self) -> Option<&mut Vec<EventsNode>> {
        match self {
            Self::Trends(q) => Some(&mut q.series),
            Self::Funnels(q) => Some(&mut q.series),
            Self::Retention(_) => None,
        }
    }

    /// The breakdown, when the query has one.
    pub fn breakdown(&self) -> Option<&BreakdownFilter> {
        match self {
            Self::Trends(q) => q.breakdown_filter.as_ref(),
            Self::Funnels(q) => q.breakdown_filter.as_ref(),
            Self::Retention(_) => None,
        }
    }

    /// Where the breakdown goes; `None` for retention, which cannot have one.
    pub fn breakdown_mut(&mut self) -> Option<&mut Option<BreakdownFilter>> {
        match self {
            Self::Trends(q) => Some(&mut q.breakdown_filter),
            Self::Funnels(q) => Some(&mut q.breakdown_filter),
            Self::Retention(_) => None,
        }
    }

    /// The periods results are bucketed by: a trend's interval, days for a
    /// funnel, a retention's period.
    pub fn interval(&self) -> Interval {
        match self {
            Self::Trends(q) => q.interval,
            Self::Funnels(_) => FunnelsQuery::INTERVAL,
            Self::Retention(q) => q.retention_filter.period.interval(),
        }
    }

    /// How the results are drawn: trends choose; the other kinds have one way.
    pub fn display(&self) -> Display {
        match self {
            Self::Trends(q) => q.trends_filter.display,
            Self::Funnels(_) | Self::Retention(_) => Display::default(),
        }
    }
}
