//! `hcx.discover` (blocking, GIL released) and `hcx.discover_async` (awaitable from asyncio): read a fleet
//! from its HCX Managers over the REST API.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use hcx_core::client::discover::{
    DiscoveryOptions, EndpointsFile, FleetDiscovery, SiteEndpoint, Target, discover_fleet,
};
use hcx_core::client::{ClientConfig, RetryPolicy};
use hcx_core::fleet::Fleet;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::errors::{ClientFailure, Error, guarded, to_pyerr};
use crate::fleet::PyFleet;
use crate::util::json_dumps;
use crate::version::PyVersion;

/// The endpoints argument: a path to an `hcx-endpoints/v1` file, or the document as a dict.
pub(crate) enum EndpointsArg {
    Path(PathBuf),
    Document(String),
}

impl<'a, 'py> FromPyObject<'a, 'py> for EndpointsArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.cast::<PyDict>().is_ok() {
            return Ok(Self::Document(json_dumps(&obj.to_owned())?));
        }
        // str and os.PathLike both extract as a path.
        match obj.extract::<PathBuf>() {
            Ok(path) => Ok(Self::Path(path)),
            Err(_) => Err(PyTypeError::new_err(format!(
                "expected an endpoints file path or an hcx-endpoints/v1 dict, got {}",
                obj.get_type().name()?
            ))),
        }
    }
}

impl EndpointsArg {
    /// The endpoints file and a password for every site.
    pub(crate) fn targets(self, passwords: Option<PasswordsArg>) -> Result<Vec<Target>, Error> {
        let file = match self {
            EndpointsArg::Path(p) => EndpointsFile::load(p)?,
            EndpointsArg::Document(text) => EndpointsFile::from_json(&text)?,
        };
        targets(file.endpoints, passwords)
    }
}

/// The client keyword arguments shared by `discover` and `apply`; `None` keeps hcx-core's default.
pub(crate) struct ClientArgs {
    pub(crate) connect_timeout: Option<f64>,
    pub(crate) read_timeout: Option<f64>,
    pub(crate) timeout: Option<f64>,
    pub(crate) max_attempts: Option<u32>,
    pub(crate) ca_bundle: Option<PathBuf>,
    pub(crate) danger_accept_invalid_certs: bool,
    pub(crate) allow_insecure_http: bool,
}

impl ClientArgs {
    /// The client configuration: hcx-core's defaults, with what was given.
    pub(crate) fn config(self) -> Result<ClientConfig, Error> {
        let defaults = ClientConfig::default();
        let secs = |name: &str, v: Option<f64>, d: Duration| v.map_or(Ok(d), |v| seconds(name, v));
        let retry = RetryPolicy::default();
        let attempts = self.max_attempts.unwrap_or(retry.max_attempts);
        let mut client = defaults
            .clone()
            .with_timeouts(
                secs("connect_timeout", self.connect_timeout, defaults.connect_timeout)?,
                secs("read_timeout", self.read_timeout, defaults.read_timeout)?,
                secs("timeout", self.timeout, defaults.timeout)?,
            )
            .with_retry(RetryPolicy::new(attempts, retry.base_delay, retry.max_delay))
            .danger_accept_invalid_certs(self.danger_accept_invalid_certs)
            .allow_insecure_http(self.allow_insecure_http);
        if let Some(path) = self.ca_bundle {
            client = client.with_ca_bundle_file(path)?;
        }
        Ok(client)
    }
}

/// The passwords argument: one for every site, or one per site id.
pub(crate) enum PasswordsArg {
    All(String),
    PerSite(HashMap<String, String>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for PasswordsArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(Self::All(s.to_str()?.to_owned()));
        }
        match obj.extract::<HashMap<String, String>>() {
            Ok(map) => Ok(Self::PerSite(map)),
            Err(_) => Err(PyTypeError::new_err(format!(
                "expected a password str or a mapping of site id to password, got {}",
                obj.get_type().name()?
            ))),
        }
    }
}

