//! `/unsubscribe?subscription=…&email=…&token=…`: the link in a
//! subscription mail. Opening it changes nothing (mail scanners follow
//! links); the button does.

use super::api::Unsubscribe;
use crate::auth::AuthCard;
use crate::components::form::{form_error, FormAlert, Submit};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &'static str| move || query.read().get(name).unwrap_or_default();
    let email = field("email");
    let action = ServerAction::<Unsubscribe>::new();
    view! {
        <Title text="Unsubscribe · Huddle"/>
        <AuthCard title="Unsubscribe">
            {move || match action.value().get() {
                Some(Ok(())) => view! {
                    <div class="alert alert-success" role="status" data-testid="unsubscribed">
                        <p><strong>{email()}</strong> " will not get this subscription any more."</p>
                    </div>
                }.into_any(),
                _ => view! {
                    <p class="muted">"Stop mailing this subscription to " <strong>{email()}</strong> "? Others who get it keep getting it."</p>
                    <ActionForm action=action attr:class="form">
                        <input type="hidden" name="subscription" value=field("subscription")/>
                        <input type="hidden" name="email" value=email/>
                        <input type="hidden" name="token" value=field("token")/>
                        <FormAlert error=form_error(action)/>
                        <Submit label="Unsubscribe" pending=action.pending()/>
                    </ActionForm>
                }.into_any(),
            }}
        </AuthCard>
    }
}
