//! Saved insights: a query with a name, and who made and changed it.

use super::naming::derived_name;
use super::query::{InsightKind, InsightQuery};
use crate::enum_strings::enum_strings;
use crate::validation::Invalid;
use crate::{ProjectId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumMessage, EnumString, IntoStaticStr, VariantArray};

pub use crate::InsightId;

/// The 8-character id in an insight's URL, unique within its project.
pub const SHORT_ID_LENGTH: usize = 8;

/// Whether `text` can be a short id (so lookups never see junk).
pub fn is_short_id(text: &str) -> bool {
    (1..=12).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphanumeric())
}

pub const MAX_NAME: usize = 400;
pub const MAX_DESCRIPTION: usize = 400;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    pub id: InsightId,
    pub project_id: ProjectId,
    pub short_id: String,
    /// What people named it; `None` shows [`Insight::derived_name`].
    pub name: Option<String>,
    pub derived_name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub query: InsightQuery,
    pub created_by: Option<String>,
    pub created_by_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub last_modified_by: Option<String>,
    pub last_modified_at: DateTime<Utc>,
    /// Whether the person looking has starred it.
    pub favorited: bool,
    /// When the person looking last opened it.
    pub last_viewed_at: Option<DateTime<Utc>>,
}

impl Insight {
    /// The insight as a shared link shows it: without who made or changed it,
    /// or anything a particular viewer did with it.
    pub fn for_public(self) -> Self {
        Self {
            created_by: None,
            created_by_id: None,
            last_modified_by: None,
            favorited: false,
            last_viewed_at: None,
            ..self
        }
    }

    /// The name to show: the given one, else the automatic one.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.derived_name)
    }

    pub fn kind(&self) -> InsightKind {
        self.query.kind()
    }
}

/// What saving an insight writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightDraft {
    pub name: Option<String>,
    pub description: String,
    pub tags: Vec<String>,
    pub query: InsightQuery,
}

impl InsightDraft {
    /// Checks a draft as typed: a blank name means "use the automatic one".
    pub fn parse(
        name: &str,
        description: &str,
        tags: &str,
        query: InsightQuery,
    ) -> Result<Self, Invalid> {
        query.validate()?;
        let name = name.trim();
        if name.chars().count() > MAX_NAME {
            return Err(Invalid::new(
                "name",
                format!("Names are at most {MAX_NAME} characters."),
            ));
        }
        let description = description.trim();
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(Invalid::new(
                "description",
                format!("Descriptions are at most {MAX_DESCRIPTION} characters."),
            ));
        }
        Ok(Self {
            name: (!name.is_empty()).then(|| name.to_owned()),
            description: description.to_owned(),
            tags: crate::tags::parse_tags(tags)?,
            query,
        })
    }

    pub fn derived_name(&self) -> String {
        derived_name(&self.query)
    }
}

/// The tabs of the saved insights list. Links name a tab by its strum name
/// (`?tab=recent`); serde keeps the variant name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
    EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum InsightTab {
    #[default]
    #[strum(message = "All insights")]
    All,
    #[strum(message = "Your insights")]
    Mine,
    #[strum(message = "Favorites")]
    Favorites,
    #[strum(serialize = "recent", message = "Recently viewed")]
    RecentlyViewed,
}

enum_strings!(InsightTab, label);

impl InsightTab {
    /// The tab a link names; the first tab for anything else.
    pub fn parse(text: &str) -> Self {
        text.parse().unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum InsightOrder {
    #[default]
    LastModified,
    LastViewed,
}

/// What the saved insights list shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InsightListQuery {
    pub tab: InsightTab,
    pub search: String,
    pub kind: Option<InsightKind>,
    pub created_by: Option<UserId>,
    pub tag: Option<String>,
    pub order: InsightOrder,
}

impl InsightListQuery {
    /// Whether `insight` belongs in the list for `viewer`.
    pub fn admits(&self, insight: &Insight, viewer: UserId) -> bool {
        let search = self.search.trim().to_lowercase();
        (search.is_empty()
            || insight.display_name().to_lowercase().contains(&search)
            || insight.description.to_lowercase().contains(&search)
            || insight.tags.iter().any(|t| t.contains(&search)))
            && self.kind.is_none_or(|k| k == insight.kind())
            && self
                .created_by
                .is_none_or(|u| insight.created_by_id == Some(u))
            && self.tag.as_ref().is_none_or(|t| insight.tags.contains(t))
            && match self.tab {
                InsightTab::All => true,
                InsightTab::Mine => insight.created_by_id == Some(viewer),
                InsightTab::Favorites => insight.favorited,
                InsightTab::RecentlyViewed => insight.last_viewed_at.is_some(),
            }
    }

