//! Scenario files: a fleet (`hcx-fleet/v1`) plus what the simulator needs on top of it
//! (credentials, latency, faults, timing).
//!
//! ```json
//! {
//!   "schema": "hcx-sim/v1",
//!   "fleet": { "schema": "hcx-fleet/v1", "sites": [ … ], … },
//!   "defaults": { "username": "administrator@vsphere.local", "password": "…", "latency_ms": 0 },
//!   "managers": { "<site id>": { "username": "…", "password": "…", "latency_ms": 20,
//!                                "faults": [ { "endpoint": "service_mesh", "kind": "status", "status": 503, "times": 2 } ] } },
//!   "timing": { "token_idle_secs": 900, "task_queued_secs": 5, "task_run_secs": 60,
//!               "job_run_secs": 30, "manager_upgrade_secs": 600, "tunnel_converge_secs": 20, "time_scale": 1.0 },
//!   "tunnels_down": [ "<appliance id>" ],
//!   "inferred_tunnels": false,
//!   "compat_migrations": [ { "id": "…", "state": "in_progress", "site": "<site id>" } ]
//! }
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use hcx_core::HcxVersion;
use hcx_core::fleet::{
    Appliance, ApplianceKind, Fleet, MeshService, Migration, NetworkExtension, Platform, PortBinding, ServiceMesh,
    Site, SitePair, SiteRole, TransferState,
};
use serde::{Deserialize, Serialize};

use crate::fault::FaultRule;

/// Schema tag of a scenario file.
pub const SCENARIO_SCHEMA: &str = "hcx-sim/v1";

/// Errors loading a scenario.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {path}: {source}")]
    Read {
        /// File path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The JSON did not match the scenario format.
    #[error("invalid scenario at `{path}`: {message}")]
    Json {
        /// JSON path of the problem.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The embedded fleet did not validate.
    #[error("invalid fleet in scenario: {0}")]
    Fleet(String),
    /// Something else was inconsistent.
    #[error("invalid scenario: {0}")]
    Invalid(String),
}

/// Credentials and behaviour of one simulated manager.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ManagerSpec {
    /// SSO user accepted by `POST /hybridity/api/sessions` (default: `defaults.username`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Password accepted for that user (default: `defaults.password`). Simulator only: plain text on purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Latency added to every request, in milliseconds (default: `defaults.latency_ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Faults injected on this manager.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultRule>,
}

/// Defaults for every manager.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Default SSO user.
    #[serde(default = "default_username")]
    pub username: String,
    /// Default password.
    #[serde(default = "default_password")]
    pub password: String,
    /// Default latency in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
}

fn default_username() -> String {
    "administrator@vsphere.local".to_owned()
}
fn default_password() -> String {
    "hcx-sim-password".to_owned()
}

impl Default for Defaults {
    fn default() -> Self {
        Self { username: default_username(), password: default_password(), latency_ms: 0 }
    }
}

/// Simulated durations (in simulated seconds; see [`crate::SimClock`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Timing {
    /// Session idle expiry (KB 408950: 15 minutes on port 443).
    pub token_idle_secs: u64,
    /// How long an interconnect task stays QUEUED.
    pub task_queued_secs: u64,
    /// How long an interconnect task stays RUNNING before SUCCESS/FAILED.
    pub task_run_secs: u64,
    /// How long a job runs before `isDone`.
    pub job_run_secs: u64,
    /// How long the manager-upgrade rehearsal keeps the manager down.
    pub manager_upgrade_secs: u64,
    /// How long an appliance pair's tunnel takes to come back up after its upgrade or redeploy task ends
    /// (INFERRED model; the reference says NE tunnels "re-converge in less than one minute").
    pub tunnel_converge_secs: u64,
    /// Wall-clock speed-up used by the binary's real clock (ignored by a manual clock).
    pub time_scale: f64,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            token_idle_secs: 15 * 60,
            task_queued_secs: 5,
            task_run_secs: 60,
            job_run_secs: 30,
            manager_upgrade_secs: 600,
            tunnel_converge_secs: 20,
            time_scale: 1.0,
        }
    }
}

/// A complete scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The fleet the simulator serves.
    pub fleet: Fleet,
    /// Defaults for all managers.
    pub defaults: Defaults,
    /// Per-site settings, keyed by site id.
    pub managers: BTreeMap<String, ManagerSpec>,
    /// Simulated durations.
    pub timing: Timing,
    /// Appliances (fleet ids) whose tunnel stays down whatever their upgrades do: a fault knob for the
    /// executor's verification (`Simulator::set_tunnel_down` is the run-time form).
    pub tunnels_down: Vec<String>,
    /// Serve `status.tunnels[]` on appliance objects (an INFERRED shape no public source shows; off by default).
    pub inferred_tunnels: bool,
    /// Migrations only the compat-2.1 migrations query answers with (which query style shows which migration is
    /// UNKNOWN; this lets a test put a migration where only one style sees it). Each names its `site`.
    pub compat_migrations: Vec<Migration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    schema: String,
    fleet: serde_json::Value,
    #[serde(default)]
    defaults: Defaults,
    #[serde(default)]
    managers: BTreeMap<String, ManagerSpec>,
    #[serde(default)]
    timing: Timing,
    #[serde(default)]
    tunnels_down: Vec<String>,
    #[serde(default)]
    inferred_tunnels: bool,
    #[serde(default)]
    compat_migrations: Vec<Migration>,
}

impl Scenario {
    /// Wraps a fleet with default settings.
    pub fn from_fleet(fleet: Fleet) -> Self {
        Self {
            fleet,
            defaults: Defaults::default(),
            managers: BTreeMap::new(),
            timing: Timing::default(),
            tunnels_down: Vec::new(),
            inferred_tunnels: false,
            compat_migrations: Vec::new(),
        }
    }

