//! Insight results drawn as images without a browser: SVG by plotters, PNG
//! by resvg from that SVG. Text is set in the font that ships with Huddle
//! (DejaVu Sans, `assets/fonts`), for measuring and for drawing, so an
//! image is the same on every machine.

mod cartesian;
mod figures;

use domain::insight::{Display, InsightResult};
use plotters::prelude::*;
use std::sync::{Arc, OnceLock};

/// The font every image is set in.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The family name charts ask for; plotters and resvg both map it to [`FONT`].
const FAMILY: &str = "sans-serif";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// What an image shows around its result, and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageOptions {
    pub width: u32,
    pub height: u32,
    pub theme: Theme,
    pub title: Option<String>,
    pub legend: bool,
}

impl Default for ImageOptions {
    fn default() -> Self {
        Self {
            width: 1200,
            height: 630,
            theme: Theme::Light,
            title: None,
            legend: true,
        }
    }
}

/// Images may be at most this many pixels wide or high.
pub const MAX_SIDE: u32 = 4000;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("an image is at least 100 and at most {MAX_SIDE} pixels on each side")]
    Size,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("rasterizing the chart failed: {0}")]
    Raster(String),
}

fn drawing_failed<E: std::fmt::Debug>(err: E) -> RenderError {
    RenderError::Draw(format!("{err:?}"))
}

/// The colours of a theme.
struct Palette {
    background: RGBColor,
    text: RGBColor,
    muted: RGBColor,
    grid: RGBColor,
    series: [RGBColor; 8],
}

impl Palette {
    fn of(theme: Theme) -> Self {
        let series = [
            RGBColor(79, 70, 229),
            RGBColor(245, 158, 11),
            RGBColor(16, 185, 129),
            RGBColor(239, 68, 68),
            RGBColor(14, 165, 233),
            RGBColor(168, 85, 247),
            RGBColor(236, 72, 153),
            RGBColor(100, 116, 139),
        ];
        match theme {
            Theme::Light => Self {
                background: RGBColor(255, 255, 255),
                text: RGBColor(17, 24, 39),
                muted: RGBColor(107, 114, 128),
                grid: RGBColor(229, 231, 235),
                series,
            },
            Theme::Dark => Self {
                background: RGBColor(27, 30, 38),
                text: RGBColor(231, 233, 238),
                muted: RGBColor(160, 167, 180),
                grid: RGBColor(46, 51, 64),
                series,
            },
        }
    }

    fn series_color(&self, k: usize) -> RGBColor {
        self.series[k % self.series.len()]
    }
}

fn register_font() {
    static REGISTERED: OnceLock<()> = OnceLock::new();
    REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT)
            .unwrap_or_else(|_| panic!("the bundled font is a valid TrueType font"));
        plotters::style::register_font(FAMILY, FontStyle::Bold, FONT)
            .unwrap_or_else(|_| panic!("the bundled font is a valid TrueType font"));
    });
}

/// The drawing area an image's parts go on.
type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// The result as SVG.
pub fn svg(
    result: &InsightResult,
    display: Display,
    options: &ImageOptions,
) -> Result<String, RenderError> {
    if !(100..=MAX_SIDE).contains(&options.width) || !(100..=MAX_SIDE).contains(&options.height) {
        return Err(RenderError::Size);
    }
    register_font();
    let palette = Palette::of(options.theme);
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (options.width, options.height)).into_drawing_area();
        root.fill(&palette.background).map_err(drawing_failed)?;
        let area = match &options.title {
            Some(title) => root
                .titled(title, (FAMILY, 28).into_font().color(&palette.text))
                .map_err(drawing_failed)?,
            None => root.clone(),
        };
        let area = area.margin(12, 12, 16, 16);
        draw(&area, result, display, options, &palette)?;
        root.present().map_err(drawing_failed)?;
    }
    Ok(out)
}

fn draw(
    area: &Area,
    result: &InsightResult,
    display: Display,
    options: &ImageOptions,
    palette: &Palette,
) -> Result<(), RenderError> {
    if result.is_empty() {
        return figures::message(area, "No matching events", palette);
    }
    match result {
        InsightResult::Trends(trends) => match display {
            Display::BoldNumber => figures::number(area, trends, palette),
            Display::ActionsPie => figures::pie(area, trends, options.legend, palette),
            Display::ActionsTable => figures::trends_table(area, trends, palette),
            _ => cartesian::trends(area, trends, display, options.legend, palette),
        },
        InsightResult::Funnels(funnels) => figures::funnel(area, funnels, palette),
        InsightResult::Retention(retention) => figures::retention(area, retention, palette),
    }
}

/// What resvg draws text with: the bundled font only.
fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            db.load_font_data(FONT.to_vec());
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// An SVG made by [`svg`] as PNG, `width` by `height` pixels.
pub fn png(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, RenderError> {
    let options = resvg::usvg::Options {
        fontdb: fonts(),
        font_family: "DejaVu Sans".to_owned(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &options)
        .map_err(|err| RenderError::Raster(err.to_string()))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).ok_or(RenderError::Size)?;
    let size = tree.size();
    let transform = resvg::tiny_skia::Transform::from_scale(
        width as f32 / size.width(),
        height as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|err| RenderError::Raster(err.to_string()))
}

/// A number short enough for an axis or a cell: 1234 → 1.2k.
fn compact(value: f64) -> String {
    let magnitude = value.abs();
    let (scaled, suffix) = if magnitude >= 1e9 {
        (value / 1e9, "B")
    } else if magnitude >= 1e6 {
        (value / 1e6, "M")
    } else if magnitude >= 1e4 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    if scaled.fract().abs() < 1e-9 {
        format!("{scaled:.0}{suffix}")
    } else if suffix.is_empty() && magnitude < 10.0 {
        format!("{scaled:.2}")
    } else {
        format!("{scaled:.1}{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn axis_numbers_are_short() {
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(12_345.0), "12.3k");
        assert_eq!(compact(2_000_000.0), "2M");
        assert_eq!(compact(0.25), "0.25");
    }
}
