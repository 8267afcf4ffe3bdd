//! Small helpers shared by the wrappers.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use time::Date;

static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static JSON_DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The given date, or today's local date as Python sees it (`datetime.date.today()`).
pub(crate) fn date_or_today(py: Python<'_>, date: Option<Date>) -> PyResult<Date> {
    match date {
        Some(d) => Ok(d),
        None => DATE.import(py, "datetime", "date")?.call_method0("today")?.extract(),
    }
}

/// `json.loads(text)`: how the `to_dict()` methods build plain Python data from the canonical JSON.
pub(crate) fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    JSON_LOADS.import(py, "json", "loads")?.call1((text,))
}

/// `json.dumps(obj)`: how `from_dict()` hands plain Python data to the JSON loaders.
pub(crate) fn json_dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    JSON_DUMPS.import(obj.py(), "json", "dumps")?.call1((obj,))?.extract()
}

/// The canonical name of a unit enum that has no `as_str` (such as `SupportState`): its serde string.
pub(crate) fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        // Every enum this is used for serialises to a plain string; show anything else as JSON.
        Ok(other) => other.to_string(),
        Err(e) => format!("<{e}>"),
    }
}
