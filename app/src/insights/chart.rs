//! Insight charts. The server renders a sized placeholder; in the browser
//! the chart is drawn with charming (ECharts), whose script is served from
//! the site's own assets and loaded only when a page has a chart.

use domain::insight::{Display, InsightResult};
use leptos::prelude::*;

/// Whether `display` of this result draws a chart (numbers and tables don't).
pub fn has_chart(result: &InsightResult, display: Display) -> bool {
    !matches!(
        (result, display),
        (
            InsightResult::Trends(_),
            Display::BoldNumber | Display::ActionsTable
        )
    )
}

/// The ECharts options, built only where they are drawn (and in tests).
#[cfg(any(feature = "hydrate", test))]
mod spec {
    use charming::component::{Axis, Grid, Legend};
    use charming::element::{AreaStyle, AxisType, Tooltip, Trigger};
    use charming::series::{Bar, Line, Pie};
    use charming::Chart;
    use domain::insight::{breakdown_label, Display, InsightResult, TrendSeries};

    /// The ECharts option for a result, with or without its legend.
    pub fn chart_spec(result: &InsightResult, display: Display, legend: bool) -> Chart {
        let legend_of = |names: Vec<String>| Legend::new().data(names).bottom(0).show(legend);
        let base = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .grid(Grid::new().left(48).right(24).top(24).bottom(72));
        match result {
            InsightResult::Trends(trends) => {
                let names: Vec<String> = trends
                    .series
                    .iter()
                    .map(TrendSeries::display_name)
                    .collect();
                if display == Display::ActionsPie {
                    let data: Vec<(f64, String)> = trends
                        .series
                        .iter()
                        .zip(&names)
                        .map(|(s, n)| (s.total, n.clone()))
                        .collect();
                    return Chart::new()
                        .tooltip(Tooltip::new().trigger(Trigger::Item))
                        .legend(legend_of(names))
                        .series(Pie::new().radius(vec!["35%", "65%"]).data(data));
                }
                let mut chart = base
                    .legend(legend_of(names.clone()))
                    .x_axis(
                        Axis::new()
                            .type_(AxisType::Category)
                            .data(trends.labels.clone()),
                    )
                    .y_axis(Axis::new().type_(AxisType::Value));
                for (series, name) in trends.series.iter().zip(names) {
                    let data = series.data.clone();
                    chart = match display {
                        Display::ActionsBar => chart.series(Bar::new().name(name).data(data)),
                        Display::ActionsStackedBar => {
                            chart.series(Bar::new().name(name).stack("total").data(data))
                        }
                        Display::ActionsAreaGraph => chart.series(
                            Line::new()
                                .name(name)
                                .stack("total")
                                .area_style(AreaStyle::new())
                                .data(data),
                        ),
                        _ => chart.series(Line::new().name(name).data(data)),
                    };
                }
                chart
            }
            InsightResult::Funnels(funnels) => {
                let steps: Vec<String> = funnels.steps.iter().map(|s| s.name.clone()).collect();
                let mut groups: Vec<(String, Vec<f64>)> = vec![(
                    "All people".into(),
                    funnels.steps.iter().map(|s| s.count as f64).collect(),
                )];
                groups.extend(funnels.breakdowns.iter().map(|b| {
                    (
                        breakdown_label(&b.value).to_owned(),
                        b.steps.iter().map(|s| s.count as f64).collect(),
                    )
                }));
                if groups.len() > 1 {
                    groups.remove(0);
                }
                let names: Vec<String> = groups.iter().map(|(n, _)| n.clone()).collect();
                let mut chart = base
                    .legend(legend_of(names))
                    .x_axis(Axis::new().type_(AxisType::Category).data(steps))
                    .y_axis(Axis::new().type_(AxisType::Value));
                for (name, data) in groups {
                    chart = chart.series(Bar::new().name(name).data(data));
                }
                chart
            }
            InsightResult::Retention(retention) => {
                let periods = retention.cohorts.first().map_or(0, |c| c.values.len());
                let mean: Vec<f64> = (0..periods)
                    .map(|k| {
                        let rates: Vec<f64> = retention
                            .cohorts
                            .iter()
                            .filter(|c| c.values.len() > k && c.values[0] > 0)
                            .map(|c| c.values[k] as f64 / c.values[0] as f64 * 100.0)
                            .collect();
                        if rates.is_empty() {
                            0.0
                        } else {
                            (rates.iter().sum::<f64>() / rates.len() as f64 * 10.0).round() / 10.0
                        }
                    })
                    .collect();
                let labels: Vec<String> = (0..periods).map(|k| format!("Period {k}")).collect();
                base.legend(legend_of(vec!["Mean retention (%)".to_owned()]))
                    .x_axis(Axis::new().type_(AxisType::Category).data(labels))
                    .y_axis(Axis::new().type_(AxisType::Value))
                    .series(Line::new().name("Mean retention (%)").data(mean))
            }
        }
    }
}

