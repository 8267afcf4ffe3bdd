//! `hcx.plan`, `hcx.check`, `hcx.path` and the frozen plan objects.

use hcx_core::catalog::Confidence;
use hcx_core::plan::{Plan, PlanOptions, Severity, TargetSpec};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use time::Date;

use crate::catalog::{PyCatalog, PyUpgradePath, catalog_or_bundled, upgrade_path};
use crate::errors::{Error, guarded};
use crate::fleet::PyFleet;
use crate::record::{FieldCache, Mode, to_py};
use crate::util::date_or_today;
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

/// A name of a closed set (`"third-party"`, `"warning"`, ...), parsed with the core enum's own names; an unknown
/// name is `InvalidArgument` listing the accepted ones.
pub(crate) struct NameArg<T>(T);

impl<'a, 'py, T> FromPyObject<'a, 'py> for NameArg<T>
where
    T: std::str::FromStr<Err = hcx_core::UnknownName>,
{
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let text = obj.cast::<PyString>()?;
        Ok(Self(text.to_str()?.parse().map_err(Error::from)?))
    }
}

/// Builds the planner options from the Python arguments; what is not given takes hcx-core's defaults.
fn options(
    fleet: &hcx_core::fleet::Fleet,
    catalog: &hcx_core::Catalog,
    target: Option<TargetArg>,
    ack: Vec<String>,
    date: Option<Date>,
    ne_in_service: bool,
    min_confidence: Option<NameArg<Confidence>>,
) -> PlanOptions {
    let target = target.map_or_else(|| TargetSpec::default_for(fleet, catalog), |t| t.0);
    let options = ack.into_iter().fold(PlanOptions::new(target, date_or_today(date)), PlanOptions::acknowledge);
    options.ne_in_service(ne_in_service).min_confidence(min_confidence.map(|c| c.0))
}

/// Makes the upgrade plan for a fleet.
///
/// `target` is "latest", "validated" or a version (default: "validated" where a platform of the fleet lists
/// one, else "latest"); `ack` acknowledges rule ids (`RULE-ID`, or `RULE-ID:SUBJECT` for one site, pair,
/// mesh or appliance; an acknowledged blocker no longer blocks); `date` (default today, UTC) is the day support
/// status and provider ownership are judged on; `min_confidence` (`"confirmed"`, `"secondary"`,
/// `"third-party"`) makes upgrade-path evidence weaker than it a blocker (`weak-evidence`), as `hcx plan
/// --min-confidence` does.
#[pyfunction]
#[pyo3(
    signature = (
        fleet, target = None, *, ack = Vec::new(), date = None, catalog = None, ne_in_service = false,
        min_confidence = None
    ),
    text_signature = "(fleet, target=None, *, ack=(), date=None, catalog=None, ne_in_service=False, min_confidence=None)"
)]
#[allow(clippy::too_many_arguments, reason = "the keyword arguments of the Python function")]
pub(crate) fn plan(
    py: Python<'_>,
    fleet: &Bound<'_, PyFleet>,
    target: Option<TargetArg>,
    ack: Vec<String>,
    date: Option<Date>,
    catalog: Option<&Bound<'_, PyCatalog>>,
    ne_in_service: bool,
    min_confidence: Option<NameArg<Confidence>>,
) -> PyResult<PyPlan> {
    let catalog = catalog_or_bundled(catalog);
    let fleet = fleet.get().fleet();
    let options = options(fleet, catalog, target, ack, date, ne_in_service, min_confidence);
    let p = py.detach(|| guarded(|| hcx_core::plan::plan(fleet, catalog, &options).map_err(Error::from)))?;
    Ok(PyPlan::new(py, p))
}

/// Runs every rule and returns the findings alone (blockers first). Arguments as for `plan`.
#[pyfunction]
#[pyo3(
    signature = (
        fleet, target = None, *, ack = Vec::new(), date = None, catalog = None, ne_in_service = false,
        min_confidence = None
    ),
    text_signature = "(fleet, target=None, *, ack=(), date=None, catalog=None, ne_in_service=False, min_confidence=None)"
)]
#[allow(clippy::too_many_arguments, reason = "the keyword arguments of the Python function")]
pub(crate) fn check<'py>(
    py: Python<'py>,
    fleet: &Bound<'_, PyFleet>,
    target: Option<TargetArg>,
    ack: Vec<String>,
    date: Option<Date>,
    catalog: Option<&Bound<'_, PyCatalog>>,
    ne_in_service: bool,
    min_confidence: Option<NameArg<Confidence>>,
) -> PyResult<Bound<'py, PyAny>> {
    // The findings are the plan's: planning once serves both.
    let p = plan(py, fleet, target, ack, date, catalog, ne_in_service, min_confidence)?;
    p.__getattr__(py, "findings")
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
///
/// Its fields are the `hcx-plan/v2` document's, read from the Rust plan on first access and kept: `steps`,
/// `findings`, ... are the same record objects every time.
#[pyclass(frozen, module = "hcx", name = "Plan")]
pub struct PyPlan {
    plan: Plan,
    fields: FieldCache,
}

