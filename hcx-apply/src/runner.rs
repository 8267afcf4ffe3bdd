//! The executor: dry run, or step-by-step execution under the journal protocol.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::StreamExt;
use hcx_core::HcxVersion;
use hcx_core::client::{ApplianceAction, ClientError, RehearsalState, RehearsalStatus, TransportKind};
use hcx_core::plan::{DigestError, Owner, Plan};

use crate::clock::{Clock, format_duration};
use crate::error::ApplyError;
use crate::event::{self, Event, EventRecord, EventSink, Outcome};
use crate::journal::{Journal, OpState};
use crate::live::{self, LiveState, Managers, PlanFacts, Reads};
use crate::ops::{self, Action, PlannedStep};

/// How a run behaves.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// Send the calls (otherwise a dry run).
    pub execute: bool,
    /// Continue an unfinished run of this plan.
    pub resume: bool,
    /// The journal file.
    pub journal: PathBuf,
    /// Steps the operator confirms as done by hand (`--confirm S7`).
    pub confirm: Vec<String>,
    /// Steps whose mutating call may be sent again although the journal cannot prove the first never took
    /// effect (`--confirm-resend S10`).
    pub confirm_resend: Vec<String>,
    /// Drive the simulator's manager-upgrade stand-in for manager steps.
    pub sim_stand_in: bool,
    /// Independent lanes run at once.
    pub parallel: usize,
    /// Who runs it (`user@host`).
    pub who: String,
    /// Delay between polls of a task or a manager.
    pub poll_interval: Duration,
    /// Polls of one task (or of a rebooting manager) before giving up.
    pub max_polls: u32,
    /// How long a manual or provider manager step waits, polling the manager for the hop's version, before it
    /// pauses the run (`Duration::ZERO`: pause at once). Measured on [`ApplyOptions::clock`].
    pub manual_wait: Duration,
    /// Delay between polls of the manager during [`ApplyOptions::manual_wait`].
    pub manual_poll_interval: Duration,
    /// How long the verification after the mesh steps waits for every appliance's tunnels to come up before
    /// it fails, naming the appliance and mesh (polls every [`ApplyOptions::poll_interval`]).
    pub tunnel_wait: Duration,
    /// The clock the waits' deadlines are measured on (the system clock; tests pass the simulator's).
    pub clock: Clock,
    /// Take over a journal lock whose holder's liveness this system cannot check (no `/proc`, i.e. not
    /// Linux), after the operator made sure the holder no longer runs.
    pub take_over_lock: bool,
    /// How long a call whose outcome is unknown (a 5xx, a timeout, a connection broken after sending) is
    /// watched, on [`ApplyOptions::clock`], for a late-accepted call to show up before the live state counts as
    /// proof that it never took effect; also how long a task's SUCCESS may take to show in its subject's
    /// version. `None`: twice the managers' client timeout ([`Managers::client_timeout`]).
    pub settle: Option<Duration>,
    /// Set to stop at the next safe point (after the in-flight call is journaled).
    pub stop: Arc<AtomicBool>,
    /// Receives every event, stamped on [`ApplyOptions::clock`] ([`EventRecord`]); the first is
    /// [`Event::StreamStarted`].
    pub on_event: Option<EventSink>,
}

impl std::fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("execute", &self.execute)
            .field("resume", &self.resume)
            .field("journal", &self.journal)
            .finish_non_exhaustive()
    }
}

impl ApplyOptions {
    /// Defaults: dry run, journal `hcx-apply.sqlite` in the working directory, one lane, polls every 10 s,
    /// manual steps pause at once, tunnels get 5 minutes to come up, system clock.
    pub fn new(who: impl Into<String>) -> Self {
        Self {
            execute: false,
            resume: false,
            journal: PathBuf::from("hcx-apply.sqlite"),
            confirm: Vec::new(),
            confirm_resend: Vec::new(),
            sim_stand_in: false,
            parallel: 1,
            who: who.into(),
            poll_interval: Duration::from_secs(10),
            max_polls: 720,
            manual_wait: Duration::ZERO,
            manual_poll_interval: Duration::from_secs(60),
            tunnel_wait: Duration::from_secs(5 * 60),
            clock: Clock::system(),
            take_over_lock: false,
            settle: None,
            stop: Arc::new(AtomicBool::new(false)),
            on_event: None,
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// Journal run number (none for a dry run).
    pub run: Option<i64>,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it stopped, when it did not succeed.
    pub message: Option<String>,
    /// In a rehearsal ([`ApplyOptions::sim_stand_in`]): the steps a real run pauses on, each `S4: why`.
    pub real_run_pauses: Vec<String>,
}

/// Why a step did not finish.
struct Stop {
    outcome: Outcome,
    message: String,
}

impl Stop {
    fn new(outcome: Outcome, message: impl Into<String>) -> Self {
        Self { outcome, message: message.into() }
    }
}

impl From<ApplyError> for Stop {
    fn from(e: ApplyError) -> Self {
        Self::new(Outcome::Failed, e.to_string())
    }
}

/// Stamps a run's events and hands them to the caller's sink: one place, so the CLI's `--events jsonl` and
/// every library caller see the same records.
struct Emitter<'a> {
    opts: &'a ApplyOptions,
    run_id: String,
}

impl<'a> Emitter<'a> {
    /// The emitter of a run, which sends the stream's header ([`Event::StreamStarted`]) at once.
    fn start(opts: &'a ApplyOptions, run_id: String) -> Self {
        let emitter = Self { opts, run_id };
        emitter.emit(Event::stream_started());
        emitter
    }

    fn emit(&self, e: Event) {
        if let Some(sink) = &self.opts.on_event {
            sink(&EventRecord::new(self.opts.clock.now(), self.run_id.clone(), e));
        }
    }
}

struct Ctx<'a> {
    managers: &'a Managers,
    opts: &'a ApplyOptions,
    journal: Option<Arc<Mutex<Journal>>>,
    run: i64,
    facts: PlanFacts,
    halt: AtomicBool,
    events: Emitter<'a>,
}

impl Ctx<'_> {
    fn emit(&self, e: Event) {
        self.events.emit(e);
    }

    fn journal(&self) -> Result<MutexGuard<'_, Journal>, ApplyError> {
        let j = self.journal.as_ref().ok_or_else(|| ApplyError::Plan("no journal in a dry run".to_owned()))?;
        Ok(j.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn record(
        &self,
        step: &str,
        op: Option<&str>,
        kind: &str,
        task: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), ApplyError> {
        self.journal()?.record(self.run, step, op, kind, task, None, detail)
    }

    fn stopping(&self) -> bool {
        self.opts.stop.load(Ordering::SeqCst) || self.halt.load(Ordering::SeqCst)
    }

    async fn pause(&self) {
        if !self.opts.poll_interval.is_zero() {
            tokio::time::sleep(self.opts.poll_interval).await;
        }
    }
}

