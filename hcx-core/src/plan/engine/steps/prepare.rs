//! Preparation: pre-checks, the first snapshot, the offline bundles and the service removals.

use super::*;

/// Pre-checks, the first snapshot and the bundles of every involved site; returns what each site's first
/// manager step waits for, and that first snapshot.
pub(super) fn prepare_steps(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    involved: &[bool],
) -> (Vec<Vec<StepRef>>, Vec<Option<StepRef>>) {
    let (catalog, sites) = (cx.catalog, &cx.sites);
    let mut ready: Vec<Vec<StepRef>> = vec![Vec::new(); sites.len()];
    let mut first_snapshot: Vec<Option<StepRef>> = vec![None; sites.len()];
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
        first_snapshot[i] = Some(snap);
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
pub(super) fn snapshot_step(cx: &Ctx<'_>, s: &SiteInfo<'_>, phase: Phase) -> NewStep {
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
pub(super) fn run_command_snapshot<'c>(cx: &Ctx<'c>, s: &SiteInfo<'_>) -> Option<&'c crate::catalog::SnapshotFact> {
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
pub(super) fn removal_steps(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    removals: &BTreeMap<String, Removal>,
    ready: &mut [Vec<StepRef>],
) {
    let (fleet, sites, index) = (cx.fleet, &cx.sites, &cx.index);
    for m in &fleet.meshes {
        let Some(r) = removals.get(&m.id) else { continue };
        let Some(&src) = index.get(m.source.as_str()) else { continue };
        // They run after the source's checks (and one another), and gate every manager upgrade at both ends.
        let mut after: Vec<StepRef> = ready[src].first().copied().into_iter().collect();
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
            after = vec![id];
            for end in [&m.source, &m.destination] {
                if let Some(&i) = index.get(end.as_str()) {
                    ready[i].push(id);
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
