//! The UniFFI surface: `Catalog`, `Fleet` and `Plan` objects, free functions, records, enums and the typed
//! [`HcxError`]. Generate bindings from the built library with the workspace's `uniffi-bindgen`:
//!
//! ```text
//! cargo run -p uniffi-bindgen -- generate target/debug/libhcx_ffi.so --language kotlin --out-dir out
//! ```

mod types;

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use hcx_core::HcxVersion;

pub use self::types::*;
use crate::error::Error;
pub use crate::error::PathProblem;
use crate::ops::{self, CatalogRef};
pub use hcx_core::fleet::{
    Appliance, ApplianceKind, MaintenanceWindow, MeshService, Migration, NetworkExtension, Platform, PortBinding,
    Problem as FleetProblem, Replication, ServiceMesh, Site, SitePair, SiteRole, TransferState,
};
pub use hcx_core::plan::{
    Action, Check, Estimate, Finding, Impact, InputOptions, NeUpgradeMode, Owner, Phase, PlanInputs, Rollback,
    Schedule, Severity, Slot, SnapshotMethod, StateView, Step, StepAction, StepKind, Summary as PlanSummary, Unfitted,
    rules::RuleId,
};

/// The error of every fallible call; each variant carries a human-readable `reason`.
///
/// Kotlin names it `HcxException`; Swift and Python keep `HcxError`. Python has one subclass per variant
/// (`HcxError.InvalidVersion`, ...).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum HcxError {
    /// An argument is out of its domain (a target keyword, a date, ...).
    #[error("{reason}")]
    InvalidArgument {
        /// What is wrong.
        reason: String,
    },
    /// A version string is not an HCX version.
    #[error("{reason}")]
    InvalidVersion {
        /// What is wrong, quoting the input.
        reason: String,
    },
    /// A fleet document is malformed or inconsistent.
    #[error("{reason}")]
    InvalidFleet {
        /// Every problem, in one text.
        reason: String,
        /// Every problem, with its JSON path.
        problems: Vec<FleetProblem>,
    },
    /// A catalog document is malformed or inconsistent.
    #[error("{reason}")]
    InvalidCatalog {
        /// What is wrong.
        reason: String,
    },
    /// A file cannot be read.
    #[error("{reason}")]
    Io {
        /// The file and the system's message.
        reason: String,
    },
    /// There is no upgrade path between two releases.
    #[error("{reason}")]
    NoUpgradePath {
        /// Why, as a value.
        problem: PathProblem,
        /// Why, in words.
        reason: String,
    },
    /// The plan cannot be made (an unknown target, an unknown acknowledged rule, an empty fleet, ...).
    #[error("{reason}")]
    PlanFailed {
        /// What is wrong.
        reason: String,
    },
}

impl From<Error> for HcxError {
    fn from(e: Error) -> Self {
        let reason = e.to_string();
        match e {
            Error::Version(_) => HcxError::InvalidVersion { reason },
            Error::Fleet(f) => HcxError::InvalidFleet { reason, problems: f.problems().to_vec() },
            Error::Catalog(hcx_core::catalog::CatalogError::Unreadable { .. }) | Error::Io { .. } => {
                HcxError::Io { reason }
            }
            Error::Catalog(_) => HcxError::InvalidCatalog { reason },
            Error::Path(p) => HcxError::NoUpgradePath { problem: crate::error::path_problem(&p), reason },
            Error::Plan(_) | Error::Render(_) => HcxError::PlanFailed { reason },
            Error::Null(_) | Error::Utf8 { .. } | Error::Argument(_) | Error::Index { .. } | Error::InteriorNul(_) => {
                HcxError::InvalidArgument { reason }
            }
        }
    }
}

fn version(text: &str) -> Result<HcxVersion, HcxError> {
    text.parse::<HcxVersion>().map_err(|e| Error::from(e).into())
}

/// Parses an HCX version (`4.10.3`, `4.10.3.0`, `4.9.0.0-23529166`, `9.1.1.0`).
///
/// # Errors
/// [`HcxError::InvalidVersion`].
#[uniffi::export]
pub fn parse_version(text: String) -> Result<Version, HcxError> {
    Ok(Version::from(&version(&text)?))
}

