//! `hcx.Fleet` (the `hcx-fleet/v1` inventory) and its read-only parts.

use std::path::PathBuf;

use hcx_core::fleet::{
    Appliance, Fleet, MaintenanceWindow, Migration, NetworkExtension, Replication, ServiceMesh, Site, SitePair,
};
use pyo3::prelude::*;
use time::OffsetDateTime;

use crate::errors::{Error, guarded};
use crate::util::{json_dumps, json_loads};
use crate::version::PyVersion;

/// A fleet: sites and their HCX Managers, site pairs, service meshes, network extensions, transfers in flight
/// and maintenance windows. Immutable; build a changed fleet with `to_dict()` and `from_dict()`.
#[pyclass(frozen, eq, module = "hcx", name = "Fleet")]
#[derive(PartialEq)]
pub struct PyFleet(pub(crate) Fleet);

#[pymethods]
impl PyFleet {
    /// Parses and validates a `hcx-fleet/v1` JSON document.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let f = py.detach(|| guarded(|| Fleet::from_json(text).map_err(Error::from)))?;
        Ok(Self(f))
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
        Self::from_json(py, &text)
    }

    /// Reads and validates a fleet file.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let f = py.detach(|| guarded(|| Fleet::load(&path).map_err(Error::from)))?;
        Ok(Self(f))
    }

    /// The bundled sample fleet: an on-premises Connector paired with an Azure VMware Solution Cloud Manager.
    #[staticmethod]
    fn sample(py: Python<'_>) -> PyResult<Self> {
        Self::from_json(py, hcx_core::plan::SAMPLE_FLEET)
    }

    /// The fleet as pretty JSON (stable field order).
    fn to_json(&self) -> String {
        self.0.to_json_pretty()
    }

    /// The fleet as plain Python data (the JSON shape).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.0.to_json_pretty())
    }

    /// The schema name, `hcx-fleet/v1`.
    #[getter]
    fn schema(&self) -> &str {
        &self.0.schema
    }

    /// Sites and their managers.
    #[getter]
    fn sites(&self) -> Vec<PySite> {
        self.0.sites.iter().map(PySite::from).collect()
    }

    /// Site pairs.
    #[getter]
    fn pairs(&self) -> Vec<PySitePair> {
        self.0.pairs.iter().map(PySitePair::from).collect()
    }

    /// Service meshes.
    #[getter]
    fn meshes(&self) -> Vec<PyServiceMesh> {
        self.0.meshes.iter().map(PyServiceMesh::from).collect()
    }

    /// Network extensions.
    #[getter]
    fn extensions(&self) -> Vec<PyNetworkExtension> {
        self.0.extensions.iter().map(PyNetworkExtension::from).collect()
    }

    /// Migrations known to the managers.
    #[getter]
    fn migrations(&self) -> Vec<PyTransfer> {
        self.0.migrations.iter().map(PyTransfer::from).collect()
    }

    /// Replications known to the managers.
    #[getter]
    fn replications(&self) -> Vec<PyTransfer> {
        self.0.replications.iter().map(PyTransfer::from).collect()
    }

    /// Maintenance windows for planning.
    #[getter]
    fn windows(&self) -> Vec<PyMaintenanceWindow> {
        self.0.windows.iter().map(PyMaintenanceWindow::from).collect()
    }

    /// The site with this id, if any.
    fn site(&self, id: &str) -> Option<PySite> {
        self.0.site(id).map(PySite::from)
    }

    fn __repr__(&self) -> String {
        format!(
            "<hcx.Fleet sites={} pairs={} meshes={} extensions={}>",
            self.0.sites.len(),
            self.0.pairs.len(),
            self.0.meshes.len(),
            self.0.extensions.len()
        )
    }
}

/// One site and the HCX Manager that runs there.
#[pyclass(frozen, get_all, module = "hcx", name = "Site")]
#[derive(Clone)]
pub struct PySite {
    /// Unique id used by pairs and meshes.
    id: String,
    /// connector or cloud.
    role: String,
    /// on-prem, avs, gcve, vmc, ocvs, evs or ibm-cloud.
    platform: String,
    /// The HCX Manager's version (and build, when known).
    version: PyVersion,
    /// A display name.
    name: Option<String>,
    /// The HCX Manager's URL.
    url: Option<String>,
}

impl From<&Site> for PySite {
    fn from(s: &Site) -> Self {
        Self {
            id: s.id.clone(),
            role: s.role.as_str().to_owned(),
            platform: s.platform.as_str().to_owned(),
            version: s.version.clone().into(),
            name: s.name.clone(),
            url: s.url.clone(),
        }
    }
}

#[pymethods]
impl PySite {
    fn __repr__(&self) -> String {
        format!("<hcx.Site {} {} {} {}>", self.id, self.role, self.platform, self.version)
    }
}

/// A site pair: a source site registered with a destination Cloud Manager.
#[pyclass(frozen, get_all, module = "hcx", name = "SitePair")]
#[derive(Clone)]
pub struct PySitePair {
    /// The source site's id.
    source: String,
    /// The destination site's id (always a Cloud Manager).
    destination: String,
}

