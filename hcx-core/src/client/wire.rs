//! Wire shapes of the HCX Manager hybridity API, as recorded in the project's API reference.
//!
//! Every field the reference does not mark as always present is an `Option` or defaults, and unknown fields
//! are ignored, so a newer manager adding fields does not break decoding. Number-or-string fields (build
//! numbers, revisions) accept both.

use serde::Deserialize;
use serde::de::Deserializer;
use serde_json::Value;

use crate::version::{HcxVersion, VersionError};

/// A value the API sends as a string on some versions and a number on others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Text(s)),
            Value::Number(n) => Ok(Text(n.to_string())),
            other => Err(serde::de::Error::custom(format!("expected a string or a number, found {}", kind(&other)))),
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Text {
    /// As a build number: an integer, or a string of digits (at most 20). Empty means none; `0` too (the
    /// appliance API's "no build"). A float (`24447633.0`), a sign or letters are refused: they would give a
    /// version that does not parse back.
    ///
    /// # Errors
    /// A short description of what was wrong (the value is quoted, cut to 32 characters).
    pub fn as_build(&self) -> Result<Option<&str>, String> {
        let b = self.0.trim();
        if b.is_empty() || b == "0" {
            return Ok(None);
        }
        if b.len() <= 20 && b.bytes().all(|c| c.is_ascii_digit()) {
            Ok(Some(b))
        } else {
            Err(format!("{} is not an integer", crate::quote::quoted(b)))
        }
    }
}

/// The "hybridity envelope" (`success`, `completed`, `time`, `version`, `data`, `errors`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Envelope<T> {
    /// `success`.
    pub success: Option<bool>,
    /// `completed`.
    pub completed: Option<bool>,
    /// `data`.
    pub data: Option<T>,
    /// `errors` (shape varies by endpoint).
    #[serde(default)]
    pub errors: Vec<Value>,
}

/// A bare `{"items": […]}` list.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Items<T> {
    /// `items`.
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

/// Either one object or an array of them (`localEndpoints` is not known to be either).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum OneOrMany<T> {
    /// An array.
    Many(Vec<T>),
    /// A single object.
    One(T),
}

impl<T> OneOrMany<T> {
    /// The first element.
    pub fn first(&self) -> Option<&T> {
        match self {
            Self::Many(v) => v.first(),
            Self::One(t) => Some(t),
        }
    }
}

/// `data` of `GET /hybridity/api/metainfo/context/support`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SupportData {
    /// `localEndpoints` (array or object; INFERRED array).
    pub local_endpoints: OneOrMany<LocalEndpoint>,
}

/// One `localEndpoints` entry.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct LocalEndpoint {
    /// `endpoint`.
    pub endpoint: EndpointInfo,
}

/// `localEndpoints[].endpoint`: `version` is confirmed; the rest is INFERRED and optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EndpointInfo {
    /// Manager version, e.g. `4.10.2`.
    pub version: Text,
    /// Build number, if sent.
    pub build_number: Option<Text>,
    /// Endpoint id, if sent.
    pub endpoint_id: Option<String>,
    /// Display name, if sent.
    pub name: Option<String>,
}

/// One `cloudConfigs` item: a paired remote manager.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CloudConfig {
    /// `endpointId`.
    pub endpoint_id: Option<String>,
    /// `cloudName`.
    pub cloud_name: Option<String>,
    /// `cloudType` (values UNKNOWN).
    pub cloud_type: Option<String>,
    /// `url` of the remote manager.
    pub url: Option<String>,
    /// `username` used for the pairing.
    pub username: Option<String>,
    /// Remote manager version.
    pub version: Option<Text>,
    /// Remote manager build.
    pub build_number: Option<Text>,
}

/// `{"name": …}` items of a mesh's `services`.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct NamedService {
    /// Service name, e.g. `NETWORK_EXTENSION`.
    pub name: String,
}

/// A mesh's `computeProfiles[]` entry (one per end).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MeshComputeProfile {
    /// Endpoint id of that end.
    pub endpoint_id: Option<String>,
    /// Endpoint name.
    pub endpoint_name: Option<String>,
    /// Compute profile id.
    pub compute_profile_id: Option<String>,
    /// Compute profile name.
    pub compute_profile_name: Option<String>,
    /// Whether this end created the mesh (field notes).
    pub is_initiator: Option<bool>,
}

/// A mesh's `lastTaskDetails`. Known to go stale (RUNNING after the task FAILED): poll the task instead.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LastTaskDetails {
    /// Task id.
    pub interconnect_task_id: Option<String>,
    /// Task type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Status as shown on the mesh.
    pub status: Option<String>,
}

