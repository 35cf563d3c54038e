//! The Engine over real HTTP (servemux::Server on 127.0.0.1:0): gin's
//! not-found behaviour, redirects, 405, groups and middleware order,
//! `next`/`abort`, recovery, params/query/form/JSON.

mod common;

use common::http::{get, request, serve};
use radix::{default_engine, handler, Context, Engine, RouteError, ABORT_INDEX};
use serde::{Deserialize, Serialize};

fn ok(
    body: &'static str,
) -> impl for<'a, 'e> Fn(&'a mut Context<'e>) -> servemux::BoxFuture<'a> + Send + Sync + 'static {
    move |c| Box::pin(async move { c.string(200, body).await })
}

fn sample() -> Engine {
    let mut e = Engine::new();
    e.get("/users", ok("users")).unwrap();
    e.post("/users", ok("created")).unwrap();
    e.get("/docs/", ok("docs")).unwrap();
    e.get("/user/:name", |c| {
        Box::pin(async move {
            let body = format!("hello {}", c.param("name"));
            c.string(200, &body).await
        })
    })
    .unwrap();
    e.get("/user/groups", ok("groups")).unwrap();
    e.get("/files/*path", |c| {
        Box::pin(async move {
            let body = c.param("path").to_string();
            c.string(200, &body).await
        })
    })
    .unwrap();
    e
}

#[tokio::test]
async fn not_found_and_trailing_slash_redirects() {
    let srv = serve(sample()).await;
    let a = srv.addr;

    let r = get(a, "/nothing").await;
    assert_eq!((r.status, r.body.as_str()), (404, "404 page not found"));
    assert_eq!(r.header("content-type"), Some("text/plain"));

    // GET: 301, other methods: 307; the query is kept.
    let r = get(a, "/users/?page=2").await;
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/users?page=2"));
    assert_eq!(
        r.body,
        "<a href=\"/users?page=2\">Moved Permanently</a>.\n\n"
    );
    let r = request(a, "POST", "/users/", &[], b"").await;
    assert_eq!(r.status, 307);
    assert_eq!(r.header("location"), Some("/users"));
    let r = get(a, "/docs").await;
    assert_eq!((r.status, r.header("location")), (301, Some("/docs/")));
    let r = get(a, "/files").await;
    assert_eq!((r.status, r.header("location")), (301, Some("/files/")));

    // Fixed-path redirect is off by default; 405 handling too.
    assert_eq!(get(a, "/USERS").await.status, 404);
    assert_eq!(request(a, "DELETE", "/users", &[], b"").await.status, 404);

    // Static beside param, static first; catch-all keeps the leading slash.
    assert_eq!(get(a, "/user/groups").await.body, "groups");
    assert_eq!(get(a, "/user/gopher").await.body, "hello gopher");
    assert_eq!(get(a, "/files/a/b.txt").await.body, "/a/b.txt");
    // Matching uses the decoded path.
    assert_eq!(get(a, "/user/go%20pher").await.body, "hello go pher");
    srv.stop().await;
}

#[tokio::test]
async fn method_not_allowed_fixed_path_and_custom_chains() {
    let mut e = sample();
    e.handle_method_not_allowed = true;
    e.redirect_fixed_path = true;
    e.no_route(vec![handler(|c| {
        Box::pin(async move { c.string(404, "custom 404").await })
    })]);
    let srv = serve(e).await;
    let a = srv.addr;

    let r = request(a, "DELETE", "/users", &[], b"").await;
    assert_eq!((r.status, r.body.as_str()), (405, "405 method not allowed"));
    let mut allow: Vec<&str> = r.header("allow").unwrap().split(", ").collect();
    allow.sort();
    assert_eq!(allow, ["GET", "POST"]);

    let r = get(a, "/USERS").await;
    assert_eq!((r.status, r.header("location")), (301, Some("/users")));
    let r = get(a, "/Docs").await; // case and trailing slash fixed together
    assert_eq!((r.status, r.header("location")), (301, Some("/docs/")));
    let r = request(a, "POST", "/USERS", &[], b"").await;
    assert_eq!((r.status, r.header("location")), (307, Some("/users")));

    let r = get(a, "/nothing").await;
    assert_eq!((r.status, r.body.as_str()), (404, "custom 404"));
    srv.stop().await;

    let mut e = sample();
    e.handle_method_not_allowed = true;
    e.no_method(vec![handler(|c| {
        Box::pin(async move { c.string(405, "nope").await })
    })]);
    let srv = serve(e).await;
    let r = request(srv.addr, "PUT", "/users", &[], b"").await;
    assert_eq!((r.status, r.body.as_str()), (405, "nope"));
    srv.stop().await;
}