impl From<&SitePair> for PySitePair {
    fn from(p: &SitePair) -> Self {
        Self { source: p.source.clone(), destination: p.destination.clone() }
    }
}

#[pymethods]
impl PySitePair {
    fn __repr__(&self) -> String {
        format!("<hcx.SitePair {} -> {}>", self.source, self.destination)
    }
}

/// One service mesh appliance.
#[pyclass(frozen, get_all, module = "hcx", name = "Appliance")]
#[derive(Clone)]
pub struct PyAppliance {
    /// Unique id.
    id: String,
    /// IX, NE, WO, SGW or SDR.
    kind: String,
    /// The appliance's software version.
    version: PyVersion,
    /// The NE HA group it belongs to, if any.
    ha_group: Option<String>,
    /// Extended networks carried by this appliance.
    networks: Vec<String>,
}

impl From<&Appliance> for PyAppliance {
    fn from(a: &Appliance) -> Self {
        Self {
            id: a.id.clone(),
            kind: a.kind.as_str().to_owned(),
            version: a.version.clone().into(),
            ha_group: a.ha_group.clone(),
            networks: a.networks.clone(),
        }
    }
}

#[pymethods]
impl PyAppliance {
    fn __repr__(&self) -> String {
        format!("<hcx.Appliance {} {} {}>", self.id, self.kind, self.version)
    }
}

/// A service mesh over one site pair.
#[pyclass(frozen, get_all, module = "hcx", name = "ServiceMesh")]
#[derive(Clone)]
pub struct PyServiceMesh {
    /// Unique id.
    id: String,
    /// The source site's id (mesh upgrades are started from here).
    source: String,
    /// The destination site's id.
    destination: String,
    /// Enabled services (interconnect, vmotion, bulk-migration, network-extension, ...).
    services: Vec<String>,
    /// The mesh's appliances.
    appliances: Vec<PyAppliance>,
}

impl From<&ServiceMesh> for PyServiceMesh {
    fn from(m: &ServiceMesh) -> Self {
        Self {
            id: m.id.clone(),
            source: m.source.clone(),
            destination: m.destination.clone(),
            services: m.services.iter().map(|s| s.as_str().to_owned()).collect(),
            appliances: m.appliances.iter().map(PyAppliance::from).collect(),
        }
    }
}

#[pymethods]
impl PyServiceMesh {
    fn __repr__(&self) -> String {
        format!("<hcx.ServiceMesh {} {} -> {}>", self.id, self.source, self.destination)
    }
}

/// A network stretched by an NE appliance.
#[pyclass(frozen, get_all, module = "hcx", name = "NetworkExtension")]
#[derive(Clone)]
pub struct PyNetworkExtension {
    /// The extended network (port group) name.
    network: String,
    /// The NE appliance carrying it.
    appliance: String,
    /// The source port group's binding: static, dynamic or ephemeral.
    binding: String,
}

impl From<&NetworkExtension> for PyNetworkExtension {
    fn from(e: &NetworkExtension) -> Self {
        Self { network: e.network.clone(), appliance: e.appliance.clone(), binding: e.binding.as_str().to_owned() }
    }
}

#[pymethods]
impl PyNetworkExtension {
    fn __repr__(&self) -> String {
        format!("<hcx.NetworkExtension {} on {} ({})>", self.network, self.appliance, self.binding)
    }
}

/// A migration or replication known to the managers.
#[pyclass(frozen, get_all, module = "hcx", name = "Transfer")]
#[derive(Clone)]
pub struct PyTransfer {
    /// Its id.
    id: String,
    /// queued, in_progress, completed, failed or cancelled.
    state: String,
    /// Whether it is still queued or running (which blocks an upgrade).
    active: bool,
    /// The site reporting it, when known.
    site: Option<String>,
}

impl From<&Migration> for PyTransfer {
    fn from(m: &Migration) -> Self {
        Self { id: m.id.clone(), state: m.state.as_str().to_owned(), active: m.state.is_active(), site: m.site.clone() }
    }
}

impl From<&Replication> for PyTransfer {
    fn from(r: &Replication) -> Self {
        Self { id: r.id.clone(), state: r.state.as_str().to_owned(), active: r.state.is_active(), site: r.site.clone() }
    }
}

#[pymethods]
impl PyTransfer {
    fn __repr__(&self) -> String {
        format!("<hcx.Transfer {} {}>", self.id, self.state)
    }
}

/// A maintenance window in which upgrade steps may run.
#[pyclass(frozen, get_all, module = "hcx", name = "MaintenanceWindow")]
#[derive(Clone)]
pub struct PyMaintenanceWindow {
    /// The site it applies to; None means every site.
    site: Option<String>,
    /// Start (an aware datetime).
    start: OffsetDateTime,
    /// End (an aware datetime).
    end: OffsetDateTime,
}

impl From<&MaintenanceWindow> for PyMaintenanceWindow {
    fn from(w: &MaintenanceWindow) -> Self {
        Self { site: w.site.clone(), start: w.start, end: w.end }
    }
}

#[pymethods]
impl PyMaintenanceWindow {
    fn __repr__(&self) -> String {
        format!("<hcx.MaintenanceWindow {} {} .. {}>", self.site.as_deref().unwrap_or("*"), self.start, self.end)
    }
}
