//! `hcx.Catalog` and its query results, and `hcx.path`.

use std::ops::Deref;
use std::path::PathBuf;

use hcx_core::Catalog;
use hcx_core::catalog::{FetchOptions, Hop, PairingVerdict, Release, UpgradePath};
use hcx_core::fleet::Platform;
use pyo3::prelude::*;
use time::Date;

use crate::errors::{Error, guarded};
use crate::util::{date_or_today, json_loads, serde_name};
use crate::version::{PyVersion, VersionArg};

/// The bundled catalog is a `&'static`; a loaded one is owned.
enum CatalogRef {
    Bundled(&'static Catalog),
    Owned(Box<Catalog>),
}

/// The interoperability catalog: releases, upgrade paths, pairing rules, lifecycle, issues and advisories,
/// every fact with its sources and confidence.
#[pyclass(frozen, module = "hcx", name = "Catalog")]
pub struct PyCatalog(CatalogRef);

impl Deref for PyCatalog {
    type Target = Catalog;

    fn deref(&self) -> &Catalog {
        match &self.0 {
            CatalogRef::Bundled(c) => c,
            CatalogRef::Owned(c) => c,
        }
    }
}

/// The catalog passed in, or the bundled one.
pub(crate) fn catalog_or_bundled<'a>(catalog: Option<&'a Bound<'_, PyCatalog>>) -> &'a Catalog {
    match catalog {
        Some(c) => c.get(),
        None => Catalog::bundled(),
    }
}

#[pymethods]
impl PyCatalog {
    /// The catalog bundled with hcx (works offline).
    #[staticmethod]
    fn bundled(py: Python<'_>) -> PyResult<Self> {
        // The first call parses the bundled JSON; later calls are free.
        let c = py.detach(|| guarded(|| Ok(Catalog::bundled())))?;
        Ok(Self(CatalogRef::Bundled(c)))
    }

    /// Reads a catalog file (`hcx-catalog/v1`).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let c = py.detach(|| guarded(|| Catalog::load(&path).map_err(Error::from)))?;
        Ok(Self(CatalogRef::Owned(Box::new(c))))
    }

    /// Fetches a catalog over https and validates it, refusing a body whose SHA-256 is not `sha256` when given
    /// (hex, optionally `sha256:`-prefixed), as `hcx plan --catalog-url URL --catalog-sha256 HEX` does
    /// (without the CLI's cache of the last good copy). Blocking; the GIL is released while it runs.
    #[staticmethod]
    #[pyo3(signature = (url, *, sha256 = None))]
    fn fetch(py: Python<'_>, url: &str, sha256: Option<String>) -> PyResult<Self> {
        let mut options = FetchOptions::default();
        if let Some(pin) = sha256 {
            options = options.sha256(pin);
        }
        let runtime = pyo3_async_runtimes::tokio::get_runtime();
        let fetched =
            py.detach(|| guarded(|| runtime.block_on(Catalog::fetch_with(url, &options)).map_err(Error::from)))?;
        Ok(Self(CatalogRef::Owned(Box::new(fetched.catalog))))
    }

