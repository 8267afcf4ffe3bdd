//! The interoperability catalog: releases, upgrade paths, pairing rules, changes, known issues,
//! advisories and platform facts, each with its sources and confidence.
//!
//! A catalog is bundled in the crate ([`Catalog::bundled`]), so everything works offline; a newer one can be
//! loaded from a file ([`Catalog::load`]) or, with the `remote-catalog` feature, from a URL.

mod model;
mod path;
mod query;

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

pub use model::*;
pub use path::{ForbiddenRoute, Hop, PathError, Uncataloged, UpgradePath};
pub use query::{Changes, Pairing, SupportState, SupportStatus};

use crate::version::HcxVersion;

/// The schema name of catalog documents.
pub const CATALOG_SCHEMA: &str = "hcx-catalog/v1";

const BUNDLED_JSON: &str = include_str!("../../data/catalog.json");

/// A catalog that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The document is not valid JSON or does not match the schema.
    #[error("invalid catalog{origin}: {path}: {message}")]
    Malformed {
        /// ` <file>` or empty.
        origin: String,
        /// The JSON path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The document breaks the catalog's own invariants.
    #[error("inconsistent catalog{origin}: {}", problems.join("; "))]
    Inconsistent {
        /// ` <file>` or empty.
        origin: String,
        /// Every invariant broken.
        problems: Vec<String>,
    },
    /// The file or URL could not be read.
    #[error("cannot read catalog {origin}: {message}")]
    Unreadable {
        /// The file or URL.
        origin: String,
        /// Why.
        message: String,
    },
}

impl CatalogError {
    fn with_origin(self, o: &str) -> Self {
        match self {
            CatalogError::Malformed { path, message, .. } => {
                CatalogError::Malformed { origin: format!(" {o}"), path, message }
            }
            CatalogError::Inconsistent { problems, .. } => {
                CatalogError::Inconsistent { origin: format!(" {o}"), problems }
            }
            other => other,
        }
    }
}

/// The interoperability catalog, validated and indexed for queries.
#[derive(Clone)]
pub struct Catalog {
    data: CatalogData,
    /// Outgoing route segments per release index, built once at load.
    edges: Vec<Vec<path::Edge>>,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field("schema", &self.data.schema)
            .field("as_of", &self.data.as_of)
            .field("releases", &self.data.releases.len())
            .field("paths", &self.data.paths.len())
            .finish_non_exhaustive()
    }
}

