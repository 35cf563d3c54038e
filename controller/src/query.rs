//! Declared, typed query parameters: goinbox/gohttp's `query` package.
//!
//! In Go an action declares each parameter by binding a variable: `qs.IntVar(&page, "page",
//! required, errno, msg, check)`, then `qs.Parse(r.URL.Query())` fills the variables and returns a
//! `*goerror.Error` (`errno: N, msg: M`) for the first parameter that is missing while required,
//! does not parse, or fails its check. This module keeps that shape — a set of declarations
//! bound to the caller's variables, parsed in one call — with Rust's types:
//!
//! - a parameter binds `&mut T` for any [`FromQuery`] type (`i64`, `i32`, `isize`, `u64`, `u32`,
//!   `String`, `bool`), so the declaration and the variable cannot disagree on the type;
//! - the [`Param`] describes the rest: name, required, the error's number and message, and an
//!   optional check;
//! - [`QueryError`] is Go's `goerror.Error` (`errno: 101, msg: invalid page`), and converts into
//!   a [`Jump`](crate::Jump) answering `400 Bad Request` with that text, so an action parses with
//!   `?` and a bad query leaves the action like any early exit.
//!
//! Why a builder over borrowed variables and not `serde`: the Go API is per-parameter (each has
//! its own error number and check), values keep their defaults when a parameter is absent, and
//! `exists` must tell "absent" from "given as the default". A derive would need all of that as
//! attributes; a builder says it in plain calls, and the crate needs no serde.
//!
//! The rules, from Go's `QuerySet.Parse` and the value types (goinbox/gohttp `query/query.go`,
//! `int_value.go`, `string_value.go`):
//!
//! 1. A parameter is absent when the query has no value for its name at all (`?a=` is present,
//!    with the value `""`). Absent and required: its error. Absent and optional: the variable
//!    keeps its value.
//! 2. Present: it is marked as existing; the first value, with surrounding white space trimmed,
//!    is parsed. For a number `""` is `0` (Go's `Set` skips `Atoi` for it); anything else must be
//!    a decimal integer in range, or it is the parameter's error.
//! 3. Then the check, if any; `false` is the parameter's error.
//!
//! One departure: Go keeps the declarations in a map and so checks them in random order (which
//! error a request with two bad parameters gets changes from run to run); here they are checked in
//! declaration order.

use std::collections::HashSet;
use std::fmt;

use http::StatusCode;
use servemux::Request;

use crate::Jump;

/// A parameter that fails: Go's `goerror.Error`, `errno: N, msg: M`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    errno: i64,
    msg: String,
}

impl QueryError {
    /// An error with a number and a message (Go's `goerror.New(errno, msg)`).
    pub fn new(errno: i64, msg: impl Into<String>) -> Self {
        QueryError {
            errno,
            msg: msg.into(),
        }
    }

    /// The error number.
    pub fn errno(&self) -> i64 {
        self.errno
    }

    /// The message.
    pub fn msg(&self) -> &str {
        &self.msg
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "errno: {}, msg: {}", self.errno, self.msg)
    }
}

impl std::error::Error for QueryError {}

/// A bad query ends the action with `400 Bad Request` and the error's text as the whole body.
impl From<QueryError> for Jump {
    fn from(e: QueryError) -> Jump {
        Jump::Respond {
            status: StatusCode::BAD_REQUEST,
            body: format!("{e}\n").into_bytes(),
        }
    }
}

/// A type a query parameter can be parsed into.
pub trait FromQuery: Sized {
    /// Parses the trimmed first value; `None` is "not a valid value" (the parameter's error).
    fn from_query(value: &str) -> Option<Self>;
}

/// Numbers: `""` is `0`, as in Go; otherwise a decimal integer with an optional sign, in range
/// (Go's `strconv.Atoi` and `ParseInt(s, 10, 64)` accept the same strings as Rust's `parse`).
fn number<T: std::str::FromStr + Default>(value: &str) -> Option<T> {
    if value.is_empty() {
        return Some(T::default());
    }
    value.parse().ok()
}

impl FromQuery for i64 {
    fn from_query(value: &str) -> Option<Self> {
        number(value)
    }
}

impl FromQuery for i32 {
    fn from_query(value: &str) -> Option<Self> {
        number(value)
    }
}

impl FromQuery for isize {
    fn from_query(value: &str) -> Option<Self> {
        number(value)
    }
}

impl FromQuery for u64 {
    fn from_query(value: &str) -> Option<Self> {
        number(value)
    }
}

impl FromQuery for u32 {
    fn from_query(value: &str) -> Option<Self> {
        number(value)
    }
}

impl FromQuery for String {
    fn from_query(value: &str) -> Option<Self> {
        Some(value.to_owned())
    }
}

/// `true`/`false` and Go's other `strconv.ParseBool` spellings (`1`, `t`, `TRUE`, ...); `""` is
/// `false`, like a number's `0`.
impl FromQuery for bool {
    fn from_query(value: &str) -> Option<Self> {
        match value {
            "" | "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
            "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
            _ => None,
        }
    }
}

