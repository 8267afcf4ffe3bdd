//! The fleet inventory: sites, their HCX Managers, site pairs, service meshes, appliances, network
//! extensions and transfers in flight, as the `hcx-fleet/v1` JSON document.
//!
//! Loading checks the whole document and reports every problem with its JSON path in one
//! [`FleetError`], so a file can be fixed in one pass.

mod check;
mod window;

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::names::string_enum;
use crate::quote::{clipped, quoted};
use crate::version::HcxVersion;
pub use window::{Occurrence, Weekday, WeeklyRule, WeeklyWindow, WindowError, local_span, local_time};

/// The schema name every fleet document carries.
pub const FLEET_SCHEMA: &str = "hcx-fleet/v1";

string_enum! {
    /// Which kind of HCX Manager runs at a site.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum SiteRole: "site role" {
        /// HCX Connector: the source-side manager; it can only be the source of a pair.
        Connector = "connector",
        /// HCX Cloud Manager: the destination (or either end of a cloud-to-cloud pair).
        Cloud = "cloud",
    }
}

string_enum! {
    /// Where a site runs.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum Platform: "platform" {
        /// A customer's own vSphere data centre.
        OnPrem = "on-prem",
        /// Azure VMware Solution.
        Avs = "avs",
        /// Google Cloud VMware Engine.
        Gcve = "gcve",
        /// VMware Cloud on AWS.
        Vmc = "vmc",
        /// Oracle Cloud VMware Solution.
        Ocvs = "ocvs",
        /// Amazon Elastic VMware Service.
        Evs = "evs",
        /// IBM Cloud for VMware Solutions.
        IbmCloud = "ibm-cloud",
    }
}

string_enum! {
    /// A service enabled on a service mesh.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum MeshService: "mesh service" {
        /// Interconnect (the IX tunnels); always present on a working mesh.
        Interconnect = "interconnect",
        /// vMotion migration.
        Vmotion = "vmotion",
        /// Bulk migration.
        BulkMigration = "bulk-migration",
        /// Replication Assisted vMotion.
        ReplicationAssistedVmotion = "replication-assisted-vmotion",
        /// Network Extension (NE appliances).
        NetworkExtension = "network-extension",
        /// WAN Optimization (WO appliances); deprecated in 4.11.
        WanOptimization = "wan-optimization",
        /// Disaster Recovery; deprecated in 4.11.
        DisasterRecovery = "disaster-recovery",
        /// OS Assisted Migration (SGW/SDR appliances).
        Osam = "osam",
    }
}

string_enum! {
    /// A service mesh appliance type.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum ApplianceKind: "appliance kind" {
        /// HCX-IX Interconnect.
        Ix = "IX",
        /// HCX-NE Network Extension.
        Ne = "NE",
        /// HCX-WO WAN Optimization.
        Wo = "WO",
        /// HCX-SGW Sentinel Gateway (OSAM, source side).
        Sgw = "SGW",
        /// HCX-SDR Sentinel Data Receiver (OSAM, destination side).
        Sdr = "SDR",
    }
}

string_enum! {
    /// The port binding of the distributed port group an extended network is bound to.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum PortBinding: "port binding" {
        /// Static binding (the default for new port groups).
        Static = "static",
        /// Dynamic binding (deprecated by vSphere).
        Dynamic = "dynamic",
        /// Ephemeral, no binding: NE upgrades fail on it.
        Ephemeral = "ephemeral",
        /// Not known (the HCX API does not report it); check it in vCenter.
        Unknown = "unknown",
    }
}

string_enum! {
    /// The state of a migration or replication.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum TransferState: "transfer state" {
        /// Waiting to start.
        Queued = "queued",
        /// Running.
        InProgress = "in_progress",
        /// Finished successfully.
        Completed = "completed",
        /// Finished with an error.
        Failed = "failed",
        /// Cancelled by an operator.
        Cancelled = "cancelled",
    }
}

impl TransferState {
    /// Whether the transfer is still queued or running, which blocks an upgrade.
    pub fn is_active(self) -> bool {
        matches!(self, TransferState::Queued | TransferState::InProgress)
    }
}

