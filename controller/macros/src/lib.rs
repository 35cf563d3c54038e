//! `#[controller::actions]`: the compile-time stand-in for goinbox/gohttp's reflection.
//!
//! Go's router walks `reflect.TypeOf(controller).Method(i)` at start-up, keeps every method whose
//! name matches `^([A-Z][A-Za-z0-9_]*)Action$` and calls it later with `reflect.Value.Call`. A wrong
//! signature is only discovered when a request arrives (the call panics). This attribute does the
//! same walk over the `impl` block while the program is compiled:
//!
//! - the controller name comes from the type: `DemoController` -> `demo`;
//! - every method whose name ends in `_action` is an action: `describe_demo_action` ->
//!   `describedemo` (suffix dropped, underscores removed, lower-cased, so that the URL segment
//!   `DescribeDemo` finds it case-insensitively, as Go's `strings.ToLower` does);
//! - an action is `fn name_action([&self,] ctx: &mut Ctx, a: String, b: String, ...)`, sync or
//!   `async`, returning `()` or `controller::ActionResult`. Anything else is a compile error that
//!   points at the offending part of the signature.
//!
//! The impl block itself is left untouched; the attribute adds an `impl controller::Actions` that
//! lists the actions (`controller::ActionDef`) and a `call_action` that dispatches an action index
//! to its method with a `match` — the compiled counterpart of `reflect.Value.Call`.
//!
//! The attribute is used through `controller`, which re-exports it (the generated code names
//! `controller`'s traits). This doctest can do that because `controller` is a dev-dependency of
//! this crate: Cargo allows that cycle, since the dev-dependency is built against this crate's
//! library, which is built without its dev-dependencies.
//!
//! ```
//! use controller::{boxed, ActionContext, BaseContext, Controller, Router, System};
//! use servemux::http::{Method, StatusCode};
//! use servemux::{Handler, Recorder, Request, ResponseWriter};
//!
//! struct DemoController;
//!
//! impl Controller for DemoController {
//!     type Context<'a> = BaseContext<'a>;
//!     fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
//!         BaseContext::new(r, w)
//!     }
//! }
//!
//! #[controller::actions]
//! impl DemoController {
//!     // Go's `DescribeDemoAction`: the action `describedemo`, at `/demo/describedemo`.
//!     fn describe_demo_action(ctx: &mut BaseContext) {
//!         ctx.append("a demo\n");
//!     }
//!     // Arguments come from a rule's capture groups; an action may be async.
//!     async fn args_action(ctx: &mut BaseContext<'_>, id: String) {
//!         ctx.append(format!("args {id}\n"));
//!     }
//! }
//!
//! let mut router = Router::new();
//! router.register_routes([boxed(DemoController)]).unwrap();
//! router.define_route(r"^/demo/args/(\d+)$", "demo", "args").unwrap();
//! let system = System::new(router);
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! for (target, body) in [("/Demo/DescribeDemo", "a demo\n"), ("/demo/args/123", "args 123\n")] {
//!     let mut rec = Recorder::new();
//!     let mut r = Request::new(Method::GET, target).unwrap();
//!     rt.block_on(system.serve_http(rec.writer(), &mut r));
//!     rec.finish();
//!     assert_eq!((rec.status(), rec.body()), (StatusCode::OK, body.as_bytes()), "{target}");
//! }
//! ```

#![forbid(unsafe_code)]

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_macro_input, FnArg, ImplItem, ImplItemFn, ItemImpl, Type};

