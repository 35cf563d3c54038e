//! The route table: Go's `router.Router` (`MapRouteItems`, `DefineRouteItem`, `FindRoute`).
//!
//! [`Router::resolve`] does what Go's `FindRoute` does, in the same order:
//!
//! 1. The path is lower-cased (Go: `strings.ToLower(path)`), so that `/Demo/DescribeDemo` and
//!    `/demo/describedemo` are the same route. Rules see the lower-cased path too, which is why
//!    their captures come out in lower case.
//! 2. **Rules** ([`Router::define_route`]) are tried in registration order; the first regex that
//!    matches wins and its capture groups become the action's `String` arguments, padded with
//!    `""` or cut to the action's arity. Go tries them one by one, so every rule costs every
//!    request that falls through to a general route ([`Router::resolve_ordered`] does the same).
//!    [`Router::resolve`] gives the same answer with one [`RegexSet`] search over all rules once
//!    there are more than a handful; `benches/route.rs` measures both.
//! 3. **General routes** (from [`Router::register_routes`]): `/controller/action`, at most two
//!    segments; a missing name is `index` as in Go (`/` is `index/index`, `/demo` is
//!    `demo/index`; [`Router::set_empty_names`] changes both, Go's `SetEmptyControllerName` and
//!    `SetEmptyActionName`). Go ignores any third segment; here a path with more than two
//!    segments is not a general route, so `/demo/describedemo/anything` does not alias
//!    `/demo/describedemo`. [`Router::set_parse_route_path`] replaces this parsing with the
//!    application's own (Go's `SetParseRoutePathFunc`), which may also hand the action arguments.
//!    The seed's Go answers the general route of an action that wants arguments by calling it
//!    with none, and `reflect.Value.Call` panics; here such an action is only reached when the
//!    parser supplies at least one argument, and otherwise the general route misses.
//! 4. **The default route** ([`Router::set_default_route`], Go's `SetDefaultRoute`): when the
//!    parsed general route names no registered controller or action, this action serves the
//!    request instead of a 404.
//!
//! The lookup is separate from serving, so it can be tested and benchmarked without a network.

use std::borrow::Cow;
use std::collections::HashMap;

use std::sync::OnceLock;

use regex::{Regex, RegexSet};

use crate::{AnyController, RouteError};

/// The name Go uses for an empty controller or action segment, until
/// [`Router::set_empty_names`] changes it.
pub const INDEX: &str = "index";

/// The route table.
pub struct Router {
    controllers: Vec<Entry>,
    by_name: HashMap<&'static str, usize>,
    rules: Vec<Rule>,
    /// Every rule's pattern in one set, in rule order (built lazily, see `rule_set`).
    set: OnceLock<Option<RegexSet>>,
    /// The names an empty controller or action segment stands for (Go: both `index`).
    empty_controller: String,
    empty_action: String,
    /// The application's own path parsing for general routes, if it gave one.
    parse: Option<ParseRoutePath>,
    /// Where a general route that names nothing registered goes, if set.
    default_route: Option<(usize, ActionRef)>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("routes", &self.routes())
            .finish_non_exhaustive()
    }
}

impl Default for Router {
    fn default() -> Self {
        Router {
            controllers: Vec::new(),
            by_name: HashMap::new(),
            rules: Vec::new(),
            set: OnceLock::new(),
            empty_controller: INDEX.to_owned(),
            empty_action: INDEX.to_owned(),
            parse: None,
            default_route: None,
        }
    }
}

/// A general route as a path parser sees it (Go's `RouteGuide`): the controller and action names
/// (route names, lower case) and the action's arguments, padded with `""` or cut to the action's
/// arity as for rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteGuide {
    /// The controller's route name (`demo`).
    pub controller: String,
    /// The action's route name (`describedemo`).
    pub action: String,
    /// Arguments for the action.
    pub args: Vec<String>,
}

/// An application's parser for general routes (Go's `ParseRoutePathFunc`). It receives the
/// lower-cased path; `None` means the path is no general route (404, not the default route).
pub type ParseRoutePath = Box<dyn Fn(&str) -> Option<RouteGuide> + Send + Sync>;

