//! The fleet's shape as the report draws it: sites with their versions now and after the plan, pairs,
//! meshes with their appliances (grouped by NE HA group) and the extended networks each NE carries.
//!
//! Built from the fleet when it is at hand; from a saved plan alone, it is what the plan's steps name (no
//! roles or platforms, appliances grouped as the steps upgrade them), and says so.

use std::collections::{HashMap, HashSet};

use crate::fleet::{Fleet, Platform};
use crate::plan::{Owner, Plan, StepKind};

use super::release;

/// One site.
#[derive(Clone, Debug)]
pub(super) struct SiteNode {
    pub id: String,
    pub name: Option<String>,
    /// `connector` or `cloud`; `None` from a plan alone.
    pub role: Option<&'static str>,
    /// `on-prem`, `avs`, ...; `None` from a plan alone.
    pub platform: Option<&'static str>,
    /// The manager's release now, when known.
    pub now: Option<String>,
    /// The manager's release after the plan; `None` when no step upgrades it.
    pub target: Option<String>,
    /// The provider upgrades this manager.
    pub provider: bool,
}

impl SiteNode {
    /// `4.10.3 → 4.11.4`, or `4.11.4 (no change)`.
    pub fn versions(&self) -> String {
        match (&self.now, &self.target) {
            (Some(n), Some(t)) if n != t => format!("{n} → {t}"),
            (Some(n), _) => format!("{n} (no change)"),
            (None, Some(t)) => format!("? → {t}"),
            (None, None) => "version not in the plan".to_owned(),
        }
    }

    /// `connector · on-prem`, or what is known of it.
    pub fn kind(&self) -> String {
        match (self.role, self.platform) {
            (Some(r), Some(p)) => format!("{r} · {p}"),
            _ => "role and platform not in the plan".to_owned(),
        }
    }
}

/// Appliances upgraded together: an NE HA group, or one appliance.
#[derive(Clone, Debug)]
pub(super) struct ApplianceGroup {
    /// The HA group id, if any.
    pub ha_group: Option<String>,
    /// `IX`, `NE`, ...; `None` from a plan alone.
    pub kind: Option<&'static str>,
    pub appliances: Vec<String>,
    /// Release now and after, when known.
    pub now: Option<String>,
    pub target: Option<String>,
    /// Extended networks the group's appliances carry.
    pub networks: Vec<String>,
}

impl ApplianceGroup {
    /// `NE HA ne-ha-a: ne-1, ne-2`.
    pub fn label(&self) -> String {
        let names = self.appliances.join(", ");
        match (self.kind, &self.ha_group) {
            (Some(kind), Some(g)) => format!("{kind} HA {g}: {names}"),
            (Some(kind), None) => format!("{kind} {names}"),
            (None, _) => names,
        }
    }
}

/// A service mesh.
#[derive(Clone, Debug)]
pub(super) struct MeshNode {
    pub id: String,
    pub source: String,
    pub destination: String,
    pub services: Vec<&'static str>,
    pub groups: Vec<ApplianceGroup>,
}

/// The whole drawing.
#[derive(Clone, Debug)]
pub(super) struct Topology {
    pub sites: Vec<SiteNode>,
    /// `(source, destination)`.
    pub pairs: Vec<(String, String)>,
    pub meshes: Vec<MeshNode>,
    /// Whether it comes from the fleet (else from the plan alone).
    pub from_fleet: bool,
}

