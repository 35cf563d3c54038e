//! A serde value turned into the tree go-yaml v2 would see in the corresponding Go value.
//!
//! go-yaml walks a Go value by reflection; serde hands us a Rust value call by call. The
//! [`Serializer`] here builds a small [`Node`] tree from those calls, so that the emitter can
//! look ahead as go-yaml's does (is this sequence empty? is this key short enough?) and so that
//! map entries can be sorted before they are written.
//!
//! | serde | Go counterpart | node |
//! | --- | --- | --- |
//! | struct, struct variant's fields | struct | mapping, fields in declaration order |
//! | map | map | mapping, keys sorted by `keyList.Less` |
//! | seq, tuple, tuple struct | slice | sequence |
//! | `None`, unit | nil pointer, nil | `null` |
//! | unit struct | `struct{}` | empty mapping (`{}`) |
//! | newtype struct, `Some` | the value, a non-nil pointer | the value |
//! | bool, i8…i64, u8…u64, f32, f64 | the same-sized Go type | scalar |
//! | i128, u128 | none (Go has no 128-bit ints) | written in decimal like the others, ordered as int64/uint64 keys |
//! | char | none (a Go rune is an int32) | a one-character string, as serde's other formats write it |
//! | bytes | `[]byte` | a sequence of small ints, as go-yaml writes a byte slice |
//! | unit variant | none | the variant's name as a string |
//! | newtype, tuple, struct variant | none | serde's external tagging: `{Variant: value}` |
//!
//! A map key must come out as a scalar; a key that is a sequence or a mapping is an error (go-yaml
//! would write a complex key for a Go struct key, which serde types rarely mean).

use serde::ser::{self, Serialize};

use super::sort::sort_entries;
use super::Error;

/// A Go value's shape as go-yaml v2's encoder meets it.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// nil: written `null`.
    Null,
    /// A Go bool.
    Bool(bool),
    /// A signed Go int of the given kind.
    Int(i128, Kind),
    /// An unsigned Go int of the given kind.
    Uint(u128, Kind),
    /// A Go float32 or float64.
    Float(f64, Kind),
    /// A Go string.
    Str(String),
    /// A Go slice.
    Seq(Vec<Node>),
    /// A Go struct or map, entries in the order they are written (a map's already sorted).
    Mapping(Vec<(Node, Node)>),
}

/// The Go `reflect.Kind` of a number, with Go's numbering (map keys of different kinds sort by
/// it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// int8
    Int8 = 3,
    /// int16
    Int16 = 4,
    /// int32
    Int32 = 5,
    /// int64
    Int64 = 6,
    /// uint8
    Uint8 = 8,
    /// uint16
    Uint16 = 9,
    /// uint32
    Uint32 = 10,
    /// uint64
    Uint64 = 11,
    /// float32
    Float32 = 13,
    /// float64
    Float64 = 14,
}

/// Builds a [`Node`] from a serde value.
#[derive(Debug, Clone, Copy)]
pub struct Serializer;

/// `value` as a node tree.
pub fn to_node<T: Serialize + ?Sized>(value: &T) -> Result<Node, Error> {
    value.serialize(Serializer)
}

fn tagged(variant: &str, value: Node) -> Node {
    Node::Mapping(vec![(Node::Str(variant.to_owned()), value)])
}

impl ser::Serializer for Serializer {
    type Ok = Node;
    type Error = Error;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = SeqBuilder;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = MapBuilder;

