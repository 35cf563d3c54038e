// The route name comes from the type name, so it must end in `Controller`.
use controller::{BaseContext, Controller};
use servemux::{Request, ResponseWriter};

struct Demo;

impl Controller for Demo {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[controller::actions]
impl Demo {
    fn hello_action(ctx: &mut BaseContext) {
        let _ = ctx;
    }
}

fn main() {}
