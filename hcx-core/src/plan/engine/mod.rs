//! Builds a plan: resolves the target, runs the rules, orders the steps.

mod findings;
mod steps;
mod target;

use findings::{
    Ack, Findings, evidence_findings, mesh_findings, pair_findings, platform_findings, service_removal_findings,
    site_findings, transfer_findings, wan_opt_findings,
};
use steps::{Removal, StepBuilder, build_steps};
use target::resolve_target;

// The submodules share these imports through `use super::*`.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::BuildHasher as _;

use super::{
    Estimate, Finding, Id, Impact, NeUpgradeMode, Owner, PLAN_SCHEMA, Phase, Plan, PlanError, PlanOptions, Rollback,
    Severity, Step, StepKind, Summary, TargetSpec, Text, rules,
};
use crate::catalog::{
    Catalog, ChangeKind, Confidence, DeprecationStatus, Hop, IssueCondition, PairingVerdict, PathError, SupportState,
    UpgradePath,
};
use crate::fleet::{
    ApplianceKind, Fleet, MeshService, NetworkExtension, Platform, PortBinding, ServiceMesh, SiteRole, WindowSpan,
};
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
    /// Whether a mesh of the site uses WAN Optimization.
    uses_wo: bool,
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

/// Whether a release has a known issue for this topology.
fn known_bad(catalog: &Catalog, v: &HcxVersion, t: Topology) -> bool {
    catalog
        .data()
        .known_issues
        .iter()
        .any(|k| k.affects.as_ref().is_some_and(|a| v.matches(a)) && applies(k.condition, t))
}

/// The path, rerouted through another documented stepping stone when one of its stones has a known issue
/// for this topology and a route through clean documented stones exists (the shortest such route).
fn avoid_bad_stones(catalog: &Catalog, path: UpgradePath, t: Topology) -> UpgradePath {
    let bad = |p: &UpgradePath| p.stepping_stones().iter().any(|v| known_bad(catalog, v, t));
    if !bad(&path) {
        return path;
    }
    let mut best: Option<UpgradePath> = None;
    for r in catalog.releases() {
        let via = &r.version;
        if *via <= path.from || *via >= path.to || known_bad(catalog, via, t) {
            continue;
        }
        let (Ok(a), Ok(b)) = (catalog.path(&path.from, via), catalog.path(via, &path.to)) else { continue };
        let mut hops = a.hops;
        hops.extend(b.hops);
        let candidate =
            UpgradePath { from: path.from.clone(), to: path.to.clone(), hops, uncataloged: path.uncataloged.clone() };
        // Shortest first; the catalog's order (oldest stone first) breaks ties, so the choice is stable.
        if !bad(&candidate) && best.as_ref().is_none_or(|b| candidate.hops.len() < b.hops.len()) {
            best = Some(candidate);
        }
    }
    best.unwrap_or(path)
}

/// Whether a fact dated `since` holds on the plan date (an undated one always does).
fn in_effect(since: Option<time::Date>, date: time::Date) -> bool {
    since.is_none_or(|d| d <= date)
}

fn pair_label(source: &str, destination: &str) -> String {
    format!("{source}->{destination}")
}

fn sources_of(ids: &[String]) -> String {
    ids.join(", ")
}

