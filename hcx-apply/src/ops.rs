//! What each plan step asks of the executor: an internal operation derived from the step's fields.
//!
//! Plans of schema `hcx-plan/v1` carry the step kind, site, mesh, appliances and versions as fields; this
//! module turns them into [`Action`]s, and groups steps into lanes of independent pairs.

use std::collections::BTreeMap;

use hcx_core::HcxVersion;
use hcx_core::plan::{self as core_plan, NeUpgradeMode, Owner, Plan, StateView, Step, StepKind};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApplyError;

/// What the executor does for a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Action {
    /// Read-only checks on a site: no migration or replication in flight.
    Precheck {
        /// Site.
        site: String,
    },
    /// A step no API can do (backup, snapshot, bundle, service removal): pause until confirmed.
    Manual {
        /// Site.
        site: Option<String>,
        /// Customer or provider.
        owner: Owner,
    },
    /// One manager upgrade hop. No public API exists: paused for the operator (or the provider), or driven
    /// through the simulator's stand-in when explicitly asked.
    UpgradeManager {
        /// Site.
        site: String,
        /// Version before.
        from: HcxVersion,
        /// Version after.
        to: HcxVersion,
        /// The provider does it (AVS Cloud Manager).
        provider: bool,
    },
    /// Wait until every manager of the pairs runs `version`.
    WaitConvergence {
        /// Sites.
        sites: Vec<String>,
        /// Version.
        version: HcxVersion,
    },
    /// Upgrade mesh appliances (with their peers), one after the other, from the mesh's source site.
    UpgradeAppliances {
        /// Source site.
        site: String,
        /// Mesh.
        mesh: String,
        /// Appliances, in order.
        appliances: Vec<String>,
        /// Version before (at the source).
        from: Option<HcxVersion>,
        /// Version after.
        to: HcxVersion,
        /// NE in-service upgrade.
        in_service: bool,
    },
    /// Redeploy appliances (OSAM SGW/SDR), one after the other.
    RedeployAppliances {
        /// Source site.
        site: String,
        /// Mesh.
        mesh: String,
        /// Appliances.
        appliances: Vec<String>,
        /// Version after.
        to: HcxVersion,
    },
    /// Every manager of the pairs and every appliance of their meshes at `version`.
    Verify {
        /// Sites.
        sites: Vec<String>,
        /// Meshes (source site, mesh id).
        meshes: Vec<(String, String)>,
        /// Version.
        version: HcxVersion,
    },
}

impl Action {
    /// Whether the step sends anything that changes a manager.
    pub fn is_mutating(&self) -> bool {
        matches!(self, Self::UpgradeAppliances { .. } | Self::RedeployAppliances { .. } | Self::UpgradeManager { .. })
    }
}

/// A step ready to run.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedStep {
    /// Step id (`S7`).
    pub id: String,
    /// Title.
    pub title: String,
    /// Lane (independent pairs run in separate lanes).
    pub lane: usize,
    /// Sites the step reads or changes.
    pub sites: Vec<String>,
    /// The operation.
    pub action: Action,
    /// Instructions for manual steps.
    pub instructions: Vec<String>,
    /// Rollback guidance.
    pub rollback: Option<String>,
    /// Hours after the step starts during which the rollback is possible.
    pub rollback_hours: Option<u32>,
    /// The fleet state the plan expects before the step (`hcx-plan/v2` typed actions).
    pub before: Option<StateView>,
    /// The fleet state the plan expects after it.
    pub after: Option<StateView>,
}

/// The identity of a plan: its `digest` field where the plan carries one, otherwise a SHA-256 over its
/// canonical JSON (sorted keys, no insignificant whitespace).
pub fn plan_digest(plan_json: &str) -> Result<String, ApplyError> {
    let v: serde_json::Value =
        serde_json::from_str(plan_json).map_err(|e| ApplyError::Plan(format!("not JSON: {e}")))?;
    if let Some(d) = v.get("digest").and_then(|d| d.as_str()) {
        return Ok(d.to_owned());
    }
    let canonical = serde_json::to_string(&v).map_err(|e| ApplyError::Plan(format!("cannot encode: {e}")))?;
    Ok(format!("sha256:{:x}", Sha256::digest(canonical.as_bytes())))
}

