//! Golden images: every kind of chart drawn from fixed data and compared
//! with the reference PNGs in `tests/golden`, so that a change to how charts
//! look shows up in review. After an intended change, write new references
//! with `HUDDLE_UPDATE_GOLDEN=1 cargo test -p backend --test render` and
//! look at them before committing.

use backend::render::{png, svg, ImageOptions, Theme};
use domain::insight::{
    ComparePeriod, Display, FunnelStep, FunnelsResult, InsightResult, RetentionCohort,
    RetentionResult, TrendSeries, TrendsResult,
};
use resvg::tiny_skia::Pixmap;
use std::path::PathBuf;

fn series(label: &str, data: &[f64], compare: Option<ComparePeriod>) -> TrendSeries {
    TrendSeries {
        label: label.to_owned(),
        series_index: Some(0),
        breakdown_value: None,
        data: data.to_vec(),
        total: data.iter().sum(),
        compare,
    }
}

fn trends(series: Vec<TrendSeries>) -> InsightResult {
    let days = series.first().map_or(0, |s| s.data.len());
    InsightResult::Trends(TrendsResult {
        labels: (1..=days).map(|d| format!("{d}-Nov-2026")).collect(),
        days: (1..=days).map(|d| format!("2026-11-{d:02}")).collect(),
        series,
    })
}

fn weekly() -> InsightResult {
    let mut signups = series(
        "Sign-ups",
        &[3.0, 5.0, 4.0, 8.0, 12.0, 9.0, 14.0, 18.0, 15.0, 21.0],
        None,
    );
    signups.series_index = Some(0);
    let mut visits = series(
        "Page views",
        &[10.0, 12.0, 9.0, 15.0, 22.0, 18.0, 25.0, 30.0, 28.0, 35.0],
        None,
    );
    visits.series_index = Some(1);
    trends(vec![signups, visits])
}

fn cumulative() -> InsightResult {
    trends(vec![series(
        "Sign-ups",
        &[3.0, 8.0, 12.0, 20.0, 32.0, 41.0, 55.0],
        None,
    )])
}

fn compared() -> InsightResult {
    trends(vec![
        series(
            "Purchases",
            &[40.0, 42.0, 38.0],
            Some(ComparePeriod::Current),
        ),
        series(
            "Purchases",
            &[30.0, 31.0, 29.0],
            Some(ComparePeriod::Previous),
        ),
    ])
}

fn funnel() -> InsightResult {
    let step = |name: &str, count| FunnelStep {
        name: name.to_owned(),
        count,
        median_conversion_time: None,
        average_conversion_time: None,
    };
    InsightResult::Funnels(FunnelsResult {
        steps: vec![
            step("Viewed pricing", 1000),
            step("Started checkout", 420),
            step("Paid", 130),
        ],
        breakdowns: vec![],
    })
}

fn retention() -> InsightResult {
    let cohort = |label: &str, values: &[u64]| RetentionCohort {
        label: label.to_owned(),
        date: String::new(),
        values: values.to_vec(),
    };
    InsightResult::Retention(RetentionResult {
        cohorts: vec![
            cohort("2-Nov-2026", &[120, 60, 42, 30]),
            cohort("9-Nov-2026", &[100, 55, 35]),
            cohort("16-Nov-2026", &[90, 40]),
            cohort("23-Nov-2026", &[80]),
        ],
    })
}

/// Every kind of chart, by the name of its reference image.
fn cases() -> Vec<(&'static str, InsightResult, Display, Theme)> {
    vec![
        ("line", weekly(), Display::ActionsLineGraph, Theme::Light),
        (
            "line-dark",
            weekly(),
            Display::ActionsLineGraph,
            Theme::Dark,
        ),
        (
            "cumulative",
            cumulative(),
            Display::ActionsLineGraphCumulative,
            Theme::Light,
        ),
        ("area", weekly(), Display::ActionsAreaGraph, Theme::Light),
        ("bar", weekly(), Display::ActionsBar, Theme::Light),
        (
            "stacked-bar",
            weekly(),
            Display::ActionsStackedBar,
            Theme::Light,
        ),
        ("number", compared(), Display::BoldNumber, Theme::Light),
        ("pie", weekly(), Display::ActionsPie, Theme::Light),
        ("table", weekly(), Display::ActionsTable, Theme::Light),
        ("funnel", funnel(), Display::ActionsLineGraph, Theme::Light),
        (
            "retention",
            retention(),
            Display::ActionsLineGraph,
            Theme::Light,
        ),
    ]
}

const WIDTH: u32 = 800;
const HEIGHT: u32 = 420;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{name}.png"))
}

/// The share of pixels whose colour differs noticeably.
fn differing(a: &Pixmap, b: &Pixmap) -> f64 {
    let far = a
        .pixels()
        .iter()
        .zip(b.pixels())
        .filter(|(p, q)| {
            let d = |x: u8, y: u8| (i16::from(x) - i16::from(y)).unsigned_abs();
            d(p.red(), q.red()) + d(p.green(), q.green()) + d(p.blue(), q.blue()) > 48
        })
        .count();
    far as f64 / a.pixels().len() as f64
}

#[test]
fn every_kind_of_chart_looks_like_its_reference_image() {
    let update = std::env::var_os("HUDDLE_UPDATE_GOLDEN").is_some();
    let mut changed = Vec::new();
    for (name, result, display, theme) in cases() {
        let options = ImageOptions {
            width: WIDTH,
            height: HEIGHT,
            theme,
            title: Some(format!("Golden {name}")),
            legend: true,
        };
        let drawn = png(&svg(&result, display, &options).unwrap(), WIDTH, HEIGHT).unwrap();
        let path = golden(name);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &drawn).unwrap();
            continue;
        }
        let drawn = Pixmap::decode_png(&drawn).unwrap();
        let reference = Pixmap::decode_png(&std::fs::read(&path).unwrap_or_else(|_| {
            panic!(
                "no reference image {}: write it with HUDDLE_UPDATE_GOLDEN=1",
                path.display()
            )
        }))
        .unwrap();
        assert_eq!((drawn.width(), drawn.height()), (WIDTH, HEIGHT), "{name}");
        let share = differing(&drawn, &reference);
        if share > 0.002 {
            changed.push(format!("{name}: {:.2}% of pixels differ", share * 100.0));
        }
    }
    assert!(
        changed.is_empty(),
        "charts changed:\n{}",
        changed.join("\n")
    );
}

#[test]
fn the_same_chart_with_other_data_is_another_image() {
    let options = ImageOptions::default();
    let a = svg(&weekly(), Display::ActionsLineGraph, &options).unwrap();
    let b = svg(&cumulative(), Display::ActionsLineGraph, &options).unwrap();
    assert_ne!(a, b);
    assert!(
        a.contains("Sign-ups") && a.contains("1-Nov-2026"),
        "legend and dates are drawn"
    );
}

#[test]
fn sizes_out_of_bounds_are_refused() {
    for (width, height) in [(10, 400), (400, 100_000)] {
        let options = ImageOptions {
            width,
            height,
            ..Default::default()
        };
        assert!(svg(&weekly(), Display::ActionsLineGraph, &options).is_err());
    }
}
