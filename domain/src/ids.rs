//! Database identifiers. Each kind is its own type, so a call that takes a
//! project, a dashboard and a user cannot be handed them in the wrong order.
//! They travel as plain integers (JSON, forms, URLs such as `/project/2`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::num::ParseIntError;
use std::str::FromStr;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl $name {
            /// The number, for stores that bind plain integers.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIntError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map(Self)
            }
        }
    )*};
}

ids! {
    UserId;
    OrganizationId;
    ProjectId;
    InviteId;
    DashboardId;
    /// A tile of a dashboard.
    TileId;
    InsightId;
    /// An event or property definition.
    DefinitionId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_travel_as_plain_integers() {
        assert_eq!(serde_json::to_string(&ProjectId(7)).unwrap(), "7");
        assert_eq!(
            serde_json::from_str::<DashboardId>("12").unwrap(),
            DashboardId(12)
        );
        assert_eq!("42".parse::<UserId>().unwrap(), UserId(42));
        assert!("4x".parse::<UserId>().is_err());
        assert_eq!(format!("/project/{}", ProjectId(2)), "/project/2");
    }
}
