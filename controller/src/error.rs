//! Registration errors. Go's router silently ignores a bad controller or action and
//! `regexp.MustCompile` panics on a bad pattern; here each mistake is a typed error that names
//! what was wrong, returned when the route table is built (not when a request arrives).

use std::fmt;

/// A route table that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// Two controllers have the same route name.
    DuplicateController {
        /// The route name both controllers map to.
        name: String,
    },
    /// `define_route` named a controller that was not registered.
    UnknownController {
        /// The pattern of the rule.
        pattern: String,
        /// The controller name as given.
        controller: String,
    },
    /// `define_route` named an action the controller does not have.
    UnknownAction {
        /// The pattern of the rule.
        pattern: String,
        /// The controller's route name.
        controller: String,
        /// The action name as given.
        action: String,
    },
    /// The rule's pattern is not a valid regular expression.
    InvalidRegex {
        /// The pattern as given.
        pattern: String,
        /// The regex crate's explanation.
        error: String,
    },
    /// The same pattern was defined twice; the second rule could never match.
    DuplicateRule {
        /// The pattern.
        pattern: String,
    },
    /// `set_default_route` named an action that takes arguments; a default route has none to
    /// give it.
    DefaultRouteTakesArguments {
        /// The controller's route name.
        controller: String,
        /// The action's route name.
        action: String,
        /// How many arguments it takes.
        arity: usize,
    },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::DuplicateController { name } => {
                write!(f, "controller name '{name}' is registered twice")
            }
            RouteError::UnknownController {
                pattern,
                controller,
            } => write!(
                f,
                "route '{pattern}': no controller named '{controller}' is registered"
            ),
            RouteError::UnknownAction {
                pattern,
                controller,
                action,
            } => write!(
                f,
                "route '{pattern}': controller '{controller}' has no action '{action}'"
            ),
            RouteError::InvalidRegex { pattern, error } => {
                write!(f, "route '{pattern}' is not a valid regex: {error}")
            }
            RouteError::DuplicateRule { pattern } => {
                write!(f, "route '{pattern}' is defined twice")
            }
            RouteError::DefaultRouteTakesArguments {
                controller,
                action,
                arity,
            } => write!(
                f,
                "default route '{controller}/{action}': the action takes {arity} argument(s), a default route has none to give"
            ),
        }
    }
}

impl std::error::Error for RouteError {}
