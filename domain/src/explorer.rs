//! What the events explorer lists, and how its address carries that.

use crate::insight::dates::DateBound;
use crate::insight::{validate_filters, DateRange, PropertyFilter};
use crate::validation::Invalid;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The longest event name the explorer looks for.
pub const MAX_EVENT_NAME_CHARS: usize = 400;

/// Events of one name (or all), matching every property filter (with the
/// insights' operators), in a time range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventsFilter {
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default)]
    pub properties: Vec<PropertyFilter>,
    /// In the insights' date grammar (`-24h`, `-7d`, `2026-11-01`); none
    /// for all time.
    #[serde(default)]
    pub date_from: Option<String>,
    /// None for now.
    #[serde(default)]
    pub date_to: Option<String>,
}

impl EventsFilter {
    /// Every event named `event`.
    pub fn named(event: &str) -> Self {
        Self {
            event: Some(event.to_owned()),
            ..Self::default()
        }
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        if self
            .event
            .as_ref()
            .is_some_and(|e| e.chars().count() > MAX_EVENT_NAME_CHARS)
        {
            return Err(Invalid::new(
                "event",
                format!("An event name is at most {MAX_EVENT_NAME_CHARS} characters."),
            ));
        }
        validate_filters(&self.properties, "properties")?;
        DateBound::parse_range(&self.date_range()).map(|_| ())
    }

    fn date_range(&self) -> DateRange {
        DateRange {
            date_from: Some(self.date_from.clone().unwrap_or_else(|| "all".into())),
            date_to: self.date_to.clone(),
        }
    }

    /// The instants the filter spans at `now` in `time_zone`: from (none
    /// for all time) until (none without an end).
    pub fn span(
        &self,
        time_zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>), Invalid> {
        DateBound::span(&self.date_range(), time_zone, now)
    }

    /// The address's query pairs, blank ones left out; `properties` as a
    /// JSON list in PostHog's filter format.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let text = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned()
        };
        let properties = if self.properties.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&self.properties).unwrap_or_default()
        };
        [
            ("event", text(&self.event)),
            ("properties", properties),
            ("date_from", text(&self.date_from)),
            ("date_to", text(&self.date_to)),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect()
    }

    /// The filter an address's query holds (`get` answers a decoded
    /// value); blank values are absent.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, Invalid> {
        let text = |key: &str| get(key).filter(|v| !v.trim().is_empty());
        let properties = match text("properties") {
            None => Vec::new(),
            Some(json) => serde_json::from_str(&json).map_err(|_| {
                Invalid::new(
                    "properties",
                    "The filters in this address could not be read.",
                )
            })?,
        };
        Ok(Self {
            event: text("event"),
            properties,
            date_from: text("date_from"),
            date_to: text("date_to"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::{FilterValue, Operator, PropertyScope, Scalar};
    use std::collections::HashMap;

    fn filter(key: &str, operator: Operator, value: Option<&str>) -> PropertyFilter {
        PropertyFilter {
            key: key.into(),
            value: value.map(|v| FilterValue::One(Scalar::Text(v.into()))),
            operator,
            scope: PropertyScope::Event,
        }
    }

    fn through_address(filter: &EventsFilter) -> EventsFilter {
        let pairs: HashMap<&str, String> = filter.query_pairs().into_iter().collect();
        EventsFilter::from_query(|key| pairs.get(key).cloned()).unwrap()
    }

    #[test]
    fn a_filter_comes_back_from_its_address() {
        let filter = EventsFilter {
            event: Some("checkout & pay \"now\" ✓".into()),
            properties: vec![
                filter("plan", Operator::Exact, Some("pro & co")),
                PropertyFilter {
                    scope: PropertyScope::Person,
                    ..filter("email", Operator::IsSet, None)
                },
            ],
            date_from: Some("-24h".into()),
            date_to: None,
        };
        assert_eq!(through_address(&filter), filter);
        assert!(EventsFilter::default().query_pairs().is_empty());
    }

    #[test]
    fn unreadable_or_invalid_filters_are_refused_by_field() {
        let error =
            EventsFilter::from_query(|key| (key == "properties").then(|| "[{".into())).unwrap_err();
        assert_eq!(error.field, "properties");
        let bad_pattern = EventsFilter {
            properties: vec![filter("url", Operator::Regex, Some("(unclosed"))],
            ..Default::default()
        };
        assert_eq!(bad_pattern.validate().unwrap_err().field, "properties");
        let bad_date = EventsFilter {
            date_from: Some("yesterday-ish".into()),
            ..Default::default()
        };
        assert_eq!(bad_date.validate().unwrap_err().field, "dateRange");
        assert!(EventsFilter::default().validate().is_ok());
    }

    #[test]
    fn spans_are_exact_and_all_time_has_no_start() {
        let now: DateTime<Utc> = "2026-12-02T10:30:00Z".parse().unwrap();
        let last_hour = EventsFilter {
            date_from: Some("-1h".into()),
            ..Default::default()
        };
        assert_eq!(
            last_hour.span(Tz::UTC, now).unwrap(),
            (Some("2026-12-02T09:30:00Z".parse().unwrap()), None)
        );
        assert_eq!(
            EventsFilter::default().span(Tz::UTC, now).unwrap(),
            (None, None)
        );
        let one_day = EventsFilter {
            date_from: Some("2026-11-01".into()),
            date_to: Some("2026-11-01".into()),
            ..Default::default()
        };
        assert_eq!(
            one_day.span(chrono_tz::Europe::Paris, now).unwrap(),
            (
                Some("2026-10-31T23:00:00Z".parse().unwrap()),
                Some("2026-11-01T23:00:00Z".parse().unwrap())
            )
        );
    }
}