/// Runs a plan: a dry run unless `opts.execute`.
///
/// # Errors
/// [`ApplyError`] when the run cannot start (a plan edited after it was made ([`ApplyError::EditedPlan`]), a
/// plan that cannot be executed, a journal of another plan, a
/// locked journal, an unfinished run without `resume`). Everything that stops a started run is reported in
/// the [`RunSummary`] instead.
pub async fn apply(plan: &Plan, managers: &Managers, opts: &ApplyOptions) -> Result<RunSummary, ApplyError> {
    // A plan edited after it was made would carry out steps nobody planned: refused before anything is read.
    match plan.verify_digest() {
        Ok(()) => {}
        Err(DigestError::Mismatch { recorded, computed }) => {
            return Err(ApplyError::EditedPlan { expected: recorded, found: computed });
        }
        Err(e) => return Err(ApplyError::Plan(format!("cannot check the plan's digest: {e}"))),
    }
    let digest = ops::plan_digest(&plan.to_json())?;
    let steps = ops::planned_steps(plan)?;
    let facts = PlanFacts::of(&steps);
    let blockers: Vec<String> =
        plan.findings.iter().filter(|f| f.blocks()).map(|f| format!("{}: {}", f.rule, f.message)).collect();
    if !blockers.is_empty() {
        let events = Emitter::start(opts, event::run_id(&digest, None, true));
        events.emit(Event::RunStarted { run: None, plan_digest: digest, execute: opts.execute, steps: steps.len() });
        events.emit(Event::RunFinished { run: None, outcome: Outcome::Blocked });
        return Ok(RunSummary {
            run: None,
            outcome: Outcome::Blocked,
            message: Some(format!("unacknowledged blockers; nothing was sent: {}", blockers.join("; "))),
            real_run_pauses: Vec::new(),
        });
    }
    if !opts.execute {
        return dry_run(&steps, managers, opts, &digest, facts).await;
    }
    let mut journal = Journal::open(&opts.journal)?;
    journal.bind_plan(&digest)?;
    if opts.take_over_lock {
        journal.take_over(&opts.who)?;
    } else {
        journal.lock(&opts.who)?;
    }
    // A journal that forgot (new, emptied, copied without its WAL) must not make a resume start over.
    if opts.resume {
        journal.require_resumable_run(&digest)?;
    }
    if let Some(last) = journal.runs()?.last() {
        if last.outcome.as_deref() != Some(Outcome::Succeeded.as_str()) && !opts.resume {
            return Err(ApplyError::Unfinished { path: opts.journal.display().to_string(), run: last.id });
        }
    }
    let fleet = managers.sites().join(",");
    let run = journal.start_run(&digest, &fleet, &opts.who, "execute")?;
    let events = Emitter::start(opts, event::run_id(&digest, Some(run), false));
    let journal = Some(Arc::new(Mutex::new(journal)));
    let ctx = Ctx { managers, opts, journal, run, facts, halt: AtomicBool::new(false), events };
    ctx.emit(Event::RunStarted { run: Some(run), plan_digest: digest, execute: true, steps: steps.len() });

    let mut lanes: BTreeMap<usize, Vec<&PlannedStep>> = BTreeMap::new();
    for s in &steps {
        lanes.entry(s.lane).or_default().push(s);
    }
    let results: Vec<Result<(), Stop>> = futures::stream::iter(lanes.into_values().map(|lane| run_lane(&ctx, lane)))
        .buffer_unordered(opts.parallel.max(1))
        .collect()
        .await;
    let worst = results.into_iter().filter_map(Result::err).max_by_key(|s| s.outcome.rank());
    let (outcome, message) = match worst {
        None => (Outcome::Succeeded, None),
        Some(s) => (s.outcome, Some(s.message)),
    };
    ctx.journal()?.finish_run(run, outcome.as_str())?;
    ctx.emit(Event::RunFinished { run: Some(run), outcome });
    Ok(RunSummary { run: Some(run), outcome, message, real_run_pauses: real_run_pauses(&steps, opts) })
}

async fn run_lane(ctx: &Ctx<'_>, lane: Vec<&PlannedStep>) -> Result<(), Stop> {
    for step in lane {
        if ctx.stopping() {
            return Err(Stop::new(Outcome::Interrupted, "stopped on request; resume with --resume"));
        }
        if let Err(stop) = run_step(ctx, step).await {
            if stop.outcome != Outcome::Paused {
                // Other lanes stop at their next safe point: a failing fleet is not a time to keep going.
                ctx.halt.store(true, Ordering::SeqCst);
            }
            let _ = ctx.record(&step.id, None, stop_kind(stop.outcome), None, Some(&stop.message));
            match stop.outcome {
                Outcome::Drift | Outcome::Paused => {}
                _ => ctx.emit(Event::StepFailed {
                    step: step.id.clone(),
                    message: stop.message.clone(),
                    rollback: step.rollback.clone(),
                    rollback_hours: step.rollback_hours,
                }),
            }
            return Err(stop);
        }
    }
    Ok(())
}

fn stop_kind(o: Outcome) -> &'static str {
    match o {
        Outcome::Paused => "paused",
        Outcome::Drift => "drift",
        Outcome::Interrupted => "interrupted",
        Outcome::NeedsConfirmation => "needs-confirmation",
        Outcome::Failed | Outcome::Succeeded | Outcome::DryRun | Outcome::Blocked => "step-failed",
    }
}

async fn dry_run(
    steps: &[PlannedStep],
    managers: &Managers,
    opts: &ApplyOptions,
    digest: &str,
    facts: PlanFacts,
) -> Result<RunSummary, ApplyError> {
    let events = Emitter::start(opts, event::run_id(digest, None, false));
    let ctx = Ctx { managers, opts, journal: None, run: 0, facts, halt: AtomicBool::new(false), events };
    ctx.emit(Event::RunStarted { run: None, plan_digest: digest.to_owned(), execute: false, steps: steps.len() });
    // One read of everything, then each step is checked against the state the earlier steps would leave.
    let mut projected = live::read(managers, "dry run", &Reads::everything(steps, &ctx.facts)).await?;
    let mut drift = false;
    for step in steps {
        ctx.emit(Event::StepStarted { step: step.id.clone(), title: step.title.clone() });
        let mut diffs = live::before_differences(step, &projected, &ctx.facts, &live::Finished::default());
        // What the pre-check would stop on (work started since the plan was made) is drift from the plan.
        if let Action::Precheck { site } = &step.action {
            diffs.extend(precheck_blockers(site, &projected));
        }
        if !diffs.is_empty() {
            drift = true;
            ctx.emit(Event::Drift { step: step.id.clone(), differences: diffs });
        }
        if let Some((owner, reason)) = rehearsed(step, opts) {
            ctx.emit(Event::Rehearsed { step: step.id.clone(), owner, reason });
        }
        for (site, call) in calls_of(step, opts.sim_stand_in) {
            ctx.emit(Event::Call { step: step.id.clone(), site, call, sent: false });
        }
        match (pauses(step, opts), &step.action) {
            (Some((owner, resume)), Action::UpgradeManager { site, to, .. }) if !opts.manual_wait.is_zero() => {
                ctx.emit(Event::StepWaiting {
                    step: step.id.clone(),
                    owner,
                    site: site.clone(),
                    version: to.to_string(),
                    instructions: step.instructions.clone(),
                    wait_ms: u64::try_from(opts.manual_wait.as_millis()).unwrap_or(u64::MAX),
                    resume,
                });
            }
            (Some((owner, resume)), _) => ctx.emit(Event::StepPaused {
                step: step.id.clone(),
                owner,
                instructions: step.instructions.clone(),
                resume,
            }),
            (None, _) => {}
        }
        live::project(step, &mut projected);
    }
    // Unlike an executed run, a dry run goes on past drift, listing every difference; it still ends in drift.
    let (outcome, message) = if drift {
        (Outcome::Drift, Some("the live state differs from the plan (see the drift lines)".to_owned()))
    } else {
        (Outcome::DryRun, None)
    };
    ctx.emit(Event::RunFinished { run: None, outcome });
    Ok(RunSummary { run: None, outcome, message, real_run_pauses: real_run_pauses(steps, opts) })
}

/// Whether a step would pause, and how to continue it.
fn pauses(step: &PlannedStep, opts: &ApplyOptions) -> Option<(String, String)> {
    let owner = match &step.action {
        Action::Manual { owner, .. } => *owner,
        Action::UpgradeManager { provider, .. } if !opts.sim_stand_in => {
            if *provider {
                Owner::Provider
            } else {
                Owner::Customer
            }
        }
        _ => return None,
    };
    if opts.confirm.iter().any(|c| c == &step.id) {
        return None;
    }
    Some((owner.as_str().to_owned(), format!("hcx apply --resume --confirm {}", step.id)))
}

