//! Our `ProxyEnv` against Go 1.19's `http.ProxyFromEnvironment`, URL by URL.
//!
//! When a `go` toolchain is on PATH, this test builds `tests/go/proxy_env.go` (stdlib only), runs
//! it once per environment below — with nothing else in its environment — and feeds it the same
//! URLs our `ProxyEnv::from_lookup` decides on. Each answer ("host:port" of the proxy, "DIRECT",
//! "ERROR") must be the same — for a hand-written table, and for 25 environments drawn by a
//! seeded generator (`PROXY_DIFF_SEED` to try others) over 144 URLs each. Without `go` it prints
//! a notice and checks nothing (Debian:
//! `apt-get install golang-go`, which is Go 1.19), unless `REQUIRE_GO` is set.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use httpclient::ProxyEnv;
use testkit::go;
use testkit::rng::{env_or, Rng};

const ENVS: &[&[(&str, &str)]] = &[
    &[
        ("HTTP_PROXY", "proxy.a:3128"),
        ("HTTPS_PROXY", "http://secure.a:3129"),
        (
            "NO_PROXY",
            "foo.com, .bar.com,*.baz.com,10.0.0.0/8,192.168.1.1:8080,2001:db8::1,\
             [2001:db8::2]:443,q.org:81,.1,fd00::/8, [2001:db8::3]",
        ),
    ],
    &[
        ("http_proxy", "lower:1"),
        ("HTTPS_PROXY", "https.p:2"),
        ("no_proxy", "*"),
    ],
    &[
        ("HTTP_PROXY", ""),
        ("http_proxy", "lower:9"),
        ("NO_PROXY", " , ,x.com:80,Y.COM,:80"),
        ("https_proxy", "u:p@lowers:7"),
    ],
    &[
        ("REQUEST_METHOD", "GET"),
        ("HTTP_PROXY", "cgi:1"),
        ("HTTPS_PROXY", "s:2"),
    ],
    &[
        ("HTTPS_PROXY", "http://u:p@sp:3"),
        ("NO_PROXY", "localhost2,127.0.0.1:99,*,x.com"),
    ],
    &[
        ("HTTP_PROXY", "p:4"),
        ("NO_PROXY", "*.a.com:8080,.b.com:443,c.com"),
    ],
];

const URLS: &[&str] = &[
    "http://foo.com/",
    "http://a.foo.com/x",
    "http://xfoo.com/",
    "http://bar.com/",
    "https://x.bar.com/",
    "http://baz.com/",
    "http://a.baz.com/",
    "http://10.1.1.1/",
    "http://11.0.0.1/",
    "http://192.168.1.1:8080/",
    "http://192.168.1.1/",
    "http://[2001:db8::1]/",
    "https://[2001:db8::2]/",
    "http://[2001:db8::2]/",
    "http://[2001:db8::3]/",
    "http://[fd00::5]:81/",
    "http://q.org:81/",
    "http://q.org/",
    "http://localhost/",
    "http://LOCALHOST/",
    "http://localhost:8080/",
    "http://127.0.0.1/",
    "http://127.1.2.3:9/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://x.com/",
    "http://x.com:80/",
    "http://x.com:8080/",
    "https://x.com/",
    "http://y.com/",
    "http://a.y.com/",
    "http://y.1/",
    "http://1.1.1.1/",
    "http://example.com./",
    "http://sub.x.com/",
    "http://a.a.com:8080/",
    "http://a.a.com/",
    "https://x.b.com/",
    "http://x.b.com/",
    "http://c.com:1/",
    "https://c.com/",
    "http://C.COM/",
];

