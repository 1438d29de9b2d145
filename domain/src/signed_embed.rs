//! Signed embeds: a site that needs locked filters or per-customer views signs
//! a short-lived JWT (HS256) with its project's embedding secret, naming an
//! insight or a dashboard, the property filters and date range to lock, and
//! an expiry at most 24 hours ahead. `/embedded/jwt/:token` checks it and
//! shows the insight or dashboard with those filters fixed.

use crate::insight::InsightQuery;
use crate::{DashboardId, ProjectId};
use serde::{Deserialize, Serialize};

/// How far ahead a token may expire.
pub const MAX_LIFETIME_SECONDS: i64 = 24 * 60 * 60;

/// What a signed embed names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmbedResource {
    /// A saved insight, by its short id.
    Insight(String),
    Dashboard(DashboardId),
}

/// An event property the embed shows only one value of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedFilter {
    pub key: String,
    pub value: String,
}

/// The claims of a signed embed's token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedClaims {
    pub project: ProjectId,
    pub resource: EmbedResource,
    #[serde(default)]
    pub filters: Vec<LockedFilter>,
    /// A start such as `-7d` or `2026-11-01`; the saved range when absent.
    #[serde(default)]
    pub date_from: Option<String>,
    /// Seconds since the epoch.
    pub exp: i64,
}

/// Why a signed embed shows nothing; each has its own page text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum EmbedRefusal {
    #[error("This embed's token is not a valid signed token.")]
    Malformed,
    #[error(
        "This embed's token has expired. The site that shows it signs a new one on each visit."
    )]
    Expired,
    #[error(
        "This embed's token expires more than 24 hours ahead; sign tokens that expire sooner."
    )]
    TooLong,
    #[error("This embed's token was not signed with its project's embedding secret, or was changed after signing.")]
    BadSignature,
    #[error("This embed's token names something that is not in its project, or a project without an embedding secret.")]
    WrongProject,
}

impl EmbedClaims {
    /// Refuses an expiry in the past or more than a day ahead of `now`.
    pub fn check_lifetime(&self, now: i64) -> Result<(), EmbedRefusal> {
        if self.exp <= now {
            Err(EmbedRefusal::Expired)
        } else if self.exp > now + MAX_LIFETIME_SECONDS {
            Err(EmbedRefusal::TooLong)
        } else {
            Ok(())
        }
    }

    /// `query` with the locked date range and filters, which the viewer
    /// cannot remove.
    pub fn apply_to(&self, query: InsightQuery) -> InsightQuery {
        let equals: Vec<(String, String)> = self
            .filters
            .iter()
            .map(|f| (f.key.clone(), f.value.clone()))
            .collect();
        query.overridden(self.date_from.as_deref(), &equals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> EmbedClaims {
        EmbedClaims {
            project: ProjectId(1),
            resource: EmbedResource::Insight("abcdefgh".into()),
            filters: vec![LockedFilter {
                key: "customer".into(),
                value: "acme".into(),
            }],
            date_from: Some("-7d".into()),
            exp,
        }
    }

    #[test]
    fn a_token_lives_at_most_a_day() {
        assert_eq!(claims(100).check_lifetime(100), Err(EmbedRefusal::Expired));
        assert_eq!(claims(200).check_lifetime(100), Ok(()));
        assert_eq!(
            claims(100 + MAX_LIFETIME_SECONDS + 1).check_lifetime(100),
            Err(EmbedRefusal::TooLong)
        );
    }

    #[test]
    fn locked_filters_join_the_query_and_replace_its_dates() {
        let query = crate::insight::InsightKind::Trends.starter();
        let locked = claims(1).apply_to(query.clone());
        assert_eq!(locked.properties().len(), query.properties().len() + 1);
        assert_eq!(locked.date_range().date_from.as_deref(), Some("-7d"));
    }

    #[test]
    fn claims_read_as_sites_write_them() {
        let parsed: EmbedClaims = serde_json::from_str(
            r#"{"project": 3, "resource": {"dashboard": 12}, "exp": 1900000000}"#,
        )
        .unwrap();
        assert_eq!(parsed.resource, EmbedResource::Dashboard(DashboardId(12)));
        assert!(parsed.filters.is_empty());
    }
}
