//! Trends: one number per series, bucket and breakdown value.
//!
//! Each series is one statement over its period, built in [`sql`] by the
//! builder for its shape; this module picks the shape, runs it, and turns
//! the rows into series (then formulas and the cumulative display).

mod formula;
mod sql;

use super::breakdown;
use super::source::{matches, person_need, Source};
use super::{earliest_event, Db};
use crate::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use domain::insight::dates::Window;
use domain::insight::formula::Formula;
use domain::insight::naming::series_label;
use domain::insight::{
    BreakdownFilter, ComparePeriod, Display, EventsNode, Math, TrendSeries, TrendsQuery,
    TrendsResult,
};
use domain::ProjectId;
use formula::apply_formula;
use sql::{Measure, Ranking, Series};
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

/// Days an active-users count looks back over.
fn active_days(math: Math) -> Option<i64> {
    match math {
        Math::WeeklyActive => Some(7),
        Math::MonthlyActive => Some(30),
        _ => None,
    }
}

/// One series' numbers over `window`, broken down by the values ranked
/// over `ranked_over`.
fn series_values(
    db: &Db,
    project: ProjectId,
    query: &TrendsQuery,
    node: &EventsNode,
    window: &Window,
    ranked_over: &Window,
) -> Result<Vec<Computed>> {
    let breakdown = BreakdownFilter::property(query.breakdown_filter.as_ref());
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
    // Compared periods keep the current period's values.
    let ranking = breakdown.map(|(scope, key, limit)| Ranking {
        value: breakdown::value(scope, key),
        limit,
        over: Source {
            from: ranked_over.from_utc(),
            to: ranked_over.to_utc(),
            ..source.clone()
        },
    });
    let series = Series {
        source,
        condition: matches(node, &query.properties),
        measure: Measure::of(node),
        window,
    };
    let sql = match (active_days(node.math), &ranking) {
        (Some(days), ranking) => sql::active_users(&series, ranking.as_ref(), days),
        (None, Some(ranking)) if window == ranked_over => sql::breakdown_counts(&series, ranking),
        (None, ranking) => sql::bucket_counts(&series, ranking.as_ref()),
    };
    let rows = sql.rows(db, row)?;
    Ok(shape(rows, window, node.math, breakdown.is_some()))
}

/// One [`Computed`] per breakdown value (in rank order) from the rows, with
/// the totals the math calls for.
fn shape(rows: Vec<Row>, window: &Window, math: Math, broken_down: bool) -> Vec<Computed> {
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
    if computed.is_empty() && !broken_down {
        computed.push(Computed {
            breakdown: None,
            data: vec![0.0; window.starts.len()],
            total: 0.0,
        });
    }
    for c in &mut computed {
        match math {
            Math::Total | Math::Sum => c.total = c.data.iter().sum(),
            Math::WeeklyActive | Math::MonthlyActive => {
                c.total = c.data.last().copied().unwrap_or(0.0)
            }
            _ => {}
        }
    }
    computed
}

struct Row {
    bucket: Option<NaiveDateTime>,
    breakdown: Option<String>,
    rank: i64,
    is_total: bool,
    value: f64,
}

fn row(row: &duckdb::Row<'_>) -> duckdb::Result<Row> {
    Ok(Row {
        bucket: row.get(0)?,
        breakdown: row.get(1)?,
        rank: row.get(2)?,
        is_total: row.get::<_, i64>(3)? != 0,
        value: row.get::<_, Option<f64>>(4)?.unwrap_or(0.0),
    })
}
