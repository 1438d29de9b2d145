use super::*;
use serde::Serialize;

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
