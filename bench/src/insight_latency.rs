//! Insight latency: four typical insights over a realistic data set, each
//! answered by the best hand-written DuckDB SQL straight on the events
//! database (the baseline) and by Huddle's `run_insight` server function over
//! HTTP, computed (`refresh`) and from the result cache, measured in the same
//! run with the two sides alternating. The answers are compared number by
//! number.
//!
//!     scripts/bench.sh insight [--events 1000000] [--runs 5]
//!
//! The data set (exactly N DemoData events, fixed seed and end, ingested
//! through Huddle's own pipeline so persons and identity links are real) is
//! prepared once per size under `$HUDDLE_CACHE/bench/insights-<N>/` and
//! reused afterwards.

// The router embeds Leptos views, which are deeply nested types.
#![recursion_limit = "256"]

use backend::demo_data::DemoData;
use backend::ingest::QUEUE_CAPACITY;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use clap::Parser;
use domain::insight::{InsightResult, QueryOutcome, BREAKDOWN_NULL, BREAKDOWN_OTHER};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser)]
struct Args {
    /// Events in the data set.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Timed runs per measurement (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

/// The data set: the same seed and end always give the same events.
const SEED: u64 = 20_261_130;
const END: &str = "2026-11-30T00:00:00Z";
const BATCH: usize = 1_000;
const EMAIL: &str = "bench@example.com";

/// Trends and funnel range: the 30 whole days before the end (UTC project).
const FROM: &str = "2026-10-31";
const TO: &str = "2026-11-29";
const DAYS: i64 = 30;
/// Retention: the 8 weeks ending with the one containing `TO`, Monday-based.
const WEEKS: usize = 8;
const FIRST_WEEK: &str = "2026-10-05";
/// Funnel conversion window.
const WINDOW_DAYS: i64 = 14;
const BREAKDOWN_LIMIT: i64 = 5;

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let runs = args.runs.max(1);
    let data = prepared(args.events).await;
    let insights = insights(data.project);

    // Huddle: the real server on loopback, with those files.
    let (address, backend) = testkit::serve_in(&data.dir, |_| {}, testkit::default_options()).await;
    let browser = Browser::log_in(&address).await;
    // The baseline runs on a connection to the same database instance (one
    // process may open a DuckDB file once).
    let db = backend.events.connect().unwrap();
    print_data_set(&db);

    let mut rows = Vec::new();
    for insight in &insights {
        let query = insight.query.to_string();
        // A warm-up each, then hand SQL and Huddle alternate, so a slower
        // stretch of the machine weighs on both sides alike.
        insight.run_hand_sql(&db);
        browser.run_insight(data.project, &query, true).await;
        let (mut hand, mut computed) = (Vec::new(), Vec::new());
        let (mut hand_answer, mut outcome) = (None, None);
        for _ in 0..runs {
            let started = Instant::now();
            hand_answer = Some(insight.run_hand_sql(&db));
            hand.push(started.elapsed().as_secs_f64() * 1e3);
            let (took, got) = browser.run_insight(data.project, &query, true).await;
            assert!(!got.is_cached, "refresh=true must recompute");
            computed.push(took);
            outcome = Some(got);
        }
        let hand_answer = hand_answer.expect("at least one run");
        let outcome = outcome.expect("at least one run");
        let mut cached = Vec::new();
        for _ in 0..runs {
            let (took, got) = browser.run_insight(data.project, &query, false).await;
            assert!(
                got.is_cached,
                "{}: the repeat was not served from the cache",
                insight.name
            );
            assert_eq!(
                got.result, outcome.result,
                "the cache returns what was computed"
            );
            cached.push(took);
        }
        let huddle_answer = Answer::of(&outcome.result);
        let differences = hand_answer.differences(&huddle_answer);
        if !differences.is_empty() {
            println!("\nANSWERS DIFFER for {}:\n  query: {query}", insight.name);
            for d in differences.iter().take(12) {
                println!("  {d}");
            }
            if differences.len() > 12 {
                println!("  … {} more", differences.len() - 12);
            }
        }
        rows.push(Row {
            name: insight.name,
            hand_ms: median(hand),
            huddle_ms: median(computed),
            cached_ms: median(cached),
            same: differences.is_empty(),
        });
    }
    print_table(&rows, data.events);
}

