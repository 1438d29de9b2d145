//! The mail queue's rows: mail waiting, claimed by a sender, sent or given
//! up on. Claims are single conditional updates, so several Huddle
//! processes on one database never hand the same mail over at once.

use super::{now, MetaStore};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use domain::mail::{MailPurpose, MailState, MailStatus, OutboxEntry};
use domain::{OrganizationId, UserId};

/// A mail composed and ready to queue.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub organization: Option<OrganizationId>,
    pub purpose: MailPurpose,
    pub about: Option<i64>,
    pub sender: String,
    pub recipient: String,
    pub subject: String,
    pub message: Vec<u8>,
}

/// A mail a sender has claimed.
#[derive(Debug, sqlx::FromRow)]
pub struct ClaimedMail {
    pub id: i64,
    pub sender: String,
    pub recipient: String,
    pub message: Vec<u8>,
    pub attempts: i64,
}

/// How a try to send went.
#[derive(Debug)]
pub enum Outcome {
    Sent {
        outbox_file: Option<String>,
    },
    /// Try again at the given time.
    Retry {
        error: String,
        at: DateTime<Utc>,
    },
    Failed {
        error: String,
    },
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    purpose: String,
    recipient: String,
    subject: String,
    created_at: DateTime<Utc>,
    state: String,
    attempts: i64,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
}

impl EntryRow {
    fn into_entry(self) -> Result<OutboxEntry> {
        Ok(OutboxEntry {
            id: self.id,
            purpose: MailPurpose::parse(&self.purpose)
                .ok_or_else(|| Error::corrupt(format!("mail purpose {:?}", self.purpose)))?,
            recipient: self.recipient,
            subject: self.subject,
            created_at: self.created_at,
            status: status(&self.state, self.attempts, self.last_error, self.sent_at)?,
        })
    }
}

fn status(
    state: &str,
    attempts: i64,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
) -> Result<MailStatus> {
    Ok(MailStatus {
        state: MailState::parse(state)
            .ok_or_else(|| Error::corrupt(format!("mail state {state:?}")))?,
        attempts,
        last_error,
        sent_at,
    })
}

/// Queues `mail` inside the caller's transaction.
pub(super) async fn insert_mail(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    mail: &QueuedMail,
) -> Result<i64> {
    let created = now();
    Ok(sqlx::query_scalar(
        "INSERT INTO mails (organization_id, purpose, about_id, sender, recipient, subject,
            message, next_attempt_ms, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(mail.organization)
    .bind(mail.purpose.as_str())
    .bind(mail.about)
    .bind(&mail.sender)
    .bind(&mail.recipient)
    .bind(&mail.subject)
    .bind(&mail.message)
    .bind(created.timestamp_millis())
    .bind(created)
    .fetch_one(&mut **tx)
    .await?)
}

const SELECT_ENTRY: &str = "SELECT id, purpose, recipient, subject, created_at, state, attempts,
        last_error, sent_at";

impl MetaStore {
    /// Queues a mail to be sent as soon as a sender is free.
    pub(crate) async fn queue_mail(&self, mail: QueuedMail) -> Result<i64> {
        let mut tx = self.write().await?;
        let id = insert_mail(&mut tx, &mail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Claims the queued mail due first, for `lease`: until then no other
    /// sender takes it.
    pub(crate) async fn claim_mail(&self, lease: chrono::Duration) -> Result<Option<ClaimedMail>> {
        let now = now().timestamp_millis();
        let mut tx = self.write().await?;
        let claimed = sqlx::query_as(
            "UPDATE mails SET claimed_until_ms = $1, attempts = attempts + 1
             WHERE id = (SELECT id FROM mails
                         WHERE state = 'queued' AND next_attempt_ms <= $2
                           AND (claimed_until_ms IS NULL OR claimed_until_ms <= $2)
                         ORDER BY next_attempt_ms, id LIMIT 1)
             RETURNING id, sender, recipient, message, attempts",
        )
        .bind(now + lease.num_milliseconds())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// When the next queued mail is due (or its claim runs out), if any.
    pub(crate) async fn next_mail_due(&self) -> Result<Option<DateTime<Utc>>> {
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(MAX(next_attempt_ms, COALESCE(claimed_until_ms, 0)))
             FROM mails WHERE state = 'queued'",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(due.and_then(DateTime::from_timestamp_millis))
    }

    /// Records how sending mail `id` went.
    pub(crate) async fn record_mail_outcome(&self, id: i64, outcome: Outcome) -> Result<()> {
        let mut tx = self.write().await?;
        let query = match outcome {
            Outcome::Sent { outbox_file } => sqlx::query(
                "UPDATE mails SET state = 'sent', sent_at = $2, outbox_file = $3,
                    claimed_until_ms = NULL, last_error = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(now())
            .bind(outbox_file),
            Outcome::Retry { error, at } => sqlx::query(
                "UPDATE mails SET last_error = $2, next_attempt_ms = $3, claimed_until_ms = NULL
                 WHERE id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(at.timestamp_millis()),
            Outcome::Failed { error } => sqlx::query(
                "UPDATE mails SET state = 'failed', last_error = $2, claimed_until_ms = NULL
                 WHERE id = $1",
            )
            .bind(id)
            .bind(error),
        };
        query.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The status of the latest mail sent for `purpose` about `about`.
    pub(crate) async fn mail_status(
        &self,
        purpose: MailPurpose,
        about: i64,
    ) -> Result<Option<MailStatus>> {
        let row: Option<(String, i64, Option<String>, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT state, attempts, last_error, sent_at FROM mails
             WHERE purpose = $1 AND about_id = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(purpose.as_str())
        .bind(about)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(state, attempts, error, sent_at)| status(&state, attempts, error, sent_at))
            .transpose()
    }

    /// The organization's mail, newest first, for its owners and admins.
    pub async fn outbox(
        &self,
        actor: UserId,
        organization: OrganizationId,
        limit: i64,
    ) -> Result<Vec<OutboxEntry>> {
        self.check_reads_outbox(actor, organization).await?;
        let rows: Vec<EntryRow> = sqlx::query_as(&format!(
            "{SELECT_ENTRY} FROM mails WHERE organization_id = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(organization)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(EntryRow::into_entry).collect()
    }

    /// One mail of the organization's outbox, as it was sent.
    pub(crate) async fn outbox_mail(
        &self,
        actor: UserId,
        organization: OrganizationId,
        id: i64,
    ) -> Result<(OutboxEntry, Vec<u8>)> {
        self.check_reads_outbox(actor, organization).await?;
        #[derive(sqlx::FromRow)]
        struct Opened {
            #[sqlx(flatten)]
            entry: EntryRow,
            message: Vec<u8>,
        }
        let row: Option<Opened> = sqlx::query_as(&format!(
            "{SELECT_ENTRY}, message FROM mails WHERE organization_id = $1 AND id = $2"
        ))
        .bind(organization)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let row = row.ok_or(Error::NotFound)?;
        Ok((row.entry.into_entry()?, row.message))
    }

    async fn check_reads_outbox(&self, actor: UserId, organization: OrganizationId) -> Result<()> {
        let role = self
            .role_in(actor, organization)
            .await?
            .ok_or(Error::NotFound)?;
        if role.manages_members() {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "Only owners and admins can read the organization's outbox.".to_owned(),
            ))
        }
    }
}
