//! What an action is once the `#[controller::actions]` attribute has found it.
//!
//! Go keeps a `reflect.Value` per action and calls it with `Value.Call([]reflect.Value{ctx, args...})`.
//! Here the attribute lists the actions as [`ActionDef`]s (name, arity, method) and writes a
//! `call_action(index, ctx, args)` that `match`es the index to a direct call of the method. No
//! reflection and no signature check at run time: the compiler already checked every call.
//!
//! Also here: how an action ends early. Go's `system.Redirect302(url)` panics with a private value
//! that `System.ServeHTTP` recovers. Rust has `Result` for that: an action (or `before_action`)
//! returns [`ActionResult`], and [`redirect_302`] is an `Err` that the system turns into a 302.

/// Why an action stopped before its end (Go's `jumpItem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Jump {
    /// Answer `302 Found` with this `Location` (Go's `Redirect302`).
    Redirect302(String),
}

/// What an action returns: `Ok(())` to run `after_action`, `Err(jump)` to leave early.
pub type ActionResult = Result<(), Jump>;

/// Ends the action with a `302 Found` to `url`; `after_action` is skipped.
///
/// ```
/// # use controller::{redirect_302, ActionResult};
/// fn check(logged_in: bool) -> ActionResult {
///     if !logged_in {
///         redirect_302("/login")?; // leaves the action here
///     }
///     Ok(())
/// }
/// assert!(check(false).is_err());
/// ```
pub fn redirect_302(url: impl Into<String>) -> ActionResult {
    Err(Jump::Redirect302(url.into()))
}

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
