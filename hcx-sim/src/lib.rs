//! `hcx-sim`: a loopback simulator of the VMware HCX Manager "hybridity" REST API.
//!
//! It serves a fleet (`hcx-fleet/v1`, from [`hcx_core::fleet`]) as a set of HCX Managers, one 127.0.0.1 port
//! each, with the response envelopes recorded in the project's API reference, session tokens with a 15-minute
//! idle expiry, interconnect tasks and jobs that progress over (simulated) time, and per-endpoint fault injection.
//! Every call is counted so tests can prove that nothing was done twice.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};
//! let scenario = Scenario::load("hcx-sim/scenarios/avs-pair.json")?;
//! let clock = SimClock::manual();
//! let sim = Simulator::start(scenario, PortPlan::Ephemeral, clock.clone()).await?;
//! for m in sim.managers() {
//!     println!("{} {}", m.site, m.url);
//! }
//! clock.advance(std::time::Duration::from_secs(16 * 60)); // every session is now idle-expired
//! # Ok(()) }
//! ```
//!
//! Scope and honesty: where the reference marks a field or path UNKNOWN, the simulator leaves it out, refuses
//! the request, or offers a clearly named rehearsal path (the manager upgrade lives under
//! `/hcx-sim/rehearsal/manager-upgrade`, not under an HCX path). See `README.md` for the list.

pub mod clock;
pub mod fault;
mod handlers;
mod http;
mod lenient;
mod reads;
pub mod scenario;
mod server;
mod shapes;
mod state;
mod strict;
mod tls;

pub use clock::SimClock;
pub use fault::{Endpoint, FaultKind, FaultRule};
pub use scenario::{Scenario, ScenarioError};
pub use server::{ManagerInfo, PortPlan, SimError, Simulator};
