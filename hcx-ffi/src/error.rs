//! The one internal error of this crate: every `hcx-core` error is mapped here, once, to a C status
//! ([`Error::status`]) and to the UniFFI error ([`crate::bindings::HcxError`]).

use hcx_core::VersionError;
use hcx_core::catalog::{CatalogError, PathError};
use hcx_core::fleet::FleetError;
use hcx_core::plan::{PlanError, RenderError};

use crate::capi::hcx_status;

/// Why an operation failed, before it is shown to C or to a UniFFI language.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument is NULL (C only).
    #[error("argument `{0}` is NULL")]
    Null(&'static str),
    /// A C string argument is not UTF-8.
    #[error("argument `{name}` is not valid UTF-8 (invalid byte at offset {offset})")]
    Utf8 {
        /// The argument.
        name: &'static str,
        /// The offset of the first invalid byte.
        offset: usize,
    },
    /// An argument is out of its domain (a target, a date, ...).
    #[error("{0}")]
    Argument(String),
    /// An index is past the end of a list.
    #[error("index {index} is out of range (the list has {len} entries)")]
    Index {
        /// The index given.
        index: usize,
        /// The list's length.
        len: usize,
    },
    /// A version string.
    #[error(transparent)]
    Version(#[from] VersionError),
    /// A fleet document.
    #[error(transparent)]
    Fleet(#[from] FleetError),
    /// A catalog document or file.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A file that cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// No upgrade path.
    #[error(transparent)]
    Path(#[from] PathError),
    /// A plan that cannot be made.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A plan that cannot be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A text result contains a NUL byte and cannot be a C string.
    #[error(
        "the result contains a NUL byte at offset {0} (it came from the input); use the JSON form, which escapes it"
    )]
    InteriorNul(usize),
}

impl Error {
    /// The C status for this error.
    pub fn status(&self) -> hcx_status {
        match self {
            Error::Null(_) => hcx_status::HCX_NULL_PARAMETER,
            Error::Utf8 { .. } => hcx_status::HCX_INVALID_UTF8,
            Error::Argument(_) => hcx_status::HCX_INVALID_ARGUMENT,
            Error::Index { .. } => hcx_status::HCX_INDEX_OUT_OF_RANGE,
            Error::Version(_) => hcx_status::HCX_INVALID_VERSION,
            Error::Fleet(_) => hcx_status::HCX_INVALID_FLEET,
            Error::Catalog(CatalogError::Unreadable { .. }) | Error::Io { .. } => hcx_status::HCX_IO_ERROR,
            Error::Catalog(_) => hcx_status::HCX_INVALID_CATALOG,
            Error::Path(e) => match path_problem(e) {
                PathProblem::Downgrade => hcx_status::HCX_DOWNGRADE,
                PathProblem::RedeployRequired => hcx_status::HCX_REDEPLOY_REQUIRED,
                PathProblem::UnknownRelease => hcx_status::HCX_UNKNOWN_RELEASE,
                PathProblem::Forbidden => hcx_status::HCX_FORBIDDEN_PATH,
                PathProblem::NotDocumented => hcx_status::HCX_NO_UPGRADE_PATH,
            },
            Error::Plan(e) => match e {
                PlanError::UnknownTarget { .. } => hcx_status::HCX_UNKNOWN_TARGET,
                PlanError::NoValidatedRelease { .. } => hcx_status::HCX_NO_VALIDATED_RELEASE,
                PlanError::ConflictingValidated { .. } => hcx_status::HCX_CONFLICTING_VALIDATED,
                PlanError::NothingReachable => hcx_status::HCX_NOTHING_REACHABLE,
                PlanError::UnknownRule { .. } => hcx_status::HCX_UNKNOWN_RULE,
                PlanError::EmptyFleet => hcx_status::HCX_EMPTY_FLEET,
                _ => hcx_status::HCX_PLAN_FAILED,
            },
            Error::Render(_) => hcx_status::HCX_PLAN_FAILED,
            Error::InteriorNul(_) => hcx_status::HCX_OUTPUT_CONTAINS_NUL,
        }
    }
}

/// Why there is no upgrade path, in the bindings' terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PathProblem {
    /// The target is older than the source.
    Downgrade,
    /// The source is below the oldest upgradable release: redeploy the manager.
    RedeployRequired,
    /// The catalog does not know one of the releases.
    UnknownRelease,
    /// A source forbids this route (for example a back-in-time upgrade).
    Forbidden,
    /// No chain of documented rules connects the two releases.
    NotDocumented,
}

/// The problem behind a path error; errors added to `hcx-core` later count as "not documented".
pub(crate) fn path_problem(e: &PathError) -> PathProblem {
    match e {
        PathError::Downgrade { .. } => PathProblem::Downgrade,
        PathError::RedeployRequired { .. } => PathProblem::RedeployRequired,
        PathError::UnknownRelease { .. } => PathProblem::UnknownRelease,
        PathError::Forbidden { .. } => PathProblem::Forbidden,
        _ => PathProblem::NotDocumented,
    }
}