/// The Go twin, built now; `None` without `go` on PATH.
fn go_binary() -> Option<PathBuf> {
    if !go::go_on_path() {
        return None;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("proxy_env_go");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/go/proxy_env.go");
    Some(go::build(Path::new("go"), &src, &dir, go::Imports::Std))
}

fn go_answers(bin: &PathBuf, env: &[(&str, &str)]) -> Vec<String> {
    let mut child = Command::new(bin)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for url in URLS {
        writeln!(stdin, "{url}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn our_answer(env: &ProxyEnv, url: &str) -> String {
    match env.proxy_for(url) {
        Err(_) => "ERROR".into(),
        Ok(None) => "DIRECT".into(),
        Ok(Some(p)) => {
            let authority = p.url().trim_start_matches("http://");
            authority.rsplit('@').next().unwrap_or("").to_string()
        }
    }
}

#[test]
fn proxy_choice_matches_go() {
    let Some(bin) = go_binary() else {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO is set but `go` is not on PATH"
        );
        eprintln!("go not found on PATH: differential proxy test skipped");
        return;
    };
    let mut checked = 0;
    for env in ENVS {
        let map: HashMap<&str, &str> = env.iter().copied().collect();
        let ours = ProxyEnv::from_lookup(|name| map.get(name).map(|v| v.to_string()));
        let theirs = go_answers(&bin, env);
        assert_eq!(theirs.len(), URLS.len(), "go printed {theirs:?}");
        for (url, go) in URLS.iter().zip(&theirs) {
            assert_eq!(&our_answer(&ours, url), go, "env {env:?}, url {url}");
            checked += 1;
        }
    }
    println!("{checked} (environment, url) pairs agree with Go");
}

const ENTRIES: &[&str] = &[
    "*",
    "a.com",
    ".a.com",
    "*.a.com",
    "a.com:8080",
    ".b.org:80",
    "10.0.0.0/8",
    "10.1.2.3",
    "10.1.2.3:80",
    "::1",
    "2001:db8::/32",
    "[2001:db8::5]:443",
    "2001:db8::5",
    "B.ORG",
    " c.net ",
    ":80",
    "",
    "1",
    ".1",
    "a.com.",
    "[::1]",
    "localhost",
    "0.0.0.0/0",
    "c.net:443",
];
const PROXIES: &[&str] = &["p:1", "http://p:2", "", "u:pw@p:3", "HTTP://P:4", "p"];
const HOSTS: &[&str] = &[
    "a.com",
    "x.a.com",
    "xa.com",
    "b.org",
    "y.b.org",
    "c.net",
    "10.1.2.3",
    "10.9.9.9",
    "11.0.0.1",
    "[2001:db8::5]",
    "[2001:db8:1::1]",
    "[::1]",
    "localhost",
    "LOCALHOST",
    "127.0.0.1",
    "a.com.",
    "d.io",
    "B.ORG",
];
const PORTS: &[&str] = &["", ":80", ":443", ":8080"];

#[test]
fn random_environments_match_go() {
    let Some(bin) = go_binary() else {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO is set but `go` is not on PATH"
        );
        eprintln!("go not found on PATH: differential proxy test skipped");
        return;
    };
    let seed = env_or("PROXY_DIFF_SEED", 0x5eed_0018);
    let mut rng = Rng::new(seed);
    let mut urls = Vec::new();
    for scheme in ["http", "https"] {
        for host in HOSTS {
            for port in PORTS {
                urls.push(format!("{scheme}://{host}{port}/x"));
            }
        }
    }
    let mut checked = 0;
    for _ in 0..25 {
        let no_proxy: Vec<&str> = (0..1 + rng.below(5)).map(|_| rng.pick(ENTRIES)).collect();
        let no_proxy = no_proxy.join(",");
        let mut env: Vec<(&str, String)> = vec![
            (
                rng.pick(&["HTTP_PROXY", "http_proxy"]),
                rng.pick(PROXIES).to_string(),
            ),
            (
                rng.pick(&["HTTPS_PROXY", "https_proxy"]),
                rng.pick(PROXIES).to_string(),
            ),
            (rng.pick(&["NO_PROXY", "no_proxy"]), no_proxy),
        ];
        if rng.below(6) == 0 {
            env.push(("REQUEST_METHOD", "GET".into()));
        }
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        let ours = ProxyEnv::from_lookup(|name| map.get(name).map(|v| v.to_string()));
        let theirs = go_answers_for(&bin, &pairs, &urls);
        for (url, go) in urls.iter().zip(&theirs) {
            assert_eq!(
                &our_answer(&ours, url),
                go,
                "seed {seed}, env {pairs:?}, url {url}"
            );
            checked += 1;
        }
    }
    println!("{checked} random (environment, url) pairs agree with Go (seed {seed})");
}

fn go_answers_for(bin: &PathBuf, env: &[(&str, &str)], urls: &[String]) -> Vec<String> {
    let mut child = Command::new(bin)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for url in urls {
        writeln!(stdin, "{url}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), urls.len());
    lines
}