impl PyPlan {
    pub(crate) fn new(py: Python<'_>, plan: Plan) -> Self {
        Self { plan, fields: FieldCache::new(py) }
    }

    /// The Rust plan.
    pub(crate) fn plan(&self) -> &Plan {
        &self.plan
    }
}

#[pymethods]
impl PyPlan {
    /// The names of the document's fields, in the order of the core type.
    #[staticmethod]
    fn fields() -> Vec<String> {
        crate::record::field_names::<Plan>()
    }

    /// A field of the plan document (`schema`, `digest`, `steps`, ...).
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.fields.get(py, &self.plan, name)
    }

    /// Checks that the recorded digest matches the content; raises `InvalidArgument` for an edited plan.
    fn verify_digest(&self) -> PyResult<()> {
        self.plan.verify_digest().map_err(|e| Error::Argument(e.to_string()).into())
    }

    /// The findings alone for a terminal.
    fn findings_to_text(&self) -> String {
        self.plan.findings_to_text()
    }

    /// The findings alone as a Markdown table.
    fn findings_to_markdown(&self) -> String {
        self.plan.findings_to_markdown()
    }

    /// The findings alone as JSON (`{"date", "findings", "target"}`).
    fn findings_to_json(&self) -> String {
        self.plan.findings_to_json()
    }

    /// Whether any unacknowledged blocker remains.
    #[getter]
    fn has_blockers(&self) -> bool {
        self.plan.has_blockers()
    }

    /// Whether an unacknowledged finding of this severity or a worse one remains: `"blocker"` is
    /// `has_blockers`, `"warning"` also counts warnings (what `hcx plan --fail-on` exits 1 on).
    fn fails_on(&self, severity: NameArg<Severity>) -> bool {
        self.plan.fails_on(severity.0)
    }

    /// The step with this id (`S1`, `S2`, ...), if any: the same object as in `steps`.
    fn step<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.plan.steps.iter().position(|s| &*s.id == id) {
            Some(i) => Ok(Some(self.fields.list(py, &self.plan, "steps")?.get_item(i)?)),
            None => Ok(None),
        }
    }

    /// Reads a plan back from its JSON (`hcx-plan/v2`), for example one saved with `to_json()`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let plan = py.detach(|| Plan::from_json(text)).map_err(|e| Error::Argument(e.to_string()))?;
        Ok(Self::new(py, plan))
    }

    /// The plan as pretty JSON (`hcx-plan/v2`), stable for diffs.
    fn to_json<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        let text = py.detach(|| self.plan.to_json());
        PyString::new(py, &text)
    }

    /// The plan as a Markdown runbook for a change ticket.
    fn to_markdown(&self, py: Python<'_>) -> String {
        py.detach(|| self.plan.to_markdown())
    }

    /// The plan as text for a terminal.
    fn to_text(&self, py: Python<'_>) -> String {
        py.detach(|| self.plan.to_text())
    }

    /// The plan as one self-contained HTML page (inline CSS and SVG, no script): summary, timeline,
    /// topology, outages, rollback deadlines, findings and steps. With the fleet the plan was made from, the
    /// topology shows roles, platforms, NE HA groups and every extended network.
    #[pyo3(signature = (fleet = None))]
    fn to_html(&self, py: Python<'_>, fleet: Option<&Bound<'_, PyFleet>>) -> PyResult<String> {
        let fleet = fleet.map(|f| f.get().fleet());
        Ok(py.detach(|| self.plan.to_html(fleet)).map_err(|e| Error::Render(e.to_string()))?)
    }

    /// The HTML report (`to_html()`), which Jupyter and other rich displays show for a plan.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        self.to_html(py, None)
    }

    /// The plan as plain Python data (the `hcx-plan/v2` JSON shape), built directly from the plan.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.plan, Mode::Plain)
    }

    fn __repr__(&self) -> String {
        format!(
            "<hcx.Plan target={} steps={} findings={} has_blockers={}>",
            self.plan.target,
            self.plan.steps.len(),
            self.plan.findings.len(),
            if self.plan.has_blockers() { "True" } else { "False" }
        )
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
    hcx_core::plan::rules::lookup(rule_id).map(PyRule::from).map_err(|e| Error::Argument(e.to_string()).into())
}
