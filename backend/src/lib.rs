//! Huddle's backend: everything with I/O on the server side.
//!
//! [`Backend`] is the one handle the web layer holds. It knows nothing of Leptos
//! or HTTP: callers pass in who is acting, and get back domain types or an
//! [`Error`] that says whose fault a failure was.

pub mod accounts;
mod definitions;
pub mod demo;
pub mod demo_data;
mod error;
pub mod events;
pub mod images;
pub mod ingest;
pub mod insights;
pub mod jobs;
pub mod mail;
pub mod markdown;
pub mod meta;
pub mod outbound;
pub mod render;
mod scope;
pub mod sharing;
pub mod signed_embeds;
pub mod subscriptions;
mod templates;
mod tokens;

pub use error::{Error, Result};
pub use events::EventsStore;
pub use ingest::Ingestor;
pub use meta::MetaStore;
pub use scope::ProjectScope;
pub use tokens::SecretKey;

use std::path::Path;

/// The services behind the web layer, cheap to clone.
#[derive(Clone)]
pub struct Backend {
    pub meta: MetaStore,
    pub events: EventsStore,
    pub ingest: Ingestor,
    insight_cache: insights::InsightCache,
    queries: insights::QueryGate,
    sign_ups_per_hour: i64,
    share_limits: sharing::ShareLimits,
    images: images::ImageCache,
    mailer: mail::Mailer,
    jobs: jobs::JobTiming,
    /// Slack and webhook deliveries go through it.
    outbound: outbound::Outbound,
    /// Wakes the scheduler (see `subscriptions::scheduler`).
    deliveries_requested: std::sync::Arc<tokio::sync::Notify>,
}

impl Backend {
    /// Opens the metadata store at `database_url` (applying its migrations)
    /// and the events store at `events_path`, and starts ingestion.
    pub async fn open(database_url: &str, events_path: &Path) -> Result<Self> {
        Self::open_with(database_url, events_path, ingest::QueueLimits::default()).await
    }

    /// [`Backend::open`] with the ingestion queue bounded by `limits`.
    pub async fn open_with(
        database_url: &str,
        events_path: &Path,
        limits: ingest::QueueLimits,
    ) -> Result<Self> {
        let meta = MetaStore::open(database_url).await?;
        let events = EventsStore::open(events_path)?;
        // Until the server configures mail, it is queued and not sent.
        let mailer = mail::Mailer::new(&mail::MailSettings {
            smtp_url: None,
            smtp_ca_file: None,
            from: mail::DEFAULT_FROM.to_owned(),
            outbox: events_path.with_file_name("outbox"),
            public_url: "http://localhost:3000".to_owned(),
        })?;
        let (discovered, mut discoveries) = tokio::sync::mpsc::channel(ingest::DISCOVERY_CAPACITY);
        let ingest = Ingestor::start(&events, discovered, limits)?;
        let definitions = meta.clone();
        tokio::spawn(async move {
            while let Some(found) = discoveries.recv().await {
                if let Err(err) = definitions.record_discovered(found).await {
                    tracing::error!(error = %err, "recording event and property definitions failed");
                }
            }
        });
        Ok(Self {
            meta,
            events,
            ingest,
            insight_cache: insights::InsightCache::default(),
            queries: insights::QueryGate::new(insights::QueryLimits::default()),
            sign_ups_per_hour: accounts::SIGN_UPS_PER_CLIENT,
            share_limits: sharing::ShareLimits::per_minute(sharing::SHARE_REQUESTS_PER_MINUTE),
            images: images::ImageCache::default(),
            mailer,
            jobs: jobs::JobTiming::default(),
            outbound: outbound::Outbound::new(false),
            deliveries_requested: Default::default(),
        })
    }

    /// The same services with other bounds on insight queries.
    pub fn with_query_limits(mut self, limits: insights::QueryLimits) -> Self {
        self.queries = insights::QueryGate::new(limits);
        self
    }

    /// The same services with another limit on sign-ups per client and hour.
    pub fn with_sign_ups_per_hour(mut self, limit: i64) -> Self {
        self.sign_ups_per_hour = limit.max(1);
        self
    }

    /// The same services pacing their background jobs by `timing`; set
    /// before [`Backend::with_mail`] and [`Backend::start_scheduler`] start them.
    pub fn with_job_timing(mut self, timing: jobs::JobTiming) -> Self {
        self.jobs = timing;
        self
    }

    /// The same services letting Slack and webhook deliveries reach private
    /// and loopback addresses (webhooks on the operator's own network).
    pub fn with_private_webhooks(mut self, allowed: bool) -> Self {
        self.outbound = outbound::Outbound::new(allowed);
        self
    }

    /// The same services deriving share links from the server's `key`.
    pub fn with_secret_key(mut self, key: SecretKey) -> Self {
        self.meta = self.meta.with_secret_key(key);
        self
    }

    /// The same services sending mail as `settings` say, from now on: this
    /// starts the background sender.
    pub fn with_mail(mut self, settings: &mail::MailSettings) -> Result<Self> {
        self.mailer = mail::Mailer::new(settings)?;
        mail::start_sender(self.meta.clone(), self.mailer.clone(), self.jobs);
        Ok(self)
    }

    /// Closes the stores once queued events are written, so the same files
    /// can be opened again in this process.
    pub async fn close(self) {
        let Backend { ingest, events, .. } = self;
        drop(events);
        ingest.shut_down().await;
    }
}
