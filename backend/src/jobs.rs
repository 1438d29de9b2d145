//! How the background jobs (the mail sender and the subscription scheduler)
//! pace themselves. Several Huddle processes may share one database: each
//! job is claimed as a lease, which another process takes over once it runs
//! out, so a process killed mid-job loses nothing.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct JobTiming {
    /// How long a claimed mail or delivery is left to the process that
    /// claimed it. It must exceed the slowest send, or a slow one is done
    /// twice.
    pub lease: Duration,
    /// The longest a job sleeps without looking for work (work queued by
    /// another process wakes nobody here).
    pub idle: Duration,
}

impl Default for JobTiming {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(600),
            idle: Duration::from_secs(20),
        }
    }
}

impl JobTiming {
    pub(crate) fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::minutes(10))
    }
}
