//! The router comparison's route sets (`testkit::routes`) are what the bench says they are: each
//! set is a valid Go 1.22 table, and every route's lookup path finds that route.

use testkit::routes::{general_set, github_set, scale_set, static_set};

#[test]
fn every_set_is_a_valid_go_1_22_table_and_each_lookup_finds_its_route() {
    use servemux::http::Method;
    for set in [
        static_set(),
        github_set(),
        scale_set(1_000),
        general_set(2, 8),
    ] {
        let mux = servemux::PatternMux::new();
        for r in &set {
            mux.handle(
                &r.pattern_122(),
                servemux::handler_fn(|_w, _r| Box::pin(async {})),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        for r in &set {
            let method = Method::from_bytes(r.method.as_bytes()).unwrap();
            let req = servemux::Request::new(method, &r.lookup_path()).unwrap();
            assert_eq!(&*mux.handler(&req).1, r.pattern_122());
        }
    }
}
