//! Results that are not lines over dates: a big number, a pie, tables,
//! funnel steps and the retention cohort table.

use super::{compact, drawing_failed, Area, Palette, RenderError, FAMILY};
use domain::insight::{ComparePeriod, FunnelsResult, RetentionResult, TrendSeries, TrendsResult};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

fn centered(size: f64, color: &RGBColor) -> TextStyle<'static> {
    (FAMILY, size)
        .into_font()
        .color(color)
        .pos(Pos::new(HPos::Center, VPos::Center))
}

fn left(size: f64, color: &RGBColor) -> TextStyle<'static> {
    (FAMILY, size)
        .into_font()
        .color(color)
        .pos(Pos::new(HPos::Left, VPos::Center))
}

fn right(size: f64, color: &RGBColor) -> TextStyle<'static> {
    (FAMILY, size)
        .into_font()
        .color(color)
        .pos(Pos::new(HPos::Right, VPos::Center))
}

fn text(
    area: &Area,
    content: String,
    at: (i32, i32),
    style: &TextStyle,
) -> Result<(), RenderError> {
    area.draw(&Text::new(content, at, style.clone()))
        .map_err(drawing_failed)
}

fn size_of(area: &Area) -> (i32, i32) {
    let (w, h) = area.dim_in_pixel();
    (w as i32, h as i32)
}

pub(super) fn message(area: &Area, message: &str, palette: &Palette) -> Result<(), RenderError> {
    let (w, h) = size_of(area);
    text(
        area,
        message.to_owned(),
        (w / 2, h / 2),
        &centered(24.0, &palette.muted),
    )
}

/// Each current series' total, large, with its change against the previous
/// period when the query compares.
pub(super) fn number(
    area: &Area,
    trends: &TrendsResult,
    palette: &Palette,
) -> Result<(), RenderError> {
    let current: Vec<&TrendSeries> = trends
        .series
        .iter()
        .filter(|s| s.compare != Some(ComparePeriod::Previous))
        .collect();
    let (w, h) = size_of(area);
    let shown = current.len().clamp(1, 4);
    let column = w / shown as i32;
    for (k, series) in current.iter().take(shown).enumerate() {
        let x = column * k as i32 + column / 2;
        text(
            area,
            compact(series.total),
            (x, h / 2 - 30),
            &centered(96.0, &palette.text),
        )?;
        text(
            area,
            series.display_name(),
            (x, h / 2 + 50),
            &centered(22.0, &palette.muted),
        )?;
        if let Some(change) = change_against_previous(trends, series) {
            let color = if change >= 0.0 {
                RGBColor(26, 127, 75)
            } else {
                RGBColor(192, 38, 45)
            };
            let line = format!(
                "{}{:.1}% vs. previous period",
                if change >= 0.0 { "▲ " } else { "▼ " },
                change * 100.0
            );
            text(area, line, (x, h / 2 + 90), &centered(20.0, &color))?;
        }
    }
    Ok(())
}

/// The series of the previous period matching `series`, as a change of its
/// total (0.1 is 10 % more now).
fn change_against_previous(trends: &TrendsResult, series: &TrendSeries) -> Option<f64> {
    let previous = trends.series.iter().find(|s| {
        s.compare == Some(ComparePeriod::Previous)
            && s.series_index == series.series_index
            && s.breakdown_value == series.breakdown_value
    })?;
    (previous.total > 0.0).then(|| (series.total - previous.total) / previous.total)
}

pub(super) fn pie(
    area: &Area,
    trends: &TrendsResult,
    legend: bool,
    palette: &Palette,
) -> Result<(), RenderError> {
    let (w, h) = size_of(area);
    let sizes: Vec<f64> = trends.series.iter().map(|s| s.total.max(0.0)).collect();
    let colors: Vec<RGBColor> = (0..sizes.len()).map(|k| palette.series_color(k)).collect();
    let labels: Vec<String> = if legend {
        trends
            .series
            .iter()
            .map(|s| format!("{} ({})", s.display_name(), compact(s.total)))
            .collect()
    } else {
        vec![String::new(); sizes.len()]
    };
    let center = (w / 2, h / 2);
    let radius = f64::from(h.min(w)) * 0.36;
    let mut pie = Pie::new(&center, &radius, &sizes, &colors, &labels);
    pie.donut_hole(radius * 0.55);
    pie.label_style((FAMILY, 16).into_font().color(&palette.text));
    area.draw(&pie).map_err(drawing_failed)
}

