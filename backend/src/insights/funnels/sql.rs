//! The funnel statement, built from one function per part: the events that
//! can play a step, the starts, the step matching of each order kind, each
//! person's furthest chain, and the counts per step (and breakdown value).
//!
//! The statement returns rows of `(breakdown value, rank, is_total, count
//! per step…, (median, mean) seconds per step after the first…)`: one with
//! `is_total` for everybody, and with a breakdown one per ranked value.

use crate::insights::breakdown;
use crate::insights::source::{matches, Source};
use crate::insights::sql::{
    aggregate_where, arg_min_record, asof_left_join, cast, cte, field, minus, null, percentile,
    plus, seconds_between, with, Span, Sql, Type, PERSON,
};
use domain::insight::{EventsNode, FunnelOrder, PropertyFilter, PropertyScope};

/// A funnel query, as far as its SQL goes.
pub struct Funnel<'a> {
    /// The range's events.
    pub source: Source,
    pub steps: &'a [EventsNode],
    /// Filters every step's events pass.
    pub global: &'a [PropertyFilter],
    pub order: FunnelOrder,
    /// The conversion window, from the first step to the last.
    pub window_seconds: i64,
    /// The breakdown property and how many values get their own row.
    pub breakdown: Option<(PropertyScope, &'a str, u32)>,
}

