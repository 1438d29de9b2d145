//! Subscriptions and their deliveries.
//!
//! A due subscription is claimed by one conditional update that moves its
//! next delivery on (computed after now, so a process that was down sends a
//! missed slot once, not once per slot), in the same transaction that
//! records a pending delivery. Pending deliveries are then leased, like
//! mail, and finished in one transaction with the mail they queue: two
//! processes never both claim one, and one killed mid-delivery leaves it to
//! the next.

use super::mails::QueuedMail;
use super::sharing::target_column;
use super::{now, MetaStore};
use crate::{Error, ProjectScope, Result};
use chrono::{DateTime, Duration, Utc};
use domain::schedule::Schedule;
use domain::sharing::ShareTarget;
use domain::subscription::{
    Delivery, DeliveryOutcome, Destination, Subscription, SubscriptionDraft,
};
use domain::{DashboardId, InsightId, ProjectId, UserId};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    insight_id: Option<InsightId>,
    dashboard_id: Option<DashboardId>,
    title: String,
    destination: String,
    schedule: String,
    next_delivery_ms: Option<i64>,
    created_by: Option<String>,
    created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT s.id, s.insight_id, s.dashboard_id, s.title, s.destination,
        s.schedule, s.next_delivery_ms, u.name AS created_by, s.created_at
    FROM subscriptions s LEFT JOIN users u ON u.id = s.created_by";

