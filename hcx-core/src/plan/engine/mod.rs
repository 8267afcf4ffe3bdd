//! Builds a plan: resolves the target, runs the rules, orders the steps.

mod findings;
mod steps;
mod target;

use findings::{Ack, Findings, mesh_findings, pair_findings, site_findings, transfer_findings, wan_opt_findings};
use steps::{StepBuilder, build_steps};
use target::resolve_target;

// The submodules share these imports through `use super::*`.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{
    Estimate, Finding, Id, Impact, NeUpgradeMode, Owner, PLAN_SCHEMA, Phase, Plan, PlanError, PlanOptions, Rollback,
    Severity, Step, StepKind, Summary, TargetSpec, Text, rules,
};
use crate::catalog::{
    Catalog, ChangeKind, DeprecationStatus, Hop, IssueCondition, PairingVerdict, PathError, SupportState, UpgradePath,
};
use crate::fleet::{ApplianceKind, Fleet, MeshService, NetworkExtension, Platform, PortBinding, ServiceMesh, SiteRole};
use crate::version::HcxVersion;
use rules::RuleId;

/// Extensions by the appliance carrying them.
type ExtIndex<'a> = HashMap<&'a str, Vec<&'a NetworkExtension>>;

/// Per-site facts gathered once.
struct SiteInfo<'a> {
    id: &'a str,
    /// The id as plan steps carry it.
    key: Id,
    version: &'a HcxVersion,
    role: SiteRole,
    platform: Platform,
    provider_managed: bool,
    /// The manager hops to the target (empty when already there or when no path exists).
    hops: &'a [Hop],
    /// Whether the site can reach the target.
    reachable: bool,
    pairs: Vec<Id>,
    peers: Vec<usize>,
    /// Whether the site's upgrade crosses the Photon OS change (4.4.0).
    crosses_photon: bool,
}

/// Everything the rules and the step builder read: the input and what was derived from it once.
struct Ctx<'a> {
    fleet: &'a Fleet,
    catalog: &'a Catalog,
    options: &'a PlanOptions,
    target: &'a HcxVersion,
    sites: Vec<SiteInfo<'a>>,
    /// Site index by id.
    index: HashMap<&'a str, usize>,
    ext: ExtIndex<'a>,
}

impl Ctx<'_> {
    /// The known sites at the two ends of a mesh.
    fn mesh_sites<'s>(&'s self, m: &'s ServiceMesh) -> impl Iterator<Item = &'s SiteInfo<'s>> + 's {
        [&m.source, &m.destination].into_iter().filter_map(|id| self.index.get(id.as_str())).map(|&i| &self.sites[i])
    }

    /// Whether upgrading a mesh to the target crosses the Photon OS change (an old appliance or an old manager).
    fn mesh_crosses_photon(&self, m: &ServiceMesh) -> bool {
        m.appliances.iter().any(|a| crosses_photon(self.catalog, &a.version, self.target))
            || self.mesh_sites(m).any(|s| s.crosses_photon)
    }
}

/// The first release with Photon OS appliances, per the catalog.
fn photon_at(catalog: &Catalog) -> Option<&HcxVersion> {
    catalog.data().changes.iter().find(|c| c.kind == ChangeKind::PhotonOs).map(|c| &c.at)
}

/// Whether going from `from` to `to` crosses the Photon OS change.
fn crosses_photon(catalog: &Catalog, from: &HcxVersion, to: &HcxVersion) -> bool {
    photon_at(catalog).is_some_and(|p| from < p && to >= p)
}

/// Topology facts that decide which known issues apply.
#[derive(Clone, Copy, Default)]
struct Topology {
    ne: bool,
    ne_ha: bool,
}

fn applies(condition: IssueCondition, t: Topology) -> bool {
    match condition {
        IssueCondition::Always => true,
        IssueCondition::NeHa => t.ne_ha,
        IssueCondition::Ne => t.ne,
        // The fleet does not record MON; an NE appliance may extend a MON segment.
        IssueCondition::Mon => t.ne,
        _ => false,
    }
}

fn pair_label(source: &str, destination: &str) -> String {
    format!("{source}->{destination}")
}

fn sources_of(ids: &[String]) -> String {
    ids.join(", ")
}

