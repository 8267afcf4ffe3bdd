//! Checks and the planner: from a fleet, a catalog and a target, the findings of every named rule and an
//! ordered, explained plan.
//!
//! ```
//! use hcx_core::plan::{plan, PlanOptions, TargetSpec};
//! use hcx_core::{fleet::Fleet, Catalog};
//!
//! let fleet = Fleet::from_json(hcx_core::plan::SAMPLE_FLEET)?;
//! let options = PlanOptions::new(TargetSpec::Validated, time::macros::date!(2026 - 11 - 28));
//! let p = plan(&fleet, Catalog::bundled(), &options)?;
//! assert_eq!(p.target.to_string(), "4.11.4");
//! println!("{}", p.to_text());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod action;
mod canon;
pub mod diff;
mod digest;
mod engine;
mod findings_report;
mod id_map;
mod model;
mod render;
mod report;
pub mod rules;
mod schedule;
mod state;

pub use action::{Action, CONVERGENCE_DEADLINE_MINUTES, Check, ReplayError, SnapshotMethod, StepAction};
pub use digest::{DIGEST_PREFIX, DigestError, canonical_json, catalog_digest, digest_of, fleet_digest, sha256};
pub use id_map::IdMap;
pub use model::*;
pub use report::{RenderError, markdown_escape, terminal_text};
pub use state::{FleetState, Mismatch, StateView, Subject};

use crate::catalog::Catalog;
use crate::fleet::Fleet;
use crate::version::HcxVersion;

/// The bundled sample fleet: an on-premises Connector paired with an Azure VMware Solution Cloud Manager.
pub const SAMPLE_FLEET: &str = include_str!("../../data/sample-fleet.json");

/// Input that cannot be planned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The explicit target is not a release the catalog knows.
    #[error(
        "target {version} is not a release known to the catalog (as of {as_of}); pick one of the catalog's releases"
    )]
    UnknownTarget {
        /// The target.
        version: HcxVersion,
        /// The catalog date.
        as_of: time::Date,
    },
    /// `validated` was asked, but no site's platform lists a validated release.
    #[error("no validated release for this fleet: none of its platforms ({platforms}) lists one in the catalog")]
    NoValidatedRelease {
        /// The fleet's platforms.
        platforms: String,
    },
    /// Two platforms validate different releases.
    #[error("the fleet's platforms validate different releases ({found}); give an explicit target release")]
    ConflictingValidated {
        /// What each platform validates.
        found: String,
    },
    /// `latest` was asked, but no release is reachable from every manager.
    #[error("no release is reachable from every manager of the fleet; give an explicit target release")]
    NothingReachable,
    /// An acknowledged id is not a rule.
    #[error("cannot acknowledge {id:?}: no such rule (known rules: {})", rules::known_ids())]
    UnknownRule {
        /// The id given.
        id: String,
    },
    /// The fleet has no sites.
    #[error("the fleet has no sites to plan for")]
    EmptyFleet,
    /// The plan's digest cannot be computed.
    #[error(transparent)]
    Digest(#[from] DigestError),
    /// A maintenance window that cannot be used (a fleet built in memory skips the document's checks).
    #[error("maintenance window {number} cannot be used: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Window {
        /// The window's position in the fleet's `windows`, from 1.
        number: usize,
        /// What is wrong with it.
        problems: Vec<crate::fleet::WindowProblem>,
    },
    /// A maintenance window ends before the plan date.
    #[error(
        "maintenance window {number} ({start} .. {end}) ends before the plan date {date}: remove it or give a later window"
    )]
    WindowEnded {
        /// The window's position in the fleet's `windows`, from 1.
        number: usize,
        /// Its start (RFC 3339).
        start: String,
        /// Its end (RFC 3339).
        end: String,
        /// The plan date.
        date: time::Date,
    },
}

/// Makes the plan for a fleet.
///
/// # Errors
/// [`PlanError`] for input that cannot be planned (an unknown target, an unknown acknowledged rule, ...).
/// Problems of the fleet itself (unsupported paths, migrations in flight, ...) are findings, not errors.
pub fn plan(fleet: &Fleet, catalog: &Catalog, options: &PlanOptions) -> Result<Plan, PlanError> {
    let mut p = engine::plan(fleet, catalog, options)?;
    action::annotate(&mut p, fleet);
    p.digest = p.compute_digest()?;
    Ok(p)
}

/// Runs every rule and returns the findings alone (blockers first).
///
/// # Errors
/// As [`plan`].
pub fn check(fleet: &Fleet, catalog: &Catalog, options: &PlanOptions) -> Result<Vec<Finding>, PlanError> {
    engine::plan(fleet, catalog, options).map(|p| p.findings)
}