fn pair_sites(step: &Step) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in &step.pairs {
        for s in p.split("->") {
            if !out.iter().any(|o| o == s) {
                out.push(s.to_owned());
            }
        }
    }
    if let Some(site) = &step.site {
        if !out.iter().any(|o| o == &**site) {
            out.insert(0, site.to_string());
        }
    }
    out
}

fn need<T: Clone>(v: &Option<T>, step: &Step, what: &str) -> Result<T, ApplyError> {
    v.clone().ok_or_else(|| ApplyError::Plan(format!("{}: a {} step without {what}", step.id, step.kind.as_str())))
}

/// Turns a plan into executable steps, in order.
///
/// # Errors
/// [`ApplyError::Plan`] when a step lacks what its kind needs (a site, a mesh, versions).
pub fn planned_steps(plan: &Plan) -> Result<Vec<PlannedStep>, ApplyError> {
    // Manager versions as the plan projects them, to know what a convergence or verification waits for.
    let mut projected: BTreeMap<String, HcxVersion> = BTreeMap::new();
    let mut meshes_by_site: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for s in &plan.steps {
        if let (Some(site), Some(mesh)) = (&s.site, &s.mesh) {
            let entry = meshes_by_site.entry(site.to_string()).or_default();
            if !entry.iter().any(|(_, m)| m == &**mesh) {
                entry.push((site.to_string(), mesh.to_string()));
            }
        }
    }
    let mut out = Vec::with_capacity(plan.steps.len());
    for s in &plan.steps {
        let sites = pair_sites(s);
        let converged =
            sites.iter().filter_map(|x| projected.get(x)).max().cloned().unwrap_or_else(|| plan.target.clone());
        let action = match s.action.as_ref().and_then(|a| from_typed(&a.op, s, &sites)) {
            Some(a) => a,
            None => from_kind(s, &sites, converged, &meshes_by_site)?,
        };
        if let Action::UpgradeManager { site, to, .. } = &action {
            projected.insert(site.clone(), to.clone());
        }
        out.push(PlannedStep {
            id: s.id.to_string(),
            title: s.title.clone(),
            lane: 0,
            sites,
            action,
            instructions: s.instructions.iter().map(|i| i.to_string()).collect(),
            rollback: s.rollback.as_ref().map(|r| r.summary.to_string()),
            rollback_hours: s.rollback.as_ref().and_then(|r| r.expires_after_hours),
            before: s.action.as_ref().map(|a| a.before.clone()),
            after: s.action.as_ref().map(|a| a.after.clone()),
        });
    }
    assign_lanes(&mut out);
    Ok(out)
}

/// The executor's operation from a step's kind and fields (a step without a typed action). `converged` is the
/// version the step's managers run by then, as the plan projects it.
fn from_kind(
    s: &Step,
    sites: &[String],
    converged: HcxVersion,
    meshes_by_site: &BTreeMap<String, Vec<(String, String)>>,
) -> Result<Action, ApplyError> {
    let site = || need(&s.site.as_ref().map(|x| x.to_string()), s, "a site");
    let mesh = || need(&s.mesh.as_ref().map(|m| m.to_string()), s, "a mesh");
    Ok(match s.kind {
        StepKind::Precheck => Action::Precheck { site: site()? },
        StepKind::UpgradeManager => Action::UpgradeManager {
            site: site()?,
            from: need(&s.from, s, "a from version")?,
            to: need(&s.to, s, "a target version")?,
            provider: s.owner == Owner::Provider,
        },
        StepKind::WaitConvergence => {
            Action::WaitConvergence { sites: sites.to_vec(), version: s.to.clone().unwrap_or(converged) }
        }
        StepKind::UpgradeAppliance => Action::UpgradeAppliances {
            site: site()?,
            mesh: mesh()?,
            appliances: s.appliances.clone(),
            from: s.from.clone(),
            to: need(&s.to, s, "a target version")?,
            in_service: s.impact.ne_mode == Some(NeUpgradeMode::InService),
        },
        StepKind::RedeployAppliance => Action::RedeployAppliances {
            site: site()?,
            mesh: mesh()?,
            appliances: s.appliances.clone(),
            to: s.to.clone().unwrap_or(converged),
        },
        StepKind::Verify => Action::Verify {
            sites: sites.to_vec(),
            meshes: sites.iter().flat_map(|x| meshes_by_site.get(x).cloned().unwrap_or_default()).collect(),
            version: s.to.clone().unwrap_or(converged),
        },
        _ => Action::Manual { site: s.site.as_ref().map(|x| x.to_string()), owner: s.owner },
    })
}

