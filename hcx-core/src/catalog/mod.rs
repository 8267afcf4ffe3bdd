//! The interoperability catalog: releases, upgrade paths, pairing rules, changes, known issues,
//! advisories and platform facts, each with its sources and confidence.
//!
//! A catalog is bundled in the crate ([`Catalog::bundled`]), so everything works offline; a newer one can be
//! loaded from a file ([`Catalog::load`]) or, with the `remote-catalog` feature, from a URL.

mod diff;
#[cfg(feature = "remote-catalog")]
mod fetch;
mod model;
mod path;
mod query;
mod show;
mod validate;

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

pub use diff::{DiffEntry, DiffKind};
#[cfg(feature = "remote-catalog")]
pub use fetch::{FetchOptions, Fetched, MAX_CATALOG_BYTES};
pub use model::*;
pub use path::{ForbiddenRoute, Hop, PathError, Uncataloged, UpgradePath};
pub use query::{Changes, Pairing, SupportState, SupportStatus};
pub use show::ReleaseFacts;

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
        /// The I/O or transport error, when there is one (a refused HTTP status has none).
        #[source]
        cause: Option<Cause>,
    },
    /// A fetch was refused before the document was looked at: a scheme, redirect, size or digest that a
    /// trusted catalog cannot have.
    #[error("refused catalog {origin}: {reason}")]
    Refused {
        /// The URL.
        origin: String,
        /// Why.
        reason: String,
    },
    /// The document breaks the schema or the invariants; every problem is listed.
    #[error("invalid catalog {origin}: {} problem(s): {}", problems.len(), problems.join("; "))]
    Invalid {
        /// The file or URL.
        origin: String,
        /// Every problem, schema problems with their JSON path.
        problems: Vec<String>,
    },
    /// The catalog could not be written as JSON.
    #[error("cannot write the catalog as json: {message}")]
    Unserializable {
        /// Why.
        message: String,
    },
}

/// The error behind a [`CatalogError::Unreadable`], shared so that catalog errors stay `Clone`; it shows and
/// chains as the error it holds. Two causes are equal when they say the same.
#[derive(Clone, Debug)]
pub struct Cause(std::sync::Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    /// Wraps an error.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(std::sync::Arc::new(e))
    }

    /// The error itself, to downcast (to [`std::io::Error`], say).
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for Cause {}

impl CatalogError {
    /// A file or URL that could not be read, keeping the error as its [`source`](std::error::Error::source).
    pub fn unreadable(origin: impl Into<String>, e: impl std::error::Error + Send + Sync + 'static) -> Self {
        CatalogError::Unreadable { origin: origin.into(), message: e.to_string(), cause: Some(Cause::new(e)) }
    }

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

/// Reads a catalog file under a cap; the error names the file and keeps the I/O error (or, for a file too large
/// or not UTF-8, the [`InputError`](crate::input::InputError)) as its cause.
///
/// # Errors
/// [`CatalogError::Unreadable`].
pub fn read_capped(file: &Path, max_bytes: u64) -> Result<String, CatalogError> {
    use crate::input::InputError;
    let origin = file.display().to_string();
    crate::input::read_file_capped(file, max_bytes).map_err(|e| match e {
        // The I/O error itself, as before the cap: callers downcast it to tell a missing file.
        InputError::Io(io) => CatalogError::unreadable(origin, io),
        e @ (InputError::TooLarge { .. } | InputError::Utf8(_)) => CatalogError::unreadable(origin, e),
    })
}

/// The interoperability catalog, validated and indexed for queries.
#[derive(Clone)]
pub struct Catalog {
    data: CatalogData,
    /// Outgoing route segments per release index, built once at load.
    edges: Vec<Vec<path::Edge>>,
    /// `sha256:` and the SHA-256 of the canonical JSON.
    digest: String,
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

/// Two catalogs are equal when they hold the same facts.
impl PartialEq for Catalog {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}

impl Eq for Catalog {}

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
        let data: CatalogData = serde_path_to_error::deserialize(de).map_err(|e| {
            let p = e.path().to_string();
            let p = p.trim_end_matches('?').trim_end_matches('.');
            CatalogError::Malformed {
                origin: String::new(),
                path: if p.is_empty() { "$".into() } else { format!("$.{p}") },
                message: e.inner().to_string(),
            }
        })?;
        Self::from_data(data)
    }