/// For a step the simulator's rehearsal path carries out: who a real run waits for there, and why.
fn rehearsed(step: &PlannedStep, opts: &ApplyOptions) -> Option<(String, String)> {
    let Action::UpgradeManager { site, to, provider, .. } = &step.action else { return None };
    if !opts.sim_stand_in {
        return None;
    }
    let owner = if *provider { Owner::Provider } else { Owner::Customer };
    let reason = format!(
        "a real run pauses here: no public API upgrades an HCX Manager; the {} upgrades {site} to {to}, then \
         hcx apply --resume --confirm {}",
        owner.as_str(),
        step.id
    );
    Some((owner.as_str().to_owned(), reason))
}

/// The steps a real run pauses on that a rehearsal carries out, each `S4: why`.
fn real_run_pauses(steps: &[PlannedStep], opts: &ApplyOptions) -> Vec<String> {
    steps.iter().filter_map(|s| rehearsed(s, opts).map(|(_, why)| format!("{}: {why}", s.id))).collect()
}

/// The mutating calls a step sends, in order.
fn calls_of(step: &PlannedStep, stand_in: bool) -> Vec<(String, String)> {
    match &step.action {
        Action::UpgradeAppliances { site, appliances, in_service, .. } => appliances
            .iter()
            .map(|a| {
                let method = if *in_service { "inService" } else { "legacy" };
                (site.clone(), format!("POST /hybridity/api/interconnect/appliances/{a}/upgrade?force=false&local=false&method={method}"))
            })
            .collect(),
        Action::RedeployAppliances { site, appliances, .. } => appliances
            .iter()
            .map(|a| (site.clone(), format!("POST /hybridity/api/interconnect/appliances/{a}/redeploy?force=false&local=false")))
            .collect(),
        Action::UpgradeManager { site, to, .. } if stand_in => {
            vec![(site.clone(), format!("POST /hcx-sim/rehearsal/manager-upgrade {{\"to\":\"{to}\"}} (simulator rehearsal, not an HCX API)"))]
        }
        _ => Vec::new(),
    }
}

async fn run_step(ctx: &Ctx<'_>, step: &PlannedStep) -> Result<(), Stop> {
    if ctx.journal()?.step_done(&step.id)? {
        ctx.emit(Event::StepDone { step: step.id.clone(), skipped: true, reconciled: false });
        return Ok(());
    }
    ctx.emit(Event::StepStarted { step: step.id.clone(), title: step.title.clone() });
    ctx.record(&step.id, None, "step-started", None, Some(&step.title))?;
    if let Some(r) = &step.rollback {
        let window =
            step.rollback_hours.map(|h| format!("possible for {h} h after the step started: ")).unwrap_or_default();
        ctx.record(&step.id, None, "rollback", None, Some(&format!("{window}{r}")))?;
    }
    let confirmed = ctx.opts.confirm.iter().any(|c| c == &step.id);
    let reads = Reads::for_step(step, &ctx.facts);
    let live = read_patiently(ctx, step, &reads).await?;
    check_drift(ctx, step, &live, confirmed)?;
    snapshot(ctx, step, "pre", &live)?;
    let reconciled = carry_out(ctx, step, &live, &reads, confirmed).await?;
    let after = read_patiently(ctx, step, &reads).await?;
    let diffs = live::after_differences(step, &after);
    if !diffs.is_empty() {
        return Err(Stop::new(Outcome::Failed, format!("{}: after the step, {}", step.id, diffs.join("; "))));
    }
    snapshot(ctx, step, "post", &after)?;
    ctx.record(&step.id, None, "step-done", None, None)?;
    ctx.emit(Event::StepDone { step: step.id.clone(), skipped: false, reconciled });
    Ok(())
}

/// Stops on any difference between the live state and the step's before-state.
fn check_drift(ctx: &Ctx<'_>, step: &PlannedStep, live: &LiveState, confirmed: bool) -> Result<(), Stop> {
    let done = finished_ops(ctx, step, live)?;
    // A manual step the operator confirms is judged by its after-state alone.
    let manual_manager = matches!(step.action, Action::UpgradeManager { .. }) && !ctx.opts.sim_stand_in;
    if has_pending(ctx, step)? || (confirmed && manual_manager) {
        return Ok(());
    }
    let diffs = live::before_differences(step, live, &ctx.facts, &done);
    if diffs.is_empty() {
        return Ok(());
    }
    let text = diffs.iter().map(|d| format!("{}: {d}", step.id)).collect::<Vec<_>>().join("; ");
    ctx.emit(Event::Drift { step: step.id.clone(), differences: diffs });
    Err(Stop::new(Outcome::Drift, text))
}

/// Does what the step does. Returns whether an operation was reconciled after an interruption.
async fn carry_out(
    ctx: &Ctx<'_>,
    step: &PlannedStep,
    live: &LiveState,
    reads: &Reads,
    confirmed: bool,
) -> Result<bool, Stop> {
    Ok(match &step.action {
        Action::Precheck { site } => precheck(step, site, live).map(|()| false)?,
        Action::Manual { .. } => manual(ctx, step, confirmed).map(|()| false)?,
        Action::UpgradeManager { site, from, to, .. } => {
            if let Some((owner, reason)) = rehearsed(step, ctx.opts) {
                ctx.record(&step.id, None, "rehearsed", None, Some(&reason))?;
                ctx.emit(Event::Rehearsed { step: step.id.clone(), owner, reason });
                let op = format!("{}/manager", step.id);
                perform(ctx, step, &op, &Mutation::StandIn { site, from, to }).await?
            } else {
                manual_manager_step(ctx, step, site, to, confirmed).await.map(|()| false)?
            }
        }
        Action::UpgradeAppliances { site, appliances, from, to, in_service, .. } => {
            let mut any = false;
            for a in appliances {
                let op = format!("{}/{a}", step.id);
                let (redeploy, in_service, from) = (false, *in_service, from.as_ref());
                any |= perform(ctx, step, &op, &Mutation::Appliance { site, id: a, redeploy, in_service, from, to })
                    .await?;
            }
            any
        }
        Action::RedeployAppliances { site, appliances, to, .. } => {
            let mut any = false;
            for a in appliances {
                let op = format!("{}/{a}", step.id);
                let m = Mutation::Appliance { site, id: a, redeploy: true, in_service: false, from: None, to };
                any |= perform(ctx, step, &op, &m).await?;
            }
            any
        }
        Action::WaitConvergence { .. } => {
            wait_after_state(ctx, step, reads).await?;
            false
        }
        Action::Verify { .. } => {
            wait_after_state(ctx, step, reads).await?;
            verify_health(ctx, step, reads, confirmed).await?;
            false
        }
    })
}

/// Reads the live state, riding out a manager that is rebooting or briefly unavailable (transient errors).
async fn read_patiently(ctx: &Ctx<'_>, step: &PlannedStep, reads: &Reads) -> Result<LiveState, ApplyError> {
    let mut polls = 0;
    loop {
        match live::read(ctx.managers, &step.id, reads).await {
            Err(ApplyError::Client { source, .. }) if source.is_transient() && polls + 1 < ctx.opts.max_polls => {
                polls += 1;
                tracing::debug!(step = %step.id, error = %source, "manager unavailable; reading again");
                ctx.pause().await;
            }
            other => return other,
        }
    }
}

fn snapshot(ctx: &Ctx<'_>, step: &PlannedStep, phase: &str, live: &LiveState) -> Result<(), ApplyError> {
    let v = serde_json::to_value(live).map_err(|e| ApplyError::Plan(format!("cannot encode a snapshot: {e}")))?;
    ctx.journal()?.snapshot(ctx.run, &step.id, phase, &v)
}

