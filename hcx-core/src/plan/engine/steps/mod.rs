//! The ordered steps: preparation, manager hops, convergence, mesh upgrades and verification.
//!
//! Steps refer to one another by their index while they are built ([`StepRef`]); the `S<n>` ids of the
//! plan are made once per step, and dependencies are sorted as integers.

mod managers;
mod mesh;
mod prepare;
mod verify;

use super::*;

/// Where duration estimates come from: no vendor publishes step durations.
const ESTIMATE_BASIS: &str = "hcx default (no published figure); adjust to your site";

/// A step by its index in the plan (`S1` is 0).
pub(super) type StepRef = usize;

/// The steps built so far, and each step's dependencies as indices (for the scheduler).
pub(super) struct StepBuilder {
    pub(super) steps: Vec<Step>,
    /// The dependencies of every step, one after another; step `i`'s end at `dep_end[i]`.
    pub(super) dep_list: Vec<StepRef>,
    pub(super) dep_end: Vec<usize>,
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
    depends_on: Vec<StepRef>,
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

/// `S<n>`, written without an intermediate `String`.
fn step_id(n: usize) -> Id {
    use std::io::Write as _;
    let mut buf = [0u8; 24];
    let mut w = &mut buf[..];
    // 24 bytes hold `S` and any usize.
    let _ = write!(w, "S{n}");
    let len = 24 - w.len();
    Id::from(std::str::from_utf8(&buf[..len]).unwrap_or("S?"))
}

impl StepBuilder {
    /// An empty builder with room for about `capacity` steps.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self {
            steps: Vec::with_capacity(capacity),
            dep_list: Vec::with_capacity(capacity * 2),
            dep_end: Vec::with_capacity(capacity),
        }
    }

    /// The id of a step built earlier.
    fn id(&self, r: StepRef) -> Id {
        self.steps[r].id.clone()
    }

    fn push(&mut self, s: NewStep) -> StepRef {
        let index = self.steps.len();
        let mut deps = s.depends_on;
        deps.sort_unstable();
        deps.dedup();
        let depends_on = deps.iter().map(|&d| self.id(d)).collect();
        self.dep_list.extend_from_slice(&deps);
        self.dep_end.push(self.dep_list.len());
        self.steps.push(Step {
            id: step_id(index + 1),
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
        index
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
    last_step: Vec<Option<StepRef>>,
    /// The release an earlier full-upgrade round brought a mesh's appliances to.
    mesh_at: HashMap<String, HcxVersion>,
}

/// What the step builder reads besides the context: the rules' verdicts and the mesh work per pair.
struct Inputs<'a> {
    pair_blocked: &'a BTreeSet<String>,
    removals: &'a BTreeMap<String, Removal>,
    /// Meshes with appliances below the target, per (source, destination); blocked pairs are left out.
    work_by_pair: HashMap<(&'a str, &'a str), Vec<&'a ServiceMesh>>,
    /// What each site's first manager step waits for.
    ready: Vec<Vec<StepRef>>,
}

impl<'a> Inputs<'a> {
    fn meshes(&self, p: &'a crate::fleet::SitePair) -> Vec<&'a ServiceMesh> {
        self.work_by_pair.get(&(p.source.as_str(), p.destination.as_str())).cloned().unwrap_or_default()
    }
}

pub(super) fn build_steps(
    b: &mut StepBuilder,
    cx: &Ctx<'_>,
    f: &mut Findings,
    pair_blocked: &BTreeSet<String>,
    removals: &BTreeMap<String, Removal>,
) {
    let work_by_pair = mesh_work(cx, pair_blocked);
    let involved = involved_sites(cx, &work_by_pair);
    let (mut ready, first_snapshot) = prepare::prepare_steps(b, cx, &involved);
    prepare::removal_steps(b, cx, removals, &mut ready);
    let mut input = Inputs { pair_blocked, removals, work_by_pair, ready };
    let mut state = managers::manager_rounds(b, cx, f, &mut input, &first_snapshot);
    // Converge, mesh and verify at the target, per pair.
    let sites = &cx.sites;
    for p in &cx.fleet.pairs {
        let (Some(&a), Some(&d)) = (cx.index.get(p.source.as_str()), cx.index.get(p.destination.as_str())) else {
            continue;
        };
        let label: Id = pair_label(&p.source, &p.destination).into();
        let meshes = input.meshes(p);
        if pair_blocked.contains(&*label) || (sites[a].hops.is_empty() && sites[d].hops.is_empty() && meshes.is_empty())
        {
            continue;
        }
        verify::pair_round(b, cx, &mut state, (a, d), &label, &meshes, cx.target, &input);
    }
}

/// Mesh appliances below the target, per pair; pairs whose mesh work is blocked are left out.
fn mesh_work<'a>(cx: &Ctx<'a>, pair_blocked: &BTreeSet<String>) -> HashMap<(&'a str, &'a str), Vec<&'a ServiceMesh>> {
    let mut work_by_pair: HashMap<(&str, &str), Vec<&ServiceMesh>> = HashMap::with_capacity(cx.fleet.meshes.len());
    for m in cx.fleet.meshes.iter() {
        if pair_blocked.contains(&pair_label(&m.source, &m.destination)) {
            continue;
        }
        if m.appliances.iter().any(|a| a.version < *cx.target) {
            work_by_pair.entry((m.source.as_str(), m.destination.as_str())).or_default().push(m);
        }
    }
    work_by_pair
}

/// The sites the plan touches: those with manager hops and both ends of every mesh with work.
fn involved_sites(cx: &Ctx<'_>, work_by_pair: &HashMap<(&str, &str), Vec<&ServiceMesh>>) -> Vec<bool> {
    let mut involved: Vec<bool> = cx.sites.iter().map(|s| !s.hops.is_empty()).collect();
    for (source, destination) in work_by_pair.keys() {
        for id in [source, destination] {
            if let Some(&i) = cx.index.get(id) {
                involved[i] = true;
            }
        }
    }
    involved
}
