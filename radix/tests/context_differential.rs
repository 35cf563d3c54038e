//! gin's Context features against gin 1.8.1 itself, request by request.
//!
//! `tests/gin/context.go` serves binding and validation, cookies, ClientIP, each render, File,
//! SSE, an HTML template, BasicAuth and the user/`a/b` routes with gin; [`twin`] below builds the
//! same handlers on radix. For each engine mode (gin's defaults, trusted proxies narrowed or
//! off, `ForwardedByClientIP` off, `RemoveExtraSlash`, `UseRawPath` with and without
//! `UnescapePathValues`, the redirect switches with `HandleMethodNotAllowed`) both get the same
//! random requests and must give the same status, the same headers that carry meaning here
//! (`Content-Type`, `Set-Cookie`, `WWW-Authenticate`, `Location`, `Cache-Control`,
//! `Content-Range`, `Accept-Ranges`, `Last-Modified`, `X-Content-Type-Options`) and the same
//! body bytes.
//!
//! XML and template values include quotes, `+`, tabs, newlines and control characters: radix
//! re-escapes quick-xml's output by Go's `encoding/xml` table and gives minijinja Go's
//! `html/template` escaper, so the bytes must agree. Form values for numbers may be empty (gin
//! reads them as 0). YAML renders get strings from every class go-yaml v2 treats specially
//! (`common::yaml_pool`: YAML 1.1 booleans and nulls, ints and floats in 1.1 forms, base 60,
//! timestamps, indicators, edge spaces, line breaks, tabs, control and non-ASCII characters,
//! long lines), as a struct and inside nested maps with random keys, and radix writes them with
//! `go_yaml`, so the bytes must agree too.
//!
//! gin is Debian's 1.8.1 source, built with a current Go (1.23+, see [`find_go`]): `c.File` is
//! net/http's `ServeFile`, which radix takes from servemux, and servemux mirrors today's.
//!
//! Without Go it prints a notice and checks nothing, unless `REQUIRE_GO` is set. Set
//! `GIN_CTX_SEED` and `GIN_CTX_REQUESTS` (per mode) to try other seeds and more requests.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use common::http::{request, serve};
use common::yaml_pool::{random_string, KEYS};
use radix::{basic_auth, BindError, Context, Engine, AUTH_USER_KEY};
use serde::{Deserialize, Serialize};
use testkit::go::{self, Served};
use testkit::rng::{env_or, Rng};
use validator::{Validate, ValidationError};

// ---- the Rust twin of tests/gin/context.go ----------------------------------

/// go-playground's `required` on a string: the empty string fails too.
fn go_required(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() {
        return Err(ValidationError::new("required"));
    }
    Ok(())
}

// ANCHOR: login
/// gin: `User string `binding:"required,min=3"``, `Password string `binding:"required"``.
#[derive(Debug, Deserialize, Serialize, Validate)]
struct Login {
    #[validate(
        required,
        custom(function = "go_required"),
        length(min = 3, code = "min")
    )]
    user: Option<String>,
    #[validate(required, custom(function = "go_required"))]
    password: Option<String>,
}
// ANCHOR_END: login

#[derive(Debug, Deserialize, Serialize, Validate)]
struct Page {
    #[serde(default)]
    #[validate(range(max = 100, code = "max"))]
    size: i64,
    tag: Option<Vec<String>>,
}

#[derive(Serialize)]
#[allow(non_snake_case)]
struct Msg {
    Name: String,
    N: usize,
}

#[derive(Serialize)]
struct YamlMsg {
    name: String,
    count: i64,
}

/// `nested` (the map under `inner`): Go's map of mixed values, its keys written in the order
/// go-yaml sorts them, which a struct keeps.
#[derive(Serialize)]
struct Nested {
    inner: String,
    list: Vec<String>,
    map: BTreeMap<String, i32>,
}

/// A value of `yamlDoc`'s `keys` map.
#[derive(Serialize)]
#[serde(untagged)]
enum KeyValue {
    Str(String),
    List((String, i64, f64)),
    Nested(Nested),
    Msg(YamlMsg),
}

