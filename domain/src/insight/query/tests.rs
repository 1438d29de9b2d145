use super::*;
use serde_json::{json, Value};

fn check(value: Value) -> Result<InsightQuery, Invalid> {
    InsightQuery::from_json(&value.to_string())
}

fn filter(value: Value, operator: &str) -> Value {
    json!({"key": "$browser", "value": value, "operator": operator, "type": "event"})
}

fn trend_with(series_filters: Vec<Value>, global: Vec<Value>) -> Value {
    json!({"kind": "TrendsQuery",
           "series": [{"kind": "EventsNode", "event": "$pageview", "properties": series_filters}],
           "properties": global})
}

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