fn op_keys(step: &PlannedStep) -> Vec<(String, Option<String>)> {
    match &step.action {
        Action::UpgradeAppliances { appliances, .. } | Action::RedeployAppliances { appliances, .. } => {
            appliances.iter().map(|a| (format!("{}/{a}", step.id), Some(a.clone()))).collect()
        }
        Action::UpgradeManager { .. } => vec![(format!("{}/manager", step.id), None)],
        _ => Vec::new(),
    }
}

/// The operations of the step that an interrupted run finished, and the subjects someone else already took
/// to the after-state (adopted when their turn comes, instead of sent): they are checked against the
/// after-state.
fn finished_ops(ctx: &Ctx<'_>, step: &PlannedStep, live: &LiveState) -> Result<live::Finished, ApplyError> {
    let j = ctx.journal()?;
    let mut out = live::Finished::default();
    match &step.action {
        Action::UpgradeAppliances { appliances, to, .. } => {
            for a in appliances {
                let at = live
                    .appliances
                    .get(a)
                    .is_some_and(|l| &l.version == to && l.peer_version.as_ref().is_none_or(|p| p == to));
                if at {
                    out.appliances.insert(a.clone());
                }
            }
        }
        Action::UpgradeManager { site, to, .. } if ctx.opts.sim_stand_in => {
            out.manager = live.managers.get(site) == Some(to);
        }
        _ => {}
    }
    for (op, a) in op_keys(step) {
        if j.op_state(&op)? == OpState::Done {
            match a {
                Some(a) => {
                    out.appliances.insert(a);
                }
                None => out.manager = true,
            }
        }
    }
    Ok(out)
}