    /// Checks and indexes parsed data.
    fn from_data(mut data: CatalogData) -> Result<Self, CatalogError> {
        data.releases.sort_by(|a, b| a.version.cmp(&b.version));
        check_invariants(&data)?;
        let edges = path::build_edges(&data);
        // The same digest a plan records for its catalog: one definition of canonical JSON for both.
        let digest = crate::plan::digest_of(&data, "the catalog")
            .map_err(|e| CatalogError::Unserializable { message: e.to_string() })?;
        Ok(Self { data, edges, digest })
    }

    /// Every problem of a catalog document: schema problems (each with its JSON path), or, when it parses,
    /// every broken invariant. Empty when the document is a valid catalog.
    pub fn validate(text: &str) -> Vec<String> {
        match validate::schema_problems(text) {
            Err(problems) => problems,
            Ok(mut data) => {
                data.releases.sort_by(|a, b| a.version.cmp(&b.version));
                match check_invariants(&data) {
                    Err(CatalogError::Inconsistent { problems, .. }) => problems,
                    Err(other) => vec![other.to_string()],
                    Ok(()) => Vec::new(),
                }
            }
        }
    }

    /// Parses a document, or lists every problem it has ([`CatalogError::Invalid`] naming `origin`).
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] with every problem [`Catalog::validate`] finds.
    pub fn from_json_checked(text: &str, origin: &str) -> Result<Self, CatalogError> {
        Self::from_json(text)
            .map_err(|_| CatalogError::Invalid { origin: origin.to_owned(), problems: Self::validate(text) })
    }

    /// `sha256:` and the SHA-256 of the catalog's canonical JSON (sorted keys, no whitespace, releases sorted;
    /// see [`crate::plan::canonical_json`]): the same facts give the same digest whatever the file's formatting,
    /// and it is the catalog digest a plan records. Not the digest of a file's bytes.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The full catalog document, pretty JSON ending in a newline: loading it gives an equal catalog.
    ///
    /// # Errors
    /// [`CatalogError::Unserializable`] if the data cannot be written (never for a loaded catalog).
    pub fn export(&self) -> Result<String, CatalogError> {
        let mut text = serde_json::to_string_pretty(&self.data)
            .map_err(|e| CatalogError::Unserializable { message: e.to_string() })?;
        text.push('\n');
        Ok(text)
    }

    /// Reads a catalog file of at most [`DEFAULT_MAX_INPUT_BYTES`](crate::input::DEFAULT_MAX_INPUT_BYTES).
    ///
    /// # Errors
    /// [`CatalogError`] naming the file.
    pub fn load(file: impl AsRef<Path>) -> Result<Self, CatalogError> {
        Self::load_capped(file, crate::input::DEFAULT_MAX_INPUT_BYTES)
    }

    /// [`Catalog::load`] with another size cap, in bytes. A larger file, or a stream with no end such as
    /// `/dev/zero`, is [`CatalogError::Unreadable`] with the [`InputError`](crate::input::InputError) as its
    /// cause, and nothing past the cap is read.
    ///
    /// # Errors
    /// [`CatalogError`] naming the file.
    pub fn load_capped(file: impl AsRef<Path>, max_bytes: u64) -> Result<Self, CatalogError> {
        let file = file.as_ref();
        let origin = file.display().to_string();
        let text = read_capped(file, max_bytes)?;
        Self::from_json(&text).map_err(|e| e.with_origin(&origin))
    }

    /// The raw data.
    pub fn data(&self) -> &CatalogData {
        &self.data
    }

    /// The date the data was compiled.
    pub fn as_of(&self) -> time::Date {
        self.data.as_of
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

/// Lowercase hex SHA-256.
#[cfg(feature = "remote-catalog")]
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
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
    {
        let mut evidence = |what: String, sources: &[String]| cited(d, &mut problems, &what, sources);
        fact_evidence(d, &mut evidence);
        platform_evidence(d, &mut evidence);
    }
    release_dates(d, &mut problems);
    path_rules(d, &known, &mut problems);
    {
        let mut versions = |what: String, v: &HcxVersion| {
            if !known.contains(v) {
                problems.push(format!("{what} names unknown release {v}"));
            }
        };
        version_references(d, &mut versions);
    }
    if problems.is_empty() { Ok(()) } else { Err(CatalogError::Inconsistent { origin: String::new(), problems }) }
}

