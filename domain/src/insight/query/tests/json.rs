use super::*;

/// A trend using every option, as the editor would save it.
fn full_trend() -> Value {
    json!({"kind": "TrendsQuery",
        "series": [
            {"kind": "EventsNode", "event": "$pageview", "custom_name": "Views", "math": "dau",
             "properties": [filter(json!(["Chrome", "Safari"]), "exact")]},
            {"kind": "EventsNode", "event": "purchase", "math": "p90", "math_property": "amount"}],
        "interval": "week",
        "dateRange": {"date_from": "2026-10-01", "date_to": "2026-10-31"},
        "properties": [{"key": "plan", "value": "pro", "operator": "is_not", "type": "person"}],
        "breakdownFilter": {"breakdown_type": "person", "breakdown": "country",
                            "breakdown_limit": 5},
        "compareFilter": {"compare": true},
        "trendsFilter": {"display": "ActionsBar", "formula": "A / B"}})
}

fn full_funnel() -> Value {
    json!({"kind": "FunnelsQuery",
        "series": [step("$pageview"), step("signed up"), step("purchase")],
        "dateRange": {"date_from": "-30d"},
        "breakdownFilter": {"breakdown": "$browser"},
        "funnelsFilter": {"funnelWindowInterval": 2, "funnelWindowIntervalUnit": "hour",
                          "funnelOrderType": "strict"}})
}

fn full_retention() -> Value {
    json!({"kind": "RetentionQuery",
        "dateRange": {"date_to": "2026-11-01"},
        "properties": [{"key": "$os", "operator": "is_set"}],
        "retentionFilter": {"targetEntity": {"id": "signed up", "type": "events"},
                            "returningEntity": {"id": "purchase", "type": "events"},
                            "retentionType": "retention_first_time", "period": "Month",
                            "totalIntervals": 12}})
}

#[test]
fn every_kind_survives_a_round_trip_through_json() {
    let starters = InsightKind::ALL.map(InsightKind::starter);
    let full = [full_trend(), full_funnel(), full_retention()].map(|v| check(v).unwrap());
    for query in starters.into_iter().chain(full) {
        let text = query.to_json();
        assert_eq!(
            InsightQuery::from_json(&text).as_ref(),
            Ok(&query),
            "{text}"
        );
    }
}

#[test]
fn saved_json_keeps_posthogs_field_names() {
    let saved: Value = serde_json::from_str(&check(full_trend()).unwrap().to_json()).unwrap();
    assert_eq!(saved, full_trend());
    let funnel: Value = serde_json::from_str(&check(full_funnel()).unwrap().to_json()).unwrap();
    assert_eq!(funnel["kind"], "FunnelsQuery");
    assert_eq!(funnel["funnelsFilter"]["funnelWindowIntervalUnit"], "hour");
    assert_eq!(funnel["series"][0]["kind"], "EventsNode");
    // Empty options stay out of saved queries.
    let starter: Value = serde_json::from_str(&InsightKind::Trends.starter().to_json()).unwrap();
    for absent in ["properties", "breakdownFilter", "compareFilter"] {
        assert!(starter.get(absent).is_none(), "{absent} in {starter}");
    }
}

#[test]
fn posthog_queries_parse_with_the_fields_huddle_does_not_use() {
    let posthog = json!({
        "kind": "TrendsQuery",
        "version": 2,
        "filterTestAccounts": false,
        "series": [{"kind": "EventsNode", "event": "$pageview", "name": "$pageview",
                    "math": "weekly_active", "version": 1}],
        "interval": "day",
        "dateRange": {"date_from": "-14d", "explicitDate": false},
        "trendsFilter": {"display": "ActionsLineGraph", "showLegend": true},
        "breakdownFilter": {"breakdown": "$browser", "breakdown_type": "event"}
    });
    let InsightQuery::Trends(q) = check(posthog).unwrap() else {
        panic!("not a trend")
    };
    assert_eq!(q.series[0].math, Math::WeeklyActive);
    assert_eq!(q.date_range.date_from.as_deref(), Some("-14d"));
    assert_eq!(q.trends_filter.display, Display::ActionsLineGraph);
    assert_eq!(
        BreakdownFilter::property(q.breakdown_filter.as_ref()),
        Some((PropertyScope::Event, "$browser", DEFAULT_BREAKDOWN_LIMIT))
    );
}

