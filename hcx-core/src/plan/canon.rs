//! A serde serializer that writes canonical JSON (object keys sorted by their bytes, no whitespace, strings
//! escaped as `serde_json` escapes them) straight into a sink such as a hasher.
//!
//! It writes the same bytes as sorting a `serde_json::Value`, without building one: a plan of 10,000 pairs
//! would otherwise allocate every string and every key of the document once more. Each object's members
//! (`"key":value`) go into one growing buffer as they come, and the object remembers each member's key and
//! place; when it ends, a member list already in strictly increasing key order stays as written, any other
//! is sorted and rewritten in place. The buffer goes to the sink whenever no object is open, so memory stays
//! at the size of the largest element of an array.
//!
//! Strings are scanned for bytes that JSON escapes; a string without any (nearly all) is copied as is, the
//! others are left to `serde_json`. Struct field names are kept as the `&'static str` they are; map keys are
//! kept as text in one reused `String`.

use std::fmt::{self, Write as _};

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

/// Where a member's key is: a struct field's name stays where the program holds it (no copy, no check); a
/// map key's text is a range of [`Canon::keys`].
#[derive(Clone, Copy)]
enum Key {
    Static(&'static str),
    Text(usize, usize),
}

impl Key {
    fn bytes<'k>(&self, keys: &'k str) -> &'k [u8] {
        match *self {
            Self::Static(s) => s.as_bytes(),
            Self::Text(a, b) => &keys.as_bytes()[a..b],
        }
    }
}

/// One member of an open object: its key, and where its `"key":value` bytes are in the buffer.
struct Entry {
    key: Key,
    member: (usize, usize),
}

impl Entry {
    /// Orders by key bytes.
    fn cmp(&self, other: &Self, keys: &str) -> std::cmp::Ordering {
        self.key.bytes(keys).cmp(other.key.bytes(keys))
    }
}

/// Whether `serde_json` escapes this byte: `"`, `\` and the control characters below 0x20 (not 0x7f, not
/// non-ASCII).
const fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether any of some bytes is escaped, testing them all (no exit per byte: it compiles to vector compares).
fn any_escaped(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |any, &b| any | escaped(b))
}

/// Whether any byte needs escaping: 16 bytes at a time, the tail as one last chunk overlapping the one before
/// (rather than a loop over its bytes).
fn needs_escape(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n < 16 {
        return any_escaped(bytes);
    }
    bytes.chunks_exact(16).any(any_escaped) || any_escaped(&bytes[n - 16..])
}

/// Writes `s` as a JSON string, byte for byte as `serde_json` writes it.
fn write_string(buf: &mut Vec<u8>, s: &str) -> Result {
    if needs_escape(s.as_bytes()) {
        return serde_json::to_writer(buf, s).map_err(|e| CanonError(e.to_string()));
    }
    buf.reserve(s.len() + 2);
    buf.push(b'"');
    buf.extend_from_slice(s.as_bytes());
    buf.push(b'"');
    Ok(())
}

/// Writes a member's `"key":` (after a comma unless it is the first); returns where the member starts.
fn member_head(buf: &mut Vec<u8>, first: bool, key: &str) -> Result<usize> {
    if !first {
        buf.push(b',');
    }
    let at = buf.len();
    write_string(buf, key)?;
    buf.push(b':');
    Ok(at)
}

/// Whether the members are in strictly increasing key order: then there is nothing to sort and no
/// duplicate to drop.
fn in_order(list: &[Entry], keys: &str) -> bool {
    list.windows(2).all(|w| w[0].cmp(&w[1], keys).is_lt())
}

fn display_error(_: fmt::Error) -> CanonError {
    CanonError("a value's Display implementation failed".to_owned())
}

/// The canonical writer.
pub(crate) struct Canon<'s> {
    buf: Vec<u8>,
    /// The text of the open objects' map keys.
    keys: String,
    /// Members of the open objects, innermost last.
    entries: Vec<Entry>,
    /// Reused while an object is reordered.
    scratch: Vec<u8>,
    /// Reused to format a `Display` value (`collect_str`) before it is escaped.
    text: String,
    /// Objects not yet ended: their bytes cannot leave the buffer.
    open: usize,
    sink: &'s mut dyn FnMut(&[u8]),
}

