//! Reading criterion's results for the `routers` bench and rendering them as a table and a chart.
//!
//! Kept in the library (not in the `bench-report` binary) so that a test can feed it a small,
//! made-up criterion directory and check the table and the SVG it produces.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// The order routers are shown in: ours first, then the peers.
pub const ROUTER_ORDER: &[&str] = &[
    "servemux",
    "pattern-mux",
    "radix-tree",
    "radix-engine",
    "controller",
    "matchit",
    "path-tree",
    "route-recognizer",
];

/// The order route sets are shown in.
pub const SET_ORDER: &[&str] = &[
    "static",
    "github",
    "scale-10",
    "scale-100",
    "scale-1000",
    "scale-10000",
    "fallback-10",
    "fallback-100",
    "fallback-1000",
    "fallback-10000",
    "general",
];

/// Everything one bench run measured.
#[derive(Debug, Default)]
pub struct Measurements {
    /// (set, router) -> median nanoseconds of one lookup pass.
    pub times: BTreeMap<(String, String), f64>,
    /// (set, router) -> bytes held after registering the set.
    pub memory: BTreeMap<(String, String), u64>,
    /// (set, router) -> median nanoseconds of one pass when the routers of a set take turns.
    pub paired: BTreeMap<(String, String), u64>,
}

impl Measurements {
    fn sets(&self) -> Vec<String> {
        ordered(self.times.keys().map(|(s, _)| s.clone()), SET_ORDER)
    }

    fn routers(&self) -> Vec<String> {
        ordered(self.times.keys().map(|(_, r)| r.clone()), ROUTER_ORDER)
    }
}

/// Known names in their fixed order, then any others alphabetically.
fn ordered(names: impl Iterator<Item = String>, order: &[&str]) -> Vec<String> {
    let all: BTreeSet<String> = names.collect();
    let mut out: Vec<String> = order
        .iter()
        .filter(|n| all.contains(**n))
        .map(|n| n.to_string())
        .collect();
    out.extend(all.into_iter().filter(|n| !order.contains(&n.as_str())));
    out
}

/// Reads `criterion/routers/<router>/<set>/new/estimates.json` and `criterion/routers-memory.json`.
pub fn load(criterion: &Path) -> io::Result<Measurements> {
    let mut m = Measurements::default();
    let group = criterion.join("routers");
    if group.is_dir() {
        for router in std::fs::read_dir(&group)? {
            let router = router?;
            if !router.file_type()?.is_dir() || router.file_name() == "report" {
                continue;
            }
            for set in std::fs::read_dir(router.path())? {
                let set = set?;
                let estimates = set.path().join("new/estimates.json");
                let Ok(text) = std::fs::read_to_string(&estimates) else {
                    continue;
                };
                let json: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                if let Some(ns) = json["median"]["point_estimate"].as_f64() {
                    let key = (os(&set.file_name()), os(&router.file_name()));
                    m.times.insert(key, ns);
                }
            }
        }
    }
    m.memory = rows(&criterion.join("routers-memory.json"))?;
    m.paired = rows(&criterion.join("routers-paired.json"))?;
    Ok(m)
}

/// `[[set, router, value], ...]` as the bench writes it; a missing file is no rows.
fn rows(path: &Path) -> io::Result<BTreeMap<(String, String), u64>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(BTreeMap::new());
    };
    let rows: Vec<(String, String, u64)> =
        serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(rows.into_iter().map(|(s, r, v)| ((s, r), v)).collect())
}

fn os(name: &std::ffi::OsStr) -> String {
    name.to_string_lossy().into_owned()
}

/// Where and when the numbers were taken.
pub fn stamp() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    format!("{cores} cores, {cpu}; {date}")
}

/// Formats nanoseconds with a unit that keeps three or four significant digits.
pub fn human_time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn human_bytes(b: u64) -> String {
    if b >= 1 << 20 {
        format!("{:.2} MiB", b as f64 / (1u64 << 20) as f64)
    } else if b >= 1 << 10 {
        format!("{:.1} KiB", b as f64 / 1024.0)
    } else {
        format!("{b} B")
    }
}

