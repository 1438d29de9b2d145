//! Projects: their name and time zone.

use crate::organization::{Organization, Role};
use crate::validation::{trimmed_text, Invalid};
use crate::{OrganizationId, ProjectId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: ProjectId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub time_zone: String,
    /// The public key the capture API identifies the project by.
    pub api_token: String,
    pub created_at: DateTime<Utc>,
}

/// A project as seen by one person: the project, its organization, and the
/// person's role there. Only people with access ever get one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectAccess {
    pub project: Project,
    pub organization: Organization,
    pub role: Role,
}

/// An entry of the project switcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub id: ProjectId,
    pub name: String,
    pub organization_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectName(String);

impl ProjectName {
    pub const FIELD: &'static str = "project_name";

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        trimmed_text(raw, Self::FIELD, "Project name", 64).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time zone name such as `Europe/Berlin`. Events are stored in UTC and
/// bucketed into days and weeks in the project's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeZone(String);

impl TimeZone {
    pub const FIELD: &'static str = "time_zone";

    pub fn utc() -> Self {
        Self("UTC".to_owned())
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        raw.trim()
            .parse::<chrono_tz::Tz>()
            .map(|tz| Self(tz.name().to_owned()))
            .map_err(|_| Invalid::new(Self::FIELD, "Choose a time zone from the list."))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Every zone a project can choose, for pickers.
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_time_zones_are_accepted_and_unknown_ones_refused() {
        assert_eq!(
            TimeZone::parse("Europe/Berlin").unwrap().as_str(),
            "Europe/Berlin"
        );
        assert_eq!(TimeZone::parse(" UTC ").unwrap().as_str(), "UTC");
        assert_eq!(
            TimeZone::parse("Mars/Olympus").unwrap_err().field,
            "time_zone"
        );
    }

    #[test]
    fn project_names_are_limited_to_64_characters() {
        assert!(ProjectName::parse(&"p".repeat(64)).is_ok());
        assert!(ProjectName::parse(&"p".repeat(65)).is_err());
    }
}
