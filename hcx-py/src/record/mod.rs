//! Core model values as Python objects, derived from their serde form: records for the structs
//! ([`classes`]), and the converter ([`ser`]) that builds them, or plain JSON-shaped data, directly from the
//! Rust values.

pub(crate) mod classes;
pub(crate) mod ser;
mod shape;

use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde::de::DeserializeOwned;

use self::shape::Empty;

pub(crate) use self::ser::{Mode, to_py};

/// The fields of a wrapped core value, converted on first access one by one and kept: every later access
/// returns the same record objects.
pub(crate) struct FieldCache(Py<PyDict>);

impl FieldCache {
    /// An empty cache.
    pub(crate) fn new(py: Python<'_>) -> Self {
        Self(PyDict::new(py).unbind())
    }

    /// The field `name` of `value` (its Python name: `from_` for `from`). Lists come back as new lists of the
    /// shared items, so a caller that changes one does not change the object.
    pub(crate) fn get<'py, T: Serialize + DeserializeOwned>(
        &self,
        py: Python<'py>,
        value: &T,
        name: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cache = self.0.bind(py);
        let found = match cache.get_item(name)? {
            Some(v) => v,
            None => {
                let v = match ser::field_to_py(py, value, name, Mode::Typed)? {
                    Some(v) => v,
                    None => absent::<T>(py, name)?,
                };
                cache.set_item(name, &v)?;
                v
            }
        };
        match found.cast::<PyList>() {
            Ok(list) => Ok(PyList::new(py, list.iter())?.into_any()),
            Err(_) => Ok(found),
        }
    }

    /// The cached list field `name` itself (not a copy), for lookups by index.
    pub(crate) fn list<'py, T: Serialize + DeserializeOwned>(
        &self,
        py: Python<'py>,
        value: &T,
        name: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        self.get(py, value, name)?;
        let cached = self.0.bind(py).get_item(name)?.ok_or_else(|| PyAttributeError::new_err(name.to_owned()))?;
        Ok(cached.cast_into::<PyList>()?)
    }
}

/// The value of a field serde left out, or `AttributeError` for a name that is no field of `T`.
fn absent<'py, T: DeserializeOwned>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let empty = shape::shape::<T>().into_iter().find(|(f, _)| *ser::py_name(f) == *name).map(|(_, e)| e);
    match empty {
        Some(Empty::None) => Ok(py.None().into_bound(py)),
        Some(Empty::List) => Ok(PyList::empty(py).into_any()),
        Some(Empty::Dict) => Ok(PyDict::new(py).into_any()),
        Some(Empty::False) => Ok(pyo3::types::PyBool::new(py, false).to_owned().into_any()),
        Some(Empty::Required) | None => Err(PyAttributeError::new_err(name.to_owned())),
    }
}

/// The Python names of the fields of `T`, in the order of the core struct.
pub(crate) fn field_names<T: DeserializeOwned>() -> Vec<String> {
    shape::shape::<T>().into_iter().map(|(f, _)| ser::py_name(f).into_owned()).collect()
}
