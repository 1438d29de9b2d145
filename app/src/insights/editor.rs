//! The query editor. It holds no state of its own: it renders a query and
//! hands every change, as a whole new query, to `on_change` (which puts it
//! in the URL, so any unsaved state is a permalink).

use super::api::{PickerItem, Taxonomy};
use super::pickers::{EventPicker, FiltersEditor, PropertyPicker, TopValues};
use domain::definitions::PropertyKind;
use domain::insight::{
    BreakdownFilter, Display, EventsNode, FunnelOrder, InsightKind, InsightQuery, Interval, Math,
    PropertyFilter, PropertyScope, RetentionEntity, RetentionPeriod, RetentionType, WindowUnit,
    DEFAULT_BREAKDOWN_LIMIT, DEFAULT_DATE_FROM, DEFAULT_EVENT, DEFAULT_FUNNEL_WINDOW,
    DEFAULT_RETENTION_INTERVALS, MAX_BREAKDOWN_LIMIT, MAX_FUNNEL_STEPS, MAX_RETENTION_INTERVALS,
    MAX_SERIES, MIN_FUNNEL_STEPS,
};
use domain::Invalid;
use leptos::prelude::*;

/// A handler that applies `apply(query, value of the control)` to a copy of
/// `query` and reports the result.
fn on_value(
    query: &InsightQuery,
    on_change: Callback<InsightQuery>,
    apply: impl Fn(&mut InsightQuery, String) + 'static,
) -> impl Fn(web_sys::Event) + 'static {
    let query = query.clone();
    move |ev| {
        let mut next = query.clone();
        apply(&mut next, event_target_value(&ev));
        on_change.run(next);
    }
}

/// A handler for buttons and checkboxes: `apply(query)` on a copy.
fn on_click<E>(
    query: &InsightQuery,
    on_change: Callback<InsightQuery>,
    apply: impl Fn(&mut InsightQuery) + 'static,
) -> impl Fn(E) + 'static {
    let query = query.clone();
    move |_| {
        let mut next = query.clone();
        apply(&mut next);
        on_change.run(next);
    }
}

/// What is wrong with the query being edited, for [`FieldProblem`].
#[derive(Clone)]
struct QueryProblem(Option<Invalid>);

/// The problem with one field of the query, shown beside that field.
#[component]
fn FieldProblem(field: &'static str) -> impl IntoView {
    let problem = use_context::<QueryProblem>()
        .and_then(|QueryProblem(problem)| problem)
        .filter(|problem| problem.field == field);
    problem.map(|problem| {
        view! { <p class="field-error" role="alert" data-testid=format!("problem-{field}")>{problem.message}</p> }
    })
}

#[component]
pub fn QueryEditor(
    query: InsightQuery,
    taxonomy: Taxonomy,
    on_change: Callback<InsightQuery>,
) -> impl IntoView {
    provide_context(QueryProblem(query.validate().err()));
    let kind = query.kind();
    let tabs = InsightKind::ALL
        .into_iter()
        .map(|k| {
            let switch = on_click::<leptos::ev::MouseEvent>(&query, on_change, move |q| {
                if q.kind() != k {
                    *q = k.starter();
                }
            });
            view! {
                <button type="button" class="tab" aria-pressed=(k == kind).to_string()
                    data-testid=format!("kind-{}", k.as_str()) on:click=switch>{k.label()}</button>
            }
        })
        .collect_view();
    let body = match &query {
        InsightQuery::Trends(_) | InsightQuery::Funnels(_) => view! {
            <SeriesEditor query=query.clone() taxonomy=taxonomy.clone() on_change/>
        }
        .into_any(),
        InsightQuery::Retention(_) => {
            view! { <RetentionEditor query=query.clone() taxonomy=taxonomy.clone() on_change/> }
                .into_any()
        }
    };
    let properties = query.properties().to_vec();
    let set_filters = Callback::new({
        let query = query.clone();
        move |filters: Vec<PropertyFilter>| {
            let mut next = query.clone();
            *next.properties_mut() = filters;
            on_change.run(next);
        }
    });
    let breakdown = match &query {
        InsightQuery::Retention(_) => None,
        _ => Some(
            view! { <BreakdownEditor query=query.clone() taxonomy=taxonomy.clone() on_change/> },
        ),
    };
    view! {
        <div class="card editor" data-testid="query-editor">
            <div class="tabs kind-tabs" role="group" aria-label="Insight type">{tabs}</div>
            {body}
            <section class="editor-section">
                <h3>"Filters"</h3>
                <FiltersEditor filters=properties taxonomy=taxonomy.clone() on_change=set_filters testid="global-filters"/>
                <FieldProblem field="properties"/>
            </section>
            {breakdown}
            <DisplayOptions query=query.clone() on_change/>
        </div>
    }
}

