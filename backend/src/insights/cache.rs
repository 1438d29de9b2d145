//! Computed results, kept per query, project and data version.
//!
//! A result stays valid while the project's events are unchanged (ingestion
//! bumps the data version) and the query's range resolves to the same
//! buckets; relative ranges therefore roll over with the clock. The cache is
//! per process and bounded; with several servers each keeps its own.

use chrono::{DateTime, Utc};
use domain::insight::QueryOutcome;
use domain::ProjectId;
use lru::LruCache;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// How many results are kept.
const CAPACITY: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    pub project: ProjectId,
    pub time_zone: String,
    pub query: String,
    /// The end of the resolved range: a new bucket means a new result.
    pub range_end: DateTime<Utc>,
}

#[derive(Clone)]
pub struct InsightCache {
    entries: Arc<Mutex<LruCache<CacheKey, (u64, QueryOutcome)>>>,
}

impl Default for InsightCache {
    fn default() -> Self {
        Self {
            entries: Arc::new(Mutex::new(LruCache::new(
                NonZeroUsize::new(CAPACITY).expect("capacity is positive"),
            ))),
        }
    }
}

impl InsightCache {
    /// The cached outcome for `key` if computed at `version`.
    pub(crate) fn get(&self, key: &CacheKey, version: u64) -> Option<QueryOutcome> {
        let mut entries = self.entries.lock().ok()?;
        match entries.get(key) {
            Some((at, outcome)) if *at == version => Some(outcome.clone()),
            _ => None,
        }
    }

    pub(crate) fn put(&self, key: CacheKey, version: u64, outcome: QueryOutcome) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(key, (version, outcome));
        }
    }
}

/// Per project, a number that changes whenever its events change.
#[derive(Clone, Default)]
pub struct DataVersions {
    versions: Arc<Mutex<HashMap<ProjectId, u64>>>,
}

impl DataVersions {
    pub fn current(&self, project: ProjectId) -> u64 {
        self.versions
            .lock()
            .map(|v| v.get(&project).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    pub fn bump(&self, project: ProjectId) {
        if let Ok(mut versions) = self.versions.lock() {
            *versions.entry(project).or_insert(0) += 1;
        }
    }
}
