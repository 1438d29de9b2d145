//! The chart images a Slack or webhook delivery links to. Slack (and most
//! webhook receivers) fetch an image by its address, without a session, so
//! each has a secret address that expires; what is served is what was
//! sent, never drawn again for a stranger.

use super::{now, MetaStore};
use crate::tokens::{digest, secret_token};
use crate::{Error, Result};
use chrono::Duration;

/// How long a delivered image can be fetched.
const LIFETIME: Duration = Duration::days(30);

impl MetaStore {
    /// Keeps `pngs` for the delivery's receivers; returns each one's token.
    /// They replace those of an earlier try of the same delivery, and
    /// expired images of earlier deliveries go at the same time.
    pub(crate) async fn keep_delivery_images(
        &self,
        delivery: i64,
        pngs: &[&[u8]],
    ) -> Result<Vec<String>> {
        let at = now();
        let tokens: Vec<String> = pngs.iter().map(|_| secret_token()).collect();
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM delivery_images WHERE expires_ms < $1 OR delivery_id = $2")
            .bind(at.timestamp_millis())
            .bind(delivery)
            .execute(&mut *tx)
            .await?;
        for (token, png) in tokens.iter().zip(pngs) {
            sqlx::query(
                "INSERT INTO delivery_images (token_hash, delivery_id, png, expires_ms) VALUES ($1, $2, $3, $4)",
            )
            .bind(digest(token))
            .bind(delivery)
            .bind(*png)
            .bind((at + LIFETIME).timestamp_millis())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(tokens)
    }

    /// The PNG at a delivered image's address, while it has not expired.
    pub async fn delivery_image(&self, token: &str) -> Result<Vec<u8>> {
        sqlx::query_scalar(
            "SELECT png FROM delivery_images WHERE token_hash = $1 AND expires_ms >= $2",
        )
        .bind(digest(token))
        .bind(now().timestamp_millis())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound)
    }
}