    /// Parses a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let raw: RawScenario = serde_path_to_error_like(de)?;
        if raw.schema != SCENARIO_SCHEMA {
            return Err(ScenarioError::Invalid(format!(
                "schema is \"{}\", expected \"{SCENARIO_SCHEMA}\"",
                raw.schema
            )));
        }
        let fleet = Fleet::from_json(&raw.fleet.to_string()).map_err(|e| ScenarioError::Fleet(e.to_string()))?;
        let scenario = Self {
            fleet,
            defaults: raw.defaults,
            managers: raw.managers,
            timing: raw.timing,
            tunnels_down: raw.tunnels_down,
            inferred_tunnels: raw.inferred_tunnels,
            compat_migrations: raw.compat_migrations,
        };
        for id in scenario.managers.keys() {
            if !scenario.fleet.sites.iter().any(|s| &s.id == id) {
                return Err(ScenarioError::Invalid(format!("managers.{id}: no such site in the fleet")));
            }
        }
        for id in &scenario.tunnels_down {
            if !scenario.fleet.meshes.iter().flat_map(|m| &m.appliances).any(|a| &a.id == id) {
                return Err(ScenarioError::Invalid(format!("tunnels_down: no appliance {id} in the fleet")));
            }
        }
        for m in &scenario.compat_migrations {
            let known = m.site.as_ref().is_some_and(|site| scenario.fleet.sites.iter().any(|s| &s.id == site));
            if !known {
                return Err(ScenarioError::Invalid(format!(
                    "compat_migrations: migration {} must name a site of the fleet",
                    m.id
                )));
            }
        }
        Ok(scenario)
    }

    /// Reads a scenario file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ScenarioError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ScenarioError::Read { path: path.display().to_string(), source })?;
        Self::from_json(&text)
    }

    /// Serialises the scenario back to JSON.
    pub fn to_json_pretty(&self) -> String {
        // The fleet's own writer is the authority on its format; it always writes valid JSON.
        let fleet: serde_json::Value =
            serde_json::from_str(&self.fleet.to_json_pretty()).expect("Fleet::to_json_pretty writes valid JSON");
        let mut v = serde_json::json!({
            "schema": SCENARIO_SCHEMA,
            "fleet": fleet,
            "defaults": self.defaults,
            "managers": self.managers,
            "timing": self.timing,
        });
        if !self.tunnels_down.is_empty() {
            v["tunnels_down"] = serde_json::json!(self.tunnels_down);
        }
        if self.inferred_tunnels {
            v["inferred_tunnels"] = serde_json::json!(true);
        }
        if !self.compat_migrations.is_empty() {
            v["compat_migrations"] = serde_json::json!(self.compat_migrations);
        }
        serde_json::to_string_pretty(&v).expect("a JSON value with string keys always serialises")
    }

    /// Credentials of a site (username, password).
    pub fn credentials(&self, site: &str) -> (String, String) {
        let spec = self.managers.get(site);
        (
            spec.and_then(|m| m.username.clone()).unwrap_or_else(|| self.defaults.username.clone()),
            spec.and_then(|m| m.password.clone()).unwrap_or_else(|| self.defaults.password.clone()),
        )
    }

    /// Generates a large fleet: `pairs` on-prem Connectors, each paired with its own AVS Cloud, one service
    /// mesh per pair (IX + NE), one extension per mesh. `2 * pairs` managers in total.
    pub fn generate(pairs: usize) -> Self {
        let mut fleet = Fleet::new();
        let cloud_v = HcxVersion::new(4, 10, 3);
        let conn_v = HcxVersion::new(4, 10, 2);
        for i in 0..pairs {
            let c = format!("conn-{i:04}");
            let d = format!("avs-{i:04}");
            fleet.sites.push(site(&c, SiteRole::Connector, Platform::OnPrem, conn_v.clone()));
            fleet.sites.push(site(&d, SiteRole::Cloud, Platform::Avs, cloud_v.clone()));
            fleet.pairs.push(SitePair { source: c.clone(), destination: d.clone() });
            let mesh = format!("servicemesh-gen-{i:04}");
            let ix = format!("{mesh}-ix");
            let ne = format!("{mesh}-ne");
            fleet.meshes.push(ServiceMesh {
                id: mesh,
                source: c.clone(),
                destination: d,
                services: vec![MeshService::Interconnect, MeshService::NetworkExtension],
                appliances: vec![
                    appliance(&ix, ApplianceKind::Ix, &conn_v),
                    appliance(&ne, ApplianceKind::Ne, &conn_v),
                ],
                ha_groups_unknown: false,
            });
            fleet.extensions.push(NetworkExtension {
                network: format!("vlan-{i}"),
                appliance: ne,
                binding: PortBinding::Static,
            });
            if i % 10 == 0 {
                fleet.migrations.push(Migration {
                    id: format!("migration-gen-{i:04}"),
                    state: TransferState::InProgress,
                    site: Some(c),
                });
            }
        }
        Self::from_fleet(fleet)
    }
}

fn site(id: &str, role: SiteRole, platform: Platform, version: HcxVersion) -> Site {
    Site { id: id.to_owned(), role, platform, version, name: None, url: None }
}

fn appliance(id: &str, kind: ApplianceKind, version: &HcxVersion) -> Appliance {
    Appliance { id: id.to_owned(), kind, version: version.clone(), ha_group: None, networks: Vec::new() }
}

/// Deserialises and reports the JSON path of the first mismatch.
fn serde_path_to_error_like(
    de: &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>,
) -> Result<RawScenario, ScenarioError> {
    serde_path_to_error::deserialize(de)
        .map_err(|e| ScenarioError::Json { path: e.path().to_string(), message: e.inner().to_string() })
}
