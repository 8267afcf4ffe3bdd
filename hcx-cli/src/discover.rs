//! `hcx discover`: read live HCX Managers into an `hcx-fleet/v1` inventory.
//!
//! The endpoints file (`hcx-endpoints/v1`, JSON; `hcx-sim --write-endpoints` writes one) lists each manager:
//!
//! ```json
//! { "schema": "hcx-endpoints/v1",
//!   "endpoints": [ { "site": "onprem-dc1", "url": "https://hcx-dc1.example", "role": "connector",
//!                    "platform": "on-prem", "username": "administrator@vsphere.local", "name": "DC1" } ] }
//! ```
//!
//! Passwords never come from the command line or the file: `HCX_PASSWORD_<SITE>` (the site id upper-cased,
//! every non-alphanumeric character turned into `_`, e.g. `HCX_PASSWORD_ONPREM_DC1`), else `HCX_PASSWORD`,
//! else one line read from standard input with `--password-stdin` (used for every site without a variable).
//!
//! TLS trust, timeouts and the response cap are the shared connection flags ([`ConnectArgs`]); plain `http://`
//! is accepted only for loopback managers (the simulator) unless `--danger-allow-insecure-http`.
//!
//! On stderr: a progress bar in a terminal, then one line per kind of warning or failure, alike ones folded
//! (`200 sites: the HCX API does not report port-group binding; … (dc001, dc002, dc003, … and 197 more)`);
//! `-v` adds a line per site, `-q` keeps errors only, `-qq` prints nothing but a final error.
//!
//! `--events jsonl` (with `--out FILE`, which then takes the fleet) writes the discovery as an event stream on
//! stdout, one JSON object per line (`hcx-discover-events/v1`, `docs/events.md`): a `stream-started` header,
//! each site's `site-started` and `site-answered` or `site-failed`, a `warning` per warning of the merged
//! report, and `discovery-finished` last. stderr is unchanged.