/// The results as two markdown tables (time per lookup pass, memory), `n/a` where a router cannot
/// express a set.
pub fn markdown(m: &Measurements, stamp: &str) -> String {
    let sets = m.sets();
    let routers = m.routers();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- generated by `cargo run -p demo --bin bench-report`; do not edit -->"
    );
    let _ = writeln!(out, "Measured on: {stamp}.\n");
    let _ = writeln!(
        out,
        "**Time per lookup pass** (median; one pass looks up every path of the set once):\n"
    );
    table(&mut out, &sets, &routers, |s, r| {
        m.times.get(&(s.into(), r.into())).map(|ns| human_time(*ns))
    });
    if !m.paired.is_empty() {
        let _ = writeln!(
            out,
            "\n**Time per lookup pass, routers taking turns** (median of 101 rounds in which \
             every router of the set, after one untimed pass, times about 1 ms of passes; the \
             figures the ratios use):\n"
        );
        table(&mut out, &sets, &routers, |s, r| {
            m.paired
                .get(&(s.into(), r.into()))
                .map(|ns| human_time(*ns as f64))
        });
    }
    let ratios = ratios(m);
    if !ratios.is_empty() {
        let source = if m.paired.is_empty() {
            "criterion's medians"
        } else {
            "the turn-taking medians"
        };
        let _ = writeln!(out, "\n**Ratios** (of {source}):\n");
        for r in &ratios {
            let _ = writeln!(out, "- {}: **{:.2}** ({})", r.what, r.value, r.goal);
        }
    }
    if !m.memory.is_empty() {
        let _ = writeln!(
            out,
            "\n**Memory held after registering the set** (bytes allocated and not freed):\n"
        );
        table(&mut out, &sets, &routers, |s, r| {
            m.memory.get(&(s.into(), r.into())).map(|b| human_bytes(*b))
        });
    }
    out
}

/// One figure the chapter's goals are stated in.
#[derive(Debug, PartialEq)]
pub struct Ratio {
    pub what: String,
    pub value: f64,
    pub goal: &'static str,
}