pub(super) fn plan(fleet: &Fleet, catalog: &Catalog, options: &PlanOptions) -> Result<Plan, PlanError> {
    let (acks, spans) = check_input(fleet, options)?;
    let topology = Topology {
        ne: fleet.meshes.iter().flat_map(|m| &m.appliances).any(|a| a.kind == ApplianceKind::Ne),
        ne_ha: fleet
            .meshes
            .iter()
            .flat_map(|m| &m.appliances)
            .any(|a| a.kind == ApplianceKind::Ne && a.ha_group.is_some()),
    };
    let (target, target_reason) = resolve_target(fleet, catalog, options, topology)?;
    // Paths are shared by every site on the same release: compute each once.
    let mut paths: HashMap<HcxVersion, Result<UpgradePath, PathError>> = HashMap::new();
    for s in &fleet.sites {
        paths
            .entry(s.version.clone())
            .or_insert_with(|| catalog.path(&s.version, &target).map(|p| avoid_bad_stones(catalog, p, topology)));
    }
    let cx = context(fleet, catalog, options, &target, &paths);
    let mut f = Findings::default();
    let (pair_blocked, removals) = run_rules(&mut f, &cx, &paths, topology);
    // A close upper estimate of the step count: growing a vector of 100k steps by doubling costs more than planning.
    let estimate =
        fleet.sites.len() * 4 + fleet.pairs.len() * 2 + fleet.meshes.iter().map(|m| m.appliances.len()).sum::<usize>();
    let mut b = StepBuilder::with_capacity(estimate);
    build_steps(&mut b, &cx, &mut f, &pair_blocked, &removals);
    let StepBuilder { mut steps, dep_list, dep_end } = b;
    let schedule = if fleet.windows.is_empty() {
        None
    } else {
        let deps = super::schedule::Deps { list: &dep_list, end: &dep_end };
        let sch = super::schedule::fit(&steps, deps, &fleet.windows, &spans, options.date);
        super::schedule::expiries(&mut steps, &sch);
        schedule_findings(&mut f, &steps, &sch);
        Some(sch)
    };
    change_findings(&mut f, &cx, &steps, schedule.as_ref());
    let findings = f.into_sorted(&acks);
    let summary = summary(fleet, &findings, &steps, schedule.as_ref());
    Ok(Plan {
        schema: PLAN_SCHEMA.to_owned(),
        // Filled in once the plan is complete (see `plan::plan`).
        digest: String::new(),
        inputs: super::PlanInputs::new(fleet, catalog, options)?,
        date: options.date,
        catalog_as_of: catalog.as_of(),
        confidence: steps.iter().filter_map(|s| s.confidence).max(),
        target,
        target_reason,
        summary,
        findings,
        steps,
        schedule,
    })
}

/// The acknowledgements and the windows' checked forms, once the fleet and its windows are found plannable.
fn check_input(fleet: &Fleet, options: &PlanOptions) -> Result<(Vec<Ack>, Vec<WindowSpan>), PlanError> {
    let acks = options.acknowledge.iter().map(|a| Ack::parse(a)).collect::<Result<Vec<_>, _>>()?;
    if fleet.sites.is_empty() {
        return Err(PlanError::EmptyFleet);
    }
    let mut spans = Vec::with_capacity(fleet.windows.len());
    for (i, w) in fleet.windows.iter().enumerate() {
        let span = w.span().map_err(|problems| PlanError::Window { number: i + 1, problems })?;
        if let WindowSpan::Once(o) = &span
            && o.end.date() < options.date
        {
            return Err(PlanError::WindowEnded {
                number: i + 1,
                start: super::schedule::rfc3339(o.start),
                end: super::schedule::rfc3339(o.end),
                date: options.date,
            });
        }
        spans.push(span);
    }
    Ok((acks, spans))
}

/// The facts every rule and the step builder read, gathered once per site.
fn context<'a>(
    fleet: &'a Fleet,
    catalog: &'a Catalog,
    options: &'a PlanOptions,
    target: &'a HcxVersion,
    paths: &'a HashMap<HcxVersion, Result<UpgradePath, PathError>>,
) -> Ctx<'a> {
    // Collections are sized up front: for fleets of thousands of pairs, regrowing them costs more than planning.
    let mut ext: ExtIndex<'_> = HashMap::with_capacity(fleet.extensions.len());
    for e in &fleet.extensions {
        ext.entry(e.appliance.as_str()).or_default().push(e);
    }
    let index: HashMap<&str, usize> = fleet.sites.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut sites: Vec<SiteInfo<'_>> =
        fleet.sites.iter().map(|s| site_info(catalog, options, target, paths, s)).collect();
    for p in &fleet.pairs {
        let (Some(&a), Some(&b)) = (index.get(p.source.as_str()), index.get(p.destination.as_str())) else {
            continue;
        };
        let label: Id = pair_label(&p.source, &p.destination).into();
        sites[a].pairs.push(label.clone());
        sites[b].pairs.push(label);
        sites[a].peers.push(b);
        sites[b].peers.push(a);
    }
    for m in &fleet.meshes {
        if findings::mesh_uses(m, MeshService::WanOptimization) {
            for id in [&m.source, &m.destination] {
                if let Some(&i) = index.get(id.as_str()) {
                    sites[i].uses_wo = true;
                }
            }
        }
    }
    Ctx { fleet, catalog, options, target, sites, index, ext }
}