/// Compares two versions numerically; the build is ignored.
///
/// # Errors
/// [`HcxError::InvalidVersion`].
#[uniffi::export]
pub fn compare_versions(a: String, b: String) -> Result<VersionOrder, HcxError> {
    Ok(match version(&a)?.cmp(&version(&b)?) {
        Ordering::Less => VersionOrder::Less,
        Ordering::Equal => VersionOrder::Equal,
        Ordering::Greater => VersionOrder::Greater,
    })
}

/// This library's version.
#[uniffi::export]
pub fn library_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The interoperability catalog.
#[derive(Debug, uniffi::Object)]
pub struct Catalog {
    inner: CatalogRef,
}

#[uniffi::export]
impl Catalog {
    /// The catalog bundled with the library (works offline).
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self { inner: Cow::Borrowed(hcx_core::Catalog::bundled()) })
    }

    /// Parses and checks a catalog document (`hcx-catalog/v1` JSON).
    ///
    /// # Errors
    /// [`HcxError::InvalidCatalog`].
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, HcxError> {
        let catalog = hcx_core::Catalog::from_json(&json).map_err(Error::from)?;
        Ok(Arc::new(Self { inner: Cow::Owned(catalog) }))
    }

    /// Reads and checks a catalog file.
    ///
    /// # Errors
    /// [`HcxError::Io`] or [`HcxError::InvalidCatalog`].
    #[uniffi::constructor]
    pub fn from_file(path: String) -> Result<Arc<Self>, HcxError> {
        Ok(Arc::new(Self { inner: Cow::Owned(ops::load_catalog(&path)?) }))
    }

    /// The date the data was compiled, `YYYY-MM-DD`.
    pub fn as_of(&self) -> String {
        self.inner.as_of().to_string()
    }

    /// Every release, oldest first.
    pub fn releases(&self) -> Vec<String> {
        self.inner.releases().iter().map(|r| r.version.to_string()).collect()
    }

    /// Whether the catalog knows a release.
    ///
    /// # Errors
    /// [`HcxError::InvalidVersion`].
    pub fn is_known(&self, version: String) -> Result<bool, HcxError> {
        Ok(self.inner.is_known(&self::version(&version)?))
    }

    /// The shortest documented upgrade path between two releases.
    ///
    /// # Errors
    /// [`HcxError::InvalidVersion`], or [`HcxError::NoUpgradePath`] with the [`PathProblem`].
    pub fn upgrade_path(&self, from: String, to: String) -> Result<UpgradePath, HcxError> {
        let path = self.inner.path(&version(&from)?, &version(&to)?).map_err(Error::from)?;
        Ok(UpgradePath::from(&path))
    }

    /// The full catalog document as pretty JSON (`hcx-catalog/v1`); loading it back gives an equal catalog.
    ///
    /// # Errors
    /// [`HcxError::InvalidCatalog`] if the data cannot be written (never for a loaded catalog).
    pub fn to_json(&self) -> Result<String, HcxError> {
        Ok(self.inner.export().map_err(Error::from)?)
    }
}

/// A fleet: sites, pairs, meshes, appliances, extensions, transfers and windows.
#[derive(Debug, uniffi::Object)]
pub struct Fleet {
    inner: hcx_core::fleet::Fleet,
}

#[uniffi::export]
impl Fleet {
    /// An empty fleet.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self { inner: hcx_core::fleet::Fleet::new() })
    }

    /// Parses and validates a fleet document (`hcx-fleet/v1` JSON).
    ///
    /// # Errors
    /// [`HcxError::InvalidFleet`] with every problem and its JSON path.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, HcxError> {
        let inner = hcx_core::fleet::Fleet::from_json(&json).map_err(Error::from)?;
        Ok(Arc::new(Self { inner }))
    }

    /// Reads and validates a fleet file.
    ///
    /// # Errors
    /// [`HcxError::Io`] or [`HcxError::InvalidFleet`].
    #[uniffi::constructor]
    pub fn from_file(path: String) -> Result<Arc<Self>, HcxError> {
        Ok(Arc::new(Self { inner: ops::load_fleet(&path)? }))
    }

    /// The bundled sample fleet: an on-premises Connector paired with an Azure VMware Solution Cloud Manager.
    #[uniffi::constructor]
    pub fn sample() -> Arc<Self> {
        // The sample is a compile-time constant checked by hcx-core's tests; fall back to empty, never panic.
        let inner = hcx_core::fleet::Fleet::from_json(hcx_core::plan::SAMPLE_FLEET).unwrap_or_default();
        Arc::new(Self { inner })
    }

    /// The sites.
    pub fn sites(&self) -> Vec<Site> {
        self.inner.sites.clone()
    }

    /// The whole fleet as one record (`FleetRecord`): every field of the `hcx-fleet/v1` document.
    pub fn record(&self) -> hcx_core::fleet::Fleet {
        self.inner.clone()
    }

    /// The fleet as pretty `hcx-fleet/v1` JSON.
    pub fn to_json(&self) -> String {
        self.inner.to_json_pretty()
    }
}

