//! The named rules, run over the fleet: every finding with its subjects, remediation and sources.

use super::*;

/// The order findings are reported in: severity, then rule id, then message.
fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Blocker => 0,
        Severity::Warning => 1,
        _ => 2,
    }
}

/// Collects findings, grouping the subjects of findings that say the same thing.
///
/// Findings are told apart by severity, rule and message; the index holds only a hash of the three and
/// the position of the first finding with it (the message itself is kept once, in the finding). Large
/// fleets produce tens of thousands of findings: they are sorted once, at the end.
#[derive(Default)]
pub(super) struct Findings {
    index: HashMap<u64, usize>,
    /// Each finding, the next one whose key has the same hash, and the set of its subjects once it has
    /// many (a set keeps grouping linear).
    list: Vec<(Finding, Option<usize>, HashSet<String>)>,
}

impl Findings {
    /// A finding at the rule's default severity, with the rule's sources.
    pub(super) fn add(&mut self, rule: RuleId, message: String, subjects: &[&str]) {
        self.push(rule, rule.severity(), message, subjects, None);
    }

    /// As [`Findings::add_with`]; returns where the finding is, to name more subjects later.
    fn add_indexed(&mut self, rule: RuleId, message: String, subjects: &[&str], sources: Option<Vec<String>>) -> usize {
        self.push(rule, rule.severity(), message, subjects, sources)
    }

    /// A finding at the rule's default severity, with the sources of the facts it rests on.
    pub(super) fn add_with(&mut self, rule: RuleId, message: String, subjects: &[&str], sources: Option<Vec<String>>) {
        self.push(rule, rule.severity(), message, subjects, sources);
    }

    /// A finding at another severity the rule declares in its `escalations`.
    pub(super) fn escalate(&mut self, rule: RuleId, severity: Severity, message: String, subjects: &[&str]) {
        self.escalate_with(rule, severity, message, subjects, None);
    }

    /// As [`Findings::escalate`], with the sources of the facts it rests on.
    pub(super) fn escalate_with(
        &mut self,
        rule: RuleId,
        severity: Severity,
        message: String,
        subjects: &[&str],
        sources: Option<Vec<String>>,
    ) {
        // An undeclared severity is a planner bug: fall back to the table's rather than report a false one.
        let severity = if rule.rule().escalations.contains(&severity) { severity } else { rule.severity() };
        self.push(rule, severity, message, subjects, sources);
    }

    /// The finding with this key, if one was added.
    fn find(&self, hash: u64, severity: Severity, rule: RuleId, message: &str) -> Option<usize> {
        let mut at = self.index.get(&hash).copied();
        while let Some(i) = at {
            let (f, next, _) = &self.list[i];
            if f.rule == rule && f.severity == severity && f.message == message {
                return Some(i);
            }
            at = *next;
        }
        None
    }

    fn push(
        &mut self,
        rule: RuleId,
        severity: Severity,
        message: String,
        subjects: &[&str],
        sources: Option<Vec<String>>,
    ) -> usize {
        let hash = self.index.hasher().hash_one((rank(severity), rule.as_str(), message.as_str()));
        let at = match self.find(hash, severity, rule, &message) {
            Some(i) => i,
            None => {
                let info = rule.rule();
                let sources = match sources {
                    Some(list) => list.into_iter().map(Text::Owned).collect(),
                    None => info.sources.iter().map(|s| Text::Borrowed(*s)).collect(),
                };
                let finding = Finding {
                    rule,
                    severity,
                    message,
                    subjects: Vec::new(),
                    remediation: Text::Borrowed(info.remediation),
                    sources,
                    acknowledged: false,
                };
                let next = self.index.insert(hash, self.list.len());
                self.list.push((finding, next, HashSet::new()));
                self.list.len() - 1
            }
        };
        self.subjects(at, subjects);
        at
    }

