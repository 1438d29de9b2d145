//! Builders for Huddle's page URLs, so that links are spelled in one place.

use crate::explorer::EventsFilter;
use crate::insight::InsightQuery;
use crate::paging::{Cursor, AFTER};
use crate::{DashboardId, ProjectId};

pub fn project_home(project: ProjectId) -> String {
    format!("/project/{project}")
}

pub fn project_settings(project: ProjectId) -> String {
    format!("/project/{project}/settings")
}

pub fn project_events(project: ProjectId) -> String {
    format!("/project/{project}/events")
}

/// The events explorer with its filters (an event name, a property and the
/// value it equals) from the page after `after`. Blank filters are left out.
pub fn project_events_page(
    project: ProjectId,
    filter: &EventsFilter,
    after: Option<&Cursor>,
) -> String {
    let after = after.map(Cursor::encode).unwrap_or_default();
    let mut pairs = filter.query_pairs();
    pairs.push((AFTER, after));
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    with_query(project_events(project), &pairs)
}

pub fn project_persons(project: ProjectId) -> String {
    format!("/project/{project}/persons")
}

/// The persons list matching `search` from the page after `after`.
pub fn project_persons_page(project: ProjectId, search: &str, after: Option<&Cursor>) -> String {
    let after = after.map(Cursor::encode).unwrap_or_default();
    with_query(
        project_persons(project),
        &[("search", search), (AFTER, &after)],
    )
}

/// `path` with the pairs whose values are not blank as its query, values
/// trimmed.
fn with_query(path: String, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(key, value)| (key, value.trim()))
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", encode_query_value(value)))
        .collect();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

pub fn data_management_events(project: ProjectId) -> String {
    format!("/project/{project}/data-management/events")
}

pub fn event_definition(project: ProjectId, definition: crate::DefinitionId) -> String {
    format!("/project/{project}/data-management/events/{definition}")
}

pub fn data_management_properties(project: ProjectId) -> String {
    format!("/project/{project}/data-management/properties")
}

pub const ORGANIZATION_SETTINGS: &str = "/organization/settings";
pub const NEW_PROJECT: &str = "/projects/new";
pub const LOGIN: &str = "/login";
/// Where links to things a person may not see end: a page that names nothing.
pub const NO_ACCESS: &str = "/no-access";
pub const SIGNUP: &str = "/signup";

pub fn invite(token: &str) -> String {
    format!("/invite/{token}")
}

/// Where someone who forgot their password asks for a reset mail.
pub const FORGOT_PASSWORD: &str = "/forgot-password";

/// The link a reset mail carries.
pub fn reset_password(token: &str) -> String {
    format!("/reset-password/{token}")
}

/// The one-click unsubscribe link of a subscription mail to `email`.
pub fn unsubscribe(subscription: i64, email: &str, token: &str) -> String {
    format!(
        "{UNSUBSCRIBE}?subscription={subscription}&email={}&token={token}",
        encode_query_value(email)
    )
}

pub const UNSUBSCRIBE: &str = "/unsubscribe";

/// A chart image a Slack or webhook delivery links to.
pub fn delivery_image(token: &str) -> String {
    format!("/delivered/{token}.png")
}

pub const DELIVERY_IMAGE: &str = "/delivered/{file}";

/// An organization's outbox: the mail the embedded transport wrote.
pub const OUTBOX: &str = "/organization/outbox";

/// A share's read-only page, for people.
pub fn shared(token: &str) -> String {
    format!("/shared/{token}")
}

/// A share's page for other sites' iframes.
pub fn embedded(token: &str) -> String {
    format!("/embedded/{token}")
}

/// A share's chart as an image, for link previews.
pub fn shared_image(token: &str) -> String {
    format!("/shared/{token}.png")
}

/// The oEmbed answer for the page at `url`.
pub fn oembed(url: &str) -> String {
    format!("/oembed?url={}", encode_query_value(url))
}

/// The login page, returning to `next` afterwards.
pub fn login_then(next: &str) -> String {
    match safe_next(Some(next)) {
        Some(next) => format!("{LOGIN}?next={}", encode_query_value(&next)),
        None => LOGIN.to_owned(),
    }
}

/// Accepts a post-login destination only when it is a path on this site, so a
/// crafted `?next=` link cannot send someone to another site after they log in.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    local.then(|| next.to_owned())
}

