//! Funnels: how many people get through ordered steps within a window.
//!
//! Every candidate start event becomes a chain: ordered funnels find each
//! next step's earliest event with an ASOF join, strict ones the person's
//! very next event by row number, unordered ones each step's first event
//! after the start. Each person keeps the chain that reaches furthest.

use super::breakdown;
use super::source::{matches, person_need, Source};
use super::sql::{literal, Sql, PERSON};
use super::{earliest_event, Db};
use crate::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::insight::dates::Window;
use domain::insight::naming::series_label;
use domain::insight::{
    BreakdownFilter, EventsNode, FunnelBreakdown, FunnelOrder, FunnelStep, FunnelsQuery,
    FunnelsResult, BREAKDOWN_OTHER,
};
use domain::ProjectId;

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
    let n = steps.len();
    let order = query.funnels_filter.funnel_order_type;
    let source = Source {
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
    };

    // ev: the events that can play a part, with a flag per step.
    let mut sql = Sql::default();
    sql.push("WITH ev AS (SELECT * FROM (SELECT ")
        .push(PERSON)
        .push(" AS person, e.timestamp AS ts, e.uuid AS uuid, ")
        .push(&match breakdown {
            Some((scope, key, _)) => breakdown::value(scope, key),
            None => "NULL::VARCHAR".into(),
        })
        .push(" AS bd");
    for (k, step) in steps.iter().enumerate() {
        sql.push(", ")
            .append(matches(step, &query.properties))
            .push(&format!(" AS f{k}"));
    }
    if order == FunnelOrder::Strict {
        sql.push(&format!(
            ", row_number() OVER (PARTITION BY {PERSON} ORDER BY e.timestamp, e.uuid) AS rn"
        ));
    }
    sql.append(source.from_where("")).push(")");
    if order != FunnelOrder::Strict {
        let any: Vec<String> = (0..n).map(|k| format!("f{k}")).collect();
        sql.push(&format!(" WHERE {}", any.join(" OR ")));
    }
    sql.push(")");
    for k in 0..n {
        sql.push(&format!(
            ", st{k} AS (SELECT person AS p, ts AS t FROM ev WHERE f{k})"
        ));
    }

    // c0 … c{n-1}: chains from each start, one step at a time.
    let window_seconds = query.funnels_filter.window_seconds();
    let start_filter = match order {
        FunnelOrder::Unordered => (0..n)
            .map(|k| format!("f{k}"))
            .collect::<Vec<_>>()
            .join(" OR "),
        _ => "f0".into(),
    };
    let rn = if order == FunnelOrder::Strict {
        ", rn"
    } else {
        ""
    };
    sql.push(&format!(
        ", c0 AS (SELECT person, ts AS t0, uuid AS u0, bd{rn} FROM ev WHERE {start_filter})"
    ));
    let first_chained = if order == FunnelOrder::Unordered {
        0
    } else {
        1
    };
    // Ordered and strict chains need a later event of step 1: only starts no
    // later than the person's last one, and no earlier than a window before
    // their first, can get further than step 1. Chains are built for those.
    // The other starts reach step 1 only: without a breakdown, step 1 just
    // counts the people with a start; with one, they join `scored` (a
    // person's earliest start names their breakdown value).
    let mut chain = if order == FunnelOrder::Unordered {
        "c0".to_owned()
    } else {
        let before_last = if strictly_after(&steps[0], &steps[1]) {
            "<"
        } else {
            "<="
        };
        sql.push(&format!(
            ", span AS (SELECT p, min(t) AS first, max(t) AS last FROM st1 GROUP BY p), \
             live AS (SELECT c0.* FROM c0 JOIN span ON c0.person = span.p \
             AND c0.t0 >= span.first - INTERVAL {window_seconds} SECOND AND c0.t0 {before_last} span.last)"
        ));
        "live".to_owned()
    };
    for k in first_chained..n {
        let next = format!("c{}", k + 1);
        let join = match order {
            FunnelOrder::Ordered => {
                let after = if strictly_after(&steps[k - 1], &steps[k]) {
                    ">"
                } else {
                    ">="
                };
                format!("ASOF LEFT JOIN st{k} ON {chain}.person = st{k}.p AND st{k}.t {after} {chain}.t{}", k - 1)
            }
            FunnelOrder::Strict => {
                let after = if strictly_after(&steps[k - 1], &steps[k]) {
                    ">"
                } else {
                    ">="
                };
                format!(
                    "LEFT JOIN ev n{k} ON n{k}.person = {chain}.person AND n{k}.rn = {chain}.rn + {k} AND n{k}.f{k} AND n{k}.ts {after} {chain}.t{}",
                    k - 1
                )
            }
            FunnelOrder::Unordered => {
                format!(
                    "ASOF LEFT JOIN st{k} ON {chain}.person = st{k}.p AND st{k}.t >= {chain}.t0"
                )
            }
        };
        let found = if order == FunnelOrder::Strict {
            format!("n{k}.ts")
        } else {
            format!("st{k}.t")
        };
        sql.push(&format!(
            ", {next} AS (SELECT {chain}.*, {found} AS {} FROM {chain} {join})",
            time_column(order, k)
        ));
        chain = next;
    }
    let within = |column: String| {
        format!("COALESCE({column} <= t0 + INTERVAL {window_seconds} SECOND, FALSE)")
    };
    let reached = match order {
        FunnelOrder::Unordered => (0..n)
            .map(|k| format!("{}::INT", within(format!("x{k}"))))
            .collect::<Vec<_>>()
            .join(" + "),
        // Step k counts only when every step before it does: an ASOF join
        // may still pair a missing previous time with a next event.
        _ => std::iter::once("1".to_owned())
            .chain((1..n).map(|k| {
                let all: Vec<String> = (1..=k).map(|j| within(format!("t{j}"))).collect();
                format!("({})::INT", all.join(" AND "))
            }))
            .collect::<Vec<_>>()
            .join(" + "),
    };
    let times: Vec<String> = (first_chained..n).map(|k| time_column(order, k)).collect();
    sql.push(&format!(
        ", scored AS (SELECT person, t0, u0, bd, {}, {reached} AS reached FROM {chain}",
        times.join(", ")
    ));
    let pruned = order != FunnelOrder::Unordered;
    let entered_directly = pruned && breakdown.is_none();
    if pruned && !entered_directly {
        let none: Vec<String> = times
            .iter()
            .map(|t| format!("NULL::TIMESTAMP AS {t}"))
            .collect();
        sql.push(&format!(
            " UNION ALL SELECT person, t0, u0, bd, {}, 1 FROM c0",
            none.join(", ")
        ));
    }
    // Each person keeps the start reaching furthest, the earliest among
    // equals (then by uuid, so breakdowns are deterministic).
    let kept: Vec<&str> = ["t0", "bd", "reached"]
        .into_iter()
        .chain(times.iter().map(String::as_str))
        .collect();
    let fields: Vec<String> = kept.iter().map(|c| format!("'{c}': {c}")).collect();
    let unpacked: Vec<String> = kept.iter().map(|c| format!("c.{c} AS {c}")).collect();
    sql.push(&format!(
        "), chosen AS (SELECT person, {} FROM (SELECT person, arg_min({{{}}}, {{'r': -reached, 't': t0, 'u': u0}}) AS c FROM scored GROUP BY person))",
        unpacked.join(", "),
        fields.join(", ")
    ));

    // Count people per furthest step, per breakdown value and overall.
    let mut columns: Vec<String> = (0..n)
        .map(|k| match k {
            0 if entered_directly => "(SELECT count(DISTINCT person) FROM c0)".to_owned(),
            _ => format!("count(*) FILTER (WHERE reached >= {})", k + 1),
        })
        .collect();
    for k in 1..n {
        let seconds = if order == FunnelOrder::Unordered {
            "NULL::DOUBLE".to_owned()
        } else {
            format!("date_diff('microsecond', t{}, t{k}) / 1e6", k - 1)
        };
        columns.push(format!(
            "quantile_cont({seconds}, 0.5) FILTER (WHERE reached >= {})",
            k + 1
        ));
        columns.push(format!(
            "avg({seconds}) FILTER (WHERE reached >= {})",
            k + 1
        ));
    }
    let columns = columns.join(", ");
    match breakdown {
        Some((_, _, limit)) => {
            sql.push(", top AS (SELECT bd, row_number() OVER (ORDER BY count(*) DESC, bd) AS rank FROM chosen GROUP BY bd QUALIFY rank <= ")
                .bind(i64::from(limit))
                .push(&format!(
                    ") SELECT bv, rank, GROUPING(bv) AS is_total, {columns} FROM (SELECT chosen.*, COALESCE(top.bd, {}) AS bv, COALESCE(top.rank, {}) AS rank FROM chosen LEFT JOIN top USING (bd)) GROUP BY GROUPING SETS ((bv, rank), ()) ORDER BY is_total DESC, rank",
                    literal(BREAKDOWN_OTHER),
                    i64::MAX
                ));
        }
        None => {
            sql.push(&format!(
                " SELECT NULL::VARCHAR, 0::BIGINT, 1, {columns} FROM chosen"
            ));
        }
    }

    let mut statement = db.prepare(&sql.text)?;
    let names: Vec<String> = steps.iter().map(series_label).collect();
    let rows = statement
        .query_map(duckdb::params_from_iter(sql.params.iter()), |row| {
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
        })?
        .collect::<duckdb::Result<Vec<_>>>()?;

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
    Ok(FunnelsResult {
        steps: overall.unwrap_or_else(nobody),
        breakdowns,
    })
}

/// The column holding step `k`'s time in a chain.
fn time_column(order: FunnelOrder, k: usize) -> String {
    match order {
        FunnelOrder::Unordered => format!("x{k}"),
        _ => format!("t{k}"),
    }
}

/// One event must not count for two consecutive steps: when both steps could
/// match the same event, the later one must happen strictly later.
fn strictly_after(previous: &EventsNode, next: &EventsNode) -> bool {
    previous.event.is_none() || next.event.is_none() || previous.event == next.event
}
