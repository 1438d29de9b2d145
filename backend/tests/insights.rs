//! Insight engine correctness: every query is run by the engine (SQL over
//! DuckDB) and by an independent plain-Rust reference (`support/reference.rs`)
//! over the same stored events, and the two must agree. A few hand-written
//! datasets check the reference itself against numbers worked out by hand.

#[path = "support/reference.rs"]
mod reference;

use backend::demo_data::DemoData;
use backend::events::{EventRow, PersonRow};
use backend::ingest::NewEvent;
use backend::ProjectScope;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::explorer::EventsFilter;
use domain::insight::{
    FunnelStep, FunnelsResult, InsightQuery, InsightResult, RetentionResult, TrendsResult,
    BREAKDOWN_NULL, BREAKDOWN_OTHER,
};
use domain::project::{ProjectName, TimeZone};
use domain::ProjectId;
use serde_json::{json, Value};
use testkit::{fresh, sign_up, TestBackend};

/// The demo data's end, and the moment every query runs at: a Wednesday
/// afternoon, 18 days after New York left daylight saving time.
const END: &str = "2026-11-18T14:37:00Z";

fn end() -> DateTime<Utc> {
    END.parse().unwrap()
}

const NEW_YORK: Tz = Tz::America__New_York;

struct Fixture {
    backend: TestBackend,
    project: ProjectId,
    scope: ProjectScope,
    events: Vec<EventRow>,
    persons: Vec<PersonRow>,
}

/// A fresh backend with one project holding `events`.
async fn with_events(batches: impl IntoIterator<Item = Vec<NewEvent>>) -> Fixture {
    let backend = fresh().await;
    let ada = sign_up(&backend, "ada@example.com").await;
    for batch in batches {
        backend.ingest.submit(ada.project, batch).await.unwrap();
    }
    let events = backend
        .events
        .latest_events(&ada.scope, &EventsFilter::default(), None, 10_000_000)
        .await
        .unwrap()
        .items;
    let persons = backend
        .events
        .persons(&ada.scope, None, None, 10_000_000)
        .await
        .unwrap()
        .items;
    Fixture {
        backend,
        project: ada.project,
        scope: ada.scope,
        events,
        persons,
    }
}

/// About `size` generated events over the 90 days before [`END`].
async fn demo(seed: u64, size: usize) -> Fixture {
    with_events(DemoData::sized(seed, size, end()).batches(2_000)).await
}

fn query(value: Value) -> InsightQuery {
    let query: InsightQuery = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("bad test query {value}: {e}"));
    query.validate().unwrap();
    query
}

impl Fixture {
    /// The project's scope once its time zone is `tz`.
    async fn in_time_zone(&self, tz: Tz) -> ProjectScope {
        let meta = &self.backend.meta;
        let zone = TimeZone::parse(tz.name()).unwrap();
        let name = ProjectName::parse(&self.scope.project().name).unwrap();
        meta.update_project(&self.scope, &name, &zone)
            .await
            .unwrap();
        meta.scope(self.scope.user(), self.project).await.unwrap()
    }

    /// The reference's answer.
    fn reference(&self, tz: Tz, query: &InsightQuery) -> InsightResult {
        reference::run(&self.events, &self.persons, tz, query, end())
    }

    /// Runs `query` on the engine and the reference, insists they agree, and
    /// returns the engine's result.
    async fn check(&self, tz: Tz, query: &InsightQuery) -> InsightResult {
        let expected = self.reference(tz, query);
        let actual = self
            .backend
            .events
            .run_insight(&self.in_time_zone(tz).await, query, end())
            .await
            .unwrap_or_else(|e| panic!("the engine failed on {}: {e}", query.to_json()));
        if let Err(difference) = same(&actual, &expected) {
            panic!(
                "engine and reference disagree ({tz}) on\n{}\n{difference}",
                query.to_json()
            );
        }
        actual
    }

    /// Checks `query` and that it has something to show (so agreement is not
    /// vacuous).
    async fn check_some(&self, tz: Tz, value: Value) -> InsightResult {
        let query = query(value);
        let result = self.check(tz, &query).await;
        assert!(
            !result.is_empty(),
            "an empty result proves little: {}",
            query.to_json()
        );
        result
    }
}

// ---------------------------------------------------------------------------
// Comparison

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()) + 1e-9
}

fn close_option(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => close(a, b),
        _ => false,
    }
}

fn same(actual: &InsightResult, expected: &InsightResult) -> Result<(), String> {
    match (actual, expected) {
        (InsightResult::Trends(a), InsightResult::Trends(e)) => same_trends(a, e),
        (InsightResult::Funnels(a), InsightResult::Funnels(e)) => same_funnels(a, e),
        (InsightResult::Retention(a), InsightResult::Retention(e)) => same_retention(a, e),
        _ => Err("different kinds of result".into()),
    }
}

