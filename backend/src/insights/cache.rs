//! Computed results, kept per query, project and data version.
//!
//! A result stays valid while the project's events are unchanged (ingestion
//! bumps the project's [`DataVersions`] entry) and the query's range resolves
//! to the same buckets; relative ranges therefore roll over with the clock.
//! The cache is per process and bounded by the approximate size of what it
//! holds (a result's JSON and its key), evicting the least recently used; with
//! several servers each keeps its own.
//!
//! [`DataVersions`]: crate::events::DataVersions

use chrono::{DateTime, Utc};
use domain::insight::QueryOutcome;
use domain::project::TimeZone;
use domain::ProjectId;
use lru::LruCache;
use std::sync::{Arc, Mutex};

/// How many bytes of results are kept.
pub const CAPACITY_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    pub project: ProjectId,
    pub time_zone: TimeZone,
    pub query: String,
    /// The end of the resolved range: a new bucket means a new result.
    pub range_end: DateTime<Utc>,
}

impl CacheKey {
    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.query.len()
    }
}

struct Entry {
    version: u64,
    outcome: QueryOutcome,
    /// Approximate bytes of the entry, key included.
    size: usize,
}

struct Entries {
    lru: LruCache<CacheKey, Entry>,
    bytes: usize,
    capacity: usize,
}

#[derive(Clone)]
pub struct InsightCache {
    entries: Arc<Mutex<Entries>>,
}

impl Default for InsightCache {
    fn default() -> Self {
        Self::with_capacity(CAPACITY_BYTES)
    }
}

impl InsightCache {
    /// A cache keeping about `capacity` bytes of results.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Arc::new(Mutex::new(Entries {
                lru: LruCache::unbounded(),
                bytes: 0,
                capacity,
            })),
        }
    }

    /// The approximate bytes held.
    pub fn bytes(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.bytes)
    }

    /// The cached outcome for `key` if computed at `version`.
    pub(crate) fn get(&self, key: &CacheKey, version: u64) -> Option<QueryOutcome> {
        let mut entries = self.entries.lock().ok()?;
        match entries.lru.get(key) {
            Some(entry) if entry.version == version => Some(entry.outcome.clone()),
            _ => None,
        }
    }

    pub(crate) fn put(&self, key: CacheKey, version: u64, outcome: QueryOutcome) {
        // The serialized size stands for the in-memory one: both grow with
        // the numbers and labels a result holds.
        let size = key.size() + serde_json::to_vec(&outcome).map_or(usize::MAX, |v| v.len());
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if let Some(old) = entries.lru.pop(&key) {
            entries.bytes -= old.size;
        }
        if size > entries.capacity {
            return;
        }
        while entries.bytes + size > entries.capacity {
            match entries.lru.pop_lru() {
                Some((_, evicted)) => entries.bytes -= evicted.size,
                None => break,
            }
        }
        entries.bytes += size;
        entries.lru.put(
            key,
            Entry {
                version,
                outcome,
                size,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::insight::{InsightResult, TrendSeries, TrendsResult};

    fn key(n: usize) -> CacheKey {
        CacheKey {
            project: domain::ProjectId(1),
            time_zone: TimeZone::utc(),
            query: format!("query {n}"),
            range_end: DateTime::UNIX_EPOCH,
        }
    }

    /// A result of about `points` numbers.
    fn outcome(points: usize) -> QueryOutcome {
        QueryOutcome {
            result: InsightResult::Trends(TrendsResult {
                labels: vec![],
                days: vec![],
                series: vec![TrendSeries {
                    label: "Pageview".into(),
                    series_index: Some(0),
                    breakdown_value: None,
                    data: vec![123456.0; points],
                    total: 0.0,
                    compare: None,
                }],
            }),
            last_refresh: DateTime::UNIX_EPOCH,
            is_cached: false,
            time_zone: TimeZone::utc(),
        }
    }

    #[test]
    fn the_cache_stays_within_its_bytes_evicting_the_least_recently_used() {
        // Each result is about 7 KB of JSON; 20 KB hold two of them.
        let cache = InsightCache::with_capacity(20_000);
        cache.put(key(1), 0, outcome(1_000));
        cache.put(key(2), 0, outcome(1_000));
        assert!(cache.get(&key(1), 0).is_some()); // 1 is now the most recent
        cache.put(key(3), 0, outcome(1_000));
        assert!(cache.bytes() <= 20_000, "{} bytes", cache.bytes());
        assert!(
            cache.get(&key(2), 0).is_none(),
            "the least recently used goes"
        );
        assert!(cache.get(&key(1), 0).is_some());
        assert!(cache.get(&key(3), 0).is_some());

        // A result larger than the whole cache is not kept, and evicts nothing.
        cache.put(key(4), 0, outcome(10_000));
        assert!(cache.get(&key(4), 0).is_none());
        assert!(cache.get(&key(1), 0).is_some());

        // Replacing an entry frees its old size.
        let before = cache.bytes();
        cache.put(key(1), 1, outcome(1_000));
        assert_eq!(cache.bytes(), before);
    }
}