impl<'s> Canon<'s> {
    /// A writer handing its bytes to `sink`, in order.
    pub(crate) fn new(sink: &'s mut dyn FnMut(&[u8])) -> Self {
        Self {
            buf: Vec::new(),
            keys: String::new(),
            entries: Vec::new(),
            scratch: Vec::new(),
            text: String::new(),
            open: 0,
            sink,
        }
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
        write_string(&mut self.buf, s)
    }

    fn number<T: Serialize>(&mut self, n: T) -> Result {
        serde_json::to_writer(&mut self.buf, &n).map_err(|e| CanonError(e.to_string()))
    }

    fn begin_object(&mut self) -> Obj<'_, 's> {
        self.open += 1;
        self.buf.push(b'{');
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

    /// Rewrites the members from `from` on (written from `start` on) in key order; of two equal keys the
    /// later wins, as when a JSON object is built by inserting.
    fn reorder(&mut self, start: usize, from: usize) {
        let keys = self.keys.as_str();
        let list = &mut self.entries[from..];
        // Stable, so that the last of a run of equal keys is the one written last.
        list.sort_by(|a, b| a.cmp(b, keys));
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.buf[start..]);
        self.buf.truncate(start);
        let mut first = true;
        for (i, e) in list.iter().enumerate() {
            if list.get(i + 1).is_some_and(|n| n.cmp(e, keys).is_eq()) {
                continue;
            }
            if !first {
                self.buf.push(b',');
            }
            first = false;
            self.buf.extend_from_slice(&self.scratch[e.member.0 - start..e.member.1 - start]);
        }
    }
}

/// An object being written: its members go to the buffer as they come and are reordered at its end if they
/// came out of order.
pub(crate) struct Obj<'a, 's> {
    c: &'a mut Canon<'s>,
    /// Where its first member starts (after the `{`).
    start: usize,
    /// Where its members start in the entry list.
    entries: usize,
    /// Where its keys start in the key text.
    keys: usize,
    /// A map key written, its value not yet: the key and where the member starts.
    key: Option<(Key, usize)>,
    /// Bytes to write after the object (the `}` of a struct variant's wrapper).
    suffix: Option<&'static [u8]>,
}

impl Obj<'_, '_> {
    fn first(&self) -> bool {
        self.c.entries.len() == self.entries
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        let first = self.first();
        let at = member_head(&mut self.c.buf, first, key)?;
        self.value(Key::Static(key), at, value)
    }

    fn map_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        let first = self.first();
        let c = &mut *self.c;
        let k = c.keys.len();
        key.serialize(KeyWriter(&mut c.keys))?;
        let at = member_head(&mut c.buf, first, &c.keys[k..])?;
        self.key = Some((Key::Text(k, c.keys.len()), at));
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, key: Key, at: usize, value: &T) -> Result {
        value.serialize(&mut *self.c)?;
        let c = &mut *self.c;
        c.entries.push(Entry { key, member: (at, c.buf.len()) });
        Ok(())
    }

    fn end(self) -> Result {
        let c = self.c;
        if !in_order(&c.entries[self.entries..], &c.keys) {
            c.reorder(self.start, self.entries);
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
    /// Versions and dates come here: formatted into a reused buffer rather than a new `String` each.
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result {
        self.text.clear();
        write!(self.text, "{value}").map_err(display_error)?;
        write_string(&mut self.buf, &self.text)
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
        self.map_key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        let (key, at) = self.key.take().ok_or_else(|| CanonError("a map value without its key".to_owned()))?;
        self.value(key, at, value)
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
                self.field(key, value)
            }
            fn end(self) -> Result {
                Obj::end(self)
            }
        }
    )*};
}

obj_impl!(SerializeStruct, SerializeStructVariant);

/// Writes a map key's text, as a `serde_json::Value` map would hold it: strings, and numbers and booleans as
/// their text. It appends to a `String`, so the key text is UTF-8 by construction.
struct KeyWriter<'a>(&'a mut String);

impl KeyWriter<'_> {
    fn text(self, s: &str) -> Result {
        self.0.push_str(s);
        Ok(())
    }

    /// Formats in place: the same text as `to_string`, without allocating it.
    fn display<T: fmt::Display + ?Sized>(self, v: &T) -> Result {
        write!(self.0, "{v}").map_err(display_error)
    }
}

fn key_error() -> CanonError {
    CanonError("key must be a string".to_owned())
}

