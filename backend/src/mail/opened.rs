//! A sent mail read back from its bytes, for the outbox page.

use crate::{Backend, Error, Result};
use base64::Engine;
use domain::mail::OpenedMail;
use domain::{OrganizationId, UserId};
use mail_parser::{MessageParser, MimeHeaders};

impl Backend {
    /// Mail `id` of the organization's outbox as its recipient would see it
    /// (owners and admins only).
    pub async fn opened_mail(
        &self,
        actor: UserId,
        organization: OrganizationId,
        id: i64,
    ) -> Result<OpenedMail> {
        let (entry, bytes) = self.meta.outbox_mail(actor, organization, id).await?;
        let message = MessageParser::default()
            .parse(&bytes)
            .ok_or_else(|| Error::corrupt(format!("mail {id}")))?;
        let mut html = message.body_html(0).unwrap_or_default().into_owned();
        let mut images = 0;
        for part in message.attachments() {
            let (Some(content_id), Some(kind)) = (part.content_id(), part.content_type()) else {
                continue;
            };
            let url = format!(
                "data:{}/{};base64,{}",
                kind.ctype(),
                kind.subtype().unwrap_or("octet-stream"),
                base64::engine::general_purpose::STANDARD.encode(part.contents())
            );
            html = html.replace(&format!("cid:{content_id}"), &url);
            images += 1;
        }
        Ok(OpenedMail {
            from: message
                .from()
                .and_then(|from| from.first())
                .and_then(|from| from.address())
                .unwrap_or_default()
                .to_owned(),
            text: message.body_text(0).unwrap_or_default().into_owned(),
            html,
            images,
            entry,
        })
    }
}
