//! The background sender: claims queued mail one at a time, hands it to the
//! transport, records what happened. A claim is a lease, not a lock: a
//! process killed mid-send leaves the mail to be claimed again once the
//! lease runs out, so none is lost.

use super::{HandOverError, Mailer};
use crate::jobs::JobTiming;
use crate::meta::{ClaimedMail, MetaStore, Outcome};
use chrono::{Duration, Utc};
use lettre::address::Envelope;

/// Tries before a mail is given up on.
pub const MAX_ATTEMPTS: i64 = 6;

/// How long to wait before try number `attempts + 1`: 30 s, then four times
/// longer each time (2 min, 8 min, 32 min, about 2 h).
pub fn retry_delay(attempts: i64) -> Option<Duration> {
    (attempts < MAX_ATTEMPTS)
        .then(|| Duration::seconds(30 * 4_i64.pow((attempts.max(1) - 1) as u32)))
}

/// Starts the sender for `meta`'s queue on the current runtime.
pub(crate) fn start(meta: MetaStore, mailer: Mailer, timing: JobTiming) {
    tokio::spawn(async move {
        loop {
            match meta.claim_mail(timing.lease()).await {
                Ok(Some(mail)) => send(&meta, &mailer, mail).await,
                Ok(None) => idle(&meta, &mailer, timing.idle).await,
                Err(err) => {
                    tracing::error!(error = %err, "claiming queued mail failed");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                }
            }
        }
    });
}

async fn send(meta: &MetaStore, mailer: &Mailer, mail: ClaimedMail) {
    let outcome = match envelope(&mail) {
        Ok(envelope) => match mailer.hand_over(&envelope, &mail.message).await {
            Ok(outbox_file) => Outcome::Sent { outbox_file },
            Err(err) => failure(&mail, err),
        },
        Err(message) => Outcome::Failed { error: message },
    };
    if let Outcome::Failed { error } | Outcome::Retry { error, .. } = &outcome {
        tracing::warn!(mail = mail.id, attempt = mail.attempts, %error, "a mail was not delivered");
    }
    if let Err(err) = meta.record_mail_outcome(mail.id, outcome).await {
        // The lease runs out and the mail is tried again.
        tracing::error!(mail = mail.id, error = %err, "recording a mail's outcome failed");
    }
}

fn failure(mail: &ClaimedMail, err: HandOverError) -> Outcome {
    match retry_delay(mail.attempts) {
        Some(delay) if !err.permanent => Outcome::Retry {
            error: err.message,
            at: Utc::now() + delay,
        },
        _ => Outcome::Failed { error: err.message },
    }
}

fn envelope(mail: &ClaimedMail) -> Result<Envelope, String> {
    let from = mail
        .sender
        .parse()
        .map_err(|err| format!("sender: {err}"))?;
    let to = mail
        .recipient
        .parse()
        .map_err(|err| format!("recipient: {err}"))?;
    Envelope::new(Some(from), vec![to]).map_err(|err| err.to_string())
}

/// Waits until the next mail is due, mail is queued here, or `idle` passed.
async fn idle(meta: &MetaStore, mailer: &Mailer, idle: std::time::Duration) {
    let wait = match meta.next_mail_due().await {
        Ok(Some(due)) => (due - Utc::now())
            .to_std()
            .unwrap_or_default()
            .clamp(std::time::Duration::from_millis(100), idle),
        _ => idle,
    };
    let _ = tokio::time::timeout(wait, mailer.0.queued.notified()).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop() {
        let delays: Vec<_> = (1..=MAX_ATTEMPTS)
            .map(|attempts| retry_delay(attempts).map(|d| d.num_seconds()))
            .collect();
        assert_eq!(
            delays,
            [Some(30), Some(120), Some(480), Some(1920), Some(7680), None]
        );
    }
}
