//! The few records of the UniFFI surface that are not core model types. The fleet, plan, finding and step
//! action records and enums come from `hcx-core` itself (its `uniffi` feature derives them), so a field added
//! there is exported here with no edit; `tests/uniffi/test_bindings.py` checks every JSON field is reachable.

use hcx_core::HcxVersion;
use hcx_core::catalog::{self as core_catalog, Confidence};

/// How two versions compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum VersionOrder {
    /// The first is older.
    Less,
    /// The same release (builds are ignored).
    Equal,
    /// The first is newer.
    Greater,
}

/// A parsed HCX version, in parts.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Version {
    /// The major number.
    pub major: u32,
    /// The minor number.
    pub minor: u32,
    /// The patch number.
    pub patch: u32,
    /// The fourth part; 0 when HCX printed three.
    pub revision: u32,
    /// The build number, when one was given.
    pub build: Option<String>,
    /// The canonical text (`4.10.3`, `9.1.1.0`, `4.9.0-23529166`).
    pub canonical: String,
}

impl From<&HcxVersion> for Version {
    fn from(v: &HcxVersion) -> Self {
        Self {
            major: v.major(),
            minor: v.minor(),
            patch: v.patch(),
            revision: v.revision(),
            build: v.build().map(str::to_owned),
            canonical: v.to_string(),
        }
    }
}

/// One upgrade of a manager and the rule that allows it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Hop {
    /// The release upgraded from.
    pub from_version: String,
    /// The release upgraded to.
    pub to_version: String,
    /// The path rule's id.
    pub rule: String,
    /// The rule's source ids.
    pub sources: Vec<String>,
    /// The rule's confidence.
    pub confidence: Confidence,
    /// The rule's note.
    pub note: Option<String>,
}

/// A documented upgrade path: zero or more hops.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UpgradePath {
    /// Where it starts.
    pub from_version: String,
    /// Where it ends.
    pub to_version: String,
    /// The hops in order; empty when both ends are the same release.
    pub hops: Vec<Hop>,
    /// The releases visited between `from` and `to`.
    pub stepping_stones: Vec<String>,
}

impl From<&core_catalog::UpgradePath> for UpgradePath {
    fn from(p: &core_catalog::UpgradePath) -> Self {
        Self {
            from_version: p.from.to_string(),
            to_version: p.to.to_string(),
            hops: p
                .hops
                .iter()
                .map(|h| Hop {
                    from_version: h.from.to_string(),
                    to_version: h.to.to_string(),
                    rule: h.rule.clone(),
                    sources: h.sources.clone(),
                    confidence: h.confidence,
                    note: h.note.clone(),
                })
                .collect(),
            stepping_stones: p.stepping_stones().iter().map(ToString::to_string).collect(),
        }
    }
}

/// What to plan for.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PlanOptions {
    /// `latest`, `validated` or a version such as `4.11.4`; `None` means hcx-core's default for the fleet
    /// (`validated` where a platform of the fleet lists one, else `latest`).
    #[uniffi(default = None)]
    pub target: Option<String>,
    /// The plan date, `YYYY-MM-DD`; `None` means today (UTC).
    #[uniffi(default = None)]
    pub date: Option<String>,
    /// Rule ids acknowledged by the operator.
    #[uniffi(default)]
    pub acknowledge: Vec<String>,
    /// Prefer the In-Service NE upgrade where it is allowed.
    #[uniffi(default = false)]
    pub ne_in_service: bool,
}
