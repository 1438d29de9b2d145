//! A plain-Rust reference for insights: the semantics written down in
//! `backend/src/insights/mod.rs`, recomputed over events held in memory, with
//! no SQL. The engine's results are checked against it.
//!
//! Buckets and ranges come from `domain::insight::dates` (the shared,
//! separately tested definition of windows) and formulas from
//! `domain::insight::formula`; everything else (filters, persons,
//! aggregation, breakdowns, funnels, retention) is computed here.

#![allow(dead_code)]

use backend::events::{EventRow, PersonRow};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use domain::insight::dates::{self, Window};
use domain::insight::formula::Formula;
use domain::insight::{
    BreakdownFilter, ComparePeriod, Display, EventsNode, FunnelBreakdown, FunnelOrder, FunnelStep,
    FunnelsQuery, FunnelsResult, InsightQuery, InsightResult, Interval, Math, Operator,
    PropertyFilter, PropertyScope, RetentionCohort, RetentionQuery, RetentionResult, RetentionType,
    Scalar, TrendSeries, TrendsQuery, TrendsResult, BREAKDOWN_NULL, BREAKDOWN_OTHER,
};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One event with the person its distinct id belongs to now.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub uuid: &'a str,
    pub event: &'a str,
    pub timestamp: DateTime<Utc>,
    pub properties: &'a Map<String, Value>,
    pub person: &'a str,
    pub person_properties: &'a Map<String, Value>,
}

struct Data<'a> {
    /// Every event, ordered by time then uuid.
    events: Vec<Event<'a>>,
    earliest: Option<DateTime<Utc>>,
}

impl<'a> Data<'a> {
    fn new(events: &'a [EventRow], persons: &'a [PersonRow]) -> Self {
        let mut person_of: HashMap<&str, &PersonRow> = HashMap::new();
        for person in persons {
            for id in &person.distinct_ids {
                person_of.insert(id.as_str(), person);
            }
        }
        let mut events: Vec<Event<'a>> = events
            .iter()
            .map(|row| {
                let (person, person_properties) = match person_of.get(row.distinct_id.as_str()) {
                    Some(p) => (p.id.as_str(), &p.properties),
                    None => panic!("no person has distinct id {:?}", row.distinct_id),
                };
                Event {
                    uuid: &row.uuid,
                    event: &row.event,
                    timestamp: row.timestamp,
                    properties: &row.properties,
                    person,
                    person_properties,
                }
            })
            .collect();
        events.sort_by(|a, b| (a.timestamp, a.uuid).cmp(&(b.timestamp, b.uuid)));
        let earliest = events.first().map(|e| e.timestamp);
        Data { events, earliest }
    }
}

/// Runs `query` over `events` (all of a project's events) and `persons` (all
/// of its persons) at `now`, in `tz`.
pub fn run(
    events: &[EventRow],
    persons: &[PersonRow],
    tz: Tz,
    query: &InsightQuery,
    now: DateTime<Utc>,
) -> InsightResult {
    let data = Data::new(events, persons);
    match query {
        InsightQuery::Trends(q) => InsightResult::Trends(trends(&data, tz, q, now)),
        InsightQuery::Funnels(q) => InsightResult::Funnels(funnels(&data, tz, q, now)),
        InsightQuery::Retention(q) => InsightResult::Retention(retention(&data, tz, q, now)),
    }
}

// ---------------------------------------------------------------------------
// Properties and filters

/// A property's text: strings as they are, numbers and booleans as JSON
/// writes them; JSON null counts as absent.
pub fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A property as a number: JSON numbers, and text that reads as one.
pub fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

fn scope_properties<'e>(event: &Event<'e>, scope: PropertyScope) -> &'e Map<String, Value> {
    match scope {
        PropertyScope::Event => event.properties,
        PropertyScope::Person => event.person_properties,
    }
}

