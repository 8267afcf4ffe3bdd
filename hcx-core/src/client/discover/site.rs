//! Reading one manager: the calls (the list reads, then the HA groups of each mesh), then each answer mapped to
//! its part of the inventory.

use crate::client::{ClientError, HcxClient, Listed, LocalVersion, Migrations, wire};
use crate::fleet::{
    Appliance, ApplianceKind, MeshService, Migration, NetworkExtension, PortBinding, Replication, Site, TransferState,
};
use crate::version::HcxVersion;

use super::{
    DiscoveredAppliance, DiscoveredMesh, DiscoveryWarning, MeshSide, RemoteManager, SiteDiscovery, SiteEndpoint, ha,
};

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
fn remote(c: wire::CloudConfig, site: &str, warnings: &mut Vec<DiscoveryWarning>) -> RemoteManager {
    let label = c.cloud_name.as_deref().or(c.url.as_deref()).unwrap_or("?");
    let warn = |message: String| {
        DiscoveryWarning::new(site, message).at(CLOUD_CONFIGS).item(format!("cloudConfigs entry {}", clip(label)))
    };
    let mut version = match c.version.as_ref().map(|v| v.0.parse::<HcxVersion>()) {
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            warnings.push(warn(format!("{e}; version left out")));
            None
        }
        None => None,
    };
    match c.build_number.as_ref().map(wire::Text::as_build) {
        Some(Ok(Some(b))) => version = version.map(|v| v.with_build(b)),
        Some(Err(e)) => warnings.push(warn(format!("buildNumber {e}; left out"))),
        Some(Ok(None)) | None => {}
    }
    RemoteManager { version, endpoint_id: c.endpoint_id, name: c.cloud_name, url: c.url }
}

const CLOUD_CONFIGS: &str = "GET /hybridity/api/cloudConfigs";

fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    crate::quote::clipped(text)
}

/// Everything one manager answered.
struct Answers {
    local: LocalVersion,
    clouds: Listed<wire::CloudConfig>,
    meshes: Listed<wire::ServiceMesh>,
    appliances: Listed<wire::Appliance>,
    l2: Listed<wire::L2Extension>,
    migrations: Migrations,
    replications: wire::ReplicationSummary,
}

/// Logs in, then makes the reads at once (on the session and connection pool of `client`).
async fn read(client: &HcxClient) -> Result<Answers, ClientError> {
    // Log in once up front so the parallel reads below share one session.
    client.login().await?;
    let (local, clouds, meshes, appliances, l2, migrations, replications) = tokio::try_join!(
        client.local_version(),
        client.cloud_config_list(),
        client.service_mesh_list(),
        client.appliance_list(),
        client.l2_extension_list(),
        client.migration_list(),
        client.replication_summary(),
    )?;
    Ok(Answers { local, clouds, meshes, appliances, l2, migrations, replications })
}

/// One warning per list item that did not decode, or only without one of its parts (`noun` names the
/// items); an appliance read without its version is left to [`appliance`], which says what it used instead.
fn item_warnings<T>(list: &Listed<T>, noun: &str, site: &str, warnings: &mut Vec<DiscoveryWarning>) {
    for p in &list.problems {
        let message = match p.left_out.as_deref() {
            None => format!("{}; skipped", p.message),
            Some(APPLIANCE_VERSION) if noun == "appliance" => continue,
            Some(key) => format!("{}; read without {key}", p.message),
        };
        warnings.push(DiscoveryWarning::new(site, message).at(list.endpoint.clone()).item(p.name(noun)));
    }
}

const APPLIANCE_VERSION: &str = "applianceVersion";

/// All warnings about list items of what one manager answered.
fn list_warnings(a: &Answers, site: &str, warnings: &mut Vec<DiscoveryWarning>) {
    item_warnings(&a.clouds, "cloudConfigs entry", site, warnings);
    item_warnings(&a.meshes, "mesh", site, warnings);
    item_warnings(&a.appliances, "appliance", site, warnings);
    item_warnings(&a.l2, "extension", site, warnings);
}

/// The meshes of the inventory: every mesh but the system ones (the 9.x self-site mesh), which are left out
/// on purpose.
fn user_meshes<'a>(meshes: &'a [wire::ServiceMesh], site: &str) -> Vec<&'a wire::ServiceMesh> {
    meshes
        .iter()
        .filter(|m| {
            if m.is_system() {
                tracing::debug!(site, mesh = %m.service_mesh_id, "system mesh left out");
            }
            !m.is_system()
        })
        .collect()
}