/// Trend series or funnel steps.
#[component]
fn SeriesEditor(
    query: InsightQuery,
    taxonomy: Taxonomy,
    on_change: Callback<InsightQuery>,
) -> impl IntoView {
    let is_trends = matches!(query, InsightQuery::Trends(_));
    let series = query.series().to_vec();
    let count = series.len();
    let max = if is_trends {
        MAX_SERIES
    } else {
        MAX_FUNNEL_STEPS
    };
    let min = if is_trends { 1 } else { MIN_FUNNEL_STEPS };
    let numeric: Vec<PickerItem> = taxonomy
        .properties
        .iter()
        .filter(|p| p.numeric && p.kind == Some(PropertyKind::Event))
        .cloned()
        .collect();
    let rows = series
        .into_iter()
        .enumerate()
        .map(|(i, node)| {
            let badge = if is_trends { ((b'A' + i as u8) as char).to_string() } else { (i + 1).to_string() };
            let pick_event = Callback::new({
                let query = query.clone();
                move |event: Option<String>| {
                    let mut next = query.clone();
                    if let Some(series) = next.series_mut() {
                        series[i].event = event;
                    }
                    on_change.run(next);
                }
            });
            let math = is_trends.then(|| {
                let set_math = on_value(&query, on_change, move |q, value| {
                    if let Some(node) = q.series_mut().and_then(|s| s.get_mut(i)) {
                        node.math = Math::parse(&value).unwrap_or_default();
                        if !node.math.needs_property() {
                            node.math_property = None;
                        }
                    }
                });
                let options = Math::ALL
                    .into_iter()
                    .map(|m| view! { <option value=m.as_str() selected={m == node.math}>{m.label()}</option> })
                    .collect_view();
                view! { <select class="input" aria-label="Aggregation" data-testid=format!("math-{i}") on:change=set_math>{options}</select> }
            });
            let math_property = (is_trends && node.math.needs_property()).then(|| {
                let pick = Callback::new({
                    let query = query.clone();
                    move |picked: Option<(PropertyScope, String)>| {
                        let mut next = query.clone();
                        if let Some(node) = next.series_mut().and_then(|s| s.get_mut(i)) {
                            node.math_property = picked.map(|(_, key)| key);
                        }
                        on_change.run(next);
                    }
                });
                let current = node.math_property.clone().map(|k| (PropertyScope::Event, k));
                view! { <PropertyPicker current properties=numeric.clone() none_label="Pick a numeric property" on_pick=pick testid=format!("math-property-{i}")/> }
            });
            let set_filters = Callback::new({
                let query = query.clone();
                move |filters: Vec<PropertyFilter>| {
                    let mut next = query.clone();
                    if let Some(node) = next.series_mut().and_then(|s| s.get_mut(i)) {
                        node.properties = filters;
                    }
                    on_change.run(next);
                }
            });
            let remove = (count > min).then(|| {
                let remove = on_click::<leptos::ev::MouseEvent>(&query, on_change, move |q| {
                    if let Some(series) = q.series_mut() {
                        series.remove(i);
                    }
                });
                view! { <button type="button" class="btn btn-ghost btn-small" aria-label="Remove" on:click=remove>"✕"</button> }
            });
            view! {
                <li class="series-row" data-testid="series-row-editor">
                    <div class="series-line">
                        <span class="series-badge">{badge}</span>
                        <EventPicker current=node.event.clone() events=taxonomy.events.clone() allow_all=is_trends on_pick=pick_event testid=format!("event-{i}")/>
                        {math}
                        {math_property}
                        {remove}
                    </div>
                    <FiltersEditor filters=node.properties.clone() taxonomy=taxonomy.clone() event=node.event.clone() on_change=set_filters testid=format!("series-filters-{i}")/>
                </li>
            }
        })
        .collect_view();
    let add = (count < max).then(|| {
        let add = on_click::<leptos::ev::MouseEvent>(&query, on_change, |q| {
            if let Some(series) = q.series_mut() {
                let event = series.last().and_then(|n| n.event.clone()).unwrap_or_else(|| DEFAULT_EVENT.into());
                series.push(EventsNode::event(&event));
            }
        });
        let label = if is_trends { "+ Add graph series" } else { "+ Add step" };
        view! { <button type="button" class="btn btn-secondary btn-small" data-testid="add-series" on:click=add>{label}</button> }
    });
    let funnel_options = match &query {
        InsightQuery::Funnels(f) => {
            let filter = f.funnels_filter.clone();
            let set_window = on_value(&query, on_change, |q, value| {
                if let InsightQuery::Funnels(f) = q {
                    // Below 1 is stored as 0, which validation points out.
                    f.funnels_filter.funnel_window_interval = value
                        .trim()
                        .parse::<i64>()
                        .map_or(DEFAULT_FUNNEL_WINDOW, |n| u32::try_from(n).unwrap_or(0));
                }
            });
            let set_unit = on_value(&query, on_change, |q, value| {
                if let InsightQuery::Funnels(f) = q {
                    f.funnels_filter.funnel_window_interval_unit =
                        WindowUnit::parse(&value).unwrap_or_default();
                }
            });
            let set_order = on_value(&query, on_change, |q, value| {
                if let InsightQuery::Funnels(f) = q {
                    f.funnels_filter.funnel_order_type =
                        FunnelOrder::parse(&value).unwrap_or_default();
                }
            });
            Some(view! {
                <div class="inline-fields">
                    <label>"Conversion window "
                        <input class="input input-narrow" type="number" min="1" value=filter.funnel_window_interval.to_string() data-testid="funnel-window" on:change=set_window/>
                    </label>
                    <FieldProblem field="funnelWindowInterval"/>
                    <select class="input" aria-label="Window unit" on:change=set_unit>
                        {WindowUnit::ALL.into_iter().map(|u| view! { <option value=u.as_str() selected={u == filter.funnel_window_interval_unit}>{format!("{}s", u.as_str())}</option> }).collect_view()}
                    </select>
                    <label>"Step order "
                        <select class="input" data-testid="funnel-order" on:change=set_order>
                            {FunnelOrder::ALL.into_iter().map(|o| view! { <option value=o.as_str() selected={o == filter.funnel_order_type}>{o.label()}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
            })
        }
        _ => None,
    };
    view! {
        <section class="editor-section">
            <h3>{if is_trends { "Series" } else { "Steps" }}</h3>
            <ol class="series-list">{rows}</ol>
            <FieldProblem field="series"/>
            <FieldProblem field="math_property"/>
            {add}
            {funnel_options}
        </section>
    }
}

#[component]
fn RetentionEditor(
    query: InsightQuery,
    taxonomy: Taxonomy,
    on_change: Callback<InsightQuery>,
) -> impl IntoView {
    let InsightQuery::Retention(retention) = &query else {
        return ().into_any();
    };
    let filter = retention.retention_filter.clone();
    let pick = |returning: bool| {
        let query = query.clone();
        Callback::new(move |event: Option<String>| {
            let mut next = query.clone();
            if let InsightQuery::Retention(r) = &mut next {
                let entity = RetentionEntity::event(event.as_deref().unwrap_or(DEFAULT_EVENT));
                if returning {
                    r.retention_filter.returning_entity = entity;
                } else {
                    r.retention_filter.target_entity = entity;
                }
            }
            on_change.run(next);
        })
    };
    let set_type = on_value(&query, on_change, |q, value| {
        if let InsightQuery::Retention(r) = q {
            r.retention_filter.retention_type = if value == "first_time" {
                RetentionType::FirstTime
            } else {
                RetentionType::Recurring
            };
        }
    });
    let set_period = on_value(&query, on_change, |q, value| {
        if let InsightQuery::Retention(r) = q {
            r.retention_filter.period = RetentionPeriod::parse(&value).unwrap_or_default();
        }
    });
    let set_intervals = on_value(&query, on_change, |q, value| {
        if let InsightQuery::Retention(r) = q {
            // Kept as typed; validation says when it is out of bounds.
            r.retention_filter.total_intervals = value
                .trim()
                .parse::<i64>()
                .map_or(DEFAULT_RETENTION_INTERVALS, |n| {
                    u32::try_from(n).unwrap_or(0)
                });
        }
    });
    view! {
        <section class="editor-section retention-sentence">
            <span>"People who did"</span>
            <EventPicker current=Some(filter.target_entity.id.clone()) events=taxonomy.events.clone() allow_all=false on_pick=pick(false) testid="retention-target".to_owned()/>
            <select class="input" aria-label="Retention type" on:change=set_type>
                <option value="recurring" selected={filter.retention_type == RetentionType::Recurring}>"recurringly"</option>
                <option value="first_time" selected={filter.retention_type == RetentionType::FirstTime}>"for the first time"</option>
            </select>
            <span>"and came back to"</span>
            <EventPicker current=Some(filter.returning_entity.id.clone()) events=taxonomy.events.clone() allow_all=false on_pick=pick(true) testid="retention-returning".to_owned()/>
            <span>"over"</span>
            <input class="input input-narrow" type="number" min="1" max=MAX_RETENTION_INTERVALS.to_string() value=filter.total_intervals.to_string() aria-label="Periods" on:change=set_intervals/>
            <select class="input" aria-label="Period" on:change=set_period>
                {RetentionPeriod::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected={p == filter.period}>{format!("{}s", p.as_str().to_lowercase())}</option> }).collect_view()}
            </select>
            <FieldProblem field="totalIntervals"/>
        </section>
    }
    .into_any()
}

#[component]
fn BreakdownEditor(
    query: InsightQuery,
    taxonomy: Taxonomy,
    on_change: Callback<InsightQuery>,
) -> impl IntoView {
    let current = query.breakdown().cloned();
    let selected =
        BreakdownFilter::property(current.as_ref()).map(|(scope, key, _)| (scope, key.to_owned()));
    let pick = Callback::new({
        let query = query.clone();
        let limit = current.as_ref().and_then(|b| b.breakdown_limit);
        move |picked: Option<(PropertyScope, String)>| {
            let mut next = query.clone();
            if let Some(breakdown) = next.breakdown_mut() {
                *breakdown = picked.map(|(scope, key)| BreakdownFilter {
                    breakdown_type: scope,
                    breakdown: Some(key),
                    breakdown_limit: limit,
                });
            }
            on_change.run(next);
        }
    });
    let event = query.series().first().and_then(|node| node.event.clone());
    let top_values = selected
        .clone()
        .map(|(scope, key)| view! { <TopValues scope key event/> });
    let limit = selected.is_some().then(|| {
        let value = current.as_ref().map_or(DEFAULT_BREAKDOWN_LIMIT, BreakdownFilter::limit);
        let set_limit = on_value(&query, on_change, |q, value| {
            if let Some(Some(b)) = q.breakdown_mut() {
                // Kept as typed; validation says when it is out of bounds.
                b.breakdown_limit = value.trim().parse::<i64>().ok().map(|n| u32::try_from(n).unwrap_or(0));
            }
        });
        view! {
            <label>"Show top "
                <input class="input input-narrow" type="number" min="1" max=MAX_BREAKDOWN_LIMIT.to_string() value=value.to_string() data-testid="breakdown-limit" on:change=set_limit/>
                " values, the rest as Other"
            </label>
            <FieldProblem field="breakdown_limit"/>
        }
    });
    view! {
        <section class="editor-section">
            <h3>"Breakdown by"</h3>
            <div class="inline-fields">
                <PropertyPicker current=selected.clone() properties=taxonomy.properties.clone() none_label="No breakdown" on_pick=pick testid="breakdown".to_owned()/>
                {limit}
            </div>
            {top_values}
        </section>
    }
}

#[component]
fn DisplayOptions(query: InsightQuery, on_change: Callback<InsightQuery>) -> impl IntoView {
    let range = query.date_range().clone();
    let from = range.date_from_or_default().to_owned();
    let is_preset = DATE_PRESETS.iter().any(|(v, _)| *v == from) && range.date_to.is_none();
    let set_range = on_value(&query, on_change, |q, value| {
        let range = q.date_range_mut();
        if value != "custom" {
            range.date_from = Some(value);
            range.date_to = None;
        }
    });
    let set_date = |end: bool| {
        on_value(&query, on_change, move |q, value| {
            let range = q.date_range_mut();
            let value = (!value.is_empty()).then_some(value);
            if end {
                range.date_to = value;
            } else {
                range.date_from = value.or_else(|| Some(DEFAULT_DATE_FROM.into()));
            }
        })
    };
    let custom = (!is_preset).then(|| {
        let from_date = range.date_from.clone().filter(|d| d.len() == 10).unwrap_or_default();
        let to_date = range.date_to.clone().unwrap_or_default();
        view! {
            <input class="input" type="date" aria-label="From" value=from_date on:change=set_date(false)/>
            <input class="input" type="date" aria-label="To" value=to_date on:change=set_date(true)/>
        }
    });
    let trends = match &query {
        InsightQuery::Trends(t) => Some(t.clone()),
        _ => None,
    };
    let trend_options = trends.map(|t| {
        let set_interval = on_value(&query, on_change, |q, value| {
            if let InsightQuery::Trends(t) = q {
                t.interval = Interval::parse(&value).unwrap_or_default();
            }
        });
        let set_display = on_value(&query, on_change, |q, value| {
            if let InsightQuery::Trends(t) = q {
                t.trends_filter.display = Display::parse(&value).unwrap_or_default();
            }
        });
        let toggle_compare = on_click::<leptos::ev::Event>(&query, on_change, |q| {
            if let InsightQuery::Trends(t) = q {
                t.compare_filter.compare = !t.compare_filter.compare;
            }
        });
        let set_formula = on_value(&query, on_change, |q, value| {
            if let InsightQuery::Trends(t) = q {
                t.trends_filter.formula = Some(value.trim().to_owned()).filter(|f| !f.is_empty());
            }
        });
        view! {
            <label>"grouped by "
                <select class="input" data-testid="interval" on:change=set_interval>
                    {Interval::ALL.into_iter().map(|i| view! { <option value=i.as_str() selected={i == t.interval}>{i.as_str()}</option> }).collect_view()}
                </select>
            </label>
            <label class="checkbox">
                <input type="checkbox" checked=t.compare_filter.compare data-testid="compare" on:change=toggle_compare/>
                " Compare to previous period"
            </label>
            <label>"Formula "
                <input class="input" placeholder="e.g. A / B * 100" value=t.trends_filter.formula.clone().unwrap_or_default() data-testid="formula" on:change=set_formula/>
            </label>
            <FieldProblem field="formula"/>
            <FieldProblem field="interval"/>
            <label>"Chart "
                <select class="input" data-testid="display" on:change=set_display>
                    {Display::ALL.into_iter().map(|d| view! { <option value=d.as_str() selected={d == t.trends_filter.display}>{d.label()}</option> }).collect_view()}
                </select>
            </label>
        }
    });
    let show_range = !matches!(query, InsightQuery::Retention(_));
    view! {
        <section class="editor-section display-options inline-fields">
            {show_range.then(|| view! {
                <select class="input" aria-label="Date range" data-testid="date-range" on:change=set_range>
                    {DATE_PRESETS.iter().map(|(value, label)| view! { <option value=*value selected={is_preset && *value == from}>{*label}</option> }).collect_view()}
                    <option value="custom" selected=!is_preset>"Custom dates"</option>
                </select>
                {custom}
                <FieldProblem field="dateRange"/>
            })}
            {trend_options}
        </section>
    }
}

const DATE_PRESETS: [(&str, &str); 10] = [
    ("-24h", "Last 24 hours"),
    ("-7d", "Last 7 days"),
    ("-14d", "Last 14 days"),
    ("-30d", "Last 30 days"),
    ("-90d", "Last 90 days"),
    ("-180d", "Last 180 days"),
    ("mStart", "This month"),
    ("-1mStart", "Since last month"),
    ("-1y", "Last year"),
    ("all", "All time"),
];
