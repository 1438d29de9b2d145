//! Signing up, logging in and out.

mod reset;
#[cfg(feature = "ssr")]
pub mod session;

pub use reset::{ForgotPasswordPage, ResetPasswordPage};

use crate::components::form::{
    field_error, form_error, use_browser_time_zone, Field, FormAlert, Submit, TimeZoneSelect,
};
use crate::error::AppError;
use domain::paths;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// Where a person goes after logging in: the last project they visited, or
/// the page to create one when they have none.
#[cfg(feature = "ssr")]
pub async fn landing(user: domain::UserId) -> Result<String, AppError> {
    let project = crate::server::backend()?.meta.default_project(user).await?;
    Ok(project.map_or_else(|| paths::NEW_PROJECT.to_owned(), paths::project_home))
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::{backend, client_ip, log_in};
    let user = backend()?
        .log_in(&email, &password, client_ip().await?)
        .await?;
    let target = match paths::safe_next(next.as_deref()) {
        Some(next) => next,
        None => landing(user.id).await?,
    };
    log_in(user).await?;
    leptos_axum::redirect(&target);
    Ok(())
}

#[server(prefix = "/api", endpoint = "signup")]
pub async fn signup(
    name: String,
    email: String,
    password: String,
    organization_name: String,
    project_name: String,
    time_zone: String,
) -> Result<(), AppError> {
    use crate::server::{backend, client_ip, log_in};
    use domain::account::{Email, NewPassword, PersonName};
    use domain::organization::OrganizationName;
    use domain::project::{ProjectName, TimeZone};
    let form = backend::accounts::SignUp {
        name: PersonName::parse(&name)?,
        email: Email::parse(&email)?,
        password: NewPassword::parse(&password)?,
        organization: OrganizationName::parse(&organization_name)?,
        project: ProjectName::parse(&project_name)?,
        time_zone: TimeZone::parse(&time_zone)?,
    };
    let backend = backend()?;
    let (user, project) = backend.sign_up_from(client_ip().await?, form).await?;
    let scope = backend.meta.scope(user.id, project).await?;
    backend.add_starter_dashboard(&scope).await?;
    log_in(user).await?;
    leptos_axum::redirect(&paths::project_home(project));
    Ok(())
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::server::auth_session()
        .await?
        .logout()
        .await
        .map_err(|e| AppError::internal(&e))?;
    leptos_axum::redirect(paths::LOGIN);
    Ok(())
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text="Log in · Huddle"/>
        // What a link preview of a private page (which sends crawlers here)
        // shows: nothing of the page itself.
        <Meta property="og:title" content="Huddle — sign in to view"/>
        <Meta property="og:description" content="This page is private to its team on Huddle."/>
        <AuthCard title="Log in to Huddle">
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="next" value=next/>
                <Field label="Email">
                    <input type="email" name="email" required autocomplete="email" autofocus/>
                </Field>
                <Field label="Password">
                    <input type="password" name="password" required autocomplete="current-password"/>
                </Field>
                <p class="form-aside"><a href=paths::FORGOT_PASSWORD>"Forgot your password?"</a></p>
                <FormAlert error=form_error(action)/>
                <Submit label="Log in" pending=action.pending()/>
            </ActionForm>
            <p class="auth-switch">"New to Huddle? " <a href=paths::SIGNUP>"Create an account"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<Signup>::new();
    let time_zone = use_browser_time_zone();
    view! {
        <Title text="Sign up · Huddle"/>
        <AuthCard title="Create your Huddle account">
            <ActionForm action=action attr:class="form">
                <Field label="Your name" error=field_error(action, "name")>
                    <input type="text" name="name" required autocomplete="name" autofocus/>
                </Field>
                <Field label="Work email" error=field_error(action, "email")>
                    <input type="email" name="email" required autocomplete="email"/>
                </Field>
                <Field label="Password" hint="At least 8 characters." error=field_error(action, "password")>
                    <input type="password" name="password" required minlength="8" maxlength="128" autocomplete="new-password"/>
                </Field>
                <Field label="Organization" hint="Your company or team." error=field_error(action, "organization_name")>
                    <input type="text" name="organization_name" required/>
                </Field>
                <Field label="First project" error=field_error(action, "project_name")>
                    <input type="text" name="project_name" required value="Default project"/>
                </Field>
                <Field label="Time zone" hint="Days and weeks in charts follow it." error=field_error(action, "time_zone")>
                    <TimeZoneSelect selected=time_zone/>
                </Field>
                <FormAlert error=form_error(action)/>
                <Submit label="Create account" pending=action.pending()/>
            </ActionForm>
            <p class="auth-switch">"Already have an account? " <a href=paths::LOGIN>"Log in"</a></p>
        </AuthCard>
    }
}

/// The centred card that frames the account pages.
#[component]
pub fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="auth-page">
            <div class="auth-brand"><span class="brand-mark" aria-hidden="true">"◆"</span>" Huddle"</div>
            <section class="card auth-card">
                <h1>{title}</h1>
                {children()}
            </section>
        </main>
    }
}