/// Reads one manager: version, pairs, meshes (with their NE HA groups), appliances, extensions, migrations
/// and replications. An item that does not decode is left out with a warning.
///
/// # Errors
/// The first [`ClientError`] of any read the inventory cannot do without (each names its endpoint); the
/// HA groups and the compat-2.1 migrations query only warn.
pub async fn discover(client: &HcxClient, endpoint: &SiteEndpoint) -> Result<SiteDiscovery, ClientError> {
    let a = read(client).await?;
    let site_id = endpoint.site.clone();
    let mut warnings: Vec<DiscoveryWarning> =
        a.local.warnings.iter().map(|w| DiscoveryWarning::new(&site_id, w.clone())).collect();
    list_warnings(&a, &site_id, &mut warnings);
    let site = Site {
        id: site_id.clone(),
        role: endpoint.role,
        platform: endpoint.platform,
        version: a.local.version.clone(),
        name: endpoint.name.clone().or(a.local.name.clone()),
        url: Some(endpoint.url.clone()),
    };
    let remotes = a.clouds.items.into_iter().map(|c| remote(c, &site_id, &mut warnings)).collect();
    let user_meshes = user_meshes(&a.meshes.items, &site_id);
    // HA groups are NE groups: a mesh without network extension has none to ask for.
    let with_ne: Vec<&wire::ServiceMesh> =
        user_meshes.iter().copied().filter(|m| has_ne(m, &a.appliances.items)).collect();
    let groups = ha::read(client, &with_ne, &site_id, &mut warnings).await;
    let cx = SiteCx { site: &site_id, local: &a.local, appliances: &a.appliances, groups: &groups };
    let meshes = user_meshes.iter().map(|m| mesh(&cx, m, &mut warnings)).collect();
    let extensions = extensions(&a.l2.items, &site_id, &mut warnings);
    let migrations = migrations(a.migrations, &site_id, &mut warnings);
    // An unnamed HA group warns once per member: once is enough.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
    Ok(SiteDiscovery {
        site,
        endpoint_id: a.local.endpoint_id,
        remotes,
        meshes,
        extensions,
        migrations,
        replications: replications(&a.replications, &site_id),
        warnings,
    })
}

/// Whether a mesh has network extension: the service, or an NE appliance at this site.
fn has_ne(m: &wire::ServiceMesh, appliances: &[wire::Appliance]) -> bool {
    m.services.iter().any(|s| s.name == "NETWORK_EXTENSION")
        || appliances.iter().any(|a| {
            a.service_mesh_id.as_deref() == Some(m.service_mesh_id.as_str())
                && a.appliance_type.as_deref().and_then(appliance_kind) == Some(ApplianceKind::Ne)
        })
}

/// What every mesh of one site is read against.
struct SiteCx<'a> {
    site: &'a str,
    local: &'a LocalVersion,
    appliances: &'a Listed<wire::Appliance>,
    groups: &'a ha::Groups,
}

/// A mesh's known services, each once.
fn services(m: &wire::ServiceMesh, site: &str, warnings: &mut Vec<DiscoveryWarning>) -> Vec<MeshService> {
    let mut services = Vec::new();
    for s in &m.services {
        match service(&s.name) {
            Some(sv) if !services.contains(&sv) => services.push(sv),
            Some(_) => {}
            None => warnings.push(
                DiscoveryWarning::new(site, format!("unknown service {:?} skipped", s.name))
                    .item(format!("mesh {}", m.service_mesh_id)),
            ),
        }
    }
    services
}

/// One mesh as this site reports it, with this site's appliances of it.
fn mesh(cx: &SiteCx<'_>, m: &wire::ServiceMesh, warnings: &mut Vec<DiscoveryWarning>) -> DiscoveredMesh {
    let services = services(m, cx.site, warnings);
    let endpoint_of = |initiator: bool| {
        m.compute_profiles.iter().find(|p| p.is_initiator == Some(initiator)).and_then(|p| p.endpoint_id.clone())
    };
    let source_endpoint = endpoint_of(true);
    let destination_endpoint = endpoint_of(false);
    let mut local_side = match (&cx.local.endpoint_id, &source_endpoint, &destination_endpoint) {
        (Some(me), Some(s), _) if me == s => Some(MeshSide::Source),
        (Some(me), _, Some(d)) if me == d => Some(MeshSide::Destination),
        _ => None,
    };
    // Not asked (no network extension on the mesh): no groups, and nothing unknown.
    let (groups, ha_groups_unknown) = match cx.groups.get(&m.service_mesh_id) {
        Some(Some(g)) => (Some(g.as_slice()), false),
        Some(None) => (None, true),
        None => (None, false),
    };
    let mut mesh_appliances = Vec::new();
    for a in cx.appliances.items.iter().filter(|a| a.service_mesh_id.as_deref() == Some(m.service_mesh_id.as_str())) {
        if local_side.is_none() {
            local_side = a.is_initiator.map(|i| if i { MeshSide::Source } else { MeshSide::Destination });
        }
        if let Some(mut d) = appliance(cx, a, warnings) {
            if d.appliance.kind == ApplianceKind::Ne {
                d.appliance.ha_group =
                    groups.and_then(|g| ha::group_of(g, &m.service_mesh_id, &a.appliance_id, cx.site, warnings));
            }
            mesh_appliances.push(d);
        }
    }
    DiscoveredMesh {
        id: m.service_mesh_id.clone(),
        source_endpoint,
        destination_endpoint,
        local_side,
        services,
        appliances: mesh_appliances,
        update_available: m.update_available,
        ha_groups_unknown,
    }
}