// ---------------------------------------------------------------------------
// The data set

struct Prepared {
    dir: PathBuf,
    project: domain::ProjectId,
    events: u64,
}

fn end() -> DateTime<Utc> {
    END.parse().expect("END is a valid instant")
}

fn cache_dir(events: usize) -> PathBuf {
    let root = std::env::var_os("HUDDLE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/huddle")
        });
    root.join("bench").join(format!("insights-{events}"))
}

/// The prepared data set for `events`, reusing the cached one when present.
async fn prepared(events: usize) -> Prepared {
    let dir = cache_dir(events);
    // Written last by `prepare`, so its presence means a complete data set;
    // one made with another seed or end is made again.
    let marker = dir.join("ready.json");
    let reusable = std::fs::read_to_string(&marker)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .is_some_and(|ready| ready["seed"] == json!(SEED) && ready["end"] == json!(END));
    if !reusable {
        let partial = dir.with_extension("partial");
        let _ = std::fs::remove_dir_all(&partial);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&partial).unwrap();
        println!(
            "Preparing {events} events into {} (once; later runs reuse it)",
            dir.display()
        );
        let started = Instant::now();
        prepare(&partial, events).await;
        std::fs::rename(&partial, &dir).unwrap();
        println!(
            "Loaded in {:.1} s (generation + ingestion + closing the stores)",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("Reusing the prepared data set at {}", dir.display());
    }
    let ready: Value = serde_json::from_str(&std::fs::read_to_string(&marker).unwrap()).unwrap();
    Prepared {
        project: domain::ProjectId(ready["project"].as_i64().unwrap()),
        events: ready["events"].as_u64().unwrap(),
        dir,
    }
}

/// Generates the events and sends them through Huddle's ingestion pipeline
/// into fresh stores in `dir`, then closes the stores.
async fn prepare(dir: &Path, events: usize) {
    let backend = backend::Backend::open(
        &format!("sqlite://{}", dir.join("meta.db").display()),
        &dir.join("events.duckdb"),
    )
    .await
    .unwrap();
    let bench = testkit::sign_up(&backend, EMAIL).await;
    let (scope, project) = (bench.scope, bench.project);

    let started = Instant::now();
    // Several requests in flight, as concurrent senders would have: the
    // writer commits what is queued together, in one transaction. Fewer than
    // the queue holds, so ingestion never answers "busy".
    let mut in_flight = tokio::task::JoinSet::new();
    let mut sent = 0usize;
    let mut next_report = events / 10;
    // `sized` aims at about `events`, but journeys cut off at the end make it
    // about a fifth fewer: generate from more visitors and stop at exactly
    // `events` (the last journey may be cut short).
    let generated = DemoData::sized(SEED, events + events / 2, end()).batches(BATCH);
    for mut batch in generated {
        if sent >= events {
            break;
        }
        batch.truncate(events - sent);
        sent += batch.len();
        while in_flight.len() >= QUEUE_CAPACITY / 4 {
            in_flight.join_next().await.unwrap().unwrap();
        }
        let ingest = backend.ingest.clone();
        in_flight.spawn(async move {
            if let Err(err) = ingest.submit(project, batch).await {
                panic!("ingestion failed: {err}");
            }
        });
        if sent >= next_report {
            println!(
                "  {sent} events sent ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
            next_report += events / 10;
        }
    }
    while let Some(done) = in_flight.join_next().await {
        done.unwrap();
    }
    assert_eq!(sent, events, "the generator made enough events");
    let stored = backend.events.count_events(&scope).await.unwrap();
    assert_eq!(stored as usize, sent, "every event is stored");
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "  ingested {sent} events in {seconds:.1} s ({:.0} events/s)",
        sent as f64 / seconds
    );

    // DuckDB allows one open database per file and process: close this one
    // (the writer's connection too, checkpointing the file) before the
    // baseline and then the server open the file again. SQLite needs no such
    // care.
    backend.close().await;
    std::fs::write(
        dir.join("ready.json"),
        json!({"project": project, "events": sent, "seed": SEED, "end": END, "ingest_seconds": seconds})
            .to_string(),
    )
    .unwrap();
}