#[test]
fn what_a_query_leaves_out_takes_the_named_defaults() {
    let InsightQuery::Trends(trend) =
        check(json!({"kind": "TrendsQuery", "series": [step("$pageview")]})).unwrap()
    else {
        panic!("not a trend")
    };
    assert_eq!(trend.interval, Interval::Day);
    assert_eq!(
        trend.date_range.date_from.as_deref(),
        Some(DEFAULT_DATE_FROM)
    );
    assert_eq!(trend.series[0].math, Math::Total);
    assert_eq!(trend.trends_filter.display, Display::ActionsLineGraph);
    assert!(!trend.compare_filter.compare);

    let funnel = |filter: Value| {
        let query = json!({"kind": "FunnelsQuery", "series": [step("a"), step("b")],
                           "funnelsFilter": filter});
        match check(query).unwrap() {
            InsightQuery::Funnels(f) => f.funnels_filter,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(funnel(json!({})), FunnelsFilter::default());
    assert_eq!(
        FunnelsFilter::default().window_seconds(),
        i64::from(DEFAULT_FUNNEL_WINDOW) * 86_400
    );
    let partial = funnel(json!({"funnelWindowInterval": 3}));
    assert_eq!(partial.funnel_window_interval, 3);
    assert_eq!(partial.funnel_window_interval_unit, WindowUnit::Day);
    assert_eq!(partial.funnel_order_type, FunnelOrder::Ordered);

    let retention = json!({"kind": "RetentionQuery", "retentionFilter": {
        "targetEntity": {"id": "signed up"}, "returningEntity": {"id": "purchase"}}});
    let InsightQuery::Retention(r) = check(retention).unwrap() else {
        panic!("not a retention")
    };
    let filter = r.retention_filter;
    assert_eq!(filter.total_intervals, DEFAULT_RETENTION_INTERVALS);
    assert_eq!(filter.period, RetentionPeriod::Week);
    assert_eq!(filter.retention_type, RetentionType::Recurring);
    assert_eq!(filter.target_entity, RetentionEntity::event("signed up"));
    assert_eq!(filter.returning_entity.entity_type, "events");
}

#[test]
fn an_empty_range_starts_at_the_default_and_ends_now() {
    let range: DateRange = serde_json::from_value(json!({})).unwrap();
    assert_eq!(range.date_from, None);
    assert_eq!(range.date_from_or_default(), DEFAULT_DATE_FROM);
    assert_eq!(
        DateRange::default().date_from_or_default(),
        DEFAULT_DATE_FROM
    );
    let set = DateRange {
        date_from: Some("mStart".into()),
        date_to: None,
    };
    assert_eq!(set.date_from_or_default(), "mStart");
}

#[test]
fn new_insights_start_from_pageviews() {
    let InsightQuery::Funnels(funnel) = InsightKind::Funnels.starter() else {
        panic!("not a funnel")
    };
    assert_eq!(funnel.series.len(), MIN_FUNNEL_STEPS);
    assert_eq!(funnel.series[0].event.as_deref(), Some(DEFAULT_EVENT));
    let retention = InsightKind::Retention.starter();
    assert_eq!(retention.events_used(), [DEFAULT_EVENT]);
    assert_eq!(InsightQuery::default(), InsightKind::Trends.starter());
    for kind in InsightKind::ALL {
        assert_eq!(kind.starter().validate(), Ok(()), "{kind:?}");
    }
}

#[test]
fn json_that_is_not_a_query_is_refused_as_the_query() {
    for text in [
        "",
        "{",
        r#"{"kind": "PathsQuery"}"#,
        r#"{"kind": "TrendsQuery"}"#,
        r#"{"kind": "TrendsQuery", "series": [{"kind": "EventsNode", "math": "mode"}]}"#,
        r#"{"kind": "TrendsQuery", "series": [], "interval": "fortnight"}"#,
    ] {
        let err = InsightQuery::from_json(text).unwrap_err();
        assert_eq!(err.field, "query", "{text}");
        assert!(
            err.message.starts_with("This insight query is not valid"),
            "{text}"
        );
    }
}