impl Catalog {
    /// The catalog bundled with this crate.
    ///
    /// # Panics
    /// Never in a released build: the bundled data is checked by the crate's tests.
    pub fn bundled() -> &'static Catalog {
        static BUNDLED: OnceLock<Catalog> = OnceLock::new();
        BUNDLED.get_or_init(|| match Catalog::from_json(BUNDLED_JSON) {
            Ok(c) => c,
            // The bundled JSON is a compile-time constant validated by `bundled_catalog_is_valid`.
            Err(e) => panic!("the bundled catalog is invalid: {e}"),
        })
    }

    /// The bundled catalog's JSON text.
    pub fn bundled_json() -> &'static str {
        BUNDLED_JSON
    }

    /// Parses and checks a catalog document.
    ///
    /// # Errors
    /// [`CatalogError::Malformed`] for JSON or schema errors (with the JSON path),
    /// [`CatalogError::Inconsistent`] for broken invariants (every one listed).
    pub fn from_json(text: &str) -> Result<Self, CatalogError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let mut data: CatalogData = serde_path_to_error::deserialize(de).map_err(|e| {
            let p = e.path().to_string();
            let p = p.trim_end_matches('?').trim_end_matches('.');
            CatalogError::Malformed {
                origin: String::new(),
                path: if p.is_empty() { "$".into() } else { format!("$.{p}") },
                message: e.inner().to_string(),
            }
        })?;
        data.releases.sort_by(|a, b| a.version.cmp(&b.version));
        check_invariants(&data)?;
        let edges = path::build_edges(&data);
        Ok(Self { data, edges })
    }

    /// Reads a catalog file.
    ///
    /// # Errors
    /// [`CatalogError`] naming the file.
    pub fn load(file: impl AsRef<Path>) -> Result<Self, CatalogError> {
        let file = file.as_ref();
        let origin = file.display().to_string();
        let text = std::fs::read_to_string(file)
            .map_err(|e| CatalogError::Unreadable { origin: origin.clone(), message: e.to_string() })?;
        Self::from_json(&text).map_err(|e| e.with_origin(&origin))
    }

    /// Downloads a catalog from an `https` URL (TLS verified).
    ///
    /// # Errors
    /// [`CatalogError::Unreadable`] on any transport error or non-success status, or the parse errors.
    #[cfg(feature = "remote-catalog")]
    pub async fn fetch(url: &str) -> Result<Self, CatalogError> {
        let unreadable = |message: String| CatalogError::Unreadable { origin: url.to_owned(), message };
        let client = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| unreadable(e.without_url().to_string()))?;
        let response = client.get(url).send().await.map_err(|e| unreadable(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(unreadable(format!("http status {status}")));
        }
        let text = response.text().await.map_err(|e| unreadable(e.without_url().to_string()))?;
        Self::from_json(&text).map_err(|e| e.with_origin(url))
    }

    /// The raw data.
    pub fn data(&self) -> &CatalogData {
        &self.data
    }

    /// The date the data was compiled.
    pub fn as_of(&self) -> time::Date {
        self.data.as_of
    }

    /// The catalog as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.data).unwrap_or_default()
    }

    /// All releases, oldest first.
    pub fn releases(&self) -> &[Release] {
        &self.data.releases
    }

    /// A source by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.data.sources.get(id)
    }

    pub(crate) fn release_index(&self, v: &HcxVersion) -> Option<usize> {
        self.data.releases.binary_search_by(|r| r.version.cmp(v)).ok()
    }
}

