//! `hcx-py`: the Python bindings of hcx (import name `hcx`; this crate builds the private `hcx._hcx` module).
//!
//! Every value type is a frozen pyclass; every hcx-core error maps once, in [`errors::to_pyerr`], to the
//! exception tree under `hcx.HcxError`; planning and file loading run with the GIL released.

mod apply;
mod catalog;
mod discover;
mod errors;
mod fleet;
mod names;
mod plan;
mod record;
mod util;
mod version;

/// The native module `hcx._hcx`; the public package `hcx` re-exports it.
#[pyo3::pymodule(gil_used = false)]
pub mod _hcx {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::apply::{PyApplyResult, apply};
    #[pymodule_export]
    use crate::catalog::{PyCatalog, PyHop, PyPairing, PyRelease, PySupportStatus, PyUpgradePath};
    #[pymodule_export]
    use crate::discover::{PyDiscovery, PySiteFailure, default_concurrency, discover};
    #[pymodule_export]
    use crate::errors::_error_codes;
    #[pymodule_export]
    use crate::fleet::PyFleet;
    #[pymodule_export]
    use crate::names::_value_sets;
    #[pymodule_export]
    use crate::plan::{PyPlan, PyRule, check, explain, path, plan, rules};
    #[pymodule_export]
    use crate::version::PyVersion;

    /// The version of the hcx package (the workspace version).
    #[pymodule_export]
    #[allow(non_upper_case_globals, reason = "Python's dunder name")]
    const __version__: &str = env!("CARGO_PKG_VERSION");

    /// Adds the record classes (one per core model struct), the exception classes (made at run time because
    /// some have two bases), and `__all__`: every public name, so the package re-exports them with one import.
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        crate::record::classes::add_classes(m)?;
        for (name, class) in crate::errors::classes(m.py())?.all() {
            m.add(name, class.bind(m.py()))?;
        }
        let mut names: Vec<String> = Vec::new();
        for key in m.dict().keys() {
            let name: String = key.extract()?;
            if !name.starts_with('_') {
                names.push(name);
            }
        }
        names.sort();
        m.add("__all__", names)
    }
}
