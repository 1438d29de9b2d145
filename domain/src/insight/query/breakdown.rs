//! Breakdowns: results split by the values of one property.

use super::{PropertyScope, DEFAULT_BREAKDOWN_LIMIT, MAX_BREAKDOWN_LIMIT};
use crate::validation::Invalid;
use serde::{Deserialize, Serialize};

/// Split results by the values of one property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownFilter {
    #[serde(default)]
    pub breakdown_type: PropertyScope,
    #[serde(default)]
    pub breakdown: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_limit: Option<u32>,
}

impl BreakdownFilter {
    /// How many values get their own series before the rest become "Other".
    pub fn limit(&self) -> u32 {
        self.breakdown_limit.unwrap_or(DEFAULT_BREAKDOWN_LIMIT)
    }

    /// The property to break down by, when one is set.
    pub fn property(filter: Option<&Self>) -> Option<(PropertyScope, &str, u32)> {
        let f = filter?;
        let key = f.breakdown.as_deref().filter(|k| !k.is_empty())?;
        Some((f.breakdown_type, key, f.limit()))
    }
}

/// Results for the values beyond the breakdown limit.
pub const BREAKDOWN_OTHER: &str = "$$_posthog_breakdown_other_$$";
/// Results for events without the property.
pub const BREAKDOWN_NULL: &str = "$$_posthog_breakdown_null_$$";

/// How a breakdown value reads on screen.
pub fn breakdown_label(value: &str) -> &str {
    match value {
        BREAKDOWN_OTHER => "Other",
        BREAKDOWN_NULL => "None",
        other => other,
    }
}

pub(super) fn validate_breakdown(breakdown: Option<&BreakdownFilter>) -> Result<(), Invalid> {
    match breakdown {
        Some(b) if !(1..=MAX_BREAKDOWN_LIMIT).contains(&b.limit()) => Err(Invalid::new(
            "breakdown_limit",
            format!("Show between 1 and {MAX_BREAKDOWN_LIMIT} breakdown values."),
        )),
        _ => Ok(()),
    }
}
