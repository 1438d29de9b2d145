//! The demo organization a fresh installation starts with.

use crate::accounts::SignUp;
use crate::demo_data::DemoData;
use crate::{Backend, Result};
use chrono::Utc;
use domain::account::{Email, NewPassword, PersonName, User};
use domain::insight::{InsightDraft, InsightQuery};
use domain::organization::OrganizationName;
use domain::project::{ProjectName, TimeZone};
use domain::ProjectId;

pub const DEMO_EMAIL: &str = "demo@huddle.test";
pub const DEMO_PASSWORD: &str = "huddle-demo";

/// Events in the demo project: 90 days of a small product.
pub const DEMO_EVENTS: usize = 30_000;

/// Creates the demo user, organization and project, with 90 days of events,
/// when no user exists yet. Returns them when it did, `None` when the
/// database already had users.
pub async fn seed_if_empty(backend: &Backend) -> Result<Option<(User, ProjectId)>> {
    if !backend.meta.is_empty().await? {
        return Ok(None);
    }
    let form = SignUp {
        name: PersonName::parse("Demo User")?,
        email: Email::parse(DEMO_EMAIL)?,
        password: NewPassword::parse(DEMO_PASSWORD)?,
        organization: OrganizationName::parse("Demo Organization")?,
        project: ProjectName::parse("Demo Project")?,
        time_zone: TimeZone::utc(),
    };
    let (user, project) = backend.sign_up(form).await?;
    for batch in DemoData::sized(42, DEMO_EVENTS, Utc::now()).batches(1_000) {
        backend.ingest.submit(project, batch).await?;
    }
    let scope = backend.meta.scope(user.id, project).await?;
    backend.add_starter_dashboard(&scope).await?;
    for (name, query) in DEMO_INSIGHTS {
        let query = InsightQuery::from_json(query)?;
        let draft = InsightDraft::parse(name, "", "demo", query)?;
        backend.meta.create_insight(&scope, &draft).await?;
    }
    Ok(Some((user, project)))
}

/// Saved insights to start from; the unnamed ones show their automatic names.
const DEMO_INSIGHTS: [(&str, &str); 3] = [
    (
        "",
        r#"{"kind":"TrendsQuery","series":[{"kind":"EventsNode","event":"$pageview","math":"dau"}],
            "dateRange":{"date_from":"-30d"},"breakdownFilter":{"breakdown_type":"event","breakdown":"$browser","breakdown_limit":5}}"#,
    ),
    (
        "Checkout funnel",
        r#"{"kind":"FunnelsQuery","series":[{"kind":"EventsNode","event":"$pageview"},{"kind":"EventsNode","event":"signed up"},{"kind":"EventsNode","event":"purchase"}],
            "dateRange":{"date_from":"-30d"}}"#,
    ),
    (
        "",
        r#"{"kind":"RetentionQuery","retentionFilter":{"targetEntity":{"id":"signed up","type":"events"},"returningEntity":{"id":"$pageview","type":"events"},
            "retentionType":"retention_first_time","period":"Week","totalIntervals":8}}"#,
    ),
];
