//! Merging what every site reported into one fleet: one pair, one mesh, appliances named by their
//! initiator-side ids, failed sites kept when a peer reports their version.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::fleet::{Appliance, Fleet, MeshService, ServiceMesh, Site, SitePair};

use super::{MeshSide, RemoteManager, SiteDiscovery, SiteEndpoint, SiteFailure};

/// A manager URL reduced to its origin: scheme, host (IDNA and case normalised by the URL parser;
/// `localhost`, `127.0.0.1` and `::1` all as `loopback`) and port (the scheme's default made explicit), so
/// `https://HCX.example`, `https://hcx.example:443/` and `https://hcx.example/ui` are one manager.
pub fn origin(u: &str) -> String {
    let text = u.trim();
    let Ok(url) = url::Url::parse(text) else {
        return text.trim_end_matches('/').to_ascii_lowercase();
    };
    let host = match url.host() {
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => "loopback".to_owned(),
        Some(url::Host::Ipv4(ip)) if ip == std::net::Ipv4Addr::LOCALHOST => "loopback".to_owned(),
        Some(url::Host::Ipv6(ip)) if ip.is_loopback() => "loopback".to_owned(),
        Some(h) => h.to_string().to_ascii_lowercase(),
        None => String::new(),
    };
    let port = url.port_or_known_default().map_or_else(String::new, |p| p.to_string());
    format!("{}://{host}:{port}", url.scheme())
}

/// Finds the endpoints-file entry a remote stands for: by the endpoint id the remote manager itself reported
/// when it answered, else by URL origin.
fn resolve<'a>(
    r: &RemoteManager,
    by_id: &HashMap<&str, &'a SiteEndpoint>,
    by_origin: &HashMap<String, &'a SiteEndpoint>,
) -> Option<&'a SiteEndpoint> {
    r.endpoint_id
        .as_deref()
        .and_then(|id| by_id.get(id).copied())
        .or_else(|| r.url.as_deref().and_then(|u| by_origin.get(&origin(u)).copied()))
}

/// How to find the endpoints-file entry and the site of what the managers report.
struct Index<'a> {
    by_origin: HashMap<String, &'a SiteEndpoint>,
    by_id: HashMap<&'a str, &'a SiteEndpoint>,
    /// Manager endpoint id to site id, from the managers themselves and from their peers' `cloudConfigs`.
    ep_to_site: HashMap<String, String>,
}

impl<'a> Index<'a> {
    fn new(endpoints: &'a [SiteEndpoint], sites: &'a [SiteDiscovery]) -> Self {
        let by_origin: HashMap<String, &SiteEndpoint> = endpoints.iter().map(|e| (origin(&e.url), e)).collect();
        let by_id: HashMap<&str, &SiteEndpoint> = sites
            .iter()
            .filter_map(|d| {
                let ep = endpoints.iter().find(|e| e.site == d.site.id)?;
                Some((d.endpoint_id.as_deref()?, ep))
            })
            .collect();
        let mut idx = Self { by_origin, by_id, ep_to_site: HashMap::new() };
        for d in sites {
            if let Some(ep) = &d.endpoint_id {
                idx.ep_to_site.insert(ep.clone(), d.site.id.clone());
            }
            for r in &d.remotes {
                if let (Some(ep), Some(e)) = (&r.endpoint_id, idx.resolve(r)) {
                    let site = e.site.clone();
                    idx.ep_to_site.entry(ep.clone()).or_insert(site);
                }
            }
        }
        idx
    }

    fn resolve(&self, r: &RemoteManager) -> Option<&'a SiteEndpoint> {
        resolve(r, &self.by_id, &self.by_origin)
    }
}

