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