/// One site and the HCX Manager that runs there.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Unique id used by pairs and meshes.
    pub id: String,
    /// Connector or Cloud Manager.
    pub role: SiteRole,
    /// Where the site runs.
    pub platform: Platform,
    /// The HCX Manager's version (and build, when known).
    pub version: HcxVersion,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The HCX Manager's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A site pair: a source site registered with a destination Cloud Manager.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SitePair {
    /// The source site's id.
    pub source: String,
    /// The destination site's id (always a Cloud Manager).
    pub destination: String,
}

/// One service mesh appliance (its peer at the other site upgrades with it).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Appliance {
    /// Unique id.
    pub id: String,
    /// The appliance type.
    pub kind: ApplianceKind,
    /// The appliance's software version.
    pub version: HcxVersion,
    /// The NE HA group it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ha_group: Option<String>,
    /// Extended networks carried by this appliance (also derivable from `extensions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
}

/// A service mesh over one site pair.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceMesh {
    /// Unique id.
    pub id: String,
    /// The source site's id (mesh upgrades are started from here).
    pub source: String,
    /// The destination site's id.
    pub destination: String,
    /// Enabled services.
    #[serde(default)]
    pub services: Vec<MeshService>,
    /// The mesh's appliances.
    #[serde(default)]
    pub appliances: Vec<Appliance>,
    /// Whether the NE HA group membership of this mesh's appliances is unknown (discovery could not read the
    /// manager's HA groups), so `ha_group` cannot be trusted on them: the planner then plans no In-Service NE
    /// upgrade on the mesh and says what to check. Absent (false) in a fleet written by hand.
    #[serde(default, skip_serializing_if = "is_false")]
    pub ha_groups_unknown: bool,
}

/// For `skip_serializing_if`: leave a `false` marker out.
fn is_false(b: &bool) -> bool {
    !*b
}

/// A network stretched by an NE appliance.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkExtension {
    /// The extended network (port group) name.
    pub network: String,
    /// The NE appliance carrying it.
    pub appliance: String,
    /// The source port group's binding.
    pub binding: PortBinding,
}

/// A migration known to the managers.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// Its id.
    pub id: String,
    /// Its state.
    pub state: TransferState,
    /// The site reporting it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// A replication (Disaster Recovery or RAV) known to the managers.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replication {
    /// Its id.
    pub id: String,
    /// Its state.
    pub state: TransferState,
    /// The site reporting it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// A maintenance window in which upgrade steps may run: one-off (`start` and `end`) or weekly (`weekly`).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceWindow {
    /// The site it applies to; `None` means every site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// A one-off window's start (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::date::rfc3339::option")]
    pub start: Option<OffsetDateTime>,
    /// A one-off window's end (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::date::rfc3339::option")]
    pub end: Option<OffsetDateTime>,
    /// A window that recurs every week, in local time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly: Option<WeeklyWindow>,
}

impl MaintenanceWindow {
    /// A one-off window from `start` to `end`.
    pub fn once(site: Option<String>, start: OffsetDateTime, end: OffsetDateTime) -> Self {
        Self { site, start: Some(start), end: Some(end), weekly: None }
    }

    /// A weekly window.
    pub fn weekly(site: Option<String>, weekly: WeeklyWindow) -> Self {
        Self { site, start: None, end: None, weekly: Some(weekly) }
    }

    /// What kind of window this is, once its members are checked.
    ///
    /// # Errors
    /// Every [`WindowProblem`]: both forms or neither, an end before its start, or weekly members that do not
    /// parse.
    pub fn span(&self) -> Result<WindowSpan, Vec<WindowProblem>> {
        match (self.start, self.end, &self.weekly) {
            (Some(start), Some(end), None) if end > start => Ok(WindowSpan::Once(Occurrence { start, end })),
            (Some(_), Some(_), None) => Err(vec![WindowProblem::EndsBeforeStart]),
            (None, None, Some(w)) => {
                w.rule().map(WindowSpan::Weekly).map_err(|e| e.into_iter().map(WindowProblem::Weekly).collect())
            }
            _ => Err(vec![WindowProblem::Form]),
        }
    }

