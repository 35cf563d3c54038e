use controller::{BaseContext, Controller};
use servemux::{Request, ResponseWriter};

struct DemoController;

impl Controller for DemoController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

// One controller value serves every request at once: no `&mut self`.
#[controller::actions]
impl DemoController {
    fn hello_action(&mut self, ctx: &mut BaseContext) {
        let _ = ctx;
    }
}
fn main() {}