/// An operation of the step has an intent and no outcome: reconciliation, not the drift check, decides.
fn has_pending(ctx: &Ctx<'_>, step: &PlannedStep) -> Result<bool, ApplyError> {
    let j = ctx.journal()?;
    for (op, _) in op_keys(step) {
        if matches!(j.op_state(&op)?, OpState::Pending { .. }) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The live pre-check: no migration in flight and no replication counted at the site (Microsoft's
/// `Restart-HcxManager` refuses on any replication counter above zero).
fn precheck(step: &PlannedStep, site: &str, live: &LiveState) -> Result<(), Stop> {
    let blockers = precheck_blockers(site, live);
    if blockers.is_empty() {
        return Ok(());
    }
    Err(Stop::new(Outcome::Failed, format!("{}: {}", step.id, blockers.join("; "))))
}

fn precheck_blockers(site: &str, live: &LiveState) -> Vec<String> {
    let mut blockers = Vec::new();
    if let Some(n) = live.active_migrations.get(site).filter(|n| **n > 0) {
        blockers.push(format!("{n} migration(s) in flight at {site}: let them finish before the upgrade"));
    }
    if let Some(n) = live.active_replications.get(site).filter(|n| **n > 0) {
        blockers.push(format!(
            "{n} replication(s) active at {site} (the replications summary): let them finish or pause them before \
             the upgrade"
        ));
    }
    blockers
}

fn manual(ctx: &Ctx<'_>, step: &PlannedStep, confirmed: bool) -> Result<(), Stop> {
    if confirmed || ctx.journal()?.has_event(&step.id, "confirmed")? {
        ctx.record(&step.id, None, "confirmed", None, Some(&format!("confirmed by {}", ctx.opts.who)))?;
        return Ok(());
    }
    Err(pause_step(ctx, step))
}

fn pause_step(ctx: &Ctx<'_>, step: &PlannedStep) -> Stop {
    let (owner, _) = pause_instructions(step, ctx.opts);
    pause_with(ctx, step, &owner, step.instructions.clone())
}

/// Who a step waits for and how to continue it.
fn pause_instructions(step: &PlannedStep, opts: &ApplyOptions) -> (String, String) {
    pauses(step, opts).unwrap_or_else(|| ("customer".to_owned(), format!("hcx apply --resume --confirm {}", step.id)))
}

fn pause_with(ctx: &Ctx<'_>, step: &PlannedStep, owner: &str, instructions: Vec<String>) -> Stop {
    let resume = format!("hcx apply --resume --confirm {}", step.id);
    ctx.emit(Event::StepPaused {
        step: step.id.clone(),
        owner: owner.to_owned(),
        instructions: instructions.clone(),
        resume: resume.clone(),
    });
    let what = if instructions.is_empty() || instructions == step.instructions {
        step.title.clone()
    } else {
        instructions.join("; ")
    };
    Stop::new(Outcome::Paused, format!("{}: waits for the {owner}: {what}; then `{resume}`", step.id))
}

/// A manager hop no API can do (HCX 4.x manager upgrades; the AVS Cloud Manager is the provider's). Confirmed:
/// the manager must already report the hop's version. Otherwise the run shows the instructions and polls the
/// manager until it reports that version or [`ApplyOptions::manual_wait`] passes, then pauses.
async fn manual_manager_step(
    ctx: &Ctx<'_>,
    step: &PlannedStep,
    site: &str,
    to: &HcxVersion,
    confirmed: bool,
) -> Result<(), Stop> {
    let client = ctx.managers.get(site)?;
    if confirmed {
        return match client.local_version().await {
            Ok(v) if &v.version == to => {
                ctx.record(&step.id, None, "confirmed", None, Some(&format!("confirmed by {}", ctx.opts.who)))?;
                Ok(())
            }
            Ok(v) => Err(Stop::new(
                Outcome::Failed,
                format!("{}: confirmed, but manager {site} is at {}, not {to}", step.id, v.version),
            )),
            Err(e) => Err(Stop::new(
                Outcome::Failed,
                format!("{}: confirmed, but manager {site} cannot be read to check it runs {to}: {e}", step.id),
            )),
        };
    }
    let wait = ctx.opts.manual_wait;
    if wait.is_zero() {
        return Err(pause_step(ctx, step));
    }
    let (owner, resume) = pause_instructions(step, ctx.opts);
    ctx.emit(Event::StepWaiting {
        step: step.id.clone(),
        owner,
        site: site.to_owned(),
        version: to.to_string(),
        instructions: step.instructions.clone(),
        wait_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        resume,
    });
    let waiting = format!("waiting up to {} for manager {site} to report {to}", format_duration(wait));
    ctx.record(&step.id, None, "waiting", None, Some(&waiting))?;
    let deadline = ctx.opts.clock.deadline(wait);
    loop {
        // A manager that is down for its upgrade answers with errors: keep polling until the deadline.
        if let Ok(v) = client.local_version().await {
            if &v.version == to {
                ctx.record(&step.id, None, "confirmed", None, Some(&format!("manager {site} seen at {to}")))?;
                return Ok(());
            }
        }
        if deadline.passed() {
            tracing::info!(step = %step.id, %site, "manual wait over; pausing");
            return Err(pause_step(ctx, step));
        }
        if ctx.opts.stop.load(Ordering::SeqCst) {
            return Err(Stop::new(
                Outcome::Interrupted,
                format!("{}: stopped while {waiting}; resume to keep waiting", step.id),
            ));
        }
        if !ctx.opts.manual_poll_interval.is_zero() {
            tokio::time::sleep(ctx.opts.manual_poll_interval).await;
        }
    }
}

/// The verification after the mesh steps: every appliance and mesh service of the step's meshes reports the
/// status it reported before the run (`status.summary.overallStatus`, mesh `status.services[]`: documented
/// fields whose values are not, so they are compared, never interpreted; hcx-facts O7 asks for "Tunnel Up").
/// A change gets [`ApplyOptions::tunnel_wait`] to come back; one that stays, or a status that cannot be
/// compared, pauses the step for the operator to look at Tunnel Up in the HCX UI and `--confirm` it. A tunnel a
/// manager lists as not up fails the step once the wait is over.
async fn verify_health(ctx: &Ctx<'_>, step: &PlannedStep, reads: &Reads, confirmed: bool) -> Result<(), Stop> {
    let deadline = ctx.opts.clock.deadline(ctx.opts.tunnel_wait);
    let before = live::Baseline::from_snapshots(&ctx.journal()?.snapshots(None)?);
    loop {
        let live = read_patiently(ctx, step, reads).await?;
        let check = live::health_check(step, &live, &before);
        let settled = check.changed.is_empty() && check.tunnels_down.is_empty();
        if settled && check.unjudged.is_empty() {
            return Ok(());
        }
        if settled || deadline.passed() {
            if !check.tunnels_down.is_empty() {
                return Err(Stop::new(
                    Outcome::Failed,
                    format!(
                        "{}: after the mesh steps, {} (still so after {}); check the appliances and the uplink \
                         network, then resume",
                        step.id,
                        check.tunnels_down.join("; "),
                        format_duration(ctx.opts.tunnel_wait)
                    ),
                ));
            }
            return confirm_health(ctx, step, &check, confirmed);
        }
        if ctx.stopping() {
            return Err(Stop::new(
                Outcome::Interrupted,
                format!("{}: stopped while waiting for the appliances' status; resume to check again", step.id),
            ));
        }
        ctx.pause().await;
    }
}

/// A status that changed, or cannot be compared, is the operator's call: hcx cannot tell a healthy value.
fn confirm_health(ctx: &Ctx<'_>, step: &PlannedStep, check: &live::HealthCheck, confirmed: bool) -> Result<(), Stop> {
    let seen = check.changed.iter().chain(&check.unjudged).cloned().collect::<Vec<_>>().join("; ");
    if confirmed {
        let why = format!("{seen}; Tunnel Up confirmed by {}", ctx.opts.who);
        ctx.record(&step.id, None, "confirmed", None, Some(&why))?;
        return Ok(());
    }
    let waited = if check.changed.is_empty() {
        String::new()
    } else {
        format!(" (still so after {})", format_duration(ctx.opts.tunnel_wait))
    };
    let check_ui = format!(
        "The managers' status is not what it was before the run, or cannot be compared with it: {seen}{waited}. \
         HCX does not document these values: check in the HCX UI (Interconnect > Service Mesh > Appliances) that \
         every tunnel shows Tunnel Up"
    );
    Err(pause_with(ctx, step, "customer", vec![check_ui]))
}

async fn wait_after_state(ctx: &Ctx<'_>, step: &PlannedStep, reads: &Reads) -> Result<(), Stop> {
    let polls = if matches!(step.action, Action::WaitConvergence { .. }) { ctx.opts.max_polls } else { 1 };
    let mut last = Vec::new();
    for i in 0..polls {
        if let Ok(live) = live::read(ctx.managers, &step.id, reads).await {
            last = live::after_differences(step, &live);
            if last.is_empty() {
                return Ok(());
            }
        }
        if i + 1 < polls {
            ctx.pause().await;
        }
    }
    Err(Stop::new(Outcome::Failed, format!("{}: {}", step.id, last.join("; "))))
}

/// One mutating call.
enum Mutation<'a> {
    Appliance {
        site: &'a str,
        id: &'a str,
        redeploy: bool,
        in_service: bool,
        from: Option<&'a HcxVersion>,
        to: &'a HcxVersion,
    },
    StandIn {
        site: &'a str,
        from: &'a HcxVersion,
        to: &'a HcxVersion,
    },
}

impl Mutation<'_> {
    fn site(&self) -> &str {
        match self {
            Self::Appliance { site, .. } | Self::StandIn { site, .. } => site,
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Appliance { id, redeploy: true, .. } => {
                format!("POST /hybridity/api/interconnect/appliances/{id}/redeploy?force=false&local=false")
            }
            Self::Appliance { id, in_service, .. } => format!(
                "POST /hybridity/api/interconnect/appliances/{id}/upgrade?force=false&local=false&method={}",
                if *in_service { "inService" } else { "legacy" }
            ),
            Self::StandIn { to, .. } => {
                format!(
                    "POST /hcx-sim/rehearsal/manager-upgrade {{\"to\":\"{to}\"}} (simulator rehearsal, not an HCX API)"
                )
            }
        }
    }
}

/// What the live state shows about the subject of a mutating call (an appliance, or the manager of a
/// stand-in hop).
enum Seen {
    /// At the call's after-state.
    AtTarget(String),
    /// An operation on it runs (or ran) that this journal did not record: its task, and what was seen.
    Running(String, String),
    /// At its before-state, with no operation on it in sight.
    Untouched(String),
    /// Could not be read now (a rebooting manager): ask again.
    Unreadable(String),
    /// Neither: what was seen.
    Unclear(String),
}

/// What reconciling an unknown outcome decided.
enum Settled {
    /// The subject is at the after-state.
    Done,
    /// A task for it runs (or ran): wait for it.
    Task(String),
    /// The live state proves the call never took effect, or the operator confirmed a resend: send.
    Send,
}

/// Carries out one mutating call under the journal protocol. Returns whether it was reconciled after an
/// unknown outcome.
async fn perform(ctx: &Ctx<'_>, step: &PlannedStep, op: &str, m: &Mutation<'_>) -> Result<bool, Stop> {
    let state = ctx.journal()?.op_state(op)?;
    let resend_ok = ctx.opts.confirm_resend.iter().any(|c| c == &step.id);
    let mut reconciled = false;
    let task = match state {
        OpState::Done => return Ok(false),
        OpState::Pending { task: Some(t) } => {
            reconciled = true;
            Some(t)
        }
        OpState::Pending { task: None } => {
            reconciled = true;
            let why = "an earlier run sent it and journaled no answer";
            match settle(ctx, step, op, m, resend_ok, why).await? {
                Settled::Done => return Ok(true),
                Settled::Task(t) => Some(t),
                Settled::Send => None,
            }
        }
        OpState::Failed(msg) if !resend_ok => {
            return Err(Stop::new(
                Outcome::Failed,
                format!(
                    "{}: the task failed earlier: {msg}; after fixing the cause, resume with --confirm-resend {}",
                    step.id, step.id
                ),
            ));
        }
        OpState::Failed(_) | OpState::NotStarted | OpState::NotPerformed => None,
    };
    let task = match task {
        Some(t) => t,
        None => match look_then_send(ctx, step, op, m, resend_ok).await? {
            Settled::Done => return Ok(reconciled),
            Settled::Task(t) => t,
            // An unknown answer: reconcile from the live state before anything else is sent.
            Settled::Send => {
                reconciled = true;
                let why = "the answer to it proved nothing";
                match settle(ctx, step, op, m, resend_ok, why).await? {
                    Settled::Done => return Ok(true),
                    Settled::Task(t) => t,
                    Settled::Send => match look_then_send(ctx, step, op, m, resend_ok).await? {
                        Settled::Done => return Ok(true),
                        Settled::Task(t) => t,
                        Settled::Send => {
                            return Err(Stop::new(
                                Outcome::NeedsConfirmation,
                                format!(
                                    "{}: `{}` was sent twice and neither answer proved what it did; check the \
                                     manager, then resume with --confirm-resend {}",
                                    step.id,
                                    m.describe(),
                                    step.id
                                ),
                            ));
                        }
                    },
                }
            }
        },
    };
    wait(ctx, step, op, m, &task).await?;
    Ok(reconciled)
}

/// Looks at the subject, then sends unless it is already at the after-state or an operation on it runs
/// (adopted: waited for as if this run had started it). Returns the task to wait for, `Done`, or `Send` when
/// the call was sent and its outcome is unknown.
async fn look_then_send(
    ctx: &Ctx<'_>,
    step: &PlannedStep,
    op: &str,
    m: &Mutation<'_>,
    resend_ok: bool,
) -> Result<Settled, Stop> {
    // A manager briefly unreadable (rebooting, a 503) is asked again until the settle time passes.
    let deadline = ctx.opts.clock.deadline(settle_time(ctx));
    let mut seen = look(ctx, step, m, false).await?;
    while matches!(seen, Seen::Unreadable(_)) && !deadline.passed() && !ctx.stopping() {
        ctx.pause().await;
        seen = look(ctx, step, m, false).await?;
    }
    match seen {
        Seen::AtTarget(what) => {
            ctx.record(&step.id, Some(op), "adopted", None, Some(&what))?;
            ctx.record(&step.id, Some(op), "done", None, Some(&format!("adopted: {what}")))?;
            return Ok(Settled::Done);
        }
        Seen::Running(task, what) => {
            adopt(ctx, step, op, &task, &what)?;
            return Ok(Settled::Task(task));
        }
        Seen::Untouched(_) => {}
        Seen::Unclear(what) | Seen::Unreadable(what) if !resend_ok => {
            return Err(Stop::new(
                Outcome::NeedsConfirmation,
                format!(
                    "{}: not sending `{}`: {what}; check the manager, then resume with --confirm-resend {}",
                    step.id,
                    m.describe(),
                    step.id
                ),
            ));
        }
        Seen::Unclear(what) | Seen::Unreadable(what) => {
            let why = format!("{what}; send confirmed by {}", ctx.opts.who);
            ctx.record(&step.id, Some(op), "resend-confirmed", None, Some(&why))?;
        }
    }
    send(ctx, step, op, m).await
}

/// Journals a task this run did not start as the operation's own (`adopted`, then its task id).
fn adopt(ctx: &Ctx<'_>, step: &PlannedStep, op: &str, task: &str, what: &str) -> Result<(), ApplyError> {
    ctx.record(&step.id, Some(op), "adopted", Some(task), Some(what))?;
    ctx.record(&step.id, Some(op), "task", Some(task), Some(&format!("adopted: {what}")))
}

/// How long an unknown outcome is watched for a late-accepted call to show up.
fn settle_time(ctx: &Ctx<'_>) -> Duration {
    ctx.opts.settle.unwrap_or_else(|| ctx.managers.client_timeout().saturating_mul(2))
}

/// Reconciles a call whose outcome is unknown from the live state. It counts as never taken effect only when
/// the subject stays untouched for the whole settle time ([`ApplyOptions::settle`]), measured on the run's
/// clock; anything unclear stops the run for the operator's `--confirm-resend`.
async fn settle(
    ctx: &Ctx<'_>,
    step: &PlannedStep,
    op: &str,
    m: &Mutation<'_>,
    resend_ok: bool,
    why: &str,
) -> Result<Settled, Stop> {
    let wait = settle_time(ctx);
    let deadline = ctx.opts.clock.deadline(wait);
    loop {
        let seen = look(ctx, step, m, true).await?;
        let (last, readable) = match seen {
            Seen::AtTarget(what) => {
                ctx.record(&step.id, Some(op), "done", None, Some(&format!("reconciled: {what}")))?;
                return Ok(Settled::Done);
            }
            Seen::Running(task, what) => {
                ctx.record(&step.id, Some(op), "task", Some(&task), Some(&format!("reconciled: {what}")))?;
                return Ok(Settled::Task(task));
            }
            Seen::Unclear(what) => return unclear(ctx, step, op, m, resend_ok, why, &what),
            Seen::Untouched(what) => (what, true),
            Seen::Unreadable(what) => (what, false),
        };
        if deadline.passed() {
            if !readable {
                return unclear(ctx, step, op, m, resend_ok, why, &last);
            }
            let proof = format!("reconciled: {last}, still after watching {} for a late call", format_duration(wait));
            ctx.record(&step.id, Some(op), "not-performed", None, Some(&proof))?;
            return Ok(Settled::Send);
        }
        if ctx.opts.stop.load(Ordering::SeqCst) {
            return Err(Stop::new(
                Outcome::Interrupted,
                format!("{}: stopped while reconciling `{}`; resume to reconcile it", step.id, m.describe()),
            ));
        }
        ctx.pause().await;
    }
}

/// An unknown outcome the live state does not settle: a resend only when the operator confirmed it.
fn unclear(
    ctx: &Ctx<'_>,
    step: &PlannedStep,
    op: &str,
    m: &Mutation<'_>,
    resend_ok: bool,
    why: &str,
    what: &str,
) -> Result<Settled, Stop> {
    if resend_ok {
        let detail = format!("{why}; {what}; resend confirmed by {}", ctx.opts.who);
        ctx.record(&step.id, Some(op), "resend-confirmed", None, Some(&detail))?;
        return Ok(Settled::Send);
    }
    Err(Stop::new(
        Outcome::NeedsConfirmation,
        format!(
            "{}: cannot tell whether `{}` took effect ({why}; {what}); check the manager, then resume with \
             --confirm-resend {} to send it again",
            step.id,
            m.describe(),
            step.id
        ),
    ))
}

/// Commits the intent, sends, commits the task id. A refusal is journaled `not-performed` and stops the step;
/// an answer that proves nothing is journaled `unknown` and returns [`Settled::Send`] for reconciliation.
async fn send(ctx: &Ctx<'_>, step: &PlannedStep, op: &str, m: &Mutation<'_>) -> Result<Settled, Stop> {
    if ctx.stopping() {
        return Err(Stop::new(Outcome::Interrupted, "stopped on request before sending; resume with --resume"));
    }
    let call = m.describe();
    ctx.record(&step.id, Some(op), "intent", None, Some(&call))?;
    ctx.emit(Event::Call { step: step.id.clone(), site: m.site().to_owned(), call: call.clone(), sent: true });
    let client = ctx.managers.get(m.site())?;
    let result = match m {
        Mutation::Appliance { id, redeploy: true, .. } => {
            client.redeploy_appliance(id, &ApplianceAction::default()).await
        }
        Mutation::Appliance { id, in_service, .. } => {
            client.upgrade_appliance(id, &ApplianceAction::default().with_in_service(*in_service)).await
        }
        Mutation::StandIn { site, to, .. } => {
            client.sim_rehearse_manager_upgrade(to).await.map(|_| format!("stand-in:{site}:{to}"))
        }
    };
    match result {
        Ok(task) => {
            ctx.record(&step.id, Some(op), "task", Some(&task), None)?;
            Ok(Settled::Task(task))
        }
        Err(e) => match effect_of(&e) {
            Effect::NotPerformed => {
                ctx.record(&step.id, Some(op), "not-performed", None, Some(&e.to_string()))?;
                Err(Stop::new(Outcome::Failed, format!("{}: `{call}` was refused: {e}", step.id)))
            }
            Effect::Unknown => {
                // Still an open intent for the journal's state machine: a resume reconciles it as well.
                let detail = format!("outcome unknown: {e}");
                ctx.record(&step.id, Some(op), "unknown", None, Some(&detail))?;
                tracing::warn!(step = %step.id, call = %call, error = %e, "outcome unknown; reconciling");
                Ok(Settled::Send)
            }
        },
    }
}

/// What a failed mutating call proves about its effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// The request provably never reached the manager, or the manager refused it.
    NotPerformed,
    /// It may have been acted on.
    Unknown,
}