    /// The openings of the window that overlap `start..end`, weekly ones counted from the plan date `from`;
    /// none for a window that cannot be used.
    pub fn occurrences_between(&self, from: time::Date, start: OffsetDateTime, end: OffsetDateTime) -> Vec<Occurrence> {
        let overlaps = |o: &Occurrence| o.end > start && o.start < end;
        match self.span() {
            Ok(WindowSpan::Once(o)) => Some(o).filter(overlaps).into_iter().collect(),
            Ok(WindowSpan::Weekly(rule)) => {
                rule.occurrences(from).take_while(|o| o.start < end).filter(overlaps).collect()
            }
            Err(_) => Vec::new(),
        }
    }
}

/// Why a maintenance window cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WindowProblem {
    /// Neither form, both, or a one-off window with only one end.
    #[error("a window is either one-off (start and end, RFC 3339) or weekly (weekly: days, start, duration, tz)")]
    Form,
    /// A one-off window that ends before it starts.
    #[error("the window ends before it starts")]
    EndsBeforeStart,
    /// A weekly window's member does not parse.
    #[error(transparent)]
    Weekly(WindowError),
}

/// A checked window: one occurrence, or a weekly rule.
#[derive(Clone, Debug)]
pub enum WindowSpan {
    /// A one-off window.
    Once(Occurrence),
    /// A weekly window.
    Weekly(WeeklyRule),
}

/// A whole fleet: the `hcx-fleet/v1` document.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi(name = "FleetRecord"))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fleet {
    /// Always [`FLEET_SCHEMA`].
    pub schema: String,
    /// Sites and their managers.
    pub sites: Vec<Site>,
    /// Site pairs.
    #[serde(default)]
    pub pairs: Vec<SitePair>,
    /// Service meshes.
    #[serde(default)]
    pub meshes: Vec<ServiceMesh>,
    /// Network extensions.
    #[serde(default)]
    pub extensions: Vec<NetworkExtension>,
    /// Migrations.
    #[serde(default)]
    pub migrations: Vec<Migration>,
    /// Replications.
    #[serde(default)]
    pub replications: Vec<Replication>,
    /// Maintenance windows for planning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<MaintenanceWindow>,
}

/// One problem in a fleet document.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where: a JSON path such as `$.meshes[0].appliances[1].version`.
    pub path: String,
    /// What is wrong, in lowercase prose.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A fleet document that cannot be used, with every problem found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct FleetError {
    origin: Option<String>,
    problems: Vec<Problem>,
}

impl fmt::Display for FleetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        match &self.origin {
            Some(o) => write!(f, "invalid fleet {o}: ")?,
            None => write!(f, "invalid fleet: ")?,
        }
        write!(f, "{n} problem{}", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl FleetError {
    /// Every problem, in document order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The file the fleet came from, when it came from one.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// A fleet error with one problem, for a document refused before it could be read (by a binding whose
    /// own conversion failed, say).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::single(path, message)
    }

    fn single(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { origin: None, problems: vec![Problem { path: path.into(), message: message.into() }] }
    }

    fn with_origin(mut self, origin: &Path) -> Self {
        self.origin = Some(origin.display().to_string());
        self
    }
}

