//! `c.yaml` through HTTP: gin's content type, go-yaml v2's bytes, and a value with no YAML form
//! answered as gin answers a failed render (the error in the chain, a 500).

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use common::http::{get, serve};
use radix::{Engine, ErrorType};
use serde::Serialize;

#[derive(Serialize)]
struct Doc {
    name: &'static str,
    flags: Vec<&'static str>,
    sizes: HashMap<&'static str, f64>,
    empty: Vec<u8>,
}

#[tokio::test]
async fn yaml_sends_go_yaml_v2_bytes() {
    let mut e = Engine::new();
    e.get("/doc", |c| {
        Box::pin(async move {
            let doc = Doc {
                name: "yes",
                flags: vec!["on", "- x", "a\nb", "tab\t"],
                sizes: HashMap::from([("a10", 1e6), ("a2", 0.5), ("B", -0.0)]),
                empty: vec![],
            };
            c.yaml(200, &doc).await
        })
    })
    .unwrap();
    let srv = serve(e).await;
    let r = get(srv.addr, "/doc").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-yaml; charset=utf-8")
    );
    // What gopkg.in/yaml.v2 v2.4.0 writes for the Go struct with the same fields.
    assert_eq!(
        r.body,
        "name: \"yes\"\nflags:\n- \"on\"\n- '- x'\n- |-\n  a\n  b\n- \"tab\\t\"\nsizes:\n  B: -0\n  a2: 0.5\n  a10: 1e+06\nempty: []\n"
    );
    srv.stop().await;
}

#[tokio::test]
async fn a_value_without_a_yaml_form_is_a_render_error() {
    let seen: Arc<Mutex<Vec<(String, ErrorType)>>> = Arc::default();
    let mut e = Engine::new();
    let record = seen.clone();
    e.get("/bad", move |c| {
        let record = record.clone();
        Box::pin(async move {
            // A map whose key is a list: go_yaml refuses it rather than invent a layout.
            let m = HashMap::from([(vec![1u8], 1u8)]);
            c.yaml(200, &m).await;
            let errors = c.errors().iter().map(|e| (e.message.clone(), e.kind));
            record.lock().unwrap().extend(errors);
        })
    })
    .unwrap();
    let srv = serve(e).await;
    let r = get(srv.addr, "/bad").await;
    assert_eq!(r.status, 500);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].1, ErrorType::Render);
    assert!(seen[0].0.contains("map key"), "{}", seen[0].0);
    srv.stop().await;
}