use std::collections::HashSet;
use std::io::{BufRead as _, IsTerminal as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::Args;
use hcx_core::client::discover::{
    DEFAULT_CONCURRENCY, DiscoveryEvent, DiscoveryOptions, EndpointsError, EndpointsFile, FleetDiscovery, Target,
    discover_fleet,
};
use hcx_core::client::{ClientError, ErrorKind};
use hcx_core::fleet::{Fleet, FleetError};
use hcx_core::schema::{DiscoverStreamEvent, StreamEvent as _};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::EventsFormat;
use crate::connect::{ConnectArgs, ConnectError};
use crate::input::{self, parse_duration};

/// Arguments of `hcx discover`.
#[derive(Debug, Clone, Args)]
pub struct DiscoverArgs {
    /// Endpoints file (`hcx-endpoints/v1` JSON) listing the managers to read.
    #[arg(long, value_name = "FILE")]
    pub endpoints: PathBuf,
    /// Write the fleet here (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Managers read at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// Read one password line from standard input for sites without an environment variable.
    #[arg(long)]
    pub password_stdin: bool,
    /// Write the inventory of the managers that answered even if some failed (the failures still go to stderr).
    #[arg(long)]
    pub allow_partial: bool,
    /// Write the discovery as events, one JSON object per line on stdout (`hcx-discover-events/v1`); the fleet
    /// then goes to --out, which it requires.
    #[arg(long, value_enum, requires = "out")]
    pub events: Option<EventsFormat>,
    /// The whole-discovery deadline and the endpoints file's size cap.
    #[command(flatten)]
    pub limits: NetLimits,
    /// TLS trust, timeouts and the response size cap.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// The whole-discovery deadline and the endpoints file's size cap (durations: `30s`, `500ms`, `2m`, or
/// seconds). The per-connection limits are in [`ConnectArgs`].
#[derive(Debug, Clone, Args)]
pub struct NetLimits {
    /// Longest the whole discovery may take, every site and retry included.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub deadline: Duration,
    /// Largest endpoints file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = hcx_core::input::DEFAULT_MAX_INPUT_BYTES)]
    pub max_input_bytes: u64,
}

impl Default for NetLimits {
    fn default() -> Self {
        Self { deadline: Duration::from_secs(300), max_input_bytes: hcx_core::input::DEFAULT_MAX_INPUT_BYTES }
    }
}

/// Why `hcx discover` failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoverError {
    /// The endpoints file is unreadable or invalid.
    #[error(transparent)]
    Endpoints(#[from] EndpointsError),
    /// A password source gave an empty password.
    #[error("empty password for site {site} (from {from}): refusing to log in without one")]
    EmptyPassword {
        /// Site id.
        site: String,
        /// Where it came from (a variable name or standard input).
        from: String,
    },
    /// The discovered inventory is not a valid fleet (it was still written, with `--out`).
    #[error("the discovered inventory is not a valid fleet{}: {source}", written.as_ref().map(|p| format!(" (written to {p} anyway)")).unwrap_or_default())]
    InvalidFleet {
        /// Where it was written, if it was.
        written: Option<String>,
        /// Every problem.
        #[source]
        source: FleetError,
    },
    /// The endpoints file could not be read within the cap.
    #[error("cannot read endpoints file {path}: {source}")]
    Input {
        /// Path.
        path: String,
        /// What went wrong.
        #[source]
        source: hcx_core::input::InputError,
    },
    /// No password source for a site.
    #[error("no password for site {site}: set {var} or HCX_PASSWORD, or pass --password-stdin")]
    MissingPassword {
        /// Site id.
        site: String,
        /// The per-site variable that was looked up.
        var: String,
    },
    /// Standard input could not be read.
    #[error("cannot read the password from standard input: {0}")]
    Stdin(#[source] std::io::Error),
    /// The client could not be configured.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The connection options cannot be used.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// Some managers did not answer (and `--allow-partial` was not given).
    #[error("{failed} of {total} managers did not answer{details}")]
    Incomplete {
        /// Failed sites.
        failed: usize,
        /// All sites.
        total: usize,
        /// `: ` and the failures, alike ones together, each with the sites it stopped.
        details: String,
    },
    /// The output file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// Path.
        path: String,
        /// I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// The per-site password variable name, e.g. `HCX_PASSWORD_ONPREM_DC1`.
pub fn password_var(site: &str) -> String {
    hcx_core::client::discover::password_env_var(site)
}

/// Builds targets: endpoints plus passwords from the environment (or stdin).
///
/// # Errors
/// [`DiscoverError::MissingPassword`] / [`DiscoverError::Stdin`].
pub fn targets(file: EndpointsFile, password_stdin: bool) -> Result<Vec<Target>, DiscoverError> {
    // Read once, for every site without a variable; never printed (`DiscoverError` names only its source).
    let mut stdin_pw: Option<String> = None;
    let mut out = Vec::new();
    for endpoint in file.endpoints {
        let var = password_var(&endpoint.site);
        let (pw, from) = match std::env::var(&var).map(|p| (p, var.clone())) {
            Ok(found) => found,
            Err(_) => match std::env::var("HCX_PASSWORD") {
                Ok(p) => (p, "HCX_PASSWORD".to_owned()),
                Err(_) if password_stdin => {
                    if stdin_pw.is_none() {
                        let mut line = String::new();
                        std::io::stdin().lock().read_line(&mut line).map_err(DiscoverError::Stdin)?;
                        stdin_pw = Some(line.trim_end_matches(['\r', '\n']).to_owned());
                    }
                    (stdin_pw.clone().unwrap_or_default(), "standard input".to_owned())
                }
                Err(_) => return Err(DiscoverError::MissingPassword { site: endpoint.site, var }),
            },
        };
        if pw.is_empty() {
            return Err(DiscoverError::EmptyPassword { site: endpoint.site, from });
        }
        out.push(Target::new(endpoint, pw));
    }
    Ok(out)
}

/// What discovery writes to stderr, by the level the global `-v`/`-q` flags (or `HCX_LOG`) set: one line per
/// site at info (`-v`); alike warnings and failures folded into one line each at warn (the default); nothing
/// with `-qq`. A progress bar is drawn when stderr is a terminal and warnings are shown. The levels come from
/// the `tracing` subscriber `shell::init` installed from those flags, so this module needs no flags of its own.
#[derive(Clone)]
struct Reporter {
    bar: Option<ProgressBar>,
    failed: Arc<AtomicUsize>,
    per_site: bool,
}

impl Reporter {
    fn new(sites: usize) -> Self {
        let bar = (tracing::enabled!(tracing::Level::WARN) && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(sites as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("discover [{bar:30}] {pos}/{len} managers {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Self { bar, failed: Arc::new(AtomicUsize::new(0)), per_site: tracing::enabled!(tracing::Level::INFO) }
    }

    /// A per-site line (`-v`), above the bar when there is one.
    fn site_line(&self, line: &str) {
        if !self.per_site {
            return;
        }
        match &self.bar {
            Some(bar) => bar.suspend(|| tracing::info!("{line}")),
            None => tracing::info!("{line}"),
        }
    }

    fn event(&self, e: &DiscoveryEvent) {
        match e {
            DiscoveryEvent::Answered { site, version } => {
                self.site_line(&format!("{site}: HCX {version}"));
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
            }
            DiscoveryEvent::Failed { site, error } => {
                self.site_line(&format!("{site}: did not answer: {error}"));
                let failed = self.failed.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(bar) = &self.bar {
                    bar.set_message(format!("({failed} failed)"));
                    bar.inc(1);
                }
            }
            DiscoveryEvent::Finished { answered, failed } => {
                if let Some(bar) = &self.bar {
                    bar.finish_and_clear();
                }
                tracing::info!("{answered} answered, {failed} failed");
            }
            _ => {}
        }
    }
}

/// The discovery options; with `run_id`, the sites' events also go to stdout as lines of the event stream.
fn options(args: &DiscoverArgs, sites: usize, run_id: Option<String>) -> Result<DiscoveryOptions, DiscoverError> {
    let reporter = Reporter::new(sites);
    let sink = Arc::new(move |e: &DiscoveryEvent| {
        reporter.event(e);
        // `discovery-finished` comes before the merge, whose warnings the stream writes before it: it is
        // written last, from the report (`finish_events`).
        if let Some(run_id) = run_id.as_deref().filter(|_| !matches!(e, DiscoveryEvent::Finished { .. })) {
            crate::write_event(run_id, DiscoverStreamEvent::Discovery(e.clone()));
        }
    });
    Ok(DiscoveryOptions::new(args.connect.client_config()?)
        .with_concurrency(args.concurrency)
        .with_deadline(args.limits.deadline)
        .with_events(sink))
}

/// Runs discovery and returns the full report (fleet, per-site results, failures, warnings).
///
/// # Errors
/// Bad endpoints file, missing password or client configuration.
pub async fn discover_report(args: &DiscoverArgs) -> Result<FleetDiscovery, DiscoverError> {
    let text = input::read_capped(&args.endpoints, args.limits.max_input_bytes)
        .map_err(|source| DiscoverError::Input { path: args.endpoints.display().to_string(), source })?;
    let file = EndpointsFile::from_json(&text)?;
    let targets = targets(file, args.password_stdin)?;
    let run_id = args.events.map(|EventsFormat::Jsonl| hcx_core::schema::stream_run_id("discover"));
    // Checked before any manager is contacted, so a bad --ca-cert is one error naming the file.
    let options = options(args, targets.len(), run_id.clone())?;
    // Like apply's, a stream begins only once the discovery can start: input errors write no lines.
    if let Some(run_id) = &run_id {
        crate::write_event(run_id, DiscoverStreamEvent::stream_started());
    }
    let report = discover_fleet(targets, &options).await?;
    if let Some(run_id) = &run_id {
        finish_events(run_id, &report);
    }
    Ok(report)
}

/// The end of the event stream: a `warning` per warning of the report, then `discovery-finished`.
fn finish_events(run_id: &str, report: &FleetDiscovery) {
    for w in &report.warnings {
        // A warning one manager reported keeps the read and item it names.
        let typed = report.site_warnings().find(|t| t.to_string() == *w);
        let (endpoint, item) = typed.map_or((None, None), |t| (t.endpoint.clone(), t.item.clone()));
        let site = warning_site(w, report);
        crate::write_event(run_id, DiscoverStreamEvent::Warning { site, endpoint, item, message: w.clone() });
    }
    let finished = DiscoveryEvent::Finished { answered: report.sites.len(), failed: report.failures.len() };
    crate::write_event(run_id, DiscoverStreamEvent::Discovery(finished));
}

/// The site a warning concerns: the site whose manager reported it, else the site it names first (`site dc1
/// …`, `pair dc1 -> avs …`); None for a warning about the whole inventory or about a mesh, appliance or
/// extension alone.
fn warning_site(w: &str, report: &FleetDiscovery) -> Option<String> {
    if let Some(d) = report.sites.iter().find(|d| d.warnings.iter().any(|x| x.to_string() == *w)) {
        return Some(d.site.id.clone());
    }
    match split_subject(w) {
        Some(("sites", subject, _)) => Some(subject.to_owned()),
        Some(("pairs", subject, _)) => subject.split(" -> ").next().map(str::to_owned),
        _ => None,
    }
}

/// Reports the failures and the merge warnings (alike ones folded into one line), and refuses a discovery in
/// which a manager failed unless partial results are allowed.
fn accept(report: FleetDiscovery, args: &DiscoverArgs) -> Result<FleetDiscovery, DiscoverError> {
    // Alike failures (the client's messages name the call, never the manager) as one line each.
    let mut failures: Vec<(String, Vec<&str>)> = Vec::new();
    for f in &report.failures {
        let text = failure_text(&f.error, &args.connect);
        match failures.iter_mut().find(|(t, _)| *t == text) {
            Some((_, sites)) => sites.push(&f.site),
            None => failures.push((text, vec![&f.site])),
        }
    }
    for (text, sites) in &failures {
        match sites.as_slice() {
            [site] => tracing::warn!("site {site} did not answer: {text}"),
            _ => tracing::warn!("{} sites did not answer: {text} ({})", sites.len(), subject_list(sites)),
        }
    }
    if !report.failures.is_empty() && !args.allow_partial {
        let details: Vec<String> =
            failures.iter().map(|(text, sites)| format!("{text} ({})", subject_list(sites))).collect();
        // The merge warnings are left out: they describe an inventory that is not written.
        return Err(DiscoverError::Incomplete {
            failed: report.failures.len(),
            total: report.sites.len() + report.failures.len(),
            details: format!(": {}", details.join("; ")),
        });
    }
    let sites: Vec<&str> = report
        .sites
        .iter()
        .map(|d| d.site.id.as_str())
        .chain(report.failures.iter().map(|f| f.site.as_str()))
        .collect();
    for w in &report.warnings {
        tracing::debug!("{w}");
    }
    for line in fold_warnings(&report.warnings, &sites) {
        tracing::warn!("{line}");
    }
    Ok(report)
}

/// A site's failure for the summary: the client's message (it names the call, never the manager, so alike
/// failures fold), and for a refused certificate what the TLS stack said and what to do.
fn failure_text(e: &ClientError, connect: &ConnectArgs) -> String {
    let mut text = e.to_string();
    if e.kind() == ErrorKind::Tls {
        if let Some(cause) = root_cause(e).filter(|c| !text.contains(c.as_str())) {
            text = format!("{text}: {cause}");
        }
        match &connect.ca_cert {
            Some(ca) => text.push_str(&format!(
                "; check that {} holds the CA that signed the managers' certificates",
                ca.display()
            )),
            None => text.push_str(
                "; if a private CA signed the managers' certificates, pass --ca-cert FILE with its PEM certificate",
            ),
        }
    }
    text
}

/// The innermost message of an error's chain (the TLS stack's reason for refusing a certificate).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut last = None;
    let mut cur = e.source();
    while let Some(err) = cur {
        last = Some(err.to_string());
        // hyper-util and tokio-rustls wrap the TLS error in `io::Error`s, whose `source()` skips what they wrap.
        cur = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    last
}

/// The discovery warnings with alike ones folded: `site dc1: X` and `site dc2: X` become
/// `2 sites: X (dc1, dc2)`; other site ids in a warning (`mesh m1 left out: … destination dc1`) do not keep
/// warnings apart, and show as `…` once folded (`-vv` prints every warning as it is).
pub fn fold_warnings(warnings: &[String], sites: &[&str]) -> Vec<String> {
    let sites: HashSet<&str> = sites.iter().copied().collect();
    let mut fold = Fold::default();
    for w in warnings {
        match split_subject(w) {
            Some((plural, subject, rest)) => fold.add(Some(plural), subject, &mask(rest, &sites), w),
            None => fold.add(None, "", w, w),
        }
    }
    fold.lines()
}

/// The subjects discovery's warnings start with (`site dc1: …`, `pair dc1 -> avs left out: …`), with their
/// plurals.
const SUBJECTS: [(&str, &str); 5] = [
    ("site", "sites"),
    ("appliance", "appliances"),
    ("mesh", "meshes"),
    ("extension", "extensions"),
    ("pair", "pairs"),
];

/// Subjects named in a folded line before `… and N more`.
const SHOWN_SUBJECTS: usize = 3;

/// `site dc1: the API …` as (`sites`, `dc1`, `: the API …`); None for a warning that names no subject.
fn split_subject(w: &str) -> Option<(&'static str, &str, &str)> {
    let (noun, rest) = w.split_once(' ')?;
    let plural = SUBJECTS.iter().find(|(singular, _)| *singular == noun)?.1;
    let mut end = rest.find([' ', ':'])?;
    // A pair is named by both ends: `dc1 -> avs`.
    if let Some(after) = rest[end..].strip_prefix(" -> ") {
        end = rest.len() - after.len() + after.find([' ', ':']).unwrap_or(after.len());
    }
    (end > 0).then(|| (plural, &rest[..end], &rest[end..]))
}

/// `text` with every word that is one of `ids` replaced by `…`.
fn mask(text: &str, ids: &HashSet<&str>) -> String {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_word) {
        out.push_str(&rest[..start]);
        let len = rest[start..].find(|c: char| !is_word(c)).unwrap_or(rest.len() - start);
        let word = &rest[start..start + len];
        // A sentence's final dot is not part of the id.
        let id = word.trim_end_matches('.');
        if ids.contains(&id) {
            out.push('…');
            out.push_str(&word[id.len()..]);
        } else {
            out.push_str(word);
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// Messages grouped by what they say apart from their subject, in the order first seen.
#[derive(Default)]
struct Fold {
    groups: Vec<Group>,
}

struct Group {
    plural: Option<&'static str>,
    rest: String,
    first: String,
    subjects: Vec<String>,
}

impl Fold {
    /// Adds `first` (the whole message), which says `rest` of `subject`, one of the `plural`.
    fn add(&mut self, plural: Option<&'static str>, subject: &str, rest: &str, first: &str) {
        match self.groups.iter_mut().find(|g| g.plural == plural && g.rest == rest) {
            Some(g) => g.subjects.push(subject.to_owned()),
            None => self.groups.push(Group {
                plural,
                rest: rest.to_owned(),
                first: first.to_owned(),
                subjects: vec![subject.to_owned()],
            }),
        }
    }

    fn lines(&self) -> Vec<String> {
        self.groups
            .iter()
            .map(|g| match (g.subjects.len(), g.plural) {
                (1, _) => g.first.clone(),
                (n, Some(plural)) => {
                    // `site X is paired …` reads `3 sites are paired …` once folded.
                    let rest = g.rest.strip_prefix(" is ").map_or_else(|| g.rest.clone(), |r| format!(" are {r}"));
                    format!("{n} {plural}{rest} ({})", subject_list(&g.subjects))
                }
                (n, None) => format!("{} ({n} times)", g.first),
            })
            .collect()
    }
}

/// `a, b, c, … and 7 more`.
fn subject_list(subjects: &[impl AsRef<str>]) -> String {
    let subjects: Vec<&str> = subjects.iter().map(AsRef::as_ref).collect();
    if subjects.len() <= SHOWN_SUBJECTS + 1 {
        return subjects.join(", ");
    }
    format!("{}, … and {} more", subjects[..SHOWN_SUBJECTS].join(", "), subjects.len() - SHOWN_SUBJECTS)
}

/// `hcx discover`: reads every manager, prints warnings and failures to stderr, writes the fleet (JSON) to
/// `--out` or stdout, and returns it.
///
/// # Errors
/// Any [`DiscoverError`]; [`DiscoverError::Incomplete`] when a manager failed and `--allow-partial` is off
/// (nothing is written then); [`DiscoverError::InvalidFleet`] when what was found is not a valid fleet (it
/// is still written to `--out`, for inspection, but not to standard output, which a pipeline would consume).
pub async fn run(args: &DiscoverArgs) -> Result<Fleet, DiscoverError> {
    let report = accept(discover_report(args).await?, args)?;
    let invalid = report.fleet.validate().err();
    let json = report.fleet.to_json_pretty() + "\n";
    let written = match (&args.out, &invalid) {
        (Some(path), _) => {
            std::fs::write(path, json)
                .map_err(|source| DiscoverError::Write { path: path.display().to_string(), source })?;
            Some(path.display().to_string())
        }
        (None, None) => {
            print!("{json}");
            None
        }
        (None, Some(_)) => None,
    };
    match invalid {
        Some(source) => Err(DiscoverError::InvalidFleet { written, source }),
        None => Ok(report.fleet),
    }
}

/// For `hcx plan --discover ENDPOINTS`: discover with env-var passwords, `concurrency` managers at once,
/// over `connect`, and return the fleet without writing it anywhere. Fails if any manager did not answer.
///
/// # Errors
/// Any [`DiscoverError`].
pub async fn fleet_from_endpoints(
    endpoints: &Path,
    concurrency: usize,
    connect: &ConnectArgs,
) -> Result<Fleet, DiscoverError> {
    let args = DiscoverArgs {
        endpoints: endpoints.to_path_buf(),
        out: None,
        concurrency,
        password_stdin: false,
        allow_partial: false,
        events: None,
        limits: NetLimits::default(),
        connect: connect.clone(),
    };
    let fleet = accept(discover_report(&args).await?, &args)?.fleet;
    fleet.validate().map_err(|source| DiscoverError::InvalidFleet { written: None, source })?;
    Ok(fleet)
}

/// The runtime discovery runs on: one thread. Discovery waits on the network; with hundreds of managers
/// (seven connections each) a multi-thread runtime spends more CPU on cross-thread wake-ups and allocator
/// contention than on the requests themselves.
///
/// # Errors
/// [`DiscoverError::Runtime`] when the runtime cannot start.
pub fn runtime() -> Result<tokio::runtime::Runtime, DiscoverError> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(DiscoverError::Runtime)
}

/// Blocking wrapper of [`run`] for a synchronous `main` (on [`runtime`]).
///
/// # Errors
/// As [`run`], plus [`DiscoverError::Runtime`].
pub fn run_blocking(args: &DiscoverArgs) -> Result<Fleet, DiscoverError> {
    runtime()?.block_on(run(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_variable_names() {
        assert_eq!(password_var("onprem-dc1"), "HCX_PASSWORD_ONPREM_DC1");
        assert_eq!(password_var("avs.west europe"), "HCX_PASSWORD_AVS_WEST_EUROPE");
    }

    fn fold(warnings: &[&str], sites: &[&str]) -> Vec<String> {
        fold_warnings(&warnings.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>(), sites)
    }

    #[test]
    fn alike_warnings_fold_into_one_line_naming_the_first_subjects() {
        let sites = ["dc1", "dc2", "dc3", "dc4", "dc5", "avs"];
        let five: Vec<String> = sites[..5].iter().map(|s| format!("site {s}: no binding reported")).collect();
        let five: Vec<&str> = five.iter().map(String::as_str).collect();
        assert_eq!(fold(&five, &sites), ["5 sites: no binding reported (dc1, dc2, dc3, … and 2 more)"]);
        assert_eq!(fold(&five[..4], &sites), ["4 sites: no binding reported (dc1, dc2, dc3, dc4)"]);
        assert_eq!(fold(&five[..1], &sites), ["site dc1: no binding reported"], "one stays as it is");
        let mixed = ["site dc1: a", "appliance ix-1: unknown type", "site dc2: a", "site dc3: b"];
        assert_eq!(fold(&mixed, &sites), ["2 sites: a (dc1, dc2)", "appliance ix-1: unknown type", "site dc3: b"]);
    }

    #[test]
    fn other_site_ids_do_not_keep_warnings_apart() {
        let sites = ["dc1", "dc2", "avs1", "avs2"];
        let meshes = [
            "mesh m1 left out: cannot place both ends (source unknown, destination avs1)",
            "mesh m2 left out: cannot place both ends (source unknown, destination avs2)",
        ];
        assert_eq!(
            fold(&meshes, &sites),
            ["2 meshes left out: cannot place both ends (source unknown, destination …) (m1, m2)"]
        );
        let pairs = [
            "pair dc1 -> avs1 left out: avs1 is not in the inventory",
            "pair dc2 -> avs2 left out: avs2 is not in the inventory",
        ];
        assert_eq!(fold(&pairs, &sites), ["2 pairs left out: … is not in the inventory (dc1 -> avs1, dc2 -> avs2)"]);
        let paired = [
            "site dc1 is paired with x (https://x), which is not in the endpoints file",
            "site dc2 is paired with x (https://x), which is not in the endpoints file",
        ];
        assert_eq!(
            fold(&paired, &sites),
            ["2 sites are paired with x (https://x), which is not in the endpoints file (dc1, dc2)"]
        );
        assert_eq!(
            fold(&["merged inventory does not validate: x"; 2], &sites),
            ["merged inventory does not validate: x (2 times)"]
        );
        // Only whole words are ids: `dc1` in `dc10` or `vdc1` stays.
        assert_eq!(mask("dc10 vdc1 dc1. (dc1)", &sites.into_iter().collect()), "dc10 vdc1 …. (…)");
    }

    #[tokio::test]
    async fn discovers_the_sample_scenario_from_its_endpoints_file() {
        let scenario =
            hcx_sim::Scenario::from_json(include_str!("../../hcx-sim/scenarios/avs-pair.json")).expect("scenario");
        let sim = hcx_sim::Simulator::start(scenario, hcx_sim::PortPlan::Ephemeral, hcx_sim::SimClock::manual())
            .await
            .expect("sim");
        let dir = std::env::temp_dir().join(format!("hcx-discover-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let endpoints = dir.join("endpoints.json");
        sim.write_endpoints(&endpoints).expect("write");
        let file = EndpointsFile::load(&endpoints).expect("load");
        let targets: Vec<Target> =
            file.endpoints.into_iter().map(|endpoint| Target::new(endpoint, "hcx-sim-password")).collect();
        let report = discover_fleet(targets, &DiscoveryOptions::default()).await.expect("discover");
        assert!(report.is_complete());
        assert_eq!(report.fleet.sites.len(), 2);
        assert_eq!(report.fleet.meshes[0].appliances.len(), 3);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
