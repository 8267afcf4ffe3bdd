//! Typed step actions: what a step does, for a machine, next to its human text.
//!
//! Every step of a plan carries a [`StepAction`]: the operation ([`Action`], tagged by `type` in JSON) and the
//! fleet state it expects before it runs and leaves after it ([`StateView`]). An executor checks `before`
//! against the live fleet (drift), carries out the operation, and checks `after` (success), without parsing
//! any prose. The actions are derived once, when the plan is made, by replaying the steps on the fleet state
//! (see [`Plan::replay`]).

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::state::{FleetState, Mismatch, Running, StateView};
use super::{Id, NeUpgradeMode, Owner, Plan, Step, StepKind, Text};
use crate::fleet::{ApplianceKind, Fleet, MeshService, Platform, ServiceMesh, Site, SiteRole};
use crate::names::string_enum;
use crate::version::HcxVersion;

/// How long an executor waits for a pair to converge before it stops: an `hcx` default, no vendor figure.
pub const CONVERGENCE_DEADLINE_MINUTES: u32 = 60;

string_enum! {
    /// A pre-upgrade check an executor runs on a site.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum Check: "precheck" {
        /// The manager reports healthy connections to vCenter Server, NSX Manager (and Cloud Director/RMQ).
        ManagerHealth = "manager-health",
        /// Interconnect service components are in sync and site pairs are healthy.
        ServicesInSync = "services-in-sync",
        /// No migration or replication is queued or running.
        NoActiveTransfers = "no-active-transfers",
        /// Datastores have room for a second copy of each appliance.
        DatastoreSpace = "datastore-space",
    }
}

string_enum! {
    /// How a manager snapshot is taken.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum SnapshotMethod: "snapshot method" {
        /// The platform's run command (AVS `New-HCXManagerSnapshot`).
        RunCommand = "run-command",
        /// A vSphere snapshot of the manager VM (with a configuration backup).
        Vsphere = "vsphere",
        /// The snapshot the upgrade takes by itself.
        Automatic = "automatic",
    }
}

/// What a step does, as an operation an executor can carry out.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Action {
    /// Run pre-upgrade checks on a site's manager.
    Precheck {
        /// The site.
        site: Id,
        /// The checks, in order.
        checks: Vec<Check>,
    },
    /// Snapshot (and back up) a site's manager before it is upgraded.
    Snapshot {
        /// The site.
        site: Id,
        /// How.
        method: SnapshotMethod,
    },
    /// Upgrade a site's manager by one hop.
    UpgradeManager {
        /// The site.
        site: Id,
        /// The version it runs before.
        from: HcxVersion,
        /// The version it runs after.
        to: HcxVersion,
        /// The offline bundle to upload (the release it installs), when the plan obtains one for the site.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bundle: Option<HcxVersion>,
    },
    /// Remove a service from a mesh (and its appliances), because the target drops it.
    RemoveService {
        /// The mesh.
        mesh: Id,
        /// The mesh's source site, where the mesh is edited.
        site: Id,
        /// The service removed.
        service: MeshService,
        /// The appliances that go with it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        appliances: Vec<Id>,
    },
    /// Wait until both managers of a pair run a version and services converge.
    WaitConvergence {
        /// The pair (`source->destination`).
        pair: Id,
        /// The version both managers run.
        version: HcxVersion,
        /// Stop waiting (and stop the run) after this many minutes.
        deadline_minutes: u32,
    },
    /// Upgrade mesh appliances (their peers at the other site upgrade with them).
    UpgradeAppliances {
        /// The mesh.
        mesh: Id,
        /// The mesh's source site, where the upgrade is started.
        site: Id,
        /// The appliances, in the order given.
        appliances: Vec<Id>,
        /// The site whose peer appliances upgrade with them.
        peer_site: Id,
        /// The upgrade mode (`standard` for IX and WO).
        mode: NeUpgradeMode,
        /// The version they run after.
        to: HcxVersion,
    },
    /// Redeploy mesh appliances (OSAM sentinel gateway and receiver).
    RedeployAppliance {
        /// The mesh.
        mesh: Id,
        /// The mesh's source site.
        site: Id,
        /// The appliances.
        appliances: Vec<Id>,
        /// The version they run after.
        to: HcxVersion,
    },
    /// Check that a pair reached the target: the expected state is the step's `before` (= `after`).
    Verify {
        /// The pair (`source->destination`).
        pair: Id,
    },
    /// Work no API does: a person follows the instructions and confirms.
    Manual {
        /// Who.
        who: Owner,
        /// What to do.
        instructions: Vec<Text>,
    },
}

