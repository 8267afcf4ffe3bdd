//! The Python exception tree under `hcx.HcxError`, and the one place hcx-core errors are mapped onto it.
//!
//! Several exceptions have two bases (`InvalidVersion(HcxError, ValueError)`), which `create_exception!`
//! cannot express, so the classes are made once per interpreter with `type(name, bases, namespace)`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use hcx_core::catalog::{CatalogError, PathError};
use hcx_core::client::discover::EndpointsError;
use hcx_core::client::{ClientError, ErrorKind};
use hcx_core::fleet::FleetError;
use hcx_core::plan::PlanError;
use hcx_core::{UnknownName, VersionError};
use pyo3::exceptions::{PyConnectionError, PyException, PyPermissionError, PyTimeoutError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

/// Every failure the bindings report, before it becomes a Python exception.
#[derive(Debug)]
pub(crate) enum Error {
    /// A version string that does not parse.
    Version(VersionError),
    /// A fleet document with problems.
    Fleet(FleetError),
    /// A catalog that cannot be used.
    Catalog(CatalogError),
    /// No upgrade path between two releases.
    Path(PathError),
    /// Input the planner cannot plan.
    Plan(PlanError),
    /// An unknown enum name (platform, ...).
    Name(UnknownName),
    /// A bad `hcx-endpoints/v1` document.
    Endpoints(EndpointsError),
    /// A discovery argument out of range (a negative timeout, a missing password, ...).
    Argument(String),
    /// An HCX Manager client failure, with the site it happened at when known (boxed: it is large).
    Client(Box<ClientFailure>),
    /// A plan run that could not start (journal of another plan, locked journal, ...).
    Apply(hcx_apply::ApplyError),
    /// A bug: a caught Rust panic, or a value that could not be serialised.
    Internal(String),
}

macro_rules! from_error {
    ($($source:ty => $variant:ident),+ $(,)?) => {
        $(impl From<$source> for Error {
            fn from(e: $source) -> Self {
                Error::$variant(e)
            }
        })+
    };
}

from_error! {
    VersionError => Version,
    FleetError => Fleet,
    CatalogError => Catalog,
    PathError => Path,
    PlanError => Plan,
    UnknownName => Name,
    EndpointsError => Endpoints,
    hcx_apply::ApplyError => Apply,
}

impl From<ClientError> for Error {
    fn from(error: ClientError) -> Self {
        Error::Client(Box::new(ClientFailure { site: None, error }))
    }
}

/// A client error and, for per-site discovery failures, the site id and manager URL.
#[derive(Debug)]
pub(crate) struct ClientFailure {
    /// `(site id, manager url)`.
    pub(crate) site: Option<(String, String)>,
    /// The error.
    pub(crate) error: ClientError,
}

impl std::fmt::Display for ClientFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.site {
            Some((site, url)) => write!(f, "site {site} ({url}): {}", self.error),
            None => self.error.fmt(f),
        }
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> Self {
        Python::attach(|py| to_pyerr(py, &e))
    }
}

/// The exception classes, made once per interpreter.
pub(crate) struct Classes {
    pub(crate) hcx_error: Py<PyType>,
    pub(crate) invalid_version: Py<PyType>,
    pub(crate) invalid_fleet: Py<PyType>,
    pub(crate) invalid_catalog: Py<PyType>,
    pub(crate) invalid_argument: Py<PyType>,
    pub(crate) unsupported_path: Py<PyType>,
    pub(crate) plan_error: Py<PyType>,
    pub(crate) connection_error: Py<PyType>,
    pub(crate) auth_error: Py<PyType>,
    pub(crate) timeout_error: Py<PyType>,
    pub(crate) apply_error: Py<PyType>,
}

impl Classes {
    /// `(name, class)` pairs, for adding them to the module.
    pub(crate) fn all(&self) -> [(&'static str, &Py<PyType>); 11] {
        [
            ("HcxError", &self.hcx_error),
            ("InvalidVersion", &self.invalid_version),
            ("InvalidFleet", &self.invalid_fleet),
            ("InvalidCatalog", &self.invalid_catalog),
            ("InvalidArgument", &self.invalid_argument),
            ("UnsupportedPath", &self.unsupported_path),
            ("PlanError", &self.plan_error),
            ("ConnectionError", &self.connection_error),
            ("AuthError", &self.auth_error),
            ("TimeoutError", &self.timeout_error),
            ("ApplyError", &self.apply_error),
        ]
    }
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

/// The exception classes, creating them on first use.
pub(crate) fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let exception = py.get_type::<PyException>();
        let value_error = py.get_type::<PyValueError>();
        let hcx_error = new_class(py, "HcxError", "Base class of every error raised by hcx.", &[exception])?;
        let base = hcx_error.bind(py).clone();
        let with_value_error = [base.clone(), value_error];
        Ok(Classes {
            invalid_version: new_class(
                py,
                "InvalidVersion",
                "A string that is not an HCX version (expected MAJOR.MINOR.PATCH[.REVISION][-BUILD]).",
                &with_value_error,
            )?,
            invalid_fleet: new_class(
                py,
                "InvalidFleet",
                "A fleet document that cannot be used.\n\n`problems` lists every problem as (JSON path, message).",
                &with_value_error,
            )?,
            invalid_catalog: new_class(
                py,
                "InvalidCatalog",
                "A catalog document that cannot be read or breaks the catalog's invariants.",
                std::slice::from_ref(&base),
            )?,
            invalid_argument: new_class(
                py,
                "InvalidArgument",
                "An argument outside the accepted names (for example an unknown platform).",
                &with_value_error,
            )?,
            unsupported_path: new_class(
                py,
                "UnsupportedPath",
                "No documented upgrade path between two releases (downgrade, redeploy, unknown or forbidden).",
                std::slice::from_ref(&base),
            )?,
            plan_error: new_class(
                py,
                "PlanError",
                "Input the planner cannot plan (unknown target, unknown acknowledged rule, ...).",
                std::slice::from_ref(&base),
            )?,
            connection_error: new_class(
                py,
                "ConnectionError",
                "An HCX Manager could not be reached, or the connection broke during the exchange.",
                &[base.clone(), py.get_type::<PyConnectionError>()],
            )?,
            auth_error: new_class(
                py,
                "AuthError",
                "An HCX Manager refused the credentials (login refused, or unauthorized after logging in again).",
                &[base.clone(), py.get_type::<PyPermissionError>()],
            )?,
            timeout_error: new_class(
                py,
                "TimeoutError",
                "An HCX Manager did not answer in time, or a task it runs did not finish in time.",
                &[base.clone(), py.get_type::<PyTimeoutError>()],
            )?,
            apply_error: new_class(
                py,
                "ApplyError",
                "A plan run that cannot start or go on: a journal of another plan, a locked or unfinished journal.",
                std::slice::from_ref(&base),
            )?,
            hcx_error,
        })
    })
}