/// Merges per-site reports into one fleet (pure; exposed for tests and offline use).
pub fn merge(endpoints: &[SiteEndpoint], sites: &[SiteDiscovery], failures: &[SiteFailure]) -> (Fleet, Vec<String>) {
    let mut warnings: Vec<String> = sites.iter().flat_map(|s| s.warnings.iter().map(ToString::to_string)).collect();
    let idx = Index::new(endpoints, sites);
    let mut fleet = Fleet::new();
    fleet.sites = sites.iter().map(|d| d.site.clone()).collect();
    fleet.sites.extend(failed_sites(endpoints, sites, failures, &idx, &mut warnings));
    let known: BTreeSet<String> = fleet.sites.iter().map(|s| s.id.clone()).collect();
    fleet.pairs = pairs(sites, &idx, &known, &mut warnings);
    let (accs, peer_to_source) = collect_meshes(sites, &idx);
    fleet.meshes = place_meshes(accs, &known, &mut warnings);
    let appliance_ids: BTreeSet<String> =
        fleet.meshes.iter().flat_map(|m| m.appliances.iter().map(|a| a.id.clone())).collect();
    fleet.extensions = extensions(sites, &peer_to_source, &appliance_ids, &mut warnings);
    let mut mig_seen = BTreeSet::new();
    for d in sites {
        for m in &d.migrations {
            if mig_seen.insert(m.id.clone()) {
                fleet.migrations.push(m.clone());
            }
        }
        fleet.replications.extend(d.replications.iter().cloned());
    }
    if let Err(e) = fleet.validate() {
        warnings.push(format!("merged inventory does not validate: {e}"));
    }
    (fleet, warnings)
}

/// The failed sites that stay in the fleet because a peer reported their version (role and platform from
/// the endpoints file).
fn failed_sites(
    endpoints: &[SiteEndpoint],
    sites: &[SiteDiscovery],
    failures: &[SiteFailure],
    idx: &Index<'_>,
    warnings: &mut Vec<String>,
) -> Vec<Site> {
    let mut out = Vec::new();
    for f in failures {
        let Some(e) = endpoints.iter().find(|e| e.site == f.site) else {
            continue;
        };
        let seen = sites.iter().find_map(|d| {
            d.remotes
                .iter()
                .find(|r| idx.resolve(r).is_some_and(|x| x.site == e.site))
                .and_then(|r| r.version.clone().map(|v| (d.site.id.clone(), v)))
        });
        match seen {
            Some((peer, version)) => {
                warnings.push(format!(
                    "site {} did not answer; its version {version} comes from {peer}'s cloudConfigs",
                    e.site
                ));
                out.push(Site {
                    id: e.site.clone(),
                    role: e.role,
                    platform: e.platform,
                    version,
                    name: e.name.clone(),
                    url: Some(e.url.clone()),
                });
            }
            None => warnings.push(format!("site {} did not answer and no peer reports it; left out", e.site)),
        }
    }
    out
}

/// One pair per reporting site and remote it is paired with, both ends in the inventory.
fn pairs(
    sites: &[SiteDiscovery],
    idx: &Index<'_>,
    known: &BTreeSet<String>,
    warnings: &mut Vec<String>,
) -> Vec<SitePair> {
    let mut pairs = BTreeSet::new();
    for d in sites {
        for r in &d.remotes {
            match idx.resolve(r) {
                Some(e) if known.contains(&e.site) => {
                    pairs.insert((d.site.id.clone(), e.site.clone()));
                }
                Some(e) => warnings
                    .push(format!("pair {} -> {} left out: {} is not in the inventory", d.site.id, e.site, e.site)),
                None => warnings.push(format!(
                    "site {} is paired with {} ({}), which is not in the endpoints file; add it to discover it",
                    d.site.id,
                    r.name.as_deref().unwrap_or("?"),
                    r.url.as_deref().unwrap_or("?")
                )),
            }
        }
    }
    pairs.into_iter().map(|(source, destination)| SitePair { source, destination }).collect()
}

/// What the two ends report of one mesh.
#[derive(Default)]
struct MeshAcc {
    source: Option<String>,
    destination: Option<String>,
    services: Vec<MeshService>,
    source_appliances: Option<Vec<Appliance>>,
    dest_appliances: Option<Vec<Appliance>>,
    /// Whether the source end's HA groups could not be read (None: the source did not report the mesh).
    source_ha_unknown: Option<bool>,
    /// Same for the destination end.
    dest_ha_unknown: Option<bool>,
}

impl MeshAcc {
    /// The mesh's appliances (source-side ids win) and whether their HA membership is unknown. When the
    /// chosen end could not read its HA groups but the other end could, the other end's groups are used.
    fn appliances(&mut self) -> (Vec<Appliance>, bool) {
        let (mut chosen, chosen_unknown, other, other_unknown) = match self.source_appliances.take() {
            Some(s) => (s, self.source_ha_unknown, self.dest_appliances.take(), self.dest_ha_unknown),
            None => {
                (self.dest_appliances.take().unwrap_or_default(), self.dest_ha_unknown, None, self.source_ha_unknown)
            }
        };
        let mut unknown = chosen_unknown.unwrap_or(false);
        if let (true, Some(other), Some(false)) = (unknown, other, other_unknown) {
            for a in &mut chosen {
                a.ha_group = other.iter().find(|o| o.id == a.id).and_then(|o| o.ha_group.clone());
            }
            unknown = false;
        }
        chosen.sort_by(|a, b| a.id.cmp(&b.id));
        (chosen, unknown)
    }
}

