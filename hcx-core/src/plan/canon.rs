//! A serde serializer that writes canonical JSON (object keys sorted by their bytes, no whitespace, strings
//! escaped as `serde_json` escapes them) straight into a sink such as a hasher.
//!
//! It writes the same bytes as sorting a `serde_json::Value`, without building one: a plan of 10,000 pairs
//! would otherwise allocate every string and every key of the document once more. Each object is written
//! into one growing buffer and reordered in place when it ends; the buffer goes to the sink whenever no
//! object is open, so memory stays at the size of the largest element of an array.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// Why a value has no canonical JSON form (a map key that is not a string, say).
#[derive(Debug)]
pub(crate) struct CanonError(String);

impl fmt::Display for CanonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CanonError {}

impl ser::Error for CanonError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

type Result<T = ()> = std::result::Result<T, CanonError>;

/// Bytes in the buffer before they are handed to the sink.
const FLUSH_AT: usize = 1 << 16;

/// One key and its value, as byte ranges of the key and value buffers.
struct Entry {
    key: (usize, usize),
    value: (usize, usize),
}

/// The canonical writer.
pub(crate) struct Canon<'s> {
    buf: Vec<u8>,
    /// Raw (unescaped) keys of the open objects.
    keys: Vec<u8>,
    /// Entries of the open objects, innermost last.
    entries: Vec<Entry>,
    /// Reused while an object is reordered.
    scratch: Vec<u8>,
    /// Objects not yet ended: their bytes cannot leave the buffer.
    open: usize,
    sink: &'s mut dyn FnMut(&[u8]),
}

impl<'s> Canon<'s> {
    /// A writer handing its bytes to `sink`, in order.
    pub(crate) fn new(sink: &'s mut dyn FnMut(&[u8])) -> Self {
        Self { buf: Vec::new(), keys: Vec::new(), entries: Vec::new(), scratch: Vec::new(), open: 0, sink }
    }

    /// Writes bytes as they are (punctuation of an object written by hand).
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Writes `"key":` followed by the value, as one member of an object written by hand.
    pub(crate) fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result {
        self.string(key)?;
        self.buf.push(b':');
        value.serialize(&mut *self)?;
        self.flush_if_full();
        Ok(())
    }

    /// Hands the rest of the buffer to the sink.
    pub(crate) fn finish(mut self) {
        self.flush();
    }

    fn flush(&mut self) {
        if !self.buf.is_empty() {
            (self.sink)(&self.buf);
            self.buf.clear();
        }
    }

    fn flush_if_full(&mut self) {
        if self.open == 0 && self.buf.len() >= FLUSH_AT {
            self.flush();
        }
    }

    fn string(&mut self, s: &str) -> Result {
        serde_json::to_writer(&mut self.buf, s).map_err(|e| CanonError(e.to_string()))
    }

    fn number<T: Serialize>(&mut self, n: T) -> Result {
        serde_json::to_writer(&mut self.buf, &n).map_err(|e| CanonError(e.to_string()))
    }

    fn begin_object(&mut self) -> Obj<'_, 's> {
        self.open += 1;
        let (start, entries, keys) = (self.buf.len(), self.entries.len(), self.keys.len());
        Obj { c: self, start, entries, keys, key: None, suffix: None }
    }

    /// `{"variant":` for the externally tagged forms of enum variants.
    fn variant_head(&mut self, variant: &str) -> Result {
        self.buf.push(b'{');
        self.string(variant)?;
        self.buf.push(b':');
        Ok(())
    }
}

/// An object being written: its members go to the buffer as they come and are sorted at its end.
pub(crate) struct Obj<'a, 's> {
    c: &'a mut Canon<'s>,
    start: usize,
    entries: usize,
    /// Where its keys start in the key buffer.
    keys: usize,
    key: Option<(usize, usize)>,
    /// Bytes to write after the object (the `}` of a struct variant's wrapper).
    suffix: Option<&'static [u8]>,
}

impl Obj<'_, '_> {
    fn key_bytes(&mut self, key: &str) -> (usize, usize) {
        let k = self.c.keys.len();
        self.c.keys.extend_from_slice(key.as_bytes());
        (k, self.c.keys.len())
    }

    fn value<T: Serialize + ?Sized>(&mut self, key: (usize, usize), value: &T) -> Result {
        let v = self.c.buf.len();
        value.serialize(&mut *self.c)?;
        self.c.entries.push(Entry { key, value: (v, self.c.buf.len()) });
        Ok(())
    }

    fn end(self) -> Result {
        let c = self.c;
        let keys = &c.keys;
        let list = &mut c.entries[self.entries..];
        // Stable: of two equal keys the later wins, as when a JSON object is built by inserting.
        list.sort_by(|a, b| keys[a.key.0..a.key.1].cmp(&keys[b.key.0..b.key.1]));
        c.scratch.clear();
        c.scratch.extend_from_slice(&c.buf[self.start..]);
        c.buf.truncate(self.start);
        c.buf.push(b'{');
        let mut first = true;
        for (i, e) in list.iter().enumerate() {
            let key = &keys[e.key.0..e.key.1];
            if list.get(i + 1).is_some_and(|n| &keys[n.key.0..n.key.1] == key) {
                continue;
            }
            if !first {
                c.buf.push(b',');
            }
            first = false;
            let key = std::str::from_utf8(key).map_err(|e| CanonError(e.to_string()))?;
            serde_json::to_writer(&mut c.buf, key).map_err(|e| CanonError(e.to_string()))?;
            c.buf.push(b':');
            c.buf.extend_from_slice(&c.scratch[e.value.0 - self.start..e.value.1 - self.start]);
        }
        c.buf.push(b'}');
        if let Some(s) = self.suffix {
            c.buf.extend_from_slice(s);
        }
        c.keys.truncate(self.keys);
        c.entries.truncate(self.entries);
        c.open -= 1;
        c.flush_if_full();
        Ok(())
    }
}

