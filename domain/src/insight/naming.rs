//! Automatic names for unnamed insights.
//!
//! Follows PostHog's `summarizeInsight`: an unnamed insight is called by what
//! it shows, e.g. "Pageview unique users by Browser",
//! "Pageview → signed up conversion" or "Retention of users who did signed up
//! and came back to purchase". The same name is used on pages, in lists,
//! emails and link previews. Core `$` events and properties get friendly
//! labels; custom ones keep their raw names.

use super::query::{BreakdownFilter, EventsNode, FunnelOrder, InsightQuery, Math, RetentionType};

/// A readable name derived from the query; never empty.
pub fn derived_name(query: &InsightQuery) -> String {
    let name = match query {
        InsightQuery::Trends(q) => {
            let series = match q.trends_filter.formula.as_deref().map(str::trim) {
                Some(formula) if !formula.is_empty() => {
                    let lettered: Vec<String> = q
                        .series
                        .iter()
                        .zip('A'..='Z')
                        .map(|(node, letter)| format!("{letter}. {}", trend_series(node)))
                        .collect();
                    format!("{formula} on {}", lettered.join(" & "))
                }
                _ => join(q.series.iter().map(trend_series), " & "),
            };
            let by = if q.series.len() > 1 { ", by" } else { " by" };
            series + &breakdown_suffix(q.breakdown_filter.as_ref(), by)
        }
        InsightQuery::Funnels(q) if !q.series.is_empty() => {
            let arrow = match q.funnels_filter.funnel_order_type {
                FunnelOrder::Ordered => " → ",
                FunnelOrder::Strict => " ⇉ ",
                FunnelOrder::Unordered => " & ",
            };
            let steps = join(q.series.iter().map(series_label), arrow);
            format!(
                "{steps} conversion{}",
                breakdown_suffix(q.breakdown_filter.as_ref(), " by")
            )
        }
        InsightQuery::Funnels(_) => String::new(),
        InsightQuery::Retention(q) => {
            let filter = &q.retention_filter;
            let target = &filter.target_entity.id;
            let returning = &filter.returning_entity.id;
            let first_time = match filter.retention_type {
                RetentionType::FirstTime => " for the first time",
                RetentionType::Recurring => "",
            };
            let again = if returning == target {
                "do it again".to_owned()
            } else {
                event_label(Some(returning))
            };
            format!(
                "Retention of users who did {}{first_time} and came back to {again}",
                event_label(Some(target))
            )
        }
    };
    if name.trim().is_empty() {
        query.kind().label().to_owned()
    } else {
        name
    }
}

/// The display name of an event; `None` (or a blank name) means all events.
pub fn event_label(event: Option<&str>) -> String {
    let Some(event) = event.filter(|e| !e.trim().is_empty()) else {
        return "All events".to_owned();
    };
    match event {
        "$pageview" => "Pageview".to_owned(),
        "$pageleave" => "Pageleave".to_owned(),
        "$autocapture" => "Autocapture".to_owned(),
        "$screen" => "Screen".to_owned(),
        "$identify" => "Identify".to_owned(),
        "$rageclick" => "Rageclick".to_owned(),
        "$create_alias" => "Create alias".to_owned(),
        other => core_label(other),
    }
}

/// The display name of an event or person property key.
pub fn property_label(key: &str) -> String {
    match key {
        "$browser" => "Browser".to_owned(),
        "$os" => "OS".to_owned(),
        "$current_url" => "Current URL".to_owned(),
        "$pathname" => "Path name".to_owned(),
        "$geoip_country_code" => "Country code".to_owned(),
        "$session_id" => "Session ID".to_owned(),
        "$browser_version" => "Browser version".to_owned(),
        "$device_type" => "Device type".to_owned(),
        "$referrer" => "Referrer".to_owned(),
        other => core_label(other),
    }
}

/// A series' or step's name: its custom name when set, else its event's label.
pub fn series_label(node: &EventsNode) -> String {
    match node.custom_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => event_label(node.event.as_deref()),
    }
}

/// How a math reads after the series (or after its property, for property math).
fn math_phrase(math: Math) -> &'static str {
    match math {
        Math::Total => "count",
        Math::Dau => "unique users",
        Math::WeeklyActive => "weekly active users",
        Math::MonthlyActive => "monthly active users",
        Math::UniqueSession => "unique sessions",
        Math::Sum => "sum",
        Math::Avg => "average",
        Math::Min => "minimum",
        Math::Max => "maximum",
        Math::Median => "median",
        Math::P90 => "90th percentile",
        Math::P95 => "95th percentile",
        Math::P99 => "99th percentile",
    }
}

/// One trend series: "Pageview unique users", "purchase's amount sum".
fn trend_series(node: &EventsNode) -> String {
    let label = series_label(node);
    let phrase = math_phrase(node.math);
    match node.math_property.as_deref().filter(|p| !p.is_empty()) {
        Some(property) if node.math.needs_property() => {
            format!("{label}'s {} {phrase}", property_label(property))
        }
        _ => format!("{label} {phrase}"),
    }
}