macro_rules! key_as_text {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result {
            self.display(&v)
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
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result {
        self.display(value)
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

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::{BTreeMap, HashMap};

    use serde::Serialize;
    use serde::ser::SerializeMap as _;
    use serde_json::Value;

    use super::*;

    /// The definition the writer must match (here and in the digest's tests): a `serde_json::Value` written
    /// with its keys sorted by their bytes.
    pub(crate) fn by_value<T: Serialize + ?Sized>(value: &T) -> String {
        fn write(v: &Value, out: &mut String) {
            match v {
                Value::Object(map) => {
                    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                    out.push('{');
                    for (i, (k, v)) in entries.into_iter().enumerate() {
                        out.push_str(if i > 0 { "," } else { "" });
                        out.push_str(&serde_json::to_string(k).unwrap());
                        out.push(':');
                        write(v, out);
                    }
                    out.push('}');
                }
                Value::Array(items) => {
                    out.push('[');
                    for (i, v) in items.iter().enumerate() {
                        out.push_str(if i > 0 { "," } else { "" });
                        write(v, out);
                    }
                    out.push(']');
                }
                other => out.push_str(&other.to_string()),
            }
        }
        let mut out = String::new();
        write(&serde_json::to_value(value).unwrap(), &mut out);
        out
    }

    /// What the canonical writer writes, the sink's pieces joined.
    fn canon<T: Serialize + ?Sized>(value: &T) -> String {
        let mut out = Vec::new();
        let mut sink = |b: &[u8]| out.extend_from_slice(b);
        let mut c = Canon::new(&mut sink);
        value.serialize(&mut c).unwrap();
        c.finish();
        String::from_utf8(out).unwrap()
    }

    /// Strings holding `ch` at the start, in the middle and at the end, short (under 8 and 16 bytes) and
    /// long (over 64 bytes, with the escape near the end).
    fn strings_with(ch: char) -> Vec<String> {
        let long = "x".repeat(70);
        vec![
            ch.to_string(),
            format!("ab{ch}"),
            format!("{ch}abcdefghij"),
            format!("abcdefghijklmnopq{ch}r"),
            format!("{long}{ch}"),
            format!("{long}{ch}yz"),
            format!("{ch}{long}"),
        ]
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut chars: Vec<char> = (0u8..=0x7f).map(char::from).collect();
        chars.extend(['\u{80}', 'é', '\u{2028}', '😀']);
        for ch in chars {
            for s in strings_with(ch) {
                let json = serde_json::to_string(&s).unwrap();
                assert_eq!(canon(&s), json, "{s:?}");
                assert_eq!(canon(&ch), serde_json::to_string(&ch).unwrap());
                // As a map key, and as a struct field name written by hand.
                let map = BTreeMap::from([(s.clone(), 1u8)]);
                assert_eq!(canon(&map), format!("{{{json}:1}}"));
            }
        }
    }

    #[test]
    fn the_scan_finds_every_escaped_byte_wherever_it_is() {
        let escaped_bytes: Vec<u8> = (0..0x20).chain([b'"', b'\\']).collect();
        for len in 1..=70 {
            assert!(!needs_escape(&vec![b'a'; len]));
            for at in 0..len {
                for &b in &escaped_bytes {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert!(needs_escape(&bytes), "{b:#x} at {at} of {len}");
                }
                for b in [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert!(!needs_escape(&bytes), "{b:#x} at {at} of {len}");
                }
            }
        }
    }

    /// A value serialised through `collect_str`, as versions and dates are.
    struct Shown(&'static str);

    impl fmt::Display for Shown {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            // In pieces, as a Display implementation writes them.
            f.write_str("<")?;
            f.write_str(self.0)?;
            write!(f, ">{}", 7)
        }
    }

    impl Serialize for Shown {
        fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            s.collect_str(self)
        }
    }

    #[test]
    fn display_values_are_written_as_their_escaped_text() {
        let texts = ["plain", "quote\" back\\slash", "tab\t nl\n nul\u{0} us\u{1f} del\u{7f}", "é😀"];
        for t in texts {
            assert_eq!(canon(&Shown(t)), by_value(&Shown(t)));
            let map = BTreeMap::from([(Shown(t).to_string(), Shown(t))]);
            assert_eq!(canon(&map), by_value(&map));
            // As a map key.
            let keyed = Pairs(vec![(Shown(t), 1u8)]);
            assert_eq!(canon(&keyed), by_value(&keyed));
        }
    }

    /// A map serialised with its entries in the order given, duplicates included.
    struct Pairs<K, V>(Vec<(K, V)>);

    impl<K, V> FromIterator<(K, V)> for Pairs<K, V> {
        fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
            Self(iter.into_iter().collect())
        }
    }

    impl<K: Serialize, V: Serialize> Serialize for Pairs<K, V> {
        fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }

    #[test]
    fn maps_sorted_unsorted_and_with_duplicates_are_written_sorted_with_the_later_value() {
        let keys = ["a", "b", "ba", "c", "a\"", "a\\", "a\u{1}", "a b", "é", "", "zz"];
        let sorted: Pairs<&str, usize> = {
            let mut k = keys.to_vec();
            k.sort_unstable();
            k.into_iter().enumerate().map(|(i, k)| (k, i)).collect()
        };
        assert_eq!(canon(&sorted), by_value(&sorted));
        let reversed: Pairs<&str, usize> = sorted.0.iter().rev().copied().collect();
        assert_eq!(canon(&reversed), by_value(&reversed));
        let shuffled: Pairs<&str, usize> = keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
        assert_eq!(canon(&shuffled), by_value(&shuffled));
        // Duplicates: next to each other, apart, first and last, in sorted input and in unsorted input.
        for dups in [
            vec![("a", 1), ("a", 2)],
            vec![("a", 1), ("b", 2), ("a", 3)],
            vec![("b", 1), ("a", 2), ("b", 3), ("a", 4), ("c", 5)],
            vec![("a", 1), ("b", 2), ("b", 3), ("c", 4)],
            vec![("z", 1), ("a", 2), ("z", 3), ("z", 4)],
        ] {
            let m: Pairs<&str, i32> = dups.into_iter().collect();
            assert_eq!(canon(&m), by_value(&m));
        }
        let numbers: HashMap<u64, bool> = (0..50).map(|i| (i * 7919 % 1000, i % 2 == 0)).collect();
        assert_eq!(canon(&numbers), by_value(&numbers));
        let empty: BTreeMap<String, u8> = BTreeMap::new();
        assert_eq!(canon(&empty), "{}");
    }

    #[derive(Serialize)]
    struct Inner {
        zeta: Vec<Inner>,
        alpha: Option<Pairs<&'static str, Inner>>,
        #[serde(rename = "quo\"te")]
        quote: Shown,
        mid: E,
    }

    #[derive(Serialize)]
    struct Flat {
        b: u8,
        #[serde(flatten)]
        inner: Inner,
        a: u8,
    }

    #[derive(Serialize)]
    enum E {
        Unit,
        Named { y: Vec<u8>, x: BTreeMap<String, u8> },
    }

    fn inner(depth: u32) -> Inner {
        let child = || inner(depth - 1);
        Inner {
            zeta: if depth > 0 { vec![child(), child()] } else { vec![] },
            alpha: (depth > 0).then(|| Pairs(vec![("k", child()), ("e", child()), ("k", child())])),
            quote: Shown("a\"b"),
            mid: if depth % 2 == 0 {
                E::Unit
            } else {
                E::Named { y: vec![1, 2], x: BTreeMap::from([("b".into(), 1), ("a".into(), 2)]) }
            },
        }
    }

    #[test]
    fn nested_objects_are_each_sorted() {
        let doc = inner(3);
        assert_eq!(canon(&doc), by_value(&doc));
        let flat = Flat { b: 1, inner: inner(2), a: 2 };
        assert_eq!(canon(&flat), by_value(&flat));
        let nested_maps: BTreeMap<&str, Pairs<&str, BTreeMap<&str, u8>>> = BTreeMap::from([
            ("y", Pairs(vec![("q", BTreeMap::from([("m", 1)])), ("p", BTreeMap::new())])),
            ("x", Pairs(vec![("a", BTreeMap::from([("z", 2), ("b", 3)]))])),
        ]);
        assert_eq!(canon(&nested_maps), by_value(&nested_maps));
    }

    #[test]
    fn a_document_larger_than_the_buffer_is_handed_on_whole() {
        let doc: Vec<Inner> = (0..400).map(|_| inner(3)).collect();
        let mut pieces = 0;
        let mut out = Vec::new();
        let mut sink = |b: &[u8]| {
            pieces += 1;
            out.extend_from_slice(b);
        };
        let mut c = Canon::new(&mut sink);
        doc.serialize(&mut c).unwrap();
        c.finish();
        assert!(pieces > 1, "one piece: {} bytes", out.len());
        assert_eq!(String::from_utf8(out).unwrap(), by_value(&doc));
    }
}
