//! The top navigation: project switcher, the current project's pages, the
//! organization, theme and account.

use crate::auth::Logout;
use crate::components::theme::ThemeToggle;
use crate::navigation::NavData;
use domain::paths;
use domain::project::ProjectAccess;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn TopBar(nav: NavData, #[prop(optional)] current: Option<ProjectAccess>) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let organization_link = match &current {
        Some(access) => format!(
            "{}?organization={}",
            paths::ORGANIZATION_SETTINGS,
            access.organization.id
        ),
        None => paths::ORGANIZATION_SETTINGS.to_owned(),
    };
    let home = current
        .as_ref()
        .map_or_else(|| "/".to_owned(), |a| paths::project_home(a.project.id));
    let project_links = current.as_ref().map(|access| {
        let id = access.project.id;
        view! {
            <NavLink href=paths::project_home(id) label="Home" exact=true/>
            <NavLink href=paths::dashboards(id) label="Dashboards" exact=false/>
            <NavLink href=paths::insights(id) label="Insights" exact=false/>
            <NavLink href=paths::project_events(id) label="Events" exact=false/>
            <NavLink href=paths::project_persons(id) label="Persons" exact=false/>
            <NavLink href=paths::data_management_events(id) label="Data management" exact=false/>
            <NavLink href=paths::project_settings(id) label="Project settings" exact=false/>
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href=home>
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Huddle"
            </a>
            <ProjectSwitcher projects=nav.projects current=current.clone()/>
            <nav class="topnav" aria-label="Project">
                {project_links}
                <NavLink href=organization_link label="Organization" exact=false/>
            </nav>
            <div class="topbar-end">
                <ThemeToggle/>
                <span class="user-name" data-testid="user-name">{nav.user.name}</span>
                <ActionForm action=logout>
                    <button type="submit" class="btn btn-ghost">"Log out"</button>
                </ActionForm>
            </div>
        </header>
    }
}

#[component]
fn NavLink(href: String, label: &'static str, exact: bool) -> impl IntoView {
    let location = use_location();
    let target = href.split('?').next().unwrap_or_default().to_owned();
    let active = move || {
        let path = location.pathname.get();
        if exact {
            path == target
        } else {
            path.starts_with(&target)
        }
    };
    view! {
        <a href=href class="topnav-link" aria-current=move || active().then_some("page")>
            {label}
        </a>
    }
}

/// A menu of every project the person can use. Each entry is a plain link
/// into that project: the project lives in the URL, so "switching" is just
/// navigating, and other tabs are unaffected.
#[component]
fn ProjectSwitcher(
    projects: Vec<domain::project::ProjectSummary>,
    current: Option<ProjectAccess>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let current_id = current.as_ref().map(|a| a.project.id);
    let label = current.map_or_else(|| "Projects".to_owned(), |a| a.project.name);
    let entries = projects
        .into_iter()
        .map(|project| {
            let is_current = Some(project.id) == current_id;
            view! {
                <li>
                    <a
                        href=paths::project_home(project.id)
                        class="menu-item"
                        class:menu-item-current=is_current
                        data-testid="project-option"
                        on:click=move |_| open.set(false)
                    >
                        <span class="menu-item-title">{project.name}</span>
                        <span class="menu-item-caption">{project.organization_name}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="switcher">
            <button
                type="button"
                class="btn switcher-button"
                data-testid="project-switcher"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="switcher-label">{label}</span>
                <span aria-hidden="true">"▾"</span>
            </button>
            <div class="menu" class:menu-open=move || open.get() role="menu">
                <p class="menu-heading">"Projects"</p>
                <ul>{entries}</ul>
                <a href=paths::NEW_PROJECT class="menu-item menu-action" on:click=move |_| open.set(false)>
                    "+ New project"
                </a>
            </div>
        </div>
    }
}
