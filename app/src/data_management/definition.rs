//! One event's page: what people wrote about it, its volume over 30 days,
//! the properties sent with it, its latest events and the insights that use
//! it.

use super::editor::{DefinitionEditor, Target};
use super::Tabs;
use crate::components::status::{LoadError, Loading};
use crate::error::AppError;
use crate::events::{EventView, EventsTable};
use crate::insights::InsightResults;
use crate::projects::use_project_id;
use domain::definitions::{DefinitionId, EventDefinition};
use domain::insight::{Display, QueryOutcome};
use domain::organization::Member;
use domain::{paths, ProjectId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// How many of each list the page shows.
#[cfg(feature = "ssr")]
const PROPERTIES_SHOWN: usize = 50;
#[cfg(feature = "ssr")]
const EVENTS_SHOWN: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDefinitionPage {
    pub definition: EventDefinition,
    /// Who can be named owner.
    pub members: Vec<Member>,
    /// Daily counts over the last 30 days, computed like any trend.
    pub volume: Result<QueryOutcome, AppError>,
    /// Properties sent with its latest events, with how many carried each.
    pub properties: Vec<(String, u64)>,
    pub recent: Vec<EventView>,
    /// Saved insights reading it: short id and name.
    pub used_in: Vec<(String, String)>,
}

#[server(prefix = "/api", endpoint = "event_definition")]
pub async fn load_event_definition(
    project_id: ProjectId,
    definition_id: DefinitionId,
) -> Result<EventDefinitionPage, AppError> {
    use domain::insight::{EventsNode, InsightKind};
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let definition = backend.event_definition(&scope, definition_id).await?;
    let name = definition.name.clone();
    let mut daily = InsightKind::Trends.starter();
    if let Some(series) = daily.series_mut() {
        *series = vec![EventsNode::event(&name)];
    }
    daily.date_range_mut().date_from = Some("-30d".into());
    let volume = backend
        .insight_outcome(&scope, &daily, false)
        .await
        .map_err(AppError::from);
    let properties = backend
        .events
        .properties_seen_with(&scope, &name, PROPERTIES_SHOWN)
        .await?;
    let recent = backend
        .events
        .latest_events(
            &scope,
            &domain::explorer::EventsFilter::named(&name),
            None,
            EVENTS_SHOWN,
        )
        .await?
        .items
        .into_iter()
        .map(EventView::from)
        .collect();
    let used_in = backend
        .meta
        .insights_using(&scope, None, &name)
        .await?
        .into_iter()
        .map(|insight| (insight.short_id.clone(), insight.display_name().to_owned()))
        .collect();
    Ok(EventDefinitionPage {
        definition,
        members: backend.meta.project_members(&scope).await?,
        volume,
        properties,
        recent,
        used_in,
    })
}

/// `/project/:id/data-management/events/:definition_id`
#[component]
pub fn EventDefinitionPage() -> impl IntoView {
    let project_id = use_project_id();
    let params = use_params_map();
    let definition_id = Memo::new(move |_| {
        params
            .with(|p| p.get("definition_id"))
            .and_then(|id| id.parse::<DefinitionId>().ok())
            .unwrap_or_default()
    });
    let saved = RwSignal::new(0u32);
    let page = Resource::new(
        move || (project_id.get(), definition_id.get(), saved.get()),
        |(project, id, _)| load_event_definition(project, id),
    );
    view! {
        <main class="page">
            <Tabs project=project_id current="Events"/>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <DefinitionDetails data project=project_id.get_untracked() saved/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn DefinitionDetails(
    data: EventDefinitionPage,
    project: ProjectId,
    saved: RwSignal<u32>,
) -> impl IntoView {
    let EventDefinitionPage {
        definition,
        members,
        volume,
        properties,
        recent,
        used_in,
    } = data;
    let notes = &definition.annotations;
    let target = Target {
        project,
        kind: "event",
        id: definition.id,
        description: notes.description.clone(),
        tags: notes.tags.join(", "),
        owner_id: notes.owner_id,
        verified: notes.verified.is_some(),
    };
    let owner = notes.owner.clone().unwrap_or_else(|| "No owner".into());
    let verified = notes.verified.as_ref().map(|v| {
        view! { <span class="badge badge-verified" title=format!("Verified by {}", v.by)>"Verified"</span> }
    });
    let volume = match volume {
        Ok(outcome) => view! {
            <InsightResults outcome display=Display::ActionsLineGraph chart_id="definition-volume".to_owned()/>
        }
        .into_any(),
        Err(error) => view! { <p class="alert alert-error">{error.to_string()}</p> }.into_any(),
    };
    view! {
        <Title text=format!("{} · Data management · Huddle", definition.name)/>
        <section class="card" data-testid="definition-details">
            <div class="title-row">
                <h2 class="definition-name">{definition.name.clone()}</h2>
                {verified}
                <DefinitionEditor target members saved/>
            </div>
            <p>{if notes.description.is_empty() { "No description yet.".to_owned() } else { notes.description.clone() }}</p>
            <dl class="facts">
                <dt>"Owner"</dt><dd>{owner}</dd>
                <dt>"Tags"</dt>
                <dd>{notes.tags.iter().map(|t| view! { <span class="chip chip-small">{t.clone()}</span> }).collect_view()}</dd>
                <dt>"30-day volume"</dt><dd data-testid="definition-volume-total">{definition.volume_30_days.to_string()}</dd>
                <dt>"First seen"</dt><dd>{definition.first_seen_at.format("%b %-d, %Y").to_string()}</dd>
                <dt>"Last seen"</dt><dd>{definition.last_seen_at.format("%b %-d, %H:%M").to_string()}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>"Volume, last 30 days"</h2>
            {volume}
        </section>
        <div class="grid-2">
            <section class="card">
                <h2>"Properties sent with it"</h2>
                {if properties.is_empty() {
                    view! { <p class="muted">"None of its latest events carried properties."</p> }.into_any()
                } else {
                    view! {
                        <table class="table" data-testid="definition-properties">
                            <thead><tr><th>"Property"</th><th>"Seen on"</th></tr></thead>
                            <tbody>{properties.into_iter().map(|(name, seen)| view! {
                                <tr><td>{name}</td><td class="muted">{format!("{seen} events")}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }}
            </section>
            <section class="card">
                <h2>"Used in insights"</h2>
                {if used_in.is_empty() {
                    view! { <p class="muted">"No saved insight reads this event yet."</p> }.into_any()
                } else {
                    view! { <ul class="link-list" data-testid="definition-used-in">{used_in.into_iter().map(|(short_id, name)| view! {
                        <li><a href=paths::insight(project, &short_id)>{name}</a></li>
                    }).collect_view()}</ul> }.into_any()
                }}
            </section>
        </div>
        <section class="card">
            <h2>"Latest events"</h2>
            <EventsTable events=recent/>
        </section>
    }
}