impl Action {
    /// The action's `type` name as in JSON (`upgrade-manager`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Action::Precheck { .. } => "precheck",
            Action::Snapshot { .. } => "snapshot",
            Action::UpgradeManager { .. } => "upgrade-manager",
            Action::RemoveService { .. } => "remove-service",
            Action::WaitConvergence { .. } => "wait-convergence",
            Action::UpgradeAppliances { .. } => "upgrade-appliances",
            Action::RedeployAppliance { .. } => "redeploy-appliance",
            Action::Verify { .. } => "verify",
            Action::Manual { .. } => "manual",
        }
    }
}

/// A step's machine-readable action and the fleet state it expects before and leaves after.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepAction {
    /// The operation (its `type` and fields sit at this level in JSON).
    #[serde(flatten)]
    pub op: Action,
    /// What the step expects to find: check it before running (drift).
    pub before: StateView,
    /// What the step leaves: check it after running (success).
    pub after: StateView,
}

/// Why a plan does not replay on a fleet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// A step has no action.
    #[error("step {step} has no action")]
    NoAction {
        /// The step id.
        step: Id,
    },
    /// The state before a step differs from what the step expects.
    #[error("step {step} expects a different state: {}", join(.mismatches))]
    Drift {
        /// The step id.
        step: Id,
        /// What differs.
        mismatches: Vec<Mismatch>,
    },
}

fn join(m: &[Mismatch]) -> String {
    m.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl Plan {
    /// Replays the plan on a fleet: checks each step's `before` against the running state, then applies its
    /// `after`. Returns the state the plan ends in.
    ///
    /// # Errors
    /// [`ReplayError`] at the first step without an action or whose `before` does not match.
    pub fn replay(&self, fleet: &Fleet) -> Result<FleetState, ReplayError> {
        let mut state = FleetState::of(fleet);
        for s in &self.steps {
            let a = s.action.as_ref().ok_or_else(|| ReplayError::NoAction { step: s.id.clone() })?;
            let mismatches = state.mismatches(&a.before);
            if !mismatches.is_empty() {
                return Err(ReplayError::Drift { step: s.id.clone(), mismatches });
            }
            state.apply(&a.after);
        }
        Ok(state)
    }
}

/// Gives every step of a freshly made plan its action, derived from the step's structured fields and the
/// fleet state the steps before it leave.
pub(super) fn annotate(plan: &mut Plan, fleet: &Fleet) {
    let mut r = Replay::new(fleet, plan.target.clone());
    for step in &mut plan.steps {
        let action = r.derive(step);
        r.state.apply(&action.after);
        step.action = Some(action);
    }
}

/// The running state and the fleet lookups the derivation needs.
struct Replay<'a> {
    state: Running,
    target: HcxVersion,
    sites: HashMap<&'a str, &'a Site>,
    meshes: HashMap<&'a str, &'a ServiceMesh>,
    /// Meshes by (source, destination): a verification looks up its pair's, not every mesh.
    meshes_of: HashMap<(&'a str, &'a str), Vec<&'a ServiceMesh>>,
    /// Pair label -> (source, destination).
    pairs: HashMap<String, (Id, Id)>,
    /// Sites for which the plan obtains an offline bundle.
    bundles: HashSet<Id>,
}

