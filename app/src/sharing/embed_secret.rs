//! A project's embedding secret in its settings, for owners and admins: made
//! or replaced with one click and shown that once.

use super::api::{embed_secret_status, rotate_embed_secret};
use crate::components::copy::CopyField;
use crate::components::form::FormAlert;
use domain::ProjectId;
use leptos::prelude::*;

#[component]
pub fn EmbedSecretSection(project: ProjectId) -> impl IntoView {
    let rotate = Action::new(move |_: &()| rotate_embed_secret(project));
    let exists = Resource::new(
        move || rotate.version().get(),
        move |_| embed_secret_status(project),
    );
    let error = Signal::derive(move || match rotate.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    });
    view! {
        <section class="card" data-testid="embed-secret">
            <h2>"Signed embeds"</h2>
            <p class="muted">
                "Sites that show this project's insights to their own customers sign a short-lived token "
                "with this secret, locking filters such as the customer's id. Keep it on your server; "
                "see the README for an example."
            </p>
            <FormAlert error/>
            {move || rotate.value().get().and_then(Result::ok).map(|secret| view! {
                <p class="alert alert-info">"Copy the secret now: it is not shown again."</p>
                <div data-testid="embed-secret-value"><CopyField value=secret label="Embedding secret"/></div>
            })}
            <Transition>
                {move || Suspend::new(async move {
                    let exists = exists.await.unwrap_or(false);
                    view! {
                        <button type="button" class="btn btn-secondary" data-testid="rotate-embed-secret"
                            disabled=move || rotate.pending().get()
                            on:click=move |_| { rotate.dispatch(()); }>
                            {if exists { "Replace the secret (tokens signed with the old one stop working)" } else { "Create an embedding secret" }}
                        </button>
                    }
                })}
            </Transition>
        </section>
    }
}
