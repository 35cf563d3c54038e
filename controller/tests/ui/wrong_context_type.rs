// The context must be the one the controller's `new_action_context` builds.
use controller::{ActionContext, BaseContext, Controller};
use servemux::{Request, ResponseWriter};

struct OtherContext<'a> {
    base: BaseContext<'a>,
}

impl<'a> ActionContext<'a> for OtherContext<'a> {
    fn base(&self) -> &BaseContext<'a> {
        &self.base
    }
    fn base_mut(&mut self) -> &mut BaseContext<'a> {
        &mut self.base
    }
}

struct DemoController;

impl Controller for DemoController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[controller::actions]
impl DemoController {
    fn hello_action(ctx: &mut OtherContext) {
        let _ = ctx;
    }
}

fn main() {}
