//! Trends: one number per series, bucket and breakdown value.

use super::source::{breakdown_value, matches, person_need, Source};
use super::sql::{bucket, literal, local_time, Sql, PERSON};
use super::{earliest_event, Db};
use crate::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use domain::insight::dates::{utc, Window};
use domain::insight::formula::Formula;
use domain::insight::naming::series_label;
use domain::insight::{
    BreakdownFilter, ComparePeriod, Display, EventsNode, Interval, Math, PropertyScope,
    TrendSeries, TrendsQuery, TrendsResult, BREAKDOWN_OTHER,
};
use domain::ProjectId;
use std::collections::BTreeMap;

/// One series' numbers for one breakdown value.
#[derive(Debug, Clone)]
struct Computed {
    breakdown: Option<String>,
    data: Vec<f64>,
    total: f64,
}

pub fn run(
    db: &Db,
    project: ProjectId,
    tz: Tz,
    query: &TrendsQuery,
    now: DateTime<Utc>,
) -> Result<TrendsResult> {
    let earliest = earliest_event(db, project, &query.date_range)?;
    let window = Window::resolve(&query.date_range, query.interval, tz, now, earliest)?;
    let mut periods = vec![(window.clone(), None)];
    if query.compare_filter.compare {
        periods[0].1 = Some(ComparePeriod::Current);
        periods.push((window.previous(), Some(ComparePeriod::Previous)));
    }
    let formula = match query
        .trends_filter
        .formula
        .as_deref()
        .filter(|f| !f.trim().is_empty())
    {
        Some(text) => Some((text, Formula::parse(text, query.series.len())?)),
        None => None,
    };
    let mut series = Vec::new();
    for (period, compare) in &periods {
        let computed = query
            .series
            .iter()
            .map(|node| series_values(db, project, query, node, period, &window))
            .collect::<Result<Vec<_>>>()?;
        match &formula {
            Some((text, formula)) => {
                series.extend(apply_formula(text, formula, &computed, *compare))
            }
            None => {
                for (index, (node, values)) in query.series.iter().zip(computed).enumerate() {
                    series.extend(values.into_iter().map(|c| TrendSeries {
                        label: series_label(node),
                        series_index: Some(index),
                        breakdown_value: c.breakdown,
                        data: c.data,
                        total: c.total,
                        compare: *compare,
                    }));
                }
            }
        }
    }
    if query.trends_filter.display == Display::ActionsLineGraphCumulative {
        for s in &mut series {
            let mut sum = 0.0;
            for value in &mut s.data {
                sum += *value;
                *value = sum;
            }
        }
    }
    Ok(TrendsResult {
        labels: window.labels(),
        days: window
            .starts
            .iter()
            .map(|s| s.format("%Y-%m-%dT%H:%M:%S").to_string())
            .collect(),
        series,
    })
}

/// The aggregate and the per-event value it reads, by math.
fn aggregate(node: &EventsNode) -> (String, String) {
    let property = || {
        super::sql::property_number(
            PropertyScope::Event,
            node.math_property.as_deref().unwrap_or_default(),
        )
    };
    match node.math {
        Math::Total => ("count(*)".into(), "NULL".into()),
        Math::Dau | Math::WeeklyActive | Math::MonthlyActive => {
            ("count(DISTINCT v)".into(), PERSON.into())
        }
        Math::UniqueSession => ("count(DISTINCT v)".into(), "e.session_id".into()),
        Math::Sum => ("sum(v)".into(), property()),
        Math::Avg => ("avg(v)".into(), property()),
        Math::Min => ("min(v)".into(), property()),
        Math::Max => ("max(v)".into(), property()),
        Math::Median | Math::P90 | Math::P95 | Math::P99 => (
            format!("quantile_cont(v, {})", node.math.quantile().unwrap_or(0.5)),
            property(),
        ),
    }
}

/// Days an active-users count looks back over.
fn active_days(math: Math) -> Option<i64> {
    match math {
        Math::WeeklyActive => Some(7),
        Math::MonthlyActive => Some(30),
        _ => None,
    }
}