/// Checks that every reference resolves and every path rule leads forwards.
fn check_invariants(d: &CatalogData) -> Result<(), CatalogError> {
    let mut problems = Vec::new();
    if d.schema != CATALOG_SCHEMA {
        problems.push(format!("unsupported schema {:?} (expected {CATALOG_SCHEMA:?})", d.schema));
    }
    let known: HashSet<&HcxVersion> = d.releases.iter().map(|r| &r.version).collect();
    if known.len() != d.releases.len() {
        problems.push("releases lists a version twice".to_owned());
    }
    let mut evidence = |what: String, sources: &[String]| {
        if sources.is_empty() {
            problems.push(format!("{what} has no source"));
        }
        for s in sources {
            if !d.sources.contains_key(s) {
                problems.push(format!("{what} cites unknown source {s:?}"));
            }
        }
    };
    for r in &d.releases {
        let at = format!("release {}", r.version);
        evidence(at.clone(), &r.sources);
        if let Some(date) = &r.released {
            evidence(format!("{at} release date"), &date.sources);
        }
        for b in &r.builds {
            evidence(format!("{at} build {}", b.build), &b.sources);
        }
        for n in &r.notes {
            evidence(format!("{at} note"), &n.sources);
        }
    }
    for l in &d.lifecycle {
        evidence(format!("lifecycle {}", l.applies_to), &l.sources);
    }
    evidence("lifecycle policy".into(), &d.lifecycle_policy.sources);
    evidence("redeploy floor".into(), &d.redeploy_below.sources);
    for p in d.paths.iter().chain(&d.forbidden_paths) {
        evidence(format!("path rule {}", p.id), &p.sources);
    }
    for p in &d.pairing {
        evidence(format!("pairing rule {}", p.id), &p.sources);
    }
    evidence("pairing note".into(), &d.pairing_unknown_note.sources);
    for c in &d.changes {
        evidence(format!("change {}", c.id), &c.sources);
    }
    for x in &d.deprecations {
        evidence(format!("deprecation of {} in {}", x.feature, x.since), &x.sources);
    }
    for k in &d.known_issues {
        evidence(format!("known issue {}", k.id), &k.sources);
    }
    for a in &d.advisories {
        evidence(format!("advisory {}", a.id), &a.sources);
    }
    for p in &d.platforms {
        let at = format!("platform {}", p.platform);
        if let Some(o) = &p.provider_upgrades_cloud_manager {
            evidence(format!("{at} ownership"), &o.sources);
        }
        for (name, note) in
            [("backup", &p.config_backup), ("revert", &p.cloud_revert), ("bundles", &p.connector_bundles)]
        {
            if let Some(n) = note {
                evidence(format!("{at} {name}"), &n.sources);
            }
        }
        for s in [&p.upgrade_snapshot, &p.manual_snapshot].into_iter().flatten() {
            evidence(format!("{at} snapshot"), &s.sources);
        }
        for v in &p.deployed {
            evidence(format!("{at} deployed {}", v.version), &v.sources);
        }
    }
    for o in &d.downloads {
        evidence(format!("downloads of {} on {}", o.portal, o.as_of), &o.sources);
    }
    for r in &d.releases {
        if let Some(date) = &r.released {
            if date.date.is_some() == date.on_or_before.is_some() {
                problems.push(format!(
                    "release {} release date needs exactly one of \"date\" and \"on_or_before\"",
                    r.version
                ));
            }
            if date.precision.is_some() && date.date.is_none() {
                problems.push(format!("release {} release date has a precision but no \"date\"", r.version));
            }
        }
    }

    let mut ids = HashSet::new();
    for p in d.paths.iter().chain(&d.forbidden_paths) {
        if !ids.insert(p.id.as_str()) {
            problems.push(format!("path rule id {:?} is used twice", p.id));
        }
        for v in &p.via {
            if !known.contains(v) {
                problems.push(format!("path rule {} goes via unknown release {v}", p.id));
            }
        }
        if !p.via.windows(2).all(|w| w[0] < w[1]) {
            problems.push(format!("path rule {} has stepping stones out of order", p.id));
        }
        let targets: Vec<&HcxVersion> = known.iter().copied().filter(|v| v.matches(&p.target)).collect();
        if targets.is_empty() {
            problems.push(format!("path rule {} leads to no known release ({})", p.id, p.target));
            continue;
        }
        let forwards = known.iter().filter(|f| f.matches(&p.from)).any(|f| {
            let mut last = *f;
            for v in &p.via {
                if v <= last {
                    return false;
                }
                last = v;
            }
            targets.iter().any(|t| *t > last)
        });
        if !forwards {
            problems.push(format!("path rule {} never leads forwards (from {} to {})", p.id, p.from, p.target));
        }
    }
    let mut versions = |what: String, v: &HcxVersion| {
        if !known.contains(v) {
            problems.push(format!("{what} names unknown release {v}"));
        }
    };
    for k in &d.known_issues {
        if let Some(v) = &k.fixed_in {
            versions(format!("known issue {}", k.id), v);
        }
    }
    for a in &d.advisories {
        for v in &a.fixed_in {
            versions(format!("advisory {}", a.id), v);
        }
    }
    for x in &d.deprecations {
        versions(format!("deprecation of {}", x.feature), &x.since);
    }
    for c in &d.changes {
        versions(format!("change {}", c.id), &c.at);
    }
    for p in &d.platforms {
        for v in &p.deployed {
            versions(format!("platform {} deployed list", p.platform), &v.version);
        }
    }
    for o in &d.downloads {
        for v in &o.versions {
            versions(format!("downloads of {} on {}", o.portal, o.as_of), v);
        }
    }
    versions("redeploy floor".into(), &d.redeploy_below.version);

    if problems.is_empty() { Ok(()) } else { Err(CatalogError::Inconsistent { origin: String::new(), problems }) }
}

#[cfg(test)]
mod tests;
