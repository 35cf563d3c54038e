use controller::{BaseContext, Controller};
use servemux::{Request, ResponseWriter};

struct DemoController;

impl Controller for DemoController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

// The context is borrowed mutably, not moved in.
#[controller::actions]
impl DemoController {
    fn hello_action(ctx: BaseContext) {
        let _ = ctx;
    }
}
fn main() {}
