//! The mails Huddle writes, each from an HTML and a text template under
//! `templates/mail/` (askama: the HTML ones escape every value), and the
//! flows that send them: invites and password resets.

use super::{Letter, Origin};
use crate::meta::{CreatedInvite, Limit, NewInvite};
use crate::{accounts, tokens, Backend, Error, Result};
use askama::Template;
use chrono::{DateTime, Duration, Utc};
use domain::account::{Email, NewPassword, User};
use domain::invite::PendingInvite;
use domain::mail::MailPurpose;
use domain::{OrganizationId, UserId};
use std::net::IpAddr;

/// A mail's values, and its two templates (`templates/mail/`): an HTML and
/// a text one, both reading the same values (through `Deref`).
macro_rules! mail_templates {
    ($values:ident => $html:ident($html_path:literal), $text:ident($text_path:literal)) => {
        #[derive(askama::Template)]
        #[template(path = $html_path)]
        struct $html<'a>(&'a $values<'a>);

        #[derive(askama::Template)]
        #[template(path = $text_path)]
        struct $text<'a>(&'a $values<'a>);

        impl<'a> std::ops::Deref for $html<'a> {
            type Target = $values<'a>;
            fn deref(&self) -> &Self::Target {
                self.0
            }
        }

        impl<'a> std::ops::Deref for $text<'a> {
            type Target = $values<'a>;
            fn deref(&self) -> &Self::Target {
                self.0
            }
        }
    };
}
pub(crate) use mail_templates;

struct Invite<'a> {
    subject: &'a str,
    organization: &'a str,
    inviter: &'a str,
    role: &'a str,
    link: &'a str,
    expires: &'a str,
}

mail_templates!(Invite => InviteHtml("mail/invite.html"), InviteText("mail/invite.txt"));

struct Reset<'a> {
    subject: &'a str,
    organization: &'a str,
    email: &'a str,
    link: &'a str,
}

mail_templates!(Reset => ResetHtml("mail/password_reset.html"), ResetText("mail/password_reset.txt"));

/// Reset mails one client may ask for per hour, for one address and in all.
pub const RESETS_PER_ADDRESS: i64 = 3;
pub const RESETS_PER_CLIENT: i64 = 20;

pub(crate) fn rendered(template: impl Template) -> Result<String> {
    template
        .render()
        .map_err(|err| Error::Mail(err.to_string()))
}

/// "December 5, 2026 at 14:30 UTC".
fn when(at: DateTime<Utc>) -> String {
    at.format("%B %-d, %Y at %H:%M UTC").to_string()
}

impl Backend {
    /// Invites someone to the organization and mails them the link (the
    /// caller still gets the link, to copy).
    pub async fn create_invite(
        &self,
        actor: UserId,
        organization: OrganizationId,
        new: NewInvite,
    ) -> Result<CreatedInvite> {
        let created = self.meta.create_invite(actor, organization, new).await?;
        let (org, _) = self.meta.organization_for(actor, organization).await?;
        let invite = &created.invite;
        let link = self.mailer.link(&domain::paths::invite(&created.token));
        let inviter = invite.invited_by.as_deref().unwrap_or("A teammate");
        let subject = format!("{inviter} invited you to {} on Huddle", org.name);
        let expires = when(invite.expires_at);
        let role = invite.role.label().to_lowercase();
        let values = Invite {
            subject: &subject,
            organization: &org.name,
            inviter,
            role: &role,
            link: &link,
            expires: &expires,
        };
        let letter = Letter {
            to: invite.email.clone(),
            html: rendered(InviteHtml(&values))?,
            text: rendered(InviteText(&values))?,
            subject,
            images: Vec::new(),
            unsubscribe: None,
        };
        let origin = Origin {
            organization: Some(organization),
            purpose: MailPurpose::Invite,
            about: Some(invite.id.get()),
        };
        self.queue_letter(origin, &letter).await?;
        Ok(created)
    }

    /// The organization's pending invites, each with how mailing it went
    /// (owners and admins).
    pub async fn pending_invites(
        &self,
        actor: UserId,
        organization: OrganizationId,
    ) -> Result<Vec<PendingInvite>> {
        let invites = self.meta.pending_invites(actor, organization).await?;
        let mut pending = Vec::with_capacity(invites.len());
        for invite in invites {
            let mail = self
                .meta
                .mail_status(MailPurpose::Invite, invite.id.get())
                .await?;
            pending.push(PendingInvite { invite, mail });
        }
        Ok(pending)
    }

    /// Mails a reset link to `email` if it has an account. The answer is the
    /// same either way, so it tells nobody whether the address is known.
    pub async fn request_password_reset(&self, email: &str, client: IpAddr) -> Result<()> {
        let email = Email::parse(email)?;
        let client = accounts::client_key(client);
        self.meta
            .take_attempt(&[
                &Limit {
                    key: format!("reset-address:{client} {}", email.as_str()),
                    max: RESETS_PER_ADDRESS,
                    window: Duration::hours(1),
                    refusal: "Too many reset mails asked for this address from your network.",
                },
                &Limit {
                    key: format!("reset-client:{client}"),
                    max: RESETS_PER_CLIENT,
                    window: Duration::hours(1),
                    refusal: "Too many reset mails asked for from your network.",
                },
            ])
            .await?;
        let Some((user, _)) = self.meta.user_with_password_hash(&email).await? else {
            return Ok(());
        };
        let token = tokens::secret_token();
        let (id, _) = self
            .meta
            .create_password_reset(user.id, &tokens::digest(&token))
            .await?;
        let organization = self
            .meta
            .organizations_for_user(user.id)
            .await?
            .into_iter()
            .next()
            .map_or_else(|| "Huddle".to_owned(), |(org, _)| org.name);
        let link = self.mailer.link(&domain::paths::reset_password(&token));
        let subject = "Reset your Huddle password".to_owned();
        let values = Reset {
            subject: &subject,
            organization: &organization,
            email: &user.email,
            link: &link,
        };
        let letter = Letter {
            to: user.email.clone(),
            html: rendered(ResetHtml(&values))?,
            text: rendered(ResetText(&values))?,
            subject,
            images: Vec::new(),
            unsubscribe: None,
        };
        let origin = Origin {
            organization: None,
            purpose: MailPurpose::PasswordReset,
            about: Some(id),
        };
        self.queue_letter(origin, &letter).await?;
        Ok(())
    }

    /// The account a reset link is for, while it works.
    pub async fn password_reset_account(&self, token: &str) -> Result<User> {
        self.meta.password_reset_user(&tokens::digest(token)).await
    }

    /// Sets a new password through a reset link, which then stops working.
    /// Sessions logged in with the old password end (they are tied to the
    /// password hash).
    pub async fn reset_password(&self, token: &str, password: NewPassword) -> Result<User> {
        let digest = tokens::digest(token);
        // Check before paying for a hash; the write checks again.
        self.meta.password_reset_user(&digest).await?;
        let hash = accounts::hash_password(password).await?;
        self.meta.use_password_reset(&digest, &hash).await
    }
}