/// A table: a header row, then rows of cells, the first column left-aligned
/// and the others right-aligned.
fn table(
    area: &Area,
    header: &[String],
    rows: &[Vec<String>],
    palette: &Palette,
) -> Result<(), RenderError> {
    let (w, h) = size_of(area);
    let row_height = (h / (rows.len() as i32 + 1)).clamp(18, 40);
    let first = (w as f64 * 0.4) as i32;
    let others = (header.len().max(2) - 1) as i32;
    let column = (w - first) / others.max(1);
    let size = f64::from(row_height) * 0.5;
    let draw_row = |y: i32, cells: &[String], color: &RGBColor| -> Result<(), RenderError> {
        for (k, cell) in cells.iter().enumerate() {
            if k == 0 {
                text(area, cell.clone(), (8, y), &left(size, color))?;
            } else {
                let x = first + column * k as i32 - 8;
                text(area, cell.clone(), (x, y), &right(size, color))?;
            }
        }
        Ok(())
    };
    draw_row(row_height / 2, header, &palette.muted)?;
    for (k, row) in rows.iter().enumerate() {
        let top = row_height * (k as i32 + 1);
        area.draw(&PathElement::new(vec![(0, top), (w, top)], palette.grid))
            .map_err(drawing_failed)?;
        draw_row(top + row_height / 2, row, &palette.text)?;
    }
    Ok(())
}

pub(super) fn trends_table(
    area: &Area,
    trends: &TrendsResult,
    palette: &Palette,
) -> Result<(), RenderError> {
    let header = vec!["Series".to_owned(), "Total".to_owned()];
    let rows: Vec<Vec<String>> = trends
        .series
        .iter()
        .map(|s| vec![s.display_name(), compact(s.total)])
        .collect();
    table(area, &header, &rows, palette)
}

/// One bar per step, as wide as its share of those who entered, with how
/// many converted and the conversion so far.
pub(super) fn funnel(
    area: &Area,
    funnels: &FunnelsResult,
    palette: &Palette,
) -> Result<(), RenderError> {
    let (w, h) = size_of(area);
    let steps = &funnels.steps;
    let entered = steps.first().map_or(0, |s| s.count);
    let band = (h / steps.len().max(1) as i32).min(120);
    let bar_left = (w as f64 * 0.3) as i32;
    let bar_width = w - bar_left - 8;
    for (k, step) in steps.iter().enumerate() {
        let top = band * k as i32;
        let rate = step.rate_from(entered);
        let color = palette.series_color(0);
        let bar_top = top + band / 5;
        let bar_bottom = top + band * 4 / 5;
        area.draw(&Rectangle::new(
            [(bar_left, bar_top), (bar_left + bar_width, bar_bottom)],
            palette.grid.filled(),
        ))
        .map_err(drawing_failed)?;
        let filled = bar_left + (f64::from(bar_width) * rate).round() as i32;
        area.draw(&Rectangle::new(
            [(bar_left, bar_top), (filled.max(bar_left + 2), bar_bottom)],
            color.filled(),
        ))
        .map_err(drawing_failed)?;
        let size = f64::from(band).clamp(24.0, 80.0) * 0.28;
        text(
            area,
            format!("{}. {}", k + 1, step.name),
            (4, top + band / 2),
            &left(size, &palette.text),
        )?;
        let figures = format!("{} · {:.1}%", step.count, rate * 100.0);
        text(
            area,
            figures,
            (bar_left + bar_width - 8, top + band / 2),
            &right(size, &palette.text),
        )?;
    }
    Ok(())
}

/// The cohort table: each cell shaded by the share of its cohort that came
/// back, with that share written in it.
pub(super) fn retention(
    area: &Area,
    retention: &RetentionResult,
    palette: &Palette,
) -> Result<(), RenderError> {
    let (w, h) = size_of(area);
    let periods = retention.cohorts.first().map_or(0, |c| c.values.len());
    let rows = retention.cohorts.len() as i32 + 1;
    let row_height = (h / rows).clamp(14, 40);
    let first = (w as f64 * 0.22) as i32;
    let column = (w - first) / periods.max(1) as i32;
    let size = f64::from(row_height) * 0.42;
    text(
        area,
        "Cohort".to_owned(),
        (4, row_height / 2),
        &left(size, &palette.muted),
    )?;
    for k in 0..periods {
        let x = first + column * k as i32 + column / 2;
        text(
            area,
            format!("Period {k}"),
            (x, row_height / 2),
            &centered(size, &palette.muted),
        )?;
    }
    let shade = palette.series_color(0);
    for (r, cohort) in retention.cohorts.iter().enumerate() {
        let top = row_height * (r as i32 + 1);
        let size_of_cohort = cohort.values.first().copied().unwrap_or(0);
        text(
            area,
            format!("{} ({size_of_cohort})", cohort.label),
            (4, top + row_height / 2),
            &left(size, &palette.text),
        )?;
        for (k, value) in cohort.values.iter().enumerate() {
            let share = if size_of_cohort == 0 {
                0.0
            } else {
                *value as f64 / size_of_cohort as f64
            };
            let x = first + column * k as i32;
            area.draw(&Rectangle::new(
                [(x + 1, top + 1), (x + column - 1, top + row_height - 1)],
                shade.mix(0.1 + 0.8 * share).filled(),
            ))
            .map_err(drawing_failed)?;
            let ink = if share > 0.5 {
                RGBColor(255, 255, 255)
            } else {
                palette.text
            };
            text(
                area,
                format!("{:.0}%", share * 100.0),
                (x + column / 2, top + row_height / 2),
                &centered(size, &ink),
            )?;
        }
    }
    Ok(())
}
