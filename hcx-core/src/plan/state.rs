//! The fleet's upgrade state: each manager's and appliance's version and the services still enabled.
//!
//! A plan is a walk through such states. Every step's [`StepAction`](super::StepAction) names the part of
//! the state it expects before it runs ([`StateView`] `before`, an executor's drift check) and the part it
//! leaves behind (`after`, its success check); [`FleetState::apply`] replays one step.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Id;
use super::id_map::IdMap;
use crate::fleet::{Fleet, MeshService};
use crate::version::HcxVersion;

/// What the fleet runs: every manager's and appliance's version and every mesh's enabled services.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetState {
    /// The manager version per site id.
    pub managers: BTreeMap<Id, HcxVersion>,
    /// The version per appliance id, for appliances that exist.
    pub appliances: BTreeMap<Id, HcxVersion>,
    /// The enabled services per mesh id.
    pub services: BTreeMap<Id, BTreeSet<MeshService>>,
}

/// The part of the fleet state one step reads or changes.
///
/// Only the entries named are meant: a manager or mesh that is not listed is not touched by the step.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateView {
    /// Manager versions per site id.
    #[serde(default, skip_serializing_if = "IdMap::is_empty")]
    pub managers: IdMap<HcxVersion>,
    /// Appliance versions per appliance id; `null` for an appliance that does not exist (any more).
    #[serde(default, skip_serializing_if = "IdMap::is_empty")]
    pub appliances: IdMap<Option<HcxVersion>>,
    /// The whole set of enabled services per mesh id.
    #[serde(default, skip_serializing_if = "IdMap::is_empty")]
    pub services: IdMap<BTreeSet<MeshService>>,
}

impl StateView {
    /// Whether the view names nothing.
    pub fn is_empty(&self) -> bool {
        self.managers.is_empty() && self.appliances.is_empty() && self.services.is_empty()
    }
}

/// What a [`StateView`] entry is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// The manager of a site.
    Manager(Id),
    /// A mesh appliance.
    Appliance(Id),
    /// The services of a mesh.
    Services(Id),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Manager(id) => write!(f, "manager {id}"),
            Subject::Appliance(id) => write!(f, "appliance {id}"),
            Subject::Services(id) => write!(f, "services of mesh {id}"),
        }
    }
}

/// One entry of a [`StateView`] that the fleet does not match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// What differs.
    pub subject: Subject,
    /// What the view expects (`absent` for a missing entry).
    pub expected: String,
    /// What the fleet has.
    pub found: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: expected {}, found {}", self.subject, self.expected, self.found)
    }
}

fn shown<T: fmt::Display>(v: Option<&T>) -> String {
    v.map_or_else(|| "absent".to_owned(), ToString::to_string)
}

fn services_text(s: Option<&BTreeSet<MeshService>>) -> String {
    match s {
        None => "absent".to_owned(),
        Some(s) => format!("[{}]", s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")),
    }
}

impl FleetState {
    /// The state a fleet document describes.
    pub fn of(fleet: &Fleet) -> Self {
        let r = Running::of(fleet);
        FleetState {
            managers: r.managers.into_iter().collect(),
            appliances: r.appliances.into_iter().collect(),
            services: r.services.into_iter().collect(),
        }
    }

    /// The entries of `view` that this state does not match (empty when it matches).
    pub fn mismatches(&self, view: &StateView) -> Vec<Mismatch> {
        let mut out = Vec::new();
        for (id, v) in &view.managers {
            let found = self.managers.get(&**id);
            if found != Some(v) {
                out.push(Mismatch {
                    subject: Subject::Manager(id.clone()),
                    expected: v.to_string(),
                    found: shown(found),
                });
            }
        }
        for (id, v) in &view.appliances {
            let found = self.appliances.get(&**id);
            if found != v.as_ref() {
                out.push(Mismatch {
                    subject: Subject::Appliance(id.clone()),
                    expected: shown(v.as_ref()),
                    found: shown(found),
                });
            }
        }
        for (id, v) in &view.services {
            let found = self.services.get(&**id);
            if found != Some(v) {
                out.push(Mismatch {
                    subject: Subject::Services(id.clone()),
                    expected: services_text(Some(v)),
                    found: services_text(found),
                });
            }
        }
        out
    }

    /// Sets every entry `view` names: what the fleet runs after a step whose after-state it is.
    pub fn apply(&mut self, view: &StateView) {
        apply_view(view, &mut self.managers, &mut self.appliances, &mut self.services);
    }

    /// The part of this state that `view` names (its keys, this state's values).
    pub fn project(&self, view: &StateView) -> StateView {
        StateView {
            managers: view
                .managers
                .keys()
                .filter_map(|k| Some((k.clone(), self.managers.get(&**k)?.clone())))
                .collect(),
            appliances: view.appliances.keys().map(|k| (k.clone(), self.appliances.get(&**k).cloned())).collect(),
            services: view
                .services
                .keys()
                .filter_map(|k| Some((k.clone(), self.services.get(&**k)?.clone())))
                .collect(),
        }
    }
}

/// The running state a plan's derivation walks: [`FleetState`]'s entries in hash maps, since a plan of
/// 10,000 pairs looks up some 40,000 appliances once per step.
#[derive(Default)]
pub(super) struct Running {
    pub(super) managers: HashMap<Id, HcxVersion>,
    pub(super) appliances: HashMap<Id, HcxVersion>,
    pub(super) services: HashMap<Id, BTreeSet<MeshService>>,
}

impl Running {
    /// The state a fleet document describes.
    pub(super) fn of(fleet: &Fleet) -> Self {
        let mut state = Running::default();
        for s in &fleet.sites {
            state.managers.insert(s.id.as_str().into(), s.version.clone());
        }
        for m in &fleet.meshes {
            state.services.insert(m.id.as_str().into(), m.services.iter().copied().collect());
            for a in &m.appliances {
                state.appliances.insert(a.id.as_str().into(), a.version.clone());
            }
        }
        state
    }

    /// Sets every entry `view` names, as [`FleetState::apply`] does.
    pub(super) fn apply(&mut self, view: &StateView) {
        apply_view(view, &mut self.managers, &mut self.appliances, &mut self.services);
    }
}

/// The map types a running state is kept in: sorted for [`FleetState`], hashed for [`Running`].
trait Entries<V> {
    fn set(&mut self, id: &Id, v: V);
    fn unset(&mut self, id: &str);
}

impl<V> Entries<V> for BTreeMap<Id, V> {
    fn set(&mut self, id: &Id, v: V) {
        self.insert(id.clone(), v);
    }
    fn unset(&mut self, id: &str) {
        self.remove(id);
    }
}

impl<V> Entries<V> for HashMap<Id, V> {
    fn set(&mut self, id: &Id, v: V) {
        self.insert(id.clone(), v);
    }
    fn unset(&mut self, id: &str) {
        self.remove(id);
    }
}

fn apply_view(
    view: &StateView,
    managers: &mut impl Entries<HcxVersion>,
    appliances: &mut impl Entries<HcxVersion>,
    services: &mut impl Entries<BTreeSet<MeshService>>,
) {
    for (id, v) in &view.managers {
        managers.set(id, v.clone());
    }
    for (id, v) in &view.appliances {
        match v {
            Some(v) => appliances.set(id, v.clone()),
            None => appliances.unset(id),
        }
    }
    for (id, v) in &view.services {
        services.set(id, v.clone());
    }
}
