//! `hcx apply`: carry out a saved plan (dry run unless `--execute`), and `hcx apply report|history`.
//!
//! Exit codes ([`Exit`]): 0 done (or a dry run without drift), 1 unacknowledged blockers, 2 bad input or an
//! error before the run, 3 paused for a person, 4 drift (also found by a dry run), 5 a failed task or check,
//! 6 a call whose effect is unknown (needs `--confirm-resend`), 130 interrupted.
//!
//! Streams: a dry run's listing (each step, the calls it would send, where it would pause) is its result and
//! goes to stdout; the run's header and outcome, drift, and an executed run's progress go to stderr;
//! `--events jsonl` puts the events on stdout instead: hcx-apply's records (`hcx-events/v1`, `docs/events.md`),
//! one JSON object per line, the first naming the schema and hcx's version.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use hcx_apply::{ApplyOptions, Event, EventRecord, Journal, Managers, Outcome, report};
use hcx_core::client::discover::EndpointsFile;
use hcx_core::plan::{Plan, terminal_text};
use hcx_core::schema::to_json_pretty;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::exit::Exit;
use crate::shell::Style;

/// Arguments of `hcx apply`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ApplyArgs {
    /// `report` or `history` instead of a run.
    #[command(subcommand)]
    pub sub: Option<ApplySub>,
    /// The run's options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Subcommands of `hcx apply`.
#[derive(Debug, Subcommand)]
pub enum ApplySub {
    /// The change record of a run (the last one by default), from the journal.
    Report(ReportArgs),
    /// List the runs in the journal.
    History(HistoryArgs),
}

/// Arguments of `hcx apply history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Journal file.
    #[arg(long, value_name = "PATH", default_value = "hcx-apply.sqlite")]
    pub journal: PathBuf,
    /// Output format: a line per run, or the `hcx-apply-history/v1` document.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
    pub format: HistoryFormat,
}

/// Formats of `hcx apply history`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// A line per run.
    Text,
    /// JSON (`hcx-apply-history/v1`).
    Json,
}

/// Arguments of `hcx apply report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Run number (default: the last run).
    pub run: Option<i64>,
    /// Journal file.
    #[arg(long, value_name = "PATH", default_value = "hcx-apply.sqlite")]
    pub journal: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
}

/// Formats of the change record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown for a change ticket.
    Markdown,
    /// JSON (`hcx-apply-report/v1`).
    Json,
}

/// Machine-readable event streams (shared with `discover` and `check`).
pub use crate::EventsFormat;

/// Arguments of a run.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The saved plan (`hcx plan --format json > plan.json`).
    #[arg(value_name = "PLAN", required = true)]
    pub plan: Option<PathBuf>,
    /// The managers (`hcx-endpoints/v1`; passwords from `HCX_PASSWORD_<SITE>` or `HCX_PASSWORD`).
    #[arg(long, value_name = "FILE", required = true)]
    pub endpoints: Option<PathBuf>,
    /// TLS trust, timeouts and the response size cap for the managers.
    #[command(flatten)]
    pub connect: crate::connect::ConnectArgs,
    /// Send the calls (without it: a dry run that prints them).
    #[arg(long)]
    pub execute: bool,
    /// Continue the unfinished run of this plan in the journal.
    #[arg(long)]
    pub resume: bool,
    /// Journal file (one per plan).
    #[arg(long, value_name = "PATH", default_value = "hcx-apply.sqlite")]
    pub journal: PathBuf,
    /// Confirm that a manual or provider step is done (repeatable, or comma-separated).
    #[arg(long, value_name = "STEP", value_delimiter = ',')]
    pub confirm: Vec<String>,
    /// Allow sending a step's call again although the journal cannot prove the first never took effect.
    #[arg(long, value_name = "STEP", value_delimiter = ',')]
    pub confirm_resend: Vec<String>,
    /// Drive the simulator's manager-upgrade stand-in (hcx-sim only; not an HCX API).
    #[arg(long)]
    pub sim_stand_in: bool,
    /// Independent site pairs run at once.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub parallel: usize,
    /// Write one JSON event per line to stdout.
    #[arg(long, value_enum)]
    pub events: Option<EventsFormat>,
    /// Milliseconds between polls of a task or a manager.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub poll_ms: u64,
    /// Polls of one task (or a rebooting manager) before giving up.
    #[arg(long, value_name = "N", default_value_t = 720)]
    pub max_polls: u32,
    /// How long a manual or provider manager step polls its manager for the hop's version before pausing
    /// (`30m`, `1h30m`, `90s`; `0` pauses at once).
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = duration)]
    pub wait_manual: Duration,
    /// Delay between those polls.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = duration)]
    pub wait_manual_poll: Duration,
    /// Deprecated: use --wait-manual (N polls become a wait of N times --wait-manual-poll).
    #[arg(long, value_name = "N", hide = true, conflicts_with = "wait_manual")]
    pub wait_manual_polls: Option<u32>,
    /// How long the verification after the mesh steps waits for every appliance tunnel to come up.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = duration)]
    pub wait_tunnels: Duration,
    /// After a call whose outcome is unknown (a 5xx, a timeout, a reset), how long the subject must stay
    /// untouched before the run concludes the call had no effect and sends it again (default: twice --timeout).
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub settle: Option<Duration>,
    /// Take over a journal lock whose holder cannot be checked on this system (no /proc), once you made sure
    /// that holder no longer runs.
    #[arg(long)]
    pub take_over_lock: bool,
    /// Read one password line from standard input for sites without an environment variable.
    #[arg(long)]
    pub password_stdin: bool,
}