    /// Parses a catalog document.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let c = py.detach(|| guarded(|| Catalog::from_json(text).map_err(Error::from)))?;
        Ok(Self(CatalogRef::Owned(Box::new(c))))
    }

    /// The date the catalog's data was compiled.
    #[getter]
    fn as_of(&self) -> Date {
        Catalog::as_of(self)
    }

    /// Every release, oldest first.
    #[getter]
    fn releases(&self) -> Vec<PyRelease> {
        Catalog::releases(self).iter().map(PyRelease::from).collect()
    }

    /// The newest release in the catalog.
    #[getter]
    fn newest(&self) -> Option<PyRelease> {
        Catalog::newest(self).map(PyRelease::from)
    }

    /// The release, if the catalog knows it.
    fn release(&self, version: VersionArg) -> Option<PyRelease> {
        Catalog::release(self, &version.0).map(PyRelease::from)
    }

    /// Whether the catalog knows this release.
    fn is_known(&self, version: VersionArg) -> bool {
        Catalog::is_known(self, &version.0)
    }

    /// The release's support status on a date (default: today, UTC).
    #[pyo3(signature = (version, date=None))]
    fn support_status(&self, version: VersionArg, date: Option<Date>) -> PyResult<PySupportStatus> {
        let on = date_or_today(date);
        let s = Catalog::support_status(self, &version.0, on);
        let mut sources: Vec<String> = Vec::new();
        for fact in &s.facts {
            for id in &fact.sources {
                if !sources.contains(id) {
                    sources.push(id.clone());
                }
            }
        }
        Ok(PySupportStatus {
            version: version.0.into(),
            date: on,
            state: serde_name(&s.state),
            end_of_support: s.facts.iter().map(|f| f.end_of_support).collect(),
            sources,
        })
    }

    /// Whether two manager versions can be site-paired, and which rule says so.
    fn can_pair(&self, a: VersionArg, b: VersionArg) -> PyPairing {
        let p = Catalog::can_pair(self, &a.0, &b.0);
        PyPairing {
            verdict: p.verdict.as_str().to_owned(),
            compatible: p.verdict == PairingVerdict::Compatible,
            rule: p.rule.map(|r| r.id.clone()),
            sources: p.rule.map(|r| r.sources.clone()).unwrap_or_default(),
            confidence: p.rule.map(|r| r.confidence.as_str().to_owned()),
            note: p.rule.and_then(|r| r.note.clone()),
        }
    }

    /// The shortest documented upgrade path between two releases.
    #[pyo3(signature = (from_, to, /))]
    fn path(&self, py: Python<'_>, from_: VersionArg, to: VersionArg) -> PyResult<PyUpgradePath> {
        upgrade_path(py, self, &from_, &to)
    }

    /// The newest release a platform validates (deploys to new clouds), if the catalog lists one.
    fn validated(&self, platform: &str) -> PyResult<Option<PyVersion>> {
        let p: Platform = platform.parse().map_err(Error::from)?;
        Ok(Catalog::validated(self, p).map(|d| d.version.clone().into()))
    }

    /// The catalog as pretty JSON (`hcx-catalog/v1`); the same as `export()`.
    fn to_json(&self) -> PyResult<String> {
        Ok(Catalog::export(self).map_err(Error::from)?)
    }

    /// The full, loadable catalog document (`hcx-catalog/v1`, pretty JSON).
    fn export(&self) -> PyResult<String> {
        Ok(Catalog::export(self).map_err(Error::from)?)
    }

    /// Every problem of a catalog document (schema problems with their JSON path, then broken invariants);
    /// an empty list for a valid catalog.
    #[staticmethod]
    fn validate(py: Python<'_>, text: &str) -> Vec<String> {
        py.detach(|| Catalog::validate(text))
    }

    /// What changed from this catalog to `newer`: a list of `{"section", "key", "kind", "fields"?}` dicts,
    /// `kind` being added, removed or changed. Empty when both hold the same facts.
    fn diff<'py>(&self, py: Python<'py>, newer: &Bound<'py, PyCatalog>) -> PyResult<Bound<'py, PyAny>> {
        let entries = Catalog::diff(self, newer.get()).map_err(Error::from)?;
        let text = serde_json::to_string(&entries).map_err(|e| Error::Internal(e.to_string()))?;
        json_loads(py, &text)
    }

    /// `sha256:` and the SHA-256 of the catalog's canonical JSON: the catalog digest a plan records.
    #[getter]
    fn digest(&self) -> String {
        Catalog::digest(self).to_owned()
    }

    fn __repr__(&self) -> String {
        let kind = match self.0 {
            CatalogRef::Bundled(_) => "bundled",
            CatalogRef::Owned(_) => "loaded",
        };
        format!("<hcx.Catalog {kind} as_of={} releases={}>", Catalog::as_of(self), Catalog::releases(self).len())
    }
}

/// The path from `from_` to `to` in `catalog`, computed without the GIL.
pub(crate) fn upgrade_path(
    py: Python<'_>,
    catalog: &Catalog,
    from_: &VersionArg,
    to: &VersionArg,
) -> PyResult<PyUpgradePath> {
    let p = py.detach(|| guarded(|| catalog.path(&from_.0, &to.0).map_err(Error::from)))?;
    Ok(PyUpgradePath::from(p))
}

/// One release in the catalog.
#[pyclass(frozen, get_all, module = "hcx", name = "Release")]
#[derive(Clone)]
pub struct PyRelease {
    /// The version.
    version: PyVersion,
    /// The release date, when a source gives one (the 1st of the month when only the month is known).
    released: Option<Date>,
    /// When a source only shows the release existed by a day: that day (`released` is then None).
    released_on_or_before: Option<Date>,
    /// How well established the release is: confirmed, secondary, third-party or inferred.
    confidence: String,
    /// Catalog source ids that show the release exists.
    sources: Vec<String>,
    /// Known build numbers.
    builds: Vec<String>,
    /// Upgrade-relevant notes.
    notes: Vec<String>,
}

impl From<&Release> for PyRelease {
    fn from(r: &Release) -> Self {
        Self {
            version: r.version.clone().into(),
            released: r.released.as_ref().and_then(|d| d.date),
            released_on_or_before: r.released.as_ref().and_then(|d| d.on_or_before),
            confidence: r.confidence.as_str().to_owned(),
            sources: r.sources.clone(),
            builds: r.builds.iter().map(|b| b.build.clone()).collect(),
            notes: r.notes.iter().map(|n| n.text.clone()).collect(),
        }
    }
}

