//! `hcx.apply`: carries out a plan against its HCX Managers through the hcx-apply crate (dry run by default),
//! with typed events for a callback: hcx-apply's records (`hcx-events/v1`), the same as `hcx apply --events
//! jsonl` prints. `hcx.apply_async` (in the package's `__init__.py`) runs it on an executor and stops it through
//! `stop`.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hcx_apply::{ApplyOptions, EventRecord, Managers};
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyList, PyTuple};

use crate::discover::{ClientArgs, EndpointsArg, PasswordsArg, seconds};
use crate::errors::{Error, guarded};
use crate::plan::PyPlan;
use crate::record::{Mode, to_py};

/// How a run ended, the events it sent and the calls among them.
#[pyclass(frozen, get_all, module = "hcx", name = "ApplyResult")]
pub struct PyApplyResult {
    /// The journal's run number (`None` for a dry run).
    run: Option<i64>,
    /// succeeded, dry-run, blocked, paused, interrupted, drift, failed or needs-confirmation.
    outcome: String,
    /// Why it stopped, when it did not succeed.
    message: Option<String>,
    /// In a rehearsal (`sim_stand_in=True`): the steps a real run pauses on, each `"S4: why"`.
    real_run_pauses: Vec<String>,
    /// Every event of the run, in order (the dicts `on_event` received), the stream's header first.
    events: Py<PyList>,
    /// The mutating calls, sent or (in a dry run) that would be sent: the `call` events.
    calls: Py<PyList>,
}

#[pymethods]
impl PyApplyResult {
    fn __repr__(&self) -> String {
        format!("<hcx.ApplyResult {} run={:?}>", self.outcome, self.run)
    }
}