/// Middleware writes before and after `next()`, so the body shows the order.
fn trace(tag: &'static str) -> radix::HandlerFunc {
    handler(move |c| {
        Box::pin(async move {
            let _ = c.writer().write(format!("{tag}>").as_bytes()).await;
            c.next().await;
            let _ = c.writer().write(format!("<{tag}").as_bytes()).await;
        })
    })
}

#[tokio::test]
async fn groups_middleware_order_next_and_abort() {
    let mut e = Engine::new();
    e.use_handler(trace("global"));
    {
        let mut api = e.group("/api");
        api.use_handler(trace("api"));
        api.get("/ping", |c| {
            Box::pin(async move {
                let _ = c.writer().write(b"pong").await;
            })
        })
        .unwrap();
        let mut admin = api.group("admin/");
        admin.use_(|c| {
            Box::pin(async move {
                if c.request().headers().get("x-token").is_none() {
                    let _ = c.writer().write(b"denied").await;
                    c.abort();
                    assert!(c.is_aborted());
                }
            })
        });
        admin
            .get(":id", |c| {
                Box::pin(async move {
                    let body = format!("admin {}", c.param("id"));
                    let _ = c.writer().write(body.as_bytes()).await;
                })
            })
            .unwrap();
    }
    let srv = serve(e).await;
    let a = srv.addr;
    assert_eq!(get(a, "/api/ping").await.body, "global>api>pong<api<global");
    // The guard does not call next(): the loop in next() moves on to the handler.
    let r = request(a, "GET", "/api/admin/7", &[("x-token", "t")], b"").await;
    assert_eq!(r.body, "global>api>admin 7<api<global");
    // abort(): the handler is skipped, outer middleware still unwinds.
    assert_eq!(
        get(a, "/api/admin/7").await.body,
        "global>api>denied<api<global"
    );
    // The global middleware also wraps the 404 chain.
    let r = get(a, "/nope").await;
    assert_eq!((r.status, r.body.as_str()), (404, "global><global"));
    srv.stop().await;
}

#[tokio::test]
async fn recovery_turns_panics_into_500_and_keeps_serving() {
    let mut e = default_engine();
    e.get("/boom", |c| {
        Box::pin(async move {
            if c.path() == "/boom" {
                panic!("handler exploded");
            }
        })
    })
    .unwrap();
    e.get("/fine", ok("fine")).unwrap();
    let srv = serve(e).await;
    for _ in 0..3 {
        assert_eq!(get(srv.addr, "/boom").await.status, 500);
        assert_eq!(get(srv.addr, "/fine").await.body, "fine");
    }
    srv.stop().await;
}

#[derive(Serialize, Deserialize, validator::Validate)]
struct Login {
    user: String,
    password: String,
}

