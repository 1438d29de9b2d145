//! The statements behind one trends series over one period, one builder per
//! shape. Each returns rows of `(bucket start, breakdown value, rank,
//! is_total, value)`: a bucket's figure, or with `is_total` the figure over
//! the whole period (for maths whose total is not a sum of buckets).

use crate::insights::breakdown;
use crate::insights::source::Source;
use crate::insights::sql::{
    bucket, cast, cte, materialized_cte, minus, null, percentile, periods, property_number, with,
    Span, Sql, Type, PERSON,
};
use domain::insight::dates::{utc, Window};
use domain::insight::{EventsNode, Interval, Math, PropertyScope};

/// One series over one period.
pub struct Series<'a> {
    /// The period's events.
    pub source: Source,
    /// Which of them count for the series.
    pub condition: Sql,
    pub measure: Measure,
    pub window: &'a Window,
}

/// What a series computes: an aggregate over `v`, each event's value.
pub struct Measure {
    pub aggregate: String,
    pub per_event: String,
    /// Whether the total is the sum of the buckets (counts and sums), so no
    /// figure over the whole period is needed.
    pub sums_up: bool,
}

/// A breakdown's values ranked over `over`'s events (the current period's,
/// also when computing the period before).
pub struct Ranking {
    pub value: String,
    pub limit: u32,
    pub over: Source,
}

impl Measure {
    /// The aggregate and the per-event value it reads, by math.
    pub fn of(node: &EventsNode) -> Self {
        let property = || {
            property_number(
                PropertyScope::Event,
                node.math_property.as_deref().unwrap_or_default(),
            )
        };
        let (aggregate, per_event) = match node.math {
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
                percentile("v", node.math.quantile().unwrap_or(0.5)),
                property(),
            ),
        };
        Self {
            aggregate,
            per_event,
            sums_up: matches!(node.math, Math::Total | Math::Sum),
        }
    }
}

impl Series<'_> {
    /// Groups by bucket, breakdown value and rank, and by value and rank
    /// alone for a total over the whole period unless it sums up.
    fn grouping(&self) -> &'static str {
        if self.measure.sums_up {
            " GROUP BY b, bv, rank"
        } else {
            " GROUP BY GROUPING SETS ((b, bv, rank), (bv, rank))"
        }
    }

    /// `FROM … WHERE` the series' events, joined by `join`.
    fn events(&self, source: &Source, join: &str) -> Sql {
        let mut sql = source.from_where(join);
        sql.push(" AND ").append(self.condition.clone());
        sql
    }
}

/// How rows meet the breakdown ranking: the join to `top` and the columns
/// giving each row's series value and rank (none without a breakdown).
struct Ranked {
    ctes: Vec<Sql>,
    join: String,
    value: String,
    rank: String,
}

/// The `top` ranking over `ranking`'s own scan of the events, and the
/// columns that read it.
fn ranked(series: &Series, ranking: Option<&Ranking>) -> Ranked {
    match ranking {
        Some(ranking) => Ranked {
            ctes: vec![breakdown::top(
                &ranking.value,
                series.events(&ranking.over, ""),
                ranking.limit,
            )],
            join: format!(" LEFT JOIN top ON top.bd = {}", ranking.value),
            value: breakdown::series_value(),
            rank: breakdown::series_rank(),
        },
        None => Ranked {
            ctes: Vec::new(),
            join: String::new(),
            value: null(Type::Text),
            rank: "0".into(),
        },
    }
}

/// Counts and other maths per bucket: one scan of the events, plus one for
/// the ranking when broken down.
pub fn bucket_counts(series: &Series, ranking: Option<&Ranking>) -> Sql {
    let Ranked {
        ctes,
        join,
        value,
        rank,
    } = ranked(series, ranking);
    let mut select = Sql::default();
    select
        .push(&format!(
            "SELECT b, bv, rank, GROUPING(b) AS is_total, {} FROM (SELECT {} AS b, {value} AS bv, {rank} AS rank, {} AS v",
            cast(&series.measure.aggregate, Type::Double),
            bucket(series.window.interval, series.window.time_zone.name()),
            series.measure.per_event,
        ))
        .append(series.events(&series.source, &join))
        .push(")")
        .push(series.grouping());
    with(ctes, select)
}

/// [`bucket_counts`] broken down by values ranked over the same events: the
/// events are read once into `base`, which the ranking and the counts share.
pub fn breakdown_counts(series: &Series, ranking: &Ranking) -> Sql {
    let mut base = Sql::default();
    base.push(&format!(
        "SELECT {} AS b, {} AS bd, {} AS v",
        bucket(series.window.interval, series.window.time_zone.name()),
        ranking.value,
        series.measure.per_event,
    ))
    .append(series.events(&series.source, ""));
    let mut rows = Sql::default();
    rows.push(" FROM base");
    let top = breakdown::top("bd", rows, ranking.limit);
    let mut select = Sql::default();
    select.push(&format!(
        "SELECT b, {} AS bv, {} AS rank, GROUPING(b) AS is_total, {} FROM base LEFT JOIN top USING (bd){}",
        breakdown::series_value(),
        breakdown::series_rank(),
        cast(&series.measure.aggregate, Type::Double),
        series.grouping(),
    ));
    with([materialized_cte("base", base), top], select)
}

/// Distinct persons active in the `days` ending with each bucket: distinct
/// (person, hour or day) pairs from `days` before the first bucket on, then
/// each bucket counts those in its look-back window.
pub fn active_users(series: &Series, ranking: Option<&Ranking>, days: i64) -> Sql {
    let window = series.window;
    let Ranked {
        mut ctes,
        join,
        value,
        rank,
    } = ranked(series, ranking);
    let grain = if window.interval == Interval::Hour {
        Interval::Hour
    } else {
        Interval::Day
    };
    let look_back = utc(
        window.time_zone,
        window.starts[0] - chrono::Duration::days(days),
    );
    let mut active = Sql::default();
    active
        .push(&format!(
            "SELECT DISTINCT {} AS person, {} AS at, {value} AS bv, {rank} AS rank",
            series.measure.per_event,
            bucket(grain, window.time_zone.name()),
        ))
        .append(series.events(&series.source.reaching_back(look_back), &join));
    let buckets = periods(
        window.starts[0],
        *window.starts.last().expect("windows have buckets"),
        window.interval,
    );
    ctes.extend([cte("active", active), cte("buckets", buckets)]);
    let mut select = Sql::default();
    select.push(&format!(
        "SELECT b, bv, rank, 0 AS is_total, {} FROM buckets JOIN active ON active.at >= {} AND active.at < b_end GROUP BY b, bv, rank",
        cast("count(DISTINCT person)", Type::Double),
        minus("b_end", Span::Days(days)),
    ));
    with(ctes, select)
}