/// One appliance; an unknown type is skipped, and an unreadable or undecodable version replaced by the
/// manager's, with a warning each.
fn appliance(
    cx: &SiteCx<'_>,
    a: &wire::Appliance,
    warnings: &mut Vec<DiscoveryWarning>,
) -> Option<DiscoveredAppliance> {
    let warn = |message: String| {
        DiscoveryWarning::new(cx.site, message)
            .at(cx.appliances.endpoint.clone())
            .item(format!("appliance {}", a.appliance_id))
    };
    let Some(kind) = a.appliance_type.as_deref().and_then(appliance_kind) else {
        warnings.push(warn(format!("unknown type {:?} skipped", a.appliance_type)));
        return None;
    };
    // An applianceVersion that did not decode was left out by the list reader: say why here, once.
    let undecoded =
        cx.appliances.problems.iter().find(|p| {
            p.left_out.as_deref() == Some(APPLIANCE_VERSION) && p.id.as_deref() == Some(a.appliance_id.as_str())
        });
    let version = match (a.appliance_version.as_ref().map(wire::ApplianceVersion::to_version), undecoded) {
        (Some(Ok(v)), _) => v,
        (Some(Err(e)), _) => {
            warnings.push(warn(format!("unreadable applianceVersion ({e}); using the manager's version")));
            cx.local.version.clone()
        }
        (None, Some(p)) => {
            warnings.push(warn(format!("undecodable applianceVersion ({}); using the manager's version", p.message)));
            cx.local.version.clone()
        }
        (None, None) => {
            warnings.push(warn("no applianceVersion; using the manager's version".to_owned()));
            cx.local.version.clone()
        }
    };
    Some(DiscoveredAppliance {
        appliance: Appliance { id: a.appliance_id.clone(), kind, version, ha_group: None, networks: Vec::new() },
        peer_id: a.peer_appliances.first().and_then(|p| p.appliance_id.clone()),
    })
}

/// The extensions; their port-group binding is not in the API, hence one warning naming how many.
fn extensions(l2: &[wire::L2Extension], site_id: &str, warnings: &mut Vec<DiscoveryWarning>) -> Vec<NetworkExtension> {
    let mut extensions = Vec::new();
    for e in l2 {
        match (e.network(), e.appliance_id.as_deref()) {
            (Some(net), Some(app)) => extensions.push(NetworkExtension {
                network: net.to_owned(),
                appliance: app.to_owned(),
                binding: PortBinding::Unknown,
            }),
            _ => warnings.push(
                DiscoveryWarning::new(site_id, "no network name or applianceId; skipped")
                    .at(L2_EXTENSIONS)
                    .item(format!("extension {}", e.stretch_id.as_deref().map_or("(no stretchId)".into(), clip))),
            ),
        }
    }
    if !extensions.is_empty() {
        warnings.push(DiscoveryWarning::new(
            site_id,
            format!(
                "the HCX API does not report port-group binding; {} extension(s) recorded as binding \"unknown\"; set the binding from vCenter (an ephemeral port group makes the NE upgrade fail)",
                extensions.len()
            ),
        ));
    }
    extensions
}

const L2_EXTENSIONS: &str = "GET /hybridity/api/l2Extensions";

/// The migrations this manager knows (both query styles, united by id), with their state; what did not decode
/// and a failed compat-2.1 query become warnings.
fn migrations(m: Migrations, site_id: &str, warnings: &mut Vec<DiscoveryWarning>) -> Vec<Migration> {
    for (endpoint, p) in &m.problems {
        let message = match p.left_out.as_deref() {
            None => format!("{}; skipped", p.message),
            Some(key) => format!("{}; read without {key}, so counted as running", p.message),
        };
        warnings.push(DiscoveryWarning::new(site_id, message).at(endpoint.clone()).item(p.name("migration")));
    }
    if let Some(e) = &m.compat_error {
        warnings.push(DiscoveryWarning::new(
            site_id,
            format!(
                "the compat-2.1 migrations query failed ({e}); migrations only that query style reports are not seen"
            ),
        ));
    }
    m.items
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
