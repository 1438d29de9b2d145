//! The insight engine: compiles a query to SQL for the events store, runs
//! it, and shapes the rows into an [`InsightResult`]; results are cached per
//! query and project data version.
//!
//! # Semantics
//!
//! These rules are what the engine computes, and what the plain-Rust
//! reference in the tests recomputes independently.
//!
//! **Common.** An event's person is the person its distinct id belongs to now
//! (merges included). Buckets are local periods of the project's time zone
//! (weeks start on Monday). Property filters, on event properties or on the
//! person's current properties, read a property's text (strings as they are,
//! numbers and booleans as JSON writes them):
//! `exact` / `is_not` equal / differ from every listed value (a value that
//! reads as a number also matches numerically, so "29" matches 29.0; a
//! missing property differs from everything); `icontains` /
//! `not_icontains` are case-insensitive substring tests; `regex` /
//! `not_regex` match a regular expression; `gt`, `gte`, `lt`, `lte` compare
//! numerically (missing or non-numeric never matches); `is_set` /
//! `is_not_set` test presence (JSON null counts as absent). The negative
//! operators match events without the property.
//!
//! **Trends.** Per series and bucket: `total` counts events, `dau` counts
//! distinct persons, `unique_session` distinct `$session_id`s,
//! `weekly_active` / `monthly_active` distinct persons with a matching event
//! in the 7 / 30 days ending with the bucket (looking back before the range),
//! property math aggregates the property cast to a number (non-numeric values
//! ignored; percentiles interpolate; an empty bucket is 0). A series' `total`
//! is the sum of its buckets for `total` and `sum`, the last bucket for
//! weekly/monthly active, and the aggregate over the whole range otherwise.
//! A breakdown groups by the property's text (missing, null or empty →
//! [`BREAKDOWN_NULL`]); the `limit` values with most events (ties by value)
//! get a series each, in that order, and the rest together one
//! [`BREAKDOWN_OTHER`] series; values are ranked per series over the range.
//! Compare adds each series for the window of as many buckets just before,
//! broken down by the current range's values. Series come period by period,
//! then in query order, then by rank. A formula replaces the series by one
//! per breakdown value (in order of first appearance), evaluated bucket by
//! bucket and on the totals. The cumulative display turns each series'
//! buckets into their running sum (its total unchanged).
//!
//! **Funnels.** Only events in the range (whole days) count; global filters
//! decide which events match a step. Step `k+1` must happen at or
//! after step `k` (strictly after when the two steps name the same event or
//! either is "all events"), and the last step within the conversion window
//! of the first (inclusive). Ordered: for every first-step event, the earliest
//! event of each next step in turn. Strict: each next step must be the
//! person's very next event (all their events in the range, ordered by time
//! then uuid). Unordered: from any step's event, the steps with an event in
//! the window starting there, in any order. A person reaches the furthest
//! step any start gives; of the starts that reach it, the earliest is theirs,
//! and its times give the conversion times (median and mean of step k minus
//! step k−1, in seconds, over those who reached k; none for unordered). A
//! breakdown takes the value of that start event (or the person property),
//! ranked by people entering, as for trends.
//!
//! **Retention.** The `total_intervals` periods ending with the one containing
//! `date_to` (now). Recurring: a person joins the cohort of each period in
//! which they did the target event; first time: the cohort of their first
//! target event ever, if it falls in those periods. `values[0]` is the
//! cohort's size and `values[k]` how many of them did the returning event
//! `k` periods later.
//!
//! [`InsightResult`]: domain::insight::InsightResult
//! [`BREAKDOWN_NULL`]: domain::insight::BREAKDOWN_NULL
//! [`BREAKDOWN_OTHER`]: domain::insight::BREAKDOWN_OTHER

mod breakdown;
mod cache;
pub(crate) mod filters;
mod funnels;
mod limits;
mod retention;
pub(crate) mod source;
pub(crate) mod sql;
mod trends;

use cache::CacheKey;
pub use cache::InsightCache;
pub(crate) use limits::QueryGate;
pub use limits::{QueryLimits, DEFAULT_TIME_LIMIT, QUERIES_PER_USER};