/// A value for a URL's query string: RFC 3986 unreserved characters and `/`
/// stay readable, everything else is percent-encoded.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

pub fn dashboards(project: ProjectId) -> String {
    format!("/project/{project}/dashboards")
}

pub fn dashboard(project: ProjectId, dashboard: DashboardId) -> String {
    format!("/project/{project}/dashboard/{dashboard}")
}

pub fn insights(project: ProjectId) -> String {
    format!("/project/{project}/insights")
}

/// A new insight, carrying its whole unsaved configuration: a permalink.
pub fn insight_new(project: ProjectId, query: &InsightQuery) -> String {
    format!(
        "/project/{project}/insights/new?q={}",
        encode_query_value(&query.to_json())
    )
}

/// A saved insight's result as a CSV download.
/// A saved insight's result as a file: `csv`, `png` or `svg`.
pub fn insight_export(project: ProjectId, short_id: &str, extension: &str) -> String {
    format!("/api/projects/{project}/insights/{short_id}/export.{extension}")
}

/// The editor for a new insight that goes onto `dashboard` once saved.
pub fn insight_new_on_dashboard(
    project: ProjectId,
    dashboard: DashboardId,
    query: &InsightQuery,
) -> String {
    format!("{}&{DASHBOARD}={dashboard}", insight_new(project, query))
}

/// The query parameter naming the dashboard a new insight is for.
pub const DASHBOARD: &str = "dashboard";

pub fn insight(project: ProjectId, short_id: &str) -> String {
    format!("/project/{project}/insights/{short_id}")
}

/// Editing a saved insight, with the configuration being edited.
pub fn insight_edit(project: ProjectId, short_id: &str, query: &InsightQuery) -> String {
    format!(
        "/project/{project}/insights/{short_id}/edit?q={}",
        encode_query_value(&query.to_json())
    )
}

/// The project id at the start of a `/project/:id/...` path, if any.
pub fn project_in_path(path: &str) -> Option<ProjectId> {
    let rest = path.strip_prefix("/project/")?;
    rest.split('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(
            safe_next(Some("/project/2/settings")),
            Some("/project/2/settings".into())
        );
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn insight_permalinks_carry_the_whole_query() {
        let query = crate::insight::InsightKind::Funnels.starter();
        let link = insight_new(crate::ProjectId(4), &query);
        let encoded = link.strip_prefix("/project/4/insights/new?q=").unwrap();
        let decoded: String = form_urlencoded::parse(format!("q={encoded}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap();
        assert_eq!(InsightQuery::from_json(&decoded).unwrap(), query);
    }

    #[test]
    fn login_links_carry_the_page_to_return_to() {
        assert_eq!(
            login_then("/project/2?tab=a b"),
            "/login?next=/project/2%3Ftab%3Da%20b"
        );
        assert_eq!(login_then("https://evil.example"), "/login");
    }

    #[test]
    fn explorer_links_keep_their_filters_and_their_page() {
        let project = crate::ProjectId(3);
        assert_eq!(
            project_events_page(project, &EventsFilter::default(), None),
            "/project/3/events"
        );
        let filter = EventsFilter {
            event: Some(" $pageview ".into()),
            date_from: Some("-24h".into()),
            ..Default::default()
        };
        let cursor =
            Cursor::parse("1714979289123456_0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap();
        assert_eq!(
            project_events_page(project, &filter, Some(&cursor)),
            "/project/3/events?event=%24pageview&date_from=-24h\
             &after=1714979289123456_0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
        );
        assert_eq!(
            project_events_page(project, &EventsFilter::default(), Some(&cursor)),
            format!("/project/3/events?after={cursor}")
        );
        assert_eq!(
            project_persons_page(project, "", None),
            "/project/3/persons"
        );
        assert_eq!(
            project_persons_page(project, "ana@example.com", Some(&cursor)),
            format!("/project/3/persons?search=ana%40example.com&after={cursor}")
        );
    }

    #[test]
    fn the_project_is_read_from_project_paths_only() {
        assert_eq!(project_in_path("/project/12/settings"), Some(ProjectId(12)));
        assert_eq!(project_in_path("/project/12"), Some(ProjectId(12)));
        assert_eq!(project_in_path("/project/abc"), None);
        assert_eq!(project_in_path("/organization/settings"), None);
    }
}