fn print_data_set(db: &duckdb::Connection) {
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |row| row.get(0)).unwrap() };
    let overrides = count("SELECT count(*) FROM person_overrides");
    println!(
        "Data set: {} events, {} persons, {} distinct ids, {overrides} person overrides (merges); trends and funnel {FROM} … {TO}, retention from {FIRST_WEEK}",
        count("SELECT count(*) FROM events"),
        count("SELECT count(*) FROM persons"),
        count("SELECT count(*) FROM person_distinct_ids"),
    );
    if overrides == 0 {
        // DemoData's $identify maps the new user id onto the anonymous
        // visitor's person; only linking two ids that both have persons
        // already merges.
        println!("  (no merges: both sides join person_overrides, but it is empty)");
    }
}

// ---------------------------------------------------------------------------
// The insights, as the UI sends them, and their hand-written SQL

enum Shape {
    /// Rows (breakdown value, rank, day or NULL for the range total, value).
    Trends { total_is_sum: bool },
    /// One row: people per step, then median and mean seconds per later step.
    Funnel { steps: usize },
    /// Rows (cohort index, periods later, people).
    Retention,
}

struct Insight {
    name: &'static str,
    query: Value,
    hand_sql: String,
    shape: Shape,
}

fn insights(project: domain::ProjectId) -> Vec<Insight> {
    let date_range = json!({"date_from": FROM, "date_to": TO});
    // Constants are inlined, as one writes SQL by hand: DuckDB can then push
    // the filters into the scan.
    let from = format!("TIMESTAMP '{FROM} 00:00:00'");
    let to = format!(
        "TIMESTAMP '{}'",
        (day(FROM) + TimeDelta::days(DAYS)).format("%Y-%m-%d %H:%M:%S")
    );
    let first_week = format!("TIMESTAMP '{FIRST_WEEK} 00:00:00'");
    let weeks_end = format!(
        "TIMESTAMP '{}'",
        (day(FIRST_WEEK) + TimeDelta::weeks(WEEKS as i64)).format("%Y-%m-%d %H:%M:%S")
    );
    // Every event's current person: merged persons count as the one they
    // merged into.
    let events = "events e LEFT JOIN person_overrides o
                    ON o.project_id = e.project_id AND o.old_person_id = e.person_id";
    let person = "COALESCE(o.new_person_id, e.person_id)";
    let null = literal(BREAKDOWN_NULL);
    let other = literal(BREAKDOWN_OTHER);

    vec![
        Insight {
            name: "pageviews per day, 30 days",
            query: json!({
                "kind": "TrendsQuery",
                "series": [{"kind": "EventsNode", "event": "$pageview", "math": "total"}],
                "interval": "day",
                "dateRange": date_range,
            }),
            // A plain count needs no person, so no join.
            hand_sql: format!(
                "SELECT NULL::VARCHAR, 0::BIGINT, date_trunc('day', timestamp) AS day, count(*)::DOUBLE
                 FROM events
                 WHERE project_id = {project} AND event = '$pageview' AND timestamp >= {from} AND timestamp < {to}
                 GROUP BY day"
            ),
            shape: Shape::Trends { total_is_sum: true },
        },
        Insight {
            name: "unique users per day by $browser (top 5)",
            query: json!({
                "kind": "TrendsQuery",
                "series": [{"kind": "EventsNode", "event": "$pageview", "math": "dau"}],
                "interval": "day",
                "dateRange": date_range,
                "breakdownFilter": {"breakdown_type": "event", "breakdown": "$browser", "breakdown_limit": BREAKDOWN_LIMIT},
            }),
            // One scan into a materialized list of (day, value, person); the
            // ranking and the distinct counts (per day and over the range,
            // as grouping sets) both read that.
            hand_sql: format!(
                "WITH pv AS MATERIALIZED (
                    SELECT date_trunc('day', e.timestamp) AS day, COALESCE(NULLIF(e.browser, ''), {null}) AS bd, {person} AS person
                    FROM {events}
                    WHERE e.project_id = {project} AND e.event = '$pageview' AND e.timestamp >= {from} AND e.timestamp < {to}),
                 top AS (
                    SELECT bd, row_number() OVER (ORDER BY count(*) DESC, bd) AS rank
                    FROM pv GROUP BY bd QUALIFY rank <= {BREAKDOWN_LIMIT})
                 SELECT COALESCE(top.bd, {other}) AS bv, COALESCE(top.rank, {max}) AS rank, day, count(DISTINCT person)::DOUBLE
                 FROM pv LEFT JOIN top USING (bd)
                 GROUP BY GROUPING SETS ((bv, rank, day), (bv, rank))",
                max = i64::MAX
            ),
            shape: Shape::Trends { total_is_sum: false },
        },
        Insight {
            name: "funnel $pageview → signed up → purchase, 14 d",
            query: json!({
                "kind": "FunnelsQuery",
                "series": [
                    {"kind": "EventsNode", "event": "$pageview"},
                    {"kind": "EventsNode", "event": "signed up"},
                    {"kind": "EventsNode", "event": "purchase"},
                ],
                "dateRange": date_range,
                "funnelsFilter": {"funnelWindowInterval": WINDOW_DAYS, "funnelWindowIntervalUnit": "day", "funnelOrderType": "ordered"},
            }),
            // Everyone with a pageview enters. Only people who signed up can
            // get further, and only from a pageview at most the window before
            // their first sign-up and no later than their last one (any other
            // start reaches step 1 only), so only those chains are built: for
            // each start the first sign-up at or after it, for that the first
            // purchase at or after it. Each person keeps the start reaching
            // furthest, the earliest among equals; starts at the same instant
            // have the same chain, so the uuid tie-break cannot change the
            // answer and a plain number can order them.
            hand_sql: format!(
                "WITH ev AS MATERIALIZED (
                    SELECT {person} AS person, e.timestamp AS ts, e.event AS event
                    FROM {events}
                    WHERE e.project_id = {project} AND e.timestamp >= {from} AND e.timestamp < {to}
                      AND e.event IN ('$pageview', 'signed up', 'purchase')),
                 entered AS (SELECT count(DISTINCT person) AS n FROM ev WHERE event = '$pageview'),
                 st1 AS (SELECT person AS p, ts AS t FROM ev WHERE event = 'signed up'),
                 span AS (SELECT p, min(t) AS first, max(t) AS last FROM st1 GROUP BY p),
                 c0 AS (SELECT ev.person, ev.ts AS t0 FROM ev JOIN span ON ev.person = span.p
                        WHERE ev.event = '$pageview' AND ev.ts >= span.first - {window} AND ev.ts <= span.last),
                 st2 AS (SELECT ev.person AS p, ev.ts AS t FROM ev JOIN span ON ev.person = span.p
                         WHERE ev.event = 'purchase' AND ev.ts >= span.first AND ev.ts <= span.last + {window}),
                 c1 AS (SELECT c0.*, st1.t AS t1 FROM c0 ASOF LEFT JOIN st1 ON c0.person = st1.p AND st1.t >= c0.t0),
                 c2 AS (SELECT c1.*, st2.t AS t2 FROM c1 ASOF LEFT JOIN st2 ON c1.person = st2.p AND st2.t >= c1.t1),
                 scored AS (
                    SELECT *, 1 + COALESCE(t1 <= t0 + {window}, FALSE)::INT
                                + COALESCE(t1 <= t0 + {window} AND t2 <= t0 + {window}, FALSE)::INT AS reached
                    FROM c2),
                 chosen AS (
                    SELECT person, arg_min({{'t0': t0, 't1': t1, 't2': t2, 'reached': reached}},
                                           (3 - reached) * (1::BIGINT << 53) + epoch_us(t0)) AS c
                    FROM scored GROUP BY person),
                 steps AS (
                    SELECT count(*) FILTER (WHERE c.reached >= 2) AS n1,
                           count(*) FILTER (WHERE c.reached >= 3) AS n2,
                           quantile_cont(date_diff('microsecond', c.t0, c.t1) / 1e6, 0.5) FILTER (WHERE c.reached >= 2) AS m1,
                           avg(date_diff('microsecond', c.t0, c.t1) / 1e6) FILTER (WHERE c.reached >= 2) AS a1,
                           quantile_cont(date_diff('microsecond', c.t1, c.t2) / 1e6, 0.5) FILTER (WHERE c.reached >= 3) AS m2,
                           avg(date_diff('microsecond', c.t1, c.t2) / 1e6) FILTER (WHERE c.reached >= 3) AS a2
                    FROM chosen)
                 SELECT entered.n, n1, n2, m1, a1, m2, a2 FROM entered, steps",
                window = format!("INTERVAL {WINDOW_DAYS} DAY")
            ),
            shape: Shape::Funnel { steps: 3 },
        },
        Insight {
            name: "weekly retention, recurring, 8 weeks",
            query: json!({
                "kind": "RetentionQuery",
                "dateRange": {"date_to": TO},
                "retentionFilter": {
                    "targetEntity": {"id": "$pageview", "type": "events"},
                    "returningEntity": {"id": "$pageview", "type": "events"},
                    "retentionType": "retention_recurring",
                    "period": "Week",
                    "totalIntervals": WEEKS,
                },
            }),
            // Target and return are the same event: one pass gives each
            // person the set of weeks they were active in (a bit mask), and
            // every (cohort, later week) pair is a bit test on it.
            hand_sql: {
                let pairs: Vec<String> = (0..WEEKS)
                    .flat_map(|c| (0..WEEKS - c).map(move |k| (c, k)))
                    .map(|(c, k)| {
                        format!(
                            "{{'c': {c}::BIGINT, 'k': {k}::BIGINT, 'n': count(*) FILTER (WHERE (weeks >> {c}) & (weeks >> {}) & 1 = 1)}}",
                            c + k
                        )
                    })
                    .collect();
                format!(
                    "WITH active AS (
                        SELECT {person} AS person,
                               bit_or(1::UINTEGER << (date_diff('day', {first_week}, e.timestamp) // 7)::UINTEGER) AS weeks
                        FROM {events}
                        WHERE e.project_id = {project} AND e.event = '$pageview' AND e.timestamp >= {first_week} AND e.timestamp < {weeks_end}
                        GROUP BY ALL),
                     pairs AS (SELECT [{}] AS pairs FROM active)
                     SELECT unnest(pairs, recursive := true) FROM pairs",
                    pairs.join(", ")
                )
            },
            shape: Shape::Retention,
        },
    ]
}

