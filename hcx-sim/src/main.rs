//! `hcx-sim` binary: serve a scenario on loopback ports until interrupted.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};

/// Simulate HCX Managers on 127.0.0.1 from a scenario file.
#[derive(Debug, Parser)]
#[command(name = "hcx-sim", version, about)]
struct Args {
    /// Scenario file (`hcx-sim/v1` JSON).
    #[arg(long, value_name = "FILE", conflicts_with = "generate")]
    scenario: Option<PathBuf>,
    /// Instead of a file, generate N Connector/Cloud pairs (2*N managers; `--generate 100` serves 200).
    #[arg(long, value_name = "N")]
    generate: Option<usize>,
    /// Latency every manager adds to each request, in milliseconds (overrides the scenario's
    /// `defaults.latency_ms` and per-manager `latency_ms`).
    #[arg(long, value_name = "MS")]
    latency_ms: Option<u64>,
    /// First port; 0 gives every manager an ephemeral port, N gives ports N, N+1, … in site order.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Write an `hcx-endpoints/v1` file for `hcx discover` once every port is bound.
    #[arg(long, value_name = "FILE")]
    write_endpoints: Option<PathBuf>,
    /// Simulated time runs this many times faster than the wall clock (overrides the scenario's `time_scale`).
    #[arg(long)]
    time_scale: Option<f64>,
    /// Serve https (a certificate for 127.0.0.1 and localhost, signed by a CA made at start-up).
    #[arg(long)]
    tls: bool,
    /// With --tls, write the CA's PEM here so clients can verify the managers.
    #[arg(long, value_name = "FILE", requires = "tls")]
    write_ca: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hcx-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hcx-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut scenario = match (&args.scenario, args.generate) {
        (Some(path), _) => Scenario::load(path)?,
        (None, Some(n)) => Scenario::generate(n),
        (None, None) => return Err("either --scenario FILE or --generate N is required".into()),
    };
    if let Some(ms) = args.latency_ms {
        scenario.defaults.latency_ms = ms;
        for m in scenario.managers.values_mut() {
            m.latency_ms = None;
        }
    }
    let scale = args.time_scale.unwrap_or(scenario.timing.time_scale);
    let ports = if args.port == 0 { PortPlan::Ephemeral } else { PortPlan::From(args.port) };
    let sim = if args.tls {
        Simulator::start_tls(scenario, ports, SimClock::real(scale)).await?
    } else {
        Simulator::start(scenario, ports, SimClock::real(scale)).await?
    };
    if let (Some(path), Some(pem)) = (&args.write_ca, sim.ca_pem()) {
        std::fs::write(path, pem).map_err(|e| format!("cannot write the CA to {}: {e}", path.display()))?;
        println!("hcx-sim: wrote the CA to {}", path.display());
    }
    for m in sim.managers() {
        println!("hcx-sim: {} ({}, {}) listening on {}", m.site, m.role, m.platform, m.url);
    }
    if let Some(path) = &args.write_endpoints {
        sim.write_endpoints(path)?;
        println!("hcx-sim: wrote endpoints to {}", path.display());
    }
    println!("hcx-sim: ready ({} managers); Ctrl-C to stop", sim.managers().len());
    tokio::signal::ctrl_c().await?;
    drop(sim);
    Ok(())
}
