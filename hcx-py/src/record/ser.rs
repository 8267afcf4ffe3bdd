//! A serde serializer whose output is Python objects: how every model value reaches Python without a
//! field-by-field copy. In `Mode::Plain` it gives the JSON shape (dicts, lists, strings), as `json.loads` of the
//! document would, without the text in between; in `Mode::Typed` the core structs become frozen record objects
//! (`hcx.Step`, ...), versions `hcx.Version`, and date fields `datetime.date`/`datetime.datetime`.

use std::any::type_name;
use std::fmt::{self, Display};

use hcx_core::HcxVersion;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde::ser::{self, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use super::classes;

/// What the output looks like.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// JSON-shaped data.
    Plain,
    /// Record objects and typed scalars.
    Typed,
}

/// A Python error carried through serde.
pub(crate) struct Error(pub(crate) PyErr);

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(PyValueError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e)
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Converts a value to Python objects.
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T, mode: Mode) -> PyResult<Bound<'py, PyAny>> {
    gc_paused(py, || value.serialize(ToPy { py, mode, field: None }).map_err(|e| e.0))
}

/// Converts one field of a struct value to Python objects, without touching the others.
pub(crate) fn field_to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
    field: &str,
    mode: Mode,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    gc_paused(py, || match value.serialize(Pick { inner: ToPy { py, mode, field: None }, wanted: field }) {
        Ok(found) => Ok(found),
        Err(e) => Err(e.0),
    })
}

/// Runs `build` with Python's cyclic garbage collector paused (when it was running). Converting a large plan
/// makes hundreds of thousands of containers, none in a cycle, and the collections their allocation triggers
/// walk every object made so far: the 12,000 steps of a 1,000-pair plan took over half a second, mostly in
/// the collector.
fn gc_paused<'py, R>(py: Python<'py>, build: impl FnOnce() -> PyResult<R>) -> PyResult<R> {
    let gc = py.import("gc")?;
    let running = gc.call_method0("isenabled")?.is_truthy()?;
    if running {
        gc.call_method0("disable")?;
    }
    let out = build();
    if running {
        gc.call_method0("enable")?;
    }
    out
}

/// The Python name of a field: a Python keyword gets a trailing underscore (`from` -> `from_`).
pub(crate) fn py_name(key: &str) -> std::borrow::Cow<'_, str> {
    const KEYWORDS: &[&str] = &["from", "in", "is", "as", "class", "def", "if", "else", "for", "import", "with"];
    if KEYWORDS.contains(&key) { format!("{key}_").into() } else { key.into() }
}

/// Makes a typed value of a field's text, when it parses.
type Convert = for<'py> fn(Python<'py>, &str) -> Option<PyResult<Bound<'py, PyAny>>>;

/// Date fields of the model (their serde form is text; typed mode makes them `datetime` values).
fn date_kind(field: Option<&str>) -> Option<Convert> {
    fn date<'py>(py: Python<'py>, s: &str) -> Option<PyResult<Bound<'py, PyAny>>> {
        let d = Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
        Some(d.into_pyobject(py).map(Bound::into_any))
    }
    fn datetime<'py>(py: Python<'py>, s: &str) -> Option<PyResult<Bound<'py, PyAny>>> {
        let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
        Some(t.into_pyobject(py).map(Bound::into_any))
    }
    match field? {
        "date" | "catalog_as_of" => Some(date),
        "start" | "end" | "expires_at" => Some(datetime),
        _ => None,
    }
}

#[derive(Clone, Copy)]
struct ToPy<'py, 'f> {
    py: Python<'py>,
    mode: Mode,
    /// The struct field being written, for the date fields.
    field: Option<&'f str>,
}

impl<'py> ToPy<'py, '_> {
    fn any<T: IntoPyObject<'py>>(self, v: T) -> Result<Bound<'py, PyAny>> {
        v.into_bound_py_any(self.py).map_err(Error)
    }

    fn inner(self) -> ToPy<'py, 'static> {
        self.with_field(None)
    }

    fn with_field<'g>(self, field: Option<&'g str>) -> ToPy<'py, 'g> {
        ToPy { py: self.py, mode: self.mode, field }
    }
}

