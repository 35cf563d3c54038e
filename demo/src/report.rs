//! Reading criterion's results for the `routers` bench and rendering them as tables; the chart
//! of the same figures is drawn by [`crate::chart`].
//!
//! Kept in the library (not in the `bench-report` binary) so that a test can feed it a small,
//! made-up criterion directory and check the tables it produces, and so that
//! `tests/book_outputs.rs` can redraw the book's copies from the committed [`Snapshot`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

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

/// One run's figures as committed beside the chapter (`book/src/benchmarks-data.json`): the table
/// and the chart are both drawn from this file, so a test can redraw them from the commit and
/// every number in them has one source.
#[derive(Debug, Serialize, Deserialize)]
pub struct Snapshot {
    /// Where and when the numbers were taken ([`stamp`]).
    pub stamp: String,
    /// How the figures got into this file.
    pub source: String,
    /// `[set, router, nanoseconds]`: criterion's median of one lookup pass.
    pub times: Vec<(String, String, f64)>,
    /// `[set, router, nanoseconds]`: the median pass while the routers of a set take turns.
    pub paired: Vec<(String, String, u64)>,
    /// `[set, router, bytes]` held after registering the set.
    pub memory: Vec<(String, String, u64)>,
}

impl Snapshot {
    /// The snapshot of `m`, with its stamp and where the figures came from.
    pub fn new(m: &Measurements, stamp: &str, source: &str) -> Snapshot {
        let flat = |map: &BTreeMap<(String, String), u64>| {
            map.iter()
                .map(|((s, r), v)| (s.clone(), r.clone(), *v))
                .collect()
        };
        Snapshot {
            stamp: stamp.to_owned(),
            source: source.to_owned(),
            times: m
                .times
                .iter()
                .map(|((s, r), v)| (s.clone(), r.clone(), *v))
                .collect(),
            paired: flat(&m.paired),
            memory: flat(&m.memory),
        }
    }

    /// The figures, as [`load`] returns them from criterion's directory.
    pub fn measurements(&self) -> Measurements {
        let keyed = |rows: &[(String, String, u64)]| {
            rows.iter()
                .map(|(s, r, v)| ((s.clone(), r.clone()), *v))
                .collect()
        };
        Measurements {
            times: self
                .times
                .iter()
                .map(|(s, r, v)| ((s.clone(), r.clone()), *v))
                .collect(),
            paired: keyed(&self.paired),
            memory: keyed(&self.memory),
        }
    }

    /// JSON with one row a line, ending in a newline, so a new run's diff reads row by row.
    pub fn to_json(&self) -> String {
        fn rows<T: Serialize>(out: &mut String, name: &str, rows: &[T], last: bool) {
            let _ = writeln!(out, "  \"{name}\": [");
            for (i, row) in rows.iter().enumerate() {
                let comma = if i + 1 < rows.len() { "," } else { "" };
                let row = serde_json::to_string(row).expect("plain data serializes");
                let _ = writeln!(out, "    {row}{comma}");
            }
            let _ = writeln!(out, "  ]{}", if last { "" } else { "," });
        }
        let text = |s: &str| serde_json::to_string(s).expect("a string serializes");
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"stamp\": {},", text(&self.stamp));
        let _ = writeln!(out, "  \"source\": {},", text(&self.source));
        rows(&mut out, "times", &self.times, false);
        rows(&mut out, "paired", &self.paired, false);
        rows(&mut out, "memory", &self.memory, true);
        out.push_str("}\n");
        out
    }

    /// Parses what [`Snapshot::to_json`] wrote.
    pub fn from_json(text: &str) -> io::Result<Snapshot> {
        serde_json::from_str(text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
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

/// One column of the results' tables: the cell of a (set, router), if it was measured.
type Cell<'a> = Box<dyn Fn(&(String, String)) -> Option<String> + 'a>;

/// The results as markdown: one small table per [`Group`] (a set and its routers), each with
/// both medians and the memory, `n/a` where a figure is missing, then the ratios. One table per
/// set keeps a table four columns wide whatever the number of routers, so it fits a phone.
pub fn markdown(m: &Measurements, stamp: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- generated by `cargo run -p demo --bin bench-report`; do not edit -->"
    );
    let _ = writeln!(out, "Measured on: {stamp}.\n");
    let mut columns: Vec<(&str, Cell)> = vec![];
    if !m.paired.is_empty() {
        columns.push((
            "taking turns",
            Box::new(|k| m.paired.get(k).map(|ns| human_time(*ns as f64))),
        ));
    }
    columns.push((
        "criterion",
        Box::new(|k| m.times.get(k).map(|ns| human_time(*ns))),
    ));
    if !m.memory.is_empty() {
        columns.push((
            "memory",
            Box::new(|k| m.memory.get(k).map(|b| human_bytes(*b))),
        ));
    }
    let mut what =
        String::from("Time per lookup pass (one pass looks up every path of the set once), as ");
    if m.paired.is_empty() {
        what.push_str("criterion's median (**criterion**).");
    } else {
        what.push_str(
            "two medians: **taking turns** is the median of 101 rounds in which every router of \
             the set, after one untimed pass, times about 1 ms of passes (the figures the ratios \
             and the chart use); **criterion** is criterion's median, one router after another.",
        );
    }
    if !m.memory.is_empty() {
        what.push_str(
            " **Memory** is what the router holds after registering the set (bytes allocated and \
             not freed).",
        );
    }
    let _ = writeln!(out, "{what}");
    for group in groups(m) {
        let _ = writeln!(out, "\n**{}**\n", group.title_markdown());
        let _ = write!(out, "| {} |", group.row_kind());
        for (name, _) in &columns {
            let _ = write!(out, " {name} |");
        }
        let _ = write!(out, "\n| --- |");
        for _ in &columns {
            let _ = write!(out, " ---: |");
        }
        out.push('\n');
        for key in &group.rows {
            let _ = write!(out, "| {} |", group.row_label(key));
            for (_, cell) in &columns {
                let _ = write!(out, " {} |", cell(key).unwrap_or_else(|| "n/a".to_owned()));
            }
            out.push('\n');
        }
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
    out
}

/// What one table of the results and one panel of the chart show: one set and every router that
/// ran it (a row per router), or, for sets that only one router can run (the `fallback` sets are
/// ServeMux's alone), a run of such sets side by side (a row per set).
#[derive(Debug, PartialEq)]
pub struct Group {
    /// The sets shown, in [`SET_ORDER`].
    pub sets: Vec<String>,
    /// The (set, router) of each row, in order.
    pub rows: Vec<(String, String)>,
}

impl Group {
    /// Rows are routers when the group is one set, sets when it is one router.
    fn by_router(&self) -> bool {
        self.sets.len() == 1
    }

    /// What the first column holds: `router` or `set`.
    pub fn row_kind(&self) -> &'static str {
        if self.by_router() {
            "router"
        } else {
            "set"
        }
    }

    /// The name a row is shown by.
    pub fn row_label<'a>(&self, (set, router): &'a (String, String)) -> &'a str {
        if self.by_router() {
            router
        } else {
            set
        }
    }

    /// The group's title in plain text, for the chart.
    pub fn title(&self) -> String {
        match (self.sets.as_slice(), self.rows.first()) {
            ([one], _) => one.clone(),
            ([first, .., last], Some((_, router))) => format!("{router}, {first} to {last}"),
            _ => self.sets.join(", "),
        }
    }

    fn title_markdown(&self) -> String {
        match (self.sets.as_slice(), self.rows.first()) {
            ([one], _) => format!("`{one}`"),
            ([first, .., last], Some((_, router))) => {
                format!("`{router}` on `{first}` … `{last}`")
            }
            _ => self.sets.join(", "),
        }
    }
}

