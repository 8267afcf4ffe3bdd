//! Wire shapes of the HCX Manager hybridity API, as recorded in the project's API reference.
//!
//! Every field the reference does not mark as always present is an `Option` or defaults, and unknown fields
//! are ignored, so a newer manager adding fields does not break decoding. Number-or-string fields (build
//! numbers, revisions) accept both. Every list accepts `null` for empty ([`null_as_empty`]), and list
//! endpoints can be read item by item ([`Lenient`]), so one odd item does not fail the whole answer.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};
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

/// A list that may come as `null`: empty. With `#[serde(default)]` an absent list is empty too.
///
/// # Errors
/// When the value is neither `null` nor a list of `T`.
pub fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// How a list item is named when it cannot be decoded, and which of its parts may be left out to read it.
pub trait ItemKey {
    /// The JSON key of the item's id (`applianceId`, `serviceMeshId`, …).
    const KEY: &'static str;
    /// Optional top-level keys that may be left out when the item decodes only without them (the caller then
    /// falls back as for an absent key, with a warning).
    const SALVAGE: &'static [&'static str] = &[];
}

/// A list item that did not decode (or decoded only without a part): its id when readable, where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BadItem {
    /// The item's id ([`ItemKey::KEY`]), when it is a string or a number.
    pub id: Option<String>,
    /// JSON path of the mismatch inside the item (`.` for the item itself).
    pub path: String,
    /// The decoder's message.
    pub message: String,
}

/// One list item decoded on its own: an item that does not fit is kept as a [`BadItem`] and the rest of the
/// list is still read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Lenient<T> {
    /// The item decoded.
    Item(T),
    /// The item decoded only once the part the [`BadItem`] names ([`ItemKey::SALVAGE`]) was left out.
    Partial(T, BadItem),
    /// The item did not decode.
    Bad(BadItem),
}

impl<'de, T: DeserializeOwned + ItemKey> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut v = Value::deserialize(d)?;
        let e = match serde_path_to_error::deserialize::<_, T>(&v) {
            Ok(t) => return Ok(Lenient::Item(t)),
            Err(e) => e,
        };
        let id = match v.get(T::KEY) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let bad = BadItem { id, path: e.path().to_string(), message: e.inner().to_string() };
        let first = match e.path().iter().next() {
            Some(serde_path_to_error::Segment::Map { key }) => Some(key.clone()),
            _ => None,
        };
        if let (Some(key), Some(obj)) = (first, v.as_object_mut()) {
            if T::SALVAGE.contains(&key.as_str()) && obj.remove(&key).is_some() {
                if let Ok(t) = T::deserialize(&v) {
                    return Ok(Lenient::Partial(t, bad));
                }
            }
        }
        Ok(Lenient::Bad(bad))
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
        if b.len() <= 20 && b.chars().all(|c| c.is_ascii_digit()) {
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
    #[serde(default, deserialize_with = "null_as_empty")]
    pub errors: Vec<Value>,
}

/// A bare `{"items": […]}` list.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Items<T> {
    /// `items`.
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
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

impl ItemKey for CloudConfig {
    const KEY: &'static str = "endpointId";
    const SALVAGE: &'static [&'static str] = &["cloudType", "username", "buildNumber"];
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
    #[serde(default, deserialize_with = "null_as_empty")]
    pub services: Vec<NamedService>,
    /// `computeProfiles`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub compute_profiles: Vec<MeshComputeProfile>,
    /// `state` (e.g. `COMMITTED`, `UPDATE_FAILED`).
    pub state: Option<String>,
    /// `lastTaskDetails`.
    pub last_task_details: Option<LastTaskDetails>,
    /// `backingApplianceType` (`PHOTON`, `EDGE`, `NOT_APPLICABLE`).
    pub backing_appliance_type: Option<String>,
    /// `status` (`timestamp`, `services[{serviceName, status, reason[]}]`; values UNKNOWN).
    pub status: Option<Value>,
}

impl ItemKey for ServiceMesh {
    const KEY: &'static str = "serviceMeshId";
    // Not needed for the inventory (the task fields go stale anyway; poll the task).
    const SALVAGE: &'static [&'static str] = &["lastTaskDetails", "state", "updateAvailable"];
}

/// Prefix of the id of the system mesh HCX 9.x creates for itself (field notes: `default-service-mesh-<8 hex>`).
pub const SYSTEM_MESH_PREFIX: &str = "default-service-mesh-";