/// The raw document shape: enums and versions as text, so that every bad value is reported, not just the first.
mod raw {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Fleet {
        pub schema: String,
        pub sites: Vec<Site>,
        #[serde(default)]
        pub pairs: Vec<super::SitePair>,
        #[serde(default)]
        pub meshes: Vec<Mesh>,
        #[serde(default)]
        pub extensions: Vec<Extension>,
        #[serde(default)]
        pub migrations: Vec<Transfer>,
        #[serde(default)]
        pub replications: Vec<Transfer>,
        #[serde(default)]
        pub windows: Vec<super::MaintenanceWindow>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Site {
        pub id: String,
        pub role: String,
        pub platform: String,
        pub version: String,
        #[serde(default)]
        pub name: Option<String>,
        #[serde(default)]
        pub url: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Mesh {
        pub id: String,
        pub source: String,
        pub destination: String,
        #[serde(default)]
        pub services: Vec<String>,
        #[serde(default)]
        pub appliances: Vec<Appliance>,
        #[serde(default)]
        pub ha_groups_unknown: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Appliance {
        pub id: String,
        pub kind: String,
        pub version: String,
        #[serde(default)]
        pub ha_group: Option<String>,
        #[serde(default)]
        pub networks: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Extension {
        pub network: String,
        pub appliance: String,
        #[serde(default = "default_binding")]
        pub binding: String,
    }

    // An extension whose binding the fleet does not state is `unknown`: assuming `static` would hide the
    // ephemeral case in which NE upgrades fail.
    fn default_binding() -> String {
        "unknown".to_owned()
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Transfer {
        pub id: String,
        pub state: String,
        #[serde(default)]
        pub site: Option<String>,
    }
}

impl Default for Fleet {
    fn default() -> Self {
        Self::new()
    }
}

impl Fleet {
    /// An empty fleet.
    pub fn new() -> Self {
        Self {
            schema: FLEET_SCHEMA.to_owned(),
            sites: Vec::new(),
            pairs: Vec::new(),
            meshes: Vec::new(),
            extensions: Vec::new(),
            migrations: Vec::new(),
            replications: Vec::new(),
            windows: Vec::new(),
        }
    }

    /// Parses and validates a `hcx-fleet/v1` JSON document of at most
    /// [`DEFAULT_MAX_INPUT_BYTES`](crate::input::DEFAULT_MAX_INPUT_BYTES).
    ///
    /// # Errors
    /// A [`FleetError`] listing every problem with its JSON path: malformed JSON or an unknown field (the
    /// first such, since the structure cannot be read past it), or all bad values and references; or a
    /// document over the cap.
    pub fn from_json(text: &str) -> Result<Self, FleetError> {
        Self::from_json_capped(text, crate::input::DEFAULT_MAX_INPUT_BYTES)
    }

    /// [`Fleet::from_json`] with another size cap, in bytes.
    ///
    /// # Errors
    /// As [`Fleet::from_json`].
    pub fn from_json_capped(text: &str, max_bytes: u64) -> Result<Self, FleetError> {
        if u64::try_from(text.len()).unwrap_or(u64::MAX) > max_bytes {
            return Err(FleetError::single("$", crate::input::InputError::TooLarge { limit: max_bytes }.to_string()));
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        let raw: raw::Fleet = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = json_path(&clipped(&e.path().to_string()));
            FleetError::single(path, crate::quote::clipped_message(&e.inner().to_string()).into_owned())
        })?;
        Self::from_raw(raw)
    }

    /// Reads and validates a fleet file of at most
    /// [`DEFAULT_MAX_INPUT_BYTES`](crate::input::DEFAULT_MAX_INPUT_BYTES).
    ///
    /// # Errors
    /// [`FleetError`] naming the file when it cannot be read, is too large or is invalid.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, FleetError> {
        Self::load_capped(path, crate::input::DEFAULT_MAX_INPUT_BYTES)
    }

    /// [`Fleet::load`] with another size cap, in bytes.
    ///
    /// # Errors
    /// As [`Fleet::load`].
    pub fn load_capped(path: impl AsRef<Path>, max_bytes: u64) -> Result<Self, FleetError> {
        let path = path.as_ref();
        let text = crate::input::read_file_capped(path, max_bytes)
            .map_err(|e| FleetError::single("$", format!("cannot read the file: {e}")).with_origin(path))?;
        Self::from_json_capped(&text, max_bytes).map_err(|e| e.with_origin(path))
    }

    /// Reads and validates a fleet from a stream (standard input, say), reading at most `max_bytes`;
    /// `origin` names it in errors.
    ///
    /// # Errors
    /// As [`Fleet::load`].
    pub fn from_reader(reader: impl std::io::Read, max_bytes: u64, origin: &str) -> Result<Self, FleetError> {
        let text = crate::input::read_to_string_capped(reader, max_bytes).map_err(|e| FleetError {
            origin: Some(origin.to_owned()),
            problems: vec![Problem { path: "$".into(), message: e.to_string() }],
        })?;
        Self::from_json_capped(&text, max_bytes).map_err(|mut e| {
            e.origin = Some(origin.to_owned());
            e
        })
    }

    /// The fleet as pretty-printed JSON (stable field order).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("a fleet serialises: it holds strings, numbers and lists only, no map")
    }

    /// Checks references, roles and uniqueness of an in-memory fleet.
    ///
    /// # Errors
    /// [`FleetError`] with every problem found.
    pub fn validate(&self) -> Result<(), FleetError> {
        let mut c = check::Checker::new();
        check::check_refs(&mut c, &check::Skeleton::of(self));
        c.finish()
    }

    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }

