//! Unguessable random strings for links and keys.

use rand::distributions::Alphanumeric;
use rand::Rng;

/// 32 alphanumeric characters: about 190 bits of randomness.
pub fn secret_token() -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// A project's public API key, shaped like PostHog's so SDK users recognise it.
pub fn project_api_token() -> String {
    format!("phc_{}", secret_token())
}

/// An insight's 8-character id for its URL.
pub fn short_id() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(domain::insight::SHORT_ID_LENGTH)
        .map(char::from)
        .collect()
}

/// The server's secret key: what share links are derived from, kept apart
/// from the databases (a file of its own, see `huddle serve --help`).
#[derive(Clone)]
pub struct SecretKey(std::sync::Arc<[u8; 32]>);

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(std::sync::Arc::new(bytes))
    }

    /// A fresh key: links derived from it last as long as the process.
    pub fn random() -> Self {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self::from_bytes(bytes)
    }
}

impl SecretKey {
    /// The key kept in the file at `path` (64 hex digits), created with a
    /// fresh key, readable by its owner only, when there is none.
    pub fn load_or_create(path: &std::path::Path) -> crate::Result<Self> {
        let io = |context: String| move |source| crate::Error::Io { context, source };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(text.trim()).ok_or_else(|| {
                crate::Error::corrupt(format!("the secret key in {}", path.display()))
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::random();
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)
                        .map_err(io(format!("cannot create {}", parent.display())))?;
                }
                write_private(path, &key.to_hex())
                    .map_err(io(format!("cannot write {}", path.display())))?;
                Ok(key)
            }
            Err(err) => Err(io(format!("cannot read {}", path.display()))(err)),
        }
    }

    fn from_hex(text: &str) -> Option<Self> {
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (k, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * k..2 * k + 2], 16).ok()?;
        }
        Some(Self::from_bytes(bytes))
    }

    fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Creates `path` with `text`, readable and writable by its owner only.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// HMAC-SHA256 of `seed` under the server's key, for the purpose `label`.
fn derived(key: &SecretKey, label: &[u8], seed: &str) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.0.as_slice())
        .expect("HMAC takes keys of any length");
    mac.update(label);
    mac.update(seed.as_bytes());
    mac.finalize().into_bytes().into()
}

/// A share link's token: derived from the share's stored seed, 192 bits as
/// 32 URL-safe characters.
pub fn share_token(key: &SecretKey, seed: &str) -> String {
    use base64::Engine;
    let bytes = derived(key, b"huddle share token\0", seed);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..24])
}

/// A project's embedding secret: derived from its stored seed, 256 bits.
pub fn embed_secret(key: &SecretKey, seed: &str) -> String {
    use base64::Engine;
    let bytes = derived(key, b"huddle embed secret\0", seed);
    format!(
        "hes_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The signature in a subscription mail's unsubscribe link: only the server
/// can make one, for that subscription and address.
pub fn unsubscribe_token(key: &SecretKey, subscription: i64, email: &str) -> String {
    use base64::Engine;
    let bytes = derived(
        key,
        b"huddle unsubscribe\0",
        &format!("{subscription}:{}", email.to_lowercase()),
    );
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..24])
}

/// What the store keeps of a secret token: its SHA-256, in hex. A token has
/// enough randomness that an unsalted fast hash cannot be reversed, and a copy
/// of the database lets no one use the links.
pub fn digest(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{share_token, SecretKey};

    #[test]
    fn the_secret_key_is_kept_in_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/secret.key");
        let made = SecretKey::load_or_create(&path).unwrap();
        let read = SecretKey::load_or_create(&path).unwrap();
        assert_eq!(share_token(&made, "s"), share_token(&read, "s"));
        std::fs::write(&path, "not a key").unwrap();
        assert!(SecretKey::load_or_create(&path).is_err());
    }

    #[test]
    fn a_share_token_depends_on_the_key_and_the_seed() {
        let key = SecretKey::from_bytes([7; 32]);
        let token = share_token(&key, "seed");
        assert_eq!(token.len(), 32);
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(token, share_token(&key, "seed"));
        assert_ne!(token, share_token(&key, "other seed"));
        assert_ne!(token, share_token(&SecretKey::from_bytes([8; 32]), "seed"));
    }

    #[test]
    fn a_digest_is_the_hex_sha256_of_the_token() {
        assert_eq!(
            super::digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
