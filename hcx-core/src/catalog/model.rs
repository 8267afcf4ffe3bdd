//! The catalog's data types: every fact carries the sources it rests on and a confidence.

use std::collections::BTreeMap;

use semver::VersionReq;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::fleet::{MeshService, Platform};
use crate::names::string_enum;
use crate::version::HcxVersion;

string_enum! {
    /// How well a fact is established.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum Confidence: "confidence" {
        /// Stated by a primary source (VMware/Broadcom docs or KB, or Microsoft's AVS docs).
        Confirmed = "confirmed",
        /// Stated by another provider's official docs, training modules or docs-repository issues.
        Secondary = "secondary",
        /// Stated only by blogs or community notes; a lead to re-verify.
        ThirdParty = "third-party",
        /// Derived from other facts; no source states it.
        Inferred = "inferred",
    }
}

/// A document that facts are taken from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// A human title.
    pub title: String,
    /// Where to read it, when it has a public URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Which document (repository, path, commit) when there is no URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

/// The evidence behind one fact: source ids (keys of [`Catalog::sources`](super::Catalog)) and confidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Source ids.
    pub sources: Vec<String>,
    /// How well established the fact is.
    pub confidence: Confidence,
}

/// A free-text fact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// The fact.
    pub text: String,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
}

string_enum! {
    /// How precise a date is.
    pub enum DatePrecision: "date precision" {
        /// The exact day.
        Day = "day",
        /// Only the month is known (the day is the 1st).
        Month = "month",
    }
}

/// A release date with its evidence: either the date itself (`date`) or, when a source only shows that the
/// release existed by some day, that bound (`on_or_before`). Exactly one of the two is given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseDate {
    /// The release date (the 1st of the month when only the month is known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub date: Option<Date>,
    /// The release came out on or before this day; the source shows no more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub on_or_before: Option<Date>,
    /// How precise `date` is (day when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<DatePrecision>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ReleaseDate {
    /// The date as a reader should see it: `2024-03-26`, `2024-02` (month only) or `<=2024-10-31` (a bound).
    pub fn shown(&self) -> String {
        match (self.date, self.on_or_before) {
            (Some(d), _) if self.precision == Some(DatePrecision::Month) => {
                format!("{}-{:02}", d.year(), u8::from(d.month()))
            }
            (Some(d), _) => d.to_string(),
            (None, Some(b)) => format!("<={b}"),
            (None, None) => "unknown".to_owned(),
        }
    }
}

string_enum! {
    /// Which appliance a build number belongs to.
    pub enum BuildKind: "build kind" {
        /// The HCX Connector build.
        Connector = "connector",
        /// The HCX Cloud Manager build.
        Cloud = "cloud",
        /// The build Azure VMware Solution deploys (may carry a provider patch).
        Avs = "avs",
        /// The release's build as a bill of materials or download lists it, without naming the appliance.
        Release = "release",
    }
}

/// A build number with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Build {
    /// The build number.
    pub build: String,
    /// Which appliance it is for.
    pub kind: BuildKind,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
}

/// One HCX release. Unknown dates and builds are absent, never guessed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// The version.
    pub version: HcxVersion,
    /// Sources that show the release exists.
    pub sources: Vec<String>,
    /// Confidence that it exists.
    pub confidence: Confidence,
    /// The release date, when a source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released: Option<ReleaseDate>,
    /// Known builds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub builds: Vec<Build>,
    /// Upgrade-relevant notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// An end-of-support date for a range of releases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// The releases it applies to.
    #[schemars(with = "crate::schema::VersionRange")]
    pub applies_to: VersionReq,
    /// The day support ends (out of support from this day on).
    #[schemars(with = "crate::schema::IsoDate")]
    pub end_of_support: Date,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A version floor with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionFact {
    /// The version.
    pub version: HcxVersion,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A documented upgrade route: releases matching `from` reach releases matching `target`, through `via`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathRule {
    /// Stable id.
    pub id: String,
    /// The target releases.
    #[schemars(with = "crate::schema::VersionRange")]
    pub target: VersionReq,
    /// The source releases.
    #[schemars(with = "crate::schema::VersionRange")]
    pub from: VersionReq,
    /// Intermediate releases, in order (stepping stones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<HcxVersion>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When a source asks for a *full* upgrade at each stepping stone (managers, then every mesh appliance)
    /// before the next hop: what it says, with its sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_upgrade: Option<Note>,
    /// Mesh services a source says must be removed from the compute profile and mesh before this route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_first: Option<ServiceRemoval>,
}

/// Services to remove before an upgrade route, with the evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRemoval {
    /// The mesh services.
    pub services: Vec<MeshService>,
    /// Features that are not mesh services (named in the instructions only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
}