    /// Adds subjects to the finding at `at` (as [`Findings::add`] returned it), each once.
    fn subjects(&mut self, at: usize, subjects: &[&str]) {
        let (f, _, seen) = &mut self.list[at];
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

    /// The findings, blockers first, with the acknowledgements applied.
    ///
    /// `RULE` acknowledges the rule everywhere; `RULE:SUBJECT` one site, pair, mesh or appliance: a finding is
    /// acknowledged when every one of its subjects is.
    pub(super) fn into_sorted(self, ack: &[Ack]) -> Vec<Finding> {
        let mut list: Vec<Finding> = self.list.into_iter().map(|(f, _, _)| f).collect();
        // Keys are unique, so an unstable sort gives one order.
        list.sort_unstable_by(|a, b| {
            (rank(a.severity), a.rule.as_str(), &a.message).cmp(&(rank(b.severity), b.rule.as_str(), &b.message))
        });
        list.into_iter()
            .map(|mut f| {
                let everywhere = ack.iter().any(|a| a.rule == f.rule && a.subject.is_none());
                let each = !f.subjects.is_empty()
                    && f.subjects
                        .iter()
                        .all(|s| ack.iter().any(|a| a.rule == f.rule && a.subject.as_deref() == Some(s.as_str())));
                f.acknowledged = everywhere || each;
                f
            })
            .collect()
    }
}

/// One `--ack RULE-ID[:SUBJECT]`.
pub(super) struct Ack {
    pub(super) rule: RuleId,
    pub(super) subject: Option<String>,
}

impl Ack {
    /// Parses `RULE-ID` or `RULE-ID:SUBJECT`.
    pub(super) fn parse(text: &str) -> Result<Self, PlanError> {
        let (rule, subject) = match text.split_once(':') {
            Some((r, s)) => (r, Some(s.to_owned())),
            None => (text, None),
        };
        let rule = rule.parse::<RuleId>().map_err(|_| PlanError::UnknownRule { id: rule.to_owned() })?;
        Ok(Self { rule, subject })
    }
}

/// Rules about each manager: floor, downgrade, unknown release, path, support, issues, advisories, ownership.
pub(super) fn site_findings(
    f: &mut Findings,
    cx: &Ctx<'_>,
    paths: &HashMap<HcxVersion, Result<UpgradePath, PathError>>,
    topology: Topology,
) {
    // Sites by running release: support is judged once per release, naming its sites.
    let mut by_release: BTreeMap<&HcxVersion, Vec<&str>> = BTreeMap::new();
    // The stepping-stone issues of each running release's path, worded once per release.
    let mut stones: HashMap<&HcxVersion, Vec<usize>> = HashMap::new();
    for s in &cx.sites {
        path_finding(f, cx, paths, s);
        by_release.entry(s.version).or_default().push(s.id);
        if !s.hops.is_empty() {
            let found = stones.entry(s.version).or_insert_with(|| stone_issues(f, cx, s, topology));
            for &at in found.iter() {
                f.subjects(at, &[s.id]);
            }
            upgrade_findings(f, cx, s);
        }
    }
    for (v, ids) in &by_release {
        support_finding(f, cx.catalog, v, ids, cx.options.date);
    }
    target_findings(f, cx, topology);
}

/// What the site's path says: a floor, a downgrade, an unknown release, a forbidden or missing route.
fn path_finding(
    f: &mut Findings,
    cx: &Ctx<'_>,
    paths: &HashMap<HcxVersion, Result<UpgradePath, PathError>>,
    s: &SiteInfo<'_>,
) {
    let (catalog, target) = (cx.catalog, cx.target);
    match paths.get(s.version) {
        Some(Err(PathError::RedeployRequired { floor, sources, .. })) => f.add_with(
            RuleId::RedeployRequired,
            format!("{} runs {}, below {floor}: it cannot be upgraded and must be redeployed", s.id, s.version),
            &[s.id],
            Some(sources.clone()),
        ),
        Some(Err(PathError::Downgrade { .. })) => {
            f.add(RuleId::Downgrade, format!("{} runs {}, newer than the target {target}", s.id, s.version), &[s.id])
        }
        Some(Err(PathError::UnknownRelease { .. })) => f.escalate(
            RuleId::UnknownRelease,
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
            RuleId::UnsupportedPath,
            format!("{} cannot go from {} to {target}: {} (rule {})", s.id, s.version, route.reason, route.rule),
            &[s.id],
            Some(route.sources.clone()),
        ),
        Some(Err(_)) => f.add(
            RuleId::UnsupportedPath,
            format!("no documented upgrade path from {} to {target} for {}", s.version, s.id),
            &[s.id],
        ),
        Some(Ok(path)) => {
            if let Some(u) = &path.uncataloged {
                f.add_with(RuleId::UncatalogedRelease, format!("{}: {u}", s.id), &[s.id], Some(u.sources.clone()));
            }
        }
        None => {}
    }
}

/// The known issues of the stepping stones on a site's path (the target's are reported once, elsewhere);
/// returns the findings, without the site as a subject.
fn stone_issues(f: &mut Findings, cx: &Ctx<'_>, s: &SiteInfo<'_>, topology: Topology) -> Vec<usize> {
    let mut found = Vec::new();
    for hop in &s.hops[..s.hops.len() - 1] {
        for k in &cx.catalog.data().known_issues {
            if k.affects.as_ref().is_some_and(|a| hop.to.matches(a)) && applies(k.condition, topology) {
                found.push(f.add_indexed(
                    RuleId::KnownIssue,
                    format!("stepping stone {} has known issue {}: {}; {}", hop.to, k.id, k.title, k.advice),
                    &[],
                    Some(k.sources.clone()),
                ));
            }
        }
    }
    found
}

/// Rules about a site that is upgraded: a decommissioned depot, provider ownership, the Photon OS change.
fn upgrade_findings(f: &mut Findings, cx: &Ctx<'_>, s: &SiteInfo<'_>) {
    let (catalog, target, date) = (cx.catalog, cx.target, cx.options.date);
    for k in &catalog.data().known_issues {
        if k.condition == IssueCondition::UpgradeFrom
            && k.affects.as_ref().is_some_and(|a| s.version.matches(a))
            && in_effect(k.since, date)
        {
            f.add_with(
                RuleId::OfflineBundle,
                format!("{} ({}): {}; {}", s.id, s.version, k.title, k.advice),
                &[s.id],
                Some(k.sources.clone()),
            );
        }
    }
    if s.provider_managed {
        if let Some(o) = catalog.provider_upgrades_cloud(s.platform, date) {
            f.add_with(
                RuleId::CloudManagedByProvider,
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
            RuleId::PhotonMeshUpgrade,
            format!(
                "{} crosses 4.4.0 ({} to {target}): every service mesh appliance of its pairs must be upgraded",
                s.id, s.version
            ),
            &[s.id],
        );
    }
}

/// Target-wide rules, raised once: its support, its known issues, its advisories.
fn target_findings(f: &mut Findings, cx: &Ctx<'_>, topology: Topology) {
    let (catalog, target, date) = (cx.catalog, cx.target, cx.options.date);
    let ts = catalog.support_status(target, date);
    if matches!(ts.state, SupportState::OutOfSupport | SupportState::Disputed) {
        let sev = if ts.state == SupportState::OutOfSupport { Severity::Blocker } else { Severity::Warning };
        let facts = ts
            .facts
            .iter()
            .map(|l| format!("{} per {}", l.end_of_support, sources_of(&l.sources)))
            .collect::<Vec<_>>()
            .join(" vs ");
        f.escalate(
            RuleId::EndOfSupport,
            sev,
            format!("the target {target} is out of support on {date} ({facts})"),
            &[],
        );
    }
    for k in &catalog.data().known_issues {
        if k.affects.as_ref().is_some_and(|a| target.matches(a)) && applies(k.condition, topology) {
            f.add_with(
                RuleId::KnownIssue,
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
            RuleId::SecurityAdvisory,
            format!("the target {target} is exposed to {} ({}): {}; {fix}", a.id, a.cves.join(", "), a.summary),
            &[],
            Some(a.sources.clone()),
        );
    }
}

/// End of support of a running release, naming the sites that run it.
fn support_finding(f: &mut Findings, catalog: &Catalog, v: &HcxVersion, ids: &[&str], date: time::Date) {
    let status = catalog.support_status(v, date);
    const SHOWN: usize = 5;
    let mut who = ids.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
    if ids.len() > SHOWN {
        who.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    let run = if ids.len() == 1 { "runs" } else { "run" };
    match status.state {
        SupportState::OutOfSupport => {
            let dates = status
                .facts
                .iter()
                .map(|l| format!("{} per {} ({})", l.end_of_support, sources_of(&l.sources), l.confidence))
                .collect::<Vec<_>>()
                .join(" vs ");
            f.add(
                RuleId::EndOfSupport,
                format!("{who} {run} {v}, which is out of support on {date} (end of support {dates})"),
                ids,
            );
        }
        SupportState::Disputed => {
            let dates = status
                .facts
                .iter()
                .map(|l| format!("{} ({}, {})", l.end_of_support, sources_of(&l.sources), l.confidence))
                .collect::<Vec<_>>()
                .join(" or from ");
            f.add(
                RuleId::EndOfSupport,
                format!("{who} {run} {v}; sources disagree: out of support from {dates} (plan date {date})"),
                ids,
            );
        }
        _ => {}
    }
}

/// Pair rules; returns the pairs whose mesh work cannot be planned (an end cannot reach the target).
pub(super) fn pair_findings(f: &mut Findings, cx: &Ctx<'_>) -> BTreeSet<String> {
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
                RuleId::PairingIncompatible,
                format!("pair {label} runs {} with {}, which cannot be paired", sa.version, sb.version),
                &[&label],
                pairing.rule.map(|r| r.sources.clone()),
            );
        }
        if sa.version != sb.version {
            f.add(
                RuleId::PairedManagersSameVersion,
                format!(
                    "pair {label} runs {} and {}: its mesh upgrade waits until both managers reach {target} and services converge",
                    sa.version, sb.version
                ),
                &[&label],
            );
        }
    }
    blocked
}

pub(super) fn transfer_findings(f: &mut Findings, fleet: &Fleet) {
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
            RuleId::ActiveMigrations,
            format!(
                "{} in flight: {}",
                if active.len() == 1 { "1 transfer is" } else { "transfers are" },
                active.join(", ")
            ),
            &ids,
        );
    }
}