    /// The appliance with this id, and its mesh.
    pub fn appliance(&self, id: &str) -> Option<(&ServiceMesh, &Appliance)> {
        self.meshes.iter().find_map(|m| m.appliances.iter().find(|a| a.id == id).map(|a| (m, a)))
    }

    /// The extensions carried by an appliance.
    pub fn extensions_on<'a>(&'a self, appliance: &'a str) -> impl Iterator<Item = &'a NetworkExtension> + 'a {
        self.extensions.iter().filter(move |e| e.appliance == appliance)
    }

    /// Checks the raw document (values, then references) and turns it into the typed fleet.
    fn from_raw(raw: raw::Fleet) -> Result<Self, FleetError> {
        let mut c = check::Checker::new();
        let parsed = check::parse_values(&mut c, &raw);
        check::check_refs(&mut c, &check::Skeleton::of_raw(&raw, &parsed));
        c.finish()?;
        Ok(Self::assemble(raw, parsed))
    }

    /// The typed fleet from a raw document whose values all parsed.
    fn assemble(raw: raw::Fleet, parsed: check::Parsed) -> Self {
        let sites = raw
            .sites
            .into_iter()
            .zip(parsed.sites)
            .filter_map(|(s, p)| match p {
                (Some(role), Some(platform), Some(version)) => {
                    Some(Site { id: s.id, role, platform, version, name: s.name, url: s.url })
                }
                _ => None,
            })
            .collect();
        let meshes = raw
            .meshes
            .into_iter()
            .zip(parsed.meshes)
            .map(|(m, (services, values))| ServiceMesh {
                id: m.id,
                source: m.source,
                destination: m.destination,
                services,
                appliances: m
                    .appliances
                    .into_iter()
                    .zip(values)
                    .filter_map(|(a, v)| match v {
                        (Some(kind), Some(version)) => {
                            Some(Appliance { id: a.id, kind, version, ha_group: a.ha_group, networks: a.networks })
                        }
                        _ => None,
                    })
                    .collect(),
                ha_groups_unknown: m.ha_groups_unknown,
            })
            .collect();
        let extensions = raw
            .extensions
            .into_iter()
            .zip(parsed.bindings)
            .filter_map(|(e, b)| {
                b.map(|binding| NetworkExtension { network: e.network, appliance: e.appliance, binding })
            })
            .collect();
        let transfers = |list: Vec<raw::Transfer>, states: Vec<Option<TransferState>>| {
            list.into_iter().zip(states).filter_map(|(t, s)| s.map(|state| (t.id, state, t.site))).collect::<Vec<_>>()
        };
        let migrations = transfers(raw.migrations, parsed.migrations)
            .into_iter()
            .map(|(id, state, site)| Migration { id, state, site })
            .collect();
        let replications = transfers(raw.replications, parsed.replications)
            .into_iter()
            .map(|(id, state, site)| Replication { id, state, site })
            .collect();
        Fleet {
            schema: raw.schema,
            sites,
            pairs: raw.pairs,
            meshes,
            extensions,
            migrations,
            replications,
            windows: raw.windows,
        }
    }
}

