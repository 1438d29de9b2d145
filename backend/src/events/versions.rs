//! Per project, a number that changes whenever its events change: ingestion
//! bumps it after each commit, and cached insight results are keyed by it.

use domain::ProjectId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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
