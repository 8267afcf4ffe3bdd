//! The one place hcx-core errors are mapped onto the Python exception tree under `hcx.HcxError`.
//!
//! The classes are Python classes (`hcx/errors.py`: typed fields, two bases where a builtin fits); each error
//! gets one, a stable `code` (the C ABI's status name, see [`Code`]) and the structured fields its Rust error
//! has (`UnsupportedPath.reason`, `from_version`, ...).

use std::panic::{AssertUnwindSafe, catch_unwind};

use hcx_core::HcxVersion;
use hcx_core::catalog::{CatalogError, PathError};
use hcx_core::client::discover::EndpointsError;
use hcx_core::client::{ClientError, ErrorKind};
use hcx_core::fleet::FleetError;
use hcx_core::plan::PlanError;
use hcx_core::{UnknownName, VersionError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyString, PyType};

use crate::version::PyVersion;

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
    /// A plan that cannot be rendered (the HTML report's template failed).
    Render(String),
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

/// A stable error code: the name of the C ABI status (`hcx-ffi/src/capi/status.rs`) the same failure gets
/// there, or, for failures the C ABI cannot have (network, plan runs), a name of the same form that no C status
/// uses. Python exceptions carry it as `code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Code {
    /// `HCX_INVALID_ARGUMENT`.
    InvalidArgument,
    /// `HCX_INVALID_VERSION`.
    InvalidVersion,
    /// `HCX_INVALID_FLEET`.
    InvalidFleet,
    /// `HCX_INVALID_CATALOG`.
    InvalidCatalog,
    /// `HCX_IO_ERROR`.
    IoError,
    /// `HCX_NO_UPGRADE_PATH`.
    NoUpgradePath,
    /// `HCX_DOWNGRADE`.
    Downgrade,
    /// `HCX_REDEPLOY_REQUIRED`.
    RedeployRequired,
    /// `HCX_UNKNOWN_RELEASE`.
    UnknownRelease,
    /// `HCX_FORBIDDEN_PATH`.
    ForbiddenPath,
    /// `HCX_PLAN_FAILED`.
    PlanFailed,
    /// `HCX_UNKNOWN_TARGET`.
    UnknownTarget,
    /// `HCX_NO_VALIDATED_RELEASE`.
    NoValidatedRelease,
    /// `HCX_CONFLICTING_VALIDATED`.
    ConflictingValidated,
    /// `HCX_NOTHING_REACHABLE`.
    NothingReachable,
    /// `HCX_UNKNOWN_RULE`.
    UnknownRule,
    /// `HCX_EMPTY_FLEET`.
    EmptyFleet,
    /// `HCX_PANIC`.
    Panic,
    /// Python only: a manager could not be reached, or the connection broke.
    ConnectionFailed,
    /// Python only: a manager refused the credentials.
    AuthFailed,
    /// Python only: a manager or one of its tasks did not answer in time.
    Timeout,
    /// Python only: a manager answered, but not usefully (an HTTP error, an undecodable answer, a failed task).
    ManagerError,
    /// Python only: a plan run that cannot start or go on.
    ApplyFailed,
}

impl Code {
    /// Every code, C statuses first (in code order), then the Python-only ones.
    pub(crate) const ALL: [Code; 23] = [
        Code::InvalidArgument,
        Code::InvalidVersion,
        Code::InvalidFleet,
        Code::InvalidCatalog,
        Code::IoError,
        Code::NoUpgradePath,
        Code::Downgrade,
        Code::RedeployRequired,
        Code::UnknownRelease,
        Code::ForbiddenPath,
        Code::PlanFailed,
        Code::UnknownTarget,
        Code::NoValidatedRelease,
        Code::ConflictingValidated,
        Code::NothingReachable,
        Code::UnknownRule,
        Code::EmptyFleet,
        Code::Panic,
        Code::ConnectionFailed,
        Code::AuthFailed,
        Code::Timeout,
        Code::ManagerError,
        Code::ApplyFailed,
    ];