/// `"<by> <property label>"` when a breakdown is set, else nothing.
fn breakdown_suffix(filter: Option<&BreakdownFilter>, by: &str) -> String {
    BreakdownFilter::property(filter)
        .map(|(_, key, _)| format!("{by} {}", property_label(key)))
        .unwrap_or_default()
}

/// `$feature_flag_called` → "Feature flag called"; names without `$` stay raw.
fn core_label(name: &str) -> String {
    let Some(rest) = name.strip_prefix('$').filter(|r| !r.is_empty()) else {
        return name.to_owned();
    };
    let spaced = rest.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_owned(),
    }
}

fn join(parts: impl Iterator<Item = String>, separator: &str) -> String {
    parts.collect::<Vec<_>>().join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn name(query: Value) -> String {
        let query: InsightQuery = serde_json::from_value(query).expect("PostHog JSON parses");
        derived_name(&query)
    }

    fn event(event: &str, math: &str) -> Value {
        json!({"kind": "EventsNode", "event": event, "math": math})
    }

    fn trends(series: Vec<Value>) -> Value {
        json!({"kind": "TrendsQuery", "series": series})
    }

    fn funnel(events: &[&str], order: &str) -> Value {
        let series: Vec<Value> = events
            .iter()
            .map(|e| json!({"kind": "EventsNode", "event": e}))
            .collect();
        json!({"kind": "FunnelsQuery", "series": series, "funnelsFilter": {"funnelOrderType": order}})
    }

    fn retention(target: &str, returning: &str, kind: &str) -> Value {
        json!({"kind": "RetentionQuery", "retentionFilter": {
            "targetEntity": {"id": target, "type": "events"},
            "returningEntity": {"id": returning, "type": "events"},
            "retentionType": kind,
        }})
    }

    fn with(mut query: Value, key: &str, value: Value) -> Value {
        query[key] = value;
        query
    }

    #[test]
    fn derived_names() {
        let by_browser = json!({"breakdown_type": "event", "breakdown": "$browser"});
        let by_country = json!({"breakdown": "$geoip_country_code"});
        let by_plan = json!({"breakdown_type": "person", "breakdown": "plan"});
        let cases: Vec<(Value, &str)> = vec![
            // every counting math
            (trends(vec![event("$pageview", "total")]), "Pageview count"),
            (trends(vec![event("$pageview", "dau")]), "Pageview unique users"),
            (trends(vec![event("$pageview", "weekly_active")]), "Pageview weekly active users"),
            (trends(vec![event("$pageview", "monthly_active")]), "Pageview monthly active users"),
            (trends(vec![event("$pageview", "unique_session")]), "Pageview unique sessions"),
            // math defaults to total
            (trends(vec![json!({"kind": "EventsNode", "event": "signed up"})]), "signed up count"),
            // all events, custom names
            (trends(vec![json!({"kind": "EventsNode", "event": null})]), "All events count"),
            (trends(vec![json!({"kind": "EventsNode"})]), "All events count"),
            (
                trends(vec![json!({"kind": "EventsNode", "event": "$pageview", "custom_name": "Visits", "math": "dau"})]),
                "Visits unique users",
            ),
            (
                trends(vec![json!({"kind": "EventsNode", "event": "$pageview", "custom_name": "  "})]),
                "Pageview count",
            ),
            // several series
            (
                trends(vec![event("$pageview", "dau"), event("$rageclick", "monthly_active"), event("purchase", "total")]),
                "Pageview unique users & Rageclick monthly active users & purchase count",
            ),
            // breakdowns: one series, several series, person property
            (
                with(trends(vec![event("$pageview", "dau")]), "breakdownFilter", by_browser.clone()),
                "Pageview unique users by Browser",
            ),
            (
                with(trends(vec![event("$pageview", "total"), event("signed up", "total")]), "breakdownFilter", by_country),
                "Pageview count & signed up count, by Country code",
            ),
            (
                with(trends(vec![event("purchase", "total")]), "breakdownFilter", by_plan.clone()),
                "purchase count by plan",
            ),
            (
                with(trends(vec![event("purchase", "total")]), "breakdownFilter", json!({"breakdown": null})),
                "purchase count",
            ),
            // formula, with and without a breakdown
            (
                with(
                    trends(vec![event("$pageview", "dau"), event("signed up", "total")]),
                    "trendsFilter",
                    json!({"formula": "A / B * 100"}),
                ),
                "A / B * 100 on A. Pageview unique users & B. signed up count",
            ),
            (
                with(
                    with(
                        trends(vec![event("$pageview", "dau"), event("signed up", "total")]),
                        "trendsFilter",
                        json!({"formula": "A / B"}),
                    ),
                    "breakdownFilter",
                    by_browser.clone(),
                ),
                "A / B on A. Pageview unique users & B. signed up count, by Browser",
            ),
            (
                with(trends(vec![event("$pageview", "dau")]), "trendsFilter", json!({"formula": " "})),
                "Pageview unique users",
            ),
            // funnels: the three orders, default order, breakdown, custom step name
            (funnel(&["$pageview", "signed up", "purchase"], "ordered"), "Pageview → signed up → purchase conversion"),
            (funnel(&["signed up", "purchase"], "strict"), "signed up ⇉ purchase conversion"),
            (funnel(&["$pageview", "signed up"], "unordered"), "Pageview & signed up conversion"),
            (
                json!({"kind": "FunnelsQuery", "series": [
                    {"kind": "EventsNode", "event": "$pageview", "custom_name": "Landing"},
                    {"kind": "EventsNode", "event": null},
                ]}),
                "Landing → All events conversion",
            ),
            (
                with(funnel(&["$pageview", "signed up"], "unordered"), "breakdownFilter", by_browser),
                "Pageview & signed up conversion by Browser",
            ),
            (
                with(funnel(&["$pageview", "signed up"], "ordered"), "breakdownFilter", by_plan),
                "Pageview → signed up conversion by plan",
            ),
            // retention: both types, same and different returning event
            (
                retention("signed up", "purchase", "retention_recurring"),
                "Retention of users who did signed up and came back to purchase",
            ),
            (
                retention("$pageview", "$pageview", "retention_first_time"),
                "Retention of users who did Pageview for the first time and came back to do it again",
            ),
            (
                retention("signed up", "$pageview", "retention_first_time"),
                "Retention of users who did signed up for the first time and came back to Pageview",
            ),
            (
                retention("purchase", "purchase", "retention_recurring"),
                "Retention of users who did purchase and came back to do it again",
            ),
        ];
        for (query, expected) in cases {
            assert_eq!(name(query.clone()), expected, "for {query}");
        }
    }

    #[test]
    fn property_math() {
        let cases = [
            ("sum", "purchase's amount sum"),
            ("avg", "purchase's amount average"),
            ("min", "purchase's amount minimum"),
            ("max", "purchase's amount maximum"),
            ("median", "purchase's amount median"),
            ("p90", "purchase's amount 90th percentile"),
            ("p95", "purchase's amount 95th percentile"),
            ("p99", "purchase's amount 99th percentile"),
        ];
        for (math, expected) in cases {
            let node = json!({"kind": "EventsNode", "event": "purchase", "math": math, "math_property": "amount"});
            assert_eq!(name(trends(vec![node])), expected);
        }
        let node = json!({"kind": "EventsNode", "event": "$pageview", "math": "avg", "math_property": "$session_duration"});
        let two = trends(vec![node, event("$pageview", "total")]);
        assert_eq!(
            name(two),
            "Pageview's Session duration average & Pageview count"
        );
    }

    #[test]
    fn labels() {
        let events = [
            (None, "All events"),
            (Some("$pageview"), "Pageview"),
            (Some("$pageleave"), "Pageleave"),
            (Some("$autocapture"), "Autocapture"),
            (Some("$screen"), "Screen"),
            (Some("$identify"), "Identify"),
            (Some("$rageclick"), "Rageclick"),
            (Some("$create_alias"), "Create alias"),
            (Some("$feature_flag_called"), "Feature flag called"),
            (Some("signed up"), "signed up"),
            (Some("purchase"), "purchase"),
            (Some("$"), "$"),
        ];
        for (event, expected) in events {
            assert_eq!(event_label(event), expected);
        }
        let properties = [
            ("$browser", "Browser"),
            ("$os", "OS"),
            ("$current_url", "Current URL"),
            ("$pathname", "Path name"),
            ("$geoip_country_code", "Country code"),
            ("$session_id", "Session ID"),
            ("$browser_version", "Browser version"),
            ("$device_type", "Device type"),
            ("$referrer", "Referrer"),
            ("$screen_width", "Screen width"),
            ("plan", "plan"),
            ("amount", "amount"),
        ];
        for (key, expected) in properties {
            assert_eq!(property_label(key), expected);
        }
        let node = EventsNode {
            custom_name: Some("Checkout".into()),
            ..EventsNode::event("purchase")
        };
        assert_eq!(series_label(&node), "Checkout");
        assert_eq!(series_label(&EventsNode::default()), "All events");
    }

    #[test]
    fn never_empty() {
        for kind in super::super::query::InsightKind::ALL {
            assert!(!derived_name(&kind.starter()).is_empty());
        }
        let empty = InsightQuery::Funnels(Default::default());
        assert_eq!(derived_name(&empty), "Funnel");
        let empty = InsightQuery::Trends(Default::default());
        assert_eq!(derived_name(&empty), "Trends");
        assert_eq!(
            name(retention("", "", "retention_recurring")),
            "Retention of users who did All events and came back to do it again"
        );
    }
}
