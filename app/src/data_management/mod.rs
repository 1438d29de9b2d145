//! Data management: the events and properties a project sends, with the
//! descriptions, tags, owners and verification people add to them.

mod definition;
mod editor;

use crate::components::status::Loading;
use crate::error::AppError;
use crate::projects::use_project_id;
use chrono::{DateTime, Utc};
pub use definition::EventDefinitionPage;
use domain::definitions::{Annotations, EventDefinition, PropertyDefinition, PropertyKind};
use domain::insight::{definition_kind, PropertyScope};
use domain::organization::Member;
use domain::{paths, ProjectId};
use editor::{DefinitionEditor, Target};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definitions<T> {
    pub definitions: Vec<T>,
    /// Who can be named owner.
    pub members: Vec<Member>,
    /// The saved insights that read each definition.
    pub usage: Vec<InsightUse>,
}

/// A saved insight reading a definition named by [`DefinitionRow::usage_key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsightUse {
    pub key: String,
    pub short_id: String,
    pub name: String,
}

#[cfg(feature = "ssr")]
async fn usage(
    backend: &backend::Backend,
    scope: &backend::ProjectScope,
) -> Result<Vec<InsightUse>, AppError> {
    Ok(backend
        .meta
        .definition_usage(scope)
        .await?
        .into_iter()
        .map(|u| InsightUse {
            key: format!("{}:{}", u.kind, u.name),
            short_id: u.short_id,
            name: u.insight_name,
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "event_definitions")]
pub async fn load_event_definitions(
    project_id: ProjectId,
) -> Result<Definitions<EventDefinition>, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let definitions = backend.event_definitions(&scope).await?;
    Ok(Definitions {
        definitions,
        members: backend.meta.project_members(&scope).await?,
        usage: usage(&backend, &scope).await?,
    })
}

#[server(prefix = "/api", endpoint = "property_definitions")]
pub async fn load_property_definitions(
    project_id: ProjectId,
) -> Result<Definitions<PropertyDefinition>, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let definitions = backend.meta.property_definitions(&scope).await?;
    Ok(Definitions {
        definitions,
        members: backend.meta.project_members(&scope).await?,
        usage: usage(&backend, &scope).await?,
    })
}

/// The tabs above both pages.
#[component]
fn Tabs(project: Signal<ProjectId>, current: &'static str) -> impl IntoView {
    let tab = move |label: &'static str, href: fn(ProjectId) -> String| {
        view! { <a class="tab" href=move || href(project.get()) aria-current=(label == current).then_some("page")>{label}</a> }
    };
    view! {
        <div class="page-header">
            <div>
                <p class="eyebrow">"Data management"</p>
                <h1>{current}</h1>
                <p class="muted">"Describe, tag and verify what your team tracks, so everyone picks the right data."</p>
            </div>
        </div>
        <nav class="tabs">
            {tab("Events", domain::paths::data_management_events)}
            {tab("Properties", domain::paths::data_management_properties)}
        </nav>
    }
}

fn matches(search: &str, name: &str, annotations: &Annotations) -> bool {
    let search = search.trim().to_lowercase();
    search.is_empty()
        || name.to_lowercase().contains(&search)
        || annotations.description.to_lowercase().contains(&search)
        || annotations.tags.iter().any(|t| t.contains(&search))
}

/// What the two definition tables share; each kind adds its own columns.
trait DefinitionRow: Clone + Send + Sync + 'static {
    /// The headings of the kind's own columns.
    const COLUMNS: &'static [&'static str];
    const KIND: &'static str;
    fn name(&self) -> &str;
    fn annotations(&self) -> &Annotations;
    fn id(&self) -> domain::DefinitionId;
    fn last_seen(&self) -> DateTime<Utc>;
    fn volume(&self) -> u64 {
        0
    }
    fn columns(&self) -> AnyView;
    /// The key [`InsightUse::key`] names this definition by.
    fn usage_key(&self) -> String;
    /// The definition's own page, for kinds that have one.
    fn page(&self, _project: ProjectId) -> Option<String> {
        None
    }
}

