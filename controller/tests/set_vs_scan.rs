//! `Router::resolve` (one RegexSet search past a handful of rules) must answer exactly what
//! `Router::resolve_ordered` (Go's one-by-one scan) answers: same rule, same arguments, same
//! fallback to the general route. Random rule tables of 0..20 rules over a small alphabet, so that
//! several rules match one path and the order matters.

use controller::{boxed, ActionContext, BaseContext, Controller, Router};
use proptest::prelude::*;
use servemux::{Request, ResponseWriter};

struct ShopController;

impl Controller for ShopController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[controller::actions]
impl ShopController {
    fn list_action(ctx: &mut BaseContext) {
        ctx.append("list");
    }
    fn item_action(ctx: &mut BaseContext, id: String) {
        ctx.append(id);
    }
    fn pair_action(ctx: &mut BaseContext, a: String, b: String) {
        ctx.append(a + &b);
    }
}

const ACTIONS: [&str; 3] = ["list", "item", "pair"];

/// A rule pattern built from pieces that overlap: literals, `(\w+)`, `(\d*)`, optional groups.
fn pattern() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a".to_owned()),
        Just("b".to_owned()),
        Just("/".to_owned()),
        Just(r"(\w+)".to_owned()),
        Just(r"(\d*)".to_owned()),
        Just("(x)?".to_owned()),
        Just(".".to_owned()),
    ];
    (
        any::<bool>(),
        prop::collection::vec(piece, 1..5),
        any::<bool>(),
    )
        .prop_map(|(start, pieces, end)| {
            format!(
                "{}{}{}",
                if start { "^/" } else { "/" },
                pieces.concat(),
                if end { "$" } else { "" }
            )
        })
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("a"),
            Just("b"),
            Just("A"),
            Just("/"),
            Just("1"),
            Just("42"),
            Just("x"),
            Just("shop"),
            Just("list"),
        ],
        0..8,
    )
    .prop_map(|parts| format!("/{}", parts.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn regex_set_answers_like_the_ordered_scan(
        rules in prop::collection::vec((pattern(), 0usize..3), 0..20),
        paths in prop::collection::vec(path(), 1..16),
    ) {
        let mut router = Router::new();
        router.register_routes([boxed(ShopController)]).unwrap();
        for (pattern, action) in &rules {
            // Repeated patterns are refused (DuplicateRule); the rest must be accepted.
            let _ = router.define_route(pattern, "shop", ACTIONS[*action]);
        }
        for p in &paths {
            prop_assert_eq!(router.resolve(p), router.resolve_ordered(p), "path {:?}", p);
        }
    }
}
