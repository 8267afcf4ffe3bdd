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
//! Plain `http://` is accepted only for loopback managers (the simulator) unless `--allow-insecure-http`.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use hcx_core::client::discover::{
    DEFAULT_CONCURRENCY, DiscoveryEvent, DiscoveryOptions, EndpointsError, EndpointsFile, FleetDiscovery, Target,
    discover_fleet,
};
use hcx_core::client::{ClientConfig, ClientError};
use hcx_core::fleet::{Fleet, FleetError};

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
    /// PEM bundle of the CA(s) that signed the managers' certificates (replaces the system roots).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Accept any TLS certificate (self-signed lab managers). Never use in production.
    #[arg(long)]
    pub danger_accept_invalid_certs: bool,
    /// Allow plain http to non-loopback managers.
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Read one password line from standard input for sites without an environment variable.
    #[arg(long)]
    pub password_stdin: bool,
    /// Write the inventory of the managers that answered even if some failed (the failures still go to stderr).
    #[arg(long)]
    pub allow_partial: bool,
    /// Timeouts, deadline and size caps.
    #[command(flatten)]
    pub limits: NetLimits,
}

/// Timeouts, the whole-discovery deadline and size caps (durations: `30s`, `500ms`, `2m`, or seconds).
#[derive(Debug, Clone, Args)]
pub struct NetLimits {
    /// Longest wait for a TCP+TLS connection to a manager.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub connect_timeout: Duration,
    /// Longest one request may take, body included (a stalled read fails sooner, after half of it).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Longest the whole discovery may take, every site and retry included.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub deadline: Duration,
    /// Largest response body read from a manager, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = hcx_core::client::DEFAULT_MAX_RESPONSE_BYTES)]
    pub max_response_bytes: u64,
    /// Largest endpoints file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = hcx_core::input::DEFAULT_MAX_INPUT_BYTES)]
    pub max_input_bytes: u64,
}

impl Default for NetLimits {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            deadline: Duration::from_secs(300),
            max_response_bytes: hcx_core::client::DEFAULT_MAX_RESPONSE_BYTES,
            max_input_bytes: hcx_core::input::DEFAULT_MAX_INPUT_BYTES,
        }
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
    /// Some managers did not answer (and `--allow-partial` was not given).
    #[error("{failed} of {total} managers did not answer: {details}")]
    Incomplete {
        /// Failed sites.
        failed: usize,
        /// All sites.
        total: usize,
        /// One line per failure.
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

fn options(args: &DiscoverArgs) -> Result<DiscoveryOptions, DiscoverError> {
    let l = &args.limits;
    let mut cfg = ClientConfig::default()
        .with_timeouts(l.connect_timeout, l.timeout / 2, l.timeout)
        .with_max_response_bytes(l.max_response_bytes)
        .danger_accept_invalid_certs(args.danger_accept_invalid_certs)
        .allow_insecure_http(args.allow_insecure_http);
    if let Some(ca) = &args.ca_cert {
        cfg = cfg.with_ca_bundle_file(ca)?;
    }
    let progress = Arc::new(|e: &DiscoveryEvent| match e {
        DiscoveryEvent::Answered { site, version } => eprintln!("discover: {site}: HCX {version}"),
        DiscoveryEvent::Failed { site, error } => eprintln!("discover: {site}: FAILED: {error}"),
        DiscoveryEvent::Finished { answered, failed } => {
            eprintln!("discover: {answered} answered, {failed} failed");
        }
        _ => {}
    });
    Ok(DiscoveryOptions::new(cfg).with_concurrency(args.concurrency).with_deadline(l.deadline).with_events(progress))
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
    Ok(discover_fleet(targets, &options(args)?).await?)
}

/// Prints the merge warnings, and refuses a discovery in which a manager failed unless partial results are
/// allowed.
fn accept(report: FleetDiscovery, allow_partial: bool) -> Result<FleetDiscovery, DiscoverError> {
    for w in &report.warnings {
        eprintln!("discover: warning: {w}");
    }
    if !report.failures.is_empty() && !allow_partial {
        let details = report.failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
        return Err(DiscoverError::Incomplete {
            failed: report.failures.len(),
            total: report.sites.len() + report.failures.len(),
            details,
        });
    }
    Ok(report)
}

/// `hcx discover`: reads every manager, prints warnings and failures to stderr, writes the fleet (JSON) to
/// `--out` or stdout, and returns it.
///
/// # Errors
/// Any [`DiscoverError`]; [`DiscoverError::Incomplete`] when a manager failed and `--allow-partial` is off
/// (nothing is written then); [`DiscoverError::InvalidFleet`] when what was found is not a valid fleet (it
/// is still written to `--out`, for inspection, but not to standard output, which a pipeline would consume).
pub async fn run(args: &DiscoverArgs) -> Result<Fleet, DiscoverError> {
    let report = accept(discover_report(args).await?, args.allow_partial)?;
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

/// For `hcx plan --discover ENDPOINTS`: discover with default settings (env-var passwords, verified TLS),
/// `concurrency` managers at once, and return the fleet without writing it anywhere. Fails if any manager did
/// not answer.
///
/// # Errors
/// Any [`DiscoverError`].
pub async fn fleet_from_endpoints(endpoints: &Path, concurrency: usize) -> Result<Fleet, DiscoverError> {
    let args = DiscoverArgs {
        endpoints: endpoints.to_path_buf(),
        out: None,
        concurrency,
        ca_cert: None,
        danger_accept_invalid_certs: false,
        allow_insecure_http: false,
        password_stdin: false,
        allow_partial: false,
        limits: NetLimits::default(),
    };
    let fleet = accept(discover_report(&args).await?, false)?.fleet;
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