fn site_info<'a>(
    catalog: &Catalog,
    options: &PlanOptions,
    target: &HcxVersion,
    paths: &'a HashMap<HcxVersion, Result<UpgradePath, PathError>>,
    s: &'a crate::fleet::Site,
) -> SiteInfo<'a> {
    let (hops, reachable): (&[Hop], bool) = match paths.get(&s.version) {
        Some(Ok(p)) => (&p.hops, true),
        _ => (&[], false),
    };
    SiteInfo {
        id: &s.id,
        key: s.id.as_str().into(),
        version: &s.version,
        role: s.role,
        platform: s.platform,
        provider_managed: s.role == SiteRole::Cloud
            && catalog.provider_upgrades_cloud(s.platform, options.date).is_some(),
        hops,
        reachable,
        pairs: Vec::new(),
        peers: Vec::new(),
        crosses_photon: crosses_photon(catalog, &s.version, target),
        uses_wo: false,
    }
}

/// Every rule that reads the fleet alone; returns the pairs whose mesh work is blocked and the services the
/// plan removes first.
fn run_rules(
    f: &mut Findings,
    cx: &Ctx<'_>,
    paths: &HashMap<HcxVersion, Result<UpgradePath, PathError>>,
    topology: Topology,
) -> (BTreeSet<String>, BTreeMap<String, Removal>) {
    site_findings(f, cx, paths, topology);
    let pair_blocked = pair_findings(f, cx);
    transfer_findings(f, cx.fleet);
    let mut removals: BTreeMap<String, Removal> = BTreeMap::new();
    wan_opt_findings(f, cx, &mut removals);
    service_removal_findings(f, cx, &mut removals);
    evidence_findings(f, cx);
    platform_findings(f, cx);
    mesh_findings(f, cx);
    manager_findings(f, cx);
    (pair_blocked, removals)
}

/// Fleet-wide manager rules: managers before meshes, the snapshot window.
fn manager_findings(f: &mut Findings, cx: &Ctx<'_>) {
    let (sites, catalog, date) = (&cx.sites, cx.catalog, cx.options.date);
    if !sites.iter().any(|s| !s.hops.is_empty()) {
        return;
    }
    f.add(
        RuleId::ManagersBeforeMesh,
        "every hcx manager is upgraded (paired managers together) before any service mesh appliance".into(),
        &[],
    );
    let upgraded: Vec<&str> = sites.iter().filter(|s| !s.hops.is_empty()).map(|s| s.id).collect();
    let run_command = catalog
        .platform(Platform::Avs)
        .and_then(|p| p.manual_snapshot.as_ref())
        .is_some_and(|n| in_effect(n.since, date));
    let avs = run_command && sites.iter().any(|s| !s.hops.is_empty() && s.platform == Platform::Avs);
    let mut msg = "manager rollback relies on snapshots: the upgrade's automatic snapshot is kept 24 h, so verify each site inside that window".to_owned();
    if avs {
        msg.push_str("; on AVS take a New-HCXManagerSnapshot run-command snapshot (kept 72 h) before the upgrade");
    }
    f.add(RuleId::SnapshotWindow, msg, &upgraded);
}

/// The headline counts.
fn summary(fleet: &Fleet, findings: &[Finding], steps: &[Step], schedule: Option<&super::Schedule>) -> Summary {
    Summary {
        sites: fleet.sites.len(),
        pairs: fleet.pairs.len(),
        meshes: fleet.meshes.len(),
        steps: steps.len(),
        blockers: findings.iter().filter(|x| x.blocks()).count(),
        acknowledged: findings.iter().filter(|x| x.severity == Severity::Blocker && x.acknowledged).count(),
        warnings: findings.iter().filter(|x| x.severity == Severity::Warning).count(),
        unfitted: schedule.map_or(0, |s| s.unfitted.len()),
    }
}

