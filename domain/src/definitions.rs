//! Data management: what a project's events and properties are, as people
//! describe them.

use crate::validation::Invalid;
use crate::{ProjectId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::DefinitionId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PropertyType {
    String,
    Numeric,
    Boolean,
    DateTime,
}

impl PropertyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PropertyType::String => "String",
            PropertyType::Numeric => "Numeric",
            PropertyType::Boolean => "Boolean",
            PropertyType::DateTime => "DateTime",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        [Self::String, Self::Numeric, Self::Boolean, Self::DateTime]
            .into_iter()
            .find(|t| t.as_str() == stored)
    }
}

/// Whether a property describes events or persons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PropertyKind {
    Event,
    Person,
}

impl PropertyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PropertyKind::Event => "event",
            PropertyKind::Person => "person",
        }
    }
}

/// What people may say about a definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionNotes {
    pub description: String,
    pub tags: Vec<String>,
    pub owner_id: Option<UserId>,
    pub verified: bool,
}

impl DefinitionNotes {
    pub const MAX_DESCRIPTION: usize = 2_000;

    /// Parses a description and comma-separated tags as typed into the form.
    pub fn parse(
        description: &str,
        tags: &str,
        owner_id: Option<UserId>,
        verified: bool,
    ) -> Result<Self, Invalid> {
        let description = description.trim().to_owned();
        if description.chars().count() > Self::MAX_DESCRIPTION {
            return Err(Invalid::new(
                "description",
                format!("Keep it under {} characters.", Self::MAX_DESCRIPTION),
            ));
        }
        let parsed = crate::tags::parse_tags(tags)?;
        Ok(Self {
            description,
            tags: parsed,
            owner_id,
            verified,
        })
    }
}

/// Who verified a definition, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub by: String,
    pub at: DateTime<Utc>,
}

/// What members have written about a definition, the same for events and
/// properties.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotations {
    pub description: String,
    pub tags: Vec<String>,
    pub owner: Option<String>,
    pub owner_id: Option<UserId>,
    pub verified: Option<Verification>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDefinition {
    pub id: DefinitionId,
    pub project_id: ProjectId,
    pub name: String,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub volume_30_days: u64,
    pub annotations: Annotations,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyDefinition {
    pub id: DefinitionId,
    pub project_id: ProjectId,
    pub kind: PropertyKind,
    pub name: String,
    pub property_type: Option<PropertyType>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub annotations: Annotations,
}

/// The order definitions are listed and picked in: verified first, then
/// by `rest`.
pub fn verified_first<T>(
    items: &mut [T],
    is_verified: impl Fn(&T) -> bool,
    rest: impl Fn(&T, &T) -> std::cmp::Ordering,
) {
    items.sort_by(|a, b| is_verified(b).cmp(&is_verified(a)).then_with(|| rest(a, b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_lowercased_and_deduplicated() {
        let notes =
            DefinitionNotes::parse("  Signed up  ", "Growth, growth , ,KPI", None, true).unwrap();
        assert_eq!(notes.description, "Signed up");
        assert_eq!(notes.tags, vec!["growth", "kpi"]);
    }

    #[test]
    fn overlong_descriptions_and_tags_are_refused_with_their_field() {
        assert_eq!(
            DefinitionNotes::parse(&"x".repeat(2_001), "", None, false)
                .unwrap_err()
                .field,
            "description"
        );
        assert_eq!(
            DefinitionNotes::parse("", &"t".repeat(41), None, false)
                .unwrap_err()
                .field,
            "tags"
        );
    }

    #[test]
    fn verified_definitions_come_first() {
        let mut items = vec![("b", false), ("a", false), ("z", true)];
        verified_first(&mut items, |i| i.1, |a, b| a.0.cmp(b.0));
        assert_eq!(
            items.iter().map(|i| i.0).collect::<Vec<_>>(),
            ["z", "a", "b"]
        );
    }
}
