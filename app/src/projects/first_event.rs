//! What a project without events shows: how to send the first one, and a
//! sign that turns green the moment it arrives.

use crate::events::{listen, EventView};
use domain::snippets::install_snippets;
use domain::ProjectId;
use leptos::prelude::*;

/// What a project needs to start receiving events.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InstallHelp {
    pub api_key: String,
    /// The address the SDKs send to.
    pub host: String,
}

#[component]
pub fn SendFirstEvent(project: ProjectId, help: InstallHelp) -> impl IntoView {
    let snippets = install_snippets(&help.api_key, &help.host);
    let shown = RwSignal::new(snippets[0].id);
    let arrived = RwSignal::new(Vec::<EventView>::new());
    // Effects run in the browser only, and this one reads no signal, so the
    // live stream opens once and closes when this stops showing.
    Effect::new(move |_| match listen(project, arrived) {
        Ok(stop) => on_cleanup(move || drop(stop)),
        Err(err) => leptos::logging::error!("cannot wait for events: {err}"),
    });
    let tabs = snippets
        .iter()
        .map(|snippet| {
            let id = snippet.id;
            view! {
                <button type="button" class="tab" aria-pressed=move || (shown.get() == id).to_string()
                    data-testid=format!("snippet-tab-{id}") on:click=move |_| shown.set(id)>{snippet.label}</button>
            }
        })
        .collect_view();
    let codes = snippets
        .into_iter()
        .map(|snippet| {
            let id = snippet.id;
            view! {
                <pre class="code" class:hidden=move || shown.get() != id data-testid=format!("snippet-{id}")>{snippet.code}</pre>
            }
        })
        .collect_view();
    let status = move || match arrived.get().last() {
        Some(first) => view! {
            <p class="first-event first-event-received" data-testid="first-event" role="status">
                {format!("First event received: {}. Your project is live.", first.event)}
            </p>
        }
        .into_any(),
        None => view! {
            <p class="first-event first-event-waiting" data-testid="first-event" role="status">
                "Waiting for your first event…"
            </p>
        }
        .into_any(),
    };
    view! {
        <section class="card" data-testid="send-first-event">
            <h2>"Send your first event"</h2>
            <p class="muted">"Huddle speaks the PostHog protocol: use any PostHog SDK, pointed at this Huddle with this project's API key."</p>
            <div class="tabs" role="group" aria-label="SDK">{tabs}</div>
            {codes}
            {status}
        </section>
    }
}