/// Collects the `*_action` methods of a controller's `impl` block. See the crate docs of
/// `controller` for the rules.
#[proc_macro_attribute]
pub fn actions(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        let attr = TokenStream2::from(attr);
        return syn::Error::new(attr.span(), "#[controller::actions] takes no arguments")
            .to_compile_error()
            .into();
    }
    let block = parse_macro_input!(item as ItemImpl);
    match expand(&block) {
        Ok(extra) => quote!(#block #extra).into(),
        // Keep the user's impl so that one mistake does not bury the file in follow-up errors.
        Err(e) => {
            let e = e.to_compile_error();
            quote!(#block #e).into()
        }
    }
}

/// One action found in the impl block.
struct Action<'a> {
    method: &'a ImplItemFn,
    name: String,
    has_self: bool,
    arity: usize,
    /// Where the context parameter's type is written, so a type mismatch is reported there.
    ctx_span: Span,
}

fn expand(block: &ItemImpl) -> syn::Result<TokenStream2> {
    if let Some((_, path, _)) = &block.trait_ {
        return Err(syn::Error::new(
            path.span(),
            "#[controller::actions] goes on the controller's inherent impl block, not on a trait impl",
        ));
    }
    if !block.generics.params.is_empty() {
        return Err(syn::Error::new(
            block.generics.span(),
            "#[controller::actions]: a controller type cannot be generic; the router needs one name per type",
        ));
    }
    let self_ty = &block.self_ty;
    let controller_name = controller_name(self_ty)?;

    let mut actions: Vec<Action> = Vec::new();
    for item in &block.items {
        let ImplItem::Fn(method) = item else { continue };
        let ident = method.sig.ident.to_string();
        let Some(stem) = ident.strip_suffix("_action") else {
            continue;
        };
        let name = action_name(stem);
        if name.is_empty() {
            return Err(syn::Error::new(
                method.sig.ident.span(),
                "an action needs a name before `_action`",
            ));
        }
        if let Some(other) = actions.iter().find(|a| a.name == name) {
            return Err(syn::Error::new(
                method.sig.ident.span(),
                format!(
                    "`{}` and `{}` both map to the action name `{}`",
                    other.method.sig.ident, ident, name
                ),
            ));
        }
        let (has_self, arity, ctx_span) = check_signature(method)?;
        actions.push(Action {
            method,
            name,
            has_self,
            arity,
            ctx_span,
        });
    }

    let defs = actions.iter().map(action_def);
    let arms = actions
        .iter()
        .enumerate()
        .map(|(i, a)| call_arm(self_ty, i, a));
    Ok(quote! {
        impl ::controller::Actions for #self_ty {
            const NAME: &'static str = #controller_name;

            fn actions() -> ::std::vec::Vec<::controller::ActionDef> {
                ::std::vec![#(#defs),*]
            }

            #[allow(unused_mut, unused_variables)]
            fn call_action<'c, 'x>(
                &'c self,
                __index: usize,
                __ctx: &'c mut <Self as ::controller::Controller>::Context<'x>,
                __args: ::std::vec::Vec<::std::string::String>,
            ) -> ::controller::BoxFuture<'c, ::controller::ActionResult> {
                let mut __args = __args.into_iter();
                match __index {
                    #(#arms)*
                    // The router only passes indices of `actions()`.
                    _ => ::std::boxed::Box::pin(::std::future::ready(::std::result::Result::Ok(()))),
                }
            }
        }
    })
}

/// `DemoController` -> `demo`, like Go's `([A-Z][A-Za-z0-9_]*)Controller$` plus `ToLower`.
fn controller_name(ty: &Type) -> syn::Result<String> {
    let Type::Path(p) = ty else {
        return Err(syn::Error::new(
            ty.span(),
            "#[controller::actions] expects a named type such as `DemoController`",
        ));
    };
    let last = p.path.segments.last().expect("a type path has a segment");
    let ident = last.ident.to_string();
    match ident.strip_suffix("Controller") {
        Some(stem) if !stem.is_empty() && stem.is_ascii() => Ok(stem.to_ascii_lowercase()),
        _ => Err(syn::Error::new(
            last.ident.span(),
            format!(
                "controller type `{ident}` must be named `XxxController` (ASCII); the route name is `xxx`"
            ),
        )),
    }
}

