//! What the [`PatternMux`](crate::PatternMux) tells a handler about the match: the pattern
//! (Go's `Request.Pattern`) and the wildcard values (Go's `Request.PathValue`).
//!
//! The values live in the [`Request`] (one field, [`RouteMatch`], set by the mux before it
//! calls the handler), so a handler reads them as Go's does: `r.path_value("id")`.

use std::sync::Arc;

use crate::Request;

/// The pattern a request matched and its path values (empty until a [`PatternMux`] routes it).
///
/// The wildcard names are shared with the registered pattern (an `Arc`), so a match allocates
/// only its values.
///
/// [`PatternMux`]: crate::PatternMux
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteMatch {
    pub(super) pattern: Option<Arc<str>>,
    /// The pattern's wildcard names, in pattern order.
    names: Option<Arc<[String]>>,
    /// Their values, by position (shorter than `names` only in Go's odd case of an unclean
    /// CONNECT path, where a wildcard matched an empty segment without a value).
    values: Vec<String>,
    /// Names that are not the pattern's, added by [`Request::set_path_value`].
    extra: Vec<(String, String)>,
}

impl RouteMatch {
    /// The match of `pattern` (whose wildcard names are `names`) with `values` in pattern order.
    pub(crate) fn new(
        pattern: &Arc<str>,
        names: &Arc<[String]>,
        values: Vec<String>,
    ) -> RouteMatch {
        RouteMatch {
            pattern: Some(pattern.clone()),
            names: Some(names.clone()),
            values,
            extra: Vec::new(),
        }
    }

    /// A pattern with no values: what a redirect reports.
    pub(crate) fn pattern_only(pattern: String) -> RouteMatch {
        RouteMatch {
            pattern: (!pattern.is_empty()).then(|| Arc::from(pattern)),
            ..RouteMatch::default()
        }
    }

    /// The matched pattern's text.
    pub fn pattern(&self) -> Option<&str> {
        self.pattern.as_deref()
    }

    /// The `(name, value)` pairs: the pattern's wildcards in pattern order, then names added by
    /// [`Request::set_path_value`].
    pub fn values(&self) -> impl Iterator<Item = (&str, &str)> {
        let names = self.names.as_deref().unwrap_or(&[]);
        names
            .iter()
            .zip(&self.values)
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(self.extra.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    }

    /// The value of wildcard `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    fn set(&mut self, name: &str, value: &str) {
        let names = self.names.as_deref().unwrap_or(&[]);
        if let Some(i) = names.iter().position(|n| n == name) {
            if let Some(v) = self.values.get_mut(i) {
                value.clone_into(v);
                return;
            }
        }
        match self.extra.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => value.clone_into(v),
            None => self.extra.push((name.to_owned(), value.to_owned())),
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
