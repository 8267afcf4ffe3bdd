//! `hcx.Version`, and the `Version | str` argument every API function accepts.

use std::fmt;

use hcx_core::HcxVersion;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::Error;

/// An HCX release version: `4.10.3`, `4.10.3.0`, `4.9.0.0-23529166` or `9.1.1.0`.
///
/// Comparison and hashing use the numeric parts only: the build is metadata.
#[pyclass(frozen, eq, ord, hash, str, module = "hcx", name = "Version")]
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PyVersion(pub(crate) HcxVersion);

impl fmt::Display for PyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<HcxVersion> for PyVersion {
    fn from(v: HcxVersion) -> Self {
        Self(v)
    }
}

#[pymethods]
impl PyVersion {
    /// Parses a version as HCX prints it.
    #[new]
    fn new(text: &str) -> PyResult<Self> {
        Ok(Self(text.parse().map_err(Error::from)?))
    }

    /// The major number (4 or 9 today).
    #[getter]
    fn major(&self) -> u32 {
        self.0.major()
    }

    /// The minor number.
    #[getter]
    fn minor(&self) -> u32 {
        self.0.minor()
    }

    /// The patch (maintenance) number.
    #[getter]
    fn patch(&self) -> u32 {
        self.0.patch()
    }

    /// The fourth part; 0 when HCX printed only three.
    #[getter]
    fn revision(&self) -> u32 {
        self.0.revision()
    }

    /// The build number, when one was given.
    #[getter]
    fn build(&self) -> Option<&str> {
        self.0.build()
    }

    /// The release line, `(major, minor)`.
    #[getter]
    fn line(&self) -> (u32, u32) {
        self.0.line()
    }

    /// The same release with the given build number attached (an empty build removes it). The build must be
    /// digits, so the result parses back; anything else raises `InvalidVersion`.
    fn with_build(&self, build: &str) -> PyResult<Self> {
        if build.is_empty() {
            return Ok(Self(self.0.clone().with_build(build)));
        }
        // The core parser decides what a build is: parse the release with it attached.
        let [a, b, c, d] = [self.0.major(), self.0.minor(), self.0.patch(), self.0.revision()];
        let v: HcxVersion = format!("{a}.{b}.{c}.{d}-{build}").parse().map_err(Error::from)?;
        Ok(Self(v))
    }

    fn __repr__(&self) -> String {
        format!("Version('{}')", self.0)
    }
}

/// An argument given as an `hcx.Version` or a version string.
pub(crate) struct VersionArg(pub(crate) HcxVersion);

impl<'a, 'py> FromPyObject<'a, 'py> for VersionArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(v) = obj.cast::<PyVersion>() {
            return Ok(Self(v.get().0.clone()));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(Self(s.to_str()?.parse().map_err(Error::from)?));
        }
        Err(PyTypeError::new_err(format!("expected an hcx.Version or a str, got {}", obj.get_type().name()?)))
    }
}