/// `describe_demo_action` -> `describedemo` (the stem is passed without `_action`).
fn action_name(stem: &str) -> String {
    stem.chars()
        .filter(|&c| c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Checks `fn x_action([&self,] ctx: &mut Ctx, String...)`; returns (has `&self`, number of
/// strings, span of the context type).
fn check_signature(method: &ImplItemFn) -> syn::Result<(bool, usize, Span)> {
    let sig = &method.sig;
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new(
            sig.generics.span(),
            "an action cannot have generic parameters: the router calls it with its context and `String` arguments",
        ));
    }
    if let Some(v) = &sig.variadic {
        return Err(syn::Error::new(v.span(), "an action cannot be variadic"));
    }
    let mut inputs = sig.inputs.iter().peekable();
    let mut has_self = false;
    if let Some(FnArg::Receiver(r)) = inputs.peek() {
        if r.reference.is_none() || r.mutability.is_some() {
            return Err(syn::Error::new(
                r.span(),
                "an action takes `&self` or no receiver: one controller value serves every request at once",
            ));
        }
        has_self = true;
        inputs.next();
    }
    let ctx_err = |span: Span| {
        syn::Error::new(
            span,
            "an action's first argument is its context, `ctx: &mut YourContext` (the type the controller's `new_action_context` returns)",
        )
    };
    let ctx_span = match inputs.next() {
        Some(FnArg::Typed(t)) => match &*t.ty {
            Type::Reference(r) if r.mutability.is_some() => r.span(),
            other => return Err(ctx_err(other.span())),
        },
        _ => return Err(ctx_err(sig.ident.span())),
    };
    let mut arity = 0;
    for arg in inputs {
        let FnArg::Typed(t) = arg else {
            return Err(syn::Error::new(arg.span(), "unexpected receiver"));
        };
        if !is_string(&t.ty) {
            return Err(syn::Error::new(
                t.ty.span(),
                "every action argument after the context must be `String`: the route's regex captures are strings",
            ));
        }
        arity += 1;
    }
    Ok((has_self, arity, ctx_span))
}

/// `String` or `std::string::String` / `::std::string::String` / `alloc::string::String`.
fn is_string(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    if p.qself.is_some() {
        return false;
    }
    let last = p.path.segments.last();
    matches!(last, Some(s) if s.ident == "String" && s.arguments.is_empty())
}

/// One `ActionDef::new(name, arity, method)` entry.
fn action_def(a: &Action) -> TokenStream2 {
    let name = &a.name;
    let arity = a.arity;
    let method_str = a.method.sig.ident.to_string();
    quote!(::controller::ActionDef::new(#name, #arity, #method_str))
}

/// One arm of `call_action`: `index => Box::pin(async move { convert(Self::method(ctx, args..)) })`.
fn call_arm(self_ty: &Type, index: usize, a: &Action) -> TokenStream2 {
    let method = &a.method.sig.ident;
    let args: Vec<_> = (0..a.arity).map(|i| format_ident!("__arg{}", i)).collect();
    let this = if a.has_self { quote!(self,) } else { quote!() };
    let ctx = quote_spanned!(a.ctx_span=> __ctx);
    let call = quote!(<#self_ty>::#method(#this #ctx, #(#args),*));
    let call = if a.method.sig.asyncness.is_some() {
        quote!(#call.await)
    } else {
        call
    };
    // Spanned on the return type so that a wrong return type is reported there.
    let ret_span = match &a.method.sig.output {
        syn::ReturnType::Default => a.method.sig.ident.span(),
        syn::ReturnType::Type(_, t) => t.span(),
    };
    let convert =
        quote_spanned!(ret_span=> ::controller::IntoActionResult::into_action_result(__out));
    quote! {
        #index => {
            #(let #args: ::std::string::String = __args.next().unwrap_or_default();)*
            ::std::boxed::Box::pin(async move {
                let __out = #call;
                #convert
            })
        }
    }
}
