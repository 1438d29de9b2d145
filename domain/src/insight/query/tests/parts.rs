use super::*;

fn trend() -> InsightQuery {
    check(json!({"kind": "TrendsQuery", "interval": "hour",
        "series": [
            {"kind": "EventsNode", "event": "$pageview", "math": "avg",
             "math_property": "$duration",
             "properties": [{"key": "plan", "value": "pro", "type": "person"}]},
            {"kind": "EventsNode"},
            {"kind": "EventsNode", "event": "purchase",
             "properties": [{"key": "$browser", "operator": "is_set"}]},
            {"kind": "EventsNode", "event": "$pageview"}],
        "properties": [{"key": "$browser", "operator": "is_set"},
                       {"key": "plan", "value": "pro", "type": "event"}],
        "breakdownFilter": {"breakdown": "country", "breakdown_type": "person"},
        "trendsFilter": {"display": "ActionsPie"}}))
    .unwrap()
}

fn funnel() -> InsightQuery {
    check(
        json!({"kind": "FunnelsQuery", "series": [step("signed up"), step("purchase")],
                 "breakdownFilter": {"breakdown": "$browser"}}),
    )
    .unwrap()
}

fn retention() -> InsightQuery {
    check(json!({"kind": "RetentionQuery",
        "properties": [{"key": "$os", "operator": "is_set"}],
        "retentionFilter": {"targetEntity": {"id": "signed up"},
                            "returningEntity": {"id": "signed up"}, "period": "Month"}}))
    .unwrap()
}

#[test]
fn events_used_lists_each_named_event_once_in_order() {
    assert_eq!(trend().events_used(), ["$pageview", "purchase"]);
    assert_eq!(funnel().events_used(), ["signed up", "purchase"]);
    assert_eq!(retention().events_used(), ["signed up"]);
}

#[test]
fn properties_used_lists_each_scoped_property_once() {
    use PropertyScope::{Event, Person};
    let used = trend().properties_used();
    let expected = [
        (Event, "$duration"),
        (Person, "plan"),
        (Event, "$browser"),
        (Event, "plan"),
        (Person, "country"),
    ];
    assert_eq!(used, expected.map(|(s, k)| (s, k.to_owned())));
    assert_eq!(funnel().properties_used(), [(Event, "$browser".to_owned())]);
    assert_eq!(retention().properties_used(), [(Event, "$os".to_owned())]);
}

#[test]
fn series_and_breakdowns_exist_for_trends_and_funnels_only() {
    assert_eq!(trend().series().len(), 4);
    assert_eq!(funnel().series()[1].event.as_deref(), Some("purchase"));
    assert!(retention().series().is_empty());

    let mut query = funnel();
    query
        .series_mut()
        .unwrap()
        .push(EventsNode::event("renewed"));
    assert_eq!(query.events_used(), ["signed up", "purchase", "renewed"]);
    *query.breakdown_mut().unwrap() = None;
    assert_eq!(query.breakdown(), None);
    assert_eq!(
        trend().breakdown().and_then(|b| b.breakdown.as_deref()),
        Some("country")
    );

    let mut query = retention();
    assert!(query.series_mut().is_none());
    assert!(query.breakdown_mut().is_none());
    assert_eq!(query.breakdown(), None);
}

#[test]
fn every_kind_has_a_range_and_filters_to_change() {
    for mut query in [trend(), funnel(), retention()] {
        query.date_range_mut().date_from = Some("-90d".into());
        query.properties_mut().clear();
        assert_eq!(query.date_range().date_from.as_deref(), Some("-90d"));
        assert!(query.properties().is_empty());
        assert!(query.validate().is_ok());
    }
}

#[test]
fn the_interval_and_display_follow_the_kind() {
    assert_eq!(trend().interval(), Interval::Hour);
    assert_eq!(funnel().interval(), Interval::Day);
    assert_eq!(retention().interval(), Interval::Month);
    assert_eq!(trend().display(), Display::ActionsPie);
    assert!(trend().display().is_total_value());
    assert_eq!(funnel().display(), Display::default());
    assert_eq!(retention().display(), Display::ActionsLineGraph);
}