/// Up to this many rules, trying them one by one is cheaper than one set search (measured with
/// `benches/route.rs`).
const SCAN_MAX: usize = 4;

/// A registered controller and its actions by route name.
struct Entry {
    controller: Box<dyn AnyController>,
    actions: HashMap<&'static str, ActionRef>,
}

/// Where an action sits in its controller's table, and what it needs.
#[derive(Clone, Copy)]
struct ActionRef {
    name: &'static str,
    index: usize,
    arity: usize,
}

/// One `define_route` rule.
struct Rule {
    regex: Regex,
    controller: usize,
    action: ActionRef,
}

/// How a path was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// By the rule with this index (registration order).
    Rule(usize),
    /// By the general `/controller/action` route (or the application's own path parser).
    General,
    /// By the default route: the general route named nothing registered.
    Default,
}

/// The answer of [`Router::resolve`]: which action serves a path, with which arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The controller's route name (`demo`).
    pub controller: &'static str,
    /// The action's route name (`describedemo`).
    pub action: &'static str,
    /// The action's arguments, exactly as many as it takes.
    pub args: Vec<String>,
    /// Which route matched.
    pub via: Via,
    controller_index: usize,
    action_index: usize,
}

/// One line of [`Router::routes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// The regex of a rule, or `/controller/action` for a general route.
    pub pattern: String,
    /// The controller's route name.
    pub controller: &'static str,
    /// The action's route name.
    pub action: &'static str,
    /// How many arguments the action takes.
    pub arity: usize,
    /// The Rust method behind the action.
    pub method: &'static str,
}

impl Router {
    /// An empty table.
    pub fn new() -> Self {
        Router::default()
    }

    /// Adds controllers and their general routes (Go's `MapRouteItems`).
    ///
    /// Build the list with [`boxed`](crate::boxed):
    /// `router.register_routes([boxed(DemoController), boxed(TestController)])`.
    /// Two controllers with the same route name are an error (Go keeps the first silently).
    pub fn register_routes<I>(&mut self, controllers: I) -> Result<&mut Self, RouteError>
    where
        I: IntoIterator<Item = Box<dyn AnyController>>,
    {
        for c in controllers {
            self.register_one(c)?;
        }
        Ok(self)
    }

    fn register_one(&mut self, controller: Box<dyn AnyController>) -> Result<(), RouteError> {
        let name = controller.name();
        if self.by_name.contains_key(name) {
            return Err(RouteError::DuplicateController { name: name.into() });
        }
        let mut actions = HashMap::new();
        for (index, (action, arity, method)) in controller.action_list().into_iter().enumerate() {
            // The attribute rejects two methods with one action name, so this never overwrites.
            actions.insert(
                action,
                ActionRef {
                    name: action,
                    index,
                    arity,
                },
            );
            if arity == 0 {
                tracing::debug!(route = %format!("/{name}/{action}"), method, "general route");
            } else {
                tracing::debug!(
                    controller = name,
                    action,
                    arity,
                    method,
                    "action with arguments: reachable through define_route only"
                );
            }
        }
        self.by_name.insert(name, self.controllers.len());
        self.controllers.push(Entry {
            controller,
            actions,
        });
        Ok(())
    }

    /// Adds a rule: paths matching `pattern` go to `controller`'s `action`, the capture groups
    /// becoming its arguments (Go's `DefineRouteItem`). Rules are tried in the order they were
    /// defined, before general routes, against the lower-cased path.
    ///
    /// `controller` is a route name (`"demo"`); `action` is compared the way the attribute names
    /// actions, so `"describedemo"`, `"DescribeDemo"` and `"describe_demo"` are the same action.
    /// The controller must be registered first. Errors: an invalid regex, an unknown controller or
    /// action, or a pattern that is already a rule (the second could never match).
    pub fn define_route(
        &mut self,
        pattern: &str,
        controller: &str,
        action: &str,
    ) -> Result<&mut Self, RouteError> {
        if self.rules.iter().any(|r| r.regex.as_str() == pattern) {
            return Err(RouteError::DuplicateRule {
                pattern: pattern.into(),
            });
        }
        let regex = Regex::new(pattern).map_err(|e| RouteError::InvalidRegex {
            pattern: pattern.into(),
            error: e.to_string(),
        })?;
        let (ci, target) = self.find_action(pattern, controller, action)?;
        let entry = &self.controllers[ci];
        tracing::debug!(
            rule = self.rules.len(),
            pattern,
            controller = entry.controller.name(),
            action = target.name,
            groups = regex.captures_len() - 1,
            arity = target.arity,
            "route rule"
        );
        self.rules.push(Rule {
            regex,
            controller: ci,
            action: target,
        });
        // The set is rebuilt from all rules on the next lookup.
        self.set = OnceLock::new();
        Ok(self)
    }

