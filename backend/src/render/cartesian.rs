//! Trends over time: lines (plain and cumulative), areas, bars and stacked
//! bars on one date axis.

use super::{compact, drawing_failed, Area, Palette, RenderError, FAMILY};
use domain::insight::{Display, TrendSeries, TrendsResult};
use plotters::prelude::*;

/// How many dates the axis names at most.
const DATE_TICKS: usize = 7;

pub(super) fn trends(
    area: &Area,
    trends: &TrendsResult,
    display: Display,
    legend: bool,
    palette: &Palette,
) -> Result<(), RenderError> {
    let buckets = trends.labels.len().max(1);
    let stacked = matches!(
        display,
        Display::ActionsStackedBar | Display::ActionsAreaGraph
    );
    let bars = matches!(display, Display::ActionsBar | Display::ActionsStackedBar);
    // Stacks draw each series on the ones before it.
    let tops: Vec<Vec<f64>> = if stacked {
        running_sums(&trends.series, buckets)
    } else {
        trends.series.iter().map(|s| s.data.clone()).collect()
    };
    let highest = tops
        .iter()
        .flatten()
        .copied()
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let font = (FAMILY, 14).into_font().color(&palette.muted);
    let mut chart = ChartBuilder::on(area)
        .margin_right(8)
        .x_label_area_size(32)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5..buckets as f64 - 0.5, 0.0..highest * 1.08)
        .map_err(drawing_failed)?;
    let labels = &trends.labels;
    let every = buckets.div_ceil(DATE_TICKS).max(1);
    let date_at = |x: &f64| {
        let k = x.round();
        if (x - k).abs() > 1e-6 || k < 0.0 || !(k as usize).is_multiple_of(every) {
            return String::new();
        }
        labels.get(k as usize).cloned().unwrap_or_default()
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette.grid)
        .axis_style(palette.grid)
        .label_style(font.clone())
        .x_labels(buckets)
        .x_label_formatter(&date_at)
        .y_labels(6)
        .y_label_formatter(&|y| compact(*y))
        .draw()
        .map_err(drawing_failed)?;

    let count = trends.series.len().max(1);
    // Drawn from the last series back, so lower stacks stay visible on top.
    for (k, (series, top)) in trends.series.iter().zip(&tops).enumerate().rev() {
        let color = palette.series_color(k);
        let points = top.iter().enumerate().map(|(i, v)| (i as f64, *v));
        let drawn = if bars {
            let (width, offset) = if stacked {
                (0.8, -0.4)
            } else {
                let width = 0.8 / count as f64;
                (width, -0.4 + width * k as f64)
            };
            let below: Vec<f64> = match (stacked, k) {
                (true, k) if k > 0 => tops[k - 1].clone(),
                _ => vec![0.0; buckets],
            };
            chart.draw_series(points.map(|(x, v)| {
                let start = x + offset;
                let base = below.get(x as usize).copied().unwrap_or(0.0);
                Rectangle::new([(start, base), (start + width, v)], color.filled())
            }))
        } else if display == Display::ActionsAreaGraph {
            chart.draw_series(
                AreaSeries::new(points, 0.0, color.mix(0.35)).border_style(color.stroke_width(2)),
            )
        } else {
            chart.draw_series(LineSeries::new(points, color.stroke_width(3)))
        }
        .map_err(drawing_failed)?;
        drawn
            .label(series.display_name())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    }
    if legend {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(palette.background.mix(0.85))
            .border_style(palette.grid)
            .label_font((FAMILY, 14).into_font().color(&palette.text))
            .draw()
            .map_err(drawing_failed)?;
    }
    Ok(())
}

/// Each series' values added to those of the series before it.
fn running_sums(series: &[TrendSeries], buckets: usize) -> Vec<Vec<f64>> {
    let mut below = vec![0.0; buckets];
    series
        .iter()
        .map(|s| {
            for (i, v) in s.data.iter().enumerate().take(buckets) {
                below[i] += v;
            }
            below.clone()
        })
        .collect()
}