/// The Python side of a run: the callback, the events so far, and the exception the callback raised.
struct Listener {
    callback: Option<Py<PyAny>>,
    events: Py<PyList>,
    raised: Mutex<Option<PyErr>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl Listener {
    /// Called on the runner's threads: takes the GIL for the callback. The first exception stops the run at
    /// its next safe point (the in-flight call journaled); later events are recorded, not delivered.
    fn on_event(&self, event: &EventRecord) {
        Python::attach(|py| {
            let delivered = (|| -> PyResult<()> {
                let dict = to_py(py, event, Mode::Plain)?;
                self.events.bind(py).append(&dict)?;
                let stopped = self.raised.lock().map(|r| r.is_some()).unwrap_or(true);
                if let (Some(cb), false) = (&self.callback, stopped) {
                    cb.bind(py).call1((dict,))?;
                }
                Ok(())
            })();
            if let Err(e) = delivered {
                if let Ok(mut slot) = self.raised.lock() {
                    slot.get_or_insert(e);
                }
                self.stop.store(true, Ordering::SeqCst);
            }
        });
    }
}

/// Carries out a plan against the managers of `endpoints`: a dry run unless `execute`.
///
/// A dry run reads the live state, checks every step's before-state (drift) and lists the calls it would
/// send (`ApplyResult.calls`); it needs no journal. With `execute=True` the calls are sent and every step is
/// recorded in `journal` (required), so a run that stopped continues with `resume=True`. `on_event` receives
/// each event as a dict (see `hcx.events`: the `hcx-events/v1` records, each with `timestamp`, `level` and
/// `run_id`, a `stream-started` header first) while the run goes on; the GIL is released between events. An
/// exception raised by `on_event` stops the run at its next safe point, is journaled as an interrupted run, and
/// is raised again here. `stop`, a `concurrent.futures.Future`, stops the run once it is done (cancelled or
/// given a result) the way SIGINT stops `hcx apply`: the in-flight call is journaled and the run ends
/// `interrupted`. `confirm` lists manual steps done by hand; `confirm_resend` steps whose call may be sent
/// again. `settle` is how long a subject must stay untouched after a call whose outcome is unknown before the
/// call is sent again (default: twice the client timeout). Durations are in seconds; what is `None` takes
/// hcx-apply's defaults.
#[pyfunction]
#[pyo3(
    signature = (plan, endpoints, passwords = None, *, execute = false, journal = None, resume = false,
                 confirm = Vec::new(), confirm_resend = Vec::new(), on_event = None, stop = None, sim_stand_in = false,
                 parallel = 1, poll_interval = None, max_polls = None, manual_wait = None, tunnel_wait = None,
                 settle = None, connect_timeout = None, read_timeout = None, timeout = None, max_attempts = None,
                 ca_bundle = None, danger_accept_invalid_certs = false, allow_insecure_http = false),
    text_signature = "(plan, endpoints, passwords=None, *, execute=False, journal=None, resume=False, confirm=(), \
                      confirm_resend=(), on_event=None, stop=None, sim_stand_in=False, parallel=1, poll_interval=None, \
                      max_polls=None, manual_wait=None, tunnel_wait=None, settle=None, connect_timeout=None, read_timeout=None, \
                      timeout=None, max_attempts=None, ca_bundle=None, danger_accept_invalid_certs=False, \
                      allow_insecure_http=False)"
)]
#[allow(clippy::too_many_arguments, reason = "Python keyword arguments")]
pub(crate) fn apply(
    py: Python<'_>,
    plan: &Bound<'_, PyPlan>,
    endpoints: EndpointsArg,
    passwords: Option<PasswordsArg>,
    execute: bool,
    journal: Option<PathBuf>,
    resume: bool,
    confirm: Vec<String>,
    confirm_resend: Vec<String>,
    on_event: Option<Py<PyAny>>,
    stop: Option<Bound<'_, PyAny>>,
    sim_stand_in: bool,
    parallel: usize,
    poll_interval: Option<f64>,
    max_polls: Option<u32>,
    manual_wait: Option<f64>,
    tunnel_wait: Option<f64>,
    settle: Option<f64>,
    connect_timeout: Option<f64>,
    read_timeout: Option<f64>,
    timeout: Option<f64>,
    max_attempts: Option<u32>,
    ca_bundle: Option<PathBuf>,
    danger_accept_invalid_certs: bool,
    allow_insecure_http: bool,
) -> PyResult<PyApplyResult> {
    let client = ClientArgs {
        connect_timeout,
        read_timeout,
        timeout,
        max_attempts,
        ca_bundle,
        danger_accept_invalid_certs,
        allow_insecure_http,
    }
    .config()?;
    let mut opts = ApplyOptions::new(who());
    opts.execute = execute;
    opts.resume = resume;
    match (journal, execute) {
        (Some(path), _) => opts.journal = path,
        (None, true) => {
            return Err(Error::Argument("execute=True needs journal=PATH (one journal per plan)".into()).into());
        }
        (None, false) => {}
    }
    opts.confirm = confirm;
    opts.confirm_resend = confirm_resend;
    opts.sim_stand_in = sim_stand_in;
    opts.parallel = parallel.max(1);
    let secs = |name: &str, v: Option<f64>, d: Duration| v.map_or(Ok(d), |v| seconds(name, v));
    opts.poll_interval = secs("poll_interval", poll_interval, opts.poll_interval)?;
    opts.max_polls = max_polls.unwrap_or(opts.max_polls).max(1);
    opts.manual_wait = secs("manual_wait", manual_wait, opts.manual_wait)?;
    opts.tunnel_wait = secs("tunnel_wait", tunnel_wait, opts.tunnel_wait)?;
    opts.settle = settle.map(|v| seconds("settle", v)).transpose()?;

    let listener = Arc::new(Listener {
        callback: on_event,
        events: PyList::empty(py).unbind(),
        raised: Mutex::new(None),
        stop: opts.stop.clone(),
    });
    let sink = listener.clone();
    opts.on_event = Some(Arc::new(move |r: &EventRecord| sink.on_event(r)));
    if let Some(stop) = stop {
        stop_when_done(&stop, &opts)?;
    }
    let plan = plan.get().plan();
    let summary = py.detach(|| {
        guarded(|| {
            let targets = endpoints.targets(passwords)?;
            let managers = Managers::new(targets, &client)?;
            Ok(pyo3_async_runtimes::tokio::get_runtime().block_on(hcx_apply::apply(plan, &managers, &opts))?)
        })
    });
    // The runner holds the sink until it returns; the callback's exception wins over the run's own result.
    drop(opts);
    if let Some(e) = listener.raised.lock().ok().and_then(|mut r| r.take()) {
        return Err(e);
    }
    let summary = summary?;
    let events = listener.events.bind(py);
    let calls = PyList::empty(py);
    for e in events.iter() {
        if e.get_item("event")?.eq("call")? {
            calls.append(e)?;
        }
    }
    Ok(PyApplyResult {
        run: summary.run,
        outcome: summary.outcome.as_str().to_owned(),
        message: summary.message,
        real_run_pauses: summary.real_run_pauses,
        events: events.clone().unbind(),
        calls: calls.unbind(),
    })
}

/// Sets the run's stop flag once `stop` (a `concurrent.futures.Future`) is done. Its done-callbacks run in the
/// thread that finishes it, at once if it already is: a stop asked for before the run started still stops it.
fn stop_when_done(stop: &Bound<'_, PyAny>, opts: &ApplyOptions) -> PyResult<()> {
    if !stop.hasattr("add_done_callback")? {
        let kind = stop.get_type().name()?;
        return Err(Error::Argument(format!("stop must be a concurrent.futures.Future, not {kind}")).into());
    }
    let flag = opts.stop.clone();
    let set = PyCFunction::new_closure(
        stop.py(),
        Some(c"stop_run"),
        None,
        move |_: &Bound<'_, PyTuple>, _: Option<&Bound<'_, PyDict>>| flag.store(true, Ordering::SeqCst),
    )?;
    stop.call_method1("add_done_callback", (set,))?;
    Ok(())
}

/// `user@host (python)`: the journal says which front end ran.
fn who() -> String {
    format!("{} (python)", hcx_apply::local_operator())
}
