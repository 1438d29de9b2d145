//! Invitations to an organization.

use crate::organization::Role;
use crate::InviteId;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// An invite as its organization's admins see it (its link is shown only
/// once, when it is created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub id: InviteId,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A pending invite and how mailing it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvite {
    pub invite: Invite,
    pub mail: Option<crate::mail::MailStatus>,
}

/// What the person opening an invite link is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteDetails {
    pub organization_name: String,
    pub invited_by: Option<String>,
    pub email: String,
    pub role: Role,
    pub status: InviteStatus,
}

/// How long an invite link stays valid.
pub fn validity() -> Duration {
    Duration::days(3)
}

/// Where an invite stands, derived from its timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InviteStatus {
    pub fn of(
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        accepted_at: Option<DateTime<Utc>>,
        revoked_at: Option<DateTime<Utc>>,
    ) -> Self {
        if accepted_at.is_some() {
            InviteStatus::Accepted
        } else if revoked_at.is_some() {
            InviteStatus::Revoked
        } else if now >= expires_at {
            InviteStatus::Expired
        } else {
            InviteStatus::Pending
        }
    }

    /// What a person opening the link is told when it can no longer be used.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            InviteStatus::Pending => None,
            InviteStatus::Accepted => Some("This invite has already been used."),
            InviteStatus::Revoked => Some("This invite was revoked. Ask an admin for a new one."),
            InviteStatus::Expired => Some("This invite has expired. Ask an admin for a new one."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invite_expires_three_days_after_it_was_made() {
        let made = Utc::now();
        let expires = made + validity();
        assert_eq!(
            InviteStatus::of(made + Duration::hours(71), expires, None, None),
            InviteStatus::Pending
        );
        assert_eq!(
            InviteStatus::of(made + Duration::hours(72), expires, None, None),
            InviteStatus::Expired
        );
    }

    #[test]
    fn acceptance_and_revocation_outrank_expiry() {
        let now = Utc::now();
        let past = now - Duration::days(1);
        assert_eq!(
            InviteStatus::of(now, past, Some(past), None),
            InviteStatus::Accepted
        );
        assert_eq!(
            InviteStatus::of(now, past, None, Some(past)),
            InviteStatus::Revoked
        );
        assert!(InviteStatus::Expired.refusal().is_some());
        assert!(InviteStatus::Pending.refusal().is_none());
    }
}
