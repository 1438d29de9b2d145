//! The events explorer: a project's latest events, filtered by name and by
//! one property.

use crate::components::status::Loading;
use crate::error::AppError;
use crate::projects::with_project;
use chrono::{DateTime, Utc};
use domain::ProjectId;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub uuid: String,
    pub event: String,
    pub distinct_id: String,
    pub timestamp: DateTime<Utc>,
    /// The properties as pretty JSON, for the expanded row.
    pub properties: String,
    pub url: Option<String>,
    pub browser: Option<String>,
}

/// A filter on one property: `key = value`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    pub event: Option<String>,
    pub property: Option<String>,
    pub value: Option<String>,
}

#[server(prefix = "/api", endpoint = "latest_events")]
pub async fn latest_events(project_id: ProjectId, filter: EventFilter) -> Result<Vec<EventView>, AppError> {
    /// How many events the explorer shows.
    const LIMIT: usize = 100;
    let user = crate::server::require_user().await?;
    let backend = crate::server::backend()?;
    backend.meta.project_access(user.id, project_id).await?;
    let property = match (filter.property.filter(|p| !p.is_empty()), filter.value) {
        (Some(key), Some(value)) => Some((key, value)),
        _ => None,
    };
    let rows = backend
        .events
        .latest_events(project_id, filter.event.filter(|e| !e.is_empty()), property, LIMIT)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let text = |key: &str| row.properties.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            EventView {
                url: text("$current_url"),
                browser: text("$browser"),
                properties: serde_json::to_string_pretty(&row.properties).unwrap_or_default(),
                uuid: row.uuid,
                event: row.event,
                distinct_id: row.distinct_id,
                timestamp: row.timestamp,
            }
        })
        .collect())
}

#[component]
pub fn EventsPage() -> impl IntoView {
    with_project(|ctx| {
        let project = ctx.access.project.id;
        let query = use_query_map();
        let filter = move || {
            query.with(|q| EventFilter {
                event: q.get("event"),
                property: q.get("property"),
                value: q.get("value"),
            })
        };
        let refresh = RwSignal::new(0u32);
        let events = Resource::new(move || (filter(), refresh.get()), move |(filter, _)| latest_events(project, filter));
        let navigate = use_navigate();
        let apply = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let form = event_target::<web_sys::HtmlFormElement>(&ev);
            let field = |name: &str| {
                form.elements()
                    .named_item(name)
                    .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(el).ok())
                    .map(|input| input.value())
                    .unwrap_or_default()
            };
            let search: String = form_urlencoded_pairs(&[("event", field("event")), ("property", field("property")), ("value", field("value"))]);
            navigate(&format!("/project/{project}/events{search}"), Default::default());
        };
        view! {
            <Title text="Events · Huddle"/>
            <main class="page">
                <div class="page-header">
                    <div>
                        <p class="eyebrow">"Activity"</p>
                        <h1>"Events"</h1>
                    </div>
                    <button type="button" class="btn" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
                </div>
                <form class="form form-inline card" on:submit=apply>
                    <label class="field">
                        <span class="field-label">"Event"</span>
                        <input type="text" name="event" placeholder="Any event" value=move || filter().event.unwrap_or_default()/>
                    </label>
                    <label class="field">
                        <span class="field-label">"Property"</span>
                        <input type="text" name="property" placeholder="e.g. $browser" value=move || filter().property.unwrap_or_default()/>
                    </label>
                    <label class="field">
                        <span class="field-label">"equals"</span>
                        <input type="text" name="value" value=move || filter().value.unwrap_or_default()/>
                    </label>
                    <button type="submit" class="btn btn-primary">"Filter"</button>
                </form>
                <section class="card">
                    <Transition fallback=Loading>
                        {move || Suspend::new(async move {
                            match events.await {
                                Ok(events) if events.is_empty() => view! {
                                    <div class="empty-state" data-testid="no-events">
                                        <h2>"No events yet"</h2>
                                        <p>"Send events with a PostHog SDK and this project's API key (see Project settings); they appear here within a second."</p>
                                    </div>
                                }.into_any(),
                                Ok(events) => view! { <EventsTable events/> }.into_any(),
                                Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                </section>
            </main>
        }
    })
}

fn form_urlencoded_pairs(pairs: &[(&str, String)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(key, value)| format!("{key}={}", js_sys::encode_uri_component(value.trim())))
        .collect();
    if encoded.is_empty() { String::new() } else { format!("?{}", encoded.join("&")) }
}

#[component]
fn EventsTable(events: Vec<EventView>) -> impl IntoView {
    view! {
        <table class="table" data-testid="events">
            <thead><tr><th>"Event"</th><th>"Person"</th><th>"URL"</th><th>"Browser"</th><th>"Time"</th></tr></thead>
            <tbody>
                {events.into_iter().map(|event| {
                    let open = RwSignal::new(false);
                    view! {
                        <tr class="row-clickable" on:click=move |_| open.update(|o| *o = !*o)>
                            <td><strong>{event.event}</strong></td>
                            <td class="muted">{event.distinct_id}</td>
                            <td class="muted cell-truncate">{event.url.unwrap_or_default()}</td>
                            <td class="muted">{event.browser.unwrap_or_default()}</td>
                            <td class="muted">{event.timestamp.format("%Y-%m-%d %H:%M:%S UTC").to_string()}</td>
                        </tr>
                        <tr class:hidden=move || !open.get()>
                            <td colspan="5"><pre class="code">{event.properties}</pre></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
