//! The `hcx` command line: `plan`, `check`, `show`, `diff`, `path`, `catalog`, `explain` and `discover`, plus
//! `completions` and `man` for the shell ([`shell`]).
//!
//! Exit codes and streams are a contract, written down once in [`exit`]: 0 clean, 1 findings at the
//! `--fail-on` level (or inputs that differ), 2 bad input or usage, 3 paused, 4 drift, 5 failed. A command's
//! result goes to stdout; diagnostics, progress and logs go to stderr.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hcx_core::HcxVersion;
use hcx_core::catalog::{Catalog, Confidence};
use hcx_core::fleet::Fleet;
use hcx_core::plan::{self, Plan, PlanOptions, Severity, TargetSpec, rules};

pub use exit::Exit;

pub mod apply_cmd;
pub mod catalog_cmd;
pub mod connect;
pub mod discover;
pub mod exit;
pub mod input;
pub mod saved;
pub mod schema_cmd;
pub mod shell;

/// Plan, check and explain VMware HCX upgrades.
#[derive(Debug, Parser)]
// `--help` and the man page end with the exit status table of `exit` (added by `shell::command`).
#[command(name = "hcx", version, about, long_about = None)]
pub struct Cli {
    /// `--color`, `-v`, `-q`.
    #[command(flatten)]
    pub global: shell::GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make an ordered, explained upgrade plan for a fleet.
    Plan(PlanArgs),
    /// Run every rule and print the findings alone.
    Check(CheckArgs),
    /// The shortest documented upgrade path between two releases.
    Path(PathArgs),
    /// The catalog: list releases, export, validate, diff, show one release.
    Catalog(catalog_cmd::CatalogArgs),
    /// Explain a rule (or list every rule).
    Explain(ExplainArgs),
    /// Read live HCX Managers into a fleet document (`hcx-fleet/v1`).
    Discover(discover::DiscoverArgs),
    /// Render a saved plan after checking its digest.
    Show(saved::ShowArgs),
    /// What changed between two saved plans: targets, findings, steps (exit 1 if anything did).
    Diff(saved::DiffArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell or elvish).
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff; view with `man -l`).
    Man(shell::ManArgs),
    /// Carry out a saved plan against the managers (dry run unless --execute); `report`, `history`.
    Apply(apply_cmd::ApplyArgs),
    /// The JSON Schema of a document hcx writes (`hcx schema findings`), or the list of documents.
    Schema(schema_cmd::SchemaArgs),
}

/// Output formats for `plan` and `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Human text for a terminal.
    Text,
    /// Markdown for a change ticket.
    Markdown,
    /// JSON (`hcx-plan/v2` for plans).
    Json,
    /// A self-contained HTML report (plans only): timeline, topology, outages, deadlines, findings, steps.
    Html,
}

/// A plan in the given format; the HTML report draws the fleet's topology when it is given.
///
/// # Errors
/// The HTML report cannot be rendered.
pub fn render_plan(p: &Plan, format: PlanFormat, fleet: Option<&Fleet>) -> Result<String, CliError> {
    Ok(match format {
        PlanFormat::Text => p.to_text(),
        PlanFormat::Markdown => p.to_markdown(),
        PlanFormat::Json => p.to_json(),
        PlanFormat::Html => p.to_html(fleet)?,
    })
}

/// A plan's findings alone in the given format.
///
/// # Errors
/// HTML: the findings have no HTML form of their own.
pub fn render_findings(p: &Plan, format: PlanFormat) -> Result<String, CliError> {
    Ok(match format {
        PlanFormat::Text => p.findings_to_text(),
        PlanFormat::Markdown => p.findings_to_markdown(),
        PlanFormat::Json => p.findings_to_json(),
        PlanFormat::Html => {
            return Err(CliError::Input("`hcx check` has no HTML form: use `hcx plan --format html`".into()));
        }
    })
}