fn same_trends(a: &TrendsResult, e: &TrendsResult) -> Result<(), String> {
    if a.labels != e.labels {
        return Err(format!("labels: {:?} vs {:?}", a.labels, e.labels));
    }
    if a.days != e.days {
        return Err(format!("days: {:?} vs {:?}", a.days, e.days));
    }
    let describe = |s: &domain::insight::TrendSeries| {
        (
            s.label.clone(),
            s.series_index,
            s.breakdown_value.clone(),
            s.compare,
        )
    };
    let a_ids: Vec<_> = a.series.iter().map(describe).collect();
    let e_ids: Vec<_> = e.series.iter().map(describe).collect();
    if a_ids != e_ids {
        return Err(format!("series (label, index, breakdown, compare):\n  engine    {a_ids:?}\n  reference {e_ids:?}"));
    }
    for (sa, se) in a.series.iter().zip(&e.series) {
        let id = describe(se);
        if sa.data.len() != se.data.len() {
            return Err(format!(
                "{id:?}: {} buckets vs {}",
                sa.data.len(),
                se.data.len()
            ));
        }
        if let Some(b) = (0..sa.data.len()).find(|b| !close(sa.data[*b], se.data[*b])) {
            return Err(format!(
                "{id:?} bucket {b} ({}): {} vs {}\n  engine    {:?}\n  reference {:?}",
                e.labels.get(b).map_or("?", String::as_str),
                sa.data[b],
                se.data[b],
                sa.data,
                se.data
            ));
        }
        if !close(sa.total, se.total) {
            return Err(format!("{id:?} total: {} vs {}", sa.total, se.total));
        }
    }
    Ok(())
}

fn same_steps(what: &str, a: &[FunnelStep], e: &[FunnelStep]) -> Result<(), String> {
    let ok = a.len() == e.len()
        && a.iter().zip(e).all(|(x, y)| {
            x.name == y.name
                && x.count == y.count
                && close_option(x.median_conversion_time, y.median_conversion_time)
                && close_option(x.average_conversion_time, y.average_conversion_time)
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} steps:\n  engine    {a:?}\n  reference {e:?}"
        ))
    }
}

fn same_funnels(a: &FunnelsResult, e: &FunnelsResult) -> Result<(), String> {
    same_steps("overall", &a.steps, &e.steps)?;
    let a_values: Vec<&str> = a.breakdowns.iter().map(|b| b.value.as_str()).collect();
    let e_values: Vec<&str> = e.breakdowns.iter().map(|b| b.value.as_str()).collect();
    if a_values != e_values {
        return Err(format!("breakdown values: {a_values:?} vs {e_values:?}"));
    }
    for (ba, be) in a.breakdowns.iter().zip(&e.breakdowns) {
        same_steps(&be.value, &ba.steps, &be.steps)?;
    }
    Ok(())
}

fn same_retention(a: &RetentionResult, e: &RetentionResult) -> Result<(), String> {
    if a == e {
        Ok(())
    } else {
        Err(format!(
            "cohorts:\n  engine    {:?}\n  reference {:?}",
            a.cohorts, e.cohorts
        ))
    }
}

fn trends(result: &InsightResult) -> &TrendsResult {
    match result {
        InsightResult::Trends(t) => t,
        other => panic!("not a trend: {other:?}"),
    }
}

fn funnel(result: &InsightResult) -> &FunnelsResult {
    match result {
        InsightResult::Funnels(f) => f,
        other => panic!("not a funnel: {other:?}"),
    }
}

fn retention(result: &InsightResult) -> &RetentionResult {
    match result {
        InsightResult::Retention(r) => r,
        other => panic!("not retention: {other:?}"),
    }
}

fn counts(steps: &[FunnelStep]) -> Vec<u64> {
    steps.iter().map(|s| s.count).collect()
}

// ---------------------------------------------------------------------------
// Query builders

fn trend(series: Value, extra: Value) -> Value {
    let mut q = json!({"kind": "TrendsQuery", "series": series});
    merge(&mut q, extra);
    q
}

fn funnel_query(series: Value, extra: Value) -> Value {
    let mut q = json!({"kind": "FunnelsQuery", "series": series});
    merge(&mut q, extra);
    q
}

fn merge(into: &mut Value, extra: Value) {
    if let (Value::Object(into), Value::Object(extra)) = (into, extra) {
        into.extend(extra);
    }
}

fn node(event: &str) -> Value {
    json!({"kind": "EventsNode", "event": event})
}

fn all_events() -> Value {
    json!({"kind": "EventsNode", "event": null})
}

fn math(event: &str, math: &str) -> Value {
    json!({"kind": "EventsNode", "event": event, "math": math})
}

fn filtered(event: Option<&str>, properties: Value) -> Value {
    json!({"kind": "EventsNode", "event": event, "properties": properties})
}

fn prop(key: &str, operator: &str, value: Value) -> Value {
    json!({"key": key, "operator": operator, "value": value, "type": "event"})
}

fn person(key: &str, operator: &str, value: Value) -> Value {
    json!({"key": key, "operator": operator, "value": value, "type": "person"})
}

fn window(interval: u32, unit: &str, order: &str) -> Value {
    json!({"funnelWindowInterval": interval, "funnelWindowIntervalUnit": unit, "funnelOrderType": order})
}

fn retention_query(target: &str, returning: &str, kind: &str, period: &str, n: u32) -> Value {
    json!({
        "kind": "RetentionQuery",
        "retentionFilter": {
            "targetEntity": {"id": target, "type": "events"},
            "returningEntity": {"id": returning, "type": "events"},
            "retentionType": kind,
            "period": period,
            "totalIntervals": n,
        }
    })
}

// ---------------------------------------------------------------------------
// Trends

