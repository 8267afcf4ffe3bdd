//! Reading one manager: the eight calls, then each answer mapped to its part of the inventory.

use crate::client::{ClientError, HcxClient, LocalVersion, wire};
use crate::fleet::{
    Appliance, ApplianceKind, MeshService, Migration, NetworkExtension, PortBinding, Replication, Site, TransferState,
};
use crate::version::HcxVersion;

use super::{DiscoveredAppliance, DiscoveredMesh, MeshSide, RemoteManager, SiteDiscovery, SiteEndpoint};

fn service(name: &str) -> Option<MeshService> {
    Some(match name {
        "INTERCONNECT" => MeshService::Interconnect,
        "VMOTION" => MeshService::Vmotion,
        "BULK_MIGRATION" => MeshService::BulkMigration,
        "RAV" => MeshService::ReplicationAssistedVmotion,
        "NETWORK_EXTENSION" => MeshService::NetworkExtension,
        "DISASTER_RECOVERY" => MeshService::DisasterRecovery,
        // INFERRED names (the reference only implies these through wanoptConfig / OSAM prose).
        "WANOPT" | "WAN_OPTIMIZATION" => MeshService::WanOptimization,
        "OSAM" | "SGW" => MeshService::Osam,
        _ => return None,
    })
}

fn appliance_kind(ty: &str) -> Option<ApplianceKind> {
    Some(match ty {
        "HCX-WAN-IX" | "HCX-WAN-IX-EDGE" => ApplianceKind::Ix,
        "HCX-NET-EXT" => ApplianceKind::Ne,
        // UNKNOWN raw strings; these are the simulator's placeholders and the prose names.
        "HCX-WAN-OPT" => ApplianceKind::Wo,
        "HCX-SGW" => ApplianceKind::Sgw,
        "HCX-SDR" => ApplianceKind::Sdr,
        _ => return None,
    })
}

fn migration_state(s: &str) -> TransferState {
    match s {
        "MIGRATED" | "MIGRATION_COMPLETE" => TransferState::Completed,
        "MIGRATE_FAILED" | "TRANSFER_FAILED" | "MIGRATION_FAILED" => TransferState::Failed,
        "MIGRATE_CANCELED" | "MIGRATION_CANCELLED" => TransferState::Cancelled,
        s if s.contains("QUEUED") => TransferState::Queued,
        // Non-terminal names are largely UNKNOWN: anything else counts as running, the safe side for a planner.
        _ => TransferState::InProgress,
    }
}

/// A `cloudConfigs` item as a [`RemoteManager`]; an unreadable version or build is left out with a warning.
fn remote(c: wire::CloudConfig, site: &str, warnings: &mut Vec<String>) -> RemoteManager {
    let label = c.cloud_name.as_deref().or(c.url.as_deref()).unwrap_or("?");
    let mut version = match c.version.as_ref().map(|v| v.0.parse::<HcxVersion>()) {
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            warnings.push(format!("site {site}: cloudConfigs entry {}: {e}; version left out", clip(label)));
            None
        }
        None => None,
    };
    match c.build_number.as_ref().map(wire::Text::as_build) {
        Some(Ok(Some(b))) => version = version.map(|v| v.with_build(b)),
        Some(Err(e)) => {
            warnings.push(format!("site {site}: cloudConfigs entry {}: buildNumber {e}; left out", clip(label)));
        }
        Some(Ok(None)) | None => {}
    }
    RemoteManager { version, endpoint_id: c.endpoint_id, name: c.cloud_name, url: c.url }
}

fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    crate::quote::clipped(text)
}

/// Everything one manager answered.
struct Answers {
    local: LocalVersion,
    clouds: Vec<wire::CloudConfig>,
    meshes: Vec<wire::ServiceMesh>,
    appliances: Vec<wire::Appliance>,
    l2: Vec<wire::L2Extension>,
    migrations: Vec<wire::MigrationItem>,
    replications: wire::ReplicationSummary,
}

/// Logs in, then makes the seven reads at once (on the session and connection pool of `client`).
async fn read(client: &HcxClient) -> Result<Answers, ClientError> {
    // Log in once up front so the parallel reads below share one session.
    client.login().await?;
    let (local, clouds, meshes, appliances, l2, migrations, replications) = tokio::try_join!(
        client.local_version(),
        client.cloud_configs(),
        client.service_meshes(),
        client.appliances(),
        client.l2_extensions(),
        client.migrations(),
        client.replication_summary(),
    )?;
    Ok(Answers { local, clouds, meshes, appliances, l2, migrations, replications })
}

/// Reads one manager: version, pairs, meshes, appliances, extensions, migrations and replications.
///
/// # Errors
/// The first [`ClientError`] of any read (each names its endpoint).
pub async fn discover(client: &HcxClient, endpoint: &SiteEndpoint) -> Result<SiteDiscovery, ClientError> {
    let a = read(client).await?;
    let mut warnings = a.local.warnings.clone();
    let site_id = endpoint.site.clone();
    let site = Site {
        id: site_id.clone(),
        role: endpoint.role,
        platform: endpoint.platform,
        version: a.local.version.clone(),
        name: endpoint.name.clone().or(a.local.name.clone()),
        url: Some(endpoint.url.clone()),
    };
    let remotes = a.clouds.into_iter().map(|c| remote(c, &site_id, &mut warnings)).collect();
    let meshes = a
        .meshes
        .iter()
        // The 9.x self-site mesh (HCX Assisted vMotion) is system-owned: not part of the inventory.
        .filter(|m| m.is_local_mesh != Some(true))
        .map(|m| mesh(m, &a.appliances, &a.local, &mut warnings))
        .collect();
    let extensions = extensions(&a.l2, &site_id, &mut warnings);
    Ok(SiteDiscovery {
        site,
        endpoint_id: a.local.endpoint_id,
        remotes,
        meshes,
        extensions,
        migrations: migrations(a.migrations, &site_id),
        replications: replications(&a.replications, &site_id),
        warnings,
    })
}

