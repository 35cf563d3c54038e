use controller::{BaseContext, Controller};
use servemux::{Request, ResponseWriter};

struct DemoController;

impl Controller for DemoController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

// Captures are strings: an action argument of another type is refused.
#[controller::actions]
impl DemoController {
    fn count_action(ctx: &mut BaseContext, n: u32) {
        let _ = (ctx, n);
    }
}
fn main() {}