use crate::events::EventsStore;
use crate::{Error, ProjectScope, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use domain::insight::dates::window_of;
use domain::insight::{DateRange, InsightQuery, InsightResult, QueryOutcome};
use domain::ProjectId;
use std::time::Duration;

type Db = duckdb::Connection;

impl EventsStore {
    /// Runs `query` over the scope's project's events as of `now`, bucketing
    /// in its time zone, within the default time limit.
    pub async fn run_insight(
        &self,
        scope: &ProjectScope,
        query: &InsightQuery,
        now: DateTime<Utc>,
    ) -> Result<InsightResult> {
        query.validate()?;
        self.run_insight_within(scope, query, now, DEFAULT_TIME_LIMIT, ())
            .await?
            .map_err(|_| Error::Unavailable("The insight ran out of time.".into()))
    }

    /// [`Self::run_insight`] for a query its caller has validated, stopped
    /// after `limit` (or when the future is dropped); `held` is released when
    /// the query has stopped.
    async fn run_insight_within(
        &self,
        scope: &ProjectScope,
        query: &InsightQuery,
        now: DateTime<Utc>,
        limit: Duration,
        held: impl Send + 'static,
    ) -> Result<Result<InsightResult, crate::events::TimedOut>> {
        let (project, time_zone) = (scope.project_id(), scope.time_zone().tz());
        let query = query.clone();
        let db = self.connect()?;
        let ran = crate::events::run_interruptible(db, limit, held, move |db| {
            run(db, project, time_zone, &query, now)
        })
        .await?;
        Ok(match ran {
            Ok(result) => Ok(result?),
            Err(timed_out) => Err(timed_out),
        })
    }
}

impl crate::Backend {
    /// An insight's result for the scope's project, from the cache when the
    /// project's data has not changed since, unless `refresh` asks to
    /// recompute. Computing waits for the user's turn and a query slot, and
    /// stops at the time limit or when the future is dropped.
    pub async fn insight_outcome(
        &self,
        scope: &ProjectScope,
        query: &InsightQuery,
        refresh: bool,
    ) -> Result<QueryOutcome> {
        let (project, time_zone) = (scope.project_id(), scope.time_zone());
        let now = Utc::now();
        query.validate()?;
        let key = CacheKey {
            project,
            time_zone,
            query: query.to_json(),
            range_end: window_of(query, time_zone.tz(), now, None)?.to_utc(),
        };
        // Read before running: data arriving meanwhile must not be cached as seen.
        let version = self.events.versions.current(project);
        if !refresh {
            if let Some(mut cached) = self.insight_cache.get(&key, version) {
                cached.is_cached = true;
                return Ok(cached);
            }
        }
        let admission = self.queries.admit(scope.user()).await?;
        let limit = admission.time_left;
        let result = self
            .events
            .run_insight_within(scope, query, now, limit, admission)
            .await?
            .map_err(|_| self.queries.timed_out())?;
        let outcome = QueryOutcome {
            result,
            last_refresh: now,
            is_cached: false,
            time_zone,
        };
        self.insight_cache.put(key, version, outcome.clone());
        Ok(outcome)
    }
}

fn run(
    db: &Db,
    project: ProjectId,
    tz: Tz,
    query: &InsightQuery,
    now: DateTime<Utc>,
) -> Result<InsightResult> {
    let series: &[domain::insight::EventsNode] = match query {
        InsightQuery::Trends(q) => &q.series,
        InsightQuery::Funnels(q) => &q.series,
        InsightQuery::Retention(_) => &[],
    };
    let series_filters = series.iter().flat_map(|node| &node.properties);
    filters::check_patterns(db, query.properties().iter().chain(series_filters))?;
    Ok(match query {
        InsightQuery::Trends(q) => InsightResult::Trends(trends::run(db, project, tz, q, now)?),
        InsightQuery::Funnels(q) => InsightResult::Funnels(funnels::run(db, project, tz, q, now)?),
        InsightQuery::Retention(q) => {
            InsightResult::Retention(retention::run(db, project, tz, q, now)?)
        }
    })
}

/// The project's first event, when a range starts at `all`.
fn earliest_event(db: &Db, project: ProjectId, range: &DateRange) -> Result<Option<DateTime<Utc>>> {
    if range.date_from.as_deref().map(str::trim) != Some("all") {
        return Ok(None);
    }
    let first: Option<NaiveDateTime> = db.query_row(
        "SELECT min(timestamp) FROM events WHERE project_id = ?",
        [project.get()],
        |row| row.get(0),
    )?;
    Ok(first.map(|at| at.and_utc()))
}
