//! Dashboards: saved insights and text laid out on a grid.

use crate::insight::{Insight, InsightQuery};
use crate::permissions::DashboardAccess;
use crate::validation::{trimmed_text, Invalid};
use crate::{ProjectId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod layout;

pub use crate::{DashboardId, TileId};
pub use layout::{compact, first_free_spot, move_tile, TileLayout, GRID_COLUMNS, MAX_TILE_ROWS};

/// Tiles one dashboard may hold: each insight tile is a query on every load.
pub const MAX_TILES: usize = 100;

/// Whether a dashboard holding `existing` tiles may take one more.
pub fn check_room_for_tile(existing: usize) -> Result<(), Invalid> {
    if existing >= MAX_TILES {
        return Err(Invalid::new(
            "tiles",
            format!("A dashboard holds at most {MAX_TILES} tiles."),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub id: DashboardId,
    pub project_id: ProjectId,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub pinned: bool,
    pub access: DashboardAccess,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_modified_at: DateTime<Utc>,
    /// Whether it is its project's primary dashboard.
    pub is_primary: bool,
}

/// What the person looking may do, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardRights {
    /// `None` when they may edit; else the reason shown beside the
    /// disabled controls.
    pub edit_denied: Option<String>,
    pub can_manage: bool,
}

impl DashboardRights {
    pub fn can_edit(&self) -> bool {
        self.edit_denied.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TileContent {
    Insight(Box<Insight>),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub id: TileId,
    pub layout: TileLayout,
    pub content: TileContent,
}

/// Overrides a viewer applies to every tile without saving them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DashboardFilters {
    pub date_from: Option<String>,
    /// An event property that must equal a value.
    pub property: Option<(String, String)>,
}

impl DashboardFilters {
    /// A tile's query as the dashboard shows it: a start date replaces the
    /// tile's whole range (up to now), a property condition joins its filters.
    pub fn apply_to(&self, query: InsightQuery) -> InsightQuery {
        query.overridden(self.date_from.as_deref(), self.property.as_slice())
    }
}

/// A dashboard's name, description and tags as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardDraft {
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
}

impl DashboardDraft {
    /// The longest name a dashboard may have, in characters.
    pub const MAX_NAME_CHARS: usize = 100;

    pub fn parse(name: &str, description: &str, tags: &str) -> Result<Self, Invalid> {
        let description = description.trim();
        if description.chars().count() > 400 {
            return Err(Invalid::new(
                "description",
                "Descriptions are at most 400 characters.",
            ));
        }
        Ok(Self {
            name: trimmed_text(name, "name", "Name", Self::MAX_NAME_CHARS)?,
            description: description.to_owned(),
            tags: crate::tags::parse_tags(tags)?,
        })
    }
}

/// Someone who may be added as a collaborator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collaborator {
    pub user_id: UserId,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::{DateRange, Operator, PropertyScope, Scalar};

    #[test]
    fn a_full_dashboard_takes_no_more_tiles() {
        assert!(check_room_for_tile(MAX_TILES - 1).is_ok());
        assert_eq!(check_room_for_tile(MAX_TILES).unwrap_err().field, "tiles");
    }

    #[test]
    fn dashboard_filters_override_every_tile_kind() {
        use crate::insight::InsightKind;
        let filters = DashboardFilters {
            date_from: Some("-30d".into()),
            property: Some(("$browser".into(), "Chrome".into())),
        };
        for kind in InsightKind::ALL {
            let mut query = kind.starter();
            query.date_range_mut().date_to = Some("2026-11-01".into());
            let shown = filters.apply_to(query);
            assert_eq!(
                shown.date_range(),
                &DateRange {
                    date_from: Some("-30d".into()),
                    date_to: None
                },
                "{kind:?}"
            );
            let [added] = shown.properties() else {
                panic!("{kind:?}: {:?}", shown.properties())
            };
            assert_eq!(added.key, "$browser");
            assert_eq!(added.operator, Operator::Exact);
            assert_eq!(added.scope, PropertyScope::Event);
            assert_eq!(added.values(), [Scalar::Text("Chrome".into())]);
            assert!(shown.validate().is_ok());
        }
    }

    #[test]
    fn empty_dashboard_filters_leave_the_tile_as_saved() {
        let query = crate::insight::InsightQuery::default();
        let blank = DashboardFilters {
            date_from: Some(String::new()),
            property: Some((String::new(), "Chrome".into())),
        };
        assert_eq!(blank.apply_to(query.clone()), query);
        assert_eq!(DashboardFilters::default().apply_to(query.clone()), query);
    }

    #[test]
    fn dashboard_filters_keep_their_wire_shape() {
        let filters = DashboardFilters {
            date_from: Some("-7d".into()),
            property: Some(("plan".into(), "pro".into())),
        };
        let json = serde_json::to_value(&filters).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"date_from": "-7d", "property": ["plan", "pro"]})
        );
        assert_eq!(
            serde_json::from_value::<DashboardFilters>(json).unwrap(),
            filters
        );
    }

    #[test]
    fn dashboards_need_a_name() {
        assert!(DashboardDraft::parse(" ", "", "").is_err());
        assert_eq!(
            DashboardDraft::parse(" KPIs ", "", "Growth").unwrap().tags,
            ["growth"]
        );
    }
}
