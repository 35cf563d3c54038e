//! What `#[controller::actions]` writes, written out by hand — and a check that the hand-written
//! table routes and answers exactly like the generated one. The book shows the hand-written
//! `impl Actions` as "the attribute, expanded".

mod common;

use controller::Router;
use controller::{boxed, ActionContext, ActionDef, ActionResult, Actions, BaseContext};
use controller::{BoxFuture, Controller};
use servemux::{Request, ResponseWriter};

// ANCHOR: source
/// The controller as its author writes it.
struct ShopController;

#[controller::actions]
impl ShopController {
    fn list_items_action(ctx: &mut BaseContext) {
        ctx.append("all items\n");
    }

    async fn item_action(ctx: &mut BaseContext<'_>, id: String, color: String) -> ActionResult {
        ctx.append(format!("item {id} in {color}\n"));
        Ok(())
    }
}
// ANCHOR_END: source

/// The same controller under another name, with the attribute's output written by hand.
struct HandShopController;

impl HandShopController {
    fn list_items_action(ctx: &mut BaseContext) {
        ctx.append("all items\n");
    }

    async fn item_action(ctx: &mut BaseContext<'_>, id: String, color: String) -> ActionResult {
        ctx.append(format!("item {id} in {color}\n"));
        Ok(())
    }
}

// ANCHOR: expanded
impl Actions for HandShopController {
    // `HandShopController` -> strip `Controller`, lower-case.
    const NAME: &'static str = "handshop";

    // One entry per `*_action` method, in source order: route name, arity, method name.
    fn actions() -> Vec<ActionDef> {
        vec![
            ActionDef::new("listitems", 0, "list_items_action"),
            ActionDef::new("item", 2, "item_action"),
        ]
    }

    // The router calls an action by its index; each arm is a plain, type-checked call.
    fn call_action<'c, 'x>(
        &'c self,
        index: usize,
        ctx: &'c mut BaseContext<'x>,
        args: Vec<String>,
    ) -> BoxFuture<'c, ActionResult> {
        let mut args = args.into_iter();
        match index {
            // Returns `()`: the attribute turns that into `Ok(())`.
            0 => Box::pin(async move {
                Self::list_items_action(ctx);
                Ok(())
            }),
            1 => {
                let id = args.next().unwrap_or_default();
                let color = args.next().unwrap_or_default();
                // `async fn` returning `ActionResult`: awaited, passed on.
                Box::pin(async move { Self::item_action(ctx, id, color).await })
            }
            _ => Box::pin(std::future::ready(Ok(()))),
        }
    }
}
// ANCHOR_END: expanded

impl Controller for ShopController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

impl Controller for HandShopController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[test]
fn the_attribute_writes_the_hand_written_table() {
    assert_eq!(ShopController::NAME, "shop");
    let generated: Vec<_> = ShopController::actions()
        .iter()
        .map(|a| (a.name(), a.arity(), a.method()))
        .collect();
    let by_hand: Vec<_> = HandShopController::actions()
        .iter()
        .map(|a| (a.name(), a.arity(), a.method()))
        .collect();
    assert_eq!(generated, by_hand);
}

#[tokio::test]
async fn both_tables_answer_alike() {
    let mut router = Router::new();
    router
        .register_routes([boxed(ShopController), boxed(HandShopController)])
        .unwrap()
        .define_route(r"^/shop/item/(\d+)/(\w+)$", "shop", "item")
        .unwrap()
        .define_route(r"^/handshop/item/(\d+)/(\w+)$", "handshop", "item")
        .unwrap();
    let srv = common::serve(router).await;
    for prefix in ["/shop", "/handshop"] {
        let a = srv.get(&format!("{prefix}/ListItems")).await;
        assert_eq!((a.status, a.text().as_str()), (200, "all items\n"));
        let a = srv.get(&format!("{prefix}/item/7/red")).await;
        assert_eq!((a.status, a.text().as_str()), (200, "item 7 in red\n"));
    }
    srv.stop().await;
}
