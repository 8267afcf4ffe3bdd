//! One mesh's appliance upgrades to a release: interconnect first, then network extension (HA groups as
//! one step), WAN optimization and the OSAM sentinel gateway, each after the one before.

use super::*;
use crate::fleet::Appliance;

/// What every step of one mesh's upgrade shares.
struct MeshRound<'a> {
    cx: &'a Ctx<'a>,
    m: &'a ServiceMesh,
    label: &'a Id,
    to: &'a HcxVersion,
    /// The release an earlier full-upgrade round brought the appliances to.
    at: Option<&'a HcxVersion>,
    photon: bool,
    source: Id,
    mesh_id: Id,
    rollback: Rollback,
}

impl<'a> MeshRound<'a> {
    fn new(cx: &'a Ctx<'a>, m: &'a ServiceMesh, label: &'a Id, to: &'a HcxVersion, at: Option<&'a HcxVersion>) -> Self {
        let source: Id =
            cx.index.get(m.source.as_str()).map_or_else(|| m.source.as_str().into(), |&i| cx.sites[i].key.clone());
        let rollback = Rollback {
            summary: "appliances are not downgraded: revert both managers from their snapshots, then redeploy every appliance of the mesh (third-party guidance, T-VCF91)".into(),
            expires_after_hours: None,
            support_request: cx.mesh_sites(m).any(|s| s.provider_managed),
            snapshot: None,
            expires_at: None,
            irreversible: false,
        };
        let mut round = Self { cx, m, label, to, at, photon: false, source, mesh_id: m.id.as_str().into(), rollback };
        round.photon = m.appliances.iter().any(|a| crosses_photon(cx.catalog, round.now(a), to));
        round
    }

    /// The version an appliance runs at this point of the plan.
    fn now<'x>(&'x self, a: &'x Appliance) -> &'x HcxVersion {
        match self.at {
            Some(v) if *v > a.version => v,
            _ => &a.version,
        }
    }

    /// The appliances of a kind still below the release.
    fn below(&self, k: ApplianceKind) -> impl Iterator<Item = &'a Appliance> + '_ {
        self.m.appliances.iter().filter(move |a| a.kind == k && self.now(a) < self.to)
    }

    /// A mesh step with what every mesh step shares.
    fn base(&self, kind: StepKind, title: String, appliances: Vec<String>, from: Option<HcxVersion>) -> NewStep {
        let mut st = NewStep::new(Phase::Mesh, kind, title);
        st.site = Some(self.source.clone());
        st.pairs = vec![self.label.clone()];
        st.mesh = Some(self.mesh_id.clone());
        st.appliances = appliances;
        st.from = from;
        st.to = Some(self.to.clone());
        st.automated = true;
        st.rules = Vec::with_capacity(4);
        st.rules.push(RuleId::MeshFromSource);
        if self.photon {
            st.rules.push(RuleId::PhotonMeshUpgrade);
        }
        st.rollback = Some(self.rollback.clone());
        st.minutes = 30;
        st
    }

    /// The extended networks of some NE appliances, sorted.
    fn networks_of(&self, ids: &[&str]) -> Vec<String> {
        let ext = &self.cx.ext;
        let mut n: Vec<String> = ids
            .iter()
            .flat_map(|id| ext.get(id).into_iter().flatten())
            .map(|e| e.network.clone())
            .chain(
                self.m
                    .appliances
                    .iter()
                    .filter(|a| ids.contains(&a.id.as_str()))
                    .flat_map(|a| a.networks.iter().cloned()),
            )
            .collect();
        n.sort();
        n.dedup();
        n
    }

    /// Whether one of the appliances extends an ephemeral port group.
    fn ephemeral(&self, ids: &[&str]) -> bool {
        ids.iter().flat_map(|id| self.cx.ext.get(id).into_iter().flatten()).any(|e| e.binding == PortBinding::Ephemeral)
    }
}

/// The appliance steps of one mesh, chained after `previous`; returns the last one.
#[allow(clippy::too_many_arguments, reason = "the mesh round's inputs")]
pub(super) fn mesh_steps(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    m: &ServiceMesh,
    label: &Id,
    mut previous: StepRef,
    to: &HcxVersion,
    at: Option<&HcxVersion>,
    removed: Option<&BTreeSet<MeshService>>,
) -> StepRef {
    let r = MeshRound::new(cx, m, label, to, at);
    let mut chain = |b: &mut StepBuilder, mut st: NewStep| {
        st.depends_on = vec![previous];
        previous = b.push(st);
    };
    for st in ix_steps(&r) {
        chain(b, st);
    }
    for st in ne_steps(&r) {
        chain(b, st);
    }
    if !removed.is_some_and(|s| s.contains(&MeshService::WanOptimization)) {
        for st in wo_steps(&r) {
            chain(b, st);
        }
    }
    if let Some(st) = sentinel_step(&r) {
        chain(b, st);
    }
    previous
}

