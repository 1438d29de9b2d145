//! The events explorer: a project's events, newest first, a page at a time,
//! filtered by name and by one property.

use crate::components::pager::{page_summary, pager_links};
use crate::components::status::Loading;
use crate::error::AppError;
use crate::projects::use_project_id;
use chrono::{DateTime, Utc};
use domain::paging::{Cursor, Page, AFTER};
use domain::{paths, ProjectId};
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

impl EventFilter {
    /// The explorer's address with this filter, from the page after `after`.
    pub fn link(&self, project: ProjectId, after: Option<&Cursor>) -> String {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        paths::project_events_page(
            project,
            &text(&self.event),
            &text(&self.property),
            &text(&self.value),
            after,
        )
    }
}

/// A page of the explorer: the newest matching events, or those after the
/// cursor `after` (as the URL carries it).
#[server(prefix = "/api", endpoint = "latest_events")]
pub async fn latest_events(
    project_id: ProjectId,
    #[server(default)] filter: EventFilter,
    #[server(default)] after: Option<String>,
) -> Result<Page<EventView>, AppError> {
    /// How many events a page shows.
    const LIMIT: usize = 100;
    let after = Cursor::parse_optional(after.as_deref())?;
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let property = match (filter.property.filter(|p| !p.is_empty()), filter.value) {
        (Some(key), Some(value)) => Some((key, value)),
        _ => None,
    };
    let rows = backend
        .events
        .latest_events(
            &scope,
            filter.event.filter(|e| !e.is_empty()),
            property,
            after,
            LIMIT,
        )
        .await?;
    Ok(rows.map(EventView::from))
}

#[cfg(feature = "ssr")]
impl From<backend::events::EventRow> for EventView {
    fn from(row: backend::events::EventRow) -> Self {
        let text = |key: &str| {
            row.properties
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        EventView {
            url: text("$current_url"),
            browser: text("$browser"),
            properties: serde_json::to_string_pretty(&row.properties).unwrap_or_default(),
            uuid: row.uuid,
            event: row.event,
            distinct_id: row.distinct_id,
            timestamp: row.timestamp,
        }
    }
}

#[component]
pub fn EventsPage() -> impl IntoView {
    let project_id = use_project_id();
    let query = use_query_map();
    let filter = move || {
        query.with(|q| EventFilter {
            event: q.get("event"),
            property: q.get("property"),
            value: q.get("value"),
        })
    };
    let after = move || {
        query
            .with(|q| q.get(AFTER))
            .filter(|a| !a.trim().is_empty())
    };
    let refresh = RwSignal::new(0u32);
    let live = RwSignal::new(false);
    let arrived = RwSignal::new(Vec::<EventView>::new());
    // Sending on (or dropping) this ends the live stream.
    let stop = StoredValue::new(None::<futures::channel::oneshot::Sender<()>>);
    let toggle_live = move |_| {
        if live.get_untracked() {
            stop.set_value(None);
            live.set(false);
            return;
        }
        match listen(project_id.get_untracked(), arrived) {
            Ok(sender) => {
                stop.set_value(Some(sender));
                live.set(true);
            }
            Err(err) => leptos::logging::error!("live events unavailable: {err}"),
        }
    };
    let events = Resource::new(
        move || (project_id.get(), filter(), after(), refresh.get()),
        |(project, filter, after, _)| latest_events(project, filter, after),
    );
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
        // A new filter starts again from the newest events.
        let target = paths::project_events_page(
            project_id.get_untracked(),
            &field("event"),
            &field("property"),
            &field("value"),
            None,
        );
        navigate(&target, Default::default());
    };
    view! {
        <Title text="Events · Huddle"/>
        <main class="page">
            <div class="page-header">
                <div>
                    <p class="eyebrow">"Activity"</p>
                    <h1>"Events"</h1>
                </div>
                <div class="form-actions">
                    <button type="button" class="btn" class:btn-live=move || live.get() aria-pressed=move || live.get().to_string()
                        data-testid="live-toggle" on:click=toggle_live>
                        {move || if live.get() { "● Live" } else { "Live" }}
                    </button>
                    <button type="button" class="btn" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
                </div>
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
            {move || (!arrived.with(Vec::is_empty)).then(|| view! {
                <section class="card" data-testid="live-events">
                    <h2>"Just arrived"</h2>
                    <EventsTable events=arrived.get()/>
                </section>
            })}
            <section class="card">
                <Transition fallback=Loading>
                    {move || Suspend::new(async move {
                        let project = project_id.get();
                        let filter = filter();
                        match events.await {
                            Ok(page) if page.total == 0 => view! {
                                <div class="empty-state" data-testid="no-events">
                                    <h2>"No events yet"</h2>
                                    <p>"Send events with a PostHog SDK and this project's API key (see Project settings); they appear here within a second."</p>
                                </div>
                            }.into_any(),
                            Ok(page) => {
                                let summary = page_summary(&page, "event", "events");
                                let links = pager_links(&page, move |after| filter.link(project, after));
                                view! {
                                    {summary}
                                    <EventsTable events=page.items/>
                                    {links}
                                }.into_any()
                            }
                            Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </main>
    }
}

/// Opens the live stream of new events; each arrives at the top of
/// `arrived` until the returned sender is used or dropped.
pub(crate) fn listen(
    project: ProjectId,
    arrived: RwSignal<Vec<EventView>>,
) -> Result<futures::channel::oneshot::Sender<()>, String> {
    use futures::{future, StreamExt};
    let mut source = gloo_net::eventsource::futures::EventSource::new(&format!(
        "/api/projects/{project}/events/live"
    ))
    .map_err(|e| e.to_string())?;
    let mut messages = source.subscribe("message").map_err(|e| e.to_string())?;
    let (stop, mut stopped) = futures::channel::oneshot::channel::<()>();
    leptos::task::spawn_local(async move {
        loop {
            let message = match future::select(messages.next(), &mut stopped).await {
                future::Either::Left((Some(Ok((_, message))), _)) => message,
                _ => break,
            };
            let Some(data) = message.data().as_string() else {
                continue;
            };
            if let Ok(event) = serde_json::from_str::<EventView>(&data) {
                arrived.update(|events| {
                    events.insert(0, event);
                    events.truncate(500);
                });
            }
        }
        // Dropping the source closes the connection.
        source.close();
    });
    Ok(stop)
}

#[component]
pub fn EventsTable(events: Vec<EventView>) -> impl IntoView {
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