/// Machine-readable event streams (`apply`, `discover`, `check`: `--events jsonl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EventsFormat {
    /// One JSON event per line on stdout, each with timestamp, level and run_id; the first line names the
    /// stream's schema and hcx's version.
    Jsonl,
}

/// Output formats for the other commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human text.
    Text,
    /// JSON.
    Json,
}

/// Arguments of `plan` and `check`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The fleet (`hcx-fleet/v1` JSON; `-` reads standard input); without it (and without --discover), the
    /// bundled sample AVS fleet.
    #[arg(long, value_name = "FILE", conflicts_with = "discover")]
    pub fleet: Option<PathBuf>,
    /// Largest fleet document read, in bytes (planning needs many times the document's size in memory).
    #[arg(long, value_name = "BYTES", default_value_t = hcx_core::input::DEFAULT_MAX_INPUT_BYTES)]
    pub max_input_bytes: u64,
    /// Discover the fleet from live managers listed in an endpoints file (`hcx-endpoints/v1`; passwords from
    /// `HCX_PASSWORD_<SITE>` or `HCX_PASSWORD`).
    #[arg(long, value_name = "ENDPOINTS")]
    pub discover: Option<PathBuf>,
    /// With --discover: managers read at once.
    #[arg(long, value_name = "N", requires = "discover", default_value_t = hcx_core::client::discover::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// With --discover: TLS trust, timeouts and the response size cap.
    #[command(flatten)]
    pub connect: connect::ConnectArgs,
    /// The target: a release, `latest` or `validated`; default: `validated` where a platform lists one, else `latest`.
    #[arg(long, value_name = "V|latest|validated")]
    pub target: Option<String>,
    /// Output format; default: from the extension of --out (.json, .md, .txt), else text.
    #[arg(long, value_enum)]
    pub format: Option<PlanFormat>,
    /// Write the document to FILE (stdout then gets a one-line summary naming the file and the plan digest).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Acknowledge a rule everywhere (`RULE-ID`) or for one site, pair, mesh or appliance (`RULE-ID:SUBJECT`);
    /// repeatable; acknowledged findings are reported, not dropped.
    #[arg(long = "ack", value_name = "RULE-ID[:SUBJECT]")]
    pub ack: Vec<String>,
    /// Exit 1 on unacknowledged findings of this severity or worse.
    #[arg(long, value_enum, default_value_t = FailOn::Blocker)]
    pub fail_on: FailOn,
    /// Path evidence weaker than this is a blocker (`weak-evidence`).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<MinConfidence>,
    /// The plan date (YYYY-MM-DD) for support status and ownership; default: today (UTC).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The catalog (bundled unless --catalog or --catalog-url).
    #[command(flatten)]
    pub source: catalog_cmd::CatalogSource,
    /// Prefer the In-Service NE upgrade where it is allowed.
    #[arg(long)]
    pub ne_in_service: bool,
}

/// Arguments of `check`: those of `plan`, and the event stream (which `plan` does not have).
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The fleet, the target, the catalog and the rest, as for `plan`.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Write the findings as events, one JSON object per line on stdout (`hcx-check-events/v1`), instead of the
    /// findings document.
    #[arg(long, value_enum, conflicts_with_all = ["format", "out"])]
    pub events: Option<EventsFormat>,
}

/// The severity that makes `plan` and `check` exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Unacknowledged blockers (the default).
    Blocker,
    /// Unacknowledged blockers or warnings.
    Warning,
}

/// The weakest path evidence a team accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MinConfidence {
    /// Only rules a primary source states.
    Confirmed,
    /// Also other providers' official docs.
    Secondary,
    /// Also third-party notes (only inferred rules block).
    ThirdParty,
}

impl From<MinConfidence> for Confidence {
    fn from(m: MinConfidence) -> Self {
        match m {
            MinConfidence::Confirmed => Confidence::Confirmed,
            MinConfidence::Secondary => Confidence::Secondary,
            MinConfidence::ThirdParty => Confidence::ThirdParty,
        }
    }
}

