//! The `hcx` command line: `plan`, `check`, `path`, `catalog`, `explain` and `discover`.
//!
//! Exit codes: 0 clean, 1 blockers found (or, for `path`, no supported path), 2 bad input (or a failed command).
//! Machine output (JSON) goes to stdout; diagnostics go to stderr.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hcx_core::HcxVersion;
use hcx_core::catalog::{Catalog, Confidence, SupportState};
use hcx_core::fleet::Fleet;
use hcx_core::plan::{self, Plan, PlanOptions, Severity, TargetSpec, rules};
use serde_json::json;

pub mod discover;

/// Plan, check and explain VMware HCX upgrades.
#[derive(Debug, Parser)]
#[command(name = "hcx", version, about, long_about = None)]
#[command(after_help = "Exit codes: 0 clean, 1 blockers found, 2 bad input.")]
pub struct Cli {
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
    Check(PlanArgs),
    /// The shortest documented upgrade path between two releases.
    Path(PathArgs),
    /// List the catalog's releases with their support status and sources.
    Catalog(CatalogArgs),
    /// Explain a rule (or list every rule).
    Explain(ExplainArgs),
    /// Read live HCX Managers into a fleet document (`hcx-fleet/v1`).
    Discover(discover::DiscoverArgs),
}

/// Output formats for `plan` and `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Human text for a terminal.
    Text,
    /// Markdown for a change ticket.
    Markdown,
    /// JSON (`hcx-plan/v1` for plans).
    Json,
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
    /// The fleet (`hcx-fleet/v1` JSON); without it (and without --discover), the bundled sample AVS fleet.
    #[arg(long, value_name = "FILE", conflicts_with = "discover")]
    pub fleet: Option<PathBuf>,
    /// Discover the fleet from live managers listed in an endpoints file (`hcx-endpoints/v1`; passwords from
    /// `HCX_PASSWORD_<SITE>` or `HCX_PASSWORD`).
    #[arg(long, value_name = "ENDPOINTS")]
    pub discover: Option<PathBuf>,
    /// The target: a release, `latest` or `validated`; default: `validated` where a platform lists one, else `latest`.
    #[arg(long, value_name = "V|latest|validated")]
    pub target: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
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
    /// A catalog file to use instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// Prefer the In-Service NE upgrade where it is allowed.
    #[arg(long)]
    pub ne_in_service: bool,
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
    /// A catalog file to use instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