/// The releases a platform offers its provider-owned managers, as far as a source lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferedReleases {
    /// The releases.
    pub versions: Vec<HcxVersion>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

string_enum! {
    /// Whether two manager versions can be site-paired.
    pub enum PairingVerdict: "pairing verdict" {
        /// A source says they can.
        Compatible = "compatible",
        /// A source says they cannot.
        Incompatible = "incompatible",
        /// No source says either way.
        Unknown = "unknown",
    }
}

/// A site-pairing compatibility rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PairingRule {
    /// Stable id.
    pub id: String,
    /// Applies when both ends run the same version.
    #[serde(default)]
    pub same_version: bool,
    /// One end's versions (ignored when `same_version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::VersionRange>")]
    pub a: Option<VersionReq>,
    /// The other end's versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::VersionRange>")]
    pub b: Option<VersionReq>,
    /// The verdict.
    pub verdict: PairingVerdict,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

string_enum! {
    /// What kind of change a release brings.
    pub enum ChangeKind: "change kind" {
        /// The Photon OS appliance change (4.4.0).
        PhotonOs = "photon-os",
        /// Changed behaviour.
        Behaviour = "behaviour",
        /// A new capability.
        Feature = "feature",
        /// A deprecation.
        Deprecation = "deprecation",
    }
}

/// A change introduced by a release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Stable id.
    pub id: String,
    /// The first release with the change.
    pub at: HcxVersion,
    /// Its kind.
    pub kind: ChangeKind,
    /// What changes.
    pub summary: String,
    /// For a change that takes effect some days after the upgrade: how many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_days: Option<u32>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
}

string_enum! {
    /// How far a feature's retirement has gone.
    pub enum DeprecationStatus: "deprecation status" {
        /// Deprecated: still works.
        Deprecated = "deprecated",
        /// Its presence blocks an upgrade.
        BlocksUpgrade = "blocks-upgrade",
        /// No longer available.
        Unavailable = "unavailable",
        /// Removed from the product.
        Removed = "removed",
        /// Back in the product after a removal.
        Reintroduced = "reintroduced",
    }
}

/// A feature deprecation or removal. Sources that disagree are separate entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    /// The feature (`wan-optimization`, `disaster-recovery`, `v2t-migration`, `vcenter-plugin`, ...).
    pub feature: String,
    /// The mesh service, when the feature is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<MeshService>,
    /// How far it has gone.
    pub status: DeprecationStatus,
    /// The first release with this status.
    pub since: HcxVersion,
    /// The platform it is stated for, when platform-specific.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

string_enum! {
    /// When a known issue bites.
    pub enum IssueCondition: "issue condition" {
        /// On every installation of an affected release.
        Always = "always",
        /// Only with NE appliances in HA groups.
        NeHa = "ne-ha",
        /// Only with NE appliances.
        Ne = "ne",
        /// Only with NE appliances extending segments with Mobility Optimized Networking (MON).
        Mon = "mon",
        /// When upgrading *from* an affected release.
        UpgradeFrom = "upgrade-from",
    }
}

/// A known issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnownIssue {
    /// Stable id (KB or issue number).
    pub id: String,
    /// What goes wrong.
    pub title: String,
    /// Affected releases, when a source states them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::VersionRange>")]
    pub affects: Option<VersionReq>,
    /// The first fixed release, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_in: Option<HcxVersion>,
    /// The first day it holds, when it takes effect on a date rather than with a release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub since: Option<Date>,
    /// When it bites.
    pub condition: IssueCondition,
    /// Further symptoms its sources tie to the same fix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub symptoms: Vec<String>,
    /// What to do.
    pub advice: String,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
}