/// A mesh's known services, each once.
fn services(m: &wire::ServiceMesh, warnings: &mut Vec<String>) -> Vec<MeshService> {
    let mut services = Vec::new();
    for s in &m.services {
        match service(&s.name) {
            Some(sv) if !services.contains(&sv) => services.push(sv),
            Some(_) => {}
            None => warnings.push(format!("mesh {}: unknown service {:?} skipped", m.service_mesh_id, s.name)),
        }
    }
    services
}

/// One mesh as this site reports it, with this site's appliances of it.
fn mesh(
    m: &wire::ServiceMesh,
    appliances: &[wire::Appliance],
    local: &LocalVersion,
    warnings: &mut Vec<String>,
) -> DiscoveredMesh {
    let services = services(m, warnings);
    let endpoint_of = |initiator: bool| {
        m.compute_profiles.iter().find(|p| p.is_initiator == Some(initiator)).and_then(|p| p.endpoint_id.clone())
    };
    let source_endpoint = endpoint_of(true);
    let destination_endpoint = endpoint_of(false);
    let mut local_side = match (&local.endpoint_id, &source_endpoint, &destination_endpoint) {
        (Some(me), Some(s), _) if me == s => Some(MeshSide::Source),
        (Some(me), _, Some(d)) if me == d => Some(MeshSide::Destination),
        _ => None,
    };
    let mut mesh_appliances = Vec::new();
    for a in appliances.iter().filter(|a| a.service_mesh_id.as_deref() == Some(m.service_mesh_id.as_str())) {
        if local_side.is_none() {
            local_side = a.is_initiator.map(|i| if i { MeshSide::Source } else { MeshSide::Destination });
        }
        mesh_appliances.extend(appliance(a, local, warnings));
    }
    DiscoveredMesh {
        id: m.service_mesh_id.clone(),
        source_endpoint,
        destination_endpoint,
        local_side,
        services,
        appliances: mesh_appliances,
        update_available: m.update_available,
    }
}

/// One appliance; an unknown type is skipped and an unreadable version replaced by the manager's, with a
/// warning each.
fn appliance(a: &wire::Appliance, local: &LocalVersion, warnings: &mut Vec<String>) -> Option<DiscoveredAppliance> {
    let Some(kind) = a.appliance_type.as_deref().and_then(appliance_kind) else {
        warnings.push(format!("appliance {}: unknown type {:?} skipped", a.appliance_id, a.appliance_type));
        return None;
    };
    let version = match a.appliance_version.as_ref().map(wire::ApplianceVersion::to_version) {
        Some(Ok(v)) => v,
        Some(Err(e)) => {
            warnings.push(format!("appliance {}: unreadable version ({e}); using the manager's", a.appliance_id));
            local.version.clone()
        }
        None => {
            warnings.push(format!("appliance {}: no applianceVersion; using the manager's", a.appliance_id));
            local.version.clone()
        }
    };
    Some(DiscoveredAppliance {
        appliance: Appliance { id: a.appliance_id.clone(), kind, version, ha_group: None, networks: Vec::new() },
        peer_id: a.peer_appliances.first().and_then(|p| p.appliance_id.clone()),
    })
}

/// The extensions; their port-group binding is not in the API, hence one warning naming how many.
fn extensions(l2: &[wire::L2Extension], site_id: &str, warnings: &mut Vec<String>) -> Vec<NetworkExtension> {
    let mut extensions = Vec::new();
    for e in l2 {
        match (e.network(), e.appliance_id.as_deref()) {
            (Some(net), Some(app)) => extensions.push(NetworkExtension {
                network: net.to_owned(),
                appliance: app.to_owned(),
                binding: PortBinding::Unknown,
            }),
            _ => warnings.push(format!("extension {:?}: no network name or applianceId; skipped", e.stretch_id)),
        }
    }
    if !extensions.is_empty() {
        warnings.push(format!(
            "site {site_id}: the HCX API does not report port-group binding; {} extension(s) recorded as binding \"unknown\"; set the binding from vCenter (an ephemeral port group makes the NE upgrade fail)",
            extensions.len()
        ));
    }
    extensions
}

/// The migrations this manager knows, with their state.
fn migrations(items: Vec<wire::MigrationItem>, site_id: &str) -> Vec<Migration> {
    items
        .into_iter()
        .filter_map(|m| {
            let id = m.migration_id.clone()?;
            let state = m.state().map_or(TransferState::InProgress, migration_state);
            Some(Migration { id, state, site: Some(site_id.to_owned()) })
        })
        .collect()
}

/// One synthetic replication per counted one (at most 10,000 per counter and direction).
fn replications(replications: &wire::ReplicationSummary, site_id: &str) -> Vec<Replication> {
    let mut reps = Vec::new();
    let counters = [
        ("active", &replications.active_replication_cnt, TransferState::InProgress),
        ("configuring", &replications.configuring_replication_cnt, TransferState::Queued),
        ("recovering", &replications.recovering_replication_cnt, TransferState::InProgress),
        ("syncing", &replications.syncing_replication_cnt, TransferState::InProgress),
    ];
    for (name, c, state) in counters {
        for (dir, n) in [("outgoing", c.outgoing), ("incoming", c.incoming)] {
            for i in 1..=n.min(10_000) {
                reps.push(Replication {
                    id: format!("{site_id}/{name}-{dir}-{i}"),
                    state,
                    site: Some(site_id.to_owned()),
                });
            }
        }
    }
    reps
}