/// Whether a mesh uses a service (listed, or with appliances of it).
pub(super) fn mesh_uses(m: &ServiceMesh, service: MeshService) -> bool {
    m.services.contains(&service)
        || (service == MeshService::WanOptimization && m.appliances.iter().any(|a| a.kind == ApplianceKind::Wo))
}

/// WAN Optimization in use and a 4.x target that drops it; records the meshes whose WO service the plan removes.
pub(super) fn wan_opt_findings(f: &mut Findings, cx: &Ctx<'_>, removals: &mut BTreeMap<String, Removal>) {
    let (fleet, catalog, target) = (cx.fleet, cx.catalog, cx.target);
    // 9.x targets: the path rules say what to remove (`service_removal_findings`); WO comes back in 9.1.
    if target.major() >= 9 {
        return;
    }
    for m in &fleet.meshes {
        if !mesh_uses(m, MeshService::WanOptimization) {
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
        if !drops.is_empty() {
            let r = removals.entry(m.id.clone()).or_default();
            r.services.insert(MeshService::WanOptimization);
            r.rules.insert(RuleId::WanOptRemoved);
            let said = drops
                .iter()
                .map(|d| format!("{} in {} per {} ({})", d.status, d.since, sources_of(&d.sources), d.confidence))
                .collect::<Vec<_>>()
                .join("; ");
            f.add_with(
                RuleId::WanOptRemoved,
                format!("mesh {} uses WAN Optimization, which the target {target} drops ({said}); the plan removes it first", m.id),
                &[&m.id],
                Some(drops.iter().flat_map(|d| d.sources.clone()).collect::<BTreeSet<_>>().into_iter().collect()),
            );
        } else if let Some(d) = effective.first() {
            f.escalate_with(
                RuleId::WanOptRemoved,
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
}

/// Services in use that a hop of either end's path says must be removed first (4.11 to 9.x).
pub(super) fn service_removal_findings(f: &mut Findings, cx: &Ctx<'_>, removals: &mut BTreeMap<String, Removal>) {
    for m in &cx.fleet.meshes {
        let mut asked: BTreeMap<MeshService, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
        let mut features: BTreeSet<&str> = BTreeSet::new();
        for s in cx.mesh_sites(m) {
            for hop in s.hops {
                let Some(r) = &hop.remove_first else { continue };
                features.extend(r.features.iter().map(String::as_str));
                for svc in r.services.iter().filter(|svc| mesh_uses(m, **svc)) {
                    let e = asked.entry(*svc).or_default();
                    e.0.insert(&hop.rule);
                    e.1.extend(r.sources.iter().map(String::as_str));
                }
            }
        }
        if asked.is_empty() {
            continue;
        }
        let r = removals.entry(m.id.clone()).or_default();
        r.rules.insert(RuleId::ServiceRemovedInTarget);
        r.features.extend(features.iter().map(|x| (*x).to_owned()));
        let mut sources: BTreeSet<String> = BTreeSet::new();
        let mut said = Vec::new();
        for (svc, (rules, srcs)) in &asked {
            r.services.insert(*svc);
            sources.extend(srcs.iter().map(|x| (*x).to_owned()));
            said.push(format!(
                "{} (rule {}, sources: {})",
                svc,
                rules.iter().copied().collect::<Vec<_>>().join(", "),
                srcs.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
        f.add_with(
            RuleId::ServiceRemovedInTarget,
            format!(
                "mesh {} uses {}, which must be removed from the compute profile and the mesh before the upgrade to {}; the plan removes it first",
                m.id,
                said.join(" and "),
                cx.target
            ),
            &[&m.id],
            Some(sources.into_iter().collect()),
        );
    }
}

/// Hops allowed only by weak evidence: a warning, or a blocker below `--min-confidence`.
pub(super) fn evidence_findings(f: &mut Findings, cx: &Ctx<'_>) {
    let rank = |c: Confidence| match c {
        Confidence::Confirmed => 0,
        Confidence::Secondary => 1,
        Confidence::ThirdParty => 2,
        _ => 3,
    };
    let floor = cx.options.min_confidence;
    for s in &cx.sites {
        for hop in s.hops {
            let weak = rank(hop.confidence) >= rank(Confidence::ThirdParty);
            let below = floor.is_some_and(|m| rank(hop.confidence) > rank(m));
            if !weak && !below {
                continue;
            }
            let message = format!(
                "the hop to {} rests on path rule {} ({}, sources: {})",
                hop.to,
                hop.rule,
                hop.confidence,
                sources_of(&hop.sources)
            );
            let sources = Some(hop.sources.clone());
            match floor {
                Some(m) if below => f.escalate_with(
                    RuleId::WeakEvidence,
                    Severity::Blocker,
                    format!("{message}, weaker than the required {m}"),
                    &[s.id],
                    sources,
                ),
                _ => f.add_with(RuleId::WeakEvidence, message, &[s.id], sources),
            }
        }
    }
}

/// A provider-owned manager whose target its platform does not offer.
pub(super) fn platform_findings(f: &mut Findings, cx: &Ctx<'_>) {
    for s in cx.sites.iter().filter(|s| s.provider_managed && !s.hops.is_empty()) {
        let Some(offered) = cx.catalog.offered(s.platform) else { continue };
        if offered.versions.iter().any(|v| v == cx.target) {
            continue;
        }
        f.add_with(
            RuleId::PlatformUnsupportedTarget,
            format!(
                "{} does not offer {} for the provider-owned cloud manager {} (it has offered {}; {})",
                s.platform,
                cx.target,
                s.id,
                offered.versions.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                offered.confidence
            ),
            &[s.id],
            Some(offered.sources.clone()),
        );
    }
}

/// Mesh rules: source-initiated upgrades, NE HA and bindings, appliance versions.
pub(super) fn mesh_findings(f: &mut Findings, cx: &Ctx<'_>) {
    let (fleet, target) = (cx.fleet, cx.target);
    let mut upgraded_meshes = Vec::with_capacity(fleet.meshes.len());
    for m in &fleet.meshes {
        appliance_version_findings(f, cx, m);
        if !m.appliances.iter().any(|a| a.version < *target) {
            continue;
        }
        upgraded_meshes.push(m.id.as_str());
        photon_mesh_finding(f, cx, m);
        ne_ha_finding(f, cx, m);
        ne_ha_unknown_finding(f, cx, m);
        binding_findings(f, cx, m);
    }
    if !upgraded_meshes.is_empty() {
        f.add(
            RuleId::MeshFromSource,
            "service mesh upgrades are started from each mesh's source site; the peer appliances upgrade at the same time".into(),
            &upgraded_meshes,
        );
    }
}

/// Appliances newer than the target, or on a release the catalog does not know.
fn appliance_version_findings(f: &mut Findings, cx: &Ctx<'_>, m: &ServiceMesh) {
    let (catalog, target) = (cx.catalog, cx.target);
    for a in &m.appliances {
        if a.version > *target {
            f.add(
                RuleId::Downgrade,
                format!("appliance {} of mesh {} runs {}, newer than the target {target}", a.id, m.id, a.version),
                &[&a.id],
            );
        }
        if !catalog.is_known(&a.version) {
            f.add(
                RuleId::UnknownRelease,
                format!("appliance {} of mesh {} runs {}, which the catalog does not know", a.id, m.id, a.version),
                &[&a.id],
            );
        }
    }
}

/// A mesh whose upgrade crosses the Photon OS change: every appliance is upgraded.
fn photon_mesh_finding(f: &mut Findings, cx: &Ctx<'_>, m: &ServiceMesh) {
    if cx.mesh_crosses_photon(m) {
        let all: Vec<&str> = m.appliances.iter().map(|a| a.id.as_str()).collect();
        f.add(
            RuleId::PhotonMeshUpgrade,
            format!(
                "mesh {} crosses 4.4.0 (Photon OS): all of its appliances must be upgraded: {}",
                m.id,
                all.join(", ")
            ),
            &all,
        );
    }
}

/// NE appliances upgraded on a mesh whose HA group membership discovery could not read: none is planned
/// In-Service, and the membership has to be checked.
fn ne_ha_unknown_finding(f: &mut Findings, cx: &Ctx<'_>, m: &ServiceMesh) {
    if !m.ha_groups_unknown {
        return;
    }
    let ne: Vec<&str> = m
        .appliances
        .iter()
        .filter(|a| a.kind == ApplianceKind::Ne && a.version < *cx.target)
        .map(|a| a.id.as_str())
        .collect();
    if ne.is_empty() {
        return;
    }
    let asked = if cx.options.ne_in_service { "In-Service was asked for but is refused: " } else { "" };
    f.escalate(
        RuleId::NeInServiceHa,
        Severity::Warning,
        format!(
            "mesh {}: the NE HA group membership could not be read at discovery, so {} may be in an HA group; {asked}the Standard upgrade is planned for them; check which NE appliances of the mesh are in an HA group (GET /hybridity/api/interconnect/appliances/ha/groups?serviceMeshId={}) and set `ha_group` on them in the fleet (then remove `ha_groups_unknown`), or discover again",
            m.id,
            ne.join(", "),
            m.id
        ),
        &ne,
    );
}

/// NE HA groups upgrade standby first, never in service.
fn ne_ha_finding(f: &mut Findings, cx: &Ctx<'_>, m: &ServiceMesh) {
    let (target, options) = (cx.target, cx.options);
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
        let extra =
            if options.ne_in_service { " (In-Service was asked for; it is used only outside HA groups)" } else { "" };
        f.add(
            RuleId::NeInServiceHa,
            format!(
                "mesh {}: NE HA group{} {} upgrade standby first, then switch over, then the old active{extra}",
                m.id,
                if groups.len() == 1 { "" } else { "s" },
                groups.iter().copied().collect::<Vec<_>>().join(", ")
            ),
            &members,
        );
    }
}

/// Extended networks on ephemeral or unknown port bindings, on appliances that are upgraded.
fn binding_findings(f: &mut Findings, cx: &Ctx<'_>, m: &ServiceMesh) {
    let (target, ext) = (cx.target, &cx.ext);
    let upgraded = m.appliances.iter().filter(|a| a.version < *target);
    let mut unknown: Vec<&str> = Vec::new();
    for e in upgraded.flat_map(|a| ext.get(a.id.as_str()).into_iter().flatten()) {
        if e.binding == PortBinding::Unknown {
            unknown.push(&e.network);
        }
        if e.binding == PortBinding::Ephemeral {
            f.add(
                RuleId::NeEphemeralBinding,
                format!(
                    "extended network {} on {} (mesh {}) uses an ephemeral port group: the NE upgrade would fail",
                    e.network, e.appliance, m.id
                ),
                &[&e.network, &e.appliance],
            );
        }
    }
    if !unknown.is_empty() {
        f.escalate(
            RuleId::NeEphemeralBinding,
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