impl ServiceMesh {
    /// Whether this is a system mesh (the 9.x self-site mesh), which is not part of the inventory: any of
    /// `isLocalMesh: true`, `backingApplianceType: "NOT_APPLICABLE"`, or an id or name starting with
    /// [`SYSTEM_MESH_PREFIX`].
    pub fn is_system(&self) -> bool {
        self.is_local_mesh == Some(true)
            || self.backing_appliance_type.as_deref() == Some("NOT_APPLICABLE")
            || self.service_mesh_id.starts_with(SYSTEM_MESH_PREFIX)
            || self.name.as_deref().is_some_and(|n| n.starts_with(SYSTEM_MESH_PREFIX))
    }
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
    /// `computeProfileId`.
    pub compute_profile_id: Option<String>,
    /// `peerAppliances`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub peer_appliances: Vec<PeerAppliance>,
    /// `applianceVersion`.
    pub appliance_version: Option<ApplianceVersion>,
    /// `status` (`summary.overallStatus`, values UNKNOWN).
    pub status: Option<Value>,
    /// `networkExtensionCount`.
    pub network_extension_count: Option<u32>,
}

impl ItemKey for Appliance {
    const KEY: &'static str = "applianceId";
    // Without a readable version, discovery uses the manager's, with a warning; the others are not needed for
    // the inventory.
    const SALVAGE: &'static [&'static str] =
        &["applianceVersion", "applianceName", "computeProfileId", "networkExtensionCount"];
}

/// One `groupMembers[]` entry of an NE HA group (`haGroup`; `role` values UNKNOWN).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HaGroupMember {
    /// `applianceId` (as the answering site names it).
    pub appliance_id: Option<String>,
    /// `applianceName`.
    pub appliance_name: Option<String>,
    /// `peerApplianceId` (the appliance at the other end).
    pub peer_appliance_id: Option<String>,
    /// `peerApplianceName`.
    pub peer_appliance_name: Option<String>,
    /// `role` (values UNKNOWN).
    pub role: Option<String>,
}

/// One item of `GET /hybridity/api/interconnect/appliances/ha/groups` (`listHAGroupResponse` / `haGroup`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HaGroup {
    /// `groupId`.
    pub group_id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `serviceMeshId`.
    pub service_mesh_id: Option<String>,
    /// `groupType` (values UNKNOWN).
    pub group_type: Option<String>,
    /// `groupMembers`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub group_members: Vec<HaGroupMember>,
    /// `status` (`groupState`; values UNKNOWN).
    pub status: Option<Value>,
}

impl ItemKey for HaGroup {
    const KEY: &'static str = "groupId";
    const SALVAGE: &'static [&'static str] = &["groupType"];
}

impl HaGroup {
    /// The group's label: `name`, else `groupId`.
    pub fn label(&self) -> Option<&str> {
        self.name.as_deref().filter(|n| !n.is_empty()).or(self.group_id.as_deref())
    }

    /// Whether an appliance is a member, by `applianceId` or `peerApplianceId`.
    pub fn has_member(&self, appliance_id: &str) -> bool {
        self.group_members.iter().any(|m| {
            m.appliance_id.as_deref() == Some(appliance_id) || m.peer_appliance_id.as_deref() == Some(appliance_id)
        })
    }
}

/// `data.endpointInfo` of the login answer (SMIT reads `uuid` as the local endpoint id).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct LoginEndpointInfo {
    /// `uuid`: the manager's endpoint id.
    pub uuid: Option<String>,
}

/// `data` of the login answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LoginData {
    /// `endpointInfo`.
    pub endpoint_info: Option<LoginEndpointInfo>,
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

impl ItemKey for L2Extension {
    const KEY: &'static str = "stretchId";
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

impl ItemKey for MigrationItem {
    const KEY: &'static str = "migrationId";
    // Without a readable state a migration counts as running: the safe side for a planner.
    const SALVAGE: &'static [&'static str] = &["jobInfo", "state"];
}

impl MigrationItem {
    /// The state, whichever shape carried it.
    pub fn state(&self) -> Option<&str> {
        self.job_info.as_ref().and_then(|j| j.state.as_deref()).or(self.state.as_deref())
    }
}

/// `data` of the `compat 2.1` migrations response.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct MigrationData<T = MigrationItem> {
    /// `items`.
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub items: Vec<T>,
}

/// The migrations query response: `rows[]`, `items[]` or `data.items[]` depending on request and version
/// (`T` is [`MigrationItem`], or [`Lenient`] of it to read item by item).
#[derive(Debug, Clone, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct MigrationQuery<T = MigrationItem> {
    /// Unfiltered form (`null` is none).
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub rows: Vec<T>,
    /// Filtered form (`null` is none).
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub items: Vec<T>,
    /// Mobility-group form.
    pub data: Option<MigrationData<T>>,
}

impl<T> MigrationQuery<T> {
    /// Every migration, whichever root carried them.
    pub fn into_items(self) -> Vec<T> {
        let mut out = self.rows;
        out.extend(self.items);
        if let Some(d) = self.data {
            out.extend(d.items);
        }
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
    #[serde(default, deserialize_with = "null_as_empty")]
    pub warnings: Vec<ApiMessage>,
    /// `errors`.
    #[serde(default, deserialize_with = "null_as_empty")]
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
