//! The organization's switches (public links, outside recipients), for its
//! owners and admins.

use crate::components::form::FormAlert;
use crate::error::AppError;
use domain::organization::Policy;
use domain::OrganizationId;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "organization_policy", input = Json)]
pub async fn organization_policy(
    organization: OrganizationId,
    policy: Policy,
) -> Result<bool, AppError> {
    let user = crate::server::require_user().await?;
    Ok(crate::server::backend()?
        .meta
        .policy(user.id, organization, policy)
        .await?)
}

#[server(prefix = "/api", endpoint = "set_organization_policy", input = Json)]
pub async fn set_organization_policy(
    organization: OrganizationId,
    policy: Policy,
    on: bool,
) -> Result<(), AppError> {
    let user = crate::server::require_user().await?;
    Ok(crate::server::backend()?
        .meta
        .set_policy(user.id, organization, policy, on)
        .await?)
}

/// Every switch, each saved as it changes.
#[component]
pub fn PolicySettings(organization: OrganizationId) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Sharing and subscriptions"</h2>
            {Policy::ALL.into_iter().map(|policy| view! { <PolicySwitch organization policy/> }).collect_view()}
        </section>
    }
}

#[component]
fn PolicySwitch(organization: OrganizationId, policy: Policy) -> impl IntoView {
    let change = Action::new(move |on: &bool| set_organization_policy(organization, policy, *on));
    let on = Resource::new(
        move || change.version().get(),
        move |_| organization_policy(organization, policy),
    );
    let error = Signal::derive(move || match change.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    });
    view! {
        <div class="policy">
            <FormAlert error/>
            <Transition>
                {move || Suspend::new(async move {
                    let checked = on.await.unwrap_or(false);
                    view! {
                        <label class="checkbox">
                            <input type="checkbox" data-testid=format!("policy-{}", policy.as_str()) checked=checked
                                disabled=move || change.pending().get()
                                on:change=move |ev| { change.dispatch(event_target_checked(&ev)); }/>
                            " " {policy.label()}
                        </label>
                        <p class="muted small">{policy.help()}</p>
                    }
                })}
            </Transition>
        </div>
    }
}
