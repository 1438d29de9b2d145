//! Subscriptions delivered: what a delivery shows (the insight's image, or
//! a dashboard's first tiles), to whom it may go at send time, the mail it
//! becomes, and one-click unsubscribing. [`scheduler`] runs them.

mod content;
mod hooks;
pub mod scheduler;

use crate::mail::letters::{mail_templates, rendered};
use crate::mail::{InlineImage, Letter, Origin};
use crate::meta::{ClaimedDelivery, FinishedDelivery, QueuedMail};
use crate::{Backend, Error, ProjectScope, Result};
use content::Content;
use domain::account::Email;
use domain::mail::MailPurpose;
use domain::organization::Policy;
use domain::subscription::{DeliveryOutcome, Destination, SubscriptionDraft};

struct SubscriptionMail<'a> {
    subject: &'a str,
    organization: &'a str,
    name: &'a str,
    kind: &'a str,
    kind_lower: &'a str,
    schedule: &'a str,
    charts: &'a [ChartView<'a>],
    total: usize,
    more: usize,
    link: &'a str,
    subscriber: &'a str,
    recipient: &'a str,
    unsubscribe: &'a str,
}

mail_templates!(SubscriptionMail => SubscriptionHtml("mail/subscription.html"), SubscriptionText("mail/subscription.txt"));

struct ChartView<'a> {
    name: &'a str,
    summary: &'a str,
    link: &'a str,
    content_id: String,
}

impl Backend {
    /// Does one claimed delivery: checks who may receive it now, renders
    /// it, and finishes it together with the mail it queues.
    pub(crate) async fn deliver(&self, claimed: &ClaimedDelivery) -> Result<()> {
        let finished = match self.delivery(claimed).await {
            Ok(finished) => finished,
            // The subscription acts for its creator; without them it sends nothing.
            Err(Error::NotFound | Error::Forbidden(_)) => FinishedDelivery {
                outcome: DeliveryOutcome::Failed,
                targets: String::new(),
                error: Some("Its creator can no longer see it, so nothing was sent.".to_owned()),
                mails: Vec::new(),
            },
            Err(err) => return Err(err),
        };
        let mailed = !finished.mails.is_empty();
        self.meta.finish_delivery(claimed.id, finished).await?;
        if mailed {
            self.mailer.queued_some();
        }
        Ok(())
    }

    async fn delivery(&self, claimed: &ClaimedDelivery) -> Result<FinishedDelivery> {
        let creator = claimed.created_by.ok_or(Error::NotFound)?;
        let scope = self.meta.scope(creator, claimed.project).await?;
        let content = self.content(&scope, claimed.subscription.target).await?;
        match &claimed.subscription.destination {
            Destination::Email { recipients } => {
                self.mail_delivery(&scope, claimed, &content, recipients)
                    .await
            }
            Destination::Slack { url } | Destination::Webhook { url } => {
                self.hook_delivery(&scope, claimed, &content, url).await
            }
        }
    }

    /// One POST to Slack or a webhook, made outside any transaction; the
    /// images it links to are kept first. A process killed between the POST
    /// and recording it sends it again when the lease runs out: receivers
    /// get it at least once.
    async fn hook_delivery(
        &self,
        scope: &ProjectScope,
        claimed: &ClaimedDelivery,
        content: &Content,
        url: &str,
    ) -> Result<FinishedDelivery> {
        let pngs: Vec<&[u8]> = content
            .charts
            .iter()
            .map(|chart| chart.png.as_slice())
            .collect();
        let image_urls: Vec<String> = self
            .meta
            .keep_delivery_images(claimed.id, &pngs)
            .await?
            .iter()
            .map(|token| self.mailer.link(&domain::paths::delivery_image(token)))
            .collect();
        let message = hooks::Message {
            claimed,
            content,
            image_urls: &image_urls,
            schedule: &claimed
                .subscription
                .schedule
                .describe(scope.time_zone().tz()),
            organization: &scope.organization().name,
        };
        let body = match claimed.subscription.destination {
            Destination::Slack { .. } => message.slack(),
            _ => message.webhook(),
        };
        let (outcome, error) = match self.outbound.post_json(url, &body).await {
            Ok(()) => (DeliveryOutcome::Delivered, None),
            // Left pending: tried again when its lease runs out.
            Err(refusal) if refusal.passing && claimed.attempts < scheduler::MAX_ATTEMPTS => {
                return Err(Error::Unavailable(refusal.message));
            }
            Err(refusal) if refusal.passing => (
                DeliveryOutcome::Failed,
                Some(format!(
                    "Not sent after {} tries: {refusal}.",
                    claimed.attempts
                )),
            ),
            Err(refusal) => (
                DeliveryOutcome::Failed,
                Some(format!("Not sent: {refusal}.")),
            ),
        };
        Ok(FinishedDelivery {
            outcome,
            targets: claimed.subscription.destination.describe(),
            error,
            mails: Vec::new(),
        })
    }

    /// Whether `email` may get the project's data now: someone who can use
    /// the project, or an address without a Huddle account when the
    /// organization allows outside recipients. An account that cannot use
    /// the project (a member left out of a private one, someone removed
    /// from the organization) gets nothing either way.
    async fn refusal_for(
        &self,
        scope: &ProjectScope,
        email: &str,
        external: bool,
    ) -> Result<Option<String>> {
        let Ok(parsed) = Email::parse(email) else {
            return Ok(Some(format!("{email} is not an email address")));
        };
        match self.meta.user_with_password_hash(&parsed).await? {
            Some((user, _)) => match self.meta.scope(user.id, scope.project_id()).await {
                Ok(_) => Ok(None),
                Err(Error::NotFound | Error::Forbidden(_)) => {
                    Ok(Some(format!("{email} has no access to the project")))
                }
                Err(err) => Err(err),
            },
            None if external => Ok(None),
            None => Ok(Some(format!(
                "{email} is not in the organization, which does not allow outside recipients"
            ))),
        }
    }

