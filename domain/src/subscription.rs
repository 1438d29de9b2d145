//! Subscriptions: an insight or dashboard delivered on a schedule to
//! people's inboxes, a Slack channel, or another system's webhook.

use crate::account::Email;
use crate::schedule::Schedule;
use crate::sharing::ShareTarget;
use crate::{Invalid, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The most recipients one subscription mails.
pub const MAX_RECIPIENTS: usize = 50;
/// The most tiles a dashboard delivery shows, in layout order.
pub const MAX_TILES: usize = 6;

/// Where deliveries go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Destination {
    /// Mail to each address (members' addresses, or others' when the
    /// organization allows recipients outside it).
    Email { recipients: Vec<String> },
    /// A Slack incoming webhook.
    Slack { url: String },
    /// Any system taking a JSON POST.
    Webhook { url: String },
}

impl Destination {
    pub const FIELD: &'static str = "destination";

    /// The destination if it can be delivered to: one to
    /// [`MAX_RECIPIENTS`] valid, distinct addresses (lower-cased), or an
    /// `https://` webhook (`http://` too for generic webhooks, which may be
    /// on the operator's own network). Slack's may be Slack-compatible
    /// (Mattermost and Rocket.Chat take the same messages). Whether the
    /// address may be reached is the backend's to decide when it sends.
    pub fn validated(self) -> Result<Self, Invalid> {
        match self {
            Destination::Email { recipients } => {
                let mut parsed = Vec::new();
                for raw in recipients.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
                    let email = Email::parse(raw).map_err(|_| {
                        Invalid::new(Self::FIELD, format!("{raw} is not an email address."))
                    })?;
                    let email = email.as_str().to_lowercase();
                    if !parsed.contains(&email) {
                        parsed.push(email);
                    }
                }
                match parsed.len() {
                    0 => Err(Invalid::new(Self::FIELD, "Add at least one recipient.")),
                    n if n > MAX_RECIPIENTS => Err(Invalid::new(
                        Self::FIELD,
                        format!("A subscription mails at most {MAX_RECIPIENTS} people."),
                    )),
                    _ => Ok(Destination::Email { recipients: parsed }),
                }
            }
            Destination::Slack { url } => Ok(Destination::Slack {
                url: web_address(
                    &url,
                    "Paste the channel's incoming-webhook URL (https://hooks.slack.com/…, or a Slack-compatible one).",
                )?,
            }),
            Destination::Webhook { url } => Ok(Destination::Webhook {
                url: web_address(&url, "Enter the webhook's http:// or https:// URL.")?,
            }),
        }
    }

    /// What the subscription list says it goes to.
    pub fn describe(&self) -> String {
        match self {
            Destination::Email { recipients } => match recipients.as_slice() {
                [one] => one.clone(),
                [first, rest @ ..] => format!("{first} and {} more", rest.len()),
                [] => "nobody".to_owned(),
            },
            Destination::Slack { .. } => "a Slack channel".to_owned(),
            Destination::Webhook { url } => {
                let parsed = url::Url::parse(url).ok();
                let host = parsed
                    .as_ref()
                    .and_then(|u| Some((u.host_str()?, u.port())));
                match host {
                    Some((host, Some(port))) => format!("a webhook at {host}:{port}"),
                    Some((host, None)) => format!("a webhook at {host}"),
                    None => format!("a webhook at {url}"),
                }
            }
        }
    }
}

/// `raw` if it is an http(s) URL with a host, of at most 500 characters.
fn web_address(raw: &str, problem: &str) -> Result<String, Invalid> {
    let raw = raw.trim();
    match url::Url::parse(raw) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host().is_some()
                && raw.len() <= 500 =>
        {
            Ok(url.to_string())
        }
        _ => Err(Invalid::new(Destination::FIELD, problem)),
    }
}

/// A subscription as its editors see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: i64,
    pub target: ShareTarget,
    pub title: String,
    pub destination: Destination,
    pub schedule: Schedule,
    pub next_delivery_at: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What someone fills in to subscribe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionDraft {
    pub title: String,
    pub destination: Destination,
    pub schedule: Schedule,
}

impl SubscriptionDraft {
    pub const TITLE_FIELD: &'static str = "title";

    pub fn validated(self) -> Result<Self, Invalid> {
        let title = self.title.trim().to_owned();
        if title.chars().count() > 200 {
            return Err(Invalid::new(
                Self::TITLE_FIELD,
                "Keep the title under 200 characters.",
            ));
        }
        Ok(Self {
            title,
            destination: self.destination.validated()?,
            schedule: self.schedule.validated()?,
        })
    }
}

/// How one delivery went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// Claimed, not finished yet.
    Pending,
    /// Handed to every destination (mail is then queued for sending).
    Delivered,
    /// Some destinations got it, others not (see the error).
    Partial,
    Failed,
}

/// One delivery of a subscription, shown on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub at: DateTime<Utc>,
    /// A test sent by hand rather than on the schedule.
    pub test: bool,
    pub targets: String,
    pub outcome: DeliveryOutcome,
    /// What went wrong, and for whom (a recipient without access is named
    /// with the reason they got nothing).
    pub error: Option<String>,
    pub sent_by: Option<UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_checked_deduplicated_and_bounded() {
        let email = |list: &[&str]| Destination::Email {
            recipients: list.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(
            email(&["Ana@Example.com", " ana@example.com ", "", "bo@example.com"]).validated(),
            Ok(email(&["ana@example.com", "bo@example.com"]))
        );
        assert!(email(&[]).validated().is_err());
        assert!(email(&["not an address"]).validated().is_err());
        let many: Vec<String> = (0..=MAX_RECIPIENTS)
            .map(|n| format!("p{n}@example.com"))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(email(&many).validated().is_err());
    }

    #[test]
    fn webhooks_must_be_web_addresses() {
        let slack = |url: &str| Destination::Slack { url: url.into() }.validated();
        assert!(slack("https://hooks.slack.com/services/T0/B0/x").is_ok());
        assert!(slack("https://chat.example.com/hooks/abc").is_ok());
        assert!(slack("hooks.slack.com/services/T0").is_err());
        assert!(slack("javascript:alert(1)").is_err());
        let hook = |url: &str| Destination::Webhook { url: url.into() }.validated();
        assert!(hook("https://example.com/hook").is_ok());
        assert!(hook("http://10.0.0.5:8080/in").is_ok());
        assert!(hook("ftp://example.com").is_err());
        assert!(hook("https://").is_err());
        assert_eq!(
            Destination::Webhook {
                url: "https://ops.example.com/in/x".into()
            }
            .describe(),
            "a webhook at ops.example.com"
        );
    }
}
