//! The server functions insight pages call. Each one: who is asking → may
//! they (project access) → backend → errors mapped by `AppError`.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::definitions::PropertyKind;
use domain::insight::{Insight, InsightListQuery, PropertyScope, QueryOutcome};
use domain::organization::Member;
use domain::ProjectId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the event and property pickers offer, verified first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Taxonomy {
    pub events: Vec<PickerItem>,
    pub properties: Vec<PickerItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickerItem {
    pub name: String,
    pub description: String,
    pub verified: bool,
    /// Properties only: event or person.
    pub kind: Option<PropertyKind>,
    /// Properties only: whether values are numbers.
    pub numeric: bool,
}

#[server(prefix = "/api", endpoint = "insight_taxonomy")]
pub async fn load_taxonomy(project_id: ProjectId) -> Result<Taxonomy, AppError> {
    use domain::definitions::PropertyType;
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let events = backend.meta.event_definitions(&scope).await?;
    let properties = backend.meta.property_definitions(&scope).await?;
    Ok(Taxonomy {
        events: events
            .into_iter()
            .map(|d| PickerItem {
                verified: d.annotations.verified.is_some(),
                name: d.name,
                description: d.annotations.description,
                kind: None,
                numeric: false,
            })
            .collect(),
        properties: properties
            .into_iter()
            .map(|d| PickerItem {
                verified: d.annotations.verified.is_some(),
                numeric: d.property_type == Some(PropertyType::Numeric),
                name: d.name,
                description: d.annotations.description,
                kind: Some(d.kind),
            })
            .collect(),
    })
}

/// A value a property often has, and how many times it was seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueSuggestion {
    pub value: String,
    pub count: u64,
}

/// The values a property most often has lately (of `event`'s events when
/// given), most frequent first: what the value picker suggests.
#[server(prefix = "/api", endpoint = "property_values")]
pub async fn property_values(
    project_id: ProjectId,
    scope: PropertyScope,
    key: String,
    #[server(default)] event: Option<String>,
) -> Result<Vec<ValueSuggestion>, AppError> {
    const SUGGESTED: usize = 20;
    let (backend, project) = crate::server::project_scope(project_id).await?;
    let values = backend
        .events
        .property_values(&project, scope, &key, event.as_deref(), None, SUGGESTED)
        .await?;
    Ok(values
        .into_iter()
        .map(|v| ValueSuggestion {
            value: v.value,
            count: v.count,
        })
        .collect())
}

/// Runs a query (JSON, as in permalinks) for the project.
#[server(prefix = "/api", endpoint = "run_insight")]
pub async fn run_insight(
    project_id: ProjectId,
    query: String,
    refresh: bool,
) -> Result<QueryOutcome, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let query = domain::insight::InsightQuery::from_json(&query)?;
    Ok(backend.insight_outcome(&scope, &query, refresh).await?)
}

/// A saved insight and its result, for its page. Opening it counts as a view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightPageData {
    pub insight: Insight,
    pub outcome: Result<QueryOutcome, AppError>,
    /// Why the viewer may not change it (a restricted dashboard), if so.
    pub edit_denied: Option<String>,
    /// The project's dashboards, to add the insight to.
    pub dashboards: Vec<(domain::dashboard::DashboardId, String)>,
}

#[server(prefix = "/api", endpoint = "insight_page")]
pub async fn load_insight_page(
    project_id: ProjectId,
    short_id: String,
) -> Result<InsightPageData, AppError> {
    let (backend, scope, insight) = open_insight(project_id, &short_id).await?;
    let outcome = backend
        .insight_outcome(&scope, &insight.query, false)
        .await
        .map_err(AppError::from);
    let edit_denied = backend.meta.insight_edit_denied(&scope, &insight).await?;
    let dashboards = backend
        .meta
        .dashboards(&scope)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    Ok(InsightPageData {
        insight,
        outcome,
        edit_denied,
        dashboards,
    })
}

/// A saved insight without its result, for the edit page, whose workbench
/// computes the result of the query in its link. Opening it counts as a view.
#[server(prefix = "/api", endpoint = "saved_insight")]
pub async fn load_saved_insight(
    project_id: ProjectId,
    short_id: String,
) -> Result<Insight, AppError> {
    let (_, _, insight) = open_insight(project_id, &short_id).await?;
    Ok(insight)
}

/// A saved insight its viewer opens: checked, loaded, and counted as a view.
#[cfg(feature = "ssr")]
async fn open_insight(
    project_id: ProjectId,
    short_id: &str,
) -> Result<(backend::Backend, backend::ProjectScope, Insight), AppError> {
    if !domain::insight::is_short_id(short_id) {
        return Err(AppError::NotFound);
    }
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let insight = backend.meta.insight(&scope, short_id).await?;
    backend.meta.record_insight_view(&scope, insight.id).await?;
    Ok((backend, scope, insight))
}

/// Saves a new insight (`short_id` None) or changes one, refusing to
/// overwrite an edit newer than `seen_modified_at`.
#[server(prefix = "/api", endpoint = "save_insight")]
pub async fn save_insight(
    project_id: ProjectId,
    short_id: Option<String>,
    name: String,
    description: String,
    tags: String,
    query: String,
    seen_modified_at: Option<DateTime<Utc>>,
) -> Result<Insight, AppError> {
    use domain::insight::InsightDraft;
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let meta = backend.meta;
    let query = domain::insight::InsightQuery::from_json(&query)?;
    let draft = InsightDraft::parse(&name, &description, &tags, query)?;
    Ok(match (short_id, seen_modified_at) {
        (Some(short_id), Some(seen)) => {
            meta.update_insight(&scope, &short_id, &draft, seen).await?
        }
        (None, _) => meta.create_insight(&scope, &draft).await?,
        (Some(_), None) => {
            return Err(AppError::Refused(
                "Reload the insight before saving it.".into(),
            ))
        }
    })
}

#[server(prefix = "/api", endpoint = "favorite_insight")]
pub async fn favorite_insight(
    project_id: ProjectId,
    short_id: String,
    favorite: bool,
) -> Result<(), AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend
        .meta
        .set_insight_favorite(&scope, &short_id, favorite)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightList {
    pub insights: Vec<Insight>,
    /// Who can be picked in the "created by" filter.
    pub members: Vec<Member>,
}

#[server(prefix = "/api", endpoint = "insights")]
pub async fn list_insights(
    project_id: ProjectId,
    list: InsightListQuery,
) -> Result<InsightList, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(InsightList {
        insights: backend.meta.insights(&scope, &list).await?,
        members: backend.meta.project_members(&scope).await?,
    })
}