#[tokio::test]
async fn every_trends_math_matches_the_reference() {
    let f = demo(1, 20_000).await;
    let last_30 = json!({"dateRange": {"date_from": "-30d"}, "interval": "day"});
    for m in [
        "total",
        "dau",
        "weekly_active",
        "monthly_active",
        "unique_session",
    ] {
        f.check_some(
            Tz::UTC,
            trend(json!([math("$pageview", m)]), last_30.clone()),
        )
        .await;
    }
    for m in ["sum", "avg", "min", "max", "median", "p90", "p95", "p99"] {
        let series = json!([{"kind": "EventsNode", "event": "purchase", "math": m, "math_property": "amount"}]);
        // Daily buckets hold few purchases (many are empty: 0); weekly ones many.
        f.check_some(Tz::UTC, trend(series.clone(), last_30.clone()))
            .await;
        f.check_some(
            Tz::UTC,
            trend(
                series,
                json!({"dateRange": {"date_from": "-90d"}, "interval": "week"}),
            ),
        )
        .await;
    }
    // Active users look back before the range: the first bucket is not just
    // its own day.
    let wau = f
        .check_some(
            Tz::UTC,
            trend(
                json!([math("$pageview", "weekly_active"), math("$pageview", "dau")]),
                json!({"dateRange": {"date_from": "-14d"}}),
            ),
        )
        .await;
    let wau = trends(&wau);
    assert!(wau.series[0].data[0] > wau.series[1].data[0]);
    assert_eq!(wau.series[0].total, *wau.series[0].data.last().unwrap());
}

#[tokio::test]
async fn trends_filters_apply_every_operator_to_event_and_person_properties() {
    let f = demo(2, 20_000).await;
    let range = json!({"dateRange": {"date_from": "-30d"}});
    let event_filters = [
        prop("$browser", "exact", json!("Chrome")),
        prop("$browser", "exact", json!(["Safari", "Edge"])),
        prop("$browser", "is_not", json!("Chrome")),
        prop("$browser", "is_not", json!(["Chrome", "Safari"])),
        prop("$current_url", "icontains", json!("PRICING")),
        prop("$current_url", "not_icontains", json!("blog")),
        prop("$pathname", "regex", json!("^/(blog|docs)")),
        prop("$pathname", "not_regex", json!("^/app$")),
        prop("$pathname", "is_set", Value::Null),
        prop("$pathname", "is_not_set", Value::Null),
        prop("amount", "exact", json!(29)),
        prop("amount", "is_not", json!(99)),
        prop("amount", "gt", json!(9)),
        prop("amount", "gte", json!(29)),
        prop("amount", "lt", json!(99)),
        prop("amount", "lte", json!(29)),
        prop("method", "exact", json!("google")),
        prop("kind", "icontains", json!("TAB")),
    ];
    for filter in event_filters {
        // "All events", so negative operators meet events without the property.
        f.check_some(
            Tz::UTC,
            trend(
                json!([all_events()]),
                json!({"dateRange": {"date_from": "-30d"}, "properties": [filter.clone()]}),
            ),
        )
        .await;
        f.check_some(
            Tz::UTC,
            trend(
                json!([filtered(None, json!([filter])), math("$pageview", "dau")]),
                range.clone(),
            ),
        )
        .await;
    }
    let person_filters = [
        person("plan", "exact", json!("pro")),
        person("plan", "is_not", json!("pro")),
        person("email", "icontains", json!("USER1")),
        person("email", "regex", json!(r"^user\d{2}@")),
        person("email", "is_set", Value::Null),
        person("email", "is_not_set", Value::Null),
        person("initial_browser", "exact", json!(["Firefox", "Edge"])),
    ];
    for filter in person_filters {
        f.check_some(
            Tz::UTC,
            trend(
                json!([math("$pageview", "dau"), node("created report")]),
                json!({"dateRange": {"date_from": "-30d"}, "properties": [filter]}),
            ),
        )
        .await;
    }
    // Per-series filters, together with a global one and a person filter.
    f.check_some(
        Tz::UTC,
        trend(
            json!([
                filtered(Some("$pageview"), json!([prop("$pathname", "exact", json!("/pricing"))])),
                filtered(Some("$pageview"), json!([prop("$pathname", "exact", json!("/app")), person("plan", "exact", json!("pro"))])),
                filtered(Some("purchase"), json!([prop("amount", "gte", json!(29))])),
            ]),
            json!({"dateRange": {"date_from": "-30d"}, "properties": [prop("$os", "is_not", json!("iOS"))]}),
        ),
    )
    .await;
}

