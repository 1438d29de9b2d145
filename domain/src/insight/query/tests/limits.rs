use super::*;

#[test]
fn too_many_filters_are_refused_naming_where() {
    let many = vec![filter(json!("Chrome"), "exact"); MAX_FILTERS + 1];
    let err = check(trend_with(many.clone(), vec![])).unwrap_err();
    assert_eq!(err.field, "series");
    assert!(
        err.message.contains("at most 20 filters"),
        "{}",
        err.message
    );
    let err = check(trend_with(vec![], many)).unwrap_err();
    assert_eq!(err.field, "properties");
    let enough = vec![filter(json!("Chrome"), "exact"); MAX_FILTERS];
    assert!(check(trend_with(enough.clone(), enough)).is_ok());
}

#[test]
fn too_many_or_too_long_filter_values_are_refused() {
    let values: Vec<String> = (0..=MAX_FILTER_VALUES).map(|i| i.to_string()).collect();
    let err = check(trend_with(vec![], vec![filter(json!(values), "exact")])).unwrap_err();
    assert!(
        err.message.contains("more than 100 values"),
        "{}",
        err.message
    );
    let long = "x".repeat(MAX_FILTER_VALUE_LENGTH + 1);
    let err = check(trend_with(vec![], vec![filter(json!(long), "icontains")])).unwrap_err();
    assert!(err.message.contains("longer than 1000"), "{}", err.message);
}

#[test]
fn regular_expressions_are_checked_before_they_run() {
    for bad in ["(unclosed", "*a", "[z-a]", "(?<=x)y"] {
        let err = check(trend_with(vec![filter(json!(bad), "regex")], vec![])).unwrap_err();
        assert_eq!(err.field, "series");
        assert!(err.message.contains("not valid"), "{bad}: {}", err.message);
    }
    let deep = format!("{}a{}", "(".repeat(50), ")".repeat(50));
    assert!(check(trend_with(vec![], vec![filter(json!(deep), "not_regex")])).is_err());
    let long = "a".repeat(MAX_REGEX_LENGTH + 1);
    let err = check(trend_with(vec![], vec![filter(json!(long), "regex")])).unwrap_err();
    assert!(err.message.contains("at most 500"), "{}", err.message);
    // The same text is fine where it is not a pattern.
    assert!(check(trend_with(
        vec![],
        vec![filter(json!("(unclosed"), "exact")]
    ))
    .is_ok());
    assert!(check(trend_with(
        vec![],
        vec![filter(json!("^Chrom(e|ium)$"), "regex")]
    ))
    .is_ok());
}

#[test]
fn funnel_steps_have_their_filters_checked_too() {
    let step =
        |filters: Value| json!({"kind": "EventsNode", "event": "$pageview", "properties": filters});
    let bad = json!([filter(json!("(x"), "regex")]);
    let err =
        check(json!({"kind": "FunnelsQuery", "series": [step(json!([])), step(bad)]})).unwrap_err();
    assert_eq!(err.field, "series");
    let steps = vec![step(json!([])); MAX_FUNNEL_STEPS + 1];
    assert!(check(json!({"kind": "FunnelsQuery", "series": steps})).is_err());
}

#[test]
fn series_and_breakdown_limits_hold() {
    let series = vec![json!({"kind": "EventsNode", "event": "$pageview"}); MAX_SERIES + 1];
    let err = check(json!({"kind": "TrendsQuery", "series": series})).unwrap_err();
    assert_eq!(err.field, "series");
    let err = check(json!({"kind": "TrendsQuery",
        "series": [{"kind": "EventsNode", "event": "$pageview"}],
        "breakdownFilter": {"breakdown": "$browser", "breakdown_limit": MAX_BREAKDOWN_LIMIT + 1}}))
    .unwrap_err();
    assert_eq!(err.field, "breakdown_limit");
}

#[test]
fn an_overflowing_date_range_is_a_validation_error() {
    let err = check(json!({"kind": "TrendsQuery",
        "series": [{"kind": "EventsNode", "event": "$pageview"}],
        "dateRange": {"date_from": "-4000000000d"}}))
    .unwrap_err();
    assert_eq!(err.field, "dateRange");
}

#[test]
fn each_kind_needs_its_number_of_series() {
    let trend = |n: usize| json!({"kind": "TrendsQuery", "series": vec![step("a"); n]});
    assert_eq!(refused(trend(0)), "series");
    assert!(check(trend(1)).is_ok());
    assert!(check(trend(MAX_SERIES)).is_ok());
    let funnel = |n: usize| json!({"kind": "FunnelsQuery", "series": vec![step("a"); n]});
    assert_eq!(refused(funnel(MIN_FUNNEL_STEPS - 1)), "series");
    assert_eq!(refused(funnel(MAX_FUNNEL_STEPS + 1)), "series");
    assert!(check(funnel(MIN_FUNNEL_STEPS)).is_ok());
    assert!(check(funnel(MAX_FUNNEL_STEPS)).is_ok());
    let err = check(funnel(1)).unwrap_err();
    assert_eq!(err.message, "A funnel needs between 2 and 20 steps.");
}

