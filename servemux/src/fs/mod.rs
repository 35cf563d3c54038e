//! Serving files: Go's `net/http/fs.go` — `FileServer`, `ServeFile`, `ServeContent`,
//! `StripPrefix` — and the pieces they are made of, one idea per module:
//!
//! - `file_system` — [`FileSystem`], [`File`] and [`Dir`]: names cleaned before they touch the
//!   disk, so no request can leave the root;
//! - `file_server` — [`FileServer`] and [`serve_file`]: index pages, the canonical-URL
//!   redirects, directories;
//! - `listing`     — a directory's page in Go's format;
//! - `content`     — [`serve_content`]: the decision order for one piece of content, streamed
//!   through one fixed buffer;
//! - `conditional` — the `If-*` preconditions;
//! - `range`       — `Range` parsing and `multipart/byteranges`;
//! - `sniff`       — [`detect_content_type`], Go's `DetectContentType`;
//! - `mime`        — `Content-Type` from an extension, Go's built-in table;
//! - `strip_prefix` — [`StripPrefix`], mounting a handler under a prefix.

mod conditional;
mod content;
mod file_server;
mod file_system;
mod listing;
mod mime;
mod range;
mod sniff;
mod strip_prefix;

pub use conditional::{scan_etag, Cond};
pub use content::{serve_content, serve_error, Content, COPY_BUF};
pub use file_server::{contains_dot_dot, serve_file, FileServer};
pub use file_system::{Dir, DirEntry, File, FileSystem, OpenError};
pub use listing::render as render_listing;
pub use mime::type_by_extension;
pub use range::{parse_range, ByteRange, RangeError, MAX_RANGES};
pub use sniff::{detect_content_type, SNIFF_LEN};
pub use strip_prefix::StripPrefix;
