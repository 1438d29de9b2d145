//! The pickers queries are built with: events, properties (event or
//! person), property filters, and filter values suggested from the data.
//! The insight editor and the events explorer share them.

use super::api::{property_values, PickerItem, Taxonomy};
use crate::components::combobox::{fetched_on_open, Choice, Combobox};
use crate::projects::use_project_id;
use domain::definitions::PropertyKind;
use domain::insight::naming::{event_label, property_label};
use domain::insight::{FilterValue, Operator, PropertyFilter, PropertyScope, Scalar};
use leptos::prelude::*;

fn choice(item: &PickerItem, value: String, label: String, group: &'static str) -> Choice {
    Choice {
        description: item.description.clone(),
        verified: item.verified,
        group,
        ..Choice::new(value, label)
    }
}

/// Picks an event; `allow_all` offers "All events" (reported as `None`).
#[component]
pub fn EventPicker(
    current: Option<String>,
    events: Vec<PickerItem>,
    allow_all: bool,
    on_pick: Callback<Option<String>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let description = current
        .as_ref()
        .and_then(|c| events.iter().find(|e| &e.name == c))
        .map(|e| e.description.clone())
        .filter(|d| !d.is_empty());
    let choices: Vec<Choice> = events
        .iter()
        .map(|e| choice(e, e.name.clone(), event_label(Some(&e.name)), ""))
        .collect();
    view! {
        <span class="picker">
            <Combobox choices=Signal::stored(choices) current label="Event" placeholder="Pick an event"
                none=allow_all.then_some("All events") recent="events"
                on_pick testid/>
            {description.map(|d| view! { <span class="muted picker-description">{d}</span> })}
        </span>
    }
}

/// A property as a picker value: its scope and key.
fn encode(scope: PropertyScope, key: &str) -> String {
    let scope = match scope {
        PropertyScope::Person => "person",
        PropertyScope::Event => "event",
    };
    format!("{scope}:{key}")
}

fn decode(value: &str) -> Option<(PropertyScope, String)> {
    let (scope, key) = value.split_once(':')?;
    let scope = if scope == "person" {
        PropertyScope::Person
    } else {
        PropertyScope::Event
    };
    Some((scope, key.to_owned()))
}

fn scope_of(item: &PickerItem) -> PropertyScope {
    if item.kind == Some(PropertyKind::Person) {
        PropertyScope::Person
    } else {
        PropertyScope::Event
    }
}

/// Picks an event or person property; `none_label` picks none.
#[component]
pub fn PropertyPicker(
    current: Option<(PropertyScope, String)>,
    properties: Vec<PickerItem>,
    none_label: &'static str,
    on_pick: Callback<Option<(PropertyScope, String)>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let choices: Vec<Choice> = properties
        .iter()
        .map(|p| {
            let group = match scope_of(p) {
                PropertyScope::Person => "Person properties",
                PropertyScope::Event => "Event properties",
            };
            choice(
                p,
                encode(scope_of(p), &p.name),
                property_label(&p.name),
                group,
            )
        })
        .collect();
    let current = current.map(|(scope, key)| encode(scope, &key));
    let on_pick = Callback::new(move |value: Option<String>| {
        on_pick.run(value.as_deref().and_then(decode));
    });
    view! {
        <Combobox choices=Signal::stored(choices) current label="Property" placeholder=none_label
            none=Some(none_label) recent="properties" on_pick testid/>
    }
}

/// A filter's value: typed (commas separate several) or picked from the
/// values the property most often has, with how often each was seen.
#[component]
fn ValuePicker(
    filter: PropertyFilter,
    /// The event whose values are suggested; all events when `None`.
    event: Option<String>,
    on_pick: Callback<Option<String>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let project = use_project_id();
    let (scope, key) = (filter.scope, filter.key.clone());
    let (choices, on_open) = fetched_on_open(move || {
        let (key, event) = (key.clone(), event.clone());
        async move {
            let values = property_values(project.get_untracked(), scope, key, event).await;
            values
                .unwrap_or_default()
                .into_iter()
                .map(|s| Choice {
                    hint: Some(s.count.to_string()),
                    ..Choice::new(s.value.clone(), s.value)
                })
                .collect()
        }
    });
    let text = filter
        .values()
        .iter()
        .map(Scalar::as_text)
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <Combobox choices current=(!text.is_empty()).then_some(text) label="Value"
            placeholder="Pick or type a value" free_text=true
            on_open on_pick testid/>
    }
}

