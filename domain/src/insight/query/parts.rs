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