/// Whether a status is a refusal the manager answers *instead of* acting: request validation (400, 422), the
/// session or rights (401, 403), an unknown appliance (404), a method not allowed (405) and a conflict with a
/// running operation (409, e.g. `UPGRADE_IN_PROGRESS`). The reference documents 400 and 401 for the appliance
/// upgrade and the 409 body for the manager upgrade; the others are the standard meaning of those codes. Every
/// other status (5xx, 408, 429, …) may come from a gateway or a manager that acted anyway: unknown.
fn is_refusal(status: u16) -> bool {
    matches!(status, 400 | 401 | 403 | 404 | 405 | 409 | 422)
}

/// What a mutating call's error proves. Conservative: only an error that shows the request never left, or a
/// documented refusal, counts as not performed.
fn effect_of(e: &ClientError) -> Effect {
    match e {
        // Before the request: the client could not be set up, or the login that precedes it failed.
        ClientError::Config(_) | ClientError::Login { .. } => Effect::NotPerformed,
        // 401 to the call, and again after a fresh login: refused both times.
        ClientError::Unauthorized { .. } => Effect::NotPerformed,
        ClientError::Status { status, .. } if is_refusal(*status) => Effect::NotPerformed,
        ClientError::Status { .. } => Effect::Unknown,
        ClientError::Transport { kind, .. } => match kind {
            // No connection (or no TLS session) was set up: nothing was sent.
            TransportKind::Connect | TransportKind::Tls => Effect::NotPerformed,
            // Sent, and the answer never came whole.
            TransportKind::Timeout | TransportKind::Broken | TransportKind::Other => Effect::Unknown,
            // TransportKind is hcx-core's and non-exhaustive: a new kind is unknown until classified here.
            _ => Effect::Unknown,
        },
        // A 2xx whose body was too big, malformed or without a task id: the manager may well have acted.
        ClientError::TooLarge { .. }
        | ClientError::Deadline { .. }
        | ClientError::Decode { .. }
        | ClientError::Protocol { .. }
        | ClientError::TaskFailed { .. }
        | ClientError::TaskTimedOut { .. } => Effect::Unknown,
        // ClientError is hcx-core's and non-exhaustive: a new error is unknown until classified here.
        _ => Effect::Unknown,
    }
}