/// Turns serde_path_to_error's `sites[0].role` into `$.sites[0].role`.
fn json_path(p: &str) -> String {
    // serde_path_to_error prints `?` where a syntax error stopped it before any key.
    let p = p.trim_end_matches('?').trim_end_matches('.');
    if p.is_empty() { "$".to_owned() } else { format!("$.{p}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"schema": "hcx-fleet/v1",
     "sites": [
       {"id": "dc1", "role": "connector", "platform": "on-prem", "version": "4.8.2"},
       {"id": "avs-weu", "role": "cloud", "platform": "avs", "version": "4.9.1.0"}],
     "pairs": [{"source": "dc1", "destination": "avs-weu"}],
     "meshes": [{"id": "sm-1", "source": "dc1", "destination": "avs-weu",
       "services": ["interconnect", "network-extension", "wan-optimization"],
       "appliances": [
         {"id": "ix-1", "kind": "IX", "version": "4.8.2"},
         {"id": "ne-1", "kind": "NE", "version": "4.8.2", "ha_group": "ha-a"},
         {"id": "wo-1", "kind": "WO", "version": "4.8.2"}]}],
     "extensions": [{"network": "web-vlan10", "appliance": "ne-1", "binding": "static"}],
     "migrations": [{"id": "m-1", "state": "in_progress"}]}"#;

    fn problems(text: &str) -> Vec<(String, String)> {
        Fleet::from_json(text).unwrap_err().problems().iter().map(|p| (p.path.clone(), p.message.clone())).collect()
    }

    #[track_caller]
    fn has(list: &[(String, String)], path: &str, needle: &str) {
        assert!(
            list.iter().any(|(p, m)| p == path && m.contains(needle)),
            "no problem at {path} containing {needle:?} in {list:#?}"
        );
    }

    #[test]
    fn loads_the_sample_document() {
        let f = Fleet::from_json(SAMPLE).unwrap();
        assert_eq!(f.sites.len(), 2);
        assert_eq!(f.sites[1].version, "4.9.1".parse().unwrap());
        assert_eq!(f.sites[1].platform, Platform::Avs);
        assert_eq!(f.meshes[0].appliances[1].ha_group.as_deref(), Some("ha-a"));
        assert_eq!(f.meshes[0].services[2], MeshService::WanOptimization);
        assert_eq!(f.extensions[0].binding, PortBinding::Static);
        assert!(f.migrations[0].state.is_active());
        assert_eq!(f.appliance("ne-1").unwrap().0.id, "sm-1");
        assert_eq!(f.extensions_on("ne-1").count(), 1);
    }

    #[test]
    fn json_round_trip_is_lossless() {
        let f = Fleet::from_json(SAMPLE).unwrap();
        let again = Fleet::from_json(&f.to_json_pretty()).unwrap();
        assert_eq!(f, again);
        assert!(f.validate().is_ok());
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let doc = r#"{"schema": "hcx-fleet/v2",
          "sites": [
            {"id": "dc1", "role": "connector", "platform": "on-prem", "version": "4.8"},
            {"id": "dc1", "role": "manager", "platform": "moon", "version": "4.9.1"},
            {"id": "c2", "role": "connector", "platform": "on-prem", "version": "4.9.1"}],
          "pairs": [{"source": "dc1", "destination": "nowhere"},
                    {"source": "dc1", "destination": "c2"}],
          "meshes": [{"id": "sm", "source": "c2", "destination": "dc1", "services": ["teleport"],
             "appliances": [{"id": "ix", "kind": "XX", "version": "x"},
                            {"id": "ix", "kind": "IX", "version": "4.9.1", "ha_group": "g"}]}],
          "extensions": [{"network": "n1", "appliance": "ghost", "binding": "static"},
                         {"network": "n1", "appliance": "ix", "binding": "sticky"}],
          "migrations": [{"id": "m", "state": "running", "site": "mars"}]}"#;
        let p = problems(doc);
        has(&p, "$.schema", "unsupported schema \"hcx-fleet/v2\"");
        has(&p, "$.sites[0].version", "invalid hcx version \"4.8\"");
        has(&p, "$.sites[1].id", "duplicate site id \"dc1\" (first defined at $.sites[0].id)");
        has(&p, "$.sites[1].role", "unknown site role \"manager\" (expected one of: connector, cloud)");
        has(&p, "$.sites[1].platform", "unknown platform \"moon\"");
        has(&p, "$.pairs[0].destination", "unknown site \"nowhere\"");
        has(&p, "$.pairs[1].destination", "hcx connector, which can only be the source");
        has(&p, "$.meshes[0]", "not a site pair");
        has(&p, "$.meshes[0].services[0]", "unknown mesh service \"teleport\"");
        has(&p, "$.meshes[0].appliances[0].kind", "unknown appliance kind \"XX\"");
        has(&p, "$.meshes[0].appliances[0].version", "invalid hcx version \"x\"");
        has(&p, "$.meshes[0].appliances[1].id", "duplicate appliance id \"ix\"");
        has(&p, "$.meshes[0].appliances[1].ha_group", "only NE appliances");
        has(&p, "$.extensions[0].appliance", "unknown appliance \"ghost\"");
        has(&p, "$.extensions[1].network", "duplicate extended network id \"n1\"");
        has(&p, "$.extensions[1].appliance", "only NE appliances extend networks");
        has(&p, "$.extensions[1].binding", "unknown port binding \"sticky\"");
        has(&p, "$.migrations[0].state", "unknown transfer state \"running\"");
        has(&p, "$.migrations[0].site", "unknown site \"mars\"");
        assert_eq!(p.len(), 19, "{p:#?}");
    }

    #[test]
    fn structural_errors_name_the_path() {
        let p = problems(
            r#"{"schema":"hcx-fleet/v1","sites":[{"id":"a","role":"cloud","platform":"avs","version":"4.9.0","colour":"red"}]}"#,
        );
        assert_eq!(p.len(), 1);
        has(&p, "$.sites[0].colour", "unknown field `colour`");
        let p = problems(r#"{"schema":"hcx-fleet/v1","sites":[{"id":7}]}"#);
        has(&p, "$.sites[0].id", "invalid type");
        let p = problems("{not json");
        has(&p, "$", "key must be a string");
        let p = problems(r#"{"schema":"hcx-fleet/v1","sites":[]}"#);
        has(&p, "$.sites", "at least one site");
    }

    #[test]
    fn self_pairs_duplicates_and_windows_are_refused() {
        let doc = r#"{"schema":"hcx-fleet/v1",
          "sites":[{"id":"a","role":"cloud","platform":"avs","version":"4.11.3"},
                   {"id":"b","role":"cloud","platform":"avs","version":"4.11.3"}],
          "pairs":[{"source":"a","destination":"a"},{"source":"a","destination":"b"},{"source":"a","destination":"b"}],
          "windows":[{"start":"2026-12-01T22:00:00Z","end":"2026-12-01T20:00:00Z","site":"zz"}]}"#;
        let p = problems(doc);
        has(&p, "$.pairs[0]", "cannot be paired with itself");
        has(&p, "$.pairs[2]", "duplicate pair a -> b (first at $.pairs[1])");
        has(&p, "$.windows[0]", "ends before it starts");
        has(&p, "$.windows[0].site", "unknown site \"zz\"");
    }

    #[test]
    fn weekly_windows_are_checked_member_by_member() {
        let doc = |windows: &str| {
            format!(
                r#"{{"schema":"hcx-fleet/v1","sites":[{{"id":"a","role":"cloud","platform":"avs","version":"4.11.3"}}],
                   "windows":{windows}}}"#
            )
        };
        let p = problems(&doc(
            r#"[{"weekly":{"days":["sat","sat"],"start":"8pm","duration":"forever","tz":"Europe/Atlantis"}},
                {"start":"2026-12-01T20:00:00Z","end":"2026-12-01T22:00:00Z",
                 "weekly":{"days":["sat"],"start":"20:00","duration":"6h","tz":"UTC"}},
                {"site":"a"},
                {"weekly":{"days":["sat","sun"],"start":"20:00","duration":"30h","tz":"UTC"}}]"#,
        ));
        has(&p, "$.windows[0].weekly.days", "day \"sat\" is listed twice");
        has(&p, "$.windows[0].weekly.start", "invalid start time \"8pm\": expected HH:MM");
        has(&p, "$.windows[0].weekly.duration", "invalid duration \"forever\"");
        has(&p, "$.windows[0].weekly.tz", "unknown time zone \"Europe/Atlantis\"");
        has(&p, "$.windows[1]", "either one-off (start and end, RFC 3339) or weekly");
        has(&p, "$.windows[2]", "either one-off");
        has(&p, "$.windows[3].weekly.duration", "at most 24 h");
        assert_eq!(p.len(), 7, "{p:#?}");
        // A day that is not one is a structural error, with its path.
        let p = problems(&doc(r#"[{"weekly":{"days":["saturday"],"start":"20:00","duration":"6h","tz":"UTC"}}]"#));
        has(&p, "$.windows[0].weekly.days[0]", "unknown variant `saturday`, expected one of `mon`, `tue`");
        // A valid weekly window reads back as written.
        let text =
            doc(r#"[{"site":"a","weekly":{"days":["sat"],"start":"20:00","duration":"6h","tz":"Europe/Amsterdam"}}]"#);
        let f = Fleet::from_json(&text).unwrap();
        let again = Fleet::from_json(&f.to_json_pretty()).unwrap();
        assert_eq!(f, again);
        assert!(f.to_json_pretty().contains(r#""tz": "Europe/Amsterdam""#));
    }

    #[test]
    fn validate_checks_the_typed_fleet() {
        let mut f = Fleet::from_json(SAMPLE).unwrap();
        f.sites.push(f.sites[0].clone());
        f.pairs.push(SitePair { source: "dc1".into(), destination: "nowhere".into() });
        f.meshes[0].appliances[0].ha_group = Some("g".into());
        f.extensions[0].appliance = "ix-1".into();
        let p: Vec<(String, String)> =
            f.validate().unwrap_err().problems().iter().map(|p| (p.path.clone(), p.message.clone())).collect();
        has(&p, "$.sites[2].id", "duplicate site id \"dc1\" (first defined at $.sites[0].id)");
        has(&p, "$.pairs[1].destination", "unknown site \"nowhere\"");
        has(&p, "$.meshes[0].appliances[0].ha_group", "only NE appliances");
        has(&p, "$.extensions[0].appliance", "only NE appliances extend networks");
        assert_eq!(p.len(), 4, "{p:#?}");
        // Document order, whatever order the checks ran in.
        let paths: Vec<&str> = p.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "$.sites[2].id",
                "$.pairs[1].destination",
                "$.meshes[0].appliances[0].ha_group",
                "$.extensions[0].appliance"
            ]
        );
    }

    #[test]
    fn problems_are_reported_in_document_order() {
        let doc = r#"{"schema": "hcx-fleet/v0",
          "sites": [{"id": "a", "role": "cloud", "platform": "moon", "version": "4.9.1"},
                    {"id": "a", "role": "cloud", "platform": "avs", "version": "4.9.1"}],
          "meshes": [{"id": "m", "source": "a", "destination": "z", "services": ["x"],
             "appliances": [{"id": "w", "kind": "WO", "version": "v", "ha_group": "g"}]}],
          "windows": [{"start": "2026-12-01T22:00:00Z", "end": "2026-12-01T20:00:00Z", "site": "q"}]}"#;
        let p: Vec<String> = problems(doc).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            p,
            [
                "$.schema",
                "$.sites[0].platform",
                "$.sites[1].id",
                "$.meshes[0].destination",
                "$.meshes[0].services[0]",
                "$.meshes[0].appliances[0].version",
                "$.meshes[0].appliances[0].ha_group",
                "$.windows[0]",
                "$.windows[0].site",
            ]
        );
    }

    #[test]
    fn load_names_the_file() {
        let e = Fleet::load("/nonexistent/fleet.json").unwrap_err();
        assert!(e.to_string().starts_with("invalid fleet /nonexistent/fleet.json: 1 problem"), "{e}");
    }
}