/// Arguments of `catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Output format (`json` prints the whole catalog document).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The date for support status (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// A catalog file to use instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
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
    #[error(transparent)]
    Plan(#[from] hcx_core::plan::PlanError),
    /// A version argument is invalid.
    #[error(transparent)]
    Version(#[from] hcx_core::VersionError),
    /// No path between two releases.
    #[error(transparent)]
    Path(#[from] hcx_core::catalog::PathError),
    /// Discovery failed.
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    /// Anything else the user gave that cannot be used.
    #[error("{0}")]
    Input(String),
}

/// The outcome of a successful command.
enum Outcome {
    Clean,
    Blockers,
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Plan(a) => cmd_plan(&a, false),
        Command::Check(a) => cmd_plan(&a, true),
        Command::Path(a) => cmd_path(&a),
        Command::Catalog(a) => cmd_catalog(&a),
        Command::Explain(a) => cmd_explain(&a),
        Command::Discover(a) => discover::run_blocking(&a).map(|_| Outcome::Clean).map_err(CliError::from),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Blockers) => ExitCode::from(1),
        Err(e) => {
            eprintln!("hcx: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn out(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`hcx plan | head`) is not an error worth reporting.
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Input(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

fn parse_date(text: Option<&str>) -> Result<time::Date, CliError> {
    match text {
        None => Ok(time::OffsetDateTime::now_utc().date()),
        Some(t) => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(t, &fmt)
                .map_err(|e| CliError::Input(format!("invalid --date {t:?}: {e} (expected YYYY-MM-DD)")))
        }
    }
}

fn load_catalog(file: Option<&PathBuf>) -> Result<std::borrow::Cow<'static, Catalog>, CliError> {
    Ok(match file {
        Some(f) => std::borrow::Cow::Owned(Catalog::load(f)?),
        None => std::borrow::Cow::Borrowed(Catalog::bundled()),
    })
}

/// Loads the fleet named on the command line, or the bundled sample (saying so on stderr).
fn load_fleet(file: Option<&PathBuf>) -> Result<Fleet, CliError> {
    match file {
        Some(f) => Ok(Fleet::load(f)?),
        None => {
            eprintln!(
                "hcx: no --fleet given: planning the bundled sample fleet (an on-premises Connector paired with Azure VMware Solution)"
            );
            Ok(Fleet::from_json(plan::SAMPLE_FLEET)?)
        }
    }
}

/// Reads the fleet from live managers for `plan --discover`.
fn discover_fleet(endpoints: &std::path::Path) -> Result<Fleet, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Input(format!("cannot start the async runtime: {e}")))?;
    Ok(runtime.block_on(discover::fleet_from_endpoints(endpoints))?)
}

/// `validated` where one of the fleet's platforms lists a validated release, else `latest`.
fn default_target(fleet: &Fleet, catalog: &Catalog) -> TargetSpec {
    if fleet.sites.iter().any(|s| catalog.validated(s.platform).is_some()) {
        TargetSpec::Validated
    } else {
        TargetSpec::Latest
    }
}

fn cmd_plan(a: &PlanArgs, findings_only: bool) -> Result<Outcome, CliError> {
    let catalog = load_catalog(a.catalog.as_ref())?;
    let fleet = match &a.discover {
        Some(endpoints) => discover_fleet(endpoints)?,
        None => load_fleet(a.fleet.as_ref())?,
    };
    let target = match &a.target {
        Some(t) => t.parse::<TargetSpec>()?,
        None => default_target(&fleet, &catalog),
    };
    let mut options = PlanOptions::new(target, parse_date(a.date.as_deref())?)
        .ne_in_service(a.ne_in_service)
        .min_confidence(a.min_confidence.map(Confidence::from));
    for id in &a.ack {
        options = options.acknowledge(id.clone());
    }
    let p = plan::plan(&fleet, &catalog, &options)?;
    let text = match (findings_only, a.format) {
        (false, PlanFormat::Text) => p.to_text(),
        (false, PlanFormat::Markdown) => p.to_markdown(),
        (false, PlanFormat::Json) => p.to_json(),
        (true, PlanFormat::Json) => {
            let mut s = serde_json::to_string_pretty(
                &json!({"target": p.target, "date": p.date.to_string(), "findings": p.findings}),
            )
            .unwrap_or_default();
            s.push('\n');
            s
        }
        (true, PlanFormat::Text) => findings_text(&p),
        (true, PlanFormat::Markdown) => findings_markdown(&p),
    };
    out(&text)?;
    let level = match a.fail_on {
        FailOn::Blocker => Severity::Blocker,
        FailOn::Warning => Severity::Warning,
    };
    if p.fails_on(level) {
        eprintln!(
            "hcx: {} blocker(s) found, {} warning(s); failing on {} (exit code 1)",
            p.summary.blockers, p.summary.warnings, level
        );
        Ok(Outcome::Blockers)
    } else {
        Ok(Outcome::Clean)
    }
}

fn findings_text(p: &Plan) -> String {
    let mut o = format!("HCX checks: target {} on {}\n", p.target, p.date);
    for f in &p.findings {
        let ack = if f.severity == Severity::Blocker && f.acknowledged { " (acknowledged)" } else { "" };
        o.push_str(&format!("  [{}] {}{ack}: {}\n", f.severity, f.rule, f.message));
        if f.severity != Severity::Info {
            o.push_str(&format!("      fix: {}\n", f.remediation));
        }
    }
    o.push_str(&format!("{} blocker(s), {} warning(s)\n", p.summary.blockers, p.summary.warnings));
    o
}

fn findings_markdown(p: &Plan) -> String {
    let mut o = format!(
        "# HCX checks: target {} on {}\n\n| Severity | Rule | Finding | Remediation |\n|---|---|---|---|\n",
        p.target, p.date
    );
    for f in &p.findings {
        let ack = if f.severity == Severity::Blocker && f.acknowledged { " (acknowledged)" } else { "" };
        o.push_str(&format!(
            "| {}{ack} | `{}` | {} | {} |\n",
            f.severity,
            f.rule,
            f.message.replace('|', "\\|"),
            f.remediation.replace('|', "\\|")
        ));
    }
    o
}

fn cmd_path(a: &PathArgs) -> Result<Outcome, CliError> {
    let catalog = load_catalog(a.catalog.as_ref())?;
    let from: HcxVersion = a.from.parse()?;
    let to: HcxVersion = a.to.parse()?;
    let path = match catalog.path(&from, &to) {
        Ok(p) => p,
        // A release the catalog does not know is bad input; a refused or missing route is a finding.
        Err(e @ hcx_core::catalog::PathError::UnknownRelease { .. }) => return Err(e.into()),
        Err(e) => {
            eprintln!("hcx: {e}");
            return Ok(Outcome::Blockers);
        }
    };
    let text = match a.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&path).unwrap_or_default();
            s.push('\n');
            s
        }
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
            o
        }
    };
    out(&text)?;
    Ok(Outcome::Clean)
}