/// Arguments of `path`.
#[derive(Debug, Args)]
pub struct PathArgs {
    /// The running release.
    pub from: String,
    /// The target release.
    pub to: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The catalog (bundled unless --catalog or --catalog-url).
    #[command(flatten)]
    pub source: catalog_cmd::CatalogSource,
}

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id; without it, every rule.
    pub rule: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// A command failure: bad input, reported on stderr with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The fleet file is invalid.
    #[error(transparent)]
    Fleet(#[from] hcx_core::fleet::FleetError),
    /// The catalog file is invalid.
    #[error(transparent)]
    Catalog(#[from] hcx_core::catalog::CatalogError),
    /// The plan cannot be made.
    #[error("{}", plan_error(.0))]
    Plan(#[from] hcx_core::plan::PlanError),
    /// A version argument is invalid.
    #[error(transparent)]
    Version(#[from] hcx_core::VersionError),
    /// No path between two releases.
    #[error(transparent)]
    Path(#[from] hcx_core::catalog::PathError),
    /// The HTML report cannot be rendered.
    #[error(transparent)]
    Render(#[from] hcx_core::plan::RenderError),
    /// Discovery failed.
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    /// The `--date` is not a plan date.
    #[error("--date: {0}")]
    Date(#[from] hcx_core::date::DateError),
    /// A document cannot be written as JSON.
    #[error("cannot write the JSON output: {0}")]
    Json(#[from] serde_json::Error),
    /// A release the catalog neither lists nor covers with a documented upgrade rule.
    #[error("{version} is not a release known to the catalog (as of {as_of}): `hcx catalog` lists them")]
    UnknownRelease {
        /// The version asked about.
        version: HcxVersion,
        /// The catalog's date.
        as_of: time::Date,
    },
    /// Anything else the user gave that cannot be used.
    #[error("{0}")]
    Input(String),
}

/// Core speaks of options; the command line names its flags.
fn plan_error(e: &hcx_core::plan::PlanError) -> String {
    use hcx_core::plan::PlanError;
    match e {
        PlanError::ConflictingValidated { .. } | PlanError::NothingReachable => format!("{e} (--target V)"),
        PlanError::UnknownTarget { .. } => format!("{e} (`hcx catalog` lists them)"),
        _ => e.to_string(),
    }
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let style = shell::init(&cli.global);
    let result = match cli.command {
        Command::Plan(a) => cmd_plan(&a, false, None),
        Command::Check(a) => cmd_plan(&a.plan, true, a.events),
        Command::Path(a) => cmd_path(&a),
        Command::Catalog(a) => catalog_cmd::run(&a),
        Command::Explain(a) => cmd_explain(&a),
        Command::Discover(a) => discover::run_blocking(&a).map(|_| Exit::Clean).map_err(CliError::from),
        Command::Show(a) => saved::cmd_show(&a),
        Command::Diff(a) => saved::cmd_diff(&a),
        Command::Completions(a) => shell::completions(&a).map(|()| Exit::Clean),
        Command::Man(a) => shell::man(&a).map(|()| Exit::Clean),
        Command::Apply(a) => return apply_cmd::run(&a, style),
        Command::Schema(a) => schema_cmd::run(&a),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("{}{e}", style.error_prefix());
            Exit::Usage.into()
        }
    }
}

/// `v` as pretty JSON with a final newline.
pub(crate) fn pretty_json(v: &impl serde::Serialize) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    Ok(s)
}

/// Writes to stdout; a closed pipe is not an error.
pub fn out(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`hcx plan | head`) is not an error worth reporting.
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Input(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Writes one line of an event stream (`--events jsonl`) to stdout, stamped on the system clock as `hcx apply`
/// stamps its events (`hcx_apply::Clock`, the one place the CLI reads the wall clock for a stamp).
pub(crate) fn write_event<E: hcx_core::schema::StreamEvent>(run_id: &str, event: E) {
    let record = hcx_core::schema::StreamRecord::new(hcx_apply::Clock::system().now(), run_id, event);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe ends the stream, not the command (its result and exit code still count); written and
    // flushed line by line, so a consumer sees each event as it happens.
    let _ = writeln!(stdout, "{}", record.to_json());
    let _ = stdout.flush();
}

/// A plan's JSON on standard output, written as it is serialised.
fn out_plan_json(p: &Plan) -> Result<(), CliError> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match p.write_json(&mut stdout).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Input(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

/// The `--date` given, or today (UTC).
fn parse_date(text: Option<&str>) -> Result<time::Date, CliError> {
    text.map_or_else(|| Ok(plan::today()), |t| Ok(hcx_core::date::parse_date(t)?))
}

/// Loads the fleet named on the command line (`-`: standard input), or the bundled sample (saying so on
/// stderr).
fn load_fleet(file: Option<&PathBuf>, max_bytes: u64) -> Result<Fleet, CliError> {
    match file {
        Some(f) if input::is_stdin(f) => {
            Ok(Fleet::from_reader(std::io::stdin().lock(), max_bytes, "from standard input")?)
        }
        Some(f) => Ok(Fleet::load_capped(f, max_bytes)?),
        None => {
            eprintln!(
                "hcx: no --fleet given: planning the bundled sample fleet (an on-premises Connector paired with Azure VMware Solution)"
            );
            Ok(Fleet::from_json(plan::SAMPLE_FLEET)?)
        }
    }
}

/// Reads the fleet from live managers for `plan --discover`.
fn discover_fleet(endpoints: &std::path::Path, a: &PlanArgs) -> Result<Fleet, CliError> {
    Ok(discover::runtime()?.block_on(discover::fleet_from_endpoints(endpoints, a.concurrency, &a.connect))?)
}

/// `hcx check --events jsonl`: the header, one line per finding, `check-finished` last.
fn write_check_events(p: &Plan, exit: Exit) {
    use hcx_core::schema::{CheckStreamEvent, StreamEvent as _};
    let run_id = hcx_core::schema::stream_run_id("check");
    write_event(&run_id, CheckStreamEvent::stream_started());
    for finding in &p.findings {
        write_event(&run_id, CheckStreamEvent::Finding { finding: finding.clone() });
    }
    write_event(&run_id, CheckStreamEvent::finished(&p.findings, exit.code()));
}

fn cmd_plan(a: &PlanArgs, findings_only: bool, events: Option<EventsFormat>) -> Result<Exit, CliError> {
    let loaded = catalog_cmd::load(&a.source)?;
    eprintln!("hcx: catalog: {}", loaded.describe());
    let catalog: &Catalog = &loaded.catalog;
    let fleet = match &a.discover {
        Some(endpoints) => discover_fleet(endpoints, a)?,
        None => load_fleet(a.fleet.as_ref(), a.max_input_bytes)?,
    };
    let target = match &a.target {
        Some(t) => t.parse::<TargetSpec>()?,
        None => TargetSpec::default_for(&fleet, catalog),
    };
    let mut options = PlanOptions::new(target, parse_date(a.date.as_deref())?)
        .ne_in_service(a.ne_in_service)
        .min_confidence(a.min_confidence.map(Confidence::from));
    for id in &a.ack {
        options = options.acknowledge(id.clone());
    }
    let p = plan::plan(&fleet, catalog, &options)?;
    let level = match a.fail_on {
        FailOn::Blocker => Severity::Blocker,
        FailOn::Warning => Severity::Warning,
    };
    let exit = if p.fails_on(level) { Exit::Findings } else { Exit::Clean };
    match events {
        Some(EventsFormat::Jsonl) => write_check_events(&p, exit),
        None => {
            let format = saved::format_for(a.format, a.out.as_deref())?;
            if !findings_only && format == PlanFormat::Json && a.out.is_none() {
                // Streamed: the JSON of a large plan is many times the plan's own size.
                out_plan_json(&p)?;
            } else {
                let text =
                    if findings_only { render_findings(&p, format)? } else { render_plan(&p, format, Some(&fleet))? };
                match &a.out {
                    Some(file) => saved::write_out(file, &text, &p)?,
                    None => out(&text)?,
                }
            }
        }
    }
    if exit == Exit::Findings {
        eprintln!(
            "hcx: {} blocker(s) found, {} warning(s); failing on {} (exit code 1)",
            p.summary.blockers, p.summary.warnings, level
        );
    }
    Ok(exit)
}

fn cmd_path(a: &PathArgs) -> Result<Exit, CliError> {
    let loaded = catalog_cmd::load(&a.source)?;
    let catalog = &loaded.catalog;
    let from: HcxVersion = a.from.parse()?;
    let to: HcxVersion = a.to.parse()?;
    let path = match catalog.path(&from, &to) {
        Ok(p) => p,
        // A release the catalog does not know is bad input; a refused or missing route is a finding.
        Err(e @ hcx_core::catalog::PathError::UnknownRelease { .. }) => return Err(e.into()),
        Err(e) => {
            eprintln!("hcx: {e}");
            return Ok(Exit::Findings);
        }
    };
    let text = match a.format {
        Format::Json => hcx_core::schema::to_json_pretty(&path)?,
        Format::Text => {
            let mut o = format!("{} -> {}: {} hop(s)\n", path.from, path.to, path.hops.len());
            let mut last_rule = "";
            for (i, h) in path.hops.iter().enumerate() {
                o.push_str(&format!(
                    "  {}. {} -> {}  rule {} ({}; {})\n",
                    i + 1,
                    h.from,
                    h.to,
                    h.rule,
                    h.confidence,
                    h.sources.join(", ")
                ));
                // A multi-hop rule's note is printed once, at its first hop.
                if let Some(n) = h.note.as_ref().filter(|_| h.rule != last_rule) {
                    o.push_str(&format!("     {n}\n"));
                }
                last_rule = &h.rule;
            }
            if path.hops.is_empty() {
                o.push_str("  already there\n");
            }
            if let Some(u) = &path.uncataloged {
                o.push_str(&format!("  [warning] uncataloged-release: {u}\n"));
            }
            o
        }
    };
    out(&text)?;
    Ok(Exit::Clean)
}

fn cmd_explain(a: &ExplainArgs) -> Result<Exit, CliError> {
    let list: Vec<&rules::Rule> = match &a.rule {
        Some(id) => vec![rules::lookup(id).map_err(|e| CliError::Input(e.to_string()))?],
        None => rules::RULES.iter().collect(),
    };
    let text = match a.format {
        Format::Json => hcx_core::schema::to_json_pretty(&hcx_core::schema::RulesDocument {
            rules: list.iter().map(|r| **r).collect(),
        })?,
        Format::Text => {
            let mut o = String::new();
            for r in list {
                let also: Vec<&str> = r.escalations.iter().map(|e| e.as_str()).collect();
                let also = if also.is_empty() { String::new() } else { format!("; may raise {}", also.join(", ")) };
                o.push_str(&format!(
                    "{} ({}{also}): {}\n  {}\n  fix: {}\n",
                    r.id, r.severity, r.title, r.meaning, r.remediation
                ));
                if !r.sources.is_empty() {
                    let catalog = Catalog::bundled();
                    for s in r.sources {
                        let where_ =
                            catalog.source(s).and_then(|x| x.url.as_deref().or(x.document.as_deref())).unwrap_or("");
                        o.push_str(&format!("  source {s}: {where_}\n"));
                    }
                }
            }
            o
        }
    };
    out(&text)?;
    Ok(Exit::Clean)
}