#[tokio::test]
async fn trends_breakdowns_rank_values_and_gather_the_rest_in_other_and_missing_in_none() {
    let f = demo(3, 20_000).await;
    let range = |extra: Value| {
        let mut q = json!({"dateRange": {"date_from": "-30d"}});
        merge(&mut q, extra);
        q
    };
    let browsers = f
        .check_some(
            Tz::UTC,
            trend(
                json!([node("$pageview")]),
                range(json!({"breakdownFilter": {"breakdown": "$browser", "breakdown_limit": 2}})),
            ),
        )
        .await;
    let values: Vec<_> = trends(&browsers)
        .series
        .iter()
        .map(|s| s.breakdown_value.clone().unwrap())
        .collect();
    assert_eq!(values, ["Chrome", "Safari", BREAKDOWN_OTHER]);

    // Only page views have a path: every other event is in the null bucket.
    let paths = f
        .check_some(
            Tz::UTC,
            trend(
                json!([all_events()]),
                range(json!({"breakdownFilter": {"breakdown": "$pathname", "breakdown_limit": 3}})),
            ),
        )
        .await;
    assert!(trends(&paths)
        .series
        .iter()
        .any(|s| s.breakdown_value.as_deref() == Some(BREAKDOWN_NULL)));

    for (math_name, key, scope, limit) in [
        ("dau", "plan", "person", 10),
        ("total", "initial_browser", "person", 1),
        ("weekly_active", "$browser", "event", 2),
        ("unique_session", "$geoip_country_code", "event", 3),
        ("total", "$geoip_country_code", "event", 100),
    ] {
        f.check_some(
            Tz::UTC,
            trend(
                json!([math("$pageview", math_name)]),
                range(json!({"breakdownFilter": {"breakdown": key, "breakdown_type": scope, "breakdown_limit": limit}})),
            ),
        )
        .await;
    }
    // Property math per breakdown value.
    f.check_some(
        Tz::UTC,
        trend(
            json!([{"kind": "EventsNode", "event": "purchase", "math": "avg", "math_property": "amount"}]),
            json!({"dateRange": {"date_from": "-90d"}, "interval": "week",
                   "breakdownFilter": {"breakdown": "$browser", "breakdown_limit": 2}}),
        ),
    )
    .await;
    // Numbers break down by their JSON text.
    f.check_some(
        Tz::UTC,
        trend(
            json!([node("purchase")]),
            json!({"dateRange": {"date_from": "-90d"}, "interval": "week",
                   "breakdownFilter": {"breakdown": "amount"}}),
        ),
    )
    .await;
    // Several series share one breakdown.
    f.check_some(
        Tz::UTC,
        trend(
            json!([
                node("created report"),
                node("signed up"),
                math("$pageview", "dau")
            ]),
            range(json!({"breakdownFilter": {"breakdown": "kind", "breakdown_limit": 1}})),
        ),
    )
    .await;
}

#[tokio::test]
async fn trends_buckets_by_hour_day_week_and_month() {
    let f = demo(4, 20_000).await;
    for (from, interval) in [
        ("-2d", "hour"),
        ("-30d", "day"),
        ("-90d", "week"),
        ("-6m", "month"),
        ("all", "week"),
        ("mStart", "day"),
    ] {
        for m in ["total", "dau"] {
            f.check_some(
                Tz::UTC,
                trend(
                    json!([math("$pageview", m), math("signed up", m)]),
                    json!({"dateRange": {"date_from": from}, "interval": interval}),
                ),
            )
            .await;
        }
    }
    // An explicit range.
    f.check_some(
        Tz::UTC,
        trend(
            json!([node("$pageview")]),
            json!({"dateRange": {"date_from": "2026-10-01", "date_to": "2026-10-31"}, "interval": "day"}),
        ),
    )
    .await;
}

#[tokio::test]
async fn trends_in_new_york_use_local_days_monday_weeks_and_survive_the_dst_change() {
    let f = demo(5, 20_000).await;
    for (from, interval) in [
        ("-3d", "hour"),
        ("-30d", "day"),
        ("-60d", "week"),
        ("-3m", "month"),
    ] {
        let result = f
            .check_some(
                NEW_YORK,
                trend(
                    json!([
                        node("$pageview"),
                        math("$pageview", "dau"),
                        math("$pageview", "weekly_active")
                    ]),
                    json!({"dateRange": {"date_from": from}, "interval": interval}),
                ),
            )
            .await;
        if interval == "week" {
            // Mondays.
            for day in &trends(&result).days {
                let start =
                    chrono::NaiveDateTime::parse_from_str(day, "%Y-%m-%dT%H:%M:%S").unwrap();
                assert_eq!(
                    chrono::Datelike::weekday(&start),
                    chrono::Weekday::Mon,
                    "{day}"
                );
                assert_eq!(start.time(), chrono::NaiveTime::MIN, "{day}");
            }
        }
    }
    // The same query in UTC and in New York buckets differently.
    let q = query(trend(
        json!([node("$pageview")]),
        json!({"dateRange": {"date_from": "-7d"}, "interval": "day"}),
    ));
    let utc = f.check(Tz::UTC, &q).await;
    let ny = f.check(NEW_YORK, &q).await;
    assert_ne!(trends(&utc).series[0].data, trends(&ny).series[0].data);
    f.check_some(
        NEW_YORK,
        retention_query("$pageview", "$pageview", "retention_recurring", "Week", 6),
    )
    .await;
    f.check_some(
        NEW_YORK,
        funnel_query(
            json!([node("$pageview"), node("signed up")]),
            json!({"dateRange": {"date_from": "-30d"}}),
        ),
    )
    .await;
}