/// A value of `yamlDoc`'s top-level gin.H.
#[derive(Serialize)]
#[serde(untagged)]
enum DocValue {
    Keys(HashMap<String, KeyValue>),
    Float(f64),
    Int(i64),
    Ints(HashMap<i64, String>),
    Empty(Vec<i32>),
    None(Option<()>),
    Strs(Vec<String>),
}

/// The twin of context.go's `yamlDoc`. The maps are `HashMap`s, so the order comes from
/// go_yaml's sort, not from the Rust map.
fn yaml_doc(c: &Context<'_>, s: &str) -> HashMap<&'static str, DocValue> {
    let f: f64 = c.default_query("f", "").parse().unwrap_or(0.0);
    let n: i64 = c.default_query("i", "").parse().unwrap_or(0);
    let mut keys = HashMap::new();
    for (j, k) in c.query_array("k").into_iter().enumerate() {
        let v = match j % 4 {
            0 => KeyValue::Str(s.to_string()),
            1 => KeyValue::List((s.to_string(), n, f)),
            2 => KeyValue::Nested(Nested {
                inner: s.to_string(),
                list: vec![],
                map: BTreeMap::new(),
            }),
            _ => KeyValue::Msg(YamlMsg {
                name: s.to_string(),
                count: n,
            }),
        };
        keys.insert(k, v);
    }
    let mut ints = HashMap::new();
    for (k, v) in [(n, s), (-7, "minus seven"), (10, "ten"), (2, "two")] {
        ints.insert(k, v.to_string());
    }
    let t = c.default_query("t", "");
    HashMap::from([
        ("keys", DocValue::Keys(keys)),
        ("f", DocValue::Float(f)),
        ("n", DocValue::Int(n)),
        ("ints", DocValue::Ints(ints)),
        ("empty", DocValue::Empty(vec![])),
        ("none", DocValue::None(None)),
        ("strs", DocValue::Strs(vec![s.to_string(), t])),
    ])
}

async fn bind_answer(c: &mut Context<'_>, err: BindError) {
    let fields: Vec<String> = err
        .field_errors()
        .into_iter()
        .map(|(f, t)| format!("{f}:{t}"))
        .collect();
    if fields.is_empty() {
        c.json(400, &serde_json::json!({"error": "decode"})).await
    } else {
        c.json(400, &serde_json::json!({"fields": fields})).await
    }
}

fn twin(mode: &str, files: &Path, templates: &str) -> Engine {
    let mut e = Engine::new();
    match mode {
        "trust-loopback" => e.set_trusted_proxies(&["127.0.0.1"]).unwrap(),
        "trust-none" => e.set_trusted_proxies(&[]).unwrap(),
        "no-forward" => e.client_ip.forwarded_by_client_ip = false,
        "extra-slash" => e.remove_extra_slash = true,
        "raw-path" => e.use_raw_path = true,
        "switches" => {
            e.redirect_trailing_slash = false;
            e.redirect_fixed_path = true;
            e.handle_method_not_allowed = true;
        }
        "raw-path-escaped" => {
            e.use_raw_path = true;
            e.unescape_path_values = false;
        }
        _ => {}
    }
    e.load_html_glob(templates).unwrap();
    e.post("/bind/should", |c| {
        Box::pin(async move {
            match c.should_bind::<Login>().await {
                Ok(l) => c.json(200, &l).await,
                Err(err) => bind_answer(c, err).await,
            }
        })
    })
    .unwrap();
    e.post("/bind/must", |c| {
        Box::pin(async move {
            if let Ok(l) = c.bind_json::<Login>().await {
                c.json(200, &l).await;
            }
        })
    })
    .unwrap();
    e.get("/bind/query", |c| {
        Box::pin(async move {
            match c.should_bind_query::<Page>().await {
                Ok(p) => c.json(200, &p).await,
                Err(err) => bind_answer(c, err).await,
            }
        })
    })
    .unwrap();
    e.get("/cookie", |c| {
        Box::pin(async move {
            let seen = c.cookie("session").unwrap_or_else(|| "none".into());
            let v = c.default_query("v", "");
            c.set_cookie("gin", &v, 3600, "", "example.com", true, true);
            c.set_same_site(Some(cookie::SameSite::Lax));
            c.set_cookie("gone", "", -1, "/x", "", false, false);
            c.string(200, &seen).await;
        })
    })
    .unwrap();
    e.get("/ip", |c| {
        Box::pin(async move {
            let ip = c.client_ip();
            c.string(200, &ip).await;
        })
    })
    .unwrap();
    e.get("/render/:kind", |c| {
        Box::pin(async move {
            let s = c.default_query("s", "");
            let h = serde_json::json!({"s": s, "list": [1, 2]});
            match c.param("kind").to_string().as_str() {
                "xml" => {
                    c.xml(
                        200,
                        &Msg {
                            Name: s.clone(),
                            N: s.len(),
                        },
                    )
                    .await
                }
                "yaml" => {
                    c.yaml(
                        200,
                        &YamlMsg {
                            name: s.clone(),
                            count: s.len() as i64,
                        },
                    )
                    .await
                }
                "yaml-map" => {
                    let doc = yaml_doc(c, &s);
                    c.yaml(200, &doc).await
                }
                "json" => c.json(200, &h).await,
                "indented" => c.indented_json(200, &h).await,
                "pure" => c.pure_json(200, &h).await,
                "secure" => c.secure_json(200, &[s.as_str(), "x"]).await,
                "secure-object" => c.secure_json(200, &h).await,
                "jsonp" => c.jsonp(200, &h).await,
                _ => {}
            }
        })
    })
    .unwrap();
    let files = files.to_path_buf();
    e.get("/file/:name", move |c| {
        let path = files.join(c.param("name"));
        Box::pin(async move { c.file(&path).await })
    })
    .unwrap();
    e.get("/sse", |c| {
        Box::pin(async move {
            let s = c.default_query("s", "");
            c.stream(0usize, |c, n| {
                let s = s.clone();
                Box::pin(async move {
                    *n += 1;
                    c.sse_event("tick", &format!("n={n}\n{s}")).await;
                    if *n == 2 {
                        c.sse_event_json("obj", &serde_json::json!({"n": *n, "s": s}))
                            .await;
                    }
                    *n < 3
                })
            })
            .await;
        })
    })
    .unwrap();
    e.get("/html", |c| {
        Box::pin(async move {
            let s = c.default_query("s", "");
            c.html(200, "page.html", &serde_json::json!({"title": s}))
                .await
        })
    })
    .unwrap();
    {
        let mut admin = e.group("/admin");
        admin.use_handler(basic_auth(&[("ann", "secret"), ("bob", "pw")]));
        admin
            .get("/who", |c| {
                Box::pin(async move {
                    let user = c.get::<String>(AUTH_USER_KEY).cloned().unwrap_or_default();
                    c.string(200, &user).await;
                })
            })
            .unwrap();
    }
    e.get("/user/:name", |c| {
        Box::pin(async move {
            let body = format!("user {}", c.param("name"));
            c.string(200, &body).await;
        })
    })
    .unwrap();
    e.get("/a/b", |c| {
        Box::pin(async move { c.string(200, "ab").await })
    })
    .unwrap();
    e.post("/upload", |c| {
        Box::pin(async move {
            let (name, size, path) = match c.form_file("file").await {
                Ok(f) => (f.filename.clone(), f.size, f.temp_path().to_path_buf()),
                Err(_) => return c.string(400, "no file").await,
            };
            let data = std::fs::read(path).unwrap_or_default();
            let note = c.default_post_form("note", "-").await;
            let tags = c.post_form_array("tag").await.join(",");
            let mut body = format!("{name} {size} note={note} tags={tags}\n").into_bytes();
            body.extend_from_slice(&data);
            c.data(200, "text/plain; charset=utf-8", &body).await;
        })
    })
    .unwrap();
    e
}

// ---- random requests ------------------------------------------------------

/// One request: method, target, headers, body.
type Req = (&'static str, String, Vec<(String, String)>, Vec<u8>);

const WORDS: &[&str] = &[
    "plain",
    "a<b",
    "x&y",
    "tag>",
    "über",
    "",
    "two words",
    "<i>&amp;",
];
/// What Go's XML and HTML escapers treat specially beyond `<`, `>` and `&`.
const ESCAPES: &[&str] = &[
    "say \"hi\"",
    "it's",
    "a+b",
    "tab\there",
    "line\nbreak",
    "cr\rhere",
    "ctl\u{1}x",
    "nul\u{0}x",
    "\"<'&'>\"",
];
/// `f` and `i` for the YAML document: Go's float layouts, infinities, NaN, negative zero and
/// ints, and text both read as 0 (ints stay within int64: Atoi clamps, Rust refuses).
const YAML_FLOATS: &[&str] = &[
    "1.5",
    "-0.25",
    "1e21",
    "1e-7",
    "100000",
    "1000000",
    "3",
    "-0",
    "0.1",
    "123456789.125",
    "NaN",
    "Inf",
    "-Inf",
    "1e400",
    "abc",
    "",
];
const YAML_INTS: &[&str] = &[
    "-12",
    "0",
    "42",
    "-9223372036854775808",
    "+5",
    "x",
    "",
    "-1",
];
const IPS: &[&str] = &[
    "9.9.9.9",
    "10.0.0.1",
    "127.0.0.1",
    "::1",
    "2001:db8::1",
    "bogus",
    " 8.8.8.8 ",
    "",
    "::ffff:1.2.3.4",
    "192.168.1.300",
];
const AUTHS: &[&str] = &[
    "",
    "Basic YW5uOnNlY3JldA==",
    "Basic Ym9iOnB3",
    "Basic Ym9iOm5vcGU=",
    "basic YW5uOnNlY3JldA==",
    "Bearer x",
];
const COOKIES: &[&str] = &[
    "",
    "session=hello%20you",
    "a=1; session=x+y",
    "session=%zz",
    "other=1",
    "session=",
];
const JSON_BODIES: &[&str] = &[
    r#"{"user":"ann","password":"x"}"#,
    r#"{"user":"an","password":"x"}"#,
    r#"{"user":"","password":""}"#,
    r#"{"password":"x"}"#,
    r#"{}"#,
    r#"{"user":"zed"}"#,
    r#"{nope"#,
    r#"{"user":5}"#,
    r#"{"user":"long name","password":"p","extra":1}"#,
];
const FORM_BODIES: &[&str] = &[
    "user=bob&password=q",
    "user=bo",
    "password=only",
    "",
    "user=%41nn&password=x",
];
const PATHS: &[&str] = &[
    "/a/b",
    "//a//b",
    "/a/./b",
    "/a/../a/b",
    "/user/x",
    "/user//x",
    "/user/a%2Fb",
    "/user/a%20b",
    "/user/%7Ejoe",
    "/user/a%2fb",
    "/user/a+b",
    "/a/b/",
    "/user/a%25b",
];
const FILES: &[&str] = &["hello.html", "notes", "missing.txt", "data.json"];
const RANGES: &[&str] = &[
    "bytes=0-3",
    "bytes=3-",
    "bytes=-4",
    "bytes=50-60",
    "bytes=2-1",
];

fn h(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

fn enc(s: &str) -> String {
    radix::query_escape(s)
}

const FILE_NAMES: &[&str] = &[
    "a.txt",
    "dir/b.txt",
    "../up.txt",
    "two words.bin",
    "ü.txt",
    "",
];
const FILE_BODIES: &[&str] = &[
    "",
    "hello",
    "line 1\r\nline 2\r\n",
    "--XyZZ is longer than the boundary",
    "\u{0}\u{1}ü",
];

/// A multipart upload: a note, tags and a file part in random order, sometimes without the file,
/// without the closing delimiter, or without the boundary parameter.
fn multipart_request(rng: &mut Rng) -> Req {
    let mut parts: Vec<String> = Vec::new();
    if rng.chance(70) {
        parts.push(format!(
            "Content-Disposition: form-data; name=\"note\"\r\n\r\n{}",
            rng.pick(WORDS)
        ));
    }
    for _ in 0..rng.below(3) {
        parts.push(format!(
            "Content-Disposition: form-data; name=\"tag\"\r\n\r\n{}",
            rng.pick(&["a", "b c", "ü"])
        ));
    }
    if rng.chance(80) {
        let ct = if rng.chance(50) {
            "Content-Type: application/octet-stream\r\n"
        } else {
            ""
        };
        let at = rng.below(parts.len() + 1);
        parts.insert(
            at,
            format!(
                "Content-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n{ct}\r\n{}",
                rng.pick(FILE_NAMES),
                rng.pick(FILE_BODIES)
            ),
        );
    }
    let mut body = String::new();
    for p in &parts {
        body.push_str("--XyZ\r\n");
        body.push_str(p);
        body.push_str("\r\n");
    }
    // Sometimes cut short after the last part's data: both refuse the form. (A cut inside a
    // part's headers is where they differ: Go keeps the parts before it, radix refuses.)
    if rng.chance(90) {
        body.push_str("--XyZ--\r\n");
    }
    let ct = if rng.chance(90) {
        "multipart/form-data; boundary=XyZ"
    } else {
        "multipart/form-data"
    };
    (
        "POST",
        "/upload".to_string(),
        vec![h("Content-Type", ct)],
        body.into_bytes(),
    )
}

/// The query of a `yaml-map` request: up to six random keys (left out while go-yaml's order of
/// them would be a cycle, which Go writes in its random map order), `f`, `i` and `t`.
fn yaml_doc_query(rng: &mut Rng) -> String {
    let mut keys: Vec<String> = Vec::new();
    for _ in 0..rng.below(7) {
        let k = if rng.chance(70) {
            rng.pick(KEYS).to_string()
        } else {
            random_string(rng)
        };
        let mut with = keys.clone();
        with.push(k.clone());
        let refs: Vec<&str> = with.iter().map(String::as_str).collect();
        if radix::go_yaml::keys_have_one_order(&refs) {
            keys.push(k);
        }
    }
    let mut q = String::new();
    for k in &keys {
        q.push_str(&format!("&k={}", enc(k)));
    }
    q.push_str(&format!(
        "&f={}&i={}&t={}",
        enc(rng.pick(YAML_FLOATS)),
        enc(rng.pick(YAML_INTS)),
        enc(&random_string(rng))
    ));
    q
}

/// A YAML render: the struct or the nested document, with a string from the hard pool.
fn yaml_request(rng: &mut Rng) -> Req {
    let s = random_string(rng);
    let target = if rng.chance(50) {
        format!("/render/yaml?s={}", enc(&s))
    } else {
        format!("/render/yaml-map?s={}{}", enc(&s), yaml_doc_query(rng))
    };
    ("GET", target, vec![], vec![])
}

fn random_request(rng: &mut Rng) -> Req {
    match rng.below(14) {
        12 | 13 => yaml_request(rng),
        0 => {
            let body = rng.pick(JSON_BODIES).as_bytes().to_vec();
            let path = if rng.chance(50) {
                "/bind/should"
            } else {
                "/bind/must"
            };
            (
                "POST",
                path.to_string(),
                vec![h("Content-Type", "application/json")],
                body,
            )
        }
        1 => {
            let body = rng.pick(FORM_BODIES).as_bytes().to_vec();
            let q = if rng.chance(30) {
                "?password=fromquery"
            } else {
                ""
            };
            let ct = h("Content-Type", "application/x-www-form-urlencoded");
            ("POST", format!("/bind/should{q}"), vec![ct], body)
        }
        2 => {
            let size = rng.pick(&["10", "100", "101", "-5", "x", "1000", ""]);
            let mut q = String::new();
            if rng.chance(80) {
                q.push_str(&format!("size={size}"));
            }
            for _ in 0..rng.below(3) {
                q.push_str(&format!("&tag={}", enc(rng.pick(&["a", "b c", "ü"]))));
            }
            ("GET", format!("/bind/query?{q}"), vec![], vec![])
        }
        3 => {
            let mut headers = vec![];
            let cookie = rng.pick(COOKIES);
            if !cookie.is_empty() {
                headers.push(h("Cookie", cookie));
            }
            let v = rng.pick(&["plain", "a b&c", "ü/ß", "", "x=y;z"]);
            ("GET", format!("/cookie?v={}", enc(v)), headers, vec![])
        }
        4 => {
            let mut headers = vec![];
            if rng.chance(80) {
                let chain: Vec<&str> = (0..1 + rng.below(3)).map(|_| rng.pick(IPS)).collect();
                headers.push(h("X-Forwarded-For", &chain.join(",")));
            }
            if rng.chance(40) {
                headers.push(h("X-Real-IP", rng.pick(IPS)));
            }
            ("GET", "/ip".to_string(), headers, vec![])
        }
        5 => {
            let kind = rng.pick(&[
                "xml",
                "yaml",
                "json",
                "indented",
                "pure",
                "secure",
                "secure-object",
                "jsonp",
                "yaml-map",
            ]);
            let s = match kind {
                "xml" if rng.chance(50) => rng.pick(ESCAPES).to_string(),
                "yaml" | "yaml-map" => random_string(rng),
                _ => rng.pick(WORDS).to_string(),
            };
            let mut target = format!("/render/{kind}?s={}", enc(&s));
            if kind == "yaml-map" {
                target.push_str(&yaml_doc_query(rng));
            }
            if kind == "jsonp" && rng.chance(75) {
                let cb = rng.pick(&["cb", "x=y", "a'b", "f<1>", "q\"", "tab\there"]);
                target.push_str(&format!("&callback={}", enc(cb)));
            }
            ("GET", target, vec![], vec![])
        }
        6 => {
            let mut headers = vec![];
            if rng.chance(30) {
                headers.push(h("Range", rng.pick(RANGES)));
            }
            if rng.chance(20) {
                let when = rng.pick(&[
                    "Mon, 01 Jan 2001 00:00:00 GMT",
                    "Fri, 01 Jan 2100 00:00:00 GMT",
                ]);
                headers.push(h("If-Modified-Since", when));
            }
            ("GET", format!("/file/{}", rng.pick(FILES)), headers, vec![])
        }
        7 => (
            "GET",
            format!("/sse?s={}", enc(rng.pick(WORDS))),
            vec![],
            vec![],
        ),
        8 => {
            let pool = if rng.chance(50) { ESCAPES } else { WORDS };
            let s = rng.pick(pool);
            ("GET", format!("/html?s={}", enc(s)), vec![], vec![])
        }
        9 => {
            let auth = rng.pick(AUTHS);
            let headers = if auth.is_empty() {
                vec![]
            } else {
                vec![h("Authorization", auth)]
            };
            ("GET", "/admin/who".to_string(), headers, vec![])
        }
        10 => multipart_request(rng),
        _ => {
            let method = if rng.chance(20) { "POST" } else { "GET" };
            (method, rng.pick(PATHS).to_string(), vec![], vec![])
        }
    }
}

// ---- running both -----------------------------------------------------------

/// `Allow` is left out: our 405 sends one (DESIGN.md's engine contract), gin 1.8.1's does not.
const COMPARED_HEADERS: &[&str] = &[
    "content-type",
    "set-cookie",
    "www-authenticate",
    "location",
    "cache-control",
    "content-range",
    "accept-ranges",
    "last-modified",
    "x-content-type-options",
];

/// What a client sees of one response: status, the compared headers, body.
type Seen = (u16, Vec<(String, String)>, String);

async fn fetch(addr: SocketAddr, req: &Req) -> Seen {
    let headers: Vec<(&str, &str)> = req
        .2
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = request(addr, req.0, &req.1, &headers, &req.3).await;
    let mut kept: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(k, _)| COMPARED_HEADERS.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    (r.status, kept, r.body)
}

/// A current Go (1.23+: `c.File` is net/http's `ServeFile`, and servemux's file serving mirrors
/// today's).
fn find_go() -> Option<PathBuf> {
    go::go_at_least("GO122", 23)
}

fn gin_available() -> bool {
    find_go().is_some() && go::gin_source_present()
}

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("gin_context_differential")
}

fn build_gin_twin(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gin/context.go");
    let go = find_go().expect("checked by gin_available");
    go::build(&go, &src, dir, go::Imports::Debian)
}

fn start_gin(bin: &Path, mode: &str, files: &Path, glob: &str) -> Served {
    let files = files.to_string_lossy();
    let gin = Served::start(bin, &[mode, &files, glob], true);
    gin.addr();
    gin
}

/// The files both serve and the two template directories (same output, each engine's syntax).
fn fixtures(dir: &Path) -> (PathBuf, String, String) {
    let files = dir.join("files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("hello.html"), "<p>hello</p>").unwrap();
    std::fs::write(files.join("notes"), "plain text, no extension\n").unwrap();
    std::fs::write(files.join("data.json"), "{\"a\":1}").unwrap();
    let go_tpl = dir.join("tpl-go");
    let rs_tpl = dir.join("tpl-rs");
    std::fs::create_dir_all(&go_tpl).unwrap();
    std::fs::create_dir_all(&rs_tpl).unwrap();
    std::fs::write(go_tpl.join("page.html"), "<h1>{{.title}}</h1>\n").unwrap();
    std::fs::write(rs_tpl.join("page.html"), "<h1>{{ title }}</h1>\n").unwrap();
    (
        files,
        format!("{}/*.html", go_tpl.display()),
        format!("{}/*.html", rs_tpl.display()),
    )
}

const MODES: &[&str] = &[
    "default",
    "trust-loopback",
    "trust-none",
    "no-forward",
    "extra-slash",
    "raw-path",
    "raw-path-escaped",
    "switches",
];

#[test]
fn context_features_answer_as_gin_1_8_1() {
    if !gin_available() {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO is set but `go` or gin's source is missing"
        );
        println!("SKIPPED: no `go` or gin source; the gin 1.8.1 context differential did not run");
        return;
    }
    let dir = tmp_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let bin = build_gin_twin(&dir);
    let (files, go_glob, rs_glob) = fixtures(&dir);
    let seed = env_or("GIN_CTX_SEED", 0x1781_0001);
    let per_mode = env_or("GIN_CTX_REQUESTS", 300) as usize;
    let mut rng = Rng::new(seed);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut by_route: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    let mut total = 0;
    let mut mismatches: Vec<String> = Vec::new();
    let mut mismatch_count = 0;
    let mut seen_kinds = std::collections::BTreeSet::new();
    for mode in MODES {
        let gin = start_gin(&bin, mode, &files, &go_glob);
        let engine = twin(mode, &files, &rs_glob);
        rt.block_on(async {
            let ours = serve(engine).await;
            for i in 0..per_mode {
                let req = random_request(&mut rng);
                let want = fetch(gin.addr(), &req).await;
                let got = fetch(ours.addr, &req).await;
                let kind = req.1.split('?').next().unwrap_or("").to_string();
                if got != want {
                    mismatch_count += 1;
                    if !seen_kinds.insert(kind) {
                        continue;
                    }
                    mismatches.push(format!(
                        "mode {mode}, request {i} (seed {seed}): {} {} headers {:?} body {:?}\n  ours {got:?}\n  gin  {want:?}",
                        req.0,
                        req.1,
                        req.2,
                        String::from_utf8_lossy(&req.3)
                    ));
                    continue;
                }
                let route = req.1.split('?').next().unwrap_or("");
                let key = if PATHS.contains(&route) {
                    "paths (user, a/b, switches)".to_string()
                } else {
                    route.to_string()
                };
                *by_route.entry(key).or_insert(0) += 1;
                *by_status.entry(want.0).or_insert(0) += 1;
                total += 1;
            }
            ours.stop().await;
        });
    }
    assert!(
        mismatches.is_empty(),
        "{mismatch_count} requests answered differently; the first of each target:\n{}",
        mismatches[..mismatches.len().min(12)].join("\n")
    );
    println!(
        "gin 1.8.1 context differential: {} modes, {total} requests agreed (status, headers, body);\n  by route {by_route:?}\n  by status {by_status:?}",
        MODES.len()
    );
}
