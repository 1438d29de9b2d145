//! What the app shows of mail Huddle sent or will send: a mail's state in
//! the queue, and the outbox of an organization.

use crate::enum_strings::enum_strings;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why a mail was sent.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MailPurpose {
    #[strum(message = "Invite")]
    Invite,
    #[strum(message = "Password reset")]
    PasswordReset,
    #[strum(message = "Subscription")]
    Subscription,
}

enum_strings!(MailPurpose, label, parse);

/// Where a mail is: waiting (for its first try or a retry), handed over,
/// or given up on.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MailState {
    Queued,
    Sent,
    Failed,
}

enum_strings!(MailState, parse);

/// A mail's progress, shown where it was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailStatus {
    pub state: MailState,
    pub attempts: i64,
    /// What the last failed try answered.
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl MailStatus {
    /// "Mailed", "Sending…", "Retrying after: …", "Not delivered: …".
    pub fn summary(&self) -> String {
        match (self.state, &self.last_error) {
            (MailState::Sent, _) => "Mailed".to_owned(),
            (MailState::Queued, None) => "Sending…".to_owned(),
            (MailState::Queued, Some(error)) => format!("Retrying after: {error}"),
            (MailState::Failed, error) => {
                format!("Not delivered: {}", error.as_deref().unwrap_or("gave up"))
            }
        }
    }
}

/// One mail of an organization's outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub purpose: MailPurpose,
    pub recipient: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub status: MailStatus,
}

/// A mail as its recipient would see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedMail {
    pub entry: OutboxEntry,
    pub from: String,
    /// The HTML part with its inline images as `data:` URLs, for a
    /// sandboxed frame.
    pub html: String,
    pub text: String,
    /// How many images came inline.
    pub images: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_says_where_the_mail_is() {
        let status = |state, last_error: Option<&str>| MailStatus {
            state,
            attempts: 1,
            last_error: last_error.map(str::to_owned),
            sent_at: None,
        };
        assert_eq!(status(MailState::Sent, None).summary(), "Mailed");
        assert_eq!(status(MailState::Queued, None).summary(), "Sending…");
        assert_eq!(
            status(MailState::Queued, Some("connection refused")).summary(),
            "Retrying after: connection refused"
        );
        assert_eq!(
            status(MailState::Failed, Some("550 no such user")).summary(),
            "Not delivered: 550 no such user"
        );
        assert_eq!(
            MailPurpose::parse("password_reset"),
            Some(MailPurpose::PasswordReset)
        );
    }
}
