//! Chart images: the server's PNG of a typical trends insight (30 daily
//! points, 5 series) and of a 10-tile dashboard's tiles, next to what the
//! browser path costs for the same insight: headless Chromium loading its
//! shared page and taking a screenshot, measured in the same run.
//!
//!     scripts/bench.sh render [--runs 100] [--browser-runs 20]
//!
//! The insight is computed once from real events (sent through the capture
//! API), so both sides draw the same result; the server side times drawing
//! only (SVG and PNG, no cache), the browser side everything a screenshot
//! service would do with a warm browser: open a page, load it, wait for the
//! chart, capture it.

// The router embeds Leptos views, which are deeply nested types.
#![recursion_limit = "256"]

use backend::render::{png, svg, ImageOptions};
use chrono::{Duration, Utc};
use clap::Parser;
use domain::insight::{InsightDraft, InsightQuery, InsightResult};
use domain::sharing::{ShareTarget, SharingOptions, PREVIEW_HEIGHT, PREVIEW_WIDTH};
use serde_json::json;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    /// Renders per server-side measurement (the median is reported).
    #[arg(long, default_value_t = 100)]
    runs: usize,
    /// Page loads and screenshots in Chromium.
    #[arg(long, default_value_t = 20)]
    browser_runs: usize,
}

const EVENTS: [&str; 5] = [
    "$pageview",
    "signed up",
    "checkout started",
    "purchase",
    "invite sent",
];
const DAYS: i64 = 30;

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let options = leptos::prelude::get_configuration(None)
        .expect("the site's configuration (run through scripts/bench.sh)")
        .leptos_options;
    let running = testkit::start_with(|_| {}, options).await;
    let owner = running.browser();
    let (user, project) = running.sign_up(&owner, "bench@example.com").await;
    let meta = &running.backend.meta;
    let scope = meta.scope(user, project).await.unwrap();
    send_events(&running.address, &scope.project().api_token).await;

    let query = trends_query();
    let insight = meta
        .create_insight(
            &scope,
            &InsightDraft::parse("Five events", "", "", query.clone()).unwrap(),
        )
        .await
        .unwrap();
    let result = wait_for_all_events(&running.backend, &scope, &query).await;
    let token = meta
        .set_sharing(
            &scope,
            ShareTarget::Insight(insight.id),
            true,
            SharingOptions::default(),
        )
        .await
        .unwrap()
        .token;

    let preview = ImageOptions {
        width: PREVIEW_WIDTH,
        height: PREVIEW_HEIGHT,
        title: Some("Five events".into()),
        ..Default::default()
    };
    let single = median(
        (0..args.runs)
            .map(|_| {
                timed(|| {
                    drop(
                        png(
                            &svg(&result, query.display(), &preview).unwrap(),
                            preview.width,
                            preview.height,
                        )
                        .unwrap(),
                    )
                })
            })
            .collect(),
    );
    // A dashboard of ten tiles: the trends insight in its five displays and
    // five more results of other shapes, each at a tile's size.
    let tile = ImageOptions {
        width: 600,
        height: 400,
        ..Default::default()
    };
    let tiles = dashboard_tiles(&running.backend, &scope, &query).await;
    let dashboard = median(
        (0..args.runs)
            .map(|_| {
                timed(|| {
                    for (result, display) in &tiles {
                        drop(
                            png(
                                &svg(result, *display, &tile).unwrap(),
                                tile.width,
                                tile.height,
                            )
                            .unwrap(),
                        );
                    }
                })
            })
            .collect(),
    );

    let url = format!("{}{}", running.address, domain::paths::shared(&token));
    let browser = screenshot_times(&url, args.browser_runs);

    println!(
        "\nChart images ({} renders each, median; browser: {} loads)",
        args.runs, args.browser_runs
    );
    println!("  {:<58} {:>10}", "", "ms");
    println!(
        "  {:<58} {:>10.2}",
        "Huddle PNG, trends insight (30 days × 5 series, 1200×630)", single
    );
    println!(
        "  {:<58} {:>10.2}",
        "Huddle PNGs, 10-tile dashboard (600×400 each)", dashboard
    );
    println!(
        "  {:<58} {:>10.2}",
        "Headless Chromium: load the shared page and screenshot it", browser
    );
    println!(
        "\n  single insight: {:.1}× faster than the browser path (target ≥ 20×, ≤ 50 ms)",
        browser / single
    );
}