impl<'py, 'f> ser::Serializer for ToPy<'py, 'f> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Variant<Seq<'py>>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Struct<'py>;
    type SerializeStructVariant = Variant<Struct<'py>>;

    fn serialize_bool(self, v: bool) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_i8(self, v: i8) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_f32(self, v: f32) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_f64(self, v: f64) -> Result<Self::Ok> {
        self.any(v)
    }
    fn serialize_char(self, v: char) -> Result<Self::Ok> {
        self.any(v)
    }

    fn serialize_str(self, v: &str) -> Result<Self::Ok> {
        if self.mode == Mode::Typed {
            if let Some(convert) = date_kind(self.field) {
                if let Some(value) = convert(self.py, v) {
                    return Ok(value?);
                }
            }
        }
        Ok(PyString::new(self.py, v).into_any())
    }

    fn collect_str<T: ?Sized + Display>(self, value: &T) -> Result<Self::Ok> {
        let text = value.to_string();
        // Versions serialise through `collect_str`; in typed mode they become `hcx.Version` wherever they are.
        if self.mode == Mode::Typed && type_name::<T>() == type_name::<HcxVersion>() {
            if let Ok(v) = text.parse::<HcxVersion>() {
                return Ok(Bound::new(self.py, crate::version::PyVersion::from(v))?.into_any());
            }
        }
        self.serialize_str(&text)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Self::Ok> {
        Ok(pyo3::types::PyBytes::new(self.py, v).into_any())
    }
    fn serialize_none(self) -> Result<Self::Ok> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<Self::Ok> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _name: &'static str, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok> {
        let dict = PyDict::new(self.py);
        dict.set_item(variant, value.serialize(self.inner())?)?;
        Ok(dict.into_any())
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        Ok(Seq { to: self.inner(), items: Vec::with_capacity(len.unwrap_or(0)), tuple: false })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
        Ok(Seq { to: self.inner(), items: Vec::with_capacity(len), tuple: true })
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Ok(Variant { variant, inner: self.serialize_tuple(len)? })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Ok(Map { to: self.inner(), dict: PyDict::new(self.py), key: None })
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Ok(Struct { to: self.inner(), name, dict: PyDict::new(self.py) })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Ok(Variant { variant, inner: self.serialize_struct(name, len)? })
    }
}

pub(crate) struct Seq<'py> {
    to: ToPy<'py, 'static>,
    items: Vec<Bound<'py, PyAny>>,
    tuple: bool,
}

impl<'py> Seq<'py> {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(self.to)?);
        Ok(())
    }

    fn done(self) -> Result<Bound<'py, PyAny>> {
        if self.tuple {
            Ok(PyTuple::new(self.to.py, self.items)?.into_any())
        } else {
            Ok(PyList::new(self.to.py, self.items)?.into_any())
        }
    }
}

impl<'py> ser::SerializeSeq for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.done()
    }
}

impl<'py> ser::SerializeTuple for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.done()
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.done()
    }
}

pub(crate) struct Map<'py> {
    to: ToPy<'py, 'static>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

impl<'py> ser::SerializeMap for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        // Keys stay JSON-shaped (strings), whatever the mode.
        self.key = Some(key.serialize(ToPy { py: self.to.py, mode: Mode::Plain, field: None })?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let key = self.key.take().ok_or_else(|| <Error as ser::Error>::custom("a map value without a key"))?;
        // Flattened structs (a step's action) arrive as maps: their keys are field names.
        let field = key.cast::<PyString>().ok().and_then(|k| k.to_str().ok().map(str::to_owned));
        let value = value.serialize(self.to.with_field(field.as_deref()))?;
        match (&field, self.to.mode) {
            (Some(f), Mode::Typed) => self.dict.set_item(py_name(f), value)?,
            _ => self.dict.set_item(key, value)?,
        }
        Ok(())
    }
    fn end(self) -> Result<Self::Ok> {
        Ok(self.dict.into_any())
    }
}