#[tokio::test]
async fn query_form_keys_json_and_bind() {
    let mut e = Engine::new();
    e.use_(|c| {
        Box::pin(async move {
            c.set("request-id", 42u32);
            c.next().await;
        })
    });
    e.get("/search", |c| {
        Box::pin(async move {
            let q = c.default_query("q", "none");
            let id = c.get::<u32>("request-id").copied().unwrap_or(0);
            let missing = c.query("missing").is_none();
            c.json(
                200,
                &serde_json::json!({ "q": q, "id": id, "missing": missing }),
            )
            .await;
        })
    })
    .unwrap();
    e.post("/form", |c| {
        Box::pin(async move {
            let name = c.post_form("name").await.unwrap_or_default();
            c.string(200, &name).await;
        })
    })
    .unwrap();
    e.post("/login", |c| {
        Box::pin(async move {
            if let Ok(login) = c.bind_json::<Login>().await {
                c.json(
                    200,
                    &Login {
                        user: login.user,
                        password: "***".into(),
                    },
                )
                .await;
            }
        })
    })
    .unwrap();
    e.get("/go", |c| {
        Box::pin(async move { c.redirect(302, "/search?q=x").await })
    })
    .unwrap();
    let srv = serve(e).await;
    let a = srv.addr;

    let r = get(a, "/search?q=rust%20lang").await;
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"q": "rust lang", "id": 42, "missing": true})
    );

    let r = request(
        a,
        "POST",
        "/form",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"name=J%C3%BCrgen&x=1",
    )
    .await;
    assert_eq!(r.body, "Jürgen");

    let r = request(
        a,
        "POST",
        "/login",
        &[],
        br#"{"user":"ann","password":"pw"}"#,
    )
    .await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"user":"ann","password":"***"}"#)
    );
    let r = request(a, "POST", "/login", &[], b"{not json").await;
    assert_eq!(r.status, 400);

    let r = get(a, "/go").await;
    assert_eq!((r.status, r.header("location")), (302, Some("/search?q=x")));
    srv.stop().await;
}

#[test]
fn registration_errors_are_typed() {
    let mut e = Engine::new();
    e.get("/user/:name", ok("a")).unwrap();
    let err = e.get("/user/:id", ok("b")).unwrap_err();
    assert!(matches!(err, RouteError::Insert(_)), "{err}");
    assert!(err.to_string().contains("/user/:name"));
    assert!(matches!(
        e.handle("BAD METHOD", "/x", ok("c")),
        Err(RouteError::InvalidMethod { .. })
    ));

    // gin's combineHandlers limit: group middleware + handlers < 63.
    let mut e = Engine::new();
    let mut g = e.group("/g");
    for _ in 0..ABORT_INDEX - 2 {
        g.use_(|c| Box::pin(async move { c.next().await }));
    }
    g.get("/fits", ok("ok")).unwrap();
    g.use_(|c| Box::pin(async move { c.next().await }));
    let err = g.get("/too-many", ok("no")).unwrap_err();
    assert_eq!(
        err,
        RouteError::TooManyHandlers {
            route: "/g/too-many".into(),
            count: ABORT_INDEX
        }
    );
}

#[tokio::test]
async fn route_table_over_http() {
    let table = "# comment\nGET /user/:name\nGET /user/groups\nPOST /user/:name/posts/:id\nGET /src/*filepath\n";
    let engine = radix::route_table::engine_from_table(table).unwrap();
    let srv = serve(engine).await;
    let a = srv.addr;
    assert_eq!(get(a, "/user/ann").await.body, "GET /user/:name\nname=ann");
    assert_eq!(get(a, "/user/groups").await.body, "GET /user/groups");
    let r = request(a, "POST", "/user/ann/posts/9", &[], b"").await;
    assert_eq!(r.body, "POST /user/:name/posts/:id\nname=ann\nid=9");
    assert_eq!(
        get(a, "/src/a/b").await.body,
        "GET /src/*filepath\nfilepath=/a/b"
    );
    let r = get(a, "/user/ann/");
    assert_eq!(r.await.status, 301);
    srv.stop().await;

    let Err(err) = radix::route_table::engine_from_table("GET /a/:x\nGET /a/:y\n") else {
        panic!("conflict accepted")
    };
    assert!(
        err.to_string()
            .starts_with("line 2: ':y' in new path '/a/:y'"),
        "{err}"
    );
    assert!(radix::route_table::engine_from_table("GET\n").is_err());
}