fn duration(text: &str) -> Result<Duration, String> {
    hcx_apply::clock::parse_duration(text)
}

/// Runs `hcx apply …` and returns the exit code.
pub fn run(args: &ApplyArgs, style: Style) -> ExitCode {
    let result = match &args.sub {
        Some(ApplySub::Report(r)) => cmd_report(r),
        Some(ApplySub::History(h)) => cmd_history(h),
        None => cmd_run(&args.run),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("{}{}", style.error_prefix(), terminal_text(&e));
            Exit::Usage.into()
        }
    }
}

fn cmd_report(args: &ReportArgs) -> Result<Exit, String> {
    let journal = open_existing(&args.journal)?;
    let r = report::report(&journal, args.run).map_err(|e| e.to_string())?;
    let text = match args.format {
        ReportFormat::Markdown => r.to_markdown(),
        ReportFormat::Json => to_json_pretty(&r).map_err(|e| format!("cannot encode the report: {e}"))?,
    };
    crate::out(&text).map_err(|e| e.to_string())?;
    Ok(Exit::Clean)
}

fn cmd_history(args: &HistoryArgs) -> Result<Exit, String> {
    let journal = open_existing(&args.journal)?;
    let history = report::history(&journal).map_err(|e| e.to_string())?;
    let text = match args.format {
        HistoryFormat::Text => history.to_text(),
        HistoryFormat::Json => to_json_pretty(&history).map_err(|e| format!("cannot encode the history: {e}"))?,
    };
    crate::out(&text).map_err(|e| e.to_string())?;
    Ok(Exit::Clean)
}

fn open_existing(path: &PathBuf) -> Result<Journal, String> {
    if !path.exists() {
        return Err(format!("no journal at {}", path.display()));
    }
    Journal::open(path).map_err(|e| e.to_string())
}

