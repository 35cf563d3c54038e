//! What an action is once the `#[controller::actions]` attribute has found it.
//!
//! Go keeps a `reflect.Value` per action and calls it with `Value.Call([]reflect.Value{ctx, args...})`.
//! Here the attribute lists the actions as [`ActionDef`]s (name, arity, method) and writes a
//! `call_action(index, ctx, args)` that `match`es the index to a direct call of the method. No
//! reflection and no signature check at run time: the compiler already checked every call.
//!
//! How an action ends early is the `jump` module's business; what it may return is here
//! ([`IntoActionResult`]).

use crate::ActionResult;

/// The return types an action may have: `()` (always runs `after_action`) or [`ActionResult`].
#[diagnostic::on_unimplemented(
    message = "an action must return `()` or `controller::ActionResult`, not `{Self}`",
    label = "this return type is not allowed for an action"
)]
pub trait IntoActionResult {
    /// Converts the action's return value.
    fn into_action_result(self) -> ActionResult;
}

impl IntoActionResult for () {
    fn into_action_result(self) -> ActionResult {
        Ok(())
    }
}

impl IntoActionResult for ActionResult {
    fn into_action_result(self) -> ActionResult {
        self
    }
}

/// One action of a controller: its route name, how many `String` arguments it takes, and the
/// Rust method behind it. Its position in [`Actions::actions`](crate::Actions::actions) is the
/// index [`Actions::call_action`](crate::Actions::call_action) dispatches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionDef {
    name: &'static str,
    arity: usize,
    method: &'static str,
}

impl ActionDef {
    /// Used by the generated code; `name` is already lower-case.
    pub const fn new(name: &'static str, arity: usize, method: &'static str) -> Self {
        ActionDef {
            name,
            arity,
            method,
        }
    }

    /// The route name (`describedemo`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// How many `String` arguments the action takes.
    pub fn arity(&self) -> usize {
        self.arity
    }

    /// The Rust method name (`describe_demo_action`), for route listings.
    pub fn method(&self) -> &'static str {
        self.method
    }
}