/// Whether a property value equals a filter value: as text, or numerically
/// when either side is a number.
fn equals(value: &Value, scalar: &Scalar) -> bool {
    let Some(own) = text(Some(value)) else {
        return false;
    };
    if own == scalar.as_text() {
        return true;
    }
    let numeric = value.is_number() || matches!(scalar, Scalar::Number(_));
    match (numeric, number(Some(value)), scalar.as_number()) {
        (true, Some(a), Some(b)) => a == b,
        _ => false,
    }
}

pub fn filter_matches(filter: &PropertyFilter, properties: &Map<String, Value>) -> bool {
    let value = properties.get(&filter.key).filter(|v| !v.is_null());
    let values = filter.values();
    let own = text(value);
    let lower = own.as_ref().map(|t| t.to_lowercase());
    let contains = |v: &Scalar| {
        lower
            .as_ref()
            .is_some_and(|t| t.contains(&v.as_text().to_lowercase()))
    };
    let regex = |v: &Scalar| {
        own.as_ref()
            .is_some_and(|t| regex::Regex::new(&v.as_text()).is_ok_and(|re| re.is_match(t)))
    };
    let compare = |test: fn(f64, f64) -> bool| match number(value) {
        Some(a) => values
            .iter()
            .any(|v| v.as_number().is_some_and(|b| test(a, b))),
        None => false,
    };
    match filter.operator {
        Operator::Exact => value.is_some_and(|v| values.iter().any(|s| equals(v, s))),
        Operator::IsNot => !value.is_some_and(|v| values.iter().any(|s| equals(v, s))),
        Operator::Icontains => values.iter().any(contains),
        Operator::NotIcontains => !values.iter().any(contains),
        Operator::Regex => values.iter().any(regex),
        Operator::NotRegex => !values.iter().any(regex),
        Operator::Gt => compare(|a, b| a > b),
        Operator::Gte => compare(|a, b| a >= b),
        Operator::Lt => compare(|a, b| a < b),
        Operator::Lte => compare(|a, b| a <= b),
        Operator::IsSet => value.is_some(),
        Operator::IsNotSet => value.is_none(),
    }
}

fn all_match(filters: &[PropertyFilter], event: &Event<'_>) -> bool {
    filters
        .iter()
        .all(|f| filter_matches(f, scope_properties(event, f.scope)))
}

/// Whether `event` counts for `node` (its event name and its own filters)
/// under the query's global filters.
fn node_matches(node: &EventsNode, global: &[PropertyFilter], event: &Event<'_>) -> bool {
    node.event.as_deref().is_none_or(|name| name == event.event)
        && all_match(global, event)
        && all_match(&node.properties, event)
}

/// The breakdown value of an event: the property's text, or the null bucket.
fn breakdown_value(event: &Event<'_>, scope: PropertyScope, key: &str) -> String {
    text(scope_properties(event, scope).get(key))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| BREAKDOWN_NULL.to_owned())
}