/// The per-site environment variable the Rust CLI reads too, e.g. `HCX_PASSWORD_ONPREM_DC1`.
fn password_var(site: &str) -> String {
    hcx_core::client::discover::password_env_var(site)
}

/// Pairs every endpoint with its password: from the argument, else `HCX_PASSWORD_<SITE>`, else `HCX_PASSWORD`.
pub(crate) fn targets(endpoints: Vec<SiteEndpoint>, passwords: Option<PasswordsArg>) -> Result<Vec<Target>, Error> {
    let mut out = Vec::with_capacity(endpoints.len());
    for endpoint in endpoints {
        let given = match &passwords {
            Some(PasswordsArg::All(p)) => Some(p.clone()),
            Some(PasswordsArg::PerSite(map)) => map.get(&endpoint.site).cloned(),
            None => None,
        };
        let var = password_var(&endpoint.site);
        let password = match given.or_else(|| std::env::var(&var).or_else(|_| std::env::var("HCX_PASSWORD")).ok()) {
            Some(p) => p,
            None => {
                return Err(Error::Argument(format!(
                    "no password for site {}: pass passwords=..., or set {var} or HCX_PASSWORD",
                    endpoint.site
                )));
            }
        };
        out.push(Target::new(endpoint, password));
    }
    Ok(out)
}

/// A timeout in seconds as a `Duration`, refusing negative, NaN and infinite values.
pub(crate) fn seconds(name: &str, value: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| Error::Argument(format!("{name} must be a finite number of seconds >= 0, got {value}")))
}

/// Everything a discovery needs, owned so it can move into a future.
struct Request {
    endpoints: EndpointsArg,
    passwords: Option<PasswordsArg>,
    options: DiscoveryOptions,
    strict: bool,
}

impl Request {
    /// Runs the discovery (the caller provides the runtime).
    async fn run(self) -> Result<PyDiscovery, Error> {
        let targets = self.endpoints.targets(self.passwords)?;
        let mut found = discover_fleet(targets, &self.options).await?;
        if self.strict && !found.failures.is_empty() {
            let first = found.failures.swap_remove(0);
            return Err(Error::Client(Box::new(ClientFailure {
                site: Some((first.site, first.url)),
                error: first.error,
            })));
        }
        Ok(PyDiscovery::from(found))
    }

    /// [`Request::run`], with a panic turned into an error rather than unwinding through the runtime.
    async fn run_guarded(self) -> Result<PyDiscovery, Error> {
        match AssertUnwindSafe(self.run()).catch_unwind().await {
            Ok(result) => result,
            Err(payload) => Err(Error::Internal(crate::errors::panic_message(payload.as_ref()))),
        }
    }
}

/// Reads a fleet from its HCX Managers; blocks, with the GIL released, until every site answered or failed.
///
/// `endpoints` is an `hcx-endpoints/v1` file path or the document as a dict. `passwords` is one password
/// for every site or a mapping of site id to password; sites without one use the `HCX_PASSWORD_<SITE>`
/// or `HCX_PASSWORD` environment variable, as the Rust CLI does. With `strict` (the default) the first
/// site failure is raised; otherwise failures are listed in the result. `concurrency` and the client
/// settings left as `None` take hcx-core's defaults (`max_response_bytes`: the largest answer read from a
/// manager). `hcx.discover_async` runs it on the event loop's executor.
#[pyfunction]
#[pyo3(
    signature = (endpoints, passwords = None, *, concurrency = None, connect_timeout = None, read_timeout = None,
                 timeout = None, max_attempts = None, ca_bundle = None, danger_accept_invalid_certs = false,
                 allow_insecure_http = false, strict = true, max_response_bytes = None)
)]
#[allow(clippy::too_many_arguments, reason = "Python keyword arguments")]
pub(crate) fn discover(
    py: Python<'_>,
    endpoints: EndpointsArg,
    passwords: Option<PasswordsArg>,
    concurrency: Option<usize>,
    connect_timeout: Option<f64>,
    read_timeout: Option<f64>,
    timeout: Option<f64>,
    max_attempts: Option<u32>,
    ca_bundle: Option<PathBuf>,
    danger_accept_invalid_certs: bool,
    allow_insecure_http: bool,
    strict: bool,
    max_response_bytes: Option<u64>,
) -> PyResult<PyDiscovery> {
    let mut client = ClientArgs {
        connect_timeout,
        read_timeout,
        timeout,
        max_attempts,
        ca_bundle,
        danger_accept_invalid_certs,
        allow_insecure_http,
    }
    .config()?;
    if let Some(n) = max_response_bytes {
        client = client.with_max_response_bytes(n);
    }
    let mut options = DiscoveryOptions::new(client);
    if let Some(n) = concurrency {
        options = options.with_concurrency(n);
    }
    let request = Request { endpoints, passwords, options, strict };
    Ok(py.detach(|| guarded(|| pyo3_async_runtimes::tokio::get_runtime().block_on(request.run_guarded())))?)
}