/// `type(name, bases, {"__module__": "hcx", "__doc__": doc})`.
fn new_class(py: Python<'_>, name: &str, doc: &str, bases: &[Bound<'_, PyType>]) -> PyResult<Py<PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "hcx")?;
    namespace.set_item("__doc__", doc)?;
    let class = py.get_type::<PyType>().call1((name, PyTuple::new(py, bases)?, namespace))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

/// The exception class of a client failure, from its classification alone (`ClientError::kind`).
fn client_class(c: &Classes, kind: ErrorKind) -> &Py<PyType> {
    match kind {
        ErrorKind::Auth => &c.auth_error,
        ErrorKind::Timeout => &c.timeout_error,
        ErrorKind::Connect | ErrorKind::Tls | ErrorKind::Broken | ErrorKind::Other => &c.connection_error,
        ErrorKind::Config => &c.invalid_argument,
        // HTTP errors, undecodable or too-large answers and failed tasks: the manager answered, not usefully.
        _ => &c.hcx_error,
    }
}

/// Maps an error onto the exception tree: the single place that decides which class each error gets.
pub(crate) fn to_pyerr(py: Python<'_>, e: &Error) -> PyErr {
    let c = match classes(py) {
        Ok(c) => c,
        Err(err) => return err,
    };
    let (class, message, problems) = match e {
        Error::Version(e) => (&c.invalid_version, e.to_string(), None),
        Error::Fleet(e) => {
            let list: Vec<(String, String)> =
                e.problems().iter().map(|p| (p.path.clone(), p.message.clone())).collect();
            (&c.invalid_fleet, e.to_string(), Some(list))
        }
        Error::Catalog(e) => (&c.invalid_catalog, e.to_string(), None),
        Error::Name(e) => (&c.invalid_argument, e.to_string(), None),
        Error::Endpoints(e) => (&c.invalid_argument, e.to_string(), None),
        Error::Argument(e) => (&c.invalid_argument, e.clone(), None),
        Error::Path(e) => (&c.unsupported_path, e.to_string(), None),
        Error::Plan(e) => (&c.plan_error, e.to_string(), None),
        Error::Client(f) => (client_class(c, f.error.kind()), f.to_string(), None),
        Error::Apply(e) => (&c.apply_error, e.to_string(), None),
        Error::Internal(what) => (&c.hcx_error, format!("internal error in hcx (please report it): {what}"), None),
    };
    let raise = || -> PyResult<PyErr> {
        let exc = class.bind(py).call1((message,))?;
        if let Some(list) = problems {
            exc.setattr("problems", PyList::new(py, list)?)?;
        }
        Ok(PyErr::from_value(exc))
    };
    raise().unwrap_or_else(|err| err)
}

/// Runs `f`, turning a panic into [`Error::Internal`] so it never unwinds into Python as a `PanicException`
/// (a `BaseException`, which `except Exception` does not catch).
pub(crate) fn guarded<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(Error::Internal(panic_message(payload.as_ref()))),
    }
}

/// The message of a caught panic (the wording lives in hcx-core, shared with the C ABI).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    hcx_core::panic::panic_message(payload).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guarded_turns_panics_into_errors() {
        let r: Result<(), Error> = guarded(|| panic!("boom {}", 42));
        match r {
            Err(Error::Internal(what)) => assert_eq!(what, "boom 42"),
            other => panic!("expected a caught panic, got {other:?}"),
        }
        let r: Result<(), Error> = guarded(|| std::panic::panic_any(7_u8));
        assert!(matches!(r, Err(Error::Internal(ref w)) if w == "a panic without a message"));
    }

    #[test]
    fn guarded_passes_results_through() {
        assert!(matches!(guarded(|| Ok::<_, Error>(3)), Ok(3)));
        let e = "4.x".parse::<hcx_core::HcxVersion>().map_err(Error::from);
        assert!(matches!(guarded(|| e), Err(Error::Version(_))));
    }
}
