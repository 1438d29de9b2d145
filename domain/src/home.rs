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

/// Loads of the home less than this apart belong to one visit, as in web
/// analytics sessions.
pub const VISIT_GAP_MINUTES: i64 = 30;

/// Where a person's visits to a project stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visits {
    /// When they last loaded the project's home.
    pub last_seen: DateTime<Utc>,
    /// Teammates' changes after this are "new since your last visit": the
    /// end of the previous visit, or the start of the first one.
    pub new_since: DateTime<Utc>,
}

impl Visits {
    /// The state after a load of the home at `now`. Reloading within a visit
    /// keeps the list; a load after a break starts a new visit whose list
    /// begins where the previous visit ended.
    pub fn after_load(previous: Option<Visits>, now: DateTime<Utc>) -> Visits {
        match previous {
            None => Visits {
                last_seen: now,
                new_since: now,
            },
            Some(visits)
                if now - visits.last_seen > chrono::Duration::minutes(VISIT_GAP_MINUTES) =>
            {
                Visits {
                    last_seen: now,
                    new_since: visits.last_seen,
                }
            }
            Some(visits) => Visits {
                last_seen: now,
                ..visits
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn a_first_load_lists_what_changes_from_then_on() {
        let first = Visits::after_load(None, at(0));
        assert_eq!(first.new_since, at(0));
    }

    #[test]
    fn reloads_within_a_visit_keep_the_list() {
        let first = Visits::after_load(None, at(0));
        let reload = Visits::after_load(Some(first), at(20));
        let again = Visits::after_load(Some(reload), at(45));
        assert_eq!(again.new_since, at(0));
        assert_eq!(again.last_seen, at(45));
    }

    #[test]
    fn a_load_after_a_break_lists_changes_since_the_previous_visit_ended() {
        let first = Visits::after_load(None, at(0));
        let later = Visits::after_load(Some(first), at(10));
        let next_day = Visits::after_load(Some(later), at(24 * 60));
        assert_eq!(next_day.new_since, at(10));
        assert_eq!(next_day.last_seen, at(24 * 60));
    }
}
