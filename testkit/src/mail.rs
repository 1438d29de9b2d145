//! A real SMTP server for the mail tests (Python's aiosmtpd, installed by
//! scripts/setup.sh), storing what it receives in a Maildir, and reading
//! links back out of received mail.

use backend::mail::MailSettings;
use backend::Backend;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the mail tests' links point.
pub const PUBLIC_URL: &str = "https://huddle.example.com";

/// Mail through `smtp_url`, or to an outbox in `dir` without one.
pub fn settings(dir: &std::path::Path, smtp_url: Option<&str>) -> MailSettings {
    MailSettings {
        smtp_url: smtp_url.map(str::to_owned),
        smtp_ca_file: None,
        from: "Huddle <huddle@example.com>".to_owned(),
        outbox: dir.join("outbox"),
        public_url: PUBLIC_URL.to_owned(),
    }
}

/// Fresh stores sending mail as [`settings`] say; they and the outbox go
/// when it is dropped.
pub struct Mailing {
    pub backend: Backend,
    _stores: crate::TestBackend,
    dir: tempfile::TempDir,
}

impl Mailing {
    /// Where mail goes when there is no SMTP server.
    pub fn outbox(&self) -> PathBuf {
        self.dir.path().join("outbox")
    }
}

impl std::ops::Deref for Mailing {
    type Target = Backend;
    fn deref(&self) -> &Backend {
        &self.backend
    }
}

pub async fn mailing(smtp_url: Option<&str>) -> Mailing {
    let stores = crate::fresh().await;
    let dir = tempfile::tempdir().unwrap();
    let backend = stores
        .backend
        .clone()
        .with_mail(&settings(dir.path(), smtp_url))
        .unwrap();
    Mailing {
        backend,
        _stores: stores,
        dir,
    }
}

/// An aiosmtpd process on a free loopback port; stopped when dropped.
pub struct SmtpServer {
    child: Child,
    /// `smtp://127.0.0.1:PORT`: plain SMTP, as to a relay on the same
    /// machine; with TLS, the address of the mode chosen.
    pub url: String,
    /// With TLS: the PEM of the CA that signed the server's certificate.
    pub ca_file: Option<PathBuf>,
    maildir: tempfile::TempDir,
}

/// How a TLS test server takes connections.
#[derive(Debug, Clone, Copy)]
pub enum SmtpTls {
    /// Plain at first, STARTTLS required before mail.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Implicit,
}

impl SmtpServer {
    /// Plain SMTP.
    pub fn start() -> Self {
        Self::spawn(None)
    }

    /// SMTP over TLS, with a certificate for `localhost` signed by a CA of
    /// its own (see [`SmtpServer::ca_file`]).
    pub fn start_tls(tls: SmtpTls) -> Self {
        Self::spawn(Some(tls))
    }

    fn spawn(tls: Option<SmtpTls>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let maildir = tempfile::tempdir().expect("a temporary directory");
        let python = std::env::var("HUDDLE_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let mut command = Command::new(&python);
        command.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")]);
        let (url, ca_file) = match tls {
            None => (format!("smtp://127.0.0.1:{port}"), None),
            Some(mode) => {
                let (ca, cert, key) = certificates(maildir.path());
                let (cert_flag, key_flag, url) = match mode {
                    SmtpTls::StartTls => (
                        "--tlscert",
                        "--tlskey",
                        format!("smtp://localhost:{port}?tls=required"),
                    ),
                    SmtpTls::Implicit => (
                        "--smtpscert",
                        "--smtpskey",
                        format!("smtps://localhost:{port}"),
                    ),
                };
                command.arg(cert_flag).arg(cert).arg(key_flag).arg(key);
                (url, Some(ca))
            }
        };
        let child = command
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("inbox"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| {
                panic!("cannot start aiosmtpd with {python} (scripts/setup.sh installs it): {err}")
            });
        let server = Self {
            child,
            url,
            ca_file,
            maildir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn new_mail(&self) -> PathBuf {
        self.maildir.path().join("inbox").join("new")
    }

    /// Every message received so far, in no particular order.
    pub fn received(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.new_mail()) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .collect()
    }

    /// Waits (up to 30 s) until `count` messages have arrived, and returns them.
    pub async fn wait_for(&self, count: usize) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token of the first link in the mail's text part whose path starts
/// with `prefix` (such as `/reset-password/`).
pub fn link_token(message: &[u8], prefix: &str) -> String {
    let parsed = mail_parser::MessageParser::default()
        .parse(message)
        .expect("a MIME message");
    let text = parsed.body_text(0).expect("a text part").into_owned();
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in:\n{text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

/// A CA and a certificate it signed for `localhost` and 127.0.0.1, written
/// to `dir`: the CA's PEM, the certificate's and its key's.
fn certificates(dir: &std::path::Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Huddle test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
    let write = |name: &str, pem: String| {
        let path = dir.join(name);
        std::fs::write(&path, pem).unwrap();
        path
    };
    (
        write("ca.pem", ca.pem()),
        write("cert.pem", cert.pem()),
        write("key.pem", key.serialize_pem()),
    )
}
