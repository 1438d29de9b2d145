use serde::{Deserialize, Serialize};

/// A value a person typed that cannot be accepted, tied to the form field it came
/// from so that pages can show the message next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Trims `raw` and checks its length in characters.
pub(crate) fn trimmed_text(
    raw: &str,
    field: &str,
    label: &str,
    max: usize,
) -> Result<String, Invalid> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(Invalid::new(field, format!("{label} is required.")));
    }
    if value.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("{label} must be at most {max} characters."),
        ));
    }
    Ok(value.to_owned())
}
