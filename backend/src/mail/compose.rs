//! A mail's content ([`Letter`]) made into RFC 5322 bytes by lettre, and
//! queued.

use super::Mailer;
use crate::meta::QueuedMail;
use crate::{Backend, Error, Result};
use domain::mail::MailPurpose;
use domain::OrganizationId;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;

/// What one mail says, to one recipient.
#[derive(Debug, Clone)]
pub struct Letter {
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// Images the HTML shows as `cid:<content_id>`: sent inside the mail,
    /// so clients show them without loading anything remote.
    pub images: Vec<InlineImage>,
    /// A one-click unsubscribe link (RFC 8058), for mail sent on a schedule.
    pub unsubscribe: Option<String>,
}

#[derive(Debug, Clone)]
pub struct InlineImage {
    pub content_id: String,
    pub file_name: String,
    pub png: Vec<u8>,
}

/// Who asked for a mail: the organization it is for (if any) and the thing
/// whose page shows its status.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub organization: Option<OrganizationId>,
    pub purpose: MailPurpose,
    pub about: Option<i64>,
}

impl Mailer {
    fn compose(&self, letter: &Letter) -> Result<Message> {
        let to: Mailbox = letter.to.parse().map_err(|_| {
            domain::Invalid::new("email", format!("{} is not an email address.", letter.to))
        })?;
        let mut builder = Message::builder()
            .from(self.0.from.clone())
            .to(to)
            .subject(&letter.subject)
            .date_now();
        if let Some(url) = &letter.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let body = MultiPart::alternative_plain_html(letter.text.clone(), letter.html.clone());
        let body = if letter.images.is_empty() {
            body
        } else {
            letter
                .images
                .iter()
                .fold(MultiPart::related().multipart(body), |related, image| {
                    related.singlepart(inline_png(image))
                })
        };
        builder
            .multipart(body)
            .map_err(|err| Error::Mail(err.to_string()))
    }
}

fn inline_png(image: &InlineImage) -> SinglePart {
    Attachment::new_inline_with_name(image.content_id.clone(), image.file_name.clone()).body(
        image.png.clone(),
        ContentType::parse("image/png").expect("a valid MIME type"),
    )
}

impl Mailer {
    /// `letter` composed, ready for the queue.
    pub(crate) fn queued(&self, origin: Origin, letter: &Letter) -> Result<QueuedMail> {
        let message = self.compose(letter)?;
        let sender = message
            .envelope()
            .from()
            .map(ToString::to_string)
            .unwrap_or_default();
        Ok(QueuedMail {
            organization: origin.organization,
            purpose: origin.purpose,
            about: origin.about,
            sender,
            recipient: letter.to.clone(),
            subject: letter.subject.clone(),
            message: message.formatted(),
        })
    }

    /// Wakes the sender: mail was queued.
    pub(crate) fn queued_some(&self) {
        self.0.queued.notify_one();
    }
}

impl Backend {
    /// Composes `letter` and queues it; the sender delivers it in the
    /// background. Returns the mail's id.
    pub(crate) async fn queue_letter(&self, origin: Origin, letter: &Letter) -> Result<i64> {
        let id = self
            .meta
            .queue_mail(self.mailer.queued(origin, letter)?)
            .await?;
        self.mailer.queued_some();
        Ok(id)
    }
}