fn ix_steps<'r>(r: &'r MeshRound<'_>) -> impl Iterator<Item = NewStep> + 'r {
    let m = r.m;
    r.below(ApplianceKind::Ix).map(move |a| {
        let mut st = r.base(
            StepKind::UpgradeAppliance,
            format!("Upgrade interconnect {} (and its peer) on mesh {}", a.id, m.id),
            vec![a.id.clone()],
            Some(r.now(a).clone()),
        );
        st.instructions = vec![
            format!("from the source site {}: Interconnect > Service Mesh > View Appliances > Update Appliance (api: POST interconnect/appliances/{{id}}/upgrade)", m.source).into(),
            "upgrade interconnect appliances first and check the tunnels before the network extension".into(),
        ];
        st.impact = impact(
            "small data-plane outage: migration and replication traffic over this appliance pauses while it is redeployed",
            true,
        );
        st
    })
}

/// NE: HA groups as one step (standby first), the others one by one.
fn ne_steps(r: &MeshRound<'_>) -> Vec<NewStep> {
    let mut groups: BTreeMap<&str, Vec<&Appliance>> = BTreeMap::new();
    let mut singles = Vec::new();
    for a in r.below(ApplianceKind::Ne) {
        match &a.ha_group {
            Some(g) => groups.entry(g.as_str()).or_default().push(a),
            None => singles.push(a),
        }
    }
    let mut out: Vec<NewStep> = groups.iter().map(|(group, members)| ne_group_step(r, group, members)).collect();
    out.extend(singles.into_iter().map(|a| ne_single_step(r, a)));
    out
}

fn ne_group_step(r: &MeshRound<'_>, group: &str, members: &[&Appliance]) -> NewStep {
    let m = r.m;
    let ids: Vec<&str> = members.iter().map(|a| a.id.as_str()).collect();
    let networks = r.networks_of(&ids);
    let mut st = r.base(
        StepKind::UpgradeAppliance,
        format!("Upgrade NE HA group {group} ({}) on mesh {}, standby first", ids.join(", "), m.id),
        ids.iter().map(|s| (*s).to_owned()).collect(),
        members.iter().map(|a| r.now(a)).min().cloned(),
    );
    st.rules.push(RuleId::NeInServiceHa);
    if r.ephemeral(&ids) {
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
    st
}

fn ne_single_step(r: &MeshRound<'_>, a: &Appliance) -> NewStep {
    let ids = [a.id.as_str()];
    let networks = r.networks_of(&ids);
    // In-Service is not available for HA group members: on a mesh whose HA membership is unknown, an NE
    // without `ha_group` may still be one, so it gets the Standard upgrade.
    let in_service = r.cx.options.ne_in_service && !r.m.ha_groups_unknown;
    let mode = if in_service { NeUpgradeMode::InService } else { NeUpgradeMode::Standard };
    let mut st = r.base(
        StepKind::UpgradeAppliance,
        format!("Upgrade network extension {} on mesh {} ({mode})", a.id, r.m.id),
        vec![a.id.clone()],
        Some(r.now(a).clone()),
    );
    if r.ephemeral(&ids) {
        st.rules.push(RuleId::NeEphemeralBinding);
    }
    if r.m.ha_groups_unknown {
        st.rules.push(RuleId::NeInServiceHa);
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
    st
}

fn wo_steps<'r>(r: &'r MeshRound<'_>) -> impl Iterator<Item = NewStep> + 'r {
    r.below(ApplianceKind::Wo).map(move |a| {
        let mut st = r.base(
            StepKind::UpgradeAppliance,
            format!("Upgrade WAN optimization {} on mesh {}", a.id, r.m.id),
            vec![a.id.clone()],
            Some(r.now(a).clone()),
        );
        st.instructions =
            vec!["Update Appliance from the source site; WAN Optimization is deprecated from 4.11.0".into()];
        st.impact = impact("migrations over this mesh run unoptimised while the appliance is redeployed", false);
        st
    })
}

/// The OSAM sentinel gateway and receivers, redeployed together.
fn sentinel_step(r: &MeshRound<'_>) -> Option<NewStep> {
    let sentinel: Vec<&Appliance> = r.below(ApplianceKind::Sgw).chain(r.below(ApplianceKind::Sdr)).collect();
    if sentinel.is_empty() {
        return None;
    }
    let ids: Vec<String> = sentinel.iter().map(|a| a.id.clone()).collect();
    let mut st = r.base(
        StepKind::RedeployAppliance,
        format!("Redeploy the OSAM sentinel gateway on mesh {} ({})", r.m.id, ids.join(", ")),
        ids,
        sentinel.iter().map(|a| r.now(a)).min().cloned(),
    );
    st.instructions = vec![
        "sgw appliances show no update flag: redeploy the sgw, which also updates the sdr on both sites".into(),
        "api: POST interconnect/appliances/{id}/redeploy".into(),
    ];
    st.impact = impact("os assisted migrations over this mesh pause while the gateway is redeployed", true);
    Some(st)
}
