//! The ordered steps: preparation, manager hops, convergence, mesh upgrades and verification.

use super::*;

/// Where duration estimates come from: no vendor publishes step durations.
const ESTIMATE_BASIS: &str = "hcx default (no published figure); adjust to your site";

pub(super) struct StepBuilder {
    pub(super) steps: Vec<Step>,
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
    service: Option<MeshService>,
    from: Option<HcxVersion>,
    to: Option<HcxVersion>,
    owner: Owner,
    automated: bool,
    instructions: Vec<Text>,
    impact: Impact,
    rollback: Option<Rollback>,
    rules: Vec<RuleId>,
    depends_on: Vec<Id>,
    minutes: u32,
    confidence: Option<crate::catalog::Confidence>,
    round: Option<u32>,
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
            service: None,
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
            confidence: None,
            round: None,
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
            service: s.service,
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
            round: s.round,
            confidence: s.confidence,
            action: None,
        });
        id
    }
}

fn strings(items: &[&'static str]) -> Vec<Text> {
    items.iter().map(|s| Text::Borrowed(s)).collect()
}

/// Services the plan removes from a mesh before any manager upgrade, and the rules that ask for it.
#[derive(Default)]
pub(super) struct Removal {
    pub(super) services: BTreeSet<MeshService>,
    pub(super) features: BTreeSet<String>,
    pub(super) rules: BTreeSet<RuleId>,
}

/// Where the plan stands while steps are built: each site's version and its last step, each mesh's version.
struct State {
    version: Vec<HcxVersion>,
    last_step: Vec<Option<Id>>,
    /// The release an earlier full-upgrade round brought a mesh's appliances to.
    mesh_at: HashMap<String, HcxVersion>,
}

pub(super) fn build_steps(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    f: &mut Findings,
    pair_blocked: &BTreeSet<String>,
    removals: &BTreeMap<String, Removal>,
) {
    let (fleet, sites, index, target) = (cx.fleet, &cx.sites, &cx.index, cx.target);
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
    let mut involved: Vec<bool> = sites.iter().map(|s| !s.hops.is_empty()).collect();
    for m in &mesh_work {
        for id in [&m.source, &m.destination] {
            if let Some(&i) = index.get(id.as_str()) {
                involved[i] = true;
            }
        }
    }

    let (mut ready, first_snapshot) = prepare_steps(b, cx, &involved);
    removal_steps(b, cx, removals, &mut ready);

    // Managers: hop by hop, right-aligned per connected group of pairs, so both ends of a pair finish together.
    let component = components(sites);
    let mut rounds_in: HashMap<usize, usize> = HashMap::new();
    for (i, s) in sites.iter().enumerate() {
        let e = rounds_in.entry(component[i]).or_default();
        *e = (*e).max(s.hops.len());
    }
    let max_rounds = rounds_in.values().copied().max().unwrap_or(0);
    let mut state = State {
        version: sites.iter().map(|s| s.version.clone()).collect(),
        last_step: vec![None; sites.len()],
        mesh_at: HashMap::new(),
    };
    for round in 0..max_rounds {
        let mut this_round: Vec<(usize, Id)> = Vec::with_capacity(sites.len());
        let mut full_round: BTreeSet<usize> = BTreeSet::new();
        for (i, s) in sites.iter().enumerate() {
            let n = rounds_in.get(&component[i]).copied().unwrap_or(0);
            let offset = n - s.hops.len();
            if round < offset || round - offset >= s.hops.len() {
                continue;
            }
            let k = round - offset;
            let hop = &s.hops[k];
            // Every hop after the first gets its own snapshot; the first one's is taken while preparing.
            let snapshot = if k == 0 {
                first_snapshot[i].clone()
            } else {
                let mut snap = snapshot_step(cx, s, Phase::Managers);
                snap.title = format!("{} before {} goes to {}", snap.title, s.id, hop.to);
                snap.depends_on = state.last_step[i].iter().cloned().collect();
                Some(b.push(snap))
            };
            let mut deps = if k == 0 { ready[i].clone() } else { Vec::new() };
            deps.extend(snapshot.iter().cloned());
            deps.extend(state.last_step[i].iter().cloned());
            for &p in &s.peers {
                deps.extend(state.last_step[p].iter().cloned());
            }
            let mut st = manager_step(cx, s, k, snapshot);
            st.depends_on = deps;
            st.round = u32::try_from(round).ok();
            this_round.push((i, b.push(st)));
            if hop.full_upgrade && k + 1 < s.hops.len() {
                full_round.insert(component[i]);
            }
        }
        let Some(after) = this_round.last().map(|(_, id)| id.clone()) else { continue };
        for (i, id) in this_round {
            state.last_step[i] = Some(id);
            let k = round + sites[i].hops.len() - rounds_in.get(&component[i]).copied().unwrap_or(0);
            state.version[i] = sites[i].hops[k].to.clone();
        }
        check_pairings(f, cx, &state, &after);
        // A hop whose rule asks for a full upgrade: the whole round (mesh and verification) before the next hop.
        for p in &fleet.pairs {
            let (Some(&a), Some(&d)) = (index.get(p.source.as_str()), index.get(p.destination.as_str())) else {
                continue;
            };
            if !full_round.contains(&component[a]) || state.version[a] != state.version[d] {
                continue;
            }
            let label: Id = pair_label(&p.source, &p.destination).into();
            if pair_blocked.contains(&*label) {
                continue;
            }
            let at = state.version[a].clone();
            let meshes = work_by_pair.get(&(p.source.as_str(), p.destination.as_str())).cloned().unwrap_or_default();
            let verify = pair_round(b, cx, &mut state, (a, d), &label, &meshes, &at, &ready, removals);
            state.last_step[a] = Some(verify.clone());
            state.last_step[d] = Some(verify);
        }
    }

    // Converge, mesh and verify at the target, per pair.
    for p in &fleet.pairs {
        let (Some(&a), Some(&d)) = (index.get(p.source.as_str()), index.get(p.destination.as_str())) else {
            continue;
        };
        let label: Id = pair_label(&p.source, &p.destination).into();
        let meshes = work_by_pair.get(&(p.source.as_str(), p.destination.as_str())).cloned().unwrap_or_default();
        if pair_blocked.contains(&*label) || (sites[a].hops.is_empty() && sites[d].hops.is_empty() && meshes.is_empty())
        {
            continue;
        }
        pair_round(b, cx, &mut state, (a, d), &label, &meshes, target, &ready, removals);
    }
}

/// Pre-checks, the first snapshot and the bundles of every involved site; returns what each site's first
/// manager step waits for, and that first snapshot.
fn prepare_steps(b: &mut StepBuilder, cx: &Ctx<'_>, involved: &[bool]) -> (Vec<Vec<Id>>, Vec<Option<Id>>) {
    let (catalog, sites) = (cx.catalog, &cx.sites);
    let mut ready: Vec<Vec<Id>> = vec![Vec::new(); sites.len()];
    let mut first_snapshot: Vec<Option<Id>> = vec![None; sites.len()];
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
        st.rules = vec![RuleId::ActiveMigrations];
        ready[i].push(b.push(st));
        if s.hops.is_empty() {
            continue;
        }
        let snap = b.push(snapshot_step(cx, s, Phase::Prepare));
        first_snapshot[i] = Some(snap.clone());
        ready[i].push(snap);

        let date = cx.options.date;
        let depot_gone = catalog.data().known_issues.iter().any(|k| {
            k.condition == IssueCondition::UpgradeFrom
                && k.affects.as_ref().is_some_and(|a| s.version.matches(a))
                && in_effect(k.since, date)
        });
        let needs_offline = depot_gone || *s.version >= HcxVersion::new(4, 11, 0);
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
                st.instructions.push(if depot_gone {
                    "download the bundles from the Broadcom support portal; the online depot was decommissioned".into()
                } else {
                    "download the bundles from the Broadcom support portal".into()
                });
            }
            st.instructions.push(
                "bundles are larger than 5 GB from 4.9: uploading one through the 9443 ui needs 4.8.2 or later".into(),
            );
            st.impact = no_impact("none");
            st.rules = vec![RuleId::OfflineBundle];
            st.minutes = 60;
            ready[i].push(b.push(st));
        }
    }
    (ready, first_snapshot)
}