/// A fact without a source, or citing one the catalog does not list.
fn cited(d: &CatalogData, problems: &mut Vec<String>, what: &str, sources: &[String]) {
    if sources.is_empty() {
        problems.push(format!("{what} has no source"));
    }
    for s in sources {
        if !d.sources.contains_key(s) {
            problems.push(format!("{what} cites unknown source {s:?}"));
        }
    }
}

/// The sources of releases, lifecycle, paths, pairing, changes, deprecations, issues and advisories.
fn fact_evidence(d: &CatalogData, evidence: &mut impl FnMut(String, &[String])) {
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
        if let Some(n) = &p.full_upgrade {
            evidence(format!("path rule {} full upgrade", p.id), &n.sources);
        }
        if let Some(r) = &p.remove_first {
            evidence(format!("path rule {} removals", p.id), &r.sources);
        }
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
}

/// The sources of every platform fact and download list.
fn platform_evidence(d: &CatalogData, evidence: &mut impl FnMut(String, &[String])) {
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
        if let Some(o) = &p.offered {
            evidence(format!("{at} offered releases"), &o.sources);
        }
    }
    for o in &d.downloads {
        evidence(format!("downloads of {} on {}", o.portal, o.as_of), &o.sources);
    }
}

/// A release date has exactly one of `date` and `on_or_before`, and a precision only with a date.
fn release_dates(d: &CatalogData, problems: &mut Vec<String>) {
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
}

/// Path rules: unique ids, known and ordered stepping stones, a known target, a way forwards.
fn path_rules(d: &CatalogData, known: &HashSet<&HcxVersion>, problems: &mut Vec<String>) {
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
}

/// Releases named by issues, advisories, deprecations, changes, platforms, downloads and the floor.
fn version_references(d: &CatalogData, versions: &mut impl FnMut(String, &HcxVersion)) {
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
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod cap_tests {
    use super::*;
    use crate::input::InputError;

    #[test]
    fn a_catalog_file_over_the_cap_is_refused_naming_the_file() {
        let dir = std::env::temp_dir().join(format!("hcx-catalog-cap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let f = dir.join("big.json");
        std::fs::write(&f, Catalog::bundled_json()).expect("write");
        let limit = 100;
        let e = Catalog::load_capped(&f, limit).expect_err("over the cap");
        assert!(e.to_string().starts_with(&format!("cannot read catalog {}: input is larger", f.display())), "{e}");
        let CatalogError::Unreadable { cause: Some(cause), .. } = &e else { panic!("{e:?}") };
        assert!(matches!(cause.get().downcast_ref::<InputError>(), Some(InputError::TooLarge { limit: 100 })), "{e:?}");
        assert_eq!(Catalog::load(&f).expect("under the default cap"), *Catalog::bundled());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[cfg(unix)]
    #[test]
    fn a_stream_with_no_end_is_refused_at_the_cap() {
        let e = Catalog::load("/dev/zero").expect_err("never ends");
        let CatalogError::Unreadable { origin, cause: Some(cause), .. } = &e else { panic!("{e:?}") };
        assert_eq!(origin, "/dev/zero");
        assert!(matches!(cause.get().downcast_ref::<InputError>(), Some(InputError::TooLarge { .. })), "{e:?}");
    }
}