impl Row {
    fn into_subscription(self) -> Result<Subscription> {
        let target = match (self.insight_id, self.dashboard_id) {
            (Some(insight), None) => ShareTarget::Insight(insight),
            (None, Some(dashboard)) => ShareTarget::Dashboard(dashboard),
            _ => return Err(Error::corrupt(format!("subscription {}'s target", self.id))),
        };
        Ok(Subscription {
            id: self.id,
            target,
            title: self.title,
            destination: serde_json::from_str(&self.destination)
                .map_err(|_| Error::corrupt(format!("subscription {}'s destination", self.id)))?,
            schedule: Schedule::from_rfc5545(&self.schedule).map_err(|cause| Error::Corrupt {
                what: format!("subscription {}'s schedule", self.id),
                cause: Some(cause),
            })?,
            next_delivery_at: self
                .next_delivery_ms
                .and_then(DateTime::from_timestamp_millis),
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

/// A pending delivery a sender holds.
#[derive(Debug)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub subscription: Subscription,
    pub project: ProjectId,
    /// Who the subscription acts for: what they may see is what is sent.
    pub created_by: Option<UserId>,
    pub test: bool,
    pub attempts: i64,
}

/// How a delivery ended, and the mail it queues (in the same transaction).
#[derive(Debug)]
pub struct FinishedDelivery {
    pub outcome: DeliveryOutcome,
    pub targets: String,
    pub error: Option<String>,
    pub mails: Vec<QueuedMail>,
}

/// The next delivery after `after`, in the project's zone, as stored.
fn next_ms(schedule: &Schedule, zone: chrono_tz::Tz, after: DateTime<Utc>) -> Option<i64> {
    schedule
        .next_after(zone, after, 1)
        .first()
        .map(DateTime::timestamp_millis)
}

impl MetaStore {
    /// Checks the actor may see `target` (and so subscribe to it).
    async fn check_target_visible(&self, scope: &ProjectScope, target: ShareTarget) -> Result<()> {
        match target {
            ShareTarget::Insight(id) => self.insight_with_id(scope, id).await.map(drop),
            ShareTarget::Dashboard(id) => self.dashboard(scope, id).await.map(drop),
        }
    }

    /// The subscriptions of an insight or dashboard, oldest first.
    pub async fn subscriptions(
        &self,
        scope: &ProjectScope,
        target: ShareTarget,
    ) -> Result<Vec<Subscription>> {
        self.check_target_visible(scope, target).await?;
        let (column, id) = target_column(target);
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} WHERE s.project_id = $1 AND s.{column} = $2 ORDER BY s.id"
        ))
        .bind(scope.project_id())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Row::into_subscription).collect()
    }

    /// One subscription of the project.
    pub async fn subscription(&self, scope: &ProjectScope, id: i64) -> Result<Subscription> {
        let row: Option<Row> =
            sqlx::query_as(&format!("{SELECT} WHERE s.project_id = $1 AND s.id = $2"))
                .bind(scope.project_id())
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let subscription = row.ok_or(Error::NotFound)?.into_subscription()?;
        self.check_target_visible(scope, subscription.target)
            .await?;
        Ok(subscription)
    }

    pub async fn create_subscription(
        &self,
        scope: &ProjectScope,
        target: ShareTarget,
        draft: SubscriptionDraft,
    ) -> Result<Subscription> {
        let draft = draft.validated()?;
        self.check_target_visible(scope, target).await?;
        let (column, target_id) = target_column(target);
        let next = next_ms(&draft.schedule, scope.time_zone().tz(), now());
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(&format!(
            "INSERT INTO subscriptions (project_id, {column}, title, destination, schedule,
                next_delivery_ms, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
        ))
        .bind(scope.project_id())
        .bind(target_id)
        .bind(&draft.title)
        .bind(serde_json::to_string(&draft.destination)?)
        .bind(draft.schedule.to_rfc5545())
        .bind(next)
        .bind(scope.user())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        self.subscription(scope, id).await
    }

    /// Changes what, where and when; the next delivery follows the new schedule.
    pub async fn update_subscription(
        &self,
        scope: &ProjectScope,
        id: i64,
        draft: SubscriptionDraft,
    ) -> Result<Subscription> {
        let draft = draft.validated()?;
        self.subscription(scope, id).await?;
        let next = next_ms(&draft.schedule, scope.time_zone().tz(), now());
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE subscriptions SET title = $1, destination = $2, schedule = $3,
                next_delivery_ms = $4 WHERE id = $5 AND project_id = $6",
        )
        .bind(&draft.title)
        .bind(serde_json::to_string(&draft.destination)?)
        .bind(draft.schedule.to_rfc5545())
        .bind(next)
        .bind(id)
        .bind(scope.project_id())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.subscription(scope, id).await
    }

    pub async fn delete_subscription(&self, scope: &ProjectScope, id: i64) -> Result<()> {
        self.subscription(scope, id).await?;
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM subscriptions WHERE id = $1 AND project_id = $2")
            .bind(id)
            .bind(scope.project_id())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Recomputes the next delivery of every subscription of the project,
    /// after its time zone changed.
    pub(crate) async fn reschedule_project(
        &self,
        project: ProjectId,
        zone: chrono_tz::Tz,
    ) -> Result<()> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, schedule FROM subscriptions WHERE project_id = $1")
                .bind(project)
                .fetch_all(&self.pool)
                .await?;
        let at = now();
        let mut tx = self.write().await?;
        for (id, text) in rows {
            let Ok(schedule) = Schedule::from_rfc5545(&text) else {
                continue;
            };
            sqlx::query("UPDATE subscriptions SET next_delivery_ms = $1 WHERE id = $2")
                .bind(next_ms(&schedule, zone, at))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The latest deliveries of a subscription, newest first.
    pub async fn deliveries(
        &self,
        scope: &ProjectScope,
        id: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>> {
        self.subscription(scope, id).await?;
        type DeliveryRow = (
            DateTime<Utc>,
            Option<DateTime<Utc>>,
            bool,
            String,
            String,
            Option<String>,
            Option<UserId>,
        );
        let rows: Vec<DeliveryRow> = sqlx::query_as(
            "SELECT scheduled_for, finished_at, test, targets, state, error, sent_by
             FROM subscription_deliveries WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(scheduled, finished, test, targets, state, error, sent_by)| Delivery {
                    at: finished.unwrap_or(scheduled),
                    test,
                    targets,
                    outcome: match state.as_str() {
                        "delivered" => DeliveryOutcome::Delivered,
                        "partial" => DeliveryOutcome::Partial,
                        "failed" => DeliveryOutcome::Failed,
                        _ => DeliveryOutcome::Pending,
                    },
                    error,
                    sent_by,
                },
            )
            .collect())
    }

    /// Records a delivery now, by hand ("Send a test now").
    pub async fn request_test_delivery(&self, scope: &ProjectScope, id: i64) -> Result<i64> {
        self.subscription(scope, id).await?;
        let mut tx = self.write().await?;
        let delivery = sqlx::query_scalar(
            "INSERT INTO subscription_deliveries (subscription_id, scheduled_for, test, sent_by)
             VALUES ($1, $2, 1, $3) RETURNING id",
        )
        .bind(id)
        .bind(now())
        .bind(scope.user())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(delivery)
    }

    /// Claims up to `limit` subscriptions that are due: each is moved on to
    /// its next delivery after now and gets a pending delivery, in one
    /// transaction, only if no one else moved it first. Returns how many.
    pub(crate) async fn claim_due_subscriptions(&self, limit: i64) -> Result<usize> {
        let at = now();
        let due: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT s.id, s.schedule, s.next_delivery_ms, p.time_zone
             FROM subscriptions s JOIN projects p ON p.id = s.project_id
             WHERE s.next_delivery_ms <= $1 ORDER BY s.next_delivery_ms LIMIT $2",
        )
        .bind(at.timestamp_millis())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = 0;
        for (id, text, due_ms, zone) in due {
            let zone: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
            let next = Schedule::from_rfc5545(&text)
                .ok()
                .and_then(|schedule| next_ms(&schedule, zone, at));
            let mut tx = self.write().await?;
            let moved = sqlx::query(
                "UPDATE subscriptions SET next_delivery_ms = $1
                 WHERE id = $2 AND next_delivery_ms = $3",
            )
            .bind(next)
            .bind(id)
            .bind(due_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 1 {
                sqlx::query(
                    "INSERT INTO subscription_deliveries (subscription_id, scheduled_for)
                     VALUES ($1, $2)",
                )
                .bind(id)
                .bind(DateTime::from_timestamp_millis(due_ms).unwrap_or(at))
                .execute(&mut *tx)
                .await?;
                claimed += 1;
            }
            tx.commit().await?;
        }
        Ok(claimed)
    }

    /// Leases the oldest pending delivery for `lease`.
    pub(crate) async fn claim_delivery(&self, lease: Duration) -> Result<Option<ClaimedDelivery>> {
        let at = now().timestamp_millis();
        let mut tx = self.write().await?;
        let claimed: Option<(i64, i64, bool, i64)> = sqlx::query_as(
            "UPDATE subscription_deliveries SET claimed_until_ms = $1, attempts = attempts + 1
             WHERE id = (SELECT id FROM subscription_deliveries
                         WHERE state = 'pending' AND (claimed_until_ms IS NULL OR claimed_until_ms <= $2)
                         ORDER BY id LIMIT 1)
             RETURNING id, subscription_id, test, attempts",
        )
        .bind(at + lease.num_milliseconds())
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some((id, subscription, test, attempts)) = claimed else {
            return Ok(None);
        };
        let row: Row = sqlx::query_as(&format!("{SELECT} WHERE s.id = $1"))
            .bind(subscription)
            .fetch_one(&self.pool)
            .await?;
        let (project, created_by): (ProjectId, Option<UserId>) =
            sqlx::query_as("SELECT project_id, created_by FROM subscriptions WHERE id = $1")
                .bind(subscription)
                .fetch_one(&self.pool)
                .await?;
        Ok(Some(ClaimedDelivery {
            id,
            subscription: row.into_subscription()?,
            project,
            created_by,
            test,
            attempts,
        }))
    }

    /// Finishes a delivery and queues its mail, together: either both
    /// happen or neither, so a delivery's mail is queued once.
    pub(crate) async fn finish_delivery(&self, id: i64, finished: FinishedDelivery) -> Result<()> {
        let state = match finished.outcome {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Partial => "partial",
            DeliveryOutcome::Failed | DeliveryOutcome::Pending => "failed",
        };
        let mut tx = self.write().await?;
        let still_pending = sqlx::query(
            "UPDATE subscription_deliveries SET state = $1, targets = $2, error = $3,
                finished_at = $4, claimed_until_ms = NULL
             WHERE id = $5 AND state = 'pending'",
        )
        .bind(state)
        .bind(&finished.targets)
        .bind(&finished.error)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if still_pending == 1 {
            for mail in &finished.mails {
                super::mails::insert_mail(&mut tx, mail).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The unsubscribe link of subscription mail to `email`.
    pub fn unsubscribe_path(&self, subscription: i64, email: &str) -> String {
        let token = crate::tokens::unsubscribe_token(&self.secret_key, subscription, email);
        domain::paths::unsubscribe(subscription, email, &token)
    }

    /// Whether `token` is the unsubscribe link's signature for this address.
    pub(crate) fn unsubscribe_token_matches(
        &self,
        subscription: i64,
        email: &str,
        token: &str,
    ) -> bool {
        use subtle::ConstantTimeEq;
        let expected = crate::tokens::unsubscribe_token(&self.secret_key, subscription, email);
        expected.as_bytes().ct_eq(token.as_bytes()).into()
    }

    /// Removes `email` from the subscription's recipients (deleting the
    /// subscription when nobody is left). Returns what it was subscribed to.
    pub(crate) async fn unsubscribe(&self, id: i64, email: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let stored: Option<String> =
            sqlx::query_scalar("SELECT destination FROM subscriptions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(stored) = stored else {
            // Already gone: unsubscribing twice is fine.
            return Ok(());
        };
        let destination: Destination = serde_json::from_str(&stored)
            .map_err(|_| Error::corrupt("a subscription's destination"))?;
        if let Destination::Email { mut recipients } = destination {
            recipients.retain(|recipient| !recipient.eq_ignore_ascii_case(email));
            if recipients.is_empty() {
                sqlx::query("DELETE FROM subscriptions WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query("UPDATE subscriptions SET destination = $1 WHERE id = $2")
                    .bind(serde_json::to_string(&Destination::Email { recipients })?)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
