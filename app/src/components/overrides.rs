//! What a viewer changes without saving: a date range and an event-property
//! filter over a dashboard's tiles or a saved insight, kept in the page's URL
//! (`?date_from=…&property=…&value=…`) so links and Back keep them.

use super::form::input_value;
use domain::dashboard::DashboardFilters;
use domain::paths;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

const FIELDS: [&str; 3] = ["date_from", "property", "value"];

/// The overrides in the current URL.
pub fn use_url_filters() -> Memo<DashboardFilters> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| DashboardFilters {
            date_from: q.get("date_from").filter(|d| !d.is_empty()),
            property: q
                .get("property")
                .filter(|p| !p.is_empty())
                .map(|p| (p, q.get("value").unwrap_or_default())),
        })
    })
}

/// The form that puts overrides into the URL of `path`; `children` go after
/// its button.
#[component]
pub fn FilterOverrides(
    path: String,
    current: DashboardFilters,
    range_label: &'static str,
    apply_label: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let navigate = use_navigate();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = event_target::<web_sys::HtmlFormElement>(&ev);
        let pairs: Vec<String> = FIELDS
            .into_iter()
            .map(|k| (k, input_value(&form, k)))
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", paths::encode_query_value(&v)))
            .collect();
        navigate(&format!("{path}?{}", pairs.join("&")), Default::default());
    };
    let from = current.date_from.clone().unwrap_or_default();
    let (property, value) = current.property.clone().unwrap_or_default();
    view! {
        <form class="filters inline-fields" on:submit=apply data-testid="filter-overrides">
            <select class="input" name="date_from" aria-label=range_label>
                {RANGES.into_iter().map(|(value, label)| view! {
                    <option value=value selected=value == from>{label}</option>
                }).collect_view()}
            </select>
            <input class="input" name="property" placeholder="Event property" aria-label="Filter property" value=property/>
            <input class="input" name="value" placeholder="equals" aria-label="Filter value" value=value/>
            <button type="submit" class="btn btn-secondary btn-small">{apply_label}</button>
            {children.map(|children| children())}
        </form>
    }
}

/// The date ranges a viewer picks from.
pub(crate) const RANGES: [(&str, &str); 5] = [
    ("", "Its own dates"),
    ("-7d", "Last 7 days"),
    ("-30d", "Last 30 days"),
    ("-90d", "Last 90 days"),
    ("mStart", "This month"),
];
