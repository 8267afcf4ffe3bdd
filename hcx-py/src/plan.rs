//! `hcx.plan`, `hcx.check`, `hcx.path` and the frozen plan objects.

use hcx_core::plan::{
    Estimate, Finding, Impact, Plan, PlanOptions, Rollback, Schedule, Slot, Step, Summary, TargetSpec, Unfitted,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use time::{Date, OffsetDateTime};

use crate::catalog::{PyCatalog, PyUpgradePath, catalog_or_bundled, upgrade_path};
use crate::errors::{Error, guarded};
use crate::fleet::PyFleet;
use crate::util::{date_or_today, json_loads};
use crate::version::{PyVersion, VersionArg};

/// A target given as `"latest"`, `"validated"`, a version string or an `hcx.Version`.
pub(crate) struct TargetArg(TargetSpec);

impl<'a, 'py> FromPyObject<'a, 'py> for TargetArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(v) = obj.cast::<PyVersion>() {
            return Ok(Self(TargetSpec::Version(v.get().0.clone())));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(Self(s.to_str()?.parse().map_err(Error::from)?));
        }
        Err(PyTypeError::new_err(format!(
            "expected 'latest', 'validated', a version string or an hcx.Version, got {}",
            obj.get_type().name()?
        )))
    }
}

/// Builds the planner options from the Python arguments.
fn options(
    py: Python<'_>,
    target: TargetArg,
    ack: Vec<String>,
    date: Option<Date>,
    ne_in_service: bool,
) -> PyResult<PlanOptions> {
    let date = date_or_today(py, date)?;
    let options = ack.into_iter().fold(PlanOptions::new(target.0, date), PlanOptions::acknowledge);
    Ok(options.ne_in_service(ne_in_service))
}

/// Makes the upgrade plan for a fleet.
///
/// `target` is "latest", "validated" or a version; `ack` acknowledges rule ids (an acknowledged blocker no
/// longer blocks); `date` (default today) is the day support status and provider ownership are judged on.
#[pyfunction]
#[pyo3(
    signature = (fleet, target = TargetArg(TargetSpec::Latest), *, ack = Vec::new(), date = None, catalog = None, ne_in_service = false),
    text_signature = "(fleet, target='latest', *, ack=(), date=None, catalog=None, ne_in_service=False)"
)]
pub(crate) fn plan(
    py: Python<'_>,
    fleet: &Bound<'_, PyFleet>,
    target: TargetArg,
    ack: Vec<String>,
    date: Option<Date>,
    catalog: Option<&Bound<'_, PyCatalog>>,
    ne_in_service: bool,
) -> PyResult<PyPlan> {
    let options = options(py, target, ack, date, ne_in_service)?;
    let catalog = catalog_or_bundled(catalog);
    let fleet = &fleet.get().0;
    let p = py.detach(|| guarded(|| hcx_core::plan::plan(fleet, catalog, &options).map_err(Error::from)))?;
    Ok(PyPlan(p))
}

/// Runs every rule and returns the findings alone (blockers first). Arguments as for `plan`.
#[pyfunction]
#[pyo3(
    signature = (fleet, target = TargetArg(TargetSpec::Latest), *, ack = Vec::new(), date = None, catalog = None, ne_in_service = false),
    text_signature = "(fleet, target='latest', *, ack=(), date=None, catalog=None, ne_in_service=False)"
)]
pub(crate) fn check(
    py: Python<'_>,
    fleet: &Bound<'_, PyFleet>,
    target: TargetArg,
    ack: Vec<String>,
    date: Option<Date>,
    catalog: Option<&Bound<'_, PyCatalog>>,
    ne_in_service: bool,
) -> PyResult<Vec<PyFinding>> {
    // The findings are the plan's: planning once serves both.
    let p = plan(py, fleet, target, ack, date, catalog, ne_in_service)?;
    Ok(p.0.findings.iter().map(PyFinding::from).collect())
}

/// The shortest documented upgrade path between two releases (default: the bundled catalog).
#[pyfunction]
#[pyo3(signature = (from_, to, /, *, catalog = None))]
pub(crate) fn path(
    py: Python<'_>,
    from_: VersionArg,
    to: VersionArg,
    catalog: Option<&Bound<'_, PyCatalog>>,
) -> PyResult<PyUpgradePath> {
    upgrade_path(py, catalog_or_bundled(catalog), &from_, &to)
}

/// An upgrade plan: findings, ordered steps and (when the fleet has windows) a schedule.
#[pyclass(frozen, module = "hcx", name = "Plan")]
pub struct PyPlan(Plan);

