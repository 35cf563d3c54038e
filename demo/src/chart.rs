//! The Benchmarks chapter's chart (`book/src/benchmarks.svg`), drawn with `plotters`.
//!
//! It sits beside [`crate::report`], which reads the bench's results and writes the tables; this
//! module only draws. One panel per [`Group`] of the results (a set and its routers), so each
//! panel has its own log axis: the sets span 100 ns to 200 µs, and one shared axis would squeeze
//! the small sets into a few pixels. It plots the turn-taking medians, the figures the ratios
//! use, and criterion's medians only when a run has no turn-taking figures.
//!
//! The SVG is 480 px wide with 12–14 px text, so it is legible at its own size on a phone, and
//! it is drawn without system fonts (plotters lays text out by estimate for SVG), so the same
//! figures give the same file on every machine: `tests/book_outputs.rs` redraws it from the
//! committed data and compares.

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::report::{groups, Measurements};

/// Width of the whole chart, in px: the content column of a 480 px phone, so text is not shrunk.
const WIDTH: u32 = 480;
/// Height of the title above the panels.
const HEADER: u32 = 94;
/// Height of one bar's row, and of a panel's caption and x axis.
const ROW: u32 = 22;
const CAPTION: u32 = 24;
const AXIS: u32 = 26;
const GAP: u32 = 12;
/// Room on the left for the row names (`route-recognizer`, `fallback-10000`).
const NAMES: u32 = 118;
/// Room after the longest bar for its value (`184 µs`).
const VALUE: f64 = 58.0;
/// The routers that are not this workspace's; they are drawn in a second colour.
const PEERS: &[&str] = &["matchit", "path-tree", "route-recognizer"];
const OURS_COLOR: RGBColor = RGBColor(0x2b, 0x6c, 0xb0);
const PEER_COLOR: RGBColor = RGBColor(0xdd, 0x84, 0x52);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
const FONT: &str = "sans-serif";
/// Font sizes as plotters takes them: its SVG backend writes `size / 1.24` px, so these are
/// 15, 13.7 and 12.1 px on the page.
const TITLE_SIZE: f64 = 19.0;
const CAPTION_SIZE: f64 = 17.0;
const TEXT_SIZE: f64 = 15.0;

/// The chart of `m`'s times, as SVG text.
pub fn svg(m: &Measurements, stamp: &str) -> String {
    let (times, which): (BTreeMap<(String, String), f64>, &str) = if m.paired.is_empty() {
        (m.times.clone(), "criterion's medians")
    } else {
        let paired = m.paired.iter().map(|(k, ns)| (k.clone(), *ns as f64));
        (paired.collect(), "medians of the rounds taking turns")
    };
    let panels: Vec<Panel> = groups(m)
        .into_iter()
        .map(|g| Panel {
            title: g.title(),
            bars: g
                .rows
                .iter()
                .filter_map(|key| {
                    Some(Bar {
                        name: g.row_label(key).to_owned(),
                        ns: *times.get(key)?,
                        peer: PEERS.contains(&key.1.as_str()),
                    })
                })
                .collect(),
        })
        .filter(|p| !p.bars.is_empty())
        .collect();
    let heights: Vec<u32> = panels
        .iter()
        .map(|p| CAPTION + ROW * p.bars.len() as u32 + AXIS + GAP)
        .collect();
    let height = HEADER + heights.iter().sum::<u32>();

    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        // Drawing into a string cannot fail for I/O; an error here is a layout bug worth a panic
        // in the report tool and in its test, not a half-written chart.
        draw(&root, &panels, stamp, which, &heights).expect("the chart lays out");
        root.present().expect("the SVG is written to a string");
    }
    out.push('\n');
    out
}

/// One set's (or one router's sets') bars.
struct Panel {
    title: String,
    bars: Vec<Bar>,
}