/// Reads what the live state shows about a call's subject. `after_unknown`: reconciling a call of ours whose
/// outcome is unknown (any task we did not journal may be its task, and one about another subject may hide
/// it); otherwise looking before a send.
async fn look(ctx: &Ctx<'_>, step: &PlannedStep, m: &Mutation<'_>, after_unknown: bool) -> Result<Seen, Stop> {
    let known = ctx.journal()?.known_tasks()?;
    match m {
        Mutation::Appliance { site, id, redeploy, from, to, .. } => {
            let mesh = match &step.action {
                Action::UpgradeAppliances { mesh, .. } | Action::RedeployAppliances { mesh, .. } => mesh.clone(),
                _ => String::new(),
            };
            let client = ctx.managers.get(site)?;
            let meshes = match client.service_meshes().await {
                Ok(list) => list,
                Err(e) => return Ok(Seen::Unreadable(format!("the service meshes of {site} cannot be read ({e})"))),
            };
            // The mesh's last task (CONFIRMED-DOC `lastTaskDetails`) is the one task list the API shows; its
            // status can be stale, so the task itself is read.
            let last = meshes
                .iter()
                .find(|s| s.service_mesh_id == mesh)
                .and_then(|s| s.last_task_details.as_ref())
                .and_then(|t| t.interconnect_task_id.clone());
            let mut earlier_success = None;
            if let Some(t) = last.filter(|t| !known.contains(t)) {
                let raw = match client.task_raw(&t).await {
                    Ok(raw) => raw,
                    Err(e) => return Ok(Seen::Unreadable(format!("task {t} of mesh {mesh} cannot be read ({e})"))),
                };
                let status = raw["status"].as_str().unwrap_or("unreported").to_owned();
                let kind = raw["type"].as_str().unwrap_or("an operation").to_owned();
                let active = matches!(status.as_str(), "QUEUED" | "RUNNING");
                let ours = raw["entityDetails"]["id"].as_str() == Some(*id);
                let what = format!("task {t} ({kind}, {status}) on mesh {mesh} was started by no run of this journal");
                match (ours, active, status.as_str()) {
                    // An operation on this very appliance: wait for it instead of starting another.
                    (true, true, _) => return Ok(Seen::Running(t, format!("{what}; it is about appliance {id}"))),
                    // Our own lost call's task, finished FAILED or SUCCESS: adopt it, its end is the answer.
                    (true, false, "FAILED" | "SUCCESS") if after_unknown => {
                        return Ok(Seen::Running(t, format!("{what}; it is about appliance {id}")));
                    }
                    (true, false, "SUCCESS") => earlier_success = Some(what),
                    (true, false, "FAILED") => {}
                    (true, false, _) => return Ok(Seen::Unclear(what)),
                    // About another appliance, or not saying: the mesh shows only its last task, which may hide
                    // one about this appliance.
                    (false, _, _) if after_unknown || active || !matches!(status.as_str(), "FAILED" | "SUCCESS") => {
                        let about = raw["entityDetails"]["id"].as_str().unwrap_or("an unreported subject");
                        return Ok(Seen::Unclear(format!(
                            "{what}; it is about {about} and may hide an operation on appliance {id}"
                        )));
                    }
                    (false, _, _) => {}
                }
            }
            // The appliances are read after the task: a task seen ended has its effect in what is read next.
            let mut apps = BTreeMap::new();
            if let Err(e) = live::read_mesh(ctx.managers, &step.id, site, &mesh, &mut apps).await {
                return Ok(Seen::Unreadable(format!("the appliances of {site} cannot be read ({e})")));
            }
            let Some(a) = apps.get(*id) else {
                return Ok(Seen::Unclear(format!("appliance {id} is not reported by {site}")));
            };
            let peer_done = a.peer_version.as_ref().is_none_or(|p| p == *to);
            // A redeploy leaves the version as it was: only a task can show it happened.
            if !redeploy && &a.version == *to && peer_done {
                return Ok(Seen::AtTarget(format!("appliance {id} is at {to}")));
            }
            match from {
                // Someone's upgrade of it reported SUCCESS and it did not move (yet): not proof of anything.
                Some(f) if &a.version == *f && earlier_success.is_some() => Ok(Seen::Unclear(format!(
                    "{}, yet appliance {id} is still at {f}",
                    earlier_success.unwrap_or_default()
                ))),
                Some(f) if &a.version == *f => {
                    Ok(Seen::Untouched(format!("appliance {id} is at {f} and no operation on it is in sight")))
                }
                None if *redeploy => Ok(Seen::Untouched(format!("no operation on appliance {id} is in sight"))),
                _ => Ok(Seen::Unclear(format!("appliance {id} is at {}", a.version))),
            }
        }
        Mutation::StandIn { site, from, to } => {
            let client = ctx.managers.get(site)?;
            let status = client.sim_manager_upgrade_status().await;
            let version = client.local_version().await;
            let busy = |s: &RehearsalStatus| matches!(s.state, RehearsalState::Queued | RehearsalState::Running);
            Ok(match (status, version) {
                (Ok(s), _) if busy(&s) && s.target().as_ref() == Some(*to) => {
                    Seen::Running(format!("stand-in:{site}:{to}"), format!("manager {site} is upgrading to {to}"))
                }
                (Ok(s), _) if busy(&s) => Seen::Unclear(format!(
                    "manager {site} runs an upgrade to {}",
                    s.target().map_or_else(|| "an unreported version".to_owned(), |v| v.to_string())
                )),
                (_, Ok(v)) if &v.version == *to => Seen::AtTarget(format!("manager {site} is at {to}")),
                (Ok(s), Ok(v)) if &v.version == *from && s.target().as_ref() != Some(*to) => {
                    Seen::Untouched(format!("manager {site} is at {from} and runs no upgrade to {to}"))
                }
                (Ok(s), Ok(v)) => Seen::Unclear(format!(
                    "manager {site} is at {}, its rehearsal upgrade is {}",
                    v.version,
                    s.state.as_str()
                )),
                // Rebooting: ask again.
                (Err(e), _) | (_, Err(e)) => Seen::Unreadable(format!("manager {site} cannot be read ({e})")),
            })
        }
    }
}

/// What one poll of a task (or of the stand-in manager upgrade) said.
struct Polled {
    status: String,
    progress: Option<f64>,
    message: String,
}