/// The default of `discover(concurrency=...)`: hcx-core's.
#[pyfunction]
pub(crate) fn default_concurrency() -> usize {
    DiscoveryOptions::new(ClientConfig::default()).concurrency
}

/// What a discovery found: the merged fleet, the sites that failed and the merge notes.
#[pyclass(frozen, module = "hcx", name = "Discovery")]
pub struct PyDiscovery {
    fleet: Fleet,
    failures: Vec<PySiteFailure>,
    warnings: Vec<String>,
    versions: Vec<(String, PyVersion)>,
}

impl From<FleetDiscovery> for PyDiscovery {
    fn from(d: FleetDiscovery) -> Self {
        let versions = d.sites.iter().map(|s| (s.site.id.clone(), s.site.version.clone().into())).collect();
        let failures = d
            .failures
            .into_iter()
            .map(|f| PySiteFailure {
                site: f.site.clone(),
                url: f.url.clone(),
                error: Arc::new(Error::Client(Box::new(ClientFailure { site: Some((f.site, f.url)), error: f.error }))),
            })
            .collect();
        Self { fleet: d.fleet, failures, warnings: d.warnings, versions }
    }
}

#[pymethods]
impl PyDiscovery {
    /// The merged inventory of the sites that answered.
    #[getter]
    fn fleet(&self, py: Python<'_>) -> PyFleet {
        PyFleet::new(py, self.fleet.clone())
    }

    /// Sites that did not answer (empty when `strict`, which raises instead).
    #[getter]
    fn failures(&self) -> Vec<PySiteFailure> {
        self.failures.clone()
    }

    /// Guesses, skips and merge notes (for example extensions recorded as static binding).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// `(site id, manager version)` of every site that answered, in input order.
    #[getter]
    fn versions(&self) -> Vec<(String, PyVersion)> {
        self.versions.clone()
    }

    /// Whether every site answered.
    #[getter]
    fn complete(&self) -> bool {
        self.failures.is_empty()
    }

    fn __repr__(&self) -> String {
        format!(
            "<hcx.Discovery sites={} failures={} warnings={}>",
            self.fleet.sites.len(),
            self.failures.len(),
            self.warnings.len()
        )
    }
}

/// A site that did not answer during discovery.
#[pyclass(frozen, module = "hcx", name = "SiteFailure")]
#[derive(Clone)]
pub struct PySiteFailure {
    site: String,
    url: String,
    error: Arc<Error>,
}

#[pymethods]
impl PySiteFailure {
    /// The site id.
    #[getter]
    fn site(&self) -> &str {
        &self.site
    }

    /// The manager URL.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The failure as the exception it would raise (`hcx.AuthError`, `hcx.ConnectionError`, ...).
    #[getter]
    fn error<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        to_pyerr(py, &self.error).into_value(py).into_bound(py).into_any()
    }

    fn __repr__(&self) -> String {
        format!("<hcx.SiteFailure {} ({})>", self.site, self.url)
    }
}
