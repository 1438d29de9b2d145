//! Pages and cards for "nothing here", "not for you", loading and failure.

use crate::error::AppError;
use leptos::prelude::*;

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http_status(code));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[cfg(feature = "ssr")]
fn http_status(code: u16) -> http::StatusCode {
    http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_status(404);
    view! {
        <main class="centered-page">
            <div class="card empty-state">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address. Check the link, or start from your projects."</p>
                <a class="btn btn-primary" href="/" rel="external">"Go to my projects"</a>
            </div>
        </main>
    }
}

/// The page short links end on when their target is not for this person.
#[component]
pub fn NoAccessPage() -> impl IntoView {
    set_status(404);
    view! { <NoAccess/> }
}

/// Shown for anything the person cannot see. It names nothing, so it does not
/// reveal whether the thing exists.
#[component]
pub fn NoAccess() -> impl IntoView {
    view! {
        <main class="centered-page">
            <div class="card empty-state" data-testid="no-access">
                <h1>"You don't have access"</h1>
                <p>
                    "This belongs to a project you don't have access to, or it doesn't exist. "
                    "If you think you should see it, ask an admin of its organization to invite you."
                </p>
                <a class="btn btn-primary" href="/" rel="external">"Back to my projects"</a>
            </div>
        </main>
    }
}

/// Renders a failed load: the no-access page for [`AppError::NotFound`], a
/// message otherwise.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound => view! { <NoAccess/> }.into_any(),
        AppError::Unauthenticated => view! { <RedirectToLogin/> }.into_any(),
        other => view! {
            <main class="centered-page">
                <div class="card empty-state">
                    <h1>"Something went wrong"</h1>
                    <p role="alert">{other.to_string()}</p>
                </div>
            </main>
        }
        .into_any(),
    }
}

/// Sends a visitor whose session ended to the login page, back here afterwards.
#[component]
fn RedirectToLogin() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let here = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    );
    view! { <leptos_router::components::Redirect path=domain::paths::login_then(&here)/> }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <div class="loading" aria-busy="true">"Loading…"</div> }
}
