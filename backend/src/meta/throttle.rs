//! Attempt counters that throttle logging in and signing up.
//!
//! Each [`Limit`] is a counter under a key (a client, or a client and an
//! address) that allows `max` attempts per fixed window. An attempt is counted
//! *before* the slow work (the password check), in the same write transaction
//! that checks the limits, so attempts sent at once cannot slip past a limit
//! together; a successful login then gives its attempt back ([`MetaStore::forgive`]).

use super::{now, MetaStore};
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};

/// At most `max` attempts under `key` per `window`.
#[derive(Debug, Clone)]
pub(crate) struct Limit {
    pub key: String,
    pub max: i64,
    pub window: Duration,
    /// What the person is told when the limit is reached.
    pub refusal: &'static str,
}

impl MetaStore {
    /// Counts one attempt against every limit, or against none and answers
    /// [`Error::Throttled`] when one of them is used up.
    pub(crate) async fn take_attempt(&self, limits: &[&Limit]) -> Result<()> {
        let now = now();
        let mut tx = self.write().await?;
        let mut counts = Vec::with_capacity(limits.len());
        for &limit in limits {
            let current: Option<(i64, DateTime<Utc>)> =
                sqlx::query_as("SELECT attempts, window_start FROM auth_attempts WHERE key = $1")
                    .bind(&limit.key)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (attempts, window_start) = match current {
                Some((attempts, start)) if now - start < limit.window => (attempts, start),
                _ => (0, now),
            };
            if attempts >= limit.max {
                let seconds = (window_start + limit.window - now).num_seconds().max(1);
                return Err(Error::Throttled {
                    refusal: limit.refusal,
                    minutes: (seconds + 59) / 60,
                });
            }
            counts.push((limit, attempts + 1, window_start));
        }
        for (limit, attempts, window_start) in counts {
            sqlx::query(
                "INSERT INTO auth_attempts (key, attempts, window_start) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE
                 SET attempts = excluded.attempts, window_start = excluded.window_start",
            )
            .bind(&limit.key)
            .bind(attempts)
            .bind(window_start)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Gives back an attempt that turned out fine: the counters under `reset`
    /// start over, and those under `refund` lose the one attempt.
    pub(crate) async fn forgive(&self, reset: &[&Limit], refund: &[&Limit]) -> Result<()> {
        let mut tx = self.write().await?;
        for limit in reset {
            sqlx::query("DELETE FROM auth_attempts WHERE key = $1")
                .bind(&limit.key)
                .execute(&mut *tx)
                .await?;
        }
        for limit in refund {
            sqlx::query("UPDATE auth_attempts SET attempts = MAX(attempts - 1, 0) WHERE key = $1")
                .bind(&limit.key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