    /// The code's name (`HCX_DOWNGRADE`, ...).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::InvalidArgument => "HCX_INVALID_ARGUMENT",
            Code::InvalidVersion => "HCX_INVALID_VERSION",
            Code::InvalidFleet => "HCX_INVALID_FLEET",
            Code::InvalidCatalog => "HCX_INVALID_CATALOG",
            Code::IoError => "HCX_IO_ERROR",
            Code::NoUpgradePath => "HCX_NO_UPGRADE_PATH",
            Code::Downgrade => "HCX_DOWNGRADE",
            Code::RedeployRequired => "HCX_REDEPLOY_REQUIRED",
            Code::UnknownRelease => "HCX_UNKNOWN_RELEASE",
            Code::ForbiddenPath => "HCX_FORBIDDEN_PATH",
            Code::PlanFailed => "HCX_PLAN_FAILED",
            Code::UnknownTarget => "HCX_UNKNOWN_TARGET",
            Code::NoValidatedRelease => "HCX_NO_VALIDATED_RELEASE",
            Code::ConflictingValidated => "HCX_CONFLICTING_VALIDATED",
            Code::NothingReachable => "HCX_NOTHING_REACHABLE",
            Code::UnknownRule => "HCX_UNKNOWN_RULE",
            Code::EmptyFleet => "HCX_EMPTY_FLEET",
            Code::Panic => "HCX_PANIC",
            Code::ConnectionFailed => "HCX_CONNECTION_FAILED",
            Code::AuthFailed => "HCX_AUTH_FAILED",
            Code::Timeout => "HCX_TIMEOUT",
            Code::ManagerError => "HCX_MANAGER_ERROR",
            Code::ApplyFailed => "HCX_APPLY_FAILED",
        }
    }

    /// Whether the C ABI has a status of this name.
    pub(crate) fn is_c_status(self) -> bool {
        match self {
            Code::ConnectionFailed | Code::AuthFailed | Code::Timeout | Code::ManagerError | Code::ApplyFailed => false,
            Code::InvalidArgument
            | Code::InvalidVersion
            | Code::InvalidFleet
            | Code::InvalidCatalog
            | Code::IoError
            | Code::NoUpgradePath
            | Code::Downgrade
            | Code::RedeployRequired
            | Code::UnknownRelease
            | Code::ForbiddenPath
            | Code::PlanFailed
            | Code::UnknownTarget
            | Code::NoValidatedRelease
            | Code::ConflictingValidated
            | Code::NothingReachable
            | Code::UnknownRule
            | Code::EmptyFleet
            | Code::Panic => true,
        }
    }
}

/// Every error code, as `(name, is a C status)`: what `hcx.errors.ErrorCode` lists, checked by the tests.
#[pyfunction]
pub(crate) fn _error_codes() -> Vec<(&'static str, bool)> {
    Code::ALL.iter().map(|c| (c.as_str(), c.is_c_status())).collect()
}

/// The exception classes (defined in Python, in `hcx.errors`), looked up once per interpreter.
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

/// The exception classes, importing `hcx.errors` on first use.
pub(crate) fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let module = py.import("hcx.errors")?;
        let class = |name: &str| -> PyResult<Py<PyType>> { Ok(module.getattr(name)?.cast_into::<PyType>()?.unbind()) };
        Ok(Classes {
            hcx_error: class("HcxError")?,
            invalid_version: class("InvalidVersion")?,
            invalid_fleet: class("InvalidFleet")?,
            invalid_catalog: class("InvalidCatalog")?,
            invalid_argument: class("InvalidArgument")?,
            unsupported_path: class("UnsupportedPath")?,
            plan_error: class("PlanError")?,
            connection_error: class("ConnectionError")?,
            auth_error: class("AuthError")?,
            timeout_error: class("TimeoutError")?,
            apply_error: class("ApplyError")?,
        })
    })
}

/// The exception class and code of a client failure, from its classification alone (`ClientError::kind`).
fn client_class(c: &Classes, kind: ErrorKind) -> (&Py<PyType>, Code) {
    match kind {
        ErrorKind::Auth => (&c.auth_error, Code::AuthFailed),
        ErrorKind::Timeout => (&c.timeout_error, Code::Timeout),
        ErrorKind::Connect | ErrorKind::Tls | ErrorKind::Broken | ErrorKind::Other => {
            (&c.connection_error, Code::ConnectionFailed)
        }
        ErrorKind::Config => (&c.invalid_argument, Code::InvalidArgument),
        // HTTP errors, undecodable or too-large answers and failed tasks: the manager answered, not usefully
        // (`ErrorKind` is another crate's non-exhaustive enum: a kind added later lands here too).
        _ => (&c.hcx_error, Code::ManagerError),
    }
}