impl Topology {
    /// From the fleet, with the plan's targets.
    pub fn from_fleet(fleet: &Fleet, plan: &Plan) -> Self {
        let targets = manager_targets(plan);
        let provider: HashSet<&str> = plan
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::UpgradeManager && s.owner == Owner::Provider)
            .filter_map(|s| s.site.as_deref())
            .collect();
        let sites = fleet
            .sites
            .iter()
            .map(|s| SiteNode {
                id: s.id.clone(),
                name: s.name.clone(),
                role: Some(s.role.as_str()),
                platform: Some(platform(s.platform)),
                now: Some(release(&s.version)),
                target: targets.get(s.id.as_str()).map(|(_, t)| t.clone()),
                provider: provider.contains(s.id.as_str()),
            })
            .collect();
        let upgraded = appliance_targets(plan);
        let meshes = fleet
            .meshes
            .iter()
            .map(|m| {
                let mut groups: Vec<ApplianceGroup> = Vec::new();
                for a in &m.appliances {
                    let mut networks: Vec<String> = fleet.extensions_on(&a.id).map(|e| e.network.clone()).collect();
                    networks.extend(a.networks.iter().filter(|n| !networks.contains(n)).cloned().collect::<Vec<_>>());
                    let existing = a.ha_group.as_ref().and_then(|g| {
                        groups.iter_mut().find(|x| x.ha_group.as_ref() == Some(g) && x.kind == Some(a.kind.as_str()))
                    });
                    match existing {
                        Some(g) => {
                            g.appliances.push(a.id.clone());
                            g.networks
                                .extend(networks.into_iter().filter(|n| !g.networks.contains(n)).collect::<Vec<_>>());
                        }
                        None => groups.push(ApplianceGroup {
                            ha_group: a.ha_group.clone(),
                            kind: Some(a.kind.as_str()),
                            appliances: vec![a.id.clone()],
                            now: Some(release(&a.version)),
                            target: upgraded.get(a.id.as_str()).cloned(),
                            networks,
                        }),
                    }
                }
                MeshNode {
                    id: m.id.clone(),
                    source: m.source.clone(),
                    destination: m.destination.clone(),
                    services: m.services.iter().map(|s| s.as_str()).collect(),
                    groups,
                }
            })
            .collect();
        let pairs = fleet.pairs.iter().map(|p| (p.source.clone(), p.destination.clone())).collect();
        Self { sites, pairs, meshes, from_fleet: true }
    }

    /// From what the plan's steps name.
    pub fn from_plan(plan: &Plan) -> Self {
        let targets = manager_targets(plan);
        let mut sites: Vec<SiteNode> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut add_site = |id: &str, sites: &mut Vec<SiteNode>| {
            if seen.insert(id.to_owned()) {
                let (now, target) = targets.get(id).cloned().map_or((None, None), |(n, t)| (Some(n), Some(t)));
                let provider = plan.steps.iter().any(|s| {
                    s.site.as_deref() == Some(id) && s.kind == StepKind::UpgradeManager && s.owner == Owner::Provider
                });
                sites.push(SiteNode {
                    id: id.to_owned(),
                    name: None,
                    role: None,
                    platform: None,
                    now,
                    target,
                    provider,
                });
            }
        };
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut meshes: Vec<MeshNode> = Vec::new();
        let named: HashSet<&str> = plan.steps.iter().filter_map(|s| s.site.as_deref()).collect();
        for s in &plan.steps {
            for p in &s.pairs {
                if let Some((a, b)) = split_pair(p, &named) {
                    add_site(a, &mut sites);
                    add_site(b, &mut sites);
                    if !pairs.iter().any(|(x, y)| x == a && y == b) {
                        pairs.push((a.to_owned(), b.to_owned()));
                    }
                }
            }
            if let Some(site) = &s.site {
                add_site(site, &mut sites);
            }
            let Some(mesh) = &s.mesh else { continue };
            let (source, destination) = s.pairs.first().and_then(|p| split_pair(p, &named)).map_or_else(
                || (s.site.as_deref().unwrap_or("").to_owned(), String::new()),
                |(a, b)| (a.to_owned(), b.to_owned()),
            );
            let m = match meshes.iter().position(|m| *m.id == **mesh) {
                Some(i) => &mut meshes[i],
                None => {
                    meshes.push(MeshNode {
                        id: mesh.to_string(),
                        source,
                        destination,
                        services: Vec::new(),
                        groups: Vec::new(),
                    });
                    let last = meshes.len() - 1;
                    &mut meshes[last]
                }
            };
            if !s.appliances.is_empty() {
                m.groups.push(ApplianceGroup {
                    ha_group: None,
                    kind: None,
                    appliances: s.appliances.clone(),
                    now: s.from.as_ref().map(release),
                    target: Some(s.to.as_ref().map_or_else(|| release(&plan.target), release)),
                    networks: s.impact.networks.clone(),
                });
            }
        }
        Self { sites, pairs, meshes, from_fleet: false }
    }

    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&SiteNode> {
        self.sites.iter().find(|s| s.id == id)
    }

    /// Every extended network, once, in drawing order.
    pub fn networks(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.meshes
            .iter()
            .flat_map(|m| &m.groups)
            .flat_map(|g| &g.networks)
            .map(String::as_str)
            .filter(|n| seen.insert(*n))
            .collect()
    }
}

/// A pair `source->destination` split into its sites. Site ids may themselves hold `->`, so the split is
/// the one whose both sides are sites the plan's steps name, else the first.
fn split_pair<'p>(pair: &'p str, sites: &HashSet<&str>) -> Option<(&'p str, &'p str)> {
    let at = pair.match_indices("->").map(|(i, _)| i);
    let mut first = None;
    for i in at {
        let (a, b) = (&pair[..i], &pair[i + 2..]);
        if sites.contains(a) && sites.contains(b) {
            return Some((a, b));
        }
        first.get_or_insert((a, b));
    }
    first
}

fn platform(p: Platform) -> &'static str {
    p.as_str()
}

/// Per site: the release before its first manager hop and after its last.
fn manager_targets(plan: &Plan) -> HashMap<&str, (String, String)> {
    let mut out: HashMap<&str, (String, String)> = HashMap::new();
    for s in plan.steps.iter().filter(|s| s.kind == StepKind::UpgradeManager) {
        let (Some(site), Some(from), Some(to)) = (s.site.as_deref(), &s.from, &s.to) else { continue };
        out.entry(site).and_modify(|e| e.1 = release(to)).or_insert_with(|| (release(from), release(to)));
    }
    out
}

/// Per appliance: the release its last upgrade step leaves it on.
fn appliance_targets(plan: &Plan) -> HashMap<&str, String> {
    let mut out = HashMap::new();
    for s in plan.steps.iter().filter(|s| matches!(s.kind, StepKind::UpgradeAppliance | StepKind::RedeployAppliance)) {
        let to = s.to.as_ref().map_or_else(|| release(&plan.target), release);
        for a in &s.appliances {
            out.insert(a.as_str(), to.clone());
        }
    }
    out
}