fn cmd_run(args: &RunArgs) -> Result<Exit, String> {
    let (Some(plan_path), Some(endpoints)) = (&args.plan, &args.endpoints) else {
        return Err("a plan file and --endpoints FILE are required".to_owned());
    };
    let text = hcx_core::input::read_file_capped(plan_path, hcx_core::input::MAX_PLAN_INPUT_BYTES)
        .map_err(|e| format!("cannot read plan {}: {e}", plan_path.display()))?;
    let plan = Plan::from_json(&text).map_err(|e| format!("plan {}: {e}", plan_path.display()))?;
    let file = EndpointsFile::load(endpoints).map_err(|e| e.to_string())?;
    let targets = crate::discover::targets(file, args.password_stdin).map_err(|e| e.to_string())?;
    let managers = Managers::new(targets, &args.connect.apply_client()?).map_err(|e| e.to_string())?;

    let mut opts = ApplyOptions::new(hcx_apply::local_operator());
    opts.execute = args.execute;
    opts.resume = args.resume;
    opts.journal = args.journal.clone();
    opts.confirm = args.confirm.clone();
    opts.confirm_resend = args.confirm_resend.clone();
    opts.sim_stand_in = args.sim_stand_in;
    opts.parallel = args.parallel.max(1);
    opts.poll_interval = Duration::from_millis(args.poll_ms);
    opts.max_polls = args.max_polls.max(1);
    opts.manual_wait = args.wait_manual;
    opts.manual_poll_interval = args.wait_manual_poll;
    if let Some(n) = args.wait_manual_polls {
        opts.manual_wait = args.wait_manual_poll.saturating_mul(n);
        eprintln!(
            "hcx apply: --wait-manual-polls is deprecated: use --wait-manual {} (with --wait-manual-poll)",
            hcx_apply::clock::format_duration(opts.manual_wait)
        );
    }
    opts.tunnel_wait = args.wait_tunnels;
    opts.settle = args.settle;
    opts.take_over_lock = args.take_over_lock;
    let printer = Printer::new(args.events.is_some(), args.execute);
    opts.on_event = Some(Arc::new(move |r: &EventRecord| printer.show(r)));
    if args.sim_stand_in {
        eprintln!(
            "hcx apply: --sim-stand-in: manager upgrades go to the simulator's rehearsal path (hcx-sim only, not an HCX API); a real run pauses on them"
        );
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let summary = rt.block_on(async {
        watch_signals(opts.stop.clone());
        hcx_apply::apply(&plan, &managers, &opts).await
    });
    let summary = summary.map_err(|e| e.to_string())?;
    match &summary.message {
        Some(m) => eprintln!("hcx apply: {}: {}", summary.outcome.as_str(), terminal_text(m)),
        None if summary.outcome == Outcome::DryRun => eprintln!(
            "hcx apply: drift checks: every step's before-state matches the live state (projected through the earlier steps)"
        ),
        None => {}
    }
    if !summary.real_run_pauses.is_empty() {
        eprintln!("hcx apply: rehearsal: a real run pauses on these steps:");
        for p in &summary.real_run_pauses {
            eprintln!("  {}", terminal_text(p));
        }
    }
    Ok(exit_for(summary.outcome))
}

/// The exit status of a run that started.
fn exit_for(outcome: Outcome) -> Exit {
    match outcome {
        Outcome::Succeeded | Outcome::DryRun => Exit::Clean,
        Outcome::Blocked => Exit::Findings,
        Outcome::Paused => Exit::Paused,
        Outcome::Drift => Exit::Drift,
        Outcome::NeedsConfirmation => Exit::NeedsConfirmation,
        Outcome::Interrupted => Exit::Interrupted,
        _ => Exit::Failed,
    }
}

/// SIGINT/SIGTERM once: stop at the next safe point (the in-flight call is journaled first). Twice: abort at
/// once, which is still safe to resume since every journal write is its own committed transaction.
fn watch_signals(stop: Arc<AtomicBool>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return;
        };
        loop {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            if stop.swap(true, Ordering::SeqCst) {
                eprintln!("hcx apply: aborted; the journal is consistent: resume with --resume");
                std::process::exit(i32::from(Exit::Interrupted.code()));
            }
            eprintln!("hcx apply: stopping after the in-flight call is journaled (again to abort now)");
        }
    });
    #[cfg(not(unix))]
    drop(stop);
}

/// Human output, or JSON lines on stdout. An executed run's lines are progress, on stderr (with bars in a
/// terminal); a dry run's listing is its result, on stdout, and its header, drift and outcome go to stderr.
struct Printer {
    jsonl: bool,
    /// Whether this is a dry run, whose listing goes to stdout.
    listing: bool,
    bars: Option<Mutex<Bars>>,
}

struct Bars {
    multi: MultiProgress,
    overall: Option<ProgressBar>,
    steps: BTreeMap<String, ProgressBar>,
}

impl Printer {
    fn new(jsonl: bool, execute: bool) -> Self {
        // A dry run takes no time worth a bar, and bars would be drawn among its listing.
        let bars = (!jsonl && execute && std::io::stderr().is_terminal())
            .then(|| Mutex::new(Bars { multi: MultiProgress::new(), overall: None, steps: BTreeMap::new() }));
        Self { jsonl, listing: !execute, bars }
    }

