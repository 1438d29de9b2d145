//! Insight pages: the editor for new and saved insights, a saved insight's
//! page, and the saved insights list.

use super::api::{
    favorite_insight, list_insights, load_insight_page, load_saved_insight, load_taxonomy,
    run_insight, InsightList, InsightPageData, SaveInsight, Taxonomy,
};
use super::editor::QueryEditor;
use super::format::age;
use super::results::{Freshness, InsightResults};
use crate::components::form::FormAlert;
use crate::components::overrides::{use_url_filters, FilterOverrides};
use crate::components::status::{LoadError, Loading};
use crate::dashboards::{change_dashboard, DashboardChange};
use crate::error::AppError;
use crate::projects::use_project_id;
use crate::sharing::SharePanel;
use crate::subscriptions::SubscribePanel;
use domain::dashboard::{DashboardFilters, DashboardId};
use domain::insight::naming::{derived_name, event_label, property_label};
use domain::insight::{
    Display, Insight, InsightKind, InsightListQuery, InsightOrder, InsightQuery, InsightTab,
    QueryOutcome,
};
use domain::sharing::ShareTarget;
use domain::{paths, ProjectId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

/// The query in the URL (`?q=`), if there is one and it parses. Values out
/// of their limits are kept: the editor points at them.
fn url_query() -> Memo<Option<Result<InsightQuery, String>>> {
    let params = use_query_map();
    Memo::new(move |_| {
        params
            .with(|p| p.get("q"))
            .map(|text| InsightQuery::from_json_as_written(&text).map_err(|e| e.message))
    })
}

fn short_id_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("short_id")).unwrap_or_default())
}

/// `/project/:id/insights/new?q=…`
#[component]
pub fn NewInsightPage() -> impl IntoView {
    let project_id = use_project_id();
    let from_url = url_query();
    let query = Memo::new(move |_| match from_url.get() {
        Some(Ok(query)) => query,
        _ => InsightQuery::default(),
    });
    let refresh = RwSignal::new(false);
    let taxonomy = Resource::new(move || project_id.get(), load_taxonomy);
    let outcome = Resource::new(
        move || (project_id.get(), query.get().to_json(), refresh.get()),
        |(project, json, refresh)| run_insight(project, json, refresh),
    );
    // Opened from a dashboard's "New insight": saving puts it there.
    let params = use_query_map();
    let add_to = Memo::new(move |_| {
        params
            .with(|p| p.get(paths::DASHBOARD))
            .and_then(|d| d.parse::<DashboardId>().ok())
    });
    let path = move |q: &InsightQuery| match add_to.get_untracked() {
        Some(dashboard) => {
            paths::insight_new_on_dashboard(project_id.get_untracked(), dashboard, q)
        }
        None => paths::insight_new(project_id.get_untracked(), q),
    };
    view! {
        <Title text="New insight · Huddle"/>
        <main class="page insight-page">
            {move || matches!(from_url.get(), Some(Err(_))).then(|| view! {
                <div class="alert" role="alert">"This link's insight could not be read, so a new trend is shown instead."</div>
            })}
            <Workbench query refresh taxonomy outcome path saved=None add_to=add_to.get_untracked()/>
        </main>
    }
}