    /// The registered action `controller`/`action` (names compared as in
    /// [`define_route`](Self::define_route)); `what` names the rule or setting in the error.
    fn find_action(
        &self,
        what: &str,
        controller: &str,
        action: &str,
    ) -> Result<(usize, ActionRef), RouteError> {
        let ci = *self
            .by_name
            .get(lowercase(controller).as_ref())
            .ok_or_else(|| RouteError::UnknownController {
                pattern: what.into(),
                controller: controller.into(),
            })?;
        let entry = &self.controllers[ci];
        let wanted: String = action
            .chars()
            .filter(|&c| c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        let target =
            *entry
                .actions
                .get(wanted.as_str())
                .ok_or_else(|| RouteError::UnknownAction {
                    pattern: what.into(),
                    controller: entry.controller.name().into(),
                    action: action.into(),
                })?;
        Ok((ci, target))
    }

    /// Sends every general route that names no registered controller or action to
    /// `controller`/`action` (Go's `SetDefaultRoute`): with `("index", "index")` and an
    /// `IndexController`, `/`, `/nosuch` and `/demo/nosuch` all reach its `index` action.
    ///
    /// Rules are not affected (they are tried first), and neither are paths the parser refuses
    /// (more than two segments for the built-in one): those stay 404s. The action must be
    /// registered already and take no arguments (Go would call it with `""` for each); otherwise
    /// this is an error, where Go's router would answer 404 for every such path.
    pub fn set_default_route(
        &mut self,
        controller: &str,
        action: &str,
    ) -> Result<&mut Self, RouteError> {
        let (ci, target) = self.find_action("<default route>", controller, action)?;
        if target.arity != 0 {
            return Err(RouteError::DefaultRouteTakesArguments {
                controller: self.controllers[ci].controller.name().into(),
                action: target.name.into(),
                arity: target.arity,
            });
        }
        tracing::debug!(
            controller = self.controllers[ci].controller.name(),
            action = target.name,
            "default route"
        );
        self.default_route = Some((ci, target));
        Ok(self)
    }

    /// The names an empty controller or action segment stands for (Go's `SetEmptyControllerName`
    /// and `SetEmptyActionName`; both `index` by default). With `("home", "show")`, `/` is
    /// `home/show` and `/demo` is `demo/show`. Names are route names, compared in lower case.
    pub fn set_empty_names(&mut self, controller: &str, action: &str) -> &mut Self {
        self.empty_controller = controller.to_lowercase();
        self.empty_action = action.to_lowercase();
        self
    }

    /// Replaces the parsing of general routes with `parse` (Go's `SetParseRoutePathFunc`). It
    /// receives the lower-cased path and returns the controller, the action and any arguments,
    /// or `None` for "no general route". Its names are looked up as given; the arguments are
    /// padded or cut to the action's arity. Rules are still tried first, and the default route
    /// still catches names that are not registered.
    ///
    /// ```
    /// # use controller::{Router, RouteGuide};
    /// let mut router = Router::new();
    /// // `/api/<controller>/<action>/<arg>...`
    /// router.set_parse_route_path(|path| {
    ///     let mut parts = path.strip_prefix("/api/")?.split('/');
    ///     Some(RouteGuide {
    ///         controller: parts.next()?.to_owned(),
    ///         action: parts.next()?.to_owned(),
    ///         args: parts.map(str::to_owned).collect(),
    ///     })
    /// });
    /// ```
    pub fn set_parse_route_path(
        &mut self,
        parse: impl Fn(&str) -> Option<RouteGuide> + Send + Sync + 'static,
    ) -> &mut Self {
        self.parse = Some(Box::new(parse));
        self
    }

    /// Finds the action for a (decoded) request path: the first matching rule, else the general
    /// route. `None` means 404. Allocates only for a path with upper-case letters (the lower-case
    /// copy) and for the arguments of a rule.
    ///
    /// With more than a few rules, one [`RegexSet`] pass over the path finds every rule that
    /// matches; the lowest index wins, so the answer is the ordered scan's, at the cost of one
    /// search instead of one per rule (see [`resolve_ordered`](Self::resolve_ordered)).
    // ANCHOR: resolve
    pub fn resolve(&self, path: &str) -> Option<Route> {
        let path = lowercase(path);
        let rule = if self.rules.len() > SCAN_MAX {
            match self.rule_set() {
                Some(set) => self.resolve_rule_set(set, &path),
                None => self.resolve_rule_scan(&path),
            }
        } else {
            self.resolve_rule_scan(&path)
        };
        rule.or_else(|| self.resolve_general(&path))
    }

    /// The same answer as [`resolve`](Self::resolve), found the way Go finds it: every rule's regex
    /// is tried in order. Kept public so the bench can put the two side by side.
    pub fn resolve_ordered(&self, path: &str) -> Option<Route> {
        let path = lowercase(path);
        self.resolve_rule_scan(&path)
            .or_else(|| self.resolve_general(&path))
    }

    /// The first rule whose regex matches, trying them one by one.
    fn resolve_rule_scan(&self, path: &str) -> Option<Route> {
        self.rules.iter().enumerate().find_map(|(i, rule)| {
            let args = rule_args(rule, path)?;
            Some(self.route(rule.controller, rule.action, args, Via::Rule(i)))
        })
    }

    /// The first rule that matches, found by one pass of the set over the path.
    fn resolve_rule_set(&self, set: &RegexSet, path: &str) -> Option<Route> {
        let i = set.matches(path).into_iter().next()?;
        let rule = &self.rules[i];
        // The set said it matches; only the captures are left to compute.
        let args = rule_args(rule, path)?;
        Some(self.route(rule.controller, rule.action, args, Via::Rule(i)))
    }

    /// All rules as one set, built on first use after the last `define_route`. `None` if the
    /// combined automaton is too large for the regex crate's limits; lookups then scan.
    fn rule_set(&self) -> Option<&RegexSet> {
        self.set
            .get_or_init(|| {
                let set = RegexSet::new(self.rules.iter().map(|r| r.regex.as_str()));
                if let Err(e) = &set {
                    tracing::warn!(
                        error = %e,
                        "rules do not fit one RegexSet; scanning them in order"
                    );
                }
                set.ok()
            })
            .as_ref()
    }

    /// The general route (built-in `/controller/action` or the application's parser), else the
    /// default route; the path is already lower case.
    fn resolve_general(&self, path: &str) -> Option<Route> {
        let found = match &self.parse {
            // The built-in parser borrows its names from the path: no allocation.
            None => {
                let (controller, action) =
                    names_of(path, &self.empty_controller, &self.empty_action)?;
                self.general_target(controller, action, Vec::new())
            }
            Some(parse) => {
                let guide = parse(path)?;
                self.general_target(&guide.controller, &guide.action, guide.args)
            }
        };
        match (found, self.default_route) {
            (Some(route), _) => Some(route),
            (None, Some((ci, target))) => Some(self.route(ci, target, Vec::new(), Via::Default)),
            (None, None) => None,
        }
    }

    /// The registered action a general route names, with its arguments fitted to its arity.
    fn general_target(&self, controller: &str, action: &str, args: Vec<String>) -> Option<Route> {
        let ci = *self.by_name.get(controller)?;
        let target = *self.controllers[ci].actions.get(action)?;
        // The seed's Go calls an action that takes arguments with none and panics; here an
        // action with arguments needs at least one from the parser.
        if target.arity != 0 && args.is_empty() {
            return None;
        }
        Some(self.route(ci, target, fit_args(args, target.arity), Via::General))
    }

    // ANCHOR_END: resolve

    fn route(&self, ci: usize, target: ActionRef, args: Vec<String>, via: Via) -> Route {
        Route {
            controller: self.controllers[ci].controller.name(),
            action: target.name,
            args,
            via,
            controller_index: ci,
            action_index: target.index,
        }
    }

    /// Every route: the rules in order, then the general routes sorted by path, for listings.
    pub fn routes(&self) -> Vec<RouteInfo> {
        let mut out = Vec::new();
        for rule in &self.rules {
            let c = &self.controllers[rule.controller].controller;
            out.push(RouteInfo {
                pattern: rule.regex.as_str().to_owned(),
                controller: c.name(),
                action: rule.action.name,
                arity: rule.action.arity,
                method: c.action_list()[rule.action.index].2,
            });
        }
        let mut general = Vec::new();
        for entry in &self.controllers {
            let c = &entry.controller;
            for (action, arity, method) in c.action_list() {
                if arity == 0 {
                    general.push(RouteInfo {
                        pattern: format!("/{}/{}", c.name(), action),
                        controller: c.name(),
                        action,
                        arity,
                        method,
                    });
                }
            }
        }
        general.sort_by(|a, b| a.pattern.cmp(&b.pattern));
        out.extend(general);
        out
    }

    /// The number of rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The controller that serves `route` (a route this router resolved), and the action index.
    pub(crate) fn controller_for(&self, route: &Route) -> (&dyn AnyController, usize) {
        (
            &*self.controllers[route.controller_index].controller,
            route.action_index,
        )
    }
}

/// The controller and action names of a general route, from an already lower-cased path.
///
/// Go's `parseRoutePath`: trim `/` at both ends, split on `/`, trim spaces from each name, and
/// use `index` for a missing or empty one. Unlike Go, a third segment means "no general route".
pub fn general_names(path: &str) -> Option<(&str, &str)> {
    names_of(path, INDEX, INDEX)
}

/// [`general_names`] with the router's names for empty segments.
// ANCHOR: general_names
fn names_of<'p>(
    path: &'p str,
    empty_controller: &'p str,
    empty_action: &'p str,
) -> Option<(&'p str, &'p str)> {
    let mut segments = path.trim_matches('/').split('/');
    let controller = segments.next().unwrap_or("").trim();
    let action = segments.next().map_or("", str::trim);
    if segments.next().is_some() {
        return None;
    }
    if controller.is_empty() {
        return Some((empty_controller, empty_action));
    }
    let action = if action.is_empty() {
        empty_action
    } else {
        action
    };
    Some((controller, action))
}
// ANCHOR_END: general_names