/// A snapshot of a site's manager: the AVS run-command snapshot for an AVS Cloud Manager, else a backup and a
/// vSphere snapshot.
fn snapshot_step(cx: &Ctx<'_>, s: &SiteInfo<'_>, phase: Phase) -> NewStep {
    let catalog = cx.catalog;
    let avs = catalog.platform(s.platform);
    let mut snap = NewStep::new(phase, StepKind::Snapshot, String::new());
    snap.site = Some(s.key.clone());
    snap.pairs = s.pairs.clone();
    snap.rules = vec![RuleId::SnapshotWindow];
    snap.minutes = 15;
    snap.impact = no_impact("none");
    match run_command_snapshot(cx, s) {
        Some(n) => {
            snap.title =
                format!("Snapshot the {} Cloud Manager {} (run command, kept {} h)", s.platform, s.id, n.hours);
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
        }
        None if s.role == SiteRole::Cloud && s.platform == Platform::Avs => {
            // Before the run command, the customer could not snapshot the Cloud Manager itself.
            snap.title = format!("Confirm the snapshot of the {} Cloud Manager {} with the provider", s.platform, s.id);
            let mut ins: Vec<Text> =
                vec!["a manual snapshot or revert of the cloud manager goes through an azure support request".into()];
            if let Some(n) = avs.and_then(|p| p.upgrade_snapshot.as_ref()) {
                ins.push(
                    format!(
                        "the upgrade takes an automatic snapshot, kept {} h (sources: {})",
                        n.hours,
                        sources_of(&n.sources)
                    )
                    .into(),
                );
            }
            snap.instructions = ins;
        }
        None => {
            snap.title = format!("Back up and snapshot the HCX Manager {}", s.id);
            snap.instructions = strings(&[
                "appliance management (port 9443) > Administration > Backup: take a configuration backup and copy it off the appliance",
                "take a vSphere snapshot of the hcx manager vm (source and destination managers are both needed for a rollback)",
            ]);
        }
    }
    snap
}