/// One row of a panel: a router (or a set), its time, and whether it is a peer's.
struct Bar {
    name: String,
    ns: f64,
    peer: bool,
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Error<'a> = DrawingAreaErrorKind<<SVGBackend<'a> as DrawingBackend>::ErrorType>;

fn draw<'a>(
    root: &Area<'a>,
    panels: &[Panel],
    stamp: &str,
    which: &str,
    heights: &[u32],
) -> Result<(), Error<'a>> {
    root.fill(&WHITE)?;
    let title = (FONT, TITLE_SIZE).into_font().color(&BLACK);
    let small = (FONT, TEXT_SIZE).into_font().color(&BLACK);
    root.draw(&Text::new(
        "Time per lookup pass (log scale)",
        (8, 6),
        title,
    ))?;
    root.draw(&Text::new(which.to_owned(), (8, 27), small.clone()))?;
    root.draw(&Text::new(stamp.to_owned(), (8, 45), small.clone()))?;
    let legend_y = 66;
    root.draw(&Rectangle::new(
        [(8, legend_y), (18, legend_y + 10)],
        OURS_COLOR.filled(),
    ))?;
    root.draw(&Text::new(
        "this workspace",
        (22, legend_y - 1),
        small.clone(),
    ))?;
    root.draw(&Rectangle::new(
        [(140, legend_y), (150, legend_y + 10)],
        PEER_COLOR.filled(),
    ))?;
    root.draw(&Text::new("other Rust routers", (154, legend_y - 1), small))?;

    let mut breaks = Vec::with_capacity(heights.len());
    let mut y = HEADER;
    for h in &heights[..heights.len().saturating_sub(1)] {
        y += h;
        breaks.push(y);
    }
    let body = root.split_vertically(HEADER).1;
    let areas = body.split_by_breakpoints(
        Vec::<u32>::new(),
        breaks.iter().map(|b| b - HEADER).collect::<Vec<_>>(),
    );
    for (area, p) in areas.iter().zip(panels) {
        panel(&area.margin(0, GAP, 0, 8), &p.title, &p.bars)?;
    }
    Ok(())
}

/// One set's bars on their own log axis, from a power of ten well below the fastest router up
/// to room for the slowest one's value.
fn panel<'a>(area: &Area<'a>, title: &str, bars: &[Bar]) -> Result<(), Error<'a>> {
    let min = bars
        .iter()
        .map(|b| b.ns)
        .fold(f64::INFINITY, f64::min)
        .max(1.0);
    let max = bars.iter().map(|b| b.ns).fold(0.0, f64::max).max(min);
    // A power of ten at least half the smallest value below it, so the shortest bar is at least
    // 0.3 decade long (a bar of exactly 100 ns starts at 10 ns, one of 10.04 µs at 1 µs).
    let lo = 10f64.powf((min / 2.0).log10().floor());
    let plot_w = f64::from(WIDTH - NAMES - 8 - 8);
    let decades = ((max / lo).log10() * plot_w / (plot_w - VALUE)).max(1.0);
    let hi = lo * 10f64.powf(decades);
    let ticks: Vec<f64> = (0..=decades.floor() as i32)
        .map(|d| lo * 10f64.powi(d))
        .collect();
    // Rows on an integer axis, ten units each (plotters formats integer axes by our formatter;
    // the bar fills units 2 to 8 of its row, the name sits at unit 5).
    let n = bars.len() as i32;
    let centers: Vec<i32> = (0..n).map(|i| i * 10 + 5).collect();
    let names: Vec<&str> = bars.iter().map(|b| b.name.as_str()).collect();

    let mut chart = ChartBuilder::on(area)
        .caption(
            title,
            (FONT, CAPTION_SIZE).into_font().style(FontStyle::Bold),
        )
        .x_label_area_size(AXIS - 6)
        .y_label_area_size(NAMES)
        .margin_right(8)
        .build_cartesian_2d(
            (lo..hi).log_scale().with_key_points(ticks),
            (0..n * 10).with_key_points(centers),
        )?;
    // Rows are drawn top-down: the first bar sits at the top of the panel.
    let row_of = |i: usize| (n - 1 - i as i32) * 10;
    let row_name = |v: &i32| {
        let i = (n - 1 - v / 10) as usize;
        names.get(i).copied().unwrap_or_default().to_owned()
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .x_label_formatter(&|ns| tick(*ns))
        .y_label_formatter(&row_name)
        .label_style((FONT, TEXT_SIZE))
        .axis_style(BLACK.mix(0.6))
        .draw()?;
    chart.draw_series(bars.iter().enumerate().map(|(i, bar)| {
        let row = row_of(i);
        let color = if bar.peer { PEER_COLOR } else { OURS_COLOR };
        Rectangle::new([(lo, row + 2), (bar.ns.max(lo), row + 8)], color.filled())
    }))?;
    let value_style = (FONT, TEXT_SIZE)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    chart.draw_series(bars.iter().enumerate().map(|(i, bar)| {
        EmptyElement::at((bar.ns.max(lo), row_of(i) + 5))
            + Text::new(short_time(bar.ns), (4, 0), value_style.clone())
    }))?;
    Ok(())
}