/// The ratios the Benchmarks chapter sets goals for, where both sides were measured: our tree
/// against matchit on the same set, our tree at 10,000 routes against 10 (same depth), and the
/// ServeMux fallback scan at 10,000 patterns against 10.
pub fn ratios(m: &Measurements) -> Vec<Ratio> {
    let time = |set: &str, router: &str| {
        let key = (set.to_owned(), router.to_owned());
        match m.paired.get(&key) {
            Some(ns) => Some(*ns as f64),
            None => m.times.get(&key).copied(),
        }
    };
    let ratio =
        |what: &str, (set_a, router_a): (&str, &str), (set_b, router_b): (&str, &str), goal| {
            let (a, b) = (time(set_a, router_a)?, time(set_b, router_b)?);
            Some(Ratio {
                what: what.to_owned(),
                value: a / b,
                goal,
            })
        };
    [
        ratio(
            "radix-tree / matchit, `github`",
            ("github", "radix-tree"),
            ("github", "matchit"),
            "goal: at most 1.0",
        ),
        ratio(
            "radix-tree / matchit, `static`",
            ("static", "radix-tree"),
            ("static", "matchit"),
            "goal: at most 1.0",
        ),
        ratio(
            "radix-tree, `scale-10000` / `scale-10`",
            ("scale-10000", "radix-tree"),
            ("scale-10", "radix-tree"),
            "goal: at most 2.0",
        ),
        ratio(
            "servemux, `fallback-10000` / `fallback-10`",
            ("fallback-10000", "servemux"),
            ("fallback-10", "servemux"),
            "a linear scan: grows with the number of patterns",
        ),
        ratio(
            "pattern-mux, `fallback-10000` / `fallback-10`",
            ("fallback-10000", "pattern-mux"),
            ("fallback-10", "pattern-mux"),
            "a routing tree: goal at most 2.0",
        ),
        ratio(
            "pattern-mux, `scale-10000` / `scale-10`",
            ("scale-10000", "pattern-mux"),
            ("scale-10", "pattern-mux"),
            "goal: at most 2.0",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn table(
    out: &mut String,
    sets: &[String],
    routers: &[String],
    cell: impl Fn(&str, &str) -> Option<String>,
) {
    let _ = write!(out, "| set |");
    for r in routers {
        let _ = write!(out, " {r} |");
    }
    let _ = write!(out, "\n| --- |");
    for _ in routers {
        let _ = write!(out, " ---: |");
    }
    out.push('\n');
    for s in sets {
        let _ = write!(out, "| {s} |");
        for r in routers {
            let _ = write!(out, " {} |", cell(s, r).unwrap_or_else(|| "n/a".to_owned()));
        }
        out.push('\n');
    }
}

/// A horizontal bar chart of the times, one group of bars per set, on a log scale (the sets span
/// nanoseconds to milliseconds).
pub fn svg(m: &Measurements, stamp: &str) -> String {
    const COLORS: &[&str] = &[
        "#1f77b4", "#17becf", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    ];
    let sets = m.sets();
    let routers = m.routers();
    let (label_w, plot_w, bar_h, gap) = (130.0, 560.0, 12.0, 10.0);
    let rows: Vec<(&String, Vec<(usize, f64)>)> = sets
        .iter()
        .map(|s| {
            let bars = routers
                .iter()
                .enumerate()
                .filter_map(|(i, r)| m.times.get(&(s.clone(), r.clone())).map(|ns| (i, *ns)))
                .collect();
            (s, bars)
        })
        .collect();
    let min = m
        .times
        .values()
        .cloned()
        .fold(f64::INFINITY, f64::min)
        .max(1.0);
    let max = m
        .times
        .values()
        .cloned()
        .fold(0.0, f64::max)
        .max(min * 10.0);
    let (lo, hi) = (min.log10().floor(), max.log10().ceil());
    let x = |ns: f64| label_w + (ns.log10() - lo) / (hi - lo) * plot_w;
    let legend_h = 20.0 * routers.len() as f64;
    let body_h: f64 = rows.iter().map(|(_, b)| b.len() as f64 * bar_h + gap).sum();
    let height = 50.0 + body_h + 30.0 + legend_h;
    let width = label_w + plot_w + 120.0;

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="10" y="16" font-size="13">Time per lookup pass (log scale) — {}</text>"#,
        escape(stamp)
    );
    let mut decade = lo;
    while decade <= hi {
        let xd = x(10f64.powf(decade));
        let _ = writeln!(
            out,
            r##"<line x1="{xd:.1}" y1="30" x2="{xd:.1}" y2="{:.1}" stroke="#ddd"/>"##,
            40.0 + body_h
        );
        let _ = writeln!(
            out,
            r#"<text x="{xd:.1}" y="28" text-anchor="middle">{}</text>"#,
            human_time(10f64.powf(decade))
        );
        decade += 1.0;
    }
    let mut y = 40.0;
    for (set, bars) in &rows {
        let mid = y + bars.len() as f64 * bar_h / 2.0 + 4.0;
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{mid:.1}" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            escape(set)
        );
        for (i, ns) in bars {
            let w = (x(*ns) - label_w).max(1.0);
            let color = COLORS[i % COLORS.len()];
            let _ = writeln!(
                out,
                r#"<rect x="{label_w}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{color}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
                bar_h - 2.0,
                label_w + w + 4.0,
                y + bar_h - 3.0,
                human_time(*ns)
            );
            y += bar_h;
        }
        y += gap;
    }
    y += 20.0;
    for (i, r) in routers.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let _ = writeln!(
            out,
            r#"<rect x="{label_w}" y="{y:.1}" width="12" height="12" fill="{color}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            label_w + 18.0,
            y + 10.0,
            escape(r)
        );
        y += 20.0;
    }
    out.push_str("</svg>\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_estimate(dir: &Path, router: &str, set: &str, ns: f64) {
        let d = dir.join("routers").join(router).join(set).join("new");
        std::fs::create_dir_all(&d).unwrap();
        let json =
            format!(r#"{{"median": {{"point_estimate": {ns}}}, "mean": {{"point_estimate": 0}}}}"#);
        std::fs::write(d.join("estimates.json"), json).unwrap();
    }

    #[test]
    fn reads_criterion_output_and_renders_table_and_chart() {
        let dir = std::env::temp_dir().join(format!("bench-report-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write_estimate(&dir, "radix-tree", "github", 4200.0);
        write_estimate(&dir, "matchit", "github", 5100.0);
        write_estimate(&dir, "servemux", "static", 2_500_000.0);
        std::fs::write(
            dir.join("routers-memory.json"),
            r#"[["github","matchit",65536]]"#,
        )
        .unwrap();

        let m = load(&dir).unwrap();
        assert_eq!(m.times.len(), 3);
        let md = markdown(&m, "test machine");
        assert!(
            md.contains("| set | servemux | radix-tree | matchit |"),
            "{md}"
        );
        assert!(md.contains("| static | 2.500 ms | n/a | n/a |"), "{md}");
        assert!(
            md.contains("| github | n/a | 4.200 µs | 5.100 µs |"),
            "{md}"
        );
        assert!(md.contains("| github | n/a | n/a | 64.0 KiB |"), "{md}");
        assert!(
            md.contains("- radix-tree / matchit, `github`: **0.82** (goal: at most 1.0)"),
            "{md}"
        );
        assert_eq!(ratios(&m).len(), 1, "only the pair measured on both sides");
        assert!(md.contains("**Ratios** (of criterion's medians)"), "{md}");

        // With the turn-taking figures present, the ratios come from them.
        std::fs::write(
            dir.join("routers-paired.json"),
            r#"[["github","radix-tree",4000],["github","matchit",5000]]"#,
        )
        .unwrap();
        let m = load(&dir).unwrap();
        let md = markdown(&m, "test machine");
        assert!(md.contains("routers taking turns"), "{md}");
        assert!(
            md.contains("| github | n/a | 4.000 µs | 5.000 µs |"),
            "{md}"
        );
        assert!(
            md.contains("- radix-tree / matchit, `github`: **0.80** (goal: at most 1.0)"),
            "{md}"
        );
        let chart = svg(&m, "test machine");
        assert!(chart.starts_with("<svg") && chart.trim_end().ends_with("</svg>"));
        assert_eq!(
            chart.matches("<rect x=\"130\"").count(),
            3 + 3,
            "3 bars and 3 legend boxes"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