/// The results grouped for display: each set with more than one router is a group of its own;
/// consecutive sets measured on one and the same router share a group.
pub fn groups(m: &Measurements) -> Vec<Group> {
    let measured: BTreeSet<(String, String)> =
        m.times.keys().chain(m.paired.keys()).cloned().collect();
    let sets = ordered(measured.iter().map(|(s, _)| s.clone()), SET_ORDER);
    let routers = ordered(measured.iter().map(|(_, r)| r.clone()), ROUTER_ORDER);
    let mut out: Vec<Group> = Vec::new();
    for set in sets {
        let rows: Vec<(String, String)> = routers
            .iter()
            .map(|r| (set.clone(), r.clone()))
            .filter(|k| measured.contains(k))
            .collect();
        if let ([(_, router)], Some(last)) = (rows.as_slice(), out.last_mut()) {
            let last_router = last.rows.first().map(|(_, r)| r);
            if last.rows.len() == last.sets.len() && last_router == Some(router) {
                last.sets.push(set);
                last.rows.extend(rows);
                continue;
            }
        }
        out.push(Group {
            sets: vec![set],
            rows,
        });
    }
    out
}

/// One figure the chapter's goals are stated in.
#[derive(Debug, PartialEq)]
pub struct Ratio {
    /// What is compared with what.
    pub what: String,
    /// The measured ratio.
    pub value: f64,
    /// The goal it is held to, in words.
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
    fn reads_criterion_output_and_renders_the_tables() {
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
            md.contains("**`github`**\n\n| router | criterion | memory |"),
            "{md}"
        );
        assert!(md.contains("| radix-tree | 4.200 µs | n/a |"), "{md}");
        assert!(md.contains("| matchit | 5.100 µs | 64.0 KiB |"), "{md}");
        assert!(md.contains("**`static`**\n\n| router |"), "{md}");
        assert!(md.contains("| servemux | 2.500 ms | n/a |"), "{md}");
        assert!(
            md.contains("- radix-tree / matchit, `github`: **0.82** (goal: at most 1.0)"),
            "{md}"
        );
        assert_eq!(ratios(&m).len(), 1, "only the pair measured on both sides");
        assert!(md.contains("**Ratios** (of criterion's medians)"), "{md}");

        // With the turn-taking figures present, they come first and the ratios use them.
        std::fs::write(
            dir.join("routers-paired.json"),
            r#"[["github","radix-tree",4000],["github","matchit",5000]]"#,
        )
        .unwrap();
        let m = load(&dir).unwrap();
        let md = markdown(&m, "test machine");
        assert!(
            md.contains("| router | taking turns | criterion | memory |"),
            "{md}"
        );
        assert!(
            md.contains("| radix-tree | 4.000 µs | 4.200 µs | n/a |"),
            "{md}"
        );
        assert!(
            md.contains("- radix-tree / matchit, `github`: **0.80** (goal: at most 1.0)"),
            "{md}"
        );

        // The snapshot the book commits gives back the same figures.
        let snapshot = Snapshot::new(&m, "test machine", "test");
        let back = Snapshot::from_json(&snapshot.to_json()).unwrap();
        assert_eq!(back.measurements().times, m.times);
        assert_eq!(back.measurements().paired, m.paired);
        assert_eq!(back.measurements().memory, m.memory);
        assert_eq!(markdown(&back.measurements(), &back.stamp), md);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