#[pymethods]
impl PyPlan {
    /// The schema name, `hcx-plan/v2`.
    #[getter]
    fn schema(&self) -> &str {
        &self.0.schema
    }

    /// The date the plan was made for.
    #[getter]
    fn date(&self) -> Date {
        self.0.date
    }

    /// The catalog's compilation date.
    #[getter]
    fn catalog_as_of(&self) -> Date {
        self.0.catalog_as_of
    }

    /// The target release.
    #[getter]
    fn target(&self) -> PyVersion {
        self.0.target.clone().into()
    }

    /// How the target was chosen.
    #[getter]
    fn target_reason(&self) -> &str {
        &self.0.target_reason
    }

    /// Counts for a headline.
    #[getter]
    fn summary(&self) -> PySummary {
        PySummary::from(&self.0.summary)
    }

    /// Findings, blockers first.
    #[getter]
    fn findings(&self) -> Vec<PyFinding> {
        self.0.findings.iter().map(PyFinding::from).collect()
    }

    /// Steps in execution order.
    #[getter]
    fn steps(&self) -> Vec<PyStep> {
        self.0.steps.iter().map(PyStep::from).collect()
    }

    /// The maintenance-window schedule, when the fleet has windows.
    #[getter]
    fn schedule(&self) -> Option<PySchedule> {
        self.0.schedule.as_ref().map(PySchedule::from)
    }

    /// Whether any unacknowledged blocker remains.
    #[getter]
    fn has_blockers(&self) -> bool {
        self.0.has_blockers()
    }

    /// The step with this id (`S1`, `S2`, ...), if any.
    fn step(&self, id: &str) -> Option<PyStep> {
        self.0.step(id).map(PyStep::from)
    }

    /// Reads a plan back from its JSON (`hcx-plan/v2`), for example one saved with `to_json()`.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(Self(Plan::from_json(text).map_err(|e| Error::Argument(e.to_string()))?))
    }

    /// The plan as pretty JSON (`hcx-plan/v2`), stable for diffs.
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// The plan as a Markdown runbook for a change ticket.
    fn to_markdown(&self) -> String {
        self.0.to_markdown()
    }

    /// The plan as text for a terminal.
    fn to_text(&self) -> String {
        self.0.to_text()
    }

    /// The plan as one self-contained HTML page (inline CSS and SVG, no script): summary, timeline,
    /// topology, outages, rollback deadlines, findings and steps. With the fleet the plan was made from, the
    /// topology shows roles, platforms, NE HA groups and every extended network.
    #[pyo3(signature = (fleet = None))]
    fn to_html(&self, fleet: Option<&Bound<'_, PyFleet>>) -> PyResult<String> {
        let fleet = fleet.map(|f| &f.get().0);
        Ok(self.0.to_html(fleet).map_err(|e| Error::Internal(e.to_string()))?)
    }

    /// The plan as plain Python data (the `hcx-plan/v2` JSON shape).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.0.to_json())
    }

    fn __repr__(&self) -> String {
        format!(
            "<hcx.Plan target={} steps={} findings={} has_blockers={}>",
            self.0.target,
            self.0.steps.len(),
            self.0.findings.len(),
            if self.0.has_blockers() { "True" } else { "False" }
        )
    }
}

/// One finding of a named rule.
#[pyclass(frozen, get_all, module = "hcx", name = "Finding")]
#[derive(Clone)]
pub struct PyFinding {
    /// The rule's stable id (what `ack` takes).
    rule: String,
    /// blocker, warning or info.
    severity: String,
    /// What was found, naming the sites and appliances concerned.
    message: String,
    /// Site, pair, mesh or appliance ids concerned.
    subjects: Vec<String>,
    /// What to do about it.
    remediation: String,
    /// Catalog source ids behind it.
    sources: Vec<String>,
    /// Whether the operator acknowledged it.
    acknowledged: bool,
    /// Whether it blocks the plan (an unacknowledged blocker).
    blocks: bool,
}

impl From<&Finding> for PyFinding {
    fn from(f: &Finding) -> Self {
        Self {
            rule: f.rule.to_string(),
            severity: f.severity.as_str().to_owned(),
            message: f.message.clone(),
            subjects: f.subjects.clone(),
            remediation: f.remediation.to_string(),
            sources: f.sources.iter().map(ToString::to_string).collect(),
            acknowledged: f.acknowledged,
            blocks: f.blocks(),
        }
    }
}

#[pymethods]
impl PyFinding {
    fn __repr__(&self) -> String {
        format!("<hcx.Finding {} {}: {}>", self.severity, self.rule, self.message)
    }
}

