//! Every fact the catalog holds about one release, for `hcx catalog show`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    Advisory, Catalog, Change, DeployedVersion, Deprecation, DownloadOffer, KnownIssue, PathRule, Release, Source,
    SupportStatus,
};
use crate::fleet::Platform;
use crate::version::HcxVersion;

/// Every fact about one version, each with its sources.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ReleaseFacts<'a> {
    /// The version asked about.
    pub version: HcxVersion,
    /// The release entry (dates, builds, notes); `None` when the catalog does not list the version.
    pub release: Option<&'a Release>,
    /// Its support status on the date asked.
    pub support: SupportStatus<'a>,
    /// Rules whose source range covers the version.
    pub paths_from: Vec<&'a PathRule>,
    /// Rules that lead to it (target range or stepping stone).
    pub paths_to: Vec<&'a PathRule>,
    /// Forbidden routes from or to it.
    pub forbidden: Vec<&'a PathRule>,
    /// Known issues that affect it or are fixed in it.
    pub known_issues: Vec<&'a KnownIssue>,
    /// Advisories it is exposed to, or that it fixes.
    pub advisories: Vec<&'a Advisory>,
    /// Changes it introduces.
    pub changes: Vec<&'a Change>,
    /// Deprecations, removals and reintroductions that take effect at it.
    pub deprecations: Vec<&'a Deprecation>,
    /// Platforms that deployed it to new clouds.
    pub deployed: Vec<(Platform, &'a DeployedVersion)>,
    /// Download portals that offered it.
    pub downloads: Vec<&'a DownloadOffer>,
    /// Every source cited above, by id.
    pub sources: BTreeMap<&'a str, &'a Source>,
}

impl Catalog {
    /// Every fact about one version, with the sources they cite; support is judged on `on`.
    pub fn facts_about(&self, v: &HcxVersion, on: time::Date) -> ReleaseFacts<'_> {
        let d = &self.data;
        let release = self.release(v);
        let forbidden: Vec<&PathRule> =
            d.forbidden_paths.iter().filter(|r| v.matches(&r.from) || v.matches(&r.target)).collect();
        let advisories: Vec<&Advisory> = d
            .advisories
            .iter()
            .filter(|a| {
                a.fixed_in.contains(v)
                    || a.affects.iter().any(|r| v.matches(r))
                    || self.advisories_affecting(v).iter().any(|(x, _)| x.id == a.id)
            })
            .collect();
        let mut facts = ReleaseFacts {
            version: v.without_build(),
            release,
            support: self.support_status(v, on),
            paths_from: d.paths.iter().filter(|r| v.matches(&r.from)).collect(),
            paths_to: d.paths.iter().filter(|r| v.matches(&r.target) || r.via.contains(v)).collect(),
            forbidden,
            known_issues: d
                .known_issues
                .iter()
                .filter(|k| k.affects.as_ref().is_some_and(|r| v.matches(r)) || k.fixed_in.as_ref() == Some(v))
                .collect(),
            advisories,
            changes: d.changes.iter().filter(|c| c.at == *v).collect(),
            deprecations: d.deprecations.iter().filter(|x| x.since == *v).collect(),
            deployed: d
                .platforms
                .iter()
                .flat_map(|p| p.deployed.iter().filter(|x| x.version == *v).map(|x| (p.platform, x)))
                .collect(),
            downloads: d.downloads.iter().filter(|o| o.versions.contains(v)).collect(),
            sources: BTreeMap::new(),
        };
        let mut cited: Vec<&str> = Vec::new();
        if let Some(r) = release {
            cited.extend(r.sources.iter().map(String::as_str));
            cited.extend(r.released.iter().flat_map(|x| x.sources.iter().map(String::as_str)));
            cited.extend(r.builds.iter().flat_map(|x| x.sources.iter().map(String::as_str)));
            cited.extend(r.notes.iter().flat_map(|x| x.sources.iter().map(String::as_str)));
        }
        cited.extend(facts.support.facts.iter().flat_map(|x| x.sources.iter().map(String::as_str)));
        for r in facts.paths_from.iter().chain(&facts.paths_to).chain(&facts.forbidden) {
            cited.extend(r.sources.iter().map(String::as_str));
        }
        cited.extend(facts.known_issues.iter().flat_map(|x| x.sources.iter().map(String::as_str)));
        cited.extend(facts.advisories.iter().flat_map(|x| x.sources.iter().map(String::as_str)));
        cited.extend(facts.changes.iter().flat_map(|x| x.sources.iter().map(String::as_str)));
        cited.extend(facts.deprecations.iter().flat_map(|x| x.sources.iter().map(String::as_str)));
        cited.extend(facts.deployed.iter().flat_map(|(_, x)| x.sources.iter().map(String::as_str)));
        cited.extend(facts.downloads.iter().flat_map(|x| x.sources.iter().map(String::as_str)));
        for id in cited {
            if let Some((k, s)) = d.sources.get_key_value(id) {
                facts.sources.insert(k.as_str(), s);
            }
        }
        facts
    }
}
