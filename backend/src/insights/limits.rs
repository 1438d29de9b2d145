//! Bounds on the work insight queries give the events store: a time limit
//! per query, a few queries at once per user, and a global number of query
//! slots.
//!
//! DuckDB already spreads one query over every core, so running more queries
//! at once than there are cores adds contention, not throughput. The slots
//! are one fewer than the cores (at least one): a refresh storm on a
//! dashboard queues for them instead of crowding out the ingestion writer
//! (its own thread and connection) and the web workers.

use crate::{Error, Result};
use domain::UserId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How long one insight may compute unless configured otherwise.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(30);
/// Queries one user may run at once; more wait for a turn.
pub const QUERIES_PER_USER: usize = 4;
/// How long a user's query waits for one of their own turns.
pub const USER_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct QueryLimits {
    /// From asking to answering, waiting for a slot included.
    pub time_limit: Duration,
    pub per_user: usize,
    pub user_wait: Duration,
    /// Queries running on the events store at once, over all users.
    pub slots: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            time_limit: DEFAULT_TIME_LIMIT,
            per_user: QUERIES_PER_USER,
            user_wait: USER_WAIT,
            slots: cores.saturating_sub(1).max(1),
        }
    }
}

/// Hands out the right to run a query.
#[derive(Clone)]
pub(crate) struct QueryGate {
    limits: QueryLimits,
    slots: Arc<Semaphore>,
    users: Arc<Mutex<HashMap<UserId, Arc<Semaphore>>>>,
}

/// A query's turn: its user's permit and a global slot, held until the query
/// has really stopped; and how long it may still run.
pub(crate) struct Admission {
    _user: UserTurn,
    _slot: OwnedSemaphorePermit,
    pub time_left: Duration,
}

impl QueryGate {
    pub fn new(limits: QueryLimits) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(limits.slots.max(1))),
            users: Arc::default(),
            limits,
        }
    }

    /// Waits for `user`'s turn and a free slot, within the time limit.
    pub async fn admit(&self, user: UserId) -> Result<Admission> {
        let deadline = Instant::now() + self.limits.time_limit;
        let user_turn = self.user_turn(user).await?;
        let slot = tokio::time::timeout_at(deadline, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| self.timed_out())?
            .map_err(|_| Error::Closed("the query slots"))?;
        Ok(Admission {
            _user: user_turn,
            _slot: slot,
            time_left: deadline.saturating_duration_since(Instant::now()),
        })
    }

    async fn user_turn(&self, user: UserId) -> Result<UserTurn> {
        let semaphore = self
            .users
            .lock()
            .map_err(|_| Error::Closed("the query gate's lock"))?
            .entry(user)
            .or_insert_with(|| Arc::new(Semaphore::new(self.limits.per_user.max(1))))
            .clone();
        let permit = tokio::time::timeout(self.limits.user_wait, semaphore.clone().acquire_owned())
            .await
            .map_err(|_| {
                Error::TooManyAtOnce(format!(
                    "Too many insights are computing for you at once (at most {}). Try again in a moment.",
                    self.limits.per_user
                ))
            })?
            .map_err(|_| Error::Closed("the per-user query turns"))?;
        Ok(UserTurn {
            permit: Some(permit),
            user,
            semaphore,
            users: self.users.clone(),
        })
    }

    /// What a query that ran out of time answers.
    pub fn timed_out(&self) -> Error {
        Error::Unavailable(format!(
            "This insight took longer than {} s to compute and was stopped. Try a shorter date range, fewer series or a smaller breakdown.",
            self.limits.time_limit.as_secs_f64().ceil()
        ))
    }
}

/// One of a user's turns; the user's entry goes once nobody holds it.
struct UserTurn {
    permit: Option<OwnedSemaphorePermit>,
    user: UserId,
    semaphore: Arc<Semaphore>,
    users: Arc<Mutex<HashMap<UserId, Arc<Semaphore>>>>,
}

impl Drop for UserTurn {
    fn drop(&mut self) {
        let Ok(mut users) = self.users.lock() else {
            return;
        };
        drop(self.permit.take());
        // The map and this turn: nobody else holds or waits for it.
        if Arc::strong_count(&self.semaphore) == 2 {
            users.remove(&self.user);
        }
    }
}