/// One `interconnect/serviceMesh` item.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceMesh {
    /// `serviceMeshId`.
    pub service_mesh_id: String,
    /// `name`.
    pub name: Option<String>,
    /// `isLocalMesh` (the 9.x self-site mesh).
    pub is_local_mesh: Option<bool>,
    /// `updateAvailable`.
    pub update_available: Option<bool>,
    /// `services`.
    #[serde(default)]
    pub services: Vec<NamedService>,
    /// `computeProfiles`.
    #[serde(default)]
    pub compute_profiles: Vec<MeshComputeProfile>,
    /// `state` (e.g. `COMMITTED`, `UPDATE_FAILED`).
    pub state: Option<String>,
    /// `lastTaskDetails`.
    pub last_task_details: Option<LastTaskDetails>,
    /// `backingApplianceType` (`PHOTON`, `EDGE`, `NOT_APPLICABLE`).
    pub backing_appliance_type: Option<String>,
}

/// `applianceVersion {major, minor, patch, revision, build}`.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ApplianceVersion {
    /// Major.
    pub major: Text,
    /// Minor.
    pub minor: Text,
    /// Patch.
    pub patch: Text,
    /// Revision (a string in the doc).
    pub revision: Option<Text>,
    /// Build (int64 in the doc); `0` is read as "no build".
    pub build: Option<Text>,
}

impl ApplianceVersion {
    /// As an [`HcxVersion`].
    ///
    /// # Errors
    /// When a part is not a number.
    pub fn to_version(&self) -> Result<HcxVersion, VersionError> {
        let rev = self.revision.as_ref().map_or("0", |t| t.0.as_str());
        let v: HcxVersion = format!("{}.{}.{}.{}", self.major.0, self.minor.0, self.patch.0, rev).parse()?;
        Ok(match self.build.as_ref().map(Text::as_build) {
            Some(Ok(Some(b))) => v.with_build(b),
            // A malformed build is metadata only: the release is known without it.
            _ => v,
        })
    }
}

/// A `peerAppliances[]` entry (the appliance at the other end).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PeerAppliance {
    /// Peer appliance id.
    pub appliance_id: Option<String>,
    /// Peer endpoint id.
    pub endpoint_id: Option<String>,
}

/// One `interconnect/appliances` item.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Appliance {
    /// `applianceId`.
    pub appliance_id: String,
    /// `applianceType` (`HCX-WAN-IX`, `HCX-WAN-IX-EDGE`, `HCX-NET-EXT`; others UNKNOWN).
    pub appliance_type: Option<String>,
    /// `applianceName`.
    pub appliance_name: Option<String>,
    /// `serviceMeshId`.
    pub service_mesh_id: Option<String>,
    /// `endpointId`.
    pub endpoint_id: Option<String>,
    /// `isInitiator`.
    pub is_initiator: Option<bool>,
    /// `peerAppliances`.
    #[serde(default)]
    pub peer_appliances: Vec<PeerAppliance>,
    /// `applianceVersion`.
    pub appliance_version: Option<ApplianceVersion>,
    /// `status` (`summary.overallStatus`, values UNKNOWN).
    pub status: Option<Value>,
    /// `networkExtensionCount`.
    pub network_extension_count: Option<u32>,
}

/// Source network of an extension.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NetworkRef {
    /// `networkId`.
    pub network_id: Option<String>,
    /// `networkName`.
    pub network_name: Option<String>,
    /// `networkType`.
    pub network_type: Option<String>,
}

/// One `l2Extensions` item.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct L2Extension {
    /// `stretchId`.
    pub stretch_id: Option<String>,
    /// `applianceId` (the NE carrying it).
    pub appliance_id: Option<String>,
    /// `networkName`.
    pub network_name: Option<String>,
    /// `networkId`.
    pub network_id: Option<String>,
    /// `sourceNetwork`.
    pub source_network: Option<NetworkRef>,
    /// `operationStatus` (shape partly known).
    pub operation_status: Option<Value>,
}

impl L2Extension {
    /// Network name from `networkName` or `sourceNetwork.networkName`.
    pub fn network(&self) -> Option<&str> {
        self.network_name.as_deref().or_else(|| self.source_network.as_ref().and_then(|n| n.network_name.as_deref()))
    }
}

/// `jobInfo` of a migration (shape A).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct JobInfo {
    /// `state`, e.g. `MIGRATING`, `MIGRATED`.
    pub state: Option<String>,
}

/// One migration from `migrations?action=query` (shape A or B).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MigrationItem {
    /// `migrationId`.
    pub migration_id: Option<String>,
    /// Shape A: `jobInfo`.
    pub job_info: Option<JobInfo>,
    /// Shape B: `state`.
    pub state: Option<String>,
}