/// The code of a path error, as the C ABI gives it, and `reason`, its lowercase name.
fn path_code(e: &PathError) -> (Code, &'static str) {
    match e {
        PathError::Downgrade { .. } => (Code::Downgrade, "downgrade"),
        PathError::RedeployRequired { .. } => (Code::RedeployRequired, "redeploy"),
        PathError::UnknownRelease { .. } => (Code::UnknownRelease, "unknown-release"),
        PathError::Forbidden(_) => (Code::ForbiddenPath, "forbidden"),
        // `NoDocumentedPath`, and any reason hcx-core adds later (as the C ABI counts them).
        _ => (Code::NoUpgradePath, "not-documented"),
    }
}

/// The code of a plan error, as the C ABI gives it.
fn plan_code(e: &PlanError) -> Code {
    match e {
        PlanError::UnknownTarget { .. } => Code::UnknownTarget,
        PlanError::NoValidatedRelease { .. } => Code::NoValidatedRelease,
        PlanError::ConflictingValidated { .. } => Code::ConflictingValidated,
        PlanError::NothingReachable => Code::NothingReachable,
        PlanError::UnknownRule { .. } => Code::UnknownRule,
        PlanError::EmptyFleet => Code::EmptyFleet,
        // A reason hcx-core adds later.
        _ => Code::PlanFailed,
    }
}

/// A field value of an exception.
enum Field {
    Str(String),
    OptStr(Option<String>),
    Version(Option<HcxVersion>),
    Strs(Vec<String>),
    Pairs(Vec<(String, String)>),
}

impl Field {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self {
            Field::Str(s) => PyString::new(py, s).into_any(),
            Field::OptStr(s) => s.as_deref().into_pyobject(py)?.into_any(),
            Field::Version(v) => match v {
                Some(v) => Bound::new(py, PyVersion(v.clone()))?.into_any(),
                None => py.None().into_bound(py),
            },
            Field::Strs(list) => PyList::new(py, list)?.into_any(),
            Field::Pairs(list) => PyList::new(py, list)?.into_any(),
        })
    }
}

/// The file a `CatalogError` names, when it names one (its origin: a file or URL).
fn catalog_origin(e: &CatalogError) -> Option<String> {
    let origin = match e {
        CatalogError::Malformed { origin, .. } | CatalogError::Inconsistent { origin, .. } => origin.trim(),
        CatalogError::Unreadable { origin, .. }
        | CatalogError::Refused { origin, .. }
        | CatalogError::Invalid { origin, .. } => origin.trim(),
        _ => "",
    };
    (!origin.is_empty()).then(|| origin.to_owned())
}