/// A check on a parsed value (Go's `CheckInt`, `CheckString`, ...).
pub type Check<T> = Box<dyn Fn(&T) -> bool + Send + Sync>;

/// How one parameter is declared: its name, whether it is required, its error, its check.
pub struct Param<T> {
    name: String,
    required: bool,
    error: QueryError,
    check: Option<Check<T>>,
}

impl<T> std::fmt::Debug for Param<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Param")
            .field("name", &self.name)
            .field("required", &self.required)
            .field("checked", &self.check.is_some())
            .finish_non_exhaustive()
    }
}

impl<T> Param<T> {
    /// An optional parameter `name` whose failures are `errno`/`msg`.
    pub fn new(name: impl Into<String>, errno: i64, msg: impl Into<String>) -> Self {
        Param {
            name: name.into(),
            required: false,
            error: QueryError::new(errno, msg),
            check: None,
        }
    }

    /// Absent is an error.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The parsed value must pass `check`.
    pub fn check(mut self, check: impl Fn(&T) -> bool + Send + Sync + 'static) -> Self {
        self.check = Some(Box::new(check));
        self
    }
}

/// Go's `CheckIntIsPositive` and friends: `> 0`.
pub fn is_positive<T: PartialOrd + Default>(v: &T) -> bool {
    *v > T::default()
}

/// Go's `CheckStringNotEmpty`.
// A check gets `&T`, and here `T` is `String`: `&str` would not fit `Param<String>::check`.
#[allow(clippy::ptr_arg)]
pub fn not_empty(v: &String) -> bool {
    !v.is_empty()
}

/// One declared parameter, bound to the caller's variable, with its type erased.
struct Declared<'v> {
    name: String,
    required: bool,
    error: QueryError,
    /// Parses a value into the variable and runs the check; `false` is the parameter's error.
    set: Box<dyn FnMut(&str) -> bool + Send + 'v>,
}

/// The declared parameters of one request (Go's `QuerySet`), bound to the caller's variables.
///
/// ```
/// use controller::query::{is_positive, Param, QuerySet};
///
/// let (mut page, mut name) = (1_i64, String::new());
/// let seen = QuerySet::new()
///     .var(&mut page, Param::new("page", 101, "invalid page").check(is_positive))
///     .var(&mut name, Param::new("name", 102, "name is required").required())
///     .parse_pairs(&[("name".into(), " bob ".into())])
///     .unwrap();
/// assert_eq!((page, name.as_str()), (1, "bob")); // page absent: keeps its default
/// assert!(seen.exists("name") && !seen.exists("page"));
/// ```
#[derive(Default)]
pub struct QuerySet<'v> {
    declared: Vec<Declared<'v>>,
}

impl std::fmt::Debug for QuerySet<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuerySet")
            .field("declared", &self.declared.len())
            .finish()
    }
}

/// Which declared parameters the query had (Go's `ExistsInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presence {
    names: HashSet<String>,
}

impl Presence {
    /// Whether the query had a value for `name` (Go's `Exist`).
    pub fn exists(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// Every declared name the query had.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }
}

impl<'v> QuerySet<'v> {
    /// No parameters yet.
    pub fn new() -> Self {
        QuerySet::default()
    }

    /// Declares a parameter that fills `slot` (Go's `IntVar`, `Int64Var`, `StringVar`, `Var`).
    /// Declaring a name twice replaces the first declaration, as Go's map does.
    pub fn var<T>(&mut self, slot: &'v mut T, param: Param<T>) -> &mut Self
    where
        T: FromQuery + Send + 'v,
    {
        let Param {
            name,
            required,
            error,
            check,
        } = param;
        let set = move |value: &str| match T::from_query(value) {
            Some(v) => {
                let ok = check.as_ref().is_none_or(|c| c(&v));
                // Go stores the value before checking it.
                *slot = v;
                ok
            }
            None => false,
        };
        self.declared.retain(|d| d.name != name);
        self.declared.push(Declared {
            name,
            required,
            error,
            set: Box::new(set),
        });
        self
    }

    /// Parses decoded `(name, value)` pairs in query order (what
    /// [`Request::query_pairs`](servemux::Request::query_pairs) gives).
    pub fn parse_pairs(&mut self, pairs: &[(String, String)]) -> Result<Presence, QueryError> {
        let mut presence = Presence::default();
        for d in &mut self.declared {
            let Some((_, value)) = pairs.iter().find(|(k, _)| *k == d.name) else {
                if d.required {
                    return Err(d.error.clone());
                }
                continue;
            };
            presence.names.insert(d.name.clone());
            if !(d.set)(value.trim()) {
                return Err(d.error.clone());
            }
        }
        Ok(presence)
    }

    /// Parses the request's query string (Go: `qs.Parse(r.URL.Query())`).
    pub fn parse(&mut self, request: &Request) -> Result<Presence, QueryError> {
        self.parse_pairs(&request.query_pairs())
    }
}
