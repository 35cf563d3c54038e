use controller::{BaseContext, Controller};
use servemux::{Request, ResponseWriter};

struct DemoController;

impl Controller for DemoController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

// An action returns `()` or `controller::ActionResult`.
#[controller::actions]
impl DemoController {
    fn hello_action(ctx: &mut BaseContext) -> u32 {
        let _ = ctx;
        7
    }
}
fn main() {}
