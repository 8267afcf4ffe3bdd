//! Questions the planner asks of the catalog.

use serde::Serialize;
use time::Date;

use super::{
    Advisory, Catalog, Change, ChangeKind, Confidence, DeployedVersion, Deprecation, DeprecationStatus, KnownIssue,
    Lifecycle, PairingRule, PairingVerdict, PlatformProfile, Release,
};
use crate::fleet::Platform;
use crate::version::HcxVersion;

/// Whether a release is supported on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SupportState {
    /// Every source dates its end of support after the date.
    Supported,
    /// Every source dates its end of support on or before the date.
    OutOfSupport,
    /// Sources disagree on whether support has ended.
    Disputed,
    /// No source gives an end-of-support date.
    Unknown,
}

/// A release's support status on a date, with the lifecycle facts behind it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SupportStatus<'a> {
    /// The verdict.
    pub state: SupportState,
    /// Every end-of-support fact for this release.
    pub facts: Vec<&'a Lifecycle>,
}

/// Whether two manager versions can be paired, and which rule says so.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Pairing<'a> {
    /// The verdict.
    pub verdict: PairingVerdict,
    /// The rule that decided it; `None` when no rule applies.
    pub rule: Option<&'a PairingRule>,
}

/// What changes when a manager goes from one release to another.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Changes<'a> {
    /// Changes introduced after `from`, up to and including `to`.
    pub changes: Vec<&'a Change>,
    /// Deprecations and removals that take effect in that range.
    pub deprecations: Vec<&'a Deprecation>,
    /// Known issues affecting the target release.
    pub known_issues: Vec<&'a KnownIssue>,
    /// Whether the range crosses the Photon OS change (4.4.0): every mesh appliance must be upgraded.
    pub crosses_photon: bool,
}

impl Catalog {
    /// The release, if the catalog knows it.
    pub fn release(&self, v: &HcxVersion) -> Option<&Release> {
        self.release_index(v).map(|i| &self.data.releases[i])
    }

    /// Whether the catalog knows this release.
    pub fn is_known(&self, v: &HcxVersion) -> bool {
        self.release_index(v).is_some()
    }

    /// The newest release in the catalog.
    pub fn newest(&self) -> Option<&Release> {
        self.data.releases.last()
    }

    /// The support status of a release on a date.
    pub fn support_status(&self, v: &HcxVersion, on: Date) -> SupportStatus<'_> {
        let facts: Vec<&Lifecycle> = self.data.lifecycle.iter().filter(|l| v.matches(&l.applies_to)).collect();
        let ended = facts.iter().filter(|l| l.end_of_support <= on).count();
        let state = match (facts.len(), ended) {
            (0, _) => SupportState::Unknown,
            (_, 0) => SupportState::Supported,
            (n, e) if n == e => SupportState::OutOfSupport,
            _ => SupportState::Disputed,
        };
        SupportStatus { state, facts }
    }

    /// Whether two manager versions can be site-paired.
    pub fn can_pair(&self, a: &HcxVersion, b: &HcxVersion) -> Pairing<'_> {
        let applies = |r: &PairingRule| {
            if r.same_version {
                return a == b;
            }
            match (&r.a, &r.b) {
                (Some(x), Some(y)) => (a.matches(x) && b.matches(y)) || (b.matches(x) && a.matches(y)),
                _ => false,
            }
        };
        // An incompatibility outranks a compatibility when both apply.
        let mut rules: Vec<&PairingRule> = self.data.pairing.iter().filter(|r| applies(r)).collect();
        rules.sort_by_key(|r| r.verdict != PairingVerdict::Incompatible);
        match rules.first() {
            Some(r) => Pairing { verdict: r.verdict, rule: Some(r) },
            None => Pairing { verdict: PairingVerdict::Unknown, rule: None },
        }
    }

    /// What changes between two releases: new behaviour, deprecations, known issues of the target.
    pub fn changes_between(&self, from: &HcxVersion, to: &HcxVersion) -> Changes<'_> {
        let in_range = |v: &HcxVersion| v > from && v <= to;
        let changes: Vec<&Change> = self.data.changes.iter().filter(|c| in_range(&c.at)).collect();
        let crosses_photon = changes.iter().any(|c| c.kind == ChangeKind::PhotonOs);
        Changes {
            crosses_photon,
            changes,
            deprecations: self
                .data
                .deprecations
                .iter()
                .filter(|x| in_range(&x.since) && x.status != DeprecationStatus::Reintroduced)
                .collect(),
            known_issues: self
                .data
                .known_issues
                .iter()
                .filter(|k| k.affects.as_ref().is_some_and(|r| to.matches(r)))
                .collect(),
        }
    }

    /// Deprecations and removals in effect at a release (since on or before it). Reintroductions are not
    /// among them (see [`Catalog::reintroductions_at`]): a source saying a feature is back does not undo what
    /// another says about the upgrade that gets there.
    pub fn deprecations_at(&self, v: &HcxVersion) -> Vec<&Deprecation> {
        self.data.deprecations.iter().filter(|x| x.since <= *v && x.status != DeprecationStatus::Reintroduced).collect()
    }

    /// Features a source says are back in the product at a release (since on or before it).
    pub fn reintroductions_at(&self, v: &HcxVersion) -> Vec<&Deprecation> {
        self.data.deprecations.iter().filter(|x| x.since <= *v && x.status == DeprecationStatus::Reintroduced).collect()
    }

    /// Advisories a release is exposed to, with the fixed release of its line (if the line has one).
    pub fn advisories_affecting(&self, v: &HcxVersion) -> Vec<(&Advisory, Option<&HcxVersion>)> {
        let mut out = Vec::new();
        for a in &self.data.advisories {
            let same_line = a.fixed_in.iter().find(|f| f.line() == v.line());
            let oldest_fix = a.fixed_in.iter().min();
            match same_line {
                Some(fix) if v < fix => out.push((a, Some(fix))),
                Some(_) => {}
                // A line older than every fixed line has no fix of its own.
                None if oldest_fix.is_some_and(|f| v < f) => out.push((a, None)),
                None => {}
            }
        }
        out
    }

    /// What is known of a platform's handling of HCX.
    pub fn platform(&self, p: Platform) -> Option<&PlatformProfile> {
        self.data.platforms.iter().find(|x| x.platform == p)
    }

    /// The newest version a platform validates (deploys to new clouds), if listed.
    pub fn validated(&self, p: Platform) -> Option<&DeployedVersion> {
        self.platform(p)?.deployed.iter().max_by_key(|d| d.as_of)
    }

    /// The releases a platform offers its provider-owned managers, when the catalog lists them.
    pub fn offered(&self, p: Platform) -> Option<&super::OfferedReleases> {
        self.platform(p)?.offered.as_ref()
    }

    /// Whether the provider upgrades the Cloud Manager of this platform on a date.
    pub fn provider_upgrades_cloud(&self, p: Platform, on: Date) -> Option<&super::ProviderOwnership> {
        let o = self.platform(p)?.provider_upgrades_cloud_manager.as_ref()?;
        match o.since {
            Some(since) if since > on => None,
            _ => Some(o),
        }
    }

    /// The worst confidence of a set of facts, for summaries.
    pub fn weakest(confidences: impl IntoIterator<Item = Confidence>) -> Option<Confidence> {
        confidences.into_iter().max()
    }
}
