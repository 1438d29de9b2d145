//! An insight's result on the page: chart, big number or tables, the
//! numbers themselves (rendered on the server), and how fresh they are.

use super::chart::{has_chart, InsightChart};
use super::format::{age, duration, number, percent};
use domain::insight::{
    breakdown_label, Display, FunnelStep, FunnelsResult, InsightResult, QueryOutcome,
    RetentionResult, TrendsResult,
};
use leptos::prelude::*;

/// Which parts of a result to show: a page shows both; a dashboard tile,
/// short of room, one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResultParts {
    #[default]
    ChartAndNumbers,
    Chart,
    Numbers,
}

#[component]
pub fn InsightResults(
    outcome: QueryOutcome,
    display: Display,
    /// The chart element's id, unique on the page.
    chart_id: String,
    #[prop(optional)] parts: ResultParts,
    /// Shared pages may leave the chart's legend out.
    #[prop(default = true)]
    legend: bool,
) -> impl IntoView {
    let result = outcome.result.clone();
    if result.is_empty() {
        return view! {
            <div class="empty-state insight-empty" data-testid="insight-empty">
                <h3>"There are no matching events for this query"</h3>
                <p class="muted">"Try a longer date range, another event, or fewer filters."</p>
            </div>
        }
        .into_any();
    }
    let numbers = match &result {
        InsightResult::Trends(trends) if display == Display::BoldNumber => {
            view! { <BoldNumber trends=trends.clone()/> }.into_any()
        }
        InsightResult::Trends(trends) => view! { <TrendsTable trends=trends.clone()/> }.into_any(),
        InsightResult::Funnels(funnels) => {
            view! { <FunnelTable funnels=funnels.clone()/> }.into_any()
        }
        InsightResult::Retention(retention) => {
            view! { <RetentionTable retention=retention.clone()/> }.into_any()
        }
    };
    // Without a chart (a number or a table) there are only numbers to show.
    let charted = has_chart(&result, display);
    let chart = (parts != ResultParts::Numbers)
        .then(|| view! { <InsightChart id=chart_id result display legend/> });
    let numbers = (parts != ResultParts::Chart || !charted).then_some(numbers);
    view! {
        {chart}
        {numbers}
    }
    .into_any()
}

/// "Computed 5 minutes ago", with the exact time on hover.
#[component]
pub fn Freshness(outcome: QueryOutcome) -> impl IntoView {
    let at = outcome.last_refresh;
    let exact = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let text = format!(
        "Computed {}{}",
        age(at, chrono::Utc::now()),
        if outcome.is_cached { " (cached)" } else { "" }
    );
    view! { <span class="muted freshness" title=exact data-testid="freshness">{text}</span> }
}

#[component]
fn BoldNumber(trends: TrendsResult) -> impl IntoView {
    view! {
        <div class="bold-numbers">
            {trends.series.iter().map(|s| view! {
                <div class="bold-number">
                    <span class="bold-number-value" data-testid="bold-number">{number(s.total)}</span>
                    <span class="muted">{s.display_name()}</span>
                </div>
            }).collect_view()}
        </div>
    }
}

#[component]
fn TrendsTable(trends: TrendsResult) -> impl IntoView {
    let labels = trends.labels.clone();
    view! {
        <div class="table-scroll">
            <table class="table results-table" data-testid="results-table">
                <thead>
                    <tr>
                        <th class="sticky">"Series"</th>
                        <th class="num">"Total"</th>
                        {labels.into_iter().map(|l| view! { <th class="num">{l}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {trends.series.into_iter().map(|s| {
                        let breakdown = s.breakdown_value.as_deref().map(breakdown_label).map(str::to_owned);
                        view! {
                            <tr data-testid="series-row">
                                <th class="sticky" scope="row">
                                    {s.display_name()}
                                    {breakdown.map(|b| view! { <span class="visually-hidden" data-testid="breakdown-value">{b}</span> })}
                                </th>
                                <td class="num">{number(s.total)}</td>
                                {s.data.iter().map(|v| view! { <td class="num">{number(*v)}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn step_rows(steps: &[FunnelStep]) -> impl IntoView {
    let first = steps.first().map_or(0, |s| s.count);
    steps
        .iter()
        .enumerate()
        .map(|(k, step)| {
            let previous = if k == 0 { step.count } else { steps[k - 1].count };
            let dropped = previous.saturating_sub(step.count);
            view! {
                <tr data-testid="funnel-step">
                    <th scope="row">{format!("{}. {}", k + 1, step.name)}</th>
                    <td class="num">{step.count}</td>
                    <td class="num">{if k == 0 { "–".to_owned() } else { dropped.to_string() }}</td>
                    <td class="num">{percent(step.count as f64, first as f64)}</td>
                    <td class="num">{if k == 0 { "–".to_owned() } else { percent(step.count as f64, previous as f64) }}</td>
                    <td class="num">{step.median_conversion_time.map_or_else(|| "–".to_owned(), duration)}</td>
                </tr>
            }
        })
        .collect_view()
}

#[component]
fn FunnelTable(funnels: FunnelsResult) -> impl IntoView {
    let header = || {
        view! {
            <tr>
                <th>"Step"</th>
                <th class="num">"Converted"</th>
                <th class="num">"Dropped off"</th>
                <th class="num">"Conversion so far"</th>
                <th class="num">"From previous"</th>
                <th class="num">"Median time"</th>
            </tr>
        }
    };
    view! {
        <table class="table results-table" data-testid="results-table">
            <thead>{header()}</thead>
            <tbody>{step_rows(&funnels.steps)}</tbody>
        </table>
        {funnels.breakdowns.into_iter().map(|b| view! {
            <h3 class="breakdown-heading">{breakdown_label(&b.value).to_owned()}</h3>
            <table class="table results-table">
                <thead>{header()}</thead>
                <tbody>{step_rows(&b.steps)}</tbody>
            </table>
        }).collect_view()}
    }
}

#[component]
fn RetentionTable(retention: RetentionResult) -> impl IntoView {
    let periods = retention.cohorts.first().map_or(0, |c| c.values.len());
    view! {
        <div class="table-scroll">
            <table class="table results-table retention-table" data-testid="results-table">
                <thead>
                    <tr>
                        <th>"Cohort"</th>
                        <th class="num">"People"</th>
                        {(0..periods).map(|k| view! { <th class="num">{format!("Period {k}")}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {retention.cohorts.into_iter().map(|c| {
                        let size = c.values.first().copied().unwrap_or(0);
                        view! {
                            <tr>
                                <th scope="row">{c.label}</th>
                                <td class="num">{size}</td>
                                {c.values.iter().map(|v| {
                                    let share = if size == 0 { 0.0 } else { *v as f64 / size as f64 };
                                    let style = format!("--share: {share:.3}");
                                    view! { <td class="num retention-cell" style=style title=format!("{v} people")>{percent(*v as f64, size as f64)}</td> }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
