//! One pair's round at a release: convergence of its managers, its mesh upgrades and its verification.

use super::*;

/// Convergence, the mesh upgrades to `to` and the verification of one pair; returns the verification step.
#[allow(clippy::too_many_arguments, reason = "the round's inputs; grouping them would only rename them")]
pub(super) fn pair_round(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    state: &mut State,
    (a, d): (usize, usize),
    label: &Id,
    meshes: &[&ServiceMesh],
    to: &HcxVersion,
    input: &Inputs<'_>,
) -> StepRef {
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
    let mut deps: Vec<StepRef> = Vec::new();
    for i in [a, d] {
        match state.last_step[i] {
            Some(x) => deps.push(x),
            None => deps.extend(input.ready[i].iter().copied()),
        }
    }
    st.depends_on = deps;
    let mut previous = b.push(st);
    for m in meshes {
        let at = state.mesh_at.get(&m.id).cloned();
        let removed = input.removals.get(&m.id).map(|r| &r.services);
        previous = mesh::mesh_steps(b, cx, m, label, previous, to, at.as_ref(), removed);
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