    /// Sorts a list: by last modified, or by the viewer's last view (for the
    /// recently viewed tab always).
    pub fn sort(&self, insights: &mut [Insight]) {
        if self.order == InsightOrder::LastViewed || self.tab == InsightTab::RecentlyViewed {
            insights.sort_by(|a, b| {
                b.last_viewed_at
                    .cmp(&a.last_viewed_at)
                    .then(b.last_modified_at.cmp(&a.last_modified_at))
            });
        } else {
            insights.sort_by_key(|i| std::cmp::Reverse(i.last_modified_at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::InsightKind;

    fn insight(name: Option<&str>, by: UserId) -> Insight {
        let query = InsightKind::Trends.starter();
        Insight {
            id: crate::InsightId(1),
            project_id: crate::ProjectId(1),
            short_id: "abcdEFGH".into(),
            name: name.map(Into::into),
            derived_name: derived_name(&query),
            description: String::new(),
            tags: vec!["growth".into()],
            query,
            created_by: None,
            created_by_id: Some(by),
            created_at: Utc::now(),
            last_modified_by: None,
            last_modified_at: Utc::now(),
            favorited: false,
            last_viewed_at: None,
        }
    }

    #[test]
    fn unnamed_insights_show_their_automatic_name() {
        assert_eq!(
            insight(None, crate::UserId(1)).display_name(),
            "Pageview count"
        );
        assert_eq!(
            insight(Some("Traffic"), crate::UserId(1)).display_name(),
            "Traffic"
        );
    }

    #[test]
    fn blank_names_mean_automatic_and_long_ones_are_refused() {
        let draft = InsightDraft::parse("  ", "", "", InsightKind::Trends.starter()).unwrap();
        assert_eq!(draft.name, None);
        assert!(
            InsightDraft::parse(&"n".repeat(401), "", "", InsightKind::Trends.starter()).is_err()
        );
    }

    #[test]
    fn the_list_filters_by_tab_search_kind_creator_and_tag() {
        let mine = insight(Some("Weekly traffic"), crate::UserId(7));
        let list = |q: InsightListQuery| q.admits(&mine, crate::UserId(7));
        assert!(list(InsightListQuery::default()));
        assert!(list(InsightListQuery {
            tab: InsightTab::Mine,
            ..Default::default()
        }));
        assert!(!InsightListQuery {
            tab: InsightTab::Mine,
            ..Default::default()
        }
        .admits(&mine, crate::UserId(8)));
        assert!(!list(InsightListQuery {
            tab: InsightTab::Favorites,
            ..Default::default()
        }));
        assert!(list(InsightListQuery {
            search: "TRAFFIC".into(),
            ..Default::default()
        }));
        assert!(!list(InsightListQuery {
            search: "funnel".into(),
            ..Default::default()
        }));
        assert!(!list(InsightListQuery {
            kind: Some(InsightKind::Funnels),
            ..Default::default()
        }));
        assert!(!list(InsightListQuery {
            created_by: Some(crate::UserId(8)),
            ..Default::default()
        }));
        assert!(list(InsightListQuery {
            tag: Some("growth".into()),
            ..Default::default()
        }));
    }

    #[test]
    fn short_ids_are_short_and_alphanumeric() {
        assert!(is_short_id("aB3dE6gH"));
        assert!(!is_short_id("../etc"));
        assert!(!is_short_id(""));
    }

    #[test]
    fn tabs_have_short_names_in_links_and_fall_back_to_all() {
        let links: Vec<&str> = InsightTab::ALL
            .into_iter()
            .map(InsightTab::as_str)
            .collect();
        assert_eq!(links, ["all", "mine", "favorites", "recent"]);
        for tab in InsightTab::ALL {
            assert_eq!(InsightTab::parse(tab.as_str()), tab);
            assert!(!tab.label().is_empty());
        }
        assert_eq!(InsightTab::RecentlyViewed.label(), "Recently viewed");
        assert_eq!(InsightTab::parse("recently_viewed"), InsightTab::All);
        assert_eq!(InsightTab::parse(""), InsightTab::All);
        // The list query's JSON keeps the variant names.
        assert_eq!(
            serde_json::to_string(&InsightTab::RecentlyViewed).unwrap(),
            "\"RecentlyViewed\""
        );
    }
}
