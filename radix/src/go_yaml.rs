//! YAML bytes as go-yaml v2 (gopkg.in/yaml.v2 v2.4.0, the version gin 1.8.1 renders `c.YAML`
//! with) writes them.
//!
//! serde_yaml writes YAML 1.2: it leaves `yes`, `on` or `1_000` plain, because YAML 1.2 reads
//! them as strings, and quotes with single quotes. go-yaml v2 resolves plain text by YAML 1.1
//! rules, where those are a boolean and an int, so it double-quotes them; it also picks its own
//! styles, sorts a Go map's keys its own number-aware way, writes `[]`/`{}` for empty
//! collections, puts a sequence under a mapping key at the key's indentation and breaks long
//! lines at column 80. The pieces, each after the go-yaml function it mirrors:
//!
//! - `node`: a serde value as the Go value go-yaml would walk (struct fields in order, map
//!   entries sorted by `sort`);
//! - `resolve`: which strings YAML 1.1 reads as another type;
//! - `scalar`: the style the encoder asks for and the emitter settles on;
//! - `float`: Go's float formatting;
//! - `emit`: the emitter's layout.
//!
//! Binding (`ShouldBindYAML`) still parses with serde_yaml; see [`crate::Binding::Yaml`] for
//! where YAML 1.1 and serde_yaml read a body differently.

use std::fmt;

mod emit;
mod float;
mod node;
mod resolve;
mod scalar;
mod sort;

/// A value go-yaml's encoder would refuse or that has no YAML form here (a map key that is a
/// sequence or a mapping, or an error raised by the value's own `Serialize`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    fn new(msg: &str) -> Self {
        Error(msg.to_owned())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "yaml: {}", self.0)
    }
}

impl std::error::Error for Error {}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

// ANCHOR: marshal
/// Go's `yaml.Marshal(v)` (go-yaml v2.4.0), which gin's `c.YAML` sends: build the tree go-yaml
/// would walk (map keys sorted its way), then lay it out as its emitter does.
pub fn marshal<T: serde::Serialize + ?Sized>(v: &T) -> Result<Vec<u8>, Error> {
    let tree = node::to_node(v)?;
    Ok(emit::document(&tree).into_bytes())
}
// ANCHOR_END: marshal

pub use sort::keys_have_one_order;

#[cfg(test)]
mod tests;