impl<'a> Replay<'a> {
    fn new(fleet: &'a Fleet, target: HcxVersion) -> Self {
        Self {
            state: Running::of(fleet),
            target,
            sites: fleet.sites.iter().map(|s| (s.id.as_str(), s)).collect(),
            meshes: fleet.meshes.iter().map(|m| (m.id.as_str(), m)).collect(),
            meshes_of: fleet.meshes.iter().fold(HashMap::new(), |mut by, m| {
                by.entry((m.source.as_str(), m.destination.as_str())).or_insert_with(Vec::new).push(m);
                by
            }),
            pairs: fleet
                .pairs
                .iter()
                .map(|p| {
                    (
                        format!("{}->{}", p.source, p.destination),
                        (p.source.as_str().into(), p.destination.as_str().into()),
                    )
                })
                .collect(),
            bundles: HashSet::new(),
        }
    }

    fn manager_view(&self, sites: &[&Id]) -> StateView {
        let mut v = StateView::default();
        for s in sites {
            if let Some(ver) = self.state.managers.get(&***s) {
                v.managers.insert((*s).clone(), ver.clone());
            }
        }
        v
    }

    fn unchanged(&self, op: Action, view: StateView) -> StepAction {
        StepAction { op, before: view.clone(), after: view }
    }

    fn manual(&self, s: &Step) -> StepAction {
        let view = s.site.as_ref().map(|site| self.manager_view(&[site])).unwrap_or_default();
        self.unchanged(Action::Manual { who: s.owner, instructions: s.instructions.clone() }, view)
    }

    fn derive(&mut self, s: &Step) -> StepAction {
        match (s.kind, &s.site) {
            (StepKind::Precheck, Some(site)) => {
                let checks = Check::ALL.to_vec();
                self.unchanged(Action::Precheck { site: site.clone(), checks }, self.manager_view(&[site]))
            }
            (StepKind::Snapshot, Some(site)) => {
                let method = match self.sites.get(&**site) {
                    Some(x) if x.role == SiteRole::Cloud && x.platform == Platform::Avs => SnapshotMethod::RunCommand,
                    _ => SnapshotMethod::Vsphere,
                };
                self.unchanged(Action::Snapshot { site: site.clone(), method }, self.manager_view(&[site]))
            }
            (StepKind::ObtainBundle, Some(site)) => {
                self.bundles.insert(site.clone());
                self.manual(s)
            }
            (StepKind::UpgradeManager, Some(site)) => self.upgrade_manager(s, site),
            (StepKind::RemoveService, Some(site)) => self.remove_service(s, site).unwrap_or_else(|| self.manual(s)),
            (StepKind::WaitConvergence, _) => self.converge(s).unwrap_or_else(|| self.manual(s)),
            (StepKind::UpgradeAppliance | StepKind::RedeployAppliance, Some(site)) => {
                self.appliances(s, site).unwrap_or_else(|| self.manual(s))
            }
            (StepKind::Verify, _) => self.verify(s).unwrap_or_else(|| self.manual(s)),
            _ => self.manual(s),
        }
    }

    fn upgrade_manager(&self, s: &Step, site: &Id) -> StepAction {
        let running = self.state.managers.get(&**site).cloned();
        let from = s.from.clone().or(running).unwrap_or_else(|| self.target.clone());
        let to = s.to.clone().unwrap_or_else(|| self.target.clone());
        let bundle = self.bundles.contains(site).then(|| to.clone());
        let mut before = StateView::default();
        before.managers.insert(site.clone(), from.clone());
        let mut after = StateView::default();
        after.managers.insert(site.clone(), to.clone());
        StepAction { op: Action::UpgradeManager { site: site.clone(), from, to, bundle }, before, after }
    }

    /// The service a removal step removes: its own field, else the one its appliances carry.
    fn removed_service(&self, s: &Step, mesh: &ServiceMesh) -> Option<MeshService> {
        s.service.or_else(|| {
            let kinds: HashSet<ApplianceKind> =
                mesh.appliances.iter().filter(|a| s.appliances.contains(&a.id)).map(|a| a.kind).collect();
            kinds.contains(&ApplianceKind::Wo).then_some(MeshService::WanOptimization)
        })
    }