fn cmd_catalog(a: &CatalogArgs) -> Result<Outcome, CliError> {
    let catalog = load_catalog(a.catalog.as_ref())?;
    let date = parse_date(a.date.as_deref())?;
    let text = match a.format {
        Format::Json => {
            let releases: Vec<_> = catalog
                .releases()
                .iter()
                .map(|r| {
                    let s = catalog.support_status(&r.version, date);
                    json!({"version": r.version, "support": s.state, "end_of_support": s.facts, "release": r})
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&json!({
                "schema": catalog.data().schema, "as_of": catalog.as_of().to_string(), "date": date.to_string(),
                "releases": releases, "sources": catalog.data().sources}))
            .unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Text => {
            let mut o = format!("HCX releases (catalog as of {}; support status on {date})\n", catalog.as_of());
            o.push_str(&format!(
                "  {:<10} {:<12} {:<16} {:<24} {}\n",
                "version", "released", "support", "builds", "sources"
            ));
            for r in catalog.releases() {
                let s = catalog.support_status(&r.version, date);
                let support = match s.state {
                    SupportState::Supported => format!(
                        "until {}",
                        s.facts.iter().map(|f| f.end_of_support).min().map(|d| d.to_string()).unwrap_or_default()
                    ),
                    SupportState::OutOfSupport => "ended".to_owned(),
                    SupportState::Disputed => "disputed".to_owned(),
                    _ => "unknown".to_owned(),
                };
                let released = r.released.as_ref().map_or_else(
                    || "unknown".to_owned(),
                    |d| {
                        let weak = !matches!(d.confidence, Confidence::Confirmed);
                        format!("{}{}", d.shown(), if weak { "*" } else { "" })
                    },
                );
                let builds = if r.builds.is_empty() {
                    "unknown".to_owned()
                } else {
                    r.builds.iter().map(|b| format!("{}:{}", b.kind, b.build)).collect::<Vec<_>>().join(" ")
                };
                o.push_str(&format!(
                    "  {:<10} {:<12} {:<16} {:<24} {} ({})\n",
                    r.version.to_string(),
                    released,
                    support,
                    builds,
                    r.sources.join(", "),
                    r.confidence
                ));
            }
            o.push_str("\nunknown = no public source states it; * = from a third-party or secondary source only.\n");
            o.push_str("Run `hcx catalog --format json` for every fact with its sources and confidence.\n");
            o
        }
    };
    out(&text)?;
    Ok(Outcome::Clean)
}

fn cmd_explain(a: &ExplainArgs) -> Result<Outcome, CliError> {
    let list: Vec<&rules::Rule> = match &a.rule {
        Some(id) => vec![rules::rule(id).ok_or_else(|| {
            CliError::Input(format!(
                "no rule {id:?}; known rules: {}",
                rules::RULES.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })?],
        None => rules::RULES.iter().collect(),
    };
    let text = match a.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
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
                        let where_ = catalog
                            .source(s)
                            .map(|x| x.url.clone().or(x.document.clone()).unwrap_or_default())
                            .unwrap_or_default();
                        o.push_str(&format!("  source {s}: {where_}\n"));
                    }
                }
            }
            o
        }
    };
    out(&text)?;
    Ok(Outcome::Clean)
}