/// Go's `makeActionArgs`: pads `args` with `""` or cuts it to `arity`.
fn fit_args(mut args: Vec<String>, arity: usize) -> Vec<String> {
    args.resize(arity, String::new());
    args
}

/// The arguments of `rule` for `path`, or `None` when it does not match. Groups that did not
/// take part in the match count as `""`, like Go's `FindStringSubmatch`; then the list is padded
/// with `""` or cut to the action's arity (Go's `makeActionArgs`).
fn rule_args(rule: &Rule, path: &str) -> Option<Vec<String>> {
    // `is_match` first: it allocates nothing and may stop early, while `captures` allocates its
    // slots even for a miss. The one rule that matches is searched twice; every miss is cheaper.
    if !rule.regex.is_match(path) {
        return None;
    }
    let arity = rule.action.arity;
    if arity == 0 {
        return Some(Vec::new());
    }
    let caps = rule.regex.captures(path)?;
    let mut args: Vec<String> = caps
        .iter()
        .skip(1)
        .take(arity)
        .map(|m| m.map_or_else(String::new, |m| m.as_str().to_owned()))
        .collect();
    args.resize(arity, String::new());
    Some(args)
}

/// Go's `strings.ToLower`, without a copy when there is nothing to change (the common case).
fn lowercase(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(s.to_lowercase())
    }
}