/// A tick at a power of ten, read naturally: `10 ns`, `1 µs`, `100 µs`, `1 ms`.
fn tick(ns: f64) -> String {
    let (value, unit) = scaled(ns);
    format!("{} {unit}", value.round())
}

/// A bar's value to three significant digits: `98.0 ns`, `5.59 µs`, `27.5 µs`, `184 µs`.
pub fn short_time(ns: f64) -> String {
    let (value, unit) = scaled(ns);
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$} {unit}")
}

/// `ns` in the unit that puts it between 1 and 1000.
fn scaled(ns: f64) -> (f64, &'static str) {
    // Rounding first, so 999.96 ns is shown as 1 µs rather than 1000 ns.
    let ns = (ns * 1e3).round() / 1e3;
    if ns >= 999.5e3 {
        (ns / 1e6, "ms")
    } else if ns >= 999.5 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_and_values_read_naturally() {
        assert_eq!(tick(10.0), "10 ns");
        assert_eq!(tick(1e3), "1 µs");
        assert_eq!(tick(1e5), "100 µs");
        assert_eq!(tick(1e6), "1 ms");
        assert_eq!(short_time(98.0), "98.0 ns");
        assert_eq!(short_time(5590.0), "5.59 µs");
        assert_eq!(short_time(27473.0), "27.5 µs");
        assert_eq!(short_time(183_663.0), "184 µs");
        assert_eq!(short_time(1000.0), "1.00 µs");
        assert_eq!(short_time(999.9), "1.00 µs");
    }

    #[test]
    fn odd_figures_still_draw() {
        let mut m = Measurements::default();
        m.times.insert(key("static", "servemux"), 0.0);
        m.times.insert(key("static", "matchit"), f64::NAN);
        m.times.insert(key("general", "radix-tree"), 1e9);
        let chart = svg(&m, "test machine");
        assert!(chart.trim_end().ends_with("</svg>"));
        assert!(svg(&Measurements::default(), "empty")
            .trim_end()
            .ends_with("</svg>"));
    }

    fn key(set: &str, router: &str) -> (String, String) {
        (set.to_owned(), router.to_owned())
    }

    #[test]
    fn one_panel_per_set_from_the_turn_taking_medians() {
        let mut m = Measurements::default();
        m.times.insert(key("github", "radix-tree"), 4200.0);
        m.times.insert(key("github", "matchit"), 5100.0);
        m.times.insert(key("fallback-10", "servemux"), 100.0);
        m.times.insert(key("fallback-100", "servemux"), 350.0);
        m.paired.insert(key("github", "radix-tree"), 4000);
        m.paired.insert(key("github", "matchit"), 5000);
        m.paired.insert(key("fallback-10", "servemux"), 100);
        m.paired.insert(key("fallback-100", "servemux"), 346);
        let chart = svg(&m, "test machine");
        assert!(chart.starts_with("<svg") && chart.trim_end().ends_with("</svg>"));
        // plotters writes each text on a line of its own.
        let has = |text: &str| chart.contains(&format!(">\n{text}\n</text>"));
        assert!(has("Time per lookup pass (log scale)"));
        assert!(has("medians of the rounds taking turns") && has("test machine"));
        // The turn-taking figures, not criterion's.
        assert!(has("4.00 µs") && has("5.00 µs"), "{chart}");
        assert!(!has("4.20 µs"), "{chart}");
        // Two panels: `github`, and servemux's fallback sets together.
        assert!(has("github"), "{chart}");
        assert!(has("servemux, fallback-10 to fallback-100"), "{chart}");
        // The 100 ns bar's axis starts a decade below it, so the bar has a length.
        assert!(has("10 ns") && has("100 ns"), "{chart}");
        assert!(!chart.contains(".000 µs"), "{chart}");
    }
}
