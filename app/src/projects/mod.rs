//! Project pages: the layout every `/project/:project_id/...` page shares, the
//! project home, settings, and creating a project.

mod first_event;
mod home;
mod new;
mod settings;

pub use home::ProjectHome;
pub use new::NewProjectPage;
pub use settings::ProjectSettingsPage;
#[cfg(feature = "ssr")]
pub(crate) use settings::SetPrivacy;

use crate::components::nav::TopBar;
use crate::components::status::LoadError;
use crate::error::AppError;
use crate::navigation::NavData;
use domain::project::ProjectAccess;
use domain::ProjectId;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// Everything a project page needs to know about where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectContext {
    pub access: ProjectAccess,
    pub nav: NavData,
    /// The project the user was in before this one, when they just moved.
    pub moved_from: Option<String>,
}

/// The project of the current URL, loaded once by [`ProjectLayout`].
#[derive(Clone, Copy)]
pub struct CurrentProject(pub Resource<Result<ProjectContext, AppError>>);

pub fn use_current_project() -> CurrentProject {
    expect_context()
}

/// Loads the project named in the URL for the logged-in user, and remembers it
/// as where `/` takes them next time.
#[server(prefix = "/api", endpoint = "project_context")]
pub async fn load_project_context(project_id: ProjectId) -> Result<ProjectContext, AppError> {
    use crate::server::{backend, require_user};
    let user = require_user().await?;
    let backend = backend()?;
    let scope = backend.meta.scope(user.id, project_id).await?;
    let previous = backend.meta.remember_last_project(&scope).await?;
    let moved_from = match previous {
        Some(previous) => backend
            .meta
            .scope(user.id, previous)
            .await
            .ok()
            .map(|earlier| earlier.project().name.clone()),
        None => None,
    };
    let nav = crate::navigation::load(user).await?;
    Ok(ProjectContext {
        access: scope.access().clone(),
        nav,
        moved_from,
    })
}

#[component]
pub fn ProjectLayout() -> impl IntoView {
    let params = use_params_map();
    let project_id = move || {
        params
            .read()
            .get("project_id")
            .and_then(|id| id.parse::<ProjectId>().ok())
    };
    let context = Resource::new(project_id, |id| async move {
        match id {
            Some(id) => load_project_context(id).await,
            None => Err(AppError::NotFound),
        }
    });
    provide_context(CurrentProject(context));
    view! {
        <Transition fallback=|| view! { <header class="topbar"></header> }>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(ctx) => {
                        let notice = ctx.moved_from.clone().map(|from| view! {
                            <div class="moved-notice" role="status" data-testid="moved-notice">
                                {format!("You're now in {}. You were last in {from}.", ctx.access.project.name)}
                            </div>
                        });
                        view! { <TopBar nav=ctx.nav current=ctx.access/> {notice} }.into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
        <Outlet/>
    }
}

/// The project id of the current URL (0 when it is not a number, which no
/// project has). Pages key their resources on it at the top level, so that
/// the server's data is reused when the page hydrates.
pub fn use_project_id() -> Signal<ProjectId> {
    let params = use_params_map();
    Signal::derive(move || {
        params
            .read()
            .get("project_id")
            .and_then(|id| id.parse().ok())
            .unwrap_or_default()
    })
}

/// Renders `page` with the current project once it is loaded; renders nothing
/// when it failed, since [`ProjectLayout`] already explains why. Create no
/// resources inside `page`: a resource created after an await is fetched
/// again by the browser instead of reusing the server's data, and if the data
/// changed in between, hydration fails. Key them on [`use_project_id`] at the
/// top of the component instead.
pub fn with_project<V: IntoView + 'static>(
    page: impl Fn(ProjectContext) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let CurrentProject(context) = use_current_project();
    view! {
        <Transition fallback=crate::components::status::Loading>
            {move || {
                let page = page.clone();
                Suspend::new(async move { context.await.ok().map(page) })
            }}
        </Transition>
    }
}
