//! The route sets of the router comparison (`demo`'s `routers` bench) and of radix's lookup
//! bench, as data.
//!
//! - `static` and `github` are the two classic sets of julienschmidt/go-http-routing-benchmark
//!   (the Go website's static files, and the GitHub REST API), kept as text in this crate's
//!   `data/` folder;
//! - `scale-N` are generated sets of N static routes that all have the same depth (three
//!   segments), so that only the number of routes changes from one size to the next;
//! - `fallback-N` are N ServeMux subtree patterns (`/pN/`) and a lookup that only the root pattern
//!   `/` matches: the worst case of Go's linear `es` scan;
//! - `general` is a table of `/controller/action` routes, the only shape the controller layer's
//!   general routes can express.
//!
//! Routes use gin's syntax (`:name`); [`Route::lookup_path`] fills parameters with a value so each
//! route can be looked up.

/// One route: a method and a gin-style path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The method, upper case.
    pub method: String,
    /// The path, with `:name` parameters.
    pub path: String,
}

impl Route {
    /// The path with every `:param` replaced by `gopher`: a request this route (and, in these
    /// sets, only this route) matches.
    pub fn lookup_path(&self) -> String {
        self.path
            .split('/')
            .map(|seg| if seg.starts_with(':') { "gopher" } else { seg })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Whether the path has parameters.
    pub fn has_params(&self) -> bool {
        self.path.contains(':')
    }

    /// The path in matchit's syntax (`{name}`).
    pub fn braces(&self) -> String {
        self.path
            .split('/')
            .map(|seg| match seg.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => seg.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The route as a Go 1.22 ServeMux pattern: `METHOD /path/{name}`.
    pub fn pattern_122(&self) -> String {
        format!("{} {}", self.method, self.braces())
    }

    /// An anchored regular expression matching the same paths, with one capture group per
    /// parameter: how the controller layer's rules express a parameterised route.
    pub fn regex(&self) -> String {
        let body = self
            .path
            .split('/')
            .map(|seg| {
                if seg.starts_with(':') {
                    "([^/]+)".to_owned()
                } else {
                    regex_escape(seg)
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        format!("^{body}$")
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The routes of a data file: one `METHOD PATH` a line, `#` comments and blank lines skipped.
pub fn parse(text: &str) -> Vec<Route> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (method, path) = l.split_once(' ')?;
            Some(Route {
                method: method.to_owned(),
                path: path.trim().to_owned(),
            })
        })
        .collect()
}

/// The static set (157 routes, all GET).
pub fn static_set() -> Vec<Route> {
    parse(include_str!("../data/static.txt"))
}

/// The GitHub API set (203 routes, several methods).
pub fn github_set() -> Vec<Route> {
    parse(include_str!("../data/github.txt"))
}

/// `n` GET routes of depth three: `/a{i/100}/b{i/10%10}/c{i%10}` spelled out with wider
/// numbers so that every route is distinct.
pub fn scale_set(n: usize) -> Vec<Route> {
    (0..n)
        .map(|i| Route {
            method: "GET".to_owned(),
            path: format!("/a{}/b{}/c{}", i / 100, (i / 10) % 10, i % 10),
        })
        .collect()
}

/// Ten lookups spread evenly over a scale set, the same depth whatever its size.
pub fn scale_lookups(n: usize) -> Vec<String> {
    let set = scale_set(n);
    (0..10).map(|k| set[k * n / 10].path.clone()).collect()
}

/// `n` subtree patterns `/p{i}/` plus the root `/`.
pub fn fallback_patterns(n: usize) -> Vec<String> {
    let mut out: Vec<String> = (0..n).map(|i| format!("/p{i}/")).collect();
    out.push("/".to_owned());
    out
}

/// A path only the root pattern of [`fallback_patterns`] matches.
pub const FALLBACK_LOOKUP: &str = "/zz/deep/path/to/nothing";

/// `controllers` x `actions` routes `/c{i}/a{j}`.
pub fn general_set(controllers: usize, actions: usize) -> Vec<Route> {
    let mut out = Vec::with_capacity(controllers * actions);
    for c in 0..controllers {
        for a in 0..actions {
            out.push(Route {
                method: "GET".to_owned(),
                path: format!("/c{c}/a{a}"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_have_the_classic_sizes() {
        assert_eq!(static_set().len(), 157);
        assert_eq!(github_set().len(), 203);
        assert_eq!(scale_set(10_000).len(), 10_000);
        let mut paths: Vec<_> = scale_set(10_000).into_iter().map(|r| r.path).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), 10_000, "scale routes are distinct");
    }

    #[test]
    fn route_spellings() {
        let r = Route {
            method: "GET".into(),
            path: "/repos/:owner/:repo/events".into(),
        };
        assert_eq!(r.lookup_path(), "/repos/gopher/gopher/events");
        assert_eq!(r.braces(), "/repos/{owner}/{repo}/events");
        assert_eq!(r.regex(), "^/repos/([^/]+)/([^/]+)/events$");
        let s = Route {
            method: "GET".into(),
            path: "/doc/go1.1.html".into(),
        };
        assert_eq!(s.regex(), "^/doc/go1\\.1\\.html$");
    }
}