    /// A line of the dry run's listing (stdout), or of an executed run's progress (stderr).
    fn item(&self, text: &str) {
        // Calls, titles and messages carry fleet and manager text: shown, never interpreted by the terminal.
        let text = &*terminal_text(text);
        if self.listing {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) ends the listing, not the run.
            let _ = writeln!(out, "{text}");
        } else {
            self.line(text);
        }
    }

    /// A diagnostic or progress line: stderr, above the bars in a terminal.
    fn line(&self, text: &str) {
        let text = &*terminal_text(text);
        match &self.bars {
            Some(b) => {
                let b = b.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let _ = b.multi.println(text);
            }
            None => eprintln!("{text}"),
        }
    }

    fn show(&self, record: &EventRecord) {
        if self.jsonl {
            let mut out = std::io::stdout().lock();
            // A closed pipe ends the stream, not the run (the journal still records it).
            let _ = writeln!(out, "{}", record.to_json());
            let _ = out.flush();
            return;
        }
        let e = &record.event;
        self.bars(e);
        match e {
            Event::RunStarted { run, plan_digest, execute, steps } => self.line(&match run {
                Some(r) if *execute => {
                    format!("hcx apply: executing plan {plan_digest} ({steps} steps), journal run {r}")
                }
                _ => format!(
                    "hcx apply: dry run of plan {plan_digest} ({steps} steps): nothing is sent; --execute sends"
                ),
            }),
            Event::StepStarted { step, title } => self.item(&format!("{step:<4} {title}")),
            Event::Call { site, call, sent, .. } => {
                self.item(&format!("     {} {site}: {call}", if *sent { "sent" } else { "would send" }));
            }
            // Task progress is drawn by the bars in a terminal; otherwise it lives in the journal and --events.
            Event::StepPaused { owner, instructions, resume, .. } => {
                self.item(&format!("     paused: waits for the {owner}"));
                for i in instructions {
                    self.item(&format!("       - {i}"));
                }
                self.item(&format!("     then: {resume}"));
            }
            Event::StepWaiting { owner, site, version, instructions, wait_ms, resume, .. } => {
                self.item(&format!("     waits for the {owner}{}", if instructions.is_empty() { "" } else { ":" }));
                for i in instructions {
                    self.item(&format!("       - {i}"));
                }
                let wait = hcx_apply::clock::format_duration(Duration::from_millis(*wait_ms));
                self.item(&format!("     polling {site} for {version} for up to {wait}; or stop and `{resume}`"));
            }
            Event::StepDone { step, skipped, reconciled } => self.line(&format!(
                "{step:<4} {}",
                if *skipped {
                    "done earlier"
                } else if *reconciled {
                    "done (reconciled with the live state after an interruption)"
                } else {
                    "done"
                }
            )),
            Event::StepFailed { step, message, rollback, rollback_hours } => {
                self.line(&format!("{step:<4} FAILED: {message}"));
                if let Some(r) = rollback {
                    let h = rollback_hours
                        .map(|h| format!(" (possible for {h} h after the step started)"))
                        .unwrap_or_default();
                    self.line(&format!("     rollback{h}: {r}"));
                }
            }
            Event::Drift { step, differences } => {
                for d in differences {
                    self.line(&format!("     drift: {step}: {d}"));
                }
            }
            Event::Rehearsed { reason, .. } => self.item(&format!("     rehearsal: {reason}")),
            Event::RunFinished { outcome, .. } => self.line(&format!("hcx apply: {}", outcome.as_str())),
            // The stream's header (schema, version) is for machines; task progress is drawn above. `Event` is
            // another crate's non-exhaustive enum: an event added there shows nothing here until given a line.
            _ => {}
        }
    }

    fn bars(&self, e: &Event) {
        let Some(b) = &self.bars else { return };
        let mut b = b.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let style = ProgressStyle::with_template("{prefix:<5} [{bar:30}] {pos:>3}% {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        match e {
            Event::RunStarted { steps, .. } => {
                let bar = b.multi.add(ProgressBar::new(*steps as u64));
                bar.set_style(
                    ProgressStyle::with_template("overall [{bar:30}] {pos}/{len} steps")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                b.overall = Some(bar);
            }
            Event::TaskProgress { step, status, progress, .. } => {
                let bar = match b.steps.get(step) {
                    Some(bar) => bar.clone(),
                    None => {
                        let bar = b.multi.add(ProgressBar::new(100));
                        bar.set_style(style);
                        bar.set_prefix(step.clone());
                        b.steps.insert(step.clone(), bar.clone());
                        bar
                    }
                };
                bar.set_position(progress.map_or(0, |p| p.clamp(0.0, 100.0) as u64));
                bar.set_message(status.clone());
            }
            Event::StepDone { step, .. } | Event::StepFailed { step, .. } => {
                if let Some(bar) = b.steps.remove(step) {
                    bar.finish_and_clear();
                }
                if let Some(o) = &b.overall {
                    o.inc(1);
                }
            }
            Event::RunFinished { .. } => {
                if let Some(o) = b.overall.take() {
                    o.finish_and_clear();
                }
            }
            _ => {}
        }
    }
}