/// Behaviour changes of the releases a site's path crosses, with the date a delayed one takes effect.
fn change_findings(f: &mut Findings, cx: &Ctx<'_>, steps: &[Step], schedule: Option<&super::Schedule>) {
    // Covered elsewhere: the Photon OS mesh upgrade, the PostgreSQL rollback, the bundle size.
    const ELSEWHERE: [&str; 3] = ["photon-os", "postgresql-db", "bundle-over-5gb"];
    let starts: HashMap<&str, time::OffsetDateTime> =
        schedule.map(|s| s.slots.iter().map(|x| (&*x.step, x.start)).collect()).unwrap_or_default();
    // Each site's manager hops, in order: looked up per site, not searched for in every step.
    let mut hops_of: HashMap<&str, Vec<&Step>> = HashMap::new();
    for x in steps.iter().filter(|x| x.kind == StepKind::UpgradeManager) {
        if let Some(site) = x.site.as_deref() {
            hops_of.entry(site).or_default().push(x);
        }
    }
    for c in &cx.catalog.data().changes {
        if !matches!(c.kind, ChangeKind::Behaviour | ChangeKind::Deprecation) || ELSEWHERE.contains(&c.id.as_str()) {
            continue;
        }
        let crossing: Vec<&SiteInfo<'_>> =
            cx.sites.iter().filter(|s| !s.hops.is_empty() && *s.version < c.at && c.at <= *cx.target).collect();
        if crossing.is_empty() {
            continue;
        }
        let ids: Vec<&str> = crossing.iter().map(|s| s.id).collect();
        let mut message = format!("crossing {}: {}", c.at, c.summary);
        if let Some(days) = c.after_days {
            let when: Vec<String> = crossing
                .iter()
                .map(|s| {
                    // The hop that reaches the release, as scheduled; else the plan date, the earliest it can be.
                    let hop = hops_of
                        .get(s.id)
                        .and_then(|list| list.iter().copied().find(|x| x.to.as_ref().is_some_and(|t| *t >= c.at)));
                    let start = hop.and_then(|h| starts.get(&*h.id)).map(|t| t.date());
                    let (day, how) = match start {
                        Some(d) => (d, "its scheduled upgrade"),
                        None => (cx.options.date, "the plan date, the earliest upgrade"),
                    };
                    let end = day.checked_add(time::Duration::days(i64::from(days)));
                    end.map_or_else(
                        || format!("{} {days} days after its upgrade", s.id),
                        |e| format!("{} on {e} ({days} days after {how})", s.id),
                    )
                })
                .collect();
            message.push_str(&format!("; dates: {}", when.join(", ")));
        }
        f.add_with(RuleId::ReleaseChange, message, &ids, Some(c.sources.clone()));
    }
}

/// What the schedule shows: a pair's managers in windows far apart, a mesh split across windows.
fn schedule_findings(f: &mut Findings, steps: &[Step], sch: &super::Schedule) {
    let at: HashMap<&str, &super::Slot> = sch.slots.iter().map(|s| (&*s.step, s)).collect();
    // Manager hops to the same release, per pair: the two ends should run in one window.
    let mut by_pair: BTreeMap<(&str, String), Vec<&super::Slot>> = BTreeMap::new();
    let mut by_mesh: BTreeMap<&str, (BTreeSet<usize>, usize, usize)> = BTreeMap::new();
    for s in steps {
        if s.kind == StepKind::UpgradeManager {
            for p in &s.pairs {
                if let Some(slot) = at.get(&*s.id) {
                    by_pair
                        .entry((&**p, s.to.as_ref().map(ToString::to_string).unwrap_or_default()))
                        .or_default()
                        .push(slot);
                }
            }
        }
        if matches!(s.kind, StepKind::UpgradeAppliance | StepKind::RedeployAppliance) {
            if let Some(m) = &s.mesh {
                let e = by_mesh.entry(&**m).or_default();
                e.2 += 1;
                if let Some(slot) = at.get(&*s.id) {
                    e.0.insert(slot.window);
                    e.1 += 1;
                }
            }
        }
    }
    for ((pair, to), slots) in &by_pair {
        let (Some(first), Some(last)) = (slots.iter().map(|s| s.start).min(), slots.iter().map(|s| s.start).max())
        else {
            continue;
        };
        if slots.len() > 1 && last - first > time::Duration::hours(24) {
            f.add(
                RuleId::PairSkewWindow,
                format!(
                    "pair {pair}: the managers' upgrades to {to} start {} h apart ({} and {}); the pair runs mixed versions in between",
                    (last - first).whole_hours(),
                    super::schedule::rfc3339(first),
                    super::schedule::rfc3339(last)
                ),
                &[pair],
            );
        }
    }
    for (mesh, (windows, placed, total)) in &by_mesh {
        if windows.len() > 1 || (*placed > 0 && placed < total) {
            f.add(
                RuleId::MeshSplitWindow,
                format!(
                    "mesh {mesh}: its appliance steps span {} window(s) ({placed} of {total} placed): it runs mixed versions at a window's end",
                    windows.len()
                ),
                &[mesh],
            );
        }
    }
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
