//! Failed-login bookkeeping, per email address (existing or not, so that the
//! answer reveals nothing about which accounts exist).

use super::{now, MetaStore};
use crate::Result;
use chrono::{DateTime, Duration, Utc};
use domain::account::Email;

/// Failures allowed within [`window`] before the address is locked.
const MAX_FAILURES: i64 = 5;

fn window() -> Duration {
    Duration::minutes(15)
}

fn lock_duration() -> Duration {
    Duration::minutes(15)
}

impl MetaStore {
    /// Minutes until the address may try again, if it is locked now.
    pub async fn login_locked_for(&self, email: &Email) -> Result<Option<i64>> {
        let locked_until: Option<Option<DateTime<Utc>>> =
            sqlx::query_scalar("SELECT locked_until FROM login_failures WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(&self.pool)
                .await?;
        let now = now();
        Ok(locked_until
            .flatten()
            .filter(|until| *until > now)
            .map(|until| {
                let seconds = (until - now).num_seconds();
                (seconds + 59) / 60
            }))
    }

    /// Counts a failed login; the fifth within the window locks the address.
    pub async fn record_login_failure(&self, email: &Email) -> Result<()> {
        let now = now();
        let mut tx = self.write().await?;
        let previous: Option<(i64, DateTime<Utc>)> =
            sqlx::query_as("SELECT failures, first_failed FROM login_failures WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let (failures, first_failed) = match previous {
            Some((failures, first)) if now - first < window() => (failures + 1, first),
            _ => (1, now),
        };
        let locked_until = (failures >= MAX_FAILURES).then(|| now + lock_duration());
        sqlx::query(
            "INSERT INTO login_failures (email, failures, first_failed, locked_until) VALUES ($1, $2, $3, $4)
             ON CONFLICT (email) DO UPDATE
             SET failures = excluded.failures, first_failed = excluded.first_failed, locked_until = excluded.locked_until",
        )
        .bind(email.as_str())
        .bind(if locked_until.is_some() { 0 } else { failures })
        .bind(first_failed)
        .bind(locked_until)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn clear_login_failures(&self, email: &Email) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE email = $1")
            .bind(email.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
