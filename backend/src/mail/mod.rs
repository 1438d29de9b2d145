//! Mail: the one way Huddle sends anything to an inbox.
//!
//! A mail is composed (an HTML and a plain-text part from the templates in
//! `templates/mail/`, inline images, the organization's name, links from
//! the public URL) and queued in the metadata store in one short write; a
//! request never waits for a mail server. The sender ([`sender`]) claims
//! queued mail, hands it to the transport and records the outcome, retrying
//! with backoff. The transport is SMTP through lettre (STARTTLS or implicit
//! TLS, optional login, from `HUDDLE_SMTP_URL`) or, with none configured,
//! the outbox: `.eml` files in a directory, listed on the organization's
//! outbox page so a demo shows every mail it would have sent.

mod compose;
pub mod letters;
mod opened;
mod sender;

pub(crate) use compose::Origin;
pub use compose::{InlineImage, Letter};
pub(crate) use sender::start as start_sender;
pub use sender::MAX_ATTEMPTS;

use crate::{Error, Result};
use lettre::message::Mailbox;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Notify;

/// How mail leaves Huddle; see `huddle serve --help`.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465`
    /// (implicit TLS), or `smtp://host:25` (plain, for a relay on the same
    /// machine). None writes mail to `outbox`.
    pub smtp_url: Option<String>,
    /// PEM certificates to trust for the SMTP server besides the public
    /// roots: a private CA, or a server's own certificate.
    pub smtp_ca_file: Option<PathBuf>,
    /// The From address, `Name <address>` or a bare address.
    pub from: String,
    /// Where the embedded transport writes `.eml` files.
    pub outbox: PathBuf,
    /// The address people reach Huddle at: every link in a mail starts so.
    pub public_url: String,
}

/// The address mail comes from when none is configured.
pub const DEFAULT_FROM: &str = "Huddle <huddle@localhost>";

/// The SMTP transport `url` names, trusting the certificates in `ca_file`
/// as well when it is given (which needs TLS: `smtps://` or `?tls=`).
fn smtp_transport(url: &str, ca_file: Option<&Path>) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
    let config = |err: &dyn std::fmt::Display| Error::Config(format!("HUDDLE_SMTP_URL: {err}"));
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|err| config(&err))?
        .timeout(Some(std::time::Duration::from_secs(30)));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|source| Error::Io {
            context: format!("cannot read HUDDLE_SMTP_CA_FILE {}", path.display()),
            source,
        })?;
        let ca = |err: &dyn std::fmt::Display| {
            Error::Config(format!("HUDDLE_SMTP_CA_FILE {}: {err}", path.display()))
        };
        let parsed = url::Url::parse(url).map_err(|err| config(&err))?;
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let parameters = TlsParameters::builder(host)
            .add_root_certificate(Certificate::from_pem(&pem).map_err(|err| ca(&err))?)
            .build()
            .map_err(|err| ca(&err))?;
        let mode = parsed
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, v)| v.into_owned());
        builder = builder.tls(match (parsed.scheme(), mode.as_deref()) {
            ("smtps", _) => Tls::Wrapper(parameters),
            (_, Some("required")) => Tls::Required(parameters),
            (_, Some("opportunistic")) => Tls::Opportunistic(parameters),
            _ => {
                return Err(ca(
                    &"a certificate to trust needs a TLS connection: smtps:// or ?tls=required",
                ))
            }
        });
    }
    Ok(builder.build())
}

/// The configured mail layer, cheap to clone.
#[derive(Clone)]
pub struct Mailer(Arc<Inner>);

struct Inner {
    transport: Transport,
    from: Mailbox,
    public_url: String,
    /// Wakes the sender when mail is queued.
    queued: Notify,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

impl crate::Backend {
    /// Whether mail goes to the outbox directory rather than a mail server.
    pub fn mail_goes_to_outbox(&self) -> bool {
        self.mailer.is_outbox()
    }
}

impl Mailer {
    /// Checks the settings and sets the transport up; nothing connects yet.
    pub fn new(settings: &MailSettings) -> Result<Self> {
        let from: Mailbox = settings.from.parse().map_err(|err| {
            Error::Config(format!(
                "HUDDLE_MAIL_FROM {:?} is not an address: {err}",
                settings.from
            ))
        })?;
        let transport = match &settings.smtp_url {
            Some(url) => Transport::Smtp(smtp_transport(url, settings.smtp_ca_file.as_deref())?),
            None => {
                std::fs::create_dir_all(&settings.outbox).map_err(|source| Error::Io {
                    context: format!("cannot create the outbox {}", settings.outbox.display()),
                    source,
                })?;
                Transport::Outbox(AsyncFileTransport::new(&settings.outbox))
            }
        };
        Ok(Self(Arc::new(Inner {
            transport,
            from,
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
            queued: Notify::new(),
        })))
    }

    /// `path` (which starts with `/`) as a link people can follow from a mail.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.0.public_url)
    }

    /// Whether mail goes to the outbox directory rather than a mail server.
    pub fn is_outbox(&self) -> bool {
        matches!(self.0.transport, Transport::Outbox(_))
    }

    /// Hands one composed mail to the transport. Returns the outbox file's
    /// name (without `.eml`) when the embedded transport wrote one.
    async fn hand_over(
        &self,
        envelope: &lettre::address::Envelope,
        message: &[u8],
    ) -> std::result::Result<Option<String>, HandOverError> {
        match &self.0.transport {
            Transport::Smtp(smtp) => match smtp.send_raw(envelope, message).await {
                Ok(_) => Ok(None),
                Err(err) => Err(HandOverError {
                    permanent: err.is_permanent(),
                    message: smtp_error_text(&err),
                }),
            },
            Transport::Outbox(files) => {
                files
                    .send_raw(envelope, message)
                    .await
                    .map(Some)
                    .map_err(|err| HandOverError {
                        permanent: false,
                        message: err.to_string(),
                    })
            }
        }
    }
}

/// Why a mail could not be handed over, and whether trying again can help.
#[derive(Debug)]
struct HandOverError {
    permanent: bool,
    message: String,
}

/// The error and what caused it, as one line for the mail's status.
fn smtp_error_text(err: &lettre::transport::smtp::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