/// What a step does to the running fleet.
#[pyclass(frozen, get_all, module = "hcx", name = "Impact")]
#[derive(Clone)]
pub struct PyImpact {
    /// In one line.
    summary: String,
    /// The HCX Manager reboots.
    manager_reboot: bool,
    /// Data-plane traffic is interrupted.
    data_plane_outage: bool,
    /// Extended networks that go down during the step.
    networks: Vec<String>,
    /// The NE upgrade mode for NE steps: standard, in-service or ha-standby-first.
    ne_mode: Option<String>,
}

impl From<&Impact> for PyImpact {
    fn from(i: &Impact) -> Self {
        Self {
            summary: i.summary.to_string(),
            manager_reboot: i.manager_reboot,
            data_plane_outage: i.data_plane_outage,
            networks: i.networks.clone(),
            ne_mode: i.ne_mode.map(|m| m.as_str().to_owned()),
        }
    }
}

/// How to go back after a step.
#[pyclass(frozen, get_all, module = "hcx", name = "Rollback")]
#[derive(Clone)]
pub struct PyRollback {
    /// What to do.
    summary: String,
    /// The rollback means expires this many hours after the step starts (snapshot retention).
    expires_after_hours: Option<u32>,
    /// The rollback needs a support request to the provider.
    support_request: bool,
}

impl From<&Rollback> for PyRollback {
    fn from(r: &Rollback) -> Self {
        Self {
            summary: r.summary.to_string(),
            expires_after_hours: r.expires_after_hours,
            support_request: r.support_request,
        }
    }
}

/// A duration estimate and where it comes from.
#[pyclass(frozen, get_all, module = "hcx", name = "Estimate")]
#[derive(Clone)]
pub struct PyEstimate {
    /// Minutes.
    minutes: u32,
    /// Where the figure comes from.
    basis: String,
}

impl From<&Estimate> for PyEstimate {
    fn from(e: &Estimate) -> Self {
        Self { minutes: e.minutes, basis: e.basis.to_string() }
    }
}

/// One step of the plan.
#[pyclass(frozen, get_all, module = "hcx", name = "Step")]
#[derive(Clone)]
pub struct PyStep {
    /// `S1`, `S2`, ... in execution order.
    id: String,
    /// prepare, managers, converge, mesh or verify.
    phase: String,
    /// precheck, backup, snapshot, upgrade-manager, upgrade-appliance, ...
    kind: String,
    /// One line.
    title: String,
    /// The site whose manager or UI the step runs on.
    site: Option<String>,
    /// Pairs concerned (`source->destination`).
    pairs: Vec<String>,
    /// The mesh concerned.
    mesh: Option<String>,
    /// Appliances concerned.
    appliances: Vec<String>,
    /// Version before the step (`from` is a Python keyword).
    from_: Option<PyVersion>,
    /// Version after the step.
    to: Option<PyVersion>,
    /// customer or provider.
    owner: String,
    /// False when no API can do it: follow `instructions` by hand.
    automated: bool,
    /// How to do it.
    instructions: Vec<String>,
    /// What it does to the running fleet.
    impact: PyImpact,
    /// How to go back.
    rollback: Option<PyRollback>,
    /// Rule ids that caused or shaped the step.
    rules: Vec<String>,
    /// Steps that must be finished first.
    depends_on: Vec<String>,
    /// How long it takes.
    estimate: PyEstimate,
}

impl From<&Step> for PyStep {
    fn from(s: &Step) -> Self {
        Self {
            id: s.id.to_string(),
            phase: s.phase.as_str().to_owned(),
            kind: s.kind.as_str().to_owned(),
            title: s.title.clone(),
            site: s.site.as_deref().map(str::to_owned),
            pairs: s.pairs.iter().map(ToString::to_string).collect(),
            mesh: s.mesh.as_deref().map(str::to_owned),
            appliances: s.appliances.clone(),
            from_: s.from.clone().map(PyVersion::from),
            to: s.to.clone().map(PyVersion::from),
            owner: s.owner.as_str().to_owned(),
            automated: s.automated,
            instructions: s.instructions.iter().map(ToString::to_string).collect(),
            impact: PyImpact::from(&s.impact),
            rollback: s.rollback.as_ref().map(PyRollback::from),
            rules: s.rules.iter().map(ToString::to_string).collect(),
            depends_on: s.depends_on.iter().map(ToString::to_string).collect(),
            estimate: PyEstimate::from(&s.estimate),
        }
    }
}

