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
    #[test]
    fn a_digest_is_the_hex_sha256_of_the_token() {
        assert_eq!(
            super::digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
