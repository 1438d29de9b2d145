//! The scheduler: every so often, claims the subscriptions that are due and
//! does the pending deliveries (scheduled ones and tests sent by hand).
//! Several processes may run it on one database; see `meta::subscriptions`
//! for why none sends twice and none is lost.

use crate::meta::FinishedDelivery;
use crate::{Backend, ProjectScope, Result};
use domain::subscription::DeliveryOutcome;

/// Tries before a delivery that keeps failing (the events store down, a
/// webhook answering 503) is recorded as failed; each waits for the lease
/// of the one before to run out.
pub(super) const MAX_ATTEMPTS: i64 = 3;
/// Subscriptions claimed per look.
const BATCH: i64 = 50;

impl Backend {
    /// Starts the scheduler on the current runtime.
    pub fn start_scheduler(&self) {
        let backend = self.clone();
        tokio::spawn(async move {
            loop {
                backend.run_due().await;
                let _ = tokio::time::timeout(
                    backend.jobs.idle,
                    backend.deliveries_requested.notified(),
                )
                .await;
            }
        });
    }

    /// Claims what is due and delivers every pending delivery.
    pub async fn run_due(&self) {
        loop {
            match self.meta.claim_due_subscriptions(BATCH).await {
                Ok(claimed) if claimed as i64 == BATCH => continue,
                Ok(_) => break,
                Err(err) => {
                    tracing::error!(error = %err, "claiming due subscriptions failed");
                    break;
                }
            }
        }
        loop {
            let claimed = match self.meta.claim_delivery(self.jobs.lease()).await {
                Ok(Some(claimed)) => claimed,
                Ok(None) => return,
                Err(err) => {
                    tracing::error!(error = %err, "claiming a delivery failed");
                    return;
                }
            };
            if let Err(err) = self.deliver(&claimed).await {
                tracing::warn!(delivery = claimed.id, attempt = claimed.attempts, error = %err, "a delivery failed");
                if claimed.attempts >= MAX_ATTEMPTS {
                    let failed = FinishedDelivery {
                        outcome: DeliveryOutcome::Failed,
                        targets: claimed.subscription.destination.describe(),
                        error: Some(format!("Not delivered after {MAX_ATTEMPTS} tries: {err}.")),
                        mails: Vec::new(),
                    };
                    if let Err(err) = self.meta.finish_delivery(claimed.id, failed).await {
                        tracing::error!(delivery = claimed.id, error = %err, "recording a failed delivery failed");
                    }
                }
                // Otherwise its lease runs out and a later look tries again.
            }
        }
    }

    /// "Send a test now": delivers the subscription to its destination at
    /// once, outside its schedule. Returns the delivery's id.
    pub async fn send_test(&self, scope: &ProjectScope, subscription: i64) -> Result<i64> {
        let delivery = self.meta.request_test_delivery(scope, subscription).await?;
        self.deliveries_requested.notify_one();
        Ok(delivery)
    }
}