fn series_values(
    db: &Db,
    project: ProjectId,
    query: &TrendsQuery,
    node: &EventsNode,
    window: &Window,
    ranked_over: &Window,
) -> Result<Vec<Computed>> {
    let breakdown = BreakdownFilter::property(query.breakdown_filter.as_ref());
    let tz = window.time_zone.name();
    let source = Source {
        project,
        from: window.from_utc(),
        to: window.to_utc(),
        persons: person_need(
            node.properties.iter().chain(&query.properties),
            breakdown.map(|b| b.0),
            matches!(
                node.math,
                Math::Dau | Math::WeeklyActive | Math::MonthlyActive
            ),
        ),
    };
    let condition = matches(node, &query.properties);
    let (aggregate, per_event) = aggregate(node);
    let active = active_days(node.math);
    // Plain maths over a breakdown ranked in the same period read the events
    // once into `base`, which both the ranking and the counts use.
    let single_scan = breakdown.is_some() && active.is_none() && window == ranked_over;
    let mut sql = Sql::default();
    if let (true, Some((scope, key, _))) = (single_scan, breakdown) {
        sql.push(&format!(
            "WITH base AS MATERIALIZED (SELECT {} AS b, {} AS bd, {per_event} AS v",
            bucket(window.interval, tz),
            breakdown_value(scope, key)
        ))
        .append(source.from_where(""))
        .push(" AND ")
        .append(condition.clone())
        .push("), ");
    }
    let (join, value, rank) = match breakdown {
        Some((scope, key, limit)) => {
            let value = breakdown_value(scope, key);
            sql.push(if single_scan { "" } else { "WITH " });
            sql.push("top AS (SELECT ");
            if single_scan {
                sql.push("bd, row_number() OVER (ORDER BY count(*) DESC, bd) AS rank FROM base");
            } else {
                // Compared periods keep the current period's values.
                let ranking = Source {
                    from: ranked_over.from_utc(),
                    to: ranked_over.to_utc(),
                    ..source.clone()
                };
                sql.push(&value)
                    .push(" AS bd, row_number() OVER (ORDER BY count(*) DESC, bd) AS rank")
                    .append(ranking.from_where(""))
                    .push(" AND ")
                    .append(condition.clone());
            }
            sql.push(" GROUP BY bd QUALIFY rank <= ")
                .bind(i64::from(limit))
                .push(") ");
            (
                format!(" LEFT JOIN top ON top.bd = {value}"),
                format!("COALESCE(top.bd, {})", literal(BREAKDOWN_OTHER)),
                format!("COALESCE(top.rank, {})", i64::MAX),
            )
        }
        None => (String::new(), "NULL::VARCHAR".into(), "0".into()),
    };
    let total_grouping = if matches!(node.math, Math::Total | Math::Sum) {
        // Counts and sums total up from the buckets; other maths need their
        // own figure over the whole range.
        " GROUP BY b, bv, rank"
    } else {
        " GROUP BY GROUPING SETS ((b, bv, rank), (bv, rank))"
    };
    if let Some(days) = active {
        // Distinct (person, period) pairs, then each bucket counts the people
        // active in the days ending with it.
        let grain = if window.interval == Interval::Hour {
            "hour"
        } else {
            "day"
        };
        let look_back = utc(
            window.time_zone,
            window.starts[0] - chrono::Duration::days(days),
        );
        let step = match window.interval {
            Interval::Hour => "INTERVAL 1 HOUR",
            Interval::Day => "INTERVAL 1 DAY",
            Interval::Week => "INTERVAL 7 DAY",
            Interval::Month => "INTERVAL 1 MONTH",
        };
        sql.push(if breakdown.is_some() { ", " } else { "WITH " })
            .push(&format!(
                "active AS (SELECT DISTINCT {per_event} AS person, date_trunc('{grain}', {}) AS at, {value} AS bv, {rank} AS rank",
                local_time(tz)
            ))
            .append(source.reaching_back(look_back).from_where(&join))
            .push(" AND ")
            .append(condition)
            .push(&format!("), buckets AS (SELECT generate_series AS b, generate_series + {step} AS b_end FROM generate_series("))
            .bind_local(window.starts[0])
            .push(", ")
            .bind_local(*window.starts.last().expect("windows have buckets"))
            .push(&format!(", {step})) SELECT b, bv, rank, 0 AS is_total, count(DISTINCT person)::DOUBLE FROM buckets JOIN active ON active.at >= b_end - INTERVAL {days} DAY AND active.at < b_end GROUP BY b, bv, rank"));
    } else if single_scan {
        sql.push(&format!(
            "SELECT b, COALESCE(top.bd, {}) AS bv, COALESCE(top.rank, {}) AS rank, GROUPING(b) AS is_total, ({aggregate})::DOUBLE FROM base LEFT JOIN top USING (bd){total_grouping}",
            literal(BREAKDOWN_OTHER),
            i64::MAX
        ));
    } else {
        sql.push(&format!(
            "SELECT b, bv, rank, GROUPING(b) AS is_total, ({aggregate})::DOUBLE FROM (SELECT {} AS b, {value} AS bv, {rank} AS rank, {per_event} AS v",
            bucket(window.interval, tz)
        ))
        .append(source.from_where(&join))
        .push(" AND ")
        .append(condition)
        .push(")")
        .push(total_grouping);
    }
    let rows = fetch(db, &sql)?;

    let mut by_value: BTreeMap<(i64, Option<String>), Computed> = BTreeMap::new();
    for row in rows {
        let entry = by_value
            .entry((row.rank, row.breakdown.clone()))
            .or_insert_with(|| Computed {
                breakdown: row.breakdown.clone(),
                data: vec![0.0; window.starts.len()],
                total: 0.0,
            });
        match row.bucket {
            Some(start) if !row.is_total => {
                if let Ok(i) = window.starts.binary_search(&start) {
                    entry.data[i] = row.value;
                }
            }
            _ => entry.total = row.value,
        }
    }
    let mut computed: Vec<Computed> = by_value.into_values().collect();
    if computed.is_empty() && breakdown.is_none() {
        computed.push(Computed {
            breakdown: None,
            data: vec![0.0; window.starts.len()],
            total: 0.0,
        });
    }
    for c in &mut computed {
        match node.math {
            Math::Total | Math::Sum => c.total = c.data.iter().sum(),
            Math::WeeklyActive | Math::MonthlyActive => {
                c.total = c.data.last().copied().unwrap_or(0.0)
            }
            _ => {}
        }
    }
    Ok(computed)
}

