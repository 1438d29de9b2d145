//! The starter dashboard every new project gets: page views, unique users, a
//! sign-up funnel and weekly retention, on the event shapes the PostHog SDKs
//! and the demo data send. It becomes the project's home until someone picks
//! another.

use crate::{Backend, ProjectScope, Result};
use domain::dashboard::{DashboardDraft, DashboardId, TileLayout};
use domain::insight::{InsightDraft, InsightQuery};

const STARTER: [(&str, &str); 4] = [
    (
        "Page views",
        r#"{"kind":"TrendsQuery","series":[{"kind":"EventsNode","event":"$pageview"}],"dateRange":{"date_from":"-30d"}}"#,
    ),
    (
        "Unique users",
        r#"{"kind":"TrendsQuery","series":[{"kind":"EventsNode","event":"$pageview","math":"dau"}],"dateRange":{"date_from":"-30d"}}"#,
    ),
    (
        "Sign-up funnel",
        r#"{"kind":"FunnelsQuery","series":[{"kind":"EventsNode","event":"$pageview"},{"kind":"EventsNode","event":"signed up"}],"dateRange":{"date_from":"-30d"}}"#,
    ),
    (
        "Weekly retention",
        r#"{"kind":"RetentionQuery","retentionFilter":{"targetEntity":{"id":"$pageview","type":"events"},"returningEntity":{"id":"$pageview","type":"events"},"period":"Week","totalIntervals":8}}"#,
    ),
];

impl Backend {
    /// Adds the starter dashboard to a new project and makes it the home.
    pub async fn add_starter_dashboard(&self, scope: &ProjectScope) -> Result<DashboardId> {
        let draft = DashboardDraft::parse(
            "Starter dashboard",
            "The basics of any product: traffic, users, sign-ups, retention.",
            "starter",
        )?;
        let dashboard = self.meta.create_dashboard(scope, &draft).await?;
        let mut layout = Vec::new();
        for (i, (name, query)) in STARTER.into_iter().enumerate() {
            let draft = InsightDraft::parse(name, "", "starter", InsightQuery::from_json(query)?)?;
            let insight = self.meta.create_insight(scope, &draft).await?;
            let tile = self
                .meta
                .add_insight_tile(scope, dashboard, &insight.short_id)
                .await?;
            let (x, y) = ((i as u32 % 2) * 6, (i as u32 / 2) * 5);
            layout.push((tile, TileLayout { x, y, w: 6, h: 5 }));
        }
        // Two by two rather than one column.
        self.meta.save_layout(scope, dashboard, &layout).await?;
        self.meta.set_primary_dashboard(scope, dashboard).await?;
        Ok(dashboard)
    }
}
