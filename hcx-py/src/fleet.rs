//! `hcx.Fleet` (the `hcx-fleet/v1` inventory); its parts are records (`hcx.Site`, ...) made from the core types.

use std::path::PathBuf;

use hcx_core::fleet::Fleet;
use hcx_core::input::DEFAULT_MAX_INPUT_BYTES;
use pyo3::prelude::*;

use crate::errors::{Error, guarded};
use crate::record::{FieldCache, Mode, to_py};
use crate::util::json_dumps;

/// A fleet: sites and their HCX Managers, site pairs, service meshes, network extensions, transfers in flight
/// and maintenance windows. Immutable; build a changed fleet with `to_dict()` and `from_dict()`.
///
/// Its fields are the `hcx-fleet/v1` document's, read on first access and kept.
#[pyclass(frozen, module = "hcx", name = "Fleet")]
pub struct PyFleet {
    fleet: Fleet,
    fields: FieldCache,
}

impl PyFleet {
    pub(crate) fn new(py: Python<'_>, fleet: Fleet) -> Self {
        Self { fleet, fields: FieldCache::new(py) }
    }

    /// The Rust fleet.
    pub(crate) fn fleet(&self) -> &Fleet {
        &self.fleet
    }
}

#[pymethods]
impl PyFleet {
    /// Parses and validates a `hcx-fleet/v1` JSON document of at most `max_input_bytes` bytes (default:
    /// hcx-core's cap, as `hcx plan --max-input-bytes`).
    #[staticmethod]
    #[pyo3(signature = (text, *, max_input_bytes = None))]
    fn from_json(py: Python<'_>, text: &str, max_input_bytes: Option<u64>) -> PyResult<Self> {
        let cap = max_input_bytes.unwrap_or(DEFAULT_MAX_INPUT_BYTES);
        let f = py.detach(|| guarded(|| Fleet::from_json_capped(text, cap).map_err(Error::from)))?;
        Ok(Self::new(py, f))
    }

    /// Validates a fleet given as plain Python data (the JSON shape: dicts, lists, strings).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        // The JSON loader is the one that reports every problem with its path, so go through it.
        let text = match json_dumps(data) {
            Ok(t) => t,
            // json.dumps recurses: a deeply nested dict is a bad fleet, not an interpreter error.
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyRecursionError>(py) => {
                let problem = "the document is nested too deeply to be a fleet";
                return Err(Error::from(hcx_core::fleet::FleetError::new("$", problem)).into());
            }
            Err(e) => return Err(e),
        };
        Self::from_json(py, &text, None)
    }

    /// Reads and validates a fleet file of at most `max_input_bytes` bytes (default: hcx-core's cap).
    #[staticmethod]
    #[pyo3(signature = (path, *, max_input_bytes = None))]
    fn load(py: Python<'_>, path: PathBuf, max_input_bytes: Option<u64>) -> PyResult<Self> {
        let cap = max_input_bytes.unwrap_or(DEFAULT_MAX_INPUT_BYTES);
        let f = py.detach(|| guarded(|| Fleet::load_capped(&path, cap).map_err(Error::from)))?;
        Ok(Self::new(py, f))
    }

    /// The bundled sample fleet: an on-premises Connector paired with an Azure VMware Solution Cloud Manager.
    #[staticmethod]
    fn sample(py: Python<'_>) -> PyResult<Self> {
        Self::from_json(py, hcx_core::plan::SAMPLE_FLEET, None)
    }

    /// The fleet as pretty JSON (stable field order).
    fn to_json(&self) -> String {
        self.fleet.to_json_pretty()
    }

    /// The fleet as plain Python data (the JSON shape), built directly from the fleet.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.fleet, Mode::Plain)
    }

    /// The names of the document's fields, in the order of the core type.
    #[staticmethod]
    fn fields() -> Vec<String> {
        crate::record::field_names::<Fleet>()
    }

    /// A field of the fleet document (`schema`, `sites`, `pairs`, `meshes`, ...).
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.fields.get(py, &self.fleet, name)
    }

    /// The site with this id, if any: the same object as in `sites`.
    fn site<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.fleet.sites.iter().position(|s| s.id == id) {
            Some(i) => Ok(Some(self.fields.list(py, &self.fleet, "sites")?.get_item(i)?)),
            None => Ok(None),
        }
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Self>().is_ok_and(|o| o.get().fleet == self.fleet)
    }

    fn __repr__(&self) -> String {
        format!(
            "<hcx.Fleet sites={} pairs={} meshes={} extensions={}>",
            self.fleet.sites.len(),
            self.fleet.pairs.len(),
            self.fleet.meshes.len(),
            self.fleet.extensions.len()
        )
    }
}
