//! A rehearsal on loopback: start the HCX Manager simulator, discover the fleet from it, and plan.
//!
//! `cargo run -p hcx-examples --example rehearse`

use std::sync::Arc;

use hcx_core::Catalog;
use hcx_core::client::ClientConfig;
use hcx_core::client::discover::{DiscoveryEvent, DiscoveryOptions, EndpointsFile, Target, discover_fleet};
use hcx_core::plan::{PlanOptions, TargetSpec, plan};
use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};

const SCENARIO: &str = include_str!("../../hcx-sim/scenarios/avs-pair.json");

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start(Scenario::from_json(SCENARIO)?, PortPlan::Ephemeral, SimClock::real(1.0)).await?;
    let endpoints = EndpointsFile::from_json(&sim.endpoints_json())?;
    // Real credentials come from a vault or the environment; the simulator's are in its scenario.
    let targets: Vec<Target> =
        endpoints.endpoints.into_iter().map(|endpoint| Target::new(endpoint, "hcx-sim-password")).collect();
    let options = DiscoveryOptions::new(ClientConfig::default()).with_events(Arc::new(|e: &DiscoveryEvent| {
        if let DiscoveryEvent::Answered { site, version } = e {
            eprintln!("discover: {site} answered: HCX {version}");
        }
    }));
    let found = discover_fleet(targets, &options).await?;
    for w in &found.warnings {
        eprintln!("warning: {w}");
    }
    let plan = plan(
        &found.fleet,
        Catalog::bundled(),
        &PlanOptions::new(TargetSpec::Validated, time::macros::date!(2026 - 11 - 28)),
    )?;
    print!("{}", plan.to_text());
    Ok(())
}
