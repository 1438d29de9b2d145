//! Subscriptions: insights and dashboards delivered on a schedule by mail,
//! to Slack or to a webhook. The Subscribe panel manages them; the
//! unsubscribe page answers the link in every subscription mail.

pub mod api;
mod panel;
mod schedule_fields;
mod unsubscribe;

pub use panel::SubscribePanel;
pub use unsubscribe::UnsubscribePage;