struct Row {
    bucket: Option<NaiveDateTime>,
    breakdown: Option<String>,
    rank: i64,
    is_total: bool,
    value: f64,
}

fn fetch(db: &Db, sql: &Sql) -> Result<Vec<Row>> {
    let mut statement = db.prepare(&sql.text)?;
    let rows = statement.query_map(duckdb::params_from_iter(sql.params.iter()), |row| {
        Ok(Row {
            bucket: row.get(0)?,
            breakdown: row.get(1)?,
            rank: row.get(2)?,
            is_total: row.get::<_, i64>(3)? != 0,
            value: row.get::<_, Option<f64>>(4)?.unwrap_or(0.0),
        })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

/// One series per breakdown value (in order of first appearance), the
/// formula evaluated bucket by bucket and on the totals.
fn apply_formula(
    text: &str,
    formula: &Formula,
    computed: &[Vec<Computed>],
    compare: Option<ComparePeriod>,
) -> Vec<TrendSeries> {
    let mut keys: Vec<Option<String>> = Vec::new();
    for c in computed.iter().flatten() {
        if !keys.contains(&c.breakdown) {
            keys.push(c.breakdown.clone());
        }
    }
    let buckets = computed
        .iter()
        .flatten()
        .map(|c| c.data.len())
        .max()
        .unwrap_or(0);
    keys.into_iter()
        .map(|key| {
            let key = &key;
            fn of<'a>(series: &'a [Computed], key: &Option<String>) -> Option<&'a Computed> {
                series.iter().find(|c| &c.breakdown == key)
            }
            let data = (0..buckets)
                .map(|i| {
                    let values: Vec<f64> = computed
                        .iter()
                        .map(|s| of(s, key).map_or(0.0, |c| c.data[i]))
                        .collect();
                    formula.eval(&values)
                })
                .collect();
            let totals: Vec<f64> = computed
                .iter()
                .map(|s| of(s, key).map_or(0.0, |c| c.total))
                .collect();
            TrendSeries {
                label: text.to_owned(),
                series_index: None,
                breakdown_value: key.clone(),
                data,
                total: formula.eval(&totals),
                compare,
            }
        })
        .collect()
}