/// The values a property most often has, in a line: what a breakdown by
/// it will mostly show.
#[component]
pub fn TopValues(scope: PropertyScope, key: String, event: Option<String>) -> impl IntoView {
    /// How many values the line names.
    const NAMED: usize = 5;
    let project = use_project_id();
    let values = LocalResource::new(move || {
        let (key, event) = (key.clone(), event.clone());
        async move {
            property_values(project.get_untracked(), scope, key, event)
                .await
                .unwrap_or_default()
        }
    });
    move || {
        let values = values.get().filter(|values| !values.is_empty())?;
        let text = values
            .iter()
            .take(NAMED)
            .map(|v| format!("{} ({})", v.value, v.count))
            .collect::<Vec<_>>()
            .join(", ");
        Some(view! { <p class="muted small" data-testid="top-values">"Most common: " {text}</p> })
    }
}

/// Property filters: property, operator, value; added and removed in place.
/// Values are suggested from `event`'s events (all events when `None`).
#[component]
pub fn FiltersEditor(
    filters: Vec<PropertyFilter>,
    taxonomy: Taxonomy,
    #[prop(default = None)] event: Option<String>,
    on_change: Callback<Vec<PropertyFilter>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    // `apply` to a copy of filter `i`, then report all of them.
    let edit = {
        let filters = filters.clone();
        move |i: usize, apply: &dyn Fn(&mut Vec<PropertyFilter>)| {
            let mut next = filters.clone();
            if i < next.len() {
                apply(&mut next);
            }
            on_change.run(next);
        }
    };
    let rows = filters
        .iter()
        .enumerate()
        .map(|(i, filter)| {
            let pick = Callback::new({
                let edit = edit.clone();
                move |picked: Option<(PropertyScope, String)>| {
                    edit(i, &|next| match &picked {
                        Some((scope, key)) => {
                            next[i].scope = *scope;
                            next[i].key = key.clone();
                        }
                        None => {
                            next.remove(i);
                        }
                    })
                }
            });
            let numeric = taxonomy.properties.iter().any(|p| p.name == filter.key && p.numeric);
            let set_operator = {
                let edit = edit.clone();
                move |ev: web_sys::Event| {
                    let operator = Operator::parse(&event_target_value(&ev)).unwrap_or_default();
                    edit(i, &|next| {
                        next[i].operator = operator;
                        if !operator.takes_value() {
                            next[i].value = None;
                        }
                    })
                }
            };
            let set_value = Callback::new({
                let edit = edit.clone();
                move |text: Option<String>| {
                    edit(i, &|next| {
                        let numeric = numeric || next[i].operator.is_numeric();
                        next[i].value = text.as_deref().and_then(|t| parse_value(t, numeric));
                    })
                }
            });
            let remove = {
                let edit = edit.clone();
                move |_| {
                    edit(i, &|next| {
                        next.remove(i);
                    })
                }
            };
            view! {
                <li class="filter-row" data-testid="filter-row">
                    <PropertyPicker current=Some((filter.scope, filter.key.clone())) properties=taxonomy.properties.clone() none_label="(remove)" on_pick=pick testid=format!("{testid}-property-{i}")/>
                    <select class="input" aria-label="Operator" data-testid=format!("{testid}-operator-{i}") on:change=set_operator>
                        {Operator::ALL.into_iter().map(|o| view! { <option value=o.as_str() selected={o == filter.operator}>{o.label()}</option> }).collect_view()}
                    </select>
                    {filter.operator.takes_value().then(|| view! {
                        <ValuePicker filter=filter.clone() event=event.clone() on_pick=set_value testid=format!("{testid}-value-{i}")/>
                    })}
                    <button type="button" class="btn btn-ghost btn-small" aria-label="Remove filter" on:click=remove>"✕"</button>
                </li>
            }
        })
        .collect_view();
    let add = {
        let first = taxonomy
            .properties
            .first()
            .map(|p| (scope_of(p), p.name.clone()));
        move |_| {
            let (scope, key) = first
                .clone()
                .unwrap_or((PropertyScope::Event, "$browser".into()));
            // "is set" needs no value, so the new filter is valid at once.
            let mut next = filters.clone();
            next.push(PropertyFilter {
                key,
                value: None,
                operator: Operator::IsSet,
                scope,
            });
            on_change.run(next);
        }
    };
    view! {
        <ul class="filter-list" data-testid=testid.clone()>{rows}</ul>
        <button type="button" class="btn btn-ghost btn-small" data-testid=format!("{testid}-add") on:click=add>"+ Add filter"</button>
    }
}

/// A typed filter value: commas separate several; numbers when numeric.
fn parse_value(text: &str, numeric: bool) -> Option<FilterValue> {
    let scalars: Vec<Scalar> = text
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| match (numeric, t.parse::<f64>()) {
            (true, Ok(n)) => Scalar::Number(n),
            _ => Scalar::Text(t.to_owned()),
        })
        .collect();
    match scalars.len() {
        0 => None,
        1 => scalars.into_iter().next().map(FilterValue::One),
        _ => Some(FilterValue::Many(scalars)),
    }
}