/// The run-command snapshot an AVS Cloud Manager gets, when the catalog knows one.
fn run_command_snapshot<'c>(cx: &Ctx<'c>, s: &SiteInfo<'_>) -> Option<&'c crate::catalog::SnapshotFact> {
    if s.role != SiteRole::Cloud || s.platform != Platform::Avs {
        return None;
    }
    // The run command exists from its first documented date; an older plan cannot prescribe it.
    cx.catalog
        .platform(Platform::Avs)
        .and_then(|p| p.manual_snapshot.as_ref())
        .filter(|n| in_effect(n.since, cx.options.date))
}

/// One step per mesh and service that the target or a hop does not allow, before every manager upgrade at
/// both ends of the mesh.
fn removal_steps(b: &mut StepBuilder, cx: &Ctx<'_>, removals: &BTreeMap<String, Removal>, ready: &mut [Vec<Id>]) {
    let (fleet, sites, index) = (cx.fleet, &cx.sites, &cx.index);
    for m in &fleet.meshes {
        let Some(r) = removals.get(&m.id) else { continue };
        let Some(&src) = index.get(m.source.as_str()) else { continue };
        // They run after the source's checks (and one another), and gate every manager upgrade at both ends.
        let mut after: Vec<Id> = ready[src].first().cloned().into_iter().collect();
        for (n, service) in r.services.iter().enumerate() {
            let name = service_name(*service);
            let mut st =
                NewStep::new(Phase::Prepare, StepKind::RemoveService, format!("Remove {name} from mesh {}", m.id));
            st.site = Some(sites[src].key.clone());
            st.pairs = vec![pair_label(&m.source, &m.destination).into()];
            st.mesh = Some(m.id.as_str().into());
            st.service = Some(*service);
            let wo = *service == MeshService::WanOptimization;
            st.appliances =
                m.appliances.iter().filter(|a| wo && a.kind == ApplianceKind::Wo).map(|a| a.id.clone()).collect();
            st.instructions = vec![
                format!(
                    "edit the service mesh at the source site and clear the {name} service; remove it from the compute profile too"
                )
                .into(),
            ];
            if wo {
                st.instructions.push("migrations over this mesh run without WAN optimization afterwards".into());
            }
            if n + 1 == r.services.len() {
                for feature in &r.features {
                    st.instructions
                        .push(format!("if {feature} is in use, remove it as well before the upgrade").into());
                }
            }
            st.impact = no_impact(if wo {
                "the WO appliances are removed; bulk migration throughput may drop"
            } else {
                "the service is no longer offered over this mesh"
            });
            st.rollback = Some(Rollback {
                summary: "irreversible: removing a service deletes its appliances and configuration; adding it back means redeploying them on a release that still offers it".into(),
                expires_after_hours: None,
                support_request: false,
                snapshot: None,
                expires_at: None,
                irreversible: true,
            });
            st.rules = r.rules.iter().copied().collect();
            st.depends_on = after.clone();
            st.minutes = 30;
            let id = b.push(st);
            after = vec![id.clone()];
            for end in [&m.source, &m.destination] {
                if let Some(&i) = index.get(end.as_str()) {
                    ready[i].push(id.clone());
                }
            }
        }
    }
}