/// An array (or the array of a tuple variant) being written.
pub(crate) struct Arr<'a, 's> {
    c: &'a mut Canon<'s>,
    first: bool,
    /// Bytes to write after the `]` (the `}` of a tuple variant's wrapper).
    suffix: &'static [u8],
}

impl Arr<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        if !self.first {
            self.c.buf.push(b',');
        }
        self.first = false;
        value.serialize(&mut *self.c)?;
        self.c.flush_if_full();
        Ok(())
    }

    fn end(self) -> Result {
        self.c.buf.push(b']');
        self.c.buf.extend_from_slice(self.suffix);
        Ok(())
    }
}

impl<'a, 's> ser::Serializer for &'a mut Canon<'s> {
    type Ok = ();
    type Error = CanonError;
    type SerializeSeq = Arr<'a, 's>;
    type SerializeTuple = Arr<'a, 's>;
    type SerializeTupleStruct = Arr<'a, 's>;
    type SerializeTupleVariant = Arr<'a, 's>;
    type SerializeMap = Obj<'a, 's>;
    type SerializeStruct = Obj<'a, 's>;
    type SerializeStructVariant = Obj<'a, 's>;

    fn serialize_bool(self, v: bool) -> Result {
        self.raw(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.number(v)
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.number(v)
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.number(v)
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.number(v)
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.number(v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.number(v)
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.number(v)
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.number(v)
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.number(v)
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result {
        // As in a `serde_json::Value`: a number that JSON cannot hold is null.
        if v.is_finite() { self.number(v) } else { self.serialize_unit() }
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        let mut a = self.serialize_seq(Some(v.len()))?;
        for b in v {
            a.element(b)?;
        }
        a.end()
    }
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.raw(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.variant_head(variant)?;
        value.serialize(&mut *self)?;
        self.raw(b"}");
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Arr<'a, 's>> {
        self.raw(b"[");
        Ok(Arr { c: self, first: true, suffix: b"" })
    }
    fn serialize_tuple(self, len: usize) -> Result<Arr<'a, 's>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Arr<'a, 's>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Arr<'a, 's>> {
        self.variant_head(variant)?;
        self.raw(b"[");
        Ok(Arr { c: self, first: true, suffix: b"}" })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Obj<'a, 's>> {
        Ok(self.begin_object())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Obj<'a, 's>> {
        Ok(self.begin_object())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Obj<'a, 's>> {
        self.variant_head(variant)?;
        let mut o = self.begin_object();
        o.suffix = Some(b"}");
        Ok(o)
    }
}

macro_rules! arr_impl {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Arr<'_, '_> {
            type Ok = ();
            type Error = CanonError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
                self.element(value)
            }
            fn end(self) -> Result {
                Arr::end(self)
            }
        }
    )*};
}

arr_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Obj<'_, '_> {
    type Ok = ();
    type Error = CanonError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        let k = self.c.keys.len();
        key.serialize(KeyWriter(&mut self.c.keys))?;
        self.key = Some((k, self.c.keys.len()));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        let key = self.key.take().ok_or_else(|| CanonError("a map value without its key".to_owned()))?;
        self.value(key, value)
    }
    fn end(self) -> Result {
        Obj::end(self)
    }
}

macro_rules! obj_impl {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Obj<'_, '_> {
            type Ok = ();
            type Error = CanonError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
                let key = self.key_bytes(key);
                self.value(key, value)
            }
            fn end(self) -> Result {
                Obj::end(self)
            }
        }
    )*};
}

obj_impl!(SerializeStruct, SerializeStructVariant);

/// Writes a map key's text, as a `serde_json::Value` map would hold it: strings, and numbers and booleans as
/// their text.
struct KeyWriter<'a>(&'a mut Vec<u8>);

impl KeyWriter<'_> {
    fn text(self, s: &str) -> Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

fn key_error() -> CanonError {
    CanonError("key must be a string".to_owned())
}

macro_rules! key_as_text {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result {
            self.text(&v.to_string())
        }
    )*};
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = CanonError;
    type SerializeSeq = Impossible<(), CanonError>;
    type SerializeTuple = Impossible<(), CanonError>;
    type SerializeTupleStruct = Impossible<(), CanonError>;
    type SerializeTupleVariant = Impossible<(), CanonError>;
    type SerializeMap = Impossible<(), CanonError>;
    type SerializeStruct = Impossible<(), CanonError>;
    type SerializeStructVariant = Impossible<(), CanonError>;

    key_as_text!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
        serialize_u128: u128, serialize_char: char);

    fn serialize_f32(self, _v: f32) -> Result {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result {
        Err(key_error())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.text(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result {
        Err(key_error())
    }
    fn serialize_none(self) -> Result {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Err(key_error())
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_error())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeTupleStruct> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_error())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_error())
    }
}
