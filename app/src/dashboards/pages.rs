//! The dashboards list and a dashboard's page.

use super::api::{
    change_dashboard, create_dashboard, duplicate_dashboard, list_dashboards, load_dashboard,
    DashboardChange, DashboardView,
};
use super::grid::{TileGrid, TileSource};
use crate::components::combobox::{fetched_on_open, Choice, Combobox};
use crate::components::form::{input_value, FormAlert};
use crate::components::menu::Menu;
use crate::components::overrides::{use_url_filters, FilterOverrides};
use crate::components::status::{LoadError, Loading};
use crate::insights::api::list_insights;
use crate::projects::use_project_id;
use crate::sharing::SharePanel;
use crate::subscriptions::SubscribePanel;
use domain::insight::{InsightListQuery, InsightQuery};
use domain::permissions::Restriction;
use domain::sharing::ShareTarget;
use domain::{paths, ProjectId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

/// `/project/:id/dashboards`
#[component]
pub fn DashboardsPage() -> impl IntoView {
    let project_id = use_project_id();
    let dashboards = Resource::new(move || project_id.get(), list_dashboards);
    let search = RwSignal::new(String::new());
    let create = Action::new(|(project, name): &(ProjectId, String)| {
        create_dashboard(*project, name.clone(), String::new(), String::new())
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(
                &paths::dashboard(project_id.get_untracked(), id),
                Default::default(),
            );
        }
    });
    let error = Signal::derive(move || match create.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    });
    view! {
        <Title text="Dashboards · Huddle"/>
        <main class="page">
            <div class="page-header">
                <div>
                    <h1>"Dashboards"</h1>
                    <p class="muted">"Insights your team watches together."</p>
                </div>
                <form class="inline-fields" on:submit=move |ev| {
                    ev.prevent_default();
                    let form = event_target::<web_sys::HtmlFormElement>(&ev);
                    create.dispatch((project_id.get_untracked(), input_value(&form, "name")));
                }>
                    <input class="input" name="name" placeholder="New dashboard name" aria-label="New dashboard name" data-testid="new-dashboard-name"/>
                    <button type="submit" class="btn btn-primary" data-testid="new-dashboard">"New dashboard"</button>
                </form>
            </div>
            <FormAlert error/>
            <div class="toolbar">
                <input type="search" placeholder="Search dashboards" aria-label="Search dashboards"
                    on:input=move |ev| search.set(event_target_value(&ev))/>
            </div>
            <section class="card">
                <Transition fallback=Loading>
                    {move || Suspend::new(async move {
                        match dashboards.await {
                            Err(error) => view! { <LoadError error/> }.into_any(),
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted" data-testid="no-dashboards">"No dashboards yet. Name one above to start."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <table class="table" data-testid="dashboards-table">
                                    <thead><tr><th>"Name"</th><th>"Tags"</th><th>"Created by"</th><th>"Editing"</th></tr></thead>
                                    <tbody>
                                        {move || list.iter().filter(|d| {
                                            let s = search.get().to_lowercase();
                                            s.is_empty() || d.name.to_lowercase().contains(&s) || d.tags.iter().any(|t| t.contains(&s))
                                        }).map(|d| view! {
                                            <tr data-testid="dashboard-row">
                                                <td>
                                                    {d.pinned.then_some("📌 ")}
                                                    <a href=paths::dashboard(d.project_id, d.id)>{d.name.clone()}</a>
                                                    {d.is_primary.then(|| view! { " " <span class="tag">"Home"</span> })}
                                                    {(!d.description.is_empty()).then(|| view! { <div class="muted small">{d.description.clone()}</div> })}
                                                </td>
                                                <td>{d.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> " " }).collect_view()}</td>
                                                <td>{d.created_by.clone().unwrap_or_default()}</td>
                                                <td class="muted">{d.access.restriction.label()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </main>
    }
}

/// `/project/:id/dashboard/:dashboard_id`
#[component]
pub fn DashboardPage() -> impl IntoView {
    let project_id = use_project_id();
    let params = use_params_map();
    let dashboard_id = Memo::new(move |_| {
        params
            .with(|p| p.get("dashboard_id"))
            .and_then(|d| d.parse::<domain::DashboardId>().ok())
            .unwrap_or_default()
    });
    let filters = use_url_filters();
    let state = DashboardState::default();
    let data = Resource::new(
        move || {
            (
                project_id.get(),
                dashboard_id.get(),
                filters.get(),
                state.reload.get(),
            )
        },
        move |(p, d, f, _)| load_dashboard(p, d, f),
    );
    view! {
        <main class="page">
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <LoadedDashboard view state/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// What a dashboard keeps while it is loaded again after each change.
#[derive(Debug, Clone, Copy)]
pub struct DashboardState {
    /// Changing it makes whoever loaded the dashboard (its page, or the
    /// project home) load it again.
    pub reload: RwSignal<u32>,
    /// Whether the edit permissions are open.
    permissions_open: RwSignal<bool>,
    /// Whether the Share panel is open.
    share_open: RwSignal<bool>,
    /// Whether the Subscribe panel is open.
    subscribe_open: RwSignal<bool>,
}

impl Default for DashboardState {
    fn default() -> Self {
        Self {
            reload: RwSignal::new(0),
            permissions_open: RwSignal::new(false),
            share_open: RwSignal::new(false),
            subscribe_open: RwSignal::new(false),
        }
    }
}

/// A loaded dashboard with its controls.
#[component]
pub fn LoadedDashboard(view: DashboardView, state: DashboardState) -> impl IntoView {
    let reload = state.reload;
    let project = view.dashboard.project_id;
    let id = view.dashboard.id;
    let deleted = RwSignal::new(false);
    let change =
        Action::new(move |change: &DashboardChange| change_dashboard(project, id, change.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || match change.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    });
    view! {
        <FormAlert error/>
        {move || deleted.get().then(|| view! {
            <div class="alert alert-info" role="status" data-testid="deleted-notice">
                "Dashboard deleted. "
                <button type="button" class="btn btn-secondary btn-small" data-testid="undo-delete" on:click=move |_| {
                    deleted.set(false);
                    change.dispatch(DashboardChange::Restore);
                }>"Undo"</button>
            </div>
        })}
        <div class:hidden=move || deleted.get()>
            <DashboardBody view state change deleted/>
        </div>
    }
}

#[component]
fn DashboardBody(
    view: DashboardView,
    state: DashboardState,
    change: Action<DashboardChange, Result<(), crate::error::AppError>>,
    deleted: RwSignal<bool>,
) -> impl IntoView {
    let DashboardView {
        dashboard,
        rights,
        tiles,
        collaborators,
        members,
        filters,
    } = view;
    let project = dashboard.project_id;
    let id = dashboard.id;
    let can_edit = rights.can_edit();
    // Each tile recomputes itself when this changes.
    let refresh_all = RwSignal::new(0u32);
    let navigate = use_navigate();
    let duplicate = Action::new(move |copy: &bool| duplicate_dashboard(project, id, *copy));
    Effect::new(move |_| {
        if let Some(Ok(copy)) = duplicate.value().get() {
            navigate(&paths::dashboard(project, copy), Default::default());
        }
    });
    let read_only = rights.edit_denied.clone().map(|reason| view! {
        <div class="alert alert-info" data-testid="read-only">"You can view this dashboard but not edit it. " {reason}</div>
    });
    // Who may edit: one line under the name; managers open the controls
    // from it (or from the menu) instead of facing them on every visit.
    let show_permissions = state.permissions_open;
    let restriction = dashboard.access.restriction;
    let who_can_edit = if rights.can_manage {
        view! {
            <button type="button" class="link-button muted small" data-testid="who-can-edit"
                aria-expanded=move || show_permissions.get().to_string()
                on:click=move |_| show_permissions.update(|s| *s = !*s)>
                {restriction.label()} " · Change"
            </button>
        }
        .into_any()
    } else {
        view! { <p class="muted small">{restriction.label()}</p> }.into_any()
    };
    let manage = rights.can_manage.then(|| {
        let candidates: Vec<_> = members
            .iter()
            .filter(|m| !dashboard.access.collaborators.contains(&m.user_id) && dashboard.access.created_by != Some(m.user_id))
            .cloned()
            .collect();
        view! {
            <section class="card permissions" data-testid="permissions" hidden=move || !show_permissions.get()>
                <div class="inline-fields">
                    <label>"Who can edit"
                        <select class="input" data-testid="restriction" on:change=move |ev| {
                            if let Some(restriction) = Restriction::parse(&event_target_value(&ev)) {
                                change.dispatch(DashboardChange::Restrict { restriction });
                            }
                        }>
                            {[Restriction::EveryoneCanEdit, Restriction::OnlyInvitedCanEdit].into_iter().map(|r| view! {
                                <option value=r.as_str() selected={r == restriction}>{r.label()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    {(restriction == Restriction::OnlyInvitedCanEdit).then(|| view! {
                        <ul class="chips" data-testid="collaborators">
                            {collaborators.iter().map(|c| {
                                let user_id = c.user_id;
                                view! {
                                    <li class="chip">{c.name.clone()}
                                        <button type="button" class="btn btn-ghost btn-small" aria-label="Remove collaborator"
                                            on:click=move |_| { change.dispatch(DashboardChange::RemoveCollaborator { user_id }); }>"✕"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <form class="inline-fields" on:submit=move |ev| {
                            ev.prevent_default();
                            let form = event_target::<web_sys::HtmlFormElement>(&ev);
                            if let Ok(user_id) = input_value(&form, "user_id").parse() {
                                change.dispatch(DashboardChange::AddCollaborator { user_id });
                            }
                        }>
                            <select class="input" name="user_id" aria-label="Collaborator" data-testid="collaborator-select">
                                {candidates.into_iter().map(|m| view! { <option value=m.user_id.to_string()>{m.name}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="btn btn-secondary btn-small" data-testid="add-collaborator">"Add collaborator"</button>
                        </form>
                    })}
                </div>
            </section>
        }
    });
    let add_text = can_edit.then(|| view! {
        <form class="inline-fields add-text" on:submit=move |ev| {
            ev.prevent_default();
            let form = event_target::<web_sys::HtmlFormElement>(&ev);
            change.dispatch(DashboardChange::AddText { text: input_value(&form, "text") });
        }>
            <input class="input" name="text" placeholder="Add a text tile (Markdown)" aria-label="Text tile" data-testid="text-tile-input"/>
            <button type="submit" class="btn btn-secondary btn-small" data-testid="add-text-tile">"Add text"</button>
        </form>
    });
    let disabled_reason = rights.edit_denied.clone().unwrap_or_default();
    let share_open = state.share_open;
    let share = can_edit.then(|| view! {
        <SharePanel project target=ShareTarget::Dashboard(id) title=dashboard.name.clone() open=share_open/>
    });
    let subscribe_open = state.subscribe_open;
    let subscribe = view! {
        <SubscribePanel project target=ShareTarget::Dashboard(id) title=dashboard.name.clone() open=subscribe_open/>
    };
    let pinned = dashboard.pinned;
    let empty = tiles.is_empty();
    view! {
        <Title text=format!("{} · Huddle", dashboard.name)/>
        <div class="page-header">
            <div>
                <p class="eyebrow"><a href=paths::dashboards(project)>"Dashboards"</a></p>
                <h1 data-testid="dashboard-name">{dashboard.name.clone()}
                    {pinned.then(|| view! { " " <span class="tag" data-testid="pinned-badge">"Pinned"</span> })}
                    {dashboard.is_primary.then(|| view! { " " <span class="tag" data-testid="home-badge">"Home"</span> })}
                </h1>
                {(!dashboard.description.is_empty()).then(|| view! { <p class="muted">{dashboard.description.clone()}</p> })}
                {who_can_edit}
            </div>
            <div class="page-actions">
                {can_edit.then(|| view! { <AddInsight project dashboard=id change/> })}
                <Menu label="More actions" testid="dashboard-menu">
                    {rights.can_manage.then(|| view! {
                        <button type="button" role="menuitem" on:click=move |_| show_permissions.set(true)>"Who can edit…"</button>
                    })}
                    <button type="button" role="menuitem" disabled=!can_edit title=disabled_reason.clone()
                        data-testid="share" on:click=move |_| share_open.set(true)>"Share or embed…"</button>
                    <button type="button" role="menuitem" data-testid="subscribe" on:click=move |_| subscribe_open.set(true)>"Subscribe…"</button>
                    <button type="button" role="menuitem" disabled=!can_edit || dashboard.is_primary title=disabled_reason.clone()
                        data-testid="make-primary" on:click=move |_| { change.dispatch(DashboardChange::MakePrimary); }>"Set as project home"</button>
                    <button type="button" role="menuitem" disabled=!can_edit title=disabled_reason.clone()
                        data-testid="pin" on:click=move |_| { change.dispatch(DashboardChange::Pin { pinned: !pinned }); }>
                        {if pinned { "Unpin" } else { "Pin" }}</button>
                    <button type="button" role="menuitem" data-testid="duplicate" on:click=move |_| { duplicate.dispatch(false); }>"Duplicate"</button>
                    <button type="button" role="menuitem" on:click=move |_| { duplicate.dispatch(true); }>"Duplicate with insights"</button>
                    <button type="button" role="menuitem" class="danger" disabled=!can_edit title=disabled_reason data-testid="delete-dashboard"
                        on:click=move |_| {
                            leptos::task::spawn_local(async move {
                                if change_dashboard(project, id, DashboardChange::Delete).await.is_ok() {
                                    deleted.set(true);
                                }
                            });
                        }>"Delete"</button>
                </Menu>
            </div>
        </div>
        {read_only}
        {manage}
        {share}
        {subscribe}
        <FilterOverrides path=paths::dashboard(project, id) current=filters.clone()
            range_label="Date range for every tile" apply_label="Apply to all tiles">
            <button type="button" class="btn btn-ghost btn-small" data-testid="refresh-all"
                on:click=move |_| refresh_all.update(|n| *n += 1)>"Refresh all"</button>
        </FilterOverrides>
        {add_text}
        {empty.then(|| view! {
            <div class="card empty-state"><h3>"This dashboard is empty"</h3>
                <p class="muted">"Add a saved insight or create one with “Add insight”, or add a text tile above."</p></div>
        })}
        <TileGrid source=TileSource::Dashboard { project, dashboard: id } tiles filters editable=can_edit reload=state.reload refresh_all/>
    }
}

/// "Add insight": pick a saved insight of the project to put on the
/// dashboard, or create a new one that lands here once saved.
#[component]
fn AddInsight(
    project: ProjectId,
    dashboard: domain::DashboardId,
    change: Action<DashboardChange, Result<(), crate::error::AppError>>,
) -> impl IntoView {
    let (choices, on_open) = fetched_on_open(move || async move {
        let insights = list_insights(project, InsightListQuery::default()).await;
        insights
            .map(|list| list.insights)
            .unwrap_or_default()
            .into_iter()
            .map(|insight| Choice {
                description: insight.description.clone(),
                hint: Some(insight.kind().label().to_owned()),
                ..Choice::new(insight.short_id.clone(), insight.display_name())
            })
            .collect()
    });
    let pick = Callback::new(move |short_id: Option<String>| {
        if let Some(short_id) = short_id {
            change.dispatch(DashboardChange::AddInsight { short_id });
        }
    });
    let create = paths::insight_new_on_dashboard(project, dashboard, &InsightQuery::default());
    view! {
        <Combobox choices current=None label="Add insight" placeholder="Add insight"
            on_open on_pick=pick testid="add-insight"/>
        <a class="btn btn-primary" href=create data-testid="new-insight-here">"New insight"</a>
    }
}
