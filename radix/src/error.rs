//! Why a route could not be inserted.
//!
//! Where gin calls `panic` inside `addRoute`/`insertChild`, the port returns an
//! [`InsertError`]. The messages follow gin's wording so that someone who knows
//! gin recognises them, and every conflict names the new route *and* a route
//! already in the tree that it collides with. A failed insert leaves the tree
//! exactly as it was (the tree checks before it mutates).

use std::fmt;

/// A route that the tree refuses, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertError {
    /// The path does not start with `/` (gin: "path must begin with '/'").
    MissingLeadingSlash {
        /// The route being inserted.
        route: String,
    },
    /// Exactly this route is already registered.
    Duplicate {
        /// The route being inserted (and already present).
        route: String,
    },
    /// A wildcard (or a static segment) collides with an existing wildcard at the
    /// same position: two param names (`:id` vs `:name`), `:name` vs `:names`,
    /// a catch-all beside a param, or anything beside an existing catch-all.
    WildcardConflict {
        /// The route being inserted.
        route: String,
        /// The segment of the new route that collides (gin's `pathSeg`).
        segment: String,
        /// The wildcard already in the tree at that position.
        existing_wildcard: String,
        /// The existing prefix up to and including that wildcard.
        existing_prefix: String,
        /// A registered route that goes through the existing wildcard.
        existing_route: String,
    },
    /// A catch-all would shadow existing routes below the same `/`.
    CatchAllConflict {
        /// The route being inserted.
        route: String,
        /// The existing path segment the catch-all would hide.
        existing_segment: String,
        /// The existing prefix of that segment.
        existing_prefix: String,
        /// A registered route that the catch-all would hide.
        existing_route: String,
    },
    /// A `*catchAll` that is not the last segment.
    CatchAllNotAtEnd {
        /// The route being inserted.
        route: String,
    },
    /// A `*catchAll` that does not follow a `/`.
    NoSlashBeforeCatchAll {
        /// The route being inserted.
        route: String,
    },
    /// `:` or `*` without a name.
    EmptyWildcardName {
        /// The route being inserted.
        route: String,
    },
    /// Two wildcards in one segment, e.g. `/:a:b`.
    TooManyWildcards {
        /// The route being inserted.
        route: String,
        /// The offending segment.
        segment: String,
    },
}

impl fmt::Display for InsertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InsertError::MissingLeadingSlash { route } => {
                write!(f, "path must begin with '/' in path '{route}'")
            }
            InsertError::Duplicate { route } => {
                write!(f, "handlers are already registered for path '{route}'")
            }
            InsertError::WildcardConflict {
                route,
                segment,
                existing_wildcard,
                existing_prefix,
                existing_route,
            } => write!(
                f,
                "'{segment}' in new path '{route}' conflicts with existing wildcard \
                 '{existing_wildcard}' in existing prefix '{existing_prefix}' \
                 (existing route '{existing_route}')"
            ),
            InsertError::CatchAllConflict {
                route,
                existing_segment,
                existing_prefix,
                existing_route,
            } => write!(
                f,
                "catch-all wildcard in new path '{route}' conflicts with existing path segment \
                 '{existing_segment}' in existing prefix '{existing_prefix}' \
                 (existing route '{existing_route}')"
            ),
            InsertError::CatchAllNotAtEnd { route } => write!(
                f,
                "catch-all routes are only allowed at the end of the path in path '{route}'"
            ),
            InsertError::NoSlashBeforeCatchAll { route } => {
                write!(f, "no / before catch-all in path '{route}'")
            }
            InsertError::EmptyWildcardName { route } => write!(
                f,
                "wildcards must be named with a non-empty name in path '{route}'"
            ),
            InsertError::TooManyWildcards { route, segment } => write!(
                f,
                "only one wildcard per path segment is allowed, has: '{segment}' in path '{route}'"
            ),
        }
    }
}

impl std::error::Error for InsertError {}
