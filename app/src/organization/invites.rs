//! `/invite/:token`: who invited you where, and joining.

use crate::auth::AuthCard;
use crate::components::form::{field_error, form_error, Field, FormAlert, Submit};
use crate::components::status::{set_status, Loading};
use crate::error::AppError;
use domain::account::User;
use domain::invite::InviteDetails;
use domain::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteView {
    pub details: InviteDetails,
    /// The visitor, when already logged in.
    pub user: Option<User>,
}

#[server(prefix = "/api", endpoint = "invite")]
pub async fn invite(token: String) -> Result<InviteView, AppError> {
    let details = crate::server::backend()?
        .meta
        .invite_details(&token)
        .await?;
    Ok(InviteView {
        details,
        user: crate::server::current_user().await?,
    })
}

/// Creates the invited person's account, logs them in and takes them to the
/// organization's first project.
#[server(prefix = "/api", endpoint = "accept_invite_new")]
pub async fn accept_invite_new(
    token: String,
    name: String,
    password: String,
) -> Result<(), AppError> {
    use domain::account::{NewPassword, PersonName};
    let name = PersonName::parse(&name)?;
    let password = NewPassword::parse(&password)?;
    let (user, project) = crate::server::backend()?
        .accept_invite_with_new_account(&token, name, password)
        .await?;
    crate::server::log_in(user).await?;
    leptos_axum::redirect(&paths::project_home(project));
    Ok(())
}

/// Adds the logged-in user to the inviting organization (a privilege gained,
/// so the session gets a new id).
#[server(prefix = "/api", endpoint = "accept_invite")]
pub async fn accept_invite(token: String) -> Result<(), AppError> {
    let user = crate::server::require_user().await?;
    let project = crate::server::backend()?
        .meta
        .accept_invite_as(&token, &user)
        .await?;
    crate::server::cycle_session().await?;
    leptos_axum::redirect(&paths::project_home(project));
    Ok(())
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let view_data = Resource::new(token, invite);
    view! {
        <Title text="Join · Huddle"/>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(data) => view! { <Invitation data token=token()/> }.into_any(),
                    Err(AppError::NotFound) => {
                        set_status(404);
                        view! {
                            <AuthCard title="Invite not found">
                                <p>"This invite link is not valid. Check that you copied all of it, or ask for a new one."</p>
                            </AuthCard>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <AuthCard title="Something went wrong"><p role="alert">{error.to_string()}</p></AuthCard> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Invitation(data: InviteView, token: String) -> impl IntoView {
    let details = data.details;
    let title = format!("Join {} on Huddle", details.organization_name);
    let intro = match &details.invited_by {
        Some(inviter) => format!(
            "{inviter} invited you to join {} as {}.",
            details.organization_name,
            details.role.label().to_lowercase()
        ),
        None => format!(
            "You are invited to join {} as {}.",
            details.organization_name,
            details.role.label().to_lowercase()
        ),
    };
    let body = if let Some(refusal) = details.status.refusal() {
        view! { <p class="alert alert-error" role="alert">{refusal}</p> }.into_any()
    } else if let Some(user) = data.user {
        view! { <JoinAsUser user token/> }.into_any()
    } else {
        view! { <JoinWithNewAccount email=details.email token/> }.into_any()
    };
    view! {
        <AuthCard title="You're invited">
            <h2 class="invite-title">{title}</h2>
            <p data-testid="invite-intro">{intro}</p>
            {body}
        </AuthCard>
    }
}

#[component]
fn JoinWithNewAccount(email: String, token: String) -> impl IntoView {
    let action = ServerAction::<AcceptInviteNew>::new();
    let login = paths::login_then(&paths::invite(&token));
    view! {
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="token" value=token/>
            <Field label="Email">
                <input type="email" value=email readonly/>
            </Field>
            <Field label="Your name" error=field_error(action, "name")>
                <input type="text" name="name" required autocomplete="name" autofocus/>
            </Field>
            <Field label="Choose a password" hint="At least 8 characters." error=field_error(action, "password")>
                <input type="password" name="password" required minlength="8" maxlength="128" autocomplete="new-password"/>
            </Field>
            <FormAlert error=form_error(action)/>
            <Submit label="Join" pending=action.pending()/>
        </ActionForm>
        <p class="auth-switch">"Already have an account? " <a href=login>"Log in to accept"</a></p>
    }
}

#[component]
fn JoinAsUser(user: User, token: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvite>::new();
    view! {
        <p>"You are logged in as " <strong>{user.email}</strong> "."</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="token" value=token/>
            <FormAlert error=form_error(action)/>
            <Submit label="Join" pending=action.pending()/>
        </ActionForm>
    }
}