/// The executor's operation for a typed `hcx-plan/v2` action. `None` for an action it has no mapping for
/// (the step's fields are used instead).
fn from_typed(op: &core_plan::Action, step: &Step, sites: &[String]) -> Option<Action> {
    use core_plan::Action as A;
    let ids = |v: &[core_plan::Id]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    Some(match op {
        A::Precheck { site, .. } => Action::Precheck { site: site.to_string() },
        A::Snapshot { site, .. } => Action::Manual { site: Some(site.to_string()), owner: step.owner },
        A::RemoveService { site, .. } => Action::Manual { site: Some(site.to_string()), owner: step.owner },
        A::Manual { who, .. } => Action::Manual { site: step.site.as_ref().map(|x| x.to_string()), owner: *who },
        A::UpgradeManager { site, from, to, .. } => Action::UpgradeManager {
            site: site.to_string(),
            from: from.clone(),
            to: to.clone(),
            provider: step.owner == Owner::Provider,
        },
        A::WaitConvergence { version, .. } => {
            Action::WaitConvergence { sites: sites.to_vec(), version: version.clone() }
        }
        A::UpgradeAppliances { mesh, site, appliances, mode, to, .. } => Action::UpgradeAppliances {
            site: site.to_string(),
            mesh: mesh.to_string(),
            appliances: ids(appliances),
            from: step.from.clone(),
            to: to.clone(),
            in_service: *mode == NeUpgradeMode::InService,
        },
        A::RedeployAppliance { mesh, site, appliances, to } => Action::RedeployAppliances {
            site: site.to_string(),
            mesh: mesh.to_string(),
            appliances: ids(appliances),
            to: to.clone(),
        },
        _ => return None,
    })
}

/// Steps that share a site share a lane; lanes are numbered in order of first appearance.
fn assign_lanes(steps: &mut [PlannedStep]) {
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    fn find(parent: &mut BTreeMap<String, String>, x: &str) -> String {
        let p = parent.get(x).cloned().unwrap_or_else(|| x.to_owned());
        if p == x {
            return p;
        }
        let root = find(parent, &p);
        parent.insert(x.to_owned(), root.clone());
        root
    }
    for s in steps.iter() {
        let mut it = s.sites.iter();
        if let Some(first) = it.next() {
            let a = find(&mut parent, first);
            for other in it {
                let b = find(&mut parent, other);
                if a != b {
                    parent.insert(b, a.clone());
                }
            }
        }
    }
    let mut numbers: BTreeMap<String, usize> = BTreeMap::new();
    for s in steps.iter_mut() {
        let root = s.sites.first().map(|x| find(&mut parent, x)).unwrap_or_default();
        let n = numbers.len();
        s.lane = *numbers.entry(root).or_insert(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_canonical_and_prefers_the_plans_own() {
        let a = plan_digest(r#"{"b": 1, "a": [1, 2]}"#).expect("digest");
        let b = plan_digest(r#"{"a":[1,2],"b":1}"#).expect("digest");
        assert_eq!(a, b);
        assert!(a.starts_with("sha256:"));
        assert_ne!(a, plan_digest(r#"{"a":[1,2],"b":2}"#).expect("digest"));
        assert_eq!(plan_digest(r#"{"digest":"sha256:abc","x":1}"#).expect("digest"), "sha256:abc");
    }
}
