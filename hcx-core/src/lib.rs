//! `hcx-core`: the model, interoperability catalog, upgrade rules and planner behind `hcx`, a toolkit to plan,
//! check and carry out VMware HCX upgrades.
//!
//! ```
//! use hcx_core::{Catalog, HcxVersion};
//!
//! // The bundled catalog works offline; every fact in it carries its sources and confidence.
//! let catalog = Catalog::bundled();
//! let path = catalog.path(&"4.3.3".parse()?, &"4.10.3".parse()?)?;
//! for hop in &path.hops {
//!     println!("{} -> {} (rule {}, {})", hop.from, hop.to, hop.rule, hop.confidence);
//! }
//! assert_eq!(path.hops.len(), 3); // through the 4.8.3 and 4.9.2 stepping stones
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Scope
//! - [`version`]: [`HcxVersion`], parsing every form HCX prints (`4.10.3`, `4.9.0.0-23529166`, `9.1.1.0`).
//! - [`fleet`]: the `hcx-fleet/v1` inventory of sites, pairs, meshes, appliances, extensions and transfers.
//! - [`catalog`]: releases, upgrade paths, pairing rules, changes, known issues, advisories and platform facts.
//! - [`plan`]: the named rules, [`plan::check`] and [`plan::plan`]: an ordered, explained upgrade plan.
//!
//! # Features
//! - `remote-catalog`: [`Catalog::fetch`] a catalog from an https URL.
//! - `client`: the HCX Manager REST client and fleet discovery.

pub mod catalog;
pub mod date;
pub mod fleet;
pub mod input;
mod names;
pub mod panic;
pub mod plan;
pub mod quote;
pub mod schema;
pub mod version;

#[cfg(feature = "client")]
pub mod client;

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("hcx_core");
#[cfg(feature = "uniffi")]
mod uniffi_types;

pub use catalog::Catalog;
pub use names::UnknownName;
pub use version::{HcxVersion, VersionError};