pub(crate) struct Struct<'py> {
    to: ToPy<'py, 'static>,
    name: &'static str,
    dict: Bound<'py, PyDict>,
}

impl<'py> ser::SerializeStruct for Struct<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        let mut value = value.serialize(self.to.with_field(Some(key)))?;
        if self.to.mode == Mode::Typed {
            // A flattened struct (no name of its own) becomes the record its field holds.
            if let Some(class) = classes::flattened(self.name, key) {
                if let Ok(dict) = value.cast::<PyDict>() {
                    value = classes::new_record(self.to.py, class, dict)?;
                }
            }
            self.dict.set_item(py_name(key), value)?;
        } else {
            self.dict.set_item(key, value)?;
        }
        Ok(())
    }
    fn end(self) -> Result<Self::Ok> {
        match (self.to.mode, classes::class_of(self.name)) {
            (Mode::Typed, Some(class)) => Ok(classes::new_record(self.to.py, class, &self.dict)?),
            _ => Ok(self.dict.into_any()),
        }
    }
}

/// An externally tagged enum variant: `{variant: value}`.
pub(crate) struct Variant<S> {
    variant: &'static str,
    inner: S,
}

impl<'py> ser::SerializeTupleVariant for Variant<Seq<'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.inner.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        let py = self.inner.to.py;
        let dict = PyDict::new(py);
        dict.set_item(self.variant, self.inner.done()?)?;
        Ok(dict.into_any())
    }
}

impl<'py> ser::SerializeStructVariant for Variant<Struct<'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> Result<Self::Ok> {
        let py = self.inner.to.py;
        let dict = PyDict::new(py);
        dict.set_item(self.variant, ser::SerializeStruct::end(self.inner)?)?;
        Ok(dict.into_any())
    }
}

/// Serialises one field of a struct: every other field is skipped unserialised.
struct Pick<'py, 'w> {
    inner: ToPy<'py, 'static>,
    wanted: &'w str,
}

struct PickStruct<'py, 'w> {
    pick: Pick<'py, 'w>,
    found: Option<Bound<'py, PyAny>>,
}

impl<'py> ser::SerializeStruct for PickStruct<'py, '_> {
    type Ok = Option<Bound<'py, PyAny>>;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        if *py_name(key) == *self.pick.wanted {
            self.found = Some(value.serialize(self.pick.inner.with_field(Some(key)))?);
        }
        Ok(())
    }
    fn end(self) -> Result<Self::Ok> {
        Ok(self.found)
    }
}

/// Only structs can be picked from; anything else has no fields.
macro_rules! no_fields {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok> {
            Ok(None)
        })*
    };
}

impl<'py, 'w> ser::Serializer for Pick<'py, 'w> {
    type Ok = Option<Bound<'py, PyAny>>;
    type Error = Error;
    type SerializeSeq = ser::Impossible<Self::Ok, Error>;
    type SerializeTuple = ser::Impossible<Self::Ok, Error>;
    type SerializeTupleStruct = ser::Impossible<Self::Ok, Error>;
    type SerializeTupleVariant = ser::Impossible<Self::Ok, Error>;
    type SerializeMap = ser::Impossible<Self::Ok, Error>;
    type SerializeStruct = PickStruct<'py, 'w>;
    type SerializeStructVariant = ser::Impossible<Self::Ok, Error>;

    no_fields! {
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64),
        serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64), serialize_f32(f32),
        serialize_f64(f64), serialize_char(char), serialize_str(&str), serialize_bytes(&[u8]), serialize_none(),
        serialize_unit(), serialize_unit_struct(&'static str), serialize_unit_variant(&'static str, u32, &'static str),
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _name: &'static str, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok> {
        Ok(None)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(ser::Error::custom("not a struct"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(ser::Error::custom("not a struct"))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct> {
        Err(ser::Error::custom("not a struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(ser::Error::custom("not a struct"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(ser::Error::custom("not a struct"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Ok(PickStruct { pick: self, found: None })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(ser::Error::custom("not a struct"))
    }
}
