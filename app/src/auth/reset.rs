//! Forgotten passwords: asking for a reset mail, and choosing a new
//! password from its link.

use super::AuthCard;
use crate::components::form::{field_error, form_error, Field, FormAlert, Submit};
use crate::components::status::Loading;
use crate::error::AppError;
use domain::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Mails a reset link if the address has an account; answers the same
/// whether or not it does.
#[server(prefix = "/api", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<String, AppError> {
    use crate::server::{backend, client_ip};
    backend()?
        .request_password_reset(&email, client_ip().await?)
        .await?;
    Ok(email.trim().to_owned())
}

/// The address a reset link is for, while the link works.
#[server(prefix = "/api", endpoint = "reset_account")]
pub async fn reset_account(token: String) -> Result<String, AppError> {
    let user = crate::server::backend()?
        .password_reset_account(&token)
        .await?;
    Ok(user.email)
}

/// Sets the new password, logs this browser in under a fresh session, and
/// goes home. Other sessions of the account end with the old password.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::server::{backend, log_in};
    let password = domain::account::NewPassword::parse(&password)?;
    let user = backend()?.reset_password(&token, password).await?;
    let target = super::landing(user.id).await?;
    log_in(user).await?;
    leptos_axum::redirect(&target);
    Ok(())
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    view! {
        <Title text="Reset your password · Huddle"/>
        <AuthCard title="Reset your password">
            {move || match action.value().get() {
                Some(Ok(email)) => view! {
                    <div class="alert alert-success" role="status" data-testid="reset-sent">
                        <p>"If " <strong>{email}</strong> " has a Huddle account, a link to choose a new password is on its way. It works once, for an hour."</p>
                    </div>
                }.into_any(),
                _ => view! {
                    <p class="muted">"Enter the email you log in with. We will mail you a link to choose a new password."</p>
                    <ActionForm action=action attr:class="form">
                        <Field label="Email" error=field_error(action, "email")>
                            <input type="email" name="email" required autocomplete="email" autofocus/>
                        </Field>
                        <FormAlert error=form_error(action)/>
                        <Submit label="Mail me a link" pending=action.pending()/>
                    </ActionForm>
                }.into_any(),
            }}
            <p class="auth-switch"><a href=paths::LOGIN>"Back to log in"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let account = Resource::new(token, reset_account);
    let action = ServerAction::<ResetPassword>::new();
    view! {
        <Title text="Choose a new password · Huddle"/>
        <AuthCard title="Choose a new password">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match account.await {
                        Ok(email) => view! {
                            <p class="muted">"For " <strong>{email.clone()}</strong> ". Other browsers logged in to this account will be logged out."</p>
                            <ActionForm action=action attr:class="form">
                                <input type="hidden" name="token" value=token/>
                                // Lets password managers file the new password under the account.
                                <input type="hidden" autocomplete="username" value=email/>
                                <Field label="New password" hint="At least 8 characters." error=field_error(action, "password")>
                                    <input type="password" name="password" required minlength="8" maxlength="128" autocomplete="new-password" autofocus/>
                                </Field>
                                <FormAlert error=form_error(action)/>
                                <Submit label="Set password and log in" pending=action.pending()/>
                            </ActionForm>
                        }.into_any(),
                        Err(error) => view! {
                            <div class="alert alert-error" role="alert" data-testid="reset-refused">
                                <p>{error.to_string()}</p>
                            </div>
                            <p><a class="btn btn-primary" href=paths::FORGOT_PASSWORD>"Ask for a new link"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}
