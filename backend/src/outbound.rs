//! Requests to addresses people typed: Slack and webhook deliveries.
//!
//! Such an address could point back into the operator's network (a cloud
//! metadata service, an admin port on loopback), so unless the operator
//! allows private targets, only public addresses are reached. The check is
//! made on the addresses actually connected to (the resolver below drops
//! the others), so a name that resolves differently a second time cannot
//! slip past it; redirects are not followed.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// How long a webhook may take to answer.
const TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    private_allowed: bool,
}

impl Outbound {
    /// Reaches public addresses only, or any when `private_allowed` (an
    /// operator whose webhooks live on their own network).
    pub fn new(private_allowed: bool) -> Self {
        let mut builder = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Huddle/", env!("CARGO_PKG_VERSION")));
        if !private_allowed {
            builder = builder.dns_resolver(std::sync::Arc::new(PublicOnly));
        }
        Self {
            client: builder
                .build()
                .expect("the HTTP client's settings are valid"),
            private_allowed,
        }
    }

    /// POSTs `body` as JSON to `url`.
    pub async fn post_json(&self, url: &str, body: &serde_json::Value) -> Result<(), Refusal> {
        let parsed = url::Url::parse(url)
            .map_err(|_| Refusal::lasting(format!("{url} is not a web address")))?;
        // An address written as an IP is connected to without resolving.
        let literal = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(ip) = literal.filter(|ip| !self.private_allowed && !is_public(*ip)) {
            return Err(Refusal::lasting(format!("{ip} is not a public address")));
        }
        let response = self
            .client
            .post(parsed)
            .json(body)
            .send()
            .await
            .map_err(|err| Refusal {
                message: describe(&err),
                // Down, slow or unreachable for now; a name with no public
                // address stays so.
                passing: err.is_timeout() || (err.is_connect() && !has_no_public_address(&err)),
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text = start_of_body(response).await;
        Err(Refusal {
            message: format!("the webhook answered {status}: {text}")
                .trim_end_matches(": ")
                .to_owned(),
            passing: status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS,
        })
    }
}

/// How much of a refusing webhook's answer is read and shown.
const ANSWER_SHOWN: usize = 200;

/// The first [`ANSWER_SHOWN`] bytes of an answer, read no further: a
/// webhook may answer with anything, of any size.
async fn start_of_body(mut response: reqwest::Response) -> String {
    let mut start = Vec::with_capacity(ANSWER_SHOWN);
    while start.len() < ANSWER_SHOWN {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                start.extend_from_slice(&chunk[..chunk.len().min(ANSWER_SHOWN - start.len())])
            }
            _ => break,
        }
    }
    String::from_utf8_lossy(&start).into_owned()
}

/// Why a request was not taken, for the people who set the webhook up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    /// Whether trying again later may work (a timeout, a 5xx, a 429).
    pub passing: bool,
}

impl Refusal {
    fn lasting(message: String) -> Self {
        Self {
            message,
            passing: false,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return format!("the webhook did not answer within {} s", TIMEOUT.as_secs());
    }
    // The innermost cause names what went wrong (refused, no public address).
    let mut cause: &dyn std::error::Error = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    format!("could not reach the webhook: {cause}")
}

/// The resolver's refusal of a name that has only private addresses.
#[derive(Debug)]
struct NoPublicAddress(String);

impl std::fmt::Display for NoPublicAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} has no public address", self.0)
    }
}

impl std::error::Error for NoPublicAddress {}

fn has_no_public_address(err: &reqwest::Error) -> bool {
    let mut cause: Option<&dyn std::error::Error> = Some(err);
    while let Some(current) = cause {
        if current.is::<NoPublicAddress>() {
            return true;
        }
        cause = current.source();
    }
    false
}

/// Resolves names to their public addresses only.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|address| is_public(address.ip()))
                .collect();
            if addresses.is_empty() {
                return Err(
                    Box::new(NoPublicAddress(host)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

/// Whether `ip` is on the public internet: not loopback, private,
/// link-local, carrier-grade NAT, documentation, multicast or unspecified
/// (std's `is_global` is not stable yet).
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80
                    || first == 0x2001 && v6.segments()[1] == 0x0db8)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_count_as_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "93.184.216.34", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn private_targets_are_refused_unless_allowed() {
        let body = serde_json::json!({});
        let refused = Outbound::new(false)
            .post_json("http://127.0.0.1:9/hook", &body)
            .await;
        assert_eq!(
            refused,
            Err(Refusal::lasting(
                "127.0.0.1 is not a public address".to_owned()
            ))
        );
        let by_name = Outbound::new(false)
            .post_json("http://localhost:9/hook", &body)
            .await
            .unwrap_err();
        assert!(by_name.message.contains("no public address"), "{by_name}");
        assert!(!by_name.passing);
    }

    #[tokio::test]
    async fn a_refusing_webhooks_answer_is_read_only_as_far_as_it_is_shown() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        // An answer that says it is 1 GB long and never ends.
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0; 4096];
            let _ = socket.read(&mut request).await;
            let head = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 1073741824\r\n\r\n";
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&[b'x'; 4096]).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
        let outbound = Outbound::new(true);
        let body = serde_json::json!({});
        let answer = outbound.post_json(&url, &body);
        let refusal = tokio::time::timeout(Duration::from_secs(5), answer)
            .await
            .expect("the rest of the answer is not waited for")
            .unwrap_err();
        assert!(refusal.passing);
        assert!(
            refusal.message.starts_with("the webhook answered 503"),
            "{refusal}"
        );
        assert!(
            refusal.message.len() < 300,
            "{} bytes",
            refusal.message.len()
        );
    }
}