#[tokio::test]
async fn trends_compare_formulas_cumulative_and_total_value_displays() {
    let f = demo(6, 20_000).await;
    let compared = f
        .check_some(
            Tz::UTC,
            trend(
                json!([math("$pageview", "dau"), node("signed up")]),
                json!({"dateRange": {"date_from": "-14d"}, "compareFilter": {"compare": true}}),
            ),
        )
        .await;
    assert_eq!(trends(&compared).series.len(), 4);
    // A / B * 100: the share of visitors who signed up.
    let share = f
        .check_some(
            Tz::UTC,
            trend(
                json!([math("signed up", "dau"), math("$pageview", "dau")]),
                json!({"dateRange": {"date_from": "-30d"}, "trendsFilter": {"formula": "A / B * 100"}}),
            ),
        )
        .await;
    assert_eq!(trends(&share).series.len(), 1);
    assert!(trends(&share).series[0].total > 0.0);
    f.check_some(
        Tz::UTC,
        trend(
            json!([node("signed up"), node("$pageview")]),
            json!({"dateRange": {"date_from": "-30d"}, "trendsFilter": {"formula": "A / B * 100"},
                   "breakdownFilter": {"breakdown": "$browser", "breakdown_limit": 2}}),
        ),
    )
    .await;
    f.check_some(
        Tz::UTC,
        trend(
            json!([node("purchase"), math("purchase", "dau")]),
            json!({"dateRange": {"date_from": "-30d"}, "trendsFilter": {"formula": "(A - B) / 2"},
                   "compareFilter": {"compare": true}}),
        ),
    )
    .await;
    let cumulative = f
        .check_some(
            Tz::UTC,
            trend(
                json!([node("$pageview"), math("$pageview", "dau")]),
                json!({"dateRange": {"date_from": "-30d"}, "trendsFilter": {"display": "ActionsLineGraphCumulative"}}),
            ),
        )
        .await;
    let data = &trends(&cumulative).series[0].data;
    assert!(data.windows(2).all(|w| w[0] <= w[1]));
    for series in [
        json!([math("$pageview", "dau")]),
        json!([node("$pageview"), node("signed up")]),
        json!([{"kind": "EventsNode", "event": "purchase", "math": "avg", "math_property": "amount"}]),
        json!([{"kind": "EventsNode", "event": "purchase", "math": "p90", "math_property": "amount"}]),
        json!([math("$pageview", "monthly_active")]),
    ] {
        for display in ["BoldNumber", "ActionsPie", "ActionsTable"] {
            f.check_some(
                Tz::UTC,
                trend(
                    series.clone(),
                    json!({"dateRange": {"date_from": "-30d"}, "trendsFilter": {"display": display},
                           "breakdownFilter": {"breakdown": "$os", "breakdown_limit": 2}}),
                ),
            )
            .await;
        }
        f.check_some(
            Tz::UTC,
            trend(
                series,
                json!({"dateRange": {"date_from": "-30d"}, "trendsFilter": {"display": "BoldNumber"}}),
            ),
        )
        .await;
    }
}

// ---------------------------------------------------------------------------
// Funnels

#[tokio::test]
async fn funnels_ordered_strict_and_unordered_with_two_and_three_steps() {
    let f = demo(7, 20_000).await;
    let range = json!({"date_from": "-60d"});
    let shapes = [
        json!([node("$pageview"), node("signed up")]),
        json!([node("$pageview"), node("signed up"), node("purchase")]),
        json!([node("signed up"), node("created report"), node("purchase")]),
        // The same event twice: the second must come strictly later.
        json!([
            node("$pageview"),
            filtered(
                Some("$pageview"),
                json!([prop("$pathname", "exact", json!("/app"))])
            )
        ]),
        // Identify and sign-up happen at the same moment.
        json!([node("$identify"), node("signed up")]),
        // "All events" as a step.
        json!([node("signed up"), all_events(), node("purchase")]),
    ];
    for series in shapes {
        for order in ["ordered", "strict", "unordered"] {
            f.check_some(
                Tz::UTC,
                funnel_query(
                    series.clone(),
                    json!({"dateRange": range, "funnelsFilter": window(14, "day", order)}),
                ),
            )
            .await;
        }
    }
    // Ordered ⊇ strict: strict funnels convert fewer.
    let q = |order| {
        query(funnel_query(
            json!([node("$pageview"), node("signed up"), node("created report")]),
            json!({"dateRange": range, "funnelsFilter": window(14, "day", order)}),
        ))
    };
    let ordered = f.check(Tz::UTC, &q("ordered")).await;
    let strict = f.check(Tz::UTC, &q("strict")).await;
    let unordered = f.check(Tz::UTC, &q("unordered")).await;
    let last = |r: &InsightResult| funnel(r).steps[2].count;
    assert!(last(&strict) <= last(&ordered));
    assert!(last(&ordered) <= last(&unordered));
    assert!(last(&ordered) > 0);
    assert!(funnel(&unordered)
        .steps
        .iter()
        .all(|s| s.median_conversion_time.is_none()));
}