    fn remove_service(&self, s: &Step, site: &Id) -> Option<StepAction> {
        let mesh_id = s.mesh.as_ref()?;
        let mesh = *self.meshes.get(&**mesh_id)?;
        let service = self.removed_service(s, mesh)?;
        let appliances: Vec<Id> = s.appliances.iter().map(|a| Id::from(a.as_str())).collect();
        let mut before = StateView::default();
        let services = self.state.services.get(&**mesh_id).cloned().unwrap_or_default();
        let mut left = services.clone();
        left.remove(&service);
        before.services.insert(mesh_id.clone(), services);
        let mut after = StateView::default();
        after.services.insert(mesh_id.clone(), left);
        for a in &appliances {
            before.appliances.insert(a.clone(), self.state.appliances.get(&**a).cloned());
            after.appliances.insert(a.clone(), None);
        }
        let op = Action::RemoveService { mesh: mesh_id.clone(), site: site.clone(), service, appliances };
        Some(StepAction { op, before, after })
    }

    fn pair_of(&self, s: &Step) -> Option<(Id, Id, Id)> {
        let label = s.pairs.first()?;
        let (a, d) = self.pairs.get(&**label)?;
        Some((label.clone(), a.clone(), d.clone()))
    }

    fn converge(&self, s: &Step) -> Option<StepAction> {
        let (pair, a, d) = self.pair_of(s)?;
        let version = s.to.clone().unwrap_or_else(|| self.target.clone());
        let mut view = StateView::default();
        view.managers.insert(a, version.clone());
        view.managers.insert(d, version.clone());
        Some(
            self.unchanged(
                Action::WaitConvergence { pair, version, deadline_minutes: CONVERGENCE_DEADLINE_MINUTES },
                view,
            ),
        )
    }

    fn appliances(&self, s: &Step, site: &Id) -> Option<StepAction> {
        let mesh_id = s.mesh.as_ref()?;
        let mesh = *self.meshes.get(&**mesh_id)?;
        let to = s.to.clone().unwrap_or_else(|| self.target.clone());
        let appliances: Vec<Id> = s.appliances.iter().map(|a| Id::from(a.as_str())).collect();
        // Managers before mesh: both managers already run the version the appliances go to.
        let mut before = StateView::default();
        for m in [&mesh.source, &mesh.destination] {
            before.managers.insert(m.as_str().into(), to.clone());
        }
        let mut after = before.clone();
        for a in &appliances {
            before.appliances.insert(a.clone(), self.state.appliances.get(&**a).cloned());
            after.appliances.insert(a.clone(), Some(to.clone()));
        }
        let op = if s.kind == StepKind::RedeployAppliance {
            Action::RedeployAppliance { mesh: mesh_id.clone(), site: site.clone(), appliances, to }
        } else {
            Action::UpgradeAppliances {
                mesh: mesh_id.clone(),
                site: site.clone(),
                appliances,
                peer_site: mesh.destination.as_str().into(),
                mode: s.impact.ne_mode.unwrap_or(NeUpgradeMode::Standard),
                to,
            }
        };
        Some(StepAction { op, before, after })
    }

    fn verify(&self, s: &Step) -> Option<StepAction> {
        let (pair, a, d) = self.pair_of(s)?;
        let target = s.to.clone().unwrap_or_else(|| self.target.clone());
        let mut view = StateView::default();
        view.managers.insert(a.clone(), target.clone());
        view.managers.insert(d.clone(), target.clone());
        for m in self.meshes_of.get(&(&*a, &*d)).into_iter().flatten() {
            for app in &m.appliances {
                let id: Id = app.id.as_str().into();
                // Appliances already above the target stay where they are; removed ones stay absent.
                let expected = self.state.appliances.get(&*id).map(|v| v.clone().max(target.clone()));
                view.appliances.insert(id, expected);
            }
        }
        Some(self.unchanged(Action::Verify { pair }, view))
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.type_name())
    }
}
