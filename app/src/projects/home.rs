use super::first_event::{InstallHelp, SendFirstEvent};
use super::{use_project_id, with_project};
use crate::components::status::Loading;
use crate::dashboards::{DashboardState, DashboardView, LoadedDashboard};
use crate::error::AppError;
use crate::organization::{project_members, MembersList};
use domain::home::HomeActivity;
use domain::{paths, ProjectId};
use leptos::prelude::*;
use leptos_meta::Title;

/// The home's lists, and its primary dashboard loaded in the same request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HomeData {
    pub activity: HomeActivity,
    pub primary: Option<DashboardView>,
    /// How to send events, while the project has none.
    pub install: Option<InstallHelp>,
}

#[server(prefix = "/api", endpoint = "home")]
pub async fn load_home(project_id: ProjectId) -> Result<HomeData, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let activity = backend.meta.home_activity(&scope).await?;
    let primary = match activity.primary_dashboard {
        Some(id) => {
            Some(crate::dashboards::dashboard_view(&backend, &scope, id, Default::default()).await?)
        }
        None => None,
    };
    let install = match backend.events.has_events(&scope).await? {
        true => None,
        false => Some(InstallHelp {
            api_key: scope.project().api_token.clone(),
            host: crate::server::absolute_url("")?,
        }),
    };
    Ok(HomeData {
        activity,
        primary,
        install,
    })
}

/// The primary dashboard and what the team has been looking at.
#[component]
fn HomeActivityView(data: HomeData, project: ProjectId, state: DashboardState) -> impl IntoView {
    let HomeData {
        activity,
        primary,
        install,
    } = data;
    let install = install.map(|help| view! { <SendFirstEvent project help/> });
    let no_primary = primary.is_none().then(|| view! {
        <section class="card">
            <h2>"No home dashboard yet"</h2>
            <p class="muted">"Open a dashboard and choose “Set as project home” to show it here for everyone."</p>
            <a class="btn btn-secondary" href=paths::dashboards(project)>"Dashboards"</a>
        </section>
    });
    let primary = primary.map(|view| {
        view! {
            <section class="home-dashboard" data-testid="home-dashboard">
                <LoadedDashboard view state/>
            </section>
        }
    });
    view! {
        {install}
        {primary}
        {no_primary}
        <div class="grid-3">
            <section class="card" data-testid="recently-viewed">
                <h2>"Recently viewed by you"</h2>
                {if activity.recent.is_empty() {
                    view! { <p class="muted">"Insights you open show up here."</p> }.into_any()
                } else {
                    view! { <ul class="link-list">{activity.recent.into_iter().map(|i| view! {
                        <li><a href=paths::insight(project, &i.short_id)>{i.display_name().to_owned()}</a></li>
                    }).collect_view()}</ul> }.into_any()
                }}
            </section>
            <section class="card" data-testid="popular">
                <h2>"Popular this week"</h2>
                {if activity.popular.is_empty() {
                    view! { <p class="muted">"What teammates open this week shows up here."</p> }.into_any()
                } else {
                    view! { <ul class="link-list">{activity.popular.into_iter().map(|p| view! {
                        <li><a href=p.link>{p.name}</a>" "<span class="muted small">{format!("{} viewers", p.viewers)}</span></li>
                    }).collect_view()}</ul> }.into_any()
                }}
            </section>
            <section class="card" data-testid="new-since">
                <h2>"New since your last visit"</h2>
                {if activity.new_since.is_empty() {
                    view! { <p class="muted">"Nothing new from teammates."</p> }.into_any()
                } else {
                    view! { <ul class="link-list">{activity.new_since.into_iter().map(|n| view! {
                        <li><a href=n.link>{n.name}</a>" "<span class="muted small">{n.by.map(|b| format!("by {b}")).unwrap_or_default()}</span></li>
                    }).collect_view()}</ul> }.into_any()
                }}
            </section>
        </div>
    }
}

/// The project's front page: what it is and who works in it.
#[component]
pub fn ProjectHome() -> impl IntoView {
    let project_id = use_project_id();
    let team = Resource::new(move || project_id.get(), project_members);
    let state = DashboardState::default();
    let activity = Resource::new(
        move || (project_id.get(), state.reload.get()),
        |(project, _)| load_home(project),
    );
    with_project(move |ctx| {
        let access = ctx.access;
        let organization = access.organization.id;
        let invite_link = access.role.manages_members().then(|| {
            format!(
                "{}?organization={organization}#invite",
                paths::ORGANIZATION_SETTINGS
            )
        });
        view! {
            <Title text=format!("{} · Huddle", access.project.name)/>
            <main class="page">
                <div class="page-header">
                    <div>
                        <p class="eyebrow">{access.organization.name.clone()}</p>
                        <h1 data-testid="project-title">{access.project.name.clone()}</h1>
                    </div>
                    {invite_link.map(|href| view! { <a class="btn btn-primary" href=href>"Invite teammates"</a> })}
                </div>
                <Transition fallback=Loading>
                    {move || Suspend::new(async move {
                        activity.await.map(|data| view! { <HomeActivityView data project=project_id.get_untracked() state/> })
                    })}
                </Transition>
                <div class="grid-2">
                    <section class="card">
                        <h2>"Your team"</h2>
                        <p class="muted">"Everyone in " {access.organization.name.clone()} " can use this project."</p>
                        <Transition fallback=crate::components::status::Loading>
                            {move || Suspend::new(async move {
                                team.await.map(|members| view! { <MembersList members/> })
                            })}
                        </Transition>
                    </section>
                    <section class="card">
                        <h2>"About this project"</h2>
                        <dl class="facts">
                            <dt>"Time zone"</dt>
                            <dd>{access.project.time_zone.as_str()}</dd>
                            <dt>"Created"</dt>
                            <dd>{access.project.created_at.format("%B %-d, %Y").to_string()}</dd>
                            <dt>"Your role"</dt>
                            <dd>{access.role.label()}</dd>
                        </dl>
                        <a class="btn" href=paths::project_settings(access.project.id)>"Project settings"</a>
                    </section>
                </div>
            </main>
        }
    })
}