/// `/project/:id/insights/:short_id/edit?q=…`
#[component]
pub fn EditInsightPage() -> impl IntoView {
    let project_id = use_project_id();
    let short_id = short_id_param();
    let from_url = url_query();
    let refresh = RwSignal::new(false);
    let saved = Resource::new(
        move || (project_id.get(), short_id.get()),
        |(p, s)| load_saved_insight(p, s),
    );
    let taxonomy = Resource::new(move || project_id.get(), load_taxonomy);
    let query = Memo::new(move |_| match from_url.get() {
        Some(Ok(query)) => query,
        _ => InsightQuery::default(),
    });
    let outcome = Resource::new(
        move || {
            (
                project_id.get(),
                from_url.get().and_then(Result::ok).map(|q| q.to_json()),
                refresh.get(),
            )
        },
        |(project, json, refresh)| async move {
            match json {
                Some(json) => run_insight(project, json, refresh).await,
                // The page redirects to carry the saved query in the URL.
                None => Err(AppError::NotFound),
            }
        },
    );
    let path = move |q: &InsightQuery| {
        paths::insight_edit(project_id.get_untracked(), &short_id.get_untracked(), q)
    };
    view! {
        <Title text="Edit insight · Huddle"/>
        <main class="page insight-page">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match saved.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(insight) if from_url.get().is_none() => {
                            let to = paths::insight_edit(insight.project_id, &insight.short_id, &insight.query);
                            view! { <Redirect path=to/> }.into_any()
                        }
                        Ok(insight) => view! {
                            <Workbench query refresh taxonomy outcome path saved=Some(insight) add_to=None/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The editor, the result and saving, shared by new and saved insights.
#[component]
fn Workbench(
    query: Memo<InsightQuery>,
    refresh: RwSignal<bool>,
    taxonomy: Resource<Result<Taxonomy, AppError>>,
    outcome: Resource<Result<QueryOutcome, AppError>>,
    path: impl Fn(&InsightQuery) -> String + Copy + Send + Sync + 'static,
    saved: Option<Insight>,
    /// The dashboard a new insight goes onto once saved.
    add_to: Option<DashboardId>,
) -> impl IntoView {
    let project_id = use_project_id();
    let navigate = use_navigate();
    let on_change = Callback::new(move |next: InsightQuery| {
        refresh.set(false);
        navigate(
            &path(&next),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    });
    let save = ServerAction::<SaveInsight>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        let Some(Ok(insight)) = save.value().get() else {
            return;
        };
        let Some(dashboard) = add_to else {
            navigate(
                &paths::insight(insight.project_id, &insight.short_id),
                Default::default(),
            );
            return;
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let project = insight.project_id;
            let added = DashboardChange::AddInsight {
                short_id: insight.short_id.clone(),
            };
            // Saved either way; if the dashboard refuses, the insight's own
            // page says where it is.
            let to = match change_dashboard(project, dashboard, added).await {
                Ok(()) => paths::dashboard(project, dashboard),
                Err(_) => paths::insight(project, &insight.short_id),
            };
            navigate(&to, Default::default());
        });
    });
    let save_error = Signal::derive(move || match save.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    });
    let short_id = saved.as_ref().map(|s| s.short_id.clone());
    let seen = saved.as_ref().map(|s| s.last_modified_at);
    let name = saved
        .as_ref()
        .and_then(|s| s.name.clone())
        .unwrap_or_default();
    let typed_name = RwSignal::new(name.clone());
    let description = saved
        .as_ref()
        .map(|s| s.description.clone())
        .unwrap_or_default();
    let tags = saved
        .as_ref()
        .map(|s| s.tags.join(", "))
        .unwrap_or_default();
    let cancel = saved.as_ref().map(|s| {
        view! {
            <a class="btn btn-ghost" href=paths::insight(s.project_id, &s.short_id)>"Cancel"</a>
        }
    });
    let heading = if saved.is_some() {
        "Edit insight"
    } else {
        "New insight"
    };
    view! {
        <form class="insight-header" on:submit=move |ev| {
            ev.prevent_default();
            let form = event_target::<web_sys::HtmlFormElement>(&ev);
            let field = |name: &str| {
                form.elements()
                    .named_item(name)
                    .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(el).ok())
                    .map(|input| input.value())
                    .unwrap_or_default()
            };
            save.dispatch(SaveInsight {
                project_id: project_id.get_untracked(),
                short_id: short_id.clone(),
                name: field("name"),
                description: field("description"),
                tags: field("tags"),
                query: query.get_untracked().to_json(),
                seen_modified_at: seen,
            });
        }>
            <p class="eyebrow">{heading}</p>
            <input class="input insight-name-input" name="name" aria-label="Name" value=name
                placeholder=move || derived_name(&query.get()) data-testid="insight-name-input"
                on:input=move |ev| typed_name.set(event_target_value(&ev))/>
            // An empty name is allowed: say what the insight is called then.
            {move || typed_name.with(|n| n.trim().is_empty()).then(|| view! {
                <p class="muted small" data-testid="automatic-name-hint">
                    "No name: it is called “" {derived_name(&query.get())} "”, a name that follows the query as it changes."
                </p>
            })}
            <div class="inline-fields">
                <input class="input" name="description" aria-label="Description" placeholder="Description (optional)" value=description/>
                <input class="input" name="tags" aria-label="Tags" placeholder="Tags, separated by commas" value=tags/>
                {cancel}
                <button type="submit" class="btn btn-primary" data-testid="save-insight" disabled=move || save.pending().get()>"Save"</button>
            </div>
            <FormAlert error=save_error/>
        </form>
        // The editor beside the result on wide screens, so the chart is in
        // view while the query changes.
        <div class="workbench">
            <div class="workbench-editor">
                <Transition fallback=Loading>
                    {move || Suspend::new(async move {
                        match taxonomy.await {
                            Ok(taxonomy) => view! {
                                {move || view! { <QueryEditor query=query.get() taxonomy=taxonomy.clone() on_change/> }}
                            }.into_any(),
                            Err(error) => view! { <LoadError error/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <div class="workbench-result">
                <ResultCard outcome display=Signal::derive(move || query.get().display()) on_refresh=Callback::new(move |_| {
                    refresh.set(true);
                    outcome.refetch();
                })/>
            </div>
        </div>
    }
}

/// The result with its freshness, a refresh button and a loading state.
#[component]
fn ResultCard(
    outcome: Resource<Result<QueryOutcome, AppError>>,
    display: Signal<Display>,
    on_refresh: Callback<()>,
) -> impl IntoView {
    let (pending, set_pending) = signal(false);
    view! {
        <section class="card insight-result" aria-busy=move || pending.get().to_string()>
            <Transition fallback=|| view! { <p class="muted" data-testid="insight-loading">"Crunching the numbers…"</p> } set_pending>
                {move || Suspend::new(async move {
                    match outcome.await {
                        Ok(outcome) => view! {
                            <div class="result-toolbar">
                                <Freshness outcome=outcome.clone()/>
                                <button type="button" class="btn btn-ghost btn-small" data-testid="refresh" on:click=move |_| on_refresh.run(())>"Refresh"</button>
                                // Always rendered, so hydration finds the same nodes whatever the timing.
                                <span class="muted" data-testid="insight-loading" hidden=move || !pending.get()>"Loading…"</span>
                            </div>
                            <InsightResults outcome display=display.get() chart_id="insight-chart".to_owned()/>
                        }.into_any(),
                        Err(error) => view! {
                            <div class="empty-state" role="alert" data-testid="insight-error">
                                <h3>"There was an error completing this query"</h3>
                                <p>{error.to_string()}</p>
                                <button type="button" class="btn btn-secondary" on:click=move |_| on_refresh.run(())>"Try again"</button>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/project/:id/insights/:short_id`
#[component]
pub fn InsightPage() -> impl IntoView {
    let project_id = use_project_id();
    let short_id = short_id_param();
    let reload = RwSignal::new(0u32);
    let page = Resource::new(
        move || (project_id.get(), short_id.get(), reload.get()),
        |(p, s, _)| load_insight_page(p, s),
    );
    let filters = use_url_filters();
    view! {
        <main class="page insight-page">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <SavedInsight data reload filters/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// A saved insight as a viewer sees it; `filters` (from the URL) change its
/// date range or add a filter for this viewer without saving anything.
#[component]
fn SavedInsight(
    data: InsightPageData,
    reload: RwSignal<u32>,
    filters: Memo<DashboardFilters>,
) -> impl IntoView {
    let InsightPageData {
        insight,
        outcome,
        edit_denied,
        dashboards,
    } = data;
    let can_edit = edit_denied.is_none();
    let project = insight.project_id;
    let short_id = insight.short_id.clone();
    let display = insight.query.display();
    let title = format!("{} · Huddle", insight.display_name());
    let favorite = Action::new({
        let short_id = short_id.clone();
        move |on: &bool| favorite_insight(project, short_id.clone(), *on)
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = favorite.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let overridden = Action::new({
        let query = insight.query.clone();
        move |filters: &DashboardFilters| {
            run_insight(project, filters.apply_to(query.clone()).to_json(), false)
        }
    });
    Effect::new(move |_| {
        let filters = filters.get();
        if filters != DashboardFilters::default() {
            overridden.dispatch(filters);
        }
    });
    let refreshed = Action::new({
        let json = insight.query.to_json();
        move |_: &()| run_insight(project, json.clone(), true)
    });
    let renaming = RwSignal::new(false);
    let rename = ServerAction::<SaveInsight>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = rename.value().get() {
            renaming.set(false);
            reload.update(|n| *n += 1);
        }
    });
    let rename_error = Signal::derive(move || match rename.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    });
    let starred = insight.favorited;
    let name_view = match &insight.name {
        Some(name) => view! { <h1 data-testid="insight-name">{name.clone()}</h1> }.into_any(),
        None => view! { <h1 data-testid="insight-name"><em class="automatic-name">{insight.derived_name.clone()}</em></h1> }.into_any(),
    };
    let rename_form = {
        let insight = insight.clone();
        move || {
            renaming.get().then(|| {
            let insight = insight.clone();
            view! {
                <form class="inline-fields" on:submit=move |ev| {
                    ev.prevent_default();
                    let form = event_target::<web_sys::HtmlFormElement>(&ev);
                    let name = form.elements().named_item("name")
                        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(el).ok())
                        .map(|input| input.value())
                        .unwrap_or_default();
                    rename.dispatch(SaveInsight {
                        project_id: insight.project_id,
                        short_id: Some(insight.short_id.clone()),
                        name,
                        description: insight.description.clone(),
                        tags: insight.tags.join(", "),
                        query: insight.query.to_json(),
                        seen_modified_at: Some(insight.last_modified_at),
                    });
                }>
                    <input class="input" name="name" aria-label="New name" value=insight.name.clone().unwrap_or_default()
                        placeholder=insight.derived_name.clone() data-testid="rename-input"/>
                    <button type="submit" class="btn btn-primary btn-small" data-testid="rename-save">"Save name"</button>
                    <button type="button" class="btn btn-ghost btn-small" on:click=move |_| renaming.set(false)>"Cancel"</button>
                    <FormAlert error=rename_error/>
                </form>
            }
        })
        }
    };
    let uses = definitions_used(&insight);
    let share_open = RwSignal::new(false);
    let share = can_edit.then(|| view! {
        <SharePanel project target=ShareTarget::Insight(insight.id) title=insight.display_name().to_owned() open=share_open/>
    });
    let subscribe_open = RwSignal::new(false);
    let modified = format!(
        "Last modified by {} {}",
        insight
            .last_modified_by
            .clone()
            .unwrap_or_else(|| "someone".into()),
        age(insight.last_modified_at, chrono::Utc::now())
    );
    view! {
        <Title text=title/>
        <div class="page-header">
            <div>
                <p class="eyebrow"><a href=paths::insights(project)>"Insights"</a>" · "{insight.kind().label()}</p>
                <div class="title-row">
                    {name_view}
                    <button type="button" class="star" aria-pressed=starred.to_string()
                        aria-label=if starred { "Remove from favorites" } else { "Add to favorites" }
                        data-testid="favorite" on:click=move |_| { favorite.dispatch(!starred); }>
                        {if starred { "★" } else { "☆" }}
                    </button>
                </div>
                {(!insight.description.is_empty()).then(|| view! { <p class="muted">{insight.description.clone()}</p> })}
                <p class="muted small">{modified}
                    {insight.tags.iter().map(|t| view! { " " <span class="tag">{t.clone()}</span> }).collect_view()}
                </p>
                {rename_form}
            </div>
            <div class="page-actions">
                <AddToDashboard project short_id=short_id.clone() dashboards/>
                <span class="export-links muted small">"Export "
                    {["csv", "png", "svg"].map(|extension| view! {
                        <a class="btn btn-ghost btn-small" href=paths::insight_export(project, &short_id, extension) download rel="external"
                            data-testid=format!("export-{extension}")>{extension.to_uppercase()}</a>
                    })}
                </span>
                <button type="button" class="btn btn-secondary" data-testid="share" disabled=!can_edit
                    title=edit_denied.clone().unwrap_or_default() on:click=move |_| share_open.update(|o| *o = !*o)>"Share"</button>
                <button type="button" class="btn btn-secondary" data-testid="subscribe" on:click=move |_| subscribe_open.update(|o| *o = !*o)>"Subscribe"</button>
                <button type="button" class="btn btn-secondary" data-testid="rename" disabled=!can_edit on:click=move |_| renaming.set(true)>"Rename"</button>
                {if can_edit {
                    view! { <a class="btn btn-primary" href=paths::insight_edit(project, &short_id, &insight.query) data-testid="edit-insight">"Edit"</a> }.into_any()
                } else {
                    view! { <button type="button" class="btn btn-primary" disabled=true data-testid="edit-insight">"Edit"</button> }.into_any()
                }}
            </div>
        </div>
        {edit_denied.map(|reason| view! { <div class="alert alert-info" data-testid="read-only">{reason}</div> })}
        {share}
        <SubscribePanel project target=ShareTarget::Insight(insight.id) title=insight.display_name().to_owned() open=subscribe_open/>
        <FilterOverrides path=paths::insight(project, &short_id) current=filters.get_untracked()
            range_label="Date range" apply_label="Apply"/>
        <section class="card insight-result">
            {move || {
                let overriding = filters.get() != DashboardFilters::default();
                let outcome = match (overriding.then(|| overridden.value().get()).flatten(), refreshed.value().get()) {
                    (Some(overridden), _) => overridden,
                    (None, Some(fresh)) => fresh,
                    (None, None) => outcome.clone(),
                };
                let note = overriding.then(|| view! {
                    <p class="muted small" data-testid="override-note">"Shown with your date range and filter; the saved insight is unchanged."</p>
                });
                let shown = match outcome {
                    Ok(outcome) => view! {
                        <div class="result-toolbar">
                            <Freshness outcome=outcome.clone()/>
                            <button type="button" class="btn btn-ghost btn-small" data-testid="refresh"
                                disabled=move || refreshed.pending().get()
                                on:click=move |_| { refreshed.dispatch(()); }>
                                {move || if refreshed.pending().get() { "Refreshing…" } else { "Refresh" }}
                            </button>
                        </div>
                        <InsightResults outcome display chart_id="insight-chart".to_owned()/>
                    }.into_any(),
                    Err(error) => view! {
                        <div class="empty-state" role="alert" data-testid="insight-error">
                            <h3>"There was an error completing this query"</h3>
                            <p>{error.to_string()}</p>
                        </div>
                    }.into_any(),
                };
                view! { {note} {shown} }
            }}
        </section>
        <section class="card">
            <h3>"Data used"</h3>
            <ul class="chips" data-testid="definitions-used">{uses}</ul>
        </section>
    }
}

/// Puts the insight on one of the project's dashboards.
#[component]
fn AddToDashboard(
    project: ProjectId,
    short_id: String,
    dashboards: Vec<(DashboardId, String)>,
) -> impl IntoView {
    if dashboards.is_empty() {
        return view! { <a class="btn btn-ghost" href=paths::dashboards(project)>"Create a dashboard"</a> }.into_any();
    }
    let add = Action::new(move |dashboard: &DashboardId| {
        change_dashboard(
            project,
            *dashboard,
            DashboardChange::AddInsight {
                short_id: short_id.clone(),
            },
        )
    });
    let chosen = RwSignal::new(dashboards[0].0);
    let names = dashboards.clone();
    let outcome = move || match add.value().get() {
        Some(Ok(())) => {
            let id = chosen.get_untracked();
            let name = names
                .iter()
                .find(|(d, _)| *d == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            Some(view! { <a class="small" href=paths::dashboard(project, id) data-testid="added-to-dashboard">{format!("Added to {name}")}</a> }.into_any())
        }
        Some(Err(error)) => {
            Some(view! { <span class="field-error">{error.to_string()}</span> }.into_any())
        }
        None => None,
    };
    view! {
        <span class="inline-fields">
            <select class="input" aria-label="Dashboard" data-testid="dashboard-select"
                on:change=move |ev| { if let Ok(id) = event_target_value(&ev).parse() { chosen.set(id); } }>
                {dashboards.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
            <button type="button" class="btn btn-secondary" data-testid="add-to-dashboard"
                on:click=move |_| { add.dispatch(chosen.get_untracked()); }>"Add to dashboard"</button>
            {outcome}
        </span>
    }
    .into_any()
}

/// Links from an insight to the definitions it reads.
fn definitions_used(insight: &Insight) -> impl IntoView {
    let project = insight.project_id;
    let events = insight.query.events_used().into_iter().map(move |event| {
        let href = format!(
            "{}?search={}",
            paths::data_management_events(project),
            paths::encode_query_value(&event)
        );
        view! { <li><a class="chip" href=href>{event_label(Some(&event))}</a></li> }
    });
    let properties = insight
        .query
        .properties_used()
        .into_iter()
        .map(move |(_, key)| {
            let href = format!(
                "{}?search={}",
                paths::data_management_properties(project),
                paths::encode_query_value(&key)
            );
            view! { <li><a class="chip" href=href>{property_label(&key)}</a></li> }
        });
    events.chain(properties).collect_view()
}

/// `/project/:id/insights`
#[component]
pub fn InsightsListPage() -> impl IntoView {
    let project_id = use_project_id();
    let params = use_query_map();
    let list = Memo::new(move |_| {
        params.with(|p| InsightListQuery {
            tab: InsightTab::parse(&p.get("tab").unwrap_or_default()),
            search: p.get("search").unwrap_or_default(),
            kind: p.get("kind").and_then(|k| InsightKind::parse(&k)),
            created_by: p.get("created_by").and_then(|c| c.parse().ok()),
            tag: p.get("tag").filter(|t| !t.is_empty()),
            order: if p.get("order").as_deref() == Some("viewed") {
                InsightOrder::LastViewed
            } else {
                InsightOrder::LastModified
            },
        })
    });
    let reload = RwSignal::new(0u32);
    let insights = Resource::new(
        move || (project_id.get(), list.get(), reload.get()),
        |(project, list, _)| list_insights(project, list),
    );
    let navigate = use_navigate();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = event_target::<web_sys::HtmlFormElement>(&ev);
        let value = |name: &str| -> String {
            let element = form.elements().named_item(name);
            element
                .as_ref()
                .and_then(|el| {
                    wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlInputElement>(el)
                        .map(|i| i.value())
                })
                .or_else(|| {
                    element.as_ref().and_then(|el| {
                        wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlSelectElement>(el)
                            .map(|s| s.value())
                    })
                })
                .unwrap_or_default()
        };
        let query: Vec<String> = ["tab", "search", "kind", "created_by", "tag", "order"]
            .into_iter()
            .map(|name| (name, value(name)))
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", paths::encode_query_value(&v)))
            .collect();
        navigate(
            &format!(
                "{}?{}",
                paths::insights(project_id.get_untracked()),
                query.join("&")
            ),
            Default::default(),
        );
    };
    let tab_link = move |tab: InsightTab| {
        let current = list.with(|l| l.tab) == tab;
        view! {
            <a class="tab" href=move || format!("{}?tab={}", paths::insights(project_id.get()), tab.as_str())
                aria-current=current.then_some("page")>{tab.label()}</a>
        }
    };
    view! {
        <Title text="Insights · Huddle"/>
        <main class="page">
            <div class="page-header">
                <div>
                    <h1>"Insights"</h1>
                    <p class="muted">"Questions your team asked of its data, kept and shared."</p>
                </div>
                <a class="btn btn-primary" href=move || paths::insight_new(project_id.get(), &InsightQuery::default()) data-testid="new-insight">"New insight"</a>
            </div>
            <nav class="tabs">{move || InsightTab::ALL.into_iter().map(tab_link).collect_view()}</nav>
            <form class="filters inline-fields" on:submit=apply>
                <input type="hidden" name="tab" value=move || list.with(|l| l.tab.as_str())/>
                <input class="input" type="search" name="search" placeholder="Search for insights" aria-label="Search"
                    value=move || list.with(|l| l.search.clone()) data-testid="insight-search"/>
                <select class="input" name="kind" aria-label="Type">
                    <option value="">"All types"</option>
                    {move || InsightKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=list.with(|l| l.kind == Some(k))>{k.label()}</option>
                    }).collect_view()}
                </select>
                <input class="input" name="tag" placeholder="Tag" aria-label="Tag" value=move || list.with(|l| l.tag.clone().unwrap_or_default())/>
                <select class="input" name="order" aria-label="Sort">
                    <option value="modified">"Last modified"</option>
                    <option value="viewed" selected=move || list.with(|l| l.order == InsightOrder::LastViewed)>"Last viewed by you"</option>
                </select>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        insights.await.ok().map(|data: InsightList| view! {
                            <select class="input" name="created_by" aria-label="Created by">
                                <option value="">"Anyone"</option>
                                {data.members.into_iter().map(|m| view! {
                                    <option value=m.user_id.to_string() selected=list.with_untracked(|l| l.created_by == Some(m.user_id))>{m.name}</option>
                                }).collect_view()}
                            </select>
                        })
                    })}
                </Transition>
                <button type="submit" class="btn btn-secondary">"Apply"</button>
            </form>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match insights.await {
                        Ok(data) => view! { <InsightTable insights=data.insights reload/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn InsightTable(insights: Vec<Insight>, reload: RwSignal<u32>) -> impl IntoView {
    if insights.is_empty() {
        return view! {
            <div class="card empty-state" data-testid="insights-empty">
                <h3>"No insights here yet"</h3>
                <p class="muted">"Create one, or change the filters above."</p>
            </div>
        }
        .into_any();
    }
    let favorite = Action::new(|(project, short_id, on): &(ProjectId, String, bool)| {
        favorite_insight(*project, short_id.clone(), *on)
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = favorite.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let now = chrono::Utc::now();
    view! {
        <table class="table" data-testid="insights-table">
            <thead>
                <tr>
                    <th>"Name"</th>
                    <th>"Type"</th>
                    <th>"Tags"</th>
                    <th>"Created by"</th>
                    <th>"Last modified"</th>
                </tr>
            </thead>
            <tbody>
                {insights.into_iter().map(|i| {
                    let starred = i.favorited;
                    let key = (i.project_id, i.short_id.clone(), !starred);
                    let name = match &i.name {
                        Some(name) => view! { <span>{name.clone()}</span> }.into_any(),
                        None => view! { <em class="automatic-name">{i.derived_name.clone()}</em> }.into_any(),
                    };
                    view! {
                        <tr data-testid="insight-row">
                            <td>
                                <button type="button" class="star" aria-pressed=starred.to_string()
                                    aria-label=if starred { "Remove from favorites" } else { "Add to favorites" }
                                    on:click=move |_| { favorite.dispatch(key.clone()); }>
                                    {if starred { "★" } else { "☆" }}
                                </button>
                                " "
                                <a href=paths::insight(i.project_id, &i.short_id) data-testid="insight-link">{name}</a>
                                {(!i.description.is_empty()).then(|| view! { <div class="muted small">{i.description.clone()}</div> })}
                            </td>
                            <td>{i.kind().label()}</td>
                            <td>{i.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> " " }).collect_view()}</td>
                            <td>{i.created_by.clone().unwrap_or_default()}</td>
                            <td class="muted">{age(i.last_modified_at, now)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