impl Funnel<'_> {
    fn n(&self) -> usize {
        self.steps.len()
    }

    /// The first step a chain has to look up: ordered and strict chains
    /// start at step 0's event, unordered ones at any step's and look every
    /// step up.
    fn first_looked_up(&self) -> usize {
        if self.order == FunnelOrder::Unordered {
            0
        } else {
            1
        }
    }

    /// The column holding step `k`'s time in a chain.
    fn time_column(&self, k: usize) -> String {
        match self.order {
            FunnelOrder::Unordered => format!("x{k}"),
            _ => format!("t{k}"),
        }
    }

    /// The step-time columns chains add to their start.
    fn times(&self) -> Vec<String> {
        (self.first_looked_up()..self.n())
            .map(|k| self.time_column(k))
            .collect()
    }

    /// Ordered and strict chains skip the starts that cannot get past
    /// step 1; without a breakdown step 1 then counts the people with a
    /// start directly.
    fn pruned(&self) -> bool {
        self.order != FunnelOrder::Unordered
    }

    fn entered_directly(&self) -> bool {
        self.pruned() && self.breakdown.is_none()
    }

    /// `f0 OR f1 …`: the event plays some step.
    fn any_step(&self) -> String {
        (0..self.n())
            .map(|k| format!("f{k}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    }

    /// The later of two consecutive steps compared to the earlier's time.
    fn after(&self, k: usize) -> &'static str {
        if strictly_after(&self.steps[k - 1], &self.steps[k]) {
            ">"
        } else {
            ">="
        }
    }

    /// Whether `column` (a step's time) falls within the window of the start.
    fn within(&self, column: &str) -> String {
        format!(
            "COALESCE({column} <= {}, FALSE)",
            plus("t0", Span::Seconds(self.window_seconds))
        )
    }
}

/// The whole funnel statement.
pub fn funnel(funnel: &Funnel) -> Sql {
    let mut ctes = step_events(funnel);
    ctes.extend(starts(funnel));
    let (chains, last) = match funnel.order {
        FunnelOrder::Ordered => chains(funnel, "live", ordered_step),
        FunnelOrder::Strict => chains(funnel, "live", strict_step),
        FunnelOrder::Unordered => chains(funnel, "c0", unordered_step),
    };
    ctes.extend(chains);
    ctes.extend(furthest_chains(funnel, &last));
    match funnel.breakdown {
        Some((_, _, limit)) => {
            let mut chosen = Sql::default();
            chosen.push(" FROM chosen");
            ctes.push(breakdown::top("bd", chosen, limit));
            with(ctes, counts_by_value(funnel))
        }
        None => with(ctes, counts(funnel)),
    }
}

/// `ev`: the range's events that can play a part (all of them for strict
/// funnels, which need each person's very next event), with the person, the
/// breakdown value, a flag `f{k}` per step and for strict funnels the
/// event's place `rn` among the person's; and `st{k}`, each step's events.
fn step_events(funnel: &Funnel) -> Vec<Sql> {
    let mut ev = Sql::default();
    ev.push("SELECT * FROM (SELECT ")
        .push(PERSON)
        .push(" AS person, e.timestamp AS ts, e.uuid AS uuid, ")
        .push(&match funnel.breakdown {
            Some((scope, key, _)) => breakdown::value(scope, key),
            None => null(Type::Text),
        })
        .push(" AS bd");
    for (k, step) in funnel.steps.iter().enumerate() {
        ev.push(", ")
            .append(matches(step, funnel.global))
            .push(&format!(" AS f{k}"));
    }
    if funnel.order == FunnelOrder::Strict {
        ev.push(&format!(
            ", row_number() OVER (PARTITION BY {PERSON} ORDER BY e.timestamp, e.uuid) AS rn"
        ));
    }
    ev.append(funnel.source.from_where("")).push(")");
    if funnel.order != FunnelOrder::Strict {
        ev.push(&format!(" WHERE {}", funnel.any_step()));
    }
    let mut ctes = vec![cte("ev", ev)];
    for k in 0..funnel.n() {
        let mut step = Sql::default();
        step.push(&format!("SELECT person AS p, ts AS t FROM ev WHERE f{k}"));
        ctes.push(cte(&format!("st{k}"), step));
    }
    ctes
}

/// `c0`: every start event, with its time `t0` and uuid `u0`. Ordered and
/// strict chains need a later event of step 1: only starts no later than
/// the person's last one, and no earlier than a window before their first,
/// can get further than step 1, and `live` holds those. The other starts
/// reach step 1 only: without a breakdown, step 1 just counts the people
/// with a start; with one, they join `scored` (a person's earliest start
/// names their breakdown value).
fn starts(funnel: &Funnel) -> Vec<Sql> {
    let (start_filter, rn) = match funnel.order {
        FunnelOrder::Unordered => (funnel.any_step(), ""),
        FunnelOrder::Strict => ("f0".to_owned(), ", rn"),
        FunnelOrder::Ordered => ("f0".to_owned(), ""),
    };
    let mut c0 = Sql::default();
    c0.push(&format!(
        "SELECT person, ts AS t0, uuid AS u0, bd{rn} FROM ev WHERE {start_filter}"
    ));
    let c0 = cte("c0", c0);
    if !funnel.pruned() {
        return vec![c0];
    }
    let before_last = if strictly_after(&funnel.steps[0], &funnel.steps[1]) {
        "<"
    } else {
        "<="
    };
    let mut span = Sql::default();
    span.push("SELECT p, min(t) AS first, max(t) AS last FROM st1 GROUP BY p");
    let mut live = Sql::default();
    live.push(&format!(
        "SELECT c0.* FROM c0 JOIN span ON c0.person = span.p \
         AND c0.t0 >= {} AND c0.t0 {before_last} span.last",
        minus("span.first", Span::Seconds(funnel.window_seconds))
    ));
    vec![c0, cte("span", span), cte("live", live)]
}

/// One chain subquery per looked-up step, from `start` on: `c{k+1}` is
/// `c{k}` plus step `k`'s time as `step` finds it. Returns the subqueries
/// and the last one's name.
fn chains(
    funnel: &Funnel,
    start: &str,
    step: fn(&Funnel, usize, &str) -> StepMatch,
) -> (Vec<Sql>, String) {
    let mut chain = start.to_owned();
    let mut ctes = Vec::new();
    for k in funnel.first_looked_up()..funnel.n() {
        let next = format!("c{}", k + 1);
        let StepMatch { join, found } = step(funnel, k, &chain);
        let mut link = Sql::default();
        link.push(&format!(
            "SELECT {chain}.*, {found} AS {} FROM {chain} {join}",
            funnel.time_column(k)
        ));
        ctes.push(cte(&next, link));
        chain = next;
    }
    (ctes, chain)
}

/// How a chain finds step `k`: a join, and the found event's time.
struct StepMatch {
    join: String,
    found: String,
}

/// Ordered: the earliest event of step `k` after the chain's step `k-1`.
fn ordered_step(funnel: &Funnel, k: usize, chain: &str) -> StepMatch {
    StepMatch {
        join: asof_left_join(
            &format!("st{k}"),
            &format!(
                "{chain}.person = st{k}.p AND st{k}.t {} {chain}.t{}",
                funnel.after(k),
                k - 1
            ),
        ),
        found: format!("st{k}.t"),
    }
}

/// Strict: the person's `k`-th event after the start, if it plays step `k`.
fn strict_step(funnel: &Funnel, k: usize, chain: &str) -> StepMatch {
    StepMatch {
        join: format!(
            "LEFT JOIN ev n{k} ON n{k}.person = {chain}.person AND n{k}.rn = {chain}.rn + {k} AND n{k}.f{k} AND n{k}.ts {} {chain}.t{}",
            funnel.after(k),
            k - 1
        ),
        found: format!("n{k}.ts"),
    }
}

/// Unordered: step `k`'s first event at or after the start.
fn unordered_step(_: &Funnel, k: usize, chain: &str) -> StepMatch {
    StepMatch {
        join: asof_left_join(
            &format!("st{k}"),
            &format!("{chain}.person = st{k}.p AND st{k}.t >= {chain}.t0"),
        ),
        found: format!("st{k}.t"),
    }
}

/// How many steps a chain reaches within the window.
fn reached(funnel: &Funnel) -> String {
    let n = funnel.n();
    match funnel.order {
        FunnelOrder::Unordered => (0..n)
            .map(|k| cast(&funnel.within(&format!("x{k}")), Type::Integer))
            .collect::<Vec<_>>()
            .join(" + "),
        // Step k counts only when every step before it does: an ASOF join
        // may still pair a missing previous time with a next event.
        _ => std::iter::once("1".to_owned())
            .chain((1..n).map(|k| {
                let all: Vec<String> = (1..=k).map(|j| funnel.within(&format!("t{j}"))).collect();
                cast(&all.join(" AND "), Type::Integer)
            }))
            .collect::<Vec<_>>()
            .join(" + "),
    }
}

/// `scored`: every chain (ending in `last`) with the steps it reaches, and
/// for a pruned funnel with a breakdown every start as reaching step 1;
/// `chosen`: each person's chain reaching furthest, the earliest among
/// equals (then by uuid, so breakdowns are deterministic).
fn furthest_chains(funnel: &Funnel, last: &str) -> Vec<Sql> {
    let times = funnel.times();
    let mut scored = Sql::default();
    scored.push(&format!(
        "SELECT person, t0, u0, bd, {}, {} AS reached FROM {last}",
        times.join(", "),
        reached(funnel)
    ));
    if funnel.pruned() && !funnel.entered_directly() {
        let none: Vec<String> = times
            .iter()
            .map(|t| format!("{} AS {t}", null(Type::Timestamp)))
            .collect();
        scored.push(&format!(
            " UNION ALL SELECT person, t0, u0, bd, {}, 1 FROM c0",
            none.join(", ")
        ));
    }
    let kept: Vec<&str> = ["t0", "bd", "reached"]
        .into_iter()
        .chain(times.iter().map(String::as_str))
        .collect();
    let unpacked: Vec<String> = kept
        .iter()
        .map(|c| format!("{} AS {c}", field("c", c)))
        .collect();
    let mut chosen = Sql::default();
    chosen.push(&format!(
        "SELECT person, {} FROM (SELECT person, {} AS c FROM scored GROUP BY person)",
        unpacked.join(", "),
        arg_min_record(&kept, &[("r", "-reached"), ("t", "t0"), ("u", "u0")]),
    ));
    vec![cte("scored", scored), cte("chosen", chosen)]
}

/// The count of people per step, then the median and mean seconds from
/// each step to the next, over `chosen`'s rows.
fn step_columns(funnel: &Funnel) -> String {
    let n = funnel.n();
    let mut columns: Vec<String> = (0..n)
        .map(|k| match k {
            0 if funnel.entered_directly() => "(SELECT count(DISTINCT person) FROM c0)".to_owned(),
            _ => aggregate_where("count(*)", &format!("reached >= {}", k + 1)),
        })
        .collect();
    for k in 1..n {
        let seconds = if funnel.order == FunnelOrder::Unordered {
            null(Type::Double)
        } else {
            seconds_between(&format!("t{}", k - 1), &format!("t{k}"))
        };
        let reached = format!("reached >= {}", k + 1);
        columns.push(aggregate_where(&percentile(&seconds, 0.5), &reached));
        columns.push(aggregate_where(&format!("avg({seconds})"), &reached));
    }
    columns.join(", ")
}

/// One row for everybody.
fn counts(funnel: &Funnel) -> Sql {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {}, {}, 1, {} FROM chosen",
        null(Type::Text),
        cast("0", Type::BigInt),
        step_columns(funnel)
    ));
    sql
}

/// One row per ranked breakdown value (by people entering, from `top`),
/// one for the rest, then one for everybody first.
fn counts_by_value(funnel: &Funnel) -> Sql {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT bv, rank, GROUPING(bv) AS is_total, {} FROM (SELECT chosen.*, {} AS bv, {} AS rank FROM chosen LEFT JOIN top USING (bd)) GROUP BY GROUPING SETS ((bv, rank), ()) ORDER BY is_total DESC, rank",
        step_columns(funnel),
        breakdown::series_value(),
        breakdown::series_rank(),
    ));
    sql
}

/// One event must not count for two consecutive steps: when both steps could
/// match the same event, the later one must happen strictly later.
fn strictly_after(previous: &EventsNode, next: &EventsNode) -> bool {
    previous.event.is_none() || next.event.is_none() || previous.event == next.event
}