fn trends_query() -> InsightQuery {
    let series: Vec<_> = EVENTS
        .iter()
        .map(|event| json!({"kind": "EventsNode", "event": event}))
        .collect();
    InsightQuery::from_json(
        &json!({"kind": "TrendsQuery", "series": series, "interval": "day",
                "dateRange": {"date_from": "-29d"}})
        .to_string(),
    )
    .unwrap()
}

/// A few events of each kind on each of the last 30 days.
async fn send_events(address: &str, api_key: &str) {
    let now = Utc::now();
    let mut batch = Vec::new();
    for day in 0..DAYS {
        for (k, event) in EVENTS.iter().enumerate() {
            for n in 0..(1 + (day as usize + k) % 7) {
                batch.push(json!({
                    "event": event,
                    "distinct_id": format!("visitor-{}", n + k),
                    "timestamp": (now - Duration::days(day) - Duration::minutes(n as i64)).to_rfc3339(),
                }));
            }
        }
    }
    let response = reqwest::Client::new()
        .post(format!("{address}/batch"))
        .json(&json!({"api_key": api_key, "batch": batch}))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "capture: {}",
        response.status()
    );
}

async fn wait_for_all_events(
    backend: &backend::Backend,
    scope: &backend::ProjectScope,
    query: &InsightQuery,
) -> InsightResult {
    for _ in 0..100 {
        let outcome = backend.insight_outcome(scope, query, true).await.unwrap();
        if let InsightResult::Trends(trends) = &outcome.result {
            if trends.series.len() == EVENTS.len() && trends.series.iter().all(|s| s.total > 0.0) {
                return outcome.result;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the sent events never all showed up");
}

async fn dashboard_tiles(
    backend: &backend::Backend,
    scope: &backend::ProjectScope,
    trends: &InsightQuery,
) -> Vec<(InsightResult, domain::insight::Display)> {
    use domain::insight::Display;
    let result = backend
        .insight_outcome(scope, trends, false)
        .await
        .unwrap()
        .result;
    let mut tiles: Vec<_> = [
        Display::ActionsLineGraph,
        Display::ActionsAreaGraph,
        Display::ActionsBar,
        Display::ActionsStackedBar,
        Display::ActionsPie,
        Display::BoldNumber,
        Display::ActionsTable,
        Display::ActionsLineGraphCumulative,
    ]
    .into_iter()
    .map(|display| (result.clone(), display))
    .collect();
    for other in [
        json!({"kind": "FunnelsQuery", "series": [{"kind": "EventsNode", "event": "$pageview"}, {"kind": "EventsNode", "event": "purchase"}], "dateRange": {"date_from": "-29d"}}),
        json!({"kind": "RetentionQuery", "retentionFilter": {"targetEntity": {"id": "$pageview", "type": "events"}, "returningEntity": {"id": "$pageview", "type": "events"}, "period": "Week", "totalIntervals": 4}}),
    ] {
        let query = InsightQuery::from_json(&other.to_string()).unwrap();
        let result = backend
            .insight_outcome(scope, &query, false)
            .await
            .unwrap()
            .result;
        tiles.push((result, query.display()));
    }
    tiles
}

/// The median milliseconds Chromium takes to load `url`, draw its chart and
/// capture the page, `runs` times in one warm browser.
fn screenshot_times(url: &str, runs: usize) -> f64 {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../end2end/bench/screenshot.mjs"
    );
    let output = std::process::Command::new("node")
        .arg(script)
        .arg(url)
        .arg(runs.to_string())
        .output()
        .expect("node runs (scripts/setup.sh --browser installs the browser tools)");
    assert!(
        output.status.success(),
        "the browser run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("the script prints the median milliseconds")
}

fn timed(work: impl FnOnce()) -> f64 {
    let started = Instant::now();
    work();
    started.elapsed().as_secs_f64() * 1e3
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
