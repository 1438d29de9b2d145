use super::*;
use serde::Serialize;
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

/// Every variant's serde name is its strum name, and that name parses back.
fn names_agree<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
where
    T: Copy + PartialEq + std::fmt::Debug + Serialize + serde::de::DeserializeOwned,
{
    for &variant in all {
        let name = as_str(variant);
        let quoted = format!("\"{name}\"");
        assert_eq!(serde_json::to_string(&variant).unwrap(), quoted);
        assert_eq!(serde_json::from_str::<T>(&quoted).unwrap(), variant);
        assert_eq!(parse(name), Some(variant), "{name}");
    }
}

/// Every variant has a label of its own.
fn labels_distinct<T: Copy + std::fmt::Debug>(all: &[T], label: fn(T) -> &'static str) {
    let labels: Vec<&str> = all.iter().map(|&v| label(v)).collect();
    for (i, text) in labels.iter().enumerate() {
        assert!(!text.is_empty(), "{:?}", all[i]);
        assert!(!labels[..i].contains(text), "{text} twice");
    }
}

#[test]
fn enum_names_are_their_serde_names_and_parse_back() {
    names_agree(&Math::ALL, Math::as_str, Math::parse);
    names_agree(&Operator::ALL, Operator::as_str, Operator::parse);
    names_agree(&Interval::ALL, Interval::as_str, Interval::parse);
    names_agree(&Display::ALL, Display::as_str, Display::parse);
    names_agree(&WindowUnit::ALL, WindowUnit::as_str, WindowUnit::parse);
    names_agree(&FunnelOrder::ALL, FunnelOrder::as_str, FunnelOrder::parse);
    names_agree(
        &RetentionPeriod::ALL,
        RetentionPeriod::as_str,
        RetentionPeriod::parse,
    );
}

#[test]
fn enum_names_keep_posthogs_spelling() {
    let math: Vec<&str> = Math::ALL.into_iter().map(Math::as_str).collect();
    assert_eq!(
        math,
        [
            "total",
            "dau",
            "weekly_active",
            "monthly_active",
            "unique_session",
            "sum",
            "avg",
            "min",
            "max",
            "median",
            "p90",
            "p95",
            "p99"
        ]
    );
    let operators: Vec<&str> = Operator::ALL.into_iter().map(Operator::as_str).collect();
    assert_eq!(
        operators,
        [
            "exact",
            "is_not",
            "icontains",
            "not_icontains",
            "regex",
            "not_regex",
            "gt",
            "gte",
            "lt",
            "lte",
            "is_set",
            "is_not_set"
        ]
    );
    assert_eq!(
        Display::ActionsLineGraphCumulative.as_str(),
        "ActionsLineGraphCumulative"
    );
    assert_eq!(RetentionPeriod::Week.as_str(), "Week");
    // Pickers list the choices in declaration order.
    assert_eq!(
        Interval::ALL,
        [
            Interval::Hour,
            Interval::Day,
            Interval::Week,
            Interval::Month
        ]
    );
}

#[test]
fn only_exact_names_parse() {
    assert_eq!(Math::parse("Total"), None);
    assert_eq!(Math::parse("Total count"), None);
    assert_eq!(Operator::parse("equals"), None);
    assert_eq!(Interval::parse(""), None);
    assert_eq!(Display::parse("actions_bar"), None);
    assert_eq!(InsightKind::parse("Trends"), None);
}

#[test]
fn every_choice_has_its_own_label() {
    labels_distinct(&Math::ALL, Math::label);
    labels_distinct(&Operator::ALL, Operator::label);
    labels_distinct(&Display::ALL, Display::label);
    labels_distinct(&FunnelOrder::ALL, FunnelOrder::label);
    labels_distinct(&InsightKind::ALL, InsightKind::label);
    assert_eq!(Math::Dau.label(), "Unique users");
    assert_eq!(Operator::NotIcontains.label(), "doesn't contain");
    assert_eq!(Display::BoldNumber.label(), "Number");
    assert_eq!(FunnelOrder::Ordered.label(), "Sequential");
}

#[test]
fn insight_kinds_are_lower_case_in_links_and_variant_names_in_json() {
    let links: Vec<&str> = InsightKind::ALL
        .into_iter()
        .map(InsightKind::as_str)
        .collect();
    assert_eq!(links, ["trends", "funnels", "retention"]);
    let labels: Vec<&str> = InsightKind::ALL
        .into_iter()
        .map(InsightKind::label)
        .collect();
    assert_eq!(labels, ["Trends", "Funnel", "Retention"]);
    for kind in InsightKind::ALL {
        assert_eq!(InsightKind::parse(kind.as_str()), Some(kind));
        assert_eq!(kind.starter().kind(), kind);
    }
    assert_eq!(
        serde_json::to_string(&InsightKind::Funnels).unwrap(),
        "\"Funnels\""
    );
}