impl MigrationItem {
    /// The state, whichever shape carried it.
    pub fn state(&self) -> Option<&str> {
        self.job_info.as_ref().and_then(|j| j.state.as_deref()).or(self.state.as_deref())
    }
}

/// `data` of the `compat 2.1` migrations response.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct MigrationData {
    /// `items`.
    #[serde(default)]
    pub items: Vec<MigrationItem>,
}

/// The migrations query response: `rows[]`, `items[]` or `data.items[]` depending on request and version.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct MigrationQuery {
    /// Unfiltered form.
    pub rows: Option<Vec<MigrationItem>>,
    /// Filtered form.
    pub items: Option<Vec<MigrationItem>>,
    /// Mobility-group form.
    pub data: Option<MigrationData>,
}

impl MigrationQuery {
    /// Every migration, whichever root carried them.
    pub fn into_items(self) -> Vec<MigrationItem> {
        let mut out = self.rows.unwrap_or_default();
        out.extend(self.items.unwrap_or_default());
        out.extend(self.data.map(|d| d.items).unwrap_or_default());
        out
    }
}

/// `{"outgoing": N, "incoming": N}` (may be `{}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Counter {
    /// Outgoing.
    #[serde(default)]
    pub outgoing: u64,
    /// Incoming.
    #[serde(default)]
    pub incoming: u64,
}

/// `replications?action=query {"type":"summary"}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReplicationSummary {
    /// `activeReplicationCnt`.
    #[serde(default)]
    pub active_replication_cnt: Counter,
    /// `configuringReplicationCnt`.
    #[serde(default)]
    pub configuring_replication_cnt: Counter,
    /// `recoveringReplicationCnt`.
    #[serde(default)]
    pub recovering_replication_cnt: Counter,
    /// `syncingReplicationCnt`.
    #[serde(default)]
    pub syncing_replication_cnt: Counter,
}

/// `{"code", "message"}` in an action envelope.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ApiMessage {
    /// `code`.
    pub code: Option<String>,
    /// `message`.
    pub message: Option<String>,
}

/// `data` of an interconnect action envelope.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ActionData {
    /// `interconnectTaskId`.
    pub interconnect_task_id: Option<String>,
    /// `applianceId`.
    pub appliance_id: Option<String>,
    /// `serviceMeshId`.
    pub service_mesh_id: Option<String>,
}

/// Interconnect action envelope (appliance upgrade/redeploy, mesh ops).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ActionResponse {
    /// `data`.
    pub data: Option<ActionData>,
    /// `warnings`.
    #[serde(default)]
    pub warnings: Vec<ApiMessage>,
    /// `errors`.
    #[serde(default)]
    pub errors: Vec<ApiMessage>,
}

/// Interconnect task status.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskStatus {
    /// `QUEUED`.
    Queued,
    /// `RUNNING`.
    Running,
    /// `SUCCESS`.
    Success,
    /// `FAILED`.
    Failed,
    /// Anything else.
    Other(String),
}

impl TaskStatus {
    /// Whether the task has ended.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Success | Self::Failed)
    }
}

/// `GET /hybridity/api/interconnect/tasks/{id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InterconnectTask {
    /// `interconnectTaskId`.
    pub interconnect_task_id: Option<String>,
    /// `type`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `status`.
    pub status: String,
    /// `progress`.
    pub progress: Option<f64>,
    /// `message`.
    pub message: Option<String>,
    /// `errorMessage`.
    pub error_message: Option<String>,
}

impl InterconnectTask {
    /// Parsed status.
    pub fn status(&self) -> TaskStatus {
        match self.status.as_str() {
            "QUEUED" => TaskStatus::Queued,
            "RUNNING" => TaskStatus::Running,
            "SUCCESS" => TaskStatus::Success,
            "FAILED" => TaskStatus::Failed,
            other => TaskStatus::Other(other.to_owned()),
        }
    }
}

/// `GET /hybridity/api/jobs/{id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Job {
    /// `jobId`.
    pub job_id: Option<String>,
    /// `isQueued`.
    #[serde(default)]
    pub is_queued: bool,
    /// `isCancelled`.
    #[serde(default)]
    pub is_cancelled: bool,
    /// `percentComplete`.
    pub percent_complete: Option<f64>,
    /// `isDone`: terminal when true.
    #[serde(default)]
    pub is_done: bool,
    /// `didFail`.
    #[serde(default)]
    pub did_fail: bool,
    /// `jobData`.
    pub job_data: Option<Value>,
}

/// `{"id": "<jobId>"}` returned by `l2Extensions` POST/DELETE.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct JobRef {
    /// Job id.
    pub id: String,
}
