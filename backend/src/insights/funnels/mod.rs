//! Funnels: how many people get through ordered steps within a window.
//!
//! Every candidate start event becomes a chain: ordered funnels find each
//! next step's earliest event with an ASOF join, strict ones the person's
//! very next event by row number, unordered ones each step's first event
//! at or after the start. Each person keeps the chain that reaches furthest. The
//! statement is built in [`sql`]; this module runs it and shapes its rows.

mod sql;

use super::source::{person_need, Source};
use super::{earliest_event, Db};
use crate::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::insight::dates::Window;
use domain::insight::naming::series_label;
use domain::insight::{BreakdownFilter, FunnelBreakdown, FunnelStep, FunnelsQuery, FunnelsResult};
use domain::ProjectId;
use sql::Funnel;

pub fn run(
    db: &Db,
    project: ProjectId,
    tz: Tz,
    query: &FunnelsQuery,
    now: DateTime<Utc>,
) -> Result<FunnelsResult> {
    let earliest = earliest_event(db, project, &query.date_range)?;
    let window = Window::resolve(&query.date_range, FunnelsQuery::INTERVAL, tz, now, earliest)?;
    let breakdown = BreakdownFilter::property(query.breakdown_filter.as_ref());
    let steps = &query.series;
    let funnel = Funnel {
        source: Source {
            project,
            from: window.from_utc(),
            to: window.to_utc(),
            persons: person_need(
                steps
                    .iter()
                    .flat_map(|s| &s.properties)
                    .chain(&query.properties),
                breakdown.map(|b| b.0),
                true,
            ),
        },
        steps,
        global: &query.properties,
        order: query.funnels_filter.funnel_order_type,
        window_seconds: query.funnels_filter.window_seconds(),
        breakdown,
    };
    let names: Vec<String> = steps.iter().map(series_label).collect();
    let n = names.len();
    let rows = sql::funnel(&funnel).rows(db, |row| {
        let value: Option<String> = row.get(0)?;
        let is_total = row.get::<_, i64>(2)? != 0;
        let mut result = Vec::with_capacity(n);
        for (k, name) in names.iter().enumerate() {
            let count: i64 = row.get(3 + k)?;
            let (median, average) = if k == 0 {
                (None, None)
            } else {
                (row.get(3 + n + 2 * (k - 1))?, row.get(4 + n + 2 * (k - 1))?)
            };
            result.push(FunnelStep {
                name: name.clone(),
                count: count as u64,
                median_conversion_time: median,
                average_conversion_time: average,
            });
        }
        Ok((is_total, value, result))
    })?;
    Ok(shape(rows, &names))
}

/// The overall steps and one set per breakdown value, from the rows.
fn shape(rows: Vec<(bool, Option<String>, Vec<FunnelStep>)>, names: &[String]) -> FunnelsResult {
    let mut overall = None;
    let mut breakdowns = Vec::new();
    for (is_total, value, steps) in rows {
        if is_total {
            overall = Some(steps);
        } else if let Some(value) = value {
            breakdowns.push(FunnelBreakdown { value, steps });
        }
    }
    let nobody = || {
        names
            .iter()
            .map(|name| FunnelStep {
                name: name.clone(),
                count: 0,
                median_conversion_time: None,
                average_conversion_time: None,
            })
            .collect()
    };
    FunnelsResult {
        steps: overall.unwrap_or_else(nobody),
        breakdowns,
    }
}
