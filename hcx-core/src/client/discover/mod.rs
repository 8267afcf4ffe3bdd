//! Discovery: build the `hcx-fleet/v1` inventory from live HCX Managers.
//!
//! [`discover`] reads one manager; [`discover_fleet`] reads many concurrently (bounded), merges what the two
//! ends of a pair report (one pair, one mesh, appliances named by their initiator-side ids), and keeps the
//! sites that answered when others fail.
//!
//! What the HCX API does not tell, and how discovery fills it:
//! * **Port binding** of an extended network is a vCenter port-group property, absent from `l2Extensions`:
//!   discovery records `static` and adds a warning naming the extensions to check.
//! * **Replications** come only as counters (`replications?action=query` summary): each counted replication
//!   becomes one synthetic entry `<site>/<counter>-<direction>-<n>` (active/syncing/recovering → in progress,
//!   configuring → queued).
//! * **NE HA groups** come from `GET interconnect/appliances/ha/groups?serviceMeshId=` per mesh: an NE
//!   appliance listed in a group (as `applianceId` or `peerApplianceId`) gets the group's `name` (else its
//!   `groupId`) as `ha_group`. When that read fails, the mesh's HA membership is unknown: a warning, and the
//!   fleet marks the mesh `ha_groups_unknown` (the planner then plans no In-Service NE upgrade on it).
//! * **System meshes** (the 9.x self-site mesh: `isLocalMesh`, `backingApplianceType: NOT_APPLICABLE` or an
//!   id `default-service-mesh-…`) are left out on purpose.
//! * **Migrations** are asked in both query styles (`{}` and the compat-2.1 mobility-group body) and united by
//!   id; the compat query failing alone is a warning.
//! * **Odd list items** (one that does not decode) are left out with a [`DiscoveryWarning`] naming the
//!   site, the endpoint and the item; the rest of the site is read.
//! * **Appliance networks** are not read (`networks` empty).

mod endpoints;
mod fleet;
mod ha;
mod merge;
mod site;
mod warning;

pub use endpoints::{ENDPOINTS_SCHEMA, EndpointsError, EndpointsFile, SiteEndpoint, password_env_var};
pub use fleet::{
    DEFAULT_CONCURRENCY, DiscoveryEvent, DiscoveryOptions, EventSink, FleetDiscovery, SiteFailure, Target,
    discover_fleet,
};
pub use merge::{merge, origin};
pub use site::discover;
pub use warning::DiscoveryWarning;

use crate::fleet::{Appliance, MeshService, Migration, NetworkExtension, Replication, Site};
use crate::version::HcxVersion;

/// A remote manager as a site's `cloudConfigs` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemoteManager {
    /// `endpointId`.
    pub endpoint_id: Option<String>,
    /// `cloudName`.
    pub name: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// `version` (+ `buildNumber`).
    pub version: Option<HcxVersion>,
}

/// Which end of a mesh the reporting site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MeshSide {
    /// The initiator (source).
    Source,
    /// The peer (destination).
    Destination,
}

/// An appliance as one site reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiscoveredAppliance {
    /// The fleet view (id as this site names it).
    pub appliance: Appliance,
    /// The peer's id (at the other end), when reported.
    pub peer_id: Option<String>,
}

/// A mesh as one site reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiscoveredMesh {
    /// `serviceMeshId`.
    pub id: String,
    /// Endpoint id of the initiator end.
    pub source_endpoint: Option<String>,
    /// Endpoint id of the other end.
    pub destination_endpoint: Option<String>,
    /// Which end the reporting site is, when known.
    pub local_side: Option<MeshSide>,
    /// Services.
    pub services: Vec<MeshService>,
    /// This site's appliances of the mesh.
    pub appliances: Vec<DiscoveredAppliance>,
    /// `updateAvailable`.
    pub update_available: Option<bool>,
    /// Whether this site's NE HA groups of the mesh could not be read (membership unknown).
    pub ha_groups_unknown: bool,
}

/// What one manager reported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SiteDiscovery {
    /// The site, with the version the manager reports.
    pub site: Site,
    /// The manager's own endpoint id, when reported.
    pub endpoint_id: Option<String>,
    /// Paired remote managers (`cloudConfigs`).
    pub remotes: Vec<RemoteManager>,
    /// Meshes this manager takes part in.
    pub meshes: Vec<DiscoveredMesh>,
    /// Extensions (appliance ids as this site names them).
    pub extensions: Vec<NetworkExtension>,
    /// Migrations known to this manager.
    pub migrations: Vec<Migration>,
    /// Synthetic replication entries from the summary counters.
    pub replications: Vec<Replication>,
    /// Things discovery had to guess, skip or leave unknown.
    pub warnings: Vec<DiscoveryWarning>,
}
