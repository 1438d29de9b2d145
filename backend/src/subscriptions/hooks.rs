//! Deliveries to Slack and to generic webhooks: one JSON POST each, with
//! the charts as links to their delivered images (see
//! `meta::delivery_images`), since neither can take attachments inline.

use super::content::Content;
use crate::meta::ClaimedDelivery;
use serde_json::{json, Value};

/// What both kinds of message say about one delivery.
pub(super) struct Message<'a> {
    pub claimed: &'a ClaimedDelivery,
    pub content: &'a Content,
    /// The absolute address of each chart's image, in `content.charts` order.
    pub image_urls: &'a [String],
    pub schedule: &'a str,
    pub organization: &'a str,
}

impl Message<'_> {
    fn heading(&self) -> String {
        self.content.title(self.claimed.test)
    }

    fn more(&self) -> usize {
        self.content.total.saturating_sub(self.content.charts.len())
    }

    /// A Slack incoming-webhook message (Block Kit), with plain text for
    /// notifications and clients without blocks.
    pub fn slack(&self) -> Value {
        let subscriber = self
            .claimed
            .subscription
            .created_by
            .as_deref()
            .unwrap_or("a teammate");
        let mut blocks = vec![
            json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&self.heading(), 150)}}),
            json!({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(&format!(
                "{} · subscribed by {subscriber} in {}", self.schedule, self.organization
            ))}]}),
        ];
        for (chart, image) in self.content.charts.iter().zip(self.image_urls) {
            blocks.push(
                json!({"type": "section", "text": {"type": "mrkdwn", "text": format!(
                    "*<{}|{}>*\n{}", chart.link, escape(&chart.name), escape(&chart.summary)
                )}}),
            );
            blocks.push(json!({"type": "image", "image_url": image, "alt_text": truncate(&chart.name, 2000)}));
        }
        let open = format!(
            "<{}|Open the {} in Huddle>",
            self.content.link,
            self.content.kind.to_lowercase()
        );
        let footer = match self.more() {
            0 => open,
            more => format!(
                "Showing {} of {} insights ({more} more) · {open}",
                self.content.charts.len(),
                self.content.total
            ),
        };
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": footer}}));
        json!({"text": self.heading(), "blocks": blocks})
    }

    /// A generic webhook's body: names, summaries, image addresses, links.
    pub fn webhook(&self) -> Value {
        let subscription = &self.claimed.subscription;
        json!({
            "type": "huddle.subscription.delivery",
            "test": self.claimed.test,
            "delivery_id": self.claimed.id,
            "subscription": {
                "id": subscription.id,
                "title": subscription.title,
                "schedule": self.schedule,
                "created_by": subscription.created_by,
            },
            "organization": self.organization,
            "resource": {
                "kind": self.content.kind.to_lowercase(),
                "name": self.content.name,
                "url": self.content.link,
            },
            "summary": self.heading(),
            "charts": self.content.charts.iter().zip(self.image_urls).map(|(chart, image)| json!({
                "name": chart.name,
                "summary": chart.summary,
                "url": chart.link,
                "image_url": image,
            })).collect::<Vec<_>>(),
            "shown": self.content.charts.len(),
            "total": self.content.total,
        })
    }
}

/// Slack's mrkdwn gives `&`, `<` and `>` meaning; names must not.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Slack refuses blocks whose texts are too long.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_become_slack_links_or_mentions() {
        assert_eq!(
            escape("<!channel> & <https://x|y>"),
            "&lt;!channel&gt; &amp; &lt;https://x|y&gt;"
        );
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
