//! People: their email, name and password rules.

use crate::validation::{trimmed_text, Invalid};
use crate::UserId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A signed-in person as the rest of the product sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
}

/// An email address, trimmed and lower-cased so that one address is one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const FIELD: &'static str = "email";

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_lowercase();
        let invalid = || {
            Invalid::new(
                Self::FIELD,
                "Enter a valid email address, like ada@example.com.",
            )
        };
        if value.is_empty() {
            return Err(Invalid::new(Self::FIELD, "Email is required."));
        }
        if value.len() > 254 || value.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        let (local, host) = value.split_once('@').ok_or_else(invalid)?;
        let host_ok = !host.contains('@')
            && host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && !host.contains("..");
        if local.is_empty() || !host_ok {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub const FIELD: &'static str = "name";

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        trimmed_text(raw, Self::FIELD, "Name", 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password. Only its length is ruled on: long passphrases beat
/// composition rules, and the upper bound keeps hashing cheap.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const FIELD: &'static str = "password";
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(Invalid::new(
                Self::FIELD,
                format!("Use at least {} characters.", Self::MIN_CHARS),
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(Invalid::new(
                Self::FIELD,
                format!("Use at most {} characters.", Self::MAX_CHARS),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// A password never appears in logs or debug output.
impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_to_one_spelling() {
        let email = Email::parse("  Ada@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ada@example.com");
    }

    #[test]
    fn malformed_emails_are_refused_with_a_message_for_the_email_field() {
        for raw in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@@example.com",
            "ada@example..com",
        ] {
            let err = Email::parse(raw).unwrap_err();
            assert_eq!(err.field, "email", "{raw:?}");
        }
    }

    #[test]
    fn passwords_must_be_between_8_and_128_characters() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("long enough").is_ok());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        // Characters, not bytes: eight accented letters are enough.
        assert!(NewPassword::parse("éééééééé").is_ok());
    }

    #[test]
    fn passwords_are_redacted_in_debug_output() {
        let password = NewPassword::parse("correct horse").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(PersonName::parse("  Ada ").unwrap().as_str(), "Ada");
        assert!(PersonName::parse("   ").is_err());
    }
}
