//! Manager hops, round by round: right-aligned per connected group of pairs, so both ends of a pair finish
//! together; the pairings each round leaves are checked.

use super::*;

/// Rounds of manager hops, with the full-upgrade rounds a path rule asks for; returns where the plan stands.
pub(super) fn manager_rounds(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    f: &mut Findings,
    input: &mut Inputs<'_>,
    first_snapshot: &[Option<StepRef>],
) -> State {
    let sites = &cx.sites;
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
    let rounds = Rounds { component, rounds_in };
    for round in 0..max_rounds {
        let (this_round, full_round) = round_hops(b, cx, &mut state, &rounds, round, input, first_snapshot);
        let Some(after) = this_round.last().map(|&(_, id)| id) else { continue };
        for (i, id) in this_round {
            state.last_step[i] = Some(id);
            let k = round + sites[i].hops.len() - rounds.total(i);
            state.version[i] = sites[i].hops[k].to.clone();
        }
        check_pairings(f, cx, &state, &b.steps[after].id);
        full_round_pairs(b, cx, &mut state, &rounds.component, &full_round, input);
    }
    state
}

/// Each site's connected group of pairs, and how many rounds each group takes.
struct Rounds {
    component: Vec<usize>,
    rounds_in: HashMap<usize, usize>,
}

impl Rounds {
    /// The rounds of site `i`'s group.
    fn total(&self, i: usize) -> usize {
        self.rounds_in.get(&self.component[i]).copied().unwrap_or(0)
    }
}

/// The hops of one round (site and step), and the groups whose hop asks for a full upgrade.
fn round_hops(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    state: &mut State,
    rounds: &Rounds,
    round: usize,
    input: &Inputs<'_>,
    first_snapshot: &[Option<StepRef>],
) -> (Vec<(usize, StepRef)>, BTreeSet<usize>) {
    let sites = &cx.sites;
    let mut this_round: Vec<(usize, StepRef)> = Vec::with_capacity(sites.len());
    let mut full_round: BTreeSet<usize> = BTreeSet::new();
    for (i, s) in sites.iter().enumerate() {
        let offset = rounds.total(i) - s.hops.len();
        if round < offset || round - offset >= s.hops.len() {
            continue;
        }
        let k = round - offset;
        let hop = &s.hops[k];
        // Every hop after the first gets its own snapshot; the first one's is taken while preparing.
        let snapshot = if k == 0 {
            first_snapshot[i]
        } else {
            let mut snap = prepare::snapshot_step(cx, s, Phase::Managers);
            snap.title = format!("{} before {} goes to {}", snap.title, s.id, hop.to);
            snap.depends_on = state.last_step[i].iter().copied().collect();
            Some(b.push(snap))
        };
        let mut deps = if k == 0 { input.ready[i].clone() } else { Vec::new() };
        deps.extend(snapshot);
        deps.extend(state.last_step[i]);
        for &p in &s.peers {
            deps.extend(state.last_step[p]);
        }
        let mut st = manager_step(cx, s, k, snapshot.map(|r| b.id(r)));
        st.depends_on = deps;
        st.round = u32::try_from(round).ok();
        this_round.push((i, b.push(st)));
        if hop.full_upgrade && k + 1 < s.hops.len() {
            full_round.insert(rounds.component[i]);
        }
    }
    (this_round, full_round)
}

/// A hop whose rule asks for a full upgrade: the whole round (mesh and verification) before the next hop.
fn full_round_pairs(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    state: &mut State,
    component: &[usize],
    full_round: &BTreeSet<usize>,
    input: &Inputs<'_>,
) {
    if full_round.is_empty() {
        return;
    }
    for p in &cx.fleet.pairs {
        let (Some(&a), Some(&d)) = (cx.index.get(p.source.as_str()), cx.index.get(p.destination.as_str())) else {
            continue;
        };
        if !full_round.contains(&component[a]) || state.version[a] != state.version[d] {
            continue;
        }
        let label: Id = pair_label(&p.source, &p.destination).into();
        if input.pair_blocked.contains(&*label) {
            continue;
        }
        let at = state.version[a].clone();
        let meshes = input.meshes(p);
        let verify = verify::pair_round(b, cx, state, (a, d), &label, &meshes, &at, input);
        state.last_step[a] = Some(verify);
        state.last_step[d] = Some(verify);
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
    let note = hop.note.as_ref().filter(|n| s.uses_wo || !n.contains("WAN Optimization"));
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
    if let Some(n) = prepare::run_command_snapshot(cx, s) {
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
