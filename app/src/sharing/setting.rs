//! The organization's switch for public links, for its owners and admins.

use super::api::{public_sharing, set_public_sharing};
use crate::components::form::FormAlert;
use domain::OrganizationId;
use leptos::prelude::*;

#[component]
pub fn PublicSharingSetting(organization: OrganizationId) -> impl IntoView {
    let change = Action::new(move |allowed: &bool| set_public_sharing(organization, *allowed));
    let allowed = Resource::new(
        move || change.version().get(),
        move |_| public_sharing(organization),
    );
    let error = Signal::derive(move || match change.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    });
    view! {
        <section class="card">
            <h2>"Sharing"</h2>
            <FormAlert error/>
            <Transition>
                {move || Suspend::new(async move {
                    let allowed = allowed.await.unwrap_or(true);
                    view! {
                        <label class="checkbox">
                            <input type="checkbox" data-testid="public-sharing" checked=allowed
                                disabled=move || change.pending().get()
                                on:change=move |ev| { change.dispatch(event_target_checked(&ev)); }/>
                            " Allow public links and embeds of insights and dashboards"
                        </label>
                        <p class="muted small">"When off, every existing link shows “sharing is disabled” and no data, until it is turned on again."</p>
                    }
                })}
            </Transition>
        </section>
    }
}
