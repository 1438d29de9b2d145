//! The events explorer: a project's events, newest first, a page at a time,
//! filtered by name, time range and any number of property filters.

use crate::components::pager::{page_summary, pager_links};
use crate::components::status::Loading;
use crate::error::AppError;
use crate::insights::api::{load_taxonomy, Taxonomy};
use crate::insights::pickers::{EventPicker, FiltersEditor};
use crate::projects::use_project_id;
use chrono::{DateTime, Utc};
use domain::explorer::EventsFilter;
use domain::insight::PropertyFilter;
use domain::paging::{Page, AFTER};
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

/// A page of the explorer: the newest events matching `filter`, or those
/// after the cursor `after` (as the URL carries it).
#[server(prefix = "/api", endpoint = "latest_events", input = leptos::server_fn::codec::Json)]
pub async fn latest_events(
    project_id: ProjectId,
    #[server(default)] filter: EventsFilter,
    #[server(default)] after: Option<String>,
) -> Result<Page<EventView>, AppError> {
    /// How many events a page shows.
    const LIMIT: usize = 100;
    let after = domain::paging::Cursor::parse_optional(after.as_deref())?;
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let rows = backend
        .events
        .latest_events(&scope, &filter, after, LIMIT)
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

/// The time ranges the explorer offers; the first is the default.
const RANGES: [(&str, &str); 5] = [
    ("", "All time"),
    ("-1h", "Last hour"),
    ("-24h", "Last 24 hours"),
    ("-7d", "Last 7 days"),
    ("-30d", "Last 30 days"),
];

#[component]
pub fn EventsPage() -> impl IntoView {
    let project_id = use_project_id();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(|q| EventsFilter::from_query(|key| q.get(key))));
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
        move || (project_id.get(), filter.get(), after(), refresh.get()),
        |(project, filter, after, _)| async move {
            latest_events(project, filter.map_err(AppError::from)?, after).await
        },
    );
    let taxonomy = Resource::new(move || project_id.get(), load_taxonomy);
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
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    let taxonomy = taxonomy.await.unwrap_or_default();
                    view! { <ExplorerFilters current=filter.get().unwrap_or_default() taxonomy/> }
                })}
            </Transition>
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
                        let current = filter.get().unwrap_or_default();
                        let filtered = current != EventsFilter::default();
                        match events.await {
                            Ok(page) if page.total == 0 && !filtered => view! {
                                <div class="empty-state" data-testid="no-events">
                                    <h2>"No events yet"</h2>
                                    <p>"Send events with a PostHog SDK and this project's API key (see Project settings); they appear here within a second."</p>
                                </div>
                            }.into_any(),
                            Ok(page) => {
                                let summary = page_summary(&page, "event", "events");
                                let links = pager_links(&page, move |after| paths::project_events_page(project, &current, after));
                                view! {
                                    {summary}
                                    <EventsTable events=page.items/>
                                    {links}
                                }.into_any()
                            }
                            Err(error) => view! { <p class="alert alert-error" role="alert" data-testid="explorer-problem">{error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </main>
    }
}

/// The explorer's filters: an event, a time range and property filters
/// with the insights' operators. Each change is a new address (from the
/// newest events again), so filters survive reloads and links.
#[component]
fn ExplorerFilters(current: EventsFilter, taxonomy: Taxonomy) -> impl IntoView {
    let project_id = use_project_id();
    let navigate = use_navigate();
    let show = Callback::new(move |next: EventsFilter| {
        navigate(
            &paths::project_events_page(project_id.get_untracked(), &next, None),
            Default::default(),
        );
    });
    let change = |apply: fn(&mut EventsFilter, Option<String>)| {
        let current = current.clone();
        move |value: Option<String>| {
            let mut next = current.clone();
            apply(&mut next, value);
            show.run(next);
        }
    };
    let pick_event = Callback::new(change(|f, event| f.event = event));
    let set_range = {
        let change = change(|f, range| f.date_from = range);
        move |ev: web_sys::Event| change(Some(event_target_value(&ev)).filter(|r| !r.is_empty()))
    };
    let set_filters = Callback::new({
        let current = current.clone();
        move |properties: Vec<PropertyFilter>| {
            show.run(EventsFilter {
                properties,
                ..current.clone()
            })
        }
    });
    let from = current.date_from.clone().unwrap_or_default();
    view! {
        <section class="card explorer-filters" data-testid="explorer-filters">
            <div class="inline-fields">
                <EventPicker current=current.event.clone() events=taxonomy.events.clone() allow_all=true
                    on_pick=pick_event testid="explorer-event"/>
                <select class="input" aria-label="Time range" data-testid="explorer-range" on:change=set_range>
                    {RANGES.into_iter().map(|(value, label)| view! {
                        <option value=value selected=value == from>{label}</option>
                    }).collect_view()}
                    {(!RANGES.iter().any(|(value, _)| *value == from)).then(|| view! {
                        <option value=from.clone() selected=true>{from.clone()}</option>
                    })}
                </select>
            </div>
            <FiltersEditor filters=current.properties.clone() taxonomy event=current.event.clone()
                on_change=set_filters testid="explorer-filters-list"/>
        </section>
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