/// The class, code, message and structured fields of an error: the single place that decides them.
fn describe<'c>(c: &'c Classes, e: &Error) -> (&'c Py<PyType>, Code, String, Vec<(&'static str, Field)>) {
    match e {
        Error::Version(v) => {
            (&c.invalid_version, Code::InvalidVersion, v.to_string(), vec![("input", Field::Str(v.input().to_owned()))])
        }
        Error::Fleet(f) => {
            let problems = f.problems().iter().map(|p| (p.path.clone(), p.message.clone())).collect();
            let fields =
                vec![("problems", Field::Pairs(problems)), ("file", Field::OptStr(f.origin().map(str::to_owned)))];
            (&c.invalid_fleet, Code::InvalidFleet, f.to_string(), fields)
        }
        Error::Catalog(ce) => {
            let code = match ce {
                CatalogError::Unreadable { .. } => Code::IoError,
                _ => Code::InvalidCatalog,
            };
            let (path, problems) = match ce {
                CatalogError::Malformed { path, message, .. } => (Some(path.clone()), vec![message.clone()]),
                CatalogError::Inconsistent { problems, .. } | CatalogError::Invalid { problems, .. } => {
                    (None, problems.clone())
                }
                _ => (None, Vec::new()),
            };
            let fields = vec![
                ("file", Field::OptStr(catalog_origin(ce))),
                ("path", Field::OptStr(path)),
                ("problems", Field::Strs(problems)),
            ];
            (&c.invalid_catalog, code, ce.to_string(), fields)
        }
        Error::Name(n) => {
            let fields = vec![
                ("input", Field::OptStr(Some(n.input.clone()))),
                ("expected", Field::Strs(n.expected.split(", ").map(str::to_owned).collect())),
            ];
            (&c.invalid_argument, Code::InvalidArgument, n.to_string(), fields)
        }
        Error::Endpoints(ep) => {
            let (file, path) = match ep {
                EndpointsError::Read { path, .. } => (Some(path.clone()), None),
                EndpointsError::Json { path, .. } => (None, Some(path.clone())),
                _ => (None, None),
            };
            let fields = vec![("file", Field::OptStr(file)), ("path", Field::OptStr(path))];
            (&c.invalid_argument, Code::InvalidArgument, ep.to_string(), fields)
        }
        Error::Argument(text) => (&c.invalid_argument, Code::InvalidArgument, text.clone(), Vec::new()),
        Error::Path(p) => {
            let (code, reason) = path_code(p);
            let (from, to) = match p {
                PathError::Downgrade { from, to } | PathError::NoDocumentedPath { from, to } => {
                    (Some(from.clone()), Some(to.clone()))
                }
                PathError::RedeployRequired { from, .. } => (Some(from.clone()), None),
                PathError::UnknownRelease { which, version, .. } if *which == "target" => (None, Some(version.clone())),
                PathError::UnknownRelease { version, .. } => (Some(version.clone()), None),
                PathError::Forbidden(route) => (Some(route.from.clone()), Some(route.to.clone())),
                _ => (None, None),
            };
            let floor = match p {
                PathError::RedeployRequired { floor, .. } => Some(floor.clone()),
                _ => None,
            };
            let fields = vec![
                ("reason", Field::Str(reason.to_owned())),
                ("from_version", Field::Version(from)),
                ("to_version", Field::Version(to)),
                ("floor", Field::Version(floor)),
            ];
            (&c.unsupported_path, code, p.to_string(), fields)
        }
        Error::Plan(p) => (&c.plan_error, plan_code(p), p.to_string(), Vec::new()),
        Error::Render(r) => (&c.hcx_error, Code::PlanFailed, r.clone(), Vec::new()),
        Error::Client(f) => {
            let (class, code) = client_class(c, f.error.kind());
            let (site, url) = match &f.site {
                Some((site, url)) => (Some(site.clone()), Some(url.clone())),
                None => (None, None),
            };
            let fields = vec![
                ("kind", Field::Str(f.error.kind().as_str().to_owned())),
                ("site", Field::OptStr(site)),
                ("url", Field::OptStr(url)),
            ];
            (class, code, f.to_string(), fields)
        }
        Error::Apply(a) => (&c.apply_error, Code::ApplyFailed, a.to_string(), Vec::new()),
        Error::Internal(what) => {
            (&c.hcx_error, Code::Panic, format!("internal error in hcx (please report it): {what}"), Vec::new())
        }
    }
}

/// Maps an error onto the exception tree, with its `code` and structured fields.
pub(crate) fn to_pyerr(py: Python<'_>, e: &Error) -> PyErr {
    let c = match classes(py) {
        Ok(c) => c,
        Err(err) => return err,
    };
    let (class, code, message, fields) = describe(c, e);
    let raise = || -> PyResult<PyErr> {
        let exc = class.bind(py).call1((message,))?;
        exc.setattr("code", code.as_str())?;
        for (name, value) in &fields {
            exc.setattr(*name, value.to_py(py)?)?;
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

    /// The C ABI's status names, read from its source (hcx-py does not link hcx-ffi).
    fn c_status_names() -> Vec<&'static str> {
        let source = include_str!("../../hcx-ffi/src/capi/status.rs");
        let body = source.split("pub enum hcx_status {").nth(1).and_then(|s| s.split('}').next()).unwrap_or("");
        body.lines().filter_map(|l| l.trim().split(" = ").next().filter(|n| n.starts_with("HCX_"))).collect()
    }

    #[test]
    fn codes_name_c_statuses_or_none() {
        let c = c_status_names();
        assert!(c.contains(&"HCX_DOWNGRADE") && c.len() > 20, "{c:?}");
        for code in Code::ALL {
            assert_eq!(c.contains(&code.as_str()), code.is_c_status(), "{code:?}");
        }
    }

    #[test]
    fn path_errors_get_the_c_abis_codes() {
        let catalog = hcx_core::Catalog::bundled();
        let v = |s: &str| s.parse::<HcxVersion>().expect("a version");
        let e = catalog.path(&v("4.11.0"), &v("4.10.0")).expect_err("a downgrade");
        assert_eq!(path_code(&e), (Code::Downgrade, "downgrade"));
        let e = catalog.path(&v("4.10.0"), &v("4.99.0")).expect_err("unknown");
        assert_eq!(path_code(&e), (Code::UnknownRelease, "unknown-release"));
    }

    #[test]
    fn guarded_passes_results_through() {
        assert!(matches!(guarded(|| Ok::<_, Error>(3)), Ok(3)));
        let e = "4.x".parse::<hcx_core::HcxVersion>().map_err(Error::from);
        assert!(matches!(guarded(|| e), Err(Error::Version(_))));
    }
}