#[pymethods]
impl PyStep {
    fn __repr__(&self) -> String {
        format!("<hcx.Step {} {} {}: {}>", self.id, self.phase, self.kind, self.title)
    }
}

/// Counts for a plan's headline.
#[pyclass(frozen, get_all, module = "hcx", name = "Summary")]
#[derive(Clone)]
pub struct PySummary {
    /// Sites in the fleet.
    sites: usize,
    /// Site pairs.
    pairs: usize,
    /// Service meshes.
    meshes: usize,
    /// Steps.
    steps: usize,
    /// Unacknowledged blockers.
    blockers: usize,
    /// Acknowledged blockers.
    acknowledged: usize,
    /// Warnings.
    warnings: usize,
}

impl From<&Summary> for PySummary {
    fn from(s: &Summary) -> Self {
        Self {
            sites: s.sites,
            pairs: s.pairs,
            meshes: s.meshes,
            steps: s.steps,
            blockers: s.blockers,
            acknowledged: s.acknowledged,
            warnings: s.warnings,
        }
    }
}

/// A step placed in a maintenance window.
#[pyclass(frozen, get_all, module = "hcx", name = "Slot")]
#[derive(Clone)]
pub struct PySlot {
    /// The step id.
    step: String,
    /// Index of the window in the fleet's `windows`.
    window: usize,
    /// Planned start (an aware datetime).
    start: OffsetDateTime,
    /// Planned end (an aware datetime).
    end: OffsetDateTime,
}

impl From<&Slot> for PySlot {
    fn from(s: &Slot) -> Self {
        Self { step: s.step.to_string(), window: s.window, start: s.start, end: s.end }
    }
}

/// A step that fitted no window, and why.
#[pyclass(frozen, get_all, module = "hcx", name = "Unfitted")]
#[derive(Clone)]
pub struct PyUnfitted {
    /// The step id.
    step: String,
    /// Why it did not fit.
    reason: String,
}

impl From<&Unfitted> for PyUnfitted {
    fn from(u: &Unfitted) -> Self {
        Self { step: u.step.to_string(), reason: u.reason.clone() }
    }
}

/// Steps assigned to maintenance windows.
#[pyclass(frozen, get_all, module = "hcx", name = "Schedule")]
#[derive(Clone)]
pub struct PySchedule {
    /// Placed steps, in order.
    slots: Vec<PySlot>,
    /// Steps that did not fit any window.
    unfitted: Vec<PyUnfitted>,
}

impl From<&Schedule> for PySchedule {
    fn from(s: &Schedule) -> Self {
        Self {
            slots: s.slots.iter().map(PySlot::from).collect(),
            unfitted: s.unfitted.iter().map(PyUnfitted::from).collect(),
        }
    }
}

/// A named rule: its stable id, severity, meaning, remediation and the catalog sources it rests on.
#[pyclass(frozen, get_all, module = "hcx", name = "Rule")]
#[derive(Clone)]
pub struct PyRule {
    /// Stable kebab-case id (what `ack` takes).
    id: String,
    /// `blocker`, `warning` or `info`.
    severity: String,
    /// One line.
    title: String,
    /// What it checks and why.
    meaning: String,
    /// What to do when it fires.
    remediation: String,
    /// Catalog source ids.
    sources: Vec<String>,
}

impl From<&hcx_core::plan::rules::Rule> for PyRule {
    fn from(r: &hcx_core::plan::rules::Rule) -> Self {
        Self {
            id: r.id.to_string(),
            severity: r.severity.to_string(),
            title: r.title.to_owned(),
            meaning: r.meaning.to_owned(),
            remediation: r.remediation.to_owned(),
            sources: r.sources.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

#[pymethods]
impl PyRule {
    fn __repr__(&self) -> String {
        format!("<hcx.Rule {} ({})>", self.id, self.severity)
    }
}

/// Every named rule, in the order `hcx explain` lists them.
#[pyfunction]
pub(crate) fn rules() -> Vec<PyRule> {
    hcx_core::plan::rules::RULES.iter().map(PyRule::from).collect()
}

/// The rule with this id; `InvalidArgument` names the known ids when there is none.
#[pyfunction]
pub(crate) fn explain(rule_id: &str) -> PyResult<PyRule> {
    match hcx_core::plan::rules::rule(rule_id) {
        Some(r) => Ok(PyRule::from(r)),
        None => {
            let known: Vec<&str> = hcx_core::plan::rules::RULES.iter().map(|r| r.id.as_str()).collect();
            Err(Error::Argument(format!("no rule {rule_id:?}; known rules: {}", known.join(", "))).into())
        }
    }
}
