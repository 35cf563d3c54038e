//! What the [`PatternMux`](crate::PatternMux) tells a handler about the match: the pattern
//! (Go's `Request.Pattern`) and the wildcard values (Go's `Request.PathValue`).
//!
//! The values live in the [`Request`] (one field, [`RouteMatch`], set by the mux before it
//! calls the handler), so a handler reads them as Go's does: `r.path_value("id")`.

use std::sync::Arc;

use super::pattern::Pattern;
use crate::Request;

/// The pattern a request matched and its path values (empty until a [`PatternMux`] routes it).
///
/// [`PatternMux`]: crate::PatternMux
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteMatch {
    pattern: Option<Arc<str>>,
    /// `(name, value)`: the pattern's wildcards in pattern order, then names added by
    /// [`Request::set_path_value`].
    values: Vec<(String, String)>,
}

impl RouteMatch {
    /// The match of `pattern` with the wildcard values `values`, in pattern order.
    pub(crate) fn new(pattern: &Pattern, values: Vec<String>) -> RouteMatch {
        RouteMatch {
            pattern: Some(pattern.text_arc().clone()),
            values: pattern
                .wildcard_names()
                .map(str::to_owned)
                .zip(values)
                .collect(),
        }
    }

    /// A pattern with no values: what a redirect reports.
    pub(crate) fn pattern_only(pattern: String) -> RouteMatch {
        RouteMatch {
            pattern: (!pattern.is_empty()).then(|| Arc::from(pattern)),
            values: Vec::new(),
        }
    }

    /// The matched pattern's text.
    pub fn pattern(&self) -> Option<&str> {
        self.pattern.as_deref()
    }

    /// The value of wildcard `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `(name, value)` pairs, wildcards in pattern order first.
    pub fn values(&self) -> &[(String, String)] {
        &self.values
    }

    fn set(&mut self, name: &str, value: &str) {
        match self.values.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => value.clone_into(v),
            None => self.values.push((name.to_owned(), value.to_owned())),
        }
    }
}

impl Request {
    /// The value of wildcard `name` in the pattern that matched (Go's `r.PathValue(name)`,
    /// which answers `""` where this answers `None`).
    pub fn path_value(&self, name: &str) -> Option<&str> {
        self.route.value(name)
    }

    /// Sets path value `name` (Go's `r.SetPathValue`): middleware may fill in values, and a
    /// later [`path_value`](Request::path_value) returns them.
    pub fn set_path_value(&mut self, name: &str, value: &str) {
        self.route.set(name, value);
    }

    /// The pattern that matched (Go's `r.Pattern`), `None` when no [`PatternMux`] matched one.
    ///
    /// [`PatternMux`]: crate::PatternMux
    pub fn pattern(&self) -> Option<&str> {
        self.route.pattern()
    }

    /// Everything the mux recorded about the match.
    pub fn route_match(&self) -> &RouteMatch {
        &self.route
    }
}