fn day(text: &str) -> NaiveDateTime {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

// ---------------------------------------------------------------------------
// Answers, from either side, in one comparable form

#[derive(Debug, Clone, PartialEq)]
enum Answer {
    /// Per series (in order): breakdown value, one number per day, total.
    Trends(Vec<(Option<String>, Vec<f64>, f64)>),
    /// Per step: people, median and mean seconds from the previous step.
    Funnel(Vec<(u64, Option<f64>, Option<f64>)>),
    /// Per cohort: its size, then how many returned 1, 2, … periods later.
    Retention(Vec<Vec<u64>>),
}

impl Insight {
    fn run_hand_sql(&self, db: &duckdb::Connection) -> Answer {
        let mut statement = db.prepare(&self.hand_sql).unwrap_or_else(|e| {
            panic!(
                "{}: hand SQL does not prepare: {e}\n{}",
                self.name, self.hand_sql
            )
        });
        let mut rows = statement.query([]).unwrap();
        match self.shape {
            Shape::Trends { total_is_sum } => {
                let days: Vec<NaiveDateTime> =
                    (0..DAYS).map(|i| day(FROM) + TimeDelta::days(i)).collect();
                let mut series: std::collections::BTreeMap<(i64, Option<String>), (Vec<f64>, f64)> =
                    Default::default();
                while let Some(row) = rows.next().unwrap() {
                    let value: Option<String> = row.get(0).unwrap();
                    let rank: i64 = row.get(1).unwrap();
                    let at: Option<NaiveDateTime> = row.get(2).unwrap();
                    let number: f64 = row.get::<_, Option<f64>>(3).unwrap().unwrap_or(0.0);
                    let entry = series
                        .entry((rank, value))
                        .or_insert_with(|| (vec![0.0; days.len()], 0.0));
                    match at {
                        Some(at) => {
                            if let Ok(i) = days.binary_search(&at) {
                                entry.0[i] = number;
                            }
                        }
                        None => entry.1 = number,
                    }
                }
                Answer::Trends(
                    series
                        .into_iter()
                        .map(|((_, value), (data, total))| {
                            let total = if total_is_sum {
                                data.iter().sum()
                            } else {
                                total
                            };
                            (value, data, total)
                        })
                        .collect(),
                )
            }
            Shape::Funnel { steps } => {
                let row = rows.next().unwrap().expect("one row");
                Answer::Funnel(
                    (0..steps)
                        .map(|k| {
                            let count: i64 = row.get(k).unwrap();
                            let (median, mean) = if k == 0 {
                                (None, None)
                            } else {
                                (
                                    row.get(steps + 2 * (k - 1)).unwrap(),
                                    row.get(steps + 2 * (k - 1) + 1).unwrap(),
                                )
                            };
                            (count as u64, median, mean)
                        })
                        .collect(),
                )
            }
            Shape::Retention => {
                let mut cohorts: Vec<Vec<u64>> = (0..WEEKS).map(|c| vec![0; WEEKS - c]).collect();
                while let Some(row) = rows.next().unwrap() {
                    let c: i64 = row.get(0).unwrap();
                    let k: i64 = row.get(1).unwrap();
                    let n: i64 = row.get(2).unwrap();
                    cohorts[c as usize][k as usize] = n as u64;
                }
                Answer::Retention(cohorts)
            }
        }
    }
}

impl Answer {
    fn of(result: &InsightResult) -> Self {
        match result {
            InsightResult::Trends(t) => Answer::Trends(
                t.series
                    .iter()
                    .map(|s| (s.breakdown_value.clone(), s.data.clone(), s.total))
                    .collect(),
            ),
            InsightResult::Funnels(f) => Answer::Funnel(
                f.steps
                    .iter()
                    .map(|s| (s.count, s.median_conversion_time, s.average_conversion_time))
                    .collect(),
            ),
            InsightResult::Retention(r) => {
                Answer::Retention(r.cohorts.iter().map(|c| c.values.clone()).collect())
            }
        }
    }

    /// Where `self` (hand SQL) and `huddle` disagree, one line each.
    fn differences(&self, huddle: &Answer) -> Vec<String> {
        let mut out = Vec::new();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        let close_opt = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => close(a, b),
            (None, None) => true,
            _ => false,
        };
        match (self, huddle) {
            (Answer::Trends(a), Answer::Trends(b)) => {
                if a.len() != b.len() {
                    out.push(format!(
                        "series: hand SQL {:?}, Huddle {:?}",
                        a.iter().map(|s| &s.0).collect::<Vec<_>>(),
                        b.iter().map(|s| &s.0).collect::<Vec<_>>()
                    ));
                }
                for (sa, sb) in a.iter().zip(b) {
                    if sa.0 != sb.0 {
                        out.push(format!(
                            "series order: hand SQL {:?}, Huddle {:?}",
                            sa.0, sb.0
                        ));
                    }
                    for (i, (x, y)) in sa.1.iter().zip(&sb.1).enumerate() {
                        if !close(*x, *y) {
                            out.push(format!(
                                "{:?} day {}: hand SQL {x}, Huddle {y}",
                                sa.0,
                                (day(FROM) + TimeDelta::days(i as i64)).format("%Y-%m-%d")
                            ));
                        }
                    }
                    if sa.1.len() != sb.1.len() {
                        out.push(format!("{:?}: {} vs {} days", sa.0, sa.1.len(), sb.1.len()));
                    }
                    if !close(sa.2, sb.2) {
                        out.push(format!(
                            "{:?} total: hand SQL {}, Huddle {}",
                            sa.0, sa.2, sb.2
                        ));
                    }
                }
            }
            (Answer::Funnel(a), Answer::Funnel(b)) => {
                for (k, (x, y)) in a.iter().zip(b).enumerate() {
                    if x.0 != y.0 || !close_opt(x.1, y.1) || !close_opt(x.2, y.2) {
                        out.push(format!(
                            "step {}: hand SQL (people, median s, mean s) {x:?}, Huddle {y:?}",
                            k + 1
                        ));
                    }
                }
                if a.len() != b.len() {
                    out.push(format!("steps: {} vs {}", a.len(), b.len()));
                }
            }
            (Answer::Retention(a), Answer::Retention(b)) => {
                for (c, (x, y)) in a.iter().zip(b).enumerate() {
                    if x != y {
                        out.push(format!("cohort {c}: hand SQL {x:?}, Huddle {y:?}"));
                    }
                }
                if a.len() != b.len() {
                    out.push(format!("cohorts: {} vs {}", a.len(), b.len()));
                }
            }
            (a, b) => out.push(format!("different kinds: {a:?} vs {b:?}")),
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Huddle over HTTP, as the browser calls it

struct Browser {
    client: reqwest::Client,
    address: String,
}

impl Browser {
    /// Logs in as the bench user; the session cookie stays in the client.
    async fn log_in(address: &str) -> Self {
        // Huddle takes changes only from its own pages; a browser says so.
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ORIGIN,
            reqwest::header::HeaderValue::from_str(address).unwrap(),
        );
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap();
        let response = client
            .post(format!("{address}/api/login"))
            .header("Accept", "application/json")
            .form(&[("email", EMAIL), ("password", testkit::PASSWORD)])
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(
            status.is_success() || status.is_redirection(),
            "logging in answered {status}: {}",
            response.text().await.unwrap_or_default()
        );
        Self {
            client,
            address: address.to_owned(),
        }
    }

    /// Calls the `run_insight` server function; the time is until the whole
    /// response body has arrived.
    async fn run_insight(
        &self,
        project: domain::ProjectId,
        query: &str,
        refresh: bool,
    ) -> (f64, QueryOutcome) {
        let started = Instant::now();
        let response = self
            .client
            .post(format!("{}/api/run_insight", self.address))
            .header("Accept", "application/json")
            .form(&[
                ("project_id", project.to_string().as_str()),
                ("query", query),
                ("refresh", if refresh { "true" } else { "false" }),
            ])
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body = response.bytes().await.unwrap();
        let took = started.elapsed().as_secs_f64() * 1e3;
        assert!(
            status.is_success(),
            "run_insight answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
        (took, serde_json::from_slice(&body).unwrap())
    }
}

// ---------------------------------------------------------------------------
// Timing and the report

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2.0
    }
}

struct Row {
    name: &'static str,
    hand_ms: f64,
    huddle_ms: f64,
    cached_ms: f64,
    same: bool,
}

fn print_table(rows: &[Row], events: u64) {
    println!();
    println!("| insight | hand SQL ms | Huddle ms | ratio | cached ms | same answer |");
    println!("|---|---:|---:|---:|---:|---|");
    for r in rows {
        println!(
            "| {} | {:.1} | {:.1} | {:.2}× | {:.1} | {} |",
            r.name,
            r.hand_ms,
            r.huddle_ms,
            r.huddle_ms / r.hand_ms,
            r.cached_ms,
            if r.same { "yes" } else { "no" }
        );
    }
    let verdict = |ok: bool| if ok { "PASS" } else { "MISS" };
    let worst_ratio = rows
        .iter()
        .map(|r| r.huddle_ms / r.hand_ms)
        .fold(0.0, f64::max);
    let slowest = rows.iter().map(|r| r.huddle_ms).fold(0.0, f64::max);
    let slowest_cached = rows.iter().map(|r| r.cached_ms).fold(0.0, f64::max);
    println!();
    println!(
        "targets (stated for 10M events; this run has {events}): Huddle ≤ 1.3× hand SQL: {} (worst {worst_ratio:.2}×) · every insight ≤ 300 ms: {} (slowest {slowest:.0} ms) · cached repeat ≤ 20 ms: {} (slowest {slowest_cached:.1} ms) · same answers: {}",
        verdict(worst_ratio <= 1.3),
        verdict(slowest <= 300.0),
        verdict(slowest_cached <= 20.0),
        if rows.iter().all(|r| r.same) { "all" } else { "NOT ALL" },
    );
}
