//! Persons: who the events came from, searchable by property, each with
//! their events.

use crate::components::pager::{page_summary, pager_links};
use crate::components::status::Loading;
use crate::error::AppError;
use crate::events::{EventView, EventsTable};
use crate::projects::use_project_id;
use chrono::{DateTime, Utc};
use domain::paging::{Page, AFTER};
use domain::{paths, ProjectId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonView {
    pub id: String,
    /// Email, name or the first distinct id: how people recognise them.
    pub label: String,
    pub distinct_ids: Vec<String>,
    pub properties: Vec<(String, String)>,
    pub is_identified: bool,
    pub created_at: DateTime<Utc>,
}

#[cfg(feature = "ssr")]
impl From<backend::events::PersonRow> for PersonView {
    fn from(row: backend::events::PersonRow) -> Self {
        let text = |key: &str| {
            row.properties
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let label = text("email")
            .or_else(|| text("name"))
            .or_else(|| row.distinct_ids.first().cloned())
            .unwrap_or_default();
        let mut properties: Vec<(String, String)> = row
            .properties
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string()),
                )
            })
            .collect();
        properties.sort();
        PersonView {
            id: row.id,
            label,
            distinct_ids: row.distinct_ids,
            properties,
            is_identified: row.is_identified,
            created_at: row.created_at,
        }
    }
}

/// A page of the persons list: the newest matching persons, or those after
/// the cursor `after` (as the URL carries it).
#[server(prefix = "/api", endpoint = "persons")]
pub async fn load_persons(
    project_id: ProjectId,
    #[server(default)] search: Option<String>,
    #[server(default)] after: Option<String>,
) -> Result<Page<PersonView>, AppError> {
    /// How many persons a page shows.
    const LIMIT: usize = 100;
    let after = domain::paging::Cursor::parse_optional(after.as_deref())?;
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend
        .events
        .persons(&scope, search, after, LIMIT)
        .await?
        .map(PersonView::from))
}

#[server(prefix = "/api", endpoint = "person")]
pub async fn load_person(
    project_id: ProjectId,
    person_id: String,
) -> Result<(PersonView, Vec<EventView>), AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let person = backend
        .events
        .person(&scope, &person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = backend
        .events
        .person_events(&scope, &person_id, 100)
        .await?;
    Ok((
        person.into(),
        events.into_iter().map(EventView::from).collect(),
    ))
}

#[component]
pub fn PersonsPage() -> impl IntoView {
    let project_id = use_project_id();
    let query = use_query_map();
    let search = move || query.read().get("search");
    let after = move || query.read().get(AFTER).filter(|a| !a.trim().is_empty());
    let persons = Resource::new(
        move || (project_id.get(), search(), after()),
        |(project, search, after)| load_persons(project, search, after),
    );
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = event_target::<web_sys::HtmlFormElement>(&ev);
        let value = form
            .elements()
            .named_item("search")
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(el).ok())
            .map(|input| input.value())
            .unwrap_or_default();
        // A new search starts again from the newest persons.
        let target = paths::project_persons_page(project_id.get_untracked(), &value, None);
        navigate(&target, Default::default());
    };
    view! {
        <Title text="Persons · Huddle"/>
        <main class="page">
            <div class="page-header"><div><p class="eyebrow">"Activity"</p><h1>"Persons"</h1></div></div>
            <form class="toolbar" on:submit=submit>
                <input type="search" name="search" placeholder="Search by distinct id or property value, e.g. an email"
                    aria-label="Search persons" value=move || search().unwrap_or_default()/>
                <button type="submit" class="btn">"Search"</button>
            </form>
            <section class="card">
                <Transition fallback=Loading>
                    {move || Suspend::new(async move {
                        let project = project_id.get();
                        let search = search().unwrap_or_default();
                        match persons.await {
                            Ok(page) if page.total == 0 => view! { <p class="muted">"No persons match."</p> }.into_any(),
                            Ok(page) => {
                                let summary = page_summary(&page, "person", "persons");
                                let links = pager_links(&page, move |after| {
                                    paths::project_persons_page(project, &search, after)
                                });
                                view! {
                                    {summary}
                                    <table class="table" data-testid="persons">
                                        <thead><tr><th>"Person"</th><th>"Distinct ids"</th><th>"Identified"</th><th>"First seen"</th></tr></thead>
                                        <tbody>
                                            {page.items.into_iter().map(|p| view! {
                                                <tr>
                                                    <td><a href=format!("/project/{project}/persons/{}", p.id)>{p.label}</a></td>
                                                    <td class="muted">{p.distinct_ids.len()}</td>
                                                    <td class="muted">{if p.is_identified { "Yes" } else { "Anonymous" }}</td>
                                                    <td class="muted">{p.created_at.format("%b %-d, %Y").to_string()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    {links}
                                }.into_any()
                            }
                            Err(error) => view! { <p class="alert alert-error">{error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </main>
    }
}

#[component]
pub fn PersonPage() -> impl IntoView {
    let project_id = use_project_id();
    let params = use_params_map();
    let person_id = move || params.read().get("person_id").unwrap_or_default();
    let data = Resource::new(
        move || (project_id.get(), person_id()),
        |(project, id)| load_person(project, id),
    );
    view! {
        <main class="page">
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((person, events)) => view! {
                            <Title text=format!("{} · Persons · Huddle", person.label)/>
                            <div class="page-header"><div><p class="eyebrow">"Person"</p><h1>{person.label.clone()}</h1></div></div>
                            <div class="grid-2">
                                <section class="card">
                                    <h2>"Properties"</h2>
                                    <dl class="facts" data-testid="person-properties">
                                        {person.properties.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                                    </dl>
                                </section>
                                <section class="card">
                                    <h2>"Distinct ids"</h2>
                                    <ul class="people">{person.distinct_ids.into_iter().map(|id| view! { <li class="person">{id}</li> }).collect_view()}</ul>
                                </section>
                            </div>
                            <section class="card"><h2>"Events"</h2><EventsTable events/></section>
                        }.into_any(),
                        Err(error) => view! { <p class="alert alert-error">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}
