//! What a delivery shows: an insight's chart, or a dashboard's first
//! insight tiles in layout order, each as a PNG with its name, one-line
//! summary and a link back, as the subscription's creator sees them.

use crate::images::ImageFormat;
use crate::render::ImageOptions;
use crate::{Backend, ProjectScope, Result};
use domain::dashboard::TileContent;
use domain::insight::Insight;
use domain::sharing::ShareTarget;
use domain::subscription::MAX_TILES;
use std::sync::Arc;

pub(super) struct Chart {
    pub name: String,
    pub summary: String,
    pub link: String,
    pub png: Arc<Vec<u8>>,
}

pub(super) struct Content {
    pub kind: &'static str,
    pub name: String,
    pub link: String,
    pub charts: Vec<Chart>,
    /// Insights on the dashboard, of which `charts` are the first.
    pub total: usize,
}

impl Content {
    /// "Dashboard report: Growth", marked "[Test] " when sent by hand: a
    /// mail's subject, a Slack message's header.
    pub fn title(&self, test: bool) -> String {
        let test = if test { "[Test] " } else { "" };
        format!("{test}{} report: {}", self.kind, self.name)
    }
}

/// Mail clients show images about 544 px wide: drawn at twice that.
fn options() -> ImageOptions {
    ImageOptions {
        width: 1088,
        height: 600,
        ..Default::default()
    }
}

impl Backend {
    pub(super) async fn content(
        &self,
        scope: &ProjectScope,
        target: ShareTarget,
    ) -> Result<Content> {
        match target {
            ShareTarget::Insight(id) => {
                let insight = self.meta.insight_with_id(scope, id).await?;
                let chart = self.chart(scope, &insight).await?;
                Ok(Content {
                    kind: "Insight",
                    name: chart.name.clone(),
                    link: chart.link.clone(),
                    charts: vec![chart],
                    total: 1,
                })
            }
            ShareTarget::Dashboard(id) => {
                let (dashboard, _, mut tiles) = self.meta.dashboard_with_tiles(scope, id).await?;
                tiles.sort_by_key(|tile| (tile.layout.y, tile.layout.x));
                let insights: Vec<&Insight> = tiles
                    .iter()
                    .filter_map(|tile| match &tile.content {
                        TileContent::Insight(insight) => Some(insight.as_ref()),
                        TileContent::Text(_) => None,
                    })
                    .collect();
                let mut charts = Vec::new();
                for insight in insights.iter().take(MAX_TILES) {
                    charts.push(self.chart(scope, insight).await?);
                }
                Ok(Content {
                    kind: "Dashboard",
                    name: dashboard.name.clone(),
                    link: self
                        .mailer
                        .link(&domain::paths::dashboard(scope.project_id(), id)),
                    charts,
                    total: insights.len(),
                })
            }
        }
    }

    async fn chart(&self, scope: &ProjectScope, insight: &Insight) -> Result<Chart> {
        let outcome = self.insight_outcome(scope, &insight.query, false).await?;
        let png = self
            .insight_image(scope, &insight.query, options(), ImageFormat::Png)
            .await?;
        Ok(Chart {
            name: insight.display_name().to_owned(),
            summary: domain::insight::summary::one_line(&outcome.result),
            link: self.mailer.link(&domain::paths::insight(
                scope.project_id(),
                &insight.short_id,
            )),
            png,
        })
    }
}
