use controller::{BaseContext, Controller};
use servemux::{Request, ResponseWriter};

struct DemoController;

impl Controller for DemoController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

// Two methods, one route name.
#[controller::actions]
impl DemoController {
    fn describe_demo_action(ctx: &mut BaseContext) {
        let _ = ctx;
    }
    fn describedemo_action(ctx: &mut BaseContext) {
        let _ = ctx;
    }
}
fn main() {}