/// A security advisory and the first fixed release of each line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Advisory {
    /// The advisory id (VMSA-...).
    pub id: String,
    /// CVE ids.
    pub cves: Vec<String>,
    /// What it is about.
    pub summary: String,
    /// The affected ranges, when a source lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<crate::schema::VersionRange>")]
    pub affects: Vec<VersionReq>,
    /// The day it was published, when a source dates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub published: Option<Date>,
    /// The fixed release of each line.
    pub fixed_in: Vec<HcxVersion>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
}

/// Since when the provider upgrades the Cloud Manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderOwnership {
    /// The date from which it holds, when a source dates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub since: Option<Date>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A snapshot retention fact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotFact {
    /// Hours the snapshot is kept.
    pub hours: u32,
    /// The first day it holds, when a source dates it (plans dated earlier do not use it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub since: Option<Date>,
    /// The first target release for which it is taken, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_version: Option<HcxVersion>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A version a platform deployed to new clouds, as of a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployedVersion {
    /// The date of the document listing it.
    #[schemars(with = "crate::schema::IsoDate")]
    pub as_of: Date,
    /// The version.
    pub version: HcxVersion,
    /// The platform's build, when listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context (for example how the document names the version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The releases a download portal offered on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DownloadOffer {
    /// The portal (`broadcom`).
    pub portal: String,
    /// The day the offer was seen.
    #[schemars(with = "crate::schema::IsoDate")]
    pub as_of: Date,
    /// The releases offered, newest first as listed.
    pub versions: Vec<HcxVersion>,
    /// Source ids.
    pub sources: Vec<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// Context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What is known of a cloud platform's handling of HCX.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformProfile {
    /// The platform.
    pub platform: Platform,
    /// Whether (and since when) the provider upgrades the Cloud Manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_upgrades_cloud_manager: Option<ProviderOwnership>,
    /// The provider's configuration backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_backup: Option<Note>,
    /// The automatic snapshot taken during an upgrade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_snapshot: Option<SnapshotFact>,
    /// A snapshot the customer can take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual_snapshot: Option<SnapshotFact>,
    /// How a Cloud Manager revert is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_revert: Option<Note>,
    /// Where Connector bundles come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_bundles: Option<Note>,
    /// Versions deployed to new clouds over time; the newest is the validated one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deployed: Vec<DeployedVersion>,
    /// The releases the platform offers its provider-owned Cloud Managers, when a source lists them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered: Option<OfferedReleases>,
}

/// The catalog document (`hcx-catalog/v1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogData {
    /// Always `hcx-catalog/v1`.
    pub schema: String,
    /// The date the data was compiled.
    #[schemars(with = "crate::schema::IsoDate")]
    pub as_of: Date,
    /// Sources by id.
    pub sources: BTreeMap<String, Source>,
    /// Releases, oldest first.
    pub releases: Vec<Release>,
    /// End-of-support dates.
    #[serde(default)]
    pub lifecycle: Vec<Lifecycle>,
    /// The general lifecycle policy.
    pub lifecycle_policy: Note,
    /// Below this version, a manager cannot be upgraded and must be redeployed.
    pub redeploy_below: VersionFact,
    /// Documented upgrade routes.
    pub paths: Vec<PathRule>,
    /// Routes sources say are not allowed.
    #[serde(default)]
    pub forbidden_paths: Vec<PathRule>,
    /// Pairing rules.
    #[serde(default)]
    pub pairing: Vec<PairingRule>,
    /// What is said of the pairings no rule covers.
    pub pairing_unknown_note: Note,
    /// Changes by release.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Deprecations and removals.
    #[serde(default)]
    pub deprecations: Vec<Deprecation>,
    /// Known issues.
    #[serde(default)]
    pub known_issues: Vec<KnownIssue>,
    /// Security advisories.
    #[serde(default)]
    pub advisories: Vec<Advisory>,
    /// Platform facts.
    #[serde(default)]
    pub platforms: Vec<PlatformProfile>,
    /// Releases offered for download, as seen on a day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub downloads: Vec<DownloadOffer>,
}
