//! placeholder
#![allow(missing_docs)]
pub mod version;
pub mod fleet;
mod names;
pub use names::UnknownName;
pub use version::{HcxVersion, VersionError};
