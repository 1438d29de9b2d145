//! Opening shared links, each one rate limited: a link in a public wiki is
//! reachable by anyone, so one link may not take the server's whole time.

use crate::meta::OpenShare;
use crate::{Backend, Error, Result};
use domain::insight::InsightQuery;
use domain::sharing::ShareRefusal;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;

/// Requests one shared link answers per minute (a page and its tiles are a
/// request each), with as many at once.
pub const SHARE_REQUESTS_PER_MINUTE: u32 = 600;

/// Links remembered before those quiet for a minute are forgotten.
const REMEMBERED_LINKS: usize = 10_000;

#[derive(Clone)]
pub(crate) struct ShareLimits(Arc<DefaultKeyedRateLimiter<i64>>);

impl ShareLimits {
    pub(crate) fn per_minute(requests: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(requests.max(1)).expect("at least one"));
        Self(Arc::new(RateLimiter::keyed(quota)))
    }

    /// Counts a request of the share `share` (a positive id), or of a
    /// project's signed embeds (its id, negated).
    pub(crate) fn admit(&self, share: i64) -> Result<()> {
        if self.0.len() > REMEMBERED_LINKS {
            self.0.retain_recent();
        }
        self.0
            .check_key(&share)
            .map_err(|_| Error::Unshared(ShareRefusal::TooManyRequests))
    }
}

impl Backend {
    /// The share a link's token opens, counted against the link's limit.
    pub async fn open_share(&self, token: &str) -> Result<OpenShare> {
        let share = self.meta.open_share(token).await?;
        self.share_limits.admit(share.id)?;
        Ok(share)
    }

    /// The same services allowing each shared link `requests` a minute.
    pub fn with_share_requests_per_minute(mut self, requests: u32) -> Self {
        self.share_limits = ShareLimits::per_minute(requests);
        self
    }
}

impl Backend {
    /// What a share's preview image shows: the shared insight, or a shared
    /// dashboard's first insight tile, with the name to title it by (none
    /// for a dashboard without insights).
    pub async fn shared_chart(&self, share: &OpenShare) -> Result<Option<(String, InsightQuery)>> {
        use domain::dashboard::TileContent;
        use domain::sharing::ShareTarget;
        Ok(match share.target {
            ShareTarget::Insight(id) => {
                let insight = self.meta.insight_with_id(&share.scope, id).await?;
                Some((insight.display_name().to_owned(), insight.query))
            }
            ShareTarget::Dashboard(id) => {
                let (dashboard, _, tiles) =
                    self.meta.dashboard_with_tiles(&share.scope, id).await?;
                tiles.into_iter().find_map(|tile| match tile.content {
                    TileContent::Insight(insight) => Some((dashboard.name.clone(), insight.query)),
                    TileContent::Text(_) => None,
                })
            }
        })
    }
}