/// The `limit` values with the highest counts (ties by value), in order.
fn top_values(counts: &HashMap<String, u64>, limit: u32) -> Vec<String> {
    let mut ranked: Vec<(&String, u64)> = counts.iter().map(|(v, n)| (v, *n)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(limit as usize)
        .map(|(v, _)| v.clone())
        .collect()
}

/// The name a series or step goes by.
pub fn node_name(node: &EventsNode) -> String {
    domain::insight::naming::series_label(node)
}

pub fn iso(local: NaiveDateTime) -> String {
    local.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Linear interpolation between closest ranks (SQL's `quantile_cont`).
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let position = q * (sorted.len() - 1) as f64;
    let low = position.floor() as usize;
    let high = position.ceil() as usize;
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

// ---------------------------------------------------------------------------
// Trends

/// A series' matching events with their breakdown values, and its groups
/// (breakdown values in rank order, then Other).
type SeriesEvents<'d, 'a> = (Vec<(&'d Event<'a>, String)>, Vec<String>);

/// Series are listed period by period (current first), then in query order,
/// then by breakdown rank; formula series period by period, then by
/// breakdown value in order of first appearance among the series. (The
/// semantics leave these orders open; they follow the engine's.)
///
/// Breakdown values are ranked per series, by its events in the current
/// range; the previous range of a comparison reuses the current values.
fn trends(data: &Data<'_>, tz: Tz, q: &TrendsQuery, now: DateTime<Utc>) -> TrendsResult {
    let window =
        Window::resolve(&q.date_range, q.interval, tz, now, data.earliest).expect("a valid range");
    let breakdown = BreakdownFilter::property(q.breakdown_filter.as_ref());
    let periods: Vec<(Window, Option<ComparePeriod>)> = if q.compare_filter.compare {
        vec![
            (window.clone(), Some(ComparePeriod::Current)),
            (window.previous(), Some(ComparePeriod::Previous)),
        ]
    } else {
        vec![(window.clone(), None)]
    };
    let (from, to) = (window.from_utc(), window.to_utc());

    // Per series: its matching events at any time (active users look back)
    // with their breakdown value, and its groups of values.
    let mut per_series: Vec<SeriesEvents> = Vec::new();
    for node in &q.series {
        let events: Vec<(&Event, String)> = data
            .events
            .iter()
            .filter(|e| node_matches(node, &q.properties, e))
            .map(|e| {
                let value = match breakdown {
                    Some((scope, key, _)) => breakdown_value(e, scope, key),
                    None => String::new(),
                };
                (e, value)
            })
            .collect();
        let groups = match breakdown {
            None => vec![String::new()],
            Some((_, _, limit)) => {
                let mut counts: HashMap<String, u64> = HashMap::new();
                for (e, value) in &events {
                    if e.timestamp >= from && e.timestamp < to {
                        *counts.entry(value.clone()).or_default() += 1;
                    }
                }
                let mut top = top_values(&counts, limit);
                if counts.len() > top.len() {
                    top.push(BREAKDOWN_OTHER.to_owned());
                }
                top
            }
        };
        per_series.push((events, groups));
    }

    let breakdown_of = |group: &String| breakdown.map(|_| group.clone());
    let formula = q
        .trends_filter
        .formula
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(|text| {
            (
                text,
                Formula::parse(text, q.series.len()).expect("a valid formula"),
            )
        });
    let mut series = Vec::new();
    for (w, compare) in &periods {
        // (series, group) → (data, total)
        let computed: Vec<Vec<(String, Vec<f64>, f64)>> = q
            .series
            .iter()
            .zip(&per_series)
            .map(|(node, (events, groups))| {
                let named: HashSet<&String> =
                    groups.iter().filter(|g| *g != BREAKDOWN_OTHER).collect();
                groups
                    .iter()
                    .map(|group| {
                        let members: Vec<&Event> = events
                            .iter()
                            .filter(|(_, v)| {
                                breakdown.is_none()
                                    || if group == BREAKDOWN_OTHER {
                                        !named.contains(v)
                                    } else {
                                        v == group
                                    }
                            })
                            .map(|(e, _)| *e)
                            .collect();
                        let (data, total) = series_values(node, &members, w);
                        (group.clone(), data, total)
                    })
                    .collect()
            })
            .collect();
        match &formula {
            Some((text, formula)) => {
                let mut keys: Vec<&String> = Vec::new();
                for (key, _, _) in computed.iter().flatten() {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                for key in keys {
                    let of = |s: &Vec<(String, Vec<f64>, f64)>| {
                        s.iter().find(|(k, _, _)| k == key).cloned()
                    };
                    let found: Vec<Option<(String, Vec<f64>, f64)>> =
                        computed.iter().map(of).collect();
                    let data = (0..w.starts.len())
                        .map(|b| {
                            let values: Vec<f64> = found
                                .iter()
                                .map(|f| f.as_ref().map_or(0.0, |(_, d, _)| d[b]))
                                .collect();
                            formula.eval(&values)
                        })
                        .collect();
                    let totals: Vec<f64> = found
                        .iter()
                        .map(|f| f.as_ref().map_or(0.0, |(_, _, t)| *t))
                        .collect();
                    series.push(TrendSeries {
                        label: text.to_string(),
                        series_index: None,
                        breakdown_value: breakdown_of(key),
                        data,
                        total: formula.eval(&totals),
                        compare: *compare,
                    });
                }
            }
            None => {
                for (i, node) in q.series.iter().enumerate() {
                    for (group, data, total) in &computed[i] {
                        series.push(TrendSeries {
                            label: node_name(node),
                            series_index: Some(i),
                            breakdown_value: breakdown_of(group),
                            data: data.clone(),
                            total: *total,
                            compare: *compare,
                        });
                    }
                }
            }
        }
    }
    if q.trends_filter.display == Display::ActionsLineGraphCumulative {
        for s in &mut series {
            let mut sum = 0.0;
            for v in &mut s.data {
                sum += *v;
                *v = sum;
            }
        }
    }
    TrendsResult {
        labels: window.labels(),
        days: window.starts.iter().map(|s| iso(*s)).collect(),
        series,
    }
}

/// One series over one window: the value of each bucket, and the total.
fn series_values(node: &EventsNode, events: &[&Event<'_>], w: &Window) -> (Vec<f64>, f64) {
    let buckets = w.starts.len();
    let (from, to) = (w.from_utc(), w.to_utc());
    let in_range: Vec<(usize, &Event)> = events
        .iter()
        .filter(|e| e.timestamp >= from && e.timestamp < to)
        .map(|e| (w.bucket_of(e.timestamp).expect("in range"), *e))
        .collect();
    match node.math {
        Math::Total => {
            let mut data = vec![0.0; buckets];
            for (b, _) in &in_range {
                data[*b] += 1.0;
            }
            let total = data.iter().sum();
            (data, total)
        }
        Math::Dau | Math::UniqueSession => {
            let key = |e: &Event| -> Option<String> {
                if node.math == Math::Dau {
                    Some(e.person.to_owned())
                } else {
                    text(e.properties.get("$session_id"))
                }
            };
            let mut sets: Vec<HashSet<String>> = vec![HashSet::new(); buckets];
            let mut all = HashSet::new();
            for (b, e) in &in_range {
                if let Some(k) = key(e) {
                    sets[*b].insert(k.clone());
                    all.insert(k);
                }
            }
            (
                sets.iter().map(|s| s.len() as f64).collect(),
                all.len() as f64,
            )
        }
        Math::WeeklyActive | Math::MonthlyActive => {
            let days = if node.math == Math::WeeklyActive {
                7
            } else {
                30
            };
            let data: Vec<f64> = (0..buckets)
                .map(|b| {
                    let end_local = w.starts.get(b + 1).copied().unwrap_or(w.end);
                    let start_local = end_local - Duration::days(days);
                    let (start, end) = (
                        dates::utc(w.time_zone, start_local),
                        dates::utc(w.time_zone, end_local),
                    );
                    events
                        .iter()
                        .filter(|e| e.timestamp >= start && e.timestamp < end)
                        .map(|e| e.person)
                        .collect::<HashSet<_>>()
                        .len() as f64
                })
                .collect();
            let total = *data.last().unwrap_or(&0.0);
            (data, total)
        }
        math => {
            let key = node
                .math_property
                .as_deref()
                .expect("property math has a property");
            let mut values: Vec<Vec<f64>> = vec![Vec::new(); buckets];
            for (b, e) in &in_range {
                if let Some(n) = number(e.properties.get(key)) {
                    values[*b].push(n);
                }
            }
            let all: Vec<f64> = values.iter().flatten().copied().collect();
            let data: Vec<f64> = values.iter().map(|v| aggregate(math, v)).collect();
            let total = if math == Math::Sum {
                data.iter().sum()
            } else {
                aggregate(math, &all)
            };
            (data, total)
        }
    }
}

fn aggregate(math: Math, values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    match math {
        Math::Sum => values.iter().sum(),
        Math::Avg => values.iter().sum::<f64>() / values.len() as f64,
        Math::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
        Math::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        other => quantile(values, other.quantile().expect("a percentile")),
    }
}

// ---------------------------------------------------------------------------
// Funnels

/// Where one person's best start took them.
struct Journey {
    /// How many steps they reached (at least 1).
    reached: usize,
    /// The time of each reached step (empty for unordered funnels).
    times: Vec<DateTime<Utc>>,
    /// The breakdown value: of the start event, or of the person.
    value: String,
}

fn strictly_after(a: &EventsNode, b: &EventsNode) -> bool {
    match (&a.event, &b.event) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

fn funnels(data: &Data<'_>, tz: Tz, q: &FunnelsQuery, now: DateTime<Utc>) -> FunnelsResult {
    let window = Window::resolve(&q.date_range, Interval::Day, tz, now, data.earliest)
        .expect("a valid range");
    let (from, to) = (window.from_utc(), window.to_utc());
    let conversion = Duration::seconds(q.funnels_filter.window_seconds());
    let breakdown = BreakdownFilter::property(q.breakdown_filter.as_ref());
    let steps = &q.series;
    let n = steps.len();

    // Each person's events in the range, by time then uuid.
    let mut by_person: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
    for e in data
        .events
        .iter()
        .filter(|e| e.timestamp >= from && e.timestamp < to)
    {
        by_person.entry(e.person).or_default().push(e);
    }

    let value_of = |e: &Event| match breakdown {
        Some((scope, key, _)) => breakdown_value(e, scope, key),
        None => String::new(),
    };

    let mut journeys: Vec<Journey> = Vec::new();
    for events in by_person.values() {
        let matches: Vec<Vec<bool>> = events
            .iter()
            .map(|e| {
                steps
                    .iter()
                    .map(|s| node_matches(s, &q.properties, e))
                    .collect()
            })
            .collect();
        let mut best: Option<Journey> = None;
        let mut consider = |journey: Journey| {
            if best.as_ref().is_none_or(|b| journey.reached > b.reached) {
                best = Some(journey);
            }
        };
        match q.funnels_filter.funnel_order_type {
            FunnelOrder::Ordered => {
                for (i, start) in events.iter().enumerate() {
                    if !matches[i][0] {
                        continue;
                    }
                    let t0 = start.timestamp;
                    let mut times = vec![t0];
                    for k in 1..n {
                        let prev = *times.last().unwrap();
                        let strict = strictly_after(&steps[k - 1], &steps[k]);
                        let next = events.iter().enumerate().find(|(j, e)| {
                            matches[*j][k]
                                && if strict {
                                    e.timestamp > prev
                                } else {
                                    e.timestamp >= prev
                                }
                        });
                        match next {
                            Some((_, e)) if e.timestamp - t0 <= conversion => {
                                times.push(e.timestamp)
                            }
                            _ => break,
                        }
                    }
                    consider(Journey {
                        reached: times.len(),
                        times,
                        value: value_of(start),
                    });
                }
            }
            FunnelOrder::Strict => {
                for (i, start) in events.iter().enumerate() {
                    if !matches[i][0] {
                        continue;
                    }
                    let t0 = start.timestamp;
                    let mut times = vec![t0];
                    for k in 1..n {
                        let prev = *times.last().unwrap();
                        let strict = strictly_after(&steps[k - 1], &steps[k]);
                        let ok = events.get(i + k).is_some_and(|e| {
                            matches[i + k][k]
                                && (if strict {
                                    e.timestamp > prev
                                } else {
                                    e.timestamp >= prev
                                })
                                && e.timestamp - t0 <= conversion
                        });
                        if !ok {
                            break;
                        }
                        times.push(events[i + k].timestamp);
                    }
                    consider(Journey {
                        reached: times.len(),
                        times,
                        value: value_of(start),
                    });
                }
            }
            FunnelOrder::Unordered => {
                for (i, start) in events.iter().enumerate() {
                    if !matches[i].iter().any(|m| *m) {
                        continue;
                    }
                    let t0 = start.timestamp;
                    let reached = (0..n)
                        .filter(|k| {
                            events.iter().enumerate().any(|(j, e)| {
                                matches[j][*k]
                                    && e.timestamp >= t0
                                    && e.timestamp - t0 <= conversion
                            })
                        })
                        .count();
                    consider(Journey {
                        reached,
                        times: Vec::new(),
                        value: value_of(start),
                    });
                }
            }
        }
        if let Some(journey) = best {
            journeys.push(journey);
        }
    }

    let unordered = q.funnels_filter.funnel_order_type == FunnelOrder::Unordered;
    let steps_of = |js: &[&Journey]| -> Vec<FunnelStep> {
        (0..n)
            .map(|k| {
                let reached: Vec<&&Journey> = js.iter().filter(|j| j.reached > k).collect();
                let durations: Vec<f64> = if k == 0 || unordered {
                    Vec::new()
                } else {
                    reached
                        .iter()
                        .map(|j| seconds(j.times[k] - j.times[k - 1]))
                        .collect()
                };
                let (median, average) = if durations.is_empty() {
                    (None, None)
                } else {
                    (
                        Some(quantile(&durations, 0.5)),
                        Some(durations.iter().sum::<f64>() / durations.len() as f64),
                    )
                };
                FunnelStep {
                    name: node_name(&steps[k]),
                    count: reached.len() as u64,
                    median_conversion_time: median,
                    average_conversion_time: average,
                }
            })
            .collect()
    };

    let all: Vec<&Journey> = journeys.iter().collect();
    let mut breakdowns = Vec::new();
    if let Some((_, _, limit)) = breakdown {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for j in &journeys {
            *counts.entry(j.value.clone()).or_default() += 1;
        }
        let top = top_values(&counts, limit);
        for value in &top {
            let group: Vec<&Journey> = journeys.iter().filter(|j| &j.value == value).collect();
            breakdowns.push(FunnelBreakdown {
                value: value.clone(),
                steps: steps_of(&group),
            });
        }
        let rest: Vec<&Journey> = journeys
            .iter()
            .filter(|j| !top.contains(&j.value))
            .collect();
        if !rest.is_empty() {
            breakdowns.push(FunnelBreakdown {
                value: BREAKDOWN_OTHER.to_owned(),
                steps: steps_of(&rest),
            });
        }
    }
    FunnelsResult {
        steps: steps_of(&all),
        breakdowns,
    }
}

fn seconds(d: Duration) -> f64 {
    d.num_microseconds().expect("a short duration") as f64 / 1e6
}

// ---------------------------------------------------------------------------
// Retention

fn retention(data: &Data<'_>, tz: Tz, q: &RetentionQuery, now: DateTime<Utc>) -> RetentionResult {
    let f = &q.retention_filter;
    let interval = f.period.interval();
    let window = Window::last_periods(
        q.date_range.date_to.as_deref(),
        f.total_intervals,
        interval,
        tz,
        now,
    )
    .expect("a valid range");
    let periods = window.starts.len();
    let target = |e: &&Event| e.event == f.target_entity.id && all_match(&q.properties, e);
    let returning = |e: &&Event| e.event == f.returning_entity.id && all_match(&q.properties, e);

    let mut cohorts: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); periods];
    match f.retention_type {
        RetentionType::Recurring => {
            for e in data.events.iter().filter(target) {
                if let Some(b) = window.bucket_of(e.timestamp) {
                    cohorts[b].insert(e.person);
                }
            }
        }
        RetentionType::FirstTime => {
            let mut first: HashMap<&str, DateTime<Utc>> = HashMap::new();
            for e in data.events.iter().filter(target) {
                first.entry(e.person).or_insert(e.timestamp);
            }
            for (person, at) in first {
                if let Some(b) = window.bucket_of(at) {
                    cohorts[b].insert(person);
                }
            }
        }
    }
    let mut returned: Vec<HashSet<&str>> = vec![HashSet::new(); periods];
    for e in data.events.iter().filter(returning) {
        if let Some(b) = window.bucket_of(e.timestamp) {
            returned[b].insert(e.person);
        }
    }
    RetentionResult {
        cohorts: (0..periods)
            .map(|i| RetentionCohort {
                label: dates::label(window.starts[i], interval),
                date: iso(window.starts[i]),
                values: (0..periods - i)
                    .map(|k| {
                        if k == 0 {
                            cohorts[i].len() as u64
                        } else {
                            cohorts[i]
                                .iter()
                                .filter(|p| returned[i + k].contains(*p))
                                .count() as u64
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}
