//! Builds a plan: resolves the target, runs the rules, orders the steps.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{
    Estimate, Finding, Id, Impact, NeUpgradeMode, Owner, PLAN_SCHEMA, Phase, Plan, PlanError, PlanOptions, Rollback,
    Severity, Step, StepKind, Summary, TargetSpec, Text, rules,
};
use crate::catalog::{
    Catalog, ChangeKind, DeprecationStatus, Hop, IssueCondition, PairingVerdict, PathError, SupportState, UpgradePath,
};
use crate::fleet::{ApplianceKind, Fleet, MeshService, NetworkExtension, Platform, PortBinding, ServiceMesh, SiteRole};

/// Extensions by the appliance carrying them.
type ExtIndex<'a> = HashMap<&'a str, Vec<&'a NetworkExtension>>;
use crate::version::HcxVersion;

/// Where duration estimates come from: no vendor publishes step durations.
const ESTIMATE_BASIS: &str = "hcx default (no published figure); adjust to your site";

/// The order findings are reported in: severity, then rule id, then message.
type FindingKey = (usize, &'static str, String);

/// Collects findings, grouping the subjects of findings that say the same thing.
///
/// A hash index over a flat list, sorted once at the end: large fleets produce tens of thousands of
/// findings, and a tree of such wide entries spends its time in the allocator.
#[derive(Default)]
struct Findings {
    index: HashMap<FindingKey, usize>,
    /// Each finding with its key and the set of its subjects (a set keeps grouping linear).
    list: Vec<(FindingKey, Finding, HashSet<String>)>,
}

impl Findings {
    fn add(&mut self, rule: &'static str, severity: Severity, message: String, subjects: &[&str]) {
        self.add_with(rule, severity, message, subjects, None);
    }

    fn add_with(
        &mut self,
        rule: &'static str,
        severity: Severity,
        message: String,
        subjects: &[&str],
        sources: Option<Vec<String>>,
    ) {
        let Some(info) = rules::rule(rule) else { return };
        let rank = match severity {
            Severity::Blocker => 0,
            Severity::Warning => 1,
            _ => 2,
        };
        let key = (rank, rule, message);
        let at = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                let sources = match sources {
                    Some(list) => list.into_iter().map(Text::Owned).collect(),
                    None => info.sources.iter().map(|s| Text::Borrowed(*s)).collect(),
                };
                let finding = Finding {
                    rule: Text::Borrowed(info.id),
                    severity,
                    message: key.2.clone(),
                    subjects: Vec::new(),
                    remediation: Text::Borrowed(info.remediation),
                    sources,
                    acknowledged: false,
                };
                self.list.push((key.clone(), finding, HashSet::new()));
                self.index.insert(key, self.list.len() - 1);
                self.list.len() - 1
            }
        };
        let (_, f, seen) = &mut self.list[at];
        for s in subjects {
            // Most findings have a few subjects: a linear check until the list grows, then a set.
            let new = if f.subjects.len() < 16 {
                !f.subjects.iter().any(|x| x == s)
            } else {
                if seen.is_empty() {
                    seen.extend(f.subjects.iter().cloned());
                }
                seen.insert((*s).to_owned())
            };
            if new {
                f.subjects.push((*s).to_owned());
            }
        }
    }

    fn into_sorted(mut self, ack: &[String]) -> Vec<Finding> {
        self.list.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.list
            .into_iter()
            .map(|(_, mut f, _)| {
                f.acknowledged = ack.iter().any(|a| *a == f.rule);
                f
            })
            .collect()
    }
}

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
    for id in &options.acknowledge {
        if rules::rule(id).is_none() {
            return Err(PlanError::UnknownRule { id: id.clone() });
        }
    }
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
            "managers-before-mesh",
            Severity::Info,
            "every hcx manager is upgraded (paired managers together) before any service mesh appliance".into(),
            &[],
        );
        let upgraded: Vec<&str> = sites.iter().filter(|s| !s.hops.is_empty()).map(|s| s.id).collect();
        let avs = sites.iter().any(|s| !s.hops.is_empty() && s.platform == Platform::Avs);
        let mut msg = "manager rollback relies on snapshots: the upgrade's automatic snapshot is kept 24 h, so verify each site inside that window".to_owned();
        if avs {
            msg.push_str("; on AVS take a New-HCXManagerSnapshot run-command snapshot (kept 72 h) before the upgrade");
        }
        f.add("snapshot-window", Severity::Warning, msg, &upgraded);
    }

    // A close upper estimate of the step count: growing a vector of 100k steps by doubling costs more than planning.
    let estimate =
        fleet.sites.len() * 4 + fleet.pairs.len() * 2 + fleet.meshes.iter().map(|m| m.appliances.len()).sum::<usize>();
    let mut b = StepBuilder { steps: Vec::with_capacity(estimate) };
    build_steps(&mut b, &cx, &pair_blocked, &wan_opt_dropped);
    let steps = b.steps;

    let findings = f.into_sorted(&options.acknowledge);
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