impl DefinitionRow for EventDefinition {
    const COLUMNS: &'static [&'static str] = &["30-day volume", "Owner"];
    const KIND: &'static str = "event";
    fn name(&self) -> &str {
        &self.name
    }
    fn annotations(&self) -> &Annotations {
        &self.annotations
    }
    fn id(&self) -> domain::DefinitionId {
        self.id
    }
    fn last_seen(&self) -> DateTime<Utc> {
        self.last_seen_at
    }
    fn volume(&self) -> u64 {
        self.volume_30_days
    }
    fn usage_key(&self) -> String {
        format!("{}:{}", definition_kind(None), self.name)
    }
    fn columns(&self) -> AnyView {
        view! {
            <td class="numeric">{self.volume_30_days}</td>
            <td class="muted">{self.annotations.owner.clone().unwrap_or_default()}</td>
        }
        .into_any()
    }
    fn page(&self, project: ProjectId) -> Option<String> {
        Some(paths::event_definition(project, self.id))
    }
}

impl DefinitionRow for PropertyDefinition {
    const COLUMNS: &'static [&'static str] = &["Of", "Type"];
    const KIND: &'static str = "property";
    fn name(&self) -> &str {
        &self.name
    }
    fn annotations(&self) -> &Annotations {
        &self.annotations
    }
    fn id(&self) -> domain::DefinitionId {
        self.id
    }
    fn last_seen(&self) -> DateTime<Utc> {
        self.last_seen_at
    }
    fn usage_key(&self) -> String {
        let scope = match self.kind {
            PropertyKind::Event => PropertyScope::Event,
            PropertyKind::Person => PropertyScope::Person,
        };
        format!("{}:{}", definition_kind(Some(scope)), self.name)
    }
    fn columns(&self) -> AnyView {
        let kind = match self.kind {
            PropertyKind::Event => "Event",
            PropertyKind::Person => "Person",
        };
        view! {
            <td>{kind}</td>
            <td><span class="type-tag">{self.property_type.map(|t| t.as_str()).unwrap_or("—")}</span></td>
        }
        .into_any()
    }
}

#[component]
pub fn EventDefinitionsPage() -> impl IntoView {
    let project_id = use_project_id();
    let saved = RwSignal::new(0u32);
    let data = Resource::new(
        move || (project_id.get(), saved.get()),
        |(project, _)| load_event_definitions(project),
    );
    view! {
        <Title text="Events · Data management · Huddle"/>
        <DefinitionsPage project_id current="Events" saved data/>
    }
}

#[component]
pub fn PropertyDefinitionsPage() -> impl IntoView {
    let project_id = use_project_id();
    let saved = RwSignal::new(0u32);
    let data = Resource::new(
        move || (project_id.get(), saved.get()),
        |(project, _)| load_property_definitions(project),
    );
    view! {
        <Title text="Properties · Data management · Huddle"/>
        <DefinitionsPage project_id current="Properties" saved data/>
    }
}

