use super::*;

fn parsed(value: Value) -> PropertyFilter {
    serde_json::from_value(value).unwrap()
}

#[test]
fn a_filter_lists_its_values_one_or_many() {
    let one = parsed(json!({"key": "plan", "value": "pro"}));
    assert_eq!(one.values(), [Scalar::Text("pro".into())]);
    assert_eq!(one.operator, Operator::Exact);
    assert_eq!(one.scope, PropertyScope::Event);
    let many = parsed(json!({"key": "age", "value": [30, "31", true], "operator": "exact"}));
    assert_eq!(
        many.values(),
        [
            Scalar::Number(30.0),
            Scalar::Text("31".into()),
            Scalar::Bool(true)
        ]
    );
    let none = parsed(json!({"key": "age", "operator": "is_set", "type": "person"}));
    assert!(none.values().is_empty());
    assert_eq!(none.scope, PropertyScope::Person);
}

#[test]
fn values_read_as_events_store_them() {
    assert_eq!(number_text(29.0), "29");
    assert_eq!(number_text(-3.0), "-3");
    assert_eq!(number_text(2.5), "2.5");
    assert_eq!(number_text(0.1), "0.1");
    assert_eq!(Scalar::Number(1.0).as_text(), "1");
    assert_eq!(Scalar::Bool(false).as_text(), "false");
    assert_eq!(Scalar::Text(" 29 ".into()).as_number(), Some(29.0));
    assert_eq!(Scalar::Text("many".into()).as_number(), None);
    assert_eq!(Scalar::Bool(true).as_number(), None);
}

#[test]
fn breakdown_buckets_read_as_other_and_none() {
    assert_eq!(breakdown_label(BREAKDOWN_OTHER), "Other");
    assert_eq!(breakdown_label(BREAKDOWN_NULL), "None");
    assert_eq!(breakdown_label("Chrome"), "Chrome");
}

#[test]
fn definitions_are_named_by_what_they_describe() {
    assert_eq!(definition_kind(None), "event");
    assert_eq!(
        definition_kind(Some(PropertyScope::Event)),
        "event_property"
    );
    assert_eq!(
        definition_kind(Some(PropertyScope::Person)),
        "person_property"
    );
}

#[test]
fn funnel_windows_count_in_seconds() {
    let window = |n: u32, unit: WindowUnit| FunnelsFilter {
        funnel_window_interval: n,
        funnel_window_interval_unit: unit,
        ..FunnelsFilter::default()
    };
    assert_eq!(window(90, WindowUnit::Minute).window_seconds(), 5_400);
    assert_eq!(window(2, WindowUnit::Week).window_seconds(), 14 * 86_400);
    assert_eq!(window(1, WindowUnit::Month).window_seconds(), 30 * 86_400);
}
