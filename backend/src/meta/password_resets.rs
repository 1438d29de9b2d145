//! Password reset links: single-use, for an hour, kept only as digests.

use super::{now, MetaStore};
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use domain::account::User;
use domain::UserId;

/// How long a reset link works.
pub fn reset_validity() -> Duration {
    Duration::hours(1)
}

const INVALID: &str = "This reset link does not work: it is wrong, already used, or more than an hour old. Ask for a new one.";

impl MetaStore {
    /// Records a reset link for `user` (its token's digest); links asked for
    /// before stop working. Returns the link's id and when it expires.
    pub(crate) async fn create_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
    ) -> Result<(i64, DateTime<Utc>)> {
        let created = now();
        let expires = created + reset_validity();
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(created)
        .bind(user)
        .execute(&mut *tx)
        .await?;
        let id = sqlx::query_scalar(
            "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user)
        .bind(token_hash)
        .bind(created)
        .bind(expires)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((id, expires))
    }

    /// The user a reset link (by its digest) is for, if it still works.
    pub(crate) async fn password_reset_user(&self, token_hash: &str) -> Result<User> {
        let row: Option<(UserId, DateTime<Utc>)> = sqlx::query_as(
            "SELECT user_id, expires_at FROM password_resets
             WHERE token_hash = $1 AND used_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some((user, expires)) if now() < expires => self.user(user).await,
            _ => Err(Error::Conflict(INVALID.to_owned())),
        }
    }

    /// Uses the reset link: sets the new password hash (computed before
    /// this write) if the link still works, once.
    pub(crate) async fn use_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<User> {
        let used = now();
        let mut tx = self.write().await?;
        let row: Option<(UserId, DateTime<Utc>)> = sqlx::query_as(
            "UPDATE password_resets SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL RETURNING user_id, expires_at",
        )
        .bind(used)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let user = match row {
            Some((user, expires)) if used < expires => user,
            // Dropping the transaction rolls the use back.
            _ => return Err(Error::Conflict(INVALID.to_owned())),
        };
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.user(user).await
    }
}
