//! What a project's home page lists.

use crate::dashboard::DashboardId;
use crate::insight::Insight;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeActivity {
    /// Insights the person opened, most recent first.
    pub recent: Vec<Insight>,
    /// Insights teammates opened this week, most viewers first.
    pub popular: Vec<Popular>,
    /// Insights and dashboards teammates created or changed since the
    /// person's previous visit.
    pub new_since: Vec<NewItem>,
    pub primary_dashboard: Option<DashboardId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Popular {
    pub name: String,
    pub link: String,
    pub viewers: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewItem {
    pub name: String,
    pub link: String,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}