/// Polls a task to its end, journaling progress; a FAILED task stops the run with its message.
async fn wait(ctx: &Ctx<'_>, step: &PlannedStep, op: &str, m: &Mutation<'_>, task: &str) -> Result<(), Stop> {
    let client = ctx.managers.get(m.site())?;
    let mut last_progress: Option<f64> = None;
    let mut last_error = String::new();
    for i in 0..ctx.opts.max_polls {
        match poll(client, m, task).await {
            Ok(p) => {
                if p.progress != last_progress {
                    last_progress = p.progress;
                    progress(ctx, step, op, task, &p)?;
                }
                if p.status == "SUCCESS" {
                    if let Some(seen) = confirm_effect(ctx, step, m).await? {
                        let detail = format!("false success: task {task} reported SUCCESS but {seen}");
                        ctx.record(&step.id, Some(op), "failed", Some(task), Some(&detail))?;
                        return Err(Stop::new(
                            Outcome::Failed,
                            format!(
                                "{}: {detail}; check it on the manager, then resume with --confirm-resend {} to \
                                 send it again",
                                step.id, step.id
                            ),
                        ));
                    }
                }
                if let Some(end) = task_end(ctx, step, op, task, &p)? {
                    return end;
                }
            }
            // A rebooting manager or an expired session: the client already retried; keep polling.
            Err(e) => last_error = e.to_string(),
        }
        if ctx.opts.stop.load(Ordering::SeqCst) {
            return Err(Stop::new(
                Outcome::Interrupted,
                format!("{}: stopped while task {task} runs; resume to keep waiting for it", step.id),
            ));
        }
        if i + 1 < ctx.opts.max_polls {
            ctx.pause().await;
        }
    }
    Err(Stop::new(
        Outcome::Failed,
        format!(
            "{}: task {task} did not finish within {} polls (last error: {last_error}); resume to keep waiting",
            step.id, ctx.opts.max_polls
        ),
    ))
}

/// One poll. The stand-in upgrade counts as done once the manager itself reports the new version.
async fn poll(client: &hcx_core::client::HcxClient, m: &Mutation<'_>, task: &str) -> Result<Polled, ClientError> {
    match m {
        Mutation::Appliance { .. } => client.task(task).await.map(|t| {
            let message = t.error_message.clone().or(t.message.clone()).unwrap_or_default();
            Polled { status: t.status.clone(), progress: t.progress, message }
        }),
        Mutation::StandIn { .. } => {
            let s = client.sim_manager_upgrade_status().await?;
            // A manager still rebooting answers nothing: not over yet. One that answers is judged by its
            // version once the upgrade is done (a false success is caught there).
            let status = match s.state {
                RehearsalState::Done => match client.local_version().await {
                    Ok(_) => "SUCCESS",
                    Err(_) => "RUNNING",
                },
                RehearsalState::Queued | RehearsalState::NotStarted => "QUEUED",
                RehearsalState::Running => "RUNNING",
            };
            let message = format!("rehearsal manager upgrade: {}", s.state.as_str());
            Ok(Polled { status: status.to_owned(), progress: s.progress, message })
        }
    }
}

/// After a task reported SUCCESS: whether its subject reached the after-state within the settle time. `None`
/// when it did (or cannot show it: a redeploy keeps the version), otherwise what was seen.
async fn confirm_effect(ctx: &Ctx<'_>, step: &PlannedStep, m: &Mutation<'_>) -> Result<Option<String>, Stop> {
    if matches!(m, Mutation::Appliance { redeploy: true, .. }) {
        return Ok(None);
    }
    let deadline = ctx.opts.clock.deadline(settle_time(ctx));
    loop {
        let seen = match m {
            Mutation::Appliance { site, id, to, .. } => {
                let mesh = match &step.action {
                    Action::UpgradeAppliances { mesh, .. } | Action::RedeployAppliances { mesh, .. } => mesh.as_str(),
                    _ => "",
                };
                let mut apps = BTreeMap::new();
                match live::read_mesh(ctx.managers, &step.id, site, mesh, &mut apps).await {
                    Ok(()) => match apps.get(*id) {
                        Some(a) if &a.version == *to && a.peer_version.as_ref().is_none_or(|p| p == *to) => {
                            return Ok(None);
                        }
                        Some(a) => format!("appliance {id} is at {}, not {to}", a.version),
                        None => format!("appliance {id} is not reported by {site}"),
                    },
                    Err(e) => format!("appliance {id} cannot be read ({e})"),
                }
            }
            Mutation::StandIn { site, to, .. } => match ctx.managers.get(site)?.local_version().await {
                Ok(v) if &v.version == *to => return Ok(None),
                Ok(v) => format!("manager {site} is at {}, not {to}", v.version),
                Err(e) => format!("manager {site} cannot be read ({e})"),
            },
        };
        if deadline.passed() {
            return Ok(Some(seen));
        }
        ctx.pause().await;
    }
}

/// Journals and emits a task's progress.
fn progress(ctx: &Ctx<'_>, step: &PlannedStep, op: &str, task: &str, p: &Polled) -> Result<(), ApplyError> {
    ctx.journal()?.record(ctx.run, &step.id, Some(op), "progress", Some(task), p.progress, Some(&p.status))?;
    ctx.emit(Event::TaskProgress {
        step: step.id.clone(),
        op: op.to_owned(),
        task: task.to_owned(),
        status: p.status.clone(),
        progress: p.progress,
    });
    Ok(())
}

/// The end of a task, journaled: done, or failed with its message and the step's rollback guidance.
fn task_end(
    ctx: &Ctx<'_>,
    step: &PlannedStep,
    op: &str,
    task: &str,
    p: &Polled,
) -> Result<Option<Result<(), Stop>>, ApplyError> {
    match p.status.as_str() {
        "SUCCESS" => {
            ctx.record(&step.id, Some(op), "done", Some(task), None)?;
            Ok(Some(Ok(())))
        }
        "FAILED" => {
            ctx.record(&step.id, Some(op), "failed", Some(task), Some(&p.message))?;
            let guidance = step.rollback.as_deref().map(|r| format!("; rollback: {r}")).unwrap_or_default();
            let deadline = step
                .rollback_hours
                .map(|h| format!(" (possible for {h} h after the step started)"))
                .unwrap_or_default();
            Ok(Some(Err(Stop::new(
                Outcome::Failed,
                format!("{}: task {task} failed: {}{guidance}{deadline}", step.id, p.message),
            ))))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> ClientError {
        ClientError::Status { endpoint: "POST /x".into(), status, retry_after: None, excerpt: String::new() }
    }

    fn transport(kind: TransportKind) -> ClientError {
        ClientError::Transport { endpoint: "POST /x".into(), kind, source: Box::new(std::io::Error::other("x")) }
    }

    #[test]
    fn only_a_request_that_never_left_or_a_refusal_is_not_performed() {
        for s in [400, 401, 403, 404, 405, 409, 422] {
            assert_eq!(effect_of(&status(s)), Effect::NotPerformed, "{s}");
        }
        // The first probe: a gateway's 504 after the manager accepted the upgrade.
        for s in [500, 502, 503, 504, 408, 429] {
            assert_eq!(effect_of(&status(s)), Effect::Unknown, "{s}");
        }
        assert_eq!(effect_of(&transport(TransportKind::Connect)), Effect::NotPerformed);
        assert_eq!(effect_of(&transport(TransportKind::Tls)), Effect::NotPerformed);
        for k in [TransportKind::Timeout, TransportKind::Broken, TransportKind::Other] {
            assert_eq!(effect_of(&transport(k)), Effect::Unknown, "{k}");
        }
        let protocol = ClientError::Protocol { endpoint: "POST /x".into(), message: "no task id".into() };
        assert_eq!(effect_of(&protocol), Effect::Unknown, "a 2xx without a task id may have been acted on");
        assert_eq!(effect_of(&ClientError::Unauthorized { endpoint: "POST /x".into() }), Effect::NotPerformed);
    }
}