/// Turns `--target` into a release, with the reason.
fn resolve_target(
    fleet: &Fleet,
    catalog: &Catalog,
    options: &PlanOptions,
    topology: Topology,
) -> Result<(HcxVersion, String), PlanError> {
    match &options.target {
        TargetSpec::Version(v) => {
            let r = catalog
                .release(v)
                .ok_or_else(|| PlanError::UnknownTarget { version: v.clone(), as_of: catalog.as_of() })?;
            Ok((r.version.clone(), format!("explicit target {}", r.version)))
        }
        TargetSpec::Validated => {
            let mut platforms: BTreeSet<Platform> = BTreeSet::new();
            for s in &fleet.sites {
                if s.platform != Platform::OnPrem {
                    platforms.insert(s.platform);
                }
            }
            let found: Vec<(Platform, &crate::catalog::DeployedVersion)> =
                platforms.iter().filter_map(|p| catalog.validated(*p).map(|d| (*p, d))).collect();
            let distinct: BTreeSet<&HcxVersion> = found.iter().map(|(_, d)| &d.version).collect();
            match (found.first(), distinct.len()) {
                (None, _) => Err(PlanError::NoValidatedRelease {
                    platforms: fleet
                        .sites
                        .iter()
                        .map(|s| s.platform.as_str())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
                (Some((p, d)), 1) => {
                    let build = d.build.as_deref().map(|b| format!(" build {b}")).unwrap_or_default();
                    Ok((
                        d.version.clone(),
                        format!(
                            "validated: {}{build}, the newest release {p} lists for new private clouds (as of {}, sources: {})",
                            d.version,
                            d.as_of,
                            sources_of(&d.sources)
                        ),
                    ))
                }
                _ => Err(PlanError::ConflictingValidated {
                    found: found.iter().map(|(p, d)| format!("{p}: {}", d.version)).collect::<Vec<_>>().join(", "),
                }),
            }
        }
        TargetSpec::Latest => {
            let running: Vec<&HcxVersion> = fleet.sites.iter().map(|s| &s.version).collect();
            let major = running.iter().map(|v| v.major()).max().unwrap_or(4);
            let floor = running.iter().max().copied().cloned().unwrap_or_else(|| HcxVersion::new(0, 0, 0));
            let upgradable: Vec<&HcxVersion> = running
                .iter()
                .copied()
                .filter(|v| catalog.is_known(v) && **v >= catalog.data().redeploy_below.version)
                .collect();
            if upgradable.is_empty() {
                return Err(PlanError::NothingReachable);
            }
            let mut skipped = Vec::new();
            for r in catalog.releases().iter().rev() {
                let t = &r.version;
                if *t < floor {
                    break;
                }
                if t.major() != major {
                    continue;
                }
                if let Some(k) = catalog
                    .data()
                    .known_issues
                    .iter()
                    .find(|k| k.affects.as_ref().is_some_and(|a| t.matches(a)) && applies(k.condition, topology))
                {
                    skipped.push(format!("{t}: known issue {}", k.id));
                    continue;
                }
                if matches!(catalog.support_status(t, options.date).state, SupportState::OutOfSupport) {
                    skipped.push(format!("{t}: out of support"));
                    continue;
                }
                if upgradable.iter().all(|v| catalog.path(v, t).is_ok()) {
                    let mut reason = format!(
                        "latest: {t}, the newest {major}.x release reachable from every manager with no known issue for this fleet"
                    );
                    if !skipped.is_empty() {
                        reason.push_str(&format!(" (skipped {})", skipped.join("; ")));
                    }
                    return Ok((t.clone(), reason));
                }
                skipped.push(format!("{t}: not reachable from every manager"));
            }
            Err(PlanError::NothingReachable)
        }
    }
}

/// Rules about each manager: floor, downgrade, unknown release, path, support, issues, advisories, ownership.
fn site_findings(
    f: &mut Findings,
    cx: &Ctx<'_>,
    paths: &HashMap<HcxVersion, Result<UpgradePath, PathError>>,
    topology: Topology,
) {
    let (catalog, sites, target, date) = (cx.catalog, &cx.sites, cx.target, cx.options.date);
    for s in sites {
        match paths.get(s.version) {
            Some(Err(PathError::RedeployRequired { floor, sources, .. })) => f.add_with(
                "redeploy-required",
                Severity::Blocker,
                format!("{} runs {}, below {floor}: it cannot be upgraded and must be redeployed", s.id, s.version),
                &[s.id],
                Some(sources.clone()),
            ),
            Some(Err(PathError::Downgrade { .. })) => f.add(
                "downgrade",
                Severity::Blocker,
                format!("{} runs {}, newer than the target {target}", s.id, s.version),
                &[s.id],
            ),
            Some(Err(PathError::UnknownRelease { .. })) => f.add(
                "unknown-release",
                Severity::Blocker,
                format!(
                    "{} runs {}, which the catalog (as of {}) does not know: no upgrade path can be justified",
                    s.id,
                    s.version,
                    catalog.as_of()
                ),
                &[s.id],
            ),
            Some(Err(PathError::Forbidden(route))) => f.add_with(
                "unsupported-path",
                Severity::Blocker,
                format!("{} cannot go from {} to {target}: {} (rule {})", s.id, s.version, route.reason, route.rule),
                &[s.id],
                Some(route.sources.clone()),
            ),
            Some(Err(_)) => f.add(
                "unsupported-path",
                Severity::Blocker,
                format!("no documented upgrade path from {} to {target} for {}", s.version, s.id),
                &[s.id],
            ),
            _ => {}
        }

        let status = catalog.support_status(s.version, date);
        // Most sites share a handful of releases; the message is the same for all of them.
        let dates = |facts: &[&crate::catalog::Lifecycle]| {
            facts
                .iter()
                .map(|l| format!("{} per {} ({})", l.end_of_support, sources_of(&l.sources), l.confidence))
                .collect::<Vec<_>>()
                .join(" vs ")
        };
        match status.state {
            SupportState::OutOfSupport => f.add(
                "end-of-support",
                Severity::Warning,
                format!("{} is out of support on {date} (end of support {})", s.version, dates(&status.facts)),
                &[s.id],
            ),
            SupportState::Disputed => f.add(
                "end-of-support",
                Severity::Warning,
                format!(
                    "sources disagree on whether {} is still supported on {date}: {}",
                    s.version,
                    dates(&status.facts)
                ),
                &[s.id],
            ),
            _ => {}
        }

        if !s.hops.is_empty() {
            // Known issues of the stepping stones (the target's are reported once, below).
            for hop in &s.hops[..s.hops.len() - 1] {
                for k in &catalog.data().known_issues {
                    if k.affects.as_ref().is_some_and(|a| hop.to.matches(a)) && applies(k.condition, topology) {
                        f.add_with(
                            "known-issue",
                            Severity::Warning,
                            format!("stepping stone {} has known issue {}: {}; {}", hop.to, k.id, k.title, k.advice),
                            &[s.id],
                            Some(k.sources.clone()),
                        );
                    }
                }
            }
            for k in &catalog.data().known_issues {
                if k.condition == IssueCondition::UpgradeFrom
                    && k.affects.as_ref().is_some_and(|a| s.version.matches(a))
                {
                    f.add_with(
                        "offline-bundle",
                        Severity::Info,
                        format!("{} ({}): {}; {}", s.id, s.version, k.title, k.advice),
                        &[s.id],
                        Some(k.sources.clone()),
                    );
                }
            }
            if s.provider_managed {
                if let Some(o) = catalog.provider_upgrades_cloud(s.platform, date) {
                    f.add_with(
                        "cloud-managed-by-provider",
                        Severity::Info,
                        format!(
                            "the {} cloud manager {} is upgraded by the provider; the customer picks the window",
                            s.platform, s.id
                        ),
                        &[s.id],
                        Some(o.sources.clone()),
                    );
                }
            }
            if s.crosses_photon {
                f.add(
                    "photon-mesh-upgrade",
                    Severity::Warning,
                    format!(
                        "{} crosses 4.4.0 ({} to {target}): every service mesh appliance of its pairs must be upgraded",
                        s.id, s.version
                    ),
                    &[s.id],
                );
            }
        }
    }

    // Target-wide rules, raised once.
    let ts = catalog.support_status(target, date);
    if matches!(ts.state, SupportState::OutOfSupport | SupportState::Disputed) {
        let sev = if ts.state == SupportState::OutOfSupport { Severity::Blocker } else { Severity::Warning };
        let facts = ts
            .facts
            .iter()
            .map(|l| format!("{} per {}", l.end_of_support, sources_of(&l.sources)))
            .collect::<Vec<_>>()
            .join(" vs ");
        f.add("end-of-support", sev, format!("the target {target} is out of support on {date} ({facts})"), &[]);
    }
    for k in &catalog.data().known_issues {
        if k.affects.as_ref().is_some_and(|a| target.matches(a)) && applies(k.condition, topology) {
            f.add_with(
                "known-issue",
                Severity::Warning,
                format!("the target {target} has known issue {}: {}; {}", k.id, k.title, k.advice),
                &[],
                Some(k.sources.clone()),
            );
        }
    }
    for (a, fix) in catalog.advisories_affecting(target) {
        let fix = match fix {
            Some(v) => format!("fixed in {v} on this line"),
            None => format!("no fixed release on the {}.{} line", target.major(), target.minor()),
        };
        f.add_with(
            "security-advisory",
            Severity::Warning,
            format!("the target {target} is exposed to {} ({}): {}; {fix}", a.id, a.cves.join(", "), a.summary),
            &[],
            Some(a.sources.clone()),
        );
    }
}

/// Pair rules; returns the pairs whose mesh work cannot be planned (an end cannot reach the target).
fn pair_findings(f: &mut Findings, cx: &Ctx<'_>) -> BTreeSet<String> {
    let (fleet, catalog, sites, index, target) = (cx.fleet, cx.catalog, &cx.sites, &cx.index, cx.target);
    let mut blocked = BTreeSet::new();
    for p in &fleet.pairs {
        let (Some(&a), Some(&b)) = (index.get(p.source.as_str()), index.get(p.destination.as_str())) else {
            continue;
        };
        let (sa, sb) = (&sites[a], &sites[b]);
        let label = pair_label(sa.id, sb.id);
        if !sa.reachable || !sb.reachable {
            blocked.insert(label.clone());
        }
        let pairing = catalog.can_pair(sa.version, sb.version);
        if pairing.verdict == PairingVerdict::Incompatible {
            f.add_with(
                "pairing-incompatible",
                Severity::Blocker,
                format!("pair {label} runs {} with {}, which cannot be paired", sa.version, sb.version),
                &[&label],
                pairing.rule.map(|r| r.sources.clone()),
            );
        }
        if sa.version != sb.version {
            f.add(
                "paired-managers-same-version",
                Severity::Warning,
                format!(
                    "pair {label} runs {} and {}: its mesh upgrade waits until both managers reach {target} and services converge",
                    sa.version, sb.version
                ),
                &[&label],
            );
        }
        // Intermediate states between manager rounds (hops are right-aligned so both ends finish together).
        let n = sa.hops.len().max(sb.hops.len());
        let at = |s: &SiteInfo<'_>, round: usize| -> HcxVersion {
            let offset = n - s.hops.len();
            if round < offset { s.version.clone() } else { s.hops[round - offset].to.clone() }
        };
        for round in 0..n.saturating_sub(1) {
            let (va, vb) = (at(sa, round), at(sb, round));
            let pairing = catalog.can_pair(&va, &vb);
            if pairing.verdict == PairingVerdict::Incompatible {
                f.add_with(
                    "pairing-incompatible",
                    Severity::Blocker,
                    format!("pair {label} would run {va} with {vb} between manager upgrades, which cannot be paired"),
                    &[&label],
                    pairing.rule.map(|r| r.sources.clone()),
                );
            }
        }
    }
    blocked
}

fn transfer_findings(f: &mut Findings, fleet: &Fleet) {
    let mut active: Vec<String> = Vec::new();
    for m in &fleet.migrations {
        if m.state.is_active() {
            active.push(format!("migration {} ({})", m.id, m.state));
        }
    }
    for r in &fleet.replications {
        if r.state.is_active() {
            active.push(format!("replication {} ({})", r.id, r.state));
        }
    }
    if !active.is_empty() {
        let ids: Vec<&str> = fleet
            .migrations
            .iter()
            .filter(|m| m.state.is_active())
            .map(|m| m.id.as_str())
            .chain(fleet.replications.iter().filter(|r| r.state.is_active()).map(|r| r.id.as_str()))
            .collect();
        f.add(
            "active-migrations",
            Severity::Blocker,
            format!(
                "{} in flight: {}",
                if active.len() == 1 { "1 transfer is" } else { "transfers are" },
                active.join(", ")
            ),
            &ids,
        );
    }
}

/// WAN Optimization in use and a target that drops it; returns the meshes whose WO service the plan removes.
fn wan_opt_findings(f: &mut Findings, cx: &Ctx<'_>) -> BTreeSet<String> {
    let (fleet, catalog, target) = (cx.fleet, cx.catalog, cx.target);
    let mut dropped = BTreeSet::new();
    for m in &fleet.meshes {
        let uses = m.services.contains(&MeshService::WanOptimization)
            || m.appliances.iter().any(|a| a.kind == ApplianceKind::Wo);
        if !uses {
            continue;
        }
        let platforms: Vec<Platform> = cx.mesh_sites(m).map(|s| s.platform).collect();
        let effective: Vec<&crate::catalog::Deprecation> = catalog
            .deprecations_at(target)
            .into_iter()
            .filter(|d| d.service == Some(MeshService::WanOptimization))
            .filter(|d| d.platform.is_none_or(|p| platforms.contains(&p)))
            .collect();
        let drops: Vec<&&crate::catalog::Deprecation> =
            effective.iter().filter(|d| d.status != DeprecationStatus::Deprecated).collect();
        if let Some(first) = drops.first() {
            dropped.insert(m.id.clone());
            let said = drops
                .iter()
                .map(|d| format!("{} in {} per {} ({})", d.status, d.since, sources_of(&d.sources), d.confidence))
                .collect::<Vec<_>>()
                .join("; ");
            f.add_with(
                "wan-opt-removed",
                Severity::Blocker,
                format!("mesh {} uses WAN Optimization, which the target {target} drops ({said}); the plan removes it first", m.id),
                &[&m.id],
                Some(drops.iter().flat_map(|d| d.sources.clone()).collect::<BTreeSet<_>>().into_iter().collect()),
            );
            let _ = first;
        } else if let Some(d) = effective.first() {
            f.add_with(
                "wan-opt-removed",
                Severity::Warning,
                format!(
                    "mesh {} uses WAN Optimization, deprecated since {} (sources: {}); plan its removal",
                    m.id,
                    d.since,
                    sources_of(&d.sources)
                ),
                &[&m.id],
                Some(d.sources.clone()),
            );
        }
    }
    dropped
}

/// Mesh rules: source-initiated upgrades, NE HA and bindings, appliance versions.
fn mesh_findings(f: &mut Findings, cx: &Ctx<'_>) {
    let (fleet, catalog, target, options, ext) = (cx.fleet, cx.catalog, cx.target, cx.options, &cx.ext);
    let mut upgraded_meshes = Vec::with_capacity(fleet.meshes.len());
    for m in &fleet.meshes {
        let below: Vec<&str> = m.appliances.iter().filter(|a| a.version < *target).map(|a| a.id.as_str()).collect();
        for a in &m.appliances {
            if a.version > *target {
                f.add(
                    "downgrade",
                    Severity::Blocker,
                    format!("appliance {} of mesh {} runs {}, newer than the target {target}", a.id, m.id, a.version),
                    &[&a.id],
                );
            }
            if !catalog.is_known(&a.version) {
                f.add(
                    "unknown-release",
                    Severity::Warning,
                    format!("appliance {} of mesh {} runs {}, which the catalog does not know", a.id, m.id, a.version),
                    &[&a.id],
                );
            }
        }
        if below.is_empty() {
            continue;
        }
        upgraded_meshes.push(m.id.as_str());
        if cx.mesh_crosses_photon(m) {
            let all: Vec<&str> = m.appliances.iter().map(|a| a.id.as_str()).collect();
            f.add(
                "photon-mesh-upgrade",
                Severity::Warning,
                format!(
                    "mesh {} crosses 4.4.0 (Photon OS): all of its appliances must be upgraded: {}",
                    m.id,
                    all.join(", ")
                ),
                &all,
            );
        }
        let groups: BTreeSet<&str> = m
            .appliances
            .iter()
            .filter(|a| a.kind == ApplianceKind::Ne && a.version < *target)
            .filter_map(|a| a.ha_group.as_deref())
            .collect();
        if !groups.is_empty() {
            let members: Vec<&str> = m
                .appliances
                .iter()
                .filter(|a| a.ha_group.as_deref().is_some_and(|g| groups.contains(g)))
                .map(|a| a.id.as_str())
                .collect();
            let extra = if options.ne_in_service {
                " (In-Service was asked for; it is used only outside HA groups)"
            } else {
                ""
            };
            f.add(
                "ne-in-service-ha",
                Severity::Info,
                format!(
                    "mesh {}: NE HA group{} {} upgrade standby first, then switch over, then the old active{extra}",
                    m.id,
                    if groups.len() == 1 { "" } else { "s" },
                    groups.iter().copied().collect::<Vec<_>>().join(", ")
                ),
                &members,
            );
        }
        let upgraded = m.appliances.iter().filter(|a| a.version < *target);
        let mut unknown: Vec<&str> = Vec::new();
        for e in upgraded.flat_map(|a| ext.get(a.id.as_str()).into_iter().flatten()) {
            if e.binding == PortBinding::Unknown {
                unknown.push(&e.network);
            }
            if e.binding == PortBinding::Ephemeral {
                f.add(
                    "ne-ephemeral-binding",
                    Severity::Blocker,
                    format!(
                        "extended network {} on {} (mesh {}) uses an ephemeral port group: the NE upgrade would fail",
                        e.network, e.appliance, m.id
                    ),
                    &[&e.network, &e.appliance],
                );
            }
        }
        if !unknown.is_empty() {
            f.add(
                "ne-ephemeral-binding",
                Severity::Warning,
                format!(
                    "mesh {}: the port binding of {} extended network(s) is unknown ({}); an ephemeral one makes the NE upgrade fail",
                    m.id,
                    unknown.len(),
                    unknown.join(", ")
                ),
                &unknown,
            );
        }
    }
    if !upgraded_meshes.is_empty() {
        f.add(
            "mesh-from-source",
            Severity::Info,
            "service mesh upgrades are started from each mesh's source site; the peer appliances upgrade at the same time".into(),
            &upgraded_meshes,
        );
    }
}

struct StepBuilder {
    steps: Vec<Step>,
}

/// The parts of a step that vary; the rest is filled in by [`StepBuilder::push`].
struct NewStep {
    phase: Phase,
    kind: StepKind,
    title: String,
    site: Option<Id>,
    pairs: Vec<Id>,
    mesh: Option<Id>,
    appliances: Vec<String>,
    from: Option<HcxVersion>,
    to: Option<HcxVersion>,
    owner: Owner,
    automated: bool,
    instructions: Vec<Text>,
    impact: Impact,
    rollback: Option<Rollback>,
    rules: Vec<Text>,
    depends_on: Vec<Id>,
    minutes: u32,
}

impl NewStep {
    fn new(phase: Phase, kind: StepKind, title: String) -> Self {
        Self {
            phase,
            kind,
            title,
            site: None,
            pairs: Vec::new(),
            mesh: None,
            appliances: Vec::new(),
            from: None,
            to: None,
            owner: Owner::Customer,
            automated: false,
            instructions: Vec::new(),
            impact: no_impact(""),
            rollback: None,
            rules: Vec::new(),
            depends_on: Vec::new(),
            minutes: 15,
        }
    }
}

/// The impact of a step that reboots no manager and takes no extended network down.
fn impact(summary: &'static str, data_plane_outage: bool) -> Impact {
    Impact {
        summary: Text::Borrowed(summary),
        manager_reboot: false,
        data_plane_outage,
        networks: Vec::new(),
        ne_mode: None,
    }
}

fn no_impact(summary: &'static str) -> Impact {
    impact(summary, false)
}

impl StepBuilder {
    fn push(&mut self, s: NewStep) -> Id {
        let id: Id = format!("S{}", self.steps.len() + 1).into();
        let mut depends_on = s.depends_on;
        depends_on.sort_by_key(|d| d.trim_start_matches('S').parse::<usize>().unwrap_or(0));
        depends_on.dedup();
        self.steps.push(Step {
            id: id.clone(),
            phase: s.phase,
            kind: s.kind,
            title: s.title,
            site: s.site,
            pairs: s.pairs,
            mesh: s.mesh,
            appliances: s.appliances,
            from: s.from,
            to: s.to,
            owner: s.owner,
            automated: s.automated,
            instructions: s.instructions,
            impact: s.impact,
            rollback: s.rollback,
            rules: s.rules,
            depends_on,
            estimate: Estimate { minutes: s.minutes, basis: Text::Borrowed(ESTIMATE_BASIS) },
        });
        id
    }
}

fn strings(items: &[&'static str]) -> Vec<Text> {
    items.iter().map(|s| Text::Borrowed(s)).collect()
}

fn build_steps(b: &mut StepBuilder, cx: &Ctx<'_>, pair_blocked: &BTreeSet<String>, wan_opt_dropped: &BTreeSet<String>) {
    let (fleet, catalog, sites, index, target, options) =
        (cx.fleet, cx.catalog, &cx.sites, &cx.index, cx.target, cx.options);
    let date = options.date;
    // Mesh appliances below the target, per mesh; pairs whose mesh work is blocked are left out.
    let mesh_work: Vec<&ServiceMesh> = fleet
        .meshes
        .iter()
        .filter(|m| !pair_blocked.contains(&pair_label(&m.source, &m.destination)))
        .filter(|m| m.appliances.iter().any(|a| a.version < *target))
        .collect();
    let mut work_by_pair: HashMap<(&str, &str), Vec<&ServiceMesh>> = HashMap::with_capacity(mesh_work.len());
    for m in &mesh_work {
        work_by_pair.entry((m.source.as_str(), m.destination.as_str())).or_default().push(m);
    }
    let mut involved = vec![false; sites.len()];
    for (i, s) in sites.iter().enumerate() {
        involved[i] = !s.hops.is_empty();
    }
    for m in &mesh_work {
        for id in [&m.source, &m.destination] {
            if let Some(&i) = index.get(id.as_str()) {
                involved[i] = true;
            }
        }
    }

    // Prepare: prechecks, snapshots and bundles per involved site.
    let mut ready: Vec<Vec<Id>> = vec![Vec::new(); sites.len()];
    for (i, s) in sites.iter().enumerate() {
        if !involved[i] {
            continue;
        }
        let mut st = NewStep::new(Phase::Prepare, StepKind::Precheck, format!("Pre-upgrade checks on {}", s.id));
        st.site = Some(s.key.clone());
        st.pairs = s.pairs.clone();
        st.automated = true;
        st.instructions = strings(&[
            "the hcx manager reports healthy connections to vCenter Server, NSX Manager and (if used) Cloud Director/RMQ",
            "interconnect service components are in sync, site pairs are healthy",
            "no migration or replication is in progress or queued; queue no new hcx operations for the window",
            "datastores have room for a second copy of each appliance (storage doubles during an appliance upgrade)",
        ]);
        st.impact = no_impact("read-only");
        st.rules = strings(&["active-migrations"]);
        ready[i].push(b.push(st));
        if s.hops.is_empty() {
            continue;
        }
        let avs = catalog.platform(s.platform);
        let mut snap = NewStep::new(Phase::Prepare, StepKind::Snapshot, String::new());
        snap.site = Some(s.key.clone());
        snap.pairs = s.pairs.clone();
        snap.rules = strings(&["snapshot-window"]);
        snap.minutes = 15;
        snap.impact = no_impact("none");
        if s.role == SiteRole::Cloud && s.platform == Platform::Avs {
            snap.title = format!("Snapshot the {} Cloud Manager {} (run command, kept 72 h)", s.platform, s.id);
            let mut ins = strings(&[
                "run the New-HCXManagerSnapshot run command (package Microsoft.AVS.HCX) from the Azure portal or az vmware script-execution; it refuses while migrations or replications are active",
            ]);
            if let Some(n) = avs.and_then(|p| p.config_backup.as_ref()) {
                ins.push(format!("{} (sources: {})", n.text, sources_of(&n.sources)).into());
            }
            if let Some(n) = avs.and_then(|p| p.upgrade_snapshot.as_ref()) {
                ins.push(
                    format!(
                        "the upgrade also takes an automatic snapshot, kept {} h (sources: {})",
                        n.hours,
                        sources_of(&n.sources)
                    )
                    .into(),
                );
            }
            snap.instructions = ins;
        } else {
            snap.title = format!("Back up and snapshot the HCX Manager {}", s.id);
            snap.instructions = strings(&[
                "appliance management (port 9443) > Administration > Backup: take a configuration backup and copy it off the appliance",
                "take a vSphere snapshot of the hcx manager vm (source and destination managers are both needed for a rollback)",
            ]);
        }
        ready[i].push(b.push(snap));

        let needs_offline = catalog.data().known_issues.iter().any(|k| {
            k.condition == IssueCondition::UpgradeFrom && k.affects.as_ref().is_some_and(|a| s.version.matches(a))
        }) || *s.version >= HcxVersion::new(4, 11, 0);
        if needs_offline && !s.provider_managed {
            let mut st = NewStep::new(
                Phase::Prepare,
                StepKind::ObtainBundle,
                format!("Obtain the offline upgrade bundle(s) for {}", s.id),
            );
            st.site = Some(s.key.clone());
            let versions: Vec<String> = s.hops.iter().map(|h| h.to.to_string()).collect();
            st.instructions = vec![format!("bundles needed: {}", versions.join(", ")).into()];
            let peer_avs = s.peers.iter().any(|&p| sites[p].platform == Platform::Avs);
            if peer_avs {
                if let Some(n) = catalog.platform(Platform::Avs).and_then(|p| p.connector_bundles.as_ref()) {
                    st.instructions.push(format!("{} (sources: {})", n.text, sources_of(&n.sources)).into());
                }
            } else {
                st.instructions.push(
                    "download the bundles from the Broadcom support portal; the online depot was decommissioned".into(),
                );
            }
            st.instructions.push(
                "bundles are larger than 5 GB from 4.9: uploading one through the 9443 ui needs 4.8.2 or later".into(),
            );
            st.impact = no_impact("none");
            st.rules = strings(&["offline-bundle"]);
            st.minutes = 60;
            ready[i].push(b.push(st));
        }
    }
    for m in fleet.meshes.iter().filter(|m| wan_opt_dropped.contains(&m.id)) {
        let Some(&src) = index.get(m.source.as_str()) else { continue };
        let mut st = NewStep::new(
            Phase::Prepare,
            StepKind::RemoveService,
            format!("Remove WAN Optimization from mesh {}", m.id),
        );
        st.site = Some(sites[src].key.clone());
        st.pairs = vec![pair_label(&m.source, &m.destination).into()];
        st.mesh = Some(m.id.as_str().into());
        st.appliances = m.appliances.iter().filter(|a| a.kind == ApplianceKind::Wo).map(|a| a.id.clone()).collect();
        st.instructions = strings(&[
            "edit the service mesh at the source site and clear the WAN Optimization service; remove it from the compute profile too",
            "migrations over this mesh run without WAN optimization afterwards",
        ]);
        st.impact = no_impact("the WO appliances are removed; bulk migration throughput may drop");
        st.rules = strings(&["wan-opt-removed"]);
        st.depends_on = ready[src].clone();
        st.minutes = 30;
        let id = b.push(st);
        ready[src].push(id);
    }

    // Managers: hop by hop, right-aligned per connected group of pairs, so both ends of a pair finish together.
    let component = components(sites);
    let mut rounds_in: HashMap<usize, usize> = HashMap::new();
    for (i, s) in sites.iter().enumerate() {
        let e = rounds_in.entry(component[i]).or_default();
        *e = (*e).max(s.hops.len());
    }
    let max_rounds = rounds_in.values().copied().max().unwrap_or(0);
    let mut last_step: Vec<Option<Id>> = vec![None; sites.len()];
    for round in 0..max_rounds {
        let mut this_round: Vec<(usize, Id)> = Vec::with_capacity(sites.len());
        for (i, s) in sites.iter().enumerate() {
            let n = rounds_in.get(&component[i]).copied().unwrap_or(0);
            let offset = n - s.hops.len();
            if round < offset || round - offset >= s.hops.len() {
                continue;
            }
            let hop = &s.hops[round - offset];
            // Paths are shared between sites on one release; the first hop starts from this site's own build.
            let from = if round == offset { s.version } else { &hop.from };
            let mut st = NewStep::new(Phase::Managers, StepKind::UpgradeManager, String::new());
            let who = if s.role == SiteRole::Cloud { "Cloud Manager" } else { "Connector" };
            st.title = format!("Upgrade the HCX {who} {} from {from} to {}", s.id, hop.to);
            st.site = Some(s.key.clone());
            st.pairs = s.pairs.clone();
            st.from = Some(from.clone());
            st.to = Some(hop.to.clone());
            st.minutes = 60;
            st.rules = strings(&["managers-before-mesh", "snapshot-window"]);
            let mut ins: Vec<Text> = vec![
                format!(
                    "allowed by path rule {} ({}, {}){}",
                    hop.rule,
                    sources_of(&hop.sources),
                    hop.confidence,
                    hop.note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
                )
                .into(),
            ];
            if s.provider_managed {
                st.owner = Owner::Provider;
                st.rules.push("cloud-managed-by-provider".into());
                ins.push(
                    format!(
                        "the provider ({}) upgrades this cloud manager: agree the maintenance window with them",
                        s.platform
                    )
                    .into(),
                );
            } else if hop.to.major() >= 9 {
                ins.push("appliance management (port 9443) > Administration > System Management > Upgrade > Begin Upgrade: upload the bundle, confirm and start (from 9.1, VCF Operations lifecycle management)".into());
            } else {
                ins.push("hcx manager ui (443): Administration > System Updates, or appliance management (9443) > Administration > System Management > Upgrade with the offline bundle".into());
            }
            if hop.from.major() < 9 && hop.to.major() >= 9 {
                ins.push("9.x cannot pair with 4.x: upgrade both ends of each pair in the same window".into());
            }
            if s.peers.iter().any(|&p| !sites[p].hops.is_empty()) {
                ins.push("site-paired managers may be upgraded at the same time".into());
            }
            ins.push("wait until the manager answers again (log in succeeds) and reports the new version".into());
            st.instructions = ins;
            if crosses_photon(catalog, &hop.from, &hop.to) {
                st.rules.push("photon-mesh-upgrade".into());
            }
            st.impact = Impact {
                summary: "the manager reboots; no data-plane outage: existing extensions keep working, new operations wait until it is back".into(),
                manager_reboot: true,
                data_plane_outage: false,
                networks: Vec::new(),
                ne_mode: None,
            };
            st.rollback = Some(manager_rollback(s, &hop.from, &hop.to, catalog, date));
            let mut deps = ready[i].clone();
            if let Some(prev) = &last_step[i] {
                deps.push(prev.clone());
            }
            for &p in &s.peers {
                if let Some(prev) = &last_step[p] {
                    deps.push(prev.clone());
                }
            }
            st.depends_on = deps;
            this_round.push((i, b.push(st)));
        }
        for (i, id) in this_round {
            last_step[i] = Some(id);
        }
    }

    // Converge, mesh and verify, per pair.
    for p in &fleet.pairs {
        let (Some(&a), Some(&d)) = (index.get(p.source.as_str()), index.get(p.destination.as_str())) else {
            continue;
        };
        let label: Id = pair_label(&p.source, &p.destination).into();
        let meshes = work_by_pair.get(&(p.source.as_str(), p.destination.as_str()));
        if pair_blocked.contains(&*label) || (sites[a].hops.is_empty() && sites[d].hops.is_empty() && meshes.is_none())
        {
            continue;
        }
        let mut st = NewStep::new(
            Phase::Converge,
            StepKind::WaitConvergence,
            format!("Wait until both managers of {label} run {target} and services converge"),
        );
        st.site = Some(sites[a].key.clone());
        st.pairs = vec![label.clone()];
        st.automated = true;
        st.instructions = strings(&[
            "both managers report the same version; interconnect and services are back to a fully converged state",
            "site pair and service mesh status healthy (no out-of-sync components)",
        ]);
        st.impact = no_impact("none");
        st.rules = strings(&["paired-managers-same-version"]);
        let mut deps: Vec<Id> = Vec::new();
        for i in [a, d] {
            match &last_step[i] {
                Some(x) => deps.push(x.clone()),
                None => deps.extend(ready[i].iter().cloned()),
            }
        }
        st.depends_on = deps;
        let converge = b.push(st);

        let mut previous = converge;
        for m in meshes.into_iter().flatten() {
            previous = mesh_steps(b, cx, m, &label, previous, wan_opt_dropped.contains(&m.id));
        }
        let mut st = NewStep::new(Phase::Verify, StepKind::Verify, format!("Verify {label} at {target}"));
        st.site = Some(sites[a].key.clone());
        st.pairs = vec![label.clone()];
        st.automated = true;
        st.instructions = strings(&[
            "every manager and appliance of the pair reports the target version",
            "all service mesh appliances show tunnels up; extended networks pass traffic",
            "run a small test migration before releasing the window",
        ]);
        st.impact = no_impact("none");
        st.depends_on = vec![previous];
        b.push(st);
    }
}

fn mesh_steps(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    m: &ServiceMesh,
    label: &Id,
    mut previous: Id,
    wan_opt_removed: bool,
) -> Id {
    let (target, options, ext) = (cx.target, cx.options, &cx.ext);
    let photon = cx.mesh_crosses_photon(m);
    let source: Id =
        cx.index.get(m.source.as_str()).map_or_else(|| m.source.as_str().into(), |&i| cx.sites[i].key.clone());
    let mesh_id: Id = m.id.as_str().into();
    let rollback = Rollback {
        summary: "appliances are not downgraded: revert both managers from their snapshots, then redeploy every appliance of the mesh (third-party guidance, T-VCF91)".into(),
        expires_after_hours: Some(24),
        support_request: cx.mesh_sites(m).any(|s| s.provider_managed),
    };
    let below = |k: ApplianceKind| m.appliances.iter().filter(move |a| a.kind == k && a.version < *target);
    let base = |kind: StepKind, title: String, appliances: Vec<String>, from: Option<HcxVersion>| {
        let mut st = NewStep::new(Phase::Mesh, kind, title);
        st.site = Some(source.clone());
        st.pairs = vec![label.clone()];
        st.mesh = Some(mesh_id.clone());
        st.appliances = appliances;
        st.from = from;
        st.to = Some(target.clone());
        st.automated = true;
        st.rules = strings(&["mesh-from-source"]);
        if photon {
            st.rules.push("photon-mesh-upgrade".into());
        }
        st.rollback = Some(rollback.clone());
        st.minutes = 30;
        st
    };

    for a in below(ApplianceKind::Ix) {
        let mut st = base(
            StepKind::UpgradeAppliance,
            format!("Upgrade interconnect {} (and its peer) on mesh {}", a.id, m.id),
            vec![a.id.clone()],
            Some(a.version.clone()),
        );
        st.instructions = vec![
            format!("from the source site {}: Interconnect > Service Mesh > View Appliances > Update Appliance (api: POST interconnect/appliances/{{id}}/upgrade)", m.source).into(),
            "upgrade interconnect appliances first and check the tunnels before the network extension".into(),
        ];
        st.impact = impact(
            "small data-plane outage: migration and replication traffic over this appliance pauses while it is redeployed",
            true,
        );
        st.depends_on = vec![previous.clone()];
        previous = b.push(st);
    }

    // NE: HA groups as one step (standby first), the others one by one.
    let mut groups: BTreeMap<&str, Vec<&crate::fleet::Appliance>> = BTreeMap::new();
    let mut singles = Vec::new();
    for a in below(ApplianceKind::Ne) {
        match &a.ha_group {
            Some(g) => groups.entry(g.as_str()).or_default().push(a),
            None => singles.push(a),
        }
    }
    let networks_of = |ids: &[&str]| -> Vec<String> {
        let mut n: Vec<String> = ids
            .iter()
            .flat_map(|id| ext.get(id).into_iter().flatten())
            .map(|e| e.network.clone())
            .chain(
                m.appliances.iter().filter(|a| ids.contains(&a.id.as_str())).flat_map(|a| a.networks.iter().cloned()),
            )
            .collect();
        n.sort();
        n.dedup();
        n
    };
    let ephemeral = |ids: &[&str]| {
        ids.iter().flat_map(|id| ext.get(id).into_iter().flatten()).any(|e| e.binding == PortBinding::Ephemeral)
    };
    for (group, members) in &groups {
        let ids: Vec<&str> = members.iter().map(|a| a.id.as_str()).collect();
        let networks = networks_of(&ids);
        let mut st = base(
            StepKind::UpgradeAppliance,
            format!("Upgrade NE HA group {group} ({}) on mesh {}, standby first", ids.join(", "), m.id),
            ids.iter().map(|s| (*s).to_owned()).collect(),
            members.iter().map(|a| a.version.clone()).min(),
        );
        st.rules.push("ne-in-service-ha".into());
        if ephemeral(&ids) {
            st.rules.push("ne-ephemeral-binding".into());
        }
        st.instructions = vec![
            "in-service upgrade is not available for HA groups: upgrade the standby, switch over, then upgrade the old active".into(),
            format!("start it from the source site {}; the peer appliances upgrade at the same time", m.source).into(),
        ];
        st.impact = Impact {
            summary: format!("brief interruption at the switch-over on {} extended network(s)", networks.len()).into(),
            manager_reboot: false,
            data_plane_outage: !networks.is_empty(),
            networks,
            ne_mode: Some(NeUpgradeMode::HaStandbyFirst),
        };
        st.minutes = 45;
        st.depends_on = vec![previous.clone()];
        previous = b.push(st);
    }
    for a in singles {
        let ids = [a.id.as_str()];
        let networks = networks_of(&ids);
        let mode = if options.ne_in_service { NeUpgradeMode::InService } else { NeUpgradeMode::Standard };
        let mut st = base(
            StepKind::UpgradeAppliance,
            format!("Upgrade network extension {} on mesh {} ({mode})", a.id, m.id),
            vec![a.id.clone()],
            Some(a.version.clone()),
        );
        if ephemeral(&ids) {
            st.rules.push("ne-ephemeral-binding".into());
        }
        st.instructions = match mode {
            NeUpgradeMode::InService => vec![
                "in-service upgrade: the new appliance pair needs spare uplink and management ip addresses; bridge nics switch over, then the old appliance is deleted".into(),
                "api: POST interconnect/appliances/{id}/upgrade?method=inService".into(),
            ],
            _ => vec![
                "standard upgrade redeploys the appliance: extended networks stop forwarding until the tunnel re-converges".into(),
                "api: POST interconnect/appliances/{id}/upgrade?method=legacy".into(),
            ],
        };
        st.impact = Impact {
            summary: match mode {
                NeUpgradeMode::InService => {
                    format!("minimal interruption on {} extended network(s) at the switch-over", networks.len()).into()
                }
                _ => format!(
                    "brief layer-2 outage on {} extended network(s) while the appliance is redeployed",
                    networks.len()
                )
                .into(),
            },
            manager_reboot: false,
            data_plane_outage: !networks.is_empty(),
            networks,
            ne_mode: Some(mode),
        };
        st.depends_on = vec![previous.clone()];
        previous = b.push(st);
    }
    if !wan_opt_removed {
        for a in below(ApplianceKind::Wo) {
            let mut st = base(
                StepKind::UpgradeAppliance,
                format!("Upgrade WAN optimization {} on mesh {}", a.id, m.id),
                vec![a.id.clone()],
                Some(a.version.clone()),
            );
            st.instructions =
                vec!["Update Appliance from the source site; WAN Optimization is deprecated from 4.11.0".into()];
            st.impact = impact("migrations over this mesh run unoptimised while the appliance is redeployed", false);
            st.depends_on = vec![previous.clone()];
            previous = b.push(st);
        }
    }
    let sentinel: Vec<&crate::fleet::Appliance> = below(ApplianceKind::Sgw).chain(below(ApplianceKind::Sdr)).collect();
    if !sentinel.is_empty() {
        let ids: Vec<String> = sentinel.iter().map(|a| a.id.clone()).collect();
        let mut st = base(
            StepKind::RedeployAppliance,
            format!("Redeploy the OSAM sentinel gateway on mesh {} ({})", m.id, ids.join(", ")),
            ids,
            sentinel.iter().map(|a| a.version.clone()).min(),
        );
        st.instructions = vec![
            "sgw appliances show no update flag: redeploy the sgw, which also updates the sdr on both sites".into(),
            "api: POST interconnect/appliances/{id}/redeploy".into(),
        ];
        st.impact = impact("os assisted migrations over this mesh pause while the gateway is redeployed", true);
        st.depends_on = vec![previous.clone()];
        previous = b.push(st);
    }
    previous
}

fn manager_rollback(
    s: &SiteInfo<'_>,
    from: &HcxVersion,
    to: &HcxVersion,
    catalog: &Catalog,
    date: time::Date,
) -> Rollback {
    let postgres = *from < HcxVersion::new(4, 3, 0) && *to >= HcxVersion::new(4, 3, 0);
    if postgres {
        return Rollback {
            summary: "this hop crosses the 4.3.0 postgresql change: use the upgrade-reversal procedure (KB 87041), not snapshots".into(),
            expires_after_hours: None,
            support_request: false,
        };
    }
    if s.role == SiteRole::Cloud && s.platform == Platform::Avs {
        let hours = catalog.platform(Platform::Avs).and_then(|p| p.upgrade_snapshot.as_ref()).map(|x| x.hours);
        let _ = date;
        return Rollback {
            summary: "open an Azure support request to revert the Cloud Manager to its snapshot (automatic upgrade snapshot, or the 72 h run-command snapshot); revert the paired manager too".into(),
            expires_after_hours: hours,
            support_request: true,
        };
    }
    Rollback {
        summary: "revert the hcx manager vm to the snapshot taken before this hop, and the paired manager too; if the mesh was already upgraded, redeploy its appliances".into(),
        expires_after_hours: Some(24),
        support_request: false,
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
