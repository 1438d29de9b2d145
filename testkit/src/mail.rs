//! A real SMTP server for the mail tests (Python's aiosmtpd, installed by
//! scripts/setup.sh), storing what it receives in a Maildir, and reading
//! links back out of received mail.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An aiosmtpd process on a free loopback port; stopped when dropped.
pub struct SmtpServer {
    child: Child,
    /// `smtp://127.0.0.1:PORT`: plain SMTP, as to a relay on the same machine.
    pub url: String,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let maildir = tempfile::tempdir().expect("a temporary directory");
        let python = std::env::var("HUDDLE_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
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
            url: format!("smtp://127.0.0.1:{port}"),
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
