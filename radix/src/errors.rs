//! The error chain of a request (gin's `c.Error(err)` and `c.Errors`).
//!
//! A handler that fails does not have to answer at once: it attaches the error to the context
//! and goes on (or aborts); middleware further out — the logger, an error page — reads the whole
//! list after `next()` returns. gin tags each error with a type (bind, render, private, public)
//! so that a middleware can pick, e.g. the logger prints only private ones.

use std::fmt;

/// gin's `ErrorType` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// `ErrorTypeBind`: a `Bind*` call failed.
    Bind,
    /// `ErrorTypeRender`: a render failed.
    Render,
    /// `ErrorTypePrivate`: the default of `c.Error`.
    Private,
    /// `ErrorTypePublic`: meant for the client.
    Public,
}

impl ErrorType {
    fn bits(self) -> u64 {
        match self {
            ErrorType::Bind => 1 << 63,
            ErrorType::Render => 1 << 62,
            ErrorType::Private => 1,
            ErrorType::Public => 1 << 1,
        }
    }
}

/// One error of the chain (gin's `*gin.Error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The message (gin keeps the `error` value; its text is all anyone reads).
    pub message: String,
    /// Its type.
    pub kind: ErrorType,
    /// Extra data (gin's `Meta`).
    pub meta: Option<String>,
}

/// Format errors as gin's `errorMsgs.String()`: `Error #01: msg` lines, with a `Meta:` line each
/// when there is one.
pub fn errors_string<'a>(errors: impl Iterator<Item = &'a Error>) -> String {
    let mut out = String::new();
    for (i, e) in errors.enumerate() {
        out.push_str(&format!("Error #{:02}: {}\n", i + 1, e.message));
        if let Some(meta) = &e.meta {
            out.push_str(&format!("     Meta: {meta}\n"));
        }
    }
    out
}

/// The errors whose type is one of `kinds` (gin's `ByType`).
pub fn by_type<'a>(errors: &'a [Error], kinds: &'a [ErrorType]) -> impl Iterator<Item = &'a Error> {
    let mask: u64 = kinds.iter().map(|k| k.bits()).fold(0, |a, b| a | b);
    errors.iter().filter(move |e| e.kind.bits() & mask != 0)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
