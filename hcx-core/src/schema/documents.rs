//! The documents the commands write as one JSON value, each with its tag.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{Document, IsoDate};
use crate::catalog::{CatalogData, DiffEntry, Lifecycle, Release, ReleaseFacts, Source, SupportState, UpgradePath};
use crate::plan::Finding;
use crate::plan::diff::PlanDiff;
use crate::plan::rules::Rule;

/// `hcx check --format json`: a plan's target and date with its findings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingsDocument<'a> {
    /// The plan date.
    #[schemars(with = "IsoDate")]
    pub date: String,
    /// The findings, most severe first.
    pub findings: &'a [Finding],
    /// The plan's target release.
    pub target: String,
}

impl Document for FindingsDocument<'_> {
    const TAG: &'static str = "hcx-findings/v1";
}

impl Document for UpgradePath {
    const TAG: &'static str = "hcx-path/v1";
}

/// `hcx explain --format json`: the rules asked about.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RulesDocument {
    /// Each rule with its metadata.
    pub rules: Vec<Rule>,
}

impl Document for RulesDocument {
    const TAG: &'static str = "hcx-rules/v1";
}

impl Document for PlanDiff {
    const TAG: &'static str = "hcx-plan-diff/v1";
}

impl Document for CatalogData {
    const TAG: &'static str = crate::catalog::CATALOG_SCHEMA;
}

impl Document for ReleaseFacts<'_> {
    const TAG: &'static str = "hcx-catalog-release/v1";
}

/// One release with its support status, in `hcx catalog releases --format json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReleaseStatus<'a> {
    /// The release.
    pub version: crate::version::HcxVersion,
    /// Its support status on the date asked.
    pub support: SupportState,
    /// The end-of-support facts behind the status.
    pub end_of_support: Vec<&'a Lifecycle>,
    /// The catalog's entry.
    pub release: &'a Release,
}

/// `hcx catalog releases --format json`: every release with its support status on a date.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReleasesDocument<'a> {
    /// Where the catalog came from (`bundled`, a file or a URL).
    pub catalog: String,
    /// The date the catalog was compiled.
    #[schemars(with = "IsoDate")]
    pub as_of: String,
    /// The catalog's digest.
    pub digest: String,
    /// The date the support status is for.
    #[schemars(with = "IsoDate")]
    pub date: String,
    /// The releases, oldest first.
    pub releases: Vec<ReleaseStatus<'a>>,
    /// The sources cited, by id.
    pub sources: &'a BTreeMap<String, Source>,
}

impl Document for ReleasesDocument<'_> {
    const TAG: &'static str = "hcx-catalog-releases/v1";
}

/// `hcx catalog validate --format json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ValidationDocument {
    /// The file checked.
    pub file: String,
    /// Whether it is a valid catalog.
    pub valid: bool,
    /// What is wrong, one entry per problem.
    pub problems: Vec<String>,
    /// The catalog's date, when it is valid.
    #[schemars(with = "Option<IsoDate>")]
    pub as_of: Option<String>,
    /// The catalog's digest, when it is valid.
    pub digest: Option<String>,
}

impl Document for ValidationDocument {
    const TAG: &'static str = "hcx-catalog-validation/v1";
}

/// One side of a catalog comparison.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CatalogRef {
    /// The file.
    pub file: String,
    /// The catalog's date.
    #[schemars(with = "IsoDate")]
    pub as_of: String,
    /// The catalog's digest.
    pub digest: String,
}

/// `hcx catalog diff --format json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CatalogDiffDocument {
    /// The older catalog.
    pub old: CatalogRef,
    /// The newer catalog.
    pub new: CatalogRef,
    /// Every entry added, removed or changed.
    pub changes: Vec<DiffEntry>,
}

impl Document for CatalogDiffDocument {
    const TAG: &'static str = "hcx-catalog-diff/v1";
}