    fn serialize_bool(self, v: bool) -> Result<Node, Error> {
        Ok(Node::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Node, Error> {
        Ok(Node::Int(v.into(), Kind::Int8))
    }
    fn serialize_i16(self, v: i16) -> Result<Node, Error> {
        Ok(Node::Int(v.into(), Kind::Int16))
    }
    fn serialize_i32(self, v: i32) -> Result<Node, Error> {
        Ok(Node::Int(v.into(), Kind::Int32))
    }
    fn serialize_i64(self, v: i64) -> Result<Node, Error> {
        Ok(Node::Int(v.into(), Kind::Int64))
    }
    fn serialize_i128(self, v: i128) -> Result<Node, Error> {
        Ok(Node::Int(v, Kind::Int64))
    }
    fn serialize_u8(self, v: u8) -> Result<Node, Error> {
        Ok(Node::Uint(v.into(), Kind::Uint8))
    }
    fn serialize_u16(self, v: u16) -> Result<Node, Error> {
        Ok(Node::Uint(v.into(), Kind::Uint16))
    }
    fn serialize_u32(self, v: u32) -> Result<Node, Error> {
        Ok(Node::Uint(v.into(), Kind::Uint32))
    }
    fn serialize_u64(self, v: u64) -> Result<Node, Error> {
        Ok(Node::Uint(v.into(), Kind::Uint64))
    }
    fn serialize_u128(self, v: u128) -> Result<Node, Error> {
        Ok(Node::Uint(v, Kind::Uint64))
    }
    fn serialize_f32(self, v: f32) -> Result<Node, Error> {
        Ok(Node::Float(v.into(), Kind::Float32))
    }
    fn serialize_f64(self, v: f64) -> Result<Node, Error> {
        Ok(Node::Float(v, Kind::Float64))
    }
    fn serialize_char(self, v: char) -> Result<Node, Error> {
        Ok(Node::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Node, Error> {
        Ok(Node::Str(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Node, Error> {
        let items = v.iter().map(|&b| Node::Uint(b.into(), Kind::Uint8));
        Ok(Node::Seq(items.collect()))
    }
    fn serialize_none(self) -> Result<Node, Error> {
        Ok(Node::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Node, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Node, Error> {
        Ok(Node::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Node, Error> {
        Ok(Node::Mapping(Vec::new()))
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Node, Error> {
        Ok(Node::Str(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Node, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Node, Error> {
        Ok(tagged(variant, value.serialize(self)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder, Error> {
        Ok(SeqBuilder::new(None, len))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder, Error> {
        Ok(SeqBuilder::new(None, Some(len)))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder, Error> {
        Ok(SeqBuilder::new(None, Some(len)))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqBuilder, Error> {
        Ok(SeqBuilder::new(Some(variant), Some(len)))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder, Error> {
        Ok(MapBuilder::new(None, true, len))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapBuilder, Error> {
        Ok(MapBuilder::new(None, false, Some(len)))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<MapBuilder, Error> {
        Ok(MapBuilder::new(Some(variant), false, Some(len)))
    }
}

/// A sequence being built, with the variant name when it is a tuple variant's.
#[derive(Debug)]
pub struct SeqBuilder {
    variant: Option<&'static str>,
    items: Vec<Node>,
}

impl SeqBuilder {
    fn new(variant: Option<&'static str>, len: Option<usize>) -> Self {
        // A length from the value is only a hint; never reserve more than a little up front.
        let items = Vec::with_capacity(len.unwrap_or(0).min(64));
        SeqBuilder { variant, items }
    }
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(Serializer)?);
        Ok(())
    }
    fn finish(self) -> Node {
        let seq = Node::Seq(self.items);
        match self.variant {
            Some(v) => tagged(v, seq),
            None => seq,
        }
    }
}

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Node, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Node, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Node, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleVariant for SeqBuilder {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Node, Error> {
        Ok(self.finish())
    }
}

/// A mapping being built: a map (sorted at the end) or a struct (kept in field order), with the
/// variant name when it is a struct variant's.
#[derive(Debug)]
pub struct MapBuilder {
    variant: Option<&'static str>,
    sorted: bool,
    entries: Vec<(Node, Node)>,
    key: Option<Node>,
}

impl MapBuilder {
    fn new(variant: Option<&'static str>, sorted: bool, len: Option<usize>) -> Self {
        MapBuilder {
            variant,
            sorted,
            entries: Vec::with_capacity(len.unwrap_or(0).min(64)),
            key: None,
        }
    }
    fn finish(mut self) -> Node {
        if self.sorted {
            sort_entries(&mut self.entries);
        }
        let mapping = Node::Mapping(self.entries);
        match self.variant {
            Some(v) => tagged(v, mapping),
            None => mapping,
        }
    }
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Node;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let key = key.serialize(Serializer)?;
        if let Node::Seq(_) | Node::Mapping(_) = key {
            return Err(Error::new(
                "a map key must be a string, number, bool or null, not a sequence or a mapping",
            ));
        }
        self.key = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error::new("a map value came without its key"))?;
        self.entries.push((key, value.serialize(Serializer)?));
        Ok(())
    }
    fn end(self) -> Result<Node, Error> {
        if self.key.is_some() {
            return Err(Error::new("a map key came without its value"));
        }
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let value = value.serialize(Serializer)?;
        self.entries.push((Node::Str(key.to_owned()), value));
        Ok(())
    }
    fn end(self) -> Result<Node, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for MapBuilder {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<Node, Error> {
        Ok(self.finish())
    }
}