#[tokio::test]
async fn funnels_conversion_windows_step_filters_and_breakdowns() {
    let f = demo(8, 20_000).await;
    let range = json!({"date_from": "-60d"});
    let activation = json!([node("signed up"), node("created report")]);
    let mut converted = Vec::new();
    for (interval, unit) in [
        (1, "hour"),
        (30, "minute"),
        (14, "day"),
        (2, "week"),
        (1, "month"),
    ] {
        for order in ["ordered", "strict", "unordered"] {
            let result = f
                .check_some(
                    Tz::UTC,
                    funnel_query(
                        activation.clone(),
                        json!({"dateRange": range, "funnelsFilter": window(interval, unit, order)}),
                    ),
                )
                .await;
            if order == "ordered" {
                converted.push(funnel(&result).steps[1].count);
            }
        }
    }
    // People come back days later: a one-hour window misses most of them.
    assert!(converted[0] < converted[2], "{converted:?}");

    // Per-step filters, and a global filter.
    f.check_some(
        Tz::UTC,
        funnel_query(
            json!([
                filtered(
                    Some("$pageview"),
                    json!([prop("$pathname", "exact", json!("/pricing"))])
                ),
                filtered(
                    Some("signed up"),
                    json!([prop("method", "exact", json!("google"))])
                ),
                filtered(Some("purchase"), json!([prop("amount", "gt", json!(9))])),
            ]),
            json!({"dateRange": range, "properties": [prop("$browser", "is_not", json!("Edge"))]}),
        ),
    )
    .await;
    f.check_some(
        Tz::UTC,
        funnel_query(
            json!([node("$pageview"), node("signed up")]),
            json!({"dateRange": range, "properties": [person("plan", "exact", json!("pro"))]}),
        ),
    )
    .await;

    // Breakdowns, with Other.
    for (key, scope, limit) in [
        ("$browser", "event", 2),
        ("$pathname", "event", 2),
        ("plan", "person", 10),
        ("$geoip_country_code", "event", 3),
    ] {
        for order in ["ordered", "strict", "unordered"] {
            let result = f
                .check_some(
                    Tz::UTC,
                    funnel_query(
                        json!([node("$pageview"), node("signed up"), node("created report")]),
                        json!({"dateRange": range, "funnelsFilter": window(7, "day", order),
                               "breakdownFilter": {"breakdown": key, "breakdown_type": scope, "breakdown_limit": limit}}),
                    ),
                )
                .await;
            if key == "$browser" {
                let values: Vec<_> = funnel(&result)
                    .breakdowns
                    .iter()
                    .map(|b| b.value.as_str())
                    .collect();
                assert_eq!(values, ["Chrome", "Safari", BREAKDOWN_OTHER]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Retention

#[tokio::test]
async fn retention_recurring_and_first_time_by_day_and_week() {
    let f = demo(9, 20_000).await;
    for kind in ["retention_recurring", "retention_first_time"] {
        for (period, n) in [("Day", 14), ("Week", 8), ("Month", 3)] {
            for (target, returning) in [("$pageview", "$pageview"), ("signed up", "created report")]
            {
                f.check_some(Tz::UTC, retention_query(target, returning, kind, period, n))
                    .await;
            }
        }
    }
    let mut filtered = retention_query(
        "signed up",
        "created report",
        "retention_recurring",
        "Week",
        6,
    );
    merge(
        &mut filtered,
        json!({"properties": [prop("$browser", "exact", json!("Chrome"))]}),
    );
    f.check_some(Tz::UTC, filtered).await;
    let mut pro = retention_query("$pageview", "$pageview", "retention_first_time", "Week", 6);
    merge(
        &mut pro,
        json!({"properties": [person("plan", "exact", json!("pro"))]}),
    );
    f.check_some(Tz::UTC, pro).await;
    // Recurring cohorts hold everyone active in a period; first-time cohorts
    // only newcomers.
    let recurring = f
        .check(
            Tz::UTC,
            &query(retention_query(
                "$pageview",
                "$pageview",
                "retention_recurring",
                "Week",
                4,
            )),
        )
        .await;
    let first = f
        .check(
            Tz::UTC,
            &query(retention_query(
                "$pageview",
                "$pageview",
                "retention_first_time",
                "Week",
                4,
            )),
        )
        .await;
    let size = |r: &InsightResult, i: usize| retention(r).cohorts[i].values[0];
    assert!(size(&first, 3) < size(&recurring, 3));
    assert_eq!(retention(&recurring).cohorts[0].values.len(), 4);
    assert_eq!(retention(&recurring).cohorts[3].values.len(), 1);
}

// ---------------------------------------------------------------------------
// Hand-written data: the reference itself against numbers worked out by hand.

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn event(name: &str, distinct_id: &str, time: &str, properties: Value) -> NewEvent {
    NewEvent {
        uuid: uuid::Uuid::new_v4(),
        event: name.to_owned(),
        distinct_id: distinct_id.to_owned(),
        timestamp: at(time),
        properties: properties.as_object().cloned().unwrap_or_default(),
        set: Default::default(),
        set_once: Default::default(),
    }
}

/// Monday 16 November 2026 (UTC), two days before [`END`]:
/// - alice visits anonymously (anon-a) at 09:00, identifies at 09:05, visits
///   again at 09:10 and signs up at 09:20; she visits again on the 17th;
/// - bob visits at 10:00 and signs up at 12:30 (2.5 h later); he visits again
///   on the 18th;
/// - carol visits at 11:00, creates a report at 11:10, signs up at 11:20;
/// - dave signs up at 08:00 and only then visits, at 08:30;
/// - erin visits at 13:00 and signs up at 14:00, exactly one hour later.
fn hand_written() -> Vec<NewEvent> {
    let page = |path: &str| json!({"$pathname": path, "$browser": "Firefox"});
    let mut identify = event(
        "$identify",
        "alice",
        "2026-11-16T09:05:00Z",
        json!({"$anon_distinct_id": "anon-a"}),
    );
    identify.set = json!({"email": "alice@example.com"})
        .as_object()
        .cloned()
        .unwrap();
    vec![
        event("$pageview", "anon-a", "2026-11-16T09:00:00Z", page("/")),
        identify,
        event(
            "$pageview",
            "alice",
            "2026-11-16T09:10:00Z",
            page("/pricing"),
        ),
        event("signed up", "alice", "2026-11-16T09:20:00Z", json!({})),
        event("$pageview", "alice", "2026-11-17T10:00:00Z", page("/app")),
        event("$pageview", "bob", "2026-11-16T10:00:00Z", page("/")),
        event("signed up", "bob", "2026-11-16T12:30:00Z", json!({})),
        event("$pageview", "bob", "2026-11-18T09:00:00Z", page("/app")),
        event("$pageview", "carol", "2026-11-16T11:00:00Z", page("/")),
        event("created report", "carol", "2026-11-16T11:10:00Z", json!({})),
        event("signed up", "carol", "2026-11-16T11:20:00Z", json!({})),
        event("signed up", "dave", "2026-11-16T08:00:00Z", json!({})),
        event("$pageview", "dave", "2026-11-16T08:30:00Z", page("/")),
        event("$pageview", "erin", "2026-11-16T13:00:00Z", page("/")),
        event("signed up", "erin", "2026-11-16T14:00:00Z", json!({})),
    ]
}

#[tokio::test]
async fn a_merged_person_counts_once_among_daily_active_users() {
    let f = with_events([hand_written()]).await;
    let q = query(trend(
        json!([math("$pageview", "dau"), node("$pageview")]),
        json!({"dateRange": {"date_from": "-7d"}, "interval": "day"}),
    ));
    for result in [f.reference(Tz::UTC, &q), f.check(Tz::UTC, &q).await] {
        let t = trends(&result);
        assert_eq!(t.labels.len(), 8);
        assert_eq!(t.labels[5], "16-Nov-2026");
        // alice's two ids are one person: 5 people, 6 page views.
        assert_eq!(t.series[0].data, [0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 1.0, 1.0]);
        assert_eq!(t.series[0].total, 5.0);
        assert_eq!(t.series[1].data, [0.0, 0.0, 0.0, 0.0, 0.0, 6.0, 1.0, 1.0]);
        assert_eq!(t.series[1].total, 8.0);
    }
}

#[tokio::test]
async fn only_people_converting_within_the_window_count_and_an_intermediate_event_breaks_a_strict_funnel(
) {
    let f = with_events([hand_written()]).await;
    let visit_then_sign_up = |w: Value| {
        query(funnel_query(
            json!([node("$pageview"), node("signed up")]),
            json!({"funnelsFilter": w}),
        ))
    };
    let step = |count, median: Option<f64>, mean: Option<f64>| (count, median, mean);
    let shape = |r: &InsightResult| -> Vec<(u64, Option<f64>, Option<f64>)> {
        funnel(r)
            .steps
            .iter()
            .map(|s| step(s.count, s.median_conversion_time, s.average_conversion_time))
            .collect()
    };
    let cases = [
        // One hour, inclusive: alice (from her first visit, 20 min), carol
        // (20 min; other events in between are fine), erin (exactly 1 h).
        // Bob takes 2.5 h; dave signed up before visiting.
        (
            window(1, "hour", "ordered"),
            vec![step(5, None, None), step(3, Some(1200.0), Some(2000.0))],
        ),
        // Fourteen days: bob converts too.
        (
            window(14, "day", "ordered"),
            vec![step(5, None, None), step(4, Some(2400.0), Some(3750.0))],
        ),
        // Strict: carol's report breaks her funnel; alice's identify breaks
        // the start at her first visit, but her second visit (10 min before
        // signing up) converts.
        (
            window(14, "day", "strict"),
            vec![step(5, None, None), step(3, Some(3600.0), Some(4400.0))],
        ),
        // Any order within an hour: dave's sign-up then visit counts; bob's
        // 2.5 h does not.
        (
            window(1, "hour", "unordered"),
            vec![step(5, None, None), step(4, None, None)],
        ),
    ];
    for (w, expected) in cases {
        let q = visit_then_sign_up(w);
        assert_eq!(
            shape(&f.reference(Tz::UTC, &q)),
            expected,
            "{}",
            q.to_json()
        );
        assert_eq!(shape(&f.check(Tz::UTC, &q).await), expected);
    }
    // Three steps: only carol made a report between visiting and signing up.
    let q = query(funnel_query(
        json!([node("$pageview"), node("created report"), node("signed up")]),
        json!({}),
    ));
    for result in [f.reference(Tz::UTC, &q), f.check(Tz::UTC, &q).await] {
        assert_eq!(
            shape(&result),
            [
                step(5, None, None),
                step(1, Some(600.0), Some(600.0)),
                step(1, Some(600.0), Some(600.0))
            ]
        );
    }
    // A breakdown by the first visit's path: alice, bob, carol, dave and erin
    // all started on "/".
    let q = query(funnel_query(
        json!([node("$pageview"), node("signed up")]),
        json!({"breakdownFilter": {"breakdown": "$pathname"}, "funnelsFilter": window(1, "hour", "ordered")}),
    ));
    for result in [f.reference(Tz::UTC, &q), f.check(Tz::UTC, &q).await] {
        let f = funnel(&result);
        assert_eq!(f.breakdowns.len(), 1);
        assert_eq!(f.breakdowns[0].value, "/");
        assert_eq!(counts(&f.breakdowns[0].steps), [5, 3]);
    }
}

#[tokio::test]
async fn hand_counted_retention_cohorts() {
    let f = with_events([hand_written()]).await;
    let cases = [
        // 16 Nov: all five; alice returns on the 17th, bob on the 18th.
        (
            "retention_recurring",
            vec![vec![5, 1, 1], vec![1, 0], vec![1]],
        ),
        // Alice's and bob's later visits are not first visits.
        (
            "retention_first_time",
            vec![vec![5, 1, 1], vec![0, 0], vec![0]],
        ),
    ];
    for (kind, expected) in cases {
        let q = query(retention_query("$pageview", "$pageview", kind, "Day", 3));
        for result in [f.reference(Tz::UTC, &q), f.check(Tz::UTC, &q).await] {
            let r = retention(&result);
            let values: Vec<Vec<u64>> = r.cohorts.iter().map(|c| c.values.clone()).collect();
            assert_eq!(values, expected, "{kind}");
            let labels: Vec<&str> = r.cohorts.iter().map(|c| c.label.as_str()).collect();
            assert_eq!(labels, ["16-Nov-2026", "17-Nov-2026", "18-Nov-2026"]);
        }
    }
}

#[tokio::test]
async fn hand_checked_filters_on_missing_properties() {
    let f = with_events([hand_written()]).await;
    // 15 events in all; the 8 page views carry $pathname: 5 of them "/",
    // 2 "/app", 1 "/pricing".
    let cases = [
        (prop("$pathname", "exact", json!("/")), 5.0),
        // Negative operators match the events without the property: the 6
        // non-page-view events plus the 3 page views elsewhere.
        (prop("$pathname", "is_not", json!("/")), 10.0),
        (prop("$pathname", "not_icontains", json!("APP")), 13.0),
        (
            prop("$pathname", "not_regex", json!("^/(app|pricing)$")),
            12.0,
        ),
        (prop("$pathname", "is_not_set", Value::Null), 7.0),
        (prop("$pathname", "icontains", json!("PRIC")), 1.0),
        // Alice's five events, her anonymous page view included.
        (person("email", "is_set", Value::Null), 5.0),
    ];
    for (filter, expected) in cases {
        let q = query(trend(
            json!([all_events()]),
            json!({"dateRange": {"date_from": "-7d"}, "properties": [filter.clone()]}),
        ));
        for result in [f.reference(Tz::UTC, &q), f.check(Tz::UTC, &q).await] {
            assert_eq!(trends(&result).series[0].total, expected, "{filter}");
        }
    }
}

#[tokio::test]
async fn a_person_who_skips_a_middle_step_stops_at_the_first() {
    // frank visits and buys without signing up; gina does all three; two
    // thousand more people only visit. (That many rows make DuckDB use its
    // dedicated ASOF join operator rather than a nested loop; the operator
    // matches a NULL inequality key, i.e. a missing previous step.)
    let mut events = vec![
        event("$pageview", "frank", "2026-11-17T15:00:00Z", json!({})),
        event(
            "purchase",
            "frank",
            "2026-11-17T15:30:00Z",
            json!({"amount": 9}),
        ),
        event("$pageview", "gina", "2026-11-17T15:00:00Z", json!({})),
        event("signed up", "gina", "2026-11-17T15:10:00Z", json!({})),
        event(
            "purchase",
            "gina",
            "2026-11-17T15:30:00Z",
            json!({"amount": 29}),
        ),
    ];
    for i in 0..2_000 {
        events.push(event(
            "$pageview",
            &format!("visitor-{i}"),
            "2026-11-17T12:00:00Z",
            json!({}),
        ));
    }
    let f = with_events([events]).await;
    for (order, expected) in [
        ("ordered", [2_002, 1, 1]),
        ("strict", [2_002, 1, 1]),
        // In any order, frank did two of the three steps.
        ("unordered", [2_002, 2, 1]),
    ] {
        let q = query(funnel_query(
            json!([node("$pageview"), node("signed up"), node("purchase")]),
            json!({"funnelsFilter": window(14, "day", order)}),
        ));
        for result in [f.reference(Tz::UTC, &q), f.check(Tz::UTC, &q).await] {
            let steps = &funnel(&result).steps;
            assert_eq!(counts(steps), expected, "{order}");
            if order != "unordered" {
                assert_eq!(steps[1].median_conversion_time, Some(600.0));
                assert_eq!(steps[2].median_conversion_time, Some(1200.0));
            }
        }
    }
}

#[tokio::test]
async fn compare_breaks_the_previous_period_down_by_the_current_values() {
    let f = demo(6, 20_000).await;
    // The two countries after the US differ from one week to the next for
    // sign-ups; the previous week's series still follow this week's values,
    // so that each current series has its previous counterpart.
    let result = f
        .check_some(
            Tz::UTC,
            trend(
                json!([node("$pageview"), math("signed up", "dau")]),
                json!({"dateRange": {"date_from": "-7d"}, "compareFilter": {"compare": true},
                       "breakdownFilter": {"breakdown": "$geoip_country_code", "breakdown_limit": 2}}),
            ),
        )
        .await;
    let keys = |period| {
        trends(&result)
            .series
            .iter()
            .filter(|s| s.compare == Some(period))
            .map(|s| (s.series_index, s.breakdown_value.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(domain::insight::ComparePeriod::Current),
        keys(domain::insight::ComparePeriod::Previous)
    );
}

#[tokio::test]
async fn exact_filters_compare_numeric_properties_numerically() {
    // Amounts stored as JSON floats (29.0) and integers (29).
    let f = with_events([vec![
        event(
            "purchase",
            "ann",
            "2026-11-17T10:00:00Z",
            json!({"amount": 29.0}),
        ),
        event(
            "purchase",
            "ben",
            "2026-11-17T11:00:00Z",
            json!({"amount": 29}),
        ),
        event(
            "purchase",
            "cat",
            "2026-11-17T12:00:00Z",
            json!({"amount": 99.0}),
        ),
        event(
            "purchase",
            "dan",
            "2026-11-17T13:00:00Z",
            json!({"amount": "29"}),
        ),
    ]])
    .await;
    for (value, expected) in [
        (json!(29), 3.0),
        (json!(29.0), 3.0),
        // The value as a filter box sends it: text.
        (json!("29"), 3.0),
        (json!(["29", "99"]), 4.0),
    ] {
        let q = query(trend(
            json!([node("purchase")]),
            json!({"dateRange": {"date_from": "-7d"}, "properties": [prop("amount", "exact", value.clone())]}),
        ));
        let reference = f.reference(Tz::UTC, &q);
        assert_eq!(trends(&reference).series[0].total, expected, "{value}");
        f.check(Tz::UTC, &q).await;
    }
}