/// Gathers every report of each mesh by id; also returns destination-side appliance ids mapped to their
/// source-side peers (extensions reported by the destination name the destination's appliance).
fn collect_meshes(sites: &[SiteDiscovery], idx: &Index<'_>) -> (BTreeMap<String, MeshAcc>, HashMap<String, String>) {
    let mut meshes: BTreeMap<String, MeshAcc> = BTreeMap::new();
    let mut peer_to_source: HashMap<String, String> = HashMap::new();
    for d in sites {
        for m in &d.meshes {
            let acc = meshes.entry(m.id.clone()).or_default();
            let site_of = |ep: &Option<String>| ep.as_ref().and_then(|e| idx.ep_to_site.get(e).cloned());
            let (src, dst) = match m.local_side {
                Some(MeshSide::Source) => (Some(d.site.id.clone()), site_of(&m.destination_endpoint)),
                Some(MeshSide::Destination) => (site_of(&m.source_endpoint), Some(d.site.id.clone())),
                None => (site_of(&m.source_endpoint), site_of(&m.destination_endpoint)),
            };
            acc.source = acc.source.take().or(src);
            acc.destination = acc.destination.take().or(dst);
            for s in &m.services {
                if !acc.services.contains(s) {
                    acc.services.push(*s);
                }
            }
            if m.local_side == Some(MeshSide::Destination) {
                let mut list = Vec::new();
                for a in &m.appliances {
                    let mut x = a.appliance.clone();
                    if let Some(p) = &a.peer_id {
                        peer_to_source.insert(a.appliance.id.clone(), p.clone());
                        x.id = p.clone();
                    }
                    list.push(x);
                }
                acc.dest_appliances = Some(list);
                acc.dest_ha_unknown = Some(m.ha_groups_unknown);
            } else {
                acc.source_appliances = Some(m.appliances.iter().map(|a| a.appliance.clone()).collect());
                acc.source_ha_unknown = Some(m.ha_groups_unknown);
            }
        }
    }
    (meshes, peer_to_source)
}

/// The meshes whose two ends are both in the inventory; source-side appliance ids win.
fn place_meshes(
    meshes: BTreeMap<String, MeshAcc>,
    known: &BTreeSet<String>,
    warnings: &mut Vec<String>,
) -> Vec<ServiceMesh> {
    let mut out = Vec::new();
    for (id, mut acc) in meshes {
        match (acc.source.take(), acc.destination.take()) {
            (Some(source), Some(destination)) if known.contains(&source) && known.contains(&destination) => {
                let (appliances, ha_groups_unknown) = acc.appliances();
                let services = std::mem::take(&mut acc.services);
                out.push(ServiceMesh { id, source, destination, services, appliances, ha_groups_unknown });
            }
            (s, d) => warnings.push(format!(
                "mesh {id} left out: cannot place both ends (source {}, destination {})",
                s.as_deref().unwrap_or("unknown"),
                d.as_deref().unwrap_or("unknown")
            )),
        }
    }
    out
}

/// Every extension once, its appliance named by the source-side id, kept only when that appliance is in
/// the inventory.
fn extensions(
    sites: &[SiteDiscovery],
    peer_to_source: &HashMap<String, String>,
    appliance_ids: &BTreeSet<String>,
    warnings: &mut Vec<String>,
) -> Vec<crate::fleet::NetworkExtension> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for d in sites {
        for e in &d.extensions {
            let mut e = e.clone();
            if let Some(src) = peer_to_source.get(&e.appliance) {
                e.appliance = src.clone();
            }
            if !appliance_ids.contains(&e.appliance) {
                warnings.push(format!(
                    "extension {} left out: appliance {} is not in the inventory",
                    e.network, e.appliance
                ));
                continue;
            }
            if seen.insert((e.network.clone(), e.appliance.clone())) {
                out.push(e);
            }
        }
    }
    out
}
