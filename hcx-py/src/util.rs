//! Small helpers shared by the wrappers.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use time::Date;

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static JSON_DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The given date, or today in UTC: the default date of every front end (`hcx_core::plan::today`).
pub(crate) fn date_or_today(date: Option<Date>) -> Date {
    date.unwrap_or_else(hcx_core::plan::today)
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