fn service_name(s: MeshService) -> &'static str {
    match s {
        MeshService::WanOptimization => "WAN Optimization",
        MeshService::DisasterRecovery => "Disaster Recovery",
        MeshService::NetworkExtension => "Network Extension",
        MeshService::Osam => "OS Assisted Migration",
        other => other.as_str(),
    }
}

/// The `k`-th manager hop of a site.
fn manager_step(cx: &Ctx<'_>, s: &SiteInfo<'_>, k: usize, snapshot: Option<Id>) -> NewStep {
    let (catalog, sites) = (cx.catalog, &cx.sites);
    let hop = &s.hops[k];
    // Paths are shared between sites on one release; the first hop starts from this site's own build.
    let from = if k == 0 { s.version } else { &hop.from };
    let mut st = NewStep::new(Phase::Managers, StepKind::UpgradeManager, String::new());
    let who = if s.role == SiteRole::Cloud { "Cloud Manager" } else { "Connector" };
    st.title = format!("Upgrade the HCX {who} {} from {from} to {}", s.id, hop.to);
    st.site = Some(s.key.clone());
    st.pairs = s.pairs.clone();
    st.from = Some(from.clone());
    st.to = Some(hop.to.clone());
    st.minutes = 60;
    st.confidence = Some(hop.confidence);
    st.rules = vec![RuleId::ManagersBeforeMesh, RuleId::SnapshotWindow];
    // A rule's note about WAN Optimization is noise where no mesh of the site uses it.
    let uses_wo = cx.fleet.meshes.iter().any(|m| {
        (m.source == s.id || m.destination == s.id)
            && (m.services.contains(&MeshService::WanOptimization)
                || m.appliances.iter().any(|a| a.kind == ApplianceKind::Wo))
    });
    let note = hop.note.as_ref().filter(|n| uses_wo || !n.contains("WAN Optimization"));
    let mut ins: Vec<Text> = vec![
        format!(
            "allowed by path rule {} ({}, {}){}",
            hop.rule,
            sources_of(&hop.sources),
            hop.confidence,
            note.map(|n| format!(": {n}")).unwrap_or_default()
        )
        .into(),
    ];
    if s.provider_managed {
        st.owner = Owner::Provider;
        st.rules.push(RuleId::CloudManagedByProvider);
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
    if hop.full_upgrade && k + 1 < s.hops.len() {
        ins.push(
            format!(
                "the path rule asks for a full upgrade at {}: the mesh is upgraded and verified before the next hop",
                hop.to
            )
            .into(),
        );
    }
    if s.peers.iter().any(|&p| !sites[p].hops.is_empty()) {
        ins.push("site-paired managers may be upgraded at the same time".into());
    }
    ins.push("wait until the manager answers again (log in succeeds) and reports the new version".into());
    st.instructions = ins;
    if crosses_photon(catalog, &hop.from, &hop.to) {
        st.rules.push(RuleId::PhotonMeshUpgrade);
    }
    st.impact = Impact {
        summary: "the manager reboots; no data-plane outage: existing extensions keep working, new operations wait until it is back".into(),
        manager_reboot: true,
        data_plane_outage: false,
        networks: Vec::new(),
        ne_mode: None,
    };
    st.rollback = Some(manager_rollback(cx, s, &hop.from, &hop.to, snapshot));
    st
}

/// Checks every pair after a round of manager hops: an incompatible state blocks, an unverified one warns.
/// A blocked pair is judged too: the end that can move leaves the other behind.
fn check_pairings(f: &mut Findings, cx: &Ctx<'_>, state: &State, after: &Id) {
    for p in &cx.fleet.pairs {
        let (Some(&a), Some(&d)) = (cx.index.get(p.source.as_str()), cx.index.get(p.destination.as_str())) else {
            continue;
        };
        let label = pair_label(&p.source, &p.destination);
        let (va, vd) = (&state.version[a], &state.version[d]);
        // Only states the plan creates: a pair neither of whose ends has moved is judged by the pair rules.
        if va == cx.sites[a].version && vd == cx.sites[d].version {
            continue;
        }
        let pairing = cx.catalog.can_pair(va, vd);
        match pairing.verdict {
            PairingVerdict::Incompatible => f.add_with(
                RuleId::PairingIncompatible,
                format!("pair {label} would run {va} with {vd} after step {after}, which cannot be paired"),
                &[&label],
                pairing.rule.map(|r| r.sources.clone()),
            ),
            PairingVerdict::Unknown => f.add_with(
                RuleId::PairingUnverified,
                format!(
                    "pair {label} would run {va} with {vd} after step {after}; no catalog rule says this pairing is supported ({})",
                    cx.catalog.data().pairing_unknown_note.text
                ),
                &[&label],
                Some(cx.catalog.data().pairing_unknown_note.sources.clone()),
            ),
            _ => {}
        }
    }
}

/// Convergence, the mesh upgrades to `to` and the verification of one pair; returns the verification step.
#[allow(clippy::too_many_arguments, reason = "the round's inputs; grouping them would only rename them")]
fn pair_round(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    state: &mut State,
    (a, d): (usize, usize),
    label: &Id,
    meshes: &[&ServiceMesh],
    to: &HcxVersion,
    ready: &[Vec<Id>],
    removals: &BTreeMap<String, Removal>,
) -> Id {
    let sites = &cx.sites;
    let mut st = NewStep::new(
        Phase::Converge,
        StepKind::WaitConvergence,
        format!("Wait until both managers of {label} run {to} and services converge"),
    );
    st.site = Some(sites[a].key.clone());
    st.pairs = vec![label.clone()];
    st.to = Some(to.clone());
    st.automated = true;
    st.instructions = strings(&[
        "both managers report the same version; interconnect and services are back to a fully converged state",
        "site pair and service mesh status healthy (no out-of-sync components)",
    ]);
    st.impact = no_impact("none");
    st.rules = vec![RuleId::PairedManagersSameVersion];
    let mut deps: Vec<Id> = Vec::new();
    for i in [a, d] {
        match &state.last_step[i] {
            Some(x) => deps.push(x.clone()),
            None => deps.extend(ready[i].iter().cloned()),
        }
    }
    st.depends_on = deps;
    let mut previous = b.push(st);
    for m in meshes {
        let at = state.mesh_at.get(&m.id).cloned();
        let removed = removals.get(&m.id).map(|r| &r.services);
        previous = mesh_steps(b, cx, m, label, previous, to, at.as_ref(), removed);
        state.mesh_at.insert(m.id.clone(), to.clone());
    }
    let mut st = NewStep::new(Phase::Verify, StepKind::Verify, format!("Verify {label} at {to}"));
    st.site = Some(sites[a].key.clone());
    st.pairs = vec![label.clone()];
    st.to = Some(to.clone());
    st.automated = true;
    st.instructions = strings(&[
        "every manager and appliance of the pair reports the target version",
        "all service mesh appliances show tunnels up; extended networks pass traffic",
        "run a small test migration before releasing the window",
    ]);
    st.impact = no_impact("none");
    st.depends_on = vec![previous];
    b.push(st)
}

#[allow(clippy::too_many_arguments, reason = "the mesh round's inputs")]
fn mesh_steps(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    m: &ServiceMesh,
    label: &Id,
    mut previous: Id,
    to: &HcxVersion,
    at: Option<&HcxVersion>,
    removed: Option<&BTreeSet<MeshService>>,
) -> Id {
    let (catalog, options, ext) = (cx.catalog, cx.options, &cx.ext);
    // An earlier full-upgrade round may have brought the appliances up already.
    let now = |a: &crate::fleet::Appliance| -> HcxVersion {
        match at {
            Some(v) if *v > a.version => v.clone(),
            _ => a.version.clone(),
        }
    };
    let photon = m.appliances.iter().any(|a| crosses_photon(catalog, &now(a), to));
    let source: Id =
        cx.index.get(m.source.as_str()).map_or_else(|| m.source.as_str().into(), |&i| cx.sites[i].key.clone());
    let mesh_id: Id = m.id.as_str().into();
    let rollback = Rollback {
        summary: "appliances are not downgraded: revert both managers from their snapshots, then redeploy every appliance of the mesh (third-party guidance, T-VCF91)".into(),
        expires_after_hours: None,
        support_request: cx.mesh_sites(m).any(|s| s.provider_managed),
        snapshot: None,
        expires_at: None,
        irreversible: false,
    };
    let below = move |k: ApplianceKind| m.appliances.iter().filter(move |a| a.kind == k && now(a) < *to);
    let base = |kind: StepKind, title: String, appliances: Vec<String>, from: Option<HcxVersion>| {
        let mut st = NewStep::new(Phase::Mesh, kind, title);
        st.site = Some(source.clone());
        st.pairs = vec![label.clone()];
        st.mesh = Some(mesh_id.clone());
        st.appliances = appliances;
        st.from = from;
        st.to = Some(to.clone());
        st.automated = true;
        st.rules = vec![RuleId::MeshFromSource];
        if photon {
            st.rules.push(RuleId::PhotonMeshUpgrade);
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
            Some(now(a)),
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
            members.iter().map(|a| now(a)).min(),
        );
        st.rules.push(RuleId::NeInServiceHa);
        if ephemeral(&ids) {
            st.rules.push(RuleId::NeEphemeralBinding);
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
            Some(now(a)),
        );
        if ephemeral(&ids) {
            st.rules.push(RuleId::NeEphemeralBinding);
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
    if !removed.is_some_and(|r| r.contains(&MeshService::WanOptimization)) {
        for a in below(ApplianceKind::Wo) {
            let mut st = base(
                StepKind::UpgradeAppliance,
                format!("Upgrade WAN optimization {} on mesh {}", a.id, m.id),
                vec![a.id.clone()],
                Some(now(a)),
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
            sentinel.iter().map(|a| now(a)).min(),
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

/// How to undo a manager hop: revert to the snapshot taken before it (or KB 87041 across the PostgreSQL move).
fn manager_rollback(
    cx: &Ctx<'_>,
    s: &SiteInfo<'_>,
    from: &HcxVersion,
    to: &HcxVersion,
    snapshot: Option<Id>,
) -> Rollback {
    let catalog = cx.catalog;
    // The catalog dates the PostgreSQL move (4.3.0), after which snapshots are not the way back.
    let postgres = catalog.data().changes.iter().find(|c| c.id == "postgresql-db").map(|c| &c.at);
    if postgres.is_some_and(|at| from < at && to >= at) {
        return Rollback {
            summary: "this hop crosses the 4.3.0 postgresql change: use the upgrade-reversal procedure (KB 87041), not snapshots".into(),
            expires_after_hours: None,
            support_request: false,
            snapshot: None,
            expires_at: None,
            irreversible: false,
        };
    }
    let at = snapshot.as_deref().map(|id| format!(" {id}")).unwrap_or_default();
    if let Some(n) = run_command_snapshot(cx, s) {
        return Rollback {
            summary: format!("open an Azure support request to revert the Cloud Manager to the run-command snapshot{at} (kept {} h; the upgrade's automatic snapshot is kept 24 h); revert the paired manager too", n.hours).into(),
            expires_after_hours: Some(n.hours),
            support_request: true,
            snapshot,
            expires_at: None,
            irreversible: false,
        };
    }
    if s.role == SiteRole::Cloud && s.platform == Platform::Avs {
        let hours = catalog.platform(Platform::Avs).and_then(|p| p.upgrade_snapshot.as_ref()).map(|n| n.hours);
        return Rollback {
            summary: "open an Azure support request to revert the Cloud Manager to the upgrade's automatic snapshot; revert the paired manager too".into(),
            expires_after_hours: hours,
            support_request: true,
            snapshot: None,
            expires_at: None,
            irreversible: false,
        };
    }
    Rollback {
        summary: format!("revert the hcx manager vm to the snapshot{at} taken before this hop, and the paired manager too; if the mesh was already upgraded, redeploy its appliances").into(),
        // A vSphere snapshot the operator takes lasts until it is deleted.
        expires_after_hours: None,
        support_request: false,
        snapshot,
        expires_at: None,
        irreversible: false,
    }
}