    async fn mail_delivery(
        &self,
        scope: &ProjectScope,
        claimed: &ClaimedDelivery,
        content: &Content,
        recipients: &[String],
    ) -> Result<FinishedDelivery> {
        let external = self
            .meta
            .project_policy(scope, Policy::ExternalRecipients)
            .await?;
        let subscription = &claimed.subscription;
        let schedule = subscription.schedule.describe(scope.time_zone().tz());
        let subscriber = subscription
            .created_by
            .clone()
            .unwrap_or_else(|| "A teammate".to_owned());
        let organization = scope.organization().name.clone();
        let subject = content.title(claimed.test);
        let charts: Vec<ChartView> = content
            .charts
            .iter()
            .enumerate()
            .map(|(n, chart)| ChartView {
                name: &chart.name,
                summary: &chart.summary,
                link: &chart.link,
                content_id: format!("chart-{n}"),
            })
            .collect();
        let images: Vec<InlineImage> = content
            .charts
            .iter()
            .zip(&charts)
            .map(|(chart, view)| InlineImage {
                content_id: view.content_id.clone(),
                file_name: format!("{}.png", view.content_id),
                png: chart.png.to_vec(),
            })
            .collect();
        let more = content.total.saturating_sub(charts.len());
        let kind_lower = content.kind.to_lowercase();
        let mut mails: Vec<QueuedMail> = Vec::new();
        let mut refused = Vec::new();
        for recipient in recipients {
            if let Some(reason) = self.refusal_for(scope, recipient, external).await? {
                refused.push(reason);
                continue;
            }
            let unsubscribe = self
                .mailer
                .link(&self.meta.unsubscribe_path(subscription.id, recipient));
            let values = SubscriptionMail {
                subject: &subject,
                organization: &organization,
                name: &content.name,
                kind: content.kind,
                kind_lower: &kind_lower,
                schedule: &schedule,
                charts: &charts,
                total: content.total,
                more,
                link: &content.link,
                subscriber: &subscriber,
                recipient,
                unsubscribe: &unsubscribe,
            };
            let letter = Letter {
                to: recipient.clone(),
                html: rendered(SubscriptionHtml(&values))?,
                text: rendered(SubscriptionText(&values))?,
                subject: subject.clone(),
                images: images.clone(),
                unsubscribe: Some(unsubscribe),
            };
            let origin = Origin {
                organization: Some(scope.organization().id),
                purpose: MailPurpose::Subscription,
                about: Some(subscription.id),
            };
            mails.push(self.mailer.queued(origin, &letter)?);
        }
        let outcome = match (mails.is_empty(), refused.is_empty()) {
            (false, true) => DeliveryOutcome::Delivered,
            (false, false) => DeliveryOutcome::Partial,
            (true, _) => DeliveryOutcome::Failed,
        };
        Ok(FinishedDelivery {
            outcome,
            targets: mails
                .iter()
                .map(|mail| mail.recipient.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            error: (!refused.is_empty()).then(|| format!("Not sent: {}.", refused.join("; "))),
            mails,
        })
    }

    /// Subscribes `draft`'s destination to `target`, if every recipient may
    /// see the project's data now (they are checked again at each delivery).
    pub async fn subscribe(
        &self,
        scope: &ProjectScope,
        target: domain::sharing::ShareTarget,
        draft: SubscriptionDraft,
    ) -> Result<domain::subscription::Subscription> {
        let draft = self.checked(scope, draft).await?;
        self.meta.create_subscription(scope, target, draft).await
    }

    /// Changes what, where and when, with the recipients checked as when
    /// subscribing.
    pub async fn change_subscription(
        &self,
        scope: &ProjectScope,
        id: i64,
        draft: SubscriptionDraft,
    ) -> Result<domain::subscription::Subscription> {
        let draft = self.checked(scope, draft).await?;
        self.meta.update_subscription(scope, id, draft).await
    }

    async fn checked(
        &self,
        scope: &ProjectScope,
        draft: SubscriptionDraft,
    ) -> Result<SubscriptionDraft> {
        let draft = draft.validated()?;
        if let Destination::Email { recipients } = &draft.destination {
            let external = self
                .meta
                .project_policy(scope, Policy::ExternalRecipients)
                .await?;
            for recipient in recipients {
                if let Some(reason) = self.refusal_for(scope, recipient, external).await? {
                    return Err(
                        domain::Invalid::new(Destination::FIELD, format!("{reason}.")).into(),
                    );
                }
            }
        }
        Ok(draft)
    }

    /// One-click unsubscribe (RFC 8058): the link in a subscription mail,
    /// signed for its recipient.
    pub async fn unsubscribe(&self, subscription: i64, email: &str, token: &str) -> Result<()> {
        if !self
            .meta
            .unsubscribe_token_matches(subscription, email, token)
        {
            return Err(Error::Forbidden(
                "This unsubscribe link is not valid. Use the link in the mail as it is.".to_owned(),
            ));
        }
        self.meta.unsubscribe(subscription, email).await
    }
}