#[test]
fn funnel_windows_and_retention_periods_are_bounded() {
    let funnel = json!({"kind": "FunnelsQuery", "series": [step("a"), step("b")],
                        "funnelsFilter": {"funnelWindowInterval": 0}});
    assert_eq!(refused(funnel), "funnelWindowInterval");
    let retention = |n: u32| {
        json!({"kind": "RetentionQuery", "retentionFilter": {
            "targetEntity": {"id": "a"}, "returningEntity": {"id": "b"}, "totalIntervals": n}})
    };
    assert_eq!(refused(retention(0)), "totalIntervals");
    assert_eq!(
        refused(retention(MAX_RETENTION_INTERVALS + 1)),
        "totalIntervals"
    );
    assert!(check(retention(1)).is_ok());
    assert!(check(retention(MAX_RETENTION_INTERVALS)).is_ok());
}

#[test]
fn breakdown_limits_hold_for_funnels_and_default_to_ten() {
    let funnel = |breakdown: Value| {
        json!({"kind": "FunnelsQuery", "series": [step("a"), step("b")],
               "breakdownFilter": breakdown})
    };
    assert_eq!(
        refused(funnel(
            json!({"breakdown": "$browser", "breakdown_limit": 0})
        )),
        "breakdown_limit"
    );
    assert!(check(funnel(
        json!({"breakdown": "$browser", "breakdown_limit": MAX_BREAKDOWN_LIMIT})
    ))
    .is_ok());
    let unlimited = BreakdownFilter {
        breakdown_type: PropertyScope::Person,
        breakdown: Some("plan".into()),
        breakdown_limit: None,
    };
    assert_eq!(unlimited.limit(), DEFAULT_BREAKDOWN_LIMIT);
    assert_eq!(DEFAULT_BREAKDOWN_LIMIT, 10);
    assert_eq!(
        BreakdownFilter::property(Some(&unlimited)),
        Some((PropertyScope::Person, "plan", 10))
    );
    let unset = BreakdownFilter {
        breakdown: Some(String::new()),
        ..unlimited
    };
    assert_eq!(BreakdownFilter::property(Some(&unset)), None);
    assert_eq!(BreakdownFilter::property(None), None);
}

#[test]
fn property_math_needs_a_property_and_formulas_their_series() {
    let trend = |node: Value, formula: Option<&str>| {
        json!({"kind": "TrendsQuery", "series": [node, step("b")],
               "trendsFilter": {"formula": formula}})
    };
    let sum = json!({"kind": "EventsNode", "event": "purchase", "math": "sum"});
    let err = check(trend(sum.clone(), None)).unwrap_err();
    assert_eq!(err.field, "math_property");
    assert!(err.message.contains("Property sum"), "{}", err.message);
    let blank =
        json!({"kind": "EventsNode", "event": "purchase", "math": "avg", "math_property": ""});
    assert_eq!(refused(trend(blank, None)), "math_property");
    let summed = json!({"kind": "EventsNode", "event": "purchase", "math": "sum",
                        "math_property": "amount"});
    assert!(check(trend(summed.clone(), Some("A / B * 100"))).is_ok());
    assert_eq!(refused(trend(summed, Some("A / C"))), "formula");
}

#[test]
fn filters_need_a_property_a_value_and_numbers_where_they_compare() {
    let one = |filter: Value| trend_with(vec![], vec![filter]);
    let blank_key = json!({"key": " ", "operator": "is_set"});
    assert_eq!(refused(one(blank_key)), "properties");
    let err = check(one(json!({"key": "$browser", "operator": "exact"}))).unwrap_err();
    assert_eq!(err.message, "The filter on $browser needs a value.");
    assert_eq!(refused(one(filter(json!([]), "icontains"))), "properties");
    assert!(check(one(json!({"key": "$browser", "operator": "is_not_set"}))).is_ok());
    let err = check(one(filter(json!("lots"), "gt"))).unwrap_err();
    assert!(err.message.contains("compares numbers"), "{}", err.message);
    assert!(check(one(filter(json!("29"), "gte"))).is_ok());
    assert!(check(one(filter(json!(29.5), "lt"))).is_ok());
}

#[test]
fn too_deeply_nested_regular_expressions_are_refused_by_name() {
    let deep = format!("{}a{}", "(".repeat(50), ")".repeat(50));
    let err = check(trend_with(vec![], vec![filter(json!(deep), "regex")])).unwrap_err();
    assert_eq!(err.field, "properties");
    assert!(
        err.message.starts_with("The filter on $browser:"),
        "{}",
        err.message
    );
    let shallow = format!("{}a{}", "(".repeat(5), ")".repeat(5));
    assert!(check(trend_with(vec![], vec![filter(json!(shallow), "regex")])).is_ok());
    // Every listed value is checked, not only the first.
    let listed = json!(["^ok$", "(bad"]);
    assert_eq!(
        refused(trend_with(vec![], vec![filter(listed, "regex")])),
        "properties"
    );
}

#[test]
fn date_ranges_are_checked_for_every_kind() {
    let bad = json!({"date_from": "yesterday"});
    let queries = [
        json!({"kind": "TrendsQuery", "series": [step("a")], "dateRange": bad}),
        json!({"kind": "FunnelsQuery", "series": [step("a"), step("b")], "dateRange": bad}),
        json!({"kind": "RetentionQuery", "dateRange": bad, "retentionFilter": {
            "targetEntity": {"id": "a"}, "returningEntity": {"id": "b"}}}),
    ];
    for query in queries {
        assert_eq!(refused(query), "dateRange");
    }
    let to_all = json!({"kind": "TrendsQuery", "series": [step("a")],
                        "dateRange": {"date_from": "-7d", "date_to": "all"}});
    assert_eq!(refused(to_all), "dateRange");
}