/// An upgrade plan.
#[derive(Debug, uniffi::Object)]
pub struct Plan {
    inner: hcx_core::plan::Plan,
}

fn core_options(
    options: &PlanOptions,
    fleet: &Fleet,
    catalog: &Catalog,
) -> Result<hcx_core::plan::PlanOptions, HcxError> {
    let target = match &options.target {
        Some(t) => ops::parse_target(t)?,
        None => hcx_core::plan::TargetSpec::default_for(&fleet.inner, &catalog.inner),
    };
    let mut o = hcx_core::plan::PlanOptions::new(target, ops::parse_date(options.date.as_deref())?);
    o.acknowledge.clone_from(&options.acknowledge);
    o.ne_in_service = options.ne_in_service;
    Ok(o)
}

#[uniffi::export]
impl Plan {
    /// Makes the plan for a fleet. Problems of the fleet are findings of the plan, not errors.
    ///
    /// # Errors
    /// [`HcxError::InvalidArgument`] for a bad target or date, [`HcxError::PlanFailed`] when no plan can be
    /// made.
    #[uniffi::constructor]
    pub fn new(fleet: Arc<Fleet>, catalog: Arc<Catalog>, options: PlanOptions) -> Result<Arc<Self>, HcxError> {
        let options = core_options(&options, &fleet, &catalog)?;
        let inner = hcx_core::plan::plan(&fleet.inner, &catalog.inner, &options).map_err(Error::from)?;
        Ok(Arc::new(Self { inner }))
    }

    /// The target release.
    pub fn target(&self) -> String {
        self.inner.target.to_string()
    }

    /// How the target was chosen.
    pub fn target_reason(&self) -> String {
        self.inner.target_reason.clone()
    }

    /// Headline counts.
    pub fn summary(&self) -> PlanSummary {
        self.inner.summary.clone()
    }

    /// Findings, blockers first.
    pub fn findings(&self) -> Vec<Finding> {
        self.inner.findings.clone()
    }

    /// Steps in execution order, each with its typed action.
    pub fn steps(&self) -> Vec<Step> {
        self.inner.steps.clone()
    }

    /// The maintenance-window schedule, when the fleet has windows.
    pub fn schedule(&self) -> Option<Schedule> {
        self.inner.schedule.clone()
    }

    /// The whole plan as one record (`PlanRecord`): every field of the `hcx-plan/v2` document.
    pub fn record(&self) -> hcx_core::plan::Plan {
        self.inner.clone()
    }

    /// Whether any unacknowledged blocker remains.
    pub fn has_blockers(&self) -> bool {
        self.inner.has_blockers()
    }

    /// The plan as pretty `hcx-plan/v2` JSON.
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The plan as Markdown.
    pub fn to_markdown(&self) -> String {
        self.inner.to_markdown()
    }

    /// The plan as plain text.
    pub fn to_text(&self) -> String {
        self.inner.to_text()
    }

    /// `sha256:` and the SHA-256 of the plan's canonical JSON, the same from every front end.
    pub fn digest(&self) -> String {
        self.inner.digest.clone()
    }

    /// The findings alone as text.
    pub fn findings_to_text(&self) -> String {
        self.inner.findings_to_text()
    }

    /// The findings alone as Markdown.
    pub fn findings_to_markdown(&self) -> String {
        self.inner.findings_to_markdown()
    }

    /// The findings alone as JSON.
    pub fn findings_to_json(&self) -> String {
        self.inner.findings_to_json()
    }
}

/// Runs every rule and returns the findings alone (blockers first).
///
/// # Errors
/// As [`Plan::new`].
#[uniffi::export]
pub fn check(fleet: Arc<Fleet>, catalog: Arc<Catalog>, options: PlanOptions) -> Result<Vec<Finding>, HcxError> {
    let options = core_options(&options, &fleet, &catalog)?;
    let findings = hcx_core::plan::check(&fleet.inner, &catalog.inner, &options).map_err(Error::from)?;
    Ok(findings)
}