/// A chart container, drawn once the page runs in the browser.
#[component]
pub fn InsightChart(
    id: String,
    result: InsightResult,
    display: Display,
    /// Shared pages may leave the legend out.
    #[prop(default = true)]
    legend: bool,
) -> impl IntoView {
    if !has_chart(&result, display) {
        return ().into_any();
    }
    #[cfg(feature = "hydrate")]
    {
        let chart = spec::chart_spec(&result, display, legend);
        let id = id.clone();
        Effect::new(move |_| {
            let (id, chart) = (id.clone(), chart.clone());
            echarts::when_loaded(move || {
                // A chart drawn here before would merge the new option into its
                // own and keep series the result no longer has.
                echarts::dispose(&id);
                match charming::WasmRenderer::new_opt(None, None).render(&id, &chart) {
                    Ok(_) => echarts::follow_size(&id),
                    Err(err) => leptos::logging::error!("cannot draw the chart: {err:?}"),
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (&result, display, legend);
    view! { <div class="chart" id=id data-testid="insight-chart" aria-label="Chart"></div> }
        .into_any()
}

#[cfg(feature = "hydrate")]
mod echarts {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    /// The bundled ECharts build, a static asset of the site, in the
    /// versioned folder `scripts/setup.sh` fills (ECHARTS_VERSION there).
    const SCRIPT: &str = "/vendor/echarts-5.5.1/echarts.min.js";
    const SCRIPT_ID: &str = "echarts-script";

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = echarts, js_name = dispose)]
        fn dispose_element(element: &web_sys::Element);

        /// A drawn chart.
        type Instance;
        #[wasm_bindgen(js_namespace = echarts, js_name = getInstanceByDom)]
        fn instance_of(element: &web_sys::Element) -> Option<Instance>;
        #[wasm_bindgen(method)]
        fn resize(this: &Instance);
    }

    thread_local! {
        /// One observer for every chart of the page: a chart whose element
        /// changes size (a resized tile or window) is drawn again to fit.
        static RESIZER: Option<web_sys::ResizeObserver> = {
            let on_resize = Closure::<dyn Fn(js_sys::Array)>::new(|entries: js_sys::Array| {
                for entry in entries.iter() {
                    let entry: web_sys::ResizeObserverEntry = entry.unchecked_into();
                    if let Some(chart) = instance_of(&entry.target()) {
                        chart.resize();
                    }
                }
            });
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            // The observer lives as long as the page.
            on_resize.forget();
            observer
        };
    }

    fn element(id: &str) -> Option<web_sys::Element> {
        web_sys::window()?.document()?.get_element_by_id(id)
    }

    /// Drops the chart drawn in the element `id`, if any.
    pub fn dispose(id: &str) {
        if let Some(element) = element(id) {
            dispose_element(&element);
        }
    }

    /// Keeps the chart in the element `id` the size of that element.
    pub fn follow_size(id: &str) {
        if let Some(element) = element(id) {
            RESIZER.with(|observer| {
                if let Some(observer) = observer {
                    observer.observe(&element);
                }
            });
        }
    }

    /// Runs `draw` once ECharts is available, adding its script to the page
    /// the first time a chart needs it.
    pub fn when_loaded(draw: impl FnOnce() + 'static) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if js_sys::Reflect::has(&window, &JsValue::from_str("echarts")).unwrap_or(false) {
            draw();
            return;
        }
        let Some(document) = window.document() else {
            return;
        };
        let script = match document.get_element_by_id(SCRIPT_ID) {
            Some(script) => script,
            None => {
                let Ok(script) = document.create_element("script") else {
                    return;
                };
                script.set_id(SCRIPT_ID);
                let _ = script.set_attribute("src", SCRIPT);
                if let Some(head) = document.head() {
                    let _ = head.append_child(&script);
                }
                script
            }
        };
        let callback = Closure::once_into_js(draw);
        let _ = script.add_event_listener_with_callback("load", callback.unchecked_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::spec::chart_spec;
    use domain::insight::{Display, InsightResult, TrendSeries, TrendsResult};

    #[test]
    fn the_legend_names_each_breakdown_value() {
        let series = |value: &str| TrendSeries {
            label: "Pageview".into(),
            series_index: Some(0),
            breakdown_value: Some(value.into()),
            data: vec![1.0, 2.0],
            total: 3.0,
            compare: None,
        };
        let result = InsightResult::Trends(TrendsResult {
            labels: vec!["1-Nov-2026".into(), "2-Nov-2026".into()],
            days: vec![],
            series: vec![series("Chrome"), series(domain::insight::BREAKDOWN_OTHER)],
        });
        let option =
            serde_json::to_value(chart_spec(&result, Display::ActionsLineGraph, true)).unwrap();
        assert_eq!(
            option["legend"]["data"],
            serde_json::json!([{"name": "Pageview · Chrome"}, {"name": "Pageview · Other"}])
        );
        assert_eq!(option["series"].as_array().unwrap().len(), 2);
        let pie = serde_json::to_value(chart_spec(&result, Display::ActionsPie, true)).unwrap();
        assert_eq!(pie["series"][0]["type"], "pie");
    }
}
