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
    pub time_zone: TimeZone,
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

/// An IANA time zone such as `Europe/Berlin`. Events are stored in UTC and
/// bucketed into days and weeks in the project's zone. Travels as its name;
/// a name that is not a zone does not deserialize.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZone(chrono_tz::Tz);

impl TimeZone {
    pub const FIELD: &'static str = "time_zone";

    pub fn utc() -> Self {
        Self(chrono_tz::Tz::UTC)
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        raw.trim()
            .parse::<chrono_tz::Tz>()
            .map(Self)
            .map_err(|_| Invalid::new(Self::FIELD, "Choose a time zone from the list."))
    }

    pub fn as_str(&self) -> &'static str {
        self.0.name()
    }

    /// The zone, for date arithmetic.
    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    /// Every zone a project can choose, for pickers.
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }
}

impl TryFrom<String> for TimeZone {
    type Error = Invalid;

    fn try_from(name: String) -> Result<Self, Invalid> {
        Self::parse(&name)
    }
}

impl From<TimeZone> for String {
    fn from(zone: TimeZone) -> Self {
        zone.as_str().to_owned()
    }
}

impl std::fmt::Display for TimeZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
    fn a_time_zone_travels_as_its_name_and_only_real_zones_arrive() {
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        assert_eq!(serde_json::to_string(&berlin).unwrap(), "\"Europe/Berlin\"");
        assert_eq!(
            serde_json::from_str::<TimeZone>("\"Europe/Berlin\"").unwrap(),
            berlin
        );
        assert!(serde_json::from_str::<TimeZone>("\"Mars/Olympus\"").is_err());
    }

    #[test]
    fn project_names_are_limited_to_64_characters() {
        assert!(ProjectName::parse(&"p".repeat(64)).is_ok());
        assert!(ProjectName::parse(&"p".repeat(65)).is_err());
    }
}