#[pymethods]
impl PyRelease {
    fn __repr__(&self) -> String {
        format!("<hcx.Release {}>", self.version)
    }
}

/// A release's support status on a date.
#[pyclass(frozen, get_all, module = "hcx", name = "SupportStatus")]
#[derive(Clone)]
pub struct PySupportStatus {
    /// The release asked about.
    version: PyVersion,
    /// The date it was judged on.
    date: Date,
    /// supported, out-of-support, disputed (sources disagree) or unknown (no source dates it).
    state: String,
    /// The end-of-support dates the sources give.
    end_of_support: Vec<Date>,
    /// Catalog source ids behind those dates.
    sources: Vec<String>,
}

#[pymethods]
impl PySupportStatus {
    fn __repr__(&self) -> String {
        format!("<hcx.SupportStatus {} {} on {}>", self.version, self.state, self.date)
    }
}

/// Whether two manager versions can be site-paired.
#[pyclass(frozen, get_all, module = "hcx", name = "Pairing")]
#[derive(Clone)]
pub struct PyPairing {
    /// compatible, incompatible or unknown (no rule covers the pair).
    verdict: String,
    /// Whether a rule says the pair is compatible.
    compatible: bool,
    /// The id of the rule that decided it, if any.
    rule: Option<String>,
    /// The rule's catalog source ids.
    sources: Vec<String>,
    /// The rule's confidence.
    confidence: Option<String>,
    /// The rule's note.
    note: Option<String>,
}

#[pymethods]
impl PyPairing {
    fn __repr__(&self) -> String {
        format!("<hcx.Pairing {} rule={}>", self.verdict, self.rule.as_deref().unwrap_or("-"))
    }
}

/// One upgrade of a manager from one release to the next, and the rule that allows it.
#[pyclass(frozen, get_all, module = "hcx", name = "Hop")]
#[derive(Clone)]
pub struct PyHop {
    /// The release upgraded from (`from` is a Python keyword).
    from_: PyVersion,
    /// The release upgraded to.
    to: PyVersion,
    /// The id of the catalog path rule that allows the hop.
    rule: String,
    /// The rule's catalog source ids.
    sources: Vec<String>,
    /// The rule's confidence: confirmed, secondary, third-party or inferred.
    confidence: String,
    /// The rule's note.
    note: Option<String>,
}

impl From<Hop> for PyHop {
    fn from(h: Hop) -> Self {
        Self {
            from_: h.from.into(),
            to: h.to.into(),
            rule: h.rule,
            sources: h.sources,
            confidence: h.confidence.as_str().to_owned(),
            note: h.note,
        }
    }
}

#[pymethods]
impl PyHop {
    fn __repr__(&self) -> String {
        format!("<hcx.Hop {} -> {} ({}, {})>", self.from_, self.to, self.rule, self.confidence)
    }
}

/// A documented upgrade path: zero or more hops.
#[pyclass(frozen, module = "hcx", name = "UpgradePath")]
pub struct PyUpgradePath(UpgradePath);

impl From<UpgradePath> for PyUpgradePath {
    fn from(p: UpgradePath) -> Self {
        Self(p)
    }
}

#[pymethods]
impl PyUpgradePath {
    /// Where the path starts.
    #[getter]
    fn from_(&self) -> PyVersion {
        self.0.from.clone().into()
    }

    /// Where the path ends.
    #[getter]
    fn to(&self) -> PyVersion {
        self.0.to.clone().into()
    }

    /// The hops in order; empty when the two releases are the same.
    #[getter]
    fn hops(&self) -> Vec<PyHop> {
        self.0.hops.iter().cloned().map(PyHop::from).collect()
    }

    /// Every release visited between the start and the end.
    #[getter]
    fn stepping_stones(&self) -> Vec<PyVersion> {
        self.0.stepping_stones().into_iter().map(|v| v.clone().into()).collect()
    }

    /// Set when the start is not in the catalog but a documented rule's range covers it: what the
    /// `uncataloged-release` warning says.
    #[getter]
    fn uncataloged(&self) -> Option<String> {
        self.0.uncataloged.as_ref().map(ToString::to_string)
    }

    /// The weakest confidence of any hop (None for an empty path).
    #[getter]
    fn confidence(&self) -> Option<&'static str> {
        self.0.confidence().map(|c| c.as_str())
    }

    /// The path as plain Python data (the JSON shape).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(&self.0).map_err(|e| Error::Internal(e.to_string()))?;
        json_loads(py, &text)
    }

    fn __len__(&self) -> usize {
        self.0.hops.len()
    }

    fn __repr__(&self) -> String {
        let mut chain = vec![self.0.from.to_string()];
        chain.extend(self.0.hops.iter().map(|h| h.to.to_string()));
        format!("<hcx.UpgradePath {}>", chain.join(" -> "))
    }
}
