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
            action: None,
        });
        id
    }
}

fn strings(items: &[&'static str]) -> Vec<Text> {
    items.iter().map(|s| Text::Borrowed(s)).collect()
}

pub(super) fn build_steps(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    pair_blocked: &BTreeSet<String>,
    wan_opt_dropped: &BTreeSet<String>,
) {
    let (fleet, catalog, sites, index, target) = (cx.fleet, cx.catalog, &cx.sites, &cx.index, cx.target);
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
        st.rules = vec![RuleId::ActiveMigrations];
        ready[i].push(b.push(st));
        if s.hops.is_empty() {
            continue;
        }
        let avs = catalog.platform(s.platform);
        let mut snap = NewStep::new(Phase::Prepare, StepKind::Snapshot, String::new());
        snap.site = Some(s.key.clone());
        snap.pairs = s.pairs.clone();
        snap.rules = vec![RuleId::SnapshotWindow];
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
            st.rules = vec![RuleId::OfflineBundle];
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
        st.service = Some(MeshService::WanOptimization);
        st.instructions = strings(&[
            "edit the service mesh at the source site and clear the WAN Optimization service; remove it from the compute profile too",
            "migrations over this mesh run without WAN optimization afterwards",
        ]);
        st.impact = no_impact("the WO appliances are removed; bulk migration throughput may drop");
        st.rules = vec![RuleId::WanOptRemoved];
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
            st.rules = vec![RuleId::ManagersBeforeMesh, RuleId::SnapshotWindow];
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
            st.rollback = Some(manager_rollback(s, &hop.from, &hop.to, catalog));
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
        st.rules = vec![RuleId::PairedManagersSameVersion];
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
            Some(a.version.clone()),
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

fn manager_rollback(s: &SiteInfo<'_>, from: &HcxVersion, to: &HcxVersion, catalog: &Catalog) -> Rollback {
    // The catalog dates the PostgreSQL move (4.3.0), after which snapshots are not the way back.
    let postgres = catalog.data().changes.iter().find(|c| c.id == "postgresql-db").map(|c| &c.at);
    if postgres.is_some_and(|at| from < at && to >= at) {
        return Rollback {
            summary: "this hop crosses the 4.3.0 postgresql change: use the upgrade-reversal procedure (KB 87041), not snapshots".into(),
            expires_after_hours: None,
            support_request: false,
        };
    }
    if s.role == SiteRole::Cloud && s.platform == Platform::Avs {
        let hours = catalog.platform(Platform::Avs).and_then(|p| p.upgrade_snapshot.as_ref()).map(|x| x.hours);
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