#[component]
fn DefinitionsPage<T: DefinitionRow + Serialize + for<'de> Deserialize<'de>>(
    project_id: Signal<ProjectId>,
    current: &'static str,
    saved: RwSignal<u32>,
    data: Resource<Result<Definitions<T>, AppError>>,
) -> impl IntoView {
    // Links from an insight's "data used" arrive with `?search=`.
    let search = RwSignal::new(
        leptos_router::hooks::use_query_map()
            .with_untracked(|q| q.get("search"))
            .unwrap_or_default(),
    );
    let sort = RwSignal::new("verified".to_owned());
    view! {
        <main class="page">
            <Tabs project=project_id current/>
            <SearchBar search sort/>
            <section class="card">
                <Transition fallback=Loading>
                    {move || Suspend::new(async move {
                        let project = project_id.get();
                        let data = match data.await {
                            Ok(data) => data,
                            Err(error) => return view! { <p class="alert alert-error">{error.to_string()}</p> }.into_any(),
                        };
                        if data.definitions.is_empty() {
                            return view! { <p class="muted" data-testid="no-definitions">"Nothing yet. Definitions appear here as soon as your apps send events."</p> }.into_any();
                        }
                        let members = data.members;
                        let usage = data.usage;
                        let rows = move || {
                            let mut rows: Vec<T> = data
                                .definitions
                                .iter()
                                .filter(|d| search.with(|s| matches(s, d.name(), d.annotations())))
                                .cloned()
                                .collect();
                            match sort.get().as_str() {
                                "name" => rows.sort_by_key(|d| d.name().to_lowercase()),
                                "volume" => rows.sort_by_key(|d| std::cmp::Reverse(d.volume())),
                                "last_seen" => rows.sort_by_key(|d| std::cmp::Reverse(d.last_seen())),
                                _ => {}
                            }
                            let members = members.clone();
                            let usage = usage.clone();
                            rows.into_iter().map(move |d| {
                                let key = d.usage_key();
                                let used_in: Vec<InsightUse> = usage.iter().filter(|u| u.key == key).cloned().collect();
                                let target = Target {
                                    project,
                                    kind: T::KIND,
                                    id: d.id(),
                                    description: d.annotations().description.clone(),
                                    tags: d.annotations().tags.join(", "),
                                    owner_id: d.annotations().owner_id,
                                    verified: d.annotations().verified.is_some(),
                                };
                                view! {
                                    <tr data-testid="definition">
                                        <td>
                                            {match d.page(project) {
                                                Some(href) => view! { <a class="definition-name" href=href><strong>{d.name().to_owned()}</strong></a> }.into_any(),
                                                None => view! { <strong class="definition-name">{d.name().to_owned()}</strong> }.into_any(),
                                            }}
                                            {d.annotations().verified.as_ref().map(|v| view! { <span class="badge badge-verified" title=format!("Verified by {}", v.by)>"Verified"</span> })}
                                            <div class="muted small">{d.annotations().description.clone()}</div>
                                        </td>
                                        {d.columns()}
                                        <td class="muted">{d.last_seen().format("%b %-d, %H:%M").to_string()}</td>
                                        <td>{d.annotations().tags.iter().map(|t| view! { <span class="chip chip-small">{t.clone()}</span> }).collect_view()}</td>
                                        <td data-testid="used-in"><UsedIn project used_in/></td>
                                        <td class="cell-actions"><DefinitionEditor target members=members.clone() saved/></td>
                                    </tr>
                                }
                            }).collect_view()
                        };
                        view! {
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th>{if T::KIND == "event" { "Event" } else { "Property" }}</th>
                                        {T::COLUMNS.iter().map(|c| view! { <th>{*c}</th> }).collect_view()}
                                        <th>"Last seen"</th>
                                        <th>"Tags"</th>
                                        <th>"Used in"</th>
                                        <th></th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        }.into_any()
                    })}
                </Transition>
            </section>
        </main>
    }
}

/// Links to the first few insights that read a definition.
#[component]
fn UsedIn(project: ProjectId, used_in: Vec<InsightUse>) -> impl IntoView {
    const SHOWN: usize = 3;
    let more = used_in.len().saturating_sub(SHOWN);
    view! {
        {used_in.into_iter().take(SHOWN).map(|u| view! {
            <a class="chip chip-small" href=paths::insight(project, &u.short_id)>{u.name}</a>
        }).collect_view()}
        {(more > 0).then(|| view! { <span class="muted small">{format!("+{more} more")}</span> })}
    }
}

#[component]
fn SearchBar(search: RwSignal<String>, sort: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="toolbar">
            <input type="search" placeholder="Search names, descriptions and tags" aria-label="Search definitions"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            <select aria-label="Sort by" on:change=move |ev| sort.set(event_target_value(&ev))>
                <option value="verified">"Verified first"</option>
                <option value="name">"Name"</option>
                <option value="volume">"30-day volume"</option>
                <option value="last_seen">"Last seen"</option>
            </select>
        </div>
    }
}
