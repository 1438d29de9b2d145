//! Capture API keys to projects, remembered: every capture request names a
//! key, and most name the same few.

use domain::ProjectId;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many keys are remembered. Only keys of existing projects are, so
/// strangers sending made-up keys cannot fill it.
const CAPACITY: usize = 10_000;

/// How long a key is trusted without asking the store again, which bounds
/// how long a key keeps working once its project stops answering to it.
pub const KEY_TTL: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub(super) struct ProjectKeys {
    known: Arc<Mutex<LruCache<String, (ProjectId, Instant)>>>,
    ttl: Duration,
}

impl Default for ProjectKeys {
    fn default() -> Self {
        Self::new(CAPACITY, KEY_TTL)
    }
}

impl ProjectKeys {
    fn new(capacity: usize, ttl: Duration) -> Self {
        let capacity = NonZeroUsize::new(capacity).expect("the capacity is not zero");
        Self {
            known: Arc::new(Mutex::new(LruCache::new(capacity))),
            ttl,
        }
    }

    pub fn get(&self, key: &str) -> Option<ProjectId> {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        match known.get(key) {
            Some(&(project, since)) if since.elapsed() < self.ttl => Some(project),
            Some(_) => {
                known.pop(key);
                None
            }
            None => None,
        }
    }

    pub fn remember(&self, key: &str, project: ProjectId) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.put(key.to_owned(), (project, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_remembered_for_their_time_and_the_oldest_make_room() {
        let keys = ProjectKeys::new(2, Duration::from_millis(100));
        keys.remember("phc_a", ProjectId(1));
        keys.remember("phc_b", ProjectId(2));
        assert_eq!(keys.get("phc_a"), Some(ProjectId(1)));
        keys.remember("phc_c", ProjectId(3));
        assert_eq!(keys.get("phc_b"), None, "the least recently used made room");
        assert_eq!(keys.get("phc_unknown"), None);
        std::thread::sleep(Duration::from_millis(150));
        assert_eq!(keys.get("phc_a"), None, "asked again once its time is up");
    }
}