pub(super) fn plan(fleet: &Fleet, catalog: &Catalog, options: &PlanOptions) -> Result<Plan, PlanError> {
    let acks = options.acknowledge.iter().map(|a| Ack::parse(a)).collect::<Result<Vec<_>, _>>()?;
    if fleet.sites.is_empty() {
        return Err(PlanError::EmptyFleet);
    }
    let topology = Topology {
        ne: fleet.meshes.iter().flat_map(|m| &m.appliances).any(|a| a.kind == ApplianceKind::Ne),
        ne_ha: fleet
            .meshes
            .iter()
            .flat_map(|m| &m.appliances)
            .any(|a| a.kind == ApplianceKind::Ne && a.ha_group.is_some()),
    };
    let (target, target_reason) = resolve_target(fleet, catalog, options, topology)?;
    // Collections are sized up front: for fleets of thousands of pairs, regrowing them costs more than planning.
    let mut ext: ExtIndex<'_> = HashMap::with_capacity(fleet.extensions.len());
    for e in &fleet.extensions {
        ext.entry(e.appliance.as_str()).or_default().push(e);
    }
    let mut f = Findings::default();
    let date = options.date;

    // Paths are shared by every site on the same release: compute each once.
    let mut paths: HashMap<HcxVersion, Result<UpgradePath, PathError>> = HashMap::new();
    for s in &fleet.sites {
        paths.entry(s.version.clone()).or_insert_with(|| catalog.path(&s.version, &target));
    }
    let site_index: HashMap<&str, usize> = fleet.sites.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut sites: Vec<SiteInfo<'_>> = Vec::with_capacity(fleet.sites.len());
    for s in &fleet.sites {
        let (hops, reachable): (&[Hop], bool) = match paths.get(&s.version) {
            Some(Ok(p)) => (&p.hops, true),
            _ => (&[], false),
        };
        let provider_managed = s.role == SiteRole::Cloud && catalog.provider_upgrades_cloud(s.platform, date).is_some();
        sites.push(SiteInfo {
            id: &s.id,
            key: s.id.as_str().into(),
            version: &s.version,
            role: s.role,
            platform: s.platform,
            provider_managed,
            hops,
            reachable,
            pairs: Vec::new(),
            peers: Vec::new(),
            crosses_photon: crosses_photon(catalog, &s.version, &target),
        });
    }
    for p in &fleet.pairs {
        let (Some(&a), Some(&b)) = (site_index.get(p.source.as_str()), site_index.get(p.destination.as_str())) else {
            continue;
        };
        let label = pair_label(&p.source, &p.destination);
        let label: Id = label.into();
        sites[a].pairs.push(label.clone());
        sites[b].pairs.push(label);
        sites[a].peers.push(b);
        sites[b].peers.push(a);
    }

    let cx = Ctx { fleet, catalog, options, target: &target, sites, index: site_index, ext };
    let sites = &cx.sites;
    site_findings(&mut f, &cx, &paths, topology);
    let pair_blocked = pair_findings(&mut f, &cx);
    transfer_findings(&mut f, fleet);
    let wan_opt_dropped = wan_opt_findings(&mut f, &cx);
    mesh_findings(&mut f, &cx);
    if sites.iter().any(|s| !s.hops.is_empty()) {
        f.add(
            RuleId::ManagersBeforeMesh,
            "every hcx manager is upgraded (paired managers together) before any service mesh appliance".into(),
            &[],
        );
        let upgraded: Vec<&str> = sites.iter().filter(|s| !s.hops.is_empty()).map(|s| s.id).collect();
        let avs = sites.iter().any(|s| !s.hops.is_empty() && s.platform == Platform::Avs);
        let mut msg = "manager rollback relies on snapshots: the upgrade's automatic snapshot is kept 24 h, so verify each site inside that window".to_owned();
        if avs {
            msg.push_str("; on AVS take a New-HCXManagerSnapshot run-command snapshot (kept 72 h) before the upgrade");
        }
        f.add(RuleId::SnapshotWindow, msg, &upgraded);
    }

    // A close upper estimate of the step count: growing a vector of 100k steps by doubling costs more than planning.
    let estimate =
        fleet.sites.len() * 4 + fleet.pairs.len() * 2 + fleet.meshes.iter().map(|m| m.appliances.len()).sum::<usize>();
    let mut b = StepBuilder { steps: Vec::with_capacity(estimate) };
    build_steps(&mut b, &cx, &pair_blocked, &wan_opt_dropped);
    let steps = b.steps;

    let findings = f.into_sorted(&acks);
    let summary = Summary {
        sites: fleet.sites.len(),
        pairs: fleet.pairs.len(),
        meshes: fleet.meshes.len(),
        steps: steps.len(),
        blockers: findings.iter().filter(|x| x.blocks()).count(),
        acknowledged: findings.iter().filter(|x| x.severity == Severity::Blocker && x.acknowledged).count(),
        warnings: findings.iter().filter(|x| x.severity == Severity::Warning).count(),
    };
    let schedule = if fleet.windows.is_empty() { None } else { Some(super::schedule::fit(&steps, &fleet.windows)) };
    Ok(Plan {
        schema: PLAN_SCHEMA.to_owned(),
        // Filled in once the plan is complete (see `plan::plan`).
        digest: String::new(),
        inputs: super::PlanInputs::new(fleet, catalog, options)?,
        date,
        catalog_as_of: catalog.as_of(),
        target,
        target_reason,
        summary,
        findings,
        steps,
        schedule,
    })
}

/// Connected groups of sites linked by pairs (union-find).
fn components(sites: &[SiteInfo<'_>]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..sites.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (i, s) in sites.iter().enumerate() {
        for &p in &s.peers {
            let (a, b) = (find(&mut parent, i), find(&mut parent, p));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    (0..sites.len()).map(|i| find(&mut parent, i)).collect()
}
