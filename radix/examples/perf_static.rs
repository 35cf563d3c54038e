//! Profiling helper: look up every GET route of a data set in a loop, with our
//! tree or with matchit (`perf stat -e instructions` compares them even on a
//! busy machine, where wall-clock numbers are noisy).
//! `cargo run --release -p radix --example perf_static -- servemux/testkit/data/github.txt 20000 [radix|matchit]`
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let file = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("servemux/testkit/data/static.txt");
    let rounds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20000);
    let which = args.get(3).map(String::as_str).unwrap_or("radix");
    let text = std::fs::read_to_string(file).expect("data file");
    let mut tree = radix::Tree::new();
    let mut mit = matchit::Router::new();
    let mut reqs = Vec::new();
    for (i, l) in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .enumerate()
    {
        let (m, r) = l.split_once(' ').expect("METHOD PATH");
        if m != "GET" {
            continue;
        }
        tree.insert(r, i).expect("insert");
        let braces: Vec<String> = r
            .split('/')
            .map(|s| {
                s.strip_prefix(':')
                    .map_or(s.to_string(), |n| format!("{{{n}}}"))
            })
            .collect();
        mit.insert(braces.join("/"), i).expect("matchit insert");
        reqs.push(r.replace(':', "v"));
    }
    let start = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        for r in &reqs {
            if which == "matchit" {
                if let Ok(m) = mit.at(std::hint::black_box(r)) {
                    n += m.value + m.params.len();
                }
            } else if let Ok(m) = tree.get(std::hint::black_box(r)) {
                n += m.value + m.params.len();
            }
        }
    }
    let per = start.elapsed().as_nanos() as f64 / (rounds * reqs.len()) as f64;
    println!("{which}: {n} {per:.1} ns/lookup over {} routes", reqs.len());
}
